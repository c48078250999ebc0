// SageMakerRuntimeInvoker and S3ObjectReader: the exact InvokeEndpoint and GetObject requests, how a
// model's own error (ModelError), throttling, a model not ready and a refused request come back, and
// how an object that does not exist reads.

import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import {
  InvokeEndpointCommand,
  ModelError,
  ModelNotReadyException,
  SageMakerRuntimeClient,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3ObjectReader, SageMakerRuntimeInvoker } from '../../src/aws';
import { isSmRolloutError } from '../../src/errors';

const runtime = mockClient(SageMakerRuntimeClient);
const s3 = mockClient(S3Client);

/** A clock the test moves: each reading is 35 ms after the one before. */
function steppingClock(stepMs = 35): () => number {
  let t = 1_000;
  return () => (t += stepMs) - stepMs;
}

const invoker = () => new SageMakerRuntimeInvoker(new SageMakerRuntimeClient({}), steppingClock());
const REQUEST = {
  endpointName: 'churn-prod',
  targetVariant: 'candidate-r-0001',
  body: '{"tenure": 3}',
  contentType: 'application/json',
};
const meta = { $metadata: {} };

beforeEach(() => {
  runtime.reset();
  s3.reset();
});

describe('SageMakerRuntimeInvoker', () => {
  it('sends InvokeEndpoint to the target variant with the body, content type and accept', async () => {
    runtime.on(InvokeEndpointCommand).resolves({
      Body: new TextEncoder().encode('{"churn": 0.12}') as never,
      ContentType: 'application/json',
      InvokedProductionVariant: 'candidate-r-0001',
      ...meta,
    });
    const answer = await invoker().invokeEndpoint({ ...REQUEST, accept: 'application/json' });
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 1);
    const input = runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input;
    expect({ ...input, Body: new TextDecoder().decode(input.Body as Uint8Array) }).toEqual({
      EndpointName: 'churn-prod',
      TargetVariant: 'candidate-r-0001',
      Body: '{"tenure": 3}',
      ContentType: 'application/json',
      Accept: 'application/json',
    });
    expect(answer).toEqual({
      statusCode: 200,
      body: '{"churn": 0.12}',
      invokedVariant: 'candidate-r-0001',
      latencyMs: 35,
    });
  });

  it('names the inference component to invoke when one is given (InferenceComponentName)', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: new Uint8Array() as never, ...meta });
    await invoker().invokeEndpoint({
      ...REQUEST,
      targetVariant: 'AllTraffic',
      inferenceComponentName: 'chat',
    });
    const input = runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input;
    expect({ ...input, Body: new TextDecoder().decode(input.Body as Uint8Array) }).toEqual({
      EndpointName: 'churn-prod',
      TargetVariant: 'AllTraffic',
      InferenceComponentName: 'chat',
      Body: '{"tenure": 3}',
      ContentType: 'application/json',
    });
  });

  it('sends no Accept when none is given', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: new Uint8Array() as never, ...meta });
    await invoker().invokeEndpoint(REQUEST);
    expect(runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input).not.toHaveProperty('Accept');
  });

  it('gives up at the timeout it is given, saying how long it waited', async () => {
    runtime
      .on(InvokeEndpointCommand)
      .rejects(
        Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      );
    await expect(invoker().invokeEndpoint({ ...REQUEST, timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: 'InvokeEndpoint got no answer within 2000 ms (maxLatency); the request was cancelled',
    });
    // The SDK's send(command, options): the mock records both, its types only the command.
    const args = runtime.commandCalls(InvokeEndpointCommand)[0]!.args as unknown[];
    const options = args[1] as { abortSignal?: AbortSignal };
    expect(options.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it("returns a ModelError as the model's own status and message", async () => {
    runtime.on(InvokeEndpointCommand).rejects(
      new ModelError({
        message:
          'Received server error (500) from primary with message "boom". See https://... for more information.',
        OriginalStatusCode: 500,
        OriginalMessage: 'boom',
        LogStreamArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/Endpoints/churn-prod',
        $metadata: { httpStatusCode: 424 },
      }),
    );
    await expect(invoker().invokeEndpoint(REQUEST)).resolves.toEqual({
      statusCode: 500,
      body: 'boom',
      latencyMs: 35,
    });
  });

  it('reports throttling and a model not ready yet as retryable THROTTLED', async () => {
    for (const error of [
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }),
      new ModelNotReadyException({
        message: 'Model is still loading',
        $metadata: { httpStatusCode: 429 },
      }),
    ]) {
      runtime.reset();
      runtime.on(InvokeEndpointCommand).rejects(error);
      const thrown = await invoker()
        .invokeEndpoint(REQUEST)
        .catch((e: unknown) => e);
      expect(isSmRolloutError(thrown, 'THROTTLED')).toBe(true);
      expect((thrown as { retryable: boolean }).retryable).toBe(true);
    }
  });

  it("reports a ValidationError (a variant the endpoint does not have) with AWS's name and message", async () => {
    runtime.on(InvokeEndpointCommand).rejects(
      new ValidationError({
        message: 'Endpoint churn-prod of account 111122223333 not found.',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const thrown = await invoker()
      .invokeEndpoint(REQUEST)
      .catch((e: unknown) => e);
    expect(thrown).toMatchObject({
      code: 'AWS_ERROR',
      retryable: false,
      message:
        'InvokeEndpoint failed: ValidationError: Endpoint churn-prod of account 111122223333 not found.',
    });
  });
});

/** GetObject's Body as the SDK hands it over: a stream with transformToString (UTF-8 by default). */
function bodyOf(text: string) {
  const bytes = Buffer.from(text, 'utf8');
  return {
    transformToString: async (encoding = 'utf-8') => new TextDecoder(encoding).decode(bytes),
  } as never;
}

describe('S3ObjectReader', () => {
  const reader = () => new S3ObjectReader(new S3Client({}));

  it('gets the object by bucket and key and reads it as UTF-8 text', async () => {
    s3.on(GetObjectCommand).resolves({ Body: bodyOf('{"a": "é"}\n{"a": 2}\n'), ...meta });
    await expect(reader().getText('ml-samples', 'churn/pre-traffic.jsonl')).resolves.toBe(
      '{"a": "é"}\n{"a": 2}\n',
    );
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'ml-samples',
      Key: 'churn/pre-traffic.jsonl',
    });
  });

  it('reads a missing key (NoSuchKey) as undefined', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }),
    );
    await expect(reader().getText('ml-samples', 'nope.jsonl')).resolves.toBeUndefined();
  });

  it('reports AccessDenied as an error naming GetObject and AWS', async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        message: 'Access Denied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(reader().getText('ml-samples', 'secret.jsonl')).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: 'GetObject failed: AccessDenied: Access Denied',
    });
  });
});
