// The machine's auto-scaling decisions as pure data: the candidate's bounds for a share of traffic,
// the policies it copies, what must be deregistered before an update, and what is refused.
import { buildChange } from '../../statemachines/endpoint-change';
import type { RolloutContext } from '../../statemachines/context';
import type { BaselineScaling } from '../../statemachines/contract';
import {
  candidateBounds,
  candidateScalingFor,
  describeScaling,
  scalingProblems,
} from '../../statemachines/scaling';
import { rolloutInput } from '../store/records';

const NOT_SUSPENDED = {
  dynamicScalingInSuspended: false,
  dynamicScalingOutSuspended: false,
  scheduledScalingSuspended: false,
};

const INVOCATIONS = {
  policyName: 'invocations-per-instance',
  policyType: 'TargetTrackingScaling' as const,
  configuration: {
    TargetValue: 70,
    PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
    ScaleInCooldown: 300,
    ScaleOutCooldown: 60,
  },
  alarmNames: ['TargetTracking-endpoint/churn-prod/variant/AllTraffic-AlarmHigh-1'],
};

const CPU = {
  policyName: 'cpu',
  policyType: 'TargetTrackingScaling' as const,
  configuration: {
    TargetValue: 60,
    CustomizedMetricSpecification: {
      MetricName: 'CPUUtilization',
      Namespace: '/aws/sagemaker/Endpoints',
      Dimensions: [
        { Name: 'EndpointName', Value: 'churn-prod' },
        { Name: 'VariantName', Value: 'AllTraffic' },
      ],
      Statistic: 'Average',
    },
  },
  alarmNames: [],
};

const STEP = {
  policyName: 'burst',
  policyType: 'StepScaling' as const,
  configuration: {
    AdjustmentType: 'ChangeInCapacity',
    StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }],
  },
  alarmNames: ['churn-prod-queue-depth'],
};

const SCALING: BaselineScaling = {
  target: { minCapacity: 2, maxCapacity: 20, suspended: NOT_SUSPENDED },
  policies: [INVOCATIONS, CPU, STEP],
  scheduledActions: [
    {
      scheduledActionName: 'business-hours',
      schedule: 'cron(0 8 ? * MON-FRI *)',
      scalableTargetAction: { minCapacity: 4 },
    },
  ],
};

const BASELINE = {
  endpointConfigName: 'churn-config-v1',
  variantName: 'AllTraffic',
  modelName: 'churn-model-v1',
  instanceType: 'ml.m5.xlarge',
  instanceCount: 4,
  scaling: SCALING,
};

function context(overrides: Partial<RolloutContext> = {}): RolloutContext {
  return {
    ...rolloutInput('r-sc', 'churn-prod'),
    baseline: BASELINE,
    now: 0,
    stepIndex: 0,
    candidateWeight: 0,
    changeRequested: false,
    attempts: 0,
    candidateDeployed: false,
    warnings: [],
    alarmStates: [],
    ...overrides,
  };
}

describe('the candidate’s capacity follows its share of traffic', () => {
  it.each([
    [10, 1, 2],
    [35, 2, 7],
    [50, 2, 10],
    [100, 4, 20],
  ])(
    'at %i%% of the traffic it scales within %i–%i instances (baseline 2–20, running 4 at start)',
    (percent, min, max) => {
      expect(candidateBounds(SCALING, percent, 4)).toEqual({ minCapacity: min, maxCapacity: max });
    },
  );

  it('starts each step with at least its share of the fleet the baseline ran, not of its minimum', () => {
    // 10 instances serve all the traffic now: at 50% the candidate starts with 5, not 1.
    expect(candidateBounds(SCALING, 50, 10)).toEqual({ minCapacity: 5, maxCapacity: 10 });
    expect(candidateBounds(SCALING, 10, 10)).toEqual({ minCapacity: 1, maxCapacity: 2 });
  });

  it('never gets fewer than one instance, nor a maximum below its minimum', () => {
    const small: BaselineScaling = {
      ...SCALING,
      target: { ...SCALING.target, minCapacity: 1, maxCapacity: 1 },
    };
    expect(candidateBounds(small, 1, 1)).toEqual({ minCapacity: 1, maxCapacity: 1 });
  });

  it('copies the target-tracking policies, re-keyed to the candidate variant, and not the step policy', () => {
    const candidate = candidateScalingFor(SCALING, 'AllTraffic', 'candidate-sc', 10, 4);
    expect(candidate.variantName).toBe('candidate-sc');
    expect(candidate.target).toEqual({ minCapacity: 1, maxCapacity: 2, suspended: NOT_SUSPENDED });
    expect(candidate.policies.map((p) => p.policyName)).toEqual(['invocations-per-instance', 'cpu']);
    expect(candidate.policies[0]!.configuration).toEqual(INVOCATIONS.configuration);
    expect(
      (candidate.policies[1]!.configuration['CustomizedMetricSpecification'] as { Dimensions: unknown })
        .Dimensions,
    ).toEqual([
      { Name: 'EndpointName', Value: 'churn-prod' },
      { Name: 'VariantName', Value: 'candidate-sc' },
    ]);
    // The baseline's own policy is untouched.
    expect(CPU.configuration.CustomizedMetricSpecification.Dimensions[1]!.Value).toBe('AllTraffic');
  });

  it('re-keys every metric of a metric-math customized metric', () => {
    const math = {
      ...CPU,
      configuration: {
        TargetValue: 5,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'errors',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/SageMaker',
                  MetricName: 'Invocation5XXErrors',
                  Dimensions: [
                    { Name: 'EndpointName', Value: 'churn-prod' },
                    { Name: 'VariantName', Value: 'AllTraffic' },
                  ],
                },
                Stat: 'Sum',
              },
              ReturnData: false,
            },
            { Id: 'e', Expression: 'errors / 60', ReturnData: true },
          ],
        },
      },
    };
    const scaling = { ...SCALING, policies: [math] };
    expect(scalingProblems(scaling, 'churn-prod', 'AllTraffic', false)).toEqual([]);
    const copy = candidateScalingFor(scaling, 'AllTraffic', 'candidate-sc', 10, 4).policies[0]!;
    expect(JSON.stringify(copy.configuration)).toContain('"Value":"candidate-sc"');
    expect(JSON.stringify(copy.configuration)).not.toContain('"Value":"AllTraffic"');
  });
});

describe('what a rollout refuses in the baseline’s scaling', () => {
  it('accepts target tracking, step scaling and scheduled actions on the same instance type', () => {
    expect(scalingProblems(SCALING, 'churn-prod', 'AllTraffic', false)).toEqual([]);
  });

  it('refuses a customized metric not keyed on the variant, naming the policy and the fix', () => {
    const queue = {
      ...CPU,
      policyName: 'queue-depth',
      configuration: {
        TargetValue: 100,
        CustomizedMetricSpecification: {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Namespace: 'AWS/SQS',
          Dimensions: [{ Name: 'QueueName', Value: 'churn-requests' }],
          Statistic: 'Average',
        },
      },
    };
    const [problem, ...rest] = scalingProblems(
      { ...SCALING, policies: [queue] },
      'churn-prod',
      'AllTraffic',
      false,
    );
    expect(rest).toEqual([]);
    expect(problem!.field).toBe('endpoint');
    expect(problem!.message).toContain(
      'target-tracking policy queue-depth on endpoint/churn-prod/variant/AllTraffic',
    );
    expect(problem!.message).toContain('VariantName=AllTraffic');
    expect(problem!.message).toContain('SageMakerVariantInvocationsPerInstance');
  });

  it('refuses another instance type when a step policy would lose the alarm that triggers it', () => {
    const problems = scalingProblems(SCALING, 'churn-prod', 'AllTraffic', true);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('candidate.instanceType');
    expect(problems[0]!.message).toContain('step scaling policy burst');
    expect(problems[0]!.message).toContain('churn-prod-queue-depth');
    expect(problems[0]!.message).toContain('drop --instance-type');
  });

  it('refuses predictive scaling', () => {
    const predictive = { ...INVOCATIONS, policyName: 'forecast', policyType: 'PredictiveScaling' as const };
    expect(
      scalingProblems({ ...SCALING, policies: [predictive] }, 'churn-prod', 'AllTraffic', false)[0]?.message,
    ).toContain('scaling policy forecast on endpoint/churn-prod/variant/AllTraffic is predictive scaling');
  });
});

describe('the endpoint changes around a scaled baseline', () => {
  it('registers the candidate’s target for the step’s share before shifting weights', () => {
    const change = buildChange(context({ stepIndex: 0 }), 'shift');
    expect(change).toMatchObject({
      kind: 'weights',
      weights: [
        { variantName: 'AllTraffic', weight: 90 },
        { variantName: 'smr-r-sc', weight: 10 },
      ],
      candidateScaling: { variantName: 'smr-r-sc', target: { minCapacity: 1, maxCapacity: 2 } },
    });
  });

  it('deregisters the candidate before promotion, and the baseline too when the instance type changes', () => {
    expect(buildChange(context(), 'final')).toMatchObject({ deregisterBefore: ['smr-r-sc'] });
    expect(buildChange(context({ candidate: { instanceType: 'ml.c5.xlarge' } }), 'final')).toMatchObject({
      deregisterBefore: ['smr-r-sc', 'AllTraffic'],
    });
    // Same type named explicitly is no change of type.
    expect(buildChange(context({ candidate: { instanceType: 'ml.m5.xlarge' } }), 'final')).toMatchObject({
      deregisterBefore: ['smr-r-sc'],
    });
  });

  it('deregisters only the candidate before a rollback, and keeps the baseline’s live fleet', () => {
    expect(buildChange(context(), 'revert')).toMatchObject({
      deregisterBefore: ['smr-r-sc'],
      retainAllVariantProperties: true,
    });
  });

  it('touches no scaling on an unscaled baseline', () => {
    const { scaling: _none, ...unscaled } = BASELINE;
    for (const purpose of ['transition', 'final', 'revert', 'shift', 'restore'] as const) {
      const change = buildChange(context({ baseline: unscaled }), purpose);
      expect(change).not.toHaveProperty('deregisterBefore');
      expect(change).not.toHaveProperty('candidateScaling');
    }
  });
});

it('describes the scaling in one line for the timeline and status', () => {
  expect(describeScaling(SCALING)).toBe(
    'auto scaling 2–20 instances; target tracking SageMakerVariantInvocationsPerInstance=70 (invocations-per-instance); ' +
      'target tracking customized metric=60 (cpu); step scaling (burst); 1 scheduled action',
  );
});
