// Shared set-up for the whole-rollout scenario tests: a simulated SageMaker endpoint, the engine
// and a memory store, plus the checks every scenario repeats (traffic always served, nothing leaked).
import { runRollout, type RunOptions } from '../../src/engine/local-runner';
import type { StepResult } from '../../src/engine/engine';
import { validateStartRequest, type StartRolloutRequest } from '../../src/engine/start-request';
import type { AwsEvent } from '../../src/engine/routing';
import type { TimelineEntry } from '../../src/store';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import type { ModelBehaviour } from '../../src/sim';

export const ENDPOINT = DEMO_ENDPOINT;
export const ORIGINAL_CONFIG = `${DEMO_ENDPOINT}-config-0`;
export const ORIGINAL_MODEL = `${DEMO_ENDPOINT}-model-0`;
export const MUTATING_CALL = /^(Create|Update|Delete|Put)/;

export interface Scenario {
  env: SimulatedEnvironment;
  candidateArn: string;
  id: string;
  started: StepResult;
  /** Runs the rollout to its end; `between` steers it, `dropEvents` filters what the runner sees. */
  run(options?: {
    between?: RunOptions['between'];
    dropEvents?: (e: AwsEvent) => boolean;
  }): Promise<StepResult>;
  timeline(): Promise<TimelineEntry[]>;
}

export async function startScenario(
  request: Partial<StartRolloutRequest> = {},
  options: { candidate?: ModelBehaviour; before?: (env: SimulatedEnvironment) => void } = {},
): Promise<Scenario> {
  const env = createSimulatedEnvironment();
  const candidateArn = env.approveNewVersion(options.candidate ?? HEALTHY_MODEL);
  options.before?.(env);
  const started = await env.engine.start(
    validateStartRequest({
      endpointName: ENDPOINT,
      modelPackageArn: candidateArn,
      executionRoleArn: DEMO_ROLE,
      strategy: 'Canary10Percent5Minutes',
      candidateAlarms: DEMO_CANDIDATE_ALARMS,
      requestedBy: 'scenario-test',
      ...request,
    }),
  );
  const id = started.record.id;
  return {
    env,
    candidateArn,
    id,
    started,
    run: ({ between, dropEvents } = {}) =>
      runRollout(env.engine, id, {
        time: env.time(),
        drainEvents: () => env.drainEvents().filter((e) => !dropEvents?.(e)),
        between,
      }),
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

export function candidateAlarmNames(result: StepResult): string[] {
  return result.record.input.candidateAlarms.map((a) => a.alarmName);
}

/** True while the rollout holds in a bake at `percent` (optionally: the step number, 1-based). */
export function isBakingAt(result: StepResult, percent: number): boolean {
  return (
    result.view.status === 'running' &&
    result.view.state.includes('baking') &&
    result.view.weights.candidate === percent
  );
}
