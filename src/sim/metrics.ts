// The simulated CloudWatch metric store for the AWS/SageMaker namespace: statistic sets per endpoint,
// variant and metric (the one dimension set SageMaker publishes them under) and per inference
// component (InferenceComponentName), each datapoint at the
// resolution it was published with (10 s to 5 min) and visible only from the moment CloudWatch has
// ingested it, aggregated into any period and statistic an alarm or GetMetricData asks for.

export const SAGEMAKER_NAMESPACE = 'AWS/SageMaker';

/** The invocation metrics SageMaker publishes per EndpointName + VariantName. */
export const SAGEMAKER_METRICS = [
  'Invocations',
  'Invocation5XXErrors',
  'Invocation4XXErrors',
  'ModelLatency',
  'OverheadLatency',
  'InvocationsPerInstance',
] as const;

export type SageMakerMetricName = (typeof SAGEMAKER_METRICS)[number];

/**
 * Where an inference component's metrics are kept: under a key no endpoint can have (endpoint names
 * have no "/"), so they never mix with a variant's. CloudWatch knows them by InferenceComponentName.
 */
export function componentSeries(componentName: string): { endpointName: string; variantName: string } {
  return { endpointName: `inference-component/${componentName}`, variantName: '' };
}

/**
 * A statistic set like the ones CloudWatch stores: every metric here is published one sample per
 * invocation (Invocation5XXErrors is 0 or 1, so its Average is the error rate and its Sum the count).
 * `values` keeps the samples where percentiles matter (latencies).
 */
export interface SampleSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  values?: number[];
}

/** One minute of a metric as tests see it: the usual statistics, latencies in microseconds. */
export interface MetricDatapoint {
  timestamp: number;
  sampleCount: number;
  sum: number;
  average: number;
  minimum: number;
  maximum: number;
  p50: number;
  p90: number;
  p99: number;
}

/** When a published datapoint covers and when CloudWatch lets readers see it. */
export interface PublishTiming {
  /** The period the datapoint covers (SageMaker's publish frequency). Default one minute. */
  resolutionMs?: number;
  /** When alarms and GetMetricData can read it (its period's end plus the ingestion delay). Default: at once. */
  visibleAt?: number;
}

/** One published datapoint: its samples, the period it covers and when it became readable. */
export interface StoredDatapoint extends SampleSet {
  start: number;
  resolutionMs: number;
  visibleAt: number;
}

/** One metric's recent datapoints, as saved with the simulated cloud. */
export interface MetricSeriesState {
  endpointName: string;
  variantName: string;
  metricName: string;
  points: StoredDatapoint[];
}

const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;
/** Percentile rank, "PR(:300)", "PR(100:2000)", "PR(10:)" (bounds in the metric's unit). */
const PERCENTILE_RANK = /^PR\((-?\d+(?:\.\d+)?)?:(-?\d+(?:\.\d+)?)?\)$/;
const PLAIN_STATISTICS = new Set(['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount']);

export function isSupportedStatistic(statistic: string): boolean {
  return PLAIN_STATISTICS.has(statistic) || PERCENTILE.test(statistic);
}

/** What GetMetricData computes: the alarm statistics plus the percentile rank PR(x:y). */
export function isSupportedQueryStatistic(statistic: string): boolean {
  const rank = PERCENTILE_RANK.exec(statistic);
  return (
    isSupportedStatistic(statistic) || (rank !== null && (rank[1] !== undefined || rank[2] !== undefined))
  );
}

export function isPercentile(statistic: string): boolean {
  return PERCENTILE.test(statistic);
}

export function sampleSetOf(values: number[], keepValues: boolean): SampleSet {
  let sum = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const value of values) {
    sum += value;
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  return { sampleCount: values.length, sum, minimum, maximum, ...(keepValues ? { values } : {}) };
}

function merge(sets: SampleSet[]): SampleSet | undefined {
  const nonEmpty = sets.filter((s) => s.sampleCount > 0);
  if (nonEmpty.length === 0) return undefined;
  if (nonEmpty.length === 1) return nonEmpty[0];
  const keepValues = nonEmpty.every((s) => s.values !== undefined);
  return {
    sampleCount: nonEmpty.reduce((n, s) => n + s.sampleCount, 0),
    sum: nonEmpty.reduce((n, s) => n + s.sum, 0),
    minimum: Math.min(...nonEmpty.map((s) => s.minimum)),
    maximum: Math.max(...nonEmpty.map((s) => s.maximum)),
    ...(keepValues ? { values: nonEmpty.flatMap((s) => s.values ?? []) } : {}),
  };
}

function percentile(set: SampleSet, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * set.sampleCount));
  if (set.values !== undefined) {
    // A typed array sorts numerically in native code: alarms and the judge read percentiles often.
    const sorted = Float64Array.from(set.values).sort();
    return sorted[Math.min(rank, sorted.length) - 1] as number;
  }
  if (set.minimum === set.maximum) return set.minimum;
  // Without samples only 0/1 metrics remain (error counts): the first `zeros` ranks are 0.
  const zeros = set.sampleCount - set.sum;
  return rank <= zeros ? set.minimum : set.maximum;
}

/**
 * Percentile rank: "The percentage of data points that have a value of the fixed threshold. For
 * example, PR(:300) returns the percentage of data points that have a value of 300 or less.
 * PR(100:2000) returns the percentage of data points that have a value between 100 and 2000.
 * Percentile rank is exclusive on the lower bound and inclusive on the upper bound" (CloudWatch User
 * Guide, "CloudWatch statistics definitions"). Returned as a percentage, 0 to 100.
 */
function percentileRank(set: SampleSet, lower: number | undefined, upper: number | undefined): number {
  const inRange = (v: number) => (lower === undefined || v > lower) && (upper === undefined || v <= upper);
  if (set.values !== undefined) {
    let count = 0;
    for (const v of set.values) if (inRange(v)) count++;
    return (100 * count) / set.sampleCount;
  }
  if (set.minimum === set.maximum) return inRange(set.minimum) ? 100 : 0;
  // Without samples only 0/1 metrics remain (error counts): `sum` ones, the rest zeros.
  const ones = set.sum;
  const zeros = set.sampleCount - ones;
  return (100 * ((inRange(set.minimum) ? zeros : 0) + (inRange(set.maximum) ? ones : 0))) / set.sampleCount;
}

/** The value of a CloudWatch statistic (Average, Sum, Minimum, Maximum, SampleCount, pNN, PR(x:y)) over a set. */
export function statisticValue(set: SampleSet, statistic: string): number {
  switch (statistic) {
    case 'Average':
      return set.sum / set.sampleCount;
    case 'Sum':
      return set.sum;
    case 'Minimum':
      return set.minimum;
    case 'Maximum':
      return set.maximum;
    case 'SampleCount':
      return set.sampleCount;
    default: {
      const rank = PERCENTILE_RANK.exec(statistic);
      if (rank !== null) {
        return percentileRank(
          set,
          rank[1] === undefined ? undefined : Number(rank[1]),
          rank[2] === undefined ? undefined : Number(rank[2]),
        );
      }
      const match = PERCENTILE.exec(statistic);
      if (match === null) throw new Error(`unsupported statistic ${statistic}`);
      return percentile(set, Number(statistic.slice(1)));
    }
  }
}

const MINUTE_MS = 60_000;
/** The finest publish frequency SageMaker offers (MetricsConfig: 10 s): every datapoint starts on this grid. */
export const METRIC_GRID_MS = 10_000;

/** The datapoint starts of a series in [from, to): by lookup for short ranges, by scan for open ones. */
function startsWithin(series: Map<number, StoredDatapoint>, from: number, to: number): number[] {
  if ((to - from) / METRIC_GRID_MS > series.size) {
    return [...series.keys()].filter((start) => start >= from && start < to).sort((a, b) => a - b);
  }
  const starts: number[] = [];
  for (let start = Math.ceil(from / METRIC_GRID_MS) * METRIC_GRID_MS; start < to; start += METRIC_GRID_MS) {
    if (series.has(start)) starts.push(start);
  }
  return starts;
}

export class MetricStore {
  /** endpoint → variant → metric → datapoint start → datapoint. */
  private readonly data = new Map<string, Map<string, Map<string, Map<number, StoredDatapoint>>>>();
  private coarsest = MINUTE_MS;

  /**
   * Stores one datapoint covering [start, start + resolution). A datapoint is counted in a period
   * when its start (its timestamp) falls in it, as CloudWatch aggregates stored datapoints.
   */
  publish(
    endpointName: string,
    variantName: string,
    metricName: string,
    start: number,
    samples: SampleSet,
    timing: PublishTiming = {},
  ): void {
    if (samples.sampleCount === 0) return; // no datapoint at all: CloudWatch sees missing data
    const variants =
      this.data.get(endpointName) ?? new Map<string, Map<string, Map<number, StoredDatapoint>>>();
    this.data.set(endpointName, variants);
    const metrics = variants.get(variantName) ?? new Map<string, Map<number, StoredDatapoint>>();
    variants.set(variantName, metrics);
    const points = metrics.get(metricName) ?? new Map<number, StoredDatapoint>();
    metrics.set(metricName, points);
    const resolutionMs = timing.resolutionMs ?? MINUTE_MS;
    if (resolutionMs > this.coarsest) this.coarsest = resolutionMs;
    points.set(start, { ...samples, start, resolutionMs, visibleAt: timing.visibleAt ?? -Infinity });
  }

  /** The longest period any stored datapoint covers (at least a minute). */
  coarsestResolutionMs(): number {
    return this.coarsest;
  }

  /**
   * All samples of the metric in [from, to) that CloudWatch has ingested by `asOf` (default: all);
   * `variantName` undefined merges every variant of the endpoint — an observation for tests only:
   * CloudWatch has no such metric, and alarms read samplesOf. Undefined when there is no data: a
   * missing datapoint.
   */
  aggregate(
    endpointName: string,
    variantName: string | undefined,
    metricName: string,
    from: number,
    to: number,
    asOf = Infinity,
  ): SampleSet | undefined {
    const sets: SampleSet[] = [];
    for (const points of this.series(endpointName, variantName, metricName)) {
      for (const start of startsWithin(points, from, to)) {
        const point = points.get(start) as StoredDatapoint;
        if (point.visibleAt <= asOf) sets.push(point);
      }
    }
    return merge(sets);
  }

  /**
   * The samples CloudWatch would hold for exactly this metric in [from, to), as ingested by `asOf`.
   * SageMaker publishes its invocation metrics in AWS/SageMaker per EndpointName + VariantName only
   * (SageMaker Developer Guide, "Amazon SageMaker AI metrics in Amazon CloudWatch", Endpoint invocation
   * metrics: "Dimensions: EndpointName, VariantName"), and "CloudWatch treats each unique combination
   * of dimensions as a separate metric" (CloudWatch User Guide, "Amazon CloudWatch concepts",
   * Dimensions): any other namespace or dimension set — EndpointName alone, an extra dimension — is a
   * metric nobody publishes, so it has no data, however bad the model. An inference component's
   * metrics are the exception: InferenceComponentName alone.
   */
  samplesOf(
    metric: { namespace: string; metricName: string; dimensions: readonly { name: string; value: string }[] },
    from: number,
    to: number,
    asOf = Infinity,
  ): SampleSet | undefined {
    if (metric.namespace !== SAGEMAKER_NAMESPACE) return undefined;
    // An inference component's invocation metrics carry the one dimension InferenceComponentName
    // (developer guide, "Amazon SageMaker AI metrics in Amazon CloudWatch", inference component metrics;
    // Application Auto Scaling User Guide, "Monitor usage of scalable resources using CloudWatch":
    // "Inference components | AWS/SageMaker | Name: InvocationsPerCopy, Dimensions: InferenceComponentName").
    const component = metric.dimensions.length === 1 ? metric.dimensions[0] : undefined;
    if (component?.name === 'InferenceComponentName') {
      const series = componentSeries(component.value);
      return this.aggregate(series.endpointName, series.variantName, metric.metricName, from, to, asOf);
    }
    if (metric.dimensions.length !== 2) return undefined;
    const endpointName = metric.dimensions.find((d) => d.name === 'EndpointName')?.value;
    const variantName = metric.dimensions.find((d) => d.name === 'VariantName')?.value;
    if (endpointName === undefined || variantName === undefined) return undefined;
    return this.aggregate(endpointName, variantName, metric.metricName, from, to, asOf);
  }

  /** One datapoint per minute with data in [from, to), oldest first, visible or not (an observation). */
  datapoints(
    endpointName: string,
    variantName: string | undefined,
    metricName: string,
    from: number,
    to: number,
  ): MetricDatapoint[] {
    const minutes = new Set<number>();
    for (const series of this.series(endpointName, variantName, metricName)) {
      for (const start of startsWithin(series, from, to))
        minutes.add(Math.floor(start / MINUTE_MS) * MINUTE_MS);
    }
    const points: MetricDatapoint[] = [];
    for (const minute of [...minutes].sort((a, b) => a - b)) {
      const set = this.aggregate(
        endpointName,
        variantName,
        metricName,
        Math.max(minute, from),
        Math.min(minute + MINUTE_MS, to),
      ) as SampleSet;
      points.push({
        timestamp: minute,
        sampleCount: set.sampleCount,
        sum: set.sum,
        average: statisticValue(set, 'Average'),
        minimum: set.minimum,
        maximum: set.maximum,
        p50: statisticValue(set, 'p50'),
        p90: statisticValue(set, 'p90'),
        p99: statisticValue(set, 'p99'),
      });
    }
    return points;
  }

  /** Every datapoint starting from `fromMs` on, as plain data (the saved simulated cloud's metric history). */
  exportState(fromMs: number): MetricSeriesState[] {
    const out: MetricSeriesState[] = [];
    for (const [endpointName, variants] of this.data) {
      for (const [variantName, metrics] of variants) {
        for (const [metricName, points] of metrics) {
          const kept = [...points.values()]
            .filter((point) => point.start >= fromMs)
            .sort((a, b) => a.start - b.start)
            .map((point) => ({
              ...point,
              // JSON has no -Infinity: a point visible from the start is saved as visible at its start.
              visibleAt: Number.isFinite(point.visibleAt) ? point.visibleAt : point.start,
              ...(point.values === undefined ? {} : { values: [...point.values] }),
            }));
          if (kept.length > 0) out.push({ endpointName, variantName, metricName, points: kept });
        }
      }
    }
    return out;
  }

  importState(series: readonly MetricSeriesState[]): void {
    for (const { endpointName, variantName, metricName, points } of series) {
      for (const { start, resolutionMs, visibleAt, ...samples } of points) {
        this.publish(
          endpointName,
          variantName,
          metricName,
          start,
          { ...samples, ...(samples.values === undefined ? {} : { values: [...samples.values] }) },
          { resolutionMs, visibleAt },
        );
      }
    }
  }

  private series(endpointName: string, variantName: string | undefined, metricName: string) {
    const variants = this.data.get(endpointName);
    if (variants === undefined) return [];
    const names = variantName === undefined ? [...variants.keys()] : [variantName];
    return names.flatMap((name) => {
      const points = variants.get(name)?.get(metricName);
      return points === undefined ? [] : [points];
    });
  }
}
