// Reading policy files from disk (YAML or JSON, by content) and turning a policy into the start
// request the engine validates.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateStartRequest } from '../../src/engine/start-request';
import { InvalidPolicyFileError, loadPolicies, parsePolicies, policyToStartRequest } from '../../src/policy';
import { thrown } from '../plan/thrown';
import { EXAMPLE_YAML, file, policy } from './fixtures';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-policy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

function problems(action: () => unknown): readonly string[] {
  const error = thrown(action);
  expect(error).toBeInstanceOf(InvalidPolicyFileError);
  expect(error.code).toBe('INVALID_INPUT');
  return (error as InvalidPolicyFileError).problems;
}

describe('loadPolicies', () => {
  it('reads a YAML file', () => {
    const set = loadPolicies(write('policies.yaml', EXAMPLE_YAML));
    expect(set.source).toMatch(/policies\.yaml$/);
    expect(set.forGroup('churn-model')?.endpoint).toBe('churn-prod');
  });

  it('reads a JSON file, whatever its name', () => {
    const set = loadPolicies(write('policies.conf', file(policy({ strategy: 'linear(25, 3m)' }))));
    expect(set.forEndpoint('churn-prod')?.plan.strategy).toBe('linear(25, 3m)');
  });

  it('a missing file: a clear error with the path', () => {
    const missing = path.join(dir, 'nope.yaml');
    const error = thrown(() => loadPolicies(missing));
    expect(error.message).toContain(`${missing}: no such file; check the path`);
  });

  it('a directory: says to give the file inside it', () => {
    const folder = path.join(dir, 'config');
    mkdirSync(folder);
    expect(problems(() => loadPolicies(folder))).toEqual([
      `${folder}: is a directory; give the policy file inside it, e.g. policies.yaml`,
    ]);
  });

  it('a YAML syntax error: its line and column', () => {
    const target = write(
      'broken.yaml',
      'policies:\n  - modelPackageGroup: churn-model\n    alarms: [a, b\n    endpoint: churn-prod\n',
    );
    expect(problems(() => loadPolicies(target))).toEqual([
      expect.stringMatching(
        new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax error: `),
      ),
    ]);
    const [line] = problems(() => loadPolicies(target));
    expect(Number(/:(\d+):\d+: YAML/.exec(line!)![1])).toBeGreaterThanOrEqual(3);
  });

  it('a duplicate key in YAML is a syntax error on its line', () => {
    expect(
      problems(() => parsePolicies('policies:\n  - endpoint: a\n    endpoint: b\n', 'policies.yaml')),
    ).toEqual([expect.stringMatching(/^policies\.yaml:3:5: YAML syntax error: Map keys must be unique/)]);
  });

  it('a JSON syntax error: its line', () => {
    expect(
      problems(() =>
        parsePolicies('{\n  "policies": [\n    { "endpoint": "a", }\n  ]\n}\n', 'policies.json'),
      ),
    ).toEqual([expect.stringMatching(/^policies\.json:3: JSON syntax error: /)]);
  });

  it('an empty file', () => {
    expect(problems(() => parsePolicies('\n\n', 'policies.yaml'))).toEqual([
      expect.stringMatching(/^policies\.yaml: is empty; write a policies list/),
    ]);
  });
});

describe('policyToStartRequest', () => {
  it('maps the example policy onto a start request the engine accepts', () => {
    const p = parsePolicies(EXAMPLE_YAML, 'policies.yaml').forGroup('churn-model')!;
    const request = policyToStartRequest(p, ARN, 'approval:churn-model/7');
    expect(request).toEqual({
      endpointName: 'churn-prod',
      modelPackageArn: ARN,
      executionRoleArn: 'arn:aws:iam::111122223333:role/churn-sagemaker-exec',
      strategy: 'Canary10Percent5Minutes',
      finalBake: '10m',
      alarms: ['churn-prod-5xx', 'churn-prod-p99-latency'],
      candidateAlarms: [expect.objectContaining({ suffix: '5xx-rate', threshold: 0.05 })],
      candidate: { instanceType: 'ml.m5.large', instanceCount: 2 },
      maxDuration: '4h',
      requestedBy: 'approval:churn-model/7',
    });
    const valid = validateStartRequest(request);
    expect(valid.plan).toEqual(p.plan);
    expect(valid.maxDurationMs).toBe(4 * 3_600_000);
    expect(valid.candidateAlarms).toEqual(p.candidateAlarms);
  });

  it('a policy with defaults and an explicit step list also passes', () => {
    const p = parsePolicies(
      file(policy({ strategy: [{ setWeight: 10 }, { bake: '5m' }, { pause: true }] })),
      'policies.json',
    ).policies[0]!;
    const request = policyToStartRequest(p, ARN, 'ci');
    expect(request).not.toHaveProperty('finalBake');
    expect(validateStartRequest(request).plan).toEqual(p.plan);
  });

  it('refuses a version of another group', () => {
    const p = parsePolicies(EXAMPLE_YAML, 'policies.yaml').policies[0]!;
    const error = thrown(() =>
      policyToStartRequest(p, 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/fraud-model/3', 'ci'),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(
      /is a version of fraud-model, but this policy rolls out churn-model onto churn-prod/,
    );
  });
});
