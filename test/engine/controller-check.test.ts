// The controller's dry run, `check`: it answers with the code and words the real command gets when it
// is delivered, and it writes nothing — no record, timeline entry, event claim or pending approval in
// the store (in memory or on disk), and no change in AWS.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_GROUP,
  DEMO_ROLE,
  HEALTHY_MODEL,
  MemoryLifecyclePublisher,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import {
  DEPLOYED_POLICIES,
  RolloutController,
  type CheckVerdict,
  type Outcome,
  type PolicyLookup,
} from '../../src/engine/controller';
import {
  parseCommandDetail,
  startCommandDetail,
  type CommandDetail,
  type StartCommandRequest,
} from '../../src/engine/intake';
import type { HandlerResult } from '../../src/handlers/controller';
import { policyLookup } from '../../src/handlers/environment';
import { parsePolicies } from '../../src/policy';
import { FileRolloutStore, MemoryRolloutStore, type RolloutRecord, type RolloutStore } from '../../src/store';
import { isTerminal } from '../../statemachines/describe';

const MUTATING_CALL = /^(Create|Update|Delete|Put)/;
const STORE_WRITES = new Set([
  'create',
  'save',
  'claimEvent',
  'releaseEvent',
  'setPendingApproval',
  'takePendingApproval',
]);

/** The store, forwarding every call, with the name of every write it was asked to make. */
function recordingWrites(inner: RolloutStore): { store: RolloutStore; writes: string[] } {
  const writes: string[] = [];
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (STORE_WRITES.has(String(prop))) writes.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, writes };
}

async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = await fs.readFile(file, 'utf8');
  }
  return out;
}

interface World {
  env: SimulatedEnvironment;
  /** Writes the store was asked to make since the world was built. */
  writes: string[];
  /** Everything the store holds that a check could change (and, for a file store, its files). */
  state(): Promise<unknown>;
}

type StoreKind = 'memory' | 'file';
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function world(kind: StoreKind, options: { policies?: PolicyLookup } = {}): Promise<World> {
  let dir: string | undefined;
  let inner: RolloutStore = new MemoryRolloutStore();
  if (kind === 'file') {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-check-'));
    dirs.push(dir);
    inner = new FileRolloutStore(dir);
  }
  const { store, writes } = recordingWrites(inner);
  const env = createSimulatedEnvironment({ store, ...options });
  await env.bridge.flush();
  return {
    env,
    writes,
    async state() {
      const records = await store.list();
      return {
        records,
        timelines: await Promise.all(records.map((r) => store.timeline(r.id))),
        active: await store.activeForEndpoint(DEMO_ENDPOINT),
        pending: await store.listPendingApprovals(),
        ...(dir ? { files: await filesUnder(dir) } : {}),
      };
    },
  };
}

/** A start as `sm-rollout start` sends it: a new approved version, the demo's role and alarms. */
function startDetail(env: SimulatedEnvironment, request: Partial<StartCommandRequest> = {}): CommandDetail {
  return startCommandDetail({
    endpointName: DEMO_ENDPOINT,
    modelPackageArn: env.approveNewVersion(HEALTHY_MODEL),
    executionRoleArn: DEMO_ROLE,
    strategy: 'Canary10Percent5Minutes',
    candidateAlarms: DEMO_CANDIDATE_ALARMS,
    requestedBy: 'check-test',
    ...request,
  });
}

async function send(env: SimulatedEnvironment, detail: CommandDetail): Promise<Outcome> {
  const result = (await env.driver.send(env.bridge.commandEvent(detail))) as HandlerResult;
  if (!result.ok) throw new Error(result.error);
  return result.outcomes[0]!;
}

async function started(w: World, request: Partial<StartCommandRequest> = {}): Promise<string> {
  const outcome = await send(w.env, startDetail(w.env, request));
  expect(outcome).toMatchObject({ action: 'started' });
  return outcome.rolloutId!;
}

async function until(w: World, id: string, done: (r: RolloutRecord) => boolean): Promise<RolloutRecord> {
  await w.env.bridge.runUntil(async () => done((await w.env.store.get(id))!), 180);
  return (await w.env.store.get(id))!;
}

const baking = (r: RolloutRecord) => r.status === 'running' && r.phase.startsWith('baking');

let dryRuns = 0;

/**
 * The dry run of `detail` by `controller` (default: the environment's own), asserting it wrote nothing
 * in the store and changed nothing in AWS. A pending approval and the claims of earlier commands are
 * in the store while it runs, so a check that touched them would show.
 */
async function checked(
  w: World,
  detail: CommandDetail,
  controller: RolloutController = w.env.controller,
): Promise<CheckVerdict> {
  await w.env.store.setPendingApproval({
    endpointName: 'churn-other',
    modelPackageArn: `arn:aws:sagemaker:${w.env.sim.region}:${w.env.sim.accountId}:model-package/other/3`,
    modelPackageVersion: 3,
    requestedBy: 'check-test',
    at: w.env.sim.clock.now(),
  });
  const before = await w.state();
  const writes = w.writes.length;
  const calls = w.env.sim.calls.length;
  const verdict = await controller.check(parseCommandDetail(detail, `dry-run-${++dryRuns}`));
  expect(w.writes.slice(writes)).toEqual([]);
  expect(w.env.sim.calls.slice(calls).filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
  expect(await w.state()).toEqual(before);
  // Not in the way of what follows.
  await w.env.store.takePendingApproval('churn-other');
  return verdict;
}

/** The check's refusal, then the same command delivered: both give the same code, words and field. */
async function expectRefusedAlike(
  w: World,
  detail: CommandDetail,
  expected: { code: string; field?: string; reason: RegExp },
): Promise<CheckVerdict> {
  const verdict = await checked(w, detail);
  expect(verdict).toEqual({
    accepted: false,
    code: expected.code,
    reason: expect.stringMatching(expected.reason),
    ...(expected.field ? { field: expected.field } : {}),
  });
  const outcome = await send(w.env, detail);
  expect(['refused', 'rejected']).toContain(outcome.action);
  expect({ code: outcome.code, reason: outcome.reason, field: outcome.field }).toEqual({
    code: verdict.accepted ? undefined : verdict.code,
    reason: verdict.reason,
    field: verdict.accepted ? undefined : verdict.field,
  });
  return verdict;
}

describe.each<StoreKind>(['memory', 'file'])('check with a %s store', (kind) => {
  describe('refuses, in the words the delivered command gets, and writes nothing, when', () => {
    it('a start has no policy and no role (INVALID_INPUT naming executionRoleArn)', async () => {
      const w = await world(kind);
      await expectRefusedAlike(w, startDetail(w.env, { executionRoleArn: undefined }), {
        code: 'INVALID_INPUT',
        field: 'executionRoleArn',
        reason: /^executionRoleArn: .*--execution-role/,
      });
    });

    it('a start has a bad strategy', async () => {
      const w = await world(kind);
      await expectRefusedAlike(w, startDetail(w.env, { strategy: 'Canary10Percent7Minutes' }), {
        code: 'INVALID_PLAN',
        field: 'strategy',
        reason: /Canary10Percent7Minutes/,
      });
    });

    it('the endpoint already has an active rollout (ROLLOUT_ACTIVE)', async () => {
      const w = await world(kind);
      const id = await started(w);
      await expectRefusedAlike(w, startDetail(w.env), {
        code: 'ROLLOUT_ACTIVE',
        field: 'endpoint',
        reason: new RegExp(`active rollout \\(${id}, `),
      });
    });

    it('the model package is not approved', async () => {
      const w = await world(kind);
      const pending = w.env.sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour: HEALTHY_MODEL });
      await w.env.bridge.flush();
      await expectRefusedAlike(w, startDetail(w.env, { modelPackageArn: pending }), {
        code: 'MODEL_PACKAGE_NOT_APPROVED',
        field: 'modelPackageArn',
        reason: /PendingManualApproval/,
      });
    });

    it('the endpoint does not exist', async () => {
      const w = await world(kind);
      await expectRefusedAlike(w, startDetail(w.env, { endpointName: 'churn-staging' }), {
        code: 'ENDPOINT_NOT_FOUND',
        field: 'endpoint',
        reason: /churn-staging/,
      });
    });

    it('a named alarm does not exist', async () => {
      const w = await world(kind);
      await expectRefusedAlike(w, startDetail(w.env, { alarms: ['churn-prod-no-such-alarm'] }), {
        code: 'ALARM_NOT_FOUND',
        field: 'alarms',
        reason: /churn-prod-no-such-alarm/,
      });
    });

    it('a steering command does not apply to the rollout as it is (COMMAND_REJECTED, the describer’s words)', async () => {
      const w = await world(kind);
      const id = await started(w);
      await until(w, id, baking);
      const steer = (command: 'pause' | 'resume' | 'promote') =>
        ({ command, rolloutId: id, requestedBy: 'check-test' }) as const;
      await expectRefusedAlike(w, steer('resume'), {
        code: 'COMMAND_REJECTED',
        reason: new RegExp(`^rollout ${id} is not paused; it is baking`),
      });
      await expectRefusedAlike(w, steer('promote'), {
        code: 'COMMAND_REJECTED',
        reason: /is not waiting at a manual gate; it is baking .*use promote --full/,
      });
      expect(await send(w.env, steer('pause'))).toMatchObject({ action: 'advanced', status: 'paused' });
      await expectRefusedAlike(w, steer('pause'), { code: 'COMMAND_REJECTED', reason: /is already paused/ });
      await send(w.env, { command: 'abort', rolloutId: id, requestedBy: 'check-test' });
      await until(w, id, (r) => isTerminal(r.status));
      await expectRefusedAlike(w, steer('pause'), {
        code: 'COMMAND_REJECTED',
        reason: /has already ended \(rolledBack\); nothing to pause/,
      });
    });

    it('the rollout id is unknown, or the endpoint has no active rollout (ROLLOUT_NOT_FOUND)', async () => {
      const w = await world(kind);
      await expectRefusedAlike(
        w,
        { command: 'pause', rolloutId: 'r-nosuchthing', requestedBy: 'check-test' },
        { code: 'ROLLOUT_NOT_FOUND', field: 'rolloutId', reason: /rollout r-nosuchthing not found/ },
      );
      await expectRefusedAlike(
        w,
        { command: 'abort', endpoint: DEMO_ENDPOINT, requestedBy: 'check-test' },
        { code: 'ROLLOUT_NOT_FOUND', field: 'endpoint', reason: /churn-prod has no active rollout/ },
      );
    });

    it('the record was saved by another machine version (SNAPSHOT_INCOMPATIBLE)', async () => {
      const w = await world(kind);
      const id = await started(w);
      const record = (await until(w, id, baking))!;
      await w.env.store.save(
        { ...record, machineVersion: 'rollout@0-elsewhere', version: record.version + 1 },
        record.version,
        [],
      );
      await expectRefusedAlike(
        w,
        { command: 'pause', rolloutId: id, requestedBy: 'check-test' },
        { code: 'SNAPSHOT_INCOMPATIBLE', reason: /saved by rollout@0-elsewhere/ },
      );
    });

    it('an undo finds no successful rollout (ROLLOUT_NOT_FOUND)', async () => {
      const w = await world(kind);
      await expectRefusedAlike(
        w,
        { command: 'undo', endpoint: DEMO_ENDPOINT, requestedBy: 'check-test' },
        { code: 'ROLLOUT_NOT_FOUND', field: 'endpoint', reason: /no successful rollout to undo/ },
      );
    });
  });

  describe('accepts, writing nothing, and the command delivered then does it', () => {
    it('a valid start', async () => {
      const w = await world(kind);
      const detail = startDetail(w.env);
      const { modelPackageArn } = detail as { modelPackageArn: string };
      expect(await checked(w, detail)).toEqual({
        accepted: true,
        reason: `would start a rollout of ${modelPackageArn}`,
        modelPackageArn,
      });
      expect(await send(w.env, detail)).toMatchObject({ action: 'started', endpointName: DEMO_ENDPOINT });
    });

    it('pause of a baking rollout, promote --full while baking, and abort', async () => {
      const w = await world(kind);
      const id = await started(w);
      await until(w, id, baking);
      const base = { rolloutId: id, requestedBy: 'check-test' } as const;
      for (const [detail, status] of [
        [{ ...base, command: 'pause' }, 'paused'],
        [{ ...base, command: 'resume' }, 'running'],
        [{ ...base, command: 'promote', full: true }, 'running'],
      ] as const) {
        expect(await checked(w, detail)).toEqual({
          accepted: true,
          reason: `would ${detail.command} rollout ${id}`,
          rolloutId: id,
        });
        expect(await send(w.env, detail)).toMatchObject({ action: 'advanced', status });
      }
      const abort = {
        command: 'abort',
        endpoint: DEMO_ENDPOINT,
        requestedBy: 'check-test',
        note: 'x',
      } as const;
      expect(await checked(w, abort)).toMatchObject({ accepted: true, rolloutId: id });
      expect(await send(w.env, abort)).toMatchObject({ action: 'advanced', rolloutId: id });
      expect((await until(w, id, (r) => isTerminal(r.status))).status).toBe('rolledBack');
    });

    it('promote at a manual gate', async () => {
      const w = await world(kind);
      const id = await started(w, { strategy: '10%,2m,pause,50%,2m' });
      await until(w, id, (r) => r.status === 'awaitingPromotion');
      const promote = { command: 'promote', rolloutId: id, requestedBy: 'check-test' } as const;
      expect(await checked(w, promote)).toEqual({
        accepted: true,
        reason: `would promote rollout ${id}`,
        rolloutId: id,
      });
      expect(await send(w.env, promote)).toMatchObject({ action: 'advanced', status: 'running' });
    });

    it('undo after a successful rollout', async () => {
      const w = await world(kind);
      const id = await started(w, { strategy: 'AllAtOnce' });
      expect((await until(w, id, (r) => isTerminal(r.status))).status).toBe('succeeded');
      const undo = { command: 'undo', endpoint: DEMO_ENDPOINT, requestedBy: 'check-test' } as const;
      expect(await checked(w, undo)).toEqual({
        accepted: true,
        reason: `would start a rollout of ${w.env.baselinePackageArn}`,
        modelPackageArn: w.env.baselinePackageArn,
        undoing: id,
        // Undo rolls an older version back out: its timeline says so first.
        notes: [
          `rolling back to version 1 of churn-model while version 2 serves ${DEMO_ENDPOINT}, by request of check-test, undoing ${id}`,
        ],
      });
      expect(await send(w.env, undo)).toMatchObject({
        action: 'started',
        reason: `undo of ${id} by check-test`,
      });
    });

    it('a steering command for a rollout whose first save is not done yet (no projection: decided on arrival)', async () => {
      // A started rollout's record, from an identical world, as engine.start creates it before its first save.
      const elsewhere = await world('memory');
      const record = (await elsewhere.env.store.get(await started(elsewhere)))!;
      const w = await world(kind);
      expect(w.env.approveNewVersion(HEALTHY_MODEL)).toBe(record.modelPackageArn);
      await w.env.bridge.flush();
      const fresh: RolloutRecord = {
        ...record,
        status: 'running',
        active: true,
        phase: 'starting',
        snapshot: null,
        version: 1,
        timelineLength: 0,
      };
      delete fresh.progress;
      delete fresh.nextWakeAt;
      await w.env.store.create(fresh, []);
      const resume = { command: 'resume', rolloutId: record.id, requestedBy: 'check-test' } as const;
      expect(await checked(w, resume)).toEqual({
        accepted: true,
        reason: `would resume rollout ${record.id}`,
        rolloutId: record.id,
      });
      // On arrival the controller runs the rollout to its first quiet point, then decides.
      expect(await send(w.env, resume)).toMatchObject({
        action: 'rejected',
        code: 'COMMAND_REJECTED',
        reason: expect.stringMatching(/is not paused/),
      });
      // ...and saves it, with the projection the next check reads.
      const saved = (await w.env.store.get(record.id))!;
      expect(saved.version).toBeGreaterThan(1);
      expect(saved.progress?.accepts).not.toContain('resume');
    });
  });
});

describe('check for the deployed controller (DEPLOYED_POLICIES, as the CLI in controller mode asks it)', () => {
  function deployed(env: SimulatedEnvironment): RolloutController {
    return new RolloutController({
      store: env.store,
      endpoints: env.sim.sagemaker,
      alarms: env.sim.cloudwatch,
      policies: DEPLOYED_POLICIES,
      events: new MemoryLifecyclePublisher(),
      clock: env.sim.clock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }
  const bare = (env: SimulatedEnvironment, request: Partial<StartCommandRequest> = {}) =>
    startCommandDetail({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn: env.approveNewVersion(HEALTHY_MODEL),
      requestedBy: 'check-test',
      ...request,
    });

  it('accepts a start with no role: the deployed policy supplies it', async () => {
    const w = await world('memory');
    const detail = bare(w.env);
    expect(await checked(w, detail, deployed(w.env))).toMatchObject({ accepted: true });
    // Where the policies cannot be seen as deployed elsewhere, the same start needs its role.
    expect(await checked(w, detail)).toMatchObject({ accepted: false, field: 'executionRoleArn' });
  });

  it.each([
    [{ strategy: 'Canary10Percent7Minutes' }, 'INVALID_PLAN', 'strategy'],
    [{ executionRoleArn: 'sagemaker-exec' }, 'INVALID_INPUT', 'executionRoleArn'],
    [{ finalBake: 'soon' }, 'INVALID_DURATION', 'finalBake'],
    [{ alarms: ['churn-prod-no-such-alarm'] }, 'ALARM_NOT_FOUND', 'alarms'],
  ] as [Partial<StartCommandRequest>, string, string][])(
    'still refuses a bad field that was given, naming it: %j',
    async (request, code, field) => {
      const w = await world('memory');
      expect(await checked(w, bare(w.env, request), deployed(w.env))).toMatchObject({
        accepted: false,
        code,
        field,
      });
    },
  );
});

describe('check against a real policy', () => {
  function policyController(env: SimulatedEnvironment, extra: string[] = []): RolloutController {
    const yaml = [
      'policies:',
      `  - modelPackageGroup: ${DEMO_GROUP}`,
      `    endpoint: ${DEMO_ENDPOINT}`,
      '    strategy: Canary10Percent5Minutes',
      '    candidateAlarms: [{ suffix: 5xx-rate, metricName: Invocation5XXErrors, statistic: Average, threshold: 0.05 }]',
      `    executionRoleArn: ${DEMO_ROLE}`,
      ...extra,
      '',
    ].join('\n');
    return new RolloutController({
      store: env.store,
      endpoints: env.sim.sagemaker,
      alarms: env.sim.cloudwatch,
      policies: policyLookup(parsePolicies(yaml, 'policies.yaml')),
      events: new MemoryLifecyclePublisher(),
      clock: env.sim.clock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }
  const bare = (env: SimulatedEnvironment, modelPackageArn = env.approveNewVersion(HEALTHY_MODEL)) =>
    startCommandDetail({ endpointName: DEMO_ENDPOINT, modelPackageArn, requestedBy: 'check-test' });

  it('a start of only endpoint and package takes the policy’s role and strategy, and then starts so', async () => {
    const w = await world('memory');
    const controller = policyController(w.env);
    const detail = bare(w.env);
    expect(await checked(w, detail, controller)).toMatchObject({ accepted: true });
    const outcome = await controller.command(parseCommandDetail(detail, 'evt-policy-start'));
    expect(outcome).toMatchObject({ action: 'started' });
    const record = (await w.env.store.get(outcome.rolloutId!))!;
    expect(record.strategy).toBe('Canary10Percent5Minutes');
    expect(record.input.executionRoleArn).toBe(DEMO_ROLE);
  });

  it('what the policy names is checked too: its alarm that does not exist refuses the start alike', async () => {
    const w = await world('memory');
    const controller = policyController(w.env, ['    alarms: [churn-prod-policy-alarm]']);
    const detail = bare(w.env);
    const verdict = await checked(w, detail, controller);
    expect(verdict).toMatchObject({ accepted: false, code: 'ALARM_NOT_FOUND', field: 'alarms' });
    const outcome = await controller.command(parseCommandDetail(detail, 'evt-policy-alarm'));
    expect(outcome).toMatchObject({ action: 'refused', code: 'ALARM_NOT_FOUND', field: 'alarms' });
    expect(outcome.reason).toBe(verdict.reason);
  });

  it('a version of another group is refused naming modelPackageArn', async () => {
    const w = await world('memory');
    const other = w.env.sim.registerModelPackage({
      groupName: 'fraud-model',
      approvalStatus: 'Approved',
      behaviour: HEALTHY_MODEL,
    });
    await w.env.bridge.flush();
    expect(await checked(w, bare(w.env, other), policyController(w.env))).toMatchObject({
      accepted: false,
      code: 'INVALID_INPUT',
      field: 'modelPackageArn',
      reason: expect.stringMatching(/is a version of fraud-model/),
    });
  });
});

describe('check of what would be rolled out against what serves, and of the guard', () => {
  const serving = (env: SimulatedEnvironment) => env.baselinePackageArn;

  it('the serving version: refused alike by the dry run and the delivered command, naming --force', async () => {
    const w = await world('memory');
    await expectRefusedAlike(w, startDetail(w.env, { modelPackageArn: serving(w.env) }), {
      code: 'NOT_NEWER_THAN_SERVING',
      field: 'modelPackageArn',
      reason:
        /^version 1 of churn-model already serves churn-prod \(model churn-prod-model-0\); nothing to roll out — pass --force/,
    });
    expect(await w.env.store.list()).toEqual([]);
  });

  it('the serving version with force: accepted', async () => {
    const w = await world('memory');
    expect(await checked(w, startDetail(w.env, { modelPackageArn: serving(w.env), force: true }))).toEqual({
      accepted: true,
      reason: `would start a rollout of ${serving(w.env)}`,
      modelPackageArn: serving(w.env),
    });
  });

  it('an older version: accepted, with the line its timeline starts with', async () => {
    const w = await world('memory');
    const id = await started(w, { strategy: 'AllAtOnce' });
    expect((await until(w, id, (r) => isTerminal(r.status))).status).toBe('succeeded');
    expect(await checked(w, startDetail(w.env, { modelPackageArn: serving(w.env) }))).toMatchObject({
      accepted: true,
      notes: [
        'rolling back to version 1 of churn-model while version 2 serves churn-prod, by request of check-test',
      ],
    });
  });

  it('no alarm and no judge at all: refused alike, naming --no-guard; with allowUnguarded, accepted with its note', async () => {
    const w = await world('memory');
    await expectRefusedAlike(w, startDetail(w.env, { candidateAlarms: [], judge: false }), {
      code: 'UNGUARDED',
      field: 'alarms',
      reason: /^no alarm would watch the candidate on churn-prod: .* pass --no-guard/,
    });
    expect(
      await checked(w, startDetail(w.env, { candidateAlarms: [], judge: false, allowUnguarded: true })),
    ).toMatchObject({
      accepted: true,
      notes: ['started unguarded: no alarm watches the candidate, by request of check-test'],
    });
  });

  it('a candidate alarm CloudWatch would reject: refused alike, naming the field', async () => {
    const w = await world('memory');
    const bad = { ...DEMO_CANDIDATE_ALARMS[0]!, evaluationPeriods: 1, datapointsToAlarm: 2 };
    await expectRefusedAlike(w, startDetail(w.env, { candidateAlarms: [bad] }), {
      code: 'INVALID_INPUT',
      field: 'candidateAlarms[0].datapointsToAlarm',
      reason: /^candidateAlarms\[0\]\.datapointsToAlarm: 2 is more than evaluationPeriods \(1\)/,
    });
  });

  it('for the deployed controller (controller mode): the serving version is refused by the dry run too', async () => {
    const w = await world('memory');
    const controller = new RolloutController({
      store: w.env.store,
      endpoints: w.env.sim.sagemaker,
      alarms: w.env.sim.cloudwatch,
      policies: DEPLOYED_POLICIES,
      events: new MemoryLifecyclePublisher(),
      clock: w.env.sim.clock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const detail = startCommandDetail({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn: serving(w.env),
      requestedBy: 'check-test',
    });
    expect(await checked(w, detail, controller)).toMatchObject({
      accepted: false,
      code: 'NOT_NEWER_THAN_SERVING',
    });
    // Whether the deployed policy has alarms is for the deployed controller to say: no alarm here is no refusal.
    const newer = startCommandDetail({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn: w.env.approveNewVersion(HEALTHY_MODEL),
      requestedBy: 'check-test',
    });
    expect(await checked(w, newer, controller)).toMatchObject({ accepted: true });
  });
});
