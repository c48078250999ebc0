// The aws adapters' public surface: the client factory and the SageMaker, SageMaker Runtime,
// CloudWatch (alarms and GetMetricData), Application Auto Scaling, EventBridge, SQS (wake-ups) and S3
// implementations of the engine's ports (the DynamoDB store lives in src/store).
// Error classification is shared only with the DynamoDB store (src/store/dynamodb.ts).
// The controller Lambda imports clients.ts and controller-adapters.ts directly, not this barrel: it imports
// every adapter and createAwsClients (cli-clients.ts, four SDK packages) statically, which would pull them
// into the Lambda's init.

export {
  createControllerClients,
  DEFAULT_MAX_ATTEMPTS,
  type AwsClientOptions,
  type ClientLoader,
  type ControllerClients,
} from './clients';
export { createAwsClients, type AwsClients } from './cli-clients';
export {
  ApplicationAutoScalingScalingControl,
  SAGEMAKER_NAMESPACE,
  VARIANT_DIMENSION,
  variantResourceId,
} from './autoscaling';
export { CloudWatchAlarmControl, CloudWatchMetricReader, METRIC_QUERIES_PER_CALL } from './cloudwatch';
export { SageMakerEndpointControl, SageMakerInferenceComponentControl } from './sagemaker';
export { SqsWakeUpScheduler } from './sqs';
export { SageMakerRuntimeInvoker } from './runtime';
export { S3ObjectReader } from './s3';
export {
  EventBridgeLifecyclePublisher,
  LIFECYCLE_SOURCE,
  PUT_EVENTS_BATCH_SIZE,
  type EventBridgePublisherOptions,
} from './eventbridge';
