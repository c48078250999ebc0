// Whatever happens to a `--simulate` process — its reader leaves (`| head -3`), Ctrl-C, a CI cancel
// (SIGTERM), a kill between two writes, a second command at the same time — the simulated account it
// leaves is consistent: the next command carries the rollout on from where it was, never invents a
// rollback ("something else changed it") or moves the timeline back in time.
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { WORLD_FILE_NAME } from '../../src/cli/simulated-world';
import { LOCK_FILE_NAME } from '../../src/cli/state-lock';
import { CliProcess } from './process-helpers';
import {
  ENDPOINT,
  GATE_PLAN,
  SimAccount,
  WHO,
  lastJson,
  pkg,
  simJson,
  type RolloutDoc,
  GUARD,
} from './verbs-helpers';

const SEARCH = 'search-prod';
const searchPkg = (version: number) =>
  `arn:aws:sagemaker:us-east-1:123456789012:model-package/search-model/${version}`;

/** A bake long enough (in real time: ~20 ms a simulated minute) to be interrupted while it runs. */
const LONG_BAKE = '10%,3h';
// Signals, not judgement: without the judge a 3-hour bake simulates quickly (the judge re-reads the
// whole window at each 10-second look, which makes a long simulated bake slow).
const NO_JUDGE = '--no-judge';

/** The rollout as the next command finds it, with its whole timeline. */
async function statusOf(id: string): Promise<RolloutDoc> {
  const result = await simJson('history', id);
  expect(result.code).toBe(0);
  return lastJson<RolloutDoc>(result);
}

/** Nothing went back in time, and nothing rolled back on its own. */
function expectConsistent(doc: RolloutDoc) {
  const times = doc.timeline!.map((e) => Date.parse(e.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(doc.timeline!.map((e) => e.message).join('\n')).not.toMatch(/roll(ing|ed) back|changed/i);
}

describe('a --simulate process that ends early leaves a consistent simulated account', () => {
  const account = new SimAccount();
  let env: Record<string, string>;
  beforeEach(async () => {
    env = { SM_ROLLOUT_SIM_DIR: await account.open() };
  });
  afterEach(() => account.restore());

  const start = (...argv: string[]) =>
    new CliProcess(
      ['start', '--simulate', '--endpoint', ENDPOINT, '--requested-by', WHO, ...GUARD, ...argv],
      env,
    );

  it('stdout closed by its reader (`| head -1`): no EPIPE, the rollout still reaches its gate and is saved', async () => {
    const cli = start('--model-package', pkg(2), '--strategy', '10%,30m,pause');
    await cli.waitFor(/Started rollout/);
    cli.child.stdout!.destroy(); // the reader left: every later line is written to a closed pipe
    const exit = await cli.exited;
    expect(cli.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(exit).toEqual({ code: 0, signal: null });
    const id = /Started rollout (r-[a-z0-9]+)/.exec(cli.stdout)![1]!;
    const doc = await statusOf(id);
    expect(doc.status).toBe('awaitingPromotion');
    expectConsistent(doc);
    const promoted = await simJson('promote', id, '--requested-by', WHO);
    expect(lastJson<RolloutDoc>(promoted).status).toBe('succeeded');
    expect(promoted.code).toBe(0);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s during a bake: the minute in flight finishes, the account is saved, exit %i; watch carries on',
    async (signal, code) => {
      const cli = start('--model-package', pkg(2), '--strategy', LONG_BAKE, NO_JUDGE);
      await cli.waitFor(/Baking 3h/);
      cli.child.kill(signal);
      const exit = await cli.exited;
      expect(exit).toEqual({ code, signal: null });
      expect(cli.stderr).toContain(`${signal} received: finishing the step in progress and saving`);
      expect(cli.stdout).toMatch(/stopped following \(SIG(INT|TERM)\); simulated time stands still/);
      expect(cli.stdout).toMatch(/sm-rollout watch r-[a-z0-9]+ --simulate/);
      const id = /Started rollout (r-[a-z0-9]+)/.exec(cli.stdout)![1]!;
      const saved = await statusOf(id);
      expect(saved.status).toBe('running');
      expect(saved.phase).toMatch(/bak/i);
      expectConsistent(saved);

      const watched = await simJson('watch', id);
      expect(watched.code).toBe(0);
      const done = await statusOf(id);
      expect(done.status).toBe('succeeded');
      expectConsistent(done);
    },
  );

  it('killed outright (SIGKILL) mid-rollout: the last save stands, and the next command carries on from it', async () => {
    const cli = start('--model-package', pkg(2), '--strategy', LONG_BAKE, NO_JUDGE);
    await cli.waitFor(/Baking 3h/);
    await new Promise((resolve) => setTimeout(resolve, 300)); // some simulated minutes into the bake
    cli.child.kill('SIGKILL');
    expect((await cli.exited).signal).toBe('SIGKILL');
    // The lock it held names a process that is gone: the next command takes it over.
    const lock = JSON.parse(await fs.readFile(path.join(account.dir, LOCK_FILE_NAME), 'utf8')) as {
      pid: number;
    };
    expect(lock.pid).toBe(cli.child.pid);
    const [rollout] = lastJson<RolloutDoc[]>(await simJson('list'));
    const saved = await statusOf(rollout!.id);
    expect(saved.status).toBe('running');
    expectConsistent(saved);

    const watched = await simJson('watch', rollout!.id);
    expect(watched.code).toBe(0);
    const done = await statusOf(rollout!.id);
    expect(done.status).toBe('succeeded');
    expectConsistent(done);
  });
});

describe('two --simulate commands at once', () => {
  const account = new SimAccount();
  let env: Record<string, string>;
  beforeEach(async () => {
    env = { SM_ROLLOUT_SIM_DIR: await account.open() };
  });
  afterEach(() => account.restore());

  it('run one after the other on the folder lock: both rollouts are in the saved account, neither lost', async () => {
    const churn = new CliProcess(
      [
        'start',
        '--simulate',
        '--endpoint',
        ENDPOINT,
        '--model-package',
        pkg(2),
        '--strategy',
        GATE_PLAN,
        ...GUARD,
      ],
      env,
    );
    const search = new CliProcess(
      ['start', '--simulate', '--endpoint', SEARCH, '--model-package', searchPkg(2)],
      env,
    );
    const exits = await Promise.all([churn.exited, search.exited]);
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    const listed = lastJson<RolloutDoc[]>(await simJson('list'));
    expect(listed.map((r) => [r.endpoint, r.status]).sort()).toEqual([
      [ENDPOINT, 'awaitingPromotion'],
      [SEARCH, 'awaitingPromotion'],
    ]);
    // Each one's changes to the cloud survived the other's save: both promote to the end.
    for (const rollout of listed) {
      const promoted = await simJson('promote', rollout.id);
      expect([rollout.endpoint, promoted.code, lastJson<RolloutDoc>(promoted).status]).toEqual([
        rollout.endpoint,
        0,
        'succeeded',
      ]);
      expectConsistent(await statusOf(rollout.id));
    }
  });

  it('a command that finds the account in use says whom it waits for, changes nothing meanwhile, then runs', async () => {
    expect((await simJson('list')).code).toBe(0); // the account exists
    const lock = path.join(account.dir, LOCK_FILE_NAME);
    const before = await fs.readFile(path.join(account.dir, WORLD_FILE_NAME), 'utf8');
    // This test process holds the lock, as another command would.
    await fs.writeFile(
      lock,
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        command: 'watch --simulate',
        since: 'now',
      }),
    );
    const cli = new CliProcess(
      [
        'start',
        '--simulate',
        '--endpoint',
        ENDPOINT,
        '--model-package',
        pkg(2),
        '--strategy',
        GATE_PLAN,
        ...GUARD,
      ],
      env,
    );
    await cli.waitFor(
      /waiting for `sm-rollout watch --simulate` \(pid \d+, since now\) to finish with the simulated account/,
      'stderr',
    );
    expect(await fs.readFile(path.join(account.dir, WORLD_FILE_NAME), 'utf8')).toBe(before);
    await fs.rm(lock);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout).toContain('Waiting at a manual gate');
  });
});
