// The rollout machine's named conditions, asked directly: each guard on a hand-built context and
// the event (or settled effect) that reaches it, with every param the chart passes.
import { rolloutGuards as g } from '../../statemachines/guards';
import {
  FORWARD_RETRY_LIMIT,
  ROLLBACK_RETRY_LIMIT,
  type EffectResult,
  type MachineEvent,
  type RolloutContext,
} from '../../statemachines/context';
import type { CheckResult } from '../../statemachines/contract';
import { rolloutInput } from '../store/records';

const T = 1_000_000;

/** A rollout at the first step (setWeight 10) of 10%, 5m bake, 100%, 10m bake. */
function context(overrides: Partial<RolloutContext> = {}): RolloutContext {
  return {
    ...rolloutInput('r-guards', 'churn-prod'),
    startedAt: T,
    maxDurationMs: 3_600_000,
    now: T,
    stepIndex: 0,
    candidateWeight: 0,
    changeRequested: false,
    attempts: 0,
    candidateDeployed: false,
    warnings: [],
    alarmStates: [],
    ...overrides,
  };
}

const done = (output: EffectResult): MachineEvent => ({ type: 'xstate.done.actor.effect', output });
const failed = (error: unknown): MachineEvent => ({ type: 'xstate.error.actor.effect', error });
const checked = (phase: CheckResult['phase']) => done({ at: T, phase, status: 'InService' });
const quietAt = (at: number) => done({ at, firing: [], states: [] });
const tick = (now: number): MachineEvent => ({ type: 'TICK', now });

describe('rollout guards', () => {
  it('checkPhase matches only the phase it is given', () => {
    const ready = { context: context(), event: checked('ready') };
    expect(g.checkPhase(ready, { phase: 'ready' })).toBe(true);
    expect(g.checkPhase(ready, { phase: 'inProgress' })).toBe(false);
    const updating = { context: context(), event: checked('inProgress') };
    expect(g.checkPhase(updating, { phase: 'inProgress' })).toBe(true);
    expect(g.checkPhase(updating, { phase: 'ready' })).toBe(false);
    expect(g.checkPhase({ context: context(), event: tick(T) }, { phase: 'ready' })).toBe(false);
  });

  it.each([
    ['forward', FORWARD_RETRY_LIMIT],
    ['rollback', ROLLBACK_RETRY_LIMIT],
  ] as const)('retryableError retries a retryable error %s up to %i attempts', (mode, limit) => {
    const busy = failed({ code: 'ENDPOINT_BUSY', message: 'updating', retryable: true });
    expect(g.retryableError({ context: context({ attempts: limit - 1 }), event: busy }, { mode })).toBe(true);
    expect(g.retryableError({ context: context({ attempts: limit }), event: busy }, { mode })).toBe(false);
    const denied = failed({ code: 'ACCESS_DENIED', message: 'no', retryable: false });
    expect(g.retryableError({ context: context(), event: denied }, { mode })).toBe(false);
  });

  it('gives a rollback more retries than a forward step', () => {
    const busy = failed({ code: 'THROTTLED', message: 'slow down', retryable: true });
    const args = { context: context({ attempts: FORWARD_RETRY_LIMIT }), event: busy };
    expect(g.retryableError(args, { mode: 'forward' })).toBe(false);
    expect(g.retryableError(args, { mode: 'rollback' })).toBe(true);
  });

  it('stepIs names the kind of the current plan step', () => {
    const atShift = { context: context({ stepIndex: 0 }), event: tick(T) };
    const atBake = { context: context({ stepIndex: 1 }), event: tick(T) };
    expect(g.stepIs(atShift, { kind: 'setWeight' })).toBe(true);
    expect(g.stepIs(atShift, { kind: 'bake' })).toBe(false);
    expect(g.stepIs(atBake, { kind: 'bake' })).toBe(true);
    expect(g.stepIs(atBake, { kind: 'setWeight' })).toBe(false);
    expect(g.stepIs({ context: context({ stepIndex: 4 }), event: tick(T) }, { kind: 'bake' })).toBe(false);
  });

  it.each(['Deleting', 'Failed', 'UpdateRollbackFailed', 'OutOfService'])(
    'endpointBroken when the endpoint becomes %s',
    (status) => {
      const event: MachineEvent = { type: 'ENDPOINT_CHANGED', now: T, status };
      expect(g.endpointBroken({ context: context(), event })).toBe(true);
    },
  );

  it('an endpoint that is updating or back in service is not broken', () => {
    for (const status of ['Updating', 'InService', undefined]) {
      const event: MachineEvent = { type: 'ENDPOINT_CHANGED', now: T, status };
      expect(g.endpointBroken({ context: context(), event })).toBe(false);
    }
  });

  it('endpointStillChanging for an event saying the endpoint is on its way to a settled status, not for one that settled', () => {
    const still = (status: string | undefined) =>
      g.endpointStillChanging({ context: context(), event: { type: 'ENDPOINT_CHANGED', now: T, status } });
    for (const status of ['Updating', 'Creating', 'SystemUpdating', 'RollingBack'])
      expect(still(status)).toBe(true);
    // InService is what a wait looks for; a broken or deleted endpoint must be looked at; no status: look.
    for (const status of ['InService', 'Failed', 'Deleting', 'OutOfService', undefined])
      expect(still(status)).toBe(false);
    expect(g.endpointStillChanging({ context: context(), event: tick(T) })).toBe(false);
  });

  it('pastDeadline from the moment the maximum duration is used up', () => {
    const c = context();
    expect(g.pastDeadline({ context: c, event: tick(T + 3_600_000 - 1) })).toBe(false);
    expect(g.pastDeadline({ context: c, event: tick(T + 3_600_000) })).toBe(true);
    // An effect result brings its own clock reading.
    expect(g.pastDeadline({ context: c, event: quietAt(T + 3_600_000) })).toBe(true);
  });

  it('bakeOver once alarms were read quiet at or after bakeUntil', () => {
    const baking = context({ bakeUntil: T + 300_000 });
    expect(g.bakeOver({ context: baking, event: quietAt(T + 299_999) })).toBe(false);
    expect(g.bakeOver({ context: baking, event: quietAt(T + 300_000) })).toBe(true);
    expect(g.bakeOver({ context: baking, event: quietAt(T + 400_000) })).toBe(true);
    // A tick past the end is not a reading; nor is a reading with no bake running.
    expect(g.bakeOver({ context: baking, event: tick(T + 400_000) })).toBe(false);
    expect(g.bakeOver({ context: context(), event: quietAt(T + 400_000) })).toBe(false);
  });

  it('alarmFiring only when a reading names a firing alarm', () => {
    const firing = done({ at: T, firing: [{ alarmName: 'churn-prod-5xx', stateReason: 'x' }], states: [] });
    expect(g.alarmFiring({ context: context(), event: firing })).toBe(true);
    expect(g.alarmFiring({ context: context(), event: quietAt(T) })).toBe(false);
  });

  it('changeNotSent and changeWorthRetrying tell an unsent change from one that did not stick', () => {
    const idle = checked('idle');
    const weights = context({
      changeRequested: true,
      change: { kind: 'weights', endpointName: 'e', endpointConfigName: 'c', purpose: 'shift', weights: [] },
    });
    expect(g.changeNotSent({ context: context(), event: idle })).toBe(true);
    expect(g.changeNotSent({ context: weights, event: idle })).toBe(false);
    expect(g.changeWorthRetrying({ context: weights, event: idle }, { mode: 'forward' })).toBe(true);
    const config = context({
      changeRequested: true,
      change: { kind: 'config', endpointName: 'e', endpointConfigName: 'c', purpose: 'transition' },
    });
    expect(g.changeWorthRetrying({ context: config, event: idle }, { mode: 'forward' })).toBe(false);
    expect(g.changeWorthRetrying({ context: config, event: idle }, { mode: 'rollback' })).toBe(true);
  });

  it('reads the plain facts of the context and commands', () => {
    const c = context({ baseline: undefined });
    expect(g.baselineKnown({ context: c, event: tick(T) })).toBe(false);
    const resolved = context({
      baseline: { endpointConfigName: 'v1', variantName: 'AllTraffic', modelName: 'm', instanceCount: 1 },
    });
    expect(g.baselineKnown({ context: resolved, event: tick(T) })).toBe(true);
    expect(g.planDone({ context: context({ stepIndex: 4 }), event: tick(T) })).toBe(true);
    expect(g.planDone({ context: context({ stepIndex: 3 }), event: tick(T) })).toBe(false);
    const promote = (full?: boolean): MachineEvent => ({ type: 'PROMOTE', now: T, by: 'a', full });
    expect(g.fullPromotion({ context: c, event: promote(true) })).toBe(true);
    expect(g.fullPromotion({ context: c, event: promote() })).toBe(false);
    expect(g.applyOutcome({ context: c, event: done({ at: T, outcome: 'busy' }) }, { outcome: 'busy' })).toBe(
      true,
    );
    expect(
      g.applyOutcome({ context: c, event: done({ at: T, outcome: 'busy' }) }, { outcome: 'satisfied' }),
    ).toBe(false);
  });
});
