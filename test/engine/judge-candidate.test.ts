// The judgeCandidate effect against a fake MetricReader: the exact GetMetricData queries (one batched
// call for both variants and every metric, over the candidate's traffic up to the last complete
// period), the tail threshold read once from the baseline before the first shift, and the verdicts.
import type { JudgeConfig, JudgeInput } from '../../statemachines/contract';
import { judgeCandidate, THRESHOLD_LOOKBACK_MS } from '../../src/engine/judge-candidate';
import type { MetricDataQuery, MetricDataSeries, MetricReader } from '../../src/engine/ports';
import { isSmRolloutError } from '../../src/errors';
import { BUILT_IN_JUDGE_METRICS } from '../../src/engine/judge-settings';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

const JUDGE: JudgeConfig = {
  // The policy's defaults: errors and latency (p99), both critical, tolerance 0.5.
  metrics: [BUILT_IN_JUDGE_METRICS.errors, BUILT_IN_JUDGE_METRICS.latency],
  alpha: 0.01,
  onInconclusive: 'proceed',
  dryRun: false,
  periodSeconds: 10,
  intervalMs: 10_000,
};

const input = (overrides: Partial<JudgeInput> = {}): JudgeInput => ({
  endpointName: 'fraud',
  candidateVariant: 'candidate-r1',
  baselineVariant: 'AllTraffic',
  judge: JUDGE,
  // On a period boundary: a look reads whole periods from the first one after the first traffic (the
  // period it began in may hold the pre-traffic check's sample requests).
  firstTrafficAt: T0,
  thresholds: {},
  now: T0 + 3 * 60_000 + 5_000,
  ...overrides,
});

class FakeMetrics implements MetricReader {
  calls: { queries: readonly MetricDataQuery[]; from: number; to: number }[] = [];
  constructor(
    private readonly answer: (q: MetricDataQuery, from: number, to: number) => MetricDataSeries['points'],
  ) {}
  async getMetricData(
    queries: readonly MetricDataQuery[],
    from: number,
    to: number,
  ): Promise<MetricDataSeries[]> {
    this.calls.push({ queries, from, to });
    return queries.map((q) => ({ id: q.id, points: this.answer(q, from, to) }));
  }
}

/** 10-second periods from..to: candidate 10 requests (2 failing), baseline 90 (0 or 1 failing); latency p99 250 ms. */
function endpointMetrics(candidateErrors = 2) {
  return new FakeMetrics((q, from, to) => {
    if (q.statistic === 'p99')
      return [
        { timestamp: from, value: 250_000 },
        { timestamp: from + 60_000, value: 260_000 },
      ];
    const points: MetricDataSeries['points'] = [];
    const candidate = q.metric.dimensions.some((d) => d.value === 'candidate-r1');
    for (let t = from, k = 0; t < to; t += 10_000, k++) {
      const requests = candidate ? 10 : 90;
      const value =
        q.statistic === 'Sum' && q.metric.metricName === 'Invocations'
          ? requests
          : q.statistic === 'Sum'
            ? candidate
              ? candidateErrors
              : k % 3 === 0
                ? 1
                : 0
            : q.statistic === 'SampleCount'
              ? requests
              : 99; // PR(:threshold): 1% slower
      points.push({ timestamp: t, value });
    }
    return points;
  });
}

describe('judgeCandidate', () => {
  it('reads the baseline p99 over the 15 minutes before the first shift, once', async () => {
    const metrics = endpointMetrics();
    const reading = await judgeCandidate(metrics, input());
    expect(metrics.calls[0]).toEqual({
      from: T0 - THRESHOLD_LOOKBACK_MS,
      to: T0,
      queries: [
        {
          id: 'm1_threshold',
          metric: {
            namespace: 'AWS/SageMaker',
            metricName: 'ModelLatency',
            dimensions: [
              { name: 'EndpointName', value: 'fraud' },
              { name: 'VariantName', value: 'AllTraffic' },
            ],
          },
          periodSeconds: 60,
          statistic: 'p99',
        },
      ],
    });
    expect(reading.verdicts[1]!.threshold).toBe(255_000);
    // With the threshold known, the next look reads the window alone.
    const again = endpointMetrics();
    await judgeCandidate(again, input({ thresholds: { latency: 255_000 } }));
    expect(again.calls).toHaveLength(1);
  });

  it('asks for both variants and every metric in one call, from the first traffic to the last complete period', async () => {
    const metrics = endpointMetrics();
    const reading = await judgeCandidate(metrics, input({ thresholds: { latency: 255_000 } }), 60_000);
    expect(metrics.calls).toHaveLength(1);
    const call = metrics.calls[0]!;
    // Periods align to 10 s; the last one read ends a visibility delay (60 s) before now.
    expect(call.from).toBe(T0);
    expect(call.to).toBe(T0 + 2 * 60_000);
    expect(reading).toMatchObject({ from: T0, to: T0 + 2 * 60_000 });
    expect(
      call.queries.map((q) => [
        q.id,
        q.metric.metricName,
        q.metric.dimensions[1]!.value,
        q.statistic,
        q.periodSeconds,
      ]),
    ).toEqual([
      ['m0_c_bad', 'Invocation5XXErrors', 'candidate-r1', 'Sum', 10],
      ['m0_c_n', 'Invocations', 'candidate-r1', 'Sum', 10],
      ['m0_b_bad', 'Invocation5XXErrors', 'AllTraffic', 'Sum', 10],
      ['m0_b_n', 'Invocations', 'AllTraffic', 'Sum', 10],
      ['m1_c_n', 'ModelLatency', 'candidate-r1', 'SampleCount', 10],
      ['m1_c_pr', 'ModelLatency', 'candidate-r1', 'PR(:255000)', 10],
      ['m1_b_n', 'ModelLatency', 'AllTraffic', 'SampleCount', 10],
      ['m1_b_pr', 'ModelLatency', 'AllTraffic', 'PR(:255000)', 10],
    ]);
    for (const q of call.queries) expect(q.id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
  });

  it('turns the series into counts and verdicts: 20% errors vs about 0.4% fails; the latency tail is no worse', async () => {
    const reading = await judgeCandidate(
      endpointMetrics(2),
      input({ thresholds: { latency: 255_000 } }),
      60_000,
    );
    const [errors, latency] = reading.verdicts;
    expect(errors).toMatchObject({
      metric: 'errors',
      verdict: 'fail',
      candidate: { events: 24, requests: 120 },
      baseline: { events: 4, requests: 1080 },
    });
    expect(errors!.ratio).toBeCloseTo(54);
    expect(latency).toMatchObject({
      metric: 'latency',
      candidate: { events: 0, requests: 120 },
      baseline: { events: 12, requests: 1080 },
      threshold: 255_000,
    });
    expect(latency!.verdict).not.toBe('fail');
  });

  it('before a complete period is visible it judges nothing yet (inconclusive) without calling CloudWatch for the window', async () => {
    const metrics = endpointMetrics();
    const reading = await judgeCandidate(
      metrics,
      input({ thresholds: { latency: 1 }, now: T0 + 30_000 }),
      60_000,
    );
    expect(metrics.calls).toHaveLength(0);
    expect(reading.verdicts.map((v) => v.verdict)).toEqual(['inconclusive', 'inconclusive']);
  });

  it('without a metric reader it fails with an error that says what to do', async () => {
    const error = await judgeCandidate(undefined, input()).catch((e: unknown) => e);
    expect(isSmRolloutError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/MetricReader.*judge: false/);
  });

  it('reads one-minute periods once its window starts over 3 hours ago (CloudWatch keeps 10-second data 3 hours)', async () => {
    const metrics = endpointMetrics();
    await judgeCandidate(
      metrics,
      input({ thresholds: { latency: 250_000 }, now: T0 + 3 * 3_600_000 + 60_000 }),
    );
    expect(new Set(metrics.calls.at(-1)!.queries.map((q) => q.periodSeconds))).toEqual(new Set([60]));
    const early = endpointMetrics();
    await judgeCandidate(early, input({ thresholds: { latency: 250_000 } }));
    expect(new Set(early.calls.at(-1)!.queries.map((q) => q.periodSeconds))).toEqual(new Set([10]));
  });

  it("leaves out a period where a variant's requests arrived without its errors (not read as none failing)", async () => {
    const inner = endpointMetrics(0);
    // The baseline's Invocation5XXErrors is in for every other period only; its Invocations for all.
    const lagging: MetricReader = {
      async getMetricData(queries, from, to) {
        const series = await inner.getMetricData(queries, from, to);
        return series.map((one, index) => {
          const q = queries[index]!;
          const baselineErrors =
            q.metric.metricName === 'Invocation5XXErrors' &&
            q.metric.dimensions.some((d) => d.value === 'AllTraffic');
          return baselineErrors ? { ...one, points: one.points.filter((_p, k) => k % 2 === 0) } : one;
        });
      },
    };
    const partial = (await judgeCandidate(lagging, input({ thresholds: { latency: 250_000 } }))).verdicts[0]!;
    const whole = (await judgeCandidate(endpointMetrics(0), input({ thresholds: { latency: 250_000 } })))
      .verdicts[0]!;
    // The periods without the baseline's errors are left out for both variants.
    const periods = whole.baseline.requests / 90;
    expect(partial.baseline.requests).toBe(Math.ceil(periods / 2) * 90);
    expect(partial.candidate.requests).toBe(Math.ceil(periods / 2) * 10);
  });
});
