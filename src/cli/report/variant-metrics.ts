// The per-variant CloudWatch metrics a report draws (AWS/SageMaker Invocations and
// Invocation5XXErrors Sum, ModelLatency p99, per EndpointName + VariantName), read in one batched
// GetMetricData through the MetricReader port. A read that fails (no cloudwatch:GetMetricData
// permission, throttling) is not an error of the report: the page says what is missing instead.
import type { MetricDataQuery, MetricDataSeries, MetricReader } from '../../engine/ports';
import type { RolloutStory } from './rollout-story';

export interface Point {
  t: number;
  v: number;
}

export interface VariantSeries {
  variantName: string;
  invocations: Point[];
  errors: Point[];
  /** ModelLatency p99, microseconds (the unit SageMaker publishes it in). */
  latencyP99: Point[];
}

export type ReportMetrics =
  | { available: true; periodSeconds: number; candidate: VariantSeries; baseline?: VariantSeries }
  | { available: false; missing: string };

export interface MetricsRequest {
  endpointName: string;
  candidateVariant: string;
  baselineVariant?: string;
  from: number;
  to: number;
  /** The judge's period when the rollout had one (10 s with enhanced metrics), else 60 s. */
  periodSeconds: number;
}

const NAMESPACE = 'AWS/SageMaker';
const METRICS = [
  { key: 'invocations', metricName: 'Invocations', statistic: 'Sum' },
  { key: 'errors', metricName: 'Invocation5XXErrors', statistic: 'Sum' },
  { key: 'latencyP99', metricName: 'ModelLatency', statistic: 'p99' },
] as const;

function queriesFor(endpointName: string, variantName: string, role: 'c' | 'b', periodSeconds: number) {
  return METRICS.map((m): MetricDataQuery => ({
    // GetMetricData Ids start with a lower-case letter: "c_invocations", "b_latencyP99".
    id: `${role}_${m.key}`,
    metric: {
      namespace: NAMESPACE,
      metricName: m.metricName,
      dimensions: [
        { name: 'EndpointName', value: endpointName },
        { name: 'VariantName', value: variantName },
      ],
    },
    periodSeconds,
    statistic: m.statistic,
  }));
}

function seriesOf(result: readonly MetricDataSeries[], role: 'c' | 'b', variantName: string): VariantSeries {
  const points = (key: string): Point[] =>
    (result.find((s) => s.id === `${role}_${key}`)?.points ?? []).map((p) => ({
      t: p.timestamp,
      v: p.value,
    }));
  return {
    variantName,
    invocations: points('invocations'),
    errors: points('errors'),
    latencyP99: points('latencyP99'),
  };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The period to ask for a rollout that started at `fromMs`: its own (10 s with enhanced metrics) while
 * CloudWatch still answers it. GetMetricData, MetricStat Period: "If the StartTime parameter specifies
 * a time stamp that is greater than 3 hours ago, you must specify the period as follows or no data
 * points in that time range is returned: Start time between 3 hours and 15 days ago - Use a multiple
 * of 60 seconds (1 minute). Start time between 15 and 63 days ago - Use a multiple of 300 seconds
 * (5 minutes). Start time greater than 63 days ago - Use a multiple of 3600 seconds (1 hour)."
 */
export function periodFor(preferredSeconds: number, fromMs: number, nowMs: number): number {
  const age = nowMs - fromMs;
  const multipleOf = age > 63 * DAY_MS ? 3600 : age > 15 * DAY_MS ? 300 : age > 3 * HOUR_MS ? 60 : 1;
  return Math.max(multipleOf, Math.ceil(preferredSeconds / multipleOf) * multipleOf);
}

/** Reads both variants' series over the rollout's span (whole periods around it). */
export async function readReportMetrics(
  reader: MetricReader | undefined,
  request: MetricsRequest,
): Promise<ReportMetrics> {
  if (!reader) {
    return { available: false, missing: 'this mode has no way to read CloudWatch metrics' };
  }
  const periodMs = request.periodSeconds * 1000;
  const from = Math.floor(request.from / periodMs) * periodMs;
  const to = Math.ceil(request.to / periodMs) * periodMs + periodMs;
  const queries = [
    ...queriesFor(request.endpointName, request.candidateVariant, 'c', request.periodSeconds),
    ...(request.baselineVariant
      ? queriesFor(request.endpointName, request.baselineVariant, 'b', request.periodSeconds)
      : []),
  ];
  let result: MetricDataSeries[];
  try {
    result = await reader.getMetricData(queries, from, to);
  } catch (error) {
    return {
      available: false,
      missing:
        `CloudWatch GetMetricData failed (${(error as Error).message}); ` +
        'allow cloudwatch:GetMetricData to the caller and run report again',
    };
  }
  return {
    available: true,
    periodSeconds: request.periodSeconds,
    candidate: seriesOf(result, 'c', request.candidateVariant),
    ...(request.baselineVariant ? { baseline: seriesOf(result, 'b', request.baselineVariant) } : {}),
  };
}

/** Error rate per period (5XX ÷ invocations), only for periods that served requests. */
export function errorRate(series: VariantSeries): Point[] {
  const errorsAt = new Map(series.errors.map((p) => [p.t, p.v]));
  return series.invocations
    .filter((p) => p.v > 0)
    .map((p) => ({ t: p.t, v: (errorsAt.get(p.t) ?? 0) / p.v }));
}

/** Why a candidate that took traffic can have no datapoints (the page says it, and so does the verb). */
export const CANDIDATE_UNSEEN =
  'CloudWatch returned no datapoints for the candidate variant although it took traffic ' +
  '(older than CloudWatch keeps them at this period, or not yet published)';

export function candidateUnseen(story: Pick<RolloutStory, 'traffic'>, candidate: VariantSeries): boolean {
  return candidate.invocations.length === 0 && story.traffic.some((s) => s.candidate > 0);
}
