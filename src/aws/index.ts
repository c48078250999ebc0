// The aws adapters' public surface: the client factory and the SageMaker and CloudWatch implementations of
// the engine's ports. Error classification stays private to this folder.

export { createAwsClients, DEFAULT_MAX_ATTEMPTS, type AwsClientOptions, type AwsClients } from './clients';
export { CloudWatchAlarmControl } from './cloudwatch';
export { SageMakerEndpointControl } from './sagemaker';
