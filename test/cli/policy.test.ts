// `sm-rollout policy validate` as a person or a pipeline sees it: policyCommand(argv, io) with
// captured output; errors thrown are printed by the CLI's reportError, as main does.
import { mkdtempSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { POLICY_USAGE, policyCommand } from '../../src/cli/commands/policy';
import { reportError, type CliIo } from '../../src/cli/io';
import { createSimCloud, type MetricAlarmInput } from '../../src/sim';
import { EXAMPLE_YAML, file, policy } from '../policy/fixtures';
import { SimAccount, sim } from './verbs-helpers';

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
  let code: number;
  try {
    code = await policyCommand(argv, io);
  } catch (error) {
    code = reportError(io, error, { command: 'policy' });
  }
  return { code, out, stdout: out.join('\n'), stderr: err.join('\n') };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-cli-policy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

const INVALID = file(
  policy({ endpointName: 'churn-prod', endpoint: undefined }),
  policy({ modelPackageGroup: 'fraud-model', endpoint: 'fraud-prod', strategy: 'Canary10Percnt5Minutes' }),
);

describe('sm-rollout policy validate', () => {
  it('a valid file: each policy with its summary, exit 0', async () => {
    const target = write('policies.yaml', EXAMPLE_YAML);
    const result = await run('validate', target);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.out[0]).toBe(`${target}: valid, 1 policy`);
    expect(result.stdout).toContain('churn-model → churn-prod');
    expect(result.stdout).toContain(
      '  When a new version of churn-model is approved, roll it onto endpoint churn-prod on 2 ml.m5.large instances with Canary10Percent5Minutes',
    );
  });

  it('without AWS access it says the alarms were not checked, and how to check them', async () => {
    const result = await run('validate', write('offline.yaml', EXAMPLE_YAML));
    expect(result.code).toBe(0);
    expect(result.out.at(-1)).toBe(
      'alarms not checked: no AWS access was asked for; add --stack <name> (or --local, --simulate) to check that each alarm can fire on its endpoint',
    );
  });

  it('an invalid file: every problem on its own line, exit 1', async () => {
    const target = write('invalid.json', INVALID);
    const result = await run('validate', target);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(`error: ${target}: 3 problems:`);
    expect(lines.slice(1, 4)).toEqual([
      expect.stringMatching(/^ {2}.*invalid\.json:\d+: policies\[0\] \(churn-model\): endpoint: is required/),
      expect.stringMatching(
        /^ {2}.*invalid\.json:\d+: policies\[0\] \(churn-model\): endpointName: .*did you mean endpoint\?/,
      ),
      expect.stringMatching(
        /^ {2}.*invalid\.json:\d+: policies\[1\] \(fraud-model\): strategy: "Canary10Percnt5Minutes" is not a known strategy/,
      ),
    ]);
    expect(lines[3]).toMatch(/\[INVALID_INPUT\]$/);
  });

  it('--output json, valid: one document with each policy and its summary', async () => {
    const target = write(
      'valid.json',
      file(policy(), policy({ modelPackageGroup: 'fraud-model', endpoint: 'fraud-prod' })),
    );
    const result = await run('validate', target, '--output', 'json');
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const report = JSON.parse(result.out[0]!) as Record<string, unknown>;
    expect(report).toEqual({
      valid: true,
      alarmsChecked: false,
      policies: [
        {
          modelPackageGroup: 'churn-model',
          endpoint: 'churn-prod',
          summary: expect.stringMatching(/^When a new version of churn-model/),
        },
        {
          modelPackageGroup: 'fraud-model',
          endpoint: 'fraud-prod',
          summary: expect.stringMatching(/^When a new version of fraud-model/),
        },
      ],
      errors: [],
    });
  });

  it('--output json, invalid: valid false with every error, exit 1', async () => {
    const target = write('invalid2.json', INVALID);
    const result = await run('validate', target, '--output', 'json');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.out[0]!) as { valid: boolean; policies: unknown[]; errors: string[] };
    expect(report.valid).toBe(false);
    expect(report.policies).toEqual([]);
    expect(report.errors).toHaveLength(3);
    expect(report.errors[2]).toMatch(/policies\[1\] \(fraud-model\): strategy: /);
  });

  it('--output json, missing file: the error in the document', async () => {
    const missing = path.join(dir, 'missing.yaml');
    const result = await run('validate', missing, '--output', 'json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out[0]!)).toEqual({
      valid: false,
      alarmsChecked: false,
      policies: [],
      errors: [`${missing}: no such file; check the path (it is read relative to the current directory)`],
    });
  });

  it('a YAML syntax error: its line, exit 1', async () => {
    const target = write('broken.yaml', 'policies:\n  - modelPackageGroup: churn-model\n    alarms: [a, b\n');
    const result = await run('validate', target);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('--help prints usage with examples', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(POLICY_USAGE);
    expect(POLICY_USAGE).toMatch(/^Usage: sm-rollout policy validate <file>/);
    expect(POLICY_USAGE).toContain('sm-rollout policy validate policies.yaml');
  });

  it.each([
    [[], /policy needs an action, e.g. `sm-rollout policy validate policies.yaml`/],
    [['check', 'a.yaml'], /unknown action "check"; the action is validate/],
    [['validate'], /policy validate takes exactly one file/],
    [['validate', 'a.yaml', 'b.yaml'], /policy validate takes exactly one file/],
    [['validate', 'a.yaml', '--output', 'yaml'], /--output: "yaml" is not supported; use --output json/],
  ])('usage errors: %j', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('run `sm-rollout policy --help`');
  });
});

describe('sm-rollout policy validate --simulate: the alarms, read from the account as a start reads them', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  /** Creates an alarm in the saved simulated account, as a team would have in CloudWatch. */
  async function createAlarm(input: MetricAlarmInput): Promise<void> {
    const listed = await sim('list');
    if (listed.code !== 0) throw new Error(`list --simulate failed: ${listed.stderr}`);
    const world = JSON.parse(await fs.readFile(account.cloudFile, 'utf8')) as { cloud: never };
    const cloud = createSimCloud({ state: world.cloud });
    cloud.createMetricAlarm(input);
    await fs.writeFile(account.cloudFile, JSON.stringify({ ...world, cloud: cloud.exportState() }));
  }

  const endpointWide: MetricAlarmInput = {
    alarmName: 'churn-prod-endpoint-5xx',
    metricName: 'Invocation5XXErrors',
    endpointName: 'churn-prod',
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
  };

  it('names an alarm on EndpointName alone and the fix, exit 1; nothing in the account changes', async () => {
    await createAlarm(endpointWide);
    const before = await fs.readFile(account.cloudFile, 'utf8');
    const target = write(
      'unreachable.yaml',
      file(policy({ alarms: ['churn-prod-5xx', 'churn-prod-endpoint-5xx'] })),
    );
    const result = await run('validate', target, '--simulate');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('churn-model → churn-prod');
    expect(result.stdout).toContain(
      '  refused: alarm churn-prod-endpoint-5xx watches AWS/SageMaker Invocation5XXErrors {EndpointName=churn-prod}, ' +
        'which gets no data on AWS: CloudWatch treats each dimension set as its own metric and SageMaker publishes ' +
        'endpoint metrics per EndpointName + VariantName — add VariantName=AllTraffic (the serving variant)',
    );
    expect(result.stderr).toMatch(
      /^error: .*unreachable\.yaml: an alarm would refuse a start:\n {2}policies\[0\] \(churn-model\): alarms: alarm churn-prod-endpoint-5xx watches /,
    );
    expect(result.stderr).toMatch(/\[ALARM_UNREACHABLE\]$/);
    const after = JSON.parse(await fs.readFile(account.cloudFile, 'utf8')) as {
      cloud: { sagemaker: unknown };
    };
    expect(after.cloud.sagemaker).toEqual(
      (JSON.parse(before) as { cloud: { sagemaker: unknown } }).cloud.sagemaker,
    );
  });

  it('a policy whose alarms can all fire: says so, exit 0; --output json carries each policy’s problems', async () => {
    const target = write('reachable.yaml', file(policy({ alarms: ['churn-prod-5xx'] })));
    const text = await run('validate', target, '--simulate');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  alarms checked against churn-prod: each can fire');
    expect(text.stdout).not.toContain('alarms not checked');
    const json = await run(
      'validate',
      write('missing.yaml', file(policy({ alarms: ['churn-prod-gone'] }))),
      '--simulate',
      '--output',
      'json',
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out[0]!)).toMatchObject({
      valid: false,
      alarmsChecked: true,
      policies: [{ alarmProblems: [{ alarmName: 'churn-prod-gone', severity: 'refuse' }] }],
      errors: [
        expect.stringContaining('policies[0] (churn-model): alarms: alarm churn-prod-gone does not exist'),
      ],
    });
  });
});
