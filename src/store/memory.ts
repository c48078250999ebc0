// The in-memory rollout store: for tests, the demo and the simulated cloud.
import { SmRolloutError } from '../errors';
import { isTerminal } from '../../statemachines/describe';
import type { ListFilter, PendingApproval, RolloutRecord, RolloutStore, TimelineEntry } from './types';

export function activeRolloutError(endpointName: string, holder: string): SmRolloutError {
  return new SmRolloutError(
    'ROLLOUT_ACTIVE',
    `endpoint ${endpointName} already has an active rollout (${holder}); wait for it to end, or abort it with ` +
      `\`sm-rollout abort ${holder}\``,
    { field: 'endpoint' },
  );
}

export function versionConflictError(
  id: string,
  expected: number,
  actual: number | undefined,
): SmRolloutError {
  return new SmRolloutError(
    'VERSION_CONFLICT',
    `rollout ${id} changed while this update was prepared (expected version ${expected}, found ${actual ?? 'none'})`,
  );
}

export function matchesFilter(record: RolloutRecord, filter: ListFilter = {}): boolean {
  if (filter.endpointName && record.endpointName !== filter.endpointName) return false;
  if (filter.activeOnly && isTerminal(record.status)) return false;
  return true;
}

export function newestFirst(a: RolloutRecord, b: RolloutRecord): number {
  return b.createdAt - a.createdAt || b.id.localeCompare(a.id);
}

/** Of two approvals for one endpoint, the newer package version (or, unversioned, the later) wins. */
export function newerApproval(current: PendingApproval | undefined, next: PendingApproval): PendingApproval {
  if (!current) return next;
  if (current.modelPackageVersion !== undefined && next.modelPackageVersion !== undefined) {
    return next.modelPackageVersion >= current.modelPackageVersion ? next : current;
  }
  return next.at >= current.at ? next : current;
}

export function isDue(record: RolloutRecord, now: number): boolean {
  return !isTerminal(record.status) && (record.nextWakeAt === undefined || record.nextWakeAt <= now);
}

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
    if (isTerminal(record.status) && this.locks.get(record.endpointName) === record.id) {
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
