// ApplicationAutoScalingScalingControl: the exact requests it sends for a SageMaker variant, how a production
// variant's target, policies and scheduled actions map onto the ports' shapes (and go back unchanged), and
// how each class of Application Auto Scaling failure comes back (value or SmRolloutError).

import {
  ApplicationAutoScalingClient,
  ApplicationAutoScalingServiceException,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ApplicationAutoScalingScalingControl } from '../../src/aws';
import { SmRolloutError } from '../../src/errors';

const ACCOUNT = 'arn:aws:application-autoscaling:eu-west-1:111122223333';
const RESOURCE_ID = 'endpoint/churn-prod/variant/AllTraffic';
const KEY = {
  ServiceNamespace: 'sagemaker',
  ResourceId: RESOURCE_ID,
  ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
} as const;
/** What DescribeScalableTargets always reports of a SageMaker variant's target besides its bounds. */
const REGISTERED = {
  RoleARN:
    'arn:aws:iam::111122223333:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
  CreationTime: new Date('2026-03-02T09:10:00Z'),
};

/** An error shaped as the SDK throws it for an Application Auto Scaling error response. */
function awsError(
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
): ApplicationAutoScalingServiceException {
  return Object.assign(
    new ApplicationAutoScalingServiceException({
      name,
      message,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    }),
    extra,
  );
}

const autoscaling = mockClient(ApplicationAutoScalingClient);
const control = new ApplicationAutoScalingScalingControl(new ApplicationAutoScalingClient({}));

beforeEach(() => {
  autoscaling.reset();
});

function inputsOf(command: Parameters<typeof autoscaling.commandCalls>[0]): unknown[] {
  return autoscaling.commandCalls(command).map((call) => call.args[0].input);
}

// A production variant as teams run it: target tracking on invocations per instance with cooldowns, a step
// policy on a team alarm (a backlog), predictive scaling, and business-hours scheduled bounds.
const targetTracking: ScalingPolicy = {
  PolicyARN: `${ACCOUNT}:scalingPolicy:5c3e-41b2:resource/sagemaker/${RESOURCE_ID}:policyName/invocations-per-instance`,
  PolicyName: 'invocations-per-instance',
  ...KEY,
  PolicyType: 'TargetTrackingScaling',
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: 70,
    PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
    ScaleInCooldown: 300,
    ScaleOutCooldown: 60,
    DisableScaleIn: false,
  },
  Alarms: [
    {
      AlarmName: `TargetTracking-${RESOURCE_ID}-AlarmHigh-8c1d1f5e`,
      AlarmARN: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:TargetTracking-${RESOURCE_ID}-AlarmHigh-8c1d1f5e`,
    },
    {
      AlarmName: `TargetTracking-${RESOURCE_ID}-AlarmLow-2b7f0c4a`,
      AlarmARN: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:TargetTracking-${RESOURCE_ID}-AlarmLow-2b7f0c4a`,
    },
  ],
  CreationTime: new Date('2026-03-02T09:15:00Z'),
};
const stepScaling: ScalingPolicy = {
  PolicyARN: `${ACCOUNT}:scalingPolicy:9a0b-77c1:resource/sagemaker/${RESOURCE_ID}:policyName/backlog-step`,
  PolicyName: 'backlog-step',
  ...KEY,
  PolicyType: 'StepScaling',
  StepScalingPolicyConfiguration: {
    AdjustmentType: 'ChangeInCapacity',
    StepAdjustments: [
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50, ScalingAdjustment: 1 },
      { MetricIntervalLowerBound: 50, ScalingAdjustment: 3 },
    ],
    Cooldown: 120,
    MetricAggregationType: 'Average',
  },
  Alarms: [
    {
      AlarmName: 'churn-prod-backlog-high',
      AlarmARN: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn-prod-backlog-high',
    },
  ],
  CreationTime: new Date('2026-03-02T09:20:00Z'),
};
const predictive: ScalingPolicy = {
  PolicyARN: `${ACCOUNT}:scalingPolicy:1f2e-0d3c:resource/sagemaker/${RESOURCE_ID}:policyName/forecast`,
  PolicyName: 'forecast',
  ...KEY,
  PolicyType: 'PredictiveScaling',
  PredictiveScalingPolicyConfiguration: {
    MetricSpecifications: [
      {
        TargetValue: 70,
        PredefinedMetricPairSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      },
    ],
    Mode: 'ForecastOnly',
  },
  CreationTime: new Date('2026-03-02T09:25:00Z'),
};

describe('describeVariantScaling', () => {
  it('reads the target, every page of policies and scheduled actions, and maps them', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [
        {
          ...KEY,
          MinCapacity: 2,
          MaxCapacity: 12,
          ...REGISTERED,
          SuspendedState: {
            DynamicScalingInSuspended: true,
            DynamicScalingOutSuspended: false,
            ScheduledScalingSuspended: false,
          },
          ScalableTargetARN: `${ACCOUNT}:scalable-target/056d0f6a1e2b4c4f9d8e7a6b5c4d3e2f1a0b`,
        },
      ],
    });
    autoscaling
      .on(DescribeScalingPoliciesCommand, { NextToken: undefined })
      .resolves({ ScalingPolicies: [targetTracking, stepScaling], NextToken: 'policies-2' })
      .on(DescribeScalingPoliciesCommand, { NextToken: 'policies-2' })
      .resolves({ ScalingPolicies: [predictive] });
    autoscaling
      .on(DescribeScheduledActionsCommand, { NextToken: undefined })
      .resolves({
        ScheduledActions: [
          {
            ScheduledActionName: 'business-hours',
            ScheduledActionARN: `${ACCOUNT}:scheduledAction:3c1a:resource/sagemaker/${RESOURCE_ID}:scheduledActionName/business-hours`,
            ...KEY,
            Schedule: 'cron(0 8 ? * MON-FRI *)',
            Timezone: 'Europe/Dublin',
            StartTime: new Date('2026-03-01T00:00:00Z'),
            EndTime: new Date('2026-12-31T23:59:59Z'),
            ScalableTargetAction: { MinCapacity: 4, MaxCapacity: 12 },
            CreationTime: new Date('2026-03-02T09:30:00Z'),
          },
        ],
        NextToken: 'actions-2',
      })
      .on(DescribeScheduledActionsCommand, { NextToken: 'actions-2' })
      .resolves({
        ScheduledActions: [
          {
            ScheduledActionName: 'night',
            ScheduledActionARN: `${ACCOUNT}:scheduledAction:4d2b:resource/sagemaker/${RESOURCE_ID}:scheduledActionName/night`,
            ...KEY,
            Schedule: 'cron(0 20 ? * * *)',
            ScalableTargetAction: { MinCapacity: 1 },
            CreationTime: new Date('2026-03-02T09:31:00Z'),
          },
        ],
      });

    const scaling = await control.describeVariantScaling('churn-prod', 'AllTraffic');

    expect(inputsOf(DescribeScalableTargetsCommand)).toStrictEqual([
      {
        ServiceNamespace: 'sagemaker',
        ResourceIds: [RESOURCE_ID],
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MaxResults: 50,
        NextToken: undefined,
      },
    ]);
    expect(inputsOf(DescribeScalingPoliciesCommand)).toStrictEqual([
      { ...KEY, MaxResults: 10, NextToken: undefined },
      { ...KEY, MaxResults: 10, NextToken: 'policies-2' },
    ]);
    expect(inputsOf(DescribeScheduledActionsCommand)).toStrictEqual([
      { ...KEY, MaxResults: 50, NextToken: undefined },
      { ...KEY, MaxResults: 50, NextToken: 'actions-2' },
    ]);
    expect(scaling).toStrictEqual({
      target: {
        minCapacity: 2,
        maxCapacity: 12,
        suspended: {
          dynamicScalingInSuspended: true,
          dynamicScalingOutSuspended: false,
          scheduledScalingSuspended: false,
        },
      },
      policies: [
        {
          policyName: 'invocations-per-instance',
          policyType: 'TargetTrackingScaling',
          configuration: {
            TargetValue: 70,
            PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
            ScaleInCooldown: 300,
            ScaleOutCooldown: 60,
            DisableScaleIn: false,
          },
          alarmNames: [
            `TargetTracking-${RESOURCE_ID}-AlarmHigh-8c1d1f5e`,
            `TargetTracking-${RESOURCE_ID}-AlarmLow-2b7f0c4a`,
          ],
        },
        {
          policyName: 'backlog-step',
          policyType: 'StepScaling',
          configuration: {
            AdjustmentType: 'ChangeInCapacity',
            StepAdjustments: [
              { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50, ScalingAdjustment: 1 },
              { MetricIntervalLowerBound: 50, ScalingAdjustment: 3 },
            ],
            Cooldown: 120,
            MetricAggregationType: 'Average',
          },
          alarmNames: ['churn-prod-backlog-high'],
        },
        {
          policyName: 'forecast',
          policyType: 'PredictiveScaling',
          configuration: {
            MetricSpecifications: [
              {
                TargetValue: 70,
                PredefinedMetricPairSpecification: {
                  PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance',
                },
              },
            ],
            Mode: 'ForecastOnly',
          },
          alarmNames: [],
        },
      ],
      scheduledActions: [
        {
          scheduledActionName: 'business-hours',
          schedule: 'cron(0 8 ? * MON-FRI *)',
          timezone: 'Europe/Dublin',
          startTime: Date.parse('2026-03-01T00:00:00Z'),
          endTime: Date.parse('2026-12-31T23:59:59Z'),
          scalableTargetAction: { minCapacity: 4, maxCapacity: 12 },
        },
        {
          scheduledActionName: 'night',
          schedule: 'cron(0 20 ? * * *)',
          scalableTargetAction: { minCapacity: 1 },
        },
      ],
    });
  });

  it('is undefined for a variant that is not registered, without asking for policies or actions', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });

    await expect(control.describeVariantScaling('churn-prod', 'AllTraffic')).resolves.toBeUndefined();

    expect(autoscaling).toHaveReceivedCommandTimes(DescribeScalableTargetsCommand, 1);
    expect(autoscaling).not.toHaveReceivedCommand(DescribeScalingPoliciesCommand);
    expect(autoscaling).not.toHaveReceivedCommand(DescribeScheduledActionsCommand);
  });

  it('follows NextToken for targets and takes only the variant asked about', async () => {
    autoscaling
      .on(DescribeScalableTargetsCommand, { NextToken: undefined })
      .resolves({
        ScalableTargets: [
          {
            ...KEY,
            ...REGISTERED,
            ResourceId: 'endpoint/churn-prod/variant/Shadow',
            MinCapacity: 1,
            MaxCapacity: 1,
          },
        ],
        NextToken: 'targets-2',
      })
      .on(DescribeScalableTargetsCommand, { NextToken: 'targets-2' })
      // Registered without SuspendedState: nothing is suspended.
      .resolves({ ScalableTargets: [{ ...KEY, ...REGISTERED, MinCapacity: 1, MaxCapacity: 4 }] });
    autoscaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    autoscaling.on(DescribeScheduledActionsCommand).resolves({ ScheduledActions: [] });

    await expect(control.describeVariantScaling('churn-prod', 'AllTraffic')).resolves.toStrictEqual({
      target: {
        minCapacity: 1,
        maxCapacity: 4,
        suspended: {
          dynamicScalingInSuspended: false,
          dynamicScalingOutSuspended: false,
          scheduledScalingSuspended: false,
        },
      },
      policies: [],
      scheduledActions: [],
    });
    expect(autoscaling).toHaveReceivedCommandTimes(DescribeScalableTargetsCommand, 2);
  });
});

describe('a policy type sm-rollout does not know', () => {
  it('is refused by name, saying what to do, rather than dropped', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [{ ...KEY, ...REGISTERED, MinCapacity: 1, MaxCapacity: 4 }],
    });
    autoscaling.on(DescribeScalingPoliciesCommand).resolves({
      ScalingPolicies: [
        {
          ...targetTracking,
          PolicyName: 'future',
          PolicyType: 'SomeNewScaling' as ScalingPolicy['PolicyType'],
        },
      ],
    });

    await expect(control.describeVariantScaling('churn-prod', 'AllTraffic')).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message:
        'DescribeScalingPolicies returned policy future of type SomeNewScaling, which sm-rollout cannot ' +
        'reproduce on a variant; remove it or upgrade sm-rollout',
    });
  });
});

describe('registerScalableTarget', () => {
  it('sends the bounds and all three suspension flags, and no role (the service-linked role is used)', async () => {
    autoscaling
      .on(RegisterScalableTargetCommand)
      .resolves({ ScalableTargetARN: `${ACCOUNT}:scalable-target/0a1b2c` });

    await control.registerScalableTarget('churn-prod', 'candidate-r1', {
      minCapacity: 1,
      maxCapacity: 3,
      suspended: {
        dynamicScalingInSuspended: false,
        dynamicScalingOutSuspended: false,
        scheduledScalingSuspended: true,
      },
    });

    expect(inputsOf(RegisterScalableTargetCommand)).toStrictEqual([
      {
        ...KEY,
        ResourceId: 'endpoint/churn-prod/variant/candidate-r1',
        MinCapacity: 1,
        MaxCapacity: 3,
        SuspendedState: {
          DynamicScalingInSuspended: false,
          DynamicScalingOutSuspended: false,
          ScheduledScalingSuspended: true,
        },
      },
    ]);
  });

  it('reports a value Application Auto Scaling refuses as AWS_ERROR with its message', async () => {
    autoscaling
      .on(RegisterScalableTargetCommand)
      .rejects(awsError('ValidationException', 'Minimum capacity cannot be greater than maximum capacity'));

    const suspended = {
      dynamicScalingInSuspended: false,
      dynamicScalingOutSuspended: false,
      scheduledScalingSuspended: false,
    };
    await expect(
      control.registerScalableTarget('churn-prod', 'AllTraffic', {
        minCapacity: 5,
        maxCapacity: 2,
        suspended,
      }),
    ).rejects.toMatchObject({
      code: 'AWS_ERROR',
      retryable: false,
      message:
        'RegisterScalableTarget failed: ValidationException: Minimum capacity cannot be greater than maximum capacity',
    });
  });
});

describe('putScalingPolicy', () => {
  it('puts each policy type back under its own configuration member, as DescribeScalingPolicies gave it', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [{ ...KEY, ...REGISTERED, MinCapacity: 2, MaxCapacity: 12 }],
    });
    autoscaling
      .on(DescribeScalingPoliciesCommand)
      .resolves({ ScalingPolicies: [targetTracking, stepScaling, predictive] });
    autoscaling.on(DescribeScheduledActionsCommand).resolves({ ScheduledActions: [] });
    autoscaling.on(PutScalingPolicyCommand).resolves({ PolicyARN: 'arn', Alarms: [] });

    const read = await control.describeVariantScaling('churn-prod', 'AllTraffic');
    for (const { alarmNames: _alarms, ...policy } of read?.policies ?? []) {
      await control.putScalingPolicy('churn-prod', 'candidate-r1', policy);
    }

    const onCandidate = { ...KEY, ResourceId: 'endpoint/churn-prod/variant/candidate-r1' };
    expect(inputsOf(PutScalingPolicyCommand)).toStrictEqual([
      {
        ...onCandidate,
        PolicyName: 'invocations-per-instance',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: targetTracking.TargetTrackingScalingPolicyConfiguration,
      },
      {
        ...onCandidate,
        PolicyName: 'backlog-step',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: stepScaling.StepScalingPolicyConfiguration,
      },
      {
        ...onCandidate,
        PolicyName: 'forecast',
        PolicyType: 'PredictiveScaling',
        PredictiveScalingPolicyConfiguration: predictive.PredictiveScalingPolicyConfiguration,
      },
    ]);
  });

  it('reports a target it cannot see yet as NOT_YET_VISIBLE (registration is eventually consistent)', async () => {
    autoscaling
      .on(PutScalingPolicyCommand)
      .rejects(
        awsError(
          'ObjectNotFoundException',
          `No scalable target registered for service namespace: sagemaker, resource ID: endpoint/churn-prod/variant/candidate-r1, scalable dimension: sagemaker:variant:DesiredInstanceCount`,
        ),
      );

    const failure = await control
      .putScalingPolicy('churn-prod', 'candidate-r1', {
        policyName: 'invocations-per-instance',
        policyType: 'TargetTrackingScaling',
        configuration: { TargetValue: 70 },
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SmRolloutError);
    expect(failure).toMatchObject({ code: 'NOT_YET_VISIBLE', retryable: true });
    expect((failure as Error).message).toBe(
      'PutScalingPolicy failed: ObjectNotFoundException: No scalable target registered for service namespace: ' +
        'sagemaker, resource ID: endpoint/churn-prod/variant/candidate-r1, scalable dimension: ' +
        'sagemaker:variant:DesiredInstanceCount (the variant is not a registered scalable target, or was ' +
        'registered moments ago and Application Auto Scaling does not see it yet; retry shortly)',
    );
  });
});

describe('putScheduledAction', () => {
  it('sends times as dates and only the fields the action has', async () => {
    autoscaling.on(PutScheduledActionCommand).resolves({});

    await control.putScheduledAction('churn-prod', 'AllTraffic', {
      scheduledActionName: 'business-hours',
      schedule: 'cron(0 8 ? * MON-FRI *)',
      timezone: 'Europe/Dublin',
      startTime: Date.parse('2026-03-01T00:00:00Z'),
      endTime: Date.parse('2026-12-31T23:59:59Z'),
      scalableTargetAction: { minCapacity: 4, maxCapacity: 12 },
    });
    await control.putScheduledAction('churn-prod', 'AllTraffic', {
      scheduledActionName: 'night',
      schedule: 'cron(0 20 ? * * *)',
      scalableTargetAction: { minCapacity: 1 },
    });

    expect(inputsOf(PutScheduledActionCommand)).toStrictEqual([
      {
        ...KEY,
        ScheduledActionName: 'business-hours',
        Schedule: 'cron(0 8 ? * MON-FRI *)',
        Timezone: 'Europe/Dublin',
        StartTime: new Date('2026-03-01T00:00:00Z'),
        EndTime: new Date('2026-12-31T23:59:59Z'),
        ScalableTargetAction: { MinCapacity: 4, MaxCapacity: 12 },
      },
      {
        ...KEY,
        ScheduledActionName: 'night',
        Schedule: 'cron(0 20 ? * * *)',
        ScalableTargetAction: { MinCapacity: 1 },
      },
    ]);
  });
});

describe('deregisterScalableTarget', () => {
  it('deregisters the variant', async () => {
    autoscaling.on(DeregisterScalableTargetCommand).resolves({});

    await expect(control.deregisterScalableTarget('churn-prod', 'candidate-r1')).resolves.toBe(
      'deregistered',
    );

    expect(inputsOf(DeregisterScalableTargetCommand)).toStrictEqual([
      { ...KEY, ResourceId: 'endpoint/churn-prod/variant/candidate-r1' },
    ]);
  });

  it('is absent when the variant was not registered (ObjectNotFoundException)', async () => {
    autoscaling
      .on(DeregisterScalableTargetCommand)
      .rejects(
        awsError('ObjectNotFoundException', 'No scalable target registered for service namespace: sagemaker'),
      );

    await expect(control.deregisterScalableTarget('churn-prod', 'candidate-r1')).resolves.toBe('absent');
  });
});

describe('failures every call shares', () => {
  const suspended = {
    dynamicScalingInSuspended: false,
    dynamicScalingOutSuspended: false,
    scheduledScalingSuspended: false,
  };
  const operations: [string, () => Promise<unknown>][] = [
    ['DescribeScalableTargets', () => control.describeVariantScaling('churn-prod', 'AllTraffic')],
    [
      'RegisterScalableTarget',
      () =>
        control.registerScalableTarget('churn-prod', 'AllTraffic', {
          minCapacity: 1,
          maxCapacity: 2,
          suspended,
        }),
    ],
    [
      'PutScalingPolicy',
      () =>
        control.putScalingPolicy('churn-prod', 'AllTraffic', {
          policyName: 'p',
          policyType: 'TargetTrackingScaling',
          configuration: { TargetValue: 70 },
        }),
    ],
    [
      'PutScheduledAction',
      () =>
        control.putScheduledAction('churn-prod', 'AllTraffic', {
          scheduledActionName: 'a',
          schedule: 'rate(1 day)',
          scalableTargetAction: { minCapacity: 1 },
        }),
    ],
    ['DeregisterScalableTarget', () => control.deregisterScalableTarget('churn-prod', 'AllTraffic')],
  ];

  it.each(operations)(
    '%s: a pending update of the same target is ENDPOINT_BUSY (retryable)',
    async (operation, call) => {
      autoscaling
        .onAnyCommand()
        .rejects(
          awsError(
            'ConcurrentUpdateException',
            'You already have a pending update to an Application Auto Scaling resource.',
          ),
        );

      await expect(call()).rejects.toMatchObject({
        code: 'ENDPOINT_BUSY',
        retryable: true,
        message:
          `${operation} refused while another change to the same resource is pending ` +
          '(ConcurrentUpdateException: You already have a pending update to an Application Auto Scaling resource.); ' +
          'retry shortly',
      });
    },
  );

  it.each(operations)(
    '%s: throttling that survived the SDK retries is THROTTLED',
    async (operation, call) => {
      autoscaling
        .onAnyCommand()
        .rejects(awsError('ThrottlingException', 'Rate exceeded', { $metadata: { attempts: 5 } }));

      await expect(call()).rejects.toMatchObject({
        code: 'THROTTLED',
        retryable: true,
        message: `${operation} was throttled by AWS after 5 attempts (ThrottlingException: Rate exceeded); retry later`,
      });
    },
  );

  it.each(operations)('%s: access denied is AWS_ERROR, not retried', async (operation, call) => {
    autoscaling
      .onAnyCommand()
      .rejects(
        awsError(
          'AccessDeniedException',
          'User: arn:aws:sts::111122223333:assumed-role/smr/fn is not authorized to perform: application-autoscaling:' +
            operation,
        ),
      );

    await expect(call()).rejects.toMatchObject({ code: 'AWS_ERROR', retryable: false });
    await expect(call()).rejects.toThrow(`${operation} failed: AccessDeniedException: User:`);
  });
});
