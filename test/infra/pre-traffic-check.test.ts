// The controller's permissions for the pre-traffic check, computed at synth from the policies:
// sagemaker:InvokeEndpoint on the endpoints whose policy checks the candidate, and s3:GetObject on
// exactly the sample request objects the policies name (a key's wildcard characters taken
// literally); none of either without a check. cdk-nag has nothing to say.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SmRolloutController } from '../../infra/rollout-controller';
import { parsePolicies } from '../../src/policy';
import { logicalId, newApp, render, validationReport, type CfnTemplate } from './synth';

const ROLE = 'arn:aws:iam::444455556666:role/exec';
const POLICIES = `
policies:
  - modelPackageGroup: churn-model
    endpoint: Churn-Prod
    alarms: [churn-5xx]
    executionRoleArn: ${ROLE}
    preTrafficCheck:
      requests: s3://ml-samples/churn/pre-traffic*.jsonl
      contentType: application/json
      maxLatency: 2s
  - modelPackageGroup: fraud-model
    endpoint: fraud-prod
    alarms: [fraud-5xx]
    executionRoleArn: ${ROLE}
    preTrafficCheck:
      requests: ['{"amount": 12}']
      contentType: application/json
      maxLatency: 500ms
  - modelPackageGroup: search-model
    endpoint: search-prod
    alarms: [search-5xx]
    executionRoleArn: ${ROLE}
`;
const UNCHECKED = `
policies:
  - modelPackageGroup: search-model
    endpoint: search-prod
    alarms: [search-5xx]
    executionRoleArn: ${ROLE}
`;

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };

let assembly: CloudAssembly;
let checked: CfnTemplate;
let unchecked: CfnTemplate;

function controllerIn(stackName: string, app: ReturnType<typeof newApp>, text: string): Stack {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sm-rollout-policies-')), 'policies.yaml');
  writeFileSync(file, text);
  const stack = new Stack(app, stackName);
  new SmRolloutController(stack, 'Controller', {
    policiesFile: file,
    policies: parsePolicies(text, file).policies,
  });
  return stack;
}

beforeAll(() => {
  process.env.JSII_DEPRECATED = 'quiet';
  const app = newApp();
  const withChecks = controllerIn('Checked', app, POLICIES);
  const without = controllerIn('Unchecked', app, UNCHECKED);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  assembly = app.synth();
  checked = assembly.getStackByName(withChecks.stackName).template as CfnTemplate;
  unchecked = assembly.getStackByName(without.stackName).template as CfnTemplate;
}, 120_000);

function statementsOf(json: CfnTemplate): Statement[] {
  const permissions = logicalId(json, 'AWS::IAM::Policy', 'ControllerPermissions');
  return (render(json.Resources[permissions]?.Properties?.PolicyDocument) as { Statement: Statement[] })
    .Statement;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('permissions for the pre-traffic check', () => {
  it('InvokeEndpoint only on the endpoints whose policy checks the candidate (lower-cased in the ARN)', () => {
    const invoking = statementsOf(checked).filter((s) => actionsOf(s).includes('sagemaker:InvokeEndpoint'));
    expect(invoking).toEqual([
      {
        Sid: 'PreTrafficInvoke',
        Effect: 'Allow',
        Action: 'sagemaker:InvokeEndpoint',
        Resource: [
          'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/churn-prod',
          'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/fraud-prod',
        ],
      },
    ]);
  });

  it('GetObject on exactly the sample request object a policy names, its * taken literally', () => {
    const reading = statementsOf(checked).filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(reading).toEqual([
      {
        Sid: 'PreTrafficSampleRequests',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:${AWS::Partition}:s3:::ml-samples/churn/pre-traffic${*}.jsonl',
      },
    ]);
  });

  it('without a check in any policy, neither is granted', () => {
    const actions = statementsOf(unchecked).flatMap(actionsOf);
    expect(actions).not.toContain('sagemaker:InvokeEndpoint');
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('cdk-nag finds nothing unacknowledged', () => {
    const reports = validationReport(assembly);
    expect(reports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`))).toEqual([]);
  });
});
