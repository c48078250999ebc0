// Simulated inference traffic: every 10 seconds each endpoint receives its requests, split across the
// variants by the weights that were serving at each moment, and SageMaker's per-variant invocation
// metrics are published from the serving models' error rates and latencies — one datapoint per publish
// period of the serving config's MetricsConfig (60 s, or 10 s with enhanced metrics), visible to
// CloudWatch readers an ingestion delay after the period ends. Tests can change an endpoint's request
// rate over time (load that auto scaling reacts to).
import type { MetricStore } from './metrics';
import { sampleSetOf } from './metrics';
import type { SeededRandom } from './random';
import type { ServingSegment } from './sagemaker';
import { METRIC_GRID_MS } from './metrics';
import type { ModelBehaviour } from './types';

export interface TrafficSource {
  servedEndpointNames(): string[];
  servingDuring(endpointName: string, from: number, to: number): ServingSegment[];
  behaviourOf(modelName: string): ModelBehaviour;
  /** The publish frequency, in seconds, of the invocation metrics of an endpoint serving this config. */
  invocationMetricsFrequencyOf(configName: string): number;
  /** The variant's CurrentInstanceCount now (undefined: serverless, or the variant is gone). */
  instanceCountOf(endpointName: string, variantName: string): number | undefined;
}

const MINUTE_MS = 60_000;
/** Lognormal spread of latencies: p99 lands near 1.8× the typical value. */
const LATENCY_SIGMA = 0.25;
/** SageMaker's own overhead per request, in microseconds. */
const OVERHEAD_MICROS = 2_500;

/** Splits `count` requests by weight, largest remainders first (ties to the earlier variant). */
export function splitByWeight(count: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (count * w) / total);
  const shares = exact.map(Math.floor);
  let left = count - shares.reduce((sum, n) => sum + n, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    shares[index] = (shares[index] as number) + 1;
    left--;
  }
  return shares;
}

interface VariantMinute {
  errors: number[];
  latencies: number[];
  overheads: number[];
}

/** One variant's publish period in progress: the requests it served so far. */
export interface OpenPeriodState extends VariantMinute {
  endpointName: string;
  variantName: string;
  start: number;
  resolutionMs: number;
}

export class TrafficSimulator {
  /** Endpoints whose rate a test set (setRequestsPerMinute); the others get the cloud's default. */
  private readonly rates = new Map<string, number>();

  constructor(
    private readonly source: TrafficSource,
    private readonly metrics: MetricStore,
    private readonly random: SeededRandom,
    private readonly requestsPerMinute: number,
    private readonly ingestionDelayMs: number,
  ) {}

  /** Publish periods in progress by endpoint + variant: sent at the end of their period. */
  private readonly open = new Map<string, OpenPeriodState>();

  /** From the 10-second slice in progress on, the endpoint receives `rpm` requests per minute. */
  setRequestsPerMinute(endpointName: string, rpm: number): void {
    if (!Number.isInteger(rpm) || rpm < 0) {
      throw new Error(`requests per minute must be a non-negative integer, got ${rpm}`);
    }
    this.rates.set(endpointName, rpm);
  }

  requestsPerMinuteOf(endpointName: string): number {
    return this.rates.get(endpointName) ?? this.requestsPerMinute;
  }

  /** The rates tests set, as saved with the simulated cloud. */
  exportRates(): Record<string, number> {
    return Object.fromEntries([...this.rates].sort(([a], [b]) => a.localeCompare(b)));
  }

  importRates(rates: Record<string, number> | undefined): void {
    for (const [endpointName, rpm] of Object.entries(rates ?? {})) this.rates.set(endpointName, rpm);
  }

  /** The publish periods in progress, as saved with the simulated cloud. */
  exportOpenPeriods(): OpenPeriodState[] {
    return [...this.open.values()].map((p) => ({
      ...p,
      errors: [...p.errors],
      latencies: [...p.latencies],
      overheads: [...p.overheads],
    }));
  }

  importOpenPeriods(periods: readonly OpenPeriodState[] | undefined): void {
    for (const p of periods ?? []) {
      this.open.set(`${p.endpointName}\u0000${p.variantName}`, {
        ...p,
        errors: [...p.errors],
        latencies: [...p.latencies],
        overheads: [...p.overheads],
      });
    }
  }

  /**
   * Sends the slice [sliceStart, sliceStart + 10 s) of traffic into each variant's publish period, then
   * publishes every period that ends with the slice. A slice never crosses a minute boundary, and
   * requests arrive evenly: the number sent by time t of a minute is round(rate × elapsed), so the
   * slices and segments of a minute add up to exactly requestsPerMinute.
   */
  runSlice(sliceStart: number): void {
    const sliceEnd = sliceStart + METRIC_GRID_MS;
    const minuteStart = Math.floor(sliceStart / MINUTE_MS) * MINUTE_MS;
    for (const endpointName of this.source.servedEndpointNames()) {
      const rate = this.requestsPerMinuteOf(endpointName);
      const sentBy = (t: number) => Math.round((rate * (t - minuteStart)) / MINUTE_MS);
      for (const segment of this.source.servingDuring(endpointName, sliceStart, sliceEnd)) {
        const requests = sentBy(segment.to) - sentBy(segment.from);
        const shares = splitByWeight(
          requests,
          segment.variants.map((v) => v.weight),
        );
        const resolutionMs = this.source.invocationMetricsFrequencyOf(segment.configName) * 1000;
        segment.variants.forEach((variant, index) => {
          const share = shares[index] ?? 0;
          if (share === 0) return;
          const period = this.periodFor(endpointName, variant.variantName, sliceStart, resolutionMs);
          const behaviour = this.source.behaviourOf(variant.modelName);
          const load = this.overload(
            behaviour,
            endpointName,
            variant.variantName,
            share,
            segment.to - segment.from,
          );
          this.invoke(behaviour, share, period, load);
          this.noteFirstFailure(endpointName, variant.variantName, period, share, segment.from, segment.to);
        });
      }
    }
    for (const [key, period] of [...this.open]) {
      if (period.start + period.resolutionMs > sliceEnd) continue;
      this.open.delete(key);
      this.publish(period);
    }
  }

  /**
   * The variant's open publish period for a slice: the one in progress, or a new one aligned to the
   * frequency (a period cut short by a change of frequency is published as it stands).
   */
  private periodFor(
    endpointName: string,
    variantName: string,
    sliceStart: number,
    resolutionMs: number,
  ): OpenPeriodState {
    const key = `${endpointName}\u0000${variantName}`;
    const start = Math.floor(sliceStart / resolutionMs) * resolutionMs;
    const current = this.open.get(key);
    if (current !== undefined && current.start === start && current.resolutionMs === resolutionMs) {
      return current;
    }
    if (current !== undefined) this.publish(current);
    const fresh: OpenPeriodState = {
      endpointName,
      variantName,
      start,
      resolutionMs,
      errors: [],
      latencies: [],
      overheads: [],
    };
    this.open.set(key, fresh);
    return fresh;
  }

  /** Publishes one variant's period: SageMaker's invocation metrics, visible after the ingestion delay. */
  private publish(period: OpenPeriodState): void {
    const { endpointName, variantName, start, resolutionMs } = period;
    const timing = { resolutionMs, visibleAt: start + resolutionMs + this.ingestionDelayMs };
    const count = period.errors.length;
    this.metrics.publish(
      endpointName,
      variantName,
      'Invocations',
      start,
      { sampleCount: count, sum: count, minimum: 1, maximum: 1 },
      timing,
    );
    this.metrics.publish(
      endpointName,
      variantName,
      'Invocation5XXErrors',
      start,
      sampleSetOf(period.errors, false),
      timing,
    );
    this.metrics.publish(
      endpointName,
      variantName,
      'Invocation4XXErrors',
      start,
      { sampleCount: count, sum: 0, minimum: 0, maximum: 0 },
      timing,
    );
    this.metrics.publish(
      endpointName,
      variantName,
      'ModelLatency',
      start,
      sampleSetOf(period.latencies, true),
      timing,
    );
    this.metrics.publish(
      endpointName,
      variantName,
      'OverheadLatency',
      start,
      sampleSetOf(period.overheads, true),
      timing,
    );
    // "The number of invocations sent to a model, normalized by InstanceCount in each
    // ProductionVariant. 1/numberOfInstances is sent as the value on each request, where
    // numberOfInstances is the number of active instances for the ProductionVariant behind the
    // endpoint at the time of the request" (SageMaker API reference, ScalingPolicyMetric). Its Sum
    // per minute is what target tracking on SageMakerVariantInvocationsPerInstance follows. The
    // sim divides by the variant's count at the end of the period, not at each request.
    const instances = this.source.instanceCountOf(endpointName, variantName);
    if (instances !== undefined && instances > 0) {
      this.metrics.publish(
        endpointName,
        variantName,
        'InvocationsPerInstance',
        start,
        { sampleCount: count, sum: count / instances, minimum: 1 / instances, maximum: 1 / instances },
        timing,
      );
    }
  }

  /**
   * How much slower than usual an overloaded variant answers: its rate per instance over the model's
   * capacity (1 when within it, when the model names no capacity, or for a serverless variant).
   */
  private overload(
    behaviour: ModelBehaviour,
    endpointName: string,
    variantName: string,
    requests: number,
    durationMs: number,
  ): number {
    const capacity = behaviour.capacityPerInstancePerMinute;
    const instances = this.source.instanceCountOf(endpointName, variantName);
    if (capacity === undefined || capacity <= 0 || instances === undefined || instances < 1) return 1;
    const perInstancePerMinute = (requests * MINUTE_MS) / durationMs / instances;
    return Math.max(1, perInstancePerMinute / capacity);
  }

  /** The first failed request each variant served (an observation for tests and the bench). */
  private readonly firstFailures = new Map<string, number>();

  /** When the variant served its first failed request (5xx), if it did. */
  firstFailedRequestAt(endpointName: string, variantName: string): number | undefined {
    return this.firstFailures.get(`${endpointName}\u0000${variantName}`);
  }

  /**
   * Notes the first failure among the `share` requests just invoked into `period` (its last `share`
   * samples), which arrived evenly over [from, to).
   */
  private noteFirstFailure(
    endpointName: string,
    variantName: string,
    period: OpenPeriodState,
    share: number,
    from: number,
    to: number,
  ): void {
    const key = `${endpointName}\u0000${variantName}`;
    if (this.firstFailures.has(key)) return;
    const first = period.errors.length - share;
    for (let i = 0; i < share; i++) {
      if (period.errors[first + i] === 1) {
        this.firstFailures.set(key, from + ((i + 0.5) * (to - from)) / share);
        return;
      }
    }
  }

  /**
   * One request sent outside the endpoint's traffic (InvokeEndpoint with TargetVariant, the pre-traffic
   * check): it is an invocation of that variant like any other, so it counts in the variant's publish
   * period in progress and is published with it.
   */
  recordInvocation(
    endpointName: string,
    variantName: string,
    at: number,
    sample: { error: boolean; latencyMicros: number; overheadMicros: number },
  ): void {
    const sliceStart = Math.floor(at / METRIC_GRID_MS) * METRIC_GRID_MS;
    const configName = this.source.servingDuring(endpointName, at, at + 1)[0]?.configName;
    if (configName === undefined) return;
    const resolutionMs = this.source.invocationMetricsFrequencyOf(configName) * 1000;
    const period = this.periodFor(endpointName, variantName, sliceStart, resolutionMs);
    period.errors.push(sample.error ? 1 : 0);
    period.latencies.push(sample.latencyMicros);
    period.overheads.push(sample.overheadMicros);
  }

  private invoke(behaviour: ModelBehaviour, requests: number, minute: VariantMinute, load: number): void {
    const typicalMicros = behaviour.latencyMs * 1000 * load;
    for (let i = 0; i < requests; i++) {
      minute.errors.push(this.random.next() < behaviour.errorRate ? 1 : 0);
      // exp(σz − σ²/2) has mean 1: the Average of ModelLatency stays near latencyMs.
      const factor = Math.exp(LATENCY_SIGMA * this.random.normal() - (LATENCY_SIGMA * LATENCY_SIGMA) / 2);
      minute.latencies.push(Math.round(typicalMicros * factor));
      minute.overheads.push(Math.round(OVERHEAD_MICROS * (0.8 + 0.4 * this.random.next())));
    }
  }
}
