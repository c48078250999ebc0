// Endpoint statuses that pass by themselves (an auto-scaled endpoint is Updating for minutes each time it
// scales), and how a refused start names one: the controller waits and tries again instead of failing. Kept
// apart from effects.ts so the controller can read them without loading the rollout's effects.
import { isSmRolloutError } from '../errors';

/**
 * Statuses an endpoint leaves by itself, soon: an auto-scaled endpoint is Updating for minutes each
 * time it scales. A start refused for one of them can simply wait and try again.
 */
export const SETTLING_STATUSES: ReadonlySet<string> = new Set([
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
]);

/** The settling status a refusal's message names (resolveBaseline's wording), if any. */
export function settlingStatusIn(code: string | undefined, message: string): string | undefined {
  if (code !== 'ENDPOINT_NOT_IN_SERVICE') return undefined;
  const status = / is (\w+), not InService/.exec(message)?.[1];
  return status !== undefined && SETTLING_STATUSES.has(status) ? status : undefined;
}

/** True for a start refused only because the endpoint is passing through a settling status. */
export function refusedWhileSettling(error: unknown): boolean {
  return isSmRolloutError(error) && settlingStatusIn(error.code, error.message) !== undefined;
}
