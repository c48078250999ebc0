// What the CLI prints: a status view a person reads in two seconds, timelines, rollout tables,
// and the stable JSON documents pipelines parse. Colour only when the output allows it.
import { watchedAlarms } from '../../statemachines/contract';
import { isTerminal, type RolloutStatus } from '../../statemachines/describe';
import { describeScaling } from '../../statemachines/scaling';
import type { AlarmState } from '../engine';
import type { RolloutRecord, TimelineEntry } from '../store';
import { inMode, paint, type CliIo } from './io';

/** The status view the engine wrote with the record at its last save (absent before the first quiet point). */
function viewOfRecord(record: RolloutRecord) {
  return record.progress && { ...record.progress, phase: record.phase };
}

/** The phase without its "step 3/7", for a line that already shows the step. */
export function phaseWithoutStep(phase: string, step: { index: number; total: number }): string {
  const s = `step ${step.index}/${step.total}`;
  return phase.replace(` (${s})`, '').replace(` at ${s}`, '').replace(`${s} `, '').replace(s, '').trim();
}

/** The phase without the status words it begins with, for a line that already says the status. */
export function phaseAfterStatus(phase: string, status: string): string {
  const words = statusWords(status);
  if (!phase.startsWith(words)) return phase;
  const rest = phase.slice(words.length).trim();
  // "paused by ops-tester …" reads as one fact; "by ops-tester …" alone does not.
  return rest.startsWith('by ') ? phase : rest;
}

/** What a line showing the step and the status adds: the phase with neither repeated. */
function phaseDetail(phase: string, status: string, step: { index: number; total: number }): string {
  return phaseAfterStatus(phaseWithoutStep(phase, step), status);
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

export function packageLabel(arn: string): string {
  const match = /model-package\/(.+)$/.exec(arn);
  return match ? match[1]! : arn;
}

/** The longest line human output prints (timelines and status views wrap to it). */
export const LINE_WIDTH = 100;

/** Statuses in a person's words; JSON keeps the stored names (`awaitingPromotion`) for pipelines. */
const STATUS_WORDS: Record<RolloutStatus, string> = {
  running: 'in progress',
  awaitingPromotion: 'waiting at a manual gate',
  paused: 'paused',
  rollingBack: 'rolling back',
  succeeded: 'succeeded',
  rolledBack: 'rolled back',
  failed: 'failed',
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status as RolloutStatus] ?? status;
}

export function statusColour(status: string): 'green' | 'yellow' | 'red' | 'cyan' {
  if (status === 'succeeded') return 'green';
  if (status === 'failed') return 'red';
  if (status === 'rolledBack' || status === 'rollingBack') return 'yellow';
  return 'cyan';
}

/** The status in words, coloured when the output allows: green succeeded, yellow rollback, red failed. */
export function paintStatus(io: CliIo, status: string): string {
  return paint(io, statusColour(status), statusWords(status));
}

/**
 * `text` in lines of at most `width` characters, later lines indented by `indent`; a single word
 * longer than a line (an ARN) is not broken.
 */
export function wrap(text: string, width = LINE_WIDTH, indent = ''): string[] {
  // A command in backticks is one word: a hint split across lines could not be pasted.
  const words: string[] = [];
  for (const piece of text.split(' ')) {
    const last = words.at(-1);
    if (last !== undefined && (last.split('`').length - 1) % 2 === 1)
      words[words.length - 1] = `${last} ${piece}`;
    else words.push(piece);
  }
  const lines: string[] = [];
  let line: string[] = [];
  for (const word of words) {
    const candidate = [...line, word].join(' ');
    if (line.join('').trim() && word && visibleLength(candidate) > width) {
      lines.push(line.join(' '));
      line = [indent + word];
    } else {
      line.push(word);
    }
  }
  lines.push(line.join(' '));
  return lines;
}

/** Length as a terminal shows it: colour codes take no room. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
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

/** A timeline entry as live output prints it: wrapped to LINE_WIDTH, rollbacks and failures coloured. */
export function timelineLines(io: CliIo, entry: TimelineEntry, width = LINE_WIDTH, modeFlag = ''): string[] {
  const lines = wrap(inMode(timelineLine(entry), modeFlag), width, ' '.repeat(22));
  const colour = /^(Rolling back|Rolled back)/.test(entry.message)
    ? 'yellow'
    : /\bALARM\b|\b[Ff]ail(ed|s|ure)?\b|needs a human/.test(entry.message) &&
        !/^Rollout succeeded/.test(entry.message)
      ? 'red'
      : undefined;
  return colour ? lines.map((line) => paint(io, colour, line)) : lines;
}

/**
 * The two-second status view: versions, weights as a bar, step, bake left, alarms, recent entries.
 * Each fact once: why a rollout ended is its Reason; the timeline entries and an alarm's own
 * reason that repeat it say "(the reason above)" instead.
 */
export function renderStatus(
  io: CliIo,
  record: RolloutRecord,
  timeline: TimelineEntry[],
  alarms: AlarmState[],
  now: number,
  options: { recent?: number; modeFlag?: string } = {},
): string[] {
  const recent = options.recent ?? 5;
  const view = viewOfRecord(record);
  const ended = isTerminal(record.status);
  const lines: string[] = [];
  lines.push(
    `${paint(io, 'bold', `Rollout ${record.id}`)} · endpoint ${record.endpointName} · ` +
      paintStatus(io, record.status),
  );
  const baseline = record.input.baseline;
  lines.push(
    `  Model     ${packageLabel(record.modelPackageArn)}` +
      (baseline ? ` replacing ${baseline.modelName} (variant ${baseline.variantName})` : ''),
  );
  lines.push(`  Strategy  ${record.strategy} · started ${clock(record.createdAt)} by ${record.requestedBy}`);
  if (baseline?.scaling) {
    // What the baseline variant's Application Auto Scaling was at start: what the rollout keeps and restores.
    lines.push(...wrap(`  Scaling   ${describeScaling(baseline.scaling)}`, LINE_WIDTH, ' '.repeat(12)));
  }
  if (view) {
    // An ended rollout's phase is its status and reason, said on their own lines.
    // The header says the status and this line the step: the phase adds only what they do not say.
    const detail = ended
      ? `ended ${clock(record.updatedAt)}`
      : phaseDetail(view.phase, record.status, view.step);
    let step = `  Step      ${view.step.index}/${view.step.total}${detail ? ` · ${detail}` : ''}`;
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
  const reason = record.reason;
  if (reason) {
    const colour = record.status === 'failed' ? 'red' : record.status === 'rolledBack' ? 'yellow' : undefined;
    for (const line of wrap(`  Reason    ${reason}`, LINE_WIDTH, ' '.repeat(12))) {
      lines.push(colour ? paint(io, colour, line) : line);
    }
  }
  const watched = watchedAlarmNames(record);
  if (watched.length) {
    const byName = new Map(alarms.map((a) => [a.alarmName, a]));
    const entries = watched.map((name) => {
      const state = byName.get(name)?.state ?? (alarms.length ? 'missing' : 'unknown');
      return `${name} ${state === 'ALARM' ? paint(io, 'red', state) : state}`;
    });
    const oneLine = `  Alarms    ${entries.join(' · ')}`;
    // Candidate alarm names are long: when they do not fit on one line, one alarm a line.
    if (visibleLength(oneLine) <= LINE_WIDTH) lines.push(oneLine);
    else entries.forEach((entry, i) => lines.push(`${i === 0 ? '  Alarms    ' : ' '.repeat(12)}${entry}`));
    for (const alarm of alarms.filter((a) => a.state === 'ALARM')) {
      if (reason?.includes(alarm.reason)) continue;
      lines.push(...wrap(`            ${alarm.alarmName}: ${alarm.reason}`, LINE_WIDTH, ' '.repeat(14)));
    }
  }
  const judge = judgeSummary(io, record, true);
  if (judge) lines.push(...wrap(`  Judge     ${judge}`, LINE_WIDTH, ' '.repeat(12)));
  const tail = timeline.slice(-recent);
  if (tail.length) {
    lines.push('  Recent');
    for (const entry of tail) {
      const message =
        reason && reason.length > 40 ? entry.message.replace(reason, '(the reason above)') : entry.message;
      const line = inMode(`    ${clock(entry.at)}  ${message}`, options.modeFlag ?? '');
      lines.push(...wrap(line, LINE_WIDTH, ' '.repeat(26)));
    }
  }
  return lines;
}

/** Rows as aligned columns; the last (a reason) is cut at 60 characters: `status` says it whole. */
export function renderTable(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? fit(cell, 60) : cell.padEnd(widths[i]!))).join('  '),
  );
}

export function rolloutRows(records: RolloutRecord[]): string[][] {
  return [
    ['ID', 'ENDPOINT', 'MODEL', 'STATUS', 'STARTED', 'PHASE'],
    ...records.map((r) => {
      const view = viewOfRecord(r);
      const phase =
        view && !isTerminal(r.status)
          ? `${view.step.index}/${view.step.total} ${phaseDetail(view.phase, r.status, view.step)}`.trim()
          : (r.reason ?? r.phase);
      return [
        r.id,
        r.endpointName,
        packageLabel(r.modelPackageArn),
        statusWords(r.status),
        clock(r.createdAt),
        phase,
      ];
    }),
  ];
}

/** `text` cut to `width` characters as a terminal shows them, with … when cut. */
export function fit(text: string, width = LINE_WIDTH): string {
  return visibleLength(text) <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** Alarm states in one short line: the rollout's own candidate alarms by their suffix (`5xx-rate OK`). */
function alarmSummary(io: CliIo, record: RolloutRecord, alarms: AlarmState[]): string {
  const watched = watchedAlarmNames(record);
  if (!watched.length) return 'none watched';
  const byName = new Map(alarms.map((a) => [a.alarmName, a.state]));
  const label = new Map(record.input.candidateAlarms.map((a) => [a.alarmName, a.template.suffix]));
  return watched
    .map((name) => {
      const state = byName.get(name) ?? '?';
      return `${label.get(name) ?? name} ${state === 'ALARM' ? paint(io, 'red', state) : state}`;
    })
    .join(' · ');
}

function times(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;
}

/** The judge's latest verdicts in one short line: `errors pass 1.02× (0.61–1.38×) · latency inconclusive`. */
export function judgeSummary(io: CliIo, record: RolloutRecord, detailed = false): string | undefined {
  const verdicts = record.progress?.judge;
  if (!verdicts?.length) return undefined;
  const text = verdicts
    .map((v) => {
      const word = v.verdict === 'fail' ? paint(io, 'red', 'FAIL') : v.verdict;
      const numbers =
        detailed && v.ratio !== null
          ? ` ${times(v.ratio)} (${times(v.interval[0])}–${v.interval[1] === null ? '∞' : times(v.interval[1])})`
          : '';
      return `${v.metric} ${word}${numbers}`;
    })
    .join(' · ');
  return verdicts.some((v) => v.dryRun) ? `${text} (dry run)` : text;
}

function bakeLeft(record: RolloutRecord, now: number): string | undefined {
  const bakeUntil = record.progress?.bakeUntil;
  if (bakeUntil === undefined || record.status !== 'running') return undefined;
  return `${shortDuration(bakeUntil - now)} left`;
}

/**
 * The block a terminal redraws in place while a rollout is followed: where it is, the traffic
 * split, the time left in the bake and the alarm states, each line at most `width` wide.
 */
export function liveBlock(
  io: CliIo,
  record: RolloutRecord,
  alarms: AlarmState[],
  now: number,
  width = LINE_WIDTH,
): string[] {
  const view = viewOfRecord(record);
  // A phase that begins with the status ("rolling back (alarm …)") goes on from it, not after " · ".
  const rest = view && !isTerminal(record.status) ? phaseAfterStatus(view.phase, record.status) : '';
  const where = !view || !rest ? '' : rest === view.phase ? ` · ${rest}` : ` ${rest}`;
  const lines = [`${paint(io, 'bold', record.id)} · ${paintStatus(io, record.status)}${where}`];
  if (view) {
    const left = bakeLeft(record, now);
    lines.push(
      `  traffic  baseline ${view.weights.baseline}% ${weightBar(view.weights.candidate)} ` +
        `candidate ${view.weights.candidate}%${left ? ` · bake ${left}` : ''}`,
    );
  }
  lines.push(`  alarms   ${alarmSummary(io, record, alarms)}`);
  const judge = judgeSummary(io, record);
  if (judge && !isTerminal(record.status)) lines.push(`  judge    ${judge}`);
  return lines.map((line) => fit(line, width));
}

/**
 * The one line plain (non-terminal) output prints for progress, and the key that says whether
 * anything but the countdown changed since the last one (so a log gets a line per change, not per minute).
 */
export function progressLine(
  io: CliIo,
  record: RolloutRecord,
  alarms: AlarmState[],
  now: number,
  width = LINE_WIDTH,
): { line: string; key: string } {
  const view = viewOfRecord(record);
  const weights = view ? `${weightBar(view.weights.candidate)} candidate ${view.weights.candidate}%` : '';
  const left = bakeLeft(record, now);
  const alarmsText = alarmSummary(io, record, alarms);
  const judge = isTerminal(record.status) ? undefined : judgeSummary(io, record);
  const line = fit(
    [
      `  ${weights || statusWords(record.status)}`,
      left && `bake ${left}`,
      `alarms: ${alarmsText}`,
      judge && `judge: ${judge}`,
    ]
      .filter(Boolean)
      .join(' · '),
    width,
  );
  const key = JSON.stringify([record.status, view?.step, view?.weights, alarmsText, judge]);
  return { line, key };
}
