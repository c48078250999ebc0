// What an operator does mid-rollout: abort, pause and resume; and the maximum duration that
// protects a rollout nobody attends to.
import {
  ENDPOINT,
  expectBackOnOriginal,
  expectNothingLeaked,
  expectTrafficAlwaysServed,
  isBakingAt,
  startScenario,
  type Scenario,
  type Step,
} from './harness';

async function expectRolledBack(s: Scenario, final: Step, reason: RegExp): Promise<void> {
  expect(final.record.status).toBe('rolledBack');
  expect(final.record.reason).toMatch(reason);
  expectBackOnOriginal(s.env);
  expectNothingLeaked(s.env);
  expectTrafficAlwaysServed(s.env);
  const timeline = await s.timeline();
  expect(timeline.find((e) => e.kind === 'rollbackStarted')?.message).toMatch(reason);
  expect(timeline.at(-1)?.kind).toBe('rolledBack');
  expect(timeline.at(-1)?.message).toMatch(reason);
  expect(await s.env.store.activeForEndpoint(ENDPOINT)).toBeUndefined();
}

describe('abort', () => {
  it('during a bake rolls back, and the reason says who aborted', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    let aborted = false;
    const final = await s.run({
      between: async (result) => {
        if (aborted || !isBakingAt(result, 10)) return;
        aborted = true;
        return s.command({ type: 'ABORT', by: 'alice', note: 'latency looks off' });
      },
    });
    expect(aborted).toBe(true);
    await expectRolledBack(s, final, /aborted by alice: latency looks off/);
  });

  it('at a manual gate rolls back, and the reason says who aborted', async () => {
    const s = await startScenario({ strategy: '10%,2m,pause,50%,2m' });
    let aborted = false;
    const final = await s.run({
      between: async (result) => {
        if (aborted || result.view.status !== 'awaitingPromotion') return;
        aborted = true;
        return s.command({ type: 'ABORT', by: 'bob' });
      },
    });
    expect(aborted).toBe(true);
    await expectRolledBack(s, final, /aborted by bob/);
  });

  it('while paused rolls back', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    let step: 'pause' | 'abort' | 'done' = 'pause';
    const final = await s.run({
      between: async (result) => {
        if (step === 'pause' && isBakingAt(result, 10)) {
          step = 'abort';
          return s.command({ type: 'PAUSE', by: 'carol' });
        }
        if (step === 'abort' && result.view.status === 'paused') {
          step = 'done';
          return s.command({ type: 'ABORT', by: 'carol' });
        }
      },
    });
    expect(step).toBe('done');
    await expectRolledBack(s, final, /aborted by carol/);
  });

  it('is refused once the rollout has ended, with the reason', async () => {
    const s = await startScenario({ strategy: 'AllAtOnce' });
    await s.run();
    await expect(s.command({ type: 'ABORT', by: 'alice' })).rejects.toMatchObject({
      code: 'COMMAND_REJECTED',
      message: expect.stringMatching(/already ended \(succeeded\)/),
    });
  });
});

describe('pause and resume', () => {
  it('pausing during a bake holds the traffic; resuming continues with the bake time that was left, then succeeds', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    const marks: { pausedAt?: number; remaining?: number; resumedAt?: number; resumed?: Step } = {};
    const final = await s.run({
      between: async (result) => {
        const now = s.env.sim.clock.now();
        // Pause about 2 minutes into the 5-minute bake.
        if (
          marks.pausedAt === undefined &&
          isBakingAt(result, 10) &&
          result.view.bakeUntil! - now <= 3 * 60_000
        ) {
          marks.pausedAt = now;
          marks.remaining = result.view.bakeUntil! - now;
          const paused = await s.command({ type: 'PAUSE', by: 'dana' });
          expect(paused.view.status).toBe('paused');
          expect(paused.view.phase).toMatch(/paused by dana .* 10%/);
          return paused;
        }
        if (
          marks.pausedAt !== undefined &&
          marks.resumedAt === undefined &&
          now - marks.pausedAt >= 20 * 60_000
        ) {
          expect(result.view.status).toBe('paused');
          marks.resumedAt = now;
          marks.resumed = await s.command({ type: 'RESUME', by: 'dana' });
          return marks.resumed;
        }
      },
    });
    expect(final.record.status).toBe('succeeded');
    expect(marks.resumed).toBeDefined();
    // The bake resumes with what was left of it, not from scratch nor already over.
    expect(marks.resumed!.view.bakeUntil).toBe(marks.resumedAt! + marks.remaining!);
    const timeline = await s.timeline();
    const completed = timeline.find((e) => e.kind === 'bakeCompleted')!;
    expect(completed.at).toBeGreaterThanOrEqual(marks.resumedAt! + marks.remaining!);
    expect(completed.at).toBeLessThanOrEqual(marks.resumedAt! + marks.remaining! + 60_000);
    // Nothing moved while paused.
    const changes = s.env.sim.servingHistory.filter((c) => c.at > marks.pausedAt! && c.at < marks.resumedAt!);
    expect(changes).toEqual([]);
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['paused', 'resumed']));
    expect(s.env.lifecycle.published.map((e) => e.detailType)).toEqual(
      expect.arrayContaining(['Rollout Paused', 'Rollout Resumed', 'Rollout Succeeded']),
    );
    expectTrafficAlwaysServed(s.env);
  });
});

describe('maximum duration', () => {
  it('a manual gate nobody promotes rolls back once maxDuration has passed, with a timeout reason', async () => {
    const s = await startScenario({ strategy: '10%,1m,pause', maxDuration: '30m' });
    const startedAt = s.started.record.createdAt;
    const final = await s.run();
    await expectRolledBack(s, final, /exceeded the maximum rollout duration \(30 min\)/);
    const started = (await s.timeline()).find((e) => e.kind === 'rollbackStarted')!;
    expect(started.at).toBeGreaterThanOrEqual(startedAt + 30 * 60_000);
    expect(started.at).toBeLessThanOrEqual(startedAt + 31 * 60_000);
  });
});
