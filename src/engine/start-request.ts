// What it takes to start a rollout, validated once at the edge: every bad field fails with its
// name and the fix, before anything in AWS is touched.
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import * as z from 'zod';
import { SmRolloutError } from '../errors';
import {
  compilePlan,
  DEFAULT_FINAL_BAKE_MS,
  DEFAULT_STRATEGY,
  formatDuration,
  toDurationMs,
  type ExplicitStepInput,
  type Plan,
} from '../plan';
import type {
  CandidateAlarmTemplate,
  PreTrafficCheckSpec,
  RolloutEngineKind,
} from '../../statemachines/contract';
import {
  candidateAlarmProblems,
  defaultCandidateAlarms,
  isCloudWatchStatistic,
  STATISTIC_HELP,
} from './alarm-rules';
import {
  judgeProblems,
  judgeSettingsSchema,
  resolveJudge,
  type JudgeSettings,
  type JudgeSettingsInput,
} from './judge-settings';
import { isSageMakerName } from './names';
import { toPreTrafficCheckSpec, type PreTrafficCheckInput } from './pre-traffic-check';
import { engineSchema, nativeProblemLine, nativeStartProblems } from './native-start';
import { INFERENCE_COMPONENT_HELP, inferenceComponentStartProblems } from './inference-component-start';

const MODEL_PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}\/\d+$/;
/** How long a rollout may take before it rolls back, unless the request or policy says otherwise. */
export const DEFAULT_MAX_DURATION = '4h';
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const comparison = z.enum([
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
]);

export const candidateAlarmTemplateSchema = z.object({
  suffix: z.string().regex(/^[a-z0-9-]{1,32}$/, 'use 1–32 lowercase letters, digits or hyphens'),
  metricName: z.string().min(1),
  statistic: z.string().refine(isCloudWatchStatistic, STATISTIC_HELP),
  threshold: z.number().finite(),
  comparison: comparison.default('GreaterThanThreshold'),
  periodSeconds: z.number().int().min(10).default(60),
  evaluationPeriods: z.number().int().min(1).default(1),
  datapointsToAlarm: z.number().int().min(1).default(1),
  treatMissingData: z.enum(['missing', 'notBreaching', 'breaching', 'ignore']).default('notBreaching'),
});

/** Retention (how many earlier rollouts' configs and models a success keeps): undo needs one. */
export const RETAIN_PREVIOUS_RULE =
  'must be a whole number of at least 1 — undo needs the config and model before the live one; e.g. 2 keeps two';
export const retainPreviousSchema = z
  .number({ error: RETAIN_PREVIOUS_RULE })
  .int(RETAIN_PREVIOUS_RULE)
  .min(1, RETAIN_PREVIOUS_RULE);

const startRequestSchema = z.object({
  endpointName: z.string().refine(isSageMakerName, {
    message: 'use the endpoint name: 1–63 letters, digits and hyphens (not its ARN)',
  }),
  modelPackageArn: z.string().regex(MODEL_PACKAGE_ARN, {
    message:
      'use a versioned model package ARN, e.g. arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7',
  }),
  executionRoleArn: z.string().regex(ROLE_ARN, {
    message: 'use an IAM role ARN SageMaker can assume, e.g. arn:aws:iam::111122223333:role/sagemaker-exec',
  }),
  strategy: z.union([z.string().min(1), z.array(z.any())]).default(DEFAULT_STRATEGY),
  finalBake: z.union([z.string(), z.number()]).optional(),
  alarms: z.array(z.string().min(1).max(255)).max(100, 'at most 100 alarms').default([]),
  // Absent: the default candidate alarms (none when the request asks to run unguarded); [] opts out.
  candidateAlarms: z.array(candidateAlarmTemplateSchema).max(10).optional(),
  candidate: z
    .object({
      instanceType: z
        .string()
        .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'use a SageMaker instance type like ml.m5.large')
        .optional(),
      instanceCount: z.number().int().min(1).max(1000).optional(),
    })
    .default({}),
  maxDuration: z.union([z.string(), z.number()]).default(DEFAULT_MAX_DURATION),
  requestedBy: z.string().min(1).default('unknown'),
  // Absent means false and notServing (the engine's defaults); kept absent so requests read as written.
  allowUnguarded: z.boolean().optional(),
  versionGate: z.enum(['newerOnly', 'notServing', 'any']).optional(),
  retainPrevious: retainPreviousSchema.optional(),
  // Absent: the default judge (judge-settings.ts); false turns it off.
  judge: judgeSettingsSchema.optional(),
  // Absent means true: the transition config publishes 10-second metrics (candidate-metrics.ts).
  enhancedMetrics: z.boolean().optional(),
  // Checked by its own rules (pre-traffic-check.ts), which name the field and the fix.
  preTrafficCheck: z.unknown().optional(),
  // Absent: stepwise. Under native the plan must compile to a DeploymentConfig (native-start.ts).
  engine: engineSchema.optional(),
  // Present: SageMaker's rolling update of this component (inference-component-start.ts).
  inferenceComponent: z.string().refine(isSageMakerName, { message: INFERENCE_COMPONENT_HELP }).optional(),
});

/**
 * Which versions a start may roll out, compared with the version serving the endpoint (same model
 * package group): `newerOnly` (an approval, by default), `notServing` (newer or older, never the one
 * already serving: a person's start, or an approval under `onOlderApproval: deploy`), `any` (`--force`).
 */
export type VersionGate = 'newerOnly' | 'notServing' | 'any';

export type StartRolloutRequest = Omit<z.input<typeof startRequestSchema>, 'preTrafficCheck'> & {
  strategy?: string | ExplicitStepInput[];
  /** Sample requests sent to the candidate variant alone before any traffic shift. */
  preTrafficCheck?: PreTrafficCheckInput;
};

export interface ValidStartRequest {
  endpointName: string;
  modelPackageArn: string;
  executionRoleArn: string;
  plan: Plan;
  alarms: string[];
  candidateAlarms: CandidateAlarmTemplate[];
  candidate: { instanceType?: string; instanceCount?: number };
  maxDurationMs: number;
  requestedBy: string;
  /** Start even when no alarm watches the candidate (`--no-guard`, policy `allowUnguarded`); default false. */
  allowUnguarded?: boolean;
  /** Default `notServing`. */
  versionGate?: VersionGate;
  /** Earlier rollouts' configs and models kept when this one succeeds; absent: the default (1). */
  retainPrevious?: number;
  /** The canary-vs-baseline judge, defaults applied; absent: no judge (`judge: false`, `--no-judge`). */
  judge?: JudgeSettings;
  /**
   * The transition config turns on 10-second enhanced metrics (policy `enhancedMetrics`); absent: true.
   * The default candidate alarms follow it (10–30 s periods with it, minutes without).
   */
  enhancedMetrics?: boolean;
  /** The pre-traffic check of the candidate variant; absent: none. */
  preTrafficCheck?: PreTrafficCheckSpec;
  /** How traffic moves (policy `engine`, `--engine`); absent: stepwise. */
  engine?: RolloutEngineKind;
  /**
   * The inference component to roll out onto (policy `inferenceComponent`, `--inference-component`):
   * SageMaker's rolling update replaces its copies; `engine` is then absent or native.
   */
  inferenceComponent?: string;
}

/** What a missing, empty or wrongly typed field should look like, in the words of its fix. */
const FIELD_HELP: Record<string, string> = {
  endpointName: 'give the endpoint name, e.g. churn-prod',
  modelPackageArn:
    'give a versioned model package ARN, e.g. arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7',
  executionRoleArn: 'give the IAM role SageMaker assumes, e.g. arn:aws:iam::111122223333:role/sagemaker-exec',
  strategy: 'give a strategy such as Canary10Percent5Minutes, canary(10, 5m) or 10%,5m,pause,50%',
  finalBake: 'give a duration such as 10m',
  engine: 'use stepwise or native',
  inferenceComponent: INFERENCE_COMPONENT_HELP,
  maxDuration: 'give a duration such as 4h',
  alarms: 'give CloudWatch alarm names',
  requestedBy: 'say who starts the rollout, e.g. a user or pipeline name',
};

/**
 * A schema's bound in a person's words ("is empty", "10 is too small: use at least 60"), or
 * undefined for issues that are not about a bound; zod's own text ("Too small: expected string to
 * have >=1 characters") names its types, not the fix.
 */
export function boundWords(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const bound = small
    ? inclusive
      ? `at least ${limit}`
      : `more than ${limit}`
    : inclusive
      ? `at most ${limit}`
      : `less than ${limit}`;
  switch (issue.origin) {
    case 'string':
      if (small && limit <= 1) return 'is empty';
      return `${JSON.stringify(value)} is too ${small ? 'short' : 'long'}: use ${bound} characters`;
    case 'array':
    case 'set':
      if (small && limit <= 1) return 'is an empty list; give at least one';
      return `has ${Array.isArray(value) ? value.length : 'too many'} items; use ${bound}`;
    default:
      return `${JSON.stringify(value)} is too ${small ? 'small' : 'large'}: use ${bound}`;
  }
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    value =
      typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return value;
}

export function zodToError(
  error: z.ZodError,
  prefix = '',
  help: Record<string, string> = FIELD_HELP,
  input?: unknown,
): SmRolloutError {
  const issue = error.issues[0]!;
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  const field = prefix + path;
  // zod's own text for these ("Invalid input") says nothing about the fix; an element of a list
  // (alarms[2]) takes the list's help.
  const generic = ['invalid_type', 'invalid_union', 'too_small'].includes(issue.code);
  const fix = generic ? (help[path] ?? help[path.replace(/\[\d+\]$/, '')]) : undefined;
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const bound = boundWords(issue, valueAt(input, issue.path));
  const message = missing
    ? `is required; ${fix ?? issue.message}`
    : bound
      ? `${bound}${fix && issue.code === 'too_small' ? `; ${fix}` : ''}`
      : (fix ?? issue.message);
  return new SmRolloutError('INVALID_INPUT', `${field || 'input'}: ${message}`, { field });
}

/** The judge a request asks for, its problems reported as one clear error naming the field. */
function checkedJudge(raw: unknown): JudgeSettings | undefined {
  const problems = judgeProblems(raw);
  if (problems.length > 0) {
    const field = problems[0]!.field ? `judge.${problems[0]!.field}` : 'judge';
    throw new SmRolloutError(
      'INVALID_INPUT',
      problems.map((p) => `judge${p.field ? `.${p.field}` : ''}: ${p.message}`).join('; '),
      { field },
    );
  }
  return resolveJudge(raw as JudgeSettingsInput | undefined);
}

function judged(judge: JudgeSettings | undefined): { judge?: JudgeSettings } {
  return judge ? { judge } : {};
}

export function validateStartRequest(request: StartRolloutRequest): ValidStartRequest {
  const judge = checkedJudge(request.judge);
  const parsed = startRequestSchema.safeParse(request);
  if (!parsed.success) throw zodToError(parsed.error, '', FIELD_HELP, request);
  const r = parsed.data;
  const plan = compilePlan(r.strategy as string | ExplicitStepInput[], { finalBake: r.finalBake });
  const maxDurationMs = toDurationMs(r.maxDuration, 'maxDuration');
  return checkedWhole(
    {
      endpointName: r.endpointName,
      modelPackageArn: r.modelPackageArn,
      executionRoleArn: r.executionRoleArn,
      plan,
      alarms: [...new Set(r.alarms)],
      candidateAlarms:
        r.candidateAlarms ??
        (r.allowUnguarded ? [] : defaultCandidateAlarms({ highResolution: r.enhancedMetrics !== false })),
      candidate: r.candidate,
      maxDurationMs,
      requestedBy: r.requestedBy,
      ...(r.allowUnguarded !== undefined ? { allowUnguarded: r.allowUnguarded } : {}),
      ...(r.versionGate !== undefined ? { versionGate: r.versionGate } : {}),
      ...retained(r.retainPrevious),
      ...judged(judge),
      ...(r.enhancedMetrics !== undefined ? { enhancedMetrics: r.enhancedMetrics } : {}),
      ...preTrafficChecked(r.preTrafficCheck),
      ...(r.engine !== undefined ? { engine: r.engine } : {}),
      ...(r.inferenceComponent !== undefined ? { inferenceComponent: r.inferenceComponent } : {}),
    },
    r.maxDuration,
  );
}

/** What may be laid over a validated request: any of its fields, as a person or pipeline writes them. */
export type StartRequestOverrides = Partial<StartRolloutRequest>;

/**
 * A validated request with overrides laid over it (a person's `--strategy`, `--alarm`, ... over the
 * endpoint's policy): only the fields the overrides give are checked, then the whole (maxDuration
 * outlasts the bakes, candidate alarm suffixes are distinct). Without a base the overrides are the
 * whole request, every required field included. An override of the strategy keeps the base's
 * final bake unless finalBake is given too; an override of finalBake alone replaces the final bake
 * of the base's plan. Instance settings are merged field by field; alarm lists replace the base's.
 */
export function mergeStartRequest(
  base: ValidStartRequest | undefined,
  overrides: StartRequestOverrides,
): ValidStartRequest {
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as StartRequestOverrides;
  if (!base) return validateStartRequest(given as StartRolloutRequest);
  const judge = given.judge !== undefined ? checkedJudge(given.judge) : base.judge;
  const mask = Object.fromEntries(
    Object.keys(given)
      .filter((key) => key in startRequestSchema.shape)
      .map((key) => [key, true]),
  ) as Partial<Record<keyof typeof startRequestSchema.shape, true>>;
  const parsed = startRequestSchema.pick(mask).safeParse(given);
  if (!parsed.success) throw zodToError(parsed.error, '', FIELD_HELP, given);
  const o = parsed.data as Partial<z.output<typeof startRequestSchema>>;
  const finalBakeMs = o.finalBake === undefined ? undefined : toDurationMs(o.finalBake, 'finalBake');
  const plan =
    o.strategy !== undefined
      ? compilePlan(o.strategy as string | ExplicitStepInput[], {
          finalBake: finalBakeMs ?? finalBakeOf(base.plan),
        })
      : finalBakeMs !== undefined
        ? withFinalBake(base.plan, finalBakeMs)
        : base.plan;
  const maxDurationMs =
    o.maxDuration === undefined ? base.maxDurationMs : toDurationMs(o.maxDuration, 'maxDuration');
  return checkedWhole(
    {
      endpointName: o.endpointName ?? base.endpointName,
      modelPackageArn: o.modelPackageArn ?? base.modelPackageArn,
      executionRoleArn: o.executionRoleArn ?? base.executionRoleArn,
      plan,
      alarms: o.alarms ? [...new Set(o.alarms)] : base.alarms,
      candidateAlarms: o.candidateAlarms ?? followingMetrics(base, o.enhancedMetrics),
      candidate: { ...base.candidate, ...o.candidate },
      maxDurationMs,
      requestedBy: o.requestedBy ?? base.requestedBy,
      ...((o.allowUnguarded ?? base.allowUnguarded) !== undefined
        ? { allowUnguarded: o.allowUnguarded ?? base.allowUnguarded }
        : {}),
      ...((o.versionGate ?? base.versionGate) ? { versionGate: o.versionGate ?? base.versionGate } : {}),
      ...retained(o.retainPrevious ?? base.retainPrevious),
      ...judged(judge),
      ...((o.enhancedMetrics ?? base.enhancedMetrics) !== undefined
        ? { enhancedMetrics: o.enhancedMetrics ?? base.enhancedMetrics }
        : {}),
      ...(o.preTrafficCheck !== undefined
        ? preTrafficChecked(o.preTrafficCheck)
        : base.preTrafficCheck
          ? { preTrafficCheck: base.preTrafficCheck }
          : {}),
      ...((o.engine ?? base.engine) !== undefined ? { engine: o.engine ?? base.engine } : {}),
      ...((o.inferenceComponent ?? base.inferenceComponent) !== undefined
        ? { inferenceComponent: o.inferenceComponent ?? base.inferenceComponent }
        : {}),
    },
    o.maxDuration ?? formatDuration(maxDurationMs),
  );
}

/**
 * The base's candidate alarms under an override of enhancedMetrics: the default alarms of one metrics
 * setting become the other's (high-resolution periods cannot see one-minute metrics); alarms a person
 * or policy wrote stay as written (start checks their periods against the metrics).
 */
function followingMetrics(base: ValidStartRequest, enhanced: boolean | undefined): CandidateAlarmTemplate[] {
  if (enhanced === undefined) return base.candidateAlarms;
  const same = (a: readonly CandidateAlarmTemplate[], b: readonly CandidateAlarmTemplate[]) =>
    JSON.stringify(a) === JSON.stringify(b);
  const other = defaultCandidateAlarms({ highResolution: !enhanced });
  return same(base.candidateAlarms, other)
    ? defaultCandidateAlarms({ highResolution: enhanced })
    : base.candidateAlarms;
}

function retained(retainPrevious: number | undefined): { retainPrevious?: number } {
  return retainPrevious === undefined ? {} : { retainPrevious };
}

function preTrafficChecked(written: unknown): { preTrafficCheck?: PreTrafficCheckSpec } {
  return written === undefined ? {} : { preTrafficCheck: toPreTrafficCheckSpec(written) };
}

/** A plan always ends with setWeight(100) and the final bake (src/plan/types.ts). */
function finalBakeOf(plan: Plan): number {
  const last = plan.steps.at(-1);
  return last?.kind === 'bake' ? last.durationMs : DEFAULT_FINAL_BAKE_MS;
}

function withFinalBake(plan: Plan, finalBakeMs: number): Plan {
  const last = plan.steps.at(-1);
  const rollout = last?.kind === 'bake' ? plan.steps.slice(0, -1) : plan.steps;
  return { strategy: plan.strategy, steps: [...rollout, { kind: 'bake', durationMs: finalBakeMs }] };
}

/** The rules over the whole request; `maxDuration` is how the request spelt it, for the message. */
function checkedWhole(written: ValidStartRequest, maxDuration: string | number): ValidStartRequest {
  // An inference component has no candidate variant either (inference-component-start.ts says why).
  const request =
    written.engine === 'native' || written.inferenceComponent !== undefined
      ? withoutCandidateVariantChecks(written)
      : written;
  const { plan, maxDurationMs } = request;
  const minimum = plan.steps.reduce(
    (sum, s) => sum + (s.kind === 'bake' || s.kind === 'analysis' ? s.durationMs : 0),
    0,
  );
  if (maxDurationMs <= minimum) {
    throw new SmRolloutError(
      'INVALID_INPUT',
      `maxDuration: ${maxDuration} is not longer than the plan's bakes alone (${Math.ceil(minimum / 60000)} min); ` +
        'raise maxDuration or shorten the strategy',
      { field: 'maxDuration' },
    );
  }
  const suffixes = new Set<string>();
  for (const template of request.candidateAlarms) {
    if (suffixes.has(template.suffix)) {
      throw new SmRolloutError(
        'INVALID_INPUT',
        `candidateAlarms: suffix "${template.suffix}" is used twice`,
        {
          field: 'candidateAlarms',
        },
      );
    }
    suffixes.add(template.suffix);
  }
  if (request.inferenceComponent !== undefined) {
    const problems = inferenceComponentStartProblems(request);
    if (problems.length > 0) {
      throw new SmRolloutError('INVALID_PLAN', problems.map(nativeProblemLine).join('; '), {
        field: problems[0]!.field,
      });
    }
  } else if (request.engine === 'native') {
    const problems = nativeStartProblems(request);
    if (problems.length > 0) {
      throw new SmRolloutError('INVALID_PLAN', problems.map(nativeProblemLine).join('; '), {
        field: problems[0]!.field,
      });
    }
  }
  request.candidateAlarms.forEach((template, i) => {
    const problem = candidateAlarmProblems(template)[0];
    if (problem) {
      const field = `candidateAlarms[${i}].${problem.field}`;
      throw new SmRolloutError('INVALID_INPUT', `${field}: ${problem.message}`, { field });
    }
  });
  return request;
}

/**
 * Under native the judge, the candidate alarms and the pre-traffic check have no candidate variant to
 * work on (native-start.ts says why): the request drops them (a policy or flag that names them
 * explicitly is refused where it is written: the policy check, `start --candidate-alarm`).
 */
function withoutCandidateVariantChecks(request: ValidStartRequest): ValidStartRequest {
  const { judge: _judge, preTrafficCheck: _check, ...rest } = request;
  return { ...rest, candidateAlarms: [] };
}
