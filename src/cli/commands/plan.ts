// `sm-rollout plan`: shows the steps a strategy compiles to and how long it takes at least.
import { compilePlan, describeStep, formatDuration, summarizePlan } from '../../plan';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { namingFlags } from './shared';

export const PLAN_USAGE = `Usage: sm-rollout plan <strategy> [--final-bake <duration>] [--output json]

Shows the steps a strategy compiles to and the minimum time it takes (bakes only;
endpoint updates add a few minutes each, manual gates wait for promote).

Strategies:
  presets       AllAtOnce, Canary10Percent5Minutes, Canary10Percent10Minutes,
                Canary10Percent15Minutes, Canary10Percent30Minutes,
                Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes,
                Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes
  parametric    "canary(10, 5m)", "linear(20, 2m)", "allAtOnce(15m)"
  step list     "10%,5m,pause,50%,10m"  (weight, bake, manual gate; 100% is added)

Options:
  --final-bake <d>   bake after 100% before promotion (the rollback window), default 10m
  --output json      one JSON document

Examples:
  sm-rollout plan Canary10Percent5Minutes
  sm-rollout plan "linear(25, 3m)" --final-bake 15m
  sm-rollout plan "5%,10m,pause,50%,10m" --output json
`;

export interface PlanReport {
  strategy: string;
  steps: ReturnType<typeof compilePlan>['steps'];
  minimumDurationMs: number;
  minimumDuration: string;
  trafficSteps: number;
  manualGates: number;
}

/** The operation behind the verb: compile and summarise (errors name the field). */
export function planReport(strategy: string, finalBake?: string): PlanReport {
  const plan = compilePlan(strategy, finalBake === undefined ? {} : { finalBake });
  const summary = summarizePlan(plan);
  return {
    strategy: plan.strategy,
    steps: plan.steps,
    minimumDurationMs: summary.minimumDurationMs,
    minimumDuration: formatDuration(summary.minimumDurationMs),
    trafficSteps: summary.trafficSteps,
    manualGates: summary.manualGates,
  };
}

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    'final-bake': { type: 'string' },
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
  // The strategy is the argument, not a flag; only --final-bake is renamed.
  const report = await namingFlags(
    async () => planReport(positionals[0]!, values['final-bake']),
    ['finalBake'],
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
  io.out(
    `Minimum duration: ${report.minimumDuration} of bakes${gates}, plus two endpoint updates (typically 5–10 min each)`,
  );
  return EXIT.succeeded;
}
