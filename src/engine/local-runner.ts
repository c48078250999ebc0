// Drives one rollout to its end inside this process: wakes it when it asked to be woken, and
// hands it the AWS events it cares about as they happen. The demo and `--local` / `--simulate`
// CLI modes use it; in AWS the schedule and EventBridge do this job.
import { isTerminal } from '../../statemachines/describe';
import type { RolloutEngine, StepResult } from './engine';
import { rolloutEventsFor, type AwsEvent } from './routing';

export interface RunnerTime {
  now(): number;
  /** Lets time pass until `t` (virtual time in the simulated cloud, real time against AWS). */
  advanceTo(t: number): Promise<void>;
}

export interface RunOptions {
  time: RunnerTime;
  /** Events that arrived since the last call (drained). */
  drainEvents?: () => AwsEvent[];
  /** Longest stretch of time passed in one go, so events are handled close to when they happen. */
  maxAdvanceMs?: number;
  onStep?: (result: StepResult) => void | Promise<void>;
  /**
   * Called between steps with the latest state; it may steer the rollout through the engine
   * (an operator's promote in the demo). Returns the newer step result if it made one.
   */
  between?: (result: StepResult) => Promise<StepResult | void> | StepResult | void;
  /** Stop (detach) without ending the rollout, e.g. when it waits for a person or on Ctrl-C. */
  shouldDetach?: (result: StepResult) => boolean;
}

export async function runRollout(
  engine: RolloutEngine,
  rolloutId: string,
  options: RunOptions,
): Promise<StepResult> {
  const { time } = options;
  const maxAdvance = options.maxAdvanceMs ?? 5_000;
  let result = await engine.tick(rolloutId);
  await options.onStep?.(result);
  while (!isTerminal(result.record.status)) {
    if (options.shouldDetach?.(result)) return result;
    const steered = await options.between?.(result);
    if (steered) {
      result = steered;
      await options.onStep?.(result);
      if (isTerminal(result.record.status)) break;
    }
    const wakeAt = result.record.nextWakeAt ?? time.now() + maxAdvance;
    await time.advanceTo(Math.min(wakeAt, time.now() + maxAdvance));
    for (const event of options.drainEvents?.() ?? []) {
      for (const rolloutEvent of rolloutEventsFor(event, result.record, time.now())) {
        if (rolloutEvent.type === 'ALARM_FIRED' || rolloutEvent.type === 'ENDPOINT_CHANGED') {
          result = await engine.notify(rolloutId, rolloutEvent);
          await options.onStep?.(result);
        }
      }
      if (isTerminal(result.record.status)) break;
    }
    if (!isTerminal(result.record.status) && time.now() >= (result.record.nextWakeAt ?? Infinity)) {
      result = await engine.tick(rolloutId);
      await options.onStep?.(result);
    }
  }
  return result;
}
