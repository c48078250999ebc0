// Reading policy files from disk (YAML or JSON, by content) and turning a policy into a validated
// start request.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validateStartRequest } from '../../src/engine/start-request';
import {
  deployedPoliciesJson,
  InvalidPolicyFileError,
  loadDeployedPolicies,
  loadPolicies,
  parsePolicies,
  policyStartRequest,
} from '../../src/policy';
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

describe('deployedPoliciesJson (what synth ships to the controller Lambda)', () => {
  it('is the YAML document as JSON, meaning the same policies', () => {
    const source = write('deploy.yaml', EXAMPLE_YAML);
    const json = write('deploy.json', deployedPoliciesJson(source));
    expect(loadDeployedPolicies(json).policies).toEqual(loadPolicies(source).policies);
  });

  it('refuses a file with problems, each at its line, as loadPolicies does', () => {
    const source = write(
      'bad-deploy.yaml',
      'policies:\n  - modelPackageGroup: churn-model\n    stratgy: x\n',
    );
    expect(problems(() => deployedPoliciesJson(source))).toEqual(problems(() => loadPolicies(source)));
  });
});

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

describe('policyStartRequest', () => {
  it('makes the validated request of the example policy: its plan and time limit as checked', () => {
    const p = parsePolicies(EXAMPLE_YAML, 'policies.yaml').forGroup('churn-model')!;
    const request = policyStartRequest(p, ARN, 'approval:churn-model/7');
    expect(request).toEqual({
      endpointName: 'churn-prod',
      modelPackageArn: ARN,
      executionRoleArn: 'arn:aws:iam::111122223333:role/churn-sagemaker-exec',
      plan: p.plan,
      alarms: ['churn-prod-5xx', 'churn-prod-p99-latency'],
      candidateAlarms: p.candidateAlarms,
      candidate: { instanceType: 'ml.m5.large', instanceCount: 2 },
      maxDurationMs: 4 * 3_600_000,
      requestedBy: 'approval:churn-model/7',
      allowUnguarded: false,
      // onOlderApproval: ignore (the default) — an approval deploys only a version newer than the serving one.
      versionGate: 'newerOnly',
      // No judge section: the default judge.
      judge: p.judgeSettings,
      enhancedMetrics: true,
    });
    expect(request.judge?.metrics.map((m) => m.name)).toEqual(['errors', 'latency']);
    expect(request.plan.strategy).toBe('Canary10Percent5Minutes');
    expect(request.plan.steps.at(-1)).toEqual({ kind: 'bake', durationMs: 10 * 60_000 });
    // The same request as the policy's fields written out and validated from scratch.
    expect(request).toEqual(
      validateStartRequest({
        endpointName: p.endpoint,
        modelPackageArn: ARN,
        executionRoleArn: p.executionRoleArn,
        strategy: p.strategy,
        finalBake: p.finalBake,
        alarms: p.alarms,
        candidateAlarms: p.candidateAlarms,
        candidate: p.candidate,
        maxDuration: p.maxDuration,
        enhancedMetrics: p.enhancedMetrics,
        requestedBy: 'approval:churn-model/7',
        allowUnguarded: false,
        versionGate: 'newerOnly',
      }),
    );
  });

  it('a policy with defaults and an explicit step list also makes one', () => {
    const p = parsePolicies(
      file(policy({ strategy: [{ setWeight: 10 }, { bake: '5m' }, { pause: true }] })),
      'policies.json',
    ).policies[0]!;
    const request = policyStartRequest(p, ARN, 'ci');
    expect(request.plan).toEqual(p.plan);
    expect(request.plan.steps.at(-1)).toEqual({ kind: 'bake', durationMs: 10 * 60_000 });
  });

  it('checks what the approval brings: the package ARN and who asked', () => {
    const p = parsePolicies(EXAMPLE_YAML, 'policies.yaml').policies[0]!;
    const arn = thrown(() =>
      policyStartRequest(p, 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model', 'ci'),
    );
    expect(arn.field).toBe('modelPackageArn');
    expect(arn.message).toMatch(/^modelPackageArn: use a versioned model package ARN/);
    expect(thrown(() => policyStartRequest(p, ARN, '')).field).toBe('requestedBy');
  });

  it('refuses a version of another group', () => {
    const p = parsePolicies(EXAMPLE_YAML, 'policies.yaml').policies[0]!;
    const error = thrown(() =>
      policyStartRequest(p, 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/fraud-model/3', 'ci'),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(
      /is a version of fraud-model, but this policy rolls out churn-model onto churn-prod/,
    );
  });
});
