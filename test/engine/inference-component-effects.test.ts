// The effects of an inference-component rollout against the simulated cloud: the candidate model
// keeps the serving model's settings, the one UpdateInferenceComponent is sent once however often the
// effect runs, the reads tell SageMaker's finished update from its rollback (by the model actually
// serving), the abort alarm makes SageMaker roll back, the way back after a finished update is a
// second rolling update, and the cleanup leaves the model that serves.
import type { Baseline } from '../../statemachines/contract';
import {
  createInferenceComponentEffects,
  type InferenceComponentContext,
} from '../../src/engine/inference-component-effects';
import {
  draftInferenceComponentRollout,
  readInferenceComponentTarget,
} from '../../src/engine/inference-component-rollout';
import type { AlarmControl } from '../../src/engine/ports';
import { rolloutNames } from '../../src/engine/names';
import { compilePlan } from '../../src/plan';
import { COPY_BATCH_MS, createSimCloud, type ModelBehaviour, type SimCloud } from '../../src/sim';

const ROLE = 'arn:aws:iam::123456789012:role/support-sagemaker-exec';
const ENDPOINT = 'support-llm';
const COMPONENT = 'chat-assistant';
const TEAM_ALARM = 'chat-assistant-5xx';
const ROLLOUT = 'r-0abc123def';
const ABORT_ALARM = `smr-${ENDPOINT}-0abc123def-abort`;
const MINUTE = 60_000;
const VPC = { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-11111111'] };

/** The simulated CloudWatch's alarm port: PutMetricAlarm for the abort alarm, SetAlarmState for abort. */
function alarmPort(cloud: SimCloud): AlarmControl {
  return cloud.cloudwatch;
}

async function scene(next: ModelBehaviour = { errorRate: 0, latencyMs: 120 }) {
  const cloud = createSimCloud({ seed: 5 });
  const v1 = cloud.registerModelPackage({
    groupName: 'chat',
    approvalStatus: 'Approved',
    behaviour: { errorRate: 0, latencyMs: 150 },
  });
  const v2 = cloud.registerModelPackage({ groupName: 'chat', approvalStatus: 'Approved', behaviour: next });
  await cloud.sagemaker.createModel({
    modelName: 'chat-v1',
    modelPackageArn: v1,
    executionRoleArn: ROLE,
    vpcConfig: VPC,
    environment: { MAX_INPUT_TOKENS: '4096' },
    tags: [{ key: 'team', value: 'support' }],
  });
  cloud.createComponentHostingEndpoint({
    endpointName: ENDPOINT,
    instanceType: 'ml.g5.12xlarge',
    instanceCount: 2,
    executionRoleArn: ROLE,
  });
  cloud.createInferenceComponent({
    inferenceComponentName: COMPONENT,
    endpointName: ENDPOINT,
    specification: {
      modelName: 'chat-v1',
      computeResourceRequirements: { numberOfAcceleratorDevicesRequired: 1, minMemoryRequiredInMb: 16_384 },
    },
    copyCount: 4,
  });
  cloud.createMetricAlarm({
    alarmName: TEAM_ALARM,
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

  const ports = { endpoints: cloud.sagemaker, components: cloud.inferenceComponents };
  const target = await readInferenceComponentTarget(ports, {
    endpointName: ENDPOINT,
    inferenceComponentName: COMPONENT,
    modelPackageArn: v2,
  });
  const names = rolloutNames(ENDPOINT, ROLLOUT);
  const plan = compilePlan('linear(25, 3m)', { finalBake: '5m' });
  const draft = draftInferenceComponentRollout(target, {
    rolloutId: ROLLOUT,
    modelPackageArn: v2,
    executionRoleArn: ROLE,
    plan,
    alarms: [TEAM_ALARM],
    candidateModelName: names.candidateModel,
    abortAlarmName: ABORT_ALARM,
  });
  const baseline: Baseline = {
    endpointConfigName: target.endpointConfigName,
    variantName: target.variantName,
    modelName: target.specification.modelName,
    instanceCount: target.copyCount,
    model: target.model,
  };
  const context = {
    rolloutId: ROLLOUT,
    endpointName: ENDPOINT,
    modelPackageArn: v2,
    plan,
    alarms: [TEAM_ALARM],
    candidateAlarms: [],
    executionRoleArn: ROLE,
    candidate: {},
    names,
    requestedBy: 'effects-test',
    startedAt: cloud.clock.now(),
    maxDurationMs: 4 * 60 * MINUTE,
    pollIntervalMs: 20_000,
    alarmPollIntervalMs: 60_000,
    baseline,
    engine: 'native',
    inferenceComponent: draft.spec,
  } as InferenceComponentContext;
  const effects = createInferenceComponentEffects({ ...ports, alarms: alarmPort(cloud) });
  return { cloud, effects, context, names };
}

function callsOf(cloud: SimCloud, operation: string) {
  return cloud.calls.filter((c) => c.operation === operation && c.outcome !== 'error');
}

/** Advances the cloud a minute at a time until the component is InService again (at most two hours). */
function untilSettled(cloud: SimCloud): void {
  for (let i = 0; i < 120; i++) {
    cloud.clock.advanceBy(MINUTE);
    if (cloud.inferenceComponent(COMPONENT)?.status === 'InService') return;
  }
  throw new Error('the component never settled');
}

it('creates the candidate model with the serving model’s settings and an abort alarm that nothing but abort trips', async () => {
  const { cloud, effects, context, names } = await scene();
  expect(await effects.prepareComponentUpdate(context)).toEqual({
    created: [`model ${names.candidateModel}`, `alarm ${ABORT_ALARM}`],
  });
  const model = await cloud.sagemaker.describeModel(names.candidateModel);
  expect(model).toMatchObject({
    modelPackageArn: context.modelPackageArn,
    vpcConfig: VPC,
    environment: { MAX_INPUT_TOKENS: '4096' },
  });
  cloud.clock.advanceBy(5 * MINUTE);
  expect(cloud.alarm(ABORT_ALARM)?.state).not.toBe('ALARM');
  // Run again after a restart: nothing new.
  expect((await effects.prepareComponentUpdate(context)).created).toEqual([`alarm ${ABORT_ALARM}`]);
});

it('sends one UpdateInferenceComponent however often it runs, and follows it to the new model', async () => {
  const { cloud, effects, context, names } = await scene();
  await effects.prepareComponentUpdate(context);
  expect(await effects.startComponentUpdate(context)).toEqual({ outcome: 'requested' });
  expect(await effects.startComponentUpdate(context)).toEqual({ outcome: 'satisfied' });
  expect(callsOf(cloud, 'UpdateInferenceComponent').map((c) => c.input)).toEqual([
    {
      InferenceComponentName: COMPONENT,
      ModelName: names.candidateModel,
      RollingUpdatePolicy: {
        maximumBatchSize: { type: 'COPY_COUNT', value: 1 },
        waitIntervalInSeconds: 180,
        maximumExecutionTimeoutInSeconds: 4 * (180 + 900),
        rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
      },
      Alarms: [TEAM_ALARM, ABORT_ALARM],
    },
  ]);
  expect((await effects.readComponent(context)).component).toMatchObject({
    status: 'Updating',
    modelName: 'chat-v1',
    lastDeployment: 'forward',
  });
  untilSettled(cloud);
  expect((await effects.readComponent(context)).component).toEqual({
    status: 'InService',
    modelName: names.candidateModel,
    desiredCopyCount: 4,
    currentCopyCount: 4,
    lastDeployment: 'forward',
  });
  expect(await effects.startComponentUpdate(context)).toEqual({ outcome: 'satisfied' });
});

it('reads SageMaker’s rollback on the team’s alarm as the old model serving again', async () => {
  const { cloud, effects, context } = await scene({ errorRate: 0.3, latencyMs: 140 });
  await effects.prepareComponentUpdate(context);
  await effects.startComponentUpdate(context);
  untilSettled(cloud);
  const { component } = await effects.readComponent(context);
  expect(component).toMatchObject({ status: 'InService', modelName: 'chat-v1', lastDeployment: 'forward' });
  expect(component.failureReason).toMatch(new RegExp(TEAM_ALARM));
});

it('the abort alarm in ALARM makes SageMaker roll the update back', async () => {
  const { cloud, effects, context } = await scene();
  await effects.prepareComponentUpdate(context);
  await effects.startComponentUpdate(context);
  cloud.clock.advanceBy(COPY_BATCH_MS + 30_000);
  await alarmPort(cloud).setAlarmState!(ABORT_ALARM, 'ALARM', `sm-rollout ${ROLLOUT}: abort by ops`);
  untilSettled(cloud);
  const { component } = await effects.readComponent(context);
  expect(component).toMatchObject({ status: 'InService', modelName: 'chat-v1' });
  expect(component.failureReason).toMatch(new RegExp(ABORT_ALARM));
});

it('after a finished update, rolls back with a second rolling update to the serving Specification', async () => {
  const { cloud, effects, context, names } = await scene();
  await effects.prepareComponentUpdate(context);
  await effects.startComponentUpdate(context);
  untilSettled(cloud);
  expect(await effects.startComponentRollback(context)).toEqual({ outcome: 'requested' });
  expect(await effects.startComponentRollback(context)).toEqual({ outcome: 'satisfied' });
  expect(callsOf(cloud, 'UpdateInferenceComponent').at(-1)?.input).toEqual({
    InferenceComponentName: COMPONENT,
    ModelName: 'chat-v1',
    RollingUpdatePolicy: {
      maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 },
      waitIntervalInSeconds: 0,
      maximumExecutionTimeoutInSeconds: 4320,
      rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
    },
    Alarms: [],
  });
  untilSettled(cloud);
  expect((await effects.readComponent(context)).component).toMatchObject({
    status: 'InService',
    modelName: 'chat-v1',
    lastDeployment: 'rollback',
  });
  expect(await effects.cleanUpComponentRollout(context, 'rolledBack')).toEqual({
    removed: [`alarm ${ABORT_ALARM}`, `model ${names.candidateModel}`],
    kept: [],
  });
  expect(cloud.modelNames()).not.toContain(names.candidateModel);
});

it('does not update a component someone else changed since the start, and sends nothing', async () => {
  const { cloud, effects, context } = await scene();
  await effects.prepareComponentUpdate(context);
  const other = await cloud.sagemaker.createModel({
    modelName: 'chat-hotfix',
    modelPackageArn: context.modelPackageArn,
    executionRoleArn: ROLE,
    tags: [],
  });
  expect(other).toBe('created');
  await cloud.inferenceComponents.updateInferenceComponent({
    inferenceComponentName: COMPONENT,
    specification: { ...context.inferenceComponent.servingSpecification, modelName: 'chat-hotfix' },
    rollingUpdate: { maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 }, waitIntervalInSeconds: 0 },
    autoRollbackAlarms: [],
  });
  expect(await effects.startComponentUpdate(context)).toEqual({ outcome: 'busy' });
  untilSettled(cloud);
  const before = callsOf(cloud, 'UpdateInferenceComponent').length;
  await expect(effects.startComponentUpdate(context)).rejects.toThrow(
    /serves model chat-hotfix now, not chat-v1 as when the rollout started: someone else updated it/,
  );
  expect(callsOf(cloud, 'UpdateInferenceComponent')).toHaveLength(before);
});

it('after a success keeps the previous model for undo and removes the abort alarm', async () => {
  const { cloud, effects, context } = await scene();
  await effects.prepareComponentUpdate(context);
  await effects.startComponentUpdate(context);
  untilSettled(cloud);
  expect(await effects.cleanUpComponentRollout(context, 'succeeded')).toEqual({
    removed: [`alarm ${ABORT_ALARM}`],
    kept: ['model chat-v1 (the previous model)'],
  });
  expect(cloud.alarmNames()).not.toContain(ABORT_ALARM);
});
