// What a rollout's report draws, read from its record and stored timeline: the candidate's share of
// traffic as steps, the markers (shifts, verdicts, alarms, pre-traffic check, rollback, success),
// the judge's verdicts with their numbers, and which variants the metrics belong to. Pure: no I/O.
import type { MetricVerdict, RollbackReason } from '../../../statemachines/contract';
import type { TimelineFact } from '../../../statemachines/facts';
import type { RolloutRecord, TimelineEntry } from '../../store';

/** From `at` on, the candidate took `candidate`% of the endpoint's traffic. */
export interface TrafficStep {
  at: number;
  candidate: number;
}

export type MarkerKind =
  'shift' | 'verdict' | 'alarm' | 'preTrafficCheck' | 'rollback' | 'trafficRestored' | 'succeeded' | 'failed';

export interface Marker {
  kind: MarkerKind;
  at: number;
  /** The words printed beside the marker (the page never relies on colour alone). */
  label: string;
  /** Marks a bad outcome (a failed verdict or check, an alarm, a rollback). */
  bad: boolean;
}

/** One judge entry of the timeline: when it looked, what it compared and what it decided. */
export interface JudgedEntry {
  at: number;
  step: { index: number; total: number };
  from: number;
  to: number;
  dryRun: boolean;
  decision: string;
  verdicts: MetricVerdict[];
}

export interface RolloutStory {
  traffic: TrafficStep[];
  markers: Marker[];
  judged: JudgedEntry[];
  /** The span the charts cover: from the rollout's start to its end (or its last entry while active). */
  from: number;
  to: number;
  candidateVariant: string;
  /** Undefined when the rollout never resolved its baseline (it failed before reading the endpoint). */
  baselineVariant?: string;
  /** When the rollout ran a rollback: from its start to the end of the timeline. */
  rollback?: { from: number; to: number; reason: string };
}

type Fact<K extends TimelineFact['kind']> = Extract<TimelineFact, { kind: K }>;

/** The fact an entry keeps in `detail.fact` (see FACTS_KEPT_IN_DETAIL in the engine), if it is of `kind`. */
function factOf<K extends TimelineFact['kind']>(entry: TimelineEntry, kind: K): Fact<K> | undefined {
  const fact = (entry.detail as { fact?: { kind?: string } } | undefined)?.fact;
  return fact && fact.kind === kind && entry.kind === kind ? (fact as Fact<K>) : undefined;
}

function baselineVariantOf(record: RolloutRecord): string | undefined {
  const fromSnapshot = (record.snapshot as { context?: { baseline?: { variantName?: string } } } | null)
    ?.context?.baseline?.variantName;
  return record.input.baseline?.variantName ?? fromSnapshot;
}

function reasonLabel(reason: RollbackReason | undefined): string {
  switch (reason?.kind) {
    case 'alarm':
      return `alarm ${reason.alarmName}`;
    case 'judge':
      return `judge: ${reason.metric} ${reason.verdict.verdict}`;
    case 'preTrafficCheck':
      return 'pre-traffic check failed';
    case 'abort':
      return `abort by ${reason.by}`;
    case 'timeout':
      return 'timeout';
    case 'failure':
      return `failure ${reason.code}`;
    default:
      return 'rollback';
  }
}

/** Reads the rollout's story from its timeline (entries in seq order, as stores return them). */
export function rolloutStory(
  record: RolloutRecord,
  timeline: readonly TimelineEntry[],
  now: number,
): RolloutStory {
  const traffic: TrafficStep[] = [{ at: record.createdAt, candidate: 0 }];
  const markers: Marker[] = [];
  const judged: JudgedEntry[] = [];
  let rollbackFrom: number | undefined;
  let rollbackReason = 'rollback';
  const last = timeline.length ? timeline[timeline.length - 1]!.at : record.updatedAt;
  const to = Math.max(record.active ? Math.max(now, last) : last, record.createdAt + 60_000);

  for (const entry of timeline) {
    const shifted = factOf(entry, 'shifted');
    if (shifted) {
      traffic.push({ at: entry.at, candidate: shifted.weights.candidate });
      markers.push({ kind: 'shift', at: entry.at, label: `${shifted.weights.candidate}%`, bad: false });
      continue;
    }
    const verdict = factOf(entry, 'judged');
    if (verdict) {
      judged.push({
        at: entry.at,
        step: verdict.step,
        from: verdict.from,
        to: verdict.to,
        dryRun: verdict.dryRun,
        decision: verdict.decision,
        verdicts: verdict.verdicts,
      });
      const failed = verdict.verdicts.filter((v) => v.verdict === 'fail').map((v) => v.metric);
      // Only verdicts that made the rollout do something are marked; "hold" entries are in the table.
      if (verdict.decision !== 'hold' || failed.length) {
        markers.push({
          kind: 'verdict',
          at: entry.at,
          label: `judge ${failed.length ? `fail (${failed.join(', ')})` : verdict.decision}${verdict.dryRun ? ' (dry run)' : ''}`,
          bad: failed.length > 0,
        });
      }
      continue;
    }
    const check = factOf(entry, 'preTrafficChecked');
    if (check) {
      markers.push({
        kind: 'preTrafficCheck',
        at: entry.at,
        label: `pre-traffic check ${check.passed ? 'passed' : 'failed'}`,
        bad: !check.passed,
      });
      continue;
    }
    switch (entry.kind) {
      case 'rollbackStarted': {
        rollbackFrom ??= entry.at;
        const reason = factOf(entry, 'rollbackStarted')?.reason;
        rollbackReason = reasonLabel(reason);
        if (reason?.kind === 'alarm') {
          markers.push({ kind: 'alarm', at: entry.at, label: `ALARM ${reason.alarmName}`, bad: true });
        }
        markers.push({ kind: 'rollback', at: entry.at, label: `ROLLBACK (${rollbackReason})`, bad: true });
        break;
      }
      case 'trafficRestored':
        traffic.push({ at: entry.at, candidate: 0 });
        markers.push({ kind: 'trafficRestored', at: entry.at, label: 'traffic restored', bad: false });
        break;
      case 'finalLive':
        // The promoted config: the new model serves everything under the baseline's variant name.
        traffic.push({ at: entry.at, candidate: 100 });
        break;
      case 'succeeded':
        markers.push({ kind: 'succeeded', at: entry.at, label: 'SUCCEEDED', bad: false });
        break;
      case 'failed':
        markers.push({ kind: 'failed', at: entry.at, label: 'FAILED (needs a human)', bad: true });
        break;
    }
  }
  const baselineVariant = baselineVariantOf(record);
  return {
    traffic,
    markers,
    judged,
    from: record.createdAt,
    to,
    candidateVariant: record.input.names.candidateVariant,
    ...(baselineVariant ? { baselineVariant } : {}),
    ...(rollbackFrom !== undefined ? { rollback: { from: rollbackFrom, to, reason: rollbackReason } } : {}),
  };
}
