// The rollout store: records, timelines and the one-active-rollout-per-endpoint lock. The interface is a
// port (src/engine/ports.ts), re-exported here for the hosts that pick a store; the rules every
// implementation keeps are in rules.ts.
export type {
  ListFilter,
  PendingApproval,
  RolloutRecord,
  RolloutStore,
  TimelineEntry,
} from '../engine/ports';
export { MemoryRolloutStore, type MemoryStoreState } from './memory';
export { FileRolloutStore } from './file';
export { parseStoreSetting, type StoreSetting } from './setting';
export { storeFromSetting } from './from-setting';
export {
  DynamoRolloutStore,
  rolloutTableDefinition,
  rolloutTableTimeToLive,
  ACTIVE_INDEX,
  MAX_ITEM_BYTES,
  ORPHAN_LOCK_MS,
  TTL_ATTRIBUTE,
  type DynamoRolloutStoreOptions,
} from './dynamodb';
