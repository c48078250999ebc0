// The native engine's side of the machine: how a guardrails deployment is read as it moves (what
// the new fleet is doing, which shift of the plan that is, whether a bake is left to roll back in).
// SageMaker moves the traffic; the machine only follows and decides by the config actually serving.
import type { Step } from '../src/plan/types';
import type { NativeEndpointView, RolloutInput } from './contract';

/** Endpoint statuses a guardrails deployment ends in when it needs a person (DescribeEndpoint EndpointStatus). */
export const NATIVE_BROKEN_STATUSES = ['Failed', 'UpdateRollbackFailed', 'OutOfService'];

export function isNative(context: Pick<RolloutInput, 'engine' | 'native'>): boolean {
  return context.engine === 'native' && context.native !== undefined;
}

/** The new fleet's variant in the pending deployment (one variant name serves both fleets). */
export function pendingVariant(view: NativeEndpointView | undefined) {
  return view?.pending?.variants[0];
}

/**
 * What a person would call this moment of the deployment: one key per distinct status of the new
 * fleet (a status and when it began), so the timeline tells each once however often it is read.
 */
export function progressKey(view: NativeEndpointView): string | undefined {
  const variant = pendingVariant(view);
  if (!variant?.status) return undefined;
  return `${variant.status}@${variant.statusStartTime ?? ''}:${variant.statusMessage ?? ''}`;
}

/** The plan's traffic shifts (its setWeight steps): guardrails makes the same ones, in order. */
export function planShifts(steps: readonly Step[]): { stepIndex: number; percent: number }[] {
  return steps.flatMap((step, stepIndex) =>
    step.kind === 'setWeight' ? [{ stepIndex, percent: step.percent }] : [],
  );
}

/** A shift shows as a bake that begins: every shift is followed by its baking period. */
export function bakeBegan(before: string | undefined, view: NativeEndpointView): boolean {
  const key = progressKey(view);
  return pendingVariant(view)?.status === 'Baking' && key !== before;
}

/**
 * Past the last bake: every shift was seen and the new fleet no longer bakes. SageMaker watches the
 * alarms only during baking periods ("If any of the pre-specified alarms trip during any baking
 * period, then all endpoint traffic rolls back to the blue fleet", Blue/Green Deployments), so an
 * abort alarm set now has nothing left to roll back.
 */
export function pastLastBake(context: {
  plan: { steps: readonly Step[] };
  nativeShifts?: number;
  nativeView?: NativeEndpointView;
}): boolean {
  const total = planShifts(context.plan.steps).length;
  const status = pendingVariant(context.nativeView)?.status;
  return (context.nativeShifts ?? 0) >= total && status !== 'Baking' && status !== 'ActivatingTraffic';
}
