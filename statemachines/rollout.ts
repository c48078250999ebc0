// The rollout machine as a chart: every state of a rollout, from resolving the baseline to
// promotion or rollback — stepwise (the controller moves the weights), native (SageMaker deployment
// guardrails moves them and the machine follows) or on an inference component (SageMaker's rolling
// update replaces its copies; the machine follows and holds the final bake) — with guards, actions and effects named in setup()
// and implemented in guards.ts, actions.ts and by the host. Pure: time only arrives on events (`now`) and effect
// results (`at`), so a snapshot can be saved at any quiet point and restored in another process.
import { fromPromise, setup } from 'xstate';
import { rolloutActions } from './actions';
import type {
  AbortAlarmInput,
  AlarmReading,
  ApplyResult,
  CheckResult,
  CleanupResult,
  CreateCandidateResult,
  EndpointChange,
  InferenceComponentReading,
  PreTrafficResult,
  JudgeInput,
  JudgeReading,
  NativeDeploymentReading,
  ResolveBaselineResult,
  RolloutEvent,
  RolloutInput,
  RolloutInputWithBaseline,
  Stamped,
} from './contract';
import { describeReason } from './facts';
import {
  baselineOf,
  watchedAlarms,
  type ChangePurpose,
  type RetryMode,
  type RolloutContext,
} from './context';
import type { FactKind, TimelineNote } from './facts';
import { rolloutGuards } from './guards';

export type { ChangePurpose, RolloutContext } from './context';
export type { TimelineFact, TimelineNote } from './facts';
export { describeFact, describeReason } from './facts';

function notProvided(name: string): never {
  throw new Error(`effect "${name}" was not provided by the host (machine.provide({ actors }))`);
}

const rolloutSetup = setup({
  types: {
    context: {} as RolloutContext,
    events: {} as RolloutEvent,
    input: {} as RolloutInput,
    emitted: {} as TimelineNote,
    tags: {} as 'waiting' | 'watching',
  },
  actors: {
    resolveBaseline: fromPromise<ResolveBaselineResult, { context: RolloutInput }>(async () =>
      notProvided('resolveBaseline'),
    ),
    createCandidate: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('createCandidate'),
    ),
    applyEndpointChange: fromPromise<ApplyResult, { change: EndpointChange }>(async () =>
      notProvided('applyEndpointChange'),
    ),
    checkEndpoint: fromPromise<CheckResult, { change: EndpointChange }>(async () =>
      notProvided('checkEndpoint'),
    ),
    readAlarms: fromPromise<AlarmReading, { alarmNames: string[] }>(async () => notProvided('readAlarms')),
    judgeCandidate: fromPromise<JudgeReading, JudgeInput>(async () => notProvided('judgeCandidate')),
    createFinalConfig: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('createFinalConfig'),
    ),
    cleanupAfterPromotion: fromPromise<CleanupResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('cleanupAfterPromotion'),
    ),
    removeCandidate: fromPromise<CleanupResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('removeCandidate'),
    ),
    checkCandidate: fromPromise<PreTrafficResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('checkCandidate'),
    ),
    // ---- the native engine ----
    prepareNativeDeployment: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(
      async () => notProvided('prepareNativeDeployment'),
    ),
    followDeployment: fromPromise<NativeDeploymentReading, { endpointName: string }>(async () =>
      notProvided('followDeployment'),
    ),
    setAbortAlarm: fromPromise<Stamped, AbortAlarmInput>(async () => notProvided('setAbortAlarm')),
    // ---- an inference component ----
    prepareComponentUpdate: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(
      async () => notProvided('prepareComponentUpdate'),
    ),
    startComponentUpdate: fromPromise<ApplyResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('startComponentUpdate'),
    ),
    readComponent: fromPromise<InferenceComponentReading, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('readComponent'),
    ),
    startComponentRollback: fromPromise<ApplyResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('startComponentRollback'),
    ),
    cleanUpComponentRollout: fromPromise<
      CleanupResult,
      { context: RolloutInputWithBaseline; outcome: 'succeeded' | 'rolledBack' }
    >(async () => notProvided('cleanUpComponentRollout')),
  },
  guards: rolloutGuards,
  actions: rolloutActions,
});

type MachineConfig = Parameters<typeof rolloutSetup.createMachine>[0];
type StateConfig = NonNullable<MachineConfig['states']>[string];
type ActionParams = { [K in keyof typeof rolloutActions]: Parameters<(typeof rolloutActions)[K]>[1] };
/** A named action as the chart refers to it: by name, or by name with its params. */
type ActionRef = {
  [K in keyof ActionParams]: ActionParams[K] extends undefined ? K : { type: K; params: ActionParams[K] };
}[keyof ActionParams];

/** Tells the timeline a fact (facts.ts says what each one reads). */
function note(fact: FactKind) {
  return { type: 'note', params: { fact } } as const;
}

const rollbackOnAbort = { target: '#rollout.rollingBack', actions: 'recordAbort' } as const;
const rollbackOnAlarm = { target: '#rollout.rollingBack', actions: 'recordAlarm' } as const;
const rollbackOnDeadline = {
  guard: 'pastDeadline',
  target: '#rollout.rollingBack',
  actions: 'recordTimeout',
} as const;
/** Whatever the rollout was doing, a deleted endpoint leaves nothing to shift or roll back. */
const endpointWasDeleted = {
  guard: 'endpointGone',
  target: '#rollout.endpointDeleted',
  actions: 'observeTime',
} as const;
const promoteFully = {
  guard: 'fullPromotion',
  target: '#rollout.promoting',
  actions: note('promotedFull'),
} as const;

/**
 * Apply one endpoint change and wait until SageMaker reports it in effect. Forward changes give
 * up into a rollback; rollback changes retry longer and end in `failed` when SageMaker leaves no
 * way back.
 */
function awaitEndpoint(
  purpose: ChangePurpose,
  mode: RetryMode,
  onReady: { target: string; actions: readonly ActionRef[] },
): StateConfig {
  const forward = mode === 'forward';
  const failTarget = forward ? '#rollout.rollingBack' : '#rollout.failed';
  const recordError = forward
    ? ({ type: 'recordFailure', params: { prefix: `${purpose} step failed` } } as const)
    : ({ type: 'recordRollbackFailure', params: { prefix: `rollback step "${purpose}" failed` } } as const);
  const recordEndpointFailure = forward ? 'recordEndpointFailure' : 'recordRollbackEndpointFailure';
  const retryable = { type: 'retryableError', params: { mode } } as const;

  return rolloutSetup.createStateConfig({
    initial: 'applying',
    entry: { type: 'startChange', params: { purpose } },
    states: {
      applying: {
        invoke: {
          src: 'applyEndpointChange',
          input: ({ context }) => ({ change: context.change! }),
          onDone: [
            {
              guard: { type: 'applyOutcome', params: { outcome: 'satisfied' } },
              target: 'checking',
              actions: 'observeTime',
            },
            { target: 'waiting', actions: ['observeTime', 'recordApplied', 'scheduleEndpointLook'] },
          ],
          onError: [
            endpointWasDeleted,
            { guard: retryable, target: 'waiting', actions: ['countRetry', 'scheduleWake', note('retry')] },
            { target: failTarget, actions: recordError },
          ],
        },
      },
      waiting: {
        tags: ['waiting'],
        on: {
          TICK: forward ? [rollbackOnDeadline, { target: 'checking' }] : { target: 'checking' },
          // The update's own "Updating" event (or a scaling activity's) changes nothing: wait for the
          // event that it settled, or the next look.
          ENDPOINT_CHANGED: [{ guard: 'endpointStillChanging' }, { target: 'checking' }],
        },
      },
      checking: {
        invoke: {
          src: 'checkEndpoint',
          input: ({ context }) => ({ change: context.change! }),
          onDone: [
            { guard: { type: 'checkPhase', params: { phase: 'ready' } }, ...onReady },
            endpointWasDeleted,
            {
              guard: { type: 'checkPhase', params: { phase: 'inProgress' } },
              target: 'waiting',
              actions: ['observeTime', 'scheduleEndpointLook'],
            },
            // The earlier call never reached SageMaker (busy or throttled): make it now. Not counted
            // as a retry: the failed call already was.
            { guard: 'changeNotSent', target: 'applying', actions: 'observeTime' },
            {
              guard: { type: 'changeWorthRetrying', params: { mode } },
              target: 'applying',
              actions: ['observeTime', 'countRetry', 'forgetRequest'],
            },
            { target: failTarget, actions: ['observeTime', recordEndpointFailure] },
          ],
          onError: [
            { guard: retryable, target: 'waiting', actions: ['countRetry', 'scheduleWake'] },
            { target: failTarget, actions: recordError },
          ],
        },
      },
    },
  });
}

/** The judge's look when it rolls back: the verdict on the timeline, then the rollback. */
const judgeRollsBack = {
  guard: 'judgeFailsCritical',
  target: '#rollout.rollingBack',
  actions: [
    'observeTime',
    'recordJudgeReading',
    { type: 'decideJudge', params: { decision: 'rollback' } },
    note('judged'),
    'recordJudgeRollback',
  ],
} as const;

/**
 * Hold while watching alarms and, when the rollout has a judge and both variants take traffic, judging
 * the candidate against the baseline: each TICK reads alarms (every alarmPollIntervalMs once the judge
 * looks more often) and the judge looks every judge.intervalMs; a bake also ends when its time is up,
 * with what the judge's verdicts make of it; an analysis step also ends as soon as every metric passes.
 */
function holdWatchingAlarms(hold: 'bake' | 'analysis' | 'gate' | 'pause'): StateConfig {
  const timed = hold === 'bake' || hold === 'analysis';
  const afterLook = (actions: readonly ActionRef[]) =>
    [
      { guard: 'alarmReadDue', target: 'reading', actions },
      { target: 'idle', actions },
    ] as const;
  const endOfStep = (decision: 'pass' | 'proceed', facts: readonly ActionRef[]) =>
    ({
      guard: { type: 'bakeEndsWith', params: { decision } },
      target: '#rollout.live.flow.choosing',
      actions: [
        'observeTime',
        { type: 'decideJudge', params: { decision } },
        note('judged'),
        ...facts,
        'completeBake',
      ],
    }) as const;
  return rolloutSetup.createStateConfig({
    initial: 'idle',
    states: {
      idle: {
        // watching: its next wake-up reads the alarms (the schedule reads them for it in one batch).
        tags: ['waiting', 'watching'],
        entry: { type: 'scheduleAlarmRead', params: { untilBakeEnds: timed } },
        on: {
          TICK: [
            rollbackOnDeadline,
            { guard: 'judgeDue', target: 'judging', actions: 'observeTime' },
            {
              guard: 'judgeSilentUntold',
              target: 'reading',
              actions: ['observeTime', note('judgeSkipped'), 'recordJudgeSkipped'],
            },
            { target: 'reading', actions: 'observeTime' },
          ],
          // Someone deleted or broke the endpoint mid-bake: no reason to wait for the bake to end.
          ENDPOINT_CHANGED: [
            endpointWasDeleted,
            { guard: 'endpointBroken', target: '#rollout.rollingBack', actions: 'recordEndpointBroken' },
          ],
        },
      },
      judging: {
        invoke: {
          src: 'judgeCandidate',
          input: ({ context }) => ({
            endpointName: context.endpointName,
            candidateVariant: context.names.candidateVariant,
            baselineVariant: baselineOf(context).variantName,
            judge: context.judge!,
            firstTrafficAt: context.firstTrafficAt ?? context.now,
            thresholds: context.judgeThresholds ?? {},
            now: context.now,
          }),
          onDone: [
            judgeRollsBack,
            ...(hold === 'analysis'
              ? [
                  {
                    guard: 'judgeAllPass',
                    target: '#rollout.live.flow.choosing',
                    actions: [
                      'observeTime',
                      'recordJudgeReading',
                      { type: 'decideJudge', params: { decision: 'pass' } },
                      note('judged'),
                      note('bakeCompleted'),
                      'completeBake',
                    ],
                  } as const,
                ]
              : []),
            {
              guard: 'judgeVerdictChanged',
              target: 'judgedChanged',
              actions: ['observeTime', 'recordJudgeReading', note('judged')],
            },
            ...afterLook(['observeTime', 'recordJudgeReading']),
          ],
          // A failed look is not a verdict: say so (once per reason), keep holding, look again later.
          onError: [
            {
              guard: 'judgeErrorUntold',
              target: 'judgedChanged',
              actions: [note('judgeSkipped'), 'recordJudgeSkipped'],
            },
            ...afterLook(['recordJudgeSkipped']),
          ],
        },
      },
      // Routes on after a look the timeline was told about (guards read the context it left).
      judgedChanged: { always: afterLook([]) },
      reading: {
        invoke: {
          src: 'readAlarms',
          input: ({ context }) => ({ alarmNames: watchedAlarms(context) }),
          onDone: [
            { guard: 'alarmFiring', target: '#rollout.rollingBack', actions: 'recordAlarm' },
            ...(timed
              ? [
                  {
                    guard: { type: 'bakeEndsWith', params: { decision: 'rollback' } },
                    target: '#rollout.rollingBack',
                    actions: [
                      'observeTime',
                      { type: 'decideJudge', params: { decision: 'rollback' } },
                      note('judged'),
                      'recordJudgeRollback',
                    ],
                  } as const,
                  {
                    guard: { type: 'bakeEndsWith', params: { decision: 'pause' } },
                    target: '#rollout.live.paused',
                    actions: [
                      'observeTime',
                      { type: 'decideJudge', params: { decision: 'pause' } },
                      note('judged'),
                      'pauseForJudge',
                      note('paused'),
                    ],
                  } as const,
                  endOfStep('pass', [note('bakeCompleted')]),
                  endOfStep('proceed', [note('bakeCompleted')]),
                  {
                    guard: 'bakeOver',
                    target: '#rollout.live.flow.choosing',
                    actions: ['observeTime', note('bakeCompleted'), 'completeBake'],
                  } as const,
                ]
              : []),
            { target: 'idle', actions: ['observeTime', 'recordAlarmStates'] },
          ],
          // A failed read is not an alarm: keep holding and read again on the next tick.
          onError: { target: 'idle', actions: note('alarmReadFailed') },
        },
      },
    },
  });
}

/**
 * The baseline serves alone again: remove what the rollout created (and put back scaling it took);
 * retried while that is retryable, a failure for good needs a human.
 */
function removingCandidate(): StateConfig {
  return rolloutSetup.createStateConfig({
    initial: 'removing',
    entry: 'resetAttempts',
    states: {
      removing: {
        invoke: {
          src: 'removeCandidate',
          input: ({ context }) => ({ context: { ...context, baseline: context.baseline! } }),
          onDone: { target: '#rollout.rolledBack', actions: ['observeTime', note('candidateRemoved')] },
          onError: [
            {
              guard: { type: 'retryableError', params: { mode: 'rollback' } },
              target: 'waiting',
              actions: ['countRetry', 'scheduleWake'],
            },
            {
              target: '#rollout.failed',
              actions: {
                type: 'recordRollbackFailure',
                params: { prefix: 'removing the candidate failed' },
              },
            },
          ],
        },
      },
      waiting: {
        tags: ['waiting'],
        on: { TICK: 'removing', ENDPOINT_CHANGED: [{ guard: 'endpointStillChanging' }, 'removing'] },
      },
    },
  });
}

/**
 * The native engine: the candidate model, the abort alarm and the final config are created, one
 * UpdateEndpoint with the DeploymentConfig hands the traffic to SageMaker, and from then on the
 * machine follows — on each endpoint event and wake-up it reads the endpoint, tells the new fleet's
 * progress, and decides by the config actually serving. `abort` (and the deadline) cannot stop a
 * guardrails deployment (no such API): they put the abort alarm, listed in the
 * AutoRollbackConfiguration, into ALARM — again at every wake, as CloudWatch puts it back at its
 * next evaluation — and keep following until SageMaker has rolled back. PAUSE, RESUME and PROMOTE
 * are not taken (describe.ts explains why).
 */
const nativeRollout: StateConfig = rolloutSetup.createStateConfig({
  initial: 'preparing',
  states: {
    preparing: {
      entry: note('baseline'),
      invoke: {
        src: 'prepareNativeDeployment',
        input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
        onDone: { target: 'deploying', actions: ['observeTime', note('nativePrepared')] },
        onError: {
          target: '#rollout.rollingBack',
          actions: { type: 'recordFailure', params: { prefix: 'preparing the native deployment failed' } },
        },
      },
      on: { ABORT: rollbackOnAbort },
    },
    // UpdateEndpoint(final config, DeploymentConfig), once the endpoint takes updates. Abort or the
    // deadline read the endpoint first: a call accepted before a crash (the save lost) may have
    // SageMaker deploying already, and only the abort alarm stops that; otherwise nothing serves the
    // new model, and rolling back removes what was created.
    deploying: {
      initial: 'applying',
      entry: { type: 'startChange', params: { purpose: 'final' } },
      on: {
        ABORT: {
          guard: 'nativeRollbackNotRequested',
          target: '.checkingBeforeRollback',
          actions: ['observeTime', 'recordAbort'],
        },
      },
      states: {
        applying: {
          invoke: {
            src: 'applyEndpointChange',
            input: ({ context }) => ({ change: context.change! }),
            onDone: [
              // Already deploying or deployed (a restart after the call): follow it.
              {
                guard: { type: 'applyOutcome', params: { outcome: 'satisfied' } },
                target: '#rollout.native.following.reading',
                actions: ['observeTime', 'recordApplied'],
              },
              {
                guard: { type: 'applyOutcome', params: { outcome: 'requested' } },
                target: '#rollout.native.following.reading',
                actions: ['observeTime', 'recordApplied', note('nativeDeploymentStarted')],
              },
              { target: 'waiting', actions: ['observeTime', 'scheduleWake'] },
            ],
            onError: [
              endpointWasDeleted,
              {
                guard: { type: 'retryableError', params: { mode: 'forward' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake', note('retry')],
              },
              {
                target: '#rollout.rollingBack',
                actions: {
                  type: 'recordFailure',
                  params: { prefix: 'starting the native deployment failed' },
                },
              },
            ],
          },
        },
        waiting: {
          tags: ['waiting'],
          on: {
            TICK: [
              {
                guard: 'pastDeadline',
                target: 'checkingBeforeRollback',
                actions: ['observeTime', 'recordTimeout'],
              },
              { target: 'applying', actions: 'observeTime' },
            ],
            ENDPOINT_CHANGED: { target: 'applying', actions: 'observeTime' },
          },
        },
        // Deploying already (or deployed): the native abort path sets the abort alarm and follows.
        // Not deploying: roll back by removing what was created. A failed read takes the abort path
        // too: the alarm is harmless if nothing deploys, and following decides by the config serving.
        checkingBeforeRollback: {
          invoke: {
            src: 'followDeployment',
            input: ({ context }) => ({ endpointName: context.endpointName }),
            onDone: [
              endpointWasDeleted,
              {
                guard: 'finalConfigDeployingOrServing',
                target: '#rollout.native.aborting',
                actions: ['observeTime', 'recordNativeView', note('rollbackStarted')],
              },
              { target: '#rollout.rollingBack', actions: 'observeTime' },
            ],
            onError: { target: '#rollout.native.aborting', actions: note('rollbackStarted') },
          },
        },
      },
    },
    following: {
      initial: 'reading',
      on: {
        ABORT: {
          guard: 'nativeRollbackNotRequested',
          target: '#rollout.native.aborting',
          actions: ['observeTime', 'recordAbort', note('rollbackStarted')],
        },
        // SageMaker acts on its auto-rollback alarms itself: the rollout records the alarm and reads on.
        ALARM_FIRED: {
          target: '#rollout.native.following.reading',
          actions: ['observeTime', 'recordNativeAlarm', note('nativeAlarmSeen')],
        },
      },
      states: {
        reading: {
          invoke: {
            src: 'followDeployment',
            input: ({ context }) => ({ endpointName: context.endpointName }),
            onDone: [
              endpointWasDeleted,
              {
                guard: 'servesFinalConfig',
                target: '#rollout.cleaningUp',
                actions: [
                  'observeTime',
                  'recordNativeView',
                  'recordAbortTooLate',
                  { type: 'setCandidateWeight', params: { percent: 100 } },
                  note('finalLive'),
                ],
              },
              {
                guard: 'servesOriginalConfig',
                target: '#rollout.native.explaining',
                actions: ['observeTime', 'recordNativeView'],
              },
              {
                guard: 'servesOtherConfig',
                target: '#rollout.native.replaced',
                actions: ['observeTime', 'recordNativeView', 'recordEndpointReplaced'],
              },
              {
                guard: 'deploymentBroken',
                target: '#rollout.failed',
                actions: ['observeTime', 'recordNativeView', 'recordNativeFailure'],
              },
              {
                guard: 'deploymentShifted',
                target: 'idle',
                actions: [
                  'observeTime',
                  'recordNativeShift',
                  'recordNativeView',
                  note('nativeProgress'),
                  note('nativeShifted'),
                ],
              },
              {
                guard: 'deploymentProgressed',
                target: 'idle',
                actions: ['observeTime', 'recordNativeView', note('nativeProgress')],
              },
              { target: 'idle', actions: ['observeTime', 'recordNativeView'] },
            ],
            // A failed read is not an outcome: read again at the next wake-up.
            onError: [endpointWasDeleted, { target: 'idle', actions: note('retry') }],
          },
        },
        idle: {
          tags: ['waiting'],
          entry: 'scheduleWake',
          on: {
            TICK: [
              {
                guard: 'pastDeadlineUnrequested',
                target: '#rollout.native.aborting',
                actions: ['observeTime', 'recordTimeout', note('rollbackStarted')],
              },
              // Aborting: CloudWatch puts the alarm back at its next evaluation, so it is set again.
              {
                guard: 'nativeRollbackRequested',
                target: '#rollout.native.aborting',
                actions: 'observeTime',
              },
              { target: 'reading', actions: 'observeTime' },
            ],
            ENDPOINT_CHANGED: { target: 'reading', actions: 'observeTime' },
          },
        },
      },
    },
    aborting: {
      invoke: {
        src: 'setAbortAlarm',
        input: ({ context }) => ({
          alarmName: context.native!.abortAlarmName,
          reason: `sm-rollout ${context.rolloutId}: ${describeReason(context.rollbackReason)}`,
        }),
        onDone: [
          {
            guard: 'abortAlarmUntold',
            target: '#rollout.native.following.reading',
            actions: ['observeTime', 'markAbortAlarmSet', note('abortAlarmSet')],
          },
          { target: '#rollout.native.following.reading', actions: 'observeTime' },
        ],
        // Set again at the next wake-up; meanwhile the timeline says why it could not be.
        onError: { target: '#rollout.native.following.idle', actions: note('retry') },
      },
    },
    // The original config serves again: find out which alarm SageMaker rolled back on.
    explaining: {
      invoke: {
        src: 'readAlarms',
        input: ({ context }) => ({ alarmNames: context.native!.deploymentConfig.autoRollbackAlarms }),
        onDone: [
          {
            guard: 'nativeRollbackRequested',
            target: 'removing',
            actions: ['observeTime', 'recordNativeRollback', note('nativeRolledBack')],
          },
          {
            target: 'removing',
            actions: [
              'observeTime',
              'recordNativeRollback',
              note('rollbackStarted'),
              note('nativeRolledBack'),
            ],
          },
        ],
        onError: [
          {
            guard: 'nativeRollbackRequested',
            target: 'removing',
            actions: ['recordNativeRollback', note('nativeRolledBack')],
          },
          {
            target: 'removing',
            actions: ['recordNativeRollback', note('rollbackStarted'), note('nativeRolledBack')],
          },
        ],
      },
    },
    removing: removingCandidate(),
    // Someone else's UpdateEndpoint serves a third config: nothing of this rollout is deploying or
    // live to follow or roll back, so it removes what it created (its config, model and abort alarm)
    // and ends failed for a person to look at, as the stepwise path fails on a changed endpoint.
    replaced: {
      initial: 'removing',
      entry: 'resetAttempts',
      states: {
        removing: {
          invoke: {
            src: 'removeCandidate',
            input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
            onDone: { target: '#rollout.failed', actions: ['observeTime', note('candidateRemoved')] },
            onError: [
              {
                guard: { type: 'retryableError', params: { mode: 'rollback' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake'],
              },
              { target: '#rollout.failed', actions: 'recordLeftoversAfterReplacement' },
            ],
          },
        },
        waiting: { tags: ['waiting'], on: { TICK: 'removing' } },
      },
    },
  },
});

/** What the inference-component effects take: the rollout with its component read as the baseline. */
function withComponent({ context }: { context: RolloutContext }) {
  return { context: { ...context, baseline: baselineOf(context) } };
}

const componentRollbackOnAlarm = {
  target: '#rollout.inferenceComponent.rollingBack',
  actions: ['observeTime', 'recordAlarm', note('rollbackStarted')],
} as const;
const componentRollbackOnAbort = {
  target: '#rollout.inferenceComponent.rollingBack',
  actions: ['observeTime', 'recordAbort', note('rollbackStarted')],
} as const;

/**
 * An inference component: the candidate model and the abort alarm are created, one
 * UpdateInferenceComponent with the RollingUpdatePolicy hands the copies to SageMaker, and from then
 * on the machine follows — on each wake-up it reads the component and decides by the model actually
 * serving. While the update runs, `abort` and the deadline put the abort alarm (in the
 * AutoRollbackConfiguration) into ALARM, again at every wake, until SageMaker has rolled back. Once
 * SageMaker has finished every batch the controller holds the plan's final bake with the alarms
 * watched; an alarm, `abort` or the deadline then roll back with a second rolling update to the model
 * that served. PAUSE, RESUME and PROMOTE are not taken (describe.ts explains why).
 */
const inferenceComponentRollout: StateConfig = rolloutSetup.createStateConfig({
  initial: 'preparing',
  states: {
    preparing: {
      invoke: {
        src: 'prepareComponentUpdate',
        input: withComponent,
        onDone: { target: 'updating', actions: ['observeTime', note('componentPrepared')] },
        onError: {
          target: 'removing',
          actions: [
            { type: 'recordFailure', params: { prefix: 'preparing the inference component update failed' } },
            note('rollbackStarted'),
          ],
        },
      },
      // Nothing is sent yet: once preparing ends, the rollout removes what it created instead.
      on: { ABORT: { actions: ['recordAbort', note('rollbackStarted')] } },
    },
    // UpdateInferenceComponent, once the component takes updates. Until the call is accepted nothing
    // serves the new model: abort, the deadline or an error end by removing what was created.
    updating: {
      initial: 'applying',
      on: {
        ABORT: {
          target: '#rollout.inferenceComponent.removing',
          actions: ['recordAbort', note('rollbackStarted')],
        },
      },
      states: {
        applying: {
          always: { guard: 'nativeRollbackRequested', target: '#rollout.inferenceComponent.removing' },
          invoke: {
            src: 'startComponentUpdate',
            input: withComponent,
            onDone: [
              // Already running or done (a restart after the call): follow it.
              {
                guard: { type: 'applyOutcome', params: { outcome: 'satisfied' } },
                target: '#rollout.inferenceComponent.following.reading',
                actions: 'observeTime',
              },
              {
                guard: { type: 'applyOutcome', params: { outcome: 'requested' } },
                target: '#rollout.inferenceComponent.following.reading',
                actions: ['observeTime', note('componentUpdateStarted')],
              },
              { target: 'waiting', actions: ['observeTime', 'scheduleWake'] },
            ],
            onError: [
              {
                guard: { type: 'retryableError', params: { mode: 'forward' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake', note('retry')],
              },
              {
                target: '#rollout.inferenceComponent.removing',
                actions: [
                  {
                    type: 'recordFailure',
                    params: { prefix: 'starting the inference component update failed' },
                  },
                  note('rollbackStarted'),
                ],
              },
            ],
          },
        },
        waiting: {
          tags: ['waiting'],
          on: {
            TICK: [
              {
                guard: 'pastDeadline',
                target: '#rollout.inferenceComponent.removing',
                actions: ['observeTime', 'recordTimeout', note('rollbackStarted')],
              },
              { target: 'applying', actions: 'observeTime' },
            ],
          },
        },
      },
    },
    following: {
      initial: 'reading',
      on: {
        ABORT: {
          guard: 'nativeRollbackNotRequested',
          target: '#rollout.inferenceComponent.aborting',
          actions: ['observeTime', 'recordAbort', note('rollbackStarted')],
        },
        // SageMaker acts on its auto-rollback alarms itself: the rollout records the alarm and reads on.
        ALARM_FIRED: {
          target: '#rollout.inferenceComponent.following.reading',
          actions: ['observeTime', 'recordNativeAlarm', note('nativeAlarmSeen')],
        },
      },
      states: {
        reading: {
          invoke: {
            src: 'readComponent',
            input: withComponent,
            onDone: [
              {
                guard: { type: 'componentIs', params: { outcome: 'updated' } },
                target: '#rollout.inferenceComponent.finalBake',
                actions: [
                  'observeTime',
                  'recordComponentView',
                  'startComponentFinalBake',
                  note('componentUpdated'),
                ],
              },
              {
                guard: { type: 'componentIs', params: { outcome: 'rolledBack' } },
                target: '#rollout.inferenceComponent.explaining',
                actions: ['observeTime', 'recordComponentView'],
              },
              {
                guard: { type: 'componentIs', params: { outcome: 'broken' } },
                target: '#rollout.failed',
                actions: ['observeTime', 'recordComponentView', 'recordComponentFailure'],
              },
              {
                guard: 'componentProgressed',
                target: 'idle',
                actions: ['observeTime', 'recordComponentView', note('componentProgress')],
              },
              { target: 'idle', actions: ['observeTime', 'recordComponentView'] },
            ],
            // A failed read is not an outcome: read again at the next wake-up.
            onError: { target: 'idle', actions: note('retry') },
          },
        },
        idle: {
          tags: ['waiting'],
          entry: 'scheduleWake',
          on: {
            TICK: [
              {
                guard: 'pastDeadlineUnrequested',
                target: '#rollout.inferenceComponent.aborting',
                actions: ['observeTime', 'recordTimeout', note('rollbackStarted')],
              },
              // Aborting: CloudWatch puts the alarm back at its next evaluation, so it is set again.
              {
                guard: 'nativeRollbackRequested',
                target: '#rollout.inferenceComponent.aborting',
                actions: 'observeTime',
              },
              { target: 'reading', actions: 'observeTime' },
            ],
            ENDPOINT_CHANGED: { target: 'reading', actions: 'observeTime' },
          },
        },
      },
    },
    aborting: {
      invoke: {
        src: 'setAbortAlarm',
        input: ({ context }) => ({
          alarmName: context.inferenceComponent!.abortAlarmName,
          reason: `sm-rollout ${context.rolloutId}: ${describeReason(context.rollbackReason)}`,
        }),
        onDone: [
          {
            guard: 'abortAlarmUntold',
            target: '#rollout.inferenceComponent.following.reading',
            actions: ['observeTime', 'markAbortAlarmSet', note('abortAlarmSet')],
          },
          { target: '#rollout.inferenceComponent.following.reading', actions: 'observeTime' },
        ],
        onError: { target: '#rollout.inferenceComponent.following.idle', actions: note('retry') },
      },
    },
    // The model that served is back: find out which alarm SageMaker rolled back on.
    explaining: {
      invoke: {
        src: 'readAlarms',
        input: ({ context }) => ({ alarmNames: context.inferenceComponent!.autoRollbackAlarms }),
        onDone: [
          {
            guard: 'nativeRollbackRequested',
            target: 'removing',
            actions: [
              'observeTime',
              'recordNativeRollback',
              'markComponentRestored',
              note('componentRolledBack'),
            ],
          },
          {
            target: 'removing',
            actions: [
              'observeTime',
              'recordNativeRollback',
              'markComponentRestored',
              note('rollbackStarted'),
              note('componentRolledBack'),
            ],
          },
        ],
        onError: [
          {
            guard: 'nativeRollbackRequested',
            target: 'removing',
            actions: ['recordNativeRollback', 'markComponentRestored', note('componentRolledBack')],
          },
          {
            target: 'removing',
            actions: [
              'recordNativeRollback',
              'markComponentRestored',
              note('rollbackStarted'),
              note('componentRolledBack'),
            ],
          },
        ],
      },
    },
    // Every copy runs the new model: the plan's final bake, the controller's, with the alarms watched.
    finalBake: {
      initial: 'idle',
      on: { ALARM_FIRED: componentRollbackOnAlarm, ABORT: componentRollbackOnAbort },
      states: {
        idle: {
          tags: ['waiting', 'watching'],
          entry: { type: 'scheduleAlarmRead', params: { untilBakeEnds: true } },
          on: {
            TICK: [
              {
                guard: 'pastDeadline',
                target: '#rollout.inferenceComponent.rollingBack',
                actions: ['observeTime', 'recordTimeout', note('rollbackStarted')],
              },
              { target: 'reading', actions: 'observeTime' },
            ],
          },
        },
        reading: {
          invoke: {
            src: 'readAlarms',
            input: ({ context }) => ({ alarmNames: watchedAlarms(context) }),
            onDone: [
              {
                guard: 'alarmFiring',
                target: '#rollout.inferenceComponent.rollingBack',
                actions: ['observeTime', 'recordAlarm', note('rollbackStarted')],
              },
              {
                guard: 'bakeOver',
                target: '#rollout.inferenceComponent.cleaning',
                actions: ['observeTime', 'recordAlarmStates', note('bakeCompleted'), 'completeBake'],
              },
              { target: 'idle', actions: ['observeTime', 'recordAlarmStates'] },
            ],
            onError: { target: 'idle', actions: note('alarmReadFailed') },
          },
        },
      },
    },
    // After SageMaker finished: the second rolling update, back to the model that served.
    rollingBack: {
      initial: 'applying',
      entry: 'resetAttempts',
      states: {
        applying: {
          invoke: {
            src: 'startComponentRollback',
            input: withComponent,
            onDone: [
              {
                guard: { type: 'applyOutcome', params: { outcome: 'requested' } },
                target: 'reading',
                actions: ['observeTime', note('componentRollbackStarted')],
              },
              {
                guard: { type: 'applyOutcome', params: { outcome: 'satisfied' } },
                target: 'reading',
                actions: 'observeTime',
              },
              { target: 'waiting', actions: ['observeTime', 'scheduleWake'] },
            ],
            onError: [
              {
                guard: { type: 'retryableError', params: { mode: 'rollback' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake'],
              },
              {
                target: '#rollout.failed',
                actions: {
                  type: 'recordRollbackFailure',
                  params: { prefix: 'rolling the inference component back failed' },
                },
              },
            ],
          },
        },
        reading: {
          invoke: {
            src: 'readComponent',
            input: withComponent,
            onDone: [
              {
                guard: { type: 'componentIs', params: { outcome: 'rolledBack' } },
                target: '#rollout.inferenceComponent.removing',
                actions: [
                  'observeTime',
                  'recordComponentView',
                  'markComponentRestored',
                  note('componentRestored'),
                ],
              },
              {
                guard: { type: 'componentIs', params: { outcome: 'broken' } },
                target: '#rollout.failed',
                actions: ['observeTime', 'recordComponentView', 'recordComponentFailure'],
              },
              // InService on the candidate again: the way back did not take (someone else's update?); send it again.
              {
                guard: { type: 'componentIs', params: { outcome: 'updated' } },
                target: 'waiting',
                actions: ['observeTime', 'recordComponentView', 'scheduleWake'],
              },
              {
                guard: 'componentProgressed',
                target: 'following',
                actions: ['observeTime', 'recordComponentView', note('componentProgress')],
              },
              { target: 'following', actions: ['observeTime', 'recordComponentView'] },
            ],
            onError: { target: 'following', actions: note('retry') },
          },
        },
        following: {
          tags: ['waiting'],
          entry: 'scheduleWake',
          on: { TICK: { target: 'reading', actions: 'observeTime' } },
        },
        waiting: {
          tags: ['waiting'],
          on: { TICK: { target: 'applying', actions: 'observeTime' } },
        },
      },
    },
    // The model that served is back: remove the candidate model and the abort alarm.
    removing: {
      initial: 'removing',
      entry: 'resetAttempts',
      states: {
        removing: {
          invoke: {
            src: 'cleanUpComponentRollout',
            input: ({ context }) => ({
              context: { ...context, baseline: baselineOf(context) },
              outcome: 'rolledBack' as const,
            }),
            onDone: { target: '#rollout.rolledBack', actions: ['observeTime', note('candidateRemoved')] },
            onError: [
              {
                guard: { type: 'retryableError', params: { mode: 'rollback' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake'],
              },
              {
                target: '#rollout.failed',
                actions: {
                  type: 'recordRollbackFailure',
                  params: { prefix: 'removing the candidate failed' },
                },
              },
            ],
          },
        },
        waiting: { tags: ['waiting'], on: { TICK: 'removing' } },
      },
    },
    // The final bake passed: remove the abort alarm; the model that served stays for undo.
    cleaning: {
      initial: 'cleaning',
      entry: 'resetAttempts',
      states: {
        cleaning: {
          invoke: {
            src: 'cleanUpComponentRollout',
            input: ({ context }) => ({
              context: { ...context, baseline: baselineOf(context) },
              outcome: 'succeeded' as const,
            }),
            onDone: { target: '#rollout.succeeded', actions: ['observeTime', note('cleanedUp')] },
            onError: [
              {
                guard: { type: 'retryableError', params: { mode: 'rollback' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake'],
              },
              { target: '#rollout.succeeded', actions: 'recordCleanupWarning' },
            ],
          },
        },
        waiting: { tags: ['waiting'], on: { TICK: 'cleaning' } },
      },
    },
  },
});

export const rolloutMachine = rolloutSetup.createMachine({
  id: 'rollout',
  context: ({ input }) => ({
    ...input,
    now: input.startedAt,
    stepIndex: 0,
    candidateWeight: 0,
    changeRequested: false,
    attempts: 0,
    candidateDeployed: false,
    warnings: [],
    alarmStates: [],
  }),
  initial: 'resolvingBaseline',
  states: {
    resolvingBaseline: {
      entry: note('started'),
      always: [
        { guard: 'inferenceComponentBaselineKnown', target: 'inferenceComponent' },
        { guard: 'nativeBaselineKnown', target: 'native' },
        { guard: 'baselineKnown', target: 'creatingCandidate' },
      ],
      invoke: {
        src: 'resolveBaseline',
        input: ({ context }) => ({ context }),
        onDone: [
          { guard: 'nativeEngine', target: 'native', actions: ['observeTime', 'recordBaseline'] },
          { target: 'creatingCandidate', actions: ['observeTime', 'recordBaseline'] },
        ],
        onError: {
          target: 'rollingBack',
          actions: { type: 'recordFailure', params: { prefix: 'could not resolve the baseline' } },
        },
      },
      on: { ABORT: rollbackOnAbort },
    },
    creatingCandidate: {
      entry: note('baseline'),
      invoke: {
        src: 'createCandidate',
        input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
        onDone: { target: 'deployingTransition', actions: ['observeTime', note('candidateCreated')] },
        onError: {
          target: 'rollingBack',
          actions: { type: 'recordFailure', params: { prefix: 'creating the candidate failed' } },
        },
      },
      on: { ABORT: rollbackOnAbort },
    },
    deployingTransition: {
      ...awaitEndpoint('transition', 'forward', {
        target: '#rollout.checkingCandidate',
        actions: ['observeTime', note('transitionLive')],
      }),
      on: { ABORT: rollbackOnAbort, ALARM_FIRED: rollbackOnAlarm },
    },
    // The transition config is live with the candidate at weight 0. Before a customer request can
    // reach it, the policy's sample requests go to the candidate variant alone (InvokeEndpoint with
    // TargetVariant); any failure rolls back with no traffic to restore. Without a check: straight on.
    checkingCandidate: {
      initial: 'routing',
      entry: 'resetAttempts',
      on: { ABORT: rollbackOnAbort, ALARM_FIRED: rollbackOnAlarm },
      states: {
        routing: {
          always: [{ guard: 'preTrafficCheckWanted', target: 'checking' }, { target: '#rollout.live' }],
        },
        checking: {
          invoke: {
            src: 'checkCandidate',
            input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
            onDone: [
              {
                guard: 'preTrafficCheckPassed',
                target: '#rollout.live',
                actions: ['observeTime', note('preTrafficChecked')],
              },
              {
                target: '#rollout.rollingBack',
                actions: ['observeTime', note('preTrafficChecked'), 'recordPreTrafficFailure'],
              },
            ],
            onError: [
              endpointWasDeleted,
              {
                guard: { type: 'retryableError', params: { mode: 'forward' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake', note('retry')],
              },
              {
                target: '#rollout.rollingBack',
                actions: { type: 'recordFailure', params: { prefix: 'the pre-traffic check could not run' } },
              },
            ],
          },
        },
        // Throttled (or the model not ready yet): send the whole check again on the next wake-up.
        waiting: {
          tags: ['waiting'],
          on: { TICK: [rollbackOnDeadline, { target: 'checking', actions: 'observeTime' }] },
        },
      },
    },
    live: {
      initial: 'flow',
      on: {
        ABORT: rollbackOnAbort,
        ALARM_FIRED: rollbackOnAlarm,
        PROMOTE: promoteFully,
      },
      states: {
        flow: {
          initial: 'choosing',
          on: {
            PAUSE: { target: 'paused', actions: ['observeTime', 'pause', note('paused')] },
          },
          states: {
            choosing: {
              always: [
                { guard: 'planDone', target: '#rollout.promoting' },
                { guard: { type: 'stepIs', params: { kind: 'setWeight' } }, target: 'shifting' },
                {
                  guard: { type: 'stepIs', params: { kind: 'bake' } },
                  target: 'baking',
                  actions: ['observeTime', 'startBake', note('bakeStarted')],
                },
                {
                  guard: { type: 'stepIs', params: { kind: 'analysis' } },
                  target: 'analysing',
                  actions: ['observeTime', 'startBake', note('bakeStarted')],
                },
                { target: 'gate', actions: note('gate') },
              ],
            },
            shifting: awaitEndpoint('shift', 'forward', {
              target: '#rollout.live.flow.choosing',
              actions: ['observeTime', 'completeShift', note('shifted')],
            }),
            baking: holdWatchingAlarms('bake'),
            analysing: holdWatchingAlarms('analysis'),
            gate: {
              ...holdWatchingAlarms('gate'),
              on: {
                PROMOTE: [
                  promoteFully,
                  { target: 'choosing', actions: ['observeTime', note('promoted'), 'passGate'] },
                ],
              },
            },
            history: { type: 'history', history: 'deep' },
          },
        },
        paused: {
          ...holdWatchingAlarms('pause'),
          on: {
            RESUME: {
              target: '#rollout.live.flow.history',
              actions: ['observeTime', 'resume', note('resumed')],
            },
          },
        },
      },
    },
    promoting: {
      initial: 'creatingFinalConfig',
      on: { ABORT: rollbackOnAbort, ALARM_FIRED: rollbackOnAlarm },
      states: {
        creatingFinalConfig: {
          entry: note('promoting'),
          invoke: {
            src: 'createFinalConfig',
            input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
            onDone: { target: 'deploying', actions: 'observeTime' },
            onError: {
              target: '#rollout.rollingBack',
              actions: { type: 'recordFailure', params: { prefix: 'creating the final config failed' } },
            },
          },
        },
        deploying: awaitEndpoint('final', 'forward', {
          target: '#rollout.cleaningUp',
          actions: [
            'observeTime',
            { type: 'setCandidateWeight', params: { percent: 100 } },
            note('finalLive'),
          ],
        }),
      },
    },
    // The new model serves: what is left is putting the serving variant's scaling back (when the
    // promotion had to deregister it) and tidying up. A retryable failure is tried again — a variant
    // left without its scaling is not a success to walk away from — anything else ends with a warning.
    cleaningUp: {
      initial: 'cleaning',
      entry: 'resetAttempts',
      states: {
        cleaning: {
          invoke: {
            src: 'cleanupAfterPromotion',
            input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
            onDone: { target: '#rollout.succeeded', actions: ['observeTime', note('cleanedUp')] },
            onError: [
              {
                guard: { type: 'retryableError', params: { mode: 'rollback' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake'],
              },
              { target: '#rollout.succeeded', actions: 'recordCleanupWarning' },
            ],
          },
        },
        waiting: {
          tags: ['waiting'],
          on: { TICK: 'cleaning', ENDPOINT_CHANGED: [{ guard: 'endpointStillChanging' }, 'cleaning'] },
        },
      },
    },
    rollingBack: {
      initial: 'routing',
      entry: note('rollbackStarted'),
      states: {
        routing: {
          always: [
            { guard: 'candidateMayBeLive', target: 'restoringTraffic' },
            { target: 'removingCandidate' },
          ],
        },
        restoringTraffic: awaitEndpoint('restore', 'rollback', {
          target: '#rollout.rollingBack.revertingConfig',
          actions: [
            'observeTime',
            { type: 'setCandidateWeight', params: { percent: 0 } },
            note('trafficRestored'),
          ],
        }),
        revertingConfig: awaitEndpoint('revert', 'rollback', {
          target: '#rollout.rollingBack.removingCandidate',
          actions: ['observeTime', note('reverted')],
        }),
        removingCandidate: removingCandidate(),
      },
    },
    native: nativeRollout,
    inferenceComponent: inferenceComponentRollout,
    // The endpoint was deleted under the rollout (by a person or a stack): there is no traffic to
    // restore and no config to revert, only what the rollout created to remove; then it ends failed.
    endpointDeleted: {
      initial: 'removing',
      entry: ['resetAttempts', 'recordEndpointDeleted', note('endpointDeleted')],
      states: {
        removing: {
          invoke: {
            src: 'removeCandidate',
            input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
            onDone: { target: '#rollout.failed', actions: ['observeTime', note('candidateRemoved')] },
            onError: [
              {
                guard: { type: 'retryableError', params: { mode: 'rollback' } },
                target: 'waiting',
                actions: ['countRetry', 'scheduleWake'],
              },
              { target: '#rollout.failed', actions: 'recordLeftoversAfterDeletion' },
            ],
          },
        },
        waiting: { tags: ['waiting'], on: { TICK: 'removing' } },
      },
    },
    succeeded: { type: 'final', entry: note('succeeded') },
    rolledBack: { type: 'final', entry: note('rolledBack') },
    failed: { type: 'final', entry: note('failed') },
  },
});

export type RolloutMachine = typeof rolloutMachine;
