// The controller: what sm-rollout does with each thing that happens in AWS — a model version
// approved, an alarm firing, an endpoint changing, the one-minute schedule, a precise wake-up it
// asked for itself (the wake-up queue), a CLI command — and its
// dry run of a command (`check`). It decides which rollout an event concerns and hands it to the
// engine. Every host runs it: the Lambda handler, and the CLI's local and simulate modes (behind
// the same handler); hosts only parse events and call it.
import { SmRolloutError, isSmRolloutError, summarizeError, type ErrorCode } from '../errors';
import { watchedAlarms } from '../../statemachines/contract';
import { isTerminal } from '../../statemachines/describe';
import { compilePlan, DEFAULT_STRATEGY } from '../plan';
import type { PendingApproval, RolloutRecord } from './ports';
import { parseAlarmReasonData } from './alarm-reason';
// Types only: the engine (machine, effects, actors) is loaded with import() when a rollout is to be
// advanced or checked, so the controller Lambda's init, and a schedule tick with nothing due, never load it.
import type { CommandRequest, EngineDeps, RolloutEngine, StepResult } from './engine';
import { preciseWakeUpOf } from './wake-up-time';
import type { AlarmControl, AlarmState } from './ports';
import type { AlarmEvent, ApprovalEvent, CommandEvent } from './intake';
import { mergeStartRequest, type ValidStartRequest } from './start-request';
import { planUndo } from './undo';
import { settlingStatusIn } from './settling';
import { modelPackageVersionOf } from './names';

/** What the controller needs of a policy (src/policy implements it). */
export interface RolloutPolicy {
  modelPackageGroup: string;
  endpoint: string;
  onNewerApproval: 'supersede' | 'queue' | 'reject';
  /**
   * The validated request for one approved version; throws SmRolloutError when it cannot be made.
   * Its versionGate says what the policy's onOlderApproval allows.
   */
  toStartRequest(modelPackageArn: string, requestedBy: string): ValidStartRequest;
}

export interface PolicyLookup {
  forGroup(modelPackageGroup: string): RolloutPolicy | undefined;
  forEndpoint(endpointName: string): RolloutPolicy | undefined;
  /**
   * True when the controller that will act has policies this lookup cannot see (the CLI's dry run
   * of a command for the deployed controller): a start may then leave to them what it does not give.
   */
  readonly deployedElsewhere?: boolean;
}

/** The deployed controller's policies, as a CLI that cannot read them sees them. */
export const DEPLOYED_POLICIES: PolicyLookup = {
  forGroup: () => undefined,
  forEndpoint: () => undefined,
  deployedElsewhere: true,
};

export interface ControllerLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type ControllerMetric = 'RolloutStarted' | 'RolloutSucceeded' | 'RolloutRolledBack' | 'RolloutFailed';

export interface ControllerDeps extends Omit<EngineDeps, 'warn'> {
  policies: PolicyLookup;
  log: ControllerLog;
  count?: (metric: ControllerMetric) => void;
  /** How long an approval or command stays deduplicated. */
  dedupeTtlMs?: number;
  /** Rollouts advanced at once by the schedule. */
  tickConcurrency?: number;
}

export type OutcomeAction =
  'started' | 'advanced' | 'queued' | 'superseding' | 'rejected' | 'refused' | 'duplicate' | 'ignored';

export interface Outcome {
  action: OutcomeAction;
  reason: string;
  /** For refused and rejected requests: the error's stable code and the field it names. */
  code?: ErrorCode;
  field?: string;
  rolloutId?: string;
  endpointName?: string;
  status?: string;
}

export type CheckVerdict =
  | {
      accepted: true;
      reason: string;
      /** The rollout a steering command is for. */
      rolloutId?: string;
      /** For a start or an undo: the version it would roll out. */
      modelPackageArn?: string;
      /** For an undo: the rollout it undoes. */
      undoing?: string;
      /** For a start or an undo: what its timeline will say first (unguarded, rolling back to an older version). */
      notes?: string[];
    }
  | { accepted: false; code: ErrorCode; reason: string; field?: string };

export interface ScheduleReport {
  due: number;
  advanced: number;
  failed: number;
  alarmsRead: number;
  describeAlarmsCalls: number;
  pendingStarted: number;
  outcomes: Outcome[];
}

const DAY_MS = 24 * 60 * 60_000;

const versionOf = (modelPackageArn: string): number | undefined =>
  modelPackageVersionOf(modelPackageArn)?.version;

const watchedAlarmsOf = (record: RolloutRecord): string[] => watchedAlarms(record.input);

/** Serves DescribeAlarms from one batched read made for the whole schedule tick. */
function prefetchedAlarms(states: Map<string, AlarmState>, fallback: AlarmControl): AlarmControl {
  return {
    async describeAlarms(names) {
      const missing = names.filter((n) => !states.has(n));
      const fetched = missing.length ? await fallback.describeAlarms(missing) : [];
      return [...names.flatMap((n) => (states.has(n) ? [states.get(n)!] : [])), ...fetched];
    },
    putCandidateAlarm: (spec) => fallback.putCandidateAlarm(spec),
    deleteAlarms: (names) => fallback.deleteAlarms(names),
    putAbortAlarm: (spec) => fallback.putAbortAlarm(spec),
    setAlarmState: (name, state, reason) => fallback.setAlarmState(name, state, reason),
  };
}

export class RolloutController {
  private readonly dedupeTtlMs: number;
  private defaultEngine?: Promise<RolloutEngine>;

  constructor(private readonly deps: ControllerDeps) {
    this.dedupeTtlMs = deps.dedupeTtlMs ?? 30 * DAY_MS;
  }

  /** The engine on the controller's own alarm reader, built on first use. */
  private engine(): Promise<RolloutEngine> {
    // A failed import (a chunk that could not load) is not kept: the next event tries again.
    this.defaultEngine ??= this.engineWith(this.deps.alarms).catch((error: unknown) => {
      this.defaultEngine = undefined;
      throw error;
    });
    return this.defaultEngine;
  }

  private async engineWith(alarms: AlarmControl): Promise<RolloutEngine> {
    const { RolloutEngine } = await import('./engine.js');
    return new RolloutEngine({
      ...this.deps,
      alarms,
      warn: (message, detail) => this.deps.log.warn(message, detail),
    });
  }

  private now() {
    return this.deps.clock.now();
  }

  /** Counts outcomes and starts what was waiting for an endpoint once its rollout has ended. */
  private async afterStep(result: StepResult, before?: string): Promise<Outcome[]> {
    const { record } = result;
    const extra: Outcome[] = [];
    if (isTerminal(record.status) && before !== record.status) {
      const metric: ControllerMetric =
        record.status === 'succeeded'
          ? 'RolloutSucceeded'
          : record.status === 'rolledBack'
            ? 'RolloutRolledBack'
            : 'RolloutFailed';
      this.deps.count?.(metric);
      this.deps.log.info(`rollout ${record.status}`, {
        rolloutId: record.id,
        endpointName: record.endpointName,
        reason: record.reason,
      });
      const pending = await this.startPending(record.endpointName);
      if (pending) extra.push(pending);
    }
    return extra;
  }

  private async startPending(endpointName: string): Promise<Outcome | undefined> {
    if (await this.deps.store.activeForEndpoint(endpointName)) return undefined;
    const pending = await this.deps.store.takePendingApproval(endpointName);
    if (!pending) return undefined;
    const policy = this.deps.policies.forEndpoint(endpointName);
    if (!policy) {
      this.deps.log.warn('a pending approval has no policy any more; dropped', { ...pending });
      return { action: 'ignored', reason: `no policy for endpoint ${endpointName}`, endpointName };
    }
    let outcome: Outcome;
    try {
      outcome = await this.start(
        { endpointName, modelPackageArn: pending.modelPackageArn },
        () => policy.toStartRequest(pending.modelPackageArn, pending.requestedBy),
        'pending approval',
        'approval',
      );
    } catch (error) {
      // Taken but not started (throttling, a store hiccup): it waits for the next schedule run.
      await this.deps.store.setPendingApproval(pending);
      throw error;
    }
    // Still settling (an auto scaling activity, someone's update): it keeps waiting, quietly.
    if (await this.waitsForSettling(outcome, pending)) return undefined;
    return outcome;
  }

  /**
   * An approval refused only because the endpoint is between states a moment (Updating for an auto
   * scaling activity or someone's update, SystemUpdating, Creating, RollingBack) waits as the
   * endpoint's pending approval: each schedule run tries it again until the endpoint is InService.
   * Auto-scaled endpoints are Updating for minutes whenever they scale, so refusing would lose
   * approvals that merely arrived at the wrong moment. True when it was put back to wait.
   */
  private async waitsForSettling(outcome: Outcome, approval: PendingApproval): Promise<boolean> {
    // Decided from the refusal itself: the endpoint may be InService again a moment later, and the
    // approval (already taken from the store, or claimed) must not be lost in between.
    const status = outcome.action === 'refused' ? settlingStatusIn(outcome.code, outcome.reason) : undefined;
    if (status === undefined) return false;
    // A newer approval that arrived meanwhile wins (one pending approval per endpoint, newest kept).
    await this.deps.store.setPendingApproval(approval);
    this.deps.log.info(`approval waits: endpoint ${approval.endpointName} is ${status}`, {
      endpointName: approval.endpointName,
      modelPackageArn: approval.modelPackageArn,
    });
    return true;
  }

  /**
   * Starts the rollout `request` makes; a request that cannot be made (bad input) or an endpoint that
   * refuses it is a refusal, reported as the outcome, not thrown.
   */
  private async start(
    target: { endpointName: string; modelPackageArn: string },
    request: () => ValidStartRequest,
    why: string,
    origin: 'approval' | 'command' = 'command',
  ): Promise<Outcome> {
    const { endpointName, modelPackageArn } = target;
    try {
      const result = await (await this.engine()).start(request());
      this.deps.count?.('RolloutStarted');
      this.deps.log.info(`rollout started (${why})`, {
        rolloutId: result.record.id,
        endpointName,
        modelPackageArn,
        strategy: result.record.strategy,
      });
      await this.afterStep(result);
      return {
        action: 'started',
        reason: why,
        rolloutId: result.record.id,
        endpointName,
        status: result.record.status,
      };
    } catch (error) {
      // An approval of the serving version, or of an older one the policy does not deploy, is not a
      // request anyone made: it is ignored, not refused.
      if (origin === 'approval' && isSmRolloutError(error, 'NOT_NEWER_THAN_SERVING')) {
        this.deps.log.info(`approval ignored: ${error.message}`, { endpointName, modelPackageArn });
        return { action: 'ignored', reason: error.message, code: error.code, endpointName };
      }
      if (isSmRolloutError(error) && !error.retryable) {
        this.deps.log.error(`rollout refused: ${error.message}`, {
          endpointName,
          modelPackageArn,
          code: error.code,
        });
        return refusal(error, endpointName);
      }
      throw error;
    }
  }

  async approval(event: ApprovalEvent): Promise<Outcome> {
    const { modelPackageArn, modelPackageGroupName: group } = event;
    const fields = { modelPackageArn, modelPackageGroup: group };
    const ignore = (reason: string): Outcome => {
      this.deps.log.info(`approval ignored: ${reason}`, fields);
      return { action: 'ignored', reason };
    };
    // SageMaker sends this event for every edit of a package (ModelLifeCycle, metadata, ...), with its
    // approval status as it stands: only its creation or a change of ModelApprovalStatus is an
    // approval. Anything else would redeploy an old approved version whenever someone edits it.
    if (event.updatedFields && !event.updatedFields.includes('ModelApprovalStatus')) {
      return ignore(`an edit of ${event.updatedFields.join(', ')}, not an approval: only approvals deploy`);
    }
    if (event.approvalStatus !== 'Approved')
      return ignore(`package is ${event.approvalStatus}, not Approved`);
    if (event.packageStatus !== 'Completed')
      return ignore(`package status is ${event.packageStatus}, not Completed`);
    const policy = this.deps.policies.forGroup(group);
    if (!policy) return ignore(`no policy for model package group ${group}`);
    const endpointName = policy.endpoint;
    const key = `approval#${modelPackageArn}#${endpointName}`;

    const active = await this.deps.store.activeForEndpoint(endpointName);
    if (active?.modelPackageArn === modelPackageArn) {
      return this.duplicate(`rollout ${active.id} is already rolling out ${modelPackageArn}`, active);
    }
    if (!(await this.deps.store.claimEvent(key, this.now() + this.dedupeTtlMs, this.now()))) {
      return this.duplicate(`${modelPackageArn} was already handled for ${endpointName}`);
    }
    const requestedBy = `model-registry approval of ${group}/${event.modelPackageVersion ?? versionOf(modelPackageArn) ?? '?'}`;
    if (active) {
      return this.releasingOnError(key, () =>
        this.newerApproval(policy, active, modelPackageArn, requestedBy),
      );
    }
    const outcome = await this.releasingOnError(key, () =>
      this.start(
        { endpointName, modelPackageArn },
        () => policy.toStartRequest(modelPackageArn, requestedBy),
        'model package approved',
        'approval',
      ),
    );
    // Ignored (not newer than the serving version): nothing was done, so the claim goes back and a
    // later approval of this version is judged against what serves then.
    if (outcome.action === 'ignored') await this.deps.store.releaseEvent(key).catch(() => undefined);
    const pending = {
      endpointName,
      modelPackageArn,
      modelPackageVersion: versionOf(modelPackageArn),
      requestedBy,
      at: this.now(),
    };
    if (await this.waitsForSettling(outcome, pending)) {
      return {
        action: 'queued',
        reason: `endpoint ${endpointName} is updating (an auto scaling activity or another update); the rollout starts when it is InService`,
        endpointName,
      };
    }
    if (outcome.action === 'refused') {
      // A rollout started meanwhile by a duplicate delivery is not a refusal worth reporting.
      const now = await this.deps.store.activeForEndpoint(endpointName);
      if (now?.modelPackageArn === modelPackageArn)
        return this.duplicate(`rollout ${now.id} started it`, now);
      if (now) return this.newerApproval(policy, now, modelPackageArn, requestedBy);
    }
    return outcome;
  }

  /**
   * Runs the handling of a claimed event; if it fails (throttling, a store outage), the claim is
   * given back so Lambda's retry of the same event is handled, not ignored as a duplicate.
   */
  private async releasingOnError<T>(key: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.deps.store.releaseEvent(key).catch(() => undefined);
      throw error;
    }
  }

  private duplicate(reason: string, record?: RolloutRecord): Outcome {
    this.deps.log.info(`duplicate ignored: ${reason}`, {
      rolloutId: record?.id,
      endpointName: record?.endpointName,
    });
    return { action: 'duplicate', reason, rolloutId: record?.id, endpointName: record?.endpointName };
  }

  private async newerApproval(
    policy: RolloutPolicy,
    active: RolloutRecord,
    modelPackageArn: string,
    requestedBy: string,
  ): Promise<Outcome> {
    const fields = { rolloutId: active.id, endpointName: active.endpointName, modelPackageArn };
    const incoming = versionOf(modelPackageArn);
    const current = versionOf(active.modelPackageArn);
    if (incoming !== undefined && current !== undefined && incoming < current) {
      this.deps.log.info('approval of an older version than the one rolling out; ignored', fields);
      return {
        action: 'ignored',
        reason: `version ${incoming} is older than version ${current}, which rollout ${active.id} is rolling out`,
        rolloutId: active.id,
        endpointName: active.endpointName,
      };
    }
    const base = { rolloutId: active.id, endpointName: active.endpointName };
    switch (policy.onNewerApproval) {
      case 'reject':
        this.deps.log.warn(`newer approval rejected by policy: rollout ${active.id} is active`, fields);
        return {
          action: 'rejected',
          reason: `rollout ${active.id} is active and the policy says reject`,
          ...base,
        };
      case 'queue':
        await this.deps.store.setPendingApproval({
          endpointName: active.endpointName,
          modelPackageArn,
          modelPackageVersion: incoming,
          requestedBy,
          at: this.now(),
        });
        this.deps.log.info(`newer approval queued until rollout ${active.id} ends`, fields);
        return { action: 'queued', reason: `starts when rollout ${active.id} ends`, ...base };
      case 'supersede': {
        await this.deps.store.setPendingApproval({
          endpointName: active.endpointName,
          modelPackageArn,
          modelPackageVersion: incoming,
          requestedBy,
          at: this.now(),
        });
        try {
          const result = await (
            await this.engine()
          ).command(active.id, {
            type: 'ABORT',
            by: 'sm-rollout',
            note: `superseded by ${modelPackageArn}`,
          });
          await this.afterStep(result, active.status);
        } catch (error) {
          // Already rolling back or ended: the pending approval starts when the endpoint is free.
          if (!isSmRolloutError(error, 'COMMAND_REJECTED')) throw error;
          this.deps.log.info(`supersede: ${error.message}`, fields);
        }
        return {
          action: 'superseding',
          reason: `rolling back rollout ${active.id}; ${modelPackageArn} starts when it has`,
          ...base,
        };
      }
    }
  }

  async alarm(event: AlarmEvent): Promise<Outcome[]> {
    if (event.state !== 'ALARM') {
      return [{ action: 'ignored', reason: `alarm ${event.alarmName} went to ${event.state}, not ALARM` }];
    }
    const watching = (await this.deps.store.list({ activeOnly: true })).filter((r) =>
      watchedAlarmsOf(r).includes(event.alarmName),
    );
    if (watching.length === 0) {
      this.deps.log.info('alarm ignored: no active rollout watches it', { alarmName: event.alarmName });
      return [{ action: 'ignored', reason: `no active rollout watches alarm ${event.alarmName}` }];
    }
    const outcomes: Outcome[] = [];
    for (const record of watching) {
      // A native rollout's alarms are SageMaker's to act on (its AutoRollbackConfiguration): recorded only.
      const action =
        record.input.engine === 'native' ? 'SageMaker rolls the deployment back' : 'rolling back';
      this.deps.log.warn(`alarm ${event.alarmName} is in ALARM: ${action}`, {
        rolloutId: record.id,
        endpointName: record.endpointName,
        reason: event.reason,
      });
      const result = await (
        await this.engine()
      ).notify(
        record.id,
        {
          type: 'ALARM_FIRED',
          now: this.now(),
          alarmName: event.alarmName,
          stateReason: event.reason,
          ...parseAlarmReasonData(event.reasonData),
        },
        record,
      );
      outcomes.push(this.advanced(result), ...(await this.afterStep(result, record.status)));
    }
    return outcomes;
  }

  async endpointChanged(endpointName: string, status: string): Promise<Outcome> {
    const active = await this.deps.store.activeForEndpoint(endpointName);
    if (!active) return { action: 'ignored', reason: `no active rollout on endpoint ${endpointName}` };
    const result = await (
      await this.engine()
    ).notify(active.id, { type: 'ENDPOINT_CHANGED', now: this.now(), status }, active);
    await this.afterStep(result, active.status);
    return this.advanced(result);
  }

  private advanced(result: StepResult): Outcome {
    return {
      action: 'advanced',
      reason: result.view.phase,
      rolloutId: result.record.id,
      endpointName: result.record.endpointName,
      status: result.record.status,
    };
  }

  /**
   * A precise wake-up the engine asked for (an SQS message timer in AWS, for the end of a bake) has
   * arrived: ticks the rollout if it is due now. Delivery is at least once, and the schedule or an event
   * may have advanced the rollout first, so a wake-up for a rollout that is not due (stale, or a duplicate
   * of one already handled), has ended or is unknown does nothing. One that arrives before its time — SQS
   * holds a message 15 minutes at most, so a longer bake is waited for in parts — is sent on for the
   * rest, provided that bake still ends then; the schedule reads the alarms meanwhile.
   */
  async wake(rolloutId: string, at: number): Promise<Outcome> {
    const record = await this.deps.store.get(rolloutId);
    const ignore = (reason: string): Outcome => ({ action: 'ignored', reason, rolloutId });
    if (!record) return ignore(`rollout ${rolloutId} not found`);
    if (!record.active) return ignore(`rollout ${rolloutId} has ended (${record.status})`);
    const now = this.now();
    if (at > now) {
      if (at !== preciseWakeUpOf(record) || !this.deps.wakeUps) {
        return ignore(`its wake-up for ${new Date(at).toISOString()} is no longer wanted (stale)`);
      }
      await this.deps.wakeUps.wakeAt(rolloutId, at);
      return ignore(`early: waits again until ${new Date(at).toISOString()}`);
    }
    const due = record.nextWakeAt;
    if (due === undefined || due > now) {
      return ignore(
        due === undefined
          ? `rollout ${rolloutId} waits for no time (a stale wake-up)`
          : `not due until ${new Date(due).toISOString()} (a stale or duplicate wake-up)`,
      );
    }
    const result = await (await this.engine()).tick(record.id, record);
    const extra = await this.afterStep(result, record.status);
    return {
      ...this.advanced(result),
      ...(extra.length ? { reason: `${result.view.phase}; then ${extra[0]!.reason}` } : {}),
    };
  }

  /**
   * The one-minute schedule: advances every rollout that is due, reading all their alarms in as
   * few DescribeAlarms calls as possible, then starts approvals waiting for a free endpoint.
   */
  async schedule(): Promise<ScheduleReport> {
    const now = this.now();
    const due = await this.deps.store.listDue(now);
    // Only rollouts that hold read alarms on this wake-up: one due only to look at an endpoint update
    // reads none (if it does after all, the engine reads what was not prefetched).
    const names = [...new Set(due.filter((r) => r.progress?.watching !== false).flatMap(watchedAlarmsOf))];
    let describeAlarmsCalls = 0;
    const states = new Map<string, AlarmState>();
    if (names.length) {
      describeAlarmsCalls = Math.ceil(names.length / 100);
      for (const state of await this.deps.alarms.describeAlarms(names)) states.set(state.alarmName, state);
    }
    // Built (and, in the Lambda, loaded) only once something is due: a tick with nothing due needs no engine.
    let engine: Promise<RolloutEngine> | undefined;
    const tickEngine = () => (engine ??= this.engineWith(prefetchedAlarms(states, this.deps.alarms)));
    const report: ScheduleReport = {
      due: due.length,
      advanced: 0,
      failed: 0,
      alarmsRead: names.length,
      describeAlarmsCalls,
      pendingStarted: 0,
      outcomes: [],
    };
    const queue = [...due];
    const worker = async () => {
      for (let record = queue.shift(); record; record = queue.shift()) {
        try {
          const result = await (await tickEngine()).tick(record.id, record);
          report.advanced++;
          report.outcomes.push(this.advanced(result), ...(await this.afterStep(result, record.status)));
        } catch (error) {
          // One rollout's trouble must not stop the others; the next tick tries again.
          report.failed++;
          this.deps.log.error(`tick failed: ${summarizeError(error).message}`, {
            rolloutId: record.id,
            endpointName: record.endpointName,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.tickConcurrency ?? 10) }, worker));
    for (const pending of await this.deps.store.listPendingApprovals()) {
      const outcome = await this.startPending(pending.endpointName);
      if (outcome) {
        report.pendingStarted++;
        report.outcomes.push(outcome);
      }
    }
    return report;
  }

  async command(event: CommandEvent): Promise<Outcome> {
    const key = `command#${event.eventId}`;
    if (!(await this.deps.store.claimEvent(key, this.now() + DAY_MS, this.now()))) {
      return this.duplicate(`command event ${event.eventId} was already handled`);
    }
    return this.releasingOnError(key, () => this.handleCommand(event));
  }

  /**
   * A dry run of a command: would the controller accept it now, and if not, why — the same checks
   * `command` makes before it changes anything (the request, the endpoint's active rollout, the
   * read-only preflight of the endpoint and package, whether a steering command applies), with no
   * writes and no change in AWS. Controller-mode CLI asks it before sending.
   */
  async check(event: CommandEvent): Promise<CheckVerdict> {
    try {
      const planned = await this.planCommand(event);
      if (planned.kind === 'start') {
        const { notes } = await (await this.engine()).preflight(planned.request);
        return {
          accepted: true,
          reason: `would start a rollout of ${planned.request.modelPackageArn}`,
          modelPackageArn: planned.request.modelPackageArn,
          ...(notes.length ? { notes } : {}),
          ...(planned.undoing ? { undoing: planned.undoing } : {}),
        };
      }
      (await this.engine()).checkCommand(planned.record, planned.request);
      return {
        accepted: true,
        reason: `would ${event.command} rollout ${planned.record.id}`,
        rolloutId: planned.record.id,
      };
    } catch (error) {
      if (isSmRolloutError(error) && !error.retryable) {
        return {
          accepted: false,
          code: error.code,
          reason: error.message,
          ...(error.field ? { field: error.field } : {}),
        };
      }
      throw error;
    }
  }

  /** What a command asks for, checked against policies and the store (no writes). */
  private async planCommand(
    event: CommandEvent,
  ): Promise<
    | { kind: 'start'; request: ValidStartRequest; why: string; undoing?: string }
    | { kind: 'steer'; record: RolloutRecord; request: CommandRequest }
  > {
    if (event.command === 'start') {
      const policy = this.deps.policies.forEndpoint(event.endpoint);
      const base =
        policy?.toStartRequest(event.modelPackageArn, event.requestedBy) ??
        (this.deps.policies.deployedElsewhere ? deployedPolicyStandIn(event) : undefined);
      if (!base && !event.overrides.executionRoleArn) {
        throw new SmRolloutError(
          'INVALID_INPUT',
          `executionRoleArn: endpoint ${event.endpoint} has no policy; pass --execution-role with the start command`,
          { field: 'executionRoleArn' },
        );
      }
      const { force, ...overrides } = event.overrides;
      const request = mergeStartRequest(base, {
        ...overrides,
        endpointName: event.endpoint,
        modelPackageArn: event.modelPackageArn,
        requestedBy: event.requestedBy,
        // A person's start may roll an older version out (it is a rollback they chose; the timeline
        // says so), never the serving one again unless forced. The policy's onOlderApproval is for
        // approvals only.
        versionGate: force ? 'any' : 'notServing',
      });
      return { kind: 'start', request, why: `started by ${event.requestedBy}` };
    }
    if (event.command === 'undo') {
      const { request, undoing } = await planUndo(
        { store: this.deps.store, endpoints: this.deps.endpoints },
        event.endpoint,
        { strategy: event.strategy, finalBake: event.finalBake },
        event.requestedBy,
      );
      return {
        kind: 'start',
        request,
        why: `undo of ${undoing.id} by ${event.requestedBy}`,
        undoing: undoing.id,
      };
    }
    const record = event.rolloutId
      ? await this.deps.store.get(event.rolloutId)
      : event.endpoint
        ? await this.deps.store.activeForEndpoint(event.endpoint)
        : undefined;
    if (!record) {
      throw new SmRolloutError(
        'ROLLOUT_NOT_FOUND',
        event.rolloutId
          ? `rollout ${event.rolloutId} not found; \`sm-rollout list\` shows the known ones`
          : `endpoint ${event.endpoint ?? '(none given)'} has no active rollout`,
        { field: event.rolloutId ? 'rolloutId' : 'endpoint' },
      );
    }
    const type = event.command.toUpperCase() as 'PAUSE' | 'RESUME' | 'PROMOTE' | 'ABORT';
    const request = {
      type,
      by: event.requestedBy,
      ...(type === 'PROMOTE' && event.full ? { full: true } : {}),
      ...(type === 'ABORT' && event.note ? { note: event.note } : {}),
    } as CommandRequest;
    return { kind: 'steer', record, request };
  }

  private async handleCommand(event: CommandEvent): Promise<Outcome> {
    let planned;
    try {
      planned = await this.planCommand(event);
    } catch (error) {
      if (!isSmRolloutError(error) || error.retryable) throw error;
      this.deps.log.error(`command ${event.command} refused: ${error.message}`, {
        endpointName: 'endpoint' in event ? event.endpoint : undefined,
        code: error.code,
      });
      return refusal(error, 'endpoint' in event ? event.endpoint : undefined);
    }
    if (planned.kind === 'start') {
      const { request } = planned;
      return this.start(request, () => request, planned.why);
    }
    const { record, request } = planned;
    try {
      const result = await (await this.engine()).command(record.id, request);
      this.deps.log.info(`${event.command} by ${event.requestedBy}`, {
        rolloutId: record.id,
        endpointName: record.endpointName,
      });
      const outcomes = await this.afterStep(result, record.status);
      return {
        ...this.advanced(result),
        ...(outcomes.length ? { reason: `${result.view.phase}; then ${outcomes[0]!.reason}` } : {}),
      };
    } catch (error) {
      if (isSmRolloutError(error, 'COMMAND_REJECTED')) {
        this.deps.log.warn(`command ${event.command} rejected: ${error.message}`, {
          rolloutId: record.id,
          endpointName: record.endpointName,
        });
        return {
          action: 'rejected',
          reason: error.message,
          code: error.code,
          rolloutId: record.id,
          endpointName: record.endpointName,
        };
      }
      // A record this controller will not continue is refused, as the dry run says: Lambda's retries
      // would only meet the same record again.
      if (isSmRolloutError(error, 'SNAPSHOT_INCOMPATIBLE')) {
        this.deps.log.error(`command ${event.command} refused: ${error.message}`, {
          rolloutId: record.id,
          endpointName: record.endpointName,
          code: error.code,
        });
        return { ...refusal(error, record.endpointName), rolloutId: record.id };
      }
      throw error;
    }
  }
}

/**
 * What the dry run assumes of a policy it cannot see: the deployed controller fills in the role and
 * the rest from the endpoint's policy, so only the fields the command gives are checked here.
 */
function deployedPolicyStandIn(event: Extract<CommandEvent, { command: 'start' }>): ValidStartRequest {
  return {
    endpointName: event.endpoint,
    modelPackageArn: event.modelPackageArn,
    executionRoleArn: 'arn:aws:iam::000000000000:role/from-the-deployed-policy',
    plan: compilePlan(DEFAULT_STRATEGY),
    alarms: [],
    candidateAlarms: [],
    candidate: {},
    maxDurationMs: Number.MAX_SAFE_INTEGER,
    requestedBy: event.requestedBy,
    // Whether the deployed policy guards the rollout is the deployed controller's to check.
    allowUnguarded: true,
  };
}

/** A refused request as an outcome, keeping the error's code and field for the host that reports it. */
function refusal(error: SmRolloutError, endpointName?: string): Outcome {
  return {
    action: 'refused',
    reason: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    ...(endpointName ? { endpointName } : {}),
  };
}
