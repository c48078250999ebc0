// What the rollout machine remembers between events (persisted in every snapshot, read by hosts
// through describe.ts), and the readers of it and of incoming events that guards, actions and
// facts share.
import type { Step } from '../src/plan/types';
import type {
  AlarmReading,
  ApplyResult,
  Baseline,
  CheckResult,
  CleanupResult,
  CreateCandidateResult,
  EndpointChange,
  InferenceComponentReading,
  InferenceComponentView,
  JudgeReading,
  NativeDeploymentReading,
  NativeEndpointView,
  PreTrafficResult,
  ResolveBaselineResult,
  RollbackReason,
  RolloutEvent,
  RolloutInput,
} from './contract';

export interface RolloutContext extends RolloutInput {
  /** Latest time the machine has seen (event `now` or effect `at`). */
  now: number;
  /** Index into plan.steps of the step being run. */
  stepIndex: number;
  /** Candidate's share of traffic as last confirmed on the endpoint. */
  candidateWeight: number;
  bakeUntil?: number;
  /** Bake time left when a user paused mid-bake; the bake resumes with it. */
  bakeRemainingMs?: number;
  /** When the host should wake this rollout next, if nothing else happens first. */
  wakeAt?: number;
  /** The endpoint change being applied / waited for. */
  change?: EndpointChange;
  /** Whether this machine sent the call for `change` (so an unchanged endpoint means it failed). */
  changeRequested: boolean;
  /** When the call for `change` was sent: the looks at the updating endpoint back off from here. */
  changeRequestedAt?: number;
  /** Retries of the current effect. */
  attempts: number;
  /** The endpoint may run a config with the candidate: rollback must restore traffic and revert. */
  candidateDeployed: boolean;
  pausedBy?: string;
  rollbackReason?: RollbackReason;
  /** Why the rollback itself failed (terminal `failed`), or that the endpoint was deleted. */
  failure?: { code: string; message: string };
  /** The endpoint was deleted during the rollout: nothing to roll back, only what it created to remove. */
  endpointDeleted?: boolean;
  /** Non-fatal problems worth a human's attention (cleanup that could not finish, ...). */
  warnings: string[];
  alarmStates: { alarmName: string; state: string }[];
  /** When alarms were last read while holding: they are read every alarmPollIntervalMs, not at every judge look. */
  alarmsReadAt?: number;
  // ---- the judge (absent in older snapshots and when the rollout has no judge) ----
  /** When the candidate first took traffic: the judge's windows start here. */
  firstTrafficAt?: number;
  /** The judge's next look while holding. */
  judgeAt?: number;
  /** Its latest verdicts. */
  judgeReading?: JudgeReading;
  /** tail metrics' thresholds, read once (metric name → value). */
  judgeThresholds?: Record<string, number>;
  /** What the judge's latest `judged` fact says the rollout did. */
  judgeDecision?: 'rollback' | 'pass' | 'pause' | 'proceed' | 'hold';
  /** Why the judge last could not look, so the timeline says each reason once. */
  judgeSkippedBecause?: string;
  /** The step at which the judge paused the rollout: once a person resumes, that step's inconclusive proceeds. */
  judgePausedStep?: number;
  // ---- the native engine (absent for stepwise rollouts) ----
  /** The endpoint as the latest follow read it: which config serves, what the new fleet does. */
  nativeView?: NativeEndpointView;
  /** The new fleet's status last told on the timeline (native.ts progressKey). */
  nativeTold?: string;
  /** How many of the plan's shifts SageMaker has made (bakes seen beginning). */
  nativeShifts?: number;
  /** The latest auto-rollback alarm seen in ALARM (its event), in case it is OK again by the time SageMaker has rolled back. */
  nativeAlarm?: { alarmName: string; stateReason: string; datapoints?: number[]; threshold?: number };
  /** When the abort alarm was first put into ALARM (it is put there again at each wake while aborting). */
  abortAlarmSetAt?: number;
  // ---- an inference-component rollout (absent otherwise) ----
  /** The component as the latest read saw it: which model serves, what the copies do. */
  componentView?: InferenceComponentView;
  /** The copies' moment last told on the timeline (inference-component.ts componentProgressKey). */
  componentTold?: string;
}

export type ChangePurpose = 'transition' | 'final' | 'shift' | 'restore' | 'revert';

export const FORWARD_RETRY_LIMIT = 5;
export const ROLLBACK_RETRY_LIMIT = 12;

/** Forward steps give up into a rollback soon; a rollback keeps trying longer before it needs a human. */
export type RetryMode = 'forward' | 'rollback';

export function retryLimit(mode: RetryMode): number {
  return mode === 'forward' ? FORWARD_RETRY_LIMIT : ROLLBACK_RETRY_LIMIT;
}

export type EffectResult =
  | ResolveBaselineResult
  | CreateCandidateResult
  | ApplyResult
  | CheckResult
  | AlarmReading
  | CleanupResult
  | JudgeReading
  | PreTrafficResult
  | NativeDeploymentReading
  | InferenceComponentReading;

/**
 * What guards and actions really receive: the events a host sends, or an invoked effect settling.
 * setup() types them with the host's events only, so the readers below take this wider union and
 * tell the effect results apart by their fields.
 */
export type MachineEvent =
  | RolloutEvent
  | { type: `xstate.done.actor.${string}`; output: EffectResult }
  | { type: `xstate.error.actor.${string}`; error: unknown };

function outputOf(event: MachineEvent): EffectResult | undefined {
  return 'output' in event ? event.output : undefined;
}

export function checkResultOf(event: MachineEvent): CheckResult | undefined {
  const output = outputOf(event);
  return output && 'phase' in output ? output : undefined;
}

export function applyResultOf(event: MachineEvent): ApplyResult | undefined {
  const output = outputOf(event);
  return output && 'outcome' in output ? output : undefined;
}

export function judgeReadingOf(event: MachineEvent): JudgeReading | undefined {
  const output = outputOf(event);
  return output && 'verdicts' in output ? output : undefined;
}

export function preTrafficResultOf(event: MachineEvent): PreTrafficResult | undefined {
  const output = outputOf(event);
  return output && 'sent' in output && 'failures' in output ? output : undefined;
}

export function alarmReadingOf(event: MachineEvent): AlarmReading | undefined {
  const output = outputOf(event);
  return output && 'firing' in output ? output : undefined;
}

export function cleanupResultOf(event: MachineEvent): CleanupResult | undefined {
  const output = outputOf(event);
  return output && 'removed' in output ? output : undefined;
}

export function nativeReadingOf(event: MachineEvent): NativeDeploymentReading | undefined {
  const output = outputOf(event);
  return output && 'endpoint' in output ? output : undefined;
}

export function componentReadingOf(event: MachineEvent): InferenceComponentReading | undefined {
  const output = outputOf(event);
  return output && 'component' in output ? output : undefined;
}

export function resolvedBaselineOf(event: MachineEvent): Baseline | undefined {
  const output = outputOf(event);
  return output && 'baseline' in output ? output.baseline : undefined;
}

/** Time enters only here: an event's `now`, or an effect result's `at`. */
export function timeOf(event: MachineEvent, context: RolloutContext): number {
  if ('now' in event) return event.now;
  return outputOf(event)?.at ?? context.now;
}

/** A failed effect's error as the host's error family describes it (code, message, retryable). */
export function errorOf(event: MachineEvent): { code: string; message: string; retryable: boolean } {
  const e = 'error' in event ? event.error : undefined;
  if (e && typeof e === 'object') {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : 'AWS_ERROR';
    const message = 'message' in e && typeof e.message === 'string' ? e.message : String(e);
    return { code, message, retryable: 'retryable' in e && e.retryable === true };
  }
  return { code: 'AWS_ERROR', message: String(e), retryable: false };
}

export function baselineOf(context: RolloutContext): Baseline {
  if (!context.baseline) throw new Error('baseline is not resolved yet');
  return context.baseline;
}

export function currentStep(context: RolloutContext): Step | undefined {
  return context.plan.steps[context.stepIndex];
}

/** The step a person would name: 1-based, and the last one once the plan has run out. */
export function stepNumber(context: RolloutContext): { index: number; total: number } {
  const total = context.plan.steps.length;
  return { index: Math.min(context.stepIndex + 1, total), total };
}

export function shiftTarget(context: RolloutContext): number {
  const step = currentStep(context);
  return step?.kind === 'setWeight' ? step.percent : context.candidateWeight;
}

export { watchedAlarms } from './contract';

/** The judge looks only while both variants take traffic (and the rollout has a judge). */
export function judgeApplies(context: RolloutContext): boolean {
  return (
    context.judge !== undefined &&
    context.judge.metrics.length > 0 &&
    context.firstTrafficAt !== undefined &&
    context.candidateWeight > 0 &&
    context.candidateWeight < 100
  );
}

/** Why the judge stays silent while the rollout holds, when it has one; undefined when it may look. */
export function judgeSilence(context: RolloutContext): string | undefined {
  if (!context.judge || context.judge.metrics.length === 0 || judgeApplies(context)) return undefined;
  if (context.candidateWeight >= 100)
    return 'the baseline takes no traffic at 100%, so there is nothing to compare the candidate with (alarms still watch)';
  return undefined;
}

/** What the judge's verdicts make of a step that ends (bake or analysis) — 'none' when it did not judge. */
export function judgeDecisionAtStepEnd(
  context: RolloutContext,
): 'none' | 'pass' | 'proceed' | 'pause' | 'rollback' {
  if (!context.judge || !judgeApplies(context)) return 'none';
  const verdicts = context.judgeReading?.verdicts ?? [];
  if (verdicts.length > 0 && verdicts.every((v) => v.verdict === 'pass')) return 'pass';
  if (context.judge.dryRun || context.judgePausedStep === context.stepIndex) return 'proceed';
  return context.judge.onInconclusive;
}
