// The DynamoDB store beyond the shared contract: the item layout on the table, races between writers, and
// the states a crash between two non-transactional writes leaves behind. Runs against dynalite; the
// BatchWrite retry (which dynalite never triggers) against a mocked client.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SmRolloutError } from '../../src/errors';
import {
  DynamoRolloutStore,
  ORPHAN_LOCK_MS,
  rolloutTableDefinition,
  rolloutTableTimeToLive,
  type RolloutRecord,
  type TimelineEntry,
} from '../../src/store';
import { startDynalite, type DynaliteServer } from './dynalite-server';
import { storedRecord } from './records';

function record(id: string, overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  return storedRecord(id, {
    snapshot: { status: 'active', value: { live: 'baking' }, context: { note: '' } },
    createdAt: 1_767_225_600_000,
    updatedAt: 1_767_225_600_000,
    ...overrides,
  });
}

function entry(rolloutId: string, seq: number, message = `entry ${seq}`): TimelineEntry {
  return { rolloutId, seq, at: 1_000 + seq, kind: 'note', message, detail: { seq, empty: '' } };
}

async function rejection(promise: Promise<unknown>): Promise<SmRolloutError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof SmRolloutError) return error;
  throw new Error(`expected an SmRolloutError, got ${String(error)}`);
}

describe('rolloutTableDefinition', () => {
  it('is one on-demand table keyed pk/sk with the sparse active index; TTL on expiresAt', () => {
    const table = rolloutTableDefinition('rollouts');
    expect(table).toMatchObject({
      TableName: 'rollouts',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'active',
          KeySchema: [
            { AttributeName: 'activePk', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(rolloutTableTimeToLive('rollouts')).toEqual({
      TableName: 'rollouts',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('DynamoRolloutStore on dynalite', () => {
  let dynamo: DynaliteServer;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let table: string;
  let store: DynamoRolloutStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = dynamo.client();
    doc = DynamoDBDocumentClient.from(client);
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    table = await dynamo.createTable();
    store = new DynamoRolloutStore(client, table);
  });

  const rawItems = async () =>
    ((await doc.send(new ScanCommand({ TableName: table }))).Items ?? []).sort((a, b) =>
      `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`),
    );
  const rawItem = async (pk: string, sk: string) =>
    (await doc.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item;

  it('lays the items out as designed', async () => {
    await store.create(record('r-a', { nextWakeAt: 1_767_225_900_000 }), [entry('r-a', 0), entry('r-a', 1)]);
    await store.claimEvent('evt-1', 1_767_312_000_500, 1_767_225_600_000);
    await store.setPendingApproval({
      endpointName: 'churn-prod',
      modelPackageArn: 'arn:pkg/3',
      modelPackageVersion: 3,
      requestedBy: 'approver',
      at: 5,
    });

    const items = await rawItems();
    expect(items.map((i) => `${i.pk} ${i.sk}`)).toEqual([
      'ENDPOINT#churn-prod LOCK',
      'EVENT#evt-1 EVENT',
      'PENDING ENDPOINT#churn-prod',
      'ROLLOUT#r-a ROLLOUT',
      'ROLLOUT#r-a TIMELINE#0000000000',
      'ROLLOUT#r-a TIMELINE#0000000001',
    ]);
    const [lock, event, pending, rollout, timeline0] = items;
    expect(lock).toMatchObject({ rolloutId: 'r-a', lockedAt: 1_767_225_600_000 });
    expect(pending).toMatchObject({ modelPackageArn: 'arn:pkg/3', modelPackageVersion: 3, at: 5 });
    // DynamoDB TTL wants epoch seconds (rounded up so the claim never expires early).
    expect(event).toMatchObject({ expiresAt: 1_767_312_001, expiresAtMs: 1_767_312_000_500 });
    expect(rollout).toMatchObject({
      id: 'r-a',
      status: 'running',
      version: 1,
      nextWakeAt: 1_767_225_900_000,
      activePk: 'ACTIVE',
      dueAt: 1_767_225_900_000,
      snapshot: JSON.stringify(record('r-a').snapshot),
      input: JSON.stringify(record('r-a').input),
    });
    expect(rollout).not.toHaveProperty('savingBy');
    expect(timeline0).toMatchObject({ seq: 0, message: 'entry 0', detail: '{"seq":0,"empty":""}' });
  });

  it('drops a terminal rollout from the active index and deletes its lock', async () => {
    await store.create(record('r-a'), []);
    expect(await rawItem('ROLLOUT#r-a', 'ROLLOUT')).toMatchObject({ activePk: 'ACTIVE', dueAt: 0 });
    await store.save(
      record('r-a', { version: 2, status: 'succeeded', active: false, reason: 'done' }),
      1,
      [],
    );
    const item = await rawItem('ROLLOUT#r-a', 'ROLLOUT');
    expect(item).not.toHaveProperty('activePk');
    expect(item).not.toHaveProperty('dueAt');
    expect(await rawItem('ENDPOINT#churn-prod', 'LOCK')).toBeUndefined();
    expect(await store.get('r-a')).toEqual(
      record('r-a', { version: 2, status: 'succeeded', active: false, reason: 'done' }),
    );
  });

  it('of five concurrent saves from one version exactly one wins, and only its timeline entries land', async () => {
    await store.create(record('r-a'), [entry('r-a', 0)]);
    const writers = ['A', 'B', 'C', 'D', 'E'];
    const stores = writers.map(() => new DynamoRolloutStore(dynamo.client(), table));
    const results = await Promise.allSettled(
      writers.map((w, i) =>
        stores[i]!.save(record('r-a', { version: 2, phase: `writer ${w}`, timelineLength: 3 }), 1, [
          entry('r-a', 1, `from ${w}`),
          entry('r-a', 2, `also from ${w}`),
        ]),
      ),
    );
    const winners = writers.filter((_, i) => results[i]!.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as SmRolloutError).code).toBe('VERSION_CONFLICT');
    }
    const winner = winners[0]!;
    expect((await store.get('r-a'))?.phase).toBe(`writer ${winner}`);
    expect((await store.timeline('r-a')).map((e) => e.message)).toEqual([
      'entry 0',
      `from ${winner}`,
      `also from ${winner}`,
    ]);
  });

  it('a save lease left by a crashed writer blocks saves until it goes stale', async () => {
    let now = 1_767_225_600_000;
    store = new DynamoRolloutStore(client, table, { clock: { now: () => now }, saveLeaseMs: 30_000 });
    await store.create(record('r-a'), []);
    // A writer took the lease, then died before writing the record.
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'ROLLOUT#r-a', sk: 'ROLLOUT' },
        UpdateExpression: 'SET savingBy = :l, savingSince = :t',
        ExpressionAttributeValues: { ':l': 'crashed', ':t': now },
      }),
    );
    const blocked = await rejection(store.save(record('r-a', { version: 2 }), 1, [entry('r-a', 0)]));
    expect(blocked.code).toBe('VERSION_CONFLICT');
    expect(blocked.retryable).toBe(true);
    expect(blocked.message).toContain('being saved by another writer');
    expect(await store.timeline('r-a')).toEqual([]);

    now += 30_001;
    await store.save(record('r-a', { version: 2, phase: 'after the lease' }), 1, [entry('r-a', 0)]);
    expect(await store.get('r-a')).toEqual(record('r-a', { version: 2, phase: 'after the lease' }));
    expect(await rawItem('ROLLOUT#r-a', 'ROLLOUT')).not.toHaveProperty('savingBy');
  });

  it('reads an item written before records carried `active`: derived from its status', async () => {
    await store.create(record('r-a', { nextWakeAt: 5 }), []);
    await store.create(record('r-b', { endpointName: 'fraud-prod' }), []);
    // As the store wrote them before: no `active` attribute, activePk/dueAt decided by the status.
    const { active: _a, ...running } = (await rawItem('ROLLOUT#r-a', 'ROLLOUT'))!;
    await doc.send(new PutCommand({ TableName: table, Item: running }));
    const { active: _b, activePk: _p, dueAt: _d, ...done } = (await rawItem('ROLLOUT#r-b', 'ROLLOUT'))!;
    await doc.send(new PutCommand({ TableName: table, Item: { ...done, status: 'succeeded' } }));

    expect(await store.get('r-a')).toEqual(record('r-a', { nextWakeAt: 5 }));
    expect((await store.get('r-b'))?.active).toBe(false);
    expect((await store.listDue(10)).map((r) => r.id)).toEqual(['r-a']);
    expect((await store.list({ activeOnly: true })).map((r) => r.id)).toEqual(['r-a']);
    expect(await store.activeForEndpoint('fraud-prod')).toBeUndefined();
    // The next save writes the attribute.
    await store.save(record('r-a', { version: 2 }), 1, []);
    expect(await rawItem('ROLLOUT#r-a', 'ROLLOUT')).toMatchObject({ active: true, activePk: 'ACTIVE' });
  });

  it('a damaged item is STORE_CORRUPT naming the table and key, not a SyntaxError', async () => {
    await store.create(record('r-a'), []);
    const item = (await rawItem('ROLLOUT#r-a', 'ROLLOUT'))!;
    await doc.send(new PutCommand({ TableName: table, Item: { ...item, input: '{"rolloutId":' } }));
    const notJson = await rejection(store.get('r-a'));
    expect(notJson.code).toBe('STORE_CORRUPT');
    expect(notJson.message).toContain(
      `rollout r-a (attribute input) in DynamoDB table ${table}, item pk=ROLLOUT#r-a sk=ROLLOUT is damaged: ` +
        'not valid JSON',
    );
    await doc.send(new PutCommand({ TableName: table, Item: { ...item, timelineLength: 'three' } }));
    const garbled = await rejection(store.get('r-a'));
    expect(garbled.code).toBe('STORE_CORRUPT');
    expect(garbled.message).toMatch(/item pk=ROLLOUT#r-a sk=ROLLOUT is damaged: timelineLength: /);
  });

  it('a damaged item is left out of lists and reported, so the schedule still advances the others', async () => {
    const reported: string[] = [];
    const reporting = new DynamoRolloutStore(client, table, {
      onCorrupt: (error) => reported.push(error.message),
    });
    await reporting.create(record('r-a'), []);
    await reporting.create(record('r-b', { endpointName: 'fraud-prod' }), []);
    const item = (await rawItem('ROLLOUT#r-a', 'ROLLOUT'))!;
    await doc.send(new PutCommand({ TableName: table, Item: { ...item, timelineLength: 'three' } }));
    expect((await reporting.listDue(Number.MAX_SAFE_INTEGER)).map((r) => r.id)).toEqual(['r-b']);
    expect((await reporting.list({ activeOnly: true })).map((r) => r.id)).toEqual(['r-b']);
    expect((await reporting.list()).map((r) => r.id)).toEqual(['r-b']);
    expect(reported).toHaveLength(3);
    expect(reported[0]).toMatch(/item pk=ROLLOUT#r-a sk=ROLLOUT is damaged: timelineLength: /);
  });

  it('writes timelines longer than one BatchWrite (25) in order', async () => {
    await store.create(record('r-a'), [entry('r-a', 0)]);
    const entries = Array.from({ length: 60 }, (_, i) => entry('r-a', i + 1));
    await store.save(record('r-a', { version: 2, timelineLength: 61 }), 1, entries);
    expect((await store.timeline('r-a')).map((e) => e.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i));
  });

  it('refuses a record over the size limit clearly, before writing anything', async () => {
    await store.create(record('r-a'), []);
    const huge = record('r-a', { version: 2, snapshot: { blob: 'x'.repeat(360 * 1024) } });
    const error = await rejection(store.save(huge, 1, [entry('r-a', 0)]));
    expect(error.message).toMatch(/rollout r-a is too large to store in DynamoDB: \d+ KB \(snapshot \d+ KB/);
    expect(await store.get('r-a')).toEqual(record('r-a'));
    expect(await store.timeline('r-a')).toEqual([]);
  });

  it('a create whose id is taken gives back the lock it took', async () => {
    await store.create(record('r-a'), []);
    await store.save(record('r-a', { version: 2, status: 'failed', active: false }), 1, []);
    const error = await rejection(store.create(record('r-a', { endpointName: 'fraud-prod' }), []));
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(await rawItem('ENDPOINT#fraud-prod', 'LOCK')).toBeUndefined();
    await store.create(record('r-b', { endpointName: 'fraud-prod' }), []);
  });

  describe('locks left behind by a crash', () => {
    const putLock = (rolloutId: string, lockedAt: number) =>
      doc.send(
        new PutCommand({
          TableName: table,
          Item: { pk: 'ENDPOINT#churn-prod', sk: 'LOCK', type: 'lock', rolloutId, lockedAt },
        }),
      );

    it('a lock with no record (a create that crashed) blocks until it is older than ORPHAN_LOCK_MS', async () => {
      const t = record('r-b').createdAt;
      await putLock('r-ghost', t - ORPHAN_LOCK_MS + 1_000);
      const error = await rejection(store.create(record('r-b'), []));
      expect(error.code).toBe('ROLLOUT_ACTIVE');
      expect(error.message).toContain('r-ghost');

      await putLock('r-ghost', t - ORPHAN_LOCK_MS - 1);
      await store.create(record('r-b'), []);
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-b');
    });

    it('a retried create of the same id goes on past its own orphaned lock', async () => {
      await putLock('r-a', record('r-a').createdAt);
      await store.create(record('r-a'), [entry('r-a', 0)]);
      expect(await store.get('r-a')).toEqual(record('r-a'));
    });

    it('a lock held by a terminal rollout (final save crashed before the delete) holds nothing', async () => {
      await store.create(record('r-a'), []);
      // The final save's record write landed; its lock delete did not.
      const { activePk: _activePk, dueAt: _dueAt, ...item } = (await rawItem('ROLLOUT#r-a', 'ROLLOUT'))!;
      await doc.send(
        new PutCommand({ TableName: table, Item: { ...item, status: 'succeeded', active: false } }),
      );
      expect(await rawItem('ENDPOINT#churn-prod', 'LOCK')).toMatchObject({ rolloutId: 'r-a' });
      expect(await store.activeForEndpoint('churn-prod')).toBeUndefined();
      await store.create(record('r-b'), []);
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-b');
    });
  });
});

describe('DynamoRolloutStore BatchWrite retries (mocked client)', () => {
  // Created in beforeAll: mockClient patches every DocumentClient, so it must not exist while the dynalite
  // tests run.
  const mockDocumentClient = () => mockClient(DynamoDBDocumentClient);
  let docMock: ReturnType<typeof mockDocumentClient>;
  beforeAll(() => {
    docMock = mockDocumentClient();
  });
  afterEach(() => docMock.reset());
  afterAll(() => docMock.restore());

  it('retries only the unprocessed timeline items, with backoff', async () => {
    const delays: number[] = [];
    const store = new DynamoRolloutStore(new DynamoDBClient({ region: 'eu-west-1' }), 't', {
      delay: async (ms) => {
        delays.push(ms);
      },
    });
    const entries = Array.from({ length: 30 }, (_, i) => entry('r-a', i));
    docMock.on(UpdateCommand).resolves({});
    docMock.on(PutCommand).resolves({});
    docMock
      .on(BatchWriteCommand)
      .resolvesOnce({
        UnprocessedItems: { t: [{ PutRequest: { Item: { pk: 'ROLLOUT#r-a', sk: 'TIMELINE#0000000003' } } }] },
      })
      .resolves({});

    await store.save(record('r-a', { version: 2 }), 1, entries);

    const batches = docMock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.t ?? []);
    expect(batches.map((b) => b.length)).toEqual([25, 1, 5]);
    expect(batches[1]).toEqual([{ PutRequest: { Item: { pk: 'ROLLOUT#r-a', sk: 'TIMELINE#0000000003' } } }]);
    expect(delays).toEqual([50]);
    // Timeline before record: the record's put is the last write.
    const order = docMock.calls().map((c) => c.args[0].constructor.name);
    expect(order).toEqual([
      'UpdateCommand',
      'BatchWriteCommand',
      'BatchWriteCommand',
      'BatchWriteCommand',
      'PutCommand',
    ]);
  });

  it('gives up with THROTTLED when items stay unprocessed', async () => {
    const store = new DynamoRolloutStore(new DynamoDBClient({ region: 'eu-west-1' }), 't', {
      delay: async () => undefined,
    });
    docMock.on(UpdateCommand).resolves({});
    docMock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    const error = await rejection(store.save(record('r-a', { version: 2 }), 1, [entry('r-a', 0)]));
    expect(error.code).toBe('THROTTLED');
    expect(docMock.commandCalls(BatchWriteCommand)).toHaveLength(8);
    expect(docMock.commandCalls(PutCommand)).toHaveLength(0);
  });
});
