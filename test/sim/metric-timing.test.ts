// When the simulated cloud's metrics exist and when anyone can see them: SageMaker's publish frequency
// (60 s, or the MetricsConfig frequency with enhanced metrics), CloudWatch's ingestion delay, and alarm
// evaluation every minute (every 10 s for a high-resolution alarm) over the data ingested so far.
import type { MetricDataQuery } from '../../src/engine/ports';
import type { SimCloud } from '../../src/sim';
import { DEFAULT_START_TIME, DEFAULT_TIMINGS, createSimCloud, restoreSimCloud } from '../../src/sim';
import { ENDPOINT, MINUTE } from './scene';

const T0 = DEFAULT_START_TIME; // 09:00:00
const SECOND = 1_000;
const DELAY = DEFAULT_TIMINGS.metricIngestionDelayMs;

const ENHANCED_10S = { MetricsConfig: { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 10 } };

function query(periodSeconds: number, statistic = 'Sum', metricName = 'Invocations'): MetricDataQuery {
  return {
    id: 'q',
    metric: {
      namespace: 'AWS/SageMaker',
      metricName,
      dimensions: [
        { name: 'EndpointName', value: ENDPOINT },
        { name: 'VariantName', value: 'AllTraffic' },
      ],
    },
    periodSeconds,
    statistic,
  };
}

async function points(cloud: SimCloud, q: MetricDataQuery, from = T0, to = T0 + 60 * MINUTE) {
  const [series] = await cloud.metrics.getMetricData([q], from, to);
  return (series?.points ?? []).map((p) => [(p.timestamp - T0) / SECOND, p.value]);
}

function errorAlarm(cloud: SimCloud, periodSeconds: number) {
  cloud.createMetricAlarm({
    alarmName: 'errors',
    metricName: 'Invocation5XXErrors',
    endpointName: ENDPOINT,
    variantName: 'AllTraffic',
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds,
    evaluationPeriods: 1,
  });
}

const alarmTimes = (cloud: SimCloud) =>
  cloud.events
    .filter((e) => e['detail-type'] === 'CloudWatch Alarm State Change')
    .map((e) => [e.time, (e.detail as { state: { value: string } }).state.value]);

describe('metric publishing and ingestion', () => {
  it('publishes invocation metrics once a minute, and a minute is readable only after its end plus the ingestion delay', async () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT });
    cloud.clock.advanceTo(T0 + MINUTE + DELAY - 1);
    expect(await points(cloud, query(60))).toEqual([]);
    cloud.clock.advanceTo(T0 + MINUTE + DELAY);
    expect(await points(cloud, query(60))).toEqual([[0, 600]]);
    // The observation surface sees what was published, ingested or not.
    cloud.clock.advanceTo(T0 + 2 * MINUTE);
    expect(cloud.metricData(ENDPOINT, 'AllTraffic', 'Invocations', T0, T0 + 2 * MINUTE)).toHaveLength(2);
    expect(await points(cloud, query(60))).toEqual([[0, 600]]);
  });

  it('with enhanced metrics at 10 s, each 10-second datapoint holds 10 seconds of requests', async () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT, configExtra: ENHANCED_10S });
    cloud.clock.advanceTo(T0 + 30 * SECOND + DELAY);
    expect(await points(cloud, query(10))).toEqual([
      [0, 100],
      [10, 100],
      [20, 100],
    ]);
    // A minute's period over 10-second data adds its six datapoints up.
    cloud.clock.advanceTo(T0 + MINUTE + DELAY);
    expect(await points(cloud, query(60))).toEqual([[0, 600]]);
  });

  it('without EnableEnhancedMetrics the frequency covers utilization metrics only: invocations stay at 60 s, so a 10 s query gets one datapoint a minute', async () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({
      endpointName: ENDPOINT,
      configExtra: { MetricsConfig: { EnableEnhancedMetrics: false, MetricPublishFrequencyInSeconds: 10 } },
    });
    cloud.clock.advanceTo(T0 + 2 * MINUTE + DELAY);
    expect(await points(cloud, query(10))).toEqual([
      [0, 600],
      [60, 600],
    ]);
  });

  it('sub-minute periods reach back 3 hours only', async () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT, configExtra: ENHANCED_10S });
    cloud.clock.advanceTo(T0 + 3 * 60 * MINUTE + 2 * MINUTE);
    expect(await points(cloud, query(10), T0, T0 + MINUTE)).toEqual([]);
    expect(await points(cloud, query(60), T0, T0 + MINUTE)).toEqual([[0, 600]]);
  });
});

describe('alarm evaluation timing', () => {
  it('an alarm on a one-minute metric cannot fire before the minute has ended, been ingested and the next minute evaluation comes', () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT, behaviour: { errorRate: 0.3, latencyMs: 40 } });
    errorAlarm(cloud, 60);
    // 09:00's minute is ingested at 09:01:15; alarms with a period of a minute are evaluated each minute.
    cloud.clock.advanceTo(T0 + 2 * MINUTE - 1);
    expect(cloud.alarm('errors')?.state).toBe('INSUFFICIENT_DATA');
    cloud.clock.advanceTo(T0 + 2 * MINUTE);
    expect(alarmTimes(cloud)).toEqual([['2026-01-15T09:02:00Z', 'ALARM']]);
  });

  it('a 10-second alarm on 10-second metrics is evaluated every 10 seconds, on the data ingested by then', () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({
      endpointName: ENDPOINT,
      behaviour: { errorRate: 0.3, latencyMs: 40 },
      configExtra: ENHANCED_10S,
    });
    errorAlarm(cloud, 10);
    // [09:00:00, 09:00:10) is ingested at 09:00:25: the 10 s evaluation at 09:00:30 is the first to see it.
    cloud.clock.advanceTo(T0 + 30 * SECOND - 1);
    expect(cloud.alarm('errors')?.state).toBe('INSUFFICIENT_DATA');
    cloud.clock.advanceTo(T0 + 30 * SECOND);
    expect(alarmTimes(cloud)).toEqual([['2026-01-15T09:00:30Z', 'ALARM']]);
    expect(cloud.alarm('errors')?.reason).toContain('(15/01/26 09:00:00)');
  });

  it('a 10-second alarm on a metric published each minute sees data only in the periods holding a minute datapoint', () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT, behaviour: { errorRate: 0.3, latencyMs: 40 } });
    errorAlarm(cloud, 10);
    cloud.clock.advanceTo(T0 + 10 * MINUTE);
    // Its range (3 periods of 10 s) never reaches back to a minute datapoint ingested 75 s after its start.
    expect(cloud.alarm('errors')?.state).toBe('INSUFFICIENT_DATA');
  });

  it('honours other timings when a test sets them', () => {
    const cloud = createSimCloud({ timings: { metricIngestionDelayMs: 90 * SECOND } });
    cloud.createEndpoint({ endpointName: ENDPOINT, behaviour: { errorRate: 0.3, latencyMs: 40 } });
    errorAlarm(cloud, 60);
    cloud.clock.advanceTo(T0 + 4 * MINUTE);
    // 09:00 ingested at 09:02:30, first evaluated at 09:03.
    expect(alarmTimes(cloud)).toEqual([['2026-01-15T09:03:00Z', 'ALARM']]);
  });
});

describe('GetMetricData through the port', () => {
  it('is logged as GetMetricData, one call per 500 queries, and meets throttling', async () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT });
    cloud.clock.advanceTo(T0 + 2 * MINUTE);
    const many = Array.from({ length: 501 }, (_, i) => ({ ...query(60), id: `q${i}` }));
    const series = await cloud.metrics.getMetricData(many, T0, T0 + 2 * MINUTE);
    expect(series).toHaveLength(501);
    expect(series[500]).toEqual({ id: 'q500', points: [{ timestamp: T0, value: 600 }] });
    expect(cloud.calls.filter((c) => c.operation === 'GetMetricData')).toHaveLength(2);

    cloud.injectFault({ kind: 'throttle', operations: ['GetMetricData'], count: 1 });
    await expect(cloud.metrics.getMetricData([query(60)], T0, T0 + MINUTE)).rejects.toMatchObject({
      code: 'THROTTLED',
    });
  });

  it.each([
    [45, 'Period'],
    [0, 'Period'],
    [90, 'Period'],
  ])('refuses a period of %p s with AWS’s validation error naming %s', async (period, field) => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT });
    await expect(cloud.metrics.getMetricData([query(period)], T0, T0 + MINUTE)).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: expect.stringContaining(`MetricDataQueries.member.1.MetricStat.${field}`),
    });
    expect(cloud.calls.at(-1)).toMatchObject({ operation: 'GetMetricData', outcome: 'error' });
  });

  it('refuses a bad statistic, a bad Id and an empty time range, before reading anything', async () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: ENDPOINT });
    await expect(cloud.metrics.getMetricData([query(60, 'p999x')], T0, T0 + MINUTE)).rejects.toThrow(
      /MetricStat\.Stat.*PR\(x:y\)/,
    );
    await expect(
      cloud.metrics.getMetricData([{ ...query(60), id: 'Errors' }], T0, T0 + MINUTE),
    ).rejects.toThrow(/member\.1\.Id.*lowercase letter/);
    await expect(cloud.metrics.getMetricData([query(60)], T0, T0)).rejects.toThrow(
      /StartTime must be less than the parameter EndTime/,
    );
  });
});

describe('saving mid-period', () => {
  it('a restored cloud carries the publish period in progress and the datapoints not yet ingested', async () => {
    const make = () => {
      const cloud = createSimCloud({ seed: 5 });
      cloud.createEndpoint({
        endpointName: ENDPOINT,
        behaviour: { errorRate: 0.1, latencyMs: 40 },
        configExtra: { MetricsConfig: { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 30 } },
      });
      return cloud;
    };
    const original = make();
    original.clock.advanceTo(T0 + 50 * SECOND);
    const restored = restoreSimCloud(JSON.parse(JSON.stringify(original.exportState())));
    for (const cloud of [original, restored]) cloud.clock.advanceTo(T0 + 3 * MINUTE);
    const read = (cloud: SimCloud) =>
      cloud.metrics.getMetricData(
        [query(30, 'Sum', 'Invocation5XXErrors'), { ...query(30, 'p90', 'ModelLatency'), id: 'lat' }],
        T0,
        T0 + 3 * MINUTE,
      );
    const [errors] = await read(original);
    expect(errors?.points.map((p) => (p.timestamp - T0) / SECOND)).toEqual([0, 30, 60, 90, 120]);
    expect(await read(restored)).toEqual(await read(original));
  });
});
