// The rollout machine's named actions: every change to its context, and the timeline facts it
// emits. The chart in rollout.ts refers to them by name, with params where instances differ.
import { assign, emit, type ParameterizedObject } from 'xstate';
import { ENDPOINT_DELETED, type RollbackReason, type RolloutEvent } from './contract';

/** The failure code of a native deployment SageMaker left Failed or UpdateRollbackFailed. */
export const NATIVE_DEPLOYMENT_FAILED = 'NATIVE_DEPLOYMENT_FAILED';
/** The failure code of an inference component a rolling update left Failed, or that was deleted. */
export const COMPONENT_UPDATE_FAILED = 'COMPONENT_UPDATE_FAILED';
import {
  alarmReadingOf,
  applyResultOf,
  baselineOf,
  checkResultOf,
  cleanupResultOf,
  currentStep,
  errorOf,
  resolvedBaselineOf,
  shiftTarget,
  stepNumber,
  timeOf,
  watchedAlarms,
  type ChangePurpose,
  judgeApplies,
  judgeReadingOf,
  judgeSilence,
  componentReadingOf,
  nativeReadingOf,
  preTrafficResultOf,
  type MachineEvent,
  type RolloutContext,
} from './context';
import { buildChange, deploysCandidate, failureFromCheck } from './endpoint-change';
import { candidateBounds } from './scaling';
import { pastLastBake, pendingVariant, planShifts, progressKey } from './native';
import { componentProgressKey } from './inference-component';
import { LIFECYCLE_OF_FACT, type FactKind, type TimelineFact, type TimelineNote } from './facts';

type Params = ParameterizedObject['params'] | undefined;
type ActionArgs = { context: RolloutContext; event: RolloutEvent };

// Standalone assign()/emit() cannot infer the machine's types (setup() would supply them by
// context), so these two pin them once for every action below.
function update<P extends Params = undefined>(
  assigner: (args: ActionArgs, params: P) => Partial<RolloutContext>,
) {
  return assign<RolloutContext, RolloutEvent, P, RolloutEvent, never>(assigner);
}

function tell<P extends Params>(note: (args: ActionArgs, params: P) => TimelineNote) {
  return emit<RolloutContext, RolloutEvent, P, RolloutEvent, TimelineNote>(note);
}

// ---- timeline facts -------------------------------------------------------------------------

function byOf(event: MachineEvent): string {
  return 'by' in event ? event.by : 'unknown';
}

function cleanupOf(event: MachineEvent): { removed: string[]; kept: string[]; restored?: string[] } {
  return cleanupResultOf(event) ?? { removed: [], kept: [] };
}

/** How each fact is read off the context and the event that caused it. */
const FACTS: {
  [K in FactKind]: (context: RolloutContext, event: MachineEvent) => Extract<TimelineFact, { kind: K }>;
} = {
  started: (c) => ({
    kind: 'started',
    rolloutId: c.rolloutId,
    requestedBy: c.requestedBy,
    modelPackageArn: c.modelPackageArn,
    endpointName: c.endpointName,
    strategy: c.plan.strategy,
    ...(c.inferenceComponent ? { inferenceComponent: c.inferenceComponent.inferenceComponentName } : {}),
  }),
  baseline: (c) => ({ kind: 'baseline', baseline: baselineOf(c) }),
  candidateCreated: (c) => ({
    kind: 'candidateCreated',
    candidateModel: c.names.candidateModel,
    transitionConfig: c.names.transitionConfig,
    candidateVariant: c.names.candidateVariant,
  }),
  transitionLive: (c) => ({
    kind: 'transitionLive',
    endpointName: c.endpointName,
    transitionConfig: c.names.transitionConfig,
  }),
  // Told once the shift is confirmed and stepIndex has moved on: it is about the step just done.
  shifted: (c) => ({
    kind: 'shifted',
    weights: { baseline: 100 - c.candidateWeight, candidate: c.candidateWeight },
    step: stepNumber({ ...c, stepIndex: c.stepIndex - 1 }),
    ...(c.baseline?.scaling
      ? {
          candidateCapacity: candidateBounds(c.baseline.scaling, c.candidateWeight, c.baseline.instanceCount),
        }
      : {}),
  }),
  bakeStarted: (c) => {
    const step = currentStep(c);
    return {
      kind: 'bakeStarted',
      durationMs: step?.kind === 'bake' || step?.kind === 'analysis' ? step.durationMs : 0,
      candidateWeight: c.candidateWeight,
      step: stepNumber(c),
      bakeUntil: c.bakeUntil ?? c.now,
      watching: watchedAlarms(c),
    };
  },
  bakeCompleted: (c) => ({ kind: 'bakeCompleted', step: stepNumber(c) }),
  gate: (c) => ({
    kind: 'gate',
    step: stepNumber(c),
    candidateWeight: c.candidateWeight,
    rolloutId: c.rolloutId,
  }),
  promoted: (c, e) => ({ kind: 'promoted', step: stepNumber(c), by: byOf(e) }),
  promotedFull: (_c, e) => ({ kind: 'promotedFull', by: byOf(e) }),
  paused: (c, e) => ({
    kind: 'paused',
    step: stepNumber(c),
    by: 'by' in e ? e.by : (c.pausedBy ?? 'unknown'),
  }),
  resumed: (c, e) => ({ kind: 'resumed', step: stepNumber(c), by: byOf(e) }),
  retry: (_c, e) => ({ kind: 'retry', error: errorOf(e).message }),
  alarmReadFailed: (_c, e) => ({ kind: 'alarmReadFailed', error: errorOf(e).message }),
  promoting: (c) => ({
    kind: 'promoting',
    finalConfig: c.names.finalConfig,
    ...(c.baseline ? { variantName: c.baseline.variantName } : {}),
  }),
  finalLive: (c) => ({ kind: 'finalLive', endpointName: c.endpointName, finalConfig: c.names.finalConfig }),
  cleanedUp: (_c, e) => ({ kind: 'cleanedUp', ...cleanupOf(e) }),
  rollbackStarted: (c) => ({ kind: 'rollbackStarted', reason: c.rollbackReason }),
  trafficRestored: (c) => ({ kind: 'trafficRestored', baselineVariant: baselineOf(c).variantName }),
  reverted: (c) => ({
    kind: 'reverted',
    endpointName: c.endpointName,
    originalConfig: baselineOf(c).endpointConfigName,
  }),
  candidateRemoved: (_c, e) => {
    const { removed, restored } = cleanupOf(e);
    return { kind: 'candidateRemoved', removed, ...(restored?.length ? { restored } : {}) };
  },
  endpointDeleted: (c) => ({ kind: 'endpointDeleted', endpointName: c.endpointName }),
  // Told after recordJudgeReading / decideJudge: the latest verdicts and what they made the rollout do.
  judged: (c, e) => {
    const reading = judgeReadingOf(e) ?? c.judgeReading;
    return {
      kind: 'judged',
      step: stepNumber(c),
      verdicts: reading?.verdicts ?? [],
      from: reading?.from ?? c.now,
      to: reading?.to ?? c.now,
      dryRun: c.judge?.dryRun ?? false,
      decision: c.judgeDecision ?? 'hold',
    };
  },
  judgeSkipped: (c, e) => ({
    kind: 'judgeSkipped',
    reason: 'error' in e ? errorOf(e).message : (judgeSilence(c) ?? 'unknown'),
  }),
  preTrafficChecked: (c, e) => {
    const { at: _at, ...result } = preTrafficResultOf(e) ?? { at: 0, sent: 0, failures: [], maxLatencyMs: 0 };
    return {
      kind: 'preTrafficChecked',
      result,
      passed: result.failures.length === 0,
      candidateVariant: c.names.candidateVariant,
      maxLatencyBoundMs: c.preTrafficCheck?.maxLatencyMs ?? 0,
    };
  },
  nativePrepared: (c) => ({
    kind: 'nativePrepared',
    candidateModel: c.names.candidateModel,
    finalConfig: c.names.finalConfig,
    variantName: baselineOf(c).variantName,
    abortAlarm: c.native?.abortAlarmName ?? '?',
  }),
  nativeDeploymentStarted: (c) => ({
    kind: 'nativeDeploymentStarted',
    endpointName: c.endpointName,
    finalConfig: c.names.finalConfig,
    deploymentConfig: c.native!.deploymentConfig,
  }),
  nativeProgress: (c, e) => {
    const variant = pendingVariant(nativeReadingOf(e)?.endpoint ?? c.nativeView);
    return {
      kind: 'nativeProgress',
      variantName: variant?.variantName ?? baselineOf(c).variantName,
      status: variant?.status ?? 'unknown',
      ...(variant?.statusMessage ? { message: variant.statusMessage } : {}),
    };
  },
  nativeShifted: (c) => ({
    kind: 'nativeShifted',
    weights: { baseline: 100 - c.candidateWeight, candidate: c.candidateWeight },
    shift: { index: c.nativeShifts ?? 0, total: planShifts(c.plan.steps).length },
  }),
  nativeAlarmSeen: (_c, e) => ({
    kind: 'nativeAlarmSeen',
    alarmName: e.type === 'ALARM_FIRED' ? e.alarmName : '?',
    stateReason: e.type === 'ALARM_FIRED' ? e.stateReason : '',
  }),
  abortAlarmSet: (c) => ({
    kind: 'abortAlarmSet',
    alarmName: c.native?.abortAlarmName ?? c.inferenceComponent?.abortAlarmName ?? '?',
    // A rolling update is watched until its last batch has baked; after it the rollout rolls back itself.
    pastLastBake: c.inferenceComponent ? false : pastLastBake(c),
  }),
  componentPrepared: (c) => ({
    kind: 'componentPrepared',
    candidateModel: c.names.candidateModel,
    abortAlarm: c.inferenceComponent!.abortAlarmName,
  }),
  componentUpdateStarted: (c) => ({
    kind: 'componentUpdateStarted',
    spec: c.inferenceComponent!,
    candidateModel: c.names.candidateModel,
  }),
  componentProgress: (c, e) => ({
    kind: 'componentProgress',
    inferenceComponentName: c.inferenceComponent!.inferenceComponentName,
    view: componentReadingOf(e)?.component ??
      c.componentView ?? { status: 'unknown', lastDeployment: 'none' },
  }),
  componentUpdated: (c) => ({
    kind: 'componentUpdated',
    inferenceComponentName: c.inferenceComponent!.inferenceComponentName,
    candidateModel: c.names.candidateModel,
    finalBakeUntil: c.bakeUntil ?? c.now,
    watching: watchedAlarms(c),
  }),
  componentRolledBack: (c) => ({
    kind: 'componentRolledBack',
    inferenceComponentName: c.inferenceComponent!.inferenceComponentName,
    modelName: c.inferenceComponent!.servingSpecification.modelName,
    ...(c.componentView?.failureReason ? { failureReason: c.componentView.failureReason } : {}),
  }),
  componentRollbackStarted: (c) => ({
    kind: 'componentRollbackStarted',
    inferenceComponentName: c.inferenceComponent!.inferenceComponentName,
    modelName: c.inferenceComponent!.servingSpecification.modelName,
  }),
  componentRestored: (c) => ({
    kind: 'componentRestored',
    inferenceComponentName: c.inferenceComponent!.inferenceComponentName,
    modelName: c.inferenceComponent!.servingSpecification.modelName,
  }),
  nativeRolledBack: (c) => ({
    kind: 'nativeRolledBack',
    endpointName: c.endpointName,
    originalConfig: baselineOf(c).endpointConfigName,
    ...(c.nativeView?.failureReason ? { failureReason: c.nativeView.failureReason } : {}),
  }),
  succeeded: (c) => ({
    kind: 'succeeded',
    modelPackageArn: c.modelPackageArn,
    endpointName: c.endpointName,
    finalConfig: c.names.finalConfig,
    ...(c.inferenceComponent
      ? {
          inferenceComponent: {
            name: c.inferenceComponent.inferenceComponentName,
            model: c.names.candidateModel,
          },
        }
      : {}),
  }),
  rolledBack: (c) => ({
    kind: 'rolledBack',
    reason: c.rollbackReason,
    endpointName: c.endpointName,
    originalConfig: c.baseline?.endpointConfigName,
    ...(c.inferenceComponent
      ? {
          inferenceComponent: {
            name: c.inferenceComponent.inferenceComponentName,
            model: c.inferenceComponent.servingSpecification.modelName,
          },
        }
      : {}),
  }),
  failed: (c) => ({
    kind: 'failed',
    ...(c.failure?.code === NATIVE_DEPLOYMENT_FAILED ? { native: true } : {}),
    failure: c.failure,
    reason: c.rollbackReason,
    endpointName: c.endpointName,
    originalConfig: c.baseline?.endpointConfigName,
  }),
};

// ---- rollback reasons -----------------------------------------------------------------------

function alarmReason(firing: {
  alarmName: string;
  stateReason: string;
  datapoints?: number[];
  threshold?: number;
}): RollbackReason {
  return {
    kind: 'alarm',
    alarmName: firing.alarmName,
    stateReason: firing.stateReason,
    ...(firing.datapoints !== undefined ? { datapoints: firing.datapoints } : {}),
    ...(firing.threshold !== undefined ? { threshold: firing.threshold } : {}),
  };
}

/** The alarm that fired, whether the host pushed it (ALARM_FIRED) or a read found it. */
function firedAlarm(event: MachineEvent): RollbackReason {
  if (event.type === 'ALARM_FIRED') return alarmReason(event);
  const first = alarmReadingOf(event)?.firing[0];
  return first ? alarmReason(first) : { kind: 'failure', code: 'INTERNAL', message: 'alarm' };
}

function checkFailure(context: RolloutContext, event: MachineEvent): { code: string; message: string } {
  return failureFromCheck(
    context.change,
    checkResultOf(event) ?? { phase: 'failed', status: 'unknown', at: 0 },
  );
}

/** A rollback request in words, for warnings: who aborted, or the deadline. */
function describeRequest(reason: RollbackReason): string {
  if (reason.kind === 'abort') return `the abort by ${reason.by}`;
  if (reason.kind === 'timeout') return 'the rollback at the maximum duration';
  return 'the rollback request';
}

// ---- the actions ----------------------------------------------------------------------------

export const rolloutActions = {
  observeTime: update(({ context, event }) => ({ now: timeOf(event, context) })),
  countRetry: update(({ context }) => ({ attempts: context.attempts + 1 })),
  resetAttempts: update(() => ({ attempts: 0 })),
  /** Try again after the poll interval (a retryable failure: throttled, not yet visible, busy). */
  scheduleWake: update(({ context, event }) => ({ wakeAt: timeOf(event, context) + context.pollIntervalMs })),
  /**
   * Look at an updating endpoint again: pollIntervalMs after the change was sent, then after as long as
   * the change has taken so far (the interval doubles), up to maxPollIntervalMs; never past the rollout's
   * deadline while that is ahead. The endpoint's state-change event wakes the rollout before that
   * when it arrives.
   */
  scheduleEndpointLook: update(({ context, event }) => {
    const now = timeOf(event, context);
    const elapsed = context.changeRequestedAt === undefined ? 0 : now - context.changeRequestedAt;
    const cap = Math.max(context.pollIntervalMs, context.maxPollIntervalMs ?? context.pollIntervalMs);
    const look = now + Math.min(cap, Math.max(context.pollIntervalMs, elapsed));
    const deadline = context.startedAt + context.maxDurationMs;
    return { wakeAt: deadline > now ? Math.min(look, deadline) : look };
  }),
  /** While holding, wake for the next alarm read, the rollout's deadline, or (baking) the bake's end. */
  scheduleAlarmRead: update(({ context }, params: { untilBakeEnds: boolean }) => {
    const judging = judgeApplies(context);
    // With the judge, idle is also entered between alarm reads (after a look): alarms are next due a
    // poll interval after they were last read. Without it, idle follows every read.
    const nextAlarmRead = judging
      ? Math.max(context.now, (context.alarmsReadAt ?? context.now) + context.alarmPollIntervalMs)
      : context.now + context.alarmPollIntervalMs;
    const candidates = [nextAlarmRead, context.startedAt + context.maxDurationMs];
    if (params.untilBakeEnds && context.bakeUntil !== undefined) candidates.push(context.bakeUntil);
    // The judge looks more often than alarms are read (every 10 s with 10-second metrics).
    if (judging) candidates.push(Math.max(context.now, context.judgeAt ?? context.now));
    return { wakeAt: Math.min(...candidates) };
  }),
  recordBaseline: update(({ context, event }) => ({
    baseline: resolvedBaselineOf(event) ?? context.baseline,
  })),

  /** Entering a wait for an endpoint change: what to change, and no call sent for it yet. */
  startChange: update(({ context }, params: { purpose: ChangePurpose }) => ({
    change: buildChange(context, params.purpose),
    changeRequested: false,
    changeRequestedAt: undefined,
    attempts: 0,
  })),
  recordApplied: update(({ context, event }) => {
    const requested = applyResultOf(event)?.outcome === 'requested';
    return {
      changeRequested: context.changeRequested || requested,
      changeRequestedAt: context.changeRequestedAt ?? (requested ? timeOf(event, context) : undefined),
      candidateDeployed: context.candidateDeployed || deploysCandidate(context.change),
    };
  }),
  /** The change did not stick: the next apply is a fresh call. */
  forgetRequest: update(() => ({ changeRequested: false, changeRequestedAt: undefined })),

  startBake: update(({ context, event }) => {
    const step = currentStep(context);
    const durationMs = step?.kind === 'bake' || step?.kind === 'analysis' ? step.durationMs : 0;
    return { bakeUntil: timeOf(event, context) + durationMs };
  }),
  completeShift: update(({ context, event }) => ({
    candidateWeight: shiftTarget(context),
    stepIndex: context.stepIndex + 1,
    ...(context.firstTrafficAt === undefined && shiftTarget(context) > 0
      ? { firstTrafficAt: timeOf(event, context) }
      : {}),
  })),
  completeBake: update(({ context }) => ({ stepIndex: context.stepIndex + 1, bakeUntil: undefined })),
  passGate: update(({ context }) => ({ stepIndex: context.stepIndex + 1 })),
  setCandidateWeight: update((_args, params: { percent: number }) => ({ candidateWeight: params.percent })),
  recordAlarmStates: update(({ context, event }) => ({
    alarmStates: alarmReadingOf(event)?.states ?? context.alarmStates,
    alarmsReadAt: timeOf(event, context),
  })),

  /** The judge's look: its verdicts, the thresholds it read, and when it looks next. */
  recordJudgeReading: update(({ context, event }) => {
    const reading = judgeReadingOf(event);
    if (!reading) return {};
    const thresholds = { ...context.judgeThresholds };
    for (const v of reading.verdicts) if (v.threshold !== undefined) thresholds[v.metric] = v.threshold;
    return {
      judgeReading: reading,
      judgeThresholds: thresholds,
      judgeAt: reading.at + (context.judge?.intervalMs ?? context.alarmPollIntervalMs),
      judgeDecision: 'hold',
      judgeSkippedBecause: undefined,
    };
  }),
  decideJudge: update((_args, params: { decision: NonNullable<RolloutContext['judgeDecision']> }) => ({
    judgeDecision: params.decision,
  })),
  /** The judge could not look: say why once, and look again at the next interval. */
  recordJudgeSkipped: update(({ context, event }) => ({
    judgeSkippedBecause: 'error' in event ? errorOf(event).message : judgeSilence(context),
    ...('error' in event
      ? { judgeAt: context.now + (context.judge?.intervalMs ?? context.alarmPollIntervalMs) }
      : {}),
  })),
  /** The judge rolls back: on the metric that failed (or, at a step's end, the first one that did not pass). */
  recordJudgeRollback: update(({ context, event }) => {
    const verdicts = (judgeReadingOf(event) ?? context.judgeReading)?.verdicts ?? [];
    const worst =
      verdicts.find((v) => v.critical && v.verdict === 'fail') ??
      verdicts.find((v) => v.verdict === 'fail') ??
      verdicts.find((v) => v.verdict !== 'pass') ??
      verdicts[0];
    return {
      rollbackReason: worst
        ? { kind: 'judge', metric: worst.metric, verdict: worst }
        : { kind: 'failure', code: 'JUDGE', message: 'the judge had no verdict at the end of the step' },
    };
  }),
  /** The judge pauses an inconclusive step as a person's PAUSE would; `resume` then proceeds past it. */
  pauseForJudge: update(({ context }) => ({
    pausedBy: 'judge',
    bakeRemainingMs: 0,
    bakeUntil: undefined,
    judgePausedStep: context.stepIndex,
  })),

  /** A paused bake keeps the time it had left, not its deadline: the pause must not eat the bake. */
  pause: update(({ context, event }) => ({
    pausedBy: event.type === 'PAUSE' ? event.by : undefined,
    bakeRemainingMs:
      context.bakeUntil === undefined ? undefined : Math.max(0, context.bakeUntil - timeOf(event, context)),
    bakeUntil: undefined,
  })),
  resume: update(({ context, event }) => ({
    bakeUntil:
      context.bakeRemainingMs === undefined ? undefined : timeOf(event, context) + context.bakeRemainingMs,
    bakeRemainingMs: undefined,
    pausedBy: undefined,
  })),

  recordAbort: update(({ event }) => ({
    rollbackReason:
      event.type === 'ABORT'
        ? { kind: 'abort', by: event.by, note: event.note }
        : { kind: 'abort', by: 'unknown' },
  })),
  recordAlarm: update(({ event }) => ({ rollbackReason: firedAlarm(event) })),
  recordEndpointBroken: update(({ context, event }) => ({
    rollbackReason: {
      kind: 'failure',
      code: 'UPDATE_FAILED',
      message: `endpoint ${context.endpointName} became ${event.type === 'ENDPOINT_CHANGED' ? event.status : 'unusable'} during the rollout`,
    },
  })),
  /** The pre-traffic check failed: the sample requests that did are why the rollout rolls back. */
  recordPreTrafficFailure: update(({ event }) => {
    const result = preTrafficResultOf(event);
    return {
      rollbackReason: {
        kind: 'preTrafficCheck',
        failures: result?.failures ?? [],
        sent: result?.sent ?? 0,
      },
    };
  }),
  recordTimeout: update(({ context }) => ({
    rollbackReason: { kind: 'timeout', maxDurationMs: context.maxDurationMs },
  })),
  /** A forward effect failed: that failure is why the rollout rolls back. */
  recordFailure: update(({ event }, params: { prefix: string }) => {
    const e = errorOf(event);
    return { rollbackReason: { kind: 'failure', code: e.code, message: `${params.prefix}: ${e.message}` } };
  }),
  /** SageMaker would not take a forward change: roll back, saying what the endpoint showed. */
  recordEndpointFailure: update(({ context, event }) => ({
    rollbackReason: { kind: 'failure', ...checkFailure(context, event) },
  })),
  /** A rollback effect failed for good: the rollout needs a human. */
  recordRollbackFailure: update(({ event }, params: { prefix: string }) => {
    const e = errorOf(event);
    return { failure: { code: e.code, message: `${params.prefix}: ${e.message}` } };
  }),
  recordRollbackEndpointFailure: update(({ context, event }) => ({ failure: checkFailure(context, event) })),
  /** The endpoint was deleted under the rollout: it ends failed, once what it created is removed. */
  recordEndpointDeleted: update(({ context }) => ({
    endpointDeleted: true,
    failure: {
      code: ENDPOINT_DELETED,
      message: `endpoint ${context.endpointName} was deleted during the rollout`,
    },
  })),
  /** Removing what the rollout created failed for good after the endpoint was deleted: say what is left. */
  recordLeftoversAfterDeletion: update(({ context, event }) => ({
    failure: {
      code: ENDPOINT_DELETED,
      message:
        `endpoint ${context.endpointName} was deleted during the rollout, and removing what the rollout ` +
        `created failed: ${errorOf(event).message}`,
    },
  })),
  /** The candidate is live and healthy; leftovers after promotion are a warning, not a failure. */
  recordCleanupWarning: update(({ context, event }) => ({
    warnings: [...context.warnings, `cleanup after promotion failed: ${errorOf(event).message}`],
  })),

  // ---- the native engine ----
  /** What the latest follow read: the endpoint, and the new fleet's status as now told. */
  recordNativeView: update(({ context, event }) => {
    const view = nativeReadingOf(event)?.endpoint;
    if (!view) return {};
    return { nativeView: view, nativeTold: progressKey(view) ?? context.nativeTold };
  }),
  /**
   * SageMaker made the plan's next shift: the new fleet takes the share its whole instances serve (the
   * spec's shiftPercents; the plan's percent in older snapshots), and the plan stands at its bake.
   */
  recordNativeShift: update(({ context, event }) => {
    const index = context.nativeShifts ?? 0;
    const shift = planShifts(context.plan.steps)[index];
    if (!shift) return {};
    return {
      nativeShifts: index + 1,
      candidateWeight: context.native?.shiftPercents?.[index] ?? shift.percent,
      stepIndex: shift.stepIndex + 1,
      ...(context.firstTrafficAt === undefined ? { firstTrafficAt: timeOf(event, context) } : {}),
    };
  }),
  recordNativeAlarm: update(({ event }) =>
    event.type === 'ALARM_FIRED'
      ? {
          nativeAlarm: {
            alarmName: event.alarmName,
            stateReason: event.stateReason,
            ...(event.datapoints ? { datapoints: event.datapoints } : {}),
            ...(event.threshold !== undefined ? { threshold: event.threshold } : {}),
          },
        }
      : {},
  ),
  markAbortAlarmSet: update(({ context, event }) => ({ abortAlarmSetAt: timeOf(event, context) })),
  /**
   * SageMaker rolled back: why. An abort or the deadline asked for it; otherwise the auto-rollback
   * alarm in ALARM now (or the one last seen firing: it may be OK again by now); otherwise what
   * DescribeEndpoint's FailureReason says.
   */
  recordNativeRollback: update(({ context, event }) => {
    if (context.rollbackReason) return {};
    const abortAlarm = context.native?.abortAlarmName ?? context.inferenceComponent?.abortAlarmName;
    const firing = alarmReadingOf(event)?.firing ?? [];
    const team = firing.find((f) => f.alarmName !== abortAlarm);
    if (team) return { rollbackReason: alarmReason(team) };
    if (firing.length > 0) {
      return {
        rollbackReason: {
          kind: 'abort',
          by: 'someone outside this rollout',
          note: `abort alarm ${abortAlarm} was put into ALARM`,
        },
      };
    }
    if (context.nativeAlarm) return { rollbackReason: alarmReason(context.nativeAlarm) };
    const why = context.nativeView?.failureReason ?? context.componentView?.failureReason;
    return {
      rollbackReason: {
        kind: 'failure',
        code: 'NATIVE_ROLLED_BACK',
        message: `SageMaker rolled the deployment back${why ? `: ${why}` : ' (no alarm was found in ALARM)'}`,
      },
    };
  }),
  /** The deployment ended Failed or UpdateRollbackFailed: what happened, and what a person should do. */
  recordNativeFailure: update(({ context, event }) => {
    const view = nativeReadingOf(event)?.endpoint ?? context.nativeView;
    const status = view?.status ?? 'unknown';
    const why = view?.failureReason ? ` (${view.failureReason})` : '';
    const original = context.baseline?.endpointConfigName ?? 'unknown';
    const todo =
      status === 'UpdateRollbackFailed'
        ? 'SageMaker could not roll back and the endpoint serves a mix of the old and new configs; once it is ' +
          `InService, update it to the original config ${original} (see Rolling Deployments in the SageMaker guide)`
        : status === 'Failed'
          ? `SageMaker allows only DeleteEndpoint on a failed endpoint: delete it and create it again from config ${original}`
          : `bring it back InService on config ${original}`;
    return {
      failure: {
        code: NATIVE_DEPLOYMENT_FAILED,
        message: `the guardrails deployment left endpoint ${context.endpointName} ${status}${why}; ${todo}`,
      },
    };
  }),
  // ---- an inference component ----
  recordComponentView: update(({ event }) => {
    const view = componentReadingOf(event)?.component;
    if (!view) return {};
    return { componentView: view, componentTold: componentProgressKey(view) };
  }),
  /** SageMaker finished every batch: the final bake begins (the plan's last step), the new model at 100%. */
  startComponentFinalBake: update(({ context, event }) => ({
    candidateWeight: 100,
    stepIndex: Math.max(0, context.plan.steps.length - 1),
    bakeUntil: timeOf(event, context) + (context.inferenceComponent?.finalBakeMs ?? 0),
    ...(context.firstTrafficAt === undefined ? { firstTrafficAt: timeOf(event, context) } : {}),
  })),
  /** The component is back on the model that served: no copy runs the candidate any more. */
  markComponentRestored: update(() => ({ candidateWeight: 0, bakeUntil: undefined })),
  /** The component failed or was deleted under the rollout: what happened, and what a person should do. */
  recordComponentFailure: update(({ context, event }) => {
    const view = componentReadingOf(event)?.component ?? context.componentView;
    const spec = context.inferenceComponent!;
    const status = view?.status ?? 'unknown';
    const why = view?.failureReason ? ` (${view.failureReason})` : '';
    const todo =
      status === 'Deleted' || status === 'Deleting'
        ? 'nothing is left to roll back'
        : `SageMaker takes no update on a failed component: delete it and create it again with model ${spec.servingSpecification.modelName}`;
    return {
      failure: {
        code: COMPONENT_UPDATE_FAILED,
        message: `inference component ${spec.inferenceComponentName} is ${status}${why}; ${todo}`,
      },
    };
  }),
  /**
   * A third config serves (someone else's UpdateEndpoint): the stepwise path's "something else changed
   * it during the rollout", and what a person should do.
   */
  recordEndpointReplaced: update(({ context, event }) => ({
    failure: {
      code: 'UPDATE_FAILED',
      message: endpointReplacedMessage(context, nativeReadingOf(event)?.endpoint.endpointConfigName),
    },
  })),
  /** Removing what the rollout created failed for good after the endpoint was changed under it. */
  recordLeftoversAfterReplacement: update(({ context, event }) => ({
    failure: {
      code: 'UPDATE_FAILED',
      message:
        `${context.failure?.message ?? endpointReplacedMessage(context, undefined)}; removing what the rollout ` +
        `created failed: ${errorOf(event).message}`,
    },
  })),
  /** An abort that came after the last bake: SageMaker finished anyway, and the rollout says so. */
  recordAbortTooLate: update(({ context }) =>
    context.rollbackReason
      ? {
          warnings: [
            ...context.warnings,
            `${describeRequest(context.rollbackReason)} came after the last bake: SageMaker watches alarms only while ` +
              `baking, so it finished the deployment and the new model serves; \`sm-rollout undo\` rolls back to the previous version`,
          ],
          rollbackReason: undefined,
        }
      : {},
  ),

  /** Emits a timeline fact with where the rollout stands (for a completed shift, that step). */
  note: tell(({ context, event }, params: { fact: FactKind }) => {
    const fact = FACTS[params.fact](context, event);
    const lifecycle = LIFECYCLE_OF_FACT[params.fact];
    const step = fact.kind === 'shifted' ? fact.step : stepNumber(context);
    return {
      type: 'timeline',
      fact,
      ...(lifecycle ? { lifecycle } : {}),
      detail: {
        weights: { baseline: 100 - context.candidateWeight, candidate: context.candidateWeight },
        step,
      },
    };
  }),
};

function endpointReplacedMessage(context: RolloutContext, serving: string | undefined): string {
  return (
    `endpoint ${context.endpointName} runs config ${serving ?? 'unknown'}, not ${context.names.finalConfig}; ` +
    'something else changed it during the rollout; the rollout removes what it created (its model, final ' +
    'config and abort alarm) and leaves the endpoint as it is: find out who updated it, then start again if ' +
    'the new version is still wanted'
  );
}
