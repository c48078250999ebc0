// What a plan amounts to, for people: the numbers `sm-rollout plan` prints before anything moves,
// and a short line per step for timelines and status output.

import { formatDuration } from './duration';
import type { DurationMs, Percent, Plan, Step } from './types';

export interface PlanSummary {
  /** How many times traffic moves (setWeight steps). */
  trafficSteps: number;
  /** All bakes added up, the final bake included. */
  bakeTotalMs: DurationMs;
  /** Pause steps: each waits for someone to run `promote`. */
  manualGates: number;
  /**
   * The shortest the rollout can take: bakes only, since endpoint updates and manual gates take
   * as long as they take.
   */
  minimumDurationMs: DurationMs;
  /** The candidate's weight after each setWeight step, in order. */
  weights: Percent[];
}

export function summarizePlan(plan: Plan): PlanSummary {
  const weights: Percent[] = [];
  let bakeTotalMs = 0;
  let manualGates = 0;
  for (const step of plan.steps) {
    if (step.kind === 'setWeight') weights.push(step.percent);
    // An analysis counts at its longest: it may end early, never late.
    else if (step.kind === 'bake' || step.kind === 'analysis') bakeTotalMs += step.durationMs;
    else manualGates += 1;
  }
  return { trafficSteps: weights.length, bakeTotalMs, manualGates, minimumDurationMs: bakeTotalMs, weights };
}

/** `set weight 10%`, `bake 5m`, `pause (manual gate: waits for promote)`. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'setWeight':
      return `set weight ${step.percent}%`;
    case 'bake':
      return `bake ${formatDuration(step.durationMs)}`;
    case 'analysis':
      return `analysis ${formatDuration(step.durationMs)} (the judge compares the variants; ends early when all pass)`;
    case 'pause':
      return 'pause (manual gate: waits for promote)';
  }
}
