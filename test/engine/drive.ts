// Drives one rollout through an engine directly, for tests of the engine itself (restores, conflicts,
// publishing): it wakes the rollout at the time it asked for and nothing else. No events are delivered
// — the engine's own polls of the endpoint and the alarms must carry it — so an engine test proves the
// rollout does not depend on EventBridge. Hosts go through the controller (src/sim/eventbridge.ts).
import { isTerminal } from '../../statemachines/describe';
import type { RolloutEngine, StepResult } from '../../src/engine/engine';
import type { SimulatedEnvironment } from '../../src/cli/simulated-environment';

/** Ticks the rollout at each wake-up it asks for until `done` holds (default: it ended). */
export async function driveEngine(
  env: SimulatedEnvironment,
  engine: RolloutEngine,
  id: string,
  done: (result: StepResult) => boolean = (r) => isTerminal(r.record.status),
  maxSteps = 2_000,
): Promise<StepResult> {
  let result = await engine.tick(id);
  for (let i = 0; !done(result); i++) {
    if (i > maxSteps) throw new Error(`rollout never reached the expected point; it is ${result.view.phase}`);
    const now = env.sim.clock.now();
    env.sim.clock.advanceTo(Math.max(now, result.record.nextWakeAt ?? now + 5_000));
    // The engine under test is driven directly: what the cloud sent meanwhile is not delivered.
    env.bridge.discardPending();
    result = await engine.tick(id);
  }
  return result;
}

/** Lets simulated time pass (events the cloud sends meanwhile are not delivered). */
export function advanceTo(env: SimulatedEnvironment, t: number): void {
  env.sim.clock.advanceTo(Math.max(env.sim.clock.now(), t));
  env.bridge.discardPending();
}
