// How often a rollout reads its endpoint (DescribeEndpoint, counted in sim.calls): once per wake-up
// at most — a step reuses its read until it writes to the endpoint — and not at all for the
// "Updating" event an update of its own sends. While an update runs, the endpoint's state-change event
// says when it is done; the rollout's own looks are a safety net for an event that never arrives,
// backing off (each waits as long as the update has taken so far, up to maxPollIntervalMs). A host
// that gets no endpoint events keeps looking every poll interval. Driven as in AWS: the simulated
// EventBridge delivers the cloud's events as sent, and a Scheduled Event each minute.
import type { SimCall } from '../../src/sim';
import { ENDPOINT, expectTrafficAlwaysServed, startScenario, type Scenario } from '../scenarios/harness';

const MINUTE = 60_000;
const ENDPOINT_EVENT = 'SageMaker Endpoint State Change';

const ok = (s: Scenario, operation: string): SimCall[] =>
  s.env.sim.calls.filter((c) => c.operation === operation && c.outcome !== 'error');

/** The DescribeEndpoint calls made while the first UpdateEndpoint (to the transition config) ran. */
function looksDuringTransition(s: Scenario, transitionConfig: string) {
  const requested = ok(s, 'UpdateEndpoint')[0]!.at;
  const live = s.env.sim.servingHistory.find(
    (c) => c.endpointName === ENDPOINT && c.configName === transitionConfig && c.at > requested,
  )!.at;
  const looks = ok(s, 'DescribeEndpoint')
    .filter((c) => c.at > requested && c.at < live)
    .map((c) => c.at - requested);
  return { requested, live, looks };
}

async function transitionLiveAt(s: Scenario): Promise<number> {
  return (await s.timeline()).find((e) => e.kind === 'transitionLive')!.at;
}

describe('reading the endpoint during a rollout', () => {
  it('costs one DescribeEndpoint per wake-up at most, and none for an update’s own Updating event (auto-scaled endpoint)', async () => {
    const s = await startScenario(
      { strategy: 'Canary10Percent5Minutes' },
      { environment: { autoScaling: true } },
    );
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    expectTrafficAlwaysServed(s.env);
    const invocations = s.env.bridge.invocations.map((i) => ({
      event: i.event,
      calls: s.env.bridge.callsOf(i).map((c) => c.operation),
    }));
    for (const { calls } of invocations) {
      expect(calls.filter((op) => op === 'DescribeEndpoint').length).toBeLessThanOrEqual(1);
    }
    const updating = invocations.filter(
      ({ event }) =>
        event['detail-type'] === ENDPOINT_EVENT &&
        (event.detail as { EndpointStatus?: string }).EndpointStatus === 'UPDATING',
    );
    // Two UpdateEndpoint and two UpdateEndpointWeightsAndCapacities each sent one (and the variant's
    // scaling activities may send more); none of them cost a call.
    expect(updating.length).toBeGreaterThanOrEqual(4);
    expect(updating.flatMap(({ calls }) => calls)).toEqual([]);
  });

  it('backs off while UpdateEndpoint runs, and goes on at once when the update’s InService event arrives', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    await s.run();
    const { live, looks } = looksDuringTransition(s, s.started.record.input.names.transitionConfig);
    // A six-minute update: looks about 1, 2 and 4 minutes in (each waits as long as the update has taken
    // so far) instead of every minute, then the InService event.
    expect(live - ok(s, 'UpdateEndpoint')[0]!.at).toBeGreaterThan(4 * MINUTE);
    expect(looks.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < looks.length; i++) {
      expect(looks[i]! - looks[i - 1]!).toBeGreaterThanOrEqual(looks[i - 1]!);
    }
    expect((await transitionLiveAt(s)) - live).toBeLessThan(1000);
  });

  it('still completes the rollout when every endpoint event is lost: the backed-off looks find each change done', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    const final = await s.run({ dropEvents: (e) => e['detail-type'] === ENDPOINT_EVENT });
    expect(final.record.status).toBe('succeeded');
    expect(s.env.sim.endpoint(ENDPOINT)!.endpointConfigName).toBe(final.record.input.names.finalConfig);
    expectTrafficAlwaysServed(s.env);
    const { live } = looksDuringTransition(s, s.started.record.input.names.transitionConfig);
    // Found by a look, late by at most maxPollIntervalMs (5 minutes) and the schedule's minute.
    const late = (await transitionLiveAt(s)) - live;
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThanOrEqual(6 * MINUTE);
  });

  it('looks every poll interval on a host that gets no endpoint events (maxPollIntervalMs = pollIntervalMs)', async () => {
    const s = await startScenario(
      { strategy: 'Canary10Percent5Minutes' },
      { environment: { settings: { pollIntervalMs: 30_000, maxPollIntervalMs: 30_000 } } },
    );
    const final = await s.run({ dropEvents: (e) => e['detail-type'] === ENDPOINT_EVENT });
    expect(final.record.status).toBe('succeeded');
    const { live, looks } = looksDuringTransition(s, s.started.record.input.names.transitionConfig);
    // Every Scheduled Event finds it due: a look each minute, and the one after the update ends finds it.
    expect(looks.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < looks.length; i++) expect(looks[i]! - looks[i - 1]!).toBe(MINUTE);
    expect((await transitionLiveAt(s)) - live).toBeLessThanOrEqual(MINUTE);
  });
});
