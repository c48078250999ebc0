// Shared set-up for the whole-rollout scenario tests: a simulated SageMaker endpoint and the
// controller the Lambda runs, driven by the simulated EventBridge (the cloud's events as they happen,
// a Scheduled Event every minute), plus the checks every scenario repeats (traffic always served,
// nothing leaked). Rollouts start from a Rollout Command, as `sm-rollout start` sends it.
import type { CommandRequest } from '../../src/engine/engine';
import type { StartRolloutRequest } from '../../src/engine/start-request';
import { startCommandDetail, steerCommandDetail } from '../../src/engine/intake';
import { commandOutcome } from '../../src/cli/backend';
import type { RolloutRecord, TimelineEntry } from '../../src/store';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import type { ModelBehaviour, SimEvent } from '../../src/sim';
import { isTerminal } from '../../statemachines/describe';

export const ENDPOINT = DEMO_ENDPOINT;
export const ORIGINAL_CONFIG = `${DEMO_ENDPOINT}-config-0`;
export const ORIGINAL_MODEL = `${DEMO_ENDPOINT}-model-0`;
export const MUTATING_CALL = /^(Create|Update|Delete|Put|Register|Deregister)/;

/** The rollout as its record says, with the view a person reads (status, phase, weights, step, bake). */
export interface Step {
  record: RolloutRecord;
  view: {
    status: RolloutRecord['status'];
    phase: string;
    weights: { baseline: number; candidate: number };
    step: { index: number; total: number };
    bakeUntil?: number;
  };
}

export function stepOf(record: RolloutRecord): Step {
  return {
    record,
    view: {
      status: record.status,
      phase: record.phase,
      weights: record.progress?.weights ?? { baseline: 100, candidate: 0 },
      step: record.progress?.step ?? { index: 1, total: record.input.plan.steps.length },
      ...(record.progress?.bakeUntil !== undefined ? { bakeUntil: record.progress.bakeUntil } : {}),
    },
  };
}

export interface Scenario {
  env: SimulatedEnvironment;
  candidateArn: string;
  id: string;
  started: Step;
  /**
   * Runs the rollout to its end, minute by minute; `between` (after every delivery) may steer it with
   * `command`, `dropEvents` loses events on the way to the controller.
   */
  run(options?: {
    between?: (step: Step) => Promise<unknown> | unknown;
    dropEvents?: (e: SimEvent) => boolean;
  }): Promise<Step>;
  /** A person's command, as `sm-rollout` sends it to the controller; rejections are thrown. */
  command(request: CommandRequest): Promise<Step>;
  current(): Promise<Step>;
  timeline(): Promise<TimelineEntry[]>;
}

export async function startScenario(
  request: Partial<StartRolloutRequest> = {},
  options: {
    candidate?: ModelBehaviour;
    before?: (env: SimulatedEnvironment) => void | Promise<void>;
    /** The simulated world's options (load, the baseline's instance count, ...). */
    environment?: Parameters<typeof createSimulatedEnvironment>[0];
  } = {},
): Promise<Scenario> {
  const env = createSimulatedEnvironment(options.environment);
  const candidateArn = env.approveNewVersion(options.candidate ?? HEALTHY_MODEL);
  // The approval has no policy to act on here; the rollout starts from the command below.
  await env.bridge.flush();
  await options.before?.(env);
  const outcome = commandOutcome(
    await env.driver.send(
      env.bridge.commandEvent(
        startCommandDetail({
          endpointName: ENDPOINT,
          modelPackageArn: candidateArn,
          executionRoleArn: DEMO_ROLE,
          strategy: 'Canary10Percent5Minutes',
          candidateAlarms: DEMO_CANDIDATE_ALARMS,
          requestedBy: 'scenario-test',
          ...request,
        }),
      ),
    ),
  );
  const id = outcome.rolloutId!;
  const current = async () => stepOf((await env.store.get(id))!);
  return {
    env,
    candidateArn,
    id,
    started: await current(),
    current,
    async command(command) {
      commandOutcome(await env.driver.send(env.bridge.commandEvent(steerCommandDetail(id, command))));
      return current();
    },
    async run({ between, dropEvents } = {}) {
      if (dropEvents) env.bridge.drop = dropEvents;
      let steering = false;
      env.bridge.between = async () => {
        // A command sent from `between` is itself a delivery: it does not steer again.
        if (steering || !between) return;
        steering = true;
        try {
          await between(await current());
        } finally {
          steering = false;
        }
      };
      await env.bridge.runUntil(async () => isTerminal((await current()).record.status), 24 * 60);
      return current();
    },
    timeline: () => env.store.timeline(id),
  };
}

/** Traffic was served at every moment: no controller violation, no serving change with all weights 0. */
export function expectTrafficAlwaysServed(env: SimulatedEnvironment): void {
  expect(env.sim.violations).toEqual([]);
  const silent = env.sim.servingHistory.filter(
    (c) => c.endpointName === ENDPOINT && c.variants.length > 0 && c.variants.every((v) => v.weight <= 0),
  );
  expect(silent).toEqual([]);
}

/** Nothing the rollout created (`smr-` models, configs, alarms) is left behind. */
export function expectNothingLeaked(env: SimulatedEnvironment): void {
  expect(env.sim.modelNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
  expect(env.sim.endpointConfigNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
  expect(env.sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
}

/** The endpoint is InService on its original config, serving the original model only. */
export function expectBackOnOriginal(env: SimulatedEnvironment): void {
  const endpoint = env.sim.endpoint(ENDPOINT)!;
  expect(endpoint.status).toBe('InService');
  expect(endpoint.endpointConfigName).toBe(ORIGINAL_CONFIG);
  expect(endpoint.variants.map((v) => v.modelName)).toEqual([ORIGINAL_MODEL]);
  expect(env.sim.endpointConfigNames()).toContain(ORIGINAL_CONFIG);
  expect(env.sim.modelNames()).toContain(ORIGINAL_MODEL);
}

export function candidateAlarmNames(result: Step): string[] {
  return result.record.input.candidateAlarms.map((a) => a.alarmName);
}

/** True while the rollout holds in a bake at `percent` (optionally: the step number, 1-based). */
export function isBakingAt(result: Step, percent: number): boolean {
  return (
    result.view.status === 'running' &&
    result.view.phase.startsWith('baking') &&
    result.view.weights.candidate === percent
  );
}
