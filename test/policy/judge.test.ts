// The policy's judge section: defaults, turning it off, custom metrics, and for each mistake a message
// naming the policy, the field and the fix, reported with the file's other problems.
import { validateStartRequest } from '../../src/engine';
import { InvalidPolicyFileError, parsePolicies, policyStartRequest } from '../../src/policy';
import { file, policy, ROLE } from './fixtures';

function problemsOf(text: string): string[] {
  try {
    parsePolicies(text, 'policies.json');
  } catch (error) {
    if (error instanceof InvalidPolicyFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the policy file to be invalid');
}

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';

describe('the judge in a policy', () => {
  it('is on by default: errors and latency, both critical, alpha 0.01, inconclusive proceeds', () => {
    const [p] = parsePolicies(file(policy()), 'policies.json').policies;
    expect(p!.judgeSettings).toEqual({
      metrics: [
        expect.objectContaining({
          name: 'errors',
          kind: 'rate',
          metricName: 'Invocation5XXErrors',
          exposureMetricName: 'Invocations',
          critical: true,
        }),
        expect.objectContaining({
          name: 'latency',
          kind: 'tail',
          metricName: 'ModelLatency',
          percentile: 99,
          critical: true,
        }),
      ],
      alpha: 0.01,
      onInconclusive: 'proceed',
      dryRun: false,
    });
    expect(policyStartRequest(p!, ARN, 'ci').judge).toEqual(p!.judgeSettings);
  });

  it('judge: false turns it off for the rollouts the policy starts', () => {
    const set = parsePolicies(file(policy({ judge: false })), 'policies.json');
    expect(set.policies[0]!.judgeSettings).toBeUndefined();
    expect(policyStartRequest(set.policies[0]!, ARN, 'ci').judge).toBeUndefined();
  });

  it('takes a metric of its own, a built-in with a changed tolerance, pause on inconclusive and a dry run', () => {
    const [p] = parsePolicies(
      file(
        policy({
          judge: {
            metrics: [
              { name: 'errors', tolerance: 0.2 },
              { name: 'client-errors', kind: 'rate', metricName: 'Invocation4XXErrors', critical: false },
            ],
            alpha: 0.05,
            onInconclusive: 'pause',
            dryRun: true,
          },
        }),
      ),
      'policies.json',
    ).policies;
    expect(p!.judgeSettings).toMatchObject({
      metrics: [
        { name: 'errors', metricName: 'Invocation5XXErrors', tolerance: 0.2, critical: true },
        {
          name: 'client-errors',
          kind: 'rate',
          namespace: 'AWS/SageMaker',
          metricName: 'Invocation4XXErrors',
          exposureMetricName: 'Invocations',
          direction: 'increase',
          tolerance: 0.5,
          critical: false,
        },
      ],
      alpha: 0.05,
      onInconclusive: 'pause',
      dryRun: true,
    });
  });

  it('names the field and the fix for every mistake, all at once, with the policy’s other problems', () => {
    const problems = problemsOf(
      file(
        policy({
          strategy: 'Canary11Percent',
          judge: {
            metrics: [
              'erors',
              { name: 'fallbacks', kind: 'rate', metricName: 'Fallbacks', tolerance: 12 },
              { name: 'throughput', kind: 'rate', metricName: 'Good', direction: 'decrease', tolerance: 1 },
              { name: 'slow', kind: 'tail', metricName: 'OverheadLatency' },
              { name: 'odd', kind: 'median', metricName: 'X' },
            ],
            alpha: 0.5,
            onInconclusive: 'wait',
            dryrun: true,
          },
        }),
      ),
    );
    const expectOne = (field: string, ...words: RegExp[]) => {
      const found = problems.filter((p) => p.includes(`policies[0] (churn-model): ${field}:`));
      expect(found).toHaveLength(1);
      for (const w of words) expect(found[0]).toMatch(w);
    };
    expect(problems.some((p) => p.includes('strategy'))).toBe(true);
    expectOne('judge.metrics[0]', /"erors" is not a built-in metric/, /errors or latency/);
    expectOne('judge.metrics[1].tolerance', /12 is out of range/, /below 10/);
    expectOne('judge.metrics[2].tolerance', /direction decrease/, /below 1/);
    expectOne('judge.metrics[3].percentile', /required for a tail metric/, /percentile: 99/);
    expectOne('judge.metrics[4].kind', /"median"/, /rate or tail/);
    expectOne('judge.alpha', /0\.5 is out of range/, /\(0, 0\.2\]/);
    expectOne('judge.onInconclusive', /pause, proceed or rollback/);
    expectOne('judge.dryrun', /not a setting of the judge/);
    expect(problems.filter((p) => p.includes('judge'))).toHaveLength(8);
  });

  it('a start request without a policy: judge on by default, judge: false off, bad input refused naming the field', () => {
    const request = {
      endpointName: 'churn-prod',
      modelPackageArn: ARN,
      executionRoleArn: ROLE,
      alarms: ['a'],
    };
    expect(validateStartRequest(request).judge?.metrics.map((m) => m.name)).toEqual(['errors', 'latency']);
    expect(validateStartRequest({ ...request, judge: false }).judge).toBeUndefined();
    expect(() =>
      validateStartRequest({ ...request, judge: { metrics: [{ name: 'errors', tolerance: -1 }] } }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'judge.metrics[0].tolerance' }));
  });
});
