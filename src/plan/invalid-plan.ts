// How the plan module reports a strategy it cannot compile: one error shape, so every message
// starts with the field it is about and the CLI and policy loader can point at it.

import { SmRolloutError } from '../errors';

export function invalidPlan(field: string, problem: string): SmRolloutError {
  return new SmRolloutError('INVALID_PLAN', `${field}: ${problem}`, { field });
}

/** Quotes a user's value for a message; never throws, whatever a JavaScript caller passed in. */
export function quote(value: unknown): string {
  // JSON would print NaN and Infinity as null, hiding the very value that was wrong.
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
