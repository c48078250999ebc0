// Simulated inference traffic: every minute each endpoint receives its requests, split across the
// variants by the weights that were serving at each moment, and SageMaker's per-variant invocation
// metrics are published from the serving models' error rates and latencies. Tests can change an
// endpoint's request rate over time (load that auto scaling reacts to).
import type { MetricStore } from './metrics';
import { sampleSetOf } from './metrics';
import type { SeededRandom } from './random';
import type { ServingSegment } from './sagemaker';
import type { ModelBehaviour } from './types';

export interface TrafficSource {
  servedEndpointNames(): string[];
  servingDuring(endpointName: string, from: number, to: number): ServingSegment[];
  behaviourOf(modelName: string): ModelBehaviour;
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

export class TrafficSimulator {
  /** Endpoints whose rate a test set (setRequestsPerMinute); the others get the cloud's default. */
  private readonly rates = new Map<string, number>();

  constructor(
    private readonly source: TrafficSource,
    private readonly metrics: MetricStore,
    private readonly random: SeededRandom,
    private readonly requestsPerMinute: number,
  ) {}

  /** From the minute in progress on, the endpoint receives `rpm` requests per minute. */
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

  /** Sends the minute [minuteStart, minuteStart + 1 min) of traffic and publishes its metrics. */
  runMinute(minuteStart: number): void {
    const minuteEnd = minuteStart + MINUTE_MS;
    // Requests arrive evenly: the number sent by time t is round(rate × elapsed), so segments of a
    // minute split by a weight change add up to exactly requestsPerMinute.
    for (const endpointName of this.source.servedEndpointNames()) {
      const rate = this.requestsPerMinuteOf(endpointName);
      const sentBy = (t: number) => Math.round((rate * (t - minuteStart)) / MINUTE_MS);
      const perVariant = new Map<string, VariantMinute>();
      for (const segment of this.source.servingDuring(endpointName, minuteStart, minuteEnd)) {
        const requests = sentBy(segment.to) - sentBy(segment.from);
        const shares = splitByWeight(
          requests,
          segment.variants.map((v) => v.weight),
        );
        segment.variants.forEach((variant, index) => {
          const share = shares[index] ?? 0;
          if (share === 0) return;
          const minute = perVariant.get(variant.variantName) ?? { errors: [], latencies: [], overheads: [] };
          perVariant.set(variant.variantName, minute);
          const behaviour = this.source.behaviourOf(variant.modelName);
          const load = this.overload(
            behaviour,
            endpointName,
            variant.variantName,
            share,
            segment.to - segment.from,
          );
          this.invoke(behaviour, share, minute, load);
        });
      }
      for (const [variantName, minute] of perVariant) {
        const count = minute.errors.length;
        this.metrics.publish(endpointName, variantName, 'Invocations', minuteStart, {
          sampleCount: count,
          sum: count,
          minimum: 1,
          maximum: 1,
        });
        this.metrics.publish(
          endpointName,
          variantName,
          'Invocation5XXErrors',
          minuteStart,
          sampleSetOf(minute.errors, false),
        );
        this.metrics.publish(endpointName, variantName, 'Invocation4XXErrors', minuteStart, {
          sampleCount: count,
          sum: 0,
          minimum: 0,
          maximum: 0,
        });
        this.metrics.publish(
          endpointName,
          variantName,
          'ModelLatency',
          minuteStart,
          sampleSetOf(minute.latencies, true),
        );
        this.metrics.publish(
          endpointName,
          variantName,
          'OverheadLatency',
          minuteStart,
          sampleSetOf(minute.overheads, true),
        );
        // "The number of invocations sent to a model, normalized by InstanceCount in each
        // ProductionVariant. 1/numberOfInstances is sent as the value on each request, where
        // numberOfInstances is the number of active instances for the ProductionVariant behind the
        // endpoint at the time of the request" (SageMaker API reference, ScalingPolicyMetric). Its Sum
        // per minute is what target tracking on SageMakerVariantInvocationsPerInstance follows. The
        // sim divides by the variant's count at the end of the minute, not at each request.
        const instances = this.source.instanceCountOf(endpointName, variantName);
        if (instances !== undefined && instances > 0) {
          this.metrics.publish(endpointName, variantName, 'InvocationsPerInstance', minuteStart, {
            sampleCount: count,
            sum: count / instances,
            minimum: 1 / instances,
            maximum: 1 / instances,
          });
        }
      }
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
