// The rollout machine's named conditions. Each reads the context and the event (effect results
// arrive as the done event's output) and says yes or no; the chart names them, with params where
// one condition serves several transitions.
import type { Step } from '../src/plan/types';
import type { ApplyResult, CheckResult } from './contract';
import { NATIVE_BROKEN_STATUSES, bakeBegan, isNative, planShifts, progressKey } from './native';
import {
  COMPONENT_BROKEN_STATUSES,
  componentOutcome,
  componentProgressKey,
  isInferenceComponent,
} from './inference-component';
import {
  alarmReadingOf,
  applyResultOf,
  checkResultOf,
  currentStep,
  errorOf,
  preTrafficResultOf,
  judgeApplies,
  judgeDecisionAtStepEnd,
  judgeReadingOf,
  judgeSilence,
  componentReadingOf,
  nativeReadingOf,
  retryLimit,
  timeOf,
  type MachineEvent,
  type RetryMode,
  type RolloutContext,
} from './context';

type GuardArgs = { context: RolloutContext; event: MachineEvent };

/** Endpoint statuses that end a hold at once: there is nothing left to bake on. */
const BROKEN_ENDPOINT_STATUSES = ['Deleting', 'Failed', 'UpdateRollbackFailed', 'OutOfService'];

/**
 * How an endpoint that is being or has been deleted shows: its state-change event or a check says
 * Deleting (or, once it is gone, the check's Deleted), or an effect found no endpoint of that name.
 */
const GONE_STATUSES = ['Deleting', 'Deleted'];
const ENDPOINT_GONE_ERROR = 'ENDPOINT_NOT_FOUND';

/**
 * Statuses an endpoint passes through on its way back to InService (or to Failed): an event saying one
 * of them tells nothing a look would act on — a check would find the change still in progress.
 */
const CHANGING_ENDPOINT_STATUSES = ['Creating', 'Updating', 'SystemUpdating', 'RollingBack'];

export const rolloutGuards = {
  baselineKnown: ({ context }: GuardArgs) => context.baseline !== undefined,
  pastDeadline: ({ context, event }: GuardArgs) =>
    timeOf(event, context) >= context.startedAt + context.maxDurationMs,
  planDone: ({ context }: GuardArgs) => context.stepIndex >= context.plan.steps.length,
  stepIs: ({ context }: GuardArgs, params: { kind: Step['kind'] }) =>
    currentStep(context)?.kind === params.kind,
  fullPromotion: ({ event }: GuardArgs) => event.type === 'PROMOTE' && event.full === true,
  candidateMayBeLive: ({ context }: GuardArgs) => context.candidateDeployed,
  endpointGone: ({ event }: GuardArgs) => {
    if (event.type === 'ENDPOINT_CHANGED') return GONE_STATUSES.includes(event.status ?? '');
    const native = nativeReadingOf(event);
    if (native) return GONE_STATUSES.includes(native.endpoint.status);
    if ('error' in event) return errorOf(event).code === ENDPOINT_GONE_ERROR;
    const check = checkResultOf(event);
    return check?.phase === 'failed' && GONE_STATUSES.includes(check.status);
  },
  endpointStillChanging: ({ event }: GuardArgs) =>
    event.type === 'ENDPOINT_CHANGED' && CHANGING_ENDPOINT_STATUSES.includes(event.status ?? ''),
  endpointBroken: ({ event }: GuardArgs) =>
    event.type === 'ENDPOINT_CHANGED' && BROKEN_ENDPOINT_STATUSES.includes(event.status ?? ''),
  applyOutcome: ({ event }: GuardArgs, params: { outcome: ApplyResult['outcome'] }) =>
    applyResultOf(event)?.outcome === params.outcome,
  checkPhase: ({ event }: GuardArgs, params: { phase: CheckResult['phase'] }) =>
    checkResultOf(event)?.phase === params.phase,
  /** Idle because the earlier call never reached SageMaker (busy or throttled): make it now. */
  changeNotSent: ({ context, event }: GuardArgs) =>
    checkResultOf(event)?.phase === 'idle' && !context.changeRequested,
  /** Weights that did not stick, and anything during a rollback, are worth another try. */
  changeWorthRetrying: ({ context, event }: GuardArgs, params: { mode: RetryMode }) =>
    checkResultOf(event)?.phase === 'idle' &&
    (params.mode === 'rollback' || context.change?.kind === 'weights') &&
    context.attempts < retryLimit(params.mode),
  retryableError: ({ context, event }: GuardArgs, params: { mode: RetryMode }) =>
    errorOf(event).retryable && context.attempts < retryLimit(params.mode),
  alarmFiring: ({ event }: GuardArgs) => (alarmReadingOf(event)?.firing.length ?? 0) > 0,
  preTrafficCheckWanted: ({ context }: GuardArgs) => context.preTrafficCheck !== undefined,
  preTrafficCheckPassed: ({ event }: GuardArgs) => {
    const result = preTrafficResultOf(event);
    return result !== undefined && result.failures.length === 0;
  },
  /** Judged by the read's own clock: the bake is over once alarms were read quiet at or after its end. */
  bakeOver: ({ context, event }: GuardArgs) => bakeOver(context, event),
  /** The bake is over and the judge's verdicts make this of it. */
  bakeEndsWith: (
    { context, event }: GuardArgs,
    params: { decision: ReturnType<typeof judgeDecisionAtStepEnd> },
  ) => bakeOver(context, event) && judgeDecisionAtStepEnd(context) === params.decision,
  /** Time for the judge's next look (or the step's end, which it always judges). */
  judgeDue: ({ context, event }: GuardArgs) => {
    if (!judgeApplies(context)) return false;
    const now = timeOf(event, context);
    return now >= (context.judgeAt ?? 0) || (context.bakeUntil !== undefined && now >= context.bakeUntil);
  },
  /** The judge cannot look for a reason the timeline has not told yet. */
  judgeSilentUntold: ({ context }: GuardArgs) => {
    const silence = judgeSilence(context);
    return silence !== undefined && silence !== context.judgeSkippedBecause;
  },
  /** Alarms are read every alarmPollIntervalMs (and at a bake's end), not at every judge look. */
  alarmReadDue: ({ context, event }: GuardArgs) => {
    const now = timeOf(event, context);
    return (
      context.alarmsReadAt === undefined ||
      now >= context.alarmsReadAt + context.alarmPollIntervalMs ||
      (context.bakeUntil !== undefined && now >= context.bakeUntil)
    );
  },
  /** A critical metric failed and the judge may act (not a dry run). */
  judgeFailsCritical: ({ context, event }: GuardArgs) =>
    !context.judge?.dryRun &&
    (judgeReadingOf(event)?.verdicts.some((v) => v.critical && v.verdict === 'fail') ?? false),
  /** Some metric's verdict differs from the last look's (before the first, every metric counts as inconclusive). */
  judgeVerdictChanged: ({ context, event }: GuardArgs) => {
    const before = new Map((context.judgeReading?.verdicts ?? []).map((v) => [v.metric, v.verdict]));
    const now = judgeReadingOf(event)?.verdicts ?? [];
    return now.some((v) => (before.get(v.metric) ?? 'inconclusive') !== v.verdict);
  },
  /** Every metric passes: an analysis step may end before its time (not in a dry run: it never acts). */
  judgeAllPass: ({ context, event }: GuardArgs) => {
    if (context.judge?.dryRun) return false;
    const verdicts = judgeReadingOf(event)?.verdicts ?? [];
    return verdicts.length > 0 && verdicts.every((v) => v.verdict === 'pass');
  },
  /** The judge's look failed with a reason the timeline has not told yet. */
  judgeErrorUntold: ({ context, event }: GuardArgs) => errorOf(event).message !== context.judgeSkippedBecause,
  // ---- the native engine ----
  nativeEngine: ({ context }: GuardArgs) => isNative(context),
  nativeBaselineKnown: ({ context }: GuardArgs) => isNative(context) && context.baseline !== undefined,
  /** The final config serves, InService, with no deployment pending: SageMaker finished the deployment. */
  servesFinalConfig: ({ context, event }: GuardArgs) => {
    const view = nativeReadingOf(event)?.endpoint;
    return (
      view?.status === 'InService' && view.endpointConfigName === context.names.finalConfig && !view.pending
    );
  },
  /** SageMaker deploys the final config (PendingDeploymentSummary names it) or it serves already. */
  finalConfigDeployingOrServing: ({ context, event }: GuardArgs) => {
    const view = nativeReadingOf(event)?.endpoint;
    const final = context.names.finalConfig;
    return view?.pending?.endpointConfigName === final || view?.endpointConfigName === final;
  },
  /** The original config serves again, InService, nothing pending: SageMaker rolled the deployment back. */
  servesOriginalConfig: ({ context, event }: GuardArgs) => {
    const view = nativeReadingOf(event)?.endpoint;
    return (
      view?.status === 'InService' &&
      view.endpointConfigName === context.baseline?.endpointConfigName &&
      !view.pending
    );
  },
  /** InService on a config neither the final nor the original, nothing pending: someone else's update. */
  servesOtherConfig: ({ context, event }: GuardArgs) => {
    const view = nativeReadingOf(event)?.endpoint;
    return (
      view?.status === 'InService' &&
      !view.pending &&
      view.endpointConfigName !== undefined &&
      view.endpointConfigName !== context.names.finalConfig &&
      view.endpointConfigName !== context.baseline?.endpointConfigName
    );
  },
  deploymentBroken: ({ event }: GuardArgs) =>
    NATIVE_BROKEN_STATUSES.includes(nativeReadingOf(event)?.endpoint.status ?? ''),
  /** The new fleet's status changed since the timeline last told it. */
  deploymentProgressed: ({ context, event }: GuardArgs) => {
    const view = nativeReadingOf(event)?.endpoint;
    const key = view ? progressKey(view) : undefined;
    return key !== undefined && key !== context.nativeTold;
  },
  /** A bake began that follows one of the plan's shifts not yet seen. */
  deploymentShifted: ({ context, event }: GuardArgs) => {
    const view = nativeReadingOf(event)?.endpoint;
    return (
      view !== undefined &&
      bakeBegan(context.nativeTold, view) &&
      (context.nativeShifts ?? 0) < planShifts(context.plan.steps).length
    );
  },
  /** `abort` or the deadline asked SageMaker to roll back (through the abort alarm). */
  nativeRollbackRequested: ({ context }: GuardArgs) => context.rollbackReason !== undefined,
  nativeRollbackNotRequested: ({ context }: GuardArgs) => context.rollbackReason === undefined,
  pastDeadlineUnrequested: ({ context, event }: GuardArgs) =>
    context.rollbackReason === undefined &&
    timeOf(event, context) >= context.startedAt + context.maxDurationMs,
  abortAlarmUntold: ({ context }: GuardArgs) => context.abortAlarmSetAt === undefined,
  // ---- an inference component (SageMaker's rolling update moves the copies) ----
  inferenceComponentBaselineKnown: ({ context }: GuardArgs) =>
    isInferenceComponent(context) && context.baseline !== undefined,
  componentIs: ({ context, event }: GuardArgs, params: { outcome: ReturnType<typeof componentOutcome> }) => {
    const view = componentReadingOf(event)?.component;
    return (
      view !== undefined &&
      isInferenceComponent(context) &&
      componentOutcome({ ...context, inferenceComponent: context.inferenceComponent }, view) ===
        params.outcome
    );
  },
  /** The copies' status or counts changed since the timeline last told them. */
  componentProgressed: ({ context, event }: GuardArgs) => {
    const view = componentReadingOf(event)?.component;
    return view !== undefined && componentProgressKey(view) !== context.componentTold;
  },
};

function bakeOver(context: RolloutContext, event: MachineEvent): boolean {
  const reading = alarmReadingOf(event);
  return reading !== undefined && context.bakeUntil !== undefined && reading.at >= context.bakeUntil;
}

/** Each guard in words: the legend of the generated diagram, for readers who skip the code. */
export const GUARD_MEANINGS: Record<keyof typeof rolloutGuards, string> = {
  baselineKnown: 'the host resolved the baseline variant before starting',
  pastDeadline: 'the rollout has run longer than its maximum duration',
  planDone: 'every step of the plan has run',
  stepIs: 'the current plan step is of this kind (setWeight, bake, analysis; anything else is a manual gate)',
  fullPromotion: 'the promote command asked to skip the remaining steps (`promote --full`)',
  candidateMayBeLive:
    'the endpoint may run a config with the candidate, so traffic and config must be restored',
  endpointGone:
    'the endpoint is being deleted or is gone (its event or a check says so, or an effect found no endpoint)',
  endpointStillChanging: `the endpoint's state-change event says ${CHANGING_ENDPOINT_STATUSES.join(', ')}: nothing to look at until it settles`,
  endpointBroken: `the endpoint became one of ${BROKEN_ENDPOINT_STATUSES.join(', ')}`,
  applyOutcome:
    'applying the change reported this outcome (satisfied: already in effect, nothing to wait for)',
  checkPhase:
    'the endpoint check reported this phase (ready: the change is in effect; inProgress: still updating)',
  changeNotSent: 'the change is not in effect because the call never reached SageMaker: send it now',
  changeWorthRetrying:
    'the change is not in effect and may be tried again (weights that did not stick, or any rollback step), within the retry limit',
  retryableError:
    'the effect failed with a retryable error (throttling, busy endpoint) within the retry limit',
  alarmFiring: 'an alarm the rollout watches is in ALARM',
  preTrafficCheckWanted: 'the rollout has a pre-traffic check (policy preTrafficCheck)',
  preTrafficCheckPassed:
    'every sample request to the candidate variant answered 2xx within the latency bound',
  bakeOver: 'alarms were read quiet at or after the end of the bake',
  bakeEndsWith:
    "the bake is over and the judge's verdicts decide this (pass: all pass; otherwise the policy's onInconclusive)",
  judgeDue: "time for the judge's next look (every judge.intervalMs, and at the step's end)",
  judgeSilentUntold: 'the judge cannot look (no baseline traffic at 100%) and the timeline has not said so',
  alarmReadDue: 'alarms are due to be read (every alarmPollIntervalMs, and at the end of a bake)',
  judgeFailsCritical: 'the judge found a critical metric worse than its tolerance (and is not a dry run)',
  judgeVerdictChanged: "a metric's verdict changed since the judge's last look",
  judgeAllPass: 'the judge finds every metric no worse than its tolerance',
  judgeErrorUntold: "the judge's look failed for a reason the timeline has not told yet",
  nativeEngine: 'the rollout runs on the native engine (SageMaker deployment guardrails moves the traffic)',
  nativeBaselineKnown: 'a native rollout whose baseline the host resolved before starting',
  servesFinalConfig: 'the endpoint is InService on the final config with no deployment pending',
  finalConfigDeployingOrServing:
    'a deployment of the final config is pending (PendingDeploymentSummary) or the final config serves',
  servesOriginalConfig:
    'the endpoint is InService on its original config with no deployment pending (SageMaker rolled back)',
  servesOtherConfig:
    'the endpoint is InService on a config neither final nor original, nothing pending (another UpdateEndpoint)',
  deploymentBroken: `the endpoint became one of ${NATIVE_BROKEN_STATUSES.join(', ')}`,
  deploymentProgressed: "the new fleet's status (PendingDeploymentSummary) changed since last told",
  deploymentShifted: 'a bake began after one of the plan’s shifts not yet seen',
  nativeRollbackRequested: 'abort or the deadline put the abort alarm into ALARM',
  nativeRollbackNotRequested: 'nothing has asked SageMaker to roll back yet',
  pastDeadlineUnrequested:
    'the rollout has run longer than its maximum duration and no rollback was asked for yet',
  abortAlarmUntold: 'the timeline has not told yet that the abort alarm was set',
  inferenceComponentBaselineKnown:
    'an inference-component rollout whose component the host read before starting',
  componentIs:
    'the component, as just read, is updated (InService on the candidate model), rolledBack (InService on the ' +
    `model that served at start, after this rollout's update), broken (${COMPONENT_BROKEN_STATUSES.join(', ')}) or moving`,
  componentProgressed: "the component's status or copy counts changed since last told",
};
