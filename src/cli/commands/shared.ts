// What the rollout verbs share: opening the backend for the flags given (and always closing it),
// finding the rollout a command is about, and turning a finished follow into an exit code.
import { SmRolloutError, isSmRolloutError } from '../../errors';
import { toDurationMs } from '../../plan';
import type { RolloutRecord } from '../../store';
import type { FollowResult, RolloutBackend } from '../backend';
import { EXIT, FLAG_OF_FIELD, UsageError, exitCodeForStatus } from '../io';
import { backendFlagText, openBackend, type BackendFlags } from '../mode';

export async function withBackend<T>(
  flags: BackendFlags,
  work: (backend: RolloutBackend) => Promise<T>,
): Promise<T> {
  const backend = await openBackend(flags);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}

/** The rollout named by id, or the active (else most recent) one on `--endpoint`. */
export async function findRollout(
  backend: RolloutBackend,
  id: string | undefined,
  endpoint: string | undefined,
  verb: string,
): Promise<RolloutRecord> {
  if (id && endpoint) throw new UsageError(`${verb}: give a rollout id or --endpoint, not both`);
  if (id) return (await backend.get(id)).record;
  if (!endpoint)
    throw new UsageError(
      `${verb}: which rollout? give its id (see \`sm-rollout list\`) or --endpoint <name>`,
    );
  const active = await backend.activeForEndpoint(endpoint);
  if (active) return active;
  const [latest] = await backend.list({ endpointName: endpoint });
  if (!latest) {
    throw new SmRolloutError('ROLLOUT_NOT_FOUND', `endpoint ${endpoint} has no rollouts in this store`, {
      field: 'endpoint',
    });
  }
  return latest;
}

export function timeoutMs(value: string | undefined): number | undefined {
  return value === undefined ? undefined : toDurationMs(value, '--timeout');
}

/** 0 succeeded, 2 rolled back, 3 failed, 4 timed out; a rollout waiting for a person is not an error. */
export function exitCodeFor(result: FollowResult): number {
  if (result.stoppedBecause === 'timeout') return EXIT.timedOut;
  if (result.stoppedBecause === 'ended') return exitCodeForStatus(result.record.status);
  return EXIT.succeeded;
}

export function attentionHint(record: RolloutRecord, modeFlag: string): string | undefined {
  if (record.status === 'awaitingPromotion') {
    return `waiting at a manual gate: run \`sm-rollout promote ${record.id}${modeFlag}\` to continue or \`sm-rollout abort ${record.id}${modeFlag}\` to roll back`;
  }
  if (record.status === 'paused')
    return `paused: run \`sm-rollout resume ${record.id}${modeFlag}\` to continue`;
  return undefined;
}

/** The backend flags this command was given, as hints append them so they can be pasted. */
export function modeFlag(flags: BackendFlags): string {
  return backendFlagText(flags);
}

/**
 * Runs `work`, renaming a validation error's field to the flag it came from: "finalBake: …" →
 * "--final-bake: …", "alarms[1]: …" → "--alarm (the 2nd): …", and the field's name where the
 * message repeats it ("raise maxDuration" → "raise --max-duration").
 */
export async function namingFlags<T>(
  work: () => Promise<T>,
  fields: readonly string[] = Object.keys(FLAG_OF_FIELD),
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isSmRolloutError(error) || !error.field) throw error;
    const field = fields.find(
      (f) => error.field === f || error.field!.startsWith(`${f}[`) || error.field!.startsWith(`${f}.`),
    );
    if (!field || !error.message.startsWith(`${error.field}:`)) throw error;
    const flag = FLAG_OF_FIELD[field]!;
    const index = /^\[(\d+)\]/.exec(error.field.slice(field.length))?.[1];
    // A repeatable flag's element is the nth time it was given; elsewhere (a step of --strategy)
    // the index is into the value, as before.
    const where =
      index !== undefined && flag === '--alarm'
        ? `${flag} (the ${ordinal(Number(index) + 1)})`
        : flag + error.field.slice(field.length);
    // Only a camelCase name is an internal one; "strategy" in a sentence is English.
    const rest = /[A-Z]/.test(field)
      ? error.message.slice(error.field.length).replace(new RegExp(`\\b${field}\\b`, 'g'), flag)
      : error.message.slice(error.field.length);
    throw new SmRolloutError(error.code, where + rest, { field: flag, cause: error });
  }
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
}
