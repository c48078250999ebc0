// The file store beyond the shared contract: what it does with files damaged or left behind outside it.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SmRolloutError } from '../../src/errors';
import { FileRolloutStore } from '../../src/store';
import { storedRecord } from './records';

async function rejection(promise: Promise<unknown>): Promise<SmRolloutError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof SmRolloutError) return error;
  throw new Error(`expected an SmRolloutError, got ${String(error)}`);
}

describe('FileRolloutStore', () => {
  let dir: string;
  let store: FileRolloutStore;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-file-store-'));
    store = new FileRolloutStore(dir);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  const recordFile = (id: string) => path.join(dir, 'rollouts', `${id}.json`);

  it('a record file that is not JSON is STORE_CORRUPT naming the file, not a SyntaxError', async () => {
    await store.create(storedRecord('r-a'), []);
    await fs.writeFile(recordFile('r-a'), '{"id": "r-a", "status": ');
    for (const read of [store.get('r-a'), store.activeForEndpoint('churn-prod')]) {
      const error = await rejection(read);
      expect(error.code).toBe('STORE_CORRUPT');
      expect(error.message).toContain(`rollout r-a in file ${recordFile('r-a')} is damaged: not valid JSON`);
    }
  });

  it('a damaged record is left out of lists and reported, so the other rollouts still advance', async () => {
    const reported: string[] = [];
    store = new FileRolloutStore(dir, undefined, (error) => reported.push(error.message));
    await store.create(storedRecord('r-a'), []);
    await store.create(storedRecord('r-b', { endpointName: 'fraud-prod' }), []);
    await fs.writeFile(recordFile('r-a'), '{"id": "r-a", "status": ');
    expect((await store.list()).map((r) => r.id)).toEqual(['r-b']);
    expect((await store.listDue(Number.MAX_SAFE_INTEGER)).map((r) => r.id)).toEqual(['r-b']);
    expect(reported).toHaveLength(2);
    expect(reported[0]).toContain(`rollout r-a in file ${recordFile('r-a')} is damaged: not valid JSON`);
  });

  it('a record file missing a field is STORE_CORRUPT naming the file and the field', async () => {
    await store.create(storedRecord('r-a'), []);
    const { endpointName: _gone, ...damaged } = storedRecord('r-a');
    await fs.writeFile(recordFile('r-a'), JSON.stringify(damaged));
    const error = await rejection(store.get('r-a'));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(`file ${recordFile('r-a')}`);
    expect(error.message).toContain('endpointName:');
  });

  it('a damaged timeline line is STORE_CORRUPT naming the file and line', async () => {
    await store.create(storedRecord('r-a'), [
      { rolloutId: 'r-a', seq: 0, at: 1, kind: 'note', message: 'first' },
    ]);
    await fs.appendFile(path.join(dir, 'timelines', 'r-a.jsonl'), '{"rolloutId":"r-a","seq":1,\n');
    const error = await rejection(store.timeline('r-a'));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(`${path.join(dir, 'timelines', 'r-a.jsonl')}, line 2`);
  });

  it('a record written before `active` existed reads back with it, derived from its status', async () => {
    await store.create(storedRecord('r-a'), []);
    const { active: _running, ...legacy } = storedRecord('r-a');
    await fs.writeFile(recordFile('r-a'), JSON.stringify(legacy));
    expect(await store.get('r-a')).toEqual(storedRecord('r-a'));
    const { active: _done, ...legacyDone } = storedRecord('r-a', { status: 'succeeded' });
    await fs.writeFile(recordFile('r-a'), JSON.stringify(legacyDone));
    expect((await store.get('r-a'))?.active).toBe(false);
    expect(await store.listDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it("ages another process's write lock with its clock: a stale one is taken over, a fresh one waited for", async () => {
    let now = 1_000_000;
    store = new FileRolloutStore(dir, { now: () => now });
    await store.create(storedRecord('r-a'), []);
    const lock = path.join(dir, 'rollouts', 'r-a.writing');
    await fs.writeFile(lock, JSON.stringify({ pid: 1, at: now - 30_001 }));
    await store.save(storedRecord('r-a', { version: 2 }), 1, []);
    expect((await store.get('r-a'))?.version).toBe(2);
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });

    await fs.writeFile(lock, JSON.stringify({ pid: 1, at: now }));
    const saving = store.save(storedRecord('r-a', { version: 3 }), 2, []);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await store.get('r-a'))?.version).toBe(2);
    now += 30_001; // the holder died: while the save waits, its lock goes stale
    await saving;
    expect((await store.get('r-a'))?.version).toBe(3);
  });

  describe('a process that died between two writes leaves a store the next call repairs', () => {
    const timelineFile = () => path.join(dir, 'timelines', 'r-a.jsonl');
    const note = (seq: number, message: string) => ({
      rolloutId: 'r-a',
      seq,
      at: 1000 + seq,
      kind: 'note' as const,
      message,
    });
    /** The pid of a process that has exited. */
    const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

    it('a save that died after its timeline lines, before its record: the retry is the timeline, each entry once', async () => {
      await store.create(storedRecord('r-a', { timelineLength: 1 }), [note(0, 'started')]);
      await fs.appendFile(timelineFile(), JSON.stringify(note(1, 'from the save that died')) + '\n');
      expect((await store.get('r-a'))?.version).toBe(1); // the record never moved on
      await store.save(storedRecord('r-a', { version: 2, timelineLength: 2 }), 1, [
        note(1, 'from the retry'),
      ]);
      expect((await store.timeline('r-a')).map((e) => e.message)).toEqual(['started', 'from the retry']);
    });

    it('lines of a save that died are not the timeline, even when the retry writes fewer', async () => {
      await store.create(storedRecord('r-a', { timelineLength: 1 }), [note(0, 'started')]);
      for (const seq of [1, 2, 3]) {
        await fs.appendFile(timelineFile(), JSON.stringify(note(seq, `died ${seq}`)) + '\n');
      }
      expect((await store.timeline('r-a')).map((e) => e.message)).toEqual(['started']);
      await store.save(storedRecord('r-a', { version: 2, timelineLength: 2 }), 1, [
        note(1, 'from the retry'),
      ]);
      expect((await store.timeline('r-a')).map((e) => e.message)).toEqual(['started', 'from the retry']);
    });

    it('a create that died after taking the endpoint lock: the lock is taken over once it is old', async () => {
      const lock = path.join(dir, 'locks', 'churn-prod.lock');
      await fs.mkdir(path.dirname(lock), { recursive: true });
      await fs.writeFile(lock, 'r-dead');
      const fresh = await rejection(store.create(storedRecord('r-a'), []));
      expect(fresh.code).toBe('ROLLOUT_ACTIVE'); // a create may still be under way
      const old = new Date(Date.now() - 10 * 60_000);
      await fs.utimes(lock, old, old);
      await store.create(storedRecord('r-a'), [note(0, 'started')]);
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-a');
    });

    it('a final save that died before removing the endpoint lock: the next create takes it over at once', async () => {
      await store.create(storedRecord('r-a'), []);
      await fs.writeFile(
        recordFile('r-a'),
        JSON.stringify(storedRecord('r-a', { status: 'succeeded', active: false })),
      );
      await store.create(storedRecord('r-b'), []);
      expect((await store.activeForEndpoint('churn-prod'))?.id).toBe('r-b');
    });

    it('a write lock whose process is gone is taken over at once, not after the stale age', async () => {
      await store.create(storedRecord('r-a'), []);
      const lock = path.join(dir, 'rollouts', 'r-a.writing');
      await fs.writeFile(lock, JSON.stringify({ pid: deadPid(), host: os.hostname(), at: Date.now() }));
      const started = Date.now();
      await store.save(storedRecord('r-a', { version: 2 }), 1, []);
      expect((await store.get('r-a'))?.version).toBe(2);
      expect(Date.now() - started).toBeLessThan(5_000); // a live holder is waited for up to 10 s
    });
  });
});
