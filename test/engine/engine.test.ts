// The engine on the simulated cloud: concurrent writers never lose an update, a rollout continues
// in a fresh engine from its stored snapshot, commands are refused in words, and lifecycle events
// are published in order without ever being able to stop a rollout.
import { promises as fs } from 'node:fs';
import { formatMs } from '../../statemachines/facts';
import os from 'node:os';
import path from 'node:path';
import {
  BAD_MODEL,
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { RolloutEngine, type StepResult } from '../../src/engine/engine';
import { advanceTo, driveEngine } from './drive';
import type { LifecycleEvent, LifecyclePublisher } from '../../src/engine/ports';
import { SmRolloutError } from '../../src/errors';
import type { ModelBehaviour } from '../../src/sim';
import { FileRolloutStore, MemoryRolloutStore } from '../../src/store';
import type {
  ListFilter,
  PendingApproval,
  RolloutRecord,
  RolloutStore,
  TimelineEntry,
} from '../../src/store';
import { ROLLOUT_MACHINE_VERSION } from '../../statemachines/contract';
import { validateStartRequest } from '../../src/engine/start-request';

/** A store that forwards to another, records every successful save, and can run work just before a save. */
class SpyStore implements RolloutStore {
  readonly savedVersions: number[] = [];
  beforeNextSave?: () => Promise<void>;
  conflictsSeen = 0;

  constructor(private readonly inner: RolloutStore) {}

  create(record: RolloutRecord, timeline: readonly TimelineEntry[]) {
    return this.inner.create(record, timeline);
  }
  get(id: string) {
    return this.inner.get(id);
  }
  async save(record: RolloutRecord, expectedVersion: number, timeline: readonly TimelineEntry[]) {
    const hook = this.beforeNextSave;
    this.beforeNextSave = undefined;
    await hook?.();
    try {
      await this.inner.save(record, expectedVersion, timeline);
    } catch (error) {
      if ((error as SmRolloutError).code === 'VERSION_CONFLICT') this.conflictsSeen++;
      throw error;
    }
    this.savedVersions.push(record.version);
  }
  timeline(id: string) {
    return this.inner.timeline(id);
  }
  list(filter?: ListFilter) {
    return this.inner.list(filter);
  }
  activeForEndpoint(endpointName: string) {
    return this.inner.activeForEndpoint(endpointName);
  }
  listDue(now: number) {
    return this.inner.listDue(now);
  }
  claimEvent(key: string, expiresAt: number, now: number) {
    return this.inner.claimEvent(key, expiresAt, now);
  }
  releaseEvent(key: string) {
    return this.inner.releaseEvent(key);
  }
  setPendingApproval(approval: PendingApproval) {
    return this.inner.setPendingApproval(approval);
  }
  takePendingApproval(endpointName: string) {
    return this.inner.takePendingApproval(endpointName);
  }
  listPendingApprovals() {
    return this.inner.listPendingApprovals();
  }
}

/** Another engine on the same simulated cloud (and the store given). */
function engineOn(
  env: SimulatedEnvironment,
  store: RolloutStore,
  extra: { events?: LifecyclePublisher; warn?: (message: string) => void } = {},
): RolloutEngine {
  return new RolloutEngine({
    store,
    endpoints: env.sim.sagemaker,
    alarms: env.sim.cloudwatch,
    events: extra.events ?? env.lifecycle,
    clock: env.sim.clock,
    warn: extra.warn,
  });
}

async function startRollout(
  env: SimulatedEnvironment,
  behaviour: ModelBehaviour = HEALTHY_MODEL,
  engine = env.engine,
) {
  const modelPackageArn = env.approveNewVersion(behaviour);
  return engine.start(
    validateStartRequest({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn,
      executionRoleArn: DEMO_ROLE,
      strategy: 'Canary10Percent5Minutes',
      candidateAlarms: DEMO_CANDIDATE_ALARMS,
      requestedBy: 'tests',
      // These tests are about alarms, the timeline and lifecycle events: the judge (which would often
      // catch a bad model first) has its own, test/scenarios/judge.test.ts.
      judge: false,
    }),
  );
}

/** Wakes the rollout whenever it asks, until `done` holds for a step. */
function driveUntil(
  env: SimulatedEnvironment,
  engine: RolloutEngine,
  id: string,
  done: (result: StepResult) => boolean,
): Promise<StepResult> {
  return driveEngine(env, engine, id, done, 500);
}

const baking = (result: StepResult) => result.view.phase.startsWith('baking step 2/4');

async function rejection(promise: Promise<unknown>): Promise<SmRolloutError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected an SmRolloutError, but the promise resolved');
}

function expectContiguous(timeline: TimelineEntry[], record: RolloutRecord): void {
  expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i));
  expect(record.timelineLength).toBe(timeline.length);
}

describe('RolloutEngine: concurrent writers', () => {
  it('PAUSE from engine A racing TICK from engine B loses no update', async () => {
    const env = createSimulatedEnvironment();
    const spy = new SpyStore(env.store);
    const a = engineOn(env, spy);
    const b = engineOn(env, spy);
    const { record } = await startRollout(env);
    const atBake = await driveUntil(env, a, record.id, baking);
    // Due for an alarm read, so B's tick has work to save too.
    advanceTo(env, atBake.record.nextWakeAt!);
    const before = atBake.record.version;

    const [paused, ticked] = await Promise.all([
      a.command(record.id, { type: 'PAUSE', by: 'alice' }),
      b.tick(record.id),
    ]);

    const { record: stored, timeline } = await a.get(record.id);
    expect(stored.status).toBe('paused');
    expect(stored.phase).toMatch(/^paused by alice at step 2\/4/);
    expect(timeline.filter((e) => e.kind === 'paused')).toHaveLength(1);
    expect(stored.version).toBe(Math.max(paused.record.version, ticked.record.version));
    expect(stored.version).toBeGreaterThan(before);
    expectContiguous(timeline, stored);
    for (let i = 1; i < spy.savedVersions.length; i++) {
      expect(spy.savedVersions[i]).toBe(spy.savedVersions[i - 1]! + 1);
    }
    // Every conflict a store reported was re-applied by the engine that hit it.
    expect(paused.conflicts + ticked.conflicts).toBe(spy.conflictsSeen);
  });

  it('re-applies a command after another engine saved first, keeping both effects (forced conflict)', async () => {
    const env = createSimulatedEnvironment();
    const spyA = new SpyStore(env.store);
    const a = engineOn(env, spyA);
    const b = engineOn(env, env.store);
    const { record } = await startRollout(env);
    const atBake = await driveUntil(env, a, record.id, baking);
    advanceTo(env, atBake.view.bakeUntil!);

    // Just before A saves its PAUSE, B's tick completes the bake and moves on to the 100% shift.
    let interloper: StepResult | undefined;
    spyA.beforeNextSave = async () => {
      interloper = await b.tick(record.id);
    };
    const paused = await a.command(record.id, { type: 'PAUSE', by: 'alice' });

    expect(paused.conflicts).toBe(1);
    expect(spyA.conflictsSeen).toBe(1);
    expect(interloper!.timeline.map((e) => e.kind)).toContain('bakeCompleted');
    expect(interloper!.record.version).toBe(atBake.record.version + 1);
    expect(paused.record.version).toBe(interloper!.record.version + 1);

    const { record: stored, timeline } = await a.get(record.id);
    expect(stored.status).toBe('paused');
    expect(stored.version).toBe(paused.record.version);
    expect(stored.phase).toMatch(/^paused by alice at step 3\/4/);
    const kinds = timeline.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'bakeCompleted')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'paused')).toHaveLength(1);
    expect(kinds.indexOf('bakeCompleted')).toBeLessThan(kinds.indexOf('paused'));
    expectContiguous(timeline, stored);

    // And it still finishes once resumed.
    await a.command(record.id, { type: 'RESUME', by: 'alice' });
    const final = await driveEngine(env, b, record.id);
    expect(final.record.status).toBe('succeeded');
  });

  it('gives up with VERSION_CONFLICT when another writer wins every attempt', async () => {
    const env = createSimulatedEnvironment();
    const spy = new SpyStore(env.store);
    const a = new RolloutEngine({
      store: spy,
      endpoints: env.sim.sagemaker,
      alarms: env.sim.cloudwatch,
      events: env.lifecycle,
      clock: env.sim.clock,
      settings: { conflictRetries: 2 },
    });
    const { record } = await startRollout(env);
    await driveUntil(env, a, record.id, baking);
    // Before every save of A, someone else bumps the version.
    const bump = async () => {
      const current = (await env.store.get(record.id))!;
      await env.store.save({ ...current, version: current.version + 1 }, current.version, []);
      spy.beforeNextSave = bump;
    };
    spy.beforeNextSave = bump;
    const error = await rejection(a.command(record.id, { type: 'PAUSE', by: 'alice' }));
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(spy.conflictsSeen).toBe(3);
    spy.beforeNextSave = undefined;
    expect((await env.store.get(record.id))!.status).toBe('running');
  });
});

describe('RolloutEngine: restore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-engine-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a rollout saved by one engine is continued by a fresh engine from the stored snapshot', async () => {
    const env = createSimulatedEnvironment({ store: new FileRolloutStore(dir) });
    const { record } = await startRollout(env);
    const atBake = await driveUntil(env, env.engine, record.id, baking);
    expect(atBake.record.snapshot).not.toBeNull();

    // A new process: a new store object on the same directory and a new engine.
    const fresh = engineOn(env, new FileRolloutStore(dir));
    const resumed = await fresh.tick(record.id);
    expect(resumed.view.step).toEqual(atBake.view.step);
    expect(resumed.view.weights).toEqual({ baseline: 90, candidate: 10 });
    const final = await driveEngine(env, fresh, record.id);

    expect(final.record.status).toBe('succeeded');
    expect(env.sim.endpoint(DEMO_ENDPOINT)?.endpointConfigName).toBe(record.input.names.finalConfig);
    const timeline = await fresh.get(record.id).then((r) => r.timeline);
    expectContiguous(timeline, final.record);
    // Nothing was done twice.
    expect(timeline.filter((e) => e.kind === 'started')).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'shifted')).toHaveLength(2);
    expect(await fresh.get(record.id).then((r) => r.record.status)).toBe('succeeded');
  });

  it('refuses a record saved by a different machine version with SNAPSHOT_INCOMPATIBLE', async () => {
    const env = createSimulatedEnvironment();
    const { record } = await startRollout(env);
    const stored = (await env.store.get(record.id))!;
    await env.store.save(
      { ...stored, machineVersion: 'rollout-machine/0', version: stored.version + 1 },
      stored.version,
      [],
    );

    for (const attempt of [
      () => env.engine.tick(record.id),
      () => env.engine.command(record.id, { type: 'ABORT', by: 'bob' }),
      () => env.engine.get(record.id),
    ]) {
      const error = await rejection(attempt());
      expect(error.code).toBe('SNAPSHOT_INCOMPATIBLE');
      expect(error.message).toContain('rollout-machine/0');
      expect(error.message).toContain(ROLLOUT_MACHINE_VERSION);
    }
    expect((await env.store.get(record.id))!.version).toBe(stored.version + 1);
  });

  it('an unknown rollout id is ROLLOUT_NOT_FOUND with a pointer to the list', async () => {
    const env = createSimulatedEnvironment();
    const error = await rejection(env.engine.tick('r-nope'));
    expect(error.code).toBe('ROLLOUT_NOT_FOUND');
    expect(error.message).toMatch(/r-nope not found/);
  });
});

describe('RolloutEngine: commands', () => {
  async function bakingRollout() {
    const env = createSimulatedEnvironment();
    const { record } = await startRollout(env);
    const result = await driveUntil(env, env.engine, record.id, baking);
    return { env, id: record.id, result };
  }

  it('rejects RESUME of a running rollout, naming its state', async () => {
    const { env, id, result } = await bakingRollout();
    const error = await rejection(env.engine.command(id, { type: 'RESUME', by: 'bob' }));
    expect(error).toBeInstanceOf(SmRolloutError);
    expect(error.code).toBe('COMMAND_REJECTED');
    expect(error.message).toMatch(
      new RegExp(`^rollout ${id} is not paused; it is baking step 2/4 at 10% until `),
    );
    // A rejected command changes nothing.
    expect((await env.store.get(id))!.version).toBe(result.record.version);
  });

  it('rejects PROMOTE outside a gate and a second PAUSE, naming the state', async () => {
    const { env, id } = await bakingRollout();
    const promote = await rejection(env.engine.command(id, { type: 'PROMOTE', by: 'bob' }));
    expect(promote.code).toBe('COMMAND_REJECTED');
    expect(promote.message).toMatch(/is not waiting at a manual gate; it is baking step 2\/4/);

    await env.engine.command(id, { type: 'PAUSE', by: 'alice' });
    const pause = await rejection(env.engine.command(id, { type: 'PAUSE', by: 'bob' }));
    expect(pause.code).toBe('COMMAND_REJECTED');
    expect(pause.message).toMatch(
      /is already paused \(paused by alice at step 2\/4 with the candidate at 10%/,
    );
  });

  it('rejects a second ABORT while rolling back, and any command once the rollout ended', async () => {
    const { env, id } = await bakingRollout();
    const aborted = await env.engine.command(id, { type: 'ABORT', by: 'carol' });
    expect(aborted.view.status).toBe('rollingBack');
    const again = await rejection(env.engine.command(id, { type: 'ABORT', by: 'carol' }));
    expect(again.code).toBe('COMMAND_REJECTED');
    expect(again.message).toMatch(/is already rolling back \(rolling back \(aborted by carol\)\)/);

    const final = await driveEngine(env, env.engine, id);
    expect(final.record.status).toBe('rolledBack');
    expect(final.record.reason).toMatch(/carol/);
    const ended = await rejection(env.engine.command(id, { type: 'RESUME', by: 'bob' }));
    expect(ended.code).toBe('COMMAND_REJECTED');
    expect(ended.message).toBe(`rollout ${id} has already ended (rolledBack); nothing to resume`);
  });

  it('PAUSE and RESUME apply and keep the bake time left', async () => {
    const { env, id, result } = await bakingRollout();
    const left = result.view.bakeUntil! - env.sim.clock.now();
    const paused = await env.engine.command(id, { type: 'PAUSE', by: 'alice' });
    expect(paused.view.status).toBe('paused');
    expect(paused.view.phase).toBe(
      `paused by alice at step 2/4 with the candidate at 10%, ${formatMs(Math.ceil(left / 1000) * 1000)} of bake left`,
    );
    advanceTo(env, env.sim.clock.now() + 20 * 60_000);
    const resumed = await env.engine.command(id, { type: 'RESUME', by: 'alice' });
    expect(resumed.view.status).toBe('running');
    expect(resumed.view.phase).toMatch(/^baking step 2\/4 at 10%/);
    expect(resumed.view.bakeUntil).toBe(env.sim.clock.now() + left);
  });
});

describe('RolloutEngine: lifecycle events and timeline', () => {
  it('publishes Started, Traffic Shifted and Succeeded in order with id, endpoint and weights', async () => {
    const env = createSimulatedEnvironment();
    const { record } = await startRollout(env);
    const final = await driveEngine(env, env.engine, record.id);
    expect(final.record.status).toBe('succeeded');

    const published = env.lifecycle.published;
    expect(published.map((e) => e.detailType)).toEqual([
      'Rollout Started',
      'Traffic Shifted',
      'Traffic Shifted',
      'Rollout Succeeded',
    ]);
    expect(published.map((e) => e.detail.weights)).toEqual([
      { baseline: 100, candidate: 0 },
      { baseline: 90, candidate: 10 },
      { baseline: 0, candidate: 100 },
      { baseline: 0, candidate: 100 },
    ]);
    for (const event of published) {
      expect(event.detail).toMatchObject({
        rolloutId: record.id,
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: record.modelPackageArn,
      });
      expect(event.detail.reason).toEqual(expect.any(String));
    }
    const times = published.map((e) => e.at);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(env.warnings).toEqual([]);
  });

  it('publishes Rollback Started and Rollout Rolled Back naming the alarm for a bad model', async () => {
    const env = createSimulatedEnvironment();
    const { record } = await startRollout(env, BAD_MODEL);
    const final = await driveEngine(env, env.engine, record.id);
    expect(final.record.status).toBe('rolledBack');
    expect(final.record.reason).toContain(`alarm ${record.input.candidateAlarms[0]!.alarmName} fired`);
    const types = env.lifecycle.published.map((e) => e.detailType);
    expect(types.slice(-2)).toEqual(['Rollback Started', 'Rollout Rolled Back']);
    expect(env.lifecycle.published.at(-1)!.detail.weights).toEqual({ baseline: 100, candidate: 0 });
  });

  it('a Traffic Shifted event carries the step that shifted the traffic', async () => {
    const env = createSimulatedEnvironment();
    const { record } = await startRollout(env);
    await driveEngine(env, env.engine, record.id);
    const shifts = env.lifecycle.published.filter((e) => e.detailType === 'Traffic Shifted');
    expect(shifts.map((e) => e.detail.step)).toEqual([
      { index: 1, total: 4 },
      { index: 3, total: 4 },
    ]);
  });

  it.each([
    ['rejects', async () => Promise.reject(new Error('EventBridge is down'))],
    [
      'throws synchronously',
      () => {
        throw new Error('EventBridge is down');
      },
    ],
  ])('a publisher that %s neither stops nor changes the rollout; warn reports it', async (_, publish) => {
    const reference = createSimulatedEnvironment();
    const { record: refRecord } = await startRollout(reference);
    const refFinal = await driveEngine(reference, reference.engine, refRecord.id);

    const env = createSimulatedEnvironment();
    const warnings: string[] = [];
    let calls = 0;
    const failing: LifecyclePublisher = {
      publish: (events: readonly LifecycleEvent[]) => {
        calls++;
        expect(events.length).toBeGreaterThan(0);
        return publish();
      },
    };
    const engine = engineOn(env, env.store, { events: failing, warn: (m) => warnings.push(m) });
    const { record } = await startRollout(env, HEALTHY_MODEL, engine);
    const final = await driveEngine(env, engine, record.id);

    expect(final.record.status).toBe('succeeded');
    expect(calls).toBe(4);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toBe(`could not publish lifecycle events for ${record.id}: EventBridge is down`);
    const { timeline } = await engine.get(record.id);
    const refTimeline = await reference.store.timeline(refRecord.id);
    expect(timeline.map((e) => [e.seq, e.kind, e.at])).toEqual(refTimeline.map((e) => [e.seq, e.kind, e.at]));
    expect(final.record.version).toBe(refFinal.record.version);
    expect(await env.store.activeForEndpoint(DEMO_ENDPOINT)).toBeUndefined();
  });

  it('timeline entries have increasing seq and times and readable messages', async () => {
    const env = createSimulatedEnvironment();
    const { record } = await startRollout(env);
    const final = await driveEngine(env, env.engine, record.id);
    const timeline = await env.store.timeline(record.id);
    expectContiguous(timeline, final.record);
    for (let i = 1; i < timeline.length; i++)
      expect(timeline[i]!.at).toBeGreaterThanOrEqual(timeline[i - 1]!.at);
    for (const entry of timeline) {
      expect(entry.rolloutId).toBe(record.id);
      expect(entry.message).toMatch(/^[A-Z]/);
      expect(entry.message).not.toMatch(/undefined|NaN|\[object Object\]/);
    }
    expect(timeline[0]!.message).toBe(
      `Rollout ${record.id} started by tests: ${record.modelPackageArn} onto endpoint ${DEMO_ENDPOINT} with strategy Canary10Percent5Minutes`,
    );
    expect(timeline.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'Traffic shifted: baseline 90% / candidate 10% (step 1/4)',
        'Bake of step 2/4 completed; alarms quiet',
        'Traffic shifted: baseline 0% / candidate 100% (step 3/4)',
      ]),
    );
    expect(timeline.at(-1)!.kind).toBe('succeeded');
  });

  it('start refuses a second rollout on a busy endpoint, naming the active one, and creates nothing', async () => {
    const env = createSimulatedEnvironment({ store: new MemoryRolloutStore() });
    const { record } = await startRollout(env);
    const error = await rejection(startRollout(env));
    expect(error.code).toBe('ROLLOUT_ACTIVE');
    expect(error.message).toContain(record.id);
    expect(await env.store.list()).toHaveLength(1);
  });
});
