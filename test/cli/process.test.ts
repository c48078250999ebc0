// The CLI as a real process: what a shell or a CI job sees on each stream, and the exit status.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const PKG = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2';
let simDir: string;

beforeAll(() => {
  simDir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-process-'));
});
afterAll(() => rmSync(simDir, { recursive: true, force: true }));

function cli(...argv: string[]) {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/cli/main.ts'), ...argv],
    {
      cwd: simDir,
      encoding: 'utf8',
      env: { ...process.env, SM_ROLLOUT_SIM_DIR: simDir, NO_COLOR: '1' },
      timeout: 60_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('sm-rollout as a process', () => {
  it('with no arguments: usage on stderr, nothing on stdout, exit 1', () => {
    const result = cli();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: sm-rollout <command>/);
  });

  it('--version: the version in package.json, exit 0', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = cli('--version');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`sm-rollout ${version}\n`);
  });

  it("start --strategy '' (an unset CI variable): exit 1 naming the flag, nothing started", () => {
    const result = cli(
      'start',
      '--simulate',
      '--endpoint',
      'churn-prod',
      '--model-package',
      PKG,
      '--strategy',
      '',
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      'error: --strategy is empty (an unset variable?); give it a value, or leave --strategy out',
    );
    const listed = cli('list', '--simulate', '--output', 'json');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('--output json on an error: the error document on stdout, the message on stderr', () => {
    const result = cli('status', 'r-nope', '--simulate', '--output', 'json');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'ROLLOUT_NOT_FOUND' } });
    expect(result.stderr).toContain('rollout r-nope not found');
  });
});
