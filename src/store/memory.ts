// The in-memory rollout store: for tests, the demo and the simulated cloud.
// It holds what it was given (structured clones, so callers cannot change it behind its back), so it does
// not re-validate what it returns.
import type {
  ListFilter,
  PendingApproval,
  RolloutRecord,
  RolloutStore,
  TimelineEntry,
} from '../engine/ports';
import {
  activeRolloutError,
  isDue,
  matchesFilter,
  newerApproval,
  newestFirst,
  versionConflictError,
} from './rules';

export class MemoryRolloutStore implements RolloutStore {
  private readonly claimed = new Map<string, number>();
  private readonly pending = new Map<string, PendingApproval>();
  private readonly records = new Map<string, RolloutRecord>();
  private readonly timelines = new Map<string, TimelineEntry[]>();
  private readonly locks = new Map<string, string>();

  async create(record: RolloutRecord, timeline: readonly TimelineEntry[]): Promise<void> {
    const holder = this.locks.get(record.endpointName);
    if (holder) throw activeRolloutError(record.endpointName, holder);
    if (this.records.has(record.id))
      throw versionConflictError(record.id, 0, this.records.get(record.id)?.version);
    this.locks.set(record.endpointName, record.id);
    this.records.set(record.id, structuredClone(record));
    this.timelines.set(record.id, structuredClone([...timeline]));
  }

  async get(id: string): Promise<RolloutRecord | undefined> {
    const record = this.records.get(id);
    return record && structuredClone(record);
  }

  async save(
    record: RolloutRecord,
    expectedVersion: number,
    timeline: readonly TimelineEntry[],
  ): Promise<void> {
    const current = this.records.get(record.id);
    if (!current || current.version !== expectedVersion) {
      throw versionConflictError(record.id, expectedVersion, current?.version);
    }
    this.records.set(record.id, structuredClone(record));
    this.timelines.get(record.id)?.push(...structuredClone([...timeline]));
    if (!record.active && this.locks.get(record.endpointName) === record.id) {
      this.locks.delete(record.endpointName);
    }
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    return structuredClone(this.timelines.get(id) ?? []);
  }

  async list(filter?: ListFilter): Promise<RolloutRecord[]> {
    return [...this.records.values()]
      .filter((r) => matchesFilter(r, filter))
      .sort(newestFirst)
      .map((r) => structuredClone(r));
  }

  async activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined> {
    const holder = this.locks.get(endpointName);
    return holder ? this.get(holder) : undefined;
  }

  async listDue(now: number): Promise<RolloutRecord[]> {
    return (await this.list({ activeOnly: true })).filter((r) => isDue(r, now));
  }

  async claimEvent(key: string, expiresAt: number, now: number): Promise<boolean> {
    const held = this.claimed.get(key);
    if (held !== undefined && held > now) return false;
    this.claimed.set(key, expiresAt);
    return true;
  }

  async releaseEvent(key: string): Promise<void> {
    this.claimed.delete(key);
  }

  async setPendingApproval(approval: PendingApproval): Promise<void> {
    this.pending.set(approval.endpointName, newerApproval(this.pending.get(approval.endpointName), approval));
  }

  async takePendingApproval(endpointName: string): Promise<PendingApproval | undefined> {
    const approval = this.pending.get(endpointName);
    this.pending.delete(endpointName);
    return approval;
  }

  async listPendingApprovals(): Promise<PendingApproval[]> {
    return [...this.pending.values()];
  }
}
