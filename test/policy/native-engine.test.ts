// Policies with `engine: native`: the value is checked, the plan must compile to a guardrails
// DeploymentConfig (refusals name the policy, the field, the step and the limit), settings that need a
// candidate variant of its own are refused when written, and the summary says what SageMaker will do.
import { InvalidPolicyFileError, parsePolicies, policyStartRequest, summarizePolicy } from '../../src/policy';
import { file, policy } from './fixtures';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';

function problemsOf(text: string, engine?: 'stepwise' | 'native'): string[] {
  try {
    parsePolicies(text, 'policies.json', engine ? { engine } : {});
  } catch (error) {
    if (error instanceof InvalidPolicyFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the policy file to be invalid');
}

/** A realistic production policy: team alarms, a pinned candidate fleet, a longer time limit. */
function production(overrides: Record<string, unknown> = {}) {
  return policy({
    alarms: ['churn-prod-5xx', 'churn-prod-p99-latency', 'churn-prod-cpu'],
    candidate: { instanceType: 'ml.c5.xlarge', instanceCount: 4 },
    maxDuration: '3h',
    engine: 'native',
    ...overrides,
  });
}

describe('engine in a policy', () => {
  it('defaults to stepwise, which keeps the judge and the default candidate alarms', () => {
    const p = parsePolicies(file(policy()), 'policies.json').policies[0]!;
    expect(p.engine).toBe('stepwise');
    expect(p.judgeSettings).toBeDefined();
    expect(p.candidateAlarms.length).toBeGreaterThan(0);
    expect(policyStartRequest(p, ARN, 'ci').engine).toBeUndefined();
  });

  it('native: no default candidate alarms, no judge, and the start request says native', () => {
    const p = parsePolicies(file(production()), 'policies.json').policies[0]!;
    expect(p.engine).toBe('native');
    expect(p.candidateAlarms).toEqual([]);
    expect(p.judgeSettings).toBeUndefined();
    const request = policyStartRequest(p, ARN, 'ci');
    expect(request).toMatchObject({
      engine: 'native',
      candidateAlarms: [],
      alarms: ['churn-prod-5xx', 'churn-prod-p99-latency', 'churn-prod-cpu'],
    });
    expect(request.judge).toBeUndefined();
  });

  it('an unknown engine names the field and the values', () => {
    const [problem, ...more] = problemsOf(file(policy({ engine: 'guardrails' })));
    expect(more).toEqual([]);
    expect(problem).toMatch(
      /policies\[0\] \(churn-model\): engine: "guardrails" is not allowed; use stepwise, native/,
    );
  });
});

describe('native refusals at validate time, naming the policy, field and step', () => {
  it('refuses a manual gate, naming its step', () => {
    const [problem, ...more] = problemsOf(file(production({ strategy: '10%,5m,pause,50%,10m' })));
    expect(more).toEqual([]);
    expect(problem).toMatch(
      /^policies\.json:\d+: policies\[0\] \(churn-model\): strategy: step 3: a pause \(manual gate\) cannot be expressed.*engine: stepwise/,
    );
  });

  it('refuses a bake over an hour, and a final bake guardrails cannot hold', () => {
    const problems = problemsOf(
      file(production({ strategy: 'canary(10, 90m)', finalBake: '3h', maxDuration: '8h' })),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /strategy: step 2: a bake of 1h30m is over guardrails' limit: WaitIntervalInSeconds/,
      ),
    ]);
    const finalOnly = problemsOf(file(production({ strategy: 'canary(10, 5m)', finalBake: '2h' })));
    expect(finalOnly).toEqual([
      expect.stringMatching(/finalBake: step 4: the final bake of 2h .*1h5m or less/),
    ]);
  });

  it('refuses a total over the 8-hour MaximumExecutionTimeoutInSeconds', () => {
    const problems = problemsOf(
      file(production({ strategy: 'linear(10, 50m)', finalBake: '50m', maxDuration: '12h' })),
    );
    expect(problems).toEqual([expect.stringMatching(/strategy: the deployment waits 8h20m in all.*28800 s/)]);
  });

  it('counts the abort alarm: ten policy alarms are one too many', () => {
    const alarms = Array.from({ length: 10 }, (_, i) => `churn-prod-alarm-${i}`);
    const [problem] = problemsOf(file(production({ alarms })));
    expect(problem).toMatch(/alarms: 10 alarms plus the controller's abort alarm .* at most 10/);
  });

  it('refuses a policy with no alarms unless it says allowUnguarded', () => {
    const [problem] = problemsOf(file(production({ alarms: [] })));
    expect(problem).toMatch(
      /alarms: is empty, and under engine: native only the alarms in AutoRollbackConfiguration/,
    );
    expect(() =>
      parsePolicies(file(production({ alarms: [], allowUnguarded: true })), 'policies.json'),
    ).not.toThrow();
  });

  it.each([
    [
      'judge',
      { judge: { metrics: ['errors'] } },
      /judge: the judge cannot run.*one variant name.*set judge: false/,
    ],
    [
      'candidateAlarms',
      {
        candidateAlarms: [
          { suffix: '5xx-rate', metricName: 'Invocation5XXErrors', statistic: 'Average', threshold: 0.05 },
        ],
      },
      /candidateAlarms: candidate alarms cannot be created under engine: native/,
    ],
    [
      'preTrafficCheck',
      {
        preTrafficCheck: {
          requests: ['{"tenure": 3}'],
          contentType: 'application/json',
          maxLatency: '2s',
        },
      },
      /preTrafficCheck: the pre-traffic check cannot run.*TargetVariant/,
    ],
  ])('refuses %s written into a native policy', (_field, overrides, message) => {
    const problems = problemsOf(file(production(overrides)));
    expect(problems).toContainEqual(expect.stringMatching(message));
  });

  it('accepts judge: false and candidateAlarms: [] (they ask for nothing)', () => {
    expect(() =>
      parsePolicies(file(production({ judge: false, candidateAlarms: [] })), 'policies.json'),
    ).not.toThrow();
  });

  it('checks every policy of the file under --engine native, whatever each says', () => {
    const text = file(
      policy({ strategy: '10%,5m,pause,100%' }),
      policy({
        modelPackageGroup: 'fraud-model',
        endpoint: 'fraud-prod',
        strategy: 'Linear10PercentEvery1Minute',
      }),
    );
    expect(() => parsePolicies(text, 'policies.json')).not.toThrow();
    const problems = problemsOf(text, 'native');
    expect(problems).toEqual([
      expect.stringMatching(/policies\[0\] \(churn-model\): strategy: step 3: a pause/),
    ]);
  });
});

describe('the summary of a native policy', () => {
  it('says guardrails moves the traffic, how, and what cannot run', () => {
    const p = parsePolicies(file(production()), 'policies.json').policies[0]!;
    expect(summarizePolicy(p)).toBe(
      'When a new version of churn-model is approved, roll it onto endpoint churn-prod on 4 ml.c5.xlarge instances ' +
        'with Canary10Percent5Minutes (4 steps, at least 15m) by SageMaker deployment guardrails (engine native: ' +
        "blue/green CANARY 10%, baking 5m after each shift; SageMaker rolls back on the alarms and on the rollout's " +
        'abort alarm; no judge, candidate alarms or pre-traffic check: blue and green fleets serve under one variant ' +
        'name), watching alarms churn-prod-5xx, churn-prod-p99-latency, churn-prod-cpu; a newer approval during a ' +
        'rollout waits for it to finish, then deploys the newer one; an approval of a version older than the serving ' +
        'one is ignored; give up after 3h.',
    );
  });
});
