// The one place AWS SDK clients are built: region, credentials, HTTP handler and retry policy are decided
// here, so every adapter (and every test that fakes HTTP) gets the same behaviour. The controller Lambda's
// clients are loaders (dynamic import on first use, then kept), DynamoDB's alone excepted: a Scheduled Event
// with nothing due only queries the rollout store, so SageMaker, Application Auto Scaling, CloudWatch,
// EventBridge, SQS, SageMaker Runtime and S3 sit in chunks of the Lambda bundle that such an event never
// loads (infra/controller-bundle.ts), and the first event that calls one pays its import. No module the
// Lambda imports may import those packages statically, types excepted: esbuild would then put them in a
// chunk the entry imports at init even when the code using them is never called (it assigns whole files to
// chunks by static reachability; test/infra/stack.test.ts checks the init chunks). The CLI's clients, built
// at once, are therefore in their own module (cli-clients.ts), which the Lambda never imports.

import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient, SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
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

/** A client built on its first call (its SDK package imported then), the same one every later call. */
export type ClientLoader<T> = () => Promise<T>;

/**
 * The clients the controller Lambda uses: no CloudFormation (only the CLI reads stack outputs), and
 * every client but DynamoDB's a loader (the adapters take either, see client-source.ts).
 */
export interface ControllerClients {
  /** The rollout store's table (wrap it with DynamoRolloutStore): every event reads it. */
  dynamodb: DynamoDBClient;
  /** Endpoints, configs, models, packages (wrap it with SageMakerEndpointControl). Built on its first call. */
  sagemaker: ClientLoader<SageMakerClient>;
  /** Alarms and metrics (CloudWatchAlarmControl, CloudWatchMetricReader). Built on its first call. */
  cloudwatch: ClientLoader<CloudWatchClient>;
  /** Scaling of SageMaker variants (ApplicationAutoScalingScalingControl). Built on its first call. */
  autoscaling: ClientLoader<ApplicationAutoScalingClient>;
  /** Lifecycle events out (EventBridgeLifecyclePublisher). Built on its first call. */
  eventbridge: ClientLoader<EventBridgeClient>;
  /** The controller's wake-up queue (SqsWakeUpScheduler). Built on its first call. */
  sqs: ClientLoader<SQSClient>;
  /** InvokeEndpoint for the pre-traffic check (SageMakerRuntimeInvoker). Built on its first call. */
  runtime: ClientLoader<SageMakerRuntimeClient>;
  /** Pre-traffic sample requests kept in S3 (S3ObjectReader). Built on its first call. */
  s3: ClientLoader<S3Client>;
}

/** The configuration every client is built with (cli-clients.ts builds the CLI's with it too). */
export function clientConfig(options: AwsClientOptions) {
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

/** Every controller client but DynamoDB's, each built on its first call. */
export function loadedOnFirstUse(
  config: ReturnType<typeof clientConfig>,
): Omit<ControllerClients, 'dynamodb'> {
  return {
    sagemaker: loadOnce(async () => new (await import('./lazy-sagemaker.js')).SageMakerClient(config)),
    cloudwatch: loadOnce(async () => new (await import('./lazy-cloudwatch.js')).CloudWatchClient(config)),
    autoscaling: loadOnce(
      async () => new (await import('./lazy-autoscaling.js')).ApplicationAutoScalingClient(config),
    ),
    eventbridge: loadOnce(async () => new (await import('./lazy-eventbridge.js')).EventBridgeClient(config)),
    sqs: loadOnce(async () => new (await import('./lazy-sqs.js')).SQSClient(config)),
    runtime: loadOnce(
      async () => new (await import('./lazy-sagemaker-runtime.js')).SageMakerRuntimeClient(config),
    ),
    s3: loadOnce(async () => new (await import('./lazy-s3.js')).S3Client(config)),
  };
}

/**
 * The controller's clients (the Lambda host): every client but CloudFormation, which only the CLI uses; all
 * but DynamoDB's built on first use.
 */
export function createControllerClients(options: AwsClientOptions = {}): ControllerClients {
  const config = clientConfig(options);
  return { dynamodb: new DynamoDBClient(config), ...loadedOnFirstUse(config) };
}
