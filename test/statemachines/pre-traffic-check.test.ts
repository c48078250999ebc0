// The pre-traffic check in the rollout machine: once the transition config is live (candidate at
// weight 0) the candidate is checked before the first shift; a failure rolls back without a shift,
// reverting the config and removing the candidate; throttling retries; ABORT and alarms still work.
import { compilePlan } from '../../src/plan';
import type { PreTrafficCheckSpec, RolloutInput } from '../../statemachines/contract';
import { describeFact, describeReason } from '../../statemachines/facts';
import { viewRollout } from '../../statemachines/describe';
import type { TimelineNote } from '../../statemachines/rollout';
import { FakeCloud, Rollout, rolloutInput, type Snapshot } from './fake-cloud';

const CHECK: PreTrafficCheckSpec = {
  requests: { inline: ['{"x":1}', '{"x":2}', '{"x":3}'] },
  contentType: 'application/json',
  maxLatencyMs: 2_000,
};

const checking = (s: Snapshot) => s.matches('checkingCandidate');

async function start(cloud: FakeCloud, overrides: Partial<RolloutInput> = { preTrafficCheck: CHECK }) {
  const input = rolloutInput(compilePlan('Canary10Percent5Minutes'), overrides);
  const rollout = new Rollout(cloud, input);
  const notes: TimelineNote[] = [];
  rollout.actor.on('timeline', (note) => notes.push(note));
  rollout.actor.start();
  await rollout.settle();
  return { rollout, notes };
}

const effects = (cloud: FakeCloud) =>
  cloud.calls.map((c) => `${c.effect}${c.purpose ? `:${c.purpose}` : ''}`);

describe('the pre-traffic check', () => {
  it('runs after the transition is live and before the first shift; a pass lets the plan go on', async () => {
    const cloud = new FakeCloud();
    const { rollout, notes } = await start(cloud);
    expect((await rollout.tickUntil()).value).toBe('succeeded');
    const order = effects(cloud);
    const checkAt = order.indexOf('checkCandidate');
    expect(checkAt).toBeGreaterThan(order.lastIndexOf('check:transition'));
    expect(checkAt).toBeLessThan(order.indexOf('apply:shift'));
    expect(order.filter((e) => e === 'checkCandidate')).toHaveLength(1);
    const fact = notes.find((n) => n.fact.kind === 'preTrafficChecked')!.fact;
    expect(describeFact(fact)).toBe(
      'Pre-traffic check passed: 3 sample requests to candidate variant candidate-r-0001 all answered 2xx within 2s ' +
        '(slowest 40 ms); the candidate may take traffic',
    );
  });

  it('is skipped when the rollout has none', async () => {
    const cloud = new FakeCloud();
    const { rollout, notes } = await start(cloud, {});
    expect((await rollout.tickUntil()).value).toBe('succeeded');
    expect(effects(cloud)).not.toContain('checkCandidate');
    expect(notes.some((n) => n.fact.kind === 'preTrafficChecked')).toBe(false);
  });

  it('a failure rolls back before any shift: traffic restored to the baseline, config reverted, candidate removed', async () => {
    const cloud = new FakeCloud();
    cloud.checkCandidate = () => ({
      sent: 3,
      failures: [
        { index: 0, reason: 'the model answered status 500 in 41 ms: boom' },
        { index: 2, reason: 'status 200 in 2600 ms, over the 2s bound (maxLatency)' },
      ],
      maxLatencyMs: 2600,
    });
    const { rollout, notes } = await start(cloud);
    const end = await rollout.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({
      kind: 'preTrafficCheck',
      sent: 3,
      failures: [
        { index: 0, reason: 'the model answered status 500 in 41 ms: boom' },
        { index: 2, reason: 'status 200 in 2600 ms, over the 2s bound (maxLatency)' },
      ],
    });
    const order = effects(cloud);
    expect(order).not.toContain('apply:shift');
    expect(order).toEqual(expect.arrayContaining(['apply:revert', 'removeCandidate']));
    expect(order.indexOf('apply:revert')).toBeGreaterThan(order.indexOf('checkCandidate'));
    const checked = notes.find((n) => n.fact.kind === 'preTrafficChecked')!;
    expect(describeFact(checked.fact)).toBe(
      'Pre-traffic check failed: 2 of 3 sample requests to candidate variant candidate-r-0001 failed (bound 2s), and no ' +
        'customer request reached it — #1: the model answered status 500 in 41 ms: boom; #3: status 200 in 2600 ms, ' +
        'over the 2s bound (maxLatency)',
    );
    expect(describeReason(end.context.rollbackReason)).toBe(
      'the pre-traffic check failed: 2 of 3 sample requests to the candidate failed before any customer traffic ' +
        'reached it (first, #1: the model answered status 500 in 41 ms: boom)',
    );
    // The rollback's lifecycle event says why.
    expect(notes.find((n) => n.lifecycle === 'Rollback Started')?.fact).toMatchObject({
      reason: { kind: 'preTrafficCheck' },
    });
  });

  it('throttling is retried on the next wake-up, then the check passes', async () => {
    const cloud = new FakeCloud();
    cloud.checkCandidate = (_c, call) => {
      if (call < 2) throw { code: 'THROTTLED', message: 'InvokeEndpoint was throttled', retryable: true };
      return { sent: 3, failures: [], maxLatencyMs: 35 };
    };
    const { rollout } = await start(cloud);
    const waiting = await rollout.tickUntil(checking);
    expect(waiting.hasTag('waiting')).toBe(true);
    expect(viewRollout(waiting).phase).toBe(
      'checking the candidate variant candidate-r-0001 with the pre-traffic sample requests',
    );
    expect((await rollout.tickUntil()).value).toBe('succeeded');
    expect(effects(cloud).filter((e) => e === 'checkCandidate')).toHaveLength(3);
  });

  it('a check that cannot run at all (not retryable) rolls back with that failure', async () => {
    const cloud = new FakeCloud();
    cloud.checkCandidate = () => {
      throw {
        code: 'INVALID_INPUT',
        message: 'preTrafficCheck.requests: s3://b/k does not exist',
        retryable: false,
      };
    };
    const { rollout } = await start(cloud);
    const end = await rollout.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({
      kind: 'failure',
      code: 'INVALID_INPUT',
      message: 'the pre-traffic check could not run: preTrafficCheck.requests: s3://b/k does not exist',
    });
    expect(effects(cloud)).not.toContain('apply:shift');
  });

  it('ABORT and a firing alarm while the check waits roll back', async () => {
    for (const event of [
      { type: 'ABORT', by: 'alice', note: 'wrong model' } as const,
      { type: 'ALARM_FIRED', alarmName: 'churn-5xx', stateReason: 'Threshold Crossed' } as const,
    ]) {
      const cloud = new FakeCloud();
      cloud.checkCandidate = () => {
        throw { code: 'THROTTLED', message: 'Rate exceeded', retryable: true };
      };
      const { rollout } = await start(cloud);
      await rollout.tickUntil(checking);
      expect(await rollout.send({ ...event, now: cloud.now + 1 })).toBe(true);
      const end = await rollout.tickUntil();
      expect(end.value).toBe('rolledBack');
      expect(end.context.rollbackReason?.kind).toBe(event.type === 'ABORT' ? 'abort' : 'alarm');
      expect(effects(cloud)).not.toContain('apply:shift');
    }
  });

  it('a check still throttled after the retry limit rolls back, saying so', async () => {
    const cloud = new FakeCloud();
    cloud.checkCandidate = () => {
      throw { code: 'THROTTLED', message: 'InvokeEndpoint was throttled by AWS', retryable: true };
    };
    const { rollout } = await start(cloud);
    const end = await rollout.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({
      kind: 'failure',
      code: 'THROTTLED',
      message: 'the pre-traffic check could not run: InvokeEndpoint was throttled by AWS',
    });
    // The first try and FORWARD_RETRY_LIMIT (5) retries.
    expect(effects(cloud).filter((e) => e === 'checkCandidate')).toHaveLength(6);
  });
});
