// The rollout store's contract: rollout records with an optimistic version, their timelines, the
// rule that one endpoint has at most one active rollout, incoming-event dedupe and the approvals
// waiting for an endpoint. Memory, file and (later) DynamoDB
// stores implement it and pass the same contract tests.
import type { RolloutInput } from '../../statemachines/contract';
import type { CommandName, RolloutStatus } from '../../statemachines/describe';

export interface RolloutRecord {
  id: string;
  endpointName: string;
  modelPackageArn: string;
  status: RolloutStatus;
  /** The phase in words, for lists and status views. */
  phase: string;
  /** Why it ended, for terminal rollouts. */
  reason?: string;
  strategy: string;
  requestedBy: string;
  /** The machine's input, kept so a rollout whose first save never happened can start again. */
  input: RolloutInput;
  machineVersion: string;
  /** XState persisted snapshot; null until the machine first reached a quiet point. */
  snapshot: unknown;
  /** Optimistic concurrency: every save must name the version it read. */
  version: number;
  /** Entries in the timeline so far; the next entry's seq. */
  timelineLength: number;
  nextWakeAt?: number;
  /**
   * What the machine said at the last save, so readers (status views, a command's dry run) need not
   * restore it; absent until the rollout first reached a quiet point.
   */
  progress?: RolloutProgress;
  createdAt: number;
  updatedAt: number;
}

export interface RolloutProgress {
  step: { index: number; total: number };
  weights: { baseline: number; candidate: number };
  bakeUntil?: number;
  /** The commands the rollout takes now. */
  accepts: CommandName[];
}

export interface TimelineEntry {
  rolloutId: string;
  seq: number;
  at: number;
  kind: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** A newer approval waiting for an endpoint's active rollout to end (policy onNewerApproval). */
export interface PendingApproval {
  endpointName: string;
  modelPackageArn: string;
  modelPackageVersion?: number;
  requestedBy: string;
  /** Epoch ms when it was recorded. */
  at: number;
}

export interface ListFilter {
  endpointName?: string;
  activeOnly?: boolean;
}

export interface RolloutStore {
  /** Stores a new rollout and takes its endpoint's lock; ROLLOUT_ACTIVE if another rollout holds it. */
  create(record: RolloutRecord, timeline: readonly TimelineEntry[]): Promise<void>;
  get(id: string): Promise<RolloutRecord | undefined>;
  /**
   * Replaces the record if its stored version is still `expectedVersion` (else VERSION_CONFLICT)
   * and appends the timeline entries; a terminal status releases the endpoint lock.
   */
  save(record: RolloutRecord, expectedVersion: number, timeline: readonly TimelineEntry[]): Promise<void>;
  timeline(id: string): Promise<TimelineEntry[]>;
  list(filter?: ListFilter): Promise<RolloutRecord[]>;
  activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined>;
  /** Active rollouts whose next wake-up is at or before `now` (the schedule's work list). */
  listDue(now: number): Promise<RolloutRecord[]>;
  /**
   * Records an incoming event's dedupe key until `expiresAt`; true the first time, false for a
   * duplicate that has not expired (EventBridge delivers at least once).
   */
  claimEvent(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Gives a claim back, so a retry of an event whose handling failed part-way is not a duplicate. */
  releaseEvent(key: string): Promise<void>;
  /** Keeps one pending approval per endpoint: a newer package version replaces an older one. */
  setPendingApproval(approval: PendingApproval): Promise<void>;
  /** Removes and returns the endpoint's pending approval, if any (exactly one taker wins). */
  takePendingApproval(endpointName: string): Promise<PendingApproval | undefined>;
  listPendingApprovals(): Promise<PendingApproval[]>;
}
