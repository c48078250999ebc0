// What a store setting names (ROLLOUT_STORE in the Lambda, --store in the CLI): `dynamodb:<table>`,
// `file:<dir>` or `memory`. Read apart from building the store, so the controller Lambda imports the code of
// the store the setting names only (src/handlers/environment.ts); from-setting.ts builds it for the CLI.
import { SmRolloutError } from '../errors';

export type StoreSetting =
  { kind: 'dynamodb'; table: string } | { kind: 'file'; dir: string } | { kind: 'memory' };

/** The store `setting` names; `name` is where the setting came from, for the error. */
export function parseStoreSetting(setting: string | undefined, name = 'ROLLOUT_STORE'): StoreSetting {
  const value = setting?.trim() ?? '';
  if (value.startsWith('dynamodb:') && value.length > 'dynamodb:'.length) {
    return { kind: 'dynamodb', table: value.slice('dynamodb:'.length) };
  }
  if (value.startsWith('file:') && value.length > 'file:'.length) {
    return { kind: 'file', dir: value.slice('file:'.length) };
  }
  if (value === 'memory') return { kind: 'memory' };
  throw new SmRolloutError(
    'INVALID_INPUT',
    `${name}: "${value}" is not a store; use dynamodb:<table>, file:<dir> or memory`,
    { field: name },
  );
}
