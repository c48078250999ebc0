// `sm-rollout plan`: shows the steps a strategy compiles to and how long it takes at least; with
// `--engine native`, the UpdateEndpoint DeploymentConfig the steps become, or why they cannot; with
// `--copies <n>`, the RollingUpdatePolicy an inference component of that many copies runs.
import { ABORT_ALARM_STAND_IN, DEFAULT_MAX_DURATION, nativeProblemLine } from '../../engine';
import { SmRolloutError } from '../../errors';
import {
  compileInferenceComponentUpdate,
  compileNativeDeployment,
  compilePlan,
  describeNativeDeployment,
  describeStep,
  formatDuration,
  summarizePlan,
  toDurationMs,
} from '../../plan';
import type {
  InferenceComponentRollingUpdate,
  NativeDeploymentConfig,
  RolloutEngineKind,
} from '../../../statemachines/contract';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseEngineFlag, parseFlags } from '../flags';
import { namingFlags } from './shared';

export const PLAN_USAGE = `Usage: sm-rollout plan <strategy> [--final-bake <duration>] [--output json]
       sm-rollout plan <strategy> --engine native [--alarm <name>]... [--instance-count <n>] [--max-duration <d>]
       sm-rollout plan <strategy> --copies <n> [--alarm <name>]...

Shows the steps a strategy compiles to and the minimum time it takes (bakes only;
endpoint updates add a few minutes each, manual gates wait for promote).

With --engine native it also shows the DeploymentConfig SageMaker deployment guardrails will run
(UpdateEndpoint: blue/green traffic routing, canary or linear step size, the bake after each shift,
the termination wait, the timeout and the alarms), or refuses, naming the step and the limit, a plan
guardrails cannot express: manual gates, analysis steps, unequal bakes or steps, a canary over 50%,
linear steps outside 10–50%, a bake over 1h, 8h of waits in all, more than 9 alarms (the rollout's
abort alarm is the tenth). Nothing is sent to AWS.

With --copies <n> (the copy count of an inference component, as a policy's inferenceComponent
targets) it shows the RollingUpdatePolicy of the UpdateInferenceComponent SageMaker will run (batch
size in copies, the bake of each batch, the timeout, the alarms), or refuses what a rolling update
cannot express: manual gates, analysis steps, a first step under 5% or over 50% of the copies or
under one copy, later steps that are not whole batches, unequal bakes, a bake over 1h.

Strategies:
  presets       AllAtOnce, Canary10Percent5Minutes, Canary10Percent10Minutes,
                Canary10Percent15Minutes, Canary10Percent30Minutes,
                Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes,
                Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes
  parametric    "canary(10, 5m)", "linear(20, 2m)", "allAtOnce(15m)"
  step list     "10%,5m,pause,50%,10m"  (weight, bake, manual gate; 100% is added)

Options:
  --final-bake <d>   bake after 100% before promotion (the rollback window), default 10m
  --engine <e>       stepwise (default: the controller moves the weights) or native (guardrails)
  --alarm <name>     native: an alarm for AutoRollbackConfiguration (repeatable), as start takes it
  --instance-count <n>  native: the serving variant's instances: sizes become the whole instances guardrails shifts
  --max-duration <d> native: the deployment's MaximumExecutionTimeoutInSeconds (default 4h, at most 8h)
  --copies <n>       an inference component's copy count: show its rolling update (with --alarm)
  --output json      one JSON document

Examples:
  sm-rollout plan Canary10Percent5Minutes
  sm-rollout plan "linear(25, 3m)" --final-bake 15m
  sm-rollout plan "5%,10m,pause,50%,10m" --output json
  sm-rollout plan Canary10Percent5Minutes --engine native --alarm churn-prod-5xx --instance-count 10
  sm-rollout plan "linear(25, 5m)" --copies 8 --alarm chat-assistant-5xx
`;

export interface PlanReport {
  strategy: string;
  steps: ReturnType<typeof compilePlan>['steps'];
  minimumDurationMs: number;
  minimumDuration: string;
  trafficSteps: number;
  manualGates: number;
  /** Present with --engine: how traffic moves. */
  engine?: RolloutEngineKind;
  /** Native: the UpdateEndpoint DeploymentConfig the plan compiles to. */
  deploymentConfig?: NativeDeploymentConfig;
  /** Native: the DeploymentConfig in words, one line each, and what cannot run. */
  deploymentConfigText?: string[];
  /** With --copies: the inference component's RollingUpdatePolicy and AutoRollbackConfiguration alarms. */
  rollingUpdate?: InferenceComponentRollingUpdate & {
    autoRollbackAlarms: string[];
    copies: number;
    batches: number;
  };
  /** With --copies: the rolling update in words, one line each, and what cannot run. */
  rollingUpdateText?: string[];
}

/** The rolling update an inference component of `copies` copies runs for the plan, or the refusal. */
export function inferenceComponentPlanReport(
  strategy: string,
  finalBake: string | undefined,
  copies: number,
  alarms: readonly string[] = [],
): PlanReport {
  const report = planReport(strategy, finalBake);
  const plan = { strategy: report.strategy, steps: report.steps };
  const compiled = compileInferenceComponentUpdate({
    plan,
    copyCount: copies,
    alarms,
    abortAlarmName: ABORT_ALARM_STAND_IN,
  });
  if (!compiled.ok) {
    const lines = compiled.problems.map(nativeProblemLine);
    throw new SmRolloutError(
      'INVALID_PLAN',
      [lines[0]!, ...lines.slice(1).map((line) => `  ${line}`)].join('\n'),
      { field: compiled.problems[0]!.field },
    );
  }
  const r = compiled.rollingUpdate;
  const batch = r.maximumBatchSize.value;
  const text = [
    `MaximumBatchSize: ${batch} ${batch === 1 ? 'copy' : 'copies'} of ${copies} (COPY_COUNT): ${compiled.batches} batches`,
    `WaitIntervalInSeconds: ${r.waitIntervalInSeconds} (each batch bakes ${formatDuration(r.waitIntervalInSeconds * 1000)} while SageMaker watches the alarms)`,
    `MaximumExecutionTimeoutInSeconds: ${r.maximumExecutionTimeoutInSeconds ?? 'none'}`,
    `RollbackMaximumBatchSize: ${r.rollbackMaximumBatchSize?.value ?? 100}% (every old copy back at once)`,
    `AutoRollbackConfiguration: ${compiled.autoRollbackAlarms.join(', ')}`,
    ...compiled.notes,
    ...(alarms.length === 0
      ? ['no --alarm: only the abort alarm; start refuses that unless --no-guard (allowUnguarded)']
      : []),
    'not on an inference component: the judge, candidate alarms and the pre-traffic check (old and new copies ' +
      'serve under one InferenceComponentName, so nothing can tell their metrics apart); SageMaker watches the alarms above',
    `abort puts ${ABORT_ALARM_STAND_IN} into ALARM (SetAlarmState) so SageMaker rolls back; after the last batch, a second rolling update puts the previous model back`,
  ];
  return {
    ...report,
    rollingUpdate: {
      ...r,
      autoRollbackAlarms: compiled.autoRollbackAlarms,
      copies,
      batches: compiled.batches,
    },
    rollingUpdateText: text,
  };
}

export interface NativePlanOptions {
  alarms?: readonly string[];
  instanceCount?: number;
  /** As --max-duration is written; default 4h, as start's. */
  maxDuration?: string;
}

const NATIVE_NOTES = [
  'not under native: the judge, candidate alarms and the pre-traffic check (blue and green fleets serve under one ' +
    'variant name, so nothing can tell their metrics apart); SageMaker watches the alarms above',
  `abort puts ${ABORT_ALARM_STAND_IN} into ALARM (SetAlarmState) so SageMaker rolls back: guardrails has no stop API`,
];

/** The operation behind the verb: compile and summarise (errors name the field). */
export function planReport(
  strategy: string,
  finalBake?: string,
  engine?: RolloutEngineKind,
  native: NativePlanOptions = {},
): PlanReport {
  const plan = compilePlan(strategy, finalBake === undefined ? {} : { finalBake });
  const summary = summarizePlan(plan);
  const report: PlanReport = {
    strategy: plan.strategy,
    steps: plan.steps,
    minimumDurationMs: summary.minimumDurationMs,
    minimumDuration: formatDuration(summary.minimumDurationMs),
    trafficSteps: summary.trafficSteps,
    manualGates: summary.manualGates,
    ...(engine ? { engine } : {}),
  };
  if (engine !== 'native') return report;
  const compiled = compileNativeDeployment({
    plan,
    alarms: native.alarms ?? [],
    abortAlarmName: ABORT_ALARM_STAND_IN,
    maxDurationMs: toDurationMs(native.maxDuration ?? DEFAULT_MAX_DURATION, 'maxDuration'),
    ...(native.instanceCount !== undefined ? { instanceCount: native.instanceCount } : {}),
  });
  if (!compiled.ok) {
    const lines = compiled.problems.map(nativeProblemLine);
    throw new SmRolloutError(
      'INVALID_PLAN',
      lines.length === 1
        ? lines[0]!
        : `${lines[0]!}\n${lines
            .slice(1)
            .map((line) => `  ${line}`)
            .join('\n')}`,
      { field: compiled.problems[0]!.field },
    );
  }
  const text = describeNativeDeployment(compiled.deploymentConfig, plan);
  if ((native.alarms ?? []).length === 0) {
    text.push('no --alarm: only the abort alarm; start refuses that unless --no-guard (allowUnguarded)');
  }
  return {
    ...report,
    deploymentConfig: compiled.deploymentConfig,
    deploymentConfigText: [...text, ...NATIVE_NOTES],
  };
}

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    'final-bake': { type: 'string' },
    engine: { type: 'string' },
    alarm: { type: 'string', multiple: true },
    'instance-count': { type: 'string' },
    'max-duration': { type: 'string' },
    copies: { type: 'string' },
    output: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(PLAN_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length !== 1)
    throw new UsageError('plan takes exactly one strategy, e.g. `sm-rollout plan Canary10Percent5Minutes`');
  if (values.output !== undefined && values.output !== 'json')
    throw new UsageError(`--output: "${values.output}" is not supported; use --output json`);
  const engine = parseEngineFlag(values.engine);
  if (values.copies !== undefined) return inferenceComponentPlan(positionals[0]!, values, io);
  const nativeOnly = (['alarm', 'instance-count', 'max-duration'] as const).filter(
    (f) => values[f] !== undefined,
  );
  if (engine !== 'native' && nativeOnly.length > 0) {
    throw new UsageError(
      `--${nativeOnly[0]} applies to --engine native (the DeploymentConfig it shows); add --engine native or leave it out`,
      { field: `--${nativeOnly[0]}` },
    );
  }
  const count = values['instance-count'];
  if (count !== undefined && !/^[1-9]\d*$/.test(count)) {
    throw new UsageError(`--instance-count: "${count}" is not a whole number of instances, e.g. 4`, {
      field: '--instance-count',
    });
  }
  // The strategy is the argument, not a flag; it keeps its name.
  const report = await namingFlags(
    async () =>
      planReport(positionals[0]!, values['final-bake'], engine, {
        ...(values.alarm ? { alarms: values.alarm } : {}),
        ...(count !== undefined ? { instanceCount: Number(count) } : {}),
        ...(values['max-duration'] !== undefined ? { maxDuration: values['max-duration'] } : {}),
      }),
    ['finalBake', 'maxDuration', 'alarms'],
  );
  if (values.output === 'json') {
    io.out(JSON.stringify(report, null, 2));
    return EXIT.succeeded;
  }
  io.out(`Strategy ${report.strategy}: ${report.steps.length} steps`);
  report.steps.forEach((step, i) => io.out(`  ${String(i + 1).padStart(2)}. ${describeStep(step)}`));
  const gates = report.manualGates
    ? ` plus ${report.manualGates} manual gate${report.manualGates > 1 ? 's' : ''}`
    : '';
  if (report.deploymentConfig) {
    io.out(
      `Minimum duration: ${report.minimumDuration} of the plan's bakes, plus provisioning the new fleet (typically 5–10 min)`,
    );
    io.out(
      'Engine native: SageMaker deployment guardrails run it as one UpdateEndpoint with this DeploymentConfig',
    );
    for (const line of report.deploymentConfigText ?? []) io.out(`  ${line}`);
    return EXIT.succeeded;
  }
  io.out(
    `Minimum duration: ${report.minimumDuration} of bakes${gates}, plus two endpoint updates (typically 5–10 min each)`,
  );
  return EXIT.succeeded;
}

async function inferenceComponentPlan(
  strategy: string,
  values: {
    copies?: string;
    engine?: string;
    alarm?: string[];
    'final-bake'?: string;
    'instance-count'?: string;
    'max-duration'?: string;
    output?: string;
  },
  io: CliIo,
): Promise<number> {
  const copies = values.copies!;
  if (!/^[1-9]\d*$/.test(copies)) {
    throw new UsageError(`--copies: "${copies}" is not a whole number of copies, e.g. 4`, {
      field: '--copies',
    });
  }
  const other = (['engine', 'instance-count', 'max-duration'] as const).find((f) => values[f] !== undefined);
  if (other) {
    throw new UsageError(
      `--${other} does not apply with --copies (an inference component's rolling update): leave it out`,
      { field: `--${other}` },
    );
  }
  const report = await namingFlags(
    async () =>
      inferenceComponentPlanReport(strategy, values['final-bake'], Number(copies), values.alarm ?? []),
    ['finalBake', 'alarms'],
  );
  if (values.output === 'json') {
    io.out(JSON.stringify(report, null, 2));
    return EXIT.succeeded;
  }
  io.out(`Strategy ${report.strategy}: ${report.steps.length} steps`);
  report.steps.forEach((step, i) => io.out(`  ${String(i + 1).padStart(2)}. ${describeStep(step)}`));
  io.out(
    `Minimum duration: ${report.minimumDuration} of the plan's bakes, plus each batch's copies coming up (minutes each)`,
  );
  io.out(
    `Inference component of ${copies} copies: SageMaker runs it as one UpdateInferenceComponent with this RollingUpdatePolicy`,
  );
  for (const line of report.rollingUpdateText ?? []) io.out(`  ${line}`);
  return EXIT.succeeded;
}
