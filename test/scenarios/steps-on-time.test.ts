// Steps start on time: with the precise wake-ups the stack deploys (an SQS message timer for the end of
// each bake, delivered by the event source mapping), every step of Linear10PercentEvery1Minute moves
// the traffic within 5 seconds of the moment its one-minute bake ended; with the one-minute schedule
// alone the same rollout waits for the next minute's tick. A bake longer than the 15 minutes SQS holds
// a message is waited for in parts and ends on time too.
import { ENDPOINT, expectTrafficAlwaysServed, startScenario, type Scenario } from './harness';

const BAKE_MS = 60_000;

/**
 * For each shift after the first: how long after its bake ended it was made. A bake starts when the
 * previous shift is in service (the serving change that followed it) and lasts the plan's minute.
 */
function shiftLateness(s: Scenario, bakeMs = BAKE_MS): number[] {
  const shifts = s.env.sim.calls.filter(
    (c) =>
      c.operation === 'UpdateEndpointWeightsAndCapacities' &&
      c.outcome !== 'error' &&
      c.input.EndpointName === ENDPOINT,
  );
  const served = s.env.sim.servingHistory.filter((h) => h.endpointName === ENDPOINT);
  return shifts.slice(1).map((shift, k) => {
    const inService = served.find((h) => h.at > shifts[k]!.at)!.at;
    return shift.at - (inService + bakeMs);
  });
}

describe('Linear10PercentEvery1Minute', () => {
  it('with precise wake-ups, each of the nine shifts after the first is made within 5 s of its bake ending', async () => {
    const s = await startScenario({ strategy: 'Linear10PercentEvery1Minute', finalBake: '2m' });
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    const lateness = shiftLateness(s);
    expect(lateness).toHaveLength(9);
    for (const late of lateness) {
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThanOrEqual(5_000);
    }
    // Each of the ten bakes (nine of a minute, then the final bake at 100%) asked for one wake-up, at its
    // end, and each arrived as an SQS batch.
    expect(s.env.wakeUpQueue!.sent.map((m) => m.delaySeconds)).toEqual([...Array(9).fill(60), 120]);
    expect(s.env.bridge.invocations.filter((i) => 'Records' in i.event)).toHaveLength(10);
    expectTrafficAlwaysServed(s.env);
    expect(s.env.warnings).toEqual([]);
  });

  it('with the schedule alone, shifts wait for the next minute: some start tens of seconds late', async () => {
    const s = await startScenario(
      { strategy: 'Linear10PercentEvery1Minute', finalBake: '2m' },
      { environment: { wakeUps: false } },
    );
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    const lateness = shiftLateness(s);
    expect(lateness).toHaveLength(9);
    for (const late of lateness) expect(late).toBeLessThanOrEqual(60_000);
    expect(Math.max(...lateness)).toBeGreaterThan(20_000);
  });
});

describe('Canary10Percent30Minutes', () => {
  it('waits for its 30-minute bake in two 15-minute message timers and shifts within 5 s of its end', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent30Minutes', finalBake: '1m' });
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    const [late] = shiftLateness(s, 30 * 60_000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThanOrEqual(5_000);
    // 900 s (the most SQS holds), the rest when that one arrived early, then the final bake's minute.
    expect(s.env.wakeUpQueue!.sent.map((m) => m.delaySeconds)).toEqual([900, 899, 60]);
  });
});
