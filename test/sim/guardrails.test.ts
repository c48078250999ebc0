// Simulated SageMaker deployment guardrails: UpdateEndpoint with a blue/green DeploymentConfig shifts
// traffic in batches by instance count, bakes after each shift while its alarms are watched, rolls back
// on an alarm (including one the controller sets with SetAlarmState), and refuses bad configs unchanged.
import type { NativeCapacitySize, NativeDeploymentConfig } from '../../statemachines/contract';
import { abortAlarmRequest } from '../../src/aws/cloudwatch';
import { toDeploymentConfig } from '../../src/aws/sagemaker';
import type { EndpointDeploymentStateChangeEvent, ModelBehaviour, SimCloud, SimTimings } from '../../src/sim';
import { createSimCloud, restoreSimCloud } from '../../src/sim';
import {
  MINUTE,
  ROLE_ARN,
  SCALED_ENDPOINT,
  SCALED_INSTANCE_TYPE,
  SCALED_VARIANT,
  rejectionOf,
  sceneWithScaledEndpoint,
} from './scene';

const ENDPOINT = 'churn-model';
const VARIANT = 'AllTraffic';
const OLD_CONFIG = `${ENDPOINT}-config-0`;
const NEW_CONFIG = `${ENDPOINT}-config-green`;
const NEW_MODEL = `${ENDPOINT}-model-green`;

/** An endpoint of `instances` ml.m5.xlarge instances and a new config with the candidate model under the same variant name. */
async function guardrailsScene(
  options: {
    instances?: number;
    instanceType?: string;
    candidate?: ModelBehaviour;
    baseline?: ModelBehaviour;
    timings?: Partial<SimTimings>;
  } = {},
): Promise<SimCloud> {
  const cloud = createSimCloud({
    seed: 14,
    ...(options.timings === undefined ? {} : { timings: options.timings }),
  });
  const instanceType = options.instanceType ?? 'ml.m5.xlarge';
  const baseline = cloud.registerModelPackage({
    groupName: 'churn',
    approvalStatus: 'Approved',
    behaviour: options.baseline ?? { errorRate: 0, latencyMs: 40 },
  });
  const candidate = cloud.registerModelPackage({
    groupName: 'churn',
    approvalStatus: 'Approved',
    behaviour: options.candidate ?? { errorRate: 0, latencyMs: 40 },
  });
  const instances = options.instances ?? 4;
  cloud.createEndpoint({
    endpointName: ENDPOINT,
    modelPackageArn: baseline,
    variantName: VARIANT,
    instanceType,
    instanceCount: instances,
  });
  await cloud.sagemaker.createModel({
    modelName: NEW_MODEL,
    modelPackageArn: candidate,
    executionRoleArn: ROLE_ARN,
    tags: [],
  });
  await cloud.sagemaker.createEndpointConfig({
    endpointConfigName: NEW_CONFIG,
    variants: [
      {
        variantName: VARIANT,
        modelName: NEW_MODEL,
        instanceType,
        initialInstanceCount: instances,
        initialVariantWeight: 1,
      },
    ],
    tags: [],
  });
  return cloud;
}

function canary(
  size: NativeCapacitySize,
  alarms: string[] = [],
  waitIntervalInSeconds = 600,
): NativeDeploymentConfig {
  return {
    blueGreen: {
      trafficRouting: { type: 'CANARY', waitIntervalInSeconds, canarySize: size },
      terminationWaitInSeconds: 300,
      maximumExecutionTimeoutInSeconds: Math.max(3600, 2 * waitIntervalInSeconds + 900),
    },
    autoRollbackAlarms: alarms,
  };
}

function deploymentEvents(cloud: SimCloud): EndpointDeploymentStateChangeEvent[] {
  return cloud.events.filter(
    (e): e is EndpointDeploymentStateChangeEvent =>
      e['detail-type'] === 'SageMaker Endpoint Deployment State Change',
  );
}

/** Each deployment event's variant status and the green instances taking traffic, as `Status:count`. */
function statusTrail(cloud: SimCloud): string[] {
  return deploymentEvents(cloud).map((e) => {
    const variant = e.detail.PendingDeploymentSummary.ProductionVariants[0];
    return `${variant?.VariantStatus[0]?.Status}:${variant?.CurrentInstanceCount}`;
  });
}

/** The green (new model) share of the endpoint's traffic, each time it changed. */
function greenShares(cloud: SimCloud): number[] {
  const shares = cloud.servingHistory
    .filter((change) => change.endpointName === ENDPOINT)
    .map((change) => {
      const total = change.variants.reduce((sum, v) => sum + v.weight, 0);
      const green = change.variants
        .filter((v) => v.modelName === NEW_MODEL)
        .reduce((sum, v) => sum + v.weight, 0);
      return total === 0 ? 0 : green / total;
    });
  return shares.filter((share, index) => index === 0 || share !== shares[index - 1]);
}

function errorRateAlarm(cloud: SimCloud, alarmName: string): void {
  cloud.createMetricAlarm({
    alarmName,
    metricName: 'Invocation5XXErrors',
    endpointName: ENDPOINT,
    variantName: VARIANT,
    statistic: 'Sum',
    threshold: 5,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  });
}

describe('guardrails: blue/green canary', () => {
  it('turns traffic on for the canary instances, bakes, shifts the rest, bakes, then serves the new config', async () => {
    const cloud = await guardrailsScene({ instances: 4 });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }),
    });

    const creating = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(creating?.status).toBe('Updating');
    expect(creating?.endpointConfigName).toBe(OLD_CONFIG);
    expect(creating?.pendingDeployment).toMatchObject({
      endpointConfigName: NEW_CONFIG,
      variants: [
        {
          variantName: VARIANT,
          desiredInstanceCount: 4,
          currentInstanceCount: 0,
          statuses: [{ status: 'Creating', message: 'Launching 4 instance(s).' }],
        },
      ],
    });

    cloud.clock.advanceBy(9 * MINUTE); // the green fleet is up and the canary's traffic is on
    const baking = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(baking?.status).toBe('Updating');
    expect(baking?.pendingDeployment?.variants[0]).toMatchObject({
      currentInstanceCount: 1,
      statuses: [
        {
          status: 'Baking',
          message:
            'Baking for 600 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).',
        },
      ],
    });
    expect(greenShares(cloud)).toEqual([0, 0.25]);

    cloud.clock.advanceBy(30 * MINUTE);
    const done = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(done).toMatchObject({ status: 'InService', endpointConfigName: NEW_CONFIG });
    expect(done?.failureReason).toBeUndefined();
    expect(done?.pendingDeployment).toBeUndefined();
    expect(greenShares(cloud)).toEqual([0, 0.25, 1]);
    expect(statusTrail(cloud)).toEqual([
      'Creating:0',
      'ActivatingTraffic:0',
      'Baking:1',
      'ActivatingTraffic:1',
      'Baking:4',
      'Baking:4', // the TerminationWaitInSeconds bake
    ]);
    expect(cloud.endpoint(ENDPOINT)?.lastDeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: 'CANARY',
          WaitIntervalInSeconds: 600,
          CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
        },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
    });
  });

  it('a CAPACITY_PERCENT canary is that share of the green fleet, rounded down to whole instances', async () => {
    const cloud = await guardrailsScene({ instances: 10 });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'CAPACITY_PERCENT', value: 25 }),
    });
    cloud.clock.advanceBy(60 * MINUTE);
    expect(greenShares(cloud)).toEqual([0, 0.2, 1]); // 25% of 10 → 2 instances
  });

  it('both fleets serve under the one variant name: its metrics mix the old and the new model', async () => {
    const cloud = await guardrailsScene({
      instances: 4,
      baseline: { errorRate: 0, latencyMs: 40 },
      candidate: { errorRate: 0, latencyMs: 200 },
    });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }, [], 1200),
    });
    const start = cloud.clock.now();
    cloud.clock.advanceBy(25 * MINUTE); // well inside the canary's 20-minute bake
    const minutes = cloud.metricData(
      ENDPOINT,
      VARIANT,
      'ModelLatency',
      start + 12 * MINUTE,
      start + 22 * MINUTE,
    );
    expect(minutes.length).toBeGreaterThan(5);
    for (const minute of minutes) {
      // A quarter of the requests at ~200 ms, the rest at ~40 ms: an average near 80 ms (in microseconds).
      expect(minute.average).toBeGreaterThan(60_000);
      expect(minute.average).toBeLessThan(100_000);
    }
  });
});

describe('guardrails: InvokeEndpoint during a deployment', () => {
  it('a request to the variant reaches the green fleet once traffic has shifted to it', async () => {
    const cloud = await guardrailsScene({ instances: 2, candidate: { errorRate: 1, latencyMs: 40 } });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: {
        blueGreen: {
          trafficRouting: { type: 'ALL_AT_ONCE', waitIntervalInSeconds: 1800 },
          terminationWaitInSeconds: 0,
        },
        autoRollbackAlarms: [],
      },
    });
    const invoke = () =>
      cloud.runtime.invokeEndpoint({
        endpointName: ENDPOINT,
        targetVariant: VARIANT,
        body: '{}',
        contentType: 'application/json',
      });
    expect((await invoke()).statusCode).toBe(200); // the blue fleet answers while the green one is created
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.endpoint(ENDPOINT)?.deployment?.stage).toBe('baking');
    expect((await invoke()).statusCode).toBe(500); // the candidate model, failing every request
  });
});

describe('guardrails: blue/green linear', () => {
  it('shifts a step of instances at a time, baking after each, until the green fleet takes everything', async () => {
    const cloud = await guardrailsScene({ instances: 10 });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: {
        blueGreen: {
          trafficRouting: {
            type: 'LINEAR',
            waitIntervalInSeconds: 300,
            linearStepSize: { type: 'CAPACITY_PERCENT', value: 30 },
          },
          terminationWaitInSeconds: 0,
          maximumExecutionTimeoutInSeconds: 3600,
        },
        autoRollbackAlarms: [],
      },
    });
    cloud.clock.advanceBy(60 * MINUTE);
    // 30% of 10 instances: steps of 3, the last one turning on what is left.
    expect(greenShares(cloud)).toEqual([0, 0.3, 0.6, 0.9, 1]);
    expect(statusTrail(cloud).filter((s) => s.startsWith('Baking'))).toEqual([
      'Baking:3',
      'Baking:6',
      'Baking:9',
      'Baking:10',
      'Baking:10',
    ]);
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
      status: 'InService',
      endpointConfigName: NEW_CONFIG,
    });
  });
});

describe('guardrails: auto-rollback', () => {
  it('an alarm in ALARM during the canary bake sends all traffic back to the old fleet and keeps the old config', async () => {
    const cloud = await guardrailsScene({ instances: 4, candidate: { errorRate: 0.6, latencyMs: 40 } });
    errorRateAlarm(cloud, 'churn-5xx');
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }, ['churn-5xx'], 1800),
    });
    cloud.clock.advanceBy(20 * MINUTE);
    const alarmStates = cloud.events
      .filter((e) => e['detail-type'] === 'CloudWatch Alarm State Change')
      .map((e) => (e.detail as { state: { value: string } }).state.value);
    expect(alarmStates).toContain('ALARM');
    const rolledBack = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(rolledBack).toMatchObject({ status: 'InService', endpointConfigName: OLD_CONFIG });
    expect(rolledBack?.failureReason).toContain('churn-5xx');
    expect(rolledBack?.variants[0]).toMatchObject({ currentInstanceCount: 4 });
    // Never past the canary: 25% green, then all traffic back on the blue fleet.
    expect(greenShares(cloud)).toEqual([0, 0.25, 0]);
    expect(statusTrail(cloud).slice(-2)).toEqual(['Baking:1', 'Deleting:0']);
    const states = cloud.events
      .filter((e) => e['detail-type'] === 'SageMaker Endpoint State Change')
      .map((e) => (e.detail as { EndpointStatus: string }).EndpointStatus);
    expect(states.slice(-2)).toEqual(['UPDATING', 'IN_SERVICE']);
  });

  it('the controller trips its abort alarm with SetAlarmState during a bake and SageMaker rolls back', async () => {
    const cloud = await guardrailsScene({ instances: 4 });
    await cloud.cloudwatch.putAbortAlarm({
      alarmName: 'sm-rollout-abort-r1',
      endpointName: ENDPOINT,
      rolloutId: 'r1',
    });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }, ['sm-rollout-abort-r1']),
    });
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.endpoint(ENDPOINT)?.deployment?.stage).toBe('baking');

    await cloud.cloudwatch.setAlarmState('sm-rollout-abort-r1', 'ALARM', 'abort requested by alice');
    cloud.clock.advanceBy(10_000);
    expect(cloud.endpoint(ENDPOINT)?.deployment?.stage).toBe('rollingBack');
    cloud.clock.advanceBy(5 * MINUTE);
    const endpoint = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(endpoint).toMatchObject({ status: 'InService', endpointConfigName: OLD_CONFIG });
    expect(endpoint?.failureReason).toContain('sm-rollout-abort-r1');
    // No metric feeds the abort alarm and missing data keeps its state: it stays ALARM until set back.
    expect(cloud.alarm('sm-rollout-abort-r1')?.state).toBe('ALARM');
    expect(cloud.calls.map((c) => c.operation)).toContain('SetAlarmState');
  });

  it('an alarm that trips before traffic reaches the green fleet does nothing: only baking periods are watched', async () => {
    const cloud = await guardrailsScene({ instances: 4 });
    await cloud.cloudwatch.putAbortAlarm({ alarmName: 'abort', endpointName: ENDPOINT, rolloutId: 'r2' });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }, ['abort']),
    });
    await cloud.cloudwatch.setAlarmState('abort', 'ALARM', 'early');
    await cloud.cloudwatch.setAlarmState('abort', 'OK', 'changed my mind');
    cloud.clock.advanceBy(60 * MINUTE);
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
      status: 'InService',
      endpointConfigName: NEW_CONFIG,
    });
  });
});

function rolling(
  maximumBatchSize: NativeCapacitySize,
  alarms: string[] = [],
  rollbackMaximumBatchSize?: NativeCapacitySize,
): NativeDeploymentConfig {
  return {
    rolling: {
      maximumBatchSize,
      waitIntervalInSeconds: 300,
      maximumExecutionTimeoutInSeconds: 28800,
      ...(rollbackMaximumBatchSize === undefined ? {} : { rollbackMaximumBatchSize }),
    },
    autoRollbackAlarms: alarms,
  };
}

describe('guardrails: rolling deployments', () => {
  it('launches a batch, shifts it, bakes, then the next batch, until the new fleet serves everything', async () => {
    const cloud = await guardrailsScene({ instances: 8 });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: rolling({ type: 'CAPACITY_PERCENT', value: 25 }),
    });
    const first = (await cloud.sagemaker.describeEndpoint(ENDPOINT))?.pendingDeployment?.variants[0];
    expect(first?.statuses).toMatchObject([{ status: 'Creating', message: 'Launching 2 instance(s).' }]);
    cloud.clock.advanceBy(120 * MINUTE);
    expect(greenShares(cloud)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(statusTrail(cloud).filter((s) => s.startsWith('Creating'))).toHaveLength(4);
    const endpoint = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(endpoint).toMatchObject({
      status: 'InService',
      endpointConfigName: NEW_CONFIG,
      variants: [{ currentInstanceCount: 8 }],
    });
  });

  it('an alarm during a batch bake brings old instances back a RollbackMaximumBatchSize at a time', async () => {
    const cloud = await guardrailsScene({ instances: 8 });
    await cloud.cloudwatch.putAbortAlarm({
      alarmName: 'abort-roll',
      endpointName: ENDPOINT,
      rolloutId: 'roll',
    });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: rolling({ type: 'INSTANCE_COUNT', value: 2 }, ['abort-roll'], {
        type: 'INSTANCE_COUNT',
        value: 1,
      }),
    });
    cloud.clock.advanceBy(20 * MINUTE); // the second batch bakes: 4 of 8 new instances serve
    await cloud.cloudwatch.setAlarmState('abort-roll', 'ALARM', 'abort requested by bob');
    cloud.clock.advanceBy(20 * MINUTE);
    cloud.clock.advanceBy(60 * MINUTE);
    const endpoint = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(endpoint).toMatchObject({ status: 'InService', endpointConfigName: OLD_CONFIG });
    expect(endpoint?.failureReason).toContain('abort-roll');
    // Two batches shifted, then back one instance of eight at a time.
    expect(greenShares(cloud)).toEqual([0, 0.25, 0.5, 0.375, 0.25, 0.125, 0]);
  });

  it('a rollback that fails leaves the endpoint UpdateRollbackFailed, serving a mix of both configs', async () => {
    const cloud = await guardrailsScene({ instances: 8, candidate: { errorRate: 0.6, latencyMs: 40 } });
    errorRateAlarm(cloud, 'churn-5xx');
    cloud.injectFault({ kind: 'rollbackFails', endpointName: ENDPOINT });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: rolling({ type: 'INSTANCE_COUNT', value: 2 }, ['churn-5xx']),
    });
    cloud.clock.advanceBy(60 * MINUTE);
    const endpoint = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(endpoint?.status).toBe('UpdateRollbackFailed');
    expect(endpoint?.failureReason).toMatch(/churn-5xx.*The rollback failed: the endpoint serves a mix/);
    expect(greenShares(cloud).at(-1)).toBe(0.25);
    const refusal = await rejectionOf(cloud.sagemaker.updateEndpoint(ENDPOINT, OLD_CONFIG));
    expect(refusal.message).toMatch(/UpdateRollbackFailed status/);
  });

  it.each<[string, NativeDeploymentConfig, RegExp]>([
    [
      'a batch over half the fleet',
      rolling({ type: 'INSTANCE_COUNT', value: 5 }),
      /MaximumBatchSize of 5 instance\(s\) is not between 5% and 50% of the 8/,
    ],
    [
      'both update policies',
      {
        ...rolling({ type: 'INSTANCE_COUNT', value: 2 }),
        ...canary({ type: 'INSTANCE_COUNT', value: 1 }),
        rolling: rolling({ type: 'INSTANCE_COUNT', value: 2 }).rolling,
      },
      /only one update policy/,
    ],
  ])('%s is refused, nothing changed', async (_name, config, message) => {
    const cloud = await guardrailsScene({ instances: 8 });
    const refusal = await rejectionOf(
      cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, { deploymentConfig: config }),
    );
    expect(refusal.message).toMatch(message);
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('InService');
  });
});

describe('guardrails: timeout, exclusions, the requests as logged', () => {
  it('a deployment still running at MaximumExecutionTimeoutInSeconds rolls back', async () => {
    // A green fleet that takes 12 minutes to come up cannot finish inside a 600-second deployment.
    const cloud = await guardrailsScene({ instances: 4, timings: { updateEndpointMs: 12 * MINUTE } });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: {
        blueGreen: {
          trafficRouting: {
            type: 'CANARY',
            waitIntervalInSeconds: 120,
            canarySize: { type: 'INSTANCE_COUNT', value: 1 },
          },
          terminationWaitInSeconds: 0,
          maximumExecutionTimeoutInSeconds: 600,
        },
        autoRollbackAlarms: [],
      },
    });
    cloud.clock.advanceBy(30 * MINUTE);
    const endpoint = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(endpoint).toMatchObject({ status: 'InService', endpointConfigName: OLD_CONFIG });
    expect(endpoint?.failureReason).toMatch(/MaximumExecutionTimeoutInSeconds \(600 seconds\)/);
  });

  it('an Inf1 endpoint falls back to an all-at-once update without baking or deployment events (Exclusions)', async () => {
    const cloud = await guardrailsScene({ instances: 4, instanceType: 'ml.inf1.xlarge' });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }),
    });
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.pendingDeployment).toBeUndefined();
    cloud.clock.advanceBy(10 * MINUTE);
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
      status: 'InService',
      endpointConfigName: NEW_CONFIG,
    });
    expect(greenShares(cloud)).toEqual([0, 1]);
    expect(deploymentEvents(cloud)).toEqual([]);
    expect(cloud.endpoint(ENDPOINT)?.lastDeploymentConfig?.BlueGreenUpdatePolicy).toBeDefined();
  });

  it('the sim logs the same DeploymentConfig and abort alarm the AWS adapters send', async () => {
    const cloud = await guardrailsScene({ instances: 4 });
    const config = canary({ type: 'INSTANCE_COUNT', value: 1 }, ['churn-5xx', 'abort-r9']);
    const abort = { alarmName: 'abort-r9', endpointName: ENDPOINT, rolloutId: 'r9' };
    await cloud.cloudwatch.putAbortAlarm(abort);
    await cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, { deploymentConfig: config });
    const logged = (operation: string) => cloud.calls.find((c) => c.operation === operation)?.input;
    expect(logged('UpdateEndpoint')?.['DeploymentConfig']).toEqual(toDeploymentConfig(config));
    const { Dimensions, ...request } = abortAlarmRequest(abort);
    expect(logged('PutMetricAlarm')).toEqual({
      ...request,
      Dimensions: Object.fromEntries((Dimensions ?? []).map((d) => [d.Name, d.Value])),
    });
  });
});

describe('guardrails: refused DeploymentConfigs change nothing', () => {
  const bad: Array<[string, NativeDeploymentConfig, RegExp]> = [
    [
      'a bake over 3600 s',
      canary({ type: 'INSTANCE_COUNT', value: 1 }, [], 4000),
      /Value '4000' at 'deploymentConfig\.blueGreenUpdatePolicy\.trafficRoutingConfiguration\.waitIntervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600/,
    ],
    [
      'a timeout under 600 s',
      {
        blueGreen: {
          trafficRouting: { type: 'ALL_AT_ONCE', waitIntervalInSeconds: 60 },
          terminationWaitInSeconds: 0,
          maximumExecutionTimeoutInSeconds: 300,
        },
        autoRollbackAlarms: [],
      },
      /maximumExecutionTimeoutInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 600/,
    ],
    [
      'eleven alarms',
      canary(
        { type: 'INSTANCE_COUNT', value: 1 },
        Array.from({ length: 11 }, (_, i) => `alarm-${i}`),
      ),
      /autoRollbackConfiguration\.alarms' failed to satisfy constraint: Member must have length less than or equal to 10/,
    ],
    [
      'a canary over half the fleet',
      canary({ type: 'INSTANCE_COUNT', value: 3 }),
      /CanarySize of 3 instance\(s\) is more than 50% of the 4 instance\(s\)/,
    ],
    [
      'a canary with no size',
      {
        blueGreen: {
          trafficRouting: { type: 'CANARY', waitIntervalInSeconds: 60 },
          terminationWaitInSeconds: 0,
        },
        autoRollbackAlarms: [],
      },
      /requires CanarySize/,
    ],
    [
      'a linear step over 50% of the fleet',
      {
        blueGreen: {
          trafficRouting: {
            type: 'LINEAR',
            waitIntervalInSeconds: 60,
            linearStepSize: { type: 'INSTANCE_COUNT', value: 3 },
          },
          terminationWaitInSeconds: 0,
        },
        autoRollbackAlarms: [],
      },
      /LinearStepSize of 3 instance\(s\) is not between 10% and 50% of the 4 instance\(s\)/,
    ],
    [
      'waits longer than the timeout',
      {
        blueGreen: {
          trafficRouting: {
            type: 'CANARY',
            waitIntervalInSeconds: 3600,
            canarySize: { type: 'INSTANCE_COUNT', value: 1 },
          },
          terminationWaitInSeconds: 600,
          maximumExecutionTimeoutInSeconds: 7200,
        },
        autoRollbackAlarms: [],
      },
      /MaximumExecutionTimeoutInSeconds \(7200\) must be larger than the total waiting time/,
    ],
    [
      'a zero-size canary',
      canary({ type: 'INSTANCE_COUNT', value: 0 }),
      /canarySize\.value' failed to satisfy constraint: Member must have value greater than or equal to 1/,
    ],
  ];

  it.each(bad)(
    '%s: ValidationException naming the field, endpoint untouched',
    async (_name, config, message) => {
      const cloud = await guardrailsScene({ instances: 4 });
      const eventsBefore = cloud.events.length;
      const refusal = await rejectionOf(
        cloud.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, { deploymentConfig: config }),
      );
      expect(refusal.message).toMatch(/ValidationException/);
      expect(refusal.message).toMatch(message);
      expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
        status: 'InService',
        endpointConfigName: OLD_CONFIG,
      });
      expect(cloud.endpoint(ENDPOINT)?.lastDeploymentConfig).toBeUndefined();
      expect(cloud.events.length).toBe(eventsBefore);
      cloud.clock.advanceBy(30 * MINUTE);
      expect(greenShares(cloud)).toEqual([0]);
    },
  );

  it('a new config whose variant names differ from the live ones is refused (Exclusions)', async () => {
    const cloud = await guardrailsScene({ instances: 4 });
    await cloud.sagemaker.createEndpointConfig({
      endpointConfigName: 'renamed',
      variants: [
        {
          variantName: 'green',
          modelName: NEW_MODEL,
          instanceType: 'ml.m5.xlarge',
          initialInstanceCount: 4,
          initialVariantWeight: 1,
        },
      ],
      tags: [],
    });
    const refusal = await rejectionOf(
      cloud.sagemaker.updateEndpoint(ENDPOINT, 'renamed', {
        deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }),
      }),
    );
    expect(refusal.message).toMatch(/same variant names .*\[AllTraffic\], got \[green\]/);
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('InService');
  });
});

describe('guardrails on a production endpoint (auto scaling, VPC, data capture, KMS)', () => {
  it('a canary keeps the live instance count with RetainAllVariantProperties and the scalable target stays registered', async () => {
    const scene = await sceneWithScaledEndpoint();
    const { cloud } = scene;
    await cloud.sagemaker.createModel({
      modelName: 'payments-green',
      modelPackageArn: scene.candidatePackage,
      executionRoleArn: ROLE_ARN,
      vpcConfig: { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-1a', 'subnet-1b'] },
      enableNetworkIsolation: true,
      tags: [],
    });
    const live = await cloud.sagemaker.describeEndpointConfig(`${SCALED_ENDPOINT}-config-0`);
    await cloud.sagemaker.createEndpointConfig({
      endpointConfigName: 'payments-green',
      variants: [
        {
          variantName: SCALED_VARIANT,
          modelName: 'payments-green',
          instanceType: SCALED_INSTANCE_TYPE,
          initialInstanceCount: 1,
          initialVariantWeight: 1,
          extra: { VolumeSizeInGB: 30 },
        },
      ],
      ...(live?.extra === undefined ? {} : { extra: live.extra }),
      tags: [],
    });
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, 'payments-green', {
      retainAllVariantProperties: true,
      deploymentConfig: {
        blueGreen: {
          trafficRouting: {
            type: 'CANARY',
            waitIntervalInSeconds: 300,
            canarySize: { type: 'CAPACITY_PERCENT', value: 50 },
          },
          terminationWaitInSeconds: 120,
          maximumExecutionTimeoutInSeconds: 3600,
        },
        autoRollbackAlarms: [],
      },
    });
    const pending = (await cloud.sagemaker.describeEndpoint(SCALED_ENDPOINT))?.pendingDeployment;
    // The live DesiredInstanceCount (2), not the config's 1: the canary is 50% of 2 instances.
    expect(pending?.variants[0]?.desiredInstanceCount).toBe(2);
    cloud.clock.advanceBy(10 * MINUTE);
    expect(pending?.variants[0]?.variantName).toBe(SCALED_VARIANT);
    expect(
      (await cloud.sagemaker.describeEndpoint(SCALED_ENDPOINT))?.pendingDeployment?.variants[0],
    ).toMatchObject({
      currentInstanceCount: 1,
    });
    cloud.clock.advanceBy(30 * MINUTE);
    expect(await cloud.sagemaker.describeEndpoint(SCALED_ENDPOINT)).toMatchObject({
      status: 'InService',
      endpointConfigName: 'payments-green',
      variants: [{ variantName: SCALED_VARIANT, currentInstanceCount: 2 }],
    });
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)).toBeDefined();
    expect(cloud.violations).toEqual([]);
  });

  it("changing a scaled variant's instance type is refused as without guardrails", async () => {
    const scene = await sceneWithScaledEndpoint();
    const { cloud } = scene;
    await cloud.sagemaker.createModel({
      modelName: 'payments-green',
      modelPackageArn: scene.candidatePackage,
      executionRoleArn: ROLE_ARN,
      tags: [],
    });
    await cloud.sagemaker.createEndpointConfig({
      endpointConfigName: 'payments-bigger',
      variants: [
        {
          variantName: SCALED_VARIANT,
          modelName: 'payments-green',
          instanceType: 'ml.c5.2xlarge',
          initialInstanceCount: 2,
          initialVariantWeight: 1,
        },
      ],
      tags: [],
    });
    const refusal = await rejectionOf(
      cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, 'payments-bigger', {
        deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }),
      }),
    );
    expect(refusal.message).toMatch(/registered as scalable targets/);
  });
});

describe('guardrails: save and restore', () => {
  it('a deployment saved mid-bake carries on after a restore exactly as it would have', async () => {
    const original = await guardrailsScene({ instances: 4 });
    await original.sagemaker.updateEndpoint(ENDPOINT, NEW_CONFIG, {
      deploymentConfig: canary({ type: 'INSTANCE_COUNT', value: 1 }),
    });
    original.clock.advanceBy(12 * MINUTE);
    const restored = restoreSimCloud(JSON.parse(JSON.stringify(original.exportState())));
    expect(restored.endpoint(ENDPOINT)?.deployment).toEqual(original.endpoint(ENDPOINT)?.deployment);
    original.clock.advanceBy(30 * MINUTE);
    restored.clock.advanceBy(30 * MINUTE);
    expect(restored.endpoint(ENDPOINT)).toEqual(original.endpoint(ENDPOINT));
    expect(restored.endpoint(ENDPOINT)?.endpointConfigName).toBe(NEW_CONFIG);
  });
});
