// One rollout as one self-contained HTML page (`sm-rollout report`): a header with what was rolled
// out and how it ended, the charts (traffic split, error rate, latency, the judge's intervals), the
// verdicts and the timeline as tables. Inline CSS and SVG only: it opens without a network, and it
// prints in black and white (labels and line styles carry what colour does on screen).
import type { RolloutRecord, TimelineEntry } from '../../store';
import { clock, packageLabel, shortDuration, statusWords } from '../render';
import {
  comparisonChart,
  escapeHtml,
  judgeChart,
  timeScale,
  trafficChart,
  COLOURS,
  type VerdictMark,
} from './charts';
import type { RolloutStory } from './rollout-story';
import { CANDIDATE_UNSEEN, candidateUnseen, errorRate, type ReportMetrics } from './variant-metrics';

export interface ReportPageInput {
  record: RolloutRecord;
  timeline: readonly TimelineEntry[];
  story: RolloutStory;
  metrics: ReportMetrics;
  /** When the page was written (shown in its footer). */
  generatedAt: number;
}

const STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #111; max-width: 1000px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #999; }
.outcome { display: inline-block; padding: 1px 8px; border: 2px solid currentColor; font-weight: bold; }
.outcome.succeeded { color: ${COLOURS.good}; } .outcome.rolledBack, .outcome.failed, .outcome.rollingBack { color: ${COLOURS.bad}; }
dl.header { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; }
dl.header dt { font-weight: bold; } dl.header dd { margin: 0; word-break: break-word; }
.missing { border: 2px dashed #000; padding: 6px 10px; margin: 8px 0; }
.legend { font-size: 12px; margin: 2px 0 8px; }
.legend span { display: inline-block; margin-right: 18px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, Helvetica, Arial, sans-serif; }
svg text:not([fill]) { fill: #111; }
svg text.marker-label { font-weight: bold; }
svg text.marker-label.bad, svg text.verdict-label { font-weight: bold; }
svg text.axis-label { font-size: 12px; }
svg text.no-data { font-size: 13px; font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.bad td { font-weight: bold; }
footer { margin-top: 24px; font-size: 11px; color: #444; }
@media print { body { margin: 0; } h2 { break-after: avoid; } svg, tr { break-inside: avoid; } }
`;

function timeOfDay(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function formatRate(v: number): string {
  const percent = v * 100;
  return `${percent >= 10 ? percent.toFixed(0) : percent >= 1 ? percent.toFixed(1) : percent.toFixed(2)}%`;
}

function formatMs(v: number): string {
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms`;
}

function ratioText(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)}×`;
}

function intervalText(interval: [number, number | null]): string {
  return `[${interval[0].toFixed(2)}, ${interval[1] === null ? '∞' : interval[1].toFixed(2)}]`;
}

function headerSection(record: RolloutRecord, story: RolloutStory): string {
  const rows: [string, string][] = [
    ['Rollout', record.id],
    ['Endpoint', record.endpointName],
    ['Model package', `${packageLabel(record.modelPackageArn)} (${record.modelPackageArn})`],
    ['Strategy', record.strategy],
    ['Outcome', statusWords(record.status)],
    ...(record.reason ? ([['Reason', record.reason]] as [string, string][]) : []),
    ['Requested by', record.requestedBy],
    ['Started', clock(record.createdAt)],
    [
      record.active ? 'Last update' : 'Ended',
      `${clock(story.to)} (${shortDuration(story.to - record.createdAt)} after start)`,
    ],
    ['Variants', `candidate ${story.candidateVariant}; baseline ${story.baselineVariant ?? 'unknown'}`],
  ];
  return (
    `<h1>Rollout ${escapeHtml(record.id)} <span class="outcome ${escapeHtml(record.status)}">${escapeHtml(statusWords(record.status).toUpperCase())}</span></h1>` +
    `<dl class="header">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd data-field="${escapeHtml(k.toLowerCase())}">${escapeHtml(v)}</dd>`).join('')}</dl>`
  );
}

const MARKER_LEGEND =
  '<p class="legend"><span>Marker lines: dotted = traffic shift (label: candidate share);</span>' +
  '<span>solid bold = bad event (alarm, failed verdict or check, ROLLBACK);</span>' +
  '<span>dashed = other event (verdict, traffic restored, SUCCEEDED).</span>' +
  '<span>Shaded span: rolling back.</span></p>';

const SERIES_LEGEND =
  '<p class="legend"><span>candidate: solid line, filled circles</span><span>baseline: dashed line, open squares</span></p>';

function metricSections(input: ReportPageInput, scale: ReturnType<typeof timeScale>): string {
  const { metrics, story } = input;
  if (!metrics.available) {
    return (
      `<h2>Error rate and latency</h2>` +
      `<p class="missing" id="metrics-missing"><strong>Missing:</strong> The error-rate and latency charts are not drawn: ${escapeHtml(metrics.missing)}. ` +
      'The traffic split, the judge&#39;s verdicts and the timeline below come from the rollout&#39;s own record.</p>'
    );
  }
  const period = `${metrics.periodSeconds} s periods`;
  const variants = [
    { role: 'candidate' as const, series: metrics.candidate },
    ...(metrics.baseline ? [{ role: 'baseline' as const, series: metrics.baseline }] : []),
  ];
  const unseen = candidateUnseen(story, metrics.candidate)
    ? `<p class="missing" id="candidate-unseen"><strong>Missing:</strong> ${escapeHtml(CANDIDATE_UNSEEN)}.</p>`
    : '';
  const notes =
    unseen +
    (metrics.baseline
      ? ''
      : '<p class="missing"><strong>Missing:</strong> the baseline variant is not known for this rollout: only the candidate is drawn.</p>');
  const errors = comparisonChart({
    id: 'error-rate-chart',
    title: `Error rate (Invocation5XXErrors ÷ Invocations), ${period}`,
    yLabel: '5XX error rate',
    format: formatRate,
    series: variants.map((v) => ({ name: v.role, role: v.role, points: errorRate(v.series) })),
    story,
    scale,
  });
  const latency = comparisonChart({
    id: 'latency-chart',
    title: `ModelLatency p99, ${period}`,
    yLabel: 'p99 latency (ms)',
    format: formatMs,
    // SageMaker publishes ModelLatency in microseconds.
    series: variants.map((v) => ({
      name: v.role,
      role: v.role,
      points: v.series.latencyP99.map((p) => ({ t: p.t, v: p.v / 1000 })),
    })),
    story,
    scale,
  });
  return (
    `<h2>Error rate: candidate vs baseline</h2><p class="legend">Invocation5XXErrors Sum ÷ Invocations Sum per variant (${escapeHtml(period)}; CloudWatch AWS/SageMaker).</p>` +
    SERIES_LEGEND +
    notes +
    errors +
    `<h2>Latency: candidate vs baseline</h2><p class="legend">ModelLatency p99 per variant (${escapeHtml(period)}).</p>` +
    SERIES_LEGEND +
    latency
  );
}

function judgeSections(input: ReportPageInput, scale: ReturnType<typeof timeScale>): string {
  const { judged } = input.story;
  if (!judged.length) {
    return (
      '<h2>Judge</h2><p class="missing" id="judge-missing"><strong>Missing:</strong> no judge verdicts in this rollout&#39;s timeline ' +
      '(no judge was configured, or it never looked before the rollout ended).</p>'
    );
  }
  const metricNames = [...new Set(judged.flatMap((j) => j.verdicts.map((v) => v.metric)))];
  const charts = metricNames.map((metric, i) => {
    const verdicts = judged.flatMap((j) =>
      j.verdicts.filter((v) => v.metric === metric).map((v) => ({ at: j.at, verdict: v })),
    );
    const latest = verdicts.at(-1)!.verdict;
    const marks: VerdictMark[] = verdicts.map(({ at, verdict }) => ({
      at,
      verdict: verdict.verdict,
      ratio: verdict.ratio,
      interval: verdict.interval,
    }));
    return (
      `<h3>${escapeHtml(metric)}: last verdict ${escapeHtml(latest.verdict.toUpperCase())}, ratio ${escapeHtml(ratioText(latest.ratio))} in ${escapeHtml(intervalText(latest.interval))}</h3>` +
      judgeChart({
        id: `judge-chart-${i}`,
        metric,
        direction: latest.direction,
        tolerance: latest.tolerance,
        marks,
        story: input.story,
        scale,
      })
    );
  });
  const rows = judged.flatMap((j) =>
    j.verdicts.map(
      (v) =>
        `<tr class="${v.verdict === 'fail' ? 'bad' : ''}"><td class="time">${timeOfDay(j.at)}</td>` +
        `<td>${j.step.index}/${j.step.total}</td><td>${escapeHtml(v.metric)}${v.critical ? ' (critical)' : ''}</td>` +
        `<td>${escapeHtml(v.verdict)}</td><td class="num">${ratioText(v.ratio)}</td><td class="num">${intervalText(v.interval)}</td>` +
        `<td class="num">${v.candidate.events} / ${v.candidate.requests}</td><td class="num">${v.baseline.events} / ${v.baseline.requests}</td>` +
        `<td>${escapeHtml(j.decision)}${j.dryRun ? ' (dry run)' : ''}</td></tr>`,
    ),
  );
  return (
    '<h2>Judge: candidate ÷ baseline, with the confidence interval at every look</h2>' +
    '<p class="legend"><span>vertical bar = interval (arrow: no upper bound yet)</span><span>filled triangle = fail</span>' +
    '<span>open circle = pass or inconclusive</span><span>dashed line = tolerance</span></p>' +
    charts.join('') +
    '<table id="verdicts"><thead><tr><th>time (UTC)</th><th>step</th><th>metric</th><th>verdict</th><th>ratio</th>' +
    '<th>interval</th><th>candidate events / requests</th><th>baseline events / requests</th><th>decision</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function timelineSection(timeline: readonly TimelineEntry[]): string {
  const bad = new Set(['rollbackStarted', 'rolledBack', 'failed', 'alarmReadFailed']);
  const rows = timeline.map(
    (e) =>
      `<tr class="${bad.has(e.kind) ? 'bad' : ''}" data-kind="${escapeHtml(e.kind)}"><td class="time" title="${new Date(e.at).toISOString()}">${timeOfDay(e.at)}</td>` +
      `<td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.message)}</td></tr>`,
  );
  return (
    '<h2>Timeline</h2><table id="timeline"><thead><tr><th>time (UTC)</th><th>what</th><th>details</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** The whole page, as a string: write it to a file and open it anywhere. */
export function renderReportPage(input: ReportPageInput): string {
  const { record, story } = input;
  const scale = timeScale(story.from, story.to);
  const rollback = story.rollback
    ? `<p><strong>Rollback</strong> from ${timeOfDay(story.rollback.from)} UTC (${escapeHtml(story.rollback.reason)}), ` +
      `${shortDuration(story.rollback.from - story.from)} after the rollout started.</p>`
    : '';
  const body =
    headerSection(record, story) +
    `<h2>Traffic split: candidate share over time</h2>` +
    MARKER_LEGEND +
    rollback +
    trafficChart(story, scale) +
    metricSections(input, scale) +
    judgeSections(input, scale) +
    timelineSection(input.timeline) +
    `<footer>Written by sm-rollout report at ${clock(input.generatedAt)}; times in UTC.` +
    (record.active
      ? ` The rollout is still ${escapeHtml(statusWords(record.status))}: run report again for the rest.`
      : '') +
    '</footer>';
  return (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">' +
    `<title>Rollout ${escapeHtml(record.id)} on ${escapeHtml(record.endpointName)}: ${escapeHtml(statusWords(record.status))}</title>` +
    `<style>${STYLE}</style></head><body>${body}</body></html>\n`
  );
}
