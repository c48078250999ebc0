// The rollout machine: every decision of a stepwise rollout, from resolving the baseline to
// promotion or rollback. Pure: AWS work runs in actors the host provides by key, and time only
// arrives on events (`now`) and effect results (`at`), so a snapshot can be saved at any quiet
// point and restored in another process.
import { assign, emit, fromPromise, setup } from 'xstate';
import type { Step } from '../src/plan/types';
import type {
  AlarmReading,
  ApplyResult,
  Baseline,
  CheckResult,
  CleanupResult,
  CreateCandidateResult,
  EndpointChange,
  LifecycleDetailType,
  ResolveBaselineResult,
  RollbackReason,
  RolloutEvent,
  RolloutInput,
  RolloutInputWithBaseline,
} from './contract';

export type ChangePurpose = 'transition' | 'final' | 'shift' | 'restore' | 'revert';

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
  /** Retries of the current effect. */
  attempts: number;
  /** The endpoint may run a config with the candidate: rollback must restore traffic and revert. */
  candidateDeployed: boolean;
  pausedBy?: string;
  rollbackReason?: RollbackReason;
  /** Why the rollback itself failed (terminal `failed`). */
  failure?: { code: string; message: string };
  /** Non-fatal problems worth a human's attention (cleanup that could not finish, ...). */
  warnings: string[];
  alarmStates: { alarmName: string; state: string }[];
}

export interface TimelineNote {
  type: 'timeline';
  kind: string;
  message: string;
  lifecycle?: LifecycleDetailType;
  detail: { weights: { baseline: number; candidate: number }; step: { index: number; total: number } };
}

const FORWARD_RETRY_LIMIT = 5;
const ROLLBACK_RETRY_LIMIT = 12;

function notProvided(name: string): never {
  throw new Error(`effect "${name}" was not provided by the host (machine.provide({ actors }))`);
}

// ---- pure helpers on context ----------------------------------------------------------------

function timeOf(event: unknown, context: RolloutContext): number {
  const e = event as { now?: unknown; output?: { at?: unknown } };
  if (typeof e.now === 'number') return e.now;
  if (typeof e.output?.at === 'number') return e.output.at;
  return context.now;
}

function baselineOf(context: RolloutContext): Baseline {
  if (!context.baseline) throw new Error('baseline is not resolved yet');
  return context.baseline;
}

function currentStep(context: RolloutContext): Step | undefined {
  return context.plan.steps[context.stepIndex];
}

function stepLabel(context: RolloutContext): string {
  return `step ${Math.min(context.stepIndex + 1, context.plan.steps.length)}/${context.plan.steps.length}`;
}

function shiftTarget(context: RolloutContext): number {
  const step = currentStep(context);
  return step?.kind === 'setWeight' ? step.percent : context.candidateWeight;
}

function buildChange(context: RolloutContext, purpose: ChangePurpose): EndpointChange {
  const baseline = baselineOf(context);
  const { endpointName, names } = context;
  switch (purpose) {
    case 'transition':
      return { kind: 'config', endpointName, endpointConfigName: names.transitionConfig, purpose };
    case 'final':
      return { kind: 'config', endpointName, endpointConfigName: names.finalConfig, purpose };
    case 'revert':
      return { kind: 'config', endpointName, endpointConfigName: baseline.endpointConfigName, purpose };
    case 'shift': {
      const p = shiftTarget(context);
      return {
        kind: 'weights',
        endpointName,
        endpointConfigName: names.transitionConfig,
        purpose,
        weights: [
          { variantName: baseline.variantName, weight: 100 - p },
          { variantName: names.candidateVariant, weight: p },
        ],
      };
    }
    case 'restore':
      return {
        kind: 'weights',
        endpointName,
        endpointConfigName: names.transitionConfig,
        purpose,
        weights: [
          { variantName: baseline.variantName, weight: 1 },
          { variantName: names.candidateVariant, weight: 0 },
        ],
      };
  }
}

export function describeReason(reason: RollbackReason | undefined): string {
  if (!reason) return 'unknown reason';
  switch (reason.kind) {
    case 'alarm':
      return `alarm ${reason.alarmName} fired: ${reason.stateReason}`;
    case 'abort':
      return `aborted by ${reason.by}${reason.note ? `: ${reason.note}` : ''}`;
    case 'failure':
      return `${reason.message} [${reason.code}]`;
    case 'timeout':
      return `exceeded the maximum rollout duration (${Math.round(reason.maxDurationMs / 60000)} min)`;
  }
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', r || (!h && !m) ? `${r}s` : ''].join('');
}

function errorOf(event: unknown): { code: string; message: string; retryable: boolean } {
  const e = (event as { error?: unknown }).error;
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown; retryable?: unknown; name?: unknown };
    return {
      code: typeof o.code === 'string' ? o.code : 'AWS_ERROR',
      message: typeof o.message === 'string' ? o.message : String(e),
      retryable: o.retryable === true,
    };
  }
  return { code: 'AWS_ERROR', message: String(e), retryable: false };
}

function parseDatapoints(reasonData: string | undefined): { datapoints?: number[]; threshold?: number } {
  if (!reasonData) return {};
  try {
    const parsed = JSON.parse(reasonData) as { recentDatapoints?: unknown; threshold?: unknown };
    return {
      datapoints: Array.isArray(parsed.recentDatapoints)
        ? parsed.recentDatapoints.filter((d): d is number => typeof d === 'number')
        : undefined,
      threshold: typeof parsed.threshold === 'number' ? parsed.threshold : undefined,
    };
  } catch {
    return {};
  }
}

// ---- the machine ----------------------------------------------------------------------------

const rolloutSetup = setup({
  types: {
    context: {} as RolloutContext,
    events: {} as RolloutEvent,
    input: {} as RolloutInput,
    emitted: {} as TimelineNote,
    tags: {} as 'waiting',
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
    createFinalConfig: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('createFinalConfig'),
    ),
    cleanupAfterPromotion: fromPromise<CleanupResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('cleanupAfterPromotion'),
    ),
    removeCandidate: fromPromise<CleanupResult, { context: RolloutInputWithBaseline }>(async () =>
      notProvided('removeCandidate'),
    ),
  },
  guards: {
    baselineKnown: ({ context }) => context.baseline !== undefined,
    pastDeadline: ({ context, event }) => timeOf(event, context) >= context.startedAt + context.maxDurationMs,
    planDone: ({ context }) => context.stepIndex >= context.plan.steps.length,
    stepIsSetWeight: ({ context }) => currentStep(context)?.kind === 'setWeight',
    stepIsBake: ({ context }) => currentStep(context)?.kind === 'bake',
    fullPromotion: ({ event }) => event.type === 'PROMOTE' && event.full === true,
    candidateMayBeLive: ({ context }) => context.candidateDeployed,
    endpointBroken: ({ event }) =>
      event.type === 'ENDPOINT_CHANGED' &&
      ['Deleting', 'Failed', 'UpdateRollbackFailed', 'OutOfService'].includes(event.status ?? ''),
  },
  actions: {
    observeTime: assign({ now: ({ context, event }) => timeOf(event, context) }),
    countRetry: assign({ attempts: ({ context }) => context.attempts + 1 }),
    scheduleWake: assign({
      wakeAt: ({ context, event }) => timeOf(event, context) + context.pollIntervalMs,
    }),
  },
});

type MachineConfig = Parameters<typeof rolloutSetup.createMachine>[0];
type StateConfig = NonNullable<MachineConfig['states']>[string];

function note(
  kind: string,
  message: (args: { context: RolloutContext; event: RolloutEvent }) => string,
  lifecycle?: TimelineNote['lifecycle'],
  options: { afterStep?: boolean } = {},
) {
  // `never` lets one helper serve transitions on any event (done/error events included).
  return emit(({ context, event }: { context: RolloutContext; event: RolloutEvent }) => {
    const total = context.plan.steps.length;
    // A note made right after a step completed (stepIndex already moved on) is about that step.
    const index = Math.min(options.afterStep ? context.stepIndex : context.stepIndex + 1, total);
    return {
      type: 'timeline' as const,
      kind,
      message: message({ context, event }),
      ...(lifecycle ? { lifecycle } : {}),
      detail: {
        weights: { baseline: 100 - context.candidateWeight, candidate: context.candidateWeight },
        step: { index, total },
      },
    };
  }) as never;
}

const rollbackOnAbort = {
  target: '#rollout.rollingBack',
  actions: assign({
    rollbackReason: ({ event }: { event: RolloutEvent }): RollbackReason =>
      event.type === 'ABORT'
        ? { kind: 'abort', by: event.by, note: event.note }
        : { kind: 'abort', by: 'unknown' },
  }) as never,
} as const;

const rollbackOnAlarm = {
  target: '#rollout.rollingBack',
  actions: assign({
    rollbackReason: ({ event }: { event: RolloutEvent }): RollbackReason => {
      if (event.type !== 'ALARM_FIRED') return { kind: 'failure', code: 'INTERNAL', message: 'alarm' };
      return {
        kind: 'alarm',
        alarmName: event.alarmName,
        stateReason: event.stateReason,
        ...parseDatapoints(event.reasonData),
      };
    },
  }) as never,
} as const;

const recordEndpointBroken = assign({
  rollbackReason: ({ context, event }: { context: RolloutContext; event: RolloutEvent }): RollbackReason => ({
    kind: 'failure',
    code: 'UPDATE_FAILED',
    message: `endpoint ${context.endpointName} became ${event.type === 'ENDPOINT_CHANGED' ? event.status : 'unusable'} during the rollout`,
  }),
}) as never;

const promoteFully = {
  guard: 'fullPromotion',
  target: '#rollout.promoting',
  actions: note(
    'promotedFull',
    ({ event }) =>
      `Full promotion requested by ${(event as { by: string }).by}: skipping the remaining steps`,
  ),
} as const;

const rollbackOnDeadline = {
  guard: 'pastDeadline',
  target: '#rollout.rollingBack',
  actions: assign({
    rollbackReason: ({ context }: { context: RolloutContext }): RollbackReason => ({
      kind: 'timeout',
      maxDurationMs: context.maxDurationMs,
    }),
  }) as never,
} as const;

function recordFailure(prefix: string) {
  return assign({
    rollbackReason: ({ event }: { event: unknown }): RollbackReason => {
      const e = errorOf(event);
      return { kind: 'failure', code: e.code, message: `${prefix}: ${e.message}` };
    },
  }) as never;
}

function failureFromCheck(
  change: EndpointChange | undefined,
  output: CheckResult,
): { code: string; message: string } {
  const what =
    change?.kind === 'config'
      ? `updating endpoint ${change.endpointName} to config ${change.endpointConfigName}`
      : `changing the weights of endpoint ${change?.endpointName ?? '?'}`;
  if (output.phase === 'failed') {
    return {
      code: 'UPDATE_FAILED',
      message: `${what}: endpoint is ${output.status}${output.failureReason ? ` (${output.failureReason})` : ''}`,
    };
  }
  return {
    code: 'UPDATE_FAILED',
    message:
      `${what}: SageMaker rolled the update back — the endpoint is ${output.status} on config ` +
      `${output.endpointConfigName ?? '?'}${output.failureReason ? `; FailureReason: ${output.failureReason}` : ''}`,
  };
}

/**
 * Apply one endpoint change and wait until SageMaker reports it in effect. Forward changes give
 * up into a rollback; rollback changes retry longer and end in `failed` when SageMaker leaves no
 * way back.
 */
function awaitEndpoint(
  purpose: ChangePurpose,
  opts: { onReady: { target: string; actions?: unknown }; mode: 'forward' | 'rollback' },
): StateConfig {
  const forward = opts.mode === 'forward';
  const failTarget = forward ? '#rollout.rollingBack' : '#rollout.failed';
  const retryLimit = forward ? FORWARD_RETRY_LIMIT : ROLLBACK_RETRY_LIMIT;
  const failAction = (
    forward
      ? assign({
          rollbackReason: ({
            context,
            event,
          }: {
            context: RolloutContext;
            event: unknown;
          }): RollbackReason => ({
            kind: 'failure',
            ...failureFromCheck(context.change, (event as { output: CheckResult }).output),
          }),
        })
      : assign({
          failure: ({ context, event }: { context: RolloutContext; event: unknown }) =>
            failureFromCheck(context.change, (event as { output: CheckResult }).output),
        })
  ) as never;
  const errorAction = forward
    ? recordFailure(`${purpose} step failed`)
    : (assign({
        failure: ({ event }: { event: unknown }) => {
          const e = errorOf(event);
          return { code: e.code, message: `rollback step "${purpose}" failed: ${e.message}` };
        },
      }) as never);
  const retryable = ({ context, event }: { context: RolloutContext; event: unknown }) =>
    errorOf(event).retryable && context.attempts < retryLimit;
  const tick = (forward ? [rollbackOnDeadline, { target: 'checking' }] : { target: 'checking' }) as never;

  return rolloutSetup.createStateConfig({
    initial: 'applying',
    entry: assign({
      change: ({ context }) => buildChange(context, purpose),
      changeRequested: false,
      attempts: 0,
    }),
    states: {
      applying: {
        invoke: {
          src: 'applyEndpointChange',
          input: ({ context }) => ({ change: context.change! }),
          onDone: [
            {
              guard: ({ event }) => event.output.outcome === 'satisfied',
              target: 'checking',
              actions: 'observeTime',
            },
            {
              target: 'waiting',
              actions: [
                'observeTime',
                'scheduleWake',
                assign({
                  changeRequested: ({ context, event }) =>
                    context.changeRequested || event.output.outcome === 'requested',
                  candidateDeployed: ({ context }) =>
                    context.candidateDeployed || purpose === 'transition' || purpose === 'final',
                }),
              ],
            },
          ],
          onError: [
            {
              guard: retryable,
              target: 'waiting',
              actions: [
                'countRetry',
                'scheduleWake',
                note('retry', ({ event }) => `Retrying later: ${errorOf(event).message}`),
              ],
            },
            { target: failTarget, actions: errorAction },
          ],
        },
      },
      waiting: {
        tags: ['waiting'],
        on: { TICK: tick, ENDPOINT_CHANGED: { target: 'checking' } },
      },
      checking: {
        invoke: {
          src: 'checkEndpoint',
          input: ({ context }) => ({ change: context.change! }),
          onDone: [
            { guard: ({ event }) => event.output.phase === 'ready', ...(opts.onReady as { target: string }) },
            {
              guard: ({ event }) => event.output.phase === 'inProgress',
              target: 'waiting',
              actions: ['observeTime', 'scheduleWake'],
            },
            {
              // The earlier call never reached SageMaker (busy or throttled): make it now. Not counted
              // as a retry — the failed call already was.
              guard: ({ context, event }) => event.output.phase === 'idle' && !context.changeRequested,
              target: 'applying',
              actions: ['observeTime'],
            },
            {
              // Weights that did not stick, and anything during a rollback, are worth another try.
              guard: ({ context, event }) =>
                event.output.phase === 'idle' &&
                (!forward || context.change?.kind === 'weights') &&
                context.attempts < retryLimit,
              target: 'applying',
              actions: ['observeTime', 'countRetry', assign({ changeRequested: false })],
            },
            { target: failTarget, actions: ['observeTime', failAction] },
          ],
          onError: [
            { guard: retryable, target: 'waiting', actions: ['countRetry', 'scheduleWake'] },
            { target: failTarget, actions: errorAction },
          ],
        },
      },
    },
  });
}

/** Hold while watching alarms: each TICK reads them; `done` decides when holding is over. */
function holdWatchingAlarms(opts: { bake: boolean }): StateConfig {
  return rolloutSetup.createStateConfig({
    initial: 'idle',
    states: {
      idle: {
        tags: ['waiting'],
        entry: assign({
          wakeAt: ({ context }) => {
            const nextRead = context.now + context.alarmPollIntervalMs;
            const deadline = context.startedAt + context.maxDurationMs;
            const candidates = [nextRead, deadline];
            if (opts.bake && context.bakeUntil !== undefined) candidates.push(context.bakeUntil);
            return Math.min(...candidates);
          },
        }),
        on: {
          TICK: [rollbackOnDeadline, { target: 'reading', actions: 'observeTime' }],
          // Someone deleted or broke the endpoint mid-bake: no reason to wait for the bake to end.
          ENDPOINT_CHANGED: {
            guard: 'endpointBroken',
            target: '#rollout.rollingBack',
            actions: recordEndpointBroken,
          },
        },
      },
      reading: {
        invoke: {
          src: 'readAlarms',
          input: ({ context }) => ({
            alarmNames: [...context.alarms, ...context.candidateAlarms.map((a) => a.alarmName)],
          }),
          onDone: [
            {
              guard: ({ event }) => event.output.firing.length > 0,
              target: '#rollout.rollingBack',
              actions: assign({
                rollbackReason: ({ event }): RollbackReason => {
                  const first = event.output.firing[0]!;
                  return {
                    kind: 'alarm',
                    alarmName: first.alarmName,
                    stateReason: first.stateReason,
                    ...parseDatapoints(first.reasonData),
                  };
                },
              }),
            },
            ...(opts.bake
              ? [
                  // Typed loosely: the spread hides this transition from the invoke's inference.
                  {
                    guard: ({
                      context,
                      event,
                    }: {
                      context: RolloutContext;
                      event: { output: AlarmReading };
                    }) => context.bakeUntil !== undefined && event.output.at >= context.bakeUntil,
                    target: '#rollout.live.flow.choosing',
                    actions: [
                      'observeTime',
                      note(
                        'bakeCompleted',
                        ({ context }) => `Bake of ${stepLabel(context)} completed; alarms quiet`,
                      ),
                      assign({ stepIndex: ({ context }) => context.stepIndex + 1, bakeUntil: undefined }),
                    ],
                  } as never,
                ]
              : []),
            {
              target: 'idle',
              actions: ['observeTime', assign({ alarmStates: ({ event }) => event.output.states })],
            },
          ],
          onError: {
            // A failed read is not an alarm: keep holding and read again on the next tick.
            target: 'idle',
            actions: note(
              'alarmReadFailed',
              ({ event }) => `Could not read alarm states: ${errorOf(event).message}`,
            ),
          },
        },
      },
    },
  });
}

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
      entry: note(
        'started',
        ({ context }) =>
          `Rollout ${context.rolloutId} started by ${context.requestedBy}: ${context.modelPackageArn} onto ` +
          `endpoint ${context.endpointName} with strategy ${context.plan.strategy}`,
        'Rollout Started',
      ),
      always: { guard: 'baselineKnown', target: 'creatingCandidate' },
      invoke: {
        src: 'resolveBaseline',
        input: ({ context }) => ({ context }),
        onDone: {
          target: 'creatingCandidate',
          actions: ['observeTime', assign({ baseline: ({ event }) => event.output.baseline })],
        },
        onError: { target: 'rollingBack', actions: recordFailure('could not resolve the baseline') },
      },
      on: { ABORT: rollbackOnAbort },
    },
    creatingCandidate: {
      entry: note('baseline', ({ context }) => {
        const b = baselineOf(context);
        return (
          `Baseline is variant ${b.variantName} (model ${b.modelName}, ${b.instanceCount} × ${b.instanceType ?? 'instances'}) ` +
          `on config ${b.endpointConfigName}`
        );
      }),
      invoke: {
        src: 'createCandidate',
        input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
        onDone: {
          target: 'deployingTransition',
          actions: [
            'observeTime',
            note(
              'candidateCreated',
              ({ context }) =>
                `Created candidate model ${context.names.candidateModel} and transition config ` +
                `${context.names.transitionConfig} (variant ${context.names.candidateVariant} at weight 0)`,
            ),
          ],
        },
        onError: { target: 'rollingBack', actions: recordFailure('creating the candidate failed') },
      },
      on: { ABORT: rollbackOnAbort },
    },
    deployingTransition: {
      ...awaitEndpoint('transition', {
        mode: 'forward',
        onReady: {
          target: '#rollout.live',
          actions: [
            'observeTime',
            note(
              'transitionLive',
              ({ context }) =>
                `Endpoint ${context.endpointName} is InService on ${context.names.transitionConfig}: ` +
                `baseline and candidate deployed, candidate at 0%`,
            ),
          ],
        },
      }),
      on: { ABORT: rollbackOnAbort, ALARM_FIRED: rollbackOnAlarm },
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
            PAUSE: {
              target: 'paused',
              actions: [
                'observeTime',
                assign({
                  pausedBy: ({ event }) => (event.type === 'PAUSE' ? event.by : undefined),
                  bakeRemainingMs: ({ context, event }) =>
                    context.bakeUntil === undefined
                      ? undefined
                      : Math.max(0, context.bakeUntil - timeOf(event, context)),
                  bakeUntil: undefined,
                }),
                note(
                  'paused',
                  ({ context, event }) =>
                    `Paused by ${(event as { by: string }).by} at ${stepLabel(context)}`,
                  'Rollout Paused',
                ),
              ],
            },
          },
          states: {
            choosing: {
              always: [
                { guard: 'planDone', target: '#rollout.promoting' },
                { guard: 'stepIsSetWeight', target: 'shifting' },
                {
                  guard: 'stepIsBake',
                  target: 'baking',
                  actions: [
                    'observeTime',
                    assign({
                      bakeUntil: ({ context, event }) => {
                        const step = currentStep(context) as Extract<Step, { kind: 'bake' }>;
                        return timeOf(event, context) + step.durationMs;
                      },
                    }),
                    note('bakeStarted', ({ context }) => {
                      const step = currentStep(context) as Extract<Step, { kind: 'bake' }>;
                      const watched = [...context.alarms, ...context.candidateAlarms.map((a) => a.alarmName)];
                      return (
                        `Baking ${formatMs(step.durationMs)} at ${context.candidateWeight}% (${stepLabel(context)}) until ` +
                        `${isoTime(context.bakeUntil!)}; watching ${watched.length ? watched.join(', ') : 'no alarms'}`
                      );
                    }),
                  ],
                },
                {
                  target: 'gate',
                  actions: note(
                    'gate',
                    ({ context }) =>
                      `Waiting at a manual gate (${stepLabel(context)}, candidate at ${context.candidateWeight}%): ` +
                      `run \`sm-rollout promote ${context.rolloutId}\` to continue or \`sm-rollout abort ${context.rolloutId}\` to roll back`,
                  ),
                },
              ],
            },
            shifting: awaitEndpoint('shift', {
              mode: 'forward',
              onReady: {
                target: '#rollout.live.flow.choosing',
                actions: [
                  'observeTime',
                  rolloutSetup.assign({
                    candidateWeight: ({ context }) => shiftTarget(context),
                    stepIndex: ({ context }) => context.stepIndex + 1,
                  }),
                  note(
                    'shifted',
                    ({ context }) =>
                      `Traffic shifted: baseline ${100 - context.candidateWeight}% / candidate ${context.candidateWeight}% ` +
                      `(${stepLabel({ ...context, stepIndex: context.stepIndex - 1 })})`,
                    'Traffic Shifted',
                    { afterStep: true },
                  ),
                ],
              },
            }),
            baking: holdWatchingAlarms({ bake: true }),
            gate: {
              ...holdWatchingAlarms({ bake: false }),
              on: {
                PROMOTE: [
                  promoteFully,
                  {
                    target: 'choosing',
                    actions: [
                      'observeTime',
                      note(
                        'promoted',
                        ({ context, event }) =>
                          `Manual gate (${stepLabel(context)}) passed: promoted by ${(event as { by: string }).by}`,
                      ),
                      assign({ stepIndex: ({ context }) => context.stepIndex + 1 }),
                    ],
                  },
                ],
              },
            },
            history: { type: 'history', history: 'deep' },
          },
        },
        paused: {
          ...holdWatchingAlarms({ bake: false }),
          on: {
            RESUME: {
              target: '#rollout.live.flow.history',
              actions: [
                'observeTime',
                assign({
                  bakeUntil: ({ context, event }) =>
                    context.bakeRemainingMs === undefined
                      ? undefined
                      : timeOf(event, context) + context.bakeRemainingMs,
                  bakeRemainingMs: undefined,
                  pausedBy: undefined,
                }),
                note(
                  'resumed',
                  ({ context, event }) =>
                    `Resumed by ${(event as { by: string }).by} at ${stepLabel(context)}`,
                  'Rollout Resumed',
                ),
              ],
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
          entry: note(
            'promoting',
            ({ context }) => `Promoting: creating final config ${context.names.finalConfig} (candidate only)`,
          ),
          invoke: {
            src: 'createFinalConfig',
            input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
            onDone: { target: 'deploying', actions: 'observeTime' },
            onError: {
              target: '#rollout.rollingBack',
              actions: recordFailure('creating the final config failed'),
            },
          },
        },
        deploying: awaitEndpoint('final', {
          mode: 'forward',
          onReady: {
            target: '#rollout.cleaningUp',
            actions: [
              'observeTime',
              rolloutSetup.assign({ candidateWeight: 100 }),
              note(
                'finalLive',
                ({ context }) =>
                  `Endpoint ${context.endpointName} is InService on final config ${context.names.finalConfig}`,
              ),
            ],
          },
        }),
      },
    },
    cleaningUp: {
      invoke: {
        src: 'cleanupAfterPromotion',
        input: ({ context }) => ({ context: { ...context, baseline: baselineOf(context) } }),
        onDone: {
          target: 'succeeded',
          actions: [
            'observeTime',
            note('cleanedUp', ({ event }) => {
              const out = (event as unknown as { output: CleanupResult }).output;
              return `Removed ${out.removed.join(', ') || 'nothing'}; kept ${out.kept.join(', ') || 'nothing'} for undo`;
            }),
          ],
        },
        // The candidate is live and healthy; leftovers are a warning, not a failed rollout.
        onError: {
          target: 'succeeded',
          actions: assign({
            warnings: ({ context, event }) => [
              ...context.warnings,
              `cleanup after promotion failed: ${errorOf(event).message}`,
            ],
          }),
        },
      },
    },
    rollingBack: {
      initial: 'routing',
      entry: note(
        'rollbackStarted',
        ({ context }) => `Rolling back: ${describeReason(context.rollbackReason)}`,
        'Rollback Started',
      ),
      states: {
        routing: {
          always: [
            { guard: 'candidateMayBeLive', target: 'restoringTraffic' },
            { target: 'removingCandidate' },
          ],
        },
        restoringTraffic: awaitEndpoint('restore', {
          mode: 'rollback',
          onReady: {
            target: '#rollout.rollingBack.revertingConfig',
            actions: [
              'observeTime',
              rolloutSetup.assign({ candidateWeight: 0 }),
              note(
                'trafficRestored',
                ({ context }) =>
                  `All traffic is back on the baseline variant ${baselineOf(context).variantName}`,
              ),
            ],
          },
        }),
        revertingConfig: awaitEndpoint('revert', {
          mode: 'rollback',
          onReady: {
            target: '#rollout.rollingBack.removingCandidate',
            actions: [
              'observeTime',
              note(
                'reverted',
                ({ context }) =>
                  `Endpoint ${context.endpointName} is back on its original config ${baselineOf(context).endpointConfigName}`,
              ),
            ],
          },
        }),
        removingCandidate: {
          initial: 'removing',
          entry: assign({ attempts: 0 }),
          states: {
            removing: {
              invoke: {
                src: 'removeCandidate',
                input: ({ context }) => ({ context: { ...context, baseline: context.baseline! } }),
                onDone: {
                  target: '#rollout.rolledBack',
                  actions: [
                    'observeTime',
                    note('candidateRemoved', ({ event }) => {
                      const out = (event as unknown as { output: CleanupResult }).output;
                      return `Removed ${out.removed.join(', ') || 'nothing (nothing had been created)'}`;
                    }),
                  ],
                },
                onError: [
                  {
                    guard: ({ context, event }) =>
                      errorOf(event).retryable && context.attempts < ROLLBACK_RETRY_LIMIT,
                    target: 'waiting',
                    actions: ['countRetry', 'scheduleWake'],
                  },
                  {
                    target: '#rollout.failed',
                    actions: assign({
                      failure: ({ event }) => {
                        const e = errorOf(event);
                        return { code: e.code, message: `removing the candidate failed: ${e.message}` };
                      },
                    }),
                  },
                ],
              },
            },
            waiting: { tags: ['waiting'], on: { TICK: 'removing', ENDPOINT_CHANGED: 'removing' } },
          },
        },
      },
    },
    succeeded: {
      type: 'final',
      entry: note(
        'succeeded',
        ({ context }) =>
          `Rollout succeeded: ${context.modelPackageArn} serves 100% of ${context.endpointName} ` +
          `(config ${context.names.finalConfig})`,
        'Rollout Succeeded',
      ),
    },
    rolledBack: {
      type: 'final',
      entry: note(
        'rolledBack',
        ({ context }) =>
          `Rolled back: ${describeReason(context.rollbackReason).replace(/\.$/, '')}. Endpoint ${context.endpointName} serves the baseline ` +
          `only${context.baseline ? ` (config ${context.baseline.endpointConfigName})` : ''}`,
        'Rollout Rolled Back',
      ),
    },
    failed: {
      type: 'final',
      entry: note(
        'failed',
        ({ context }) =>
          `Rollback failed and needs a human: ${context.failure?.message ?? 'unknown error'}. It was rolling back because: ` +
          `${describeReason(context.rollbackReason)}. Check endpoint ${context.endpointName} in the SageMaker console; ` +
          `the original config is ${context.baseline?.endpointConfigName ?? 'unknown'}`,
        'Rollout Failed',
      ),
    },
  },
});

export type RolloutMachine = typeof rolloutMachine;
