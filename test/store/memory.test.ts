// The memory store beyond the shared contract: its whole content exported as data and restored (how
// the `--simulate` account keeps its rollouts in one file with the simulated cloud).
import { SmRolloutError } from '../../src/errors';
import { MemoryRolloutStore } from '../../src/store';
import { storedRecord } from './records';

const note = (rolloutId: string, seq: number) => ({
  rolloutId,
  seq,
  at: 1000 + seq,
  kind: 'note' as const,
  message: `entry ${seq}`,
});

describe('MemoryRolloutStore export and restore', () => {
  it('a restored store holds the same records, timelines, endpoint locks, claims and pending approvals', async () => {
    const store = new MemoryRolloutStore();
    await store.create(storedRecord('r-a'), [note('r-a', 0)]);
    await store.save(storedRecord('r-a', { version: 2 }), 1, [note('r-a', 1)]);
    await store.create(storedRecord('r-b', { endpointName: 'fraud-prod' }), [note('r-b', 0)]);
    await store.save(
      storedRecord('r-b', { endpointName: 'fraud-prod', version: 2, status: 'succeeded', active: false }),
      1,
      [],
    );
    await store.claimEvent('approval#x', 5_000, 1_000);
    const approval = {
      endpointName: 'churn-prod',
      modelPackageArn: 'arn:p/3',
      requestedBy: 'registry',
      at: 7,
    };
    await store.setPendingApproval(approval);

    const restored = MemoryRolloutStore.restore(
      JSON.parse(JSON.stringify(store.exportState())),
      'world.json',
    );
    expect(await restored.list()).toEqual(await store.list());
    expect(await restored.timeline('r-a')).toEqual([note('r-a', 0), note('r-a', 1)]);
    expect((await restored.activeForEndpoint('churn-prod'))?.id).toBe('r-a');
    expect(await restored.activeForEndpoint('fraud-prod')).toBeUndefined();
    expect(await restored.claimEvent('approval#x', 9_000, 2_000)).toBe(false); // still claimed
    expect(await restored.listPendingApprovals()).toEqual([approval]);
    // and it goes on as a store: the version check holds across the restore
    await expect(restored.save(storedRecord('r-a', { version: 3 }), 1, [])).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
  });

  it('a damaged export is STORE_CORRUPT naming where it was read from', () => {
    const store = new MemoryRolloutStore();
    const state = store.exportState();
    const bad = { ...state, records: [{ id: 'r-a', status: 'running' }] };
    expect(() => MemoryRolloutStore.restore(bad as never, 'world.json')).toThrow(SmRolloutError);
    expect(() => MemoryRolloutStore.restore(bad as never, 'world.json')).toThrow(
      /rollout r-a in world\.json is damaged/,
    );
    expect(() => MemoryRolloutStore.restore({} as never, 'world.json')).toThrow(
      'the rollout store in world.json is damaged: bad records',
    );
  });
});
