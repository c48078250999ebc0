// The backend of --local and --simulate: this process hosts the controller over a store, so these
// drive it on the simulated cloud, built as `openSimulated` builds it, and read the store after.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SmRolloutError } from '../../src/errors';
import { LocalBackend } from '../../src/cli/local-backend';
import {
  createSimulatedEnvironment,
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_ROLE,
  HEALTHY_MODEL,
} from '../../src/cli/simulated-environment';
import { FileRolloutStore, type RolloutStore } from '../../src/store';

const WHO = 'ops-tester';

function open(store?: RolloutStore) {
  const env = createSimulatedEnvironment(store ? { store } : {});
  const backend = new LocalBackend({
    mode: 'simulate',
    driver: env.driver,
    check: (event) => env.controller.check(event),
    store: env.store,
    alarms: env.sim.cloudwatch,
    timeoutNow: Date.now,
  });
  const candidate = env.approveNewVersion(HEALTHY_MODEL);
  const request = {
    endpointName: DEMO_ENDPOINT,
    modelPackageArn: candidate,
    executionRoleArn: DEMO_ROLE,
    strategy: '10%,2m,pause',
    candidateAlarms: DEMO_CANDIDATE_ALARMS,
    requestedBy: WHO,
  };
  return { env, backend, candidate, request };
}

async function refusal(promise: Promise<unknown>): Promise<SmRolloutError> {
  const error = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  if (!(error instanceof SmRolloutError)) throw error;
  return error;
}

async function claimsIn(dir: string): Promise<string[]> {
  return fs.readdir(path.join(dir, 'events')).catch(() => []);
}

describe('a start while the endpoint is Updating (it scales, or someone updates it)', () => {
  it('waits for InService, saying why once, then starts', async () => {
    const { env, request } = open();
    const said: string[] = [];
    const backend = new LocalBackend({
      mode: 'simulate',
      driver: env.driver,
      check: (event) => env.controller.check(event),
      store: env.store,
      alarms: env.sim.cloudwatch,
      timeoutNow: Date.now,
      waitForEndpoint: () => env.bridge.minute(),
      onWait: (message) => said.push(message),
    });
    // Someone else's UpdateEndpointWeightsAndCapacities (what an auto scaling activity sends).
    await env.sim.sagemaker.updateWeights(DEMO_ENDPOINT, [{ variantName: 'AllTraffic', weight: 1 }]);
    expect(env.sim.endpoint(DEMO_ENDPOINT)!.status).toBe('Updating');
    const before = env.sim.clock.now();

    const started = await backend.start(request);

    expect(started.status).not.toBe('failed');
    expect(env.sim.clock.now()).toBeGreaterThan(before);
    expect(said).toEqual([
      `endpoint ${DEMO_ENDPOINT} is Updating, not InService (an update or an auto scaling activity in progress); waiting for it to be InService`,
    ]);
  });

  it('without a way to wait (the deployed controller), refuses with what is happening and what to do', async () => {
    const { env, backend, request } = open();
    await env.sim.sagemaker.updateWeights(DEMO_ENDPOINT, [{ variantName: 'AllTraffic', weight: 1 }]);
    const error = await refusal(backend.start(request));
    expect(error.code).toBe('ENDPOINT_NOT_IN_SERVICE');
    expect(error.message).toBe(
      `endpoint ${DEMO_ENDPOINT} is Updating, not InService (an update or an auto scaling activity in progress); ` +
        'wait until it is InService and try again',
    );
  });
});

describe('LocalBackend on the simulated cloud', () => {
  it('starts a rollout, stops at the manual gate, and finishes it on promote', async () => {
    const { backend, candidate, request } = open();
    const started = await backend.start(request);
    expect(await backend.get(started.id)).toMatchObject({
      record: { id: started.id, endpointName: DEMO_ENDPOINT, modelPackageArn: candidate, active: true },
    });
    const updates: number[] = [];
    const gate = await backend.follow(started.id, {
      until: 'attention',
      onUpdate: (_record, added) => void updates.push(added.length),
    });
    expect(gate.stoppedBecause).toBe('attention');
    expect(gate.record.status).toBe('awaitingPromotion');
    expect(updates.length).toBeGreaterThan(0);

    const promoted = await backend.command(started.id, { type: 'PROMOTE', by: WHO });
    expect(promoted.status).not.toBe('awaitingPromotion');
    const end = await backend.follow(started.id, { until: 'end' });
    expect(end).toMatchObject({ stoppedBecause: 'ended', record: { status: 'succeeded', active: false } });
  });

  it('refuses a start without an execution role and stores nothing', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-local-'));
    const { backend, request } = open(new FileRolloutStore(dir));
    const { executionRoleArn: _omitted, ...noRole } = request;
    const error = await refusal(backend.start(noRole));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('executionRoleArn');
    expect(await backend.list()).toEqual([]);
    expect(await claimsIn(dir)).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses a second start on the same endpoint and stores nothing for it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-local-'));
    const { env, backend, request } = open(new FileRolloutStore(dir));
    const first = await backend.start(request);
    const claims = await claimsIn(dir);
    expect(claims.length).toBeGreaterThan(0);
    const second = { ...request, modelPackageArn: env.approveNewVersion(HEALTHY_MODEL) };
    const error = await refusal(backend.start(second));
    expect(error.code).toBe('ROLLOUT_ACTIVE');
    expect((await backend.list()).map((r) => r.id)).toEqual([first.id]);
    expect(await claimsIn(dir)).toEqual(claims);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('rejects a command that does not apply: resume when not paused', async () => {
    const { backend, request } = open();
    const started = await backend.start(request);
    const error = await refusal(backend.command(started.id, { type: 'RESUME', by: WHO }));
    expect(error.code).toBe('COMMAND_REJECTED');
    expect(error.message).toContain('not paused');
  });

  it('stops following at once with timeout 0, or when the signal is aborted, leaving time alone', async () => {
    const { env, backend, request } = open();
    const started = await backend.start(request);
    const before = env.sim.clock.now();
    expect((await backend.follow(started.id, { until: 'end', timeoutMs: 0 })).stoppedBecause).toBe('timeout');
    const detach = new AbortController();
    detach.abort();
    const detached = await backend.follow(started.id, { until: 'end', signal: detach.signal });
    expect(detached.stoppedBecause).toBe('detached');
    expect(detached.record.active).toBe(true);
    expect(env.sim.clock.now()).toBe(before);
  });

  it('undo after a success rolls the previous version back out and names the rollout it undoes', async () => {
    const { env, backend, request } = open();
    const first = await backend.start({ ...request, strategy: 'AllAtOnce' });
    expect((await backend.follow(first.id, { until: 'end' })).record.status).toBe('succeeded');
    const { record, undoing } = await backend.undo(DEMO_ENDPOINT, {}, WHO);
    expect(undoing).toBe(first.id);
    expect(record).toMatchObject({ modelPackageArn: env.baselinePackageArn, active: true });
    expect(record.id).not.toBe(first.id);
  });

  it('reports a rollout it does not know', async () => {
    const { backend } = open();
    expect((await refusal(backend.get('r-missing'))).code).toBe('ROLLOUT_NOT_FOUND');
  });
});
