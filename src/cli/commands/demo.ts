// `sm-rollout demo`: a whole rollout on the simulated cloud, faster than real time, printed as it
// happens — the quickest way to see what sm-rollout does, with no AWS account; stepwise by default,
// on SageMaker's native guardrails engine (`--engine native`), or onto an inference component
// (`--scenario inference-component`: SageMaker's rolling update replaces its copies).
import path from 'node:path';
import type { RolloutEngineKind } from '../../../statemachines/contract';
import { isTerminal } from '../../../statemachines/describe';
import { policyLookup } from '../../handlers/environment';
import { compilePlan, DEFAULT_STRATEGY, formatDuration } from '../../plan';
import { parsePolicies } from '../../policy';
import type { MemoryRolloutStore, RolloutRecord } from '../../store';
import {
  DEMO_SCALING,
  BAD_MODEL,
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_GROUP,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../simulated-environment';
import { IC_SCENE, inferenceComponentDemoAccount } from '../inference-component-scene';
import { saveSimulatedWorld } from '../simulated-world';
import { shellQuote } from '../mode';
import { EXIT, UsageError, exitCodeForStatus, paint, type CliIo } from '../io';
import { LiveView } from '../live';
import { LINE_WIDTH, packageLabel, statusColour, statusWords, watchedAlarmNames, wrap } from '../render';
import { parseFlags } from '../flags';
import { namingFlags } from './shared';

export const DEMO_USAGE = `Usage: sm-rollout demo [--scenario <scenario>] [--engine stepwise|native]
                        [--strategy <plan>] [--final-bake <d>] [--speed <n>|max] [--seed <n>]
                        [--output json]

Runs a whole rollout on a simulated SageMaker endpoint (no AWS account needed) and prints
each step as it happens: traffic weights, bake countdowns and alarm states.

Scenarios:
  healthy      a good model version goes live (default)
  bad-model    the new version returns 20% errors: its alarm fires during the bake and
               sm-rollout puts all traffic back on the old model and removes the new one
  manual-gate  the plan stops at a manual gate until an operator promotes it
  inference-component
               an LLM endpoint that hosts inference component chat-assistant (4 copies): the
               new version replaces its copies in SageMaker's rolling update, one copy per
               batch, each baked while the team's alarm on the component is watched, then
               sm-rollout holds the final bake
  inference-component-bad-model
               the same with a version that returns 20% errors: the component's alarm fires
               during a batch's bake and SageMaker puts the old copies back

Options:
  --engine <e>        stepwise (default): sm-rollout moves the traffic; native: SageMaker deployment
                      guardrails moves it (a blue/green canary), sm-rollout follows, and the team's
                      alarm on the variant is what SageMaker rolls back on (not with manual-gate)
  --strategy <plan>   any strategy \`sm-rollout plan\` accepts (default Canary10Percent5Minutes;
                      native: "canary(50, 5m)", one of the two instances; manual-gate: "10%,2m,pause,50%,2m";
                      inference-component: "linear(25, 3m)", one copy of the four per batch)
  --final-bake <d>    bake at 100% before promotion (default 10m)
  --speed <n>|max     simulated seconds per real second (default 100); max = no waiting
  --seed <n>          seed of the simulated cloud (default 7): same seed, same run
  --output json       print one JSON document at the end: {id, endpoint, status, reason, timeline}

The demo's account is saved when it ends (in .sm-rollout/demo, or SM_ROLLOUT_DEMO_DIR), so its
rollout can be drawn afterwards: the demo prints the \`sm-rollout report\` command that does it.

Exit codes: 0 succeeded, 2 rolled back, 3 failed, 1 bad usage, 5 sm-rollout itself failed.

Examples:
  sm-rollout demo
  sm-rollout demo --scenario bad-model
  sm-rollout demo --engine native --scenario bad-model
  sm-rollout demo --scenario inference-component
  sm-rollout demo --strategy Linear10PercentEvery1Minute --speed max --output json
  SM_ROLLOUT_SIM_DIR=.sm-rollout/demo sm-rollout report --endpoint churn-prod --simulate --out demo.html
`;

/** Where the demo saves its account: a folder of its own, never the \`--simulate\` account's. */
export const DEMO_STATE_DIR = '.sm-rollout/demo';

/** The command that draws the demo's rollout from its saved account, pasteable in the same folder. */
export function reportHint(id: string, stateDir: string): string {
  return `SM_ROLLOUT_SIM_DIR=${shellQuote(stateDir)} npx sm-rollout report ${id} --simulate --out ${id}.html`;
}

export type DemoScenario =
  'healthy' | 'bad-model' | 'manual-gate' | 'inference-component' | 'inference-component-bad-model';

export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  'healthy',
  'bad-model',
  'manual-gate',
  'inference-component',
  'inference-component-bad-model',
];

/** The native demo's team alarm: the variant's error rate, which SageMaker watches while it bakes. */
export const DEMO_TEAM_ALARM = `${DEMO_ENDPOINT}-5xx-rate`;

/**
 * The native demo's default plan: guardrails shifts whole instances, and the demo endpoint runs two,
 * so its canary is one of them (a 10% canary would be a fifth of an instance, which it refuses).
 */
export const NATIVE_DEMO_STRATEGY = 'canary(50, 5m)';

export interface DemoOptions {
  scenario: DemoScenario;
  /** Absent: stepwise. */
  engine?: RolloutEngineKind;
  strategy?: string;
  finalBake?: string;
  /** Simulated seconds per real second; Infinity = no waiting. */
  speed: number;
  seed: number;
  /** Called with each line of human output as it happens. */
  print?: (line: string) => void;
  /** The live view (a status block redrawn on a terminal); lines go through it instead of `print`. */
  view?: LiveView;
  /** Saves the demo's account here when the rollout has ended, as a world `--simulate` opens. */
  saveTo?: string;
}

export interface DemoResult {
  id: string;
  endpoint: string;
  status: string;
  /** Why it ended; null when it simply succeeded. */
  reason: string | null;
  timeline: { at: string; kind: string; message: string }[];
}

function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** The demo's policy: the churn-model group deploys to churn-prod, as a policies file would say. */
export function demoPolicies(
  strategy: string,
  finalBake: string | undefined,
  engine: RolloutEngineKind = 'stepwise',
) {
  // The flags are checked as a start request would check them, so an error names --strategy or
  // --final-bake, not the policy built from them; the rollout may take its bakes plus two hours.
  const plan = compilePlan(strategy, { finalBake });
  const bakesMs = plan.steps.reduce(
    (sum, s) => sum + (s.kind === 'bake' || s.kind === 'analysis' ? s.durationMs : 0),
    0,
  );
  const document = {
    policies: [
      {
        modelPackageGroup: DEMO_GROUP,
        endpoint: DEMO_ENDPOINT,
        strategy,
        ...(finalBake ? { finalBake } : {}),
        maxDuration: formatDuration(bakesMs + 2 * 60 * 60_000),
        // Native: one variant name serves both fleets, so the team's alarm on it is the guard.
        ...(engine === 'native'
          ? { engine: 'native', alarms: [DEMO_TEAM_ALARM] }
          : { candidateAlarms: DEMO_CANDIDATE_ALARMS }),
        executionRoleArn: DEMO_ROLE,
        onNewerApproval: 'supersede',
      },
    ],
  };
  return policyLookup(parsePolicies(JSON.stringify(document), 'demo policy'));
}

/**
 * The operation behind the verb: a simulated account with the demo's policy; a new version is
 * approved in the Model Registry, and the approval event, the endpoint and alarm events and a
 * Scheduled Event every simulated minute reach the same controller the Lambda runs.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { view } = options;
  const say = options.print ?? (() => undefined);
  const print = (line: string) => (view ? view.lines(wrap(line, LINE_WIDTH, '  ')) : say(line));
  if (options.scenario.startsWith('inference-component')) {
    const account = await inferenceComponentDemoAccount({
      bad: options.scenario === 'inference-component-bad-model',
      seed: options.seed,
      speed: options.speed,
      ...(options.strategy ? { strategy: options.strategy } : {}),
      ...(options.finalBake ? { finalBake: options.finalBake } : {}),
      print,
    });
    return followDemo(
      options,
      account.env,
      account.packageArn,
      IC_SCENE.endpoint,
      print,
      account.describeEnd,
    );
  }
  const native = options.engine === 'native';
  const strategy =
    options.strategy ??
    (options.scenario === 'manual-gate'
      ? '10%,2m,pause,50%,2m'
      : native
        ? NATIVE_DEMO_STRATEGY
        : DEFAULT_STRATEGY);
  const env = createSimulatedEnvironment({
    sim: { seed: options.seed },
    policies: demoPolicies(strategy, options.finalBake, options.engine),
    speed: options.speed,
    // Like a production endpoint: its variant scales with load, and the rollout must keep it so.
    autoScaling: true,
  });
  const { sim } = env;
  const candidateBehaviour = options.scenario === 'bad-model' ? BAD_MODEL : HEALTHY_MODEL;

  print(
    `Simulated endpoint ${DEMO_ENDPOINT}: serving ${packageLabel(env.baselinePackageArn)} (2 × ml.m5.large, ` +
      `auto scaling ${DEMO_SCALING.target.minCapacity}–${DEMO_SCALING.target.maxCapacity}), 600 requests/min`,
  );
  if (native) {
    // The team's own alarm on the serving variant, as a production endpoint has one.
    sim.createMetricAlarm({
      alarmName: DEMO_TEAM_ALARM,
      metricName: 'Invocation5XXErrors',
      endpointName: DEMO_ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
    });
    print(
      `Engine: native. SageMaker deployment guardrails moves the traffic (strategy ${strategy}) and rolls back ` +
        `on alarm ${DEMO_TEAM_ALARM} (the variant's error rate above 5%); sm-rollout follows and decides by the ` +
        'config that serves',
    );
  }
  const packageArn = env.approveNewVersion(candidateBehaviour);
  print(
    `New version approved in the Model Registry: ${packageLabel(packageArn)} (${(candidateBehaviour.errorRate * 100).toFixed(1)}% errors, ` +
      `~${candidateBehaviour.latencyMs} ms)`,
  );
  return followDemo(options, env, packageArn, DEMO_ENDPOINT, print, () => {
    const endpoint = sim.endpoint(DEMO_ENDPOINT);
    return endpoint
      ? `Endpoint ${DEMO_ENDPOINT} now: ${endpoint.status} on ${endpoint.endpointConfigName}, serving ` +
          endpoint.variants.map((v) => `${v.variantName} (${v.modelName})`).join(', ')
      : undefined;
  });
}

/**
 * The approval is delivered as EventBridge delivers it: the controller starts the rollout from it;
 * then the rollout runs a simulated minute at a time, printed as it goes, until it ends.
 */
async function followDemo(
  options: DemoOptions,
  env: SimulatedEnvironment,
  packageArn: string,
  endpointName: string,
  print: (line: string) => void,
  describeEnd: () => string | undefined,
): Promise<DemoResult> {
  const { view } = options;
  const say = options.print ?? (() => undefined);
  const { sim, bridge, store } = env;
  await bridge.flush();
  const started = (await store.list({ endpointName })).find((r) => r.modelPackageArn === packageArn);
  if (!started) {
    throw new Error(`the controller did not start a rollout for the approval: ${JSON.stringify(env.logs)}`);
  }
  const id = started.id;
  let record: RolloutRecord = started;
  let printed = 0;
  const printNew = async () => {
    record = (await store.get(id)) ?? record;
    if (record.timelineLength <= printed) return;
    const added = (await store.timeline(id)).slice(printed);
    if (view) view.entries(added);
    else for (const entry of added) say(`[${clockTime(entry.at)}] ${entry.message}`);
    printed = record.timelineLength;
  };

  let gateSince: number | undefined;
  // The live view redraws (a terminal) or prints a line when something changed, once a simulated minute.
  const progress = async () => {
    if (!view) return;
    const alarms = await sim.cloudwatch.describeAlarms(watchedAlarmNames(record));
    view.update(record, alarms, sim.clock.now());
  };

  await printNew();
  bridge.between = printNew;
  for (let minutes = 0; !isTerminal(record.status); minutes++) {
    if (minutes > 24 * 60)
      throw new Error(`rollout ${id} has not ended after a simulated day: ${record.phase}`);
    await bridge.minute();
    await printNew();
    if (isTerminal(record.status)) break;
    // Every state until the end, rolling back included: the block shows the alarm and the rollback.
    await progress();
    if (options.scenario !== 'manual-gate' || record.status !== 'awaitingPromotion') {
      gateSince = undefined;
      continue;
    }
    gateSince ??= sim.clock.now();
    if (sim.clock.now() - gateSince < 2 * 60_000) continue;
    print(
      `[${clockTime(sim.clock.now())}] operator checks the dashboards and runs: sm-rollout promote ${id}`,
    );
    await env.driver.send(
      bridge.commandEvent({ command: 'promote', rolloutId: id, requestedBy: 'demo-operator' }),
    );
    await printNew();
  }
  const final = record;
  const timeline = await store.timeline(id);
  if (options.saveTo) {
    await saveSimulatedWorld(options.saveTo, { sim, store: store as MemoryRolloutStore }, 'sm-rollout demo');
  }
  const end = describeEnd();
  if (end) print(end);
  return {
    id,
    endpoint: endpointName,
    status: final.status,
    reason: final.reason ?? null,
    timeline: timeline.map((e) => ({ at: new Date(e.at).toISOString(), kind: e.kind, message: e.message })),
  };
}

export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    scenario: { type: 'string', default: 'healthy' },
    engine: { type: 'string', default: 'stepwise' },
    strategy: { type: 'string' },
    'final-bake': { type: 'string' },
    speed: { type: 'string', default: '100' },
    seed: { type: 'string', default: '7' },
    output: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(DEMO_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length)
    throw new UsageError(`demo takes no positional arguments (got "${positionals.join(' ')}")`);
  if (!DEMO_SCENARIOS.includes(values.scenario as DemoScenario)) {
    throw new UsageError(
      `--scenario: "${values.scenario}" is not a scenario; use one of ${DEMO_SCENARIOS.join(', ')}`,
    );
  }
  if (values.engine === 'native' && values.scenario.startsWith('inference-component')) {
    throw new UsageError(
      `--engine native: the ${values.scenario} scenario already runs on SageMaker (its rolling update of the ` +
        'component); leave --engine out',
    );
  }
  const engines: RolloutEngineKind[] = ['stepwise', 'native'];
  if (!engines.includes(values.engine as RolloutEngineKind)) {
    throw new UsageError(`--engine: "${values.engine}" is not an engine; use stepwise or native`);
  }
  if (values.engine === 'native' && values.scenario === 'manual-gate') {
    throw new UsageError(
      '--engine native: the manual-gate scenario waits at a manual gate, and SageMaker deployment guardrails has ' +
        'none; run it with --engine stepwise, or pick --scenario healthy or bad-model',
    );
  }
  const speed = values.speed === 'max' ? Infinity : Number(values.speed);
  if (!(speed > 0))
    throw new UsageError(`--speed: "${values.speed}" is not a positive number; use e.g. 100, or max`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: "${values.seed}" is not an integer`);
  if (values.output !== undefined && values.output !== 'json')
    throw new UsageError(`--output: "${values.output}" is not supported; use --output json`);
  const json = values.output === 'json';
  // No mode flag: the demo's account lives in this process, so its timeline's commands are narration;
  // it is saved at the end (in its own folder) only so `report` can draw it.
  const view = new LiveView(io, io.columns);
  const stateDir = process.env.SM_ROLLOUT_DEMO_DIR ?? DEMO_STATE_DIR;
  const result = await namingFlags(() =>
    runDemo({
      scenario: values.scenario as DemoScenario,
      engine: values.engine as RolloutEngineKind,
      strategy: values.strategy,
      finalBake: values['final-bake'],
      speed,
      seed,
      saveTo: path.resolve(stateDir),
      ...(json ? {} : { view }),
    }),
  );
  if (json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    const colour = statusColour(result.status);
    const summary = `Rollout ${result.id} ${statusWords(result.status)}${result.reason ? `: ${result.reason}` : ''}`;
    view.finish([
      ...wrap(summary, LINE_WIDTH, '  ').map((line) => paint(io, colour, line)),
      // Never wrapped: the command must paste as one line.
      'Draw it as a page:',
      `  ${reportHint(result.id, stateDir)}`,
    ]);
  }
  return exitCodeForStatus(result.status);
}
