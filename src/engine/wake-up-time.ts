// When a rollout wants a precise wake-up (the end of its bake, or its judge's next look). Kept apart from
// engine.ts so the controller can answer a wake-up without loading the rollout engine.
import type { RolloutRecord } from './ports';

/**
 * The time a precise wake-up is for: the end of the bake of an active rollout that holds (the deadline that
 * starts its next step), or the judge's next look when the judge watches that step (every metric period,
 * so a bad candidate is caught between two schedule runs); undefined when it has none.
 * RolloutController.wake sends on a wake-up that arrives before it.
 */
export function preciseWakeUpOf(record: RolloutRecord): number | undefined {
  if (!record.active || record.progress?.watching !== true) return undefined;
  const { bakeUntil, judging } = record.progress;
  if (judging && record.nextWakeAt !== undefined) {
    return bakeUntil === undefined ? record.nextWakeAt : Math.min(bakeUntil, record.nextWakeAt);
  }
  return bakeUntil;
}
