// The one place AWS SDK clients are built: region, credentials, HTTP handler and retry policy are decided
// here, so every adapter (and every test that fakes HTTP) gets the same behaviour. The SQS, SageMaker
// Runtime and S3 clients are loaders (dynamic import on first use, then kept): only a scheduled wake-up and
// a pre-traffic check need them, so their SDK packages sit in chunks of the Lambda bundle that the other
// events never load (infra/controller-bundle.ts). No module the Lambda imports may import those packages
// statically: esbuild would then put them in a chunk the entry imports at init.

import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { loadOnce } from './client-source';

/**
 * How many HTTP requests one SDK call may make. SageMaker's control plane throttles bursts (a schedule tick
 * that wakes many rollouts at once), so we allow a little more than the SDK default of 3 before a call
 * surfaces as THROTTLED and the engine simply retries on a later tick.
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface AwsClientOptions {
  /** Defaults to the SDK's chain (AWS_REGION, profile, ...). */
  region?: string;
  /** Defaults to the SDK's credential chain (Lambda role, env, profile, ...). */
  credentials?: SageMakerClientConfig['credentials'];
  /** Replaces the HTTP layer; tests pass an object with `async handle(request)` so the SDK's own retries run. */
  requestHandler?: SageMakerClientConfig['requestHandler'];
  /** Total attempts per call, first try included. */
  maxAttempts?: number;
}

/** The clients the controller Lambda uses: no CloudFormation, so that SDK package stays out of its bundle. */
export type ControllerClients = Omit<AwsClients, 'cloudformation'>;

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
  sqs: () => Promise<SQSClient>;
  /** InvokeEndpoint for the pre-traffic check (wrap it with SageMakerRuntimeInvoker). Built on its first call. */
  runtime: () => Promise<SageMakerRuntimeClient>;
  /** Pre-traffic sample requests kept in S3 (wrap it with S3ObjectReader). Built on its first call. */
  s3: () => Promise<S3Client>;
  /** The CLI reads the deployed controller's stack outputs (table, command bus) with it. */
  cloudformation: CloudFormationClient;
}

function clientConfig(options: AwsClientOptions) {
  return {
    // Standard, not adaptive: adaptive mode adds a client-wide rate limiter that would also slow the
    // alarm reads of a rollback after some unrelated call was throttled. Throttling that outlives these
    // retries is handed to the engine as THROTTLED, which retries on its own schedule.
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // Only pass what was given, so the SDK's defaults still apply to the rest.
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.requestHandler === undefined ? {} : { requestHandler: options.requestHandler }),
  };
}

/** The controller's clients (the Lambda host): every client but CloudFormation, which only the CLI uses. */
export function createControllerClients(options: AwsClientOptions = {}): ControllerClients {
  const config = clientConfig(options);
  return {
    sagemaker: new SageMakerClient(config),
    cloudwatch: new CloudWatchClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    dynamodb: new DynamoDBClient(config),
    eventbridge: new EventBridgeClient(config),
    sqs: loadOnce(async () => new (await import('./lazy-sqs.js')).SQSClient(config)),
    runtime: loadOnce(
      async () => new (await import('./lazy-sagemaker-runtime.js')).SageMakerRuntimeClient(config),
    ),
    s3: loadOnce(async () => new (await import('./lazy-s3.js')).S3Client(config)),
  };
}

/** Every client, CloudFormation included (the CLI reads the deployed stack's outputs with it). */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  return {
    ...createControllerClients(options),
    cloudformation: new CloudFormationClient(clientConfig(options)),
  };
}
