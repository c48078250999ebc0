// The report's charts as inline SVG (no scripts, no fonts to fetch): the traffic split as a step
// line under a lane of labelled markers, candidate vs baseline lines for error rate and latency, and
// the judge's ratio intervals per metric. Every chart shares one time axis, and every mark carries
// words or a line style as well as a colour, so the page reads printed in black and white.
import type { Marker, RolloutStory } from './rollout-story';
import type { Point } from './variant-metrics';

export const CHART_WIDTH = 960;
const LEFT = 70;
const RIGHT = 130;
const PLOT_WIDTH = CHART_WIDTH - LEFT - RIGHT;
const AXIS_HEIGHT = 30;

export const COLOURS = {
  candidate: '#b34700',
  baseline: '#1f5fa8',
  rollbackBand: '#f7d4cf',
  bad: '#c0392b',
  good: '#1e7b34',
  neutral: '#555555',
  grid: '#dddddd',
} as const;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const n = (value: number) => (Math.round(value * 10) / 10).toString();

/** Maps epoch ms onto the plot's x range; every chart of a report uses the same one. */
export interface TimeScale {
  from: number;
  to: number;
  x(t: number): number;
}

export function timeScale(from: number, to: number): TimeScale {
  const span = Math.max(to - from, 1);
  return { from, to, x: (t) => LEFT + ((Math.min(Math.max(t, from), to) - from) / span) * PLOT_WIDTH };
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 240, 720, 1440].map((m) => m * 60_000);

function timeTicks(scale: TimeScale): number[] {
  const step = TICK_STEPS_MS.find((s) => (scale.to - scale.from) / s <= 10) ?? TICK_STEPS_MS.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(scale.from / step) * step; t <= scale.to; t += step) ticks.push(t);
  return ticks;
}

function hhmm(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

function timeAxis(scale: TimeScale, top: number, bottom: number): string {
  const parts = [
    `<line x1="${LEFT}" y1="${bottom}" x2="${LEFT + PLOT_WIDTH}" y2="${bottom}" stroke="#000"/>`,
  ];
  for (const t of timeTicks(scale)) {
    const x = n(scale.x(t));
    parts.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="${COLOURS.grid}"/>`,
      `<text x="${x}" y="${bottom + 16}" text-anchor="middle" class="tick">${hhmm(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${LEFT + PLOT_WIDTH}" y="${bottom + 28}" text-anchor="end" class="tick">time (UTC)</text>`,
  );
  return parts.join('');
}

interface YAxis {
  y(value: number): number;
  ticks: { value: number; label: string }[];
}

function linearY(max: number, top: number, bottom: number, format: (v: number) => string): YAxis {
  const niceMax = niceCeiling(max);
  // Round steps: quarters of 2.5 × 10^k, fifths of 1, 2, 5 × 10^k (a 50% axis reads 10%, 20%, ...).
  const leading = niceMax / 10 ** Math.floor(Math.log10(niceMax));
  const fractions = leading === 2.5 ? [0, 0.25, 0.5, 0.75, 1] : [0, 0.2, 0.4, 0.6, 0.8, 1];
  const ticks = fractions.map((f) => ({ value: f * niceMax, label: format(f * niceMax) }));
  return { y: (v) => bottom - (Math.min(Math.max(v, 0), niceMax) / niceMax) * (bottom - top), ticks };
}

function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= value) ?? 10) * magnitude;
}

function yAxis(axis: YAxis, label: string, top: number, bottom: number): string {
  const parts = [`<line x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${bottom}" stroke="#000"/>`];
  for (const tick of axis.ticks) {
    const y = n(axis.y(tick.value));
    parts.push(
      `<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT_WIDTH}" y2="${y}" stroke="${COLOURS.grid}"/>`,
      `<text x="${LEFT - 6}" y="${y}" dy="4" text-anchor="end" class="tick">${escapeHtml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(14 ${n((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" class="axis-label">${escapeHtml(label)}</text>`,
  );
  return parts.join('');
}

function svg(height: number, title: string, body: string, id: string): string {
  return (
    `<svg id="${id}" xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  );
}

function rollbackBand(story: RolloutStory, scale: TimeScale, top: number, bottom: number): string {
  if (!story.rollback) return '';
  const x1 = scale.x(story.rollback.from);
  const x2 = Math.max(scale.x(story.rollback.to), x1 + 4);
  return (
    `<rect class="rollback-band" data-from="${story.rollback.from}" x="${n(x1)}" y="${top}" ` +
    `width="${n(x2 - x1)}" height="${bottom - top}" fill="${COLOURS.rollbackBand}"/>`
  );
}

function markerColour(marker: Marker): string {
  if (marker.bad) return COLOURS.bad;
  return marker.kind === 'succeeded' ? COLOURS.good : COLOURS.neutral;
}

/** Vertical lines at every marker (the traffic chart labels them; the others repeat the lines). */
function markerLines(markers: readonly Marker[], scale: TimeScale, top: number, bottom: number): string {
  return markers
    .map((m) => {
      const x = n(scale.x(m.at));
      const dash = m.kind === 'shift' ? ' stroke-dasharray="2 3"' : m.bad ? '' : ' stroke-dasharray="6 3"';
      return `<line class="marker-line" data-kind="${m.kind}" x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="${markerColour(m)}" stroke-width="${m.bad ? 2 : 1}"${dash}/>`;
    })
    .join('');
}

const LABEL_ROW = 15;
const CHAR_WIDTH = 6.4;

/** Marker labels in rows above the plot, each on the first row where it does not overlap another. */
function markerLabels(markers: readonly Marker[], scale: TimeScale): { rows: number; body: string } {
  const rowEnds: number[] = [];
  const parts: string[] = [];
  for (const marker of markers) {
    const x = scale.x(marker.at);
    const width = marker.label.length * CHAR_WIDTH + 8;
    const leftward = x + width > CHART_WIDTH - 4;
    const start = leftward ? x - width : x;
    let row = rowEnds.findIndex((end) => end < start);
    if (row < 0) row = rowEnds.push(0) - 1;
    rowEnds[row] = start + width;
    parts.push(
      `<g class="marker" data-kind="${marker.kind}" data-at="${marker.at}" data-row="${row}">` +
        `<text x="${n(leftward ? x - 3 : x + 3)}" y="${(row + 1) * LABEL_ROW}" text-anchor="${leftward ? 'end' : 'start'}" ` +
        `fill="${markerColour(marker)}" class="marker-label${marker.bad ? ' bad' : ''}">${escapeHtml(marker.label)}</text></g>`,
    );
  }
  return { rows: Math.max(rowEnds.length, 1), body: parts.join('') };
}

/** The candidate's share of traffic as a step line, with every marker labelled above it. */
export function trafficChart(story: RolloutStory, scale: TimeScale): string {
  const labels = markerLabels(story.markers, scale);
  const laneHeight = labels.rows * LABEL_ROW + 8;
  const top = laneHeight + 6;
  const bottom = top + 170;
  const height = bottom + AXIS_HEIGHT;
  const axis = linearY(100, top, bottom, (v) => `${v}%`);
  axis.ticks = [0, 25, 50, 75, 100].map((v) => ({ value: v, label: `${v}%` }));
  const path: string[] = [];
  story.traffic.forEach((step, i) => {
    const x = n(scale.x(step.at));
    const y = n(axis.y(step.candidate));
    path.push(i === 0 ? `M${x} ${y}` : `H${x} V${y}`);
  });
  path.push(`H${n(scale.x(scale.to))}`);
  const lastShare = story.traffic.at(-1)!.candidate;
  return svg(
    height,
    'Candidate share of traffic over time, with rollout events',
    rollbackBand(story, scale, top, bottom) +
      yAxis(axis, 'candidate share', top, bottom) +
      timeAxis(scale, top, bottom) +
      markerLines(story.markers, scale, laneHeight, bottom) +
      `<path class="traffic-line" d="${path.join(' ')}" fill="none" stroke="${COLOURS.candidate}" stroke-width="3"/>` +
      `<text x="${LEFT + PLOT_WIDTH + 6}" y="${n(axis.y(lastShare))}" dy="4" class="series-label">candidate ${lastShare}%</text>` +
      labels.body,
    'traffic-chart',
  );
}

export interface LineSeries {
  name: string;
  role: 'candidate' | 'baseline';
  points: Point[];
}

const STYLE_OF_ROLE = {
  // Solid with circles vs dashed with squares: the two read apart without colour.
  candidate: { colour: COLOURS.candidate, dash: '', shape: 'circle' },
  baseline: { colour: COLOURS.baseline, dash: ' stroke-dasharray="7 4"', shape: 'square' },
} as const;

function pointMark(role: LineSeries['role'], x: number, y: number): string {
  const { colour, shape } = STYLE_OF_ROLE[role];
  return shape === 'circle'
    ? `<circle cx="${n(x)}" cy="${n(y)}" r="3" fill="${colour}"/>`
    : `<rect x="${n(x - 3)}" y="${n(y - 3)}" width="6" height="6" fill="#fff" stroke="${colour}" stroke-width="1.5"/>`;
}

/** Candidate vs baseline over time (error rate, latency), labelled at the lines' ends. */
export function comparisonChart(options: {
  id: string;
  title: string;
  yLabel: string;
  format: (v: number) => string;
  series: LineSeries[];
  story: RolloutStory;
  scale: TimeScale;
}): string {
  const { scale, story } = options;
  const top = 12;
  const bottom = top + 170;
  const height = bottom + AXIS_HEIGHT;
  const inRange = options.series.map((s) => ({
    ...s,
    points: s.points.filter((p) => p.t >= scale.from - 60_000 && p.t <= scale.to),
  }));
  const max = Math.max(0, ...inRange.flatMap((s) => s.points.map((p) => p.v)));
  const axis = linearY(max, top, bottom, options.format);
  const parts = [
    rollbackBand(story, scale, top, bottom),
    yAxis(axis, options.yLabel, top, bottom),
    timeAxis(scale, top, bottom),
    markerLines(story.markers, scale, top, bottom),
  ];
  const ends: { y: number; text: string; colour: string }[] = [];
  for (const s of inRange) {
    const style = STYLE_OF_ROLE[s.role];
    if (!s.points.length) continue;
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${n(scale.x(p.t))} ${n(axis.y(p.v))}`).join(' ');
    parts.push(
      `<path class="series" data-role="${s.role}" d="${d}" fill="none" stroke="${style.colour}" stroke-width="2"${style.dash}/>`,
      ...s.points.map((p) => pointMark(s.role, scale.x(p.t), axis.y(p.v))),
    );
    const last = s.points.at(-1)!;
    ends.push({ y: axis.y(last.v), text: `${s.name} ${options.format(last.v)}`, colour: style.colour });
  }
  // End labels never overlap: the lower one moves down a line when two ends meet.
  ends.sort((a, b) => a.y - b.y);
  for (let i = 1; i < ends.length; i++) ends[i]!.y = Math.max(ends[i]!.y, ends[i - 1]!.y + 14);
  for (const end of ends) {
    parts.push(
      `<text x="${LEFT + PLOT_WIDTH + 6}" y="${n(end.y)}" dy="4" class="series-label" fill="${end.colour}">${escapeHtml(end.text)}</text>`,
    );
  }
  if (!ends.length) {
    parts.push(
      `<text x="${LEFT + PLOT_WIDTH / 2}" y="${(top + bottom) / 2}" text-anchor="middle" class="no-data">no datapoints in this span</text>`,
    );
  }
  return svg(height, options.title, parts.join(''), options.id);
}

/** One verdict as the judge chart draws it. */
export interface VerdictMark {
  at: number;
  verdict: 'pass' | 'fail' | 'inconclusive';
  ratio: number | null;
  interval: [number, number | null];
}

const LOG_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000];

/**
 * The judge's candidate ÷ baseline ratio for one metric with its confidence interval at every look,
 * on a log scale around 1 (the same as the baseline), with the tolerance the verdict is judged by.
 */
export function judgeChart(options: {
  id: string;
  metric: string;
  direction: 'increase' | 'decrease';
  tolerance: number;
  marks: VerdictMark[];
  story: RolloutStory;
  scale: TimeScale;
}): string {
  const { scale, story, marks } = options;
  const top = 12;
  const bottom = top + 160;
  const height = bottom + AXIS_HEIGHT;
  const limit = options.direction === 'increase' ? 1 + options.tolerance : 1 - options.tolerance;
  const values = marks.flatMap((m) => [m.interval[0], m.interval[1] ?? 0, m.ratio ?? 0]).filter((v) => v > 0);
  const lo = Math.min(0.5, limit > 0 ? limit : 1, ...values);
  const hi = Math.max(2, limit, ...values);
  const logLo = Math.log10(LOG_TICKS.filter((t) => t <= lo).at(-1) ?? 0.01);
  const logHi = Math.log10(LOG_TICKS.find((t) => t >= hi) ?? 10000);
  const y = (v: number) =>
    bottom - ((Math.log10(Math.max(v, 10 ** logLo)) - logLo) / (logHi - logLo)) * (bottom - top);
  let ticks = LOG_TICKS.filter((t) => Math.log10(t) >= logLo - 1e-9 && Math.log10(t) <= logHi + 1e-9);
  if (ticks.length > 7) ticks = ticks.filter((t) => [1, 10, 100, 1000, 10000, 0.1, 0.01].includes(t));
  const axis: YAxis = { y, ticks: ticks.map((t) => ({ value: t, label: `${t}×` })) };
  const parts = [
    rollbackBand(story, scale, top, bottom),
    yAxis(axis, 'candidate ÷ baseline', top, bottom),
    timeAxis(scale, top, bottom),
    markerLines(story.markers, scale, top, bottom),
    `<line x1="${LEFT}" y1="${n(y(1))}" x2="${LEFT + PLOT_WIDTH}" y2="${n(y(1))}" stroke="#000" stroke-width="1"/>`,
    `<text x="${LEFT + PLOT_WIDTH + 6}" y="${n(y(1))}" dy="4" class="series-label">same as baseline</text>`,
  ];
  if (limit > 0) {
    parts.push(
      `<line class="tolerance" x1="${LEFT}" y1="${n(y(limit))}" x2="${LEFT + PLOT_WIDTH}" y2="${n(y(limit))}" stroke="${COLOURS.bad}" stroke-dasharray="4 3"/>`,
      `<text x="${LEFT + PLOT_WIDTH + 6}" y="${n(y(limit))}" dy="${limit > 1 ? -4 : 12}" class="series-label">tolerance ${n(limit)}×</text>`,
    );
  }
  for (const mark of marks) {
    const x = scale.x(mark.at);
    const colour =
      mark.verdict === 'fail' ? COLOURS.bad : mark.verdict === 'pass' ? COLOURS.good : COLOURS.neutral;
    const yLo = y(mark.interval[0]);
    const yHi = mark.interval[1] === null ? top : y(mark.interval[1]);
    parts.push(
      `<g class="verdict" data-verdict="${mark.verdict}" data-at="${mark.at}">` +
        `<line x1="${n(x)}" y1="${n(yLo)}" x2="${n(x)}" y2="${n(yHi)}" stroke="${colour}" stroke-width="2"/>` +
        `<line x1="${n(x - 4)}" y1="${n(yLo)}" x2="${n(x + 4)}" y2="${n(yLo)}" stroke="${colour}" stroke-width="2"/>` +
        (mark.interval[1] === null
          ? `<path d="M${n(x - 5)} ${top + 6} L${n(x)} ${top} L${n(x + 5)} ${top + 6}" fill="none" stroke="${colour}" stroke-width="2"/>`
          : `<line x1="${n(x - 4)}" y1="${n(yHi)}" x2="${n(x + 4)}" y2="${n(yHi)}" stroke="${colour}" stroke-width="2"/>`) +
        (mark.ratio === null
          ? ''
          : mark.verdict === 'fail'
            ? `<path d="M${n(x - 5)} ${n(y(mark.ratio) + 4)} L${n(x)} ${n(y(mark.ratio) - 5)} L${n(x + 5)} ${n(y(mark.ratio) + 4)} Z" fill="${colour}"/>`
            : `<circle cx="${n(x)}" cy="${n(y(mark.ratio))}" r="4" fill="#fff" stroke="${colour}" stroke-width="2"/>`) +
        '</g>',
    );
  }
  // The verdict in words where it changed, so a print shows where the judge decided; labels close
  // together stack downwards instead of overlapping.
  let previous: string | undefined;
  let lastLabel: { x: number; row: number } | undefined;
  for (const mark of marks) {
    if (mark.verdict === previous) continue;
    previous = mark.verdict;
    const x = scale.x(mark.at);
    const row = lastLabel && Math.abs(x - lastLabel.x) < 90 ? lastLabel.row + 1 : 0;
    lastLabel = { x, row };
    const leftward = x > LEFT + PLOT_WIDTH - 90;
    parts.push(
      `<text x="${n(leftward ? x - 7 : x + 7)}" y="${top + 12 + row * 14}" ` +
        `text-anchor="${leftward ? 'end' : 'start'}" class="verdict-label">${mark.verdict.toUpperCase()}</text>`,
    );
  }
  return svg(
    height,
    `Judge: ${options.metric}, candidate ÷ baseline with its interval`,
    parts.join(''),
    options.id,
  );
}
