// The schedule reads the alarms of every due rollout that holds in one batched DescribeAlarms call, however
// many rollouts are running.
import type { HandlerResult } from '../../src/handlers/controller';
import { Harness } from './harness';

const EXTRA = [
  { group: 'fraud-model', endpoint: 'fraud-prod' },
  { group: 'upsell-model', endpoint: 'upsell-prod' },
];

type Schedule = NonNullable<Extract<HandlerResult, { ok: true }>['schedule']>;

describe('schedule batching', () => {
  it('three rollouts on three endpoints: one Scheduled Event makes exactly one DescribeAlarms call', async () => {
    const h = new Harness({ extra: EXTRA });
    const arns = [h.approveNewVersion(), ...EXTRA.map((t) => h.approveNewVersion(undefined, t.group))];
    await h.flush();
    expect((await h.store.list({ activeOnly: true })).map((r) => r.endpointName).sort()).toEqual([
      'churn-prod',
      'fraud-prod',
      'upsell-prod',
    ]);
    const watched = (await h.store.list()).flatMap((r) => r.input.candidateAlarms.map((a) => a.alarmName));
    expect(watched).toHaveLength(3);

    // Once all three bake, the next minute's Scheduled Event (one invocation) advances all three.
    await h.runUntil(async () => (await h.store.list()).every((r) => /baking/.test(r.phase)));
    await h.minute();
    const invocation = h.invocations.filter((i) => i.event['detail-type'] === 'Scheduled Event').at(-1)!;
    const result = invocation.result!;
    const calls = h.callsOf(invocation);
    const describes = calls.filter((c) => c.operation === 'DescribeAlarms');
    expect(describes).toHaveLength(1);
    expect([...(describes[0]!.input.AlarmNames as string[])].sort()).toEqual([...watched].sort());
    expect(result).toMatchObject({
      ok: true,
      kind: 'schedule',
      schedule: { due: 3, advanced: 3, failed: 0, alarmsRead: 3, describeAlarmsCalls: 1 },
    });

    // And throughout the three rollouts, no tick ever made more than one DescribeAlarms call.
    await h.runUntil(async () => {
      const ended = await Promise.all(arns.map((a) => h.ended(a)));
      return ended.every(Boolean);
    });
    for (const invocation of h.invocations) {
      if (!invocation.result?.ok || invocation.result.kind !== 'schedule') continue;
      const report = invocation.result.schedule as Schedule;
      const made = h.callsOf(invocation).filter((c) => c.operation === 'DescribeAlarms').length;
      expect(made).toBe(report.describeAlarmsCalls);
      expect(made).toBeLessThanOrEqual(1);
    }
    expect(await Promise.all(arns.map(async (a) => (await h.rolloutFor(a))!.status))).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(h.busyErrors()).toEqual([]);
  });

  it('reads no alarms for a rollout due only to look at an endpoint update', async () => {
    const h = new Harness();
    const arn = h.approveNewVersion();
    await h.flush();
    // Deploying the transition config: due every minute, holding nothing.
    const deploying = await h.rolloutFor(arn);
    expect(deploying!.phase).toMatch(/transition/);
    expect(deploying!.progress?.watching).toBe(false);
    await h.minute();
    const tick = h.invocations.filter((i) => i.event['detail-type'] === 'Scheduled Event').at(-1)!;
    expect(tick.result).toMatchObject({
      ok: true,
      schedule: { due: 1, alarmsRead: 0, describeAlarmsCalls: 0 },
    });
    expect(h.callsOf(tick).filter((c) => c.operation === 'DescribeAlarms')).toEqual([]);
    // Once it bakes, each minute reads its alarms.
    await h.runUntil(async () => /baking/.test((await h.rolloutFor(arn))!.phase));
    expect((await h.rolloutFor(arn))!.progress?.watching).toBe(true);
    await h.minute();
    const baking = h.invocations.filter((i) => i.event['detail-type'] === 'Scheduled Event').at(-1)!;
    expect(baking.result).toMatchObject({ ok: true, schedule: { describeAlarmsCalls: 1 } });
  });
});
