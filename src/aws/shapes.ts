// How the adapters shape what they send and read: requests carry only the members that are set, and a
// response without a member AWS documents as always present is an error, never a half-filled state.

import { SmRolloutError } from '../errors';

/** A field AWS documents as always present; its absence means we cannot reason about the resource. */
export function required<T>(operation: string, field: string, value: T | undefined): T {
  if (value === undefined) {
    throw new SmRolloutError('AWS_ERROR', `${operation} failed: the response has no ${field}`);
  }
  return value;
}

/** Drops undefined members, so requests carry only what was set and states only what AWS reported. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
