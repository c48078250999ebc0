// The controller's permissions for inference-component rollouts, computed at synth from the policies:
// DescribeInferenceComponent and UpdateInferenceComponent on exactly the components the policies name,
// none without one. cdk-nag has nothing new to say.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { SmRolloutController } from '../../infra/rollout-controller';
import { parsePolicies } from '../../src/policy';
import { logicalId, newApp, render, type CfnTemplate } from './synth';

const ROLE = 'arn:aws:iam::444455556666:role/exec';
const WITH_COMPONENT = `
policies:
  - modelPackageGroup: support-chat
    endpoint: support-llm
    inferenceComponent: chat-assistant
    strategy: linear(25, 5m)
    alarms: [chat-assistant-5xx]
    executionRoleArn: ${ROLE}
  - modelPackageGroup: churn-model
    endpoint: churn-prod
    alarms: [churn-5xx]
    executionRoleArn: ${ROLE}
`;
const WITHOUT = `
policies:
  - modelPackageGroup: churn-model
    endpoint: churn-prod
    alarms: [churn-5xx]
    executionRoleArn: ${ROLE}
`;

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };

function statementsFor(text: string): Statement[] {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sm-rollout-policies-')), 'policies.yaml');
  writeFileSync(file, text);
  const app = newApp();
  const stack = new Stack(app, 'Stack');
  new SmRolloutController(stack, 'Controller', {
    policiesFile: file,
    policies: parsePolicies(text, file).policies,
  });
  const json = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  const id = logicalId(json, 'AWS::IAM::Policy', 'ControllerPermissions');
  return (render(json.Resources[id]?.Properties?.PolicyDocument) as { Statement: Statement[] }).Statement;
}

it('allows describing and rolling-updating exactly the policies’ components', () => {
  const statement = statementsFor(WITH_COMPONENT).find((s) => s.Sid === 'PolicyInferenceComponents');
  expect(statement).toEqual({
    Sid: 'PolicyInferenceComponents',
    Effect: 'Allow',
    Action: ['sagemaker:DescribeInferenceComponent', 'sagemaker:UpdateInferenceComponent'],
    Resource:
      'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:inference-component/chat-assistant',
  });
});

it('allows nothing of inference components without such a policy', () => {
  const text = JSON.stringify(statementsFor(WITHOUT));
  expect(text).not.toMatch(/InferenceComponent/);
});
