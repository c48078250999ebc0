// The simulated account every `--simulate` command shares, and how it is kept between commands.
//
// The world: three endpoints, each a way a team runs rollouts.
// - churn-prod (group churn-model) has no policy: every start names its strategy and alarms (the
//   README walkthrough). Versions: 1 serving, 2 approved and healthy, 3 approved but failing 20% of
//   requests, 4 awaiting approval; the team's alarm churn-prod-5xx on the serving variant AllTraffic.
// - fraud-prod (group fraud-model) has a policy and nothing else: `start` gives only the endpoint and
//   the version, the policy decides the strategy (Canary10Percent5Minutes), the candidate alarms, the
//   role — what the deployed controller does when a version is approved. Its endpoint is a realistic
//   one: KMS-encrypted and capturing 20% of requests. Versions: 1 serving, 2 healthy, 3 bad.
// - search-prod (group search-model) has a policy whose strategy has a manual gate (10% for 5m, then
//   wait for `promote`), guarded by its alarm search-prod-5xx on the serving variant and the default
//   candidate alarms. Versions: 1 serving, 2 healthy.
// The world is created before the simulated EventBridge listens, so its seeded approvals start nothing.
//
// Saved state: the simulated cloud and the rollout store are ONE document (world.json), written to a
// temp file and renamed into place, so the two can never disagree: a command that ends in any way
// (a closed pipe, Ctrl-C, SIGTERM, a crash, SIGKILL) leaves either the previous save or the new one,
// never a store that advanced over a cloud that did not (which a later command would read as the
// endpoint "changed by something else" and roll back). Saves happen after every step a command drives
// (a delivered command, a simulated minute; at most every 200 ms of real time) and when it closes. Nothing outside this process sees the
// world between saves, because each command holds the folder's lock (state-lock.ts) from load to last save.
// The demo's account (one endpoint, in this process only) is saved the same way in a folder of its own
// (saveSimulatedWorld), so `SM_ROLLOUT_SIM_DIR=<it> sm-rollout report --simulate` can draw its rollout.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SmRolloutError } from '../errors';
import { policyLookup } from '../handlers/environment';
import { parsePolicies } from '../policy';
import { createSimCloud, type SimCloud } from '../sim';
import { MemoryRolloutStore, type MemoryStoreState } from '../store';
import {
  BAD_MODEL,
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_GROUP,
  DEMO_SCALING,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  productionScaling,
  type SimulatedEnvironment,
} from './simulated-environment';
import { lockStateFolder, type HeldLock } from './state-lock';

export const WORLD_FILE_NAME = 'world.json';
export const WORLD_STATE_VERSION = 'sm-rollout-sim-world/1';

/** The simulated account every `--simulate` command shares. */
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
  /** Deploys by its policy alone: start names only the endpoint and the version. */
  policyOnly: {
    endpoint: 'fraud-prod',
    group: 'fraud-model',
    strategy: 'Canary10Percent5Minutes',
    packages: { serving: 1, healthy: 2, bad: 3 },
  },
  /** Its policy's strategy waits at a manual gate for `promote`. */
  manualGate: {
    endpoint: 'search-prod',
    group: 'search-model',
    strategy: '10%,5m,pause,100%',
    alarm: 'search-prod-5xx',
    packages: { serving: 1, healthy: 2 },
  },
} as const;

/** The policies file the simulated controller was deployed with. */
export const SIMULATED_POLICIES = {
  policies: [
    {
      modelPackageGroup: SIMULATED_WORLD.policyOnly.group,
      endpoint: SIMULATED_WORLD.policyOnly.endpoint,
      strategy: SIMULATED_WORLD.policyOnly.strategy,
      candidateAlarms: DEMO_CANDIDATE_ALARMS,
      executionRoleArn: 'arn:aws:iam::123456789012:role/fraud-sagemaker-exec',
      onNewerApproval: 'supersede',
    },
    {
      modelPackageGroup: SIMULATED_WORLD.manualGate.group,
      endpoint: SIMULATED_WORLD.manualGate.endpoint,
      strategy: SIMULATED_WORLD.manualGate.strategy,
      finalBake: '5m',
      alarms: [SIMULATED_WORLD.manualGate.alarm],
      executionRoleArn: 'arn:aws:iam::123456789012:role/search-sagemaker-exec',
      onNewerApproval: 'queue',
    },
  ],
};

export function simulatedPackageArn(
  sim: { region: string; accountId: string },
  version: number,
  group: string = DEMO_GROUP,
): string {
  return `arn:aws:sagemaker:${sim.region}:${sim.accountId}:model-package/${group}/${version}`;
}

/**
 * The team's own error-rate alarm on the serving variant (AllTraffic). SageMaker publishes invocation
 * metrics per EndpointName + VariantName only, so an alarm on the endpoint alone would get no data on
 * AWS; and because a promotion keeps the baseline's variant name, this alarm keeps guarding the
 * endpoint after every rollout. It does not see a candidate's traffic: candidate alarms do.
 */
function servingVariantAlarm(sim: SimCloud, alarmName: string, endpointName: string) {
  sim.createMetricAlarm({
    alarmName,
    metricName: 'Invocation5XXErrors',
    endpointName,
    variantName: 'AllTraffic',
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  });
}

function approved(sim: SimCloud, groupName: string, behaviour: typeof HEALTHY_MODEL): string {
  const arn = sim.registerModelPackage({ groupName, behaviour });
  sim.setModelPackageApproval(arn, 'Approved');
  return arn;
}

/** A new simulated account: the three endpoints, their versions and alarms. */
export function createSimulatedWorld(): SimCloud {
  const sim = createSimCloud({ seed: 7 });
  const churnServing = approved(sim, DEMO_GROUP, HEALTHY_MODEL);
  sim.createEndpoint({
    endpointName: DEMO_ENDPOINT,
    modelPackageArn: churnServing,
    instanceType: 'ml.m5.large',
    instanceCount: 2,
  });
  // Production endpoints scale with load: the rollouts must keep them so.
  sim.autoScaleVariant(DEMO_ENDPOINT, 'AllTraffic', DEMO_SCALING);
  approved(sim, DEMO_GROUP, HEALTHY_MODEL);
  approved(sim, DEMO_GROUP, BAD_MODEL);
  sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour: HEALTHY_MODEL });
  servingVariantAlarm(sim, SIMULATED_WORLD.alarm, DEMO_ENDPOINT);

  const fraud = SIMULATED_WORLD.policyOnly;
  sim.createEndpoint({
    endpointName: fraud.endpoint,
    modelPackageArn: approved(sim, fraud.group, HEALTHY_MODEL),
    instanceType: 'ml.c5.xlarge',
    instanceCount: 3,
    configExtra: {
      KmsKeyId: 'alias/sagemaker',
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: 's3://fraud-capture/fraud-prod',
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
    },
  });
  sim.autoScaleVariant(fraud.endpoint, 'AllTraffic', productionScaling(3, 8, 300));
  approved(sim, fraud.group, HEALTHY_MODEL);
  approved(sim, fraud.group, BAD_MODEL);

  const search = SIMULATED_WORLD.manualGate;
  sim.createEndpoint({
    endpointName: search.endpoint,
    modelPackageArn: approved(sim, search.group, HEALTHY_MODEL),
    instanceType: 'ml.m5.large',
    instanceCount: 2,
  });
  approved(sim, search.group, HEALTHY_MODEL);
  servingVariantAlarm(sim, search.alarm, search.endpoint);
  return sim;
}

interface WorldState {
  version: typeof WORLD_STATE_VERSION;
  cloud: unknown;
  store: MemoryStoreState;
}

function damaged(file: string, problem: string): SmRolloutError {
  return new SmRolloutError(
    'STORE_CORRUPT',
    `the simulated cloud saved in ${file} cannot be restored (${problem}); ` +
      `delete ${path.dirname(file)} to start a fresh simulated account`,
  );
}

function restoreWorld(text: string, file: string): { cloud: SimCloud; store: MemoryRolloutStore } {
  let state: WorldState;
  try {
    state = JSON.parse(text) as WorldState;
  } catch (error) {
    throw damaged(file, `not valid JSON: ${(error as Error).message}`);
  }
  if (state?.version !== WORLD_STATE_VERSION) {
    throw damaged(
      file,
      `version ${JSON.stringify(state?.version)}, this sm-rollout reads ${WORLD_STATE_VERSION}`,
    );
  }
  try {
    return {
      cloud: createSimCloud({ state: state.cloud as never }),
      store: MemoryRolloutStore.restore(state.store, file),
    };
  } catch (error) {
    throw damaged(file, (error as Error).message);
  }
}

/**
 * Saves an account that lived in one process (the demo's) as a world `--simulate` commands open
 * (`SM_ROLLOUT_SIM_DIR=<dir>`), under the folder's lock like any command's save: `report` and
 * `history` can then read its rollout. Replaces what the folder held.
 */
export async function saveSimulatedWorld(
  dir: string,
  world: { sim: SimCloud; store: MemoryRolloutStore },
  command: string,
): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const lock = await lockStateFolder(dir, { what: 'the demo account', command });
  try {
    const file = path.join(dir, WORLD_FILE_NAME);
    const state: WorldState = {
      version: WORLD_STATE_VERSION,
      cloud: world.sim.exportState(),
      store: world.store.exportState(),
    };
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(state));
    await fs.rename(tmp, file);
  } finally {
    await lock.release();
  }
}

/** Checkpoints while a command drives time are at most this often (real time); each is a whole save. */
const CHECKPOINT_EVERY_MS = 200;

export interface OpenedWorld {
  environment: SimulatedEnvironment;
  /** Saves cloud and store together (temp file + rename). */
  save(): Promise<void>;
  /** A save after a step, unless one was made within CHECKPOINT_EVERY_MS (every save is consistent). */
  checkpoint(): Promise<void>;
  /** Delivers what is due, saves, and releases the lock. */
  close(): Promise<void>;
}

/**
 * Opens the simulated account in `dir` for one command: takes the folder's lock (waiting for another
 * command to finish with it), restores the saved world or creates a new one.
 */
export async function openSimulatedWorld(
  dir: string,
  options: { command: string; onWait?: (message: string) => void; lockWaitMs?: number },
): Promise<OpenedWorld> {
  await fs.mkdir(dir, { recursive: true });
  const lock: HeldLock = await lockStateFolder(dir, {
    what: 'the simulated account',
    command: options.command,
    ...(options.onWait ? { onWait: options.onWait } : {}),
    ...(options.lockWaitMs !== undefined ? { waitMs: options.lockWaitMs } : {}),
  });
  try {
    const file = path.join(dir, WORLD_FILE_NAME);
    const saved = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (saved === undefined && (await fs.stat(path.join(dir, 'cloud.json')).catch(() => undefined))) {
      throw damaged(file, 'it was saved by an earlier sm-rollout as cloud.json and store/');
    }
    const restored = saved === undefined ? undefined : restoreWorld(saved, file);
    const environment = createSimulatedEnvironment({
      cloud: restored?.cloud ?? createSimulatedWorld(),
      store: restored?.store ?? new MemoryRolloutStore(),
      policies: policyLookup(parsePolicies(JSON.stringify(SIMULATED_POLICIES), 'the simulated policies')),
      deterministicIds: false,
    });
    const store = environment.store as MemoryRolloutStore;
    let savedAt = 0;
    const save = async () => {
      savedAt = Date.now();
      const state: WorldState = {
        version: WORLD_STATE_VERSION,
        cloud: environment.sim.exportState(),
        store: store.exportState(),
      };
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(state));
      await fs.rename(tmp, file);
    };
    // A new world is saved at once, so every later command (and a second one waiting) finds the same.
    if (!restored) await save();
    return {
      environment,
      save,
      async checkpoint() {
        if (Date.now() - savedAt >= CHECKPOINT_EVERY_MS) await save();
      },
      async close() {
        try {
          // Whatever the last command set off and is due is delivered before the world is saved.
          await environment.bridge.flush();
          environment.bridge.close();
          await save();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
