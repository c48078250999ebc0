// Two controller invocations at once on one rollout, against DynamoDB (dynalite): a Scheduled
// Event racing the endpoint's state change (and its redelivery), and two Scheduled Events racing
// each other. Optimistic versions must keep the rollout whole: it still succeeds, its version
// never goes backwards, no update is sent to an endpoint that is Updating, and each tick reads
// alarms in as few DescribeAlarms calls as possible.
import { isSmRolloutError } from '../../src/errors';
import { DynamoRolloutStore, type RolloutStore } from '../../src/store';
import type { HandlerResult } from '../../src/handlers/controller';
import { startDynalite, type DynaliteServer } from '../store/dynalite-server';
import { ENDPOINT, Harness, clone } from './harness';

let server: DynaliteServer;

beforeAll(async () => {
  server = await startDynalite();
});

afterAll(async () => {
  await server.close();
});

/** The store, recording every version saved (successfully) per rollout. */
function recording(store: RolloutStore) {
  const saved = new Map<string, number[]>();
  const conflicts = { count: 0 };
  const wrapped: RolloutStore = Object.create(store) as RolloutStore;
  wrapped.save = async (record, expectedVersion, timeline) => {
    try {
      await store.save(record, expectedVersion, timeline);
    } catch (error) {
      if (isSmRolloutError(error, 'VERSION_CONFLICT')) conflicts.count++;
      throw error;
    }
    saved.set(record.id, [...(saved.get(record.id) ?? []), record.version]);
  };
  return { store: wrapped, saved, conflicts };
}

async function dynamoHarness() {
  const table = await server.createTable();
  const { store, saved, conflicts } = recording(new DynamoRolloutStore(server.client(), table));
  return { h: new Harness({ store }), saved, conflicts };
}

function scheduleReports(h: Harness) {
  return h.invocations
    .map((i) => i.result)
    .filter((r): r is Extract<HandlerResult, { ok: true }> => r?.ok === true && r.kind === 'schedule')
    .map((r) => r.schedule!);
}

/** The checks every race ends with. */
async function expectWholeRollout(h: Harness, arn: string, saved: Map<string, number[]>, observed: number[]) {
  const record = (await h.rolloutFor(arn))!;
  expect(record.status).toBe('succeeded');
  expect(h.servingModels()).toEqual([h.modelFor(arn)]);
  expect(h.sim.violations).toEqual([]);
  expect(h.invocations.filter((i) => i.error !== undefined || i.result?.ok === false)).toEqual([]);
  // Versions only go forward: as observed after each minute, and as saved (each version once).
  expect(observed).toEqual([...observed].sort((a, b) => a - b));
  const versions = saved.get(record.id)!;
  expect(new Set(versions).size).toBe(versions.length);
  expect([...versions].sort((a, b) => a - b)).toEqual(versions.map((_, i) => i + 2));
  expect(record.version).toBe(Math.max(...versions));
  // No update was sent while the endpoint was Updating, and no traffic target was set twice.
  expect(h.busyErrors()).toEqual([]);
  const targets = h.sim.calls
    .filter((c) => c.operation === 'UpdateEndpointWeightsAndCapacities' || c.operation === 'UpdateEndpoint')
    .map((c) => `${c.operation} ${JSON.stringify(c.input)}`);
  expect(new Set(targets).size).toBe(targets.length);
  // Each tick read all the alarms it needed in one DescribeAlarms call (≤ ceil(alarms / 100)).
  const reports = scheduleReports(h);
  expect(reports.length).toBeGreaterThan(10);
  for (const r of reports) expect(r.describeAlarmsCalls).toBeLessThanOrEqual(Math.ceil(r.alarmsRead / 100));
  expect(reports.some((r) => r.describeAlarmsCalls === 1 && r.alarmsRead === 1)).toBe(true);
}

async function runObserving(h: Harness, arn: string): Promise<number[]> {
  const observed: number[] = [];
  await h.runUntil(async () => {
    const r = await h.rolloutFor(arn);
    if (r) observed.push(r.version);
    return h.ended(arn);
  });
  return observed;
}

describe('racing invocations on one rollout (DynamoDB store)', () => {
  it('a Scheduled Event and the Endpoint State Change (delivered twice) at once, every minute', async () => {
    const { h, saved, conflicts } = await dynamoHarness();
    h.hold = (e) => e['detail-type'] === 'SageMaker Endpoint State Change';
    let raced = 0;
    h.deliverSchedule = async () => {
      const endpointEvents = h.held.splice(0, h.held.length);
      if (endpointEvents.length) raced++;
      await Promise.all([
        h.deliver(h.scheduledEvent()),
        ...endpointEvents.flatMap((e) => [h.deliver(clone(e)), h.deliver(clone(e))]),
      ]);
    };
    const arn = h.approveNewVersion();
    await h.flush();
    const observed = await runObserving(h, arn);
    expect(raced).toBeGreaterThanOrEqual(3);
    // The race was real: writers did collide, and the loser re-applied its step.
    expect(conflicts.count).toBeGreaterThan(0);
    await expectWholeRollout(h, arn, saved, observed);
  });

  it('two Scheduled Events at once, every minute', async () => {
    const { h, saved, conflicts } = await dynamoHarness();
    h.deliverSchedule = () => Promise.all([h.deliver(h.scheduledEvent()), h.deliver(h.scheduledEvent())]);
    const arn = h.approveNewVersion();
    await h.flush();
    const observed = await runObserving(h, arn);
    await expectWholeRollout(h, arn, saved, observed);
    expect(conflicts.count).toBeGreaterThan(0);
    expect(h.sim.endpoint(ENDPOINT)!.status).toBe('InService');
  });
});
