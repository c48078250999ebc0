// `--engine stepwise|native` as a person or pipeline types it: `plan --engine native` shows the
// DeploymentConfig (or refuses, naming the step), `policy validate --engine native` checks a file
// against guardrails' limits, and `start --engine native` puts the engine into the request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRequestFromFlags } from '../../src/cli/commands/start';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { validateStartRequest as validate, type StartRolloutRequest } from '../../src/engine';

/** What the local backend does with the flags' request (execution role always given here). */
const validateStartRequest = (request: unknown) => validate(request as StartRolloutRequest);
import { file, policy } from '../policy/fixtures';

interface Run {
  code: number;
  out: string[];
  stdout: string;
  stderr: string;
}

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  const code = await main(argv, io);
  return { code, out, stdout: out.join('\n'), stderr: err.join('\n') };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-cli-native-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';

describe('sm-rollout plan --engine native', () => {
  it('prints the steps and, beside them, the DeploymentConfig guardrails will run', async () => {
    const result = await run(
      'plan',
      'Canary10Percent5Minutes',
      '--engine',
      'native',
      '--alarm',
      'churn-prod-5xx',
      '--alarm',
      'churn-prod-p99-latency',
      '--instance-count',
      '10',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.out.slice(0, 5)).toEqual([
      'Strategy Canary10Percent5Minutes: 4 steps',
      '   1. set weight 10%',
      '   2. bake 5m',
      '   3. set weight 100%',
      '   4. bake 10m',
    ]);
    expect(result.stdout).toContain(
      'Engine native: SageMaker deployment guardrails run it as one UpdateEndpoint with this DeploymentConfig',
    );
    expect(result.stdout).toContain(
      // 10% of the 10 instances given: guardrails shifts whole instances, so the size is one instance.
      '  traffic routing  CANARY: 1 instance first (CanarySize INSTANCE_COUNT 1), then the rest',
    );
    expect(result.stdout).toContain('(WaitIntervalInSeconds 300)');
    expect(result.stdout).toContain('(TerminationWaitInSeconds 300)');
    // start's default maxDuration, 4h, is the deployment's timeout
    expect(result.stdout).toContain('  timeout          4h (MaximumExecutionTimeoutInSeconds 14400)');
    expect(result.stdout).toMatch(
      /alarms {11}churn-prod-5xx, churn-prod-p99-latency, \(this rollout's abort alarm\)/,
    );
    expect(result.stdout).toMatch(/not under native: the judge, candidate alarms and the pre-traffic check/);
  });

  it('--output json carries the DeploymentConfig and the engine', async () => {
    const result = await run(
      'plan',
      'linear(20, 2m)',
      '--engine',
      'native',
      '--alarm',
      'a',
      '--output',
      'json',
    );
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const report = JSON.parse(result.out[0]!) as Record<string, unknown>;
    expect(report).toMatchObject({
      engine: 'native',
      deploymentConfig: {
        blueGreen: {
          trafficRouting: {
            type: 'LINEAR',
            waitIntervalInSeconds: 120,
            linearStepSize: { type: 'CAPACITY_PERCENT', value: 20 },
          },
          terminationWaitInSeconds: 480,
          maximumExecutionTimeoutInSeconds: 14_400,
        },
        autoRollbackAlarms: ['a', "(this rollout's abort alarm)"],
      },
    });
    expect(report.deploymentConfigText).toEqual(
      expect.arrayContaining([expect.stringMatching(/^traffic routing/)]),
    );
  });

  it('without --engine, the JSON stays what it was (no engine, no DeploymentConfig)', async () => {
    const report = JSON.parse((await run('plan', 'AllAtOnce', '--output', 'json')).out[0]!) as Record<
      string,
      unknown
    >;
    expect(report.engine).toBeUndefined();
    expect(report.deploymentConfig).toBeUndefined();
  });

  it('refuses a manual gate and an analysis step, each by its step number, exit 1', async () => {
    const result = await run('plan', '10%,5m,pause,analysis(5m),100%', '--engine', 'native');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.stderr).toMatch(/^error: strategy: step 3: a pause \(manual gate\) cannot be expressed/);
    expect(result.stderr).toMatch(/\n {2}strategy: step 4: analysis cannot run under engine: native/);
    expect(result.stderr).toContain('[INVALID_PLAN]');
  });

  it('refuses a canary smaller than one instance of the given fleet, naming the fix', async () => {
    const result = await run(
      'plan',
      'Canary10Percent5Minutes',
      '--engine',
      'native',
      '--instance-count',
      '4',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /step 1: a 10% canary of 4 instances is 0\.4 of an instance, .*SageMaker would move 25\/100% where the plan says 10\/100%; .*e\.g\. canary\(25, …\)/,
    );
  });

  it('names --alarm when the alarms do not fit AutoRollbackConfiguration', async () => {
    const alarms = Array.from({ length: 10 }, (_, i) => ['--alarm', `alarm-${i}`]).flat();
    const result = await run('plan', 'AllAtOnce', '--engine', 'native', ...alarms);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --alarm: 10 alarms plus the controller's abort alarm/);
  });

  it('the same plan runs under stepwise: --engine stepwise shows only the steps', async () => {
    const result = await run('plan', '10%,5m,pause,100%', '--engine', 'stepwise');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('DeploymentConfig');
  });

  it.each([
    [
      ['--engine', 'guardrails'],
      /^error: --engine: "guardrails" is not an engine; use stepwise .* or native/,
    ],
    [['--alarm', 'a'], /^error: --alarm applies to --engine native/],
    [
      ['--engine', 'native', '--instance-count', 'two'],
      /^error: --instance-count: "two" is not a whole number/,
    ],
  ])('%j is a usage error, exit 1', async (flags, message) => {
    const result = await run('plan', 'AllAtOnce', ...flags);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

describe('sm-rollout policy validate --engine', () => {
  const gated = file(
    policy({ strategy: '10%,5m,pause,50%,10m' }),
    policy({ modelPackageGroup: 'fraud-model', endpoint: 'fraud-prod', engine: 'native' }),
  );

  it('a file guardrails can run under native: valid, exit 0, the summary says guardrails', async () => {
    const target = write('native.json', file(policy({ engine: 'native', alarms: ['churn-prod-5xx'] })));
    const result = await run('policy', 'validate', target);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'by SageMaker deployment guardrails (engine native: blue/green CANARY 10%',
    );
  });

  it('--engine native checks every policy under native: the manual gate is refused, exit 1', async () => {
    const target = write('gated.json', gated);
    expect((await run('policy', 'validate', target)).code).toBe(0);
    const result = await run('policy', 'validate', target, '--engine', 'native');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /gated\.json:\d+: policies\[0\] \(churn-model\): strategy: step 3: a pause \(manual gate\) cannot be expressed/,
    );
  });

  it('--output json lists the refusal as an error, exit 1', async () => {
    const target = write('gated-json.json', gated);
    const result = await run('policy', 'validate', target, '--engine', 'native', '--output', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out[0]!) as { valid: boolean; errors: string[] };
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([expect.stringMatching(/strategy: step 3: a pause/)]);
  });

  it('--engine stepwise checks a native policy as stepwise (the manual gate is fine)', async () => {
    const target = write(
      'native-gated.json',
      file(policy({ engine: 'native', strategy: '10%,5m,pause,50%,10m' })),
    );
    expect((await run('policy', 'validate', target)).code).toBe(1);
    expect((await run('policy', 'validate', target, '--engine', 'stepwise')).code).toBe(0);
  });

  it('an unknown --engine is a usage error naming the flag', async () => {
    const target = write('any.json', file(policy()));
    const result = await run('policy', 'validate', target, '--engine', 'both');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--engine: "both" is not an engine/);
  });
});

describe('sm-rollout start --engine', () => {
  const flags = {
    endpoint: 'churn-prod',
    'model-package': ARN,
    'execution-role': 'arn:aws:iam::111122223333:role/churn-sagemaker-exec',
    alarm: ['churn-prod-5xx'],
  };

  it('--engine native lands in the validated start request, without candidate alarms or judge', () => {
    const request = startRequestFromFlags({ ...flags, engine: 'native' }, 'ci');
    expect(request.engine).toBe('native');
    const valid = validateStartRequest(request);
    expect(valid).toMatchObject({ engine: 'native', candidateAlarms: [], alarms: ['churn-prod-5xx'] });
    expect(valid.judge).toBeUndefined();
  });

  it("takes a native policy's engine, and --engine stepwise over it brings the candidate alarms back", () => {
    const target = write('start-native.json', file(policy({ engine: 'native' })));
    const fromPolicy = startRequestFromFlags({ ...flags, policy: target }, 'ci');
    expect(validateStartRequest(fromPolicy).engine).toBe('native');
    const stepwise = validateStartRequest(
      startRequestFromFlags({ ...flags, policy: target, engine: 'stepwise' }, 'ci'),
    );
    expect(stepwise.engine).toBe('stepwise');
    expect(stepwise.candidateAlarms.length).toBeGreaterThan(0);
    expect(stepwise.judge).toBeDefined();
  });

  it('refuses --candidate-alarm under --engine native, naming the flag', () => {
    expect(() =>
      startRequestFromFlags(
        { ...flags, engine: 'native', 'candidate-alarm': ['Invocation5XXErrors>0.05'] },
        'ci',
      ),
    ).toThrow(/^--candidate-alarm: candidate alarms cannot be created under engine: native/);
  });

  it('a plan guardrails cannot run is refused before anything is sent, naming the step', () => {
    const request = startRequestFromFlags(
      { ...flags, engine: 'native', strategy: '10%,5m,pause,100%' },
      'ci',
    );
    expect(() => validateStartRequest(request)).toThrow(/^strategy: step 3: a pause \(manual gate\)/);
  });

  it('refuses a native start with no alarm unless --no-guard', () => {
    const bare = { ...flags, alarm: undefined, engine: 'native' };
    expect(() => validateStartRequest(startRequestFromFlags(bare, 'ci'))).toThrow(
      /^alarms: is empty, and under engine: native only the alarms in AutoRollbackConfiguration/,
    );
    expect(validateStartRequest(startRequestFromFlags({ ...bare, 'no-guard': true }, 'ci')).engine).toBe(
      'native',
    );
  });

  it('an unknown --engine is refused before the backend is opened', async () => {
    const result = await run(
      'start',
      '--simulate',
      '--endpoint',
      'churn-prod',
      '--model-package',
      ARN,
      '--engine',
      'x',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--engine: "x" is not an engine/);
  });
});
