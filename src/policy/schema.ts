// The policy file's shape and its rules. The zod schema is the structure (strict: an unknown key is
// a mistake, not an extension) and feeds the editors' JSON Schema; checkPolicyDocument adds what
// a schema cannot say (strategies compile, durations parse, one policy per endpoint and per group,
// maxDuration outlasts the bakes; under engine: native, that guardrails can run the plan and nothing
// needs a candidate variant of its own) and reports every problem at once, each naming its policy,
// field and fix.
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import * as z from 'zod';
// The engine's modules, not its barrel: the barrel also exports the rollout engine, which the controller
// Lambda loads only when a rollout advances (src/engine/controller.ts), and the policies load at init.
import {
  candidateAlarmProblems,
  DEFAULT_CANDIDATE_ALARMS_TEXT,
  defaultCandidateAlarms,
} from '../engine/alarm-rules';
import {
  judgeGuards,
  judgeProblems,
  judgeSettingsSchema,
  resolveJudge,
  type JudgeSettings,
} from '../engine/judge-settings';
import { SAGEMAKER_NAME } from '../engine/names';
import {
  ENGINE_HELP,
  engineSchema,
  NATIVE_UNSUPPORTED,
  nativeProblemLine,
  nativeStartProblems,
} from '../engine/native-start';
import {
  INFERENCE_COMPONENT_HELP,
  INFERENCE_COMPONENT_UNSUPPORTED,
  inferenceComponentStartProblems,
} from '../engine/inference-component-start';
import { preTrafficCheckInputSchema, preTrafficCheckProblems } from '../engine/pre-traffic-check';
import {
  boundWords,
  candidateAlarmTemplateSchema,
  DEFAULT_MAX_DURATION,
  retainPreviousSchema,
  ROLE_ARN,
} from '../engine/start-request';
import { isSmRolloutError } from '../errors';
import { compilePlan, summarizePlan, toDurationMs, formatDuration, type Plan } from '../plan';
import type { RolloutEngineKind } from '../../statemachines/contract';
import { suggestKey } from './suggest';

/** Valid values standing in for candidate alarm fields the schema flagged, so CloudWatch's rules can run. */
const TEMPLATE_STAND_INS: Record<string, unknown> = {
  metricName: 'Invocations',
  statistic: 'Average',
  threshold: 0,
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
};
/** The field each relational CloudWatch rule compares with. */
const RULE_COMPARES_WITH: Record<string, string> = {
  datapointsToAlarm: 'evaluationPeriods',
  evaluationPeriods: 'periodSeconds',
};

const NAME_RULE = '1–63 letters, digits and hyphens, starting and ending with a letter or digit';

export { DEFAULT_STRATEGY } from '../plan';
import { DEFAULT_STRATEGY } from '../plan';
export { DEFAULT_MAX_DURATION };
export const ON_NEWER_APPROVAL = ['supersede', 'queue', 'reject'] as const;
export type OnNewerApproval = (typeof ON_NEWER_APPROVAL)[number];
export const ON_OLDER_APPROVAL = ['ignore', 'deploy'] as const;
export type OnOlderApproval = (typeof ON_OLDER_APPROVAL)[number];

const duration = (description: string) =>
  z
    .union([z.string().min(1), z.number().min(0)])
    .describe(`${description}: e.g. 90s, 10m, 1h30m, or milliseconds`);

const explicitStepSchema = z.union([
  z.strictObject({ setWeight: z.number().min(0).max(100).describe("the candidate's share of traffic, %") }),
  z.strictObject({ bake: duration('how long to hold while alarms are watched') }),
  z.strictObject({
    analysis: duration('hold while the judge compares the variants; ends early when every metric passes'),
  }),
  z.strictObject({ pause: z.literal(true).describe('a manual gate: waits for `sm-rollout promote`') }),
]);

const candidateSchema = z.strictObject({
  instanceType: z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'use a SageMaker instance type like ml.m5.large')
    .optional()
    .describe("default: the baseline's"),
  instanceCount: z.number().int().min(1).max(1000).optional().describe("default: the baseline's"),
});

const candidateAlarmSchema = candidateAlarmTemplateSchema.strict();

export const policySchema = z.strictObject({
  modelPackageGroup: z
    .string()
    .regex(SAGEMAKER_NAME, `use the model package group name: ${NAME_RULE} (not its ARN)`)
    .describe('the Model Registry group whose approved versions this policy rolls out'),
  endpoint: z
    .string()
    .regex(SAGEMAKER_NAME, `use the endpoint name: ${NAME_RULE} (not its ARN)`)
    .describe('the real-time endpoint the versions are rolled onto'),
  strategy: z
    .union([z.string().min(1), z.array(explicitStepSchema).min(1)])
    .default(DEFAULT_STRATEGY)
    .describe(
      'a preset (Canary10Percent5Minutes, Linear10PercentEvery1Minute, AllAtOnce, …), canary(10, 5m), ' +
        'linear(10, 1m), allAtOnce(5m), a step list "10%,5m,pause,50%,10m", or a list of steps',
    ),
  finalBake: duration('how long to hold at 100% with the baseline still warm (default 10m)').optional(),
  alarms: z
    .array(z.string().min(1).max(255))
    .max(100, 'at most 100 alarms')
    .default([])
    .describe('CloudWatch alarms that roll the rollout back when they enter ALARM'),
  candidateAlarms: z
    .array(candidateAlarmSchema)
    .max(10, 'at most 10 candidate alarms')
    .optional()
    .describe(
      'alarms created per rollout on the candidate variant alone; default (when absent, unless allowUnguarded): ' +
        `${DEFAULT_CANDIDATE_ALARMS_TEXT}; [] opts out`,
    ),
  executionRoleArn: z
    .string()
    .regex(
      ROLE_ARN,
      'use an IAM role ARN SageMaker can assume, e.g. arn:aws:iam::111122223333:role/sagemaker-exec',
    )
    .describe('the role the candidate model runs as'),
  candidate: candidateSchema.default({}).describe('instance settings of the candidate variant'),
  onNewerApproval: z
    .enum(ON_NEWER_APPROVAL)
    .default('queue')
    .describe(
      'what a newer approval does while a rollout runs: supersede it, queue behind it, or be rejected',
    ),
  onOlderApproval: z
    .enum(ON_OLDER_APPROVAL)
    .default('ignore')
    .describe(
      'what an approval of a version older than the one serving the endpoint does: ignore it (logged) or deploy it',
    ),
  allowUnguarded: z
    .boolean()
    .default(false)
    .describe(
      'roll out even with no alarms and no candidateAlarms (nothing could roll a bad version back); the timeline records it',
    ),
  maxDuration: duration('give up (roll back) after this long').default(DEFAULT_MAX_DURATION),
  enhancedMetrics: z
    .boolean()
    .default(true)
    .describe(
      'the transition config turns on SageMaker enhanced metrics at 10 s (MetricsConfig) so the candidate is ' +
        "judged on 10-second metrics; the promoted config keeps the baseline's own; false keeps one-minute " +
        'metrics (and one-minute default candidate alarms). Costs: see README, enhanced metrics',
    ),
  retainPrevious: retainPreviousSchema
    .optional()
    .describe(
      "retention: how many earlier rollouts' final configs and models to keep besides the live one " +
        '(default 1, what undo needs); older ones the controller created are deleted as each rollout succeeds',
    ),
  preTrafficCheck: preTrafficCheckInputSchema
    .optional()
    .describe(
      'before the first traffic shift, send these sample requests to the candidate variant alone (InvokeEndpoint ' +
        'with TargetVariant); any error or an answer slower than maxLatency rolls back before a customer request ' +
        'reaches the new model. Absent: no check',
    ),
  judge: judgeSettingsSchema.optional(),
  engine: engineSchema
    .default('stepwise')
    .describe(
      'how traffic moves: stepwise (the controller moves the weights: any percent, manual gates, the judge) or ' +
        'native (SageMaker deployment guardrails: one UpdateEndpoint with a DeploymentConfig compiled from the ' +
        'strategy; no manual gates, bakes up to 1h, at most 9 alarms; the judge, candidateAlarms and ' +
        'preTrafficCheck cannot run)',
    ),
  inferenceComponent: z
    .string()
    .regex(SAGEMAKER_NAME, `use the inference component name: ${NAME_RULE} (not its ARN)`)
    .optional()
    .describe(
      'roll out onto this inference component of the endpoint (an endpoint whose variant has no model): one ' +
        'UpdateInferenceComponent whose RollingUpdatePolicy SageMaker runs — copies replaced in equal batches ' +
        "(the strategy's first step, 5–50% of the copies), each baked the step's bake (at most 1h), no manual " +
        'gates; the final bake is held by the controller. Alarms go on the component (dimension ' +
        'InferenceComponentName); the judge, candidateAlarms, preTrafficCheck and candidate cannot run. Absent: ' +
        "the endpoint's serving variant",
    ),
});

export const policyFileSchema = z
  .strictObject({
    policies: z.array(policySchema).min(1).describe('one policy per endpoint and per model package group'),
  })
  .describe('sm-rollout policies: which endpoint each model package group is rolled onto, and how');

/** A policy as written, before defaults. */
export type PolicyInput = z.input<typeof policySchema>;

/**
 * A checked policy: defaults applied (candidateAlarms: the default candidate alarms when it names
 * none and does not say allowUnguarded), its strategy compiled, its time limit parsed.
 */
export type Policy = Omit<z.output<typeof policySchema>, 'candidateAlarms'> & {
  candidateAlarms: NonNullable<z.output<typeof policySchema>['candidateAlarms']>;
  /** The judge with its defaults applied; absent for `judge: false`. */
  judgeSettings?: JudgeSettings;
  plan: Plan;
  maxDurationMs: number;
};

/** One thing wrong with a policy file, at `path` (for pointing at a line). */
export interface PolicyProblem {
  path: (string | number)[];
  /** The whole line a person reads: `policies[1] (churn-model): strategy: …; use …`. */
  message: string;
}

export interface PolicyCheck {
  /** Every policy, checked; empty when there are problems. */
  policies: Policy[];
  problems: PolicyProblem[];
}

/** What a missing or wrongly typed field should look like, in the words of its fix. */
const FIELD_HELP: Record<string, string> = {
  modelPackageGroup: 'give the model package group name, e.g. churn-model',
  endpoint: 'give the endpoint name, e.g. churn-prod',
  executionRoleArn:
    'give the IAM role SageMaker assumes, e.g. arn:aws:iam::111122223333:role/churn-sagemaker-exec',
  strategy: 'give a strategy such as Canary10Percent5Minutes, canary(10, 5m) or 10%,5m,pause,50%',
  alarms: 'give a list of CloudWatch alarm names, e.g. [churn-prod-5xx]',
  candidateAlarms:
    'give a list of alarm templates, e.g. [{ suffix: 5xx-rate, metricName: Invocation5XXErrors, statistic: Average, threshold: 0.05 }]',
  candidate: 'give instance settings, e.g. { instanceType: ml.m5.large, instanceCount: 2 }',
  instanceType: 'give a SageMaker instance type like ml.m5.large',
  instanceCount: 'give a whole number of instances, e.g. 2',
  onNewerApproval: 'use supersede, queue or reject',
  onOlderApproval: 'use ignore or deploy',
  allowUnguarded: 'use true or false',
  suffix: 'give a short suffix for the alarm name, e.g. 5xx-rate',
  metricName: 'give a SageMaker endpoint metric, e.g. Invocation5XXErrors or ModelLatency',
  statistic: 'use Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99',
  threshold: 'give a number, e.g. 0.05',
  engine: ENGINE_HELP,
  inferenceComponent: INFERENCE_COMPONENT_HELP,
};

/** How the whole file is checked: `--engine` on `policy validate` checks every policy under that engine. */
export interface PolicyCheckOptions {
  engine?: RolloutEngineKind;
}

/** Checks a parsed policy file (YAML or JSON, already read into plain data). Never throws. */
export function checkPolicyDocument(document: unknown, options: PolicyCheckOptions = {}): PolicyCheck {
  const problems: PolicyProblem[] = [];
  if (!isRecord(document)) {
    problems.push({
      path: [],
      message:
        'the file must be a mapping with a policies list, e.g. policies: [{ modelPackageGroup: churn-model, endpoint: churn-prod, executionRoleArn: … }]',
    });
    return { policies: [], problems };
  }
  const rootKeys = Object.keys(policyFileSchema.shape);
  for (const key of Object.keys(document).filter((k) => !rootKeys.includes(k))) {
    problems.push({ path: [key], message: unknownKeyMessage(key, rootKeys, 'the file') });
  }
  const raws = document.policies;
  if (raws === undefined || raws === null) {
    problems.push({
      path: [],
      message: 'policies: is required; list the policies under a top-level `policies:` key',
    });
    return { policies: [], problems };
  }
  if (!Array.isArray(raws)) {
    problems.push({ path: ['policies'], message: 'policies: must be a list, e.g. policies: [{ … }]' });
    return { policies: [], problems };
  }
  if (raws.length === 0) {
    problems.push({ path: ['policies'], message: 'policies: is empty; add at least one policy' });
    return { policies: [], problems };
  }
  const policies = raws.map((raw, index) =>
    checkPolicy(
      options.engine !== undefined && isRecord(raw) ? { ...raw, engine: options.engine } : raw,
      index,
      problems,
    ),
  );
  checkOnePolicyPer('endpoint', raws, problems);
  checkOnePolicyPer('modelPackageGroup', raws, problems);
  const checked = policies.filter((p): p is Policy => p !== undefined);
  return { policies: problems.length === 0 ? checked : [], problems };
}

/** `policies[1] (churn-model)`: how every message names a policy. */
export function policyLabel(raw: unknown, index: number): string {
  const group = isRecord(raw) ? raw.modelPackageGroup : undefined;
  return typeof group === 'string' && group !== '' ? `policies[${index}] (${group})` : `policies[${index}]`;
}

function checkPolicy(raw: unknown, index: number, problems: PolicyProblem[]): Policy | undefined {
  const label = policyLabel(raw, index);
  const at = (path: (string | number)[], text: string) =>
    problems.push({ path: ['policies', index, ...path], message: `${label}: ${text}` });
  if (!isRecord(raw)) {
    at(
      [],
      'must be a mapping, e.g. { modelPackageGroup: churn-model, endpoint: churn-prod, executionRoleArn: … }',
    );
    return undefined;
  }
  const before = problems.length;

  // Durations and the strategy say best themselves what is wrong with them (and where in a step
  // list), so their messages replace zod's for the same field.
  const replaced = new Set<string>();
  const attempt = <T>(field: string, check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!isSmRolloutError(error)) throw error;
      replaced.add(field);
      at([field], error.message);
      return undefined;
    }
  };
  // The pre-traffic check's own rules name its fields and fixes (and read the S3 URI and the bound).
  if (raw.preTrafficCheck !== undefined) {
    replaced.add('preTrafficCheck');
    for (const problem of preTrafficCheckProblems(raw.preTrafficCheck)) {
      const path = (problem.field ?? 'preTrafficCheck').split('.');
      at(path, problem.message);
    }
  }
  const finalBake = raw.finalBake as string | number | undefined;
  const finalBakeOk =
    finalBake === undefined || attempt('finalBake', () => toDurationMs(finalBake, 'finalBake')) !== undefined;
  const maxDuration = (raw.maxDuration ?? DEFAULT_MAX_DURATION) as string | number;
  const maxDurationMs = attempt('maxDuration', () => toDurationMs(maxDuration, 'maxDuration'));
  const strategy = (raw.strategy ?? DEFAULT_STRATEGY) as Parameters<typeof compilePlan>[0];
  const plan = attempt('strategy', () =>
    compilePlan(strategy, finalBakeOk && finalBake !== undefined ? { finalBake } : {}),
  );

  const parsed = policySchema.safeParse(raw);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    // The judge section's own checks (below) say what is wrong in its words, field by field.
    if (replaced.has(String(path[0])) || path[0] === 'judge') continue;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(path);
      for (const key of issue.keys) {
        at([...path, key], unknownKeyMessage(fieldName([...path, key]), known, objectName(path)));
      }
      continue;
    }
    at(path, `${fieldName(path)}: ${issueText(issue, path, valueAt(raw, path))}`);
  }

  // CloudWatch's rules for each candidate alarm, also when something else in the policy is wrong, and for
  // the fields of a template the schema did not already flag: every problem at once. A flagged field stands
  // in with a valid value, and a rule comparing with it (datapoints with evaluationPeriods, evaluation
  // periods with the period) is not reported on top.
  if (Array.isArray(raw.candidateAlarms)) {
    raw.candidateAlarms.forEach((item: unknown, i: number) => {
      if (typeof item !== 'object' || item === null) return;
      const one = candidateAlarmTemplateSchema.safeParse(item);
      const flagged = new Set(one.success ? [] : one.error.issues.map((issue) => String(issue.path[0])));
      const template = one.success
        ? one.data
        : {
            ...TEMPLATE_STAND_INS,
            ...item,
            ...Object.fromEntries([...flagged].map((field) => [field, TEMPLATE_STAND_INS[field]])),
          };
      for (const problem of candidateAlarmProblems(
        template as Parameters<typeof candidateAlarmProblems>[0],
      )) {
        if (flagged.has(problem.field) || flagged.has(RULE_COMPARES_WITH[problem.field] ?? '')) continue;
        at(
          ['candidateAlarms', i, problem.field],
          `candidateAlarms[${i}].${problem.field}: ${problem.message}`,
        );
      }
    });
  }

  for (const problem of judgeProblems(raw.judge)) {
    const field = problem.field ? `judge.${problem.field}` : 'judge';
    at(
      [
        'judge',
        ...problem.field
          .split(/[.[\]]+/)
          .filter(Boolean)
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      ],
      `${field}: ${problem.message}`,
    );
  }

  if (parsed.success && plan && maxDurationMs !== undefined) {
    const bakesMs = summarizePlan(plan).bakeTotalMs;
    if (maxDurationMs <= bakesMs) {
      at(
        ['maxDuration'],
        `maxDuration: ${formatDuration(maxDurationMs)} is not longer than the plan's bakes alone ` +
          `(${formatDuration(bakesMs)}), so every rollout would time out; raise maxDuration above ` +
          `${formatDuration(bakesMs)} plus time for endpoint updates (e.g. ${formatDuration(bakesMs + 60 * 60_000)}) or shorten the strategy`,
      );
    }
    if (parsed.data.inferenceComponent !== undefined) {
      for (const problem of inferenceComponentStartProblems({
        plan,
        alarms: parsed.data.alarms,
        allowUnguarded: parsed.data.allowUnguarded,
        ...(raw.engine !== undefined ? { engine: parsed.data.engine } : {}),
        candidate: parsed.data.candidate,
      })) {
        at([problem.field], nativeProblemLine(problem));
      }
      for (const field of ['judge', 'candidateAlarms', 'preTrafficCheck'] as const) {
        if (!writesCandidateVariantCheck(field, raw[field])) continue;
        at(
          [field],
          `${field}: ${INFERENCE_COMPONENT_UNSUPPORTED[field]}; remove ${field}${field === 'judge' ? ' (or set judge: false)' : ''}`,
        );
      }
    } else if (parsed.data.engine === 'native') {
      for (const problem of nativeStartProblems({
        plan,
        alarms: parsed.data.alarms,
        maxDurationMs,
        allowUnguarded: parsed.data.allowUnguarded,
      })) {
        // The stepwise rule above already says maxDuration is too short for the bakes alone.
        if (problem.field === 'maxDuration' && maxDurationMs <= bakesMs) continue;
        at([problem.field], nativeProblemLine(problem));
      }
      for (const field of ['judge', 'candidateAlarms', 'preTrafficCheck'] as const) {
        if (!writesCandidateVariantCheck(field, raw[field])) continue;
        at(
          [field],
          `${field}: ${NATIVE_UNSUPPORTED[field]}; remove ${field}${field === 'judge' ? ' (or set judge: false)' : ''}, or use engine: stepwise`,
        );
      }
    } else if (
      parsed.data.alarms.length === 0 &&
      parsed.data.candidateAlarms?.length === 0 &&
      !parsed.data.allowUnguarded &&
      !judgeGuards(resolveJudge(parsed.data.judge))
    ) {
      at(
        ['candidateAlarms'],
        'candidateAlarms: [] opts out of the default candidate alarms, alarms is empty and the judge is off (or a dry ' +
          'run, or has no critical metric), so nothing could roll a bad version back; remove candidateAlarms: [] (the defaults watch ' +
          "the candidate's error rate and p99 latency), add candidateAlarms (e.g. [{ suffix: 5xx-rate, metricName: " +
          'Invocation5XXErrors, statistic: Average, threshold: 0.05 }]) or alarms, or set allowUnguarded: true to roll ' +
          'out unguarded on purpose',
      );
    }
    const suffixes = new Map<string, number>();
    (parsed.data.candidateAlarms ?? []).forEach((template, i) => {
      const first = suffixes.get(template.suffix);
      if (first === undefined) suffixes.set(template.suffix, i);
      else
        at(
          ['candidateAlarms', i, 'suffix'],
          `candidateAlarms[${i}].suffix: "${template.suffix}" is already used by candidateAlarms[${first}]; ` +
            'give each candidate alarm its own suffix',
        );
    });
  }
  if (!parsed.success || !plan || maxDurationMs === undefined || problems.length > before) return undefined;
  // Under native, and on an inference component, there is no candidate variant: no default candidate
  // alarms, no judge (native-start.ts, inference-component-start.ts).
  const native = parsed.data.engine === 'native' || parsed.data.inferenceComponent !== undefined;
  const candidateAlarms =
    parsed.data.candidateAlarms ??
    (parsed.data.allowUnguarded || native
      ? []
      : defaultCandidateAlarms({ highResolution: parsed.data.enhancedMetrics }));
  const judgeSettings = native ? undefined : resolveJudge(parsed.data.judge);
  return {
    ...parsed.data,
    candidateAlarms,
    plan,
    maxDurationMs,
    ...(judgeSettings ? { judgeSettings } : {}),
  };
}

/** Whether a policy asks for a check that needs a candidate variant of its own (judge: false and [] do not). */
function writesCandidateVariantCheck(
  field: 'judge' | 'candidateAlarms' | 'preTrafficCheck',
  value: unknown,
): boolean {
  if (value === undefined || value === false) return false;
  return !(Array.isArray(value) && value.length === 0);
}

/** Two policies for one endpoint (or one group) would race; the later one is named with the first. */
function checkOnePolicyPer(
  field: 'endpoint' | 'modelPackageGroup',
  raws: unknown[],
  problems: PolicyProblem[],
): void {
  const firstIndex = new Map<string, number>();
  raws.forEach((raw, index) => {
    const value = isRecord(raw) ? raw[field] : undefined;
    if (typeof value !== 'string' || value === '') return;
    const first = firstIndex.get(value);
    if (first === undefined) {
      firstIndex.set(value, index);
      return;
    }
    const other = policyLabel(raws[first], first);
    const fix =
      field === 'endpoint'
        ? 'an endpoint runs one rollout at a time, so it takes one policy: remove one of them or point it at another endpoint'
        : "a group's approvals go to one endpoint: remove one of them (to serve two endpoints, register the model in a second group)";
    problems.push({
      path: ['policies', index, field],
      message: `${policyLabel(raw, index)}: ${field}: ${value} already has a policy, ${other}; ${fix}`,
    });
  });
}

function unknownKeyMessage(field: string, known: readonly string[], where: string): string {
  const key = field.replace(/^.*[.\]]/, '');
  const suggestion = suggestKey(key, known);
  return suggestion
    ? `${field}: is not a setting of ${where}; did you mean ${suggestion}?`
    : `${field}: is not a setting of ${where}; the settings are ${known.join(', ')}`;
}

function objectName(path: (string | number)[]): string {
  const last = path.filter((p): p is string => typeof p === 'string').at(-1);
  if (last === 'candidate') return 'candidate';
  if (last === 'candidateAlarms') return 'a candidate alarm';
  if (last === 'preTrafficCheck') return 'preTrafficCheck';
  return 'a policy';
}

/** The keys a strict object at `path` (inside a policy) accepts. */
function knownKeys(path: (string | number)[]): string[] {
  const named = path.filter((p): p is string => typeof p === 'string');
  const last = named.at(-1);
  if (last === 'candidate') return Object.keys(candidateSchema.shape);
  if (last === 'candidateAlarms') return Object.keys(candidateAlarmSchema.shape);
  if (last === 'preTrafficCheck') return Object.keys(preTrafficCheckInputSchema.shape);
  return Object.keys(policySchema.shape);
}

function issueText(issue: z.core.$ZodIssue, path: (string | number)[], value: unknown): string {
  const last = [...path].reverse().find((p): p is string => typeof p === 'string') ?? '';
  const help = FIELD_HELP[last];
  if (issue.code === 'invalid_type' && value === undefined) return `is required; ${help ?? issue.message}`;
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `${quote(value)} is not allowed; use ${issue.values.map(String).join(', ')}`;
  }
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && help) {
    return `${quote(value)} is not valid here; ${help}`;
  }
  if (issue.code === 'invalid_format' || issue.code === 'custom')
    return `${quote(value)} is not valid; ${issue.message}`;
  const bound = boundWords(issue, value);
  // A bound the schema words itself (retainPrevious) says more than the generic words would.
  if (bound && !/^Too (small|big)/.test(issue.message)) return issue.message;
  // An element of a list (alarms[0]) is not the list its help describes.
  const element = typeof path.at(-1) === 'number';
  if (bound) return help && !element && issue.code === 'too_small' ? `${bound}; ${help}` : bound;
  return issue.message;
}

function fieldName(path: (string | number)[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let value = root;
  for (const key of path) value = isRecord(value) || Array.isArray(value) ? (value as never)[key] : undefined;
  return value;
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
