// Reads a rollout snapshot the way a person would: its status, the phase in words, the step,
// the weights, and why a command does not apply right now.
import type { SnapshotFrom } from 'xstate';
import { ENDPOINT_DELETED, type RolloutCommand, type RolloutEngineKind } from './contract';
import { judgeApplies, type RolloutContext } from './context';
import { describeReason, formatMs, isoTime as iso } from './facts';
import type { rolloutMachine } from './rollout';

export type RolloutSnapshot = SnapshotFrom<typeof rolloutMachine>;

/** Every status a rollout can have, as records store it. */
export const ROLLOUT_STATUSES = [
  'running',
  'awaitingPromotion',
  'paused',
  'rollingBack',
  'succeeded',
  'rolledBack',
  'failed',
] as const;

export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export const TERMINAL_STATUSES: readonly RolloutStatus[] = ['succeeded', 'rolledBack', 'failed'];

/** Statuses in which the rollout waits for a person (a manual gate, a pause). */
export const NEEDS_A_PERSON: readonly RolloutStatus[] = ['awaitingPromotion', 'paused'];

export function needsAPerson(status: RolloutStatus): boolean {
  return NEEDS_A_PERSON.includes(status);
}

export function isTerminal(status: RolloutStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface RolloutView {
  status: RolloutStatus;
  /** The phase in words, e.g. "baking step 2/4 at 10% until 2026-01-15T09:20:00Z". */
  phase: string;
  /** Machine state path, e.g. "live.flow.baking.idle". */
  state: string;
  step: { index: number; total: number };
  weights: { baseline: number; candidate: number };
  bakeUntil?: number;
  wakeAt?: number;
  /** For terminal rollouts: why it ended. */
  reason?: string;
  /** The judge's latest verdict per metric (absent before its first look, or without a judge). */
  judge?: JudgeSummary[];
  /** It holds and the judge looks at each wake-up (its looks, every period, are what wake it). */
  judging?: boolean;
}

/** One metric's latest verdict as `watch` and `status` show it. */
export interface JudgeSummary {
  metric: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  ratio: number | null;
  interval: [number, number | null];
  dryRun?: boolean;
}

function statePath(snapshot: RolloutSnapshot): string {
  const walk = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    return key === undefined ? [] : [key, ...walk(child)];
  };
  return walk(snapshot.value).join('.');
}

/** Which part of the inference-component chart the rollout is in (typed loosely, as inNative). */
function inComponent(
  snapshot: RolloutSnapshot,
  child:
    | 'preparing'
    | 'updating'
    | 'following'
    | 'aborting'
    | 'explaining'
    | 'finalBake'
    | 'rollingBack'
    | 'removing'
    | 'cleaning',
): boolean {
  return snapshot.matches({ inferenceComponent: child } as never);
}

/** Which part of the native chart the rollout is in (its states are built apart, so typed loosely). */
function inNative(
  snapshot: RolloutSnapshot,
  child: 'preparing' | 'deploying' | 'following' | 'aborting' | 'explaining' | 'removing' | 'replaced',
): boolean {
  return snapshot.matches({ native: child } as never);
}

export function statusOf(snapshot: RolloutSnapshot): RolloutStatus {
  if (snapshot.matches('succeeded')) return 'succeeded';
  if (snapshot.matches('rolledBack')) return 'rolledBack';
  if (snapshot.matches('failed')) return 'failed';
  // Winding down after the endpoint was deleted is, to a reader, the end of a rollback.
  if (snapshot.matches('rollingBack') || snapshot.matches('endpointDeleted')) return 'rollingBack';
  // An inference component: from the abort, an alarm in the final bake or SageMaker's own rollback on.
  if (
    inComponent(snapshot, 'aborting') ||
    inComponent(snapshot, 'explaining') ||
    inComponent(snapshot, 'rollingBack') ||
    inComponent(snapshot, 'removing') ||
    ((inComponent(snapshot, 'following') ||
      inComponent(snapshot, 'preparing') ||
      inComponent(snapshot, 'updating')) &&
      snapshot.context.rollbackReason !== undefined)
  )
    return 'rollingBack';
  // Native, the endpoint changed by someone else: winding down before it ends failed, likewise.
  if (inNative(snapshot, 'replaced')) return 'rollingBack';
  // Native: from the abort (or SageMaker's own rollback) on, SageMaker is rolling back.
  if (
    inNative(snapshot, 'aborting') ||
    inNative(snapshot, 'explaining') ||
    inNative(snapshot, 'removing') ||
    (inNative(snapshot, 'following') && snapshot.context.rollbackReason !== undefined)
  )
    return 'rollingBack';
  if (snapshot.matches({ live: 'paused' })) return 'paused';
  if (snapshot.matches({ live: { flow: 'gate' } })) return 'awaitingPromotion';
  return 'running';
}

export function outcomeReason(context: RolloutContext, status: RolloutStatus): string | undefined {
  switch (status) {
    case 'succeeded':
      return context.warnings.length ? `succeeded with warnings: ${context.warnings.join('; ')}` : undefined;
    case 'rolledBack':
      return describeReason(context.rollbackReason);
    case 'failed':
      if (context.failure?.code === ENDPOINT_DELETED) {
        return (
          context.failure.message +
          (context.rollbackReason
            ? ` (while rolling back because ${describeReason(context.rollbackReason)})`
            : '')
        );
      }
      return (
        `rollback failed: ${context.failure?.message ?? 'unknown error'} ` +
        `(rolling back because ${describeReason(context.rollbackReason)})`
      );
    default:
      return undefined;
  }
}

function phaseOf(snapshot: RolloutSnapshot, status: RolloutStatus): string {
  const c = snapshot.context;
  const step = `step ${Math.min(c.stepIndex + 1, c.plan.steps.length)}/${c.plan.steps.length}`;
  if (status === 'succeeded' || status === 'rolledBack' || status === 'failed') {
    const reason = outcomeReason(c, status);
    return reason ? `${status}: ${reason}` : status;
  }
  if (snapshot.matches('native')) return nativePhase(snapshot, status);
  if (snapshot.matches('inferenceComponent')) return componentPhase(snapshot, status);
  if (status === 'rollingBack') return `rolling back (${describeReason(c.rollbackReason)})`;
  if (status === 'paused') {
    const left =
      c.bakeRemainingMs !== undefined
        ? `, ${formatMs(Math.ceil(c.bakeRemainingMs / 1000) * 1000)} of bake left`
        : '';
    return `paused by ${c.pausedBy ?? 'someone'} at ${step} with the candidate at ${c.candidateWeight}%${left}`;
  }
  if (status === 'awaitingPromotion')
    return `waiting at a manual gate (${step}) with the candidate at ${c.candidateWeight}%`;
  if (snapshot.matches('resolvingBaseline')) return 'resolving the baseline';
  if (snapshot.matches('creatingCandidate')) return 'creating the candidate model and transition config';
  if (snapshot.matches('deployingTransition'))
    return `deploying the transition config ${c.names.transitionConfig}`;
  if (snapshot.matches('checkingCandidate'))
    return `checking the candidate variant ${c.names.candidateVariant} with the pre-traffic sample requests`;
  if (snapshot.matches({ live: { flow: 'shifting' } })) {
    const target = c.plan.steps[c.stepIndex];
    return `shifting traffic (${step}) to ${target?.kind === 'setWeight' ? target.percent : '?'}%`;
  }
  if (snapshot.matches({ live: { flow: 'baking' } })) {
    return `baking ${step} at ${c.candidateWeight}%${c.bakeUntil !== undefined ? ` until ${iso(c.bakeUntil)}` : ''}`;
  }
  if (snapshot.matches({ live: { flow: 'analysing' } })) {
    return `analysing ${step} at ${c.candidateWeight}%${c.bakeUntil !== undefined ? ` until ${iso(c.bakeUntil)} at the latest` : ''}`;
  }
  if (snapshot.matches('promoting')) return `promoting: deploying the final config ${c.names.finalConfig}`;
  if (snapshot.matches('cleaningUp')) return 'cleaning up after promotion';
  if (snapshot.matches('endpointDeleted'))
    return `endpoint ${c.endpointName} was deleted: removing what the rollout created`;
  return statePath(snapshot);
}

/** An inference-component rollout's phase: what SageMaker is doing with the copies, as last read. */
function componentPhase(snapshot: RolloutSnapshot, status: RolloutStatus): string {
  const c = snapshot.context;
  const name = c.inferenceComponent?.inferenceComponentName ?? 'the inference component';
  const view = c.componentView;
  const copies =
    view?.currentCopyCount !== undefined
      ? `${view.currentCopyCount} copies running, ${view.desiredCopyCount ?? '?'} desired`
      : `${c.inferenceComponent?.copyCount ?? '?'} copies`;
  if (inComponent(snapshot, 'preparing')) return 'creating the candidate model and the abort alarm';
  if (inComponent(snapshot, 'updating')) return `starting the rolling update of ${name}`;
  if (inComponent(snapshot, 'finalBake'))
    return `final bake: every copy of ${name} runs ${c.names.candidateModel}${c.bakeUntil !== undefined ? ` until ${iso(c.bakeUntil)}` : ''}`;
  if (inComponent(snapshot, 'cleaning')) return 'cleaning up after the rolling update';
  if (inComponent(snapshot, 'rollingBack'))
    return `rolling ${name} back to ${c.inferenceComponent?.servingSpecification.modelName ?? 'the model that served'} (${describeReason(c.rollbackReason)}); ${copies}`;
  if (inComponent(snapshot, 'explaining') || inComponent(snapshot, 'removing'))
    return `${name} serves ${c.inferenceComponent?.servingSpecification.modelName ?? 'the model that served'} again (${describeReason(c.rollbackReason)}): removing what the rollout created`;
  if (status === 'rollingBack')
    return `SageMaker is rolling ${name} back (${describeReason(c.rollbackReason)}); ${view?.status ?? 'updating'}, ${copies}`;
  return `SageMaker replaces the copies of ${name} with ${c.names.candidateModel}: ${view?.status ?? 'updating'}, ${copies}`;
}

/** A native rollout's phase: what SageMaker is doing with the deployment, as last read. */
function nativePhase(snapshot: RolloutSnapshot, status: RolloutStatus): string {
  const c = snapshot.context;
  if (inNative(snapshot, 'preparing'))
    return 'creating the candidate model, the abort alarm and the final config';
  if (inNative(snapshot, 'deploying')) return `starting the guardrails deployment of ${c.names.finalConfig}`;
  if (inNative(snapshot, 'replaced'))
    return `endpoint ${c.endpointName} runs config ${c.nativeView?.endpointConfigName ?? '?'} (another update): removing what the rollout created`;
  if (inNative(snapshot, 'explaining') || inNative(snapshot, 'removing'))
    return `SageMaker rolled back (${describeReason(c.rollbackReason)}): removing what the rollout created`;
  const variant = c.nativeView?.pending?.variants[0];
  const fleet = variant?.status
    ? `the new fleet is ${variant.status}${variant.statusMessage ? ` (${variant.statusMessage})` : ''}`
    : `the endpoint is ${c.nativeView?.status ?? 'updating'}`;
  if (status === 'rollingBack')
    return `SageMaker is rolling back (${describeReason(c.rollbackReason)}); ${fleet}`;
  return `SageMaker deploys ${c.names.finalConfig} (new fleet at ${c.candidateWeight}%): ${fleet}`;
}

export function viewRollout(snapshot: RolloutSnapshot): RolloutView {
  const c = snapshot.context;
  const status = statusOf(snapshot);
  return {
    status,
    phase: phaseOf(snapshot, status),
    state: statePath(snapshot),
    step: { index: Math.min(c.stepIndex + 1, c.plan.steps.length), total: c.plan.steps.length },
    weights: { baseline: 100 - c.candidateWeight, candidate: c.candidateWeight },
    bakeUntil: c.bakeUntil,
    wakeAt: isTerminal(status) ? undefined : c.wakeAt,
    reason: outcomeReason(c, status),
    ...(snapshot.hasTag('watching') && judgeApplies(c) ? { judging: true } : {}),
    ...(c.judgeReading
      ? {
          judge: c.judgeReading.verdicts.map((v) => ({
            metric: v.metric,
            verdict: v.verdict,
            ratio: v.ratio,
            interval: v.interval,
            ...(c.judge?.dryRun ? { dryRun: true } : {}),
          })),
        }
      : {}),
  };
}

/** What explaining a refused command needs: the rollout as its record or its snapshot says. */
export interface CommandTarget {
  rolloutId: string;
  status: RolloutStatus;
  phase: string;
  /** Absent: stepwise. */
  engine?: RolloutEngineKind;
  /** Set when the rollout updates an inference component. */
  inferenceComponent?: string;
}

/** Why an inference-component rollout takes no pause, resume or promote: SageMaker moves the copies itself. */
function componentRefusal(id: string, command: Pick<RolloutCommand, 'type'>, phase: string): string {
  const verb = command.type.toLowerCase();
  return (
    `rollout ${id} updates an inference component: SageMaker's rolling update replaces the copies batch by ` +
    `batch on the plan's schedule and has no API to ${verb} it, so sm-rollout cannot ${verb} it (it is ${phase}); ` +
    `\`sm-rollout abort ${id}\` rolls it back`
  );
}

/** Why a native rollout takes no pause, resume or promote: SageMaker moves the traffic on its own schedule. */
function nativeRefusal(id: string, command: Pick<RolloutCommand, 'type'>, phase: string): string {
  const verb = command.type.toLowerCase();
  return (
    `rollout ${id} runs on the native engine: SageMaker deployment guardrails moves the traffic on the ` +
    `plan's schedule and has no API to ${verb} a deployment, so sm-rollout cannot ${verb} it (it is ${phase}); ` +
    `\`sm-rollout abort ${id}\` rolls it back, and a plan with manual gates needs the stepwise engine (--engine stepwise)`
  );
}

/** Why a command cannot be applied now, in words a person on call can act on. */
export function explainRejection(
  target: RolloutSnapshot | CommandTarget,
  command: Pick<RolloutCommand, 'type'>,
): string {
  const {
    rolloutId: id,
    status,
    phase,
    engine,
    inferenceComponent,
  } = 'context' in target
    ? {
        rolloutId: target.context.rolloutId,
        status: statusOf(target),
        phase: phaseOf(target, statusOf(target)),
        engine: target.context.engine,
        inferenceComponent: target.context.inferenceComponent?.inferenceComponentName,
      }
    : target;
  if (isTerminal(status))
    return `rollout ${id} has already ended (${status}); nothing to ${command.type.toLowerCase()}`;
  if (inferenceComponent && command.type !== 'ABORT') return componentRefusal(id, command, phase);
  if (engine === 'native' && command.type !== 'ABORT') return nativeRefusal(id, command, phase);
  switch (command.type) {
    case 'PAUSE':
      if (status === 'paused') return `rollout ${id} is already paused (${phase})`;
      return `rollout ${id} cannot be paused now: it is ${phase}; pause applies while traffic is shifting, baking or at a gate`;
    case 'RESUME':
      return `rollout ${id} is not paused; it is ${phase}`;
    case 'PROMOTE':
      return (
        `rollout ${id} is not waiting at a manual gate; it is ${phase}` +
        (status === 'rollingBack' ? '' : ` (use promote --full to skip the remaining steps)`)
      );
    case 'ABORT':
      return `rollout ${id} is already rolling back (${phase})`;
  }
}

/** The commands a person can give a rollout, as the record's projection names them. */
export const COMMAND_NAMES = ['pause', 'resume', 'promote', 'promoteFull', 'abort'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

const COMMAND_PROBES: Record<CommandName, RolloutCommand> = {
  pause: { type: 'PAUSE', now: 0, by: '' },
  resume: { type: 'RESUME', now: 0, by: '' },
  promote: { type: 'PROMOTE', now: 0, by: '' },
  promoteFull: { type: 'PROMOTE', now: 0, by: '', full: true },
  abort: { type: 'ABORT', now: 0, by: '' },
};

/** The commands the rollout takes in this snapshot (what `snapshot.can` says, for readers without the machine). */
export function acceptedCommands(snapshot: RolloutSnapshot): CommandName[] {
  if (snapshot.status !== 'active') return [];
  return COMMAND_NAMES.filter((name) => snapshot.can({ ...COMMAND_PROBES[name], now: snapshot.context.now }));
}

/** The projection's name of a command request. */
export function commandName(command: Pick<RolloutCommand, 'type'> & { full?: boolean }): CommandName {
  if (command.type === 'PROMOTE') return command.full ? 'promoteFull' : 'promote';
  return command.type.toLowerCase() as CommandName;
}
