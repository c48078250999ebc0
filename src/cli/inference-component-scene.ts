// The simulated account of an inference-component rollout (the demo's `--scenario inference-component`
// and the scenario tests): a team's LLM endpoint that hosts one component on GPU instances, its model
// in a VPC with the team's tags, the team's alarm on the component's own error rate, and the policy
// that rolls a newly approved version onto the component with SageMaker's rolling update; and the
// demo's account built from them.
import { policyLookup } from '../handlers/environment';
import { compilePlan, formatDuration, summarizePlan } from '../plan';
import { parsePolicies } from '../policy';
import { COPY_BATCH_MS, createSimCloud, type ModelBehaviour, type SimCloud } from '../sim';
import { packageLabel } from './render';
import {
  BAD_MODEL,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from './simulated-environment';

export const IC_SCENE = {
  endpoint: 'support-llm',
  component: 'chat-assistant',
  group: 'support-chat',
  /** The team's alarm: the component's 5XX rate (dimension InferenceComponentName) above 5%. */
  alarm: 'chat-assistant-5xx',
  role: 'arn:aws:iam::123456789012:role/support-sagemaker-exec',
  instanceType: 'ml.g5.12xlarge',
  instances: 2,
  copies: 4,
  requestsPerMinute: 600,
  servingModel: 'chat-assistant-v1',
  /** Four copies, one per batch, each baked three minutes: the plan a rolling update runs as written. */
  strategy: 'linear(25, 3m)',
} as const;

const VPC = {
  SecurityGroupIds: ['sg-0c1d2e3f4a5b6c7d8'],
  Subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
};

export interface InferenceComponentScene {
  sim: SimCloud;
  servingPackageArn: string;
  /** Registers and approves a new version of the group with the given health; returns its ARN. */
  approveNewVersion(behaviour: ModelBehaviour): string;
}

/**
 * A new simulated cloud with the scene in it, its components already InService. Build it before the
 * simulated EventBridge listens (createSimulatedEnvironment({ cloud })), so the serving version's
 * approval starts nothing.
 */
export async function createInferenceComponentScene(seed = 7): Promise<InferenceComponentScene> {
  const sim = createSimCloud({ seed });
  const servingPackageArn = sim.registerModelPackage({
    groupName: IC_SCENE.group,
    approvalStatus: 'Approved',
    behaviour: HEALTHY_MODEL,
  });
  await sim.sagemaker.createModel({
    modelName: IC_SCENE.servingModel,
    modelPackageArn: servingPackageArn,
    executionRoleArn: IC_SCENE.role,
    vpcConfig: VPC,
    environment: { MAX_INPUT_TOKENS: '4096' },
    tags: [
      { key: 'team', value: 'support' },
      { key: 'cost-centre', value: 'cc-4411' },
    ],
  });
  sim.createComponentHostingEndpoint({
    endpointName: IC_SCENE.endpoint,
    instanceType: IC_SCENE.instanceType,
    instanceCount: IC_SCENE.instances,
    executionRoleArn: IC_SCENE.role,
    managedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 4 },
    routingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
  });
  sim.createInferenceComponent({
    inferenceComponentName: IC_SCENE.component,
    endpointName: IC_SCENE.endpoint,
    specification: {
      modelName: IC_SCENE.servingModel,
      computeResourceRequirements: {
        numberOfAcceleratorDevicesRequired: 1,
        numberOfCpuCoresRequired: 4,
        minMemoryRequiredInMb: 16_384,
      },
      extra: { StartupParameters: { ModelDataDownloadTimeoutInSeconds: 1200 } },
    },
    copyCount: IC_SCENE.copies,
  });
  sim.setComponentRequestsPerMinute(IC_SCENE.component, IC_SCENE.requestsPerMinute);
  sim.createMetricAlarm({
    alarmName: IC_SCENE.alarm,
    namespace: 'AWS/SageMaker',
    metricName: 'Invocation5XXErrors',
    dimensions: [{ name: 'InferenceComponentName', value: IC_SCENE.component }],
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  });
  // The copies come up (one batch time) and serve a few minutes before anything is approved.
  sim.clock.advanceBy(COPY_BATCH_MS + 5 * 60_000);
  return {
    sim,
    servingPackageArn,
    approveNewVersion(behaviour) {
      const arn = sim.registerModelPackage({ groupName: IC_SCENE.group, behaviour });
      sim.setModelPackageApproval(arn, 'Approved');
      return arn;
    },
  };
}

/** The scene's policy, as a policies file says it: the group deploys onto the component, not the endpoint's variant. */
export function inferenceComponentPolicy(
  options: { strategy?: string; finalBake?: string; maxDuration?: string } = {},
) {
  return {
    modelPackageGroup: IC_SCENE.group,
    endpoint: IC_SCENE.endpoint,
    inferenceComponent: IC_SCENE.component,
    strategy: options.strategy ?? IC_SCENE.strategy,
    ...(options.finalBake ? { finalBake: options.finalBake } : {}),
    ...(options.maxDuration ? { maxDuration: options.maxDuration } : {}),
    alarms: [IC_SCENE.alarm],
    executionRoleArn: IC_SCENE.role,
    onNewerApproval: 'supersede',
  };
}

/**
 * The demo's account for `--scenario inference-component`: the scene, the controller deployed with
 * its policy (the plan's bakes plus two hours to finish), and a new version approved. Says what it
 * set up through `print`; `describeEnd` is the line the demo ends with.
 */
export async function inferenceComponentDemoAccount(options: {
  bad: boolean;
  seed: number;
  speed: number;
  strategy?: string;
  finalBake?: string;
  print: (line: string) => void;
}): Promise<{ env: SimulatedEnvironment; packageArn: string; describeEnd: () => string | undefined }> {
  const strategy = options.strategy ?? IC_SCENE.strategy;
  // Checked as a start request would check it, so an error names --strategy or --final-bake.
  const plan = compilePlan(strategy, { finalBake: options.finalBake });
  const bakesMs = summarizePlan(plan).bakeTotalMs;
  const policies = policyLookup(
    parsePolicies(
      JSON.stringify({
        policies: [
          inferenceComponentPolicy({
            strategy,
            ...(options.finalBake ? { finalBake: options.finalBake } : {}),
            maxDuration: formatDuration(bakesMs + 2 * 60 * 60_000),
          }),
        ],
      }),
      'demo policy',
    ),
  );
  const scene = await createInferenceComponentScene(options.seed);
  const env = createSimulatedEnvironment({ cloud: scene.sim, policies, speed: options.speed });
  options.print(
    `Simulated endpoint ${IC_SCENE.endpoint} (${IC_SCENE.instances} × ${IC_SCENE.instanceType}) hosts inference component ` +
      `${IC_SCENE.component}: ${IC_SCENE.copies} copies of ${IC_SCENE.servingModel}, ${IC_SCENE.requestsPerMinute} requests/min; ` +
      `the team's alarm ${IC_SCENE.alarm} watches the component's error rate (InferenceComponentName)`,
  );
  const behaviour = options.bad ? BAD_MODEL : HEALTHY_MODEL;
  const packageArn = scene.approveNewVersion(behaviour);
  options.print(
    `New version approved in the Model Registry: ${packageLabel(packageArn)} (${(behaviour.errorRate * 100).toFixed(1)}% errors, ` +
      `~${behaviour.latencyMs} ms); the policy rolls it onto ${IC_SCENE.component} with ${strategy}`,
  );
  return {
    env,
    packageArn,
    describeEnd: () => {
      const component = scene.sim.inferenceComponent(IC_SCENE.component);
      return component
        ? `Inference component ${IC_SCENE.component} now: ${component.status}, serving ` +
            component.copiesByModel.map((c) => `${c.copies} × ${c.model}`).join(', ')
        : undefined;
    },
  };
}
