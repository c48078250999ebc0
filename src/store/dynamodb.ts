// The DynamoDB rollout store: the Lambda host's store, one table keyed `pk`/`sk` (single-table design).
//
//   item               pk                    sk                      notable attributes
//   rollout            ROLLOUT#<id>          ROLLOUT                 record fields; input/snapshot as JSON
//                                                                    strings; activePk + dueAt while active;
//                                                                    savingBy/savingSince while a save runs
//   timeline entry     ROLLOUT#<id>          TIMELINE#<seq, 10 dig.> rolloutId, seq, at, kind, message, detail
//   endpoint lock      ENDPOINT#<name>       LOCK                    rolloutId, lockedAt
//   pending approval   PENDING               ENDPOINT#<name>         the approval's fields, revision
//   event dedupe       EVENT#<key>           EVENT                   expiresAt (epoch s, TTL), expiresAtMs
//
// The sparse GSI `active` (partition `activePk` = 'ACTIVE', sort `dueAt` = nextWakeAt or 0) holds only
// rollouts whose record says `active` (the engine writes it; false once the machine is terminal): it is the
// schedule's work list (listDue). `dueAt` is its own attribute because an item without the index's sort key
// would be missing from the index, and a rollout with no nextWakeAt is due at once.
//
// Every rollout item read back goes through restoreRolloutRecord once its JSON strings are parsed, so a
// damaged item is STORE_CORRUPT naming its key, not a half-typed record. Items written before records
// carried `active` have no such attribute: restoreRolloutRecord derives it from their status, which is how
// their activePk was decided, so old and new items agree.
//
// No transactions (dynalite, the in-process DynamoDB the tests run against, lacks them), so every multi-item
// change is ordered so that a crash between two writes leaves a state the next call repairs or ignores:
// - save: (1) a conditional update on the record takes a short save lease (`version = :expected` and no live
//   lease), (2) the timeline items are written (BatchWrite), (3) the record is put on condition `version =
//   :expected AND savingBy = :lease`, which also drops the lease. Timeline first means a crash can leave extra
//   timeline items (overwritten by the next save, which writes the same seqs, and never read: a read keeps
//   only the seqs below the record's timelineLength) but never a record whose
//   timelineLength points past entries that were never written. The lease exists because two writers from the
//   same version would otherwise both write TIMELINE#<n> before the record decides which of them won, and
//   the loser's entries could overwrite the winner's; with it the loser fails before writing anything. A
//   lease left by a crashed writer expires after `saveLeaseMs` (as the file store's write lock does).
// - create: lock (conditional put, attribute_not_exists) → timeline → record (attribute_not_exists). A lock
//   left behind with no record (crash mid-create) is taken over once it is older than ORPHAN_LOCK_MS; a lock
//   whose rollout is no longer active (crash between the final save and the lock's delete) is taken over at
//   once.
// - final save (`active: false`): record first, then the lock's conditional delete (`rolloutId = :id`), so a
//   late save of a finished rollout can never release a newer rollout's lock.
//
// Reads of single items are strongly consistent; `list` and `listPendingApprovals` scan the table (fine for
// the CLI's occasional use, the table holds one item per rollout, entry and lock); `listDue` queries the GSI,
// which is eventually consistent in DynamoDB: a rollout that ended a moment ago may still be listed once, and
// the engine, which loads the record itself, simply finds it terminal.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  AttributeDefinition,
  CreateTableCommandInput,
  DynamoDBClient,
  UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { toSmRolloutError } from '../aws/classify-error';
import { systemClock } from '../engine/clock';
import type {
  Clock,
  ListFilter,
  PendingApproval,
  RolloutRecord,
  RolloutStore,
  TimelineEntry,
} from '../engine/ports';
import { parseStoredJson, restoreRolloutRecord, restoreTimelineEntry } from '../engine/record';
import { SmRolloutError } from '../errors';
import {
  activeRolloutError,
  isDue,
  matchesFilter,
  newerApproval,
  newestFirst,
  versionConflictError,
  restoreListed,
  warnCorrupt,
} from './rules';

/** The sparse index of active rollouts, sorted by when they are next due. */
export const ACTIVE_INDEX = 'active';
/** DynamoDB's TTL attribute (epoch seconds) of dedupe items; enable TTL on it (rolloutTableTimeToLive). */
export const TTL_ATTRIBUTE = 'expiresAt';
/**
 * Items are refused above this size, well below DynamoDB's 400 KB item limit (which counts attribute names
 * and type overhead too), with an error that says what is big instead of AWS's ValidationException.
 */
export const MAX_ITEM_BYTES = 350 * 1024;
/** A lock whose rollout record never appeared (a crashed create) is taken over after this long. */
export const ORPHAN_LOCK_MS = 5 * 60_000;
const DEFAULT_SAVE_LEASE_MS = 30_000;
const BATCH_WRITE_SIZE = 25;
const BATCH_WRITE_ATTEMPTS = 8;
const ACTIVE = 'ACTIVE';

/** The table's CreateTable input, shared by the tests (dynalite) and the CDK stack. */
export function rolloutTableDefinition(tableName: string): CreateTableCommandInput {
  const attributes: AttributeDefinition[] = [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'activePk', AttributeType: 'S' },
    { AttributeName: 'dueAt', AttributeType: 'N' },
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: ACTIVE_INDEX,
        KeySchema: [
          { AttributeName: 'activePk', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * TTL is not part of CreateTable: enable it with this UpdateTimeToLive input (or `timeToLiveAttribute:
 * 'expiresAt'` in CDK). DynamoDB deletes expired items lazily (up to days later) and dynalite not at all, so
 * the store treats an expired dedupe item as absent on its own.
 */
export function rolloutTableTimeToLive(tableName: string): UpdateTimeToLiveCommandInput {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } };
}

export interface DynamoRolloutStoreOptions {
  /** Only used to age save leases; the system clock by default. */
  clock?: Clock;
  /** How long a save lease left by a crashed writer blocks other saves of that rollout. */
  saveLeaseMs?: number;
  /** Waits between BatchWrite retries of unprocessed items; tests pass a no-op. */
  delay?: (ms: number) => Promise<void>;
  /** A damaged record left out of a list (default: a process warning, which the Lambda logs). */
  onCorrupt?: (error: SmRolloutError) => void;
}

type Item = Record<string, unknown>;

const rolloutKey = (id: string) => ({ pk: `ROLLOUT#${id}`, sk: 'ROLLOUT' });
const lockKey = (endpointName: string) => ({ pk: `ENDPOINT#${endpointName}`, sk: 'LOCK' });
// One partition for all pending approvals: the schedule lists them every minute with one Query, not a Scan.
const pendingKey = (endpointName: string) => ({ pk: 'PENDING', sk: `ENDPOINT#${endpointName}` });
const eventKey = (key: string) => ({ pk: `EVENT#${key}`, sk: 'EVENT' });
const timelineSk = (seq: number) => `TIMELINE#${String(seq).padStart(10, '0')}`;

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

function itemBytes(item: Item): number {
  return Buffer.byteLength(JSON.stringify(item), 'utf8');
}

function checkSize(item: Item, what: string, parts: Record<string, unknown> = {}): void {
  const bytes = itemBytes(item);
  if (bytes <= MAX_ITEM_BYTES) return;
  const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;
  const breakdown = Object.entries(parts)
    .map(([name, value]) => `${name} ${kb(typeof value === 'string' ? Buffer.byteLength(value) : 0)}`)
    .join(', ');
  throw new SmRolloutError(
    'AWS_ERROR',
    `${what} is too large to store in DynamoDB: ${kb(bytes)}${breakdown ? ` (${breakdown})` : ''} exceeds ` +
      `the store's ${kb(MAX_ITEM_BYTES)} limit (DynamoDB refuses items over 400 KB)`,
  );
}

function toRecordItem(record: RolloutRecord): Item {
  const input = JSON.stringify(record.input);
  const snapshot = JSON.stringify(record.snapshot ?? null);
  const active = record.active;
  const item: Item = {
    ...rolloutKey(record.id),
    type: 'rollout',
    id: record.id,
    endpointName: record.endpointName,
    modelPackageArn: record.modelPackageArn,
    status: record.status,
    active,
    phase: record.phase,
    reason: record.reason,
    strategy: record.strategy,
    requestedBy: record.requestedBy,
    input,
    machineVersion: record.machineVersion,
    snapshot,
    version: record.version,
    timelineLength: record.timelineLength,
    nextWakeAt: record.nextWakeAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    // The sparse index: only active rollouts carry its keys.
    activePk: active ? ACTIVE : undefined,
    dueAt: active ? (record.nextWakeAt ?? 0) : undefined,
  };
  checkSize(item, `rollout ${record.id}`, { snapshot, input });
  return item;
}

/** Where an item lives, for STORE_CORRUPT messages. */
function itemWhere(tableName: string, item: Item): string {
  return `DynamoDB table ${tableName}, item pk=${String(item.pk)} sk=${String(item.sk)}`;
}

/** A rollout item back to a record: its JSON attributes parsed, the whole validated. */
function fromRecordItem(tableName: string, item: Item): RolloutRecord {
  const where = itemWhere(tableName, item);
  const what = typeof item.id === 'string' ? `rollout ${item.id}` : 'a rollout record';
  const json = (attribute: string) => {
    const value = item[attribute];
    return typeof value === 'string'
      ? parseStoredJson(value, `${what} (attribute ${attribute})`, where)
      : value;
  };
  const {
    pk: _pk,
    sk: _sk,
    type: _type,
    activePk: _activePk,
    dueAt: _dueAt,
    savingBy: _savingBy,
    savingSince: _savingSince,
    ...fields
  } = item;
  return restoreRolloutRecord({ ...fields, input: json('input'), snapshot: json('snapshot') }, where);
}

function toTimelineItem(entry: TimelineEntry): Item {
  const detail = entry.detail === undefined ? undefined : JSON.stringify(entry.detail);
  const item: Item = {
    pk: rolloutKey(entry.rolloutId).pk,
    sk: timelineSk(entry.seq),
    type: 'timeline',
    rolloutId: entry.rolloutId,
    seq: entry.seq,
    at: entry.at,
    kind: entry.kind,
    message: entry.message,
    detail,
  };
  checkSize(item, `timeline entry ${entry.seq} of rollout ${entry.rolloutId}`, { detail });
  return item;
}

function fromTimelineItem(tableName: string, item: Item): TimelineEntry {
  const where = itemWhere(tableName, item);
  const detail =
    typeof item.detail === 'string'
      ? parseStoredJson(item.detail, `a timeline entry of ${String(item.rolloutId)}`, where)
      : item.detail;
  const { pk: _pk, sk: _sk, type: _type, ...fields } = item;
  return restoreTimelineEntry({ ...fields, detail }, where);
}

function fromPendingItem(item: Item): PendingApproval {
  const approval: PendingApproval = {
    endpointName: item.endpointName as string,
    modelPackageArn: item.modelPackageArn as string,
    requestedBy: item.requestedBy as string,
    at: item.at as number,
  };
  if (item.modelPackageVersion !== undefined)
    approval.modelPackageVersion = item.modelPackageVersion as number;
  return approval;
}

export class DynamoRolloutStore implements RolloutStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly clock: Clock;
  private readonly saveLeaseMs: number;
  private readonly delay: (ms: number) => Promise<void>;
  private readonly onCorrupt: (error: SmRolloutError) => void;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoRolloutStoreOptions = {},
  ) {
    this.onCorrupt = options.onCorrupt ?? warnCorrupt;
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.clock = options.clock ?? systemClock;
    this.saveLeaseMs = options.saveLeaseMs ?? DEFAULT_SAVE_LEASE_MS;
    this.delay = options.delay ?? ((ms) => sleep(ms));
  }

  /** Runs one DynamoDB call; failures other than a failed condition become SmRolloutErrors. */
  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw toSmRolloutError(`DynamoDB ${operation}`, error);
    }
  }

  /** A conditional write: true if it happened, false if its condition failed. */
  private async conditional(operation: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.call(operation, run);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async getItem(key: Item): Promise<Item | undefined> {
    const out = await this.call('GetItem', () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return out.Item;
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.call('Query', () =>
        this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start })),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async scanAll(input: Omit<ScanCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.call('Scan', () =>
        this.doc.send(
          new ScanCommand({
            ...input,
            TableName: this.tableName,
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** BatchWrite in chunks of 25, retrying what DynamoDB left unprocessed (throttling) with backoff. */
  private async writeTimeline(items: readonly Item[]): Promise<void> {
    // One batch may not name a key twice: the last entry for a seq wins, as consecutive puts would.
    const bySk = new Map(items.map((item) => [item.sk as string, item]));
    const unique = [...bySk.values()];
    for (let i = 0; i < unique.length; i += BATCH_WRITE_SIZE) {
      let requests = unique.slice(i, i + BATCH_WRITE_SIZE).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        if (attempt > BATCH_WRITE_ATTEMPTS) {
          throw new SmRolloutError(
            'THROTTLED',
            `DynamoDB BatchWriteItem left ${requests.length} timeline entries unprocessed after ` +
              `${BATCH_WRITE_ATTEMPTS} attempts; retry later`,
          );
        }
        if (attempt > 1) await this.delay(Math.min(50 * 2 ** (attempt - 2), 2_000));
        const batch = requests;
        const out = await this.call('BatchWriteItem', () =>
          this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: batch } })),
        );
        requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  private async releaseLock(endpointName: string, rolloutId: string): Promise<void> {
    await this.conditional('DeleteItem', () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: lockKey(endpointName),
          ConditionExpression: 'rolloutId = :id',
          ExpressionAttributeValues: { ':id': rolloutId },
        }),
      ),
    );
  }

  /** Takes the endpoint's lock for `record`, or throws ROLLOUT_ACTIVE naming the holder. */
  private async takeLock(record: RolloutRecord): Promise<void> {
    const key = lockKey(record.endpointName);
    const lock = { ...key, type: 'lock', rolloutId: record.id, lockedAt: record.createdAt };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const taken = await this.conditional('PutItem', () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: lock,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (taken) return;
      const held = await this.getItem(key);
      if (!held) continue; // released meanwhile: try again
      const holder = held.rolloutId as string;
      const holderRecord = await this.get(holder);
      if (holder === record.id && !holderRecord) return; // our own create crashed before its record: go on
      const reclaimable = holderRecord
        ? !holderRecord.active // its final save crashed before the lock's delete
        : record.createdAt - (held.lockedAt as number) > ORPHAN_LOCK_MS; // its create crashed
      if (!reclaimable) throw activeRolloutError(record.endpointName, holder);
      const replaced = await this.conditional('PutItem', () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: lock,
            ConditionExpression: 'rolloutId = :holder AND lockedAt = :lockedAt',
            ExpressionAttributeValues: { ':holder': holder, ':lockedAt': held.lockedAt },
          }),
        ),
      );
      if (replaced) return;
    }
    const holder = (await this.getItem(key))?.rolloutId;
    throw activeRolloutError(record.endpointName, typeof holder === 'string' ? holder : 'unknown');
  }

  async create(record: RolloutRecord, timeline: readonly TimelineEntry[]): Promise<void> {
    const item = toRecordItem(record);
    const entries = timeline.map(toTimelineItem);
    await this.takeLock(record);
    const existing = await this.getItem(rolloutKey(record.id));
    if (existing) {
      // An id in use (an ended rollout, or one on another endpoint): give back the lock just taken.
      await this.releaseLock(record.endpointName, record.id);
      throw versionConflictError(record.id, 0, existing.version as number);
    }
    await this.writeTimeline(entries);
    const created = await this.conditional('PutItem', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    if (!created) {
      const current = await this.getItem(rolloutKey(record.id));
      throw versionConflictError(record.id, 0, current?.version as number | undefined);
    }
  }

  async get(id: string): Promise<RolloutRecord | undefined> {
    const item = await this.getItem(rolloutKey(id));
    return item && fromRecordItem(this.tableName, item);
  }

  async save(
    record: RolloutRecord,
    expectedVersion: number,
    timeline: readonly TimelineEntry[],
  ): Promise<void> {
    const item = toRecordItem(record);
    const entries = timeline.map(toTimelineItem);
    const lease = randomUUID();
    const now = this.clock.now();
    const leased = await this.conditional('UpdateItem', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rolloutKey(record.id),
          UpdateExpression: 'SET savingBy = :lease, savingSince = :now',
          ConditionExpression:
            'version = :expected AND (attribute_not_exists(savingBy) OR savingSince < :stale)',
          ExpressionAttributeValues: {
            ':lease': lease,
            ':now': now,
            ':expected': expectedVersion,
            ':stale': now - this.saveLeaseMs,
          },
        }),
      ),
    );
    if (!leased) {
      const current = await this.getItem(rolloutKey(record.id));
      if (current?.version === expectedVersion) {
        throw new SmRolloutError(
          'VERSION_CONFLICT',
          `rollout ${record.id} is being saved by another writer (version ${expectedVersion}); reload and retry`,
        );
      }
      throw versionConflictError(record.id, expectedVersion, current?.version as number | undefined);
    }
    await this.writeTimeline(entries);
    const saved = await this.conditional('PutItem', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'version = :expected AND savingBy = :lease',
          ExpressionAttributeValues: { ':expected': expectedVersion, ':lease': lease },
        }),
      ),
    );
    if (!saved) {
      // Our lease outlived saveLeaseMs and another writer took over.
      const current = await this.getItem(rolloutKey(record.id));
      throw versionConflictError(record.id, expectedVersion, current?.version as number | undefined);
    }
    if (!record.active) await this.releaseLock(record.endpointName, record.id);
  }

  /**
   * The entries the record counts (seq < timelineLength): a save that died after its timeline items
   * and before its record left items past it, which a retry taking another path may not overwrite.
   * One query reads the record with them (same partition).
   */
  async timeline(id: string): Promise<TimelineEntry[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': rolloutKey(id).pk },
      ConsistentRead: true,
    });
    const recordItem = items.find((item) => item['sk'] === 'ROLLOUT');
    if (!recordItem) return [];
    const { timelineLength } = fromRecordItem(this.tableName, recordItem);
    return items
      .filter((item) => String(item['sk']).startsWith('TIMELINE#'))
      .map((item) => fromTimelineItem(this.tableName, item))
      .filter((entry) => entry.seq < timelineLength);
  }

  /**
   * Active rollouts come from the sparse index (the alarm handler asks on every ALARM event, so the
   * cost must not grow with history); the full history is a Scan, fine for the CLI's occasional list.
   */
  async list(filter: ListFilter = {}): Promise<RolloutRecord[]> {
    if (filter.activeOnly) {
      const items = await this.queryAll({
        IndexName: ACTIVE_INDEX,
        KeyConditionExpression: 'activePk = :active',
        ExpressionAttributeValues: { ':active': ACTIVE },
      });
      return this.restoreAll(items)
        .filter((r) => matchesFilter(r, filter))
        .sort(newestFirst);
    }
    const conditions = ['sk = :sk'];
    const values: Item = { ':sk': 'ROLLOUT' };
    if (filter.endpointName) {
      conditions.push('endpointName = :endpoint');
      values[':endpoint'] = filter.endpointName;
    }
    if (filter.activeOnly) conditions.push('attribute_exists(activePk)');
    const items = await this.scanAll({
      FilterExpression: conditions.join(' AND '),
      ExpressionAttributeValues: values,
    });
    return this.restoreAll(items)
      .filter((r) => matchesFilter(r, filter))
      .sort(newestFirst);
  }

  private restoreAll(items: readonly Item[]): RolloutRecord[] {
    return restoreListed(items, (item) => fromRecordItem(this.tableName, item), this.onCorrupt);
  }

  async activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined> {
    const lock = await this.getItem(lockKey(endpointName));
    if (!lock) return undefined;
    const record = await this.get(lock.rolloutId as string);
    // A lock left by a rollout that ended (crash before its delete) holds nothing.
    return record?.active ? record : undefined;
  }

  async listDue(now: number): Promise<RolloutRecord[]> {
    const items = await this.queryAll({
      IndexName: ACTIVE_INDEX,
      KeyConditionExpression: 'activePk = :active AND dueAt <= :now',
      ExpressionAttributeValues: { ':active': ACTIVE, ':now': now },
    });
    return this.restoreAll(items)
      .filter((r) => isDue(r, now))
      .sort(newestFirst);
  }

  async claimEvent(key: string, expiresAt: number, now: number): Promise<boolean> {
    return this.conditional('PutItem', () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...eventKey(key),
            type: 'event',
            [TTL_ATTRIBUTE]: Math.ceil(expiresAt / 1000),
            expiresAtMs: expiresAt,
          },
          // TTL deletes lazily (and dynalite never): an expired claim counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs <= :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
  }

  async releaseEvent(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: eventKey(key) }));
  }

  async setPendingApproval(approval: PendingApproval): Promise<void> {
    const key = pendingKey(approval.endpointName);
    // Read, decide with newerApproval, write on condition that nobody changed it meanwhile.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const current = await this.getItem(key);
      const currentApproval = current && fromPendingItem(current);
      if (currentApproval && newerApproval(currentApproval, approval) === currentApproval) return;
      const written = await this.conditional('PutItem', () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...approval, ...key, type: 'pending', revision: randomUUID() },
            ...(current
              ? {
                  ConditionExpression: 'revision = :revision',
                  ExpressionAttributeValues: { ':revision': current.revision },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        ),
      );
      if (written) return;
    }
    throw new SmRolloutError(
      'VERSION_CONFLICT',
      `the pending approval of endpoint ${approval.endpointName} kept changing while it was recorded; retry`,
    );
  }

  async takePendingApproval(endpointName: string): Promise<PendingApproval | undefined> {
    const out = await this.call('DeleteItem', () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: pendingKey(endpointName),
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return out.Attributes && fromPendingItem(out.Attributes);
  }

  async listPendingApprovals(): Promise<PendingApproval[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'PENDING' },
    });
    return items.map(fromPendingItem);
  }
}
