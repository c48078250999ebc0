// The simulated account `--simulate` shares between commands: its three endpoints (flags only, a
// policy only, a policy with a manual gate), how the mode is chosen without the flag, --timeout in
// simulated time, and the folder lock that keeps two commands from saving over each other.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { resolveMode } from '../../src/cli/controller-config';
import { SIMULATED_WORLD } from '../../src/cli/simulated-world';
import { LOCK_FILE_NAME, lockStateFolder } from '../../src/cli/state-lock';
import { SmRolloutError } from '../../src/errors';
import {
  ENDPOINT,
  GUARD,
  SimAccount,
  WHO,
  lastJson,
  pkg,
  run,
  simJson,
  type RolloutDoc,
} from './verbs-helpers';

const arn = (group: string, version: number) =>
  `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/${version}`;
const { policyOnly, manualGate } = SIMULATED_WORLD;

describe('the simulated world', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('fraud-prod deploys by its policy alone: start names the endpoint and the version, nothing else', async () => {
    const healthy = await simJson(
      'start',
      '--endpoint',
      policyOnly.endpoint,
      '--model-package',
      arn(policyOnly.group, 2),
      '--requested-by',
      WHO,
    );
    const doc = lastJson<RolloutDoc>(healthy);
    expect([healthy.code, doc.status, doc.strategy]).toEqual([0, 'succeeded', 'Canary10Percent5Minutes']);
    const history = lastJson<RolloutDoc>(await simJson('history', doc.id));
    // The policy's candidate alarms watched the bakes.
    expect(history.timeline!.map((e) => e.message).join('\n')).toMatch(/watching .*5xx-rate/);

    const bad = await simJson(
      'start',
      '--endpoint',
      policyOnly.endpoint,
      '--model-package',
      arn(policyOnly.group, 3),
      '--requested-by',
      WHO,
    );
    expect([bad.code, lastJson<RolloutDoc>(bad).status]).toEqual([2, 'rolledBack']);
    expect(lastJson<RolloutDoc>(bad).reason).toMatch(/alarm smr-fraud-prod-.*-5xx-rate fired/);
  });

  it("search-prod's policy waits at a manual gate, guarded by its endpoint alarm; promote finishes it", async () => {
    const started = await simJson(
      'start',
      '--endpoint',
      manualGate.endpoint,
      '--model-package',
      arn(manualGate.group, 2),
      '--requested-by',
      WHO,
    );
    const doc = lastJson<RolloutDoc>(started);
    expect([started.code, doc.status, doc.strategy]).toEqual([0, 'awaitingPromotion', manualGate.strategy]);
    const history = lastJson<RolloutDoc>(await simJson('history', doc.id));
    expect(history.timeline!.map((e) => e.message).join('\n')).toContain(manualGate.alarm);
    const promoted = await simJson('promote', doc.id, '--requested-by', WHO);
    expect([promoted.code, lastJson<RolloutDoc>(promoted).status]).toEqual([0, 'succeeded']);
  });

  it('--timeout counts simulated time: a 3h bake stops being followed after 10 simulated minutes, exit 4', async () => {
    const result = await simJson(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--strategy',
      '10%,3h',
      '--timeout',
      '10m',
      ...GUARD,
      '--requested-by',
      WHO,
    );
    const doc = lastJson<RolloutDoc>(result);
    expect([result.code, doc.status]).toEqual([4, 'running']);
    const followed = Date.parse(doc.updatedAt) - Date.parse(doc.createdAt);
    expect(followed).toBeLessThanOrEqual(11 * 60_000);
  });
});

describe('choosing simulate mode without --simulate', () => {
  const account = new SimAccount();
  const saved = { mode: process.env.SM_ROLLOUT_MODE, config: process.env.SM_ROLLOUT_CONFIG };
  beforeEach(() => account.open());
  afterEach(async () => {
    for (const [name, value] of [
      ['SM_ROLLOUT_MODE', saved.mode],
      ['SM_ROLLOUT_CONFIG', saved.config],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await account.restore();
  });

  it('SM_ROLLOUT_MODE=simulate: the verbs run on the simulated account', async () => {
    process.env.SM_ROLLOUT_MODE = 'simulate';
    const result = await run(['list', '--output', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out.at(-1)!)).toEqual([]);
    await expect(fs.access(account.cloudFile)).resolves.toBeUndefined();
  });

  it('"mode": "simulate" in the config file does the same; a mode flag or --stack on the command line wins', async () => {
    const file = path.join(account.dir, 'config.json');
    await fs.writeFile(file, JSON.stringify({ mode: 'simulate' }));
    process.env.SM_ROLLOUT_CONFIG = file;
    expect((await run(['list', '--output', 'json'])).code).toBe(0);
    await expect(fs.access(account.cloudFile)).resolves.toBeUndefined();
    const env = { SM_ROLLOUT_CONFIG: file, SM_ROLLOUT_MODE: undefined };
    expect(await resolveMode({}, env, account.dir)).toBe('simulate');
    expect(await resolveMode({ stack: 'SmRolloutStack' }, env, account.dir)).toBe('controller');
    expect(await resolveMode({ local: true }, { ...env, SM_ROLLOUT_MODE: 'simulate' }, account.dir)).toBe(
      'local',
    );
  });

  it.each([
    [
      { SM_ROLLOUT_MODE: 'simulated' },
      'error: SM_ROLLOUT_MODE="simulated" is not a mode; set it to simulate, local or controller (or unset it, or pass --simulate / --local) [INVALID_INPUT]',
    ],
    [
      { SM_ROLLOUT_MODE: '' },
      'error: SM_ROLLOUT_MODE="" is not a mode; set it to simulate, local or controller (or unset it, or pass --simulate / --local) [INVALID_INPUT]',
    ],
  ])('a bad mode %j is an error naming where it came from, and nothing runs', async (vars, message) => {
    Object.assign(process.env, vars);
    const result = await run(['list']);
    expect(result.code).toBe(1);
    expect(result.err[0]).toBe(message);
    await expect(fs.access(account.cloudFile)).rejects.toThrow();
  });

  it('a bad "mode" in the config file names the file, the field and the modes', async () => {
    const file = path.join(account.dir, 'config.json');
    await fs.writeFile(file, JSON.stringify({ mode: 'sim' }));
    process.env.SM_ROLLOUT_CONFIG = file;
    const result = await run(['list']);
    expect(result.code).toBe(1);
    expect(result.err[0]).toBe(
      `error: config file ${file}: "mode": "sim" is not a mode; use "simulate" (the simulated cloud), ` +
        '"local" (this process runs rollouts against AWS) or "controller" (the deployed controller) [INVALID_INPUT]',
    );
  });
});

describe('the simulated account folder lock', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());
  const lockFile = () => path.join(account.dir, LOCK_FILE_NAME);

  it('held by a live command: waits, then STATE_LOCKED naming the command, its pid and what to do', async () => {
    await fs.writeFile(
      lockFile(),
      JSON.stringify({ pid: process.pid, host: hostname(), command: 'watch --simulate', since: 'then' }),
    );
    const told: string[] = [];
    const error = await lockStateFolder(account.dir, {
      what: 'the simulated account',
      command: 'list',
      waitMs: 50,
      onWait: (m) => told.push(m),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SmRolloutError);
    expect((error as SmRolloutError).code).toBe('STATE_LOCKED');
    expect((error as SmRolloutError).message).toBe(
      `the simulated account (${account.dir}) is in use by \`sm-rollout watch --simulate\` (pid ${process.pid}, since then); ` +
        `run this command again when it has finished, or stop it (kill ${process.pid})`,
    );
    expect(told).toEqual([
      `waiting for \`sm-rollout watch --simulate\` (pid ${process.pid}, since then) to finish with the simulated account (${account.dir}); up to 0.05s`,
    ]);
  });

  it('left by a process that is gone: taken over at once, and released after', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await fs.writeFile(
      lockFile(),
      JSON.stringify({ pid: dead, host: hostname(), command: 'start', since: 'then' }),
    );
    const lock = await lockStateFolder(account.dir, {
      what: 'the simulated account',
      command: 'list',
      waitMs: 0,
    });
    expect(JSON.parse(await fs.readFile(lockFile(), 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'list',
    });
    await lock.release();
    await expect(fs.access(lockFile())).rejects.toThrow();
  });
});
