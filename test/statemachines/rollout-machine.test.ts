// The rollout machine as a user meets it: plans run to the end, alarms and aborts roll back,
// pause/resume/promote behave, failures reported by SageMaker end the right way, and a snapshot
// saved at any quiet point carries on in a new actor. Effects are scripted (FakeCloud).
import { compilePlan } from '../../src/plan';
import type { RolloutEvent } from '../../statemachines/contract';
import { explainRejection, statusOf, viewRollout } from '../../statemachines/describe';
import { isoTime } from '../../statemachines/facts';
import { BASELINE, FakeCloud, MINUTE, Rollout, rolloutInput, T0, type Snapshot } from './fake-cloud';

const GATED = '10%,5m,pause,50%,5m'; // 10%, bake 5m, gate, 50%, bake 5m, 100%, final bake 10m

function weightsShifted(cloud: FakeCloud): number[] {
  return cloud.calls.filter((c) => c.effect === 'apply' && c.purpose === 'shift').map((c) => c.at);
}

function inState(...path: string[]): (s: Snapshot) => boolean {
  return (s) =>
    s.matches(
      path.reduceRight<unknown>((acc, key) => (acc === undefined ? key : { [key]: acc }), undefined) as never,
    );
}

const baking = (step: number) => (s: Snapshot) =>
  inState('live', 'flow', 'baking')(s) && s.context.stepIndex === step - 1;
const atGate = inState('live', 'flow', 'gate');

async function start(strategy: string, cloud = new FakeCloud(), overrides = {}) {
  return Rollout.start(cloud, rolloutInput(compilePlan(strategy), overrides));
}

afterEach(() => jest.restoreAllMocks());

describe('happy paths', () => {
  it('AllAtOnce shifts to 100%, holds the final bake, promotes and cleans up', async () => {
    const cloud = new FakeCloud();
    const r = await start('AllAtOnce', cloud);
    const end = await r.tickUntil();
    expect(end.value).toBe('succeeded');
    expect(end.context.candidateWeight).toBe(100);
    const bakeStart = cloud.calls.find((c) => c.effect === 'check' && c.purpose === 'shift')!.at;
    const finalConfig = cloud.calls.find((c) => c.effect === 'apply' && c.purpose === 'final')!;
    expect(finalConfig.at - bakeStart).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(cloud.calls.map((c) => `${c.effect}${c.purpose ? `:${c.purpose}` : ''}`)).toEqual(
      expect.arrayContaining([
        'createCandidate',
        'apply:transition',
        'apply:shift',
        'createFinalConfig',
        'apply:final',
        'cleanupAfterPromotion',
      ]),
    );
    expect(cloud.calls.some((c) => c.effect === 'removeCandidate')).toBe(false);
  });

  it('a canary holds 10% for its bake before going to 100%', async () => {
    const cloud = new FakeCloud();
    const r = await start('Canary10Percent5Minutes', cloud);
    const atCanary = await r.tickUntil(baking(2));
    expect(atCanary.context.candidateWeight).toBe(10);
    expect(atCanary.context.bakeUntil! - atCanary.context.now).toBe(5 * MINUTE);
    const until = isoTime(atCanary.context.bakeUntil!);
    expect(viewRollout(atCanary).phase).toBe(`baking step 2/4 at 10% until ${until}`);
    expect((await r.tickUntil()).value).toBe('succeeded');
    const [to10, to100] = weightsShifted(cloud);
    expect(to100! - to10!).toBeGreaterThanOrEqual(5 * MINUTE);
  });

  it('linear moves 10% at a time, one bake each, then promotes', async () => {
    const cloud = new FakeCloud();
    const r = await start('Linear10PercentEvery1Minute', cloud);
    const seen: number[] = [];
    r.actor.subscribe((s) => {
      if (seen.at(-1) !== s.context.candidateWeight) seen.push(s.context.candidateWeight);
    });
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(seen).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(weightsShifted(cloud)).toHaveLength(10);
  });

  it('a manual gate waits for PROMOTE however many ticks pass', async () => {
    const r = await start(GATED);
    const gate = await r.tickUntil(atGate);
    expect(statusOf(gate)).toBe('awaitingPromotion');
    expect(gate.hasTag('waiting')).toBe(true);
    for (let i = 0; i < 5; i++) await r.tick();
    expect(atGate(r.snapshot)).toBe(true);
    expect(await r.send({ type: 'PROMOTE', now: r.cloud.now, by: 'bob' })).toBe(true);
    expect(r.snapshot.context.candidateWeight).toBe(10);
    expect((await r.tickUntil()).value).toBe('succeeded');
  });

  it('resolves the baseline itself when the host did not', async () => {
    const cloud = new FakeCloud();
    const r = await Rollout.start(cloud, rolloutInput(compilePlan('AllAtOnce'), { baseline: undefined }));
    expect(cloud.calls[0]!.effect).toBe('resolveBaseline');
    expect(r.snapshot.context.baseline).toEqual(BASELINE);
    expect((await r.tickUntil()).value).toBe('succeeded');
  });
});

describe('alarms roll back', () => {
  const where: [string, (s: Snapshot) => boolean][] = [
    ['the first bake', baking(2)],
    ['a middle bake', baking(5)],
    ['the final bake', baking(7)],
    ['the manual gate', atGate],
  ];

  async function reach(r: Rollout, at: (s: Snapshot) => boolean): Promise<void> {
    // Promote through the gate on the way to later bakes.
    await r.tickUntil((s) => at(s) || atGate(s));
    while (!at(r.snapshot) && r.snapshot.status === 'active') {
      await r.send({ type: 'PROMOTE', now: r.cloud.now, by: 'bob' });
      await r.tickUntil((s) => at(s) || atGate(s));
    }
  }

  async function expectAlarmRollback(r: Rollout, cloud: FakeCloud) {
    expect(statusOf(r.snapshot)).toBe('rollingBack');
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toMatchObject({ kind: 'alarm', alarmName: 'churn-5xx' });
    expect(cloud.calls.filter((c) => c.effect === 'apply').map((c) => c.purpose)).toEqual(
      expect.arrayContaining(['restore', 'revert']),
    );
    expect(cloud.calls.at(-1)!.effect).toBe('removeCandidate');
    expect(cloud.calls.some((c) => c.purpose === 'final')).toBe(false);
  }

  it.each(where)('ALARM_FIRED during %s', async (_label, at) => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud);
    await reach(r, at);
    expect(at(r.snapshot)).toBe(true);
    await r.send({
      type: 'ALARM_FIRED',
      now: cloud.now,
      alarmName: 'churn-5xx',
      stateReason: 'Threshold Crossed',
    });
    await expectAlarmRollback(r, cloud);
    expect(viewRollout(r.snapshot).reason).toBe('alarm churn-5xx fired: Threshold Crossed');
  });

  it.each(where)('a firing alarm read on TICK during %s', async (_label, at) => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud);
    await reach(r, at);
    expect(at(r.snapshot)).toBe(true);
    cloud.readAlarms = () => ({
      firing: [
        {
          alarmName: 'churn-5xx',
          stateReason: 'Threshold Crossed',
          datapoints: [7.5],
          threshold: 5,
        },
      ],
      states: [{ alarmName: 'churn-5xx', state: 'ALARM' }],
    });
    await r.tick(cloud.now + 1000);
    await expectAlarmRollback(r, cloud);
    expect(r.snapshot.context.rollbackReason).toMatchObject({ datapoints: [7.5], threshold: 5 });
  });

  it('while a user has paused the rollout (event and TICK)', async () => {
    for (const how of ['event', 'tick'] as const) {
      const cloud = new FakeCloud();
      const r = await start(GATED, cloud);
      await r.tickUntil(baking(2));
      await r.send({ type: 'PAUSE', now: cloud.now + 1000, by: 'carol' });
      expect(statusOf(r.snapshot)).toBe('paused');
      if (how === 'event') {
        await r.send({
          type: 'ALARM_FIRED',
          now: cloud.now,
          alarmName: 'churn-5xx',
          stateReason: 'Threshold Crossed',
        });
      } else {
        cloud.readAlarms = () => ({ firing: [{ alarmName: 'churn-5xx', stateReason: 'x' }], states: [] });
        await r.tick(cloud.now + 1000);
      }
      await expectAlarmRollback(r, cloud);
    }
  });

  it('an alarm that fires while the transition config deploys rolls back too', async () => {
    const cloud = new FakeCloud();
    cloud.check = () => ({ phase: 'inProgress', status: 'Updating' });
    const r = await start(GATED, cloud);
    expect(r.snapshot.matches('deployingTransition')).toBe(true);
    cloud.check = (c) => ({ phase: 'ready', status: 'InService', endpointConfigName: c.endpointConfigName });
    await r.send({ type: 'ALARM_FIRED', now: cloud.now + 1, alarmName: 'churn-5xx', stateReason: 'boom' });
    await expectAlarmRollback(r, cloud);
  });
});

describe('the endpoint changing under a bake', () => {
  it('an InService state change is ignored, a Failed one starts the rollback at once', async () => {
    const cloud = new FakeCloud();
    const r = await start('Canary10Percent5Minutes', cloud);
    await r.tickUntil(baking(2));
    expect(await r.send({ type: 'ENDPOINT_CHANGED', now: cloud.now + 1, status: 'InService' })).toBe(false);
    expect(baking(2)(r.snapshot)).toBe(true);
    await r.send({ type: 'ENDPOINT_CHANGED', now: cloud.now + 2, status: 'Failed' });
    expect(r.snapshot.matches('rollingBack') || r.snapshot.status === 'done').toBe(true);
    expect(r.snapshot.context.rollbackReason).toEqual({
      kind: 'failure',
      code: 'UPDATE_FAILED',
      message: 'endpoint churn became Failed during the rollout',
    });
  });
});

describe('waiting for an endpoint update', () => {
  /** A rollout whose transition UpdateEndpoint was sent at T0 and never finishes. */
  async function stuckUpdating(overrides = {}) {
    const cloud = new FakeCloud();
    cloud.check = () => ({ phase: 'inProgress', status: 'Updating' });
    const r = await start('Canary10Percent5Minutes', cloud, overrides);
    expect(r.snapshot.value).toEqual({ deployingTransition: 'waiting' });
    return { cloud, r };
  }

  async function gapsBetweenLooks(r: Rollout, looks: number): Promise<number[]> {
    const gaps = [r.snapshot.context.wakeAt! - T0];
    for (let i = 0; i < looks; i++) {
      const before = r.snapshot.context.wakeAt!;
      await r.tick();
      gaps.push(r.snapshot.context.wakeAt! - before);
    }
    return gaps;
  }

  it('looks after the poll interval, then after as long as the update has taken so far, up to maxPollIntervalMs', async () => {
    const { r } = await stuckUpdating({ maxPollIntervalMs: 5 * MINUTE });
    const s = 1000;
    expect(await gapsBetweenLooks(r, 6)).toEqual([
      30 * s,
      30 * s,
      60 * s,
      120 * s,
      240 * s,
      300 * s,
      300 * s,
    ]);
  });

  it('looks every poll interval when maxPollIntervalMs is absent (a snapshot saved before it) or no longer', async () => {
    const { r } = await stuckUpdating();
    expect(new Set(await gapsBetweenLooks(r, 5))).toEqual(new Set([30_000]));
    const host = await stuckUpdating({ maxPollIntervalMs: 30_000 });
    expect(new Set(await gapsBetweenLooks(host.r, 5))).toEqual(new Set([30_000]));
  });

  it('never waits past the rollout\u2019s deadline: the deadline\u2019s tick rolls back on time', async () => {
    const { r } = await stuckUpdating({ maxPollIntervalMs: 60 * MINUTE, maxDurationMs: 10 * MINUTE });
    // Looks at 0.5, 1, 2, 4 and 8 minutes; the next would be 16 minutes in, after the deadline at 10.
    await gapsBetweenLooks(r, 5);
    expect(r.snapshot.context.wakeAt).toBe(T0 + 10 * MINUTE);
    await r.tick();
    expect(r.snapshot.matches('rollingBack') || r.snapshot.status === 'done').toBe(true);
    expect(r.snapshot.context.rollbackReason?.kind).toBe('timeout');
  });

  it('an Updating event looks at nothing; the InService event looks at once', async () => {
    const { cloud, r } = await stuckUpdating({ maxPollIntervalMs: 5 * MINUTE });
    const checks = () => cloud.calls.filter((c) => c.effect === 'check').length;
    const before = r.actor.getPersistedSnapshot();
    const updating = { type: 'ENDPOINT_CHANGED', now: T0 + 5_000, status: 'Updating' } as const;
    // A transition with neither target nor action, so can() says no; a host sends it all the same.
    expect(r.snapshot.can(updating)).toBe(false);
    r.actor.send(updating);
    await r.settle();
    expect(checks()).toBe(0);
    // Nothing changed, so the engine saves nothing either.
    expect(r.actor.getPersistedSnapshot()).toEqual(before);
    cloud.check = (change) => ({
      phase: 'ready',
      status: 'InService',
      endpointConfigName: change.endpointConfigName,
    });
    await r.send({ type: 'ENDPOINT_CHANGED', now: T0 + 6 * MINUTE, status: 'InService' });
    expect(checks()).toBe(1);
    expect(r.snapshot.matches('deployingTransition')).toBe(false);
  });
});

describe('the endpoint deleted during the rollout', () => {
  const failedForDeletion = {
    code: 'ENDPOINT_DELETED',
    message: 'endpoint churn was deleted during the rollout',
  };

  it('a Deleting event mid-bake: no traffic to restore, only what it created removed; ends failed', async () => {
    const cloud = new FakeCloud();
    const r = await start('Canary10Percent5Minutes', cloud);
    await r.tickUntil(baking(2));
    const told: string[] = [];
    r.actor.on('timeline', (note) => told.push(note.fact.kind));
    const before = cloud.calls.length;
    await r.send({ type: 'ENDPOINT_CHANGED', now: cloud.now + 1, status: 'Deleting' });
    expect(r.snapshot.value).toBe('failed');
    expect(r.snapshot.context.failure).toEqual(failedForDeletion);
    expect(r.snapshot.context.rollbackReason).toBeUndefined();
    expect(cloud.calls.slice(before).map((c) => c.effect)).toEqual(['removeCandidate']);
    expect(viewRollout(r.snapshot)).toMatchObject({
      status: 'failed',
      reason: 'endpoint churn was deleted during the rollout',
    });
    expect(told).toEqual(['endpointDeleted', 'candidateRemoved', 'failed']);
  });

  it('a shift that finds the endpoint gone goes the same way, never trying to restore traffic', async () => {
    const cloud = new FakeCloud();
    const r = await start('Linear10PercentEvery1Minute', cloud);
    await r.tickUntil(baking(2));
    cloud.apply = () => {
      throw { code: 'ENDPOINT_NOT_FOUND', message: 'endpoint churn does not exist', retryable: false };
    };
    const end = await r.tickUntil();
    expect(end.value).toBe('failed');
    expect(end.context.failure).toEqual(failedForDeletion);
    expect(cloud.calls.some((c) => c.effect === 'apply' && c.purpose === 'restore')).toBe(false);
    expect(cloud.calls.filter((c) => c.effect === 'removeCandidate')).toHaveLength(1);
  });

  it('a check that sees the endpoint gone during a rollback ends it the same way', async () => {
    const cloud = new FakeCloud();
    const r = await start('Canary10Percent5Minutes', cloud);
    await r.tickUntil(baking(2));
    cloud.check = (c) =>
      c.purpose === 'restore'
        ? { phase: 'failed', status: 'Deleted', failureReason: 'endpoint churn no longer exists' }
        : { phase: 'ready', status: 'InService', endpointConfigName: c.endpointConfigName };
    await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'alice' });
    const end = await r.tickUntil();
    expect(end.value).toBe('failed');
    expect(end.context.failure).toEqual(failedForDeletion);
    expect(viewRollout(end).reason).toBe(
      'endpoint churn was deleted during the rollout (while rolling back because aborted by alice)',
    );
    expect(cloud.calls.some((c) => c.purpose === 'revert')).toBe(false);
  });

  it('removal that is throttled is tried again; one that fails for good says what is left', async () => {
    const cloud = new FakeCloud();
    const r = await start('Canary10Percent5Minutes', cloud);
    await r.tickUntil(baking(2));
    let calls = 0;
    cloud.removeCandidate = () => {
      calls++;
      if (calls === 1) throw { code: 'THROTTLED', message: 'Rate exceeded', retryable: true };
      throw { code: 'AWS_ERROR', message: 'AccessDenied', retryable: false };
    };
    await r.send({ type: 'ENDPOINT_CHANGED', now: cloud.now + 1, status: 'Deleting' });
    expect(r.snapshot.matches({ endpointDeleted: 'waiting' })).toBe(true);
    expect(statusOf(r.snapshot)).toBe('rollingBack');
    const end = await r.tickUntil();
    expect(end.value).toBe('failed');
    expect(end.context.failure?.message).toBe(
      'endpoint churn was deleted during the rollout, and removing what the rollout created failed: AccessDenied',
    );
  });
});

describe('ABORT', () => {
  const slow = (cloud: FakeCloud, purpose?: string) => {
    const usual = cloud.check;
    cloud.check = (c, n) =>
      purpose === undefined || c.purpose === purpose
        ? { phase: 'inProgress', status: 'Updating' }
        : usual(c, n);
  };
  const ready = (cloud: FakeCloud) => {
    cloud.check = (c) => ({ phase: 'ready', status: 'InService', endpointConfigName: c.endpointConfigName });
  };
  const quietStates: [string, (r: Rollout) => Promise<void>][] = [
    ['deployingTransition.waiting', async (r) => slow(r.cloud)],
    [
      'live.flow.shifting.waiting',
      async (r) => {
        slow(r.cloud, 'shift');
        await r.tickUntil(inState('live'));
      },
    ],
    ['live.flow.baking.idle', async (r) => void (await r.tickUntil(baking(2)))],
    ['live.flow.gate.idle', async (r) => void (await r.tickUntil(atGate))],
    [
      'live.paused.idle',
      async (r) => {
        await r.tickUntil(baking(2));
        await r.send({ type: 'PAUSE', now: r.cloud.now, by: 'carol' });
      },
    ],
    [
      'promoting.deploying.waiting',
      async (r) => {
        await r.tickUntil(atGate);
        await r.send({ type: 'PROMOTE', now: r.cloud.now, by: 'bob', full: true });
        slow(r.cloud);
        await r.tick();
      },
    ],
  ];

  it.each(quietStates)('in %s rolls back with who aborted', async (path, reach) => {
    const cloud = new FakeCloud();
    // While deploying the transition config the slow cloud must apply before the first quiet point.
    if (path.startsWith('deployingTransition')) slow(cloud);
    const r = await start(GATED, cloud);
    await reach(r);
    const state = viewRollout(r.snapshot).state;
    expect(state).toBe(path);
    expect(r.snapshot.hasTag('waiting')).toBe(true);
    ready(cloud);
    await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'dave', note: 'wrong model' });
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({ kind: 'abort', by: 'dave', note: 'wrong model' });
    expect(viewRollout(end).reason).toBe('aborted by dave: wrong model');
  });

  it('passes through rollingBack while the endpoint restores', async () => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud);
    await r.tickUntil(baking(2));
    slow(cloud);
    await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'dave' });
    expect(statusOf(r.snapshot)).toBe('rollingBack');
    expect(r.snapshot.can({ type: 'ABORT', now: cloud.now, by: 'dave' })).toBe(false);
    ready(cloud);
    expect((await r.tickUntil()).value).toBe('rolledBack');
  });
});

describe('pause and resume', () => {
  it('PAUSE during a bake freezes the remaining bake; RESUME restores it from the resume time', async () => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud);
    const bake = await r.tickUntil(baking(2));
    const bakeUntil = bake.context.bakeUntil!;
    const pauseAt = bakeUntil - 3 * MINUTE;
    await r.tickUntil((s) => s.context.now >= pauseAt - MINUTE);
    await r.send({ type: 'PAUSE', now: pauseAt, by: 'carol' });
    expect(r.snapshot.context.bakeRemainingMs).toBe(3 * MINUTE);
    expect(viewRollout(r.snapshot).phase).toBe(
      'paused by carol at step 2/7 with the candidate at 10%, 3m of bake left',
    );
    // Time passes well beyond the original bake end while paused: still paused.
    for (let i = 0; i < 10; i++) await r.tick();
    expect(statusOf(r.snapshot)).toBe('paused');
    const resumeAt = r.cloud.now + 1000;
    await r.send({ type: 'RESUME', now: resumeAt, by: 'carol' });
    expect(baking(2)(r.snapshot)).toBe(true);
    expect(r.snapshot.context.bakeUntil).toBe(resumeAt + 3 * MINUTE);
    expect(r.snapshot.context.wakeAt).toBeLessThanOrEqual(resumeAt + 3 * MINUTE);
    // The bake ends at the new time, not before.
    await r.tick(resumeAt + 3 * MINUTE - 1);
    expect(baking(2)(r.snapshot)).toBe(true);
    await r.tick(resumeAt + 3 * MINUTE);
    expect(r.snapshot.context.stepIndex).toBeGreaterThan(1);
  });

  it('RESUME returns to the gate it paused at', async () => {
    const r = await start(GATED);
    await r.tickUntil(atGate);
    await r.send({ type: 'PAUSE', now: r.cloud.now, by: 'carol' });
    await r.send({ type: 'RESUME', now: r.cloud.now + 1, by: 'carol' });
    expect(atGate(r.snapshot)).toBe(true);
  });

  it('RESUME is rejected when not paused, with a message naming the state', async () => {
    const r = await start('linear(25, 1m)');
    const s = await r.tickUntil(baking(2));
    const resume: RolloutEvent = { type: 'RESUME', now: r.cloud.now, by: 'carol' };
    expect(s.can(resume)).toBe(false);
    expect(explainRejection(s, resume)).toMatch(
      /^rollout r-0001 is not paused; it is baking step 2\/8 at 25% until /,
    );
  });
});

describe('PROMOTE', () => {
  it('is rejected when not at a gate, and explains how to skip ahead', async () => {
    const r = await start(GATED);
    const s = await r.tickUntil(baking(2));
    const promote = { type: 'PROMOTE', now: r.cloud.now, by: 'bob' } as const;
    expect(s.can(promote)).toBe(false);
    expect(explainRejection(s, promote)).toMatch(
      /is not waiting at a manual gate; it is baking step 2\/7 .*promote --full/,
    );
  });

  it('{ full: true } skips the remaining steps and promotes', async () => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud);
    await r.tickUntil(baking(2));
    expect(await r.send({ type: 'PROMOTE', now: cloud.now + 1, by: 'bob', full: true })).toBe(true);
    expect(r.snapshot.matches('promoting')).toBe(true);
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(weightsShifted(cloud)).toHaveLength(1);
    expect(cloud.calls.some((c) => c.purpose === 'final')).toBe(true);
  });
});

describe('after the end', () => {
  it.each(['PAUSE', 'RESUME', 'PROMOTE', 'ABORT'] as const)('%s is rejected', async (type) => {
    const r = await start('AllAtOnce');
    const end = await r.tickUntil();
    const command = { type, now: r.cloud.now, by: 'erin' };
    expect(end.can(command)).toBe(false);
    expect(explainRejection(end, command)).toBe(
      `rollout r-0001 has already ended (succeeded); nothing to ${type.toLowerCase()}`,
    );
  });
});

describe('timeouts and failures', () => {
  it('a TICK past maxDuration rolls back with kind timeout', async () => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud, { maxDurationMs: 30 * MINUTE });
    await r.tickUntil(atGate);
    expect(r.snapshot.context.wakeAt).toBeLessThanOrEqual(T0 + 30 * MINUTE);
    await r.tick(T0 + 30 * MINUTE);
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({ kind: 'timeout', maxDurationMs: 30 * MINUTE });
  });

  it('SageMaker silently rolling back the transition update rolls back with UPDATE_FAILED', async () => {
    const cloud = new FakeCloud();
    cloud.check = (change) =>
      change.purpose === 'transition'
        ? {
            phase: 'idle',
            status: 'InService',
            endpointConfigName: BASELINE.endpointConfigName,
            failureReason: 'Model container failed health check',
          }
        : { phase: 'ready', status: 'InService', endpointConfigName: change.endpointConfigName };
    const r = await start(GATED, cloud);
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toMatchObject({ kind: 'failure', code: 'UPDATE_FAILED' });
    const reason = end.context.rollbackReason as { message: string };
    expect(reason.message).toContain('FailureReason: Model container failed health check');
    expect(reason.message).toContain(`on config ${BASELINE.endpointConfigName}`);
  });

  it('a check reporting failed during the rollback ends in failed', async () => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud);
    await r.tickUntil(baking(2));
    cloud.check = (change) =>
      change.purpose === 'revert'
        ? { phase: 'failed', status: 'UpdateRollbackFailed', failureReason: 'capacity' }
        : { phase: 'ready', status: 'InService', endpointConfigName: change.endpointConfigName };
    await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'dave' });
    const end = await r.tickUntil();
    expect(end.value).toBe('failed');
    expect(end.context.failure).toMatchObject({ code: 'UPDATE_FAILED' });
    expect(viewRollout(end).reason).toMatch(
      /^rollback failed: .*UpdateRollbackFailed \(capacity\).*aborted by dave/,
    );
  });

  it('a retryable effect error is retried; the rollout carries on', async () => {
    const cloud = new FakeCloud();
    const defaultApply = cloud.apply;
    cloud.apply = (_change, call) => {
      if (call < 2) throw { code: 'ThrottlingException', message: 'Rate exceeded', retryable: true };
      return defaultApply(_change, call);
    };
    const r = await start('AllAtOnce', cloud);
    expect(r.snapshot.context.attempts).toBe(1);
    expect((await r.tickUntil()).value).toBe('succeeded');
    expect(cloud.calls.filter((c) => c.effect === 'apply' && c.purpose === 'transition')).toHaveLength(3);
  });

  it('a non-retryable effect error rolls back with its code', async () => {
    const cloud = new FakeCloud();
    const r = await start(GATED, cloud);
    await r.tickUntil(baking(2));
    const defaultApply = cloud.apply;
    cloud.apply = (change, call) => {
      if (change.purpose === 'shift')
        throw { code: 'ValidationException', message: 'bad weights', retryable: false };
      return defaultApply(change, call);
    };
    await r.tickUntil(atGate);
    await r.send({ type: 'PROMOTE', now: cloud.now, by: 'bob' });
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({
      kind: 'failure',
      code: 'ValidationException',
      message: 'shift step failed: bad weights',
    });
  });
});

describe('persistence', () => {
  it('a snapshot saved at each quiet point restores in a new actor and finishes the rollout', async () => {
    const input = rolloutInput(compilePlan(GATED));
    const cloud = new FakeCloud();
    let r = await Rollout.start(cloud, input);
    let restores = 0;
    while (r.snapshot.status === 'active') {
      const saved = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot())) as unknown;
      const before = viewRollout(r.snapshot);
      r.stop();
      r = await Rollout.start(cloud, input, saved);
      restores++;
      expect(viewRollout(r.snapshot)).toEqual(before);
      if (atGate(r.snapshot)) await r.send({ type: 'PROMOTE', now: cloud.now, by: 'bob' });
      else await r.tick();
    }
    expect(r.snapshot.value).toBe('succeeded');
    expect(restores).toBeGreaterThan(10);
  });

  it('a paused bake survives a restore and resumes with its remaining time', async () => {
    const input = rolloutInput(compilePlan(GATED));
    const cloud = new FakeCloud();
    const r = await Rollout.start(cloud, input);
    await r.tickUntil(atGate);
    await r.send({ type: 'PROMOTE', now: cloud.now, by: 'bob' });
    await r.tickUntil(baking(5));
    await r.send({ type: 'PAUSE', now: cloud.now + 1000, by: 'carol' });
    const remaining = r.snapshot.context.bakeRemainingMs!;
    const saved = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot())) as unknown;
    r.stop();
    const again = await Rollout.start(cloud, input, saved);
    await again.send({ type: 'RESUME', now: cloud.now + MINUTE, by: 'carol' });
    expect(baking(5)(again.snapshot)).toBe(true);
    expect(again.snapshot.context.bakeUntil).toBe(cloud.now + remaining);
    expect((await again.tickUntil((s) => atGate(s))).value).toBe('succeeded');
  });
});
