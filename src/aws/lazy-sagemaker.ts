// What the controller uses of @aws-sdk/client-sagemaker (the client and the commands sagemaker.ts sends),
// loaded with import() on first use (clients.ts and the adapter). Named re-exports, so the Lambda bundle's
// lazy chunk holds these and what they need, not every command of the package's namespace (an import() of
// the package itself keeps them all).
export {
  SageMakerClient,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListInferenceComponentsCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  UpdateInferenceComponentCommand,
} from '@aws-sdk/client-sagemaker';
