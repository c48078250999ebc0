// The controller's configuration, read once from the Lambda environment: where rollouts are
// stored, which policies apply, where lifecycle events go and which queue wakes rollouts precisely. A missing or wrong setting fails
// the cold start with a message saying which variable and how to fix it.
// Not the '../aws' barrel: it imports every adapter and the CLI's createAwsClients statically, which would
// put the adapters and the SageMaker, CloudWatch, Application Auto Scaling and EventBridge packages in the
// Lambda's init chunks; here every adapter and every client but DynamoDB's loads on first use.
import { createControllerClients } from '../aws/clients';
import { controllerAdapters } from '../aws/controller-adapters';
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
// The store's modules, not the '../store' barrel (which imports the file and memory stores statically).
import type { RolloutStore } from '../engine/ports';
import { DynamoRolloutStore } from '../store/dynamodb';
import { parseStoreSetting } from '../store/setting';

export interface Warn {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The store ROLLOUT_STORE names. The file and memory stores are imported only when named: a function that
 * stores in DynamoDB (the stack's) does not load their code at init. The CLI builds its store with
 * storeFromSetting (src/store/from-setting.ts), which reads the setting the same way.
 */
export async function controllerStore(
  setting: string | undefined,
  dynamo: () => ConstructorParameters<typeof DynamoRolloutStore>[0],
): Promise<RolloutStore> {
  const parsed = parseStoreSetting(setting, 'ROLLOUT_STORE');
  switch (parsed.kind) {
    case 'dynamodb':
      return new DynamoRolloutStore(dynamo(), parsed.table);
    case 'file':
      return new (await import('../store/file.js')).FileRolloutStore(parsed.dir);
    case 'memory':
      return new (await import('../store/memory.js')).MemoryRolloutStore();
  }
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
  const store = await controllerStore(env.ROLLOUT_STORE, () => clients.dynamodb);
  const policies = policyLookup(loadDeployedPolicies(policiesFile));
  const bus = env.ROLLOUT_EVENT_BUS?.trim();
  if (!bus) log.warn('ROLLOUT_EVENT_BUS is not set: lifecycle events are not published');
  const queueUrl = wakeUpQueueUrl(env);
  if (!queueUrl) {
    log.warn('ROLLOUT_WAKE_UP_QUEUE_URL is not set: rollouts are woken by the one-minute schedule alone');
  }
  const { events, ...adapters } = controllerAdapters(clients, {
    busName: bus ?? '',
    ...(queueUrl ? { queueUrl } : {}),
    clock: systemClock,
  });
  return {
    store,
    policies,
    ...adapters,
    events: bus ? events : NO_EVENTS,
    clock: systemClock,
  };
}
