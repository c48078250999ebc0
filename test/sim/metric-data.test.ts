// GetMetricData's statistics over datapoints set by hand: what CloudWatch's definitions give, worked
// out on paper (percentiles by nearest rank; percentile rank exclusive below, inclusive above).
import type { MetricDataQuery } from '../../src/engine/ports';
import { getMetricData } from '../../src/sim/metric-data';
import { MetricStore, sampleSetOf } from '../../src/sim/metrics';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const SECOND = 1_000;
const metric = (metricName: string) => ({
  namespace: 'AWS/SageMaker',
  metricName,
  dimensions: [
    { name: 'EndpointName', value: 'fraud-detector' },
    { name: 'VariantName', value: 'candidate' },
  ],
});
const q = (statistic: string, metricName = 'ModelLatency', periodSeconds = 60): MetricDataQuery => ({
  id: `m${statistic.replace(/[^a-zA-Z0-9]/g, '_')}`,
  metric: metric(metricName),
  periodSeconds,
  statistic,
});

function store(): MetricStore {
  const s = new MetricStore();
  // Two 10-second datapoints in the 09:00 minute: latencies 100..300 and 400..500 (microseconds).
  const timing = (start: number) => ({ resolutionMs: 10 * SECOND, visibleAt: start + 25 * SECOND });
  s.publish(
    'fraud-detector',
    'candidate',
    'ModelLatency',
    T0,
    sampleSetOf([300, 100, 200], true),
    timing(T0),
  );
  s.publish(
    'fraud-detector',
    'candidate',
    'ModelLatency',
    T0 + 10 * SECOND,
    sampleSetOf([500, 400], true),
    timing(T0 + 10 * SECOND),
  );
  // Error flags of 10 requests, 3 failed: a 0/1 metric stored without its samples.
  s.publish(
    'fraud-detector',
    'candidate',
    'Invocation5XXErrors',
    T0,
    sampleSetOf([1, 0, 0, 1, 0, 0, 0, 1, 0, 0], false),
    timing(T0),
  );
  return s;
}

const value = (statistic: string, metricName?: string, periodSeconds?: number, now = T0 + 10 * 60 * SECOND) =>
  getMetricData(store(), [q(statistic, metricName, periodSeconds)], T0, T0 + 60 * SECOND, now)[0]?.points.map(
    (p) => [(p.timestamp - T0) / SECOND, p.value],
  );

describe('GetMetricData statistics', () => {
  it.each([
    ['Sum', 1500],
    ['SampleCount', 5],
    ['Average', 300],
    ['Minimum', 100],
    ['Maximum', 500],
    // Nearest rank: p50 is the ceil(2.5) = 3rd of 100, 200, 300, 400, 500; p90 the 5th; p10 the 1st.
    ['p50', 300],
    ['p90', 500],
    ['p10', 100],
    // Percentile rank: the share of samples in (lower, upper], as a percentage.
    ['PR(:300)', 60],
    ['PR(200:400)', 40],
    ['PR(250:)', 60],
    ['PR(:50)', 0],
  ])('%s of one minute of latencies is %p', (statistic, expected) => {
    expect(value(statistic)).toEqual([[0, expected]]);
  });

  it('computes counts and ranks of a 0/1 error metric from its sum: 3 of 10 requests failed', () => {
    expect(value('Sum', 'Invocation5XXErrors')).toEqual([[0, 3]]);
    expect(value('Average', 'Invocation5XXErrors')).toEqual([[0, 0.3]]);
    expect(value('PR(:0)', 'Invocation5XXErrors')).toEqual([[0, 70]]);
    expect(value('PR(0:)', 'Invocation5XXErrors')).toEqual([[0, 30]]);
  });

  it('10-second periods return each 10-second datapoint, 1-second periods only those whose timestamps they hold', () => {
    expect(value('SampleCount', 'ModelLatency', 10)).toEqual([
      [0, 3],
      [10, 2],
    ]);
    expect(value('SampleCount', 'ModelLatency', 1)).toEqual([
      [0, 3],
      [10, 2],
    ]);
  });

  it('a datapoint not yet ingested is not returned', () => {
    // At 09:00:30 the second datapoint (visible at 09:00:35) is still on its way.
    expect(value('Sum', 'ModelLatency', 60, T0 + 30 * SECOND)).toEqual([[0, 600]]);
    expect(value('Sum', 'ModelLatency', 60, T0 + 24 * SECOND)).toEqual([]);
  });

  it('rounds StartTime down: to the minute for 60 s periods, to the division of the minute for 10 s', () => {
    const s = store();
    const at = (period: number, from: number) =>
      getMetricData(
        s,
        [q('SampleCount', 'ModelLatency', period)],
        from,
        T0 + 60 * SECOND,
        T0 + 600 * SECOND,
      )[0]?.points.map((p) => (p.timestamp - T0) / SECOND);
    expect(at(60, T0 + 15 * SECOND)).toEqual([0]);
    expect(at(10, T0 + 15 * SECOND)).toEqual([10]);
  });

  it('refuses more than 500 queries in one call and duplicate Ids', () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ ...q('Sum'), id: `q${i}` }));
    expect(() => getMetricData(store(), many, T0, T0 + 60 * SECOND, T0)).toThrow(/greater than 500/);
    expect(() => getMetricData(store(), [q('Sum'), q('Sum')], T0, T0 + 60 * SECOND, T0)).toThrow(
      /member\.2\.Id is used by another query/,
    );
  });
});
