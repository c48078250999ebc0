// Refused commands and bad usage (exit 1, nothing changed), a failed rollout (exit 3), steering
// mid-flight, and every verb's --help — all through main(argv, io) on the simulated cloud, each
// test in its own simulated account.
import { promises as fs } from 'node:fs';
import {
  ANSI,
  ENDPOINT,
  ROLLOUT_KEYS,
  SimAccount,
  WHO,
  lastJson,
  pauseAtGate,
  pkg,
  run,
  sim,
  simJson,
  startAtGate,
  startedId,
  type RolloutDoc,
  GUARD,
} from './verbs-helpers';

const VERBS = ['start', 'status', 'watch', 'list', 'history', 'pause', 'resume', 'promote', 'abort', 'undo'];

async function noRollouts(): Promise<void> {
  const listed = await simJson('list');
  expect(listed.code).toBe(0);
  expect(lastJson<RolloutDoc[]>(listed)).toEqual([]);
}

/** `start` arguments that are refused, and how the error message begins. */
const REFUSED_STARTS: [what: string, args: string[], message: string][] = [
  [
    'a package awaiting approval (churn-model/4)',
    ['--endpoint', ENDPOINT, '--model-package', pkg(4)],
    `error: model package ${pkg(4)} is PendingManualApproval; approve it in the SageMaker Model Registry first [MODEL_PACKAGE_NOT_APPROVED]`,
  ],
  [
    'a package that does not exist',
    ['--endpoint', ENDPOINT, '--model-package', pkg(9)],
    `error: model package ${pkg(9)} does not exist [MODEL_PACKAGE_NOT_FOUND]`,
  ],
  [
    'an unknown --strategy',
    ['--endpoint', ENDPOINT, '--model-package', pkg(2), '--strategy', 'bogus'],
    'error: --strategy: "bogus" is not a known strategy; use a preset',
  ],
  [
    'a step list with a bad weight',
    ['--endpoint', ENDPOINT, '--model-package', pkg(2), '--strategy', '10%,2m,110%'],
    'error: --strategy[2]: "110%" is not a weight; use a percentage from 0% to 100%',
  ],
  [
    'no --model-package',
    ['--endpoint', ENDPOINT],
    'error: --model-package is required: the versioned model package ARN to roll out',
  ],
  [
    'no --endpoint',
    ['--model-package', pkg(2)],
    'error: --endpoint is required: the endpoint to roll out onto',
  ],
  [
    'an unknown flag',
    ['--endpoint', ENDPOINT, '--model-package', pkg(2), '--fast'],
    "error: Unknown option '--fast'",
  ],
  [
    'a bad --instance-count',
    ['--endpoint', ENDPOINT, '--model-package', pkg(2), '--instance-count', '1.5'],
    'error: --instance-count: "1.5" is not a whole number',
  ],
  [
    'a bad --timeout',
    ['--endpoint', ENDPOINT, '--model-package', pkg(2), '--timeout', 'soon'],
    'error: --timeout: "soon" is not a duration;',
  ],
  ['a positional argument', ['churn-prod'], 'error: start takes flags only (got "churn-prod")'],
  ['--resume outside local mode', ['--resume', 'r-whatever'], 'error: --resume applies to --local rollouts'],
];

describe('refused starts and bad usage: exit 1, a message, nothing started', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it.each(REFUSED_STARTS)('start with %s', async (_what, args, message) => {
    const result = await sim('start', ...GUARD, ...args);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr).not.toMatch(ANSI);
    await noRollouts();
  });

  it('a refusal with --output json prints one error document on stdout, and the message on stderr', async () => {
    const result = await simJson('start', ...GUARD, '--endpoint', ENDPOINT, '--model-package', pkg(4));
    expect(result.code).toBe(1);
    expect(result.out).toHaveLength(1);
    expect(JSON.parse(result.out[0]!)).toEqual({
      error: {
        code: 'MODEL_PACKAGE_NOT_APPROVED',
        message: `model package ${pkg(4)} is PendingManualApproval; approve it in the SageMaker Model Registry first`,
        field: '--model-package',
      },
    });
    expect(result.stderr).toContain('PendingManualApproval');
  });

  it("usage errors point at the verb's --help", async () => {
    const result = await sim('start', ...GUARD, '--endpoint', ENDPOINT);
    expect(result.err.at(-1)).toBe('run `sm-rollout start --help` for usage and examples');
  });

  it.each(VERBS)('%s --output yaml: exit 1, "use --output json"', async (verb) => {
    const args =
      verb === 'start' ? ['--endpoint', ENDPOINT, '--model-package', pkg(2)] : ['--endpoint', ENDPOINT];
    const result = await run([verb, ...args, '--simulate', '--output', 'yaml']);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toBe('error: --output: "yaml" is not supported; use --output json');
    expect(result.err[1]).toBe(`run \`sm-rollout ${verb} --help\` for usage and examples`);
  });

  it.each(VERBS)('%s with an unknown flag: exit 1', async (verb) => {
    const result = await sim(verb, '--endpoint', ENDPOINT, '--frobnicate');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.stderr).toContain("Unknown option '--frobnicate'");
  });

  it.each(['status', 'watch', 'history', 'pause', 'resume', 'promote', 'abort'])(
    '%s without a rollout id or --endpoint: exit 1, asks which rollout',
    async (verb) => {
      const result = await sim(verb);
      expect(result.code).toBe(1);
      expect(result.err[0]).toBe(
        `error: ${verb}: which rollout? give its id (see \`sm-rollout list --simulate\`) or --endpoint <name>`,
      );
    },
  );

  it.each(['status', 'watch', 'history', 'pause', 'resume', 'promote', 'abort'])(
    '%s with both an id and --endpoint: exit 1',
    async (verb) => {
      const result = await sim(verb, 'r-abc', '--endpoint', ENDPOINT);
      expect(result.code).toBe(1);
      expect(result.err[0]).toBe(`error: ${verb}: give a rollout id or --endpoint, not both`);
    },
  );

  it.each(['status', 'watch', 'history', 'pause', 'resume', 'promote', 'abort'])(
    '%s of an unknown rollout id: exit 1 ROLLOUT_NOT_FOUND',
    async (verb) => {
      const result = await simJson(verb, 'r-nope');
      expect(result.code).toBe(1);
      // The hint carries --simulate, so pasting it lists this simulated account's rollouts.
      const message = 'rollout r-nope not found; `sm-rollout list --simulate` shows the known ones';
      expect(result.stderr).toBe(`error: ${message} [ROLLOUT_NOT_FOUND]`);
      expect(JSON.parse(result.out.join('\n'))).toEqual({
        error: { code: 'ROLLOUT_NOT_FOUND', message, field: '<rollout-id>' },
      });
    },
  );

  it('status --endpoint of an endpoint with no rollouts: exit 1', async () => {
    const result = await sim('status', '--endpoint', ENDPOINT);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: endpoint ${ENDPOINT} has no rollouts in this store [ROLLOUT_NOT_FOUND]`,
    );
  });

  it('undo with nothing to undo: exit 1; undo without --endpoint or with an id: exit 1', async () => {
    const nothing = await sim('undo', '--endpoint', ENDPOINT);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toBe(
      `error: endpoint ${ENDPOINT} has no successful rollout to undo in this store [ROLLOUT_NOT_FOUND]`,
    );
    const noEndpoint = await sim('undo');
    expect(noEndpoint.code).toBe(1);
    expect(noEndpoint.err[0]).toBe('error: --endpoint is required: the endpoint whose last rollout to undo');
    const withId = await sim('undo', 'r-abc', '--endpoint', ENDPOINT);
    expect(withId.code).toBe(1);
    expect(withId.err[0]).toBe('error: undo takes --endpoint <name>, not a rollout id');
  });

  it('list with no rollouts: "No rollouts." / []; list takes no arguments', async () => {
    const human = await sim('list');
    expect(human.code).toBe(0);
    expect(human.out).toEqual(['No rollouts.']);
    const json = await simJson('list', '--active');
    expect(json.out).toEqual(['[]']);
    const extra = await sim('list', 'churn-prod');
    expect(extra.code).toBe(1);
    expect(extra.err[0]).toBe('error: list takes no arguments (got "churn-prod")');
  });

  it('--simulate with --local: exit 1', async () => {
    const result = await run(['list', '--simulate', '--local']);
    expect(result.code).toBe(1);
    expect(result.err[0]).toBe('error: choose one of --simulate and --local');
  });

  it('nothing was started by any of the refusals, one after another in one account', async () => {
    for (const [, args] of REFUSED_STARTS) expect((await sim('start', ...GUARD, ...args)).code).toBe(1);
    expect((await simJson('start', ...GUARD, '--endpoint', ENDPOINT, '--model-package', pkg(4))).code).toBe(
      1,
    );
    await noRollouts();
  });
});

describe('a corrupt saved simulated account', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('exit 5 (sm-rollout itself failed, not bad usage) and says how to start over', async () => {
    await fs.writeFile(account.cloudFile, '{"not": "a cloud"}');
    const result = await sim('list');
    expect(result.code).toBe(5);
    expect(result.err[0]).toMatch(/^error: .* \[STORE_CORRUPT\]$/s);
    expect(result.stderr).toContain(`the simulated cloud saved in ${account.cloudFile} cannot be restored`);
    expect(result.stderr).toContain(`delete ${account.dir} to start a fresh simulated account`);
  });
});

describe('a failed rollout (the endpoint update fails): exit 3, a human is needed', () => {
  const account = new SimAccount();
  beforeEach(async () => {
    await account.open();
    await account.armFault({ kind: 'updateFails', endpointName: ENDPOINT });
  });
  afterEach(() => account.restore());

  it('start (human): exit 3, says it needs a human; watch, status and further starts agree', async () => {
    const result = await sim(
      'start',
      ...GUARD,
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--requested-by',
      WHO,
    );
    expect(result.code).toBe(3);
    expect(result.err).toEqual([]);
    expect(result.stdout).not.toMatch(ANSI);
    const id = startedId(result);
    expect(result.stdout).toContain('[UPDATE_FAILED]');
    expect(result.stdout).toContain('Rollback failed and needs a human');
    expect(result.flat).toContain(`Check endpoint ${ENDPOINT} in the SageMaker console`);
    expect(result.lines.at(-1)).toMatch(new RegExp(`^Rollout ${id}: failed — rollback failed: `));

    const watched = await sim('watch', id);
    expect(watched.code).toBe(3);
    expect(watched.out[0]).toBe(`Rollout ${id} · endpoint ${ENDPOINT} · failed`);

    const status = await sim('status', '--endpoint', ENDPOINT);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^ {2}Reason {4}rollback failed: /m);
    // Not "baseline 100% / candidate 0%": after a failed rollback nobody knows what the endpoint serves.
    expect(status.stdout).toContain(`Traffic   unknown: the rollback failed — check endpoint ${ENDPOINT}`);
    expect(status.stdout).not.toContain('candidate 0%');

    const again = await sim('start', ...GUARD, '--endpoint', ENDPOINT, '--model-package', pkg(2));
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `error: endpoint ${ENDPOINT} is Failed, not InService; wait until it is InService and try again [ENDPOINT_NOT_IN_SERVICE]`,
    );

    const abort = await sim('abort', id);
    expect(abort.code).toBe(1);
    expect(abort.stderr).toContain(`rollout ${id} has already ended (failed); nothing to abort`);
  });

  it('start --output json: exit 3, status failed, the reason says why', async () => {
    const result = await simJson('start', ...GUARD, '--endpoint', ENDPOINT, '--model-package', pkg(2));
    expect(result.code).toBe(3);
    expect(result.out).toHaveLength(1);
    const doc = lastJson<RolloutDoc>(result);
    expect(Object.keys(doc).sort()).toEqual([...ROLLOUT_KEYS, 'timeline'].sort());
    expect(doc.status).toBe('failed');
    expect(doc.reason).toMatch(/^rollback failed: .*endpoint is Failed/);
    expect(doc.timeline!.map((e) => e.message).join('\n')).toContain('needs a human');
    const watched = await simJson('watch', doc.id);
    expect(watched.code).toBe(3);
    expect(lastJson<RolloutDoc>(watched)).toMatchObject({ id: doc.id, status: 'failed' });
  });
});

describe('steering mid-flight and promote --full', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('promote --timeout 0s leaves it shifting (exit 4); pause there keeps step 4/7; resume finishes (exit 0)', async () => {
    const id = await startAtGate('10%,2m,pause,50%,30m');
    const promoted = await sim('promote', id, '--timeout', '0s', '--requested-by', WHO);
    expect(promoted.code).toBe(4);
    expect(promoted.lines.at(-2)).toBe(`Rollout ${id}: in progress`);
    expect(promoted.lines.at(-1)).toMatch(
      /^stopped waiting after 0s; simulated time stands still until a command drives it again/,
    );

    const running = lastJson<RolloutDoc>(await simJson('status', id));
    expect(running).toMatchObject({ status: 'running', step: { index: 4, total: 7 } });

    const paused = await sim('pause', id, '--requested-by', WHO);
    expect(paused.code).toBe(0);
    expect(paused.out).toContainEqual(expect.stringMatching(new RegExp(`Paused by ${WHO} at step 4/7$`)));
    const status = await sim('status', id);
    expect(status.out).toContain(`  Step      4/7 · paused by ${WHO} with the candidate at 10%`);
    expect(status.out.find((line) => line.startsWith('  Step '))!.split('4/7')).toHaveLength(2);

    const resumed = await sim('resume', id);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Baking 30m at 50% (step 5/7)');
    expect(resumed.lines.at(-1)).toBe(`Rollout ${id}: succeeded`);
  });

  it('abort while paused: exit 2 rolled back (reason without --reason names who)', async () => {
    const id = await pauseAtGate('10%,2m,pause');
    const result = await simJson('abort', id, '--requested-by', WHO);
    expect(result.code).toBe(2);
    expect(lastJson<RolloutDoc>(result)).toMatchObject({ status: 'rolledBack', reason: `aborted by ${WHO}` });
  });

  it('promote --full at the gate skips the remaining steps: exit 0 succeeded', async () => {
    const id = await startAtGate('10%,2m,pause,50%,30m');
    const result = await sim('promote', id, '--full');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Baking 30m');
    expect(result.lines.at(-1)).toBe(`Rollout ${id}: succeeded`);
  });

  it('steering verbs take one rollout id', async () => {
    for (const verb of ['pause', 'resume', 'promote', 'abort']) {
      const result = await sim(verb, 'r-a', 'r-b');
      expect(result.code).toBe(1);
      expect(result.err[0]).toBe(`error: ${verb} takes one rollout id`);
    }
  });
});

describe('--help', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it.each(VERBS)('%s --help: exit 0, usage and examples on stdout', async (verb) => {
    const result = await run([verb, '--help']);
    expect(result.code).toBe(0);
    expect(result.err).toEqual([]);
    expect(result.stdout).toMatch(new RegExp(`^Usage: sm-rollout ${verb}`));
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain(`sm-rollout ${verb} `);
    expect(result.stdout).toContain('--output json');
    expect(result.stdout).not.toMatch(ANSI);
  });

  it.each(VERBS)('%s -h --simulate: exit 0 and touches no simulated account', async (verb) => {
    const result = await run([verb, '-h', '--simulate']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    await expect(fs.access(account.cloudFile)).rejects.toThrow();
  });
});
