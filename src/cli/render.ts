// What the CLI prints: a status view a person reads in two seconds, timelines, rollout tables,
// and the stable JSON documents pipelines parse. Colour only when the output allows it.
import { watchedAlarms } from '../../statemachines/contract';
import { isTerminal } from '../../statemachines/describe';
import type { AlarmState } from '../engine';
import type { RolloutRecord, TimelineEntry } from '../store';
import { paint, type CliIo } from './io';

/** The status view the engine wrote with the record at its last save (absent before the first quiet point). */
function viewOfRecord(record: RolloutRecord) {
  return record.progress && { ...record.progress, phase: record.phase };
}

export function clock(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

export function weightBar(candidate: number, width = 20): string {
  const filled = Math.round((Math.max(0, Math.min(100, candidate)) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function packageLabel(arn: string): string {
  const match = /model-package\/(.+)$/.exec(arn);
  return match ? match[1]! : arn;
}

function statusColour(status: string): 'green' | 'yellow' | 'red' | 'cyan' {
  if (status === 'succeeded') return 'green';
  if (status === 'failed') return 'red';
  if (status === 'rolledBack' || status === 'rollingBack') return 'yellow';
  return 'cyan';
}

export function watchedAlarmNames(record: RolloutRecord): string[] {
  return watchedAlarms(record.input);
}

/** The stable JSON shape of one rollout, shared by every verb's --output json. */
export function rolloutJson(record: RolloutRecord, timeline?: TimelineEntry[], alarms?: AlarmState[]) {
  const view = viewOfRecord(record);
  return {
    id: record.id,
    endpoint: record.endpointName,
    modelPackageArn: record.modelPackageArn,
    status: record.status,
    phase: record.phase,
    reason: record.reason ?? null,
    strategy: record.strategy,
    requestedBy: record.requestedBy,
    step: view ? view.step : null,
    weights: view ? view.weights : null,
    bakeUntil: view?.bakeUntil !== undefined ? new Date(view.bakeUntil).toISOString() : null,
    nextWakeAt: record.nextWakeAt !== undefined ? new Date(record.nextWakeAt).toISOString() : null,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    ...(alarms
      ? { alarms: alarms.map((a) => ({ name: a.alarmName, state: a.state, reason: a.reason })) }
      : {}),
    ...(timeline ? { timeline: timeline.map(timelineJson) } : {}),
  };
}

export function timelineJson(entry: TimelineEntry) {
  return { at: new Date(entry.at).toISOString(), kind: entry.kind, message: entry.message };
}

export function timelineLine(entry: TimelineEntry): string {
  return `${clock(entry.at)}  ${entry.message}`;
}

/** The two-second status view: versions, weights as a bar, step, bake left, alarms, recent entries. */
export function renderStatus(
  io: CliIo,
  record: RolloutRecord,
  timeline: TimelineEntry[],
  alarms: AlarmState[],
  now: number,
  recent = 5,
): string[] {
  const view = viewOfRecord(record);
  const lines: string[] = [];
  lines.push(
    `${paint(io, 'bold', `Rollout ${record.id}`)} · endpoint ${record.endpointName} · ` +
      paint(io, statusColour(record.status), record.status),
  );
  const baseline = record.input.baseline;
  lines.push(
    `  Model     ${packageLabel(record.modelPackageArn)}` +
      (baseline ? ` replacing ${baseline.modelName} (variant ${baseline.variantName})` : ''),
  );
  lines.push(`  Strategy  ${record.strategy} · started ${clock(record.createdAt)} by ${record.requestedBy}`);
  if (view) {
    let step = `  Step      ${view.step.index}/${view.step.total} · ${view.phase}`;
    if (view.bakeUntil !== undefined && record.status === 'running') {
      step += ` (${shortDuration(view.bakeUntil - now)} left)`;
    }
    lines.push(step);
    // After a failed rollback the machine no longer knows what the endpoint serves: say so, not 100/0.
    lines.push(
      record.status === 'failed'
        ? `  Traffic   unknown: the rollback failed — check endpoint ${record.endpointName} in the SageMaker console`
        : `  Traffic   baseline ${view.weights.baseline}% ${weightBar(view.weights.candidate)} candidate ${view.weights.candidate}%`,
    );
  } else {
    lines.push(`  Step      ${record.phase}`);
  }
  if (record.reason) lines.push(`  Reason    ${record.reason}`);
  const watched = watchedAlarmNames(record);
  if (watched.length) {
    const byName = new Map(alarms.map((a) => [a.alarmName, a]));
    const text = watched
      .map((name) => {
        const state = byName.get(name)?.state ?? (alarms.length ? 'missing' : 'unknown');
        return `${name} ${state === 'ALARM' ? paint(io, 'red', state) : state}`;
      })
      .join(' · ');
    lines.push(`  Alarms    ${text}`);
    for (const alarm of alarms.filter((a) => a.state === 'ALARM'))
      lines.push(`            ${alarm.alarmName}: ${alarm.reason}`);
  }
  const tail = timeline.slice(-recent);
  if (tail.length) {
    lines.push('  Recent');
    for (const entry of tail) lines.push(`    ${timelineLine(entry)}`);
  }
  return lines;
}

export function renderTable(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
  );
}

export function rolloutRows(records: RolloutRecord[]): string[][] {
  return [
    ['ID', 'ENDPOINT', 'MODEL', 'STATUS', 'STARTED', 'PHASE'],
    ...records.map((r) => {
      const view = viewOfRecord(r);
      const phase =
        view && !isTerminal(r.status)
          ? `${view.step.index}/${view.step.total} ${view.phase}`
          : (r.reason ?? r.phase);
      return [r.id, r.endpointName, packageLabel(r.modelPackageArn), r.status, clock(r.createdAt), phase];
    }),
  ];
}
