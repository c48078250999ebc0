// SmRolloutController's options: command principals on the bus policy, a given lifecycle bus, an alarms
// topic, the table's removal policy, reserved concurrency, and policies given in code, whose names
// appear lower-cased in SageMaker ARNs; what its role may do on "*" and with Application Auto Scaling.
// Both stacks are synthesized at once, with cdk-nag.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SmRolloutController } from '../../infra/rollout-controller';
import { SmRolloutStack } from '../../infra/stack';
import { parsePolicies } from '../../src/policy';
import { EXAMPLE_POLICIES, logicalId, newApp, render, validationReport, type CfnTemplate } from './synth';

const POLICIES = `
policies:
  - modelPackageGroup: Churn-Model
    endpoint: Churn-Prod
    alarms: [Churn-5xx]
    executionRoleArn: arn:aws:iam::444455556666:role/exec
`;

let assembly: CloudAssembly;
let custom: CfnTemplate;
let granted: CfnTemplate;
let controller: SmRolloutController;

beforeAll(() => {
  // cdk-nag's EventBusOpenAccess rule reads CfnEventBusPolicy#principal, which jsii reports as deprecated.
  process.env.JSII_DEPRECATED = 'quiet';
  const app = newApp();
  const policiesFile = path.join(mkdtempSync(path.join(tmpdir(), 'sm-rollout-policies-')), 'policies.yaml');
  writeFileSync(policiesFile, POLICIES);

  const customStack = new Stack(app, 'Custom');
  const bus = new events.EventBus(customStack, 'ExistingBus');
  const topic = new sns.Topic(customStack, 'Topic', { enforceSSL: true });
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SNS2',
    reason: 'A test topic for alarm notifications; it holds no data.',
  });
  controller = new SmRolloutController(customStack, 'Controller', {
    policiesFile,
    policies: parsePolicies(POLICIES, policiesFile).policies,
    lifecycleBus: bus,
    alarmsTopic: topic,
    logRetention: logs.RetentionDays.ONE_WEEK,
    tableRemovalPolicy: RemovalPolicy.DESTROY,
    reservedConcurrentExecutions: 5,
    commandPrincipals: [new iam.AccountPrincipal('777788889999')],
  });
  controller.grantPutCommands(
    new iam.Role(customStack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }),
  );

  const grantedStack = new SmRolloutStack(app, 'Granted', {
    policiesFile: EXAMPLE_POLICIES,
    commandPrincipalArns: ['arn:aws:iam::777788889999:role/ci', 'arn:aws:iam::777788889999:root'],
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  assembly = app.synth();
  custom = assembly.getStackByName(customStack.stackName).template as CfnTemplate;
  granted = assembly.getStackByName(grantedStack.stackName).template as CfnTemplate;
}, 120_000);

function busPolicies(json: CfnTemplate, busPrefix: string): unknown[] {
  const busId = logicalId(json, 'AWS::Events::EventBus', busPrefix);
  const inline = json.Resources[busId]?.Properties?.Policy as { Statement: unknown[] } | undefined;
  const separate = Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::Events::EventBusPolicy')
    .map((r) => r.Properties?.Statement);
  return render([...(inline?.Statement ?? []), ...separate]) as unknown[];
}

describe('command principals', () => {
  it('the command bus admits exactly the granted principals, and only for commands', () => {
    expect(busPolicies(granted, 'ControllerCommandBus')).toEqual([
      {
        Sid: 'cdk-PutRolloutCommands',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::777788889999:role/ci', 'arn:aws:iam::777788889999:root'] },
        Action: 'events:PutEvents',
        Resource: `\${${logicalId(granted, 'AWS::Events::EventBus', 'ControllerCommandBus')}.Arn}`,
        Condition: {
          StringEquals: { 'events:source': 'sm-rollout.cli', 'events:detail-type': 'Rollout Command' },
        },
      },
    ]);
  });

  it('grantPutCommands gives a role of this account events:PutEvents on the command bus', () => {
    const bus = logicalId(custom, 'AWS::Events::EventBus', 'ControllerCommandBus');
    Template.fromJSON(custom).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(custom, 'AWS::IAM::Role', 'Operator') }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [bus, 'Arn'] } },
        ],
      },
    });
  });
});

describe('options', () => {
  const template = () => Template.fromJSON(custom);

  it('a given lifecycle bus is used (environment and the PutEvents statement), no bus is created for it', () => {
    const existing = logicalId(custom, 'AWS::Events::EventBus', 'ExistingBus');
    expect(Object.values(custom.Resources).filter((r) => r.Type === 'AWS::Events::EventBus')).toHaveLength(2);
    template().hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ROLLOUT_EVENT_BUS: { Ref: existing } }) },
      ReservedConcurrentExecutions: 5,
    });
    const permissions = logicalId(custom, 'AWS::IAM::Policy', 'ControllerPermissions');
    const statements = (
      render(custom.Resources[permissions]?.Properties?.PolicyDocument) as {
        Statement: { Sid: string; Resource: unknown }[];
      }
    ).Statement;
    expect(statements.find((s) => s.Sid === 'PublishLifecycleEvents')?.Resource).toBe(`\${${existing}.Arn}`);
  });

  it('SageMaker ARNs use the lower-cased names; events match the names as written', () => {
    const permissions = logicalId(custom, 'AWS::IAM::Policy', 'ControllerPermissions');
    const statements = (
      render(custom.Resources[permissions]?.Properties?.PolicyDocument) as {
        Statement: { Sid: string; Resource: unknown }[];
      }
    ).Statement;
    const sm = (r: string) => `arn:\${AWS::Partition}:sagemaker:\${AWS::Region}:\${AWS::AccountId}:${r}`;
    expect(statements.find((s) => s.Sid === 'PolicyEndpoints')?.Resource).toBe(sm('endpoint/churn-prod'));
    expect(statements.find((s) => s.Sid === 'PolicyModelPackages')?.Resource).toBe(
      sm('model-package/churn-model/*'),
    );
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { EndpointName: ['Churn-Prod'] } }),
    });
    template().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: { ModelPackageGroupName: ['Churn-Model'], ModelApprovalStatus: ['Approved'] },
      }),
    });
  });

  it('the alarms notify the topic on ALARM and OK', () => {
    const topic = logicalId(custom, 'AWS::SNS::Topic', 'Topic');
    const alarms = Object.values(custom.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) {
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.Properties?.OKActions).toEqual([{ Ref: topic }]);
    }
  });

  it('the table can be made disposable; the log retention is configurable', () => {
    template().hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('what is granted on "*" only reads, and scaling writes are held to SageMaker variant instance counts', () => {
    const permissions = logicalId(custom, 'AWS::IAM::Policy', 'ControllerPermissions');
    const statements = (
      render(custom.Resources[permissions]?.Properties?.PolicyDocument) as {
        Statement: { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
      }
    ).Statement;
    const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
    const onEverything = statements.filter((s) => s.Resource === '*').flatMap(actions);
    expect(onEverything.sort()).toEqual([
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:DescribeScalingPolicies',
      'application-autoscaling:DescribeScheduledActions',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:GetMetricData',
    ]);
    const scalingWrites = statements.filter((s) =>
      actions(s).some((a) => a.startsWith('application-autoscaling:') && !a.includes(':Describe')),
    );
    expect(scalingWrites.map((s) => s.Condition)).toEqual([
      {
        StringEquals: {
          'application-autoscaling:service-namespace': 'sagemaker',
          'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
        },
      },
    ]);
    expect(statements.find((s) => s.Sid === 'ScalingServiceLinkedRole')?.Condition).toEqual({
      StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' },
    });
  });

  it('cdk-nag finds nothing unacknowledged here either', () => {
    const reports = validationReport(assembly);
    expect(reports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`))).toEqual([]);
  });

  it('a policies file with no policies is refused', () => {
    const stack = new Stack(newApp(), 'Empty');
    expect(
      () => new SmRolloutController(stack, 'Controller', { policiesFile: EXAMPLE_POLICIES, policies: [] }),
    ).toThrow(/no policies/);
  });
});
