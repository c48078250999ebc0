// Catches what a call throws so a test can check the error's code, field and message together.

import { SmRolloutError } from '../../src/errors';

export function thrown(action: () => unknown): SmRolloutError {
  try {
    action();
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected an SmRolloutError, but nothing was thrown');
}
