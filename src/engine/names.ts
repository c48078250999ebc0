// Deterministic names for everything a rollout creates, derived from the rollout id so every step
// can be retried ("already exists" = done). SageMaker names: ≤ 63 characters of
// [a-zA-Z0-9](-*[a-zA-Z0-9])*, whatever the endpoint's own name length.
import { randomBytes } from 'node:crypto';
import { SmRolloutError } from '../errors';
import type { RolloutNames } from '../../statemachines/contract';

export const NAME_PREFIX = 'smr';
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** `r-` + 10 lowercase base-36 characters of time + randomness: sortable by start, collision-safe. */
export function newRolloutId(now: number, random: () => Buffer = () => randomBytes(4)): string {
  const time = Math.floor(now / 1000)
    .toString(36)
    .padStart(7, '0')
    .slice(-7);
  const rand = (random().readUInt32BE(0) % 36 ** 4).toString(36).padStart(4, '0');
  return `r-${time}${rand}`;
}

export function isSageMakerName(name: string): boolean {
  return SAGEMAKER_NAME.test(name);
}

export function assertSageMakerName(name: string, field: string): void {
  if (!isSageMakerName(name)) {
    throw new SmRolloutError(
      'INVALID_NAME',
      `${field}: "${name}" is not a valid SageMaker name; use 1–63 letters, digits and hyphens, ` +
        'starting and ending with a letter or digit',
      { field },
    );
  }
}

/** `smr-<endpoint, shortened>-<id>-<kind>`, never longer than 63 characters. */
function derive(endpointName: string, rolloutId: string, kind: string): string {
  const core = rolloutId.replace(/^r-/, '');
  const fixed = `${NAME_PREFIX}--${core}-${kind}`;
  const room = 63 - fixed.length;
  const endpointPart = endpointName.slice(0, Math.max(0, room)).replace(/-+$/, '');
  const name = endpointPart
    ? `${NAME_PREFIX}-${endpointPart}-${core}-${kind}`
    : `${NAME_PREFIX}-${core}-${kind}`;
  assertSageMakerName(name, 'derived name');
  return name;
}

export function rolloutNames(endpointName: string, rolloutId: string): RolloutNames {
  return {
    candidateModel: derive(endpointName, rolloutId, 'model'),
    candidateVariant: `candidate-${rolloutId.replace(/^r-/, '')}`,
    transitionConfig: derive(endpointName, rolloutId, 'transition'),
    finalConfig: derive(endpointName, rolloutId, 'final'),
  };
}

/** CloudWatch alarm names allow 255 characters; keep the endpoint whole for readability. */
export function candidateAlarmName(endpointName: string, rolloutId: string, suffix: string): string {
  return `${NAME_PREFIX}-${endpointName}-${rolloutId.replace(/^r-/, '')}-${suffix}`.slice(0, 255);
}

/**
 * The abort alarm of a native rollout, listed in its AutoRollbackConfiguration: `abort` puts it into
 * ALARM. Named like the candidate alarms, so the team sees which rollout owns it.
 */
export function abortAlarmName(endpointName: string, rolloutId: string): string {
  return candidateAlarmName(endpointName, rolloutId, 'abort');
}

/** `…:model-package/<group>/<version>` → its group and version; undefined for an unversioned name. */
export function modelPackageVersionOf(arn: string): { group: string; version: number } | undefined {
  const match = /:model-package\/([^/]+)\/(\d+)$/.exec(arn);
  return match ? { group: match[1]!, version: Number(match[2]) } : undefined;
}
