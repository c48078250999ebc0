// The controller's configuration, read once from the Lambda environment: where rollouts are
// stored, which policies apply, where lifecycle events go and which queue wakes rollouts precisely. A missing or wrong setting fails
// the cold start with a message saying which variable and how to fix it.
import {
  ApplicationAutoScalingScalingControl,
  createControllerClients,
  CloudWatchAlarmControl,
  CloudWatchMetricReader,
  EventBridgeLifecyclePublisher,
  S3ObjectReader,
  SageMakerEndpointControl,
  SageMakerInferenceComponentControl,
  SqsWakeUpScheduler,
  SageMakerRuntimeInvoker,
} from '../aws';
import { SmRolloutError } from '../errors';
// The engine's modules, not its barrel (which also exports the rollout engine: see controller.ts).
import { systemClock } from '../engine/clock';
import type { ControllerDeps, PolicyLookup, RolloutPolicy } from '../engine/controller';
import type { LifecyclePublisher } from '../engine/ports';
// Not the '../policy' barrel: it re-exports the YAML reader, and the yaml package (not free of side
// effects) would then be bundled into the Lambda although the Lambda reads JSON only.
import { loadDeployedPolicies } from '../policy/deployed';
import { policyStartRequest, type PolicySet } from '../policy/policy-set';
import type { Policy } from '../policy/schema';
import { DynamoRolloutStore, FileRolloutStore, MemoryRolloutStore, type RolloutStore } from '../store';

export interface Warn {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** `dynamodb:<table>`, `file:<dir>` or `memory`; `name` is where the setting came from, for the error. */
export function storeFromSetting(
  setting: string | undefined,
  dynamo: () => ConstructorParameters<typeof DynamoRolloutStore>[0],
  name = 'ROLLOUT_STORE',
): RolloutStore {
  const value = setting?.trim() ?? '';
  if (value.startsWith('dynamodb:') && value.length > 'dynamodb:'.length) {
    return new DynamoRolloutStore(dynamo(), value.slice('dynamodb:'.length));
  }
  if (value.startsWith('file:') && value.length > 'file:'.length)
    return new FileRolloutStore(value.slice('file:'.length));
  if (value === 'memory') return new MemoryRolloutStore();
  throw new SmRolloutError(
    'INVALID_INPUT',
    `${name}: "${value}" is not a store; use dynamodb:<table>, file:<dir> or memory`,
    { field: name },
  );
}

function asRolloutPolicy(policy: Policy): RolloutPolicy {
  return {
    modelPackageGroup: policy.modelPackageGroup,
    endpoint: policy.endpoint,
    onNewerApproval: policy.onNewerApproval,
    toStartRequest: (modelPackageArn, requestedBy) =>
      policyStartRequest(policy, modelPackageArn, requestedBy),
  };
}

/** The controller's view of a policy file. */
export function policyLookup(set: PolicySet): PolicyLookup {
  return {
    forGroup: (group) => {
      const policy = set.forGroup(group);
      return policy && asRolloutPolicy(policy);
    },
    forEndpoint: (endpointName) => {
      const policy = set.forEndpoint(endpointName);
      return policy && asRolloutPolicy(policy);
    },
  };
}

const NO_EVENTS: LifecyclePublisher = { publish: async () => undefined };

/** The wake-up queue's URL from ROLLOUT_WAKE_UP_QUEUE_URL; undefined (schedule only) when unset. */
export function wakeUpQueueUrl(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.ROLLOUT_WAKE_UP_QUEUE_URL?.trim();
  if (!value) return undefined;
  if (!/^https:\/\/\S+\/\d{12}\/[\w-]{1,80}$/.test(value)) {
    throw new SmRolloutError(
      'INVALID_INPUT',
      `ROLLOUT_WAKE_UP_QUEUE_URL: "${value}" is not an SQS queue URL; set it to the queue's URL ` +
        '(https://sqs.<region>.amazonaws.com/<account>/<queue>), as the stack does, or unset it to wake rollouts by the schedule alone',
      { field: 'ROLLOUT_WAKE_UP_QUEUE_URL' },
    );
  }
  return value;
}

export async function controllerDepsFromEnvironment(
  env: NodeJS.ProcessEnv,
  log: Warn,
): Promise<Omit<ControllerDeps, 'log' | 'count'>> {
  const policiesFile = env.ROLLOUT_POLICIES_FILE;
  if (!policiesFile) {
    throw new SmRolloutError(
      'INVALID_INPUT',
      'ROLLOUT_POLICIES_FILE is not set; point it at the policies JSON shipped with the function (e.g. /var/task/policies.json)',
      { field: 'ROLLOUT_POLICIES_FILE' },
    );
  }
  const clients = createControllerClients({});
  const store = storeFromSetting(env.ROLLOUT_STORE, () => clients.dynamodb);
  const policies = policyLookup(loadDeployedPolicies(policiesFile));
  const bus = env.ROLLOUT_EVENT_BUS?.trim();
  if (!bus) log.warn('ROLLOUT_EVENT_BUS is not set: lifecycle events are not published');
  const queueUrl = wakeUpQueueUrl(env);
  if (!queueUrl) {
    log.warn('ROLLOUT_WAKE_UP_QUEUE_URL is not set: rollouts are woken by the one-minute schedule alone');
  }
  return {
    store,
    policies,
    endpoints: new SageMakerEndpointControl(clients.sagemaker),
    components: new SageMakerInferenceComponentControl(clients.sagemaker),
    alarms: new CloudWatchAlarmControl(clients.cloudwatch),
    metrics: new CloudWatchMetricReader(clients.cloudwatch),
    scaling: new ApplicationAutoScalingScalingControl(clients.autoscaling),
    invoker: new SageMakerRuntimeInvoker(clients.runtime),
    objects: new S3ObjectReader(clients.s3),
    events: bus ? new EventBridgeLifecyclePublisher(clients.eventbridge, bus) : NO_EVENTS,
    ...(queueUrl ? { wakeUps: new SqsWakeUpScheduler(clients.sqs, queueUrl, systemClock) } : {}),
    clock: systemClock,
  };
}
