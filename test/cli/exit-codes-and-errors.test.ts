// Exit codes a script can branch on, one JSON error document with --output json, errors naming
// what a person typed, and hints that work when pasted — through main(argv, io) on the simulated cloud.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modeFlag } from '../../src/cli/commands/shared';
import { describeError, EXIT, reportError } from '../../src/cli/io';
import { modeFlagOf } from '../../src/cli/main';
import { WORLD_FILE_NAME } from '../../src/cli/simulated-world';
import { SmRolloutError } from '../../src/errors';
import {
  ALARM,
  ENDPOINT,
  GUARD,
  SimAccount,
  WHO,
  pkg,
  rollBackOnAlarm,
  run,
  sim,
  simJson,
  startAtGate,
  succeedThroughGate,
  type Run,
} from './verbs-helpers';

describe('status exits 0 unless asked; --exit-status gives the outcome', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('a rollout waiting at a manual gate: status 0, --exit-status 7', async () => {
    const id = await startAtGate();
    expect((await sim('status', id)).code).toBe(0);
    expect((await sim('status', id, '--exit-status')).code).toBe(EXIT.waiting);
    expect((await simJson('status', '--endpoint', ENDPOINT, '--exit-status')).code).toBe(7);
  });

  it('a rollout in progress: --exit-status 6', async () => {
    const id = await startAtGate('10%,2m,pause,50%,30m');
    expect((await sim('promote', id, '--timeout', '0s')).code).toBe(EXIT.timedOut);
    expect((await sim('status', id, '--exit-status')).code).toBe(EXIT.inProgress);
  });

  it('succeeded: 0; rolled back: 2 (status alone still 0, as list and history)', async () => {
    const good = await succeedThroughGate();
    expect((await sim('status', good, '--exit-status')).code).toBe(0);
    const bad = await rollBackOnAlarm();
    expect((await sim('status', bad, '--exit-status')).code).toBe(EXIT.rolledBack);
    expect((await sim('status', bad)).code).toBe(0);
    expect((await sim('list')).code).toBe(0);
    expect((await sim('history', bad)).code).toBe(0);
  });
});

describe('exit 5 when sm-rollout itself fails, never 3 ("a human is needed for the rollout")', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('a damaged saved account: exit 5, STORE_CORRUPT naming the file, as JSON too', async () => {
    const id = await startAtGate();
    const file = path.join(account.dir, WORLD_FILE_NAME);
    await fs.writeFile(file, '{"version": trunc');
    const human = await sim('status', id);
    expect(human.code).toBe(EXIT.toolFailed);
    expect(human.err[0]).toMatch(/^error: the simulated cloud saved in .*world\.json cannot be restored/);
    expect(human.stderr).toContain('[STORE_CORRUPT]');
    expect(human.stderr).not.toMatch(/^\s+at /m);
    const json = await simJson('status', id);
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'STORE_CORRUPT' } });
  });

  it('an unexpected error (a bug): exit 5, INTERNAL, no stack trace unless SM_ROLLOUT_DEBUG', () => {
    const report = describeError(new SyntaxError('Unexpected token x in JSON'));
    expect(report).toMatchObject({ exitCode: 5, code: 'INTERNAL' });
    expect(report.message).toBe('sm-rollout failed unexpectedly: SyntaxError: Unexpected token x in JSON');
    expect(report.hint).toContain('SM_ROLLOUT_DEBUG=1');
    expect(describeError(new SmRolloutError('ROLLOUT_NOT_FOUND', 'x')).exitCode).toBe(1);
    expect(describeError(new SmRolloutError('AWS_ERROR', 'AccessDenied')).exitCode).toBe(5);
  });
});

/** Every JSON error is this one document, alone on stdout. */
function expectErrorDocument(result: Run, code: string, field?: string): { message: string; hint?: string } {
  expect(result.out).toHaveLength(1);
  const doc = JSON.parse(result.out[0]!) as { error: Record<string, string> };
  expect(Object.keys(doc)).toEqual(['error']);
  expect(doc.error.code).toBe(code);
  expect(typeof doc.error.message).toBe('string');
  for (const key of Object.keys(doc.error)) expect(['code', 'message', 'field', 'hint']).toContain(key);
  if (field) expect(doc.error.field).toBe(field);
  expect(result.stderr).toContain(doc.error.message);
  return doc.error as { message: string; hint?: string };
}

describe('--output json: one error shape for every command', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('start with an empty --strategy', async () => {
    const result = await simJson(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--strategy',
      '',
    );
    expect(result.code).toBe(1);
    expectErrorDocument(result, 'USAGE', '--strategy');
  });

  it('start with a bad --final-bake names the flag, not finalBake', async () => {
    const result = await simJson(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--final-bake',
      'x',
    );
    const error = expectErrorDocument(result, 'INVALID_DURATION', '--final-bake');
    expect(error.message).toMatch(/^--final-bake: "x" is not a duration/);
  });

  it('status of an unknown rollout: the hint inside carries --simulate', async () => {
    const result = await simJson('status', 'r-nope');
    const error = expectErrorDocument(result, 'ROLLOUT_NOT_FOUND', '<rollout-id>');
    expect(error.message).toContain('`sm-rollout list --simulate`');
  });

  it('resume of a rollout that is not paused', async () => {
    const id = await startAtGate();
    const result = await simJson('resume', id);
    expect(result.code).toBe(1);
    expectErrorDocument(result, 'COMMAND_REJECTED');
  });

  it('plan of an unknown strategy, an unknown flag, an unknown command', async () => {
    expectErrorDocument(await run(['plan', 'Canary10Percent7Minutes', '--output', 'json']), 'INVALID_PLAN');
    const unknownFlag = await run(['list', '--simulate', '--frobnicate', '--output', 'json']);
    expect(unknownFlag.code).toBe(1);
    expectErrorDocument(unknownFlag, 'USAGE');
    expectErrorDocument(await run(['deploy', '--output', 'json']), 'USAGE');
  });

  it('--alarm given twice, the second empty: the flag and which one', async () => {
    const argv = [
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--alarm',
      ALARM,
      '--alarm',
      ' ',
    ];
    const result = await simJson(...argv);
    expectErrorDocument(result, 'USAGE', '--alarm');
  });
});

describe('errors name what a person typed', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('--max-duration too short: the message says --max-duration, never maxDuration', async () => {
    const result = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--max-duration',
      '1m',
    );
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/^error: --max-duration: 1m is not longer than the plan's bakes/);
    expect(result.stderr).not.toMatch(/maxDuration/);
  });

  it('plan --final-bake: --final-bake, never finalBake', async () => {
    const result = await run(['plan', 'AllAtOnce', '--final-bake', 'soon']);
    expect(result.err[0]).toMatch(/^error: --final-bake: "soon" is not a duration/);
  });

  it('--local --store: --store, never ROLLOUT_STORE', async () => {
    const result = await run(['list', '--local', '--store', 'postgres:x']);
    expect(result.code).toBe(1);
    expect(result.err[0]).toBe(
      'error: --store: "postgres:x" is not a store; use dynamodb:<table>, file:<dir> or memory [INVALID_INPUT]',
    );
  });
});

/** Every `sm-rollout ...` command in backticks that output names, placeholders excluded. */
function hintedCommands(result: Run): string[] {
  const text = `${result.flat}\n${result.stderr}`;
  return [...text.matchAll(/`sm-rollout ([^`]+)`/g)]
    .map((m) => m[1]!)
    .filter((command) => !/[<>…]/.test(command) && !command.includes('--help'));
}

describe('every hint printed in simulate mode can be pasted', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('start at a gate, status, watch, a refusal and an unknown id: each hinted command runs in the same account', async () => {
    const started = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--strategy',
      '10%,2m,pause',
      ...GUARD,
      '--requested-by',
      WHO,
    );
    const id = /Started rollout (r-[a-z0-9]+)/.exec(started.stdout)![1]!;
    const outputs = [
      started,
      await sim('status', id),
      await sim('watch', id),
      await sim('history', id),
      await sim('resume', id),
      await sim('status', 'r-nope'),
      await sim('start', '--endpoint', ENDPOINT, '--model-package', pkg(2)),
    ];
    const hints = [...new Set(outputs.flatMap(hintedCommands))];
    expect(hints).toEqual(
      expect.arrayContaining([`promote ${id} --simulate`, `abort ${id} --simulate`, 'list --simulate']),
    );
    for (const hint of hints) {
      // Each in a copy of the account as it is now, so one hint does not change what the next finds.
      const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-hint-'));
      await fs.cp(account.dir, copy, { recursive: true });
      const previous = process.env.SM_ROLLOUT_SIM_DIR;
      process.env.SM_ROLLOUT_SIM_DIR = copy;
      try {
        const result = await run(hint.split(' '));
        expect({ hint, stderr: result.stderr }).toEqual({ hint, stderr: '' });
        expect(result.code).not.toBe(EXIT.toolFailed);
      } finally {
        process.env.SM_ROLLOUT_SIM_DIR = previous;
        await fs.rm(copy, { recursive: true, force: true });
      }
    }
  });
});

describe('status says each fact once, in words', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it("a rolled-back rollout: CloudWatch's reason once (it was printed four times), the rest point at it", async () => {
    const bad = await rollBackOnAlarm();
    const result = await sim('status', bad);
    expect(result.code).toBe(0);
    expect(result.flat.match(/Threshold Crossed/g)).toHaveLength(1);
    expect(result.out.find((line) => line.startsWith('  Reason    '))).toContain('Threshold Crossed');
    expect(result.flat).toContain('Rolling back: (the reason above)');
    expect(result.out[0]).toBe(`Rollout ${bad} · endpoint ${ENDPOINT} · rolled back`);
    for (const line of result.out) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('no stored state names in human output: "waiting at a manual gate", not awaitingPromotion', async () => {
    const id = await startAtGate();
    for (const argv of [['status', id], ['list'], ['watch', id], ['history', id]]) {
      const result = await sim(...argv);
      expect(result.stdout).not.toMatch(/awaitingPromotion|rollingBack|rolledBack/);
    }
    expect((await sim('status', id)).out[0]).toBe(
      `Rollout ${id} · endpoint ${ENDPOINT} · waiting at a manual gate`,
    );
    // Pipelines keep the stable names.
    expect(JSON.parse((await simJson('status', id)).stdout).status).toBe('awaitingPromotion');
  });
});

describe('hints carry every backend flag the person typed', () => {
  it('the flag string: --local with its --store, a value that needs quoting quoted', () => {
    expect(modeFlagOf(['r-1', '--local', '--store', 'file:/tmp/x'])).toBe(' --local --store file:/tmp/x');
    expect(modeFlagOf(['--store=file:/tmp/my rollouts', '--local', '--region', 'eu-west-1'])).toBe(
      " --local --store 'file:/tmp/my rollouts' --region eu-west-1",
    );
    expect(modeFlag({ stack: 'sm-rollout', table: "o'neil", 'command-bus': 'bus', output: 'json' })).toBe(
      ` --stack sm-rollout --table 'o'\\''neil' --command-bus bus`,
    );
    expect(modeFlagOf(['r-1', '--simulate', '--output', 'json'])).toBe(' --simulate');
    expect(modeFlagOf(['r-1', '--endpoint', 'x'])).toBe('');
  });

  it('an error hint in local mode names the same --store', () => {
    const error = new SmRolloutError(
      'ROLLOUT_NOT_FOUND',
      'rollout r-nope not found; `sm-rollout list` shows the known ones',
    );
    const argv = ['r-nope', '--local', '--store', 'file:/tmp/x'];
    const report = describeError(error, 'status', modeFlagOf(argv));
    expect(report.message).toContain('`sm-rollout list --local --store file:/tmp/x`');
    const err: string[] = [];
    reportError({ out: () => undefined, err: (t) => err.push(t), color: false }, error, {
      command: 'status',
      modeFlag: modeFlagOf(argv),
    });
    expect(err[0]).toContain('`sm-rollout list --local --store file:/tmp/x` shows the known ones');
  });

  it('status r-nope --local --store file:<dir>: the printed hint lists that store', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-store-'));
    try {
      const result = await run(['status', 'r-nope', '--local', '--store', `file:${dir}`]);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toContain(`\`sm-rollout list --local --store file:${dir}\``);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
