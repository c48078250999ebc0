// SmRolloutStack: the controller (SmRolloutController) and the outputs the CLI and subscribers need.
// Environment-agnostic (ARNs use the AWS::Region / AWS::AccountId of the deployment), so synthesis needs
// no credentials.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { SmRolloutController, type SmRolloutControllerProps } from './rollout-controller';

export interface SmRolloutStackProps extends StackProps {
  /** The policies file (absolute, or relative to the repository root). */
  readonly policiesFile: string;
  /** ARNs of IAM principals (accounts, roles, users) allowed to put commands on the command bus. */
  readonly commandPrincipalArns?: readonly string[];
  /** Passed through to the construct. */
  readonly controller?: Omit<SmRolloutControllerProps, 'policiesFile' | 'commandPrincipals'>;
}

export class SmRolloutStack extends Stack {
  readonly controller: SmRolloutController;

  constructor(scope: Construct, id: string, props: SmRolloutStackProps) {
    super(scope, id, {
      description: 'sm-rollout: safe rollouts of SageMaker Model Registry versions onto endpoints',
      ...props,
    });
    this.controller = new SmRolloutController(this, 'Controller', {
      ...props.controller,
      policiesFile: props.policiesFile,
      commandPrincipals: (props.commandPrincipalArns ?? []).map((arn) => new iam.ArnPrincipal(arn)),
    });
    const c = this.controller;
    new CfnOutput(this, 'TableName', { value: c.table.tableName });
    new CfnOutput(this, 'CommandBusName', { value: c.commandBus.eventBusName });
    new CfnOutput(this, 'CommandBusArn', { value: c.commandBus.eventBusArn });
    new CfnOutput(this, 'LifecycleBusName', { value: c.lifecycleBus.eventBusName });
    new CfnOutput(this, 'LifecycleBusArn', { value: c.lifecycleBus.eventBusArn });
    new CfnOutput(this, 'FunctionName', { value: c.function.functionName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: c.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'WakeUpQueueUrl', { value: c.wakeUpQueue.queueUrl });
  }
}
