// Simulated Application Auto Scaling on a production-like endpoint: registration rules, target
// tracking under changing load (with cooldowns), step scaling from an alarm, scheduled actions,
// suspension, scaling blocked by an update and retried, and DeleteEndpoint deregistering.
import type { SimCloud } from '../../src/sim';
import { DEFAULT_START_TIME } from '../../src/sim';
import {
  MINUTE,
  ROLE_ARN,
  SCALED_ENDPOINT,
  SCALED_INSTANCE_TYPE,
  SCALED_VARIANT,
  rejectionOf,
  sceneWithScaledEndpoint,
} from './scene';

const at = (hhmmss: string) => Date.parse(`2026-01-15T${hhmmss}Z`);
const NOT_SUSPENDED = {
  dynamicScalingInSuspended: false,
  dynamicScalingOutSuspended: false,
  scheduledScalingSuspended: false,
};
const INVOCATIONS_TARGET = {
  TargetValue: 300,
  PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
  ScaleInCooldown: 1800,
};

function variantOf(cloud: SimCloud) {
  const variant = cloud.endpoint(SCALED_ENDPOINT)?.variants.find((v) => v.variantName === SCALED_VARIANT);
  if (variant === undefined) throw new Error('the scaled variant is gone');
  return variant;
}

/** The activities as (time, from → to, status), readable in a failing assertion. */
function activityLog(cloud: SimCloud) {
  return cloud.scalingActivities.map(
    (a) => `${new Date(a.at).toISOString().slice(11, 19)} ${a.fromCapacity}->${a.toCapacity} ${a.statusCode}`,
  );
}

async function trackInvocations(cloud: SimCloud, extra: Record<string, unknown> = {}) {
  await cloud.autoscaling.putScalingPolicy(SCALED_ENDPOINT, SCALED_VARIANT, {
    policyName: 'invocations-per-instance',
    policyType: 'TargetTrackingScaling',
    configuration: { ...INVOCATIONS_TARGET, ...extra },
  });
}

/** A config serving the candidate model under the same variant name and instance type (a model change). */
async function modelOnlyConfig(cloud: SimCloud, candidatePackage: string, name = 'payments-scorer-v2') {
  await cloud.sagemaker.createModel({
    modelName: `${name}-model`,
    modelPackageArn: candidatePackage,
    executionRoleArn: ROLE_ARN,
    vpcConfig: { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-1a', 'subnet-1b'] },
    enableNetworkIsolation: true,
    tags: [],
  });
  const original = await cloud.sagemaker.describeEndpointConfig(`${SCALED_ENDPOINT}-config-0`);
  await cloud.sagemaker.createEndpointConfig({
    endpointConfigName: name,
    variants: [
      {
        variantName: SCALED_VARIANT,
        modelName: `${name}-model`,
        instanceType: SCALED_INSTANCE_TYPE,
        initialInstanceCount: 2,
        initialVariantWeight: 1,
        extra: { VolumeSizeInGB: 30 },
      },
    ],
    ...(original?.extra === undefined ? {} : { extra: original.extra }),
    tags: [],
  });
  return name;
}

describe('simulated Application Auto Scaling: scalable targets', () => {
  it('registers a variant, describes it through the three Describe calls, and updates it in place', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    expect(await cloud.autoscaling.describeVariantScaling(SCALED_ENDPOINT, SCALED_VARIANT)).toEqual({
      target: { minCapacity: 1, maxCapacity: 8, suspended: NOT_SUSPENDED },
      policies: [
        {
          policyName: 'invocations-per-instance',
          policyType: 'TargetTrackingScaling',
          configuration: INVOCATIONS_TARGET,
          alarmNames: [
            expect.stringMatching(
              /^TargetTracking-endpoint\/payments-scorer\/variant\/primary-AlarmHigh-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
            ),
            expect.stringMatching(
              /^TargetTracking-endpoint\/payments-scorer\/variant\/primary-AlarmLow-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
            ),
          ],
        },
      ],
      scheduledActions: [],
    });
    expect(cloud.calls.slice(-3).map((c) => c.operation)).toEqual([
      'DescribeScalableTargets',
      'DescribeScalingPolicies',
      'DescribeScheduledActions',
    ]);
    // RegisterScalableTarget on a registered target is an update: the policy stays.
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 2,
      maxCapacity: 10,
      suspended: { ...NOT_SUSPENDED, dynamicScalingInSuspended: true },
    });
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)).toMatchObject({
      target: { minCapacity: 2, maxCapacity: 10, suspended: { dynamicScalingInSuspended: true } },
      policies: [{ policyName: 'invocations-per-instance' }],
    });
    expect(await cloud.autoscaling.describeVariantScaling(SCALED_ENDPOINT, 'not-registered')).toBeUndefined();
  });

  it('refuses a variant the endpoint does not have, and a minimum above the maximum, registering nothing', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    const unknown = await rejectionOf(
      cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, 'blue', {
        minCapacity: 1,
        maxCapacity: 4,
        suspended: NOT_SUSPENDED,
      }),
    );
    expect(unknown.code).toBe('AWS_ERROR');
    expect(unknown.message).toContain('RegisterScalableTarget failed: ValidationException');
    expect(unknown.message).toContain('endpoint/payments-scorer/variant/blue');
    const inverted = await rejectionOf(
      cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
        minCapacity: 5,
        maxCapacity: 3,
        suspended: NOT_SUSPENDED,
      }),
    );
    expect(inverted.message).toContain('Minimum capacity cannot be greater than maximum capacity');
    expect(cloud.scalingOf(SCALED_ENDPOINT, 'blue')).toBeUndefined();
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.target).toMatchObject({
      minCapacity: 1,
      maxCapacity: 8,
    });
  });

  it('moves the live instance count into new bounds at the next minute, as RegisterScalableTarget documents', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 3,
      maxCapacity: 8,
      suspended: NOT_SUSPENDED,
    });
    cloud.clock.advanceTo(at('09:01:00'));
    expect(activityLog(cloud)).toEqual(['09:01:00 2->3 Successful']);
    expect(cloud.endpoint(SCALED_ENDPOINT)?.status).toBe('Updating');
    cloud.clock.advanceTo(at('09:02:00'));
    expect(variantOf(cloud)).toMatchObject({ currentInstanceCount: 3, desiredInstanceCount: 3 });
  });

  it('refuses policies on an unregistered variant (ObjectNotFoundException) and predictive scaling', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    const unregistered = await rejectionOf(
      cloud.autoscaling.putScalingPolicy(SCALED_ENDPOINT, 'blue', {
        policyName: 'p',
        policyType: 'TargetTrackingScaling',
        configuration: INVOCATIONS_TARGET,
      }),
    );
    expect(unregistered.message).toContain(
      'ObjectNotFoundException: No scalable target registered for service namespace: sagemaker, resource ID: endpoint/payments-scorer/variant/blue, scalable dimension: sagemaker:variant:DesiredInstanceCount',
    );
    const predictive = await rejectionOf(
      cloud.autoscaling.putScalingPolicy(SCALED_ENDPOINT, SCALED_VARIANT, {
        policyName: 'forecast',
        policyType: 'PredictiveScaling',
        configuration: { MetricSpecifications: [] },
      }),
    );
    expect(predictive.message).toContain('ValidationException: PredictiveScaling policies are not supported');
    const foreignMetric = await rejectionOf(
      cloud.autoscaling.putScalingPolicy(SCALED_ENDPOINT, SCALED_VARIANT, {
        policyName: 'cpu',
        policyType: 'TargetTrackingScaling',
        configuration: {
          TargetValue: 50,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      }),
    );
    expect(foreignMetric.message).toContain('ECSServiceAverageCPUUtilization is not supported');
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.policies).toEqual([]);
  });

  it('deregistering deletes the policies and scheduled actions; a second deregister is absent', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    await cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
      scheduledActionName: 'morning-peak',
      schedule: 'cron(0 10 * * ? *)',
      scalableTargetAction: { minCapacity: 4 },
    });
    expect(await cloud.autoscaling.deregisterScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT)).toBe(
      'deregistered',
    );
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)).toBeUndefined();
    expect(await cloud.autoscaling.deregisterScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT)).toBe('absent');
    // Registering again starts empty: nothing of the old policies or actions comes back.
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 1,
      maxCapacity: 8,
      suspended: NOT_SUSPENDED,
    });
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)).toMatchObject({
      policies: [],
      scheduledActions: [],
    });
    cloud.clock.advanceTo(at('10:01:00'));
    expect(cloud.scalingActivities).toEqual([]);
  });

  it('DeleteScalingPolicy stops that policy; deleting what is not there is ObjectNotFoundException', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    cloud.deleteScalingPolicy(SCALED_ENDPOINT, SCALED_VARIANT, 'invocations-per-instance');
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 1800);
    cloud.clock.advanceTo(at('09:10:00'));
    expect(cloud.scalingActivities).toEqual([]);
    expect(() =>
      cloud.deleteScalingPolicy(SCALED_ENDPOINT, SCALED_VARIANT, 'invocations-per-instance'),
    ).toThrow(/No scaling policy found .* policy name: invocations-per-instance/);
    expect(() => cloud.deleteScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, 'nightly')).toThrow(
      expect.objectContaining({ name: 'ObjectNotFoundException' }),
    );
  });

  it('goes through the API gate: calls are logged and throttling applies', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    cloud.injectFault({ kind: 'throttle', operations: ['PutScalingPolicy'], count: 1 });
    const throttled = await rejectionOf(trackInvocations(cloud));
    expect(throttled.code).toBe('THROTTLED');
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.policies).toEqual([]);
    await trackInvocations(cloud);
    expect(cloud.calls.filter((c) => c.operation === 'PutScalingPolicy').map((c) => c.outcome)).toEqual([
      'error',
      'ok',
    ]);
    expect(cloud.calls.find((c) => c.operation === 'RegisterScalableTarget')?.input).toEqual({
      ServiceNamespace: 'sagemaker',
      ResourceId: 'endpoint/payments-scorer/variant/primary',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 1,
      MaxCapacity: 8,
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
    });
  });

  it('is deregistered by DeleteEndpoint', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    cloud.deleteEndpoint(SCALED_ENDPOINT);
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)).toBeUndefined();
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.violations).toEqual([]);
  });
});

describe('simulated Application Auto Scaling: load and target tracking', () => {
  it('publishes InvocationsPerInstance per variant: its invocations divided by its instances', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 900);
    cloud.clock.advanceTo(at('09:02:00'));
    const points = cloud.metricData(
      SCALED_ENDPOINT,
      SCALED_VARIANT,
      'InvocationsPerInstance',
      at('09:00:00'),
      at('09:02:00'),
    );
    expect(points.map((p) => [p.sum, p.sampleCount])).toEqual([
      [450, 900],
      [450, 900],
    ]);
    expect(
      cloud
        .metricData(SCALED_ENDPOINT, SCALED_VARIANT, 'Invocations', at('09:00:00'), at('09:02:00'))
        .map((p) => p.sum),
    ).toEqual([900, 900]);
  });

  it('scales out after 3 minutes above the target, and in after 15 minutes below it, to what keeps it under the target', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    expect(cloud.clock.now()).toBe(DEFAULT_START_TIME);
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 1800); // 900 per instance on 2 instances
    // Three minutes above the target, the third ingested after 09:03: the scale out comes at 09:04.
    cloud.clock.advanceTo(at('09:03:59'));
    expect(cloud.scalingActivities).toEqual([]);
    cloud.clock.advanceTo(at('09:09:00'));
    // 2 × 900 / 300 = 6 instances; at 6, 1800 / 6 = 300 is on target: no further scale out.
    expect(activityLog(cloud)).toEqual(['09:04:00 2->6 Successful']);
    expect(variantOf(cloud).currentInstanceCount).toBe(6);
    expect(cloud.scalingActivities[0]?.cause).toContain('invocations-per-instance');

    cloud.clock.advanceTo(at('09:10:00'));
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 600); // 100 per instance, under 90% of 300
    cloud.clock.advanceTo(at('09:25:59'));
    expect(activityLog(cloud)).toHaveLength(1);
    cloud.clock.advanceTo(at('09:27:00'));
    // ceil(6 × 100 / 300) = 2: the fewest instances that keep the metric at or under the target.
    expect(activityLog(cloud)).toEqual(['09:04:00 2->6 Successful', '09:26:00 6->2 Successful']);

    // Less load again: 15 low minutes pass by 09:43, but the 30-minute scale-in cooldown holds until 09:56.
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 150);
    cloud.clock.advanceTo(at('09:55:59'));
    expect(activityLog(cloud)).toHaveLength(2);
    cloud.clock.advanceTo(at('09:57:00'));
    expect(activityLog(cloud).at(-1)).toBe('09:56:00 2->1 Successful');
    expect(variantOf(cloud).currentInstanceCount).toBe(1);
  });

  it('an overloaded fleet answers slower until target tracking has added instances', async () => {
    const { cloud, baselinePackage } = await sceneWithScaledEndpoint();
    cloud.setBehaviour(baselinePackage, { errorRate: 0, latencyMs: 35, capacityPerInstancePerMinute: 300 });
    await trackInvocations(cloud);
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 1800); // 900 per instance: three times the capacity
    cloud.clock.advanceTo(at('09:10:00'));
    const latencyMs = (minute: string) =>
      (cloud.metricData(SCALED_ENDPOINT, SCALED_VARIANT, 'ModelLatency', at(minute), at(minute) + MINUTE)[0]
        ?.average ?? NaN) / 1000;
    expect(latencyMs('09:01:00')).toBeGreaterThan(95);
    expect(latencyMs('09:01:00')).toBeLessThan(115);
    expect(variantOf(cloud).currentInstanceCount).toBe(6);
    expect(latencyMs('09:08:00')).toBeGreaterThan(30);
    expect(latencyMs('09:08:00')).toBeLessThan(40);
  });

  it('never scales past the maximum, and DisableScaleIn keeps the capacity when load drops', async () => {
    const { cloud } = await sceneWithScaledEndpoint({ maxCapacity: 4 });
    await trackInvocations(cloud, { DisableScaleIn: true });
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 6000);
    cloud.clock.advanceTo(at('09:10:00'));
    expect(activityLog(cloud)).toEqual(['09:04:00 2->4 Successful']);
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 60);
    cloud.clock.advanceTo(at('10:00:00'));
    expect(activityLog(cloud)).toHaveLength(1);
    expect(variantOf(cloud).currentInstanceCount).toBe(4);
  });

  it('scales an idle variant in: SageMaker reports 0 invocations per instance for it', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 0);
    cloud.clock.advanceTo(at('09:17:00'));
    expect(activityLog(cloud)).toEqual(['09:16:00 2->1 Successful']);
  });

  it('does not scale out while DynamicScalingOutSuspended, and does at the next minute once resumed', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 1,
      maxCapacity: 8,
      suspended: { ...NOT_SUSPENDED, dynamicScalingOutSuspended: true },
    });
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 1800);
    cloud.clock.advanceTo(at('09:10:00'));
    expect(cloud.scalingActivities).toEqual([]);
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 1,
      maxCapacity: 8,
      suspended: NOT_SUSPENDED,
    });
    cloud.clock.advanceTo(at('09:11:00'));
    expect(activityLog(cloud)).toEqual(['09:11:00 2->6 Successful']);
  });

  it('is blocked while the endpoint is updating (the activity fails and is tried again each minute), then scales', async () => {
    const { cloud, candidatePackage } = await sceneWithScaledEndpoint();
    await trackInvocations(cloud);
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 1800);
    const config = await modelOnlyConfig(cloud, candidatePackage);
    cloud.clock.advanceTo(at('09:02:30'));
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, config, { retainAllVariantProperties: true });
    let finishedAt: number | undefined;
    cloud.onEvent((event) => {
      if (
        event['detail-type'] === 'SageMaker Endpoint State Change' &&
        event.detail.EndpointStatus === 'IN_SERVICE'
      ) {
        finishedAt ??= Date.parse(event.time);
      }
    });
    cloud.clock.advanceTo(at('09:20:00'));
    const failed = cloud.scalingActivities.filter((a) => a.statusCode === 'Failed');
    const succeeded = cloud.scalingActivities.filter((a) => a.statusCode === 'Successful');
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(failed[0]?.at).toBe(at('09:04:00'));
    expect(failed[0]?.statusMessage).toMatch(
      /^Failed to set desired instance count to 6\. Reason: Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint\/payments-scorer"\.$/,
    );
    // Tried every minute until the update was over, then accepted at the first minute after it.
    expect(failed.map((a) => a.at)).toEqual(failed.map((_, index) => at('09:04:00') + index * MINUTE));
    expect(finishedAt).toBeDefined();
    expect(succeeded.map((a) => [a.at, a.toCapacity])).toEqual([
      [Math.ceil((finishedAt as number) / MINUTE) * MINUTE, 6],
    ]);
    expect(cloud.endpoint(SCALED_ENDPOINT)?.endpointConfigName).toBe(config);
    expect(variantOf(cloud).currentInstanceCount).toBe(6);
  });
});

describe('simulated Application Auto Scaling: step scaling from an alarm', () => {
  async function stepPolicy(cloud: SimCloud): Promise<string> {
    await cloud.autoscaling.putScalingPolicy(SCALED_ENDPOINT, SCALED_VARIANT, {
      policyName: 'burst',
      policyType: 'StepScaling',
      configuration: {
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 1000, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 1000, ScalingAdjustment: 3 },
        ],
        Cooldown: 300,
        MetricAggregationType: 'Average',
      },
    });
    const arn = cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.policies[0]?.policyArn as string;
    expect(arn).toMatch(
      /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/sagemaker\/endpoint\/payments-scorer\/variant\/primary:policyName\/burst$/,
    );
    return arn;
  }

  it('scales when an alarm whose AlarmActions name the policy goes to ALARM, again each minute it stays there after the cooldown, and a larger step counts the earlier increase', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    const policyArn = await stepPolicy(cloud);
    cloud.createMetricAlarm({
      alarmName: 'payments-scorer-invocations-high',
      metricName: 'Invocations',
      endpointName: SCALED_ENDPOINT,
      variantName: SCALED_VARIANT,
      statistic: 'Sum',
      threshold: 1000,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      alarmActions: [policyArn],
    });
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.policies[0]?.alarmNames).toEqual([
      'payments-scorer-invocations-high',
    ]);
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 1500); // 500 over the threshold: the +1 step
    cloud.clock.advanceTo(at('09:13:00'));
    // +1 once the first minute is ingested and the alarm sees it (09:02); in the 300 s cooldown the
    // same step adds nothing; +1 again when it ends.
    expect(activityLog(cloud)).toEqual([
      '09:02:00 2->3 Successful',
      '09:07:00 3->4 Successful',
      '09:12:00 4->5 Successful',
    ]);
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 2500); // 1500 over: the +3 step, during the cooldown
    cloud.clock.advanceTo(at('09:16:00'));
    // The capacity before the activity that started the cooldown was 4: 4 + 3 = 7, not 5 + 3. The
    // minute at 2500 (09:13) is ingested after 09:14 and read by the policy at 09:15.
    expect(activityLog(cloud).at(-1)).toBe('09:15:00 5->7 Successful');
  });

  it('acts on SetAlarmState between ticks only when it carries StateReasonData datapoints, as AWS requires', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    const policyArn = await stepPolicy(cloud);
    cloud.createMetricAlarm({
      alarmName: 'payments-scorer-invocations-test',
      metricName: 'Invocations',
      endpointName: SCALED_ENDPOINT,
      variantName: SCALED_VARIANT,
      statistic: 'Sum',
      threshold: 100_000,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      alarmActions: [policyArn],
    });
    cloud.clock.advanceTo(at('09:00:20'));
    cloud.setAlarmState('payments-scorer-invocations-test', 'ALARM', 'load test without data');
    expect(cloud.scalingActivities).toEqual([]);
    cloud.setAlarmState('payments-scorer-invocations-test', 'OK', 'reset');
    cloud.clock.advanceTo(at('09:00:40'));
    cloud.setAlarmState(
      'payments-scorer-invocations-test',
      'ALARM',
      'load test',
      '{"version":"1.0","recentDatapoints":[101500.0],"threshold":100000.0}',
    );
    // 1500 over the threshold: the +3 step, at once.
    expect(activityLog(cloud)).toEqual(['09:00:40 2->5 Successful']);
    // The next evaluation puts the alarm back to OK: nothing more.
    cloud.clock.advanceTo(at('09:10:00'));
    expect(activityLog(cloud)).toHaveLength(1);
  });

  it('does nothing for an alarm whose actions name no policy', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await stepPolicy(cloud);
    cloud.createMetricAlarm({
      alarmName: 'unrelated',
      metricName: 'Invocations',
      endpointName: SCALED_ENDPOINT,
      variantName: SCALED_VARIANT,
      statistic: 'Sum',
      threshold: 10,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    cloud.clock.advanceTo(at('09:10:00'));
    expect(cloud.alarm('unrelated')?.state).toBe('ALARM');
    expect(cloud.scalingActivities).toEqual([]);
  });
});

describe('simulated Application Auto Scaling: scheduled actions', () => {
  it('changes the bounds at the scheduled minute and moves the capacity into them', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 10); // a quiet day: this test runs 25 simulated hours
    await cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
      scheduledActionName: 'morning-peak',
      schedule: 'cron(0 10 * * ? *)',
      scalableTargetAction: { minCapacity: 4, maxCapacity: 8 },
    });
    await cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
      scheduledActionName: 'after-peak',
      schedule: 'at(2026-01-15T10:30:00)',
      scalableTargetAction: { minCapacity: 1, maxCapacity: 3 },
    });
    cloud.clock.advanceTo(at('09:59:59'));
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.target).toMatchObject({
      minCapacity: 1,
      maxCapacity: 8,
    });
    cloud.clock.advanceTo(at('10:00:00'));
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.target).toMatchObject({
      minCapacity: 4,
      maxCapacity: 8,
    });
    cloud.clock.advanceTo(at('10:31:00'));
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.target).toMatchObject({
      minCapacity: 1,
      maxCapacity: 3,
    });
    expect(activityLog(cloud)).toEqual(['10:00:00 2->4 Successful', '10:30:00 4->3 Successful']);
    // The cron action runs again the next day.
    cloud.clock.advanceTo(at('10:31:00') + 24 * 60 * MINUTE);
    expect(activityLog(cloud).at(-1)).toBe(`${'10:00:00'} 3->4 Successful`);
  });

  it('runs rate(...) actions every interval from their start time', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
      scheduledActionName: 'keep-two',
      schedule: 'rate(20 minutes)',
      startTime: at('09:05:00'),
      scalableTargetAction: { minCapacity: 3 },
    });
    cloud.clock.advanceTo(at('09:24:59'));
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.target.minCapacity).toBe(1);
    cloud.clock.advanceTo(at('09:26:00'));
    expect(activityLog(cloud)).toEqual(['09:25:00 2->3 Successful']);
  });

  it('does not run while ScheduledScalingSuspended (the missed run is not made up)', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    await cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
      scheduledActionName: 'morning-peak',
      schedule: 'cron(0 10 * * ? *)',
      scalableTargetAction: { minCapacity: 4 },
    });
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 1,
      maxCapacity: 8,
      suspended: { ...NOT_SUSPENDED, scheduledScalingSuspended: true },
    });
    cloud.clock.advanceTo(at('10:05:00'));
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 1,
      maxCapacity: 8,
      suspended: NOT_SUSPENDED,
    });
    cloud.clock.advanceTo(at('10:30:00'));
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.target.minCapacity).toBe(1);
    expect(cloud.scalingActivities).toEqual([]);
  });

  it('refuses a malformed schedule with a ValidationException', async () => {
    const { cloud } = await sceneWithScaledEndpoint();
    const bad = await rejectionOf(
      cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
        scheduledActionName: 'typo',
        schedule: 'cron(0 10 * *)',
        scalableTargetAction: { minCapacity: 4 },
      }),
    );
    expect(bad.message).toContain('PutScheduledAction failed: ValidationException');
    expect(bad.message).toContain('six fields');
    expect(cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)?.scheduledActions).toEqual([]);
  });
});
