// The judge's settings as a policy or a start request writes them (`judge: false`, or
// `judge: { metrics?, alpha?, onInconclusive?, dryRun? }`), their defaults, the rules a schema cannot
// say (tolerance range by direction, a tail metric's percentile), and the resolved JudgeConfig the
// rollout machine is started with.
import * as z from 'zod';
import type { JudgeConfig, JudgeMetricSpec } from '../../statemachines/contract';

/** The default false-rollback rate, rollout-wide: split evenly across the metrics (Bonferroni). */
export const DEFAULT_JUDGE_ALPHA = 0.01;
/** Above this the judge would roll back healthy candidates too often to be worth trusting. */
export const MAX_JUDGE_ALPHA = 0.2;
/** An increase of 10× the baseline is not a tolerance any more; a decrease cannot exceed 100%. */
export const MAX_INCREASE_TOLERANCE = 10;

/** The metrics a policy names by name alone (AWS/SageMaker, per variant). */
export const BUILT_IN_JUDGE_METRICS: Readonly<Record<'errors' | 'latency', JudgeMetricSpec>> = {
  errors: {
    name: 'errors',
    kind: 'rate',
    namespace: 'AWS/SageMaker',
    metricName: 'Invocation5XXErrors',
    exposureMetricName: 'Invocations',
    direction: 'increase',
    tolerance: 0.5,
    critical: true,
  },
  latency: {
    name: 'latency',
    kind: 'tail',
    namespace: 'AWS/SageMaker',
    metricName: 'ModelLatency',
    percentile: 99,
    direction: 'increase',
    tolerance: 0.5,
    critical: true,
  },
};

export const JUDGE_DEFAULTS_TEXT =
  "errors (Invocation5XXErrors per Invocations) and latency (the share of requests slower than the baseline's " +
  'own p99 ModelLatency), both critical, tolerance 0.5 (up to 1.5× the baseline); alpha 0.01; onInconclusive proceed';

const judgeMetricSchema = z.union([
  z.string().min(1).describe('a built-in metric by name: errors or latency'),
  z
    .strictObject({
      name: z
        .string()
        .min(1)
        .describe('how the timeline names it; errors or latency start from the built-in'),
      kind: z.enum(['rate', 'tail']).optional().describe('rate: bad events per request; tail: slow requests'),
      namespace: z.string().min(1).optional().describe('default AWS/SageMaker'),
      metricName: z
        .string()
        .min(1)
        .optional()
        .describe('rate: the bad events (Sum); tail: the latency metric'),
      exposureMetricName: z
        .string()
        .min(1)
        .optional()
        .describe('rate: the requests (Sum); default Invocations'),
      percentile: z
        .number()
        .optional()
        .describe("tail: the baseline's percentile that sets the threshold, e.g. 99"),
      direction: z.enum(['increase', 'decrease']).optional().describe('which way is worse; default increase'),
      tolerance: z
        .number()
        .optional()
        .describe('allowed relative change vs the baseline: 0.5 = up to 1.5× (increase); default 0.5'),
      critical: z.boolean().optional().describe('a critical fail rolls back at once; default true'),
    })
    .describe('a metric of your own, or a built-in with its settings changed'),
]);

export const judgeSettingsSchema = z.union([
  z.literal(false).describe('no judge: alarms alone guard the rollout'),
  z
    .strictObject({
      metrics: z.array(judgeMetricSchema).optional().describe('default [errors, latency]'),
      alpha: z
        .number()
        .optional()
        .describe(
          'the rollout-wide false-rollback rate, in (0, 0.2]; default 0.01, split across the metrics',
        ),
      onInconclusive: z
        .enum(['pause', 'proceed', 'rollback'])
        .optional()
        .describe('what a step ending without a pass does; default proceed'),
      dryRun: z.boolean().optional().describe('judge and record, never act'),
    })
    .describe(`the canary-vs-baseline judge; defaults: ${JUDGE_DEFAULTS_TEXT}`),
]);

export type JudgeSettingsInput = z.input<typeof judgeSettingsSchema>;

/** The judge as the start request carries it: what the machine gets, less the engine's timing. */
export type JudgeSettings = Omit<JudgeConfig, 'periodSeconds' | 'intervalMs'>;

export interface JudgeProblem {
  /** Relative to the judge section: `metrics[1].tolerance`, `alpha`. */
  field: string;
  message: string;
}

const SECTION_KEYS = ['metrics', 'alpha', 'onInconclusive', 'dryRun'];
const METRIC_KEYS = [
  'name',
  'kind',
  'namespace',
  'metricName',
  'exposureMetricName',
  'percentile',
  'direction',
  'tolerance',
  'critical',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function builtIn(name: unknown): JudgeMetricSpec | undefined {
  return name === 'errors' || name === 'latency' ? BUILT_IN_JUDGE_METRICS[name] : undefined;
}

/** Every problem of a judge section at once, each naming its field and the fix. */
export function judgeProblems(raw: unknown): JudgeProblem[] {
  if (raw === undefined || raw === false) return [];
  if (!isRecord(raw)) {
    return [
      {
        field: '',
        message: `${JSON.stringify(raw)} is not valid; use judge: false to turn it off, or judge: { metrics, alpha, onInconclusive, dryRun }`,
      },
    ];
  }
  const problems: JudgeProblem[] = [];
  const at = (field: string, message: string) => problems.push({ field, message });
  for (const key of Object.keys(raw).filter((k) => !SECTION_KEYS.includes(k)))
    at(key, `is not a setting of the judge; the settings are ${SECTION_KEYS.join(', ')}`);
  if (
    raw.alpha !== undefined &&
    (typeof raw.alpha !== 'number' || !(raw.alpha > 0 && raw.alpha <= MAX_JUDGE_ALPHA))
  )
    at(
      'alpha',
      `${JSON.stringify(raw.alpha)} is out of range; give the false-rollback rate in (0, ${MAX_JUDGE_ALPHA}], e.g. 0.01 (1% of healthy rollouts rolled back)`,
    );
  if (
    raw.onInconclusive !== undefined &&
    !['pause', 'proceed', 'rollback'].includes(raw.onInconclusive as string)
  )
    at(
      'onInconclusive',
      `${JSON.stringify(raw.onInconclusive)} is not allowed; use pause, proceed or rollback`,
    );
  if (raw.dryRun !== undefined && typeof raw.dryRun !== 'boolean')
    at('dryRun', `${JSON.stringify(raw.dryRun)} is not valid; use true or false`);
  if (raw.metrics === undefined) return problems;
  if (!Array.isArray(raw.metrics) || raw.metrics.length === 0) {
    at('metrics', 'must be a non-empty list, e.g. [errors, latency]; to turn the judge off use judge: false');
    return problems;
  }
  const names = new Map<string, number>();
  raw.metrics.forEach((entry: unknown, i: number) => {
    const f = (field?: string) => `metrics[${i}]${field ? `.${field}` : ''}`;
    if (typeof entry === 'string') {
      if (!builtIn(entry))
        at(
          f(),
          `${JSON.stringify(entry)} is not a built-in metric; use errors or latency, or describe your own: { name, kind, metricName }`,
        );
      else if (names.has(entry))
        at(f(), `${entry} is already judged by metrics[${names.get(entry)}]; list it once`);
      names.set(entry, i);
      return;
    }
    if (!isRecord(entry)) {
      at(f(), 'must be errors, latency, or { name, kind, metricName, ... }');
      return;
    }
    for (const key of Object.keys(entry).filter((k) => !METRIC_KEYS.includes(k)))
      at(f(key), `is not a setting of a judge metric; the settings are ${METRIC_KEYS.join(', ')}`);
    const base = builtIn(entry.name);
    if (typeof entry.name !== 'string' || entry.name === '') {
      at(f('name'), 'is required; name the metric, e.g. name: errors (built-in) or name: fallback-rate');
    } else if (names.has(entry.name)) {
      at(
        f('name'),
        `${entry.name} is already judged by metrics[${names.get(entry.name)}]; give each metric its own name`,
      );
    } else names.set(entry.name, i);
    const kind = entry.kind ?? base?.kind;
    if (kind === undefined)
      at(
        f('kind'),
        'is required for a metric of your own; use rate (bad events per request) or tail (slow requests)',
      );
    else if (kind !== 'rate' && kind !== 'tail')
      at(f('kind'), `${JSON.stringify(kind)} is not a judge metric kind; use rate or tail`);
    if (entry.metricName === undefined && !base)
      at(f('metricName'), 'is required for a metric of your own, e.g. metricName: Invocation4XXErrors');
    const direction = entry.direction ?? 'increase';
    if (direction !== 'increase' && direction !== 'decrease')
      at(f('direction'), `${JSON.stringify(direction)} is not allowed; use increase or decrease`);
    if (entry.tolerance !== undefined) {
      const t = entry.tolerance;
      const max = direction === 'decrease' ? 1 : MAX_INCREASE_TOLERANCE;
      if (typeof t !== 'number' || !(t > 0 && t < max))
        at(
          f('tolerance'),
          `${JSON.stringify(t)} is out of range; with direction ${direction} give a relative change above 0 and below ${max}` +
            (direction === 'decrease'
              ? ' (0.2 = down to 0.8× the baseline)'
              : ' (0.5 = up to 1.5× the baseline)'),
        );
    }
    if (kind === 'tail') {
      const p = entry.percentile ?? base?.percentile;
      if (p === undefined)
        at(
          f('percentile'),
          'is required for a tail metric: the baseline percentile that sets the threshold, e.g. percentile: 99',
        );
      else if (typeof p !== 'number' || !(p > 0 && p < 100))
        at(
          f('percentile'),
          `${JSON.stringify(p)} is out of range; give a percentile above 0 and below 100, e.g. 99`,
        );
    }
    if (entry.critical !== undefined && typeof entry.critical !== 'boolean')
      at(f('critical'), `${JSON.stringify(entry.critical)} is not valid; use true or false`);
  });
  return problems;
}

/** The judge a checked section asks for (defaults applied); undefined for `judge: false`. */
/**
 * Whether the judge can roll a bad candidate back on its own: it runs, acts (not a dry run) and has a
 * critical metric (whose fail rolls back at once). Such a rollout is guarded even with no alarm.
 */
export function judgeGuards(judge: JudgeSettings | undefined): boolean {
  return judge !== undefined && !judge.dryRun && judge.metrics.some((m) => m.critical);
}

export function resolveJudge(raw: JudgeSettingsInput | undefined): JudgeSettings | undefined {
  if (raw === false) return undefined;
  const section = raw ?? {};
  const metrics = (section.metrics ?? ['errors', 'latency']).map((entry): JudgeMetricSpec => {
    if (typeof entry === 'string') return { ...BUILT_IN_JUDGE_METRICS[entry as 'errors' | 'latency'] };
    const base = builtIn(entry.name);
    const kind = entry.kind ?? base?.kind ?? 'rate';
    const percentile = entry.percentile ?? base?.percentile;
    const exposure = entry.exposureMetricName ?? base?.exposureMetricName ?? 'Invocations';
    return {
      name: entry.name,
      kind,
      namespace: entry.namespace ?? base?.namespace ?? 'AWS/SageMaker',
      metricName: entry.metricName ?? base?.metricName ?? '',
      ...(kind === 'rate' ? { exposureMetricName: exposure } : {}),
      ...(kind === 'tail' && percentile !== undefined ? { percentile } : {}),
      direction: entry.direction ?? base?.direction ?? 'increase',
      tolerance: entry.tolerance ?? base?.tolerance ?? 0.5,
      critical: entry.critical ?? base?.critical ?? true,
    };
  });
  return {
    metrics,
    alpha: section.alpha ?? DEFAULT_JUDGE_ALPHA,
    onInconclusive: section.onInconclusive ?? 'proceed',
    dryRun: section.dryRun ?? false,
  };
}
