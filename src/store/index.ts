// The rollout store: records, timelines and the one-active-rollout-per-endpoint lock.
export type { ListFilter, PendingApproval, RolloutRecord, RolloutStore, TimelineEntry } from './types';
export { MemoryRolloutStore } from './memory';
export { FileRolloutStore } from './file';
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
