// The simulated CloudWatch metric store for the AWS/SageMaker namespace: one-minute statistic sets
// per endpoint, variant and metric (the one dimension set SageMaker publishes them under), aggregated
// into any period and statistic an alarm asks for.

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

/** One metric's recent minutes, as saved with the simulated cloud. */
export interface MetricSeriesState {
  endpointName: string;
  variantName: string;
  metricName: string;
  minutes: Array<SampleSet & { start: number }>;
}

const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;
const PLAIN_STATISTICS = new Set(['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount']);

export function isSupportedStatistic(statistic: string): boolean {
  return PLAIN_STATISTICS.has(statistic) || PERCENTILE.test(statistic);
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
    const sorted = [...set.values].sort((a, b) => a - b);
    return sorted[Math.min(rank, sorted.length) - 1] as number;
  }
  if (set.minimum === set.maximum) return set.minimum;
  // Without samples only 0/1 metrics remain (error counts): the first `zeros` ranks are 0.
  const zeros = set.sampleCount - set.sum;
  return rank <= zeros ? set.minimum : set.maximum;
}

/** The value of a CloudWatch statistic (Average, Sum, Minimum, Maximum, SampleCount, pNN) over a set. */
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
      const match = PERCENTILE.exec(statistic);
      if (match === null) throw new Error(`unsupported statistic ${statistic}`);
      return percentile(set, Number(statistic.slice(1)));
    }
  }
}

const MINUTE_MS = 60_000;

/** The minutes of a series that fall in [from, to): by lookup for short ranges, by scan for open ones. */
function minutesWithin(series: Map<number, SampleSet>, from: number, to: number): number[] {
  if ((to - from) / MINUTE_MS > series.size) {
    return [...series.keys()].filter((minute) => minute >= from && minute < to);
  }
  const minutes: number[] = [];
  for (let minute = Math.ceil(from / MINUTE_MS) * MINUTE_MS; minute < to; minute += MINUTE_MS) {
    if (series.has(minute)) minutes.push(minute);
  }
  return minutes;
}

export class MetricStore {
  /** endpoint → variant → metric → minute start → samples. */
  private readonly data = new Map<string, Map<string, Map<string, Map<number, SampleSet>>>>();

  publish(
    endpointName: string,
    variantName: string,
    metricName: string,
    minuteStart: number,
    samples: SampleSet,
  ): void {
    if (samples.sampleCount === 0) return; // no datapoint at all: CloudWatch sees missing data
    const variants = this.data.get(endpointName) ?? new Map<string, Map<string, Map<number, SampleSet>>>();
    this.data.set(endpointName, variants);
    const metrics = variants.get(variantName) ?? new Map<string, Map<number, SampleSet>>();
    variants.set(variantName, metrics);
    const minutes = metrics.get(metricName) ?? new Map<number, SampleSet>();
    metrics.set(metricName, minutes);
    minutes.set(minuteStart, samples);
  }

  /**
   * Adds samples to the minute's set instead of replacing it: a request sent outside the minute's
   * traffic (a pre-traffic InvokeEndpoint with TargetVariant) counts next to what is already there.
   */
  add(
    endpointName: string,
    variantName: string,
    metricName: string,
    minuteStart: number,
    samples: SampleSet,
  ): void {
    const existing = this.data.get(endpointName)?.get(variantName)?.get(metricName)?.get(minuteStart);
    const merged = existing === undefined ? samples : merge([existing, samples]);
    if (merged !== undefined) this.publish(endpointName, variantName, metricName, minuteStart, merged);
  }

  /**
   * All samples of the metric in [from, to); `variantName` undefined merges every variant of the
   * endpoint — an observation for tests only: CloudWatch has no such metric, and alarms read
   * samplesOf. Undefined when there is no data: a missing datapoint.
   */
  aggregate(
    endpointName: string,
    variantName: string | undefined,
    metricName: string,
    from: number,
    to: number,
  ) {
    const sets: SampleSet[] = [];
    for (const minutes of this.series(endpointName, variantName, metricName)) {
      for (const minute of minutesWithin(minutes, from, to)) sets.push(minutes.get(minute) as SampleSet);
    }
    return merge(sets);
  }

  /**
   * The samples CloudWatch would hold for exactly this metric in [from, to). SageMaker publishes its
   * invocation metrics in AWS/SageMaker per EndpointName + VariantName only (SageMaker Developer Guide,
   * "Amazon SageMaker AI metrics in Amazon CloudWatch", Endpoint invocation metrics: "Dimensions:
   * EndpointName, VariantName"), and "CloudWatch treats each unique combination of dimensions as a
   * separate metric" (CloudWatch User Guide, "Amazon CloudWatch concepts", Dimensions): any other
   * namespace or dimension set — EndpointName alone, an extra dimension — is a metric nobody
   * publishes, so it has no data, however bad the model.
   */
  samplesOf(
    metric: { namespace: string; metricName: string; dimensions: readonly { name: string; value: string }[] },
    from: number,
    to: number,
  ): SampleSet | undefined {
    if (metric.namespace !== SAGEMAKER_NAMESPACE || metric.dimensions.length !== 2) return undefined;
    const endpointName = metric.dimensions.find((d) => d.name === 'EndpointName')?.value;
    const variantName = metric.dimensions.find((d) => d.name === 'VariantName')?.value;
    if (endpointName === undefined || variantName === undefined) return undefined;
    return this.aggregate(endpointName, variantName, metric.metricName, from, to);
  }

  /** One datapoint per minute with data in [from, to), oldest first. */
  datapoints(
    endpointName: string,
    variantName: string | undefined,
    metricName: string,
    from: number,
    to: number,
  ): MetricDatapoint[] {
    const minutes = new Set<number>();
    for (const series of this.series(endpointName, variantName, metricName)) {
      for (const minute of minutesWithin(series, from, to)) minutes.add(minute);
    }
    const points: MetricDatapoint[] = [];
    for (const minute of [...minutes].sort((a, b) => a - b)) {
      const set = this.aggregate(
        endpointName,
        variantName,
        metricName,
        minute,
        minute + MINUTE_MS,
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

  /** Every minute from `fromMs` on, as plain data (the saved simulated cloud's metric history). */
  exportState(fromMs: number): MetricSeriesState[] {
    const out: MetricSeriesState[] = [];
    for (const [endpointName, variants] of this.data) {
      for (const [variantName, metrics] of variants) {
        for (const [metricName, minutes] of metrics) {
          const kept = [...minutes.entries()]
            .filter(([start]) => start >= fromMs)
            .sort(([a], [b]) => a - b)
            .map(([start, samples]) => ({
              start,
              ...samples,
              ...(samples.values === undefined ? {} : { values: [...samples.values] }),
            }));
          if (kept.length > 0) out.push({ endpointName, variantName, metricName, minutes: kept });
        }
      }
    }
    return out;
  }

  importState(series: readonly MetricSeriesState[]): void {
    for (const { endpointName, variantName, metricName, minutes } of series) {
      for (const { start, ...samples } of minutes) {
        this.publish(endpointName, variantName, metricName, start, {
          ...samples,
          ...(samples.values === undefined ? {} : { values: [...samples.values] }),
        });
      }
    }
  }

  private series(endpointName: string, variantName: string | undefined, metricName: string) {
    const variants = this.data.get(endpointName);
    if (variants === undefined) return [];
    const names = variantName === undefined ? [...variants.keys()] : [variantName];
    return names.flatMap((name) => {
      const minutes = variants.get(name)?.get(metricName);
      return minutes === undefined ? [] : [minutes];
    });
  }
}
