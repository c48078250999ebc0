// The start of an inference-component rollout against the simulated cloud: the component a policy
// names is read with what it sits on, a component that cannot take a rolling update is refused with
// the field and the fix (nothing written), and the draft carries the serving model's network settings,
// Environment and tags into the new model, keeps the copy count (and so copy-count scaling) as it is,
// and rolls back to the exact Specification serving now.
import { isSmRolloutError } from '../../src/errors';
import {
  draftInferenceComponentRollout,
  readInferenceComponentTarget,
  startInferenceComponentRollout,
  type InferenceComponentTarget,
} from '../../src/engine/inference-component-rollout';
import { refusedWhileSettling } from '../../src/engine/effects';
import { compilePlan } from '../../src/plan';
import { COPY_BATCH_MS, createSimCloud, type SimCloud } from '../../src/sim';
import { MUTATING_CALL } from '../scenarios/harness';

const ROLE = 'arn:aws:iam::123456789012:role/support-sagemaker-exec';
const ENDPOINT = 'support-llm';
const COMPONENT = 'chat-assistant';
const VPC = { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-11111111', 'subnet-22222222'] };
const RESOURCES = {
  numberOfAcceleratorDevicesRequired: 1,
  numberOfCpuCoresRequired: 4,
  minMemoryRequiredInMb: 16_384,
};

interface Scene {
  cloud: SimCloud;
  v2: string;
  pending: string;
}

/**
 * A team's LLM endpoint: two GPU instances with managed instance scaling, a 4-copy component on
 * chat-v1 (in a VPC, network-isolated, with its own Environment and tags), and a newer approved version.
 */
async function scene(copyCount = 4): Promise<Scene> {
  const cloud = createSimCloud({ seed: 11 });
  const v1 = cloud.registerModelPackage({
    groupName: 'chat',
    approvalStatus: 'Approved',
    behaviour: { errorRate: 0, latencyMs: 150 },
  });
  const v2 = cloud.registerModelPackage({
    groupName: 'chat',
    approvalStatus: 'Approved',
    behaviour: { errorRate: 0, latencyMs: 140 },
  });
  const pending = cloud.registerModelPackage({
    groupName: 'chat',
    approvalStatus: 'PendingManualApproval',
    behaviour: { errorRate: 0, latencyMs: 140 },
  });
  await cloud.sagemaker.createModel({
    modelName: 'chat-v1',
    modelPackageArn: v1,
    executionRoleArn: ROLE,
    vpcConfig: VPC,
    enableNetworkIsolation: true,
    environment: { MAX_INPUT_TOKENS: '4096' },
    tags: [
      { key: 'team', value: 'support' },
      { key: 'cost-centre', value: 'cc-4411' },
      { key: 'sm-rollout:rollout-id', value: 'r-older' },
    ],
  });
  cloud.createComponentHostingEndpoint({
    endpointName: ENDPOINT,
    instanceType: 'ml.g5.12xlarge',
    instanceCount: 2,
    executionRoleArn: ROLE,
    managedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 4 },
  });
  cloud.createInferenceComponent({
    inferenceComponentName: COMPONENT,
    endpointName: ENDPOINT,
    specification: {
      modelName: 'chat-v1',
      computeResourceRequirements: RESOURCES,
      extra: { StartupParameters: { ModelDataDownloadTimeoutInSeconds: 1200 } },
    },
    copyCount,
  });
  cloud.clock.advanceBy(COPY_BATCH_MS + 10_000);
  return { cloud, v2, pending };
}

function ports(cloud: SimCloud) {
  return { endpoints: cloud.sagemaker, components: cloud.inferenceComponents };
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: Error) => error,
  );
}

function mutatingCalls(cloud: SimCloud, from: number): string[] {
  return cloud.calls
    .slice(from)
    .map((c) => c.operation)
    .filter((operation) => MUTATING_CALL.test(operation));
}

describe('reading the component a rollout targets', () => {
  it('reads the serving Specification, the copy count and what the new model keeps', async () => {
    const { cloud, v2 } = await scene();
    const target = await readInferenceComponentTarget(ports(cloud), {
      endpointName: ENDPOINT,
      inferenceComponentName: COMPONENT,
      modelPackageArn: v2,
    });
    expect(target).toMatchObject({
      endpointName: ENDPOINT,
      inferenceComponentName: COMPONENT,
      variantName: 'AllTraffic',
      copyCount: 4,
      specification: {
        modelName: 'chat-v1',
        computeResourceRequirements: RESOURCES,
        extra: { StartupParameters: { ModelDataDownloadTimeoutInSeconds: 1200 } },
      },
      model: {
        vpcConfig: VPC,
        enableNetworkIsolation: true,
        environment: { MAX_INPUT_TOKENS: '4096' },
      },
    });
    // The team's tags carry over; an earlier rollout's own tag does not.
    expect(target.model.tags).toEqual([
      { key: 'team', value: 'support' },
      { key: 'cost-centre', value: 'cc-4411' },
    ]);
  });

  it('refuses a component the endpoint does not host, naming the ones it does', async () => {
    const { cloud, v2 } = await scene();
    const error = await refusal(
      readInferenceComponentTarget(ports(cloud), {
        endpointName: ENDPOINT,
        inferenceComponentName: 'chat-assistent',
        modelPackageArn: v2,
      }),
    );
    expect(isSmRolloutError(error, 'ENDPOINT_NOT_FOUND')).toBe(true);
    expect(error.message).toBe(
      'inference component chat-assistent does not exist; endpoint support-llm hosts chat-assistant — ' +
        'name one of them in inferenceComponent (--inference-component)',
    );
    expect((error as { field?: string }).field).toBe('inferenceComponent');
  });

  it('refuses a component that is updating as a settling refusal a start may retry', async () => {
    const { cloud, v2 } = await scene();
    await cloud.inferenceComponents.updateInferenceComponent({
      inferenceComponentName: COMPONENT,
      specification: { modelName: 'chat-v1', computeResourceRequirements: RESOURCES },
      rollingUpdate: { maximumBatchSize: { type: 'COPY_COUNT', value: 1 }, waitIntervalInSeconds: 60 },
      autoRollbackAlarms: [],
    });
    const error = await refusal(
      readInferenceComponentTarget(ports(cloud), {
        endpointName: ENDPOINT,
        inferenceComponentName: COMPONENT,
        modelPackageArn: v2,
      }),
    );
    expect(isSmRolloutError(error, 'ENDPOINT_NOT_IN_SERVICE')).toBe(true);
    expect(error.message).toMatch(/^inference component chat-assistant is Updating, not InService/);
    expect(refusedWhileSettling(error)).toBe(true);
  });

  it('refuses a package that is not approved', async () => {
    const { cloud, pending } = await scene();
    const error = await refusal(
      readInferenceComponentTarget(ports(cloud), {
        endpointName: ENDPOINT,
        inferenceComponentName: COMPONENT,
        modelPackageArn: pending,
      }),
    );
    expect(isSmRolloutError(error, 'MODEL_PACKAGE_NOT_APPROVED')).toBe(true);
    expect(error.message).toMatch(
      /is PendingManualApproval; approve it in the SageMaker Model Registry first$/,
    );
  });

  it('refuses a component named on another endpoint', async () => {
    const { cloud, v2 } = await scene();
    cloud.createComponentHostingEndpoint({ endpointName: 'support-llm-eu', executionRoleArn: ROLE });
    const error = await refusal(
      readInferenceComponentTarget(ports(cloud), {
        endpointName: 'support-llm-eu',
        inferenceComponentName: COMPONENT,
        modelPackageArn: v2,
      }),
    );
    expect(error.message).toBe(
      'inference component chat-assistant runs on endpoint support-llm, not support-llm-eu; ' +
        'set endpoint to support-llm, or name a component of support-llm-eu',
    );
  });
});

describe('drafting the rolling update', () => {
  async function target(
    copyCount = 4,
  ): Promise<{ target: InferenceComponentTarget; v2: string; cloud: SimCloud }> {
    const s = await scene(copyCount);
    return {
      cloud: s.cloud,
      v2: s.v2,
      target: await readInferenceComponentTarget(ports(s.cloud), {
        endpointName: ENDPOINT,
        inferenceComponentName: COMPONENT,
        modelPackageArn: s.v2,
      }),
    };
  }

  const draftInput = (v2: string, strategy: string) => ({
    rolloutId: 'r-0abc123def',
    modelPackageArn: v2,
    executionRoleArn: ROLE,
    plan: compilePlan(strategy, { finalBake: '10m' }),
    alarms: ['chat-assistant-5xx'],
    candidateModelName: 'smr-support-llm-0abc123def-model',
    abortAlarmName: 'smr-support-llm-0abc123def-abort',
  });

  it('replaces only the model in the Specification, sets no copy count, and keeps the rest', async () => {
    const { target: t, v2 } = await target();
    const draft = draftInferenceComponentRollout(t, draftInput(v2, 'linear(25, 5m)'));
    expect(draft.candidateModel).toEqual({
      modelName: 'smr-support-llm-0abc123def-model',
      modelPackageArn: v2,
      executionRoleArn: ROLE,
      vpcConfig: VPC,
      enableNetworkIsolation: true,
      environment: { MAX_INPUT_TOKENS: '4096' },
      tags: [
        { key: 'sm-rollout:rollout-id', value: 'r-0abc123def' },
        { key: 'sm-rollout:endpoint', value: ENDPOINT },
        { key: 'team', value: 'support' },
        { key: 'cost-centre', value: 'cc-4411' },
      ],
    });
    expect(draft.update).toEqual({
      inferenceComponentName: COMPONENT,
      specification: {
        modelName: 'smr-support-llm-0abc123def-model',
        computeResourceRequirements: RESOURCES,
        extra: { StartupParameters: { ModelDataDownloadTimeoutInSeconds: 1200 } },
      },
      rollingUpdate: {
        maximumBatchSize: { type: 'COPY_COUNT', value: 1 },
        waitIntervalInSeconds: 300,
        maximumExecutionTimeoutInSeconds: 4 * (300 + 900),
        rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
      },
      autoRollbackAlarms: ['chat-assistant-5xx', 'smr-support-llm-0abc123def-abort'],
    });
    expect(draft.update).not.toHaveProperty('copyCount');
    expect(draft.spec).toEqual({
      inferenceComponentName: COMPONENT,
      variantName: 'AllTraffic',
      servingSpecification: t.specification,
      copyCount: 4,
      batches: 4,
      rollingUpdate: draft.update.rollingUpdate,
      rollbackUpdate: draft.rollback.rollingUpdate,
      autoRollbackAlarms: ['chat-assistant-5xx', 'smr-support-llm-0abc123def-abort'],
      abortAlarmName: 'smr-support-llm-0abc123def-abort',
      finalBakeMs: 600_000,
    });
    expect(draft.batches).toBe(4);
  });

  it('rolls back to the Specification serving now, fast and without the alarms', async () => {
    const { target: t, v2 } = await target();
    const draft = draftInferenceComponentRollout(t, draftInput(v2, 'linear(25, 5m)'));
    expect(draft.rollback).toEqual({
      inferenceComponentName: COMPONENT,
      specification: t.specification,
      rollingUpdate: {
        maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 },
        waitIntervalInSeconds: 0,
        maximumExecutionTimeoutInSeconds: 4800,
        rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
      },
      autoRollbackAlarms: [],
    });
  });

  it('the drafted update is one the simulated SageMaker accepts', async () => {
    const { target: t, v2, cloud } = await target();
    const draft = draftInferenceComponentRollout(t, draftInput(v2, 'linear(25, 5m)'));
    await cloud.sagemaker.createModel(draft.candidateModel);
    await cloud.inferenceComponents.updateInferenceComponent(draft.update);
    expect((await cloud.inferenceComponents.describeInferenceComponent(COMPONENT))?.status).toBe('Updating');
  });

  it('refuses a plan the rolling update cannot express, naming the step and the limit', async () => {
    const { target: t, v2, cloud } = await target();
    const before = cloud.calls.length;
    expect(() => draftInferenceComponentRollout(t, draftInput(v2, '10%,5m,pause,100%'))).toThrow(
      /^a rolling update of inference component chat-assistant \(4 copies\) cannot run this plan: step 1 setWeight\(10\): 10% of 4 copies is less than one copy.*; step 3 pause: a rolling update of an inference component has no manual gate/,
    );
    expect(mutatingCalls(cloud, before)).toEqual([]);
  });

  it('refuses a component of one copy: a rolling update needs two', async () => {
    const { target: t, v2 } = await target(1);
    expect(() => draftInferenceComponentRollout(t, draftInput(v2, 'Canary10Percent5Minutes'))).toThrow(
      /inferenceComponent: the component runs 1 copy; .*raise RuntimeConfig.CopyCount first/,
    );
  });
});

describe('starting an inference-component rollout', () => {
  const names = {
    rolloutId: 'r-0abc123def',
    candidateModelName: 'smr-support-llm-0abc123def-model',
    abortAlarmName: 'smr-support-llm-0abc123def-abort',
  };

  function alarm(cloud: SimCloud, alarmName: string, component: string) {
    cloud.createMetricAlarm({
      alarmName,
      namespace: 'AWS/SageMaker',
      metricName: 'Invocation5XXErrors',
      dimensions: [{ name: 'InferenceComponentName', value: component }],
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
    });
  }

  const request = (v2: string, alarms: string[]) => ({
    endpointName: ENDPOINT,
    inferenceComponent: COMPONENT,
    modelPackageArn: v2,
    executionRoleArn: ROLE,
    plan: compilePlan('linear(25, 5m)'),
    alarms,
  });

  it('gives the component as the baseline, the spec, and notes the timeline starts with', async () => {
    const { cloud, v2 } = await scene();
    alarm(cloud, 'chat-assistant-5xx', COMPONENT);
    alarm(cloud, 'summariser-5xx', 'summariser');
    const before = cloud.calls.length;
    const start = await startInferenceComponentRollout(
      { endpoints: cloud.sagemaker, components: cloud.inferenceComponents, alarms: cloud.cloudwatch },
      request(v2, ['chat-assistant-5xx', 'summariser-5xx']),
      names,
    );
    expect(start.baseline).toMatchObject({
      variantName: 'AllTraffic',
      modelName: 'chat-v1',
      instanceCount: 4,
    });
    expect(start.spec.autoRollbackAlarms).toEqual([
      'chat-assistant-5xx',
      'summariser-5xx',
      names.abortAlarmName,
    ]);
    expect(start.notes[0]).toMatch(
      /^inference component chat-assistant: SageMaker's rolling update replaces its 4 copies \(4 batches\)/,
    );
    expect(start.notes).toContainEqual(
      expect.stringMatching(
        /^alarm summariser-5xx watches inference component summariser, not chat-assistant/,
      ),
    );
    expect(mutatingCalls(cloud, before)).toEqual([]);
  });

  it('refuses a missing alarm and one already firing, with nothing written', async () => {
    const { cloud, v2 } = await scene();
    const ports = {
      endpoints: cloud.sagemaker,
      components: cloud.inferenceComponents,
      alarms: cloud.cloudwatch,
    };
    await expect(
      startInferenceComponentRollout(ports, request(v2, ['chat-assistant-5xx']), names),
    ).rejects.toThrow(/^alarm chat-assistant-5xx does not exist/);
    alarm(cloud, 'chat-assistant-5xx', COMPONENT);
    cloud.setAlarmState('chat-assistant-5xx', 'ALARM', 'Threshold Crossed: a test');
    const before = cloud.calls.length;
    await expect(
      startInferenceComponentRollout(ports, request(v2, ['chat-assistant-5xx']), names),
    ).rejects.toThrow(/^alarm chat-assistant-5xx is already in ALARM \(Threshold Crossed: a test\)/);
    expect(mutatingCalls(cloud, before)).toEqual([]);
  });
});
