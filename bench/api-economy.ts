// Benchmark 4 — API economy: the AWS calls of one complete Canary10Percent5Minutes rollout with a 10m
// final bake (the handler on the simulated cloud, events delivered as sent, a tick a minute),
// against the minimum the design needs.
import type { SimCall } from '../src/sim';
import { SimController, countBy, isEnded, type BenchResult } from './lib';

export interface CompletedRollout {
  c: SimController;
  calls: SimCall[];
  record: NonNullable<Awaited<ReturnType<SimController['rolloutFor']>>>;
  approvedAt: number;
  realMs: number;
}

/** Runs one rollout of a new healthy version to its end; promotes at manual gates when asked. */
export async function completeRollout(
  strategy: string,
  autoPromote = false,
  options: { wakeUps?: boolean } = {},
): Promise<CompletedRollout> {
  const c = new SimController({ strategy, ...options });
  const approvedAt = c.now();
  const arn = c.approveNewVersion();
  const promoted = new Set<string>();
  if (autoPromote) {
    c.between = async () => {
      const r = await c.rolloutFor(arn);
      if (r?.status === 'awaitingPromotion' && !promoted.has(r.phase)) {
        promoted.add(r.phase);
        await c.deliver(c.commandEvent({ command: 'promote', rolloutId: r.id }));
      }
    };
  }
  const t0 = performance.now();
  await c.runUntil(async () => isEnded((await c.rolloutFor(arn))?.status), 180);
  const record = (await c.rolloutFor(arn))!;
  if (record.status !== 'succeeded') throw new Error(`rollout ${strategy} ended ${record.phase}`);
  return { c, calls: [...c.sim.calls], record, approvedAt, realMs: performance.now() - t0 };
}

const BAKE_MINUTES = 5 + 10;
/**
 * The judge's looks that read in the canary bake: once a metric period (10 s with the transition
 * config's enhanced metrics), from the first whole period that ended 30 s before (about a minute after
 * the first traffic) to the bake's end.
 */
const JUDGE_LOOKS = (5 * 60 - 60) / 10;

export async function apiEconomy(): Promise<BenchResult> {
  const { calls, record, approvedAt } = await completeRollout('Canary10Percent5Minutes');
  const ok = countBy(
    calls.filter((x) => x.outcome !== 'error'),
    (x) => x.operation,
  );
  const failed = countBy(
    calls.filter((x) => x.outcome === 'error'),
    (x) => `${x.operation} (${x.error?.code ?? 'error'})`,
  );
  const minutes = Math.round((record.updatedAt - approvedAt) / 60_000);
  const minimum: Record<string, [number, string]> = {
    DescribeEndpoint: [
      5,
      'baseline (1) + one read confirming each of the 4 endpoint changes (the change\u2019s InService event wakes the ' +
        'rollout). Beyond it the code reads: the status/config check before a change that starts a wake-up of its own ' +
        '(the shift at the bake\u2019s end and the promotion: 2; the transition reuses the baseline read and the 10% ' +
        'shift the read that confirmed the transition, same step, nothing written between), and the safety-net looks ' +
        'while an UpdateEndpoint runs (each waits as long as the update has taken so far: 3 in a 6-minute update), ' +
        'which only catch an InService event that never arrives',
    ],
    DescribeEndpointConfig: [
      1,
      'baseline config (variants to copy), read once when engine.start checks the endpoint before storing ' +
        'anything; the Baseline keeps the variant and config settings, so the transition and final configs are ' +
        'built without reading it again (rollouts saved before it kept them read it when each config is built)',
    ],
    DescribeModelPackage: [
      1,
      'the package being rolled out (approval and status check) when the rollout starts',
    ],
    DescribeModel: [
      1,
      'the serving model, read once: its VpcConfig, EnableNetworkIsolation and Environment go onto the candidate ' +
        'model, and its package says which version serves (an approval of an older or the same version deploys ' +
        'nothing, a start of an older one says it rolls back)',
    ],
    ListTags: [
      2,
      "the baseline model's and the baseline config's tags, carried onto the candidate model and the derived configs",
    ],
    CreateModel: [1, 'the candidate model'],
    CreateEndpointConfig: [2, 'transition config (baseline + candidate) and final config (candidate only)'],
    UpdateEndpoint: [2, 'to the transition config, then to the final config'],
    UpdateEndpointWeightsAndCapacities: [2, '0% → 10%, 10% → 100%'],
    DeleteEndpointConfig: [1, 'the transition config after promotion (the baseline config is kept for undo)'],
    PutMetricAlarm: [1, 'the candidate alarm (policy candidateAlarms: one)'],
    DeleteAlarms: [1, 'the candidate alarm after promotion'],
    DescribeScalableTargets: [
      1,
      "the serving variant's Application Auto Scaling, read once at start (here it is not a scalable target, so the " +
        'policies and scheduled actions are not read); an auto-scaled variant adds DescribeScalingPolicies and ' +
        'DescribeScheduledActions',
    ],
    GetMetricData: [
      JUDGE_LOOKS + 1,
      `the judge: one batched read per look while the canary bakes (every 10 s, from the first whole period ` +
        `visible — about a minute after the first traffic — to the bake\u2019s end: ${JUDGE_LOOKS}; both variants, every ` +
        'metric, in one call), plus one for the latency threshold (the baseline\u2019s p99 before the first shift, ' +
        'read once); none at 100% (no baseline traffic to compare with)',
    ],
    DescribeAlarms: [
      BAKE_MINUTES,
      `one read per minute while holding (5m canary bake + 10m final bake = ${BAKE_MINUTES}), so a lost alarm event ` +
        'cannot hide a firing alarm',
    ],
  };
  const ops = [...new Set([...Object.keys(minimum), ...ok.keys()])];
  const rows = ops.map((op) => {
    const n = ok.get(op) ?? 0;
    const [min, why] = minimum[op] ?? [0, 'not in the minimum'];
    return [op, n, min, n - min, why];
  });
  const total = [...ok.values()].reduce((a, b) => a + b, 0);
  const totalMin = Object.values(minimum).reduce((a, [m]) => a + m, 0);
  const describeEndpointCalls = calls
    .filter((x) => x.operation === 'DescribeEndpoint')
    .map((x) => Math.round((x.at - approvedAt) / 1000));
  const at = (op: string) =>
    calls
      .filter((x) => x.operation === op)
      .map((x) => `${Math.round((x.at - approvedAt) / 1000)}s`)
      .join(', ');
  const configsDescribed = calls
    .filter((x) => x.operation === 'DescribeEndpointConfig')
    .map((x) => `${String(x.input.EndpointConfigName)} at ${Math.round((x.at - approvedAt) / 1000)}s`)
    .join('; ');
  return {
    name: 'API economy',
    figures: [
      `one Canary10Percent5Minutes rollout (finalBake 10m, ${minutes} simulated minutes): ${total} AWS calls, ` +
        `design minimum ${totalMin}, excess ${total - totalMin} (${(total / totalMin).toFixed(2)}×)`,
    ],
    tables: [
      {
        title: 'Successful calls by operation (sim.calls)',
        headers: ['operation', 'calls', 'minimum', 'excess', 'why'],
        rows: [...rows, ['total', total, totalMin, total - totalMin, '']],
      },
      ...(failed.size
        ? [
            {
              title: 'Calls that failed (retried)',
              headers: ['operation', 'calls'],
              rows: [...failed.entries()],
            },
          ]
        : []),
    ],
    notes: [
      'Driven as in AWS: the approval event, every Endpoint State Change the sim sends (delivered when sent) and a ' +
        'Scheduled Event each minute; in-memory store (the store does not change AWS calls).',
      `DescribeEndpoint calls at (seconds after approval): ${describeEndpointCalls.join(', ')}.`,
      `DescribeEndpointConfig calls: ${configsDescribed}.`,
      `DescribeAlarms calls at: ${at('DescribeAlarms')}. UpdateEndpoint at: ${at('UpdateEndpoint')}; ` +
        `UpdateEndpointWeightsAndCapacities at: ${at('UpdateEndpointWeightsAndCapacities')}.`,
      'DescribeAlarms: schedule() reads, in one batch, the alarms of the due rollouts that hold (a bake, a manual ' +
        'gate, paused: the record says `watching`); a rollout due only to look at an endpoint update (deploying the ' +
        'transition or final config) reads none. Alarm events still wake a rollout at once in every phase.',
      'DescribeEndpoint: an engine step reuses its read of the endpoint until it writes to the endpoint or its ' +
        'scaling (src/engine/endpoint-reads.ts), so a wake-up that confirms one change and sends the next, or ' +
        'confirms the promotion and cleans up, reads once. Each wake-up starts with no read, so the look that ' +
        'confirms a change (InService on the new config; InService on the old one with a FailureReason is the ' +
        'silent rollback, a failure) always comes from SageMaker. An update\u2019s own Updating event wakes the ' +
        'rollout to no call (it waits for the event that the update settled). While an update runs, the rollout ' +
        'looks again after as long as the update has taken so far (pollIntervalMs 30 s first, then doubling, up to ' +
        'maxPollIntervalMs 5 min): the InService event ends the wait, the looks only catch an event that never ' +
        'arrives (AWS service events are delivered best effort), which then costs at most 5 minutes. `--local` ' +
        '(no events reach a laptop) looks every 20 s without backing off.',
      'DescribeAlarms beyond one a minute: each bake also reads at its end (a bake is over only once alarms were ' +
        'read quiet at or after its end, so no step starts on a stale reading), and the canary bake\u2019s first read ' +
        'is the first schedule run after it began (the rollout had read no alarms yet), seconds in; the final ' +
        'bake\u2019s first waits a whole interval after the canary\u2019s last read. See the times above.',
      'DescribeAlarms: the schedule batches every due rollout\u2019s alarms into one read per tick (≤ 100 names per ' +
        'call), so with one rollout each tick that finds it holding costs one call.',
    ],
  };
}
