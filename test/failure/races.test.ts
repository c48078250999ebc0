// Races: N engines (N Lambda invocations) act on one rollout at the same moment, against DynamoDB
// (dynalite). At every quiet point of a canary, N−1 ticks and an endpoint-changed notice race; in a
// second rollout, PAUSE, RESUME and ticks race. Optimistic versions must keep the rollout whole: no
// accepted command lost or doubled, versions and timeline seqs without gaps or repeats, no AWS
// update sent twice or to a busy endpoint, and the rollout still succeeds.
import { isSmRolloutError } from '../../src/errors';
import { RolloutEngine, type StepResult } from '../../src/engine/engine';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { isTerminal } from '../../statemachines/describe';
import { DynamoRolloutStore, type RolloutStore } from '../../src/store';
import { startDynalite, type DynaliteServer } from '../store/dynalite-server';
import { validateStartRequest } from '../../src/engine/start-request';

// Each race runs hundreds of conditional writes through dynalite: about 11 s on a quiet machine, several
// times that on a loaded one. A test that times out leaves writes in flight, and dynalite then throws
// "Database is closed" into whichever suite the worker runs next, so the limit is generous.
jest.setTimeout(180_000);

const N = 8;
const MINUTE = 60_000;

let server: DynaliteServer;

beforeAll(async () => {
  server = await startDynalite();
});

afterAll(async () => {
  await server.close();
});

interface Saved {
  version: number;
  expected: number;
  seqs: number[];
}

/** The store, recording every successful save and counting the version conflicts it refused. */
function recording(store: RolloutStore) {
  const saved: Saved[] = [];
  const refused = { count: 0 };
  const wrapped: RolloutStore = Object.create(store) as RolloutStore;
  wrapped.save = async (record, expectedVersion, timeline) => {
    try {
      await store.save(record, expectedVersion, timeline);
    } catch (error) {
      if (isSmRolloutError(error, 'VERSION_CONFLICT')) refused.count++;
      throw error;
    }
    saved.push({ version: record.version, expected: expectedVersion, seqs: timeline.map((t) => t.seq) });
  };
  return { store: wrapped, saved, refused };
}

interface Race {
  env: SimulatedEnvironment;
  engines: RolloutEngine[];
  saved: Saved[];
  refused: { count: number };
  id: string;
  /** Sum of StepResult.conflicts over every step that returned. */
  conflicts: number;
  /** Steps that failed other than a command rejected because it did not apply. */
  errors: string[];
}

async function startRace(strategy: string): Promise<Race> {
  const table = await server.createTable();
  const { store, saved, refused } = recording(new DynamoRolloutStore(server.client(), table));
  const env = createSimulatedEnvironment({ store });
  // N hosts: each its own engine over the same table and the same cloud.
  const engines = Array.from(
    { length: N },
    () =>
      new RolloutEngine({
        store,
        endpoints: env.sim.sagemaker,
        alarms: env.sim.cloudwatch,
        scaling: env.sim.autoscaling,
        events: env.lifecycle,
        clock: env.sim.clock,
      }),
  );
  const arn = env.approveNewVersion(HEALTHY_MODEL);
  const started = await engines[0]!.start(
    validateStartRequest({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn: arn,
      executionRoleArn: DEMO_ROLE,
      strategy,
      finalBake: '3m',
      candidateAlarms: DEMO_CANDIDATE_ALARMS,
      requestedBy: 'race-test',
    }),
  );
  return { env, engines, saved, refused, id: started.record.id, conflicts: 0, errors: [] };
}

type Attempt = { label: string; run: (engine: RolloutEngine) => Promise<StepResult> };

/** Fires every attempt at once, each on its own engine; returns which were accepted. */
async function race(r: Race, attempts: Attempt[]): Promise<Map<string, StepResult>> {
  const settled = await Promise.allSettled(attempts.map((a, i) => a.run(r.engines[i % N]!)));
  const accepted = new Map<string, StepResult>();
  settled.forEach((s, i) => {
    const label = attempts[i]!.label;
    if (s.status === 'fulfilled') {
      r.conflicts += s.value.conflicts;
      accepted.set(label, s.value);
    } else if (!isSmRolloutError(s.reason, 'COMMAND_REJECTED')) {
      r.errors.push(`${label}: ${(s.reason as Error).message}`);
    }
  });
  return accepted;
}

function ticks(r: Race, count: number): Attempt[] {
  return Array.from({ length: count }, (_, i) => ({ label: `tick ${i}`, run: (e) => e.tick(r.id) }));
}

function endpointChanged(r: Race): Attempt {
  return {
    label: 'endpoint changed',
    run: (e) =>
      e.notify(r.id, {
        type: 'ENDPOINT_CHANGED',
        now: r.env.sim.clock.now(),
        status: r.env.sim.endpoint(DEMO_ENDPOINT)!.status,
      }),
  };
}

/** Lets simulated time pass to the rollout's next wake-up (at most a minute). */
async function advance(r: Race): Promise<void> {
  const record = (await r.engines[0]!.get(r.id)).record;
  const now = r.env.sim.clock.now();
  r.env.sim.clock.advanceTo(Math.max(now, Math.min(record.nextWakeAt ?? now + MINUTE, now + MINUTE)));
  // The engines are driven directly here: the events the cloud sent meanwhile are not delivered.
  r.env.bridge.discardPending();
}

/** The checks every race ends with. */
async function expectWholeRollout(r: Race): Promise<void> {
  const { record, timeline } = await r.engines[0]!.get(r.id);
  expect(r.errors).toEqual([]);
  expect(record.status).toBe('succeeded');
  const endpoint = r.env.sim.endpoint(DEMO_ENDPOINT)!;
  expect(endpoint.variants.map((v) => v.modelName)).toEqual([record.input.names.candidateModel]);
  expect(r.env.sim.violations).toEqual([]);
  expect(await r.env.store.activeForEndpoint(DEMO_ENDPOINT)).toBeUndefined();
  // Versions: each successful save moved the version by exactly one, from 2 to the final one.
  // (Sorted: two saves' replies may arrive in either order, the writes themselves cannot.)
  const saves = [...r.saved].sort((a, b) => a.version - b.version);
  expect(saves.every((s) => s.version === s.expected + 1)).toBe(true);
  expect(saves.map((s) => s.version)).toEqual(saves.map((_, i) => i + 2));
  expect(record.version).toBe(saves.length + 1);
  // Timeline: seq 0..n−1, each once, exactly the entries the successful saves wrote.
  expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i));
  expect(record.timelineLength).toBe(timeline.length);
  expect(saves.flatMap((s) => s.seqs)).toEqual(timeline.map((t) => t.seq));
  // AWS: no update sent to an Updating endpoint, no traffic target requested twice.
  expect(r.env.sim.calls.filter((c) => c.error?.code === 'ENDPOINT_BUSY')).toEqual([]);
  const targets = r.env.sim.calls
    .filter((c) => c.operation === 'UpdateEndpoint' || c.operation === 'UpdateEndpointWeightsAndCapacities')
    .map((c) => `${c.operation} ${JSON.stringify(c.input)}`);
  expect(targets.length).toBeGreaterThanOrEqual(3);
  expect(new Set(targets).size).toBe(targets.length);
  // Each rollout-created resource was created once by whoever won (the others saw "exists" or skipped).
  const creates = r.env.sim.calls.filter((c) => c.operation === 'CreateModel' && c.outcome === 'created');
  expect(creates).toHaveLength(1);
}

describe(`${N} invocations racing on one rollout (DynamoDB store)`, () => {
  it(`${N - 1} ticks and an endpoint-changed notice at every quiet point of a canary`, async () => {
    const r = await startRace('Canary10Percent5Minutes');
    let rounds = 0;
    for (; rounds < 200; rounds++) {
      await race(r, [...ticks(r, N - 1), endpointChanged(r)]);
      const { record } = await r.engines[0]!.get(r.id);
      if (isTerminal(record.status)) break;
      await advance(r);
    }
    expect(rounds).toBeGreaterThan(10);
    await expectWholeRollout(r);
    // The race was real: writers collided and the losers re-applied their step.
    expect(r.refused.count).toBeGreaterThan(0);
    expect(r.conflicts).toBeGreaterThan(0);
    expect(r.conflicts).toBeLessThanOrEqual(r.refused.count);
  });

  it('PAUSE, RESUME and ticks at once while baking: every accepted command recorded exactly once', async () => {
    const r = await startRace('10%,4m,50%,3m');
    const accepted: { command: 'PAUSE' | 'RESUME'; by: string }[] = [];
    let mixes = 0;
    for (let round = 0; round < 300; round++) {
      const { record } = await r.engines[0]!.get(r.id);
      if (isTerminal(record.status)) break;
      const baking = record.status === 'running' && record.phase.startsWith('baking');
      const paused = record.status === 'paused';
      const commands: Attempt[] = [];
      const pauser = `pauser-${round}`;
      const resumer = `resumer-${round}`;
      if (baking && mixes < 5) {
        mixes++;
        commands.push(
          { label: 'PAUSE', run: (e) => e.command(r.id, { type: 'PAUSE', by: pauser }) },
          { label: 'RESUME', run: (e) => e.command(r.id, { type: 'RESUME', by: resumer }) },
        );
      } else if (paused) {
        commands.push({ label: 'RESUME', run: (e) => e.command(r.id, { type: 'RESUME', by: resumer }) });
      }
      const won = await race(r, [...commands, ...ticks(r, N - commands.length)]);
      if (won.has('PAUSE')) accepted.push({ command: 'PAUSE', by: pauser });
      if (won.has('RESUME')) accepted.push({ command: 'RESUME', by: resumer });
      // A paused rollout is resumed at once (next round); otherwise time moves on.
      if ((await r.engines[0]!.get(r.id)).record.status !== 'paused') await advance(r);
    }
    expect(mixes).toBeGreaterThanOrEqual(3);
    expect(accepted.filter((a) => a.command === 'PAUSE').length).toBeGreaterThan(0);
    const { timeline } = await r.engines[0]!.get(r.id);
    for (const { command, by } of accepted) {
      const kind = command === 'PAUSE' ? 'paused' : 'resumed';
      const entries = timeline.filter((t) => t.kind === kind && t.message.includes(`by ${by} `));
      expect({ command, by, entries: entries.length }).toEqual({ command, by, entries: 1 });
    }
    // Nothing recorded for a command that was refused.
    const byOf = (t: { message: string }) => /by (\S+) /.exec(t.message)?.[1];
    const recorded = timeline.filter((t) => t.kind === 'paused' || t.kind === 'resumed').map(byOf);
    expect(recorded.sort()).toEqual(accepted.map((a) => a.by).sort());
    await expectWholeRollout(r);
    expect(r.conflicts).toBeGreaterThan(0);
  });
});
