// What the controller uses of @aws-sdk/client-sagemaker-runtime (the pre-traffic check's InvokeEndpoint), loaded with import() on first use (clients.ts and
// the adapter). Named re-exports, so the Lambda bundle's lazy chunk holds these and what they need, not every
// command of the package's namespace (an import() of the package itself keeps them all).
export { SageMakerRuntimeClient, InvokeEndpointCommand, ModelError } from '@aws-sdk/client-sagemaker-runtime';
