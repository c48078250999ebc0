// The rollout store contract: every store (memory, file and DynamoDB over dynalite) passes the same suite.
// To add a store, add one line to STORES below.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SmRolloutError } from '../../src/errors';
import { DynamoRolloutStore, FileRolloutStore, MemoryRolloutStore } from '../../src/store';
import type { PendingApproval, RolloutRecord, RolloutStore, TimelineEntry } from '../../src/store';
import { TERMINAL_STATUSES, type RolloutStatus } from '../../statemachines/describe';
import { startDynalite, type DynaliteServer } from './dynalite-server';
import { storedRecord as record } from './records';

interface StoreFixture {
  store: RolloutStore;
  cleanup?: () => Promise<void>;
}

type StoreFactory = () => Promise<StoreFixture>;

// One in-process DynamoDB for the whole file; every DynamoDB test gets a fresh table.
let dynamo: DynaliteServer;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

/** Contract tests a store is known to fail, each with the bug it shows; they run as it.skip. */
const STORES: [name: string, factory: StoreFactory][] = [
  ['MemoryRolloutStore', async () => ({ store: new MemoryRolloutStore() })],
  [
    'FileRolloutStore',
    async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-store-'));
      return {
        store: new FileRolloutStore(dir),
        cleanup: () => fs.rm(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'DynamoRolloutStore (dynalite)',
    async () => ({ store: new DynamoRolloutStore(dynamo.client(), await dynamo.createTable()) }),
  ],
];

function entry(rolloutId: string, seq: number, message = `entry ${seq}`): TimelineEntry {
  return { rolloutId, seq, at: 1_000 + seq, kind: 'note', message, detail: { seq } };
}

async function rejection(promise: Promise<unknown>): Promise<SmRolloutError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected an SmRolloutError, but the promise resolved');
}

/** Saves `status` on top of the stored record, as the engine would after a step (active until terminal). */
async function saveStatus(store: RolloutStore, id: string, status: RolloutStatus): Promise<RolloutRecord> {
  const current = (await store.get(id))!;
  const active = !TERMINAL_STATUSES.includes(status);
  const next = { ...current, status, active, version: current.version + 1, updatedAt: current.updatedAt + 1 };
  await store.save(next, current.version, []);
  return next;
}

function rolloutStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} (RolloutStore contract)`, () => {
    let fixture: StoreFixture;
    let store: RolloutStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup?.();
    });

    it('get of an unknown id is undefined, and an empty store lists nothing', async () => {
      expect(await store.get('r-nope')).toBeUndefined();
      expect(await store.list()).toEqual([]);
      expect(await store.timeline('r-nope')).toEqual([]);
      expect(await store.activeForEndpoint('churn-prod')).toBeUndefined();
    });

    it('create stores the record and its timeline and takes the endpoint lock', async () => {
      await store.create(record('r-a', { timelineLength: 1 }), [entry('r-a', 0)]);
      expect(await store.get('r-a')).toEqual(record('r-a', { timelineLength: 1 }));
      expect(await store.timeline('r-a')).toEqual([entry('r-a', 0)]);
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-a');
    });

    it('a second create on the same endpoint fails with ROLLOUT_ACTIVE naming the holder', async () => {
      await store.create(record('r-a'), []);
      const error = await rejection(store.create(record('r-b'), []));
      expect(error.code).toBe('ROLLOUT_ACTIVE');
      expect(error.message).toContain('r-a');
      expect(error.message).toContain('churn-prod');
      expect(await store.get('r-b')).toBeUndefined();
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-a');
    });

    it('rollouts on different endpoints do not block each other', async () => {
      await store.create(record('r-a'), []);
      await store.create(record('r-b', { endpointName: 'fraud-prod' }), []);
      expect((await store.activeForEndpoint('fraud-prod'))?.id).toBe('r-b');
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-a');
    });

    it('save with the stored version replaces the record and appends timeline entries in order', async () => {
      await store.create(record('r-a'), [entry('r-a', 0)]);
      const v2 = record('r-a', { version: 2, phase: 'baking', timelineLength: 3, nextWakeAt: 5_000 });
      await store.save(v2, 1, [entry('r-a', 1), entry('r-a', 2)]);
      const v3 = record('r-a', { version: 3, phase: 'shifting', timelineLength: 4 });
      await store.save(v3, 2, [entry('r-a', 3)]);
      expect(await store.get('r-a')).toEqual(v3);
      expect((await store.timeline('r-a')).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
      expect(await store.timeline('r-a')).toEqual([0, 1, 2, 3].map((seq) => entry('r-a', seq)));
    });

    it('save with a stale version fails with VERSION_CONFLICT and changes nothing', async () => {
      await store.create(record('r-a', { timelineLength: 1 }), [entry('r-a', 0)]);
      await store.save(record('r-a', { version: 2, phase: 'baking', timelineLength: 2 }), 1, [
        entry('r-a', 1),
      ]);
      const error = await rejection(
        store.save(record('r-a', { version: 2, phase: 'stale', timelineLength: 3 }), 1, [entry('r-a', 99)]),
      );
      expect(error.code).toBe('VERSION_CONFLICT');
      expect(error.retryable).toBe(true);
      expect(await store.get('r-a')).toEqual(
        record('r-a', { version: 2, phase: 'baking', timelineLength: 2 }),
      );
      expect((await store.timeline('r-a')).map((e) => e.seq)).toEqual([0, 1]);
    });

    it('of two concurrent saves from the same version, exactly one wins', async () => {
      await store.create(record('r-a', { timelineLength: 1 }), [entry('r-a', 0)]);
      const results = await Promise.allSettled([
        store.save(record('r-a', { version: 2, phase: 'writer A', timelineLength: 2 }), 1, [
          entry('r-a', 1, 'from A'),
        ]),
        store.save(record('r-a', { version: 2, phase: 'writer B', timelineLength: 2 }), 1, [
          entry('r-a', 1, 'from B'),
        ]),
      ]);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0]!.reason as SmRolloutError).code).toBe('VERSION_CONFLICT');
      const winner = results[0]!.status === 'fulfilled' ? 'A' : 'B';
      expect((await store.get('r-a'))?.phase).toBe(`writer ${winner}`);
      expect((await store.timeline('r-a')).map((e) => e.message)).toEqual(['entry 0', `from ${winner}`]);
    });

    it('save of an unknown rollout fails with VERSION_CONFLICT', async () => {
      const error = await rejection(store.save(record('r-ghost', { version: 2 }), 1, []));
      expect(error.code).toBe('VERSION_CONFLICT');
      expect(await store.get('r-ghost')).toBeUndefined();
    });

    it.each<RolloutStatus>(['succeeded', 'rolledBack', 'failed'])(
      'a %s status releases the endpoint lock so a new rollout can start',
      async (status) => {
        await store.create(record('r-a'), []);
        await saveStatus(store, 'r-a', 'paused');
        expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-a');
        await saveStatus(store, 'r-a', status);
        expect(await store.activeForEndpoint('churn-prod')).toBeUndefined();
        await store.create(record('r-b', { createdAt: 2_000 }), []);
        expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-b');
      },
    );

    it('a save with active: false releases the lock; the store reads `active`, not the status', async () => {
      await store.create(record('r-a'), []);
      await store.save(record('r-a', { version: 2, status: 'rollingBack' }), 1, []);
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-a');
      await store.save(record('r-a', { version: 3, status: 'rollingBack', active: false }), 2, []);
      expect(await store.activeForEndpoint('churn-prod')).toBeUndefined();
      expect((await store.get('r-a'))?.active).toBe(false);
      await store.create(record('r-b', { createdAt: 2_000 }), []);
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-b');
    });

    it('listDue and activeOnly skip inactive rollouts, whatever their status and wake-up', async () => {
      await store.create(record('r-on', { endpointName: 'e1', nextWakeAt: 1_000 }), []);
      await store.create(record('r-off', { endpointName: 'e2', nextWakeAt: 1_000, createdAt: 2_000 }), []);
      await store.save(
        record('r-off', {
          endpointName: 'e2',
          nextWakeAt: 1_000,
          createdAt: 2_000,
          version: 2,
          active: false,
        }),
        1,
        [],
      );
      expect((await store.listDue(5_000)).map((r) => r.id)).toEqual(['r-on']);
      expect((await store.list({ activeOnly: true })).map((r) => r.id)).toEqual(['r-on']);
      expect((await store.list()).map((r) => r.id)).toEqual(['r-off', 'r-on']);
    });

    it("a finished rollout's late save does not release a newer rollout's lock", async () => {
      await store.create(record('r-a'), []);
      await saveStatus(store, 'r-a', 'succeeded');
      await store.create(record('r-b', { createdAt: 2_000 }), []);
      await saveStatus(store, 'r-a', 'succeeded');
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-b');
    });

    it('list returns newest first and filters by endpoint and activeOnly', async () => {
      await store.create(record('r-1', { createdAt: 1_000 }), []);
      await saveStatus(store, 'r-1', 'succeeded');
      await store.create(record('r-2', { createdAt: 3_000, endpointName: 'fraud-prod' }), []);
      await store.create(record('r-3', { createdAt: 2_000 }), []);
      const ids = async (filter?: Parameters<RolloutStore['list']>[0]) =>
        (await store.list(filter)).map((r) => r.id);
      expect(await ids()).toEqual(['r-2', 'r-3', 'r-1']);
      expect(await ids({ endpointName: 'churn-prod' })).toEqual(['r-3', 'r-1']);
      expect(await ids({ activeOnly: true })).toEqual(['r-2', 'r-3']);
      expect(await ids({ endpointName: 'churn-prod', activeOnly: true })).toEqual(['r-3']);
      expect(await ids({ endpointName: 'nobody' })).toEqual([]);
    });

    it('activeForEndpoint returns the active record', async () => {
      await store.create(record('r-a', { phase: 'baking step 2/4' }), []);
      expect(await store.activeForEndpoint('churn-prod')).toEqual(
        record('r-a', { phase: 'baking step 2/4' }),
      );
      expect(await store.activeForEndpoint('other')).toBeUndefined();
    });

    it('returns copies: mutating a returned or saved object does not change the store', async () => {
      const created = record('r-a', { timelineLength: 1 });
      const timeline = [entry('r-a', 0)];
      await store.create(created, timeline);
      created.phase = 'mutated after create';
      timeline[0]!.message = 'mutated after create';

      const got = (await store.get('r-a'))!;
      got.phase = 'mutated';
      got.input.endpointName = 'mutated';
      const listed = (await store.list())[0]!;
      listed.status = 'failed';
      const active = (await store.activeForEndpoint('churn-prod'))!;
      active.version = 42;
      const entries = await store.timeline('r-a');
      entries[0]!.message = 'mutated';
      entries.push(entry('r-a', 7));

      expect(await store.get('r-a')).toEqual(record('r-a', { timelineLength: 1 }));
      expect(await store.timeline('r-a')).toEqual([entry('r-a', 0)]);
    });

    describe('listDue', () => {
      it('lists active rollouts due at or before now and those with no wake-up, never terminal ones', async () => {
        await store.create(record('r-past', { endpointName: 'e1', nextWakeAt: 5_000, createdAt: 1_000 }), []);
        await store.create(record('r-now', { endpointName: 'e2', nextWakeAt: 6_000, createdAt: 2_000 }), []);
        await store.create(
          record('r-later', { endpointName: 'e3', nextWakeAt: 9_000, createdAt: 3_000 }),
          [],
        );
        await store.create(record('r-none', { endpointName: 'e4', createdAt: 4_000 }), []);
        await store.create(record('r-done', { endpointName: 'e5', nextWakeAt: 1_000, createdAt: 5_000 }), []);
        await saveStatus(store, 'r-done', 'succeeded');
        const due = await store.listDue(6_000);
        expect(due.map((r) => r.id).sort()).toEqual(['r-none', 'r-now', 'r-past']);
        expect(due.find((r) => r.id === 'r-past')).toEqual(
          record('r-past', { endpointName: 'e1', nextWakeAt: 5_000, createdAt: 1_000 }),
        );
        expect((await store.listDue(0)).map((r) => r.id)).toEqual(['r-none']);
      });

      it('follows saves: a later wake-up is not due until it passes, and a terminal rollout never is', async () => {
        await store.create(record('r-a', { nextWakeAt: 1_000 }), []);
        expect((await store.listDue(1_000)).map((r) => r.id)).toEqual(['r-a']);
        await store.save(record('r-a', { version: 2, nextWakeAt: 10_000 }), 1, []);
        expect(await store.listDue(9_999)).toEqual([]);
        expect((await store.listDue(10_000)).map((r) => r.id)).toEqual(['r-a']);
        await store.save(record('r-a', { version: 3, status: 'paused' }), 2, []);
        expect((await store.listDue(0)).map((r) => r.id)).toEqual(['r-a']);
        await store.save(
          record('r-a', { version: 4, status: 'rolledBack', active: false, nextWakeAt: 1 }),
          3,
          [],
        );
        expect(await store.listDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
      });
    });

    describe('claimEvent', () => {
      const t0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z in epoch ms
      it('is true the first time and false for a duplicate; keys are independent', async () => {
        expect(await store.claimEvent('evt-1', t0 + 86_400_000, t0)).toBe(true);
        expect(await store.claimEvent('evt-1', t0 + 86_400_000, t0 + 1)).toBe(false);
        expect(await store.claimEvent('evt-1', t0 + 99_000_000, t0 + 86_399_999)).toBe(false);
        expect(
          await store.claimEvent('arn:aws:sagemaker:eu-west-1:1:model-package/m/2#churn-prod', t0 + 1, t0),
        ).toBe(true);
      });

      it('treats an expired claim as absent and claims the key again until the new expiry', async () => {
        expect(await store.claimEvent('evt-1', t0 + 2_000, t0)).toBe(true);
        expect(await store.claimEvent('evt-1', t0 + 9_000, t0 + 1_999)).toBe(false);
        expect(await store.claimEvent('evt-1', t0 + 9_000, t0 + 2_000)).toBe(true);
        expect(await store.claimEvent('evt-1', t0 + 20_000, t0 + 8_999)).toBe(false);
        expect(await store.claimEvent('evt-1', t0 + 20_000, t0 + 9_500)).toBe(true);
      });

      it('a released claim can be claimed again at once (a retried event whose handling failed)', async () => {
        expect(await store.claimEvent('evt-1', t0 + 86_400_000, t0)).toBe(true);
        await store.releaseEvent('evt-1');
        expect(await store.claimEvent('evt-1', t0 + 86_400_000, t0 + 1)).toBe(true);
        expect(await store.claimEvent('evt-1', t0 + 86_400_000, t0 + 2)).toBe(false);
        await store.releaseEvent('never-claimed');
      });
    });

    describe('pending approvals', () => {
      const approval = (overrides: Partial<PendingApproval> = {}): PendingApproval => ({
        endpointName: 'churn-prod',
        modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/3',
        modelPackageVersion: 3,
        requestedBy: 'approver',
        at: 5_000,
        ...overrides,
      });
      const v = (version: number, at = 5_000) =>
        approval({
          modelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/${version}`,
          modelPackageVersion: version,
          at,
        });

      it('keeps the newer version: a newer one replaces an older one, an older one does not', async () => {
        await store.setPendingApproval(v(3));
        await store.setPendingApproval(v(5, 6_000));
        expect(await store.listPendingApprovals()).toEqual([v(5, 6_000)]);
        await store.setPendingApproval(v(4, 7_000));
        expect(await store.listPendingApprovals()).toEqual([v(5, 6_000)]);
      });

      it('without versions, the later approval wins', async () => {
        const unversioned = (at: number, arn: string) =>
          approval({ modelPackageVersion: undefined, modelPackageArn: arn, at });
        await store.setPendingApproval(unversioned(2_000, 'arn:b'));
        await store.setPendingApproval(unversioned(1_000, 'arn:a'));
        expect((await store.takePendingApproval('churn-prod'))?.modelPackageArn).toBe('arn:b');
        await store.setPendingApproval(unversioned(1_000, 'arn:a'));
        await store.setPendingApproval(unversioned(3_000, 'arn:c'));
        expect((await store.takePendingApproval('churn-prod'))?.modelPackageArn).toBe('arn:c');
      });

      it('take returns the approval and removes it; taking again returns undefined', async () => {
        expect(await store.takePendingApproval('churn-prod')).toBeUndefined();
        await store.setPendingApproval(v(3));
        expect(await store.takePendingApproval('churn-prod')).toEqual(v(3));
        expect(await store.takePendingApproval('churn-prod')).toBeUndefined();
        expect(await store.listPendingApprovals()).toEqual([]);
        await store.setPendingApproval(v(2));
        expect(await store.takePendingApproval('churn-prod')).toEqual(v(2));
      });

      it('of two concurrent takes, exactly one gets the approval', async () => {
        await store.setPendingApproval(v(3));
        const taken = await Promise.all([
          store.takePendingApproval('churn-prod'),
          store.takePendingApproval('churn-prod'),
        ]);
        expect(taken.filter((a) => a !== undefined)).toEqual([v(3)]);
        expect(await store.listPendingApprovals()).toEqual([]);
      });

      it('lists one approval per endpoint', async () => {
        const fraud = approval({ endpointName: 'fraud-prod', modelPackageVersion: undefined, at: 1 });
        await store.setPendingApproval(v(3));
        await store.setPendingApproval(fraud);
        await store.setPendingApproval(v(4));
        const listed = await store.listPendingApprovals();
        expect(listed.sort((a, b) => a.endpointName.localeCompare(b.endpointName))).toEqual([v(4), fraud]);
      });
    });
  });
}

for (const [name, factory] of STORES) rolloutStoreContract(name, factory);
