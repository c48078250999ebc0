// The rules every store implementation keeps, in one place so memory, file and DynamoDB cannot drift:
// what "active" and "due" mean, how lists filter and sort, which of two pending approvals wins, and the
// errors for a taken endpoint and a stale version. Stores act on what the engine wrote into the record
// (`active`); none of them reads the rollout machine.
import { SmRolloutError, isSmRolloutError } from '../errors';
import type { ListFilter, PendingApproval, RolloutRecord } from '../engine/ports';

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
  if (filter.activeOnly && !record.active) return false;
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

/** On the schedule's list: active, and its wake-up (none means at once) has come. */
export function isDue(record: RolloutRecord, now: number): boolean {
  return record.active && (record.nextWakeAt === undefined || record.nextWakeAt <= now);
}

/**
 * Restores each listed item on its own: one damaged record must not stop the schedule or an alarm's
 * rollback for every other rollout. The damaged one is reported (STORE_CORRUPT names it) and left out
 * of the list; reading it by id still fails loudly.
 */
export function restoreListed<T, R>(
  items: readonly T[],
  restore: (item: T) => R,
  onCorrupt: (error: SmRolloutError) => void,
): R[] {
  return items.flatMap((item) => {
    try {
      return [restore(item)];
    } catch (error) {
      if (!isSmRolloutError(error, 'STORE_CORRUPT')) throw error;
      onCorrupt(error);
      return [];
    }
  });
}

/** Where a store reports a damaged record it left out of a list, unless told otherwise: the process's warnings (stderr, the Lambda's log). */
export function warnCorrupt(error: SmRolloutError): void {
  process.emitWarning(error.message, { code: 'STORE_CORRUPT' });
}
