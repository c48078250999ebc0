// Simulated CloudWatch alarms on per-variant SageMaker metrics, their events and SetAlarmState.
import type { AlarmStateChangeEvent, SimCloud } from '../../src/sim';
import { createSimCloud } from '../../src/sim';
import {
  CANDIDATE_VARIANT,
  ENDPOINT,
  MINUTE,
  deployTransition,
  rejectionOf,
  sceneWithEndpoint,
} from './scene';

function alarmEvents(cloud: SimCloud): AlarmStateChangeEvent[] {
  return cloud.events.filter(
    (e): e is AlarmStateChangeEvent => e['detail-type'] === 'CloudWatch Alarm State Change',
  );
}

function errorRateAlarm(cloud: SimCloud, alarmName: string, variantName?: string) {
  cloud.createMetricAlarm({
    alarmName,
    metricName: 'Invocation5XXErrors',
    endpointName: ENDPOINT,
    ...(variantName === undefined ? {} : { variantName }),
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
  });
}

describe('simulated CloudWatch alarms', () => {
  it('start INSUFFICIENT_DATA, "Unchecked: Initial alarm creation"', async () => {
    const { cloud } = sceneWithEndpoint();
    errorRateAlarm(cloud, 'errors');
    expect(await cloud.cloudwatch.describeAlarms(['errors'])).toEqual([
      {
        alarmName: 'errors',
        state: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        updatedAt: Date.UTC(2026, 0, 15, 9, 0, 0),
        definition: {
          kind: 'metric',
          metric: {
            namespace: 'AWS/SageMaker',
            metricName: 'Invocation5XXErrors',
            dimensions: [{ name: 'EndpointName', value: ENDPOINT }],
          },
          statistic: 'Average',
          periodSeconds: 60,
        },
      },
    ]);
  });

  it('a model with a 20% error rate trips a 5% error-rate alarm within two minutes and emits a CloudWatch Alarm State Change event', async () => {
    const cloud = createSimCloud({ seed: 3 });
    cloud.createEndpoint({ endpointName: ENDPOINT, behaviour: { errorRate: 0.2, latencyMs: 40 } });
    errorRateAlarm(cloud, 'fraud-detector-5xx', 'AllTraffic');
    cloud.clock.advanceBy(2 * MINUTE);

    const [state] = await cloud.cloudwatch.describeAlarms(['fraud-detector-5xx']);
    expect(state?.state).toBe('ALARM');
    expect(state?.reason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoints \[0\.\d+ \(15\/01\/26 09:00:00\)\] was greater than the threshold \(0\.05\) \(minimum 1 datapoint for OK -> ALARM transition\)\.$/,
    );
    const reasonData = JSON.parse(state?.reasonData ?? '{}') as {
      recentDatapoints: number[];
      statistic: string;
    };
    expect(reasonData).toMatchObject({ version: '1.0', statistic: 'Average', period: 60, threshold: 0.05 });
    expect(reasonData.recentDatapoints[0]).toBeGreaterThan(0.12);

    const [event] = alarmEvents(cloud);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '123456789012',
      time: '2026-01-15T09:02:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:fraud-detector-5xx'],
      detail: {
        alarmName: 'fraud-detector-5xx',
        state: {
          value: 'ALARM',
          reason: state?.reason,
          reasonData: state?.reasonData,
          timestamp: '2026-01-15T09:02:00.000+0000',
        },
        previousState: { value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation' },
        configuration: {
          metrics: [
            {
              metricStat: {
                metric: {
                  namespace: 'AWS/SageMaker',
                  name: 'Invocation5XXErrors',
                  dimensions: { EndpointName: ENDPOINT, VariantName: 'AllTraffic' },
                },
                period: 60,
                stat: 'Average',
              },
              returnData: true,
            },
          ],
        },
      },
    });
  });

  it('watches the candidate alone through putCandidateAlarm, missing data while it gets no traffic', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 0.3, latencyMs: 40 } });
    const { cloud } = scene;
    await deployTransition(scene);
    await cloud.cloudwatch.putCandidateAlarm({
      alarmName: 'candidate-5xx',
      description: 'candidate error rate',
      endpointName: ENDPOINT,
      variantName: CANDIDATE_VARIANT,
      metricName: 'Invocation5XXErrors',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'missing',
      tags: [],
    });
    cloud.clock.advanceBy(3 * MINUTE);
    expect(cloud.alarm('candidate-5xx')?.state).toBe('INSUFFICIENT_DATA');

    await cloud.sagemaker.updateWeights(ENDPOINT, [
      { variantName: 'AllTraffic', weight: 90 },
      { variantName: CANDIDATE_VARIANT, weight: 10 },
    ]);
    cloud.clock.advanceBy(3 * MINUTE);
    expect(cloud.alarm('candidate-5xx')?.state).toBe('ALARM');
    expect(alarmEvents(cloud).at(-1)?.detail.configuration.description).toBe('candidate error rate');
    expect(cloud.calls.find((c) => c.operation === 'PutMetricAlarm')?.input).toMatchObject({
      AlarmName: 'candidate-5xx',
      Dimensions: { EndpointName: ENDPOINT, VariantName: CANDIDATE_VARIANT },
      Statistic: 'Average',
    });
  });

  it('an alarm on EndpointName alone sees no data, as on AWS, however bad the model; the same alarm with VariantName fires', async () => {
    const scene = sceneWithEndpoint({
      baseline: { errorRate: 0.5, latencyMs: 40 },
      candidate: { errorRate: 0.5, latencyMs: 40 },
    });
    const { cloud } = scene;
    await deployTransition(scene);
    errorRateAlarm(cloud, 'whole-endpoint');
    errorRateAlarm(cloud, 'serving-variant', 'AllTraffic');
    errorRateAlarm(cloud, 'candidate-only', CANDIDATE_VARIANT);
    await cloud.sagemaker.updateWeights(ENDPOINT, [
      { variantName: 'AllTraffic', weight: 90 },
      { variantName: CANDIDATE_VARIANT, weight: 10 },
    ]);
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.alarm('whole-endpoint')).toMatchObject({
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
    });
    expect(cloud.alarm('serving-variant')?.state).toBe('ALARM');
    expect(cloud.alarm('candidate-only')?.state).toBe('ALARM');
  });

  it.each([
    ['another namespace', { namespace: '/aws/sagemaker/Endpoints', variantName: 'AllTraffic' }],
    [
      'an extra dimension',
      { variantName: 'AllTraffic', dimensions: [{ name: 'Region', value: 'us-east-1' }] },
    ],
    ['a variant the endpoint does not have', { variantName: 'Primary' }],
  ])(
    'an alarm on %s sees no data: TreatMissingData breaching goes ALARM on no data at all',
    (_label, where) => {
      const { cloud } = sceneWithEndpoint({ baseline: { errorRate: 0.5, latencyMs: 40 } });
      cloud.createMetricAlarm({
        alarmName: 'nowhere',
        metricName: 'Invocation5XXErrors',
        endpointName: ENDPOINT,
        ...where,
        statistic: 'Average',
        threshold: 0.9,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 60,
        evaluationPeriods: 1,
        treatMissingData: 'breaching',
      });
      cloud.clock.advanceBy(3 * MINUTE);
      expect(cloud.alarm('nowhere')?.reason).toMatch(
        /^Threshold Crossed: no datapoints were received for 1 period/,
      );
    },
  );

  it('a metric-math error rate (100*errors/invocations) on the candidate fires and reports its queries', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 0.3, latencyMs: 40 } });
    const { cloud } = scene;
    await deployTransition(scene);
    const candidate = [
      { name: 'EndpointName', value: ENDPOINT },
      { name: 'VariantName', value: CANDIDATE_VARIANT },
    ];
    cloud.createMetricAlarm({
      alarmName: 'candidate-error-percent',
      metrics: [
        {
          id: 'errors',
          metricStat: {
            namespace: 'AWS/SageMaker',
            metricName: 'Invocation5XXErrors',
            dimensions: candidate,
            statistic: 'Sum',
          },
        },
        {
          id: 'invocations',
          metricStat: {
            namespace: 'AWS/SageMaker',
            metricName: 'Invocations',
            dimensions: candidate,
            statistic: 'Sum',
          },
        },
        { id: 'rate', expression: '100*errors/invocations', returnData: true },
      ],
      threshold: 5,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    cloud.clock.advanceBy(3 * MINUTE);
    // No candidate traffic yet: 0/0 and missing inputs are no datapoint.
    expect(cloud.alarm('candidate-error-percent')?.state).toBe('INSUFFICIENT_DATA');
    await cloud.sagemaker.updateWeights(ENDPOINT, [
      { variantName: 'AllTraffic', weight: 50 },
      { variantName: CANDIDATE_VARIANT, weight: 50 },
    ]);
    cloud.clock.advanceBy(3 * MINUTE);
    const alarm = cloud.alarm('candidate-error-percent');
    expect(alarm?.state).toBe('ALARM');
    const percent = JSON.parse(alarm?.reasonData ?? '{}') as { recentDatapoints: number[] };
    expect(percent.recentDatapoints[0]).toBeGreaterThan(15);
    expect(percent.recentDatapoints[0]).toBeLessThan(45);
    const [described] = await cloud.cloudwatch.describeAlarms(['candidate-error-percent']);
    expect(described?.definition).toEqual({
      kind: 'math',
      metrics: [
        expect.objectContaining({
          id: 'errors',
          returnData: false,
          metric: expect.objectContaining({
            metricName: 'Invocation5XXErrors',
            dimensions: candidate,
            periodSeconds: 60,
          }),
        }),
        expect.objectContaining({ id: 'invocations', returnData: false }),
        { id: 'rate', expression: '100*errors/invocations', returnData: true },
      ],
    });
    expect(
      alarmEvents(cloud)
        .at(-1)
        ?.detail.configuration.metrics?.map((m) => m.id),
    ).toEqual(['errors', 'invocations', 'rate']);
  });

  it.each([
    [
      'a function it does not evaluate',
      [{ id: 'e1', expression: 'FILL(m1, 0)', returnData: true }],
      /FILL is a metric math function/,
    ],
    [
      'an unknown id',
      [{ id: 'e1', expression: 'm1/m2', returnData: true }],
      /refers to m1, which is not an id/,
    ],
    ['no query returning data', [{ id: 'e1', expression: '1' }], /Exactly one element/],
  ])('refuses a math alarm with %s', (_label, metrics, message) => {
    const { cloud } = sceneWithEndpoint();
    expect(() =>
      cloud.createMetricAlarm({
        alarmName: 'bad-math',
        metrics,
        threshold: 1,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 60,
        evaluationPeriods: 1,
      }),
    ).toThrow(message);
    expect(cloud.alarmNames()).toEqual([]);
  });

  it('a composite alarm follows its AlarmRule over its children, at once when a child changes', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 0.3, latencyMs: 40 } });
    const { cloud } = scene;
    await deployTransition(scene);
    errorRateAlarm(cloud, 'candidate-5xx', CANDIDATE_VARIANT);
    cloud.createCompositeAlarm({
      alarmName: 'candidate-health',
      alarmRule:
        'ALARM("candidate-5xx") AND NOT ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:maintenance)',
    });
    expect(cloud.alarm('candidate-health')?.state).toBe('OK');
    await cloud.sagemaker.updateWeights(ENDPOINT, [
      { variantName: 'AllTraffic', weight: 50 },
      { variantName: CANDIDATE_VARIANT, weight: 50 },
    ]);
    cloud.clock.advanceBy(3 * MINUTE);
    expect(cloud.alarm('candidate-health')).toMatchObject({
      state: 'ALARM',
      reason: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:candidate-5xx transitioned to ALARM',
    });
    const [described] = await cloud.cloudwatch.describeAlarms(['candidate-health']);
    expect(described?.definition).toEqual({
      kind: 'composite',
      alarmRule:
        'ALARM("candidate-5xx") AND NOT ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:maintenance)',
      childAlarmNames: ['candidate-5xx', 'maintenance'],
    });
    expect(alarmEvents(cloud).at(-1)?.detail).toMatchObject({
      alarmName: 'candidate-health',
      configuration: { alarmRule: expect.stringContaining('candidate-5xx') },
    });
    expect(() => cloud.createCompositeAlarm({ alarmName: 'broken', alarmRule: 'ALARM(a) AND' })).toThrow(
      /AlarmRule/,
    );
  });

  it('math and composite alarms survive a save and restore, and keep evaluating', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 0.3, latencyMs: 40 } });
    const { cloud } = scene;
    await deployTransition(scene);
    const candidate = [
      { name: 'EndpointName', value: ENDPOINT },
      { name: 'VariantName', value: CANDIDATE_VARIANT },
    ];
    const stat = (metricName: string) => ({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensions: candidate,
      statistic: 'Sum',
    });
    cloud.createMetricAlarm({
      alarmName: 'rate',
      metrics: [
        { id: 'e', metricStat: stat('Invocation5XXErrors') },
        { id: 'n', metricStat: stat('Invocations') },
        { id: 'r', expression: 'e/n', returnData: true },
      ],
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    cloud.createCompositeAlarm({ alarmName: 'health', alarmRule: 'ALARM(rate)' });
    const restored = createSimCloud({ state: JSON.parse(JSON.stringify(cloud.exportState())) as never });
    expect(restored.alarm('rate')).toEqual(cloud.alarm('rate'));
    expect(restored.alarm('health')).toEqual(cloud.alarm('health'));
    await restored.sagemaker.updateWeights(ENDPOINT, [
      { variantName: 'AllTraffic', weight: 50 },
      { variantName: CANDIDATE_VARIANT, weight: 50 },
    ]);
    restored.clock.advanceBy(3 * MINUTE);
    expect(restored.alarm('rate')?.state).toBe('ALARM');
    expect(restored.alarm('health')?.state).toBe('ALARM');
  });

  it('restores an alarm saved before metrics had dimensions ({metricName, endpointName, variantName})', () => {
    const { cloud } = sceneWithEndpoint();
    errorRateAlarm(cloud, 'errors', 'AllTraffic');
    const state = cloud.exportState() as unknown as { alarms: { definition: Record<string, unknown> }[] };
    state.alarms[0]!.definition = {
      alarmName: 'errors',
      metricName: 'Invocation5XXErrors',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'missing',
    };
    const restored = createSimCloud({ state: state as never });
    expect(restored.alarm('errors')?.definition).toEqual(cloud.alarm('errors')?.definition);
  });

  it('treats missing data as the alarm says: notBreaching goes OK, breaching goes ALARM', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    await deployTransition(scene);
    for (const treatMissingData of ['notBreaching', 'breaching', 'ignore'] as const) {
      cloud.createMetricAlarm({
        alarmName: `idle-${treatMissingData}`,
        metricName: 'Invocation5XXErrors',
        endpointName: ENDPOINT,
        variantName: CANDIDATE_VARIANT,
        statistic: 'Sum',
        threshold: 0,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData,
      });
    }
    cloud.clock.advanceBy(MINUTE);
    expect(cloud.alarm('idle-notBreaching')?.state).toBe('OK');
    expect(cloud.alarm('idle-breaching')).toMatchObject({
      state: 'ALARM',
      reason:
        'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].',
    });
    expect(cloud.alarm('idle-ignore')?.state).toBe('INSUFFICIENT_DATA');
  });

  it('lets SetAlarmState force a state that the next evaluation flips back', async () => {
    const { cloud } = sceneWithEndpoint();
    errorRateAlarm(cloud, 'errors', 'AllTraffic');
    // The first minute's datapoint is ingested after 09:01; the alarm first sees it at 09:02.
    cloud.clock.advanceBy(2 * MINUTE);
    expect(cloud.alarm('errors')?.state).toBe('OK');
    cloud.clock.advanceBy(10_000);
    cloud.setAlarmState('errors', 'ALARM', 'testing the rollback path');
    expect(await cloud.cloudwatch.describeAlarms(['errors'])).toEqual([
      {
        alarmName: 'errors',
        state: 'ALARM',
        reason: 'testing the rollback path',
        updatedAt: Date.UTC(2026, 0, 15, 9, 2, 10),
        definition: expect.objectContaining({ kind: 'metric' }),
      },
    ]);
    cloud.clock.advanceBy(50_000);
    expect(cloud.alarm('errors')?.state).toBe('OK');
    expect(
      alarmEvents(cloud).map((e) => [e.time, e.detail.previousState.value, e.detail.state.value]),
    ).toEqual([
      ['2026-01-15T09:02:00Z', 'INSUFFICIENT_DATA', 'OK'],
      ['2026-01-15T09:02:10Z', 'OK', 'ALARM'],
      ['2026-01-15T09:03:00Z', 'ALARM', 'OK'],
    ]);
  });

  it('re-evaluates a 5-minute alarm the minute after SetAlarmState, over a window that slides by the minute', () => {
    const { cloud } = sceneWithEndpoint();
    cloud.createMetricAlarm({
      alarmName: 'five-minute',
      metricName: 'Invocation5XXErrors',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 300,
      evaluationPeriods: 1,
    });
    cloud.clock.advanceBy(6 * MINUTE);
    expect(cloud.alarm('five-minute')?.state).toBe('OK');
    cloud.setAlarmState('five-minute', 'ALARM', 'drill');
    cloud.clock.advanceBy(MINUTE);
    // Evaluated at 09:07 over [09:02, 09:07): CloudWatch's windows end at the evaluation, not on
    // multiples of the period.
    expect(cloud.alarm('five-minute')).toMatchObject({
      state: 'OK',
      reason: expect.stringContaining('[0.0 (15/01/26 09:02:00)]'),
    });
  });

  it('evaluates latency percentiles in microseconds and M out of N datapoints', async () => {
    const cloud = createSimCloud({ seed: 11 });
    const slow = cloud.registerModelPackage({
      groupName: 'fraud',
      behaviour: { errorRate: 0, latencyMs: 40 },
    });
    cloud.createEndpoint({ endpointName: ENDPOINT, modelPackageArn: slow });
    cloud.createMetricAlarm({
      alarmName: 'p99-latency',
      metricName: 'ModelLatency',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'p99',
      threshold: 150_000,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    cloud.clock.advanceBy(3 * MINUTE);
    expect(cloud.alarm('p99-latency')?.state).toBe('OK');
    cloud.setBehaviour(slow, { errorRate: 0, latencyMs: 200 });
    // 09:03's slow minute is visible from 09:04:15 on: at 09:05 one of the last 3 datapoints breaches.
    cloud.clock.advanceBy(2 * MINUTE);
    expect(cloud.alarm('p99-latency')?.state).toBe('OK');
    cloud.clock.advanceBy(MINUTE);
    expect(cloud.alarm('p99-latency')?.reason).toMatch(
      /^Threshold Crossed: 2 out of the last 3 datapoints \[\d+\.0 /,
    );
  });

  it('omits unknown names from DescribeAlarms and deletes alarms that may not exist', async () => {
    const { cloud } = sceneWithEndpoint();
    errorRateAlarm(cloud, 'errors');
    expect(
      (await cloud.cloudwatch.describeAlarms(['nope', 'errors', 'errors'])).map((a) => a.alarmName),
    ).toEqual(['errors']);
    await cloud.cloudwatch.deleteAlarms(['errors', 'never-existed']);
    expect(cloud.alarmNames()).toEqual([]);
    expect(await cloud.cloudwatch.describeAlarms(['errors'])).toEqual([]);
  });

  it('rejects alarms CloudWatch would reject', async () => {
    const { cloud } = sceneWithEndpoint();
    const spec = {
      alarmName: 'bad',
      description: '',
      endpointName: ENDPOINT,
      variantName: CANDIDATE_VARIANT,
      metricName: 'Invocation5XXErrors',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold' as const,
      periodSeconds: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 3,
      treatMissingData: 'missing' as const,
      tags: [],
    };
    expect(await rejectionOf(cloud.cloudwatch.putCandidateAlarm(spec))).toMatchObject({
      code: 'AWS_ERROR',
      message:
        'PutMetricAlarm failed: ValidationException: DatapointsToAlarm must be less than or equal to EvaluationPeriods.',
    });
    await expect(
      cloud.cloudwatch.putCandidateAlarm({ ...spec, datapointsToAlarm: 1, statistic: 'Median' }),
    ).rejects.toMatchObject({
      code: 'AWS_ERROR',
    });
    await expect(
      cloud.cloudwatch.putCandidateAlarm({ ...spec, datapointsToAlarm: 1, evaluationPeriods: 1441 }),
    ).rejects.toMatchObject({ code: 'AWS_ERROR' });
    // Set-up helpers are not port calls: they throw what the SDK would (here CloudWatch's ResourceNotFound).
    expect(() => cloud.setAlarmState('missing-alarm', 'ALARM', 'x')).toThrow(
      expect.objectContaining({ name: 'ResourceNotFound', message: 'Alarm missing-alarm not found' }),
    );
    expect(cloud.alarmNames()).toEqual([]);
  });
});
