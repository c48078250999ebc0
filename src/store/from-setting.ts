// The store a setting names, built at once (the CLI's --store; setting.ts reads the setting). The controller
// Lambda builds its store in src/handlers/environment.ts instead, importing the file and memory stores only
// when the setting names them, so a DynamoDB-backed function does not load their code at init.
import type { RolloutStore } from '../engine/ports';
import { DynamoRolloutStore } from './dynamodb';
import { FileRolloutStore } from './file';
import { MemoryRolloutStore } from './memory';
import { parseStoreSetting } from './setting';

/** `dynamodb:<table>`, `file:<dir>` or `memory`; `name` is where the setting came from, for the error. */
export function storeFromSetting(
  setting: string | undefined,
  dynamo: () => ConstructorParameters<typeof DynamoRolloutStore>[0],
  name = 'ROLLOUT_STORE',
): RolloutStore {
  const parsed = parseStoreSetting(setting, name);
  switch (parsed.kind) {
    case 'dynamodb':
      return new DynamoRolloutStore(dynamo(), parsed.table);
    case 'file':
      return new FileRolloutStore(parsed.dir);
    case 'memory':
      return new MemoryRolloutStore();
  }
}
