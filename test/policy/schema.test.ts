// Checking policy files: defaults, and for every kind of mistake a message that names the policy,
// the field and the fix — all problems at once, not only the first.
import { DEFAULT_CANDIDATE_ALARMS, HIGH_RESOLUTION_CANDIDATE_ALARMS } from '../../src/engine';
import { InvalidPolicyFileError, parsePolicies, policyStartRequest, type PolicySet } from '../../src/policy';
import { EXAMPLE_YAML, file, policy } from './fixtures';

function problemsOf(text: string): string[] {
  try {
    parsePolicies(text, 'policies.json');
  } catch (error) {
    if (error instanceof InvalidPolicyFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the policy file to be invalid');
}

function onlyProblem(text: string): string {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe('a valid policy file', () => {
  it('parses the example from the issue, with its strategy compiled', () => {
    const set: PolicySet = parsePolicies(EXAMPLE_YAML, 'policies.yaml');
    expect(set.policies).toHaveLength(1);
    const p = set.policies[0]!;
    expect(p).toMatchObject({
      modelPackageGroup: 'churn-model',
      endpoint: 'churn-prod',
      strategy: 'Canary10Percent5Minutes',
      finalBake: '10m',
      alarms: ['churn-prod-5xx', 'churn-prod-p99-latency'],
      executionRoleArn: 'arn:aws:iam::111122223333:role/churn-sagemaker-exec',
      candidate: { instanceType: 'ml.m5.large', instanceCount: 2 },
      onNewerApproval: 'supersede',
      maxDuration: '4h',
      maxDurationMs: 4 * 3_600_000,
    });
    expect(p.candidateAlarms).toEqual([
      {
        suffix: '5xx-rate',
        metricName: 'Invocation5XXErrors',
        statistic: 'Average',
        threshold: 0.05,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: 'notBreaching',
      },
    ]);
    expect(p.plan.steps).toEqual([
      { kind: 'setWeight', percent: 10 },
      { kind: 'bake', durationMs: 5 * 60_000 },
      { kind: 'setWeight', percent: 100 },
      { kind: 'bake', durationMs: 10 * 60_000 },
    ]);
  });

  it('fills in the defaults: Canary10Percent5Minutes, 10-second metrics with the high-resolution candidate alarms, queue, ignore older approvals, 4h', () => {
    const p = parsePolicies(file(policy()), 'policies.json').policies[0]!;
    expect(p).toMatchObject({
      strategy: 'Canary10Percent5Minutes',
      alarms: ['churn-prod-5xx'],
      enhancedMetrics: true,
      candidateAlarms: HIGH_RESOLUTION_CANDIDATE_ALARMS,
      candidate: {},
      onNewerApproval: 'queue',
      onOlderApproval: 'ignore',
      allowUnguarded: false,
      maxDuration: '4h',
    });
    expect(p.finalBake).toBeUndefined();
  });

  it('enhancedMetrics: false keeps one-minute metrics, and the default candidate alarms use one-minute periods', () => {
    const p = parsePolicies(file(policy({ enhancedMetrics: false })), 'policies.json').policies[0]!;
    expect(p).toMatchObject({ enhancedMetrics: false, candidateAlarms: DEFAULT_CANDIDATE_ALARMS });
    expect(
      policyStartRequest(p, 'arn:aws:sagemaker:us-east-1:111122223333:model-package/churn-model/7', 'ci'),
    ).toMatchObject({
      enhancedMetrics: false,
      candidateAlarms: DEFAULT_CANDIDATE_ALARMS,
    });
  });

  it('accepts a strategy as a list of steps and durations as milliseconds', () => {
    const p = parsePolicies(
      file(
        policy({ strategy: [{ setWeight: 5 }, { bake: '10m' }, { pause: true }], maxDuration: 7_200_000 }),
      ),
      'policies.json',
    ).policies[0]!;
    expect(p.plan.strategy).toBe('5%,10m,pause,100%');
    expect(p.maxDurationMs).toBe(7_200_000);
  });

  it('looks policies up by group and by endpoint', () => {
    const set = parsePolicies(
      file(policy(), policy({ modelPackageGroup: 'fraud-model', endpoint: 'fraud-prod' })),
      'policies.json',
    );
    expect(set.forGroup('fraud-model')?.endpoint).toBe('fraud-prod');
    expect(set.forEndpoint('churn-prod')?.modelPackageGroup).toBe('churn-model');
    expect(set.forGroup('unknown-model')).toBeUndefined();
    expect(set.forEndpoint('unknown-endpoint')).toBeUndefined();
  });
});

describe('each kind of mistake names the policy, the field and the fix', () => {
  it('a strategy that does not compile: the plan module’s message, labelled with the policy', () => {
    expect(
      onlyProblem(
        file(
          policy(),
          policy({
            modelPackageGroup: 'fraud-model',
            endpoint: 'fraud-prod',
            strategy: 'Canary10Percnt5Minutes',
          }),
        ),
      ),
    ).toMatch(
      /^policies\.json:\d+: policies\[1\] \(fraud-model\): strategy: "Canary10Percnt5Minutes" is not a known strategy; use a preset \(AllAtOnce, /,
    );
  });

  it('a bad step of an explicit list: its index within the strategy', () => {
    expect(
      onlyProblem(file(policy({ strategy: [{ setWeight: 50 }, { bake: '5m' }, { setWeight: 10 }] }))),
    ).toMatch(
      /policies\[0\] \(churn-model\): strategy\[2\]: weight 10% is lower than the 50% before it; weights may stay the same or go up/,
    );
  });

  it('a duration that does not parse', () => {
    expect(onlyProblem(file(policy({ finalBake: '10 minutes' })))).toMatch(
      /policies\[0\] \(churn-model\): finalBake: "10 minutes" is not a duration; use a number with units h, m, s/,
    );
    expect(onlyProblem(file(policy({ maxDuration: -1 })))).toMatch(
      /policies\[0\] \(churn-model\): maxDuration: -1 is not a duration; .*or a number of milliseconds/,
    );
  });

  it('a name SageMaker would refuse, or an ARN where a name belongs', () => {
    expect(
      onlyProblem(file(policy({ endpoint: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/churn-prod' }))),
    ).toMatch(
      /policies\[0\] \(churn-model\): endpoint: ".*" is not valid; use the endpoint name: 1–63 letters, digits and hyphens.*\(not its ARN\)/,
    );
    expect(onlyProblem(file(policy({ modelPackageGroup: 'churn_model' })))).toMatch(
      /policies\[0\] \(churn_model\): modelPackageGroup: "churn_model" is not valid; use the model package group name/,
    );
  });

  it('a role that is not an IAM role ARN', () => {
    expect(onlyProblem(file(policy({ executionRoleArn: 'churn-sagemaker-exec' })))).toMatch(
      /policies\[0\] \(churn-model\): executionRoleArn: "churn-sagemaker-exec" is not valid; use an IAM role ARN SageMaker can assume, e\.g\. arn:aws:iam::/,
    );
  });

  it('a missing required field', () => {
    expect(onlyProblem(file(policy({ executionRoleArn: undefined })))).toMatch(
      /policies\[0\] \(churn-model\): executionRoleArn: is required; give the IAM role SageMaker assumes, e\.g\. arn:aws:iam::/,
    );
    expect(onlyProblem(file(policy({ modelPackageGroup: undefined })))).toMatch(
      /policies\[0\]: modelPackageGroup: is required; give the model package group name, e\.g\. churn-model/,
    );
  });

  it('a value outside a fixed set', () => {
    expect(onlyProblem(file(policy({ onNewerApproval: 'replace' })))).toMatch(
      /policies\[0\] \(churn-model\): onNewerApproval: "replace" is not allowed; use supersede, queue, reject/,
    );
  });

  it('a wrongly typed list', () => {
    expect(onlyProblem(file(policy({ alarms: 'churn-prod-5xx' })))).toMatch(
      /policies\[0\] \(churn-model\): alarms: "churn-prod-5xx" is not valid here; give a list of CloudWatch alarm names/,
    );
  });

  it('a maxDuration the plan’s bakes alone would exceed', () => {
    expect(onlyProblem(file(policy({ strategy: 'Canary10Percent30Minutes', maxDuration: '30m' })))).toMatch(
      /policies\[0\] \(churn-model\): maxDuration: 30m is not longer than the plan's bakes alone \(40m\), so every rollout would time out; raise maxDuration above 40m/,
    );
  });

  it.each([0, 1.5, -2, '2'])('a retainPrevious of %p: a whole number of at least 1, and why', (value) => {
    expect(onlyProblem(file(policy({ retainPrevious: value })))).toBe(
      'policies.json:10: policies[0] (churn-model): retainPrevious: must be a whole number of at least 1 — undo needs the config ' +
        'and model before the live one; e.g. 2 keeps two',
    );
  });

  it('retainPrevious is kept with the policy and carried into its rollouts', () => {
    const set = parsePolicies(file(policy({ retainPrevious: 3 })), 'policies.json');
    expect(set.policies[0]!.retainPrevious).toBe(3);
    const arn = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';
    expect(policyStartRequest(set.policies[0]!, arn, 'approval').retainPrevious).toBe(3);
    const unset = parsePolicies(file(policy({})), 'policies.json').policies[0]!;
    expect(policyStartRequest(unset, arn, 'approval')).not.toHaveProperty('retainPrevious');
  });

  it('two candidate alarms with one suffix', () => {
    const template = {
      suffix: '5xx',
      metricName: 'Invocation5XXErrors',
      statistic: 'Average',
      threshold: 0.05,
    };
    expect(
      onlyProblem(file(policy({ candidateAlarms: [template, { ...template, threshold: 0.1 }] }))),
    ).toMatch(
      /policies\[0\] \(churn-model\): candidateAlarms\[1\]\.suffix: "5xx" is already used by candidateAlarms\[0\]; give each candidate alarm its own suffix/,
    );
  });
});

describe('one policy per endpoint and per model package group', () => {
  it('two policies for one endpoint: the error names both', () => {
    expect(onlyProblem(file(policy(), policy({ modelPackageGroup: 'churn-model-v2' })))).toMatch(
      /policies\[1\] \(churn-model-v2\): endpoint: churn-prod already has a policy, policies\[0\] \(churn-model\); .*remove one of them or point it at another endpoint/,
    );
  });

  it('two policies for one group: the error names both', () => {
    expect(onlyProblem(file(policy(), policy({ endpoint: 'churn-staging' })))).toMatch(
      /policies\[1\] \(churn-model\): modelPackageGroup: churn-model already has a policy, policies\[0\] \(churn-model\); a group's approvals go to one endpoint/,
    );
  });
});

describe('unknown keys', () => {
  it.each([
    ['endpointName', 'endpoint'],
    ['strategey', 'strategy'],
    ['roleArn', 'executionRoleArn'],
    ['modelPackageGroupName', 'modelPackageGroup'],
    ['maxduration', 'maxDuration'],
  ])('%s: did you mean %s?', (written, meant) => {
    const value = (policy() as Record<string, unknown>)[meant] ?? '4h';
    const text = file(policy({ [meant]: undefined, [written]: value }));
    expect(problemsOf(text)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `policies\\[0\\]( \\(churn-model\\))?: ${written}: is not a setting of a policy; did you mean ${meant}\\?`,
        ),
      ),
    );
  });

  it('in nested settings too, and without a near miss lists the settings', () => {
    const problems = problemsOf(
      file(policy({ candidate: { type: 'ml.m5.large', count: 2 }, colour: 'blue' })),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/candidate\.type: is not a setting of candidate; did you mean instanceType\?/),
        expect.stringMatching(
          /candidate\.count: is not a setting of candidate; did you mean instanceCount\?/,
        ),
        expect.stringMatching(
          /colour: is not a setting of a policy; the settings are modelPackageGroup, endpoint, strategy/,
        ),
      ]),
    );
  });

  it('at the top of the file', () => {
    expect(problemsOf('policy:\n  - endpoint: churn-prod\n')).toEqual([
      'policies.json:1: policy: is not a setting of the file; did you mean policies?',
      'policies.json:1: policies: is required; list the policies under a top-level `policies:` key',
    ]);
  });
});

describe('all problems at once', () => {
  it('lists every problem of every policy, each on its own line, in file order', () => {
    const text = file(
      policy({ endpointName: 'churn-prod', endpoint: undefined, strategy: 'sometimes', finalBake: '5 min' }),
      policy({ modelPackageGroup: 'fraud-model', endpoint: 'fraud-prod', onNewerApproval: 'never' }),
    );
    let message = '';
    try {
      parsePolicies(text, 'policies.json');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPolicyFileError);
      expect((error as InvalidPolicyFileError).code).toBe('INVALID_INPUT');
      message = (error as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('policies.json: 5 problems:');
    expect(lines.slice(1).map((line) => line.replace(/^ {2}policies\.json:\d+: /, ''))).toEqual([
      expect.stringMatching(/^policies\[0\] \(churn-model\): endpoint: is required/),
      expect.stringMatching(/^policies\[0\] \(churn-model\): endpointName: .*did you mean endpoint\?/),
      expect.stringMatching(/^policies\[0\] \(churn-model\): strategy: "sometimes" is not a known strategy/),
      expect.stringMatching(/^policies\[0\] \(churn-model\): finalBake: "5 min" is not a duration/),
      expect.stringMatching(/^policies\[1\] \(fraud-model\): onNewerApproval: "never" is not allowed/),
    ]);
  });

  it('points each problem at its line in a YAML file', () => {
    const yaml = EXAMPLE_YAML.replace(
      'strategy: Canary10Percent5Minutes',
      'strategy: Canary10Percent7Minutes',
    );
    expect(problemsOf(yaml).map((p) => p.replace('policies.json', 'policies.yaml'))).toEqual([
      expect.stringMatching(
        /^policies\.yaml:4: policies\[0\] \(churn-model\): strategy: "Canary10Percent7Minutes"/,
      ),
    ]);
  });

  it('an empty list or a file that is no mapping', () => {
    expect(problemsOf('policies: []\n')).toEqual([
      'policies.json:1: policies: is empty; add at least one policy',
    ]);
    expect(problemsOf('- churn-model\n')[0]).toMatch(/the file must be a mapping with a policies list/);
  });
});

describe('no unguarded policies by accident', () => {
  it('a policy with no alarms and no candidateAlarms is guarded by the default candidate alarms', () => {
    const p = parsePolicies(file(policy({ alarms: undefined })), 'policies.json').policies[0]!;
    expect(p.candidateAlarms.map((a) => a.suffix)).toEqual(['5xx-rate', 'p99-latency']);
  });

  it('opting out with candidateAlarms: [], no alarms and judge: false is refused, naming the opt-out and allowUnguarded', () => {
    expect(onlyProblem(file(policy({ alarms: undefined, candidateAlarms: [], judge: false })))).toBe(
      'policies.json:7: policies[0] (churn-model): candidateAlarms: [] opts out of the default candidate alarms, ' +
        'alarms is empty and the judge is off (or a dry run, or has no critical metric), so nothing could roll a ' +
        'bad version back; remove ' +
        "candidateAlarms: [] (the defaults watch the candidate's error rate and p99 latency), add candidateAlarms " +
        '(e.g. [{ suffix: 5xx-rate, metricName: Invocation5XXErrors, statistic: Average, threshold: 0.05 }]) or ' +
        'alarms, or set allowUnguarded: true to roll out unguarded on purpose',
    );
  });

  it('candidateAlarms: [] with no alarms is guarded by the judge when it acts (not with a dry run)', () => {
    const p = parsePolicies(file(policy({ alarms: undefined, candidateAlarms: [] })), 'policies.json')
      .policies[0]!;
    expect(p.candidateAlarms).toEqual([]);
    expect(
      onlyProblem(file(policy({ alarms: undefined, candidateAlarms: [], judge: { dryRun: true } }))),
    ).toMatch(
      /candidateAlarms: \[\] opts out of the default candidate alarms, alarms is empty and the judge is off \(or a dry run/,
    );
  });

  it('candidateAlarms: [] with the team’s alarms keeps only those', () => {
    const p = parsePolicies(file(policy({ candidateAlarms: [] })), 'policies.json').policies[0]!;
    expect(p).toMatchObject({ alarms: ['churn-prod-5xx'], candidateAlarms: [] });
  });

  it('allowUnguarded: true accepts it (no default candidate alarms either), and the request it makes says so', () => {
    const p = parsePolicies(file(policy({ alarms: undefined, allowUnguarded: true })), 'policies.json')
      .policies[0]!;
    expect(p.allowUnguarded).toBe(true);
    expect(p.candidateAlarms).toEqual([]);
    expect(problemsOf(file(policy({ alarms: undefined, allowUnguarded: 'yes' })))).toEqual([
      expect.stringContaining('allowUnguarded: "yes" is not valid here; use true or false'),
    ]);
  });

  it('onOlderApproval takes ignore or deploy', () => {
    const p = parsePolicies(file(policy({ onOlderApproval: 'deploy' })), 'policies.json').policies[0]!;
    expect(p.onOlderApproval).toBe('deploy');
    expect(onlyProblem(file(policy({ onOlderApproval: 'rollback' })))).toContain(
      'onOlderApproval: "rollback" is not allowed; use ignore, deploy',
    );
  });
});

describe('candidate alarms: every rule PutMetricAlarm enforces, named by policy field', () => {
  const alarm = (over: Record<string, unknown>) =>
    file(
      policy({
        candidateAlarms: [
          {
            suffix: '5xx-rate',
            metricName: 'Invocation5XXErrors',
            statistic: 'Average',
            threshold: 0.05,
            ...over,
          },
        ],
      }),
    );
  const P = 'policies[0] (churn-model): candidateAlarms[0]';

  it.each([
    [
      'datapointsToAlarm above evaluationPeriods',
      { evaluationPeriods: 2, datapointsToAlarm: 3 },
      `${P}.datapointsToAlarm: 3 is more than evaluationPeriods (2); an alarm fires on M breaching datapoints`,
    ],
    [
      'a period that is neither 10, 20, 30 nor a multiple of 60',
      { periodSeconds: 90 },
      `${P}.periodSeconds: 90 is not a period CloudWatch accepts; use 10, 20, 30 or a multiple of 60`,
    ],
    [
      'more than a day of evaluation under an hour’s period',
      { periodSeconds: 300, evaluationPeriods: 289 },
      `${P}.evaluationPeriods: 289 periods of 300 s is 86700 s; CloudWatch allows at most 86400 s (one day)`,
    ],
    [
      'more than seven days of hourly periods',
      { periodSeconds: 3600, evaluationPeriods: 169 },
      `${P}.evaluationPeriods: 169 periods of 3600 s is 608400 s; CloudWatch allows at most 604800 s (seven days)`,
    ],
    [
      'a statistic CloudWatch does not have',
      { statistic: 'p101' },
      `${P}.statistic: "p101" is not valid; use Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99`,
    ],
    [
      'a threshold that is not a number',
      { threshold: 'high' },
      `${P}.threshold: "high" is not valid here; give a number, e.g. 0.05`,
    ],
  ])('%s', (_what, over, message) => {
    const problem = onlyProblem(alarm(over));
    expect(problem).toContain(message);
  });

  it('every problem of an alarm at once: a bad statistic does not hide datapoints above the periods', () => {
    const problems = problemsOf(alarm({ statistic: 'avg', evaluationPeriods: 2, datapointsToAlarm: 3 }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`${P}.statistic: "avg" is not valid`);
    expect(problems[1]).toContain(`${P}.datapointsToAlarm: 3 is more than evaluationPeriods (2)`);
  });

  it('a rule that compares with a flagged field is not reported on top of it', () => {
    const problems = problemsOf(alarm({ evaluationPeriods: 'two', datapointsToAlarm: 3 }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${P}.evaluationPeriods`);
  });

  it("an alarm's CloudWatch rules are checked also when another field of the policy is wrong", () => {
    const text = file(
      policy({
        endpoint: 'arn:aws:sagemaker:us-east-1:1:endpoint/x',
        candidateAlarms: [
          {
            suffix: '5xx-rate',
            metricName: 'Invocation5XXErrors',
            statistic: 'Average',
            threshold: 0.05,
            evaluationPeriods: 2,
            datapointsToAlarm: 3,
          },
        ],
      }),
    );
    const problems = problemsOf(text);
    expect(problems.some((p) => p.includes('endpoint'))).toBe(true);
    expect(
      problems.some((p) => p.includes(`${P}.datapointsToAlarm: 3 is more than evaluationPeriods (2)`)),
    ).toBe(true);
  });

  it('extended statistics CloudWatch takes are accepted: p99.9, tm90, IQM', () => {
    for (const statistic of ['p99.9', 'tm90', 'IQM']) {
      expect(
        parsePolicies(alarm({ statistic }), 'policies.json').policies[0]!.candidateAlarms[0]!.statistic,
      ).toBe(statistic);
    }
  });
});
