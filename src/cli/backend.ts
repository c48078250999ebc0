// Where the CLI's rollouts live and how they move: the same verbs work against a deployed
// controller (commands on its bus, state in its table), locally (this process hosts the controller
// against real AWS), or on the simulated cloud. Each mode implements this interface; every mode
// asks the controller's dry run before it sends a command and reports a refusal the same way.
import { randomUUID } from 'node:crypto';
import {
  parseCommandDetail,
  type AlarmState,
  type CheckVerdict,
  type CommandDetail,
  type CommandEvent,
  type CommandRequest,
  type Outcome,
  type PolicyAlarmReport,
  type StartCommandRequest,
} from '../engine';
import type { MetricReader } from '../engine/ports';
import { SmRolloutError } from '../errors';
import type { HandlerResult } from '../handlers/controller';
import type { ListFilter, RolloutRecord, TimelineEntry } from '../store';

export type BackendMode = 'controller' | 'local' | 'simulate';

export interface FollowOptions {
  /** `end`: until the rollout ends. `attention`: also stop when it waits for a person (gate, paused). */
  until: 'end' | 'attention';
  /** Give up after this much real time (the verb exits 4). */
  timeoutMs?: number;
  /** Called whenever the rollout changed, with the timeline entries added since the last call. */
  onUpdate?: (record: RolloutRecord, added: TimelineEntry[]) => void | Promise<void>;
  /** Called each time following looks at the rollout (live views redraw), with the time the rollout runs on. */
  onTick?: (record: RolloutRecord, now: number) => void | Promise<void>;
  /** Stop following (Ctrl-C → detach) without changing the rollout. */
  signal?: AbortSignal;
}

export interface FollowResult {
  record: RolloutRecord;
  /** Why following stopped. */
  stoppedBecause: 'ended' | 'attention' | 'timeout' | 'detached';
}

/**
 * A start request as the CLI sends it: in controller mode the endpoint's policy fills in what is
 * not given (strategy, alarms, role); locally every required field must be there.
 */
export type StartRequest = StartCommandRequest;

export interface RolloutBackend {
  readonly mode: BackendMode;
  /** CloudWatch GetMetricData, for `report`'s per-variant charts; absent where this mode reads no metrics. */
  readonly metrics?: MetricReader;
  /**
   * Starts a rollout; refuses (SmRolloutError, nothing changed in AWS) when the endpoint has an
   * active rollout, is not InService, or the package is not approved.
   */
  start(request: StartRequest): Promise<RolloutRecord>;
  /**
   * Starts a new rollout of the version that served before the endpoint's last successful rollout
   * (the controller's `undo` command); refuses like `start`.
   */
  undo(
    endpointName: string,
    overrides: { strategy?: string; finalBake?: string },
    requestedBy: string,
  ): Promise<{ record: RolloutRecord; undoing: string }>;
  /** Steers a rollout; SmRolloutError COMMAND_REJECTED with the reason when it does not apply. */
  command(rolloutId: string, command: CommandRequest): Promise<RolloutRecord>;
  get(rolloutId: string): Promise<{ record: RolloutRecord; timeline: TimelineEntry[] }>;
  list(filter?: ListFilter): Promise<RolloutRecord[]>;
  activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined>;
  /** Follows (local and simulate: drives) a rollout until it ends or needs attention. */
  follow(rolloutId: string, options: FollowOptions): Promise<FollowResult>;
  /** Current states of alarms, for status views; empty when they cannot be read. */
  alarmStates(alarmNames: string[]): Promise<AlarmState[]>;
  /**
   * Whether a policy's alarms can fire on its endpoint, as a start would check them (read-only: the
   * endpoint's variants and the alarms' definitions); undefined when this backend reads no endpoints.
   */
  alarmReach(endpointName: string, alarmNames: string[]): Promise<PolicyAlarmReport | undefined>;
  /** Saves what must outlive the process (the simulated cloud's state) and releases resources. */
  close(): Promise<void>;
}

/** Asks the controller's dry run; a refusal is thrown as the controller would give it, and nothing is sent. */
export async function refuseUnlessAccepted(
  check: (event: CommandEvent) => Promise<CheckVerdict>,
  detail: CommandDetail,
): Promise<Extract<CheckVerdict, { accepted: true }>> {
  const verdict = await check(parseCommandDetail(detail, `dry-run-${randomUUID()}`));
  if (!verdict.accepted) {
    throw new SmRolloutError(verdict.code, verdict.reason, verdict.field ? { field: verdict.field } : {});
  }
  return verdict;
}

/** The outcome the controller reported for a command, or the refusal as the error the CLI reports. */
export function commandOutcome(result: HandlerResult): Outcome {
  if (!result.ok) throw new SmRolloutError('INVALID_INPUT', result.error);
  const outcome = result.outcomes[0];
  if (!outcome) throw new SmRolloutError('AWS_ERROR', 'the controller reported nothing for the command');
  if (outcome.action === 'refused' || outcome.action === 'rejected') {
    throw new SmRolloutError(
      outcome.code ?? (outcome.action === 'rejected' ? 'COMMAND_REJECTED' : 'INVALID_INPUT'),
      outcome.reason,
      outcome.field ? { field: outcome.field } : {},
    );
  }
  return outcome;
}
