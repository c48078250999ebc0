// SmRolloutStack as `npx cdk synth` builds it from examples/policies.yaml: the event rules, the function,
// the table, failure handling, the wake-up queue and its event source mapping, the exact IAM policy, the
// outputs, cdk-nag's verdict and the bundle.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { buildApp, listSetting } from '../../infra/app';
import { BUNDLED_POLICIES_FILE, PROJECT_ROOT } from '../../infra/rollout-controller';
import { parse } from 'yaml';
import { loadDeployedPolicies, loadPolicies } from '../../src/policy';
import {
  EXAMPLE_POLICIES,
  functionAssetDir,
  logicalId,
  newApp,
  render,
  resourcesOfType,
  synthesize,
  validationReport,
  type CfnTemplate,
  type Synthesized,
} from './synth';

let synth: Synthesized;
let json: CfnTemplate;
let fnId: string;
let tableId: string;
let dlqId: string;
let wakeUpQueueId: string;
let lifecycleBusId: string;
let commandBusId: string;
let logGroupId: string;

beforeAll(() => {
  const { app, stack } = buildApp(newApp());
  synth = synthesize(app, stack);
  json = synth.json;
  fnId = logicalId(json, 'AWS::Lambda::Function', 'ControllerFunction');
  tableId = logicalId(json, 'AWS::DynamoDB::Table', 'ControllerTable');
  dlqId = logicalId(json, 'AWS::SQS::Queue', 'ControllerDeadLetterQueue');
  wakeUpQueueId = logicalId(json, 'AWS::SQS::Queue', 'ControllerWakeUpQueue');
  lifecycleBusId = logicalId(json, 'AWS::Events::EventBus', 'ControllerLifecycleBus');
  commandBusId = logicalId(json, 'AWS::Events::EventBus', 'ControllerCommandBus');
  logGroupId = logicalId(json, 'AWS::Logs::LogGroup', 'ControllerLogGroup');
}, 120_000);

function rule(prefix: string): Record<string, unknown> {
  const props = json.Resources[logicalId(json, 'AWS::Events::Rule', prefix)]?.Properties;
  if (!props) throw new Error(`no rule ${prefix}`);
  return render(props) as Record<string, unknown>;
}

describe('the example policies', () => {
  it('are what these tests expect', () => {
    const policies = loadPolicies(path.join(PROJECT_ROOT, EXAMPLE_POLICIES)).policies;
    expect(policies.map((p) => [p.modelPackageGroup, p.endpoint, p.alarms, p.executionRoleArn])).toEqual([
      [
        'churn-model',
        'churn-prod',
        ['churn-prod-5xx', 'churn-prod-p99-latency'],
        'arn:aws:iam::111122223333:role/churn-sagemaker-exec',
      ],
      [
        'fraud-model',
        'fraud-prod',
        ['fraud-prod-5xx'],
        'arn:aws:iam::111122223333:role/fraud-sagemaker-exec',
      ],
    ]);
  });
});

describe('event rules', () => {
  const target = (maxAge: number, retries = 8) => [
    {
      Arn: `\${${fnId}.Arn}`,
      Id: 'Target0',
      DeadLetterConfig: { Arn: `\${${dlqId}.Arn}` },
      RetryPolicy: { MaximumEventAgeInSeconds: maxAge, MaximumRetryAttempts: retries },
    },
  ];

  it('there are exactly five, all targeting the function', () => {
    expect(resourcesOfType(json, 'AWS::Events::Rule')).toHaveLength(5);
    expect(resourcesOfType(json, 'AWS::Lambda::Permission')).toHaveLength(5);
  });

  it('approvals: Approved versions of exactly the policy groups, on the default bus', () => {
    const r = rule('ControllerApprovalRule');
    expect(r.EventBusName).toBeUndefined();
    expect(r.EventPattern).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      detail: { ModelPackageGroupName: ['churn-model', 'fraud-model'], ModelApprovalStatus: ['Approved'] },
    });
    expect(r.Targets).toEqual(target(86400));
  });

  it('alarms: ALARM of exactly the policy alarms, or of any smr- alarm (candidate alarms)', () => {
    const r = rule('ControllerAlarmRule');
    expect(r.EventBusName).toBeUndefined();
    expect(r.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: {
        alarmName: ['churn-prod-5xx', 'churn-prod-p99-latency', 'fraud-prod-5xx', { prefix: 'smr-' }],
        state: { value: ['ALARM'] },
      },
    });
    expect(r.Targets).toEqual(target(3600));
  });

  it('endpoint (and guardrails deployment) state changes of exactly the policy endpoints', () => {
    const r = rule('ControllerEndpointRule');
    expect(r.EventPattern).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Endpoint State Change', 'SageMaker Endpoint Deployment State Change'],
      detail: { EndpointName: ['churn-prod', 'fraud-prod'] },
    });
    expect(r.Targets).toEqual(target(3600));
  });

  it('the schedule: rate(1 minute), the plain Scheduled Event (no input)', () => {
    const r = rule('ControllerScheduleRule');
    expect(r.ScheduleExpression).toBe('rate(1 minute)');
    expect(r.EventPattern).toBeUndefined();
    expect(r.Targets).toEqual(target(300, 2));
    const [t] = r.Targets as Record<string, unknown>[];
    expect(t).not.toHaveProperty('Input');
    expect(t).not.toHaveProperty('InputTransformer');
    expect(t).not.toHaveProperty('InputPath');
  });

  it('commands: sm-rollout.cli / Rollout Command on the command bus', () => {
    const r = rule('ControllerCommandRule');
    expect(r.EventBusName).toBe(`\${${commandBusId}}`);
    expect(r.EventPattern).toEqual({ source: ['sm-rollout.cli'], 'detail-type': ['Rollout Command'] });
    expect(r.Targets).toEqual(target(3600));
  });

  it('without commandPrincipals the command bus has no resource policy', () => {
    expect(resourcesOfType(json, 'AWS::Events::EventBusPolicy')).toHaveLength(0);
    expect(json.Resources[commandBusId]?.Properties).not.toHaveProperty('Policy');
  });
});

describe('the function', () => {
  it('Node.js 22 on arm64, ESM bundle, 512 MB, 5 minutes, JSON logs into its own log group', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 300,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } },
    });
    expect(json.Resources[fnId]?.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('environment: the DynamoDB store, the bundled policies file, the lifecycle bus, the wake-up queue', () => {
    expect(render(json.Resources[fnId]?.Properties?.Environment)).toEqual({
      Variables: {
        ROLLOUT_STORE: `dynamodb:\${${tableId}}`,
        ROLLOUT_POLICIES_FILE: `/var/task/${BUNDLED_POLICIES_FILE}`,
        ROLLOUT_EVENT_BUS: `\${${lifecycleBusId}}`,
        ROLLOUT_WAKE_UP_QUEUE_URL: `\${${wakeUpQueueId}}`,
        POWERTOOLS_SERVICE_NAME: 'sm-rollout',
        POWERTOOLS_METRICS_NAMESPACE: 'sm-rollout',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  });

  it('asynchronous invocations: 2 retries, then the dead-letter queue', () => {
    expect(render(resourcesOfType(json, 'AWS::Lambda::EventInvokeConfig')[0]?.[1].Properties)).toEqual({
      FunctionName: `\${${fnId}}`,
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: `\${${dlqId}.Arn}` } },
    });
  });

  it('its log group keeps logs for a month', () => {
    synth.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('the table', () => {
  it('is rolloutTableDefinition: pk/sk, on-demand, TTL expiresAt, the active GSI, PITR, retained', () => {
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'activePk', AttributeType: 'S' },
          { AttributeName: 'dueAt', AttributeType: 'N' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'active',
            KeySchema: [
              { AttributeName: 'activePk', KeyType: 'HASH' },
              { AttributeName: 'dueAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    expect(json.Resources[tableId]?.Properties?.AttributeDefinitions).toHaveLength(4);
  });
});

describe('failure handling', () => {
  it('one dead-letter queue: SQS-managed encryption, 14 days, TLS only', () => {
    expect(resourcesOfType(json, 'AWS::SQS::Queue').map(([id]) => id)).toEqual([dlqId, wakeUpQueueId]);
    expect(json.Resources[dlqId]?.Properties).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    expect(dlqPolicy().PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    );
  });

  function dlqPolicy() {
    const found = resourcesOfType(json, 'AWS::SQS::QueuePolicy')
      .map(([, p]) => render(p.Properties) as { Queues: unknown[]; PolicyDocument: { Statement: unknown[] } })
      .find((p) => JSON.stringify(p.Queues) === JSON.stringify([`\${${dlqId}}`]));
    if (!found) throw new Error('no queue policy on the DLQ');
    return found as { PolicyDocument: { Statement: { Principal?: unknown; Condition?: unknown }[] } };
  }

  it('each rule may send to the DLQ, and only that rule', () => {
    const policy = dlqPolicy() as {
      PolicyDocument: { Statement: { Principal?: unknown; Condition?: unknown }[] };
    };
    const fromRules = policy.PolicyDocument.Statement.filter(
      (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }),
    );
    const rules = resourcesOfType(json, 'AWS::Events::Rule').map(([id]) => `\${${id}.Arn}`);
    expect(fromRules.map((s) => s.Condition)).toEqual(
      rules.map((arn) => ({ ArnEquals: { 'aws:SourceArn': arn } })),
    );
  });

  it('alarms on function errors, throttles and any message in the DLQ', () => {
    const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([, a]) => render(a.Properties));
    const common = {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      Period: 60,
      TreatMissingData: 'notBreaching',
    };
    expect(alarms).toEqual([
      expect.objectContaining({
        ...common,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: `\${${fnId}}` }],
      }),
      expect.objectContaining({
        ...common,
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: `\${${fnId}}` }],
      }),
      expect.objectContaining({
        ...common,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'QueueName', Value: `\${${dlqId}.QueueName}` }],
      }),
    ]);
  });
});

describe('precise wake-ups', () => {
  it('a standard queue: SQS-managed encryption, kept a day, visible again after 6 × the function timeout, 3 receives then the DLQ', () => {
    expect(render(json.Resources[wakeUpQueueId]?.Properties)).toEqual({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 86400,
      VisibilityTimeout: 6 * 300,
      RedrivePolicy: { deadLetterTargetArn: `\${${dlqId}.Arn}`, maxReceiveCount: 3 },
    });
  });

  it('TLS only', () => {
    const policy = resourcesOfType(json, 'AWS::SQS::QueuePolicy')
      .map(([, p]) => render(p.Properties) as { Queues: unknown[]; PolicyDocument: { Statement: unknown[] } })
      .find((p) => JSON.stringify(p.Queues) === JSON.stringify([`\${${wakeUpQueueId}}`]));
    expect(policy?.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });

  it('one event source mapping: batches of 10, no batching window, partial batch responses, after the permissions', () => {
    const mappings = resourcesOfType(json, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(render(mapping.Properties)).toEqual({
      FunctionName: `\${${fnId}}`,
      EventSourceArn: `\${${wakeUpQueueId}.Arn}`,
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping['DependsOn']).toEqual(
      expect.arrayContaining([logicalId(json, 'AWS::IAM::Policy', 'ControllerPermissions')]),
    );
  });
});

describe('IAM', () => {
  const sagemaker = (resource: string) =>
    `arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

  it('the controller policy allows exactly the calls src/aws and the store make, on exactly these resources', () => {
    const id = logicalId(json, 'AWS::IAM::Policy', 'ControllerPermissions');
    const document = render(json.Resources[id]?.Properties?.PolicyDocument) as { Statement: unknown[] };
    expect(document.Statement).toEqual([
      {
        Sid: 'Logs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `\${${logGroupId}.Arn}`,
      },
      {
        Sid: 'PolicyEndpoints',
        Effect: 'Allow',
        Action: [
          'sagemaker:DescribeEndpoint',
          'sagemaker:UpdateEndpoint',
          'sagemaker:UpdateEndpointWeightsAndCapacities',
        ],
        Resource: [sagemaker('endpoint/churn-prod'), sagemaker('endpoint/fraud-prod')],
      },
      {
        Sid: 'DescribeEndpointConfigs',
        Effect: 'Allow',
        Action: 'sagemaker:DescribeEndpointConfig',
        Resource: sagemaker('endpoint-config/*'),
      },
      {
        Sid: 'UpdateEndpointToConfig',
        Effect: 'Allow',
        Action: 'sagemaker:UpdateEndpoint',
        Resource: sagemaker('endpoint-config/*'),
      },
      {
        Sid: 'OwnEndpointConfigs',
        Effect: 'Allow',
        Action: [
          'sagemaker:CreateEndpointConfig',
          'sagemaker:DeleteEndpointConfig',
          'sagemaker:DescribeEndpointConfig',
        ],
        Resource: sagemaker('endpoint-config/smr-*'),
      },
      {
        Sid: 'OwnModels',
        Effect: 'Allow',
        Action: ['sagemaker:CreateModel', 'sagemaker:DeleteModel'],
        Resource: sagemaker('model/smr-*'),
      },
      {
        Sid: 'DescribeModels',
        Effect: 'Allow',
        Action: 'sagemaker:DescribeModel',
        Resource: sagemaker('model/*'),
      },
      {
        Sid: 'ReadBaselineTags',
        Effect: 'Allow',
        Action: 'sagemaker:ListTags',
        Resource: [sagemaker('model/*'), sagemaker('endpoint-config/*')],
      },
      {
        Sid: 'TagOwnResources',
        Effect: 'Allow',
        Action: 'sagemaker:AddTags',
        Resource: [sagemaker('model/smr-*'), sagemaker('endpoint-config/smr-*')],
      },
      {
        Sid: 'PolicyModelPackages',
        Effect: 'Allow',
        Action: 'sagemaker:DescribeModelPackage',
        Resource: [sagemaker('model-package/churn-model/*'), sagemaker('model-package/fraud-model/*')],
      },
      {
        Sid: 'PassExecutionRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [
          'arn:aws:iam::111122223333:role/churn-sagemaker-exec',
          'arn:aws:iam::111122223333:role/fraud-sagemaker-exec',
        ],
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
      { Sid: 'ReadAlarmStates', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
      { Sid: 'ReadVariantMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
      {
        Sid: 'OwnCandidateAlarms',
        Effect: 'Allow',
        Action: [
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:TagResource',
          'cloudwatch:SetAlarmState',
        ],
        Resource: 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:smr-*',
      },
      {
        Sid: 'ReadVariantScaling',
        Effect: 'Allow',
        Action: [
          'application-autoscaling:DescribeScalableTargets',
          'application-autoscaling:DescribeScalingPolicies',
          'application-autoscaling:DescribeScheduledActions',
        ],
        Resource: '*',
      },
      {
        Sid: 'ChangeVariantScaling',
        Effect: 'Allow',
        Action: [
          'application-autoscaling:RegisterScalableTarget',
          'application-autoscaling:PutScalingPolicy',
          'application-autoscaling:PutScheduledAction',
          'application-autoscaling:DeregisterScalableTarget',
        ],
        Resource:
          'arn:${AWS::Partition}:application-autoscaling:${AWS::Region}:${AWS::AccountId}:scalable-target/*',
        Condition: {
          StringEquals: {
            'application-autoscaling:service-namespace': 'sagemaker',
            'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
          },
        },
      },
      {
        Sid: 'TargetTrackingAlarms',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
        Resource:
          'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:TargetTracking-endpoint/*',
      },
      {
        Sid: 'ScalingServiceLinkedRole',
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        Resource:
          'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
        Condition: {
          StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' },
        },
      },
      {
        Sid: 'PublishLifecycleEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: `\${${lifecycleBusId}.Arn}`,
      },
      {
        Sid: 'RolloutTable',
        Effect: 'Allow',
        Action: [
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:UpdateItem',
        ],
        Resource: `\${${tableId}.Arn}`,
      },
      {
        Sid: 'RolloutTableActiveIndex',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: `\${${tableId}.Arn}/index/active`,
      },
      {
        Sid: 'SendWakeUps',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: `\${${wakeUpQueueId}.Arn}`,
      },
      {
        Sid: 'ConsumeWakeUps',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: `\${${wakeUpQueueId}.Arn}`,
      },
    ]);
  });

  it('the only other identity policy: sending failed invocations to the DLQ', () => {
    const policies = resourcesOfType(json, 'AWS::IAM::Policy').filter(
      ([id]) => !id.startsWith('ControllerPermissions'),
    );
    expect(policies.map(([, p]) => render(p.Properties?.PolicyDocument))).toEqual([
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
            Resource: `\${${dlqId}.Arn}`,
          },
        ],
      },
    ]);
  });

  it('the role has no managed policies and trusts Lambda only', () => {
    synth.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      },
      ManagedPolicyArns: Match.absent(),
    });
    expect(resourcesOfType(json, 'AWS::IAM::Role')).toHaveLength(1);
  });

  it('no statement allows sagemaker:* or a service-wide action', () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(
      /"sagemaker:\*"|"cloudwatch:\*"|"dynamodb:\*"|"events:\*"|"application-autoscaling:\*"|"iam:\*"/,
    );
  });
});

describe('outputs', () => {
  it('table, buses, function, DLQ and wake-up queue', () => {
    expect(render(json.Outputs)).toEqual({
      TableName: { Value: `\${${tableId}}` },
      CommandBusName: { Value: `\${${commandBusId}}` },
      CommandBusArn: { Value: `\${${commandBusId}.Arn}` },
      LifecycleBusName: { Value: `\${${lifecycleBusId}}` },
      LifecycleBusArn: { Value: `\${${lifecycleBusId}.Arn}` },
      FunctionName: { Value: `\${${fnId}}` },
      DeadLetterQueueUrl: { Value: `\${${dlqId}}` },
      WakeUpQueueUrl: { Value: `\${${wakeUpQueueId}}` },
    });
  });
});

describe('cdk-nag (AwsSolutionsChecks)', () => {
  it('ran and left no unacknowledged finding', () => {
    const reports = validationReport(synth.assembly);
    const nag = reports.find((r) => r.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(reports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`))).toEqual([]);
  });

  it('acknowledges exactly these findings, each with its reason', () => {
    const nag = validationReport(synth.assembly).find((r) => r.pluginName === 'AwsSolutions');
    const suppressed = nag?.suppressedViolations ?? [];
    const arn = (service: string, resource: string) =>
      `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
    expect(suppressed.map((s) => s.ruleName).sort()).toEqual(
      [
        'AwsSolutions-L1',
        `AwsSolutions-IAM5[Resource::${arn('sagemaker', 'endpoint-config/*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('sagemaker', 'endpoint-config/smr-*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('sagemaker', 'model/smr-*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('sagemaker', 'model/*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('sagemaker', 'model-package/churn-model/*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('sagemaker', 'model-package/fraud-model/*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('cloudwatch', 'alarm:smr-*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('cloudwatch', 'alarm:TargetTracking-endpoint/*')}]`,
        `AwsSolutions-IAM5[Resource::${arn('application-autoscaling', 'scalable-target/*')}]`,
        'AwsSolutions-IAM5[Resource::*]',
      ].sort(),
    );
    for (const s of suppressed) expect(s.reason.length).toBeGreaterThan(60);
  });
});

describe('the bundle', () => {
  /** The files Node loads when Lambda imports `file` at init: it and what it imports statically, transitively. */
  function loadedAtInit(dir: string, file: string, seen = new Set<string>()): Set<string> {
    seen.add(file);
    // Minified static imports: `from"./chunks/chunk-X.mjs"` or `import"./x.mjs"`; `import("…")` is lazy.
    for (const [, specifier] of readFileSync(path.join(dir, file), 'utf8').matchAll(
      /(?:from|import)\s*"(\.[^"]+)"/g,
    )) {
      const imported = path.posix.join(path.posix.dirname(file), specifier!);
      if (!seen.has(imported)) loadedAtInit(dir, imported, seen);
    }
    return seen;
  }
  const modules = (dir: string) =>
    ['index.mjs', ...readdirSync(path.join(dir, 'chunks')).map((f) => `chunks/${f}`)].filter((f) =>
      f.endsWith('.mjs'),
    );

  it('is minified ES modules with their source maps, and the policies file next to the entry', () => {
    const dir = functionAssetDir(synth.assembly, json, fnId);
    expect(existsSync(path.join(dir, 'index.mjs'))).toBe(true);
    for (const file of modules(dir)) expect(existsSync(path.join(dir, `${file}.map`))).toBe(true);
    // The policies as JSON (no YAML parser in the bundle): the same document, so the same policies.
    expect(BUNDLED_POLICIES_FILE).toBe('policies.json');
    const shipped = readFileSync(path.join(dir, BUNDLED_POLICIES_FILE), 'utf8');
    expect(JSON.parse(shipped)).toEqual(
      parse(readFileSync(path.join(PROJECT_ROOT, EXAMPLE_POLICIES), 'utf8')),
    );
    expect(loadDeployedPolicies(path.join(dir, BUNDLED_POLICIES_FILE)).policies).toEqual(
      loadPolicies(path.join(PROJECT_ROOT, EXAMPLE_POLICIES)).policies,
    );
    for (const file of modules(dir)) {
      const code = readFileSync(path.join(dir, file), 'utf8');
      expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      // The SDK is bundled (external: []), not imported from the runtime.
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
      // Only the CLI reads stack outputs; only the CLI and synth read YAML.
      expect(code).not.toContain('cloudformation');
      expect(code).not.toContain('yaml.alias');
    }
  });

  it('is split: the rollout engine, every AWS client but DynamoDB and the file and memory stores are in chunks Lambda does not load at init', () => {
    const dir = functionAssetDir(synth.assembly, json, fnId);
    const all = modules(dir);
    const atInit = loadedAtInit(dir, 'index.mjs');
    const lazy = all.filter((file) => !atInit.has(file));
    const code = (files: Iterable<string>) =>
      [...files].map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
    // The S3 client (sample requests), the SageMaker Runtime client (InvokeEndpoint) and the SQS client
    // (wake-ups), recognised by their service's id and endpoint host; the SageMaker, Application Auto
    // Scaling, CloudWatch and EventBridge clients, by the target their JSON protocol names on every
    // request (a Scheduled Event with nothing due calls none of them); and the rollout engine, by the XState
    // interpreter's init event: in the lazy chunks, not at init.
    const markers = [
      '"AmazonS3"',
      'runtime.sagemaker',
      '"AmazonSQS"',
      'serviceTarget:"SageMaker"',
      'serviceTarget:"AnyScaleFrontendService"',
      'serviceTarget:"GraniteServiceVersion20100801"',
      'serviceTarget:"AWSEvents"',
      'xstate.init',
    ];
    for (const marker of markers) {
      expect(code(lazy)).toContain(marker);
      expect(code(atInit)).not.toContain(marker);
    }
    // The one client every event needs, the rollout store's, is loaded at init (the marker above is right).
    expect(code(atInit)).toContain('serviceTarget:"DynamoDB_20120810"');
    // The stack's store is DynamoDB: the file store (its directory layout) and the memory store (its
    // damaged-state message) load only when ROLLOUT_STORE names them.
    for (const marker of ['"timelines","locks"', 'the rollout store in ']) {
      expect(code(lazy)).toContain(marker);
      expect(code(atInit)).not.toContain(marker);
    }
    const bytes = (files: Iterable<string>) =>
      [...files].reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    // What init loads is well under the whole bundle (the chunks hold more than 150 KiB of it).
    expect(bytes(lazy)).toBeGreaterThan(150 * 1024);
    expect(bytes(atInit)).toBeLessThan(bytes(all) - 150 * 1024);
    expect(bytes(all)).toBeLessThan(3 * 1024 * 1024);
  });
});

describe('app settings', () => {
  it('lists: comma-separated, trimmed, empty items dropped', () => {
    expect(listSetting(' arn:a , ,arn:b ')).toEqual(['arn:a', 'arn:b']);
    expect(listSetting(['arn:a'])).toEqual(['arn:a']);
    expect(listSetting(undefined)).toEqual([]);
  });
});
