// Benchmark 6 — catching a bad candidate (issue 12). Whole rollouts through the Lambda's controller on
// the simulated cloud with its honest metric timing (publish periods of 60 s, or 10 s with enhanced
// metrics; a 15 s ingestion delay; alarms evaluated on CloudWatch's cadence over ingested data), the
// precise wake-ups and a canary at 10%. Measured in simulated time, deterministic per seed:
// - detection of a severe regression (20% errors vs 0.2%) with the product's defaults;
// - a power table: the judge beside alarms alone (one-minute and 10-second metrics);
// - false rollbacks of healthy candidates, with steady and with noisy, bursty traffic.
import type { ModelBehaviour } from '../src/sim';
import type { TimelineEntry } from '../src/engine';
import {
  ENDPOINT,
  GROUP,
  HEALTHY,
  ROLE,
  SimController,
  isEnded,
  median,
  quantile,
  type BenchResult,
} from './lib';

const SEVERE_SEEDS = Number(process.env.BENCH_DETECTION_SEEDS ?? 200);
const POWER_SEEDS = Number(process.env.BENCH_POWER_SEEDS ?? 50);
const HEALTHY_SEEDS = Number(process.env.BENCH_HEALTHY_SEEDS ?? 1000);
const BURSTY_SEEDS = Number(process.env.BENCH_BURSTY_SEEDS ?? 200);
const STRATEGY = 'Canary10Percent5Minutes';

/** What judges the candidate: the product's defaults, the judge alone, or the default candidate alarms alone. */
type Method = 'defaults' | 'judge' | 'alarms-10s' | 'alarms-1m';

const METHOD_TEXT: Record<Method, string> = {
  defaults: 'defaults (judge + 10-second candidate alarms)',
  judge: 'judge alone (10-second metrics, no candidate alarms)',
  'alarms-10s': 'candidate alarms alone, 10-second metrics',
  'alarms-1m': 'candidate alarms alone, one-minute metrics',
};

function policies(method: Method): string {
  return [
    'policies:',
    `  - modelPackageGroup: ${GROUP}`,
    `    endpoint: ${ENDPOINT}`,
    `    strategy: ${STRATEGY}`,
    '    finalBake: 10m',
    `    executionRoleArn: ${ROLE}`,
    '    onNewerApproval: supersede',
    ...(method === 'alarms-10s' || method === 'alarms-1m' ? ['    judge: false'] : []),
    ...(method === 'alarms-1m' ? ['    enhancedMetrics: false'] : []),
    ...(method === 'judge' ? ['    candidateAlarms: []'] : []),
    '',
  ].join('\n');
}

interface Run {
  /** The candidate took its first live request (its weight became > 0). */
  firstTrafficAt?: number;
  /** Its first failed request (the simulated cloud's record of the traffic it served). */
  firstFailureAt?: number;
  /** The rollback's first timeline entry (the decision). */
  decidedAt?: number;
  /** The candidate's weight is back to 0 (the restore completed): off live traffic. */
  offAt?: number;
  /** Rolled back while the candidate was at 10% (within the canary's bake). */
  caughtInBake: boolean;
  status: string;
  /** judge, alarm, preTrafficCheck, ... or none. */
  reason: string;
}

interface RunSpec {
  seed: number;
  rpm: number;
  behaviour: ModelBehaviour;
  method: Method;
  /** Run to the end (false rollbacks) or stop once the canary's bake is over (detection). */
  toTheEnd: boolean;
  /** Each minute a new request rate between a tenth and three times `rpm`. */
  bursty?: boolean;
}

async function run(spec: RunSpec): Promise<Run> {
  const ctl = new SimController({
    seed: spec.seed,
    requestsPerMinute: spec.rpm,
    policiesYaml: policies(spec.method),
    idPrefix: 'r-d',
  });
  const arn = ctl.approveNewVersion(spec.behaviour);
  let burst = spec.seed * 7919;
  const baselineVariant = ctl.sim.endpoint(ENDPOINT)!.variants[0]!.variantName;
  const candidateWeight = () => {
    const last = ctl.sim.servingHistory.filter((h) => h.endpointName === ENDPOINT).at(-1);
    const candidate = last?.variants.find((v) => v.variantName !== baselineVariant);
    const total = last?.variants.reduce((sum, v) => sum + v.weight, 0) ?? 0;
    return candidate && total > 0 ? (100 * candidate.weight) / total : 0;
  };
  for (let minute = 0; minute < 90; minute++) {
    if (spec.bursty) {
      burst = (burst * 48271) % 2147483647;
      const factor = 0.1 + 2.9 * (burst / 2147483647);
      ctl.sim.setRequestsPerMinute(ENDPOINT, Math.round(spec.rpm * factor));
    }
    await ctl.minute();
    const record = await ctl.rolloutFor(arn);
    if (isEnded(record?.status)) break;
    if (!spec.toTheEnd && candidateWeight() >= 100) break;
  }
  const record = (await ctl.rolloutFor(arn))!;
  const timeline: TimelineEntry[] = await ctl.store.timeline(record.id);
  const history = ctl.sim.servingHistory.filter((h) => h.endpointName === ENDPOINT);
  let firstTrafficAt: number | undefined;
  let offAt: number | undefined;
  let candidateVariant: string | undefined;
  let maxShare = 0;
  for (const change of history) {
    const total = change.variants.reduce((sum, v) => sum + v.weight, 0);
    const candidate = change.variants.find((v) => v.variantName !== baselineVariant && v.weight > 0);
    const share = candidate && total > 0 ? (100 * candidate.weight) / total : 0;
    if (share > 0 && firstTrafficAt === undefined) {
      firstTrafficAt = change.at;
      candidateVariant = candidate!.variantName;
    }
    if (share > 0) maxShare = Math.max(maxShare, share);
    if (firstTrafficAt !== undefined && offAt === undefined && share === 0 && change.at > firstTrafficAt) {
      offAt = change.at;
    }
  }
  const rollback = timeline.find((e) => e.kind === 'rollbackStarted');
  const reasonKind = rollback ? reasonOf(rollback) : undefined;
  const firstFailureAt =
    candidateVariant === undefined ? undefined : ctl.sim.firstFailedRequestAt(ENDPOINT, candidateVariant);
  return {
    ...(firstTrafficAt !== undefined ? { firstTrafficAt } : {}),
    ...(firstFailureAt !== undefined ? { firstFailureAt } : {}),
    ...(rollback ? { decidedAt: rollback.at } : {}),
    ...(offAt !== undefined && record.status === 'rolledBack' ? { offAt } : {}),
    caughtInBake: record.status === 'rolledBack' && maxShare < 100 && firstTrafficAt !== undefined,
    status: record.status,
    reason: record.status === 'rolledBack' ? (reasonKind ?? 'unknown') : 'none',
  };
}

/** What rolled it back, from the rollback's timeline entry (its fact when kept, else its words). */
function reasonOf(entry: TimelineEntry): string {
  const kind = (entry.detail?.['fact'] as { reason?: { kind?: string } } | undefined)?.reason?.kind;
  if (kind) return kind;
  if (/^Rolling back: the judge/.test(entry.message)) return 'judge';
  if (/^Rolling back: alarm /.test(entry.message)) return 'alarm';
  if (/^Rolling back: the pre-traffic check/.test(entry.message)) return 'preTrafficCheck';
  return 'other';
}

const s = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(0)} s`;
const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;

interface Regression {
  name: string;
  behaviour: ModelBehaviour;
  /** Detection is timed from the first failed request (errors) or the first candidate request (latency). */
  from: 'failure' | 'traffic';
}

const REGRESSIONS: Regression[] = [
  { name: 'error rate 2× (0.4%)', behaviour: { ...HEALTHY, errorRate: 0.004 }, from: 'failure' },
  { name: 'error rate 5× (1%)', behaviour: { ...HEALTHY, errorRate: 0.01 }, from: 'failure' },
  { name: 'error rate 10× (2%)', behaviour: { ...HEALTHY, errorRate: 0.02 }, from: 'failure' },
  {
    name: 'p99 latency +50%',
    behaviour: { ...HEALTHY, latencyMs: HEALTHY.latencyMs * 1.5 },
    from: 'traffic',
  },
  { name: 'error rate 100× (20%, for scale)', behaviour: { ...HEALTHY, errorRate: 0.2 }, from: 'failure' },
];

export async function detection(): Promise<BenchResult> {
  const figures: string[] = [];
  const tables: BenchResult['tables'] = [];
  const notes: string[] = [];

  // 1. A severe regression with the product's defaults.
  const severe: Run[] = [];
  for (let seed = 1; seed <= SEVERE_SEEDS; seed++) {
    severe.push(
      await run({
        seed,
        rpm: 600,
        behaviour: { ...HEALTHY, errorRate: 0.2 },
        method: 'defaults',
        toTheEnd: false,
      }),
    );
  }
  const offTimes = severe
    .filter((r) => r.offAt !== undefined && r.firstFailureAt !== undefined)
    .map((r) => r.offAt! - r.firstFailureAt!);
  const decideTimes = severe
    .filter((r) => r.decidedAt !== undefined && r.firstFailureAt !== undefined)
    .map((r) => r.decidedAt! - r.firstFailureAt!);
  const byReason = new Map<string, number>();
  for (const r of severe) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
  const offMedian = median(offTimes);
  const offP95 = quantile(offTimes, 0.95);
  figures.push(
    `severe regression (20% errors vs 0.2%, 10% of 600 req/min), ${SEVERE_SEEDS} seeds, defaults: off live traffic ` +
      `median ${s(offMedian)} (target ≤ 60 s: ${offMedian <= 60_000 ? 'met' : 'MISSED'}), p95 ${s(offP95)} ` +
      `(target ≤ 90 s: ${offP95 <= 90_000 ? 'met' : 'MISSED'}) after its first failed request; rolled back ` +
      `${severe.filter((r) => r.status === 'rolledBack').length}/${SEVERE_SEEDS} (${[...byReason]
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
  );
  tables.push({
    title: `Severe regression, ${SEVERE_SEEDS} seeds (times after the candidate's first failed request)`,
    headers: ['measure', 'median', 'p95', 'max'],
    rows: [
      [
        'rollback decided (first timeline entry of the rollback)',
        s(median(decideTimes)),
        s(quantile(decideTimes, 0.95)),
        s(Math.max(...decideTimes)),
      ],
      [
        'off live traffic (the restoring weights update completed)',
        s(offMedian),
        s(offP95),
        s(Math.max(...offTimes)),
      ],
    ],
  });

  // 2. The power table.
  const methods: Method[] = ['judge', 'alarms-10s', 'alarms-1m'];
  const rows: (string | number)[][] = [];
  for (const rpm of [600, 6000]) {
    for (const regression of REGRESSIONS) {
      for (const method of methods) {
        const runs: Run[] = [];
        for (let seed = 1; seed <= POWER_SEEDS; seed++) {
          runs.push(
            await run({ seed: 1000 + seed, rpm, behaviour: regression.behaviour, method, toTheEnd: false }),
          );
        }
        const caught = runs.filter((r) => r.caughtInBake);
        const times = caught
          .map((r) => {
            const from = regression.from === 'failure' ? r.firstFailureAt : r.firstTrafficAt;
            return r.decidedAt !== undefined && from !== undefined ? r.decidedAt - from : undefined;
          })
          .filter((t): t is number => t !== undefined);
        rows.push([
          `${rpm}/min`,
          regression.name,
          METHOD_TEXT[method],
          pct(caught.length, runs.length),
          s(times.length ? median(times) : undefined),
          s(times.length ? quantile(times, 0.95) : undefined),
        ]);
      }
    }
  }
  tables.push({
    title:
      `Power: ${STRATEGY} (10% for 5 minutes), ${POWER_SEEDS} seeds per row; time from the first failed request ` +
      '(error rows) or the first candidate request (latency row) to the rollback decision, over the rollouts caught',
    headers: ['traffic', 'regression', 'method', 'caught within the bake', 'median', 'p95'],
    rows,
  });

  // 3. False rollbacks of healthy candidates.
  const healthy: Run[] = [];
  for (let seed = 1; seed <= HEALTHY_SEEDS; seed++) {
    healthy.push(
      await run({ seed: 5000 + seed, rpm: 600, behaviour: HEALTHY, method: 'defaults', toTheEnd: true }),
    );
  }
  const bursty: Run[] = [];
  for (let seed = 1; seed <= BURSTY_SEEDS; seed++) {
    bursty.push(
      await run({
        seed: 9000 + seed,
        rpm: 600,
        behaviour: HEALTHY,
        method: 'defaults',
        toTheEnd: true,
        bursty: true,
      }),
    );
  }
  const falseRow = (label: string, runs: Run[]) => {
    const rolled = runs.filter((r) => r.status === 'rolledBack');
    const reasons = new Map<string, number>();
    for (const r of rolled) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    return [
      label,
      runs.length,
      runs.filter((r) => r.status === 'succeeded').length,
      `${rolled.length} (${pct(rolled.length, runs.length)})`,
      [...reasons].map(([k, v]) => `${k} ${v}`).join(', ') || '–',
    ];
  };
  const falseShare = healthy.filter((r) => r.status === 'rolledBack').length / Math.max(1, healthy.length);
  figures.push(
    `false rollbacks: ${pct(healthy.filter((r) => r.status === 'rolledBack').length, healthy.length)} of ${HEALTHY_SEEDS} ` +
      `healthy rollouts (target ≤ 1%: ${falseShare <= 0.01 ? 'met' : 'MISSED'}; the judge is configured for α = 0.01 ` +
      `over the whole rollout), ${pct(bursty.filter((r) => r.status === 'rolledBack').length, bursty.length)} of ` +
      `${BURSTY_SEEDS} with bursty traffic`,
  );
  tables.push({
    title:
      'Healthy candidates (same error rate and latency as the baseline), whole rollouts with the defaults',
    headers: ['traffic', 'rollouts', 'succeeded', 'rolled back', 'by'],
    rows: [falseRow('steady 600 req/min', healthy), falseRow('bursty: each minute 60–1,800 req/min', bursty)],
  });
  notes.push(
    `Every rollout is ${STRATEGY} with a 10-minute final bake, started by an approval event and driven as in AWS: the ` +
      'simulated EventBridge delivers the cloud’s events and a Scheduled Event each minute, the simulated SQS wake-up ' +
      'queue delivers the precise wake-ups, and the Lambda handler runs the one controller (in-memory store).',
    'Detection runs stop when the candidate is rolled back or its weight reaches 100% (a regression not caught in the ' +
      'canary’s bake counts as not caught; the judge does not judge at 100%: the baseline has no traffic to compare with).',
    'The first failed request is the simulated cloud’s own record of the candidate’s traffic (requests arrive evenly ' +
      'within each 10-second slice). Off live traffic: the restoring UpdateEndpointWeightsAndCapacities completed ' +
      '(the simulated weights update takes 30 s ± 20%).',
  );
  return { name: 'Catching a bad candidate: detection, power and false rollbacks', figures, tables, notes };
}
