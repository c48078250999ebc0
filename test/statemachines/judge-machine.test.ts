// The judge in the rollout machine: it looks every judge.intervalMs while a step holds (alarms keep
// their own pace), a critical fail rolls back at once with the numbers, a step's end follows the
// verdicts (pass proceeds; inconclusive follows onInconclusive), a dry run never acts, and it stays
// silent — saying so once — when the baseline has no traffic or the host cannot read metrics.
import { compilePlan } from '../../src/plan';
import type { JudgeConfig, JudgeInput, MetricVerdict } from '../../statemachines/contract';
import { describeFact, type TimelineNote } from '../../statemachines/facts';
import { FakeCloud, MINUTE, Rollout, rolloutInput, type Snapshot } from './fake-cloud';
import { BUILT_IN_JUDGE_METRICS } from '../../src/engine/judge-settings';

const JUDGE: JudgeConfig = {
  // The policy's defaults: errors and latency (p99), both critical, tolerance 0.5.
  metrics: [BUILT_IN_JUDGE_METRICS.errors, BUILT_IN_JUDGE_METRICS.latency],
  alpha: 0.01,
  onInconclusive: 'proceed',
  dryRun: false,
  periodSeconds: 10,
  intervalMs: 10_000,
};

function verdict(
  metric: string,
  v: MetricVerdict['verdict'],
  overrides: Partial<MetricVerdict> = {},
): MetricVerdict {
  return {
    metric,
    verdict: v,
    critical: true,
    direction: 'increase',
    tolerance: 0.5,
    ratio: v === 'fail' ? 98.2 : 1.02,
    interval: v === 'fail' ? [12.4, null] : v === 'pass' ? [0.61, 1.38] : [0.2, 6.5],
    candidate: { events: v === 'fail' ? 24 : 1, requests: 120 },
    baseline: { events: 2, requests: 1080 },
    ...overrides,
  };
}

const at10 = (s: Snapshot) =>
  s.matches({ live: { flow: 'baking' } } as never) && s.context.candidateWeight === 10;

async function start(strategy: string, judge: Partial<JudgeConfig> | undefined, cloud = new FakeCloud()) {
  const notes: TimelineNote[] = [];
  const r = await Rollout.start(
    cloud,
    rolloutInput(compilePlan(strategy), judge === undefined ? {} : { judge: { ...JUDGE, ...judge } }),
  );
  r.actor.on('timeline', (n) => notes.push(n as TimelineNote));
  return { r, cloud, notes, judged: () => notes.filter((n) => n.fact.kind === 'judged') };
}

describe('the judge while a bake holds', () => {
  it('looks every 10 s from the candidate’s first traffic, but reads alarms only every alarm poll interval', async () => {
    const { r, cloud } = await start('Canary10Percent5Minutes', {});
    await r.tickUntil(at10);
    const bakeStart = r.snapshot.context.now;
    await r.tickUntil((s) => s.context.now >= bakeStart + 2 * MINUTE);
    const inBake = (effect: string) =>
      cloud.calls.filter((c) => c.effect === effect && c.at > bakeStart && c.at <= bakeStart + 2 * MINUTE);
    expect(inBake('judge').length).toBeGreaterThanOrEqual(11);
    expect(inBake('judge').length).toBeLessThanOrEqual(13);
    expect(inBake('readAlarms').length).toBeLessThanOrEqual(3);
    const input = cloud.calls.find((c) => c.effect === 'judge');
    expect(input).toBeDefined();
  });

  it('passes the effect both variants, the first traffic time and the look’s time', async () => {
    const cloud = new FakeCloud();
    const seen: JudgeInput[] = [];
    const inconclusive = cloud.judge;
    cloud.judge = (input, n) => {
      seen.push(input);
      return inconclusive(input, n);
    };
    const { r } = await start('Canary10Percent5Minutes', {}, cloud);
    await r.tickUntil(at10);
    const firstTraffic = r.snapshot.context.firstTrafficAt!;
    await r.tick();
    await r.tick();
    expect(seen.at(-1)).toMatchObject({
      endpointName: r.input.endpointName,
      candidateVariant: r.input.names.candidateVariant,
      baselineVariant: 'AllTraffic',
      firstTrafficAt: firstTraffic,
      now: r.snapshot.context.now,
    });
  });

  it('a critical fail rolls back at once, with the numbers on the timeline and in the reason', async () => {
    const cloud = new FakeCloud();
    const { r, judged, notes } = await start('Canary10Percent30Minutes', {}, cloud);
    await r.tickUntil(at10);
    cloud.judge = () => ({
      from: 0,
      to: 0,
      verdicts: [verdict('errors', 'fail'), verdict('latency', 'inconclusive')],
    });
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toMatchObject({
      kind: 'judge',
      metric: 'errors',
      verdict: { ratio: 98.2 },
    });
    const last = judged().at(-1)!;
    expect(last.fact).toMatchObject({ decision: 'rollback' });
    const text = describeFact(last.fact);
    expect(text).toContain('errors');
    expect(text).toContain('24 of 120 requests (20.0%)');
    expect(notes.some((n) => n.fact.kind === 'rollbackStarted' && describeFact(n.fact).includes('98'))).toBe(
      true,
    );
    // Rolled back within one judge interval of the failing look.
    const failingLook = cloud.calls.filter((c) => c.effect === 'judge').at(-1)!.at;
    const restore = cloud.calls.find((c) => c.effect === 'apply' && c.purpose === 'restore')!.at;
    expect(restore - failingLook).toBeLessThan(10_000);
  });

  it('a dry run records the fail but never acts', async () => {
    const cloud = new FakeCloud();
    const { r, judged } = await start('Canary10Percent5Minutes', { dryRun: true }, cloud);
    await r.tickUntil(at10);
    cloud.judge = () => ({
      from: 0,
      to: 0,
      verdicts: [verdict('errors', 'fail'), verdict('latency', 'pass')],
    });
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(
      judged().some(
        (n) => n.fact.kind === 'judged' && n.fact.dryRun && n.fact.verdicts[0]!.verdict === 'fail',
      ),
    ).toBe(true);
    expect(describeFact(judged()[0]!.fact)).toContain('dry run');
  });

  it('tells the timeline when a verdict changes and when the step ends, not at every look', async () => {
    const cloud = new FakeCloud();
    const { r, judged } = await start('Canary10Percent5Minutes', {}, cloud);
    await r.tickUntil(at10);
    const judgeLooks = () => cloud.calls.filter((c) => c.effect === 'judge').length;
    await r.tickUntil(() => judgeLooks() >= 10);
    cloud.judge = () => ({
      from: 0,
      to: 0,
      verdicts: [verdict('errors', 'pass'), verdict('latency', 'pass')],
    });
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(cloud.calls.filter((c) => c.effect === 'judge').length).toBeGreaterThan(25);
    // The change from inconclusive to pass, and the bake's end (pass); not the 25-odd looks between.
    expect(judged().map((n) => (n.fact.kind === 'judged' ? n.fact.decision : ''))).toEqual(['hold', 'pass']);
  });
});

describe('at the end of a bake', () => {
  it('inconclusive proceeds by default', async () => {
    const { r, judged } = await start('Canary10Percent5Minutes', {});
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(judged().at(-1)!.fact).toMatchObject({ decision: 'proceed' });
  });

  it('inconclusive pauses when the policy says pause; resume proceeds past that step', async () => {
    const { r, notes } = await start('Canary10Percent5Minutes', { onInconclusive: 'pause' });
    const paused = await r.tickUntil((s) => s.matches({ live: 'paused' } as never));
    expect(paused.context.pausedBy).toBe('judge');
    expect(paused.context.candidateWeight).toBe(10);
    const pausedNote = notes.find((n) => n.fact.kind === 'paused')!;
    expect(pausedNote.lifecycle).toBe('Rollout Paused');
    expect(describeFact(pausedNote.fact)).toContain('judge');
    for (let i = 0; i < 5; i++) await r.tick();
    expect(r.snapshot.matches({ live: 'paused' } as never)).toBe(true);
    await r.send({ type: 'RESUME', now: r.cloud.now + 1, by: 'alice' });
    expect((await r.tickUntil()).value).toBe('succeeded');
  });

  it('inconclusive rolls back when the policy says rollback', async () => {
    const { r } = await start('Canary10Percent5Minutes', { onInconclusive: 'rollback' });
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toMatchObject({ kind: 'judge', metric: 'errors' });
  });

  it('all pass proceeds even when the policy would pause an inconclusive step', async () => {
    const cloud = new FakeCloud();
    cloud.judge = () => ({
      from: 0,
      to: 0,
      verdicts: [verdict('errors', 'pass'), verdict('latency', 'pass')],
    });
    const { r } = await start('Canary10Percent5Minutes', { onInconclusive: 'pause' }, cloud);
    expect((await r.tickUntil()).value).toBe('succeeded');
  });
});

describe('when the judge cannot judge', () => {
  it('does not judge the final bake at 100% (no baseline traffic), and says so once', async () => {
    const cloud = new FakeCloud();
    const { r, notes } = await start('Canary10Percent5Minutes', { onInconclusive: 'pause' }, cloud);
    await r.tickUntil((s) => s.matches({ live: 'paused' } as never));
    await r.send({ type: 'RESUME', now: r.cloud.now + 1, by: 'alice' });
    const at100 = await r.tickUntil((s) => s.context.candidateWeight === 100);
    const looksBefore = cloud.calls.filter((c) => c.effect === 'judge').length;
    expect(at100.context.candidateWeight).toBe(100);
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(cloud.calls.filter((c) => c.effect === 'judge').length).toBe(looksBefore);
    const skipped = notes.filter((n) => n.fact.kind === 'judgeSkipped');
    expect(skipped).toHaveLength(1);
    expect(describeFact(skipped[0]!.fact)).toContain('baseline takes no traffic');
  });

  it('a host without a metric reader: the timeline says why once, alarms still guard, the rollout goes on', async () => {
    const cloud = new FakeCloud();
    cloud.judge = () => {
      throw Object.assign(new Error('the judge cannot read metrics: no MetricReader'), {
        code: 'INVALID_INPUT',
      });
    };
    const { r, notes } = await start('Canary10Percent5Minutes', {}, cloud);
    expect((await r.tickUntil()).value).toBe('succeeded');
    const skipped = notes.filter((n) => n.fact.kind === 'judgeSkipped');
    expect(skipped.map((n) => describeFact(n.fact))).toContainEqual(
      expect.stringContaining('no MetricReader'),
    );
    expect(skipped.filter((n) => describeFact(n.fact).includes('MetricReader'))).toHaveLength(1);
    expect(cloud.calls.filter((c) => c.effect === 'readAlarms').length).toBeGreaterThan(3);
  });

  it('without a judge the machine never looks', async () => {
    const { r, cloud } = await start('Canary10Percent5Minutes', undefined);
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(cloud.calls.some((c) => c.effect === 'judge')).toBe(false);
  });
});

describe('an analysis step', () => {
  const analysing = (s: Snapshot) => s.matches({ live: { flow: 'analysing' } } as never);

  it('ends as soon as every metric passes, long before its time', async () => {
    const cloud = new FakeCloud();
    const { r, judged } = await start('10%,analysis(30m),50%,5m', {}, cloud);
    const holding = await r.tickUntil(analysing);
    const until = holding.context.bakeUntil!;
    expect(until - holding.context.now).toBe(30 * MINUTE);
    await r.tick();
    await r.tick();
    cloud.judge = () => ({
      from: 0,
      to: 0,
      verdicts: [verdict('errors', 'pass'), verdict('latency', 'pass')],
    });
    const next = await r.tickUntil((s) => s.context.candidateWeight === 50);
    expect(next.context.now).toBeLessThan(until - 25 * MINUTE);
    expect(judged().some((n) => n.fact.kind === 'judged' && n.fact.decision === 'pass')).toBe(true);
  });

  it('inconclusive at its end follows onInconclusive like a bake', async () => {
    const { r } = await start('10%,analysis(10m)', { onInconclusive: 'pause' });
    const paused = await r.tickUntil((s) => s.matches({ live: 'paused' } as never));
    expect(paused.context.pausedBy).toBe('judge');
    expect(paused.context.candidateWeight).toBe(10);
  });
});
