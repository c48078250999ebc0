// The in-memory rollout store: for tests, the demo and the simulated cloud.
// It holds what it was given (structured clones, so callers cannot change it behind its back), so it does
// not re-validate what it returns. Its whole content can be exported as plain data and restored (the
// `--simulate` account saves it in one file with the simulated cloud); a restore validates every
// record and timeline entry, as the file store does when it reads.
import { SmRolloutError } from '../errors';
import type {
  ListFilter,
  PendingApproval,
  RolloutRecord,
  RolloutStore,
  TimelineEntry,
} from '../engine/ports';
import { restoreRolloutRecord, restoreTimelineEntry } from '../engine/record';
import {
  activeRolloutError,
  isDue,
  matchesFilter,
  newerApproval,
  newestFirst,
  versionConflictError,
} from './rules';

/** Everything a MemoryRolloutStore holds, as JSON-safe data. */
export interface MemoryStoreState {
  records: RolloutRecord[];
  timelines: Record<string, TimelineEntry[]>;
  /** Endpoint name → the id of its active rollout. */
  locks: Record<string, string>;
  /** Claimed event key → when the claim expires. */
  claimed: Record<string, number>;
  pending: PendingApproval[];
}

export class MemoryRolloutStore implements RolloutStore {
  /** A store holding `state` (from exportState()); STORE_CORRUPT naming `where` when it is damaged. */
  static restore(state: MemoryStoreState, where: string): MemoryRolloutStore {
    const store = new MemoryRolloutStore();
    const problem = (what: string) =>
      new SmRolloutError('STORE_CORRUPT', `the rollout store in ${where} is damaged: bad ${what}`);
    if (typeof state !== 'object' || state === null || !Array.isArray(state.records))
      throw problem('records');
    for (const value of state.records) {
      const record = restoreRolloutRecord(value, where);
      store.records.set(record.id, record);
      const timeline = state.timelines?.[record.id];
      if (!Array.isArray(timeline)) throw problem(`timeline of rollout ${record.id}`);
      store.timelines.set(
        record.id,
        timeline.map((entry) => restoreTimelineEntry(entry, where)),
      );
    }
    for (const [endpoint, id] of Object.entries(state.locks ?? {})) {
      if (!store.records.has(id)) throw problem(`endpoint lock of ${endpoint}`);
      store.locks.set(endpoint, id);
    }
    for (const [key, expiresAt] of Object.entries(state.claimed ?? {})) store.claimed.set(key, expiresAt);
    for (const approval of state.pending ?? []) store.pending.set(approval.endpointName, approval);
    return store;
  }

  /** Everything held, for restore(). */
  exportState(): MemoryStoreState {
    return structuredClone({
      records: [...this.records.values()],
      timelines: Object.fromEntries(this.timelines),
      locks: Object.fromEntries(this.locks),
      claimed: Object.fromEntries(this.claimed),
      pending: [...this.pending.values()],
    });
  }

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
