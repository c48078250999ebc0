// `sm-rollout plan`: shows the steps a strategy compiles to and how long it takes at least; with
// `--engine native`, the UpdateEndpoint DeploymentConfig the steps become, or why they cannot.
import { ABORT_ALARM_STAND_IN, DEFAULT_MAX_DURATION, nativeProblemLine } from '../../engine';
import { SmRolloutError } from '../../errors';
import {
  compileNativeDeployment,
  compilePlan,
  describeNativeDeployment,
  describeStep,
  formatDuration,
  summarizePlan,
  toDurationMs,
} from '../../plan';
import type { NativeDeploymentConfig, RolloutEngineKind } from '../../../statemachines/contract';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseEngineFlag, parseFlags } from '../flags';
import { namingFlags } from './shared';

export const PLAN_USAGE = `Usage: sm-rollout plan <strategy> [--final-bake <duration>] [--output json]
       sm-rollout plan <strategy> --engine native [--alarm <name>]... [--instance-count <n>] [--max-duration <d>]

Shows the steps a strategy compiles to and the minimum time it takes (bakes only;
endpoint updates add a few minutes each, manual gates wait for promote).

With --engine native it also shows the DeploymentConfig SageMaker deployment guardrails will run
(UpdateEndpoint: blue/green traffic routing, canary or linear step size, the bake after each shift,
the termination wait, the timeout and the alarms), or refuses, naming the step and the limit, a plan
guardrails cannot express: manual gates, analysis steps, unequal bakes or steps, a canary over 50%,
linear steps outside 10–50%, a bake over 1h, 8h of waits in all, more than 9 alarms (the rollout's
abort alarm is the tenth). Nothing is sent to AWS.

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
  --output json      one JSON document

Examples:
  sm-rollout plan Canary10Percent5Minutes
  sm-rollout plan "linear(25, 3m)" --final-bake 15m
  sm-rollout plan "5%,10m,pause,50%,10m" --output json
  sm-rollout plan Canary10Percent5Minutes --engine native --alarm churn-prod-5xx --instance-count 10
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
