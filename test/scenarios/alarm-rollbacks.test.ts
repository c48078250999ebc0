// A bad model version is caught by an alarm during a bake: traffic goes back to the old model, the
// endpoint returns to its original config, and everything the rollout created is removed. The judge is
// off here (it would often catch the bad model first): judge.test.ts has it.
import { BAD_MODEL } from '../../src/cli/simulated-environment';
import type { SimEvent } from '../../src/sim';
import {
  ENDPOINT,
  candidateAlarmNames,
  expectBackOnOriginal,
  expectNothingLeaked,
  expectTrafficAlwaysServed,
  isBakingAt,
  startScenario,
  type Scenario,
  type Step,
} from './harness';

/** The StateReason CloudWatch gave when the alarm entered ALARM. */
function alarmReason(s: Scenario, alarmName: string): string {
  const event = s.env.sim.events.find((e) => {
    const detail = e.detail as { alarmName?: string; state?: { value?: string } };
    return (
      e['detail-type'] === 'CloudWatch Alarm State Change' &&
      detail.alarmName === alarmName &&
      detail.state?.value === 'ALARM'
    );
  });
  expect(event).toBeDefined();
  return (event!.detail as { state: { reason: string } }).state.reason;
}

async function expectRolledBackOnAlarm(s: Scenario, final: Step, alarmName: string): Promise<void> {
  expect(final.record.status).toBe('rolledBack');
  const reason = alarmReason(s, alarmName);
  // CloudWatch's own words, with the datapoint that crossed the threshold.
  expect(reason).toMatch(/Threshold Crossed: .*\[\d+(\.\d+)?/);
  expect(final.record.reason).toContain(alarmName);
  expect(final.record.reason).toContain(reason);
  expectBackOnOriginal(s.env);
  expectNothingLeaked(s.env);
  expectTrafficAlwaysServed(s.env);
  const timeline = await s.timeline();
  const rolledBack = timeline.find((e) => e.kind === 'rolledBack');
  expect(rolledBack?.message).toContain(alarmName);
  expect(rolledBack?.message).toContain(reason);
  expect(timeline.at(-1)?.kind).toBe('rolledBack');
  expect(s.env.lifecycle.published.map((e) => e.detailType)).toEqual(
    expect.arrayContaining(['Rollback Started', 'Rollout Rolled Back']),
  );
  // The endpoint lock is released: a new rollout may start.
  expect(await s.env.store.activeForEndpoint(ENDPOINT)).toBeUndefined();
}

/** Turns the candidate bad once the rollout bakes at `percent`; returns when that happened. */
function turnBadWhenBakingAt(s: Scenario, percent: number) {
  const state: { at?: number } = {};
  return {
    state,
    between: (result: Step) => {
      if (state.at === undefined && isBakingAt(result, percent)) {
        state.at = s.env.sim.clock.now();
        s.env.sim.setBehaviour(s.candidateArn, BAD_MODEL);
      }
    },
  };
}

describe('an alarm during a bake rolls the rollout back', () => {
  it('in the first bake (canary at 10%): the candidate 5xx alarm fires and traffic returns to the old model', async () => {
    const s = await startScenario({ judge: false, strategy: 'Canary10Percent5Minutes' });
    const bad = turnBadWhenBakingAt(s, 10);
    const final = await s.run({ between: bad.between });
    expect(bad.state.at).toBeDefined();
    const alarm = candidateAlarmNames(final).find((n) => n.endsWith('5xx-rate'))!;
    await expectRolledBackOnAlarm(s, final, alarm);
    // The candidate never got more than its 10%.
    const candidate = final.record.input.names.candidateVariant;
    for (const change of s.env.sim.servingHistory) {
      expect(change.variants.find((v) => v.variantName === candidate)?.weight ?? 0).toBeLessThanOrEqual(10);
    }
    // Within minutes: the alarm needs one datapoint, the rollback starts on the event.
    const started = (await s.timeline()).find((e) => e.kind === 'rollbackStarted')!;
    expect(started.at - bad.state.at!).toBeLessThanOrEqual(3 * 60_000);
  });

  it('in a middle bake (linear at 50%)', async () => {
    const s = await startScenario({ judge: false, strategy: 'Linear10PercentEvery1Minute' });
    const bad = turnBadWhenBakingAt(s, 50);
    const final = await s.run({ between: bad.between });
    expect(bad.state.at).toBeDefined();
    const alarm = candidateAlarmNames(final).find((n) => n.endsWith('5xx-rate'))!;
    await expectRolledBackOnAlarm(s, final, alarm);
    const candidate = final.record.input.names.candidateVariant;
    const maxWeight = Math.max(
      ...s.env.sim.servingHistory.map(
        (c) => c.variants.find((v) => v.variantName === candidate)?.weight ?? 0,
      ),
    );
    expect(maxWeight).toBeLessThanOrEqual(60);
  });

  it('in the final bake at 100%, before promotion: the baseline is still warm and takes the traffic back', async () => {
    const s = await startScenario({ judge: false, strategy: 'Canary10Percent5Minutes' });
    const bad = turnBadWhenBakingAt(s, 100);
    const final = await s.run({ between: bad.between });
    expect(bad.state.at).toBeDefined();
    const alarm = candidateAlarmNames(final).find((n) => n.endsWith('5xx-rate'))!;
    await expectRolledBackOnAlarm(s, final, alarm);
    // The final (candidate-only) config was never deployed.
    const finalConfig = final.record.input.names.finalConfig;
    const deployed = s.env.sim.calls
      .filter((c) => c.operation === 'UpdateEndpoint')
      .map((c) => c.input.EndpointConfigName);
    expect(deployed).toEqual([
      final.record.input.names.transitionConfig,
      expect.stringMatching(/-config-0$/),
    ]);
    expect(deployed).not.toContain(finalConfig);
  });

  it("when the user's own alarm (passed in `alarms`) enters ALARM during a middle bake", async () => {
    const userAlarm = 'churn-prod-invocation-errors';
    const s = await startScenario(
      { judge: false, strategy: 'Linear10PercentEvery1Minute', alarms: [userAlarm], candidateAlarms: [] },
      {
        before: (env) =>
          env.sim.createMetricAlarm({
            alarmName: userAlarm,
            metricName: 'Invocation5XXErrors',
            endpointName: ENDPOINT,
            variantName: 'AllTraffic',
            statistic: 'Average',
            threshold: 0.05,
            comparison: 'GreaterThanThreshold',
            periodSeconds: 60,
            evaluationPeriods: 1,
            treatMissingData: 'notBreaching',
          }),
      },
    );
    const stateReason =
      'Threshold Crossed: 1 out of the last 1 datapoints [0.31 (15/01/26 09:14:00)] was greater than the threshold (0.05) (minimum 1 datapoint for OK -> ALARM transition).';
    let fired = false;
    const final = await s.run({
      between: (result) => {
        if (!fired && isBakingAt(result, 30)) {
          fired = true;
          s.env.sim.setAlarmState(userAlarm, 'ALARM', stateReason);
        }
      },
    });
    expect(fired).toBe(true);
    await expectRolledBackOnAlarm(s, final, userAlarm);
    expect(final.record.reason).toContain('[0.31 ');
    // The user's alarm is theirs: it stays.
    expect(s.env.sim.alarmNames()).toContain(userAlarm);
  });

  it('when a candidate alarm is set to ALARM (SetAlarmState) during the first bake', async () => {
    const s = await startScenario({ judge: false, strategy: 'Canary10Percent5Minutes' });
    let alarm: string | undefined;
    const final = await s.run({
      between: (result) => {
        if (alarm === undefined && isBakingAt(result, 10)) {
          alarm = candidateAlarmNames(result).find((n) => n.endsWith('p99-latency'))!;
          s.env.sim.setAlarmState(
            alarm,
            'ALARM',
            'Threshold Crossed: 2 out of the last 2 datapoints [912000.0 (15/01/26 09:08:00), 887000.0 (15/01/26 09:07:00)] were greater than the threshold (500000.0).',
          );
        }
      },
    });
    expect(alarm).toBeDefined();
    await expectRolledBackOnAlarm(s, final, alarm!);
    expect(final.record.reason).toContain('912000.0');
  });

  it('even when the alarm event is lost: each tick reads the alarm states', async () => {
    const s = await startScenario({ judge: false, strategy: 'Canary10Percent5Minutes' });
    const bad = turnBadWhenBakingAt(s, 10);
    const dropped: SimEvent[] = [];
    const final = await s.run({
      between: bad.between,
      dropEvents: (e) => {
        const lost = e.source === 'aws.cloudwatch';
        if (lost) dropped.push(e);
        return lost;
      },
    });
    expect(dropped.some((e) => (e.detail as { state?: { value?: string } }).state?.value === 'ALARM')).toBe(
      true,
    );
    const alarm = candidateAlarmNames(final).find((n) => n.endsWith('5xx-rate'))!;
    await expectRolledBackOnAlarm(s, final, alarm);
    // One alarm poll interval (a minute) later than with the event, at most.
    const started = (await s.timeline()).find((e) => e.kind === 'rollbackStarted')!;
    expect(started.at - bad.state.at!).toBeLessThanOrEqual(4 * 60_000);
  });
});
