// A fabricated bad-model canary as the store would hold it: a Canary10Percent5Minutes rollout on
// churn-prod whose candidate fails ~20% of requests (baseline 0.2%), caught by the judge a minute
// into its bake, and the per-variant CloudWatch series a MetricReader would return for it.
import type { MetricVerdict, RolloutInput } from '../../../statemachines/contract';
import type { MetricDataQuery, MetricDataSeries, MetricReader } from '../../../src/engine/ports';
import type { RolloutRecord, TimelineEntry } from '../../../src/store';

export const T0 = Date.parse('2026-01-15T09:00:00Z');
const at = (minutes: number, seconds = 0) => T0 + minutes * 60_000 + seconds * 1000;
const ID = 'r-sim70001';

export function verdict(overrides: Partial<MetricVerdict> = {}): MetricVerdict {
  return {
    metric: 'errors',
    verdict: 'fail',
    critical: true,
    direction: 'increase',
    tolerance: 0.5,
    ratio: 95.45,
    interval: [12.3, null],
    candidate: { events: 23, requests: 120 },
    baseline: { events: 2, requests: 1090 },
    ...overrides,
  };
}

export function fabricatedRecord(overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  const input = {
    rolloutId: ID,
    endpointName: 'churn-prod',
    modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2',
    names: {
      candidateModel: 'smr-churn-prod-sim70001-model',
      candidateVariant: 'candidate-sim70001',
      transitionConfig: 'smr-churn-prod-sim70001-transition',
      finalConfig: 'smr-churn-prod-sim70001-final',
    },
    baseline: {
      endpointConfigName: 'churn-prod-config-0',
      variantName: 'AllTraffic',
      modelName: 'churn-prod-model-0',
      instanceType: 'ml.m5.large',
      instanceCount: 2,
    },
    alarms: [],
    candidateAlarms: [],
    requestedBy: 'model-registry approval of churn-model/2',
    startedAt: T0,
  } as unknown as RolloutInput;
  return {
    id: ID,
    endpointName: 'churn-prod',
    modelPackageArn: input.modelPackageArn,
    status: 'rolledBack',
    active: false,
    phase: 'rolled back',
    reason: 'the judge found the candidate worse on errors',
    strategy: 'Canary10Percent5Minutes',
    requestedBy: input.requestedBy,
    input,
    machineVersion: 'test',
    snapshot: null,
    version: 12,
    timelineLength: 11,
    createdAt: T0,
    updatedAt: at(13),
    ...overrides,
  };
}

const weights = (candidate: number) => ({ baseline: 100 - candidate, candidate });
const step = (index: number) => ({ index, total: 4 });

function entry(seq: number, time: number, kind: string, message: string, fact?: object): TimelineEntry {
  return {
    rolloutId: ID,
    seq,
    at: time,
    kind,
    message,
    detail: {
      weights: weights(kind === 'shifted' ? 10 : 0),
      step: step(1),
      ...(fact ? { fact: { kind, ...fact } } : {}),
    },
  };
}

/** The timeline; `rollbackBy` picks what started the rollback: the judge or the candidate alarm. */
export function fabricatedTimeline(rollbackBy: 'judge' | 'alarm' = 'judge'): TimelineEntry[] {
  const reason =
    rollbackBy === 'judge'
      ? { kind: 'judge', metric: 'errors', verdict: verdict() }
      : { kind: 'alarm', alarmName: 'smr-churn-prod-sim70001-5xx-rate', stateReason: 'Threshold Crossed' };
  return [
    entry(0, at(0), 'started', `Rollout ${ID} started by model-registry approval of churn-model/2`),
    entry(1, at(0), 'baseline', 'Baseline is variant AllTraffic (model churn-prod-model-0, 2 × ml.m5.large)'),
    entry(2, at(0), 'candidateCreated', 'Created candidate model smr-churn-prod-sim70001-model'),
    entry(
      3,
      at(6, 18),
      'transitionLive',
      'Endpoint churn-prod is InService on smr-churn-prod-sim70001-transition',
    ),
    entry(4, at(6, 52), 'shifted', 'Traffic shifted: baseline 90% / candidate 10% (step 1/4)', {
      weights: weights(10),
      step: step(1),
    }),
    entry(5, at(6, 52), 'bakeStarted', 'Baking 5m at 10% (step 2/4) until 2026-01-15T09:11:53Z'),
    entry(6, at(7, 30), 'judged', 'Judge at step 2/4: errors inconclusive; decision: hold', {
      step: step(2),
      verdicts: [
        verdict({
          verdict: 'inconclusive',
          ratio: 40,
          interval: [0.8, null],
          candidate: { events: 4, requests: 35 },
          baseline: { events: 1, requests: 320 },
        }),
      ],
      from: at(6, 52),
      to: at(7, 20),
      dryRun: false,
      decision: 'hold',
    }),
    entry(7, at(8), 'judged', 'Judge at step 2/4: errors fail; decision: rollback', {
      step: step(2),
      verdicts: [verdict()],
      from: at(6, 52),
      to: at(7, 50),
      dryRun: false,
      decision: 'rollback',
    }),
    entry(8, at(8), 'rollbackStarted', `Rolling back: ${rollbackBy}`, { reason }),
    entry(9, at(8, 25), 'trafficRestored', 'All traffic is back on the baseline variant AllTraffic'),
    entry(10, at(13), 'rolledBack', 'Rolled back: the judge found the candidate worse on errors'),
  ];
}

/** Per-minute series as CloudWatch would return them: baseline ~0.2% errors, the candidate ~20%. */
export function fabricatedMetrics(): MetricReader & { queries: MetricDataQuery[] } {
  const queries: MetricDataQuery[] = [];
  return {
    queries,
    async getMetricData(
      asked: readonly MetricDataQuery[],
      fromMs: number,
      toMs: number,
    ): Promise<MetricDataSeries[]> {
      queries.push(...asked);
      return asked.map((q) => {
        const variant = q.metric.dimensions.find((d) => d.name === 'VariantName')!.value;
        const candidate = variant !== 'AllTraffic';
        const points: { timestamp: number; value: number }[] = [];
        for (let t = Math.max(fromMs, T0); t < Math.min(toMs, at(14)); t += 60_000) {
          const serving = !candidate || (t >= at(6) && t < at(9));
          if (!serving) continue;
          const invocations = candidate ? 60 : 540;
          const value =
            q.metric.metricName === 'Invocations'
              ? invocations
              : q.metric.metricName === 'Invocation5XXErrors'
                ? candidate
                  ? 12
                  : 1
                : candidate
                  ? 182_000
                  : 61_000;
          points.push({ timestamp: t, value });
        }
        return { id: q.id, points };
      });
    },
  };
}
