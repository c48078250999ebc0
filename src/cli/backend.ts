// Where the CLI's rollouts live and how they move: the same verbs work against a deployed
// controller (commands on its bus, state in its table), locally (this process runs the engine
// against real AWS), or on the simulated cloud. Each mode implements this interface.
import type { AlarmState, CommandRequest, StartCommandRequest } from '../engine';
import type { ListFilter, RolloutRecord, TimelineEntry } from '../store';

export type BackendMode = 'controller' | 'local' | 'simulate';

export interface FollowOptions {
  /** `end`: until the rollout ends. `attention`: also stop when it waits for a person (gate, paused). */
  until: 'end' | 'attention';
  /** Give up after this much real time (the verb exits 4). */
  timeoutMs?: number;
  /** Called whenever the rollout changed, with the timeline entries added since the last call. */
  onUpdate?: (record: RolloutRecord, added: TimelineEntry[]) => void | Promise<void>;
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
  ): Promise<RolloutRecord>;
  /** Steers a rollout; SmRolloutError COMMAND_REJECTED with the reason when it does not apply. */
  command(rolloutId: string, command: CommandRequest): Promise<RolloutRecord>;
  get(rolloutId: string): Promise<{ record: RolloutRecord; timeline: TimelineEntry[] }>;
  list(filter?: ListFilter): Promise<RolloutRecord[]>;
  activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined>;
  /** Follows (local and simulate: drives) a rollout until it ends or needs attention. */
  follow(rolloutId: string, options: FollowOptions): Promise<FollowResult>;
  /** Current states of alarms, for status views; empty when they cannot be read. */
  alarmStates(alarmNames: string[]): Promise<AlarmState[]>;
  /** Saves what must outlive the process (the simulated cloud's state) and releases resources. */
  close(): Promise<void>;
}
