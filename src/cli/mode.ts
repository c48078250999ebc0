// The flags every rollout verb shares (which mode, where the controller or store is, output
// format) and the one place that turns them into a backend.
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import {
  ApplicationAutoScalingScalingControl,
  CloudWatchAlarmControl,
  CloudWatchMetricReader,
  createAwsClients,
  S3ObjectReader,
  SageMakerEndpointControl,
  SageMakerInferenceComponentControl,
  SageMakerRuntimeInvoker,
} from '../aws';
import { systemClock } from '../engine';
import { controllerHandler, createController } from '../handlers/controller';
import { storeFromSetting } from '../store/from-setting';
import type { RolloutBackend } from './backend';
import { openControllerBackend } from './controller-backend';
import { resolveMode } from './controller-config';
import { holdState } from './process-safety';
import { UsageError } from './io';
import { LocalBackend } from './local-backend';
import { realTimeDriver } from './realtime-driver';
import { NO_POLICIES } from './simulated-environment';
import { openSimulatedWorld } from './simulated-world';

export const BACKEND_OPTIONS = {
  simulate: { type: 'boolean' },
  local: { type: 'boolean' },
  store: { type: 'string' },
  stack: { type: 'string' },
  table: { type: 'string' },
  'command-bus': { type: 'string' },
  region: { type: 'string' },
  output: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const BACKEND_HELP = `Where rollouts run (default: the deployed controller):
  --simulate            the simulated cloud: no AWS account needed (state kept in .sm-rollout/sim)
  --local               this process runs the rollout against AWS (credentials: the AWS SDK chain)
                        (or SM_ROLLOUT_MODE=simulate|local|controller, or "mode" in .sm-rollout.json)
  --store <s>           local mode: file:<dir> (default file:.sm-rollout/local) or dynamodb:<table>
  --stack <name>        controller mode: the stack \`npx cdk deploy\` created (finds table and bus)
  --table <t>, --command-bus <b>
                        controller mode without --stack (or SM_ROLLOUT_TABLE, SM_ROLLOUT_COMMAND_BUS)
  --region <r>          AWS region (default: the SDK's, e.g. AWS_REGION)
  --output json         one JSON document on stdout`;

export interface BackendFlags {
  simulate?: boolean;
  local?: boolean;
  store?: string;
  stack?: string;
  table?: string;
  'command-bus'?: string;
  region?: string;
  output?: string;
}

/** The flags that choose where rollouts run, in the order a hint prints them (not --output, --help). */
export const BACKEND_SELECTING_FLAGS = Object.keys(BACKEND_OPTIONS).filter(
  (name) => name !== 'output' && name !== 'help',
) as (keyof BackendFlags)[];

/** A value as a POSIX shell reads it back: bare when it is safe, else in single quotes. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The backend-selecting flags as hints append them (` --local --store file:/tmp/x`): every one the
 * person typed, so a pasted hint talks to the same backend this command did.
 */
export function backendFlagText(flags: BackendFlags): string {
  let text = '';
  for (const name of BACKEND_SELECTING_FLAGS) {
    const value = flags[name];
    if (value === undefined || value === false) continue;
    text += value === true ? ` --${name}` : ` --${name} ${shellQuote(String(value))}`;
  }
  return text;
}

export function wantsJson(flags: BackendFlags): boolean {
  if (flags.output !== undefined && flags.output !== 'json') {
    throw new UsageError(`--output: "${flags.output}" is not supported; use --output json`);
  }
  return flags.output === 'json';
}

async function openSimulated(env: NodeJS.ProcessEnv, cwd: string, command: string): Promise<RolloutBackend> {
  const dir = path.resolve(cwd, env.SM_ROLLOUT_SIM_DIR ?? '.sm-rollout/sim');
  const world = await openSimulatedWorld(dir, {
    command,
    onWait: (message) => void process.stderr.write(`sm-rollout: ${message}\n`),
  });
  const { environment } = world;
  const release = holdState();
  return new LocalBackend({
    mode: 'simulate',
    driver: environment.driver,
    check: (event) => environment.controller.check(event),
    store: environment.store,
    alarms: environment.sim.cloudwatch,
    metrics: environment.sim.metrics,
    endpoints: environment.sim.sagemaker,
    // A start waits out an endpoint that is Updating (it scales): simulated minutes pass meanwhile.
    waitForEndpoint: () => environment.bridge.minute(),
    onWait: (message) => void process.stderr.write(`sm-rollout: ${message}\n`),
    // --timeout counts simulated time: simulated minutes pass in milliseconds here.
    timeoutNow: () => environment.sim.clock.now(),
    afterStep: world.checkpoint,
    onClose: () => world.close().finally(release),
  });
}

function openLocal(flags: BackendFlags, cwd: string): RolloutBackend {
  const clients = createAwsClients(flags.region ? { region: flags.region } : {});
  const setting = flags.store ?? `file:${path.resolve(cwd, '.sm-rollout/local')}`;
  const store = storeFromSetting(setting, () => clients.dynamodb, '--store');
  const endpoints = new SageMakerEndpointControl(clients.sagemaker);
  const alarms = new CloudWatchAlarmControl(clients.cloudwatch);
  const scaling = new ApplicationAutoScalingScalingControl(clients.autoscaling);
  // The controller runs in this process: what it would log as a warning or an error in the Lambda
  // (a tick that failed, a refused command) is said on stderr, so a failing rollout is never silent.
  const say = (message: string) => void process.stderr.write(`sm-rollout controller: ${message}\n`);
  const tools = { logger: { info: () => undefined, warn: say, error: say } };
  const controller = createController(
    {
      store,
      policies: NO_POLICIES,
      endpoints,
      components: new SageMakerInferenceComponentControl(clients.sagemaker),
      alarms,
      scaling,
      metrics: new CloudWatchMetricReader(clients.cloudwatch),
      invoker: new SageMakerRuntimeInvoker(clients.runtime),
      objects: new S3ObjectReader(clients.s3),
      events: { publish: async () => undefined },
      clock: systemClock,
      // Nobody delivers alarm or endpoint events to a laptop: read alarm states more often instead,
      // and look at an updating endpoint every 20 s with no backoff (no event says when it is done).
      settings: { alarmPollIntervalMs: 20_000, pollIntervalMs: 20_000, maxPollIntervalMs: 20_000 },
    },
    tools,
  );
  const handler = controllerHandler(controller, tools);
  const release = holdState();
  return new LocalBackend({
    mode: 'local',
    onClose: async () => release(),
    check: (event) => controller.check(event),
    driver: realTimeDriver(handler, {
      clock: systemClock,
      region: flags.region ?? process.env.AWS_REGION ?? 'local',
    }),
    store,
    alarms,
    metrics: new CloudWatchMetricReader(clients.cloudwatch),
    endpoints,
    timeoutNow: systemClock.now,
    // A start waits out an endpoint that is Updating (it scales), looking again every 20 s.
    waitForEndpoint: () => sleep(20_000).then(() => undefined),
    onWait: (message) => void process.stderr.write(`sm-rollout: ${message}\n`),
  });
}

export async function openBackend(
  flags: BackendFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<RolloutBackend> {
  if (flags.simulate && flags.local) throw new UsageError('choose one of --simulate and --local');
  const mode = await resolveMode(flags, env, cwd);
  if (mode === 'simulate') return openSimulated(env, cwd, shellWords(process.argv.slice(2)));
  if (flags.store && mode !== 'local') throw new UsageError('--store applies to --local mode only');
  if (mode === 'local') return openLocal(flags, cwd);
  return openControllerBackend(flags, env, cwd);
}

/** The command line as a person could paste it: words a shell would split or redirect are quoted. */
export function shellWords(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
