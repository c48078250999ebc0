// The CLI as a person or a pipeline sees it: main(argv, io) with captured output and exit codes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { shellWords } from '../../src/cli/mode';

interface Run {
  code: number;
  out: string[];
  err: string[];
  stdout: string;
  stderr: string;
}

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  const code = await main(argv, io);
  return { code, out, err, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** The last thing printed, as the one JSON document --output json promises. */
function lastJson(result: Run): Record<string, unknown> {
  expect(result.out.length).toBeGreaterThan(0);
  return JSON.parse(result.out.at(-1)!) as Record<string, unknown>;
}

describe('sm-rollout (top level)', () => {
  it('--help prints usage with the commands and examples, exit 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: sm-rollout <command>/);
    expect(result.stdout).toMatch(/demo\s+run a whole rollout/);
    expect(result.stdout).toMatch(/plan\s+show the steps/);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('sm-rollout demo --scenario bad-model');
  });

  it('no command prints usage on stderr (stdout stays empty for a pipeline) and exits 1', async () => {
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.stderr).toMatch(/^Usage: sm-rollout/);
  });

  it("help <command> prints that command's usage, as <command> --help does", async () => {
    const viaHelp = await run('help', 'start');
    const viaFlag = await run('start', '--help');
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout).toMatch(/^Usage: sm-rollout start/);
    expect((await run('help', 'nonsense')).stdout).toMatch(/^Usage: sm-rollout <command>/);
  });

  it('a command line is shown as it could be pasted: shell-special words quoted', () => {
    expect(
      shellWords([
        'start',
        '--simulate',
        '--candidate-alarm',
        'Invocation5XXErrors>0.05',
        '--reason',
        "it's bad",
        '',
      ]),
    ).toBe("start --simulate --candidate-alarm 'Invocation5XXErrors>0.05' --reason 'it'\\''s bad' ''");
    expect(shellWords(['--strategy', '10%,2m,pause', '--store', 'file:/tmp/x'])).toBe(
      '--strategy 10%,2m,pause --store file:/tmp/x',
    );
  });

  it('--version and -v print the version from package.json, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const result = await run(flag);
      expect(result.code).toBe(0);
      expect(result.out).toEqual([`sm-rollout ${version}`]);
    }
  });

  it('--help documents every exit code', async () => {
    const result = await run('--help');
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7])
      expect(result.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
  });

  it('an unknown command with --output json prints the error document on stdout', async () => {
    const result = await run('deploy', '--output', 'json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message: expect.stringContaining('unknown command "deploy"'),
        hint: 'run `sm-rollout --help` for usage',
      },
    });
  });

  it('an unknown command exits 1 and lists the commands', async () => {
    const result = await run('deploy');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.stderr).toContain('unknown command "deploy"');
    expect(result.stderr).toMatch(/start, status, watch, .*plan, policy, demo/);
    expect(result.stderr).toContain('sm-rollout --help');
  });
});

describe('sm-rollout plan', () => {
  it('lists the steps and the minimum duration', async () => {
    const result = await run('plan', 'Canary10Percent5Minutes');
    expect(result.code).toBe(0);
    expect(result.err).toEqual([]);
    expect(result.out[0]).toBe('Strategy Canary10Percent5Minutes: 4 steps');
    expect(result.out.slice(1, 5)).toEqual([
      '   1. set weight 10%',
      '   2. bake 5m',
      '   3. set weight 100%',
      '   4. bake 10m',
    ]);
    expect(result.out.at(-1)).toMatch(/^Minimum duration: 15m of bakes/);
  });

  it('mentions manual gates and honours --final-bake', async () => {
    const result = await run('plan', '10%,5m,pause,50%,10m', '--final-bake', '15m');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('   3. pause (manual gate: waits for promote)');
    expect(result.out.at(-1)).toMatch(/^Minimum duration: 30m of bakes plus 1 manual gate,/);
  });

  it('--output json prints one parseable document', async () => {
    const result = await run('plan', 'Canary10Percent5Minutes', '--output', 'json');
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const report = lastJson(result);
    expect(report).toMatchObject({
      strategy: 'Canary10Percent5Minutes',
      minimumDurationMs: 15 * 60_000,
      trafficSteps: 2,
      manualGates: 0,
    });
    expect(report.steps).toEqual([
      { kind: 'setWeight', percent: 10 },
      { kind: 'bake', durationMs: 5 * 60_000 },
      { kind: 'setWeight', percent: 100 },
      { kind: 'bake', durationMs: 10 * 60_000 },
    ]);
  });

  it('an unknown strategy exits 1 with a message naming the strategy problem', async () => {
    const result = await run('plan', 'bogus');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.stderr).toMatch(/^error: strategy: "bogus" is not a known strategy; use a preset/);
    expect(result.stderr).toContain('[INVALID_PLAN]');
  });

  it('no strategy exits 1 and shows an example', async () => {
    const result = await run('plan');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'plan takes exactly one strategy, e.g. `sm-rollout plan Canary10Percent5Minutes`',
    );
    expect(result.stderr).toContain('sm-rollout plan --help');
  });

  it('an unknown flag exits 1 and points at --help', async () => {
    const result = await run('plan', 'AllAtOnce', '--fast');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*--fast/);
    expect(result.stderr).toContain('sm-rollout plan --help');
  });

  it('an unsupported --output exits 1', async () => {
    const result = await run('plan', 'AllAtOnce', '--output', 'yaml');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--output: "yaml" is not supported; use --output json');
  });

  it('--help lists the strategies, options and examples', async () => {
    const result = await run('plan', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: sm-rollout plan <strategy>/);
    expect(result.stdout).toContain('Canary10Percent5Minutes');
    expect(result.stdout).toContain('--final-bake');
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('sm-rollout plan "linear(25, 3m)" --final-bake 15m');
  });
});

describe('sm-rollout demo', () => {
  it('--speed max --output json: a healthy rollout succeeds, exit 0, one JSON document last', async () => {
    const result = await run('demo', '--speed', 'max', '--output', 'json');
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const report = lastJson(result);
    expect(report).toMatchObject({
      id: expect.stringMatching(/^r-/),
      endpoint: 'churn-prod',
      status: 'succeeded',
    });
    expect(report.reason ?? null).toBeNull();
    const timeline = report.timeline as { at: string; kind: string; message: string }[];
    expect(timeline.length).toBeGreaterThan(3);
    expect(timeline[0]!.kind).toBe('started');
    expect(timeline.at(-1)!.kind).toBe('succeeded');
    for (const entry of timeline) expect(new Date(entry.at).toISOString()).toBe(entry.at);
  });

  it('--output json always carries every documented key (reason: null when there is none)', async () => {
    const report = lastJson(await run('demo', '--speed', 'max', '--output', 'json'));
    expect(Object.keys(report).sort()).toEqual(['endpoint', 'id', 'reason', 'status', 'timeline']);
    expect(report.reason).toBeNull();
  });

  it('is deterministic for a seed', async () => {
    const a = lastJson(await run('demo', '--speed', 'max', '--output', 'json', '--seed', '3'));
    const b = lastJson(await run('demo', '--speed', 'max', '--output', 'json', '--seed', '3'));
    expect(a).toEqual(b);
  });

  it('--scenario bad-model is caught by the judge: exit 2, the reason gives its numbers', async () => {
    const result = await run('demo', '--scenario', 'bad-model', '--speed', 'max', '--output', 'json');
    expect(result.code).toBe(2);
    const report = lastJson(result);
    expect(report.status).toBe('rolledBack');
    expect(report.reason).toMatch(
      /^the judge found the candidate worse on (errors|latency)\b.* FAIL: candidate \d+ of \d+ requests .* vs baseline \d+ of \d+ .*interval /,
    );
    expect((report.timeline as { kind: string }[]).some((e) => e.kind === 'judged')).toBe(true);
    const kinds = (report.timeline as { kind: string }[]).map((e) => e.kind);
    expect(kinds.at(-1)).toBe('rolledBack');
  });

  it('--scenario manual-gate waits for the operator and then succeeds: exit 0', async () => {
    const result = await run('demo', '--scenario', 'manual-gate', '--speed', 'max');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/operator checks the dashboards and runs: sm-rollout promote r-/);
    expect(result.out.at(-3)).toMatch(/^Rollout r-\S+ succeeded/);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('prints the rollout as it happens in human mode', async () => {
    const result = await run('demo', '--speed', 'max');
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(/^Simulated endpoint churn-prod: serving /);
    expect(result.stdout).toContain(
      "Traffic shifted: baseline 90% / candidate 10% (step 1/4; the candidate's auto",
    );
    expect(result.stdout).toMatch(/\[#{2}\.{18}\] candidate 10%/);
  });

  it('an unknown strategy exits 1 naming the strategy problem', async () => {
    const result = await run('demo', '--strategy', 'nope', '--speed', 'max');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/strategy: "nope" is not a known strategy/);
  });

  it('an unknown scenario exits 1 listing the scenarios', async () => {
    const result = await run('demo', '--scenario', 'nope');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '--scenario: "nope" is not a scenario; use one of healthy, bad-model, manual-gate',
    );
    expect(result.stderr).toContain('sm-rollout demo --help');
  });

  it.each([
    [['--speed', 'fast'], '--speed: "fast" is not a positive number'],
    [['--speed', '0'], '--speed: "0" is not a positive number'],
    [['--seed', '1.5'], '--seed: "1.5" is not an integer'],
    [['extra'], 'demo takes no positional arguments'],
    [['--turbo'], '--turbo'],
  ])('bad usage %j exits 1', async (args, message) => {
    const result = await run('demo', ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('--help explains the scenarios, exit codes and shows examples', async () => {
    const result = await run('demo', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: sm-rollout demo/);
    expect(result.stdout).toContain('bad-model');
    expect(result.stdout).toContain('Exit codes: 0 succeeded, 2 rolled back');
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('sm-rollout demo --scenario bad-model');
  });
});
