// The client factory's retry policy, proven through real SDK clients: only the HTTP layer is fake, so
// the SDK's own protocol parsing, error classification and retry loop all run.

import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { HttpResponse } from '@smithy/core/protocols';
import {
  ApplicationAutoScalingScalingControl,
  createAwsClients,
  createControllerClients,
  DEFAULT_MAX_ATTEMPTS,
  SageMakerEndpointControl,
} from '../../src/aws';
import { isSmRolloutError } from '../../src/errors';

interface SeenRequest {
  headers: Record<string, string>;
  body: unknown;
}

/** The JSON the SDK put on the wire (awsJson1_1 bodies are bytes). */
function sentJson(request: SeenRequest | undefined): unknown {
  const body = request?.body;
  return JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array));
}

/** An HTTP handler that answers from a script and records what the SDK sent. */
function scriptedHandler(answer: (attempt: number) => { status: number; body: object; errorType?: string }) {
  const seen: SeenRequest[] = [];
  return {
    seen,
    async handle(request: SeenRequest) {
      seen.push({ headers: { ...request.headers }, body: request.body });
      const { status, body, errorType } = answer(seen.length);
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
      if (errorType !== undefined) headers['x-amzn-errortype'] = errorType;
      return {
        response: new HttpResponse({ statusCode: status, headers, body: Buffer.from(JSON.stringify(body)) }),
      };
    },
  };
}

const throttled = {
  status: 400,
  errorType: 'ThrottlingException',
  body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
};
const inService = {
  status: 200,
  body: {
    EndpointName: 'prod',
    EndpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/prod',
    EndpointConfigName: 'prod-config-1',
    EndpointStatus: 'InService',
    CreationTime: 1_700_000_000,
    LastModifiedTime: 1_700_000_000,
    ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1, DesiredWeight: 1 }],
  },
};

/** Advances fake time until the call settles: retry backoff waits are timers, hours pass in milliseconds. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let step = 0; step < 300 && !settled; step += 1) await jest.advanceTimersByTimeAsync(1_000);
  return tracked;
}

describe('createAwsClients retries', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('retries throttled calls inside the SDK and returns the eventual answer', async () => {
    const handler = scriptedHandler((attempt) => (attempt <= 2 ? throttled : inService));
    const { sagemaker } = createAwsClients({ requestHandler: handler });

    const state = await settle(new SageMakerEndpointControl(sagemaker).describeEndpoint('prod'));

    expect(state).toEqual({
      endpointName: 'prod',
      status: 'InService',
      endpointConfigName: 'prod-config-1',
      variants: [{ variantName: 'AllTraffic', currentWeight: 1, desiredWeight: 1 }],
    });
    expect(handler.seen).toHaveLength(3);
    expect(handler.seen.map((request) => request.headers['amz-sdk-request'])).toEqual([
      `attempt=1; max=${DEFAULT_MAX_ATTEMPTS}`,
      `attempt=2; max=${DEFAULT_MAX_ATTEMPTS}`,
      `attempt=3; max=${DEFAULT_MAX_ATTEMPTS}`,
    ]);
    expect(handler.seen[0]?.headers['x-amz-target']).toBe('SageMaker.DescribeEndpoint');
    expect(sentJson(handler.seen[0])).toEqual({ EndpointName: 'prod' });
  });

  it('reports throttling that outlives every attempt as THROTTLED', async () => {
    const handler = scriptedHandler(() => throttled);
    const { sagemaker } = createAwsClients({ requestHandler: handler });

    const failure = await settle(new SageMakerEndpointControl(sagemaker).describeEndpoint('prod')).catch(
      (error: unknown) => error,
    );

    expect(isSmRolloutError(failure, 'THROTTLED')).toBe(true);
    expect((failure as Error).message).toBe(
      `DescribeEndpoint was throttled by AWS after ${DEFAULT_MAX_ATTEMPTS} attempts (ThrottlingException: Rate exceeded); retry later`,
    );
    expect(handler.seen).toHaveLength(DEFAULT_MAX_ATTEMPTS);
  });

  it('honours a smaller maxAttempts', async () => {
    const handler = scriptedHandler(() => throttled);
    const { sagemaker } = createAwsClients({ requestHandler: handler, maxAttempts: 2 });

    const failure = await settle(new SageMakerEndpointControl(sagemaker).describeEndpoint('prod')).catch(
      (error: unknown) => error,
    );

    expect(isSmRolloutError(failure, 'THROTTLED')).toBe(true);
    expect(handler.seen).toHaveLength(2);
  });

  it('does not retry a busy endpoint: SageMaker answers it with a ValidationException', async () => {
    const handler = scriptedHandler(() => ({
      status: 400,
      errorType: 'ValidationException',
      body: {
        __type: 'ValidationException',
        message:
          'Cannot update in-progress endpoint "arn:aws:sagemaker:eu-west-1:111122223333:endpoint/prod".',
      },
    }));
    const { sagemaker } = createAwsClients({ requestHandler: handler });

    const failure = await settle(
      new SageMakerEndpointControl(sagemaker).updateEndpoint('prod', 'prod-transition'),
    ).catch((error: unknown) => error);

    expect(isSmRolloutError(failure, 'ENDPOINT_BUSY')).toBe(true);
    expect(handler.seen).toHaveLength(1);
    expect(sentJson(handler.seen[0])).toEqual({
      EndpointName: 'prod',
      EndpointConfigName: 'prod-transition',
    });
  });

  it('reads SageMaker not-found answers off the wire as absent', async () => {
    const handler = scriptedHandler(() => ({
      status: 400,
      errorType: 'ValidationException',
      body: {
        __type: 'ValidationException',
        message: 'Could not find endpoint "arn:aws:sagemaker:eu-west-1:111122223333:endpoint/gone".',
      },
    }));
    const { sagemaker } = createAwsClients({ requestHandler: handler });

    await expect(
      settle(new SageMakerEndpointControl(sagemaker).describeEndpoint('gone')),
    ).resolves.toBeUndefined();
    expect(handler.seen).toHaveLength(1);
  });

  it('retries Application Auto Scaling throttling inside the SDK, but not a pending update of the target', async () => {
    const pending = {
      status: 400,
      errorType: 'ConcurrentUpdateException',
      body: {
        __type: 'ConcurrentUpdateException',
        message: 'You already have a pending update to an Application Auto Scaling resource.',
      },
    };
    const handler = scriptedHandler((attempt) =>
      attempt === 1 ? throttled : attempt === 2 ? { status: 200, body: {} } : pending,
    );
    const { autoscaling } = createAwsClients({ requestHandler: handler, region: 'eu-west-1' });
    const scaling = new ApplicationAutoScalingScalingControl(autoscaling);
    const target = {
      minCapacity: 2,
      maxCapacity: 12,
      suspended: {
        dynamicScalingInSuspended: false,
        dynamicScalingOutSuspended: false,
        scheduledScalingSuspended: false,
      },
    };

    await settle(scaling.registerScalableTarget('churn-prod', 'AllTraffic', target));
    const failure = await settle(scaling.registerScalableTarget('churn-prod', 'AllTraffic', target)).catch(
      (error: unknown) => error,
    );

    expect(isSmRolloutError(failure, 'ENDPOINT_BUSY')).toBe(true);
    expect(handler.seen).toHaveLength(3);
    expect(handler.seen.map((request) => request.headers['x-amz-target'])).toEqual([
      'AnyScaleFrontendService.RegisterScalableTarget',
      'AnyScaleFrontendService.RegisterScalableTarget',
      'AnyScaleFrontendService.RegisterScalableTarget',
    ]);
    expect(sentJson(handler.seen[0])).toEqual({
      ServiceNamespace: 'sagemaker',
      ResourceId: 'endpoint/churn-prod/variant/AllTraffic',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 2,
      MaxCapacity: 12,
      SuspendedState: {
        DynamicScalingInSuspended: false,
        DynamicScalingOutSuspended: false,
        ScheduledScalingSuspended: false,
      },
    });
  });

  it('builds every client in the requested region with the same retry policy', async () => {
    const { sqs, runtime, s3, ...clients } = createAwsClients({ region: 'us-east-2', maxAttempts: 4 });
    expect(Object.keys(clients).sort()).toEqual([
      'autoscaling',
      'cloudformation',
      'cloudwatch',
      'dynamodb',
      'eventbridge',
      'sagemaker',
    ]);
    for (const client of [...Object.values(clients), await sqs(), await runtime(), await s3()]) {
      await expect(client.config.region()).resolves.toBe('us-east-2');
      await expect(client.config.maxAttempts()).resolves.toBe(4);
    }
  });

  it('gives the controller Lambda every client but CloudFormation, each but DynamoDB built on first use, with the same policy', async () => {
    const { dynamodb, ...loaders } = createControllerClients({ region: 'us-east-2', maxAttempts: 4 });
    // A Scheduled Event with nothing due reads only the rollout store: DynamoDB is the one client built at once.
    expect(dynamodb.constructor.name).toBe('DynamoDBClient');
    expect(Object.keys(loaders).sort()).toEqual([
      'autoscaling',
      'cloudwatch',
      'eventbridge',
      'runtime',
      's3',
      'sagemaker',
      'sqs',
    ]);
    const { sagemaker, cloudwatch, autoscaling, eventbridge, sqs, runtime, s3 } = loaders;
    const loadAll = () =>
      Promise.all([sagemaker(), cloudwatch(), autoscaling(), eventbridge(), sqs(), runtime(), s3()]);
    const loaded = await loadAll();
    expect(loaded.map((client) => client.constructor.name)).toEqual([
      'SageMakerClient',
      'CloudWatchClient',
      'ApplicationAutoScalingClient',
      'EventBridgeClient',
      'SQSClient',
      'SageMakerRuntimeClient',
      'S3Client',
    ]);
    // Each is built once: every later call gets the same client (its credentials and connections with it).
    const again = await loadAll();
    again.forEach((client, i) => expect(client).toBe(loaded[i]));
    for (const client of [dynamodb, ...loaded]) {
      await expect(client.config.region()).resolves.toBe('us-east-2');
      await expect(client.config.maxAttempts()).resolves.toBe(4);
    }
  });

  it("sends a loaded SageMaker client's calls through the given HTTP handler, retrying throttling", async () => {
    const handler = scriptedHandler((attempt) => (attempt === 1 ? throttled : inService));
    const { sagemaker } = createControllerClients({ requestHandler: handler });

    const state = await settle(new SageMakerEndpointControl(sagemaker).describeEndpoint('prod'));

    expect(state?.status).toBe('InService');
    expect(handler.seen.map((request) => request.headers['x-amz-target'])).toEqual([
      'SageMaker.DescribeEndpoint',
      'SageMaker.DescribeEndpoint',
    ]);
  });

  it('sends DynamoDB and EventBridge calls through the given HTTP handler, retrying throttling', async () => {
    const handler = scriptedHandler((attempt) => (attempt === 1 ? throttled : { status: 200, body: {} }));
    const { dynamodb, eventbridge } = createAwsClients({ requestHandler: handler });

    await settle(dynamodb.send(new DescribeTableCommand({ TableName: 'rollouts' })));
    await settle(eventbridge.send(new PutEventsCommand({ Entries: [{ Source: 'sm-rollout' }] })));

    expect(handler.seen.map((request) => request.headers['x-amz-target'])).toEqual([
      'DynamoDB_20120810.DescribeTable',
      'DynamoDB_20120810.DescribeTable',
      'AWSEvents.PutEvents',
    ]);
    expect(sentJson(handler.seen[0])).toEqual({ TableName: 'rollouts' });
    expect(sentJson(handler.seen[2])).toEqual({ Entries: [{ Source: 'sm-rollout' }] });
  });

  it('sends CloudFormation calls (the awsQuery protocol) through the given HTTP handler, retrying throttling', async () => {
    const seen: { headers: Record<string, string>; body: unknown }[] = [];
    const handler = {
      async handle(request: { headers: Record<string, string>; body: unknown }) {
        seen.push({ headers: { ...request.headers }, body: request.body });
        const xml =
          seen.length === 1
            ? '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>'
            : '<DescribeStacksResponse><DescribeStacksResult><Stacks/></DescribeStacksResult></DescribeStacksResponse>';
        return {
          response: new HttpResponse({
            statusCode: seen.length === 1 ? 400 : 200,
            headers: { 'content-type': 'text/xml' },
            body: Buffer.from(xml),
          }),
        };
      },
    };
    const { cloudformation } = createAwsClients({ requestHandler: handler, region: 'eu-west-1' });

    const output = await settle(
      cloudformation.send(new DescribeStacksCommand({ StackName: 'SmRolloutStack' })),
    );

    expect(output.Stacks ?? []).toEqual([]);
    expect(seen).toHaveLength(2);
    const body = seen[1]!.body;
    expect(typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array)).toContain(
      'Action=DescribeStacks',
    );
  });
});
