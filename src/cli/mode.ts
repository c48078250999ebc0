// The flags every rollout verb shares (which mode, where the controller or store is, output
// format) and the one place that turns them into a backend.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CloudWatchAlarmControl, createAwsClients, SageMakerEndpointControl } from '../aws';
import { systemClock } from '../engine';
import { SmRolloutError } from '../errors';
import { controllerHandler, createController } from '../handlers/controller';
import { storeFromSetting } from '../handlers/environment';
import { createSimCloud, type SimCloud } from '../sim';
import { FileRolloutStore } from '../store';
import type { RolloutBackend } from './backend';
import { openControllerBackend } from './controller-backend';
import { UsageError } from './io';
import { LocalBackend } from './local-backend';
import { realTimeDriver } from './realtime-driver';
import {
  BAD_MODEL,
  DEMO_ENDPOINT,
  DEMO_GROUP,
  HEALTHY_MODEL,
  NO_POLICIES,
  createSimulatedEnvironment,
} from './simulated-environment';

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

export function wantsJson(flags: BackendFlags): boolean {
  if (flags.output !== undefined && flags.output !== 'json') {
    throw new UsageError(`--output: "${flags.output}" is not supported; use --output json`);
  }
  return flags.output === 'json';
}

/** The simulated account every `--simulate` command shares: one endpoint and a few versions to try. */
export const SIMULATED_WORLD = {
  endpoint: DEMO_ENDPOINT,
  group: DEMO_GROUP,
  alarm: 'churn-prod-5xx',
  packages: {
    serving: 1,
    healthy: 2,
    bad: 3,
    pending: 4,
  },
} as const;

function seedWorld(sim: SimCloud) {
  // churn-model/1 is registered and serving as the environment creates the endpoint.
  const healthy = sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour: HEALTHY_MODEL });
  sim.setModelPackageApproval(healthy, 'Approved');
  const bad = sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour: BAD_MODEL });
  sim.setModelPackageApproval(bad, 'Approved');
  sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour: HEALTHY_MODEL });
  sim.createMetricAlarm({
    alarmName: SIMULATED_WORLD.alarm,
    metricName: 'Invocation5XXErrors',
    endpointName: DEMO_ENDPOINT,
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  });
}

export function simulatedPackageArn(sim: { region: string; accountId: string }, version: number): string {
  return `arn:aws:sagemaker:${sim.region}:${sim.accountId}:model-package/${DEMO_GROUP}/${version}`;
}

async function openSimulated(env: NodeJS.ProcessEnv, cwd: string): Promise<RolloutBackend> {
  const dir = path.resolve(cwd, env.SM_ROLLOUT_SIM_DIR ?? '.sm-rollout/sim');
  const stateFile = path.join(dir, 'cloud.json');
  await fs.mkdir(dir, { recursive: true });
  const saved = await fs.readFile(stateFile, 'utf8').catch(() => undefined);
  const cloud = saved ? restoreSimulatedCloud(saved, stateFile) : undefined;
  const environment = createSimulatedEnvironment({
    ...(cloud ? { cloud } : {}),
    store: new FileRolloutStore(path.join(dir, 'store')),
    deterministicIds: false,
  });
  if (!cloud) seedWorld(environment.sim);
  return new LocalBackend({
    mode: 'simulate',
    driver: environment.driver,
    check: (event) => environment.controller.check(event),
    store: environment.store,
    alarms: environment.sim.cloudwatch,
    realNow: systemClock.now,
    onClose: async () => {
      // Whatever the last command set off and is due is delivered before the cloud is saved.
      await environment.bridge.flush();
      environment.bridge.close();
      const tmp = `${stateFile}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(environment.sim.exportState()));
      await fs.rename(tmp, stateFile);
    },
  });
}

function restoreSimulatedCloud(text: string, file: string): SimCloud {
  try {
    return createSimCloud({ state: JSON.parse(text) });
  } catch (error) {
    // The tool's own saved state is unreadable: exit 5, not a usage error.
    throw new SmRolloutError(
      'STORE_CORRUPT',
      `the simulated cloud saved in ${file} cannot be restored (${(error as Error).message}); ` +
        `delete ${path.dirname(file)} to start a fresh simulated account`,
      { field: file },
    );
  }
}

function openLocal(flags: BackendFlags, cwd: string): RolloutBackend {
  const clients = createAwsClients(flags.region ? { region: flags.region } : {});
  const setting = flags.store ?? `file:${path.resolve(cwd, '.sm-rollout/local')}`;
  const store = storeFromSetting(setting, () => clients.dynamodb, '--store');
  const endpoints = new SageMakerEndpointControl(clients.sagemaker);
  const alarms = new CloudWatchAlarmControl(clients.cloudwatch);
  // The controller runs in this process: what it would log as a warning or an error in the Lambda
  // (a tick that failed, a refused command) is said on stderr, so a failing rollout is never silent.
  const say = (message: string) => void process.stderr.write(`sm-rollout controller: ${message}\n`);
  const tools = { logger: { info: () => undefined, warn: say, error: say } };
  const controller = createController(
    {
      store,
      policies: NO_POLICIES,
      endpoints,
      alarms,
      events: { publish: async () => undefined },
      clock: systemClock,
      // Nobody delivers alarm events to a laptop: read alarm states more often instead.
      settings: { alarmPollIntervalMs: 20_000, pollIntervalMs: 20_000 },
    },
    tools,
  );
  const handler = controllerHandler(controller, tools);
  return new LocalBackend({
    mode: 'local',
    check: (event) => controller.check(event),
    driver: realTimeDriver(handler, {
      clock: systemClock,
      region: flags.region ?? process.env.AWS_REGION ?? 'local',
    }),
    store,
    alarms,
    realNow: systemClock.now,
  });
}

export async function openBackend(
  flags: BackendFlags,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<RolloutBackend> {
  if (flags.simulate && flags.local) throw new UsageError('choose one of --simulate and --local');
  if (flags.simulate) return openSimulated(env, cwd);
  if (flags.store && !flags.local) throw new UsageError('--store applies to --local mode only');
  if (flags.local) return openLocal(flags, cwd);
  return openControllerBackend(flags, env, cwd);
}
