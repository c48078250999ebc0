// The judgeCandidate effect: reads both variants' per-period metrics in one batched GetMetricData
// call, turns them into bad events and requests per period, and asks the pure judge
// (statemachines/judge.ts) for each metric's verdict. The tail thresholds (the baseline's own
// percentile over the 15 minutes before the candidate took traffic) are read once, on the first look.
import type { JudgeInput, JudgeMetricSpec, JudgeReading, MetricVerdict } from '../../statemachines/contract';
import { alphaPerMetric, judgeMetric, slowRequests, type PeriodCounts } from '../../statemachines/judge';
import { SmRolloutError } from '../errors';
import type { MetricDataQuery, MetricDataSeries, MetricReader } from './ports';

/** The baseline's latency before the rollout, from which a tail metric's threshold is its percentile. */
export const THRESHOLD_LOOKBACK_MS = 15 * 60_000;

/**
 * How long after a period ends its datapoint is complete in GetMetricData. AWS publishes no figure for
 * SageMaker's metrics; an AWS answer on re:Post says data may take "a few seconds delay ... to become
 * available" (the simulated cloud models 15 s, src/sim/types.ts). A period read before all its metrics
 * are in could show the requests without their errors, so the judge reads only periods that ended at
 * least twice that long ago.
 */
export const DEFAULT_METRIC_VISIBILITY_DELAY_MS = 30_000;

type Variant = 'c' | 'b';

/**
 * GetMetricData: "If the StartTime parameter specifies a time stamp that is greater than 3 hours ago,
 * you must specify the period as follows or no data points in that time range is returned: Start time
 * between 3 hours and 15 days ago - Use a multiple of 60 seconds" (API reference, MetricDataQuery
 * Period). A look whose window starts further back reads one-minute periods.
 */
export const HIGH_RESOLUTION_RETENTION_MS = 3 * 60 * 60_000;

/** The period a look reads: the judge's own, or a minute once its window starts over 3 hours ago. */
export function lookPeriodSeconds(input: JudgeInput, from: number): number {
  const period = input.judge.periodSeconds;
  return period < 60 && input.now - from > HIGH_RESOLUTION_RETENTION_MS ? 60 : period;
}

function dimensions(input: JudgeInput, variant: Variant) {
  return [
    { name: 'EndpointName', value: input.endpointName },
    { name: 'VariantName', value: variant === 'c' ? input.candidateVariant : input.baselineVariant },
  ];
}

/**
 * The queries for one metric and variant: bad events and requests per period. rate: two Sums; tail:
 * the latency's SampleCount and its percentile rank at the threshold ("PR(:300) returns the percentage
 * of data points that have a value of 300 or lower", CloudWatch statistics definitions).
 */
function queriesFor(
  input: JudgeInput,
  spec: JudgeMetricSpec,
  index: number,
  variant: Variant,
  threshold: number | undefined,
  period: number,
): MetricDataQuery[] {
  const metric = (metricName: string) => ({
    namespace: spec.namespace,
    metricName,
    dimensions: dimensions(input, variant),
  });
  if (spec.kind === 'rate') {
    return [
      {
        id: `m${index}_${variant}_bad`,
        metric: metric(spec.metricName),
        periodSeconds: period,
        statistic: 'Sum',
      },
      {
        id: `m${index}_${variant}_n`,
        metric: metric(spec.exposureMetricName ?? 'Invocations'),
        periodSeconds: period,
        statistic: 'Sum',
      },
    ];
  }
  if (threshold === undefined) return [];
  return [
    {
      id: `m${index}_${variant}_n`,
      metric: metric(spec.metricName),
      periodSeconds: period,
      statistic: 'SampleCount',
    },
    {
      id: `m${index}_${variant}_pr`,
      metric: metric(spec.metricName),
      periodSeconds: period,
      statistic: `PR(:${threshold})`,
    },
  ];
}

/**
 * Per-period counts for both variants; a period absent from both of a variant's series had no requests
 * (0). A period where a variant has one series but not the other (its requests without its bad events,
 * or the reverse: one datapoint in, the other not yet) is left out: reading the missing one as 0 could
 * make either variant look better than it is. SageMaker publishes Invocation5XXErrors (0 or 1 a
 * request) and the latencies for every request, so a period with requests has both.
 */
function periodsOf(
  spec: JudgeMetricSpec,
  index: number,
  series: Map<string, MetricDataSeries>,
): PeriodCounts[] {
  const points = (id: string) => new Map((series.get(id)?.points ?? []).map((p) => [p.timestamp, p.value]));
  const counts = (variant: Variant) => {
    const n = points(`m${index}_${variant}_n`);
    const bad = points(`m${index}_${variant}_${spec.kind === 'rate' ? 'bad' : 'pr'}`);
    return { n, bad };
  };
  const c = counts('c');
  const b = counts('b');
  const stamps = [...new Set([...c.n.keys(), ...b.n.keys(), ...c.bad.keys(), ...b.bad.keys()])].sort(
    (x, y) => x - y,
  );
  const eventsOf = (v: { n: Map<number, number>; bad: Map<number, number> }, t: number) => {
    const requests = Math.round(v.n.get(t) ?? 0);
    if (spec.kind === 'rate') return { requests, events: Math.min(requests, Math.round(v.bad.get(t) ?? 0)) };
    const rank = v.bad.get(t);
    return { requests, events: rank === undefined ? 0 : slowRequests(requests, rank) };
  };
  const complete = (v: { n: Map<number, number>; bad: Map<number, number> }, t: number) =>
    v.n.has(t) === v.bad.has(t) || (v.n.get(t) ?? 0) === 0;
  return stamps
    .filter((t) => complete(c, t) && complete(b, t))
    .map((t) => ({ timestamp: t, candidate: eventsOf(c, t), baseline: eventsOf(b, t) }));
}

/** The baseline's percentile of a tail metric before the first shift (the mean of its periods' percentiles). */
async function readThresholds(metrics: MetricReader, input: JudgeInput): Promise<Record<string, number>> {
  const tails = input.judge.metrics
    .map((spec, index) => ({ spec, index }))
    .filter(({ spec }) => spec.kind === 'tail' && input.thresholds[spec.name] === undefined);
  if (tails.length === 0) return input.thresholds;
  const queries: MetricDataQuery[] = tails.map(({ spec, index }) => ({
    id: `m${index}_threshold`,
    metric: { namespace: spec.namespace, metricName: spec.metricName, dimensions: dimensions(input, 'b') },
    periodSeconds: 60,
    statistic: `p${spec.percentile ?? 99}`,
  }));
  const series = await metrics.getMetricData(
    queries,
    input.firstTrafficAt - THRESHOLD_LOOKBACK_MS,
    input.firstTrafficAt,
  );
  const thresholds = { ...input.thresholds };
  for (const { spec, index } of tails) {
    const values = series.find((s) => s.id === `m${index}_threshold`)?.points.map((p) => p.value) ?? [];
    if (values.length) thresholds[spec.name] = values.reduce((s, v) => s + v, 0) / values.length;
  }
  return thresholds;
}

export async function judgeCandidate(
  metrics: MetricReader | undefined,
  input: JudgeInput,
  visibilityDelayMs = DEFAULT_METRIC_VISIBILITY_DELAY_MS,
): Promise<Omit<JudgeReading, 'at'>> {
  if (!metrics) {
    throw new SmRolloutError(
      'INVALID_INPUT',
      'the judge cannot read metrics: this host was started without a CloudWatch metric reader (EngineDeps.metrics); ' +
        'alarms still guard the rollout. Give the host a MetricReader, or turn the judge off in the policy (judge: false)',
      { field: 'judge' },
    );
  }
  // The first whole period after the candidate's first traffic: the one it began in may hold the
  // pre-traffic check's sample requests, which are not customer traffic.
  const firstPeriodMs = input.judge.periodSeconds * 1000;
  const start = Math.ceil(input.firstTrafficAt / firstPeriodMs) * firstPeriodMs;
  const period = lookPeriodSeconds(input, start);
  const periodMs = period * 1000;
  const from = Math.ceil(input.firstTrafficAt / periodMs) * periodMs;
  const to = Math.max(from, Math.floor((input.now - visibilityDelayMs) / periodMs) * periodMs);
  const thresholds = await readThresholds(metrics, input);
  const queries = input.judge.metrics.flatMap((spec, index) =>
    (['c', 'b'] as const).flatMap((variant) =>
      queriesFor(input, spec, index, variant, thresholds[spec.name], period),
    ),
  );
  const series = new Map(
    (to > from && queries.length ? await metrics.getMetricData(queries, from, to) : []).map((s) => [s.id, s]),
  );
  const alpha = alphaPerMetric(input.judge.alpha, input.judge.metrics.length);
  const verdicts: MetricVerdict[] = input.judge.metrics.map((spec, index) => {
    const verdict = judgeMetric(spec, periodsOf(spec, index, series), alpha, thresholds[spec.name]);
    if (spec.kind !== 'tail' || verdict.threshold === undefined) return verdict;
    return {
      ...verdict,
      ...(spec.percentile !== undefined ? { percentile: spec.percentile } : {}),
      // ModelLatency and OverheadLatency are published in microseconds (SageMaker invocation metrics).
      ...(spec.namespace === 'AWS/SageMaker' && /Latency$/.test(spec.metricName)
        ? { thresholdUnit: 'microseconds' as const }
        : {}),
    };
  });
  return { from, to, verdicts };
}
