// Precise wake-ups from the controller's side: a bake asks for one wake-up, at its end; the wake-up that
// arrives when the rollout is due ticks it on, and one that finds it not due (a duplicate, or the schedule
// got there first), ended or unknown does nothing; one that arrives early is sent on while that bake still
// ends then. Lost or failed sends (a crash between the save and SendMessage) leave the one-minute schedule
// to carry the rollout.
import { isTerminal } from '../../statemachines/describe';
import { startScenario, isBakingAt, type Scenario } from '../scenarios/harness';

const MINUTE = 60_000;

async function bakingAt10(): Promise<Scenario> {
  const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
  await s.env.bridge.runUntil(async () => isBakingAt(await s.current(), 10), 30);
  return s;
}

const wakeUpsOf = (s: Scenario) =>
  s.env.wakeUpQueue!.sent.map((m) => ({
    ...(JSON.parse(m.body) as { wakeAt: number }),
    at: m.at,
    delaySeconds: m.delaySeconds,
  }));

const weightCalls = (s: Scenario) =>
  s.env.sim.calls.filter(
    (c) => c.operation === 'UpdateEndpointWeightsAndCapacities' && c.outcome !== 'error',
  );

describe('a bake asks for a wake-up at its end', () => {
  it('once, when the bake begins, with the whole seconds until then; the endpoint update before it asked for none', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    // Deploying the transition config, then shifting to 10%: polls and events, no wake-up.
    await s.env.bridge.runUntil(async () => (await s.current()).record.progress?.watching === true, 30);
    const baking = await s.current();
    expect(isBakingAt(baking, 10)).toBe(true);
    const bakeUntil = baking.view.bakeUntil!;
    expect(wakeUpsOf(s)).toEqual([
      {
        rolloutId: s.id,
        wakeAt: bakeUntil,
        at: expect.any(Number),
        delaySeconds: expect.any(Number),
      },
    ]);
    const [sent] = wakeUpsOf(s);
    expect(sent!.delaySeconds).toBe(Math.ceil((bakeUntil - sent!.at) / 1000));
    expect(bakeUntil - sent!.at).toBe(5 * MINUTE);

    // The alarm reads while it bakes (each minute, by the schedule) ask for nothing more.
    await s.env.bridge.minute();
    await s.env.bridge.minute();
    expect(isBakingAt(await s.current(), 10)).toBe(true);
    expect(wakeUpsOf(s)).toHaveLength(1);
  });
});

describe('a paused bake', () => {
  it('asks again when it resumes, for the end of the time it had left', async () => {
    const s = await bakingAt10();
    const first = (await s.current()).view.bakeUntil!;
    s.env.sim.clock.advanceTo(first - 3 * MINUTE);
    await s.command({ type: 'PAUSE', by: 'alice' });
    expect(wakeUpsOf(s).map((w) => w.wakeAt)).toEqual([first]);
    s.env.sim.clock.advanceTo(first + 10 * MINUTE);
    const resumed = await s.command({ type: 'RESUME', by: 'alice' });
    expect(resumed.view.bakeUntil).toBe(first + 10 * MINUTE + 3 * MINUTE);
    expect(wakeUpsOf(s).map((w) => w.wakeAt)).toEqual([first, first + 13 * MINUTE]);
  });
});

describe('RolloutController.wake', () => {
  it('due: ticks the rollout at the end of its bake, on to the next step at once', async () => {
    const s = await bakingAt10();
    const bakeUntil = (await s.current()).view.bakeUntil!;
    s.env.sim.clock.advanceTo(bakeUntil);
    const before = weightCalls(s).length;
    const outcome = await s.env.controller.wake(s.id, bakeUntil);
    expect(outcome).toMatchObject({ action: 'advanced', rolloutId: s.id });
    const shifts = weightCalls(s).slice(before);
    expect(shifts.map((c) => c.at)).toEqual([bakeUntil]);
    expect((await s.timeline()).map((e) => e.kind)).toContain('bakeCompleted');
  });

  it('a duplicate of a wake-up already handled does nothing: no AWS call, no save', async () => {
    const s = await bakingAt10();
    const bakeUntil = (await s.current()).view.bakeUntil!;
    s.env.sim.clock.advanceTo(bakeUntil);
    await s.env.controller.wake(s.id, bakeUntil);
    const { version } = (await s.current()).record;
    const calls = s.env.sim.calls.length;
    const duplicate = await s.env.controller.wake(s.id, bakeUntil);
    expect(duplicate).toMatchObject({
      action: 'ignored',
      reason: expect.stringMatching(/stale or duplicate/),
    });
    expect(s.env.sim.calls.length).toBe(calls);
    expect((await s.current()).record.version).toBe(version);
  });

  it('stale: the schedule advanced the rollout first, so its wake-up does nothing', async () => {
    const s = await bakingAt10();
    const bakeUntil = (await s.current()).view.bakeUntil!;
    s.env.sim.clock.advanceTo(bakeUntil);
    const report = await s.env.controller.schedule();
    expect(report.advanced).toBe(1);
    const calls = s.env.sim.calls.length;
    expect(await s.env.controller.wake(s.id, bakeUntil)).toMatchObject({ action: 'ignored' });
    expect(s.env.sim.calls.length).toBe(calls);
  });

  it('an unknown rollout and an ended one are ignored', async () => {
    const s = await startScenario({ strategy: 'AllAtOnce', finalBake: '1m' });
    expect(await s.env.controller.wake('r-nosuchrollout', s.env.sim.clock.now())).toEqual({
      action: 'ignored',
      reason: 'rollout r-nosuchrollout not found',
      rolloutId: 'r-nosuchrollout',
    });
    const final = await s.run();
    expect(isTerminal(final.record.status)).toBe(true);
    expect(await s.env.controller.wake(s.id, s.env.sim.clock.now())).toMatchObject({
      action: 'ignored',
      reason: `rollout ${s.id} has ended (succeeded)`,
    });
  });

  it('early (a bake longer than the 15 minutes SQS holds a message): sent on for the rest, while that bake still ends then', async () => {
    const s = await bakingAt10();
    const bakeUntil = (await s.current()).view.bakeUntil!;
    s.env.sim.clock.advanceTo(bakeUntil - 90_500);
    const sent = wakeUpsOf(s).length;
    const { version } = (await s.current()).record;
    expect(await s.env.controller.wake(s.id, bakeUntil)).toMatchObject({
      action: 'ignored',
      reason: expect.stringMatching(/^early: waits again until /),
    });
    expect(wakeUpsOf(s).slice(sent)).toEqual([
      { rolloutId: s.id, wakeAt: bakeUntil, at: bakeUntil - 90_500, delaySeconds: 91 },
    ]);
    expect((await s.current()).record.version).toBe(version);
    // One for a time this bake does not end at (an old bake's, or garbage) is not sent on.
    expect(await s.env.controller.wake(s.id, bakeUntil + 7_000)).toMatchObject({
      action: 'ignored',
      reason: expect.stringMatching(/stale/),
    });
    expect(wakeUpsOf(s)).toHaveLength(sent + 1);
  });
});

describe('crash safety', () => {
  it('every send lost (a crash between the save and SendMessage): the schedule still ends each bake within a minute', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes', finalBake: '2m' });
    s.env.wakeUpQueue!.drop = () => true;
    const bakesEndingAt = new Set<number>();
    const final = await s.run({
      between: (step) => {
        if (step.view.bakeUntil !== undefined) bakesEndingAt.add(step.view.bakeUntil);
      },
    });
    expect(final.record.status).toBe('succeeded');
    expect(s.env.bridge.invocations.some((i) => 'Records' in i.event)).toBe(false);
    const lateness = (await s.timeline())
      .filter((e) => e.kind === 'bakeCompleted')
      .map((e) => e.at - Math.max(...[...bakesEndingAt].filter((t) => t <= e.at)));
    expect(lateness).toHaveLength(2);
    for (const late of lateness) expect(late).toBeLessThanOrEqual(MINUTE);
    // The schedule's minute, not a wake-up, noticed them.
    expect(Math.max(...lateness)).toBeGreaterThan(5_000);
  });

  it('a failed send is a warning, not a failed step; the schedule wakes the rollout instead', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes', finalBake: '2m' });
    s.env.wakeUpQueue!.scheduler.wakeAt = async () => {
      throw new Error('SendMessage was throttled by AWS; retry later');
    };
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    expect(s.env.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^could not schedule the wake-up of ${s.id} at .* \\(the one-minute schedule wakes it instead\\): SendMessage was throttled`,
        ),
      ),
      expect.stringMatching(/^could not schedule the wake-up of /),
    ]);
  });
});
