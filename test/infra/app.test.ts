// `npm run synth` with a bad policies file: the problems and how to check the file, exit 1 — not
// a loader stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp, synthOrExplain } from '../../infra/app';

describe('synth with a bad policies file', () => {
  let dir: string;
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-synth-'));
    written = [];
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints each problem with its line and field and how to check the file; exit 1', () => {
    const file = path.join(dir, 'policies.yaml');
    writeFileSync(
      file,
      'policies:\n  - modelPackageGroup: churn-model\n    endpoint: churn-prod\n    stratgy: AllAtOnce\n',
    );
    const code = synthOrExplain(() => buildApp(new App({ outdir: dir, context: { policies: file } })));
    expect(code).toBe(1);
    const text = written.join('');
    expect(text).toMatch(/^error: .*policies\.yaml: 2 problems:/);
    expect(text).toContain(
      'policies.yaml:4: policies[0] (churn-model): stratgy: is not a setting of a policy; did you mean strategy?',
    );
    expect(text).toContain('`npx sm-rollout policy validate <file>`');
    expect(text).not.toMatch(/^\s+at /m);
  });

  it('a missing file says so', () => {
    const code = synthOrExplain(() =>
      buildApp(new App({ outdir: dir, context: { policies: path.join(dir, 'nope.yaml') } })),
    );
    expect(code).toBe(1);
    expect(written.join('')).toContain('nope.yaml: no such file');
  });
});
