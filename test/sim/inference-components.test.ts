// Inference components in the simulated cloud: an endpoint whose variant has no model hosts a
// component that comes up with its copies, is updated in rolling batches baked against its alarms,
// rolls back when one fires, refuses bad updates before anything changes, answers InvokeEndpoint by
// component name and publishes its own metrics (InferenceComponentName) — and a saved cloud continues.
import type { InferenceComponentRollingUpdate } from '../../statemachines/contract';
import type { UpdateInferenceComponentRequest } from '../../src/engine/ports';
import type { ModelBehaviour, SimCloud } from '../../src/sim';
import { COPY_BATCH_MS, createSimCloud, restoreSimCloud } from '../../src/sim';
import { isSmRolloutError } from '../../src/errors';
import { compileInferenceComponentUpdate, compilePlan } from '../../src/plan';
import { MINUTE, ROLE_ARN } from './scene';

const ENDPOINT = 'support-llm';
const COMPONENT = 'chat-assistant';
const ALARM = 'chat-assistant-5xx';
const RESOURCES = {
  numberOfAcceleratorDevicesRequired: 1,
  numberOfCpuCoresRequired: 4,
  minMemoryRequiredInMb: 16_384,
};
const VPC = { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-11111111', 'subnet-22222222'] };

/** A hosting endpoint on two GPU instances with managed instance scaling, a 4-copy component on chat-v1. */
async function sceneWithComponent(
  next: ModelBehaviour = { errorRate: 0, latencyMs: 120 },
): Promise<SimCloud> {
  const cloud = createSimCloud({ seed: 7 });
  const v1 = cloud.registerModelPackage({
    groupName: 'chat',
    approvalStatus: 'Approved',
    behaviour: { errorRate: 0, latencyMs: 150 },
  });
  const v2 = cloud.registerModelPackage({ groupName: 'chat', approvalStatus: 'Approved', behaviour: next });
  for (const [modelName, modelPackageArn] of [
    ['chat-v1', v1],
    ['chat-v2', v2],
  ] as const) {
    await cloud.sagemaker.createModel({
      modelName,
      modelPackageArn,
      executionRoleArn: ROLE_ARN,
      vpcConfig: VPC,
      tags: [{ key: 'team', value: 'support' }],
    });
  }
  cloud.createComponentHostingEndpoint({
    endpointName: ENDPOINT,
    instanceType: 'ml.g5.12xlarge',
    instanceCount: 2,
    executionRoleArn: ROLE_ARN,
    managedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 4 },
    routingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
  });
  cloud.createInferenceComponent({
    inferenceComponentName: COMPONENT,
    endpointName: ENDPOINT,
    specification: {
      modelName: 'chat-v1',
      computeResourceRequirements: RESOURCES,
      extra: { StartupParameters: { ModelDataDownloadTimeoutInSeconds: 1200 } },
    },
    copyCount: 4,
  });
  cloud.createMetricAlarm({
    alarmName: ALARM,
    namespace: 'AWS/SageMaker',
    metricName: 'Invocation5XXErrors',
    dimensions: [{ name: 'InferenceComponentName', value: COMPONENT }],
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  });
  cloud.clock.advanceBy(COPY_BATCH_MS + 10_000);
  return cloud;
}

const QUARTER_BATCHES: InferenceComponentRollingUpdate = {
  maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 25 },
  waitIntervalInSeconds: 300,
  maximumExecutionTimeoutInSeconds: 7200,
};

function toV2(rollingUpdate = QUARTER_BATCHES, alarms = [ALARM]): UpdateInferenceComponentRequest {
  return {
    inferenceComponentName: COMPONENT,
    specification: { modelName: 'chat-v2', computeResourceRequirements: RESOURCES },
    rollingUpdate,
    autoRollbackAlarms: alarms,
  };
}

function copies(cloud: SimCloud): Record<string, number> {
  return Object.fromEntries(
    (cloud.inferenceComponent(COMPONENT)?.copiesByModel ?? []).map((c) => [c.model, c.copies]),
  );
}

describe('an inference component on an endpoint whose variant has no model', () => {
  it('is Creating until its copies are up, then InService with them', async () => {
    const cloud = createSimCloud();
    const pkg = cloud.registerModelPackage({ groupName: 'chat', approvalStatus: 'Approved' });
    await cloud.sagemaker.createModel({
      modelName: 'chat-v1',
      modelPackageArn: pkg,
      executionRoleArn: ROLE_ARN,
      tags: [],
    });
    cloud.createComponentHostingEndpoint({ endpointName: ENDPOINT, executionRoleArn: ROLE_ARN });
    cloud.createInferenceComponent({
      inferenceComponentName: COMPONENT,
      endpointName: ENDPOINT,
      specification: { modelName: 'chat-v1', computeResourceRequirements: RESOURCES },
      copyCount: 2,
    });
    expect(await cloud.inferenceComponents.describeInferenceComponent(COMPONENT)).toMatchObject({
      status: 'Creating',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      desiredCopyCount: 2,
      currentCopyCount: 0,
    });
    cloud.clock.advanceBy(COPY_BATCH_MS + 10_000);
    const described = await cloud.inferenceComponents.describeInferenceComponent(COMPONENT);
    expect(described).toMatchObject({ status: 'InService', desiredCopyCount: 2, currentCopyCount: 2 });
    expect(described?.specification.modelName).toBe('chat-v1');
    expect(described?.inferenceComponentArn).toBe(
      'arn:aws:sagemaker:us-east-1:123456789012:inference-component/chat-assistant',
    );
    expect(await cloud.inferenceComponents.listInferenceComponents(ENDPOINT)).toEqual([
      expect.objectContaining({ inferenceComponentName: COMPONENT, status: 'InService' }),
    ]);
    // The hosting endpoint is described like any endpoint: one variant, its instances.
    const endpoint = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(endpoint).toMatchObject({
      status: 'InService',
      variants: [{ variantName: 'AllTraffic', currentInstanceCount: 1 }],
    });
    // Its config's variant has no model: the port refuses it as the AWS adapter does (stepwise cannot
    // weight it), naming the variant.
    await expect(
      cloud.sagemaker.describeEndpointConfig(endpoint?.endpointConfigName ?? ''),
    ).rejects.toMatchObject({
      code: 'ENDPOINT_UNSUPPORTED',
      message: expect.stringMatching(
        /variant AllTraffic has no ModelName \(an inference-component endpoint\)/,
      ),
    });
  });

  it('ends Failed with the reason when its copies do not start', async () => {
    const cloud = await sceneWithComponent();
    cloud.failNextComponentCopies('summarizer');
    cloud.createInferenceComponent({
      inferenceComponentName: 'summarizer',
      endpointName: ENDPOINT,
      specification: { modelName: 'chat-v1', computeResourceRequirements: RESOURCES },
      copyCount: 2,
    });
    cloud.clock.advanceBy(COPY_BATCH_MS + 10_000);
    const failed = cloud.inferenceComponent('summarizer');
    expect(failed).toMatchObject({ status: 'Failed', currentCopyCount: 0 });
    expect(failed?.failureReason).toMatch(/did not pass the ping health check/);
    // A Failed component takes no update (and it is not busy: retrying does not help).
    await expect(
      cloud.inferenceComponents.updateInferenceComponent({ ...toV2(), inferenceComponentName: 'summarizer' }),
    ).rejects.toMatchObject({ code: 'AWS_ERROR' });
  });

  it('cannot be created on an endpoint whose variants name models, nor on a variant it lacks', async () => {
    const cloud = await sceneWithComponent();
    cloud.createEndpoint({ endpointName: 'fraud-detector' });
    const create = (endpointName: string, variantName?: string) => () =>
      cloud.createInferenceComponent({
        inferenceComponentName: 'other',
        endpointName,
        ...(variantName === undefined ? {} : { variantName }),
        specification: { modelName: 'chat-v1', computeResourceRequirements: RESOURCES },
        copyCount: 1,
      });
    expect(create('fraud-detector')).toThrow(/does not support inference components/);
    expect(create(ENDPOINT, 'blue')).toThrow(/variant "blue" is not present/);
    expect(create('no-such-endpoint')).toThrow(/Could not find endpoint/);
    expect(() =>
      cloud.createInferenceComponent({
        inferenceComponentName: 'other',
        endpointName: ENDPOINT,
        specification: { modelName: 'chat-v1' },
        copyCount: 1,
      }),
    ).toThrow(/computeResourceRequirements must be specified/);
    expect(cloud.inferenceComponent('other')).toBeUndefined();
  });
});

describe('a rolling update of the component', () => {
  it('replaces the copies a batch at a time, each batch baked, and ends InService on the new model', async () => {
    const cloud = await sceneWithComponent();
    await cloud.inferenceComponents.updateInferenceComponent(toV2());
    expect(cloud.inferenceComponent(COMPONENT)?.status).toBe('Updating');

    // First batch: 25% of 4 copies = 1 copy of chat-v2 in, 1 copy of chat-v1 out.
    cloud.clock.advanceBy(COPY_BATCH_MS + 10_000);
    expect(copies(cloud)).toEqual({ 'chat-v1': 3, 'chat-v2': 1 });
    const mid = cloud.inferenceComponent(COMPONENT);
    expect(mid).toMatchObject({ status: 'Updating', currentCopyCount: 4, desiredCopyCount: 4 });
    expect(mid?.specification.modelName).toBe('chat-v1');

    // Still baking the first batch (300 s): no second batch yet.
    cloud.clock.advanceBy(4 * MINUTE);
    expect(copies(cloud)).toEqual({ 'chat-v1': 3, 'chat-v2': 1 });

    // Four batches of (3 min up + 5 min bake) from the start.
    cloud.clock.advanceBy(4 * (COPY_BATCH_MS + 5 * MINUTE));
    const done = await cloud.inferenceComponents.describeInferenceComponent(COMPONENT);
    expect(done).toMatchObject({ status: 'InService', currentCopyCount: 4, desiredCopyCount: 4 });
    expect(done?.specification.modelName).toBe('chat-v2');
    expect(done?.failureReason).toBeUndefined();
    expect(done?.lastDeployment).toEqual({ rollingUpdate: QUARTER_BATCHES, autoRollbackAlarms: [ALARM] });
    expect(copies(cloud)).toEqual({ 'chat-v2': 4 });
  });

  it('can change the copy count with the model (RuntimeConfig.CopyCount)', async () => {
    const cloud = await sceneWithComponent();
    await cloud.inferenceComponents.updateInferenceComponent({
      ...toV2({ maximumBatchSize: { type: 'COPY_COUNT', value: 2 }, waitIntervalInSeconds: 60 }),
      copyCount: 6,
    });
    cloud.clock.advanceBy(60 * MINUTE);
    expect(cloud.inferenceComponent(COMPONENT)).toMatchObject({
      status: 'InService',
      currentCopyCount: 6,
      desiredCopyCount: 6,
    });
    expect(copies(cloud)).toEqual({ 'chat-v2': 6 });
  });

  it('rolls back to the old model when an alarm fires while a batch bakes, InService with the reason', async () => {
    const cloud = await sceneWithComponent({ errorRate: 0.5, latencyMs: 120 });
    await cloud.inferenceComponents.updateInferenceComponent(toV2());
    let mostNewCopies = 0;
    for (let t = 0; t < 40 * MINUTE; t += 10_000) {
      cloud.clock.advanceBy(10_000);
      mostNewCopies = Math.max(mostNewCopies, copies(cloud)['chat-v2'] ?? 0);
    }
    const after = await cloud.inferenceComponents.describeInferenceComponent(COMPONENT);
    expect(after).toMatchObject({ status: 'InService', currentCopyCount: 4, desiredCopyCount: 4 });
    expect(after?.specification.modelName).toBe('chat-v1');
    expect(after?.failureReason).toMatch(/Alarm chat-assistant-5xx went into ALARM/);
    expect(copies(cloud)).toEqual({ 'chat-v1': 4 });
    // The first batch's errors fired the alarm within its 5-minute bake: no second batch went in.
    expect(mostNewCopies).toBe(1);
  });

  it('rolls back in RollbackMaximumBatchSize batches when one is given', async () => {
    const cloud = await sceneWithComponent({ errorRate: 0.5, latencyMs: 120 });
    await cloud.inferenceComponents.updateInferenceComponent(
      toV2({
        ...QUARTER_BATCHES,
        maximumBatchSize: { type: 'COPY_COUNT', value: 2 },
        rollbackMaximumBatchSize: { type: 'COPY_COUNT', value: 1 },
      }),
    );
    cloud.clock.advanceBy(COPY_BATCH_MS + 10_000);
    expect(copies(cloud)).toEqual({ 'chat-v1': 2, 'chat-v2': 2 });
    // The alarm fires during the bake; the first rollback batch brings one old copy back.
    let seen: Record<string, number>[] = [];
    for (let t = 0; t < 20 * MINUTE; t += 10_000) {
      cloud.clock.advanceBy(10_000);
      const now = copies(cloud);
      if (JSON.stringify(seen.at(-1)) !== JSON.stringify(now)) seen = [...seen, now];
    }
    expect(seen).toEqual([{ 'chat-v1': 2, 'chat-v2': 2 }, { 'chat-v1': 3, 'chat-v2': 1 }, { 'chat-v1': 4 }]);
    expect(cloud.inferenceComponent(COMPONENT)?.status).toBe('InService');
  });

  it('rolls back when a batch of new copies does not start; the old copies never stopped serving', async () => {
    const cloud = await sceneWithComponent();
    await cloud.inferenceComponents.updateInferenceComponent(toV2());
    cloud.failNextComponentCopies(COMPONENT);
    cloud.clock.advanceBy(COPY_BATCH_MS + 20_000);
    const after = cloud.inferenceComponent(COMPONENT);
    expect(after).toMatchObject({ status: 'InService', specification: { modelName: 'chat-v1' } });
    expect(after?.failureReason).toMatch(/did not pass the ping health check/);
    expect(copies(cloud)).toEqual({ 'chat-v1': 4 });
  });

  it('rolls back when it outlasts MaximumExecutionTimeoutInSeconds', async () => {
    const cloud = await sceneWithComponent();
    await cloud.inferenceComponents.updateInferenceComponent(
      toV2({
        maximumBatchSize: { type: 'COPY_COUNT', value: 1 },
        waitIntervalInSeconds: 3600,
        maximumExecutionTimeoutInSeconds: 600,
      }),
    );
    cloud.clock.advanceBy(30 * MINUTE);
    const after = cloud.inferenceComponent(COMPONENT);
    expect(after).toMatchObject({ status: 'InService', specification: { modelName: 'chat-v1' } });
    expect(after?.failureReason).toMatch(/MaximumExecutionTimeoutInSeconds \(600 s\)/);
  });

  it('refuses a bad update before anything changes, naming the field and the limit', async () => {
    const cloud = await sceneWithComponent();
    const before = cloud.inferenceComponent(COMPONENT);
    const refusals: Array<[UpdateInferenceComponentRequest, RegExp]> = [
      [
        toV2({ ...QUARTER_BATCHES, waitIntervalInSeconds: 3601 }),
        /waitIntervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600/,
      ],
      [
        toV2({ ...QUARTER_BATCHES, maximumExecutionTimeoutInSeconds: 300 }),
        /maximumExecutionTimeoutInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 600/,
      ],
      [
        toV2({ ...QUARTER_BATCHES, maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 75 } }),
        /between 5% and 50% of the copy count/,
      ],
      [
        toV2({ ...QUARTER_BATCHES, maximumBatchSize: { type: 'COPY_COUNT', value: 3 } }),
        /75% of the 4 copies/,
      ],
      [
        toV2({ ...QUARTER_BATCHES, maximumBatchSize: { type: 'COPY_COUNT', value: 0 } }),
        /maximumBatchSize.value' failed to satisfy constraint/,
      ],
      [
        toV2(
          QUARTER_BATCHES,
          Array.from({ length: 11 }, (_, i) => `alarm-${i}`),
        ),
        /autoRollbackConfiguration.alarms' failed to satisfy constraint: Member must have length less than or equal to 10/,
      ],
      [
        { ...toV2(), specification: { modelName: 'chat-v3', computeResourceRequirements: RESOURCES } },
        /Could not find model ".*model\/chat-v3"/,
      ],
      [{ ...toV2(), copyCount: -1 }, /runtimeConfig.copyCount/],
    ];
    for (const [request, message] of refusals) {
      const refused = await cloud.inferenceComponents.updateInferenceComponent(request).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isSmRolloutError(refused, 'AWS_ERROR')).toBe(true);
      expect((refused as Error).message).toMatch(message);
    }
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.inferenceComponent(COMPONENT)).toEqual(before);
  });

  it('refuses a second update while one runs (ENDPOINT_BUSY: retry once InService)', async () => {
    const cloud = await sceneWithComponent();
    await cloud.inferenceComponents.updateInferenceComponent(toV2());
    await expect(cloud.inferenceComponents.updateInferenceComponent(toV2())).rejects.toMatchObject({
      code: 'ENDPOINT_BUSY',
    });
  });
});

describe('a plan compiled for the component', () => {
  it('is accepted as compiled and moves the copies batch by batch on the plan’s bake', async () => {
    const cloud = await sceneWithComponent();
    const compiled = compileInferenceComponentUpdate({
      plan: compilePlan('linear(25, 2m)'),
      copyCount: 4,
      alarms: [ALARM],
      abortAlarmName: 'sm-rollout-abort-r-1',
    });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    cloud.createMetricAlarm({
      alarmName: 'sm-rollout-abort-r-1',
      namespace: 'AWS/SageMaker',
      metricName: 'Invocation5XXErrors',
      dimensions: [{ name: 'InferenceComponentName', value: COMPONENT }],
      statistic: 'Sum',
      threshold: 1e9,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    await cloud.inferenceComponents.updateInferenceComponent({
      ...toV2(compiled.rollingUpdate, compiled.autoRollbackAlarms),
    });
    const start = cloud.clock.now();
    let finishedAt: number | undefined;
    while (finishedAt === undefined && cloud.clock.now() - start < 60 * MINUTE) {
      cloud.clock.advanceBy(10_000);
      if (cloud.inferenceComponent(COMPONENT)?.status === 'InService') finishedAt = cloud.clock.now();
    }
    expect(cloud.inferenceComponent(COMPONENT)?.specification.modelName).toBe('chat-v2');
    // Four batches of one copy, each up in 3 minutes and baked 2: 20 minutes, within a tick.
    expect(((finishedAt ?? Infinity) - start) / MINUTE).toBeCloseTo(20, 0);
    expect(
      cloud.calls.filter((c) => c.operation === 'UpdateInferenceComponent').map((c) => c.outcome),
    ).toEqual(['ok']);
  });
});

describe('traffic to a component', () => {
  it('is invoked by InferenceComponentName; old and new copies answer by their share during an update', async () => {
    const cloud = await sceneWithComponent();
    const ask = () =>
      JSON.parse(
        cloud.invokeEndpoint({
          EndpointName: ENDPOINT,
          InferenceComponentName: COMPONENT,
          Body: '{"prompt":"hi"}',
        }).Body,
      ) as { model: string };
    expect(ask().model).toBe('chat-v1');
    // Through the EndpointInvoker port, as a pre-traffic check would send it.
    const viaPort = await cloud.runtime.invokeEndpoint({
      endpointName: ENDPOINT,
      targetVariant: 'AllTraffic',
      inferenceComponentName: COMPONENT,
      body: '{"prompt":"hi"}',
      contentType: 'application/json',
    });
    expect(viaPort).toMatchObject({ statusCode: 200, invokedVariant: 'AllTraffic' });
    expect(() => cloud.invokeEndpoint({ EndpointName: ENDPOINT, Body: '{}' })).toThrow(
      /Inference Component Name header is required/,
    );
    expect(() =>
      cloud.invokeEndpoint({ EndpointName: ENDPOINT, InferenceComponentName: 'summarizer', Body: '{}' }),
    ).toThrow(/Inference Component summarizer of account 123456789012 not found/);

    await cloud.inferenceComponents.updateInferenceComponent(
      toV2({ ...QUARTER_BATCHES, maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 } }),
    );
    cloud.clock.advanceBy(COPY_BATCH_MS + 10_000);
    const answers = Array.from({ length: 400 }, ask).map((a) => a.model);
    const fromNew = answers.filter((m) => m === 'chat-v2').length / answers.length;
    expect(fromNew).toBeGreaterThan(0.4);
    expect(fromNew).toBeLessThan(0.6);
  });

  it('publishes the component’s metrics under InferenceComponentName alone', async () => {
    const cloud = await sceneWithComponent({ errorRate: 0.2, latencyMs: 300 });
    const from = cloud.clock.now() - (cloud.clock.now() % MINUTE) + MINUTE;
    // No rollback alarms: the bad copies keep serving, so their errors show in the metrics.
    await cloud.inferenceComponents.updateInferenceComponent(
      toV2({ ...QUARTER_BATCHES, maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 } }, []),
    );
    cloud.clock.advanceBy(12 * MINUTE);
    const byComponent = { name: 'InferenceComponentName', value: COMPONENT };
    const query = (id: string, metricName: string, statistic: string, dimensions = [byComponent]) => ({
      id,
      metric: { namespace: 'AWS/SageMaker', metricName, dimensions },
      periodSeconds: 60,
      statistic,
    });
    const [invocations, errors, latency, byEndpoint, perCopy] = await cloud.metrics.getMetricData(
      [
        query('invocations', 'Invocations', 'Sum'),
        query('errors', 'Invocation5XXErrors', 'Sum'),
        query('latency', 'ModelLatency', 'Average'),
        query('extra', 'Invocations', 'Sum', [byComponent, { name: 'EndpointName', value: ENDPOINT }]),
        query('perCopy', 'InvocationsPerCopy', 'Sum'),
      ],
      from,
      from + 3 * MINUTE,
    );
    // 600 requests a minute (the cloud's default rate), every minute.
    expect(invocations?.points.map((p) => p.value)).toEqual([600, 600, 600]);
    // Until the first batch is up (3 min) all copies are chat-v1 and none fail; then half the copies
    // serve chat-v2, a fifth of whose answers fail: about 60 errors a minute.
    expect(errors?.points[0]?.value).toBe(0);
    const lastErrors = errors?.points.at(-1)?.value ?? 0;
    expect(lastErrors).toBeGreaterThan(30);
    expect(lastErrors).toBeLessThan(90);
    expect(latency?.points.at(-1)?.value).toBeGreaterThan(150_000);
    // Four copies share the 600 requests: 150 each (what copy-count target tracking follows).
    expect(perCopy?.points.map((p) => p.value)).toEqual([150, 150, 150]);
    // A dimension set SageMaker does not publish has no data.
    expect(byEndpoint?.points).toEqual([]);
  });
});

describe('a saved cloud', () => {
  it('continues a rolling update where it stopped, as if it had never been saved', async () => {
    const straight = await sceneWithComponent({ errorRate: 0.5, latencyMs: 120 });
    const saved = await sceneWithComponent({ errorRate: 0.5, latencyMs: 120 });
    for (const cloud of [straight, saved]) await cloud.inferenceComponents.updateInferenceComponent(toV2());
    straight.clock.advanceBy(5 * MINUTE);
    saved.clock.advanceBy(5 * MINUTE);
    const restored = restoreSimCloud(JSON.parse(JSON.stringify(saved.exportState())));
    straight.clock.advanceBy(30 * MINUTE);
    restored.clock.advanceBy(30 * MINUTE);
    expect(restored.inferenceComponent(COMPONENT)).toEqual(straight.inferenceComponent(COMPONENT));
    expect(restored.alarm(ALARM)?.state).toBe(straight.alarm(ALARM)?.state);
    expect(restored.inferenceComponent(COMPONENT)?.failureReason).toMatch(/chat-assistant-5xx/);
  });
});
