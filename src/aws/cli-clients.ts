// The CLI's AWS clients: the controller's (clients.ts: same region, credentials, HTTP handler and retry
// policy) with SageMaker, CloudWatch, Application Auto Scaling and EventBridge built at once, plus
// CloudFormation, with which the CLI reads the deployed controller's stack outputs. The CLI imports those SDK
// packages statically anyway (src/cli), so deferring them would save it nothing. The controller Lambda never
// imports this module: its static imports would put those packages in the Lambda's init chunks.

import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, loadedOnFirstUse, type AwsClientOptions, type ClientLoader } from './clients';

/** The CLI's clients: SageMaker, CloudWatch, Application Auto Scaling and EventBridge built at once. */
export interface AwsClients {
  sagemaker: SageMakerClient;
  cloudwatch: CloudWatchClient;
  /** Scaling of SageMaker variants (wrap it with ApplicationAutoScalingScalingControl). */
  autoscaling: ApplicationAutoScalingClient;
  /** The rollout store's table (wrap it with DynamoRolloutStore). */
  dynamodb: DynamoDBClient;
  /** Lifecycle events out (wrap it with EventBridgeLifecyclePublisher). */
  eventbridge: EventBridgeClient;
  /** The controller's wake-up queue (wrap it with SqsWakeUpScheduler). Built on its first call. */
  sqs: ClientLoader<SQSClient>;
  /** InvokeEndpoint for the pre-traffic check (wrap it with SageMakerRuntimeInvoker). Built on its first call. */
  runtime: ClientLoader<SageMakerRuntimeClient>;
  /** Pre-traffic sample requests kept in S3 (wrap it with S3ObjectReader). Built on its first call. */
  s3: ClientLoader<S3Client>;
  /** The CLI reads the deployed controller's stack outputs (table, command bus) with it. */
  cloudformation: CloudFormationClient;
}

/** Every client, CloudFormation included; SQS, SageMaker Runtime and S3 are still built on first use. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const config = clientConfig(options);
  const { sqs, runtime, s3 } = loadedOnFirstUse(config);
  return {
    sagemaker: new SageMakerClient(config),
    cloudwatch: new CloudWatchClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    dynamodb: new DynamoDBClient(config),
    eventbridge: new EventBridgeClient(config),
    sqs,
    runtime,
    s3,
    cloudformation: new CloudFormationClient(config),
  };
}
