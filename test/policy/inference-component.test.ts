// Policies with `inferenceComponent: <name>`: the plan must compile to a RollingUpdatePolicy (refusals
// name the policy, the field, the step and the limit), settings that need a candidate of their own
// are refused when written, the start request carries the component, and the summary says what
// SageMaker will do.
import { validateStartRequest } from '../../src/engine/start-request';
import { InvalidPolicyFileError, parsePolicies, policyStartRequest, summarizePolicy } from '../../src/policy';
import { file, policy } from './fixtures';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/support-chat/7';
const ROLE = 'arn:aws:iam::111122223333:role/support-sagemaker-exec';

/** The support team's policy: their LLM endpoint's component, alarms on its own metrics. */
function support(overrides: Record<string, unknown> = {}) {
  return policy({
    modelPackageGroup: 'support-chat',
    endpoint: 'support-llm',
    inferenceComponent: 'chat-assistant',
    strategy: 'linear(25, 5m)',
    finalBake: '15m',
    alarms: ['chat-assistant-5xx', 'chat-assistant-model-latency'],
    executionRoleArn: ROLE,
    maxDuration: '3h',
    ...overrides,
  });
}

function problemsOf(text: string): string[] {
  try {
    parsePolicies(text, 'policies.json');
  } catch (error) {
    if (error instanceof InvalidPolicyFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the policy file to be invalid');
}

describe('inferenceComponent in a policy', () => {
  it('has no default candidate alarms or judge, and its start request names the component', () => {
    const p = parsePolicies(file(support()), 'policies.json').policies[0]!;
    expect(p.inferenceComponent).toBe('chat-assistant');
    expect(p.candidateAlarms).toEqual([]);
    expect(p.judgeSettings).toBeUndefined();
    const request = policyStartRequest(p, ARN, 'approval');
    expect(request).toMatchObject({
      endpointName: 'support-llm',
      inferenceComponent: 'chat-assistant',
      candidateAlarms: [],
      alarms: ['chat-assistant-5xx', 'chat-assistant-model-latency'],
    });
    expect(request.judge).toBeUndefined();
    expect(request.preTrafficCheck).toBeUndefined();
  });

  it('says in the summary what SageMaker runs and what cannot', () => {
    const p = parsePolicies(file(support()), 'policies.json').policies[0]!;
    const summary = summarizePolicy(p);
    expect(summary).toMatch(
      /^When a new version of support-chat is approved, roll it onto inference component chat-assistant of endpoint support-llm with linear\(25, 5m\)/,
    );
    expect(summary).toMatch(
      /by SageMaker's rolling update \(UpdateInferenceComponent: batches of 25% of the copies, each baked 5m;/,
    );
    expect(summary).toMatch(/no judge, candidate alarms or pre-traffic check/);
  });

  it('refuses a manual gate, naming the step and what to do instead', () => {
    const problems = problemsOf(file(support({ strategy: '25%,5m,pause,50%,5m' })));
    expect(problems).toEqual([
      expect.stringMatching(
        /^policies\.json:\d+: policies\[0\] \(support-chat\): strategy: step 3 pause: a rolling update of an inference component has no manual gate .*remove the pause, or bake instead/,
      ),
    ]);
  });

  it('refuses a first batch over half the copies and bakes longer than WaitIntervalInSeconds allows', () => {
    expect(problemsOf(file(support({ strategy: 'AllAtOnce' })))).toEqual([
      expect.stringMatching(
        /strategy: step 1 setWeight\(100\): a rolling update moves at most 50% of the copies per batch/,
      ),
    ]);
    expect(problemsOf(file(support({ strategy: 'linear(25, 2h)', maxDuration: '12h' })))).toEqual([
      expect.stringMatching(/strategy: step 1: the bake of 7200 s is over WaitIntervalInSeconds' 3600 s/),
    ]);
  });

  it('refuses engine: stepwise, candidate settings and checks that need a candidate of their own', () => {
    const problems = problemsOf(
      file(
        support({
          engine: 'stepwise',
          candidate: { instanceType: 'ml.g5.2xlarge' },
          judge: { metrics: ['errorRate'] },
          candidateAlarms: [
            { suffix: '5xx-rate', metricName: 'Invocation5XXErrors', statistic: 'Average', threshold: 0.05 },
          ],
        }),
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /engine: engine: stepwise cannot move an inference component|engine: stepwise cannot move an inference component/,
        ),
        expect.stringMatching(/candidate: an inference component has no candidate instances/),
        expect.stringMatching(
          /judge: the judge cannot run on an inference component .*; remove judge \(or set judge: false\)/,
        ),
        expect.stringMatching(
          /candidateAlarms: candidate alarms cannot be created on an inference component/,
        ),
      ]),
    );
  });

  it('refuses a policy with no alarm unless it says allowUnguarded', () => {
    expect(problemsOf(file(support({ alarms: [] })))).toEqual([
      expect.stringMatching(
        /alarms: is empty, and on an inference component only the alarms in AutoRollbackConfiguration/,
      ),
    ]);
    expect(
      parsePolicies(file(support({ alarms: [], allowUnguarded: true })), 'p.json').policies,
    ).toHaveLength(1);
  });

  it('refuses a component name that is not one', () => {
    expect(
      problemsOf(
        file(support({ inferenceComponent: 'arn:aws:sagemaker:eu-west-1:1:inference-component/x' })),
      ),
    ).toEqual([
      expect.stringMatching(
        /inferenceComponent: "arn:aws:sagemaker:eu-west-1:1:inference-component\/x" is not valid; use the inference component name: .* \(not its ARN\)$/,
      ),
    ]);
  });
});

describe('inferenceComponent in a start request', () => {
  const request = {
    endpointName: 'support-llm',
    inferenceComponent: 'chat-assistant',
    modelPackageArn: ARN,
    executionRoleArn: ROLE,
    strategy: 'linear(25, 5m)',
    alarms: ['chat-assistant-5xx'],
    requestedBy: 'ci',
  };

  it('drops the default candidate alarms and the judge, and keeps the component', () => {
    const valid = validateStartRequest(request);
    expect(valid).toMatchObject({ inferenceComponent: 'chat-assistant', candidateAlarms: [] });
    expect(valid.judge).toBeUndefined();
  });

  it('refuses a plan the rolling update cannot express with INVALID_PLAN naming the step', () => {
    expect(() => validateStartRequest({ ...request, strategy: '10%,5m,25%,10m,100%' })).toThrow(
      /strategy: step 3 setWeight\(25\) bakes 600 s, step 1 300 s: a rolling update bakes every batch the same WaitIntervalInSeconds/,
    );
  });
});
