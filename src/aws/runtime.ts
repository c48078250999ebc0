// EndpointInvoker over SageMaker Runtime: InvokeEndpoint aimed at one variant (TargetVariant) or one
// inference component (InferenceComponentName), timed end to end. The model's own 4xx/5xx (SageMaker's
// ModelError) is an answer with the model's status; throttling and a model not ready yet are retryable;
// every other refusal names AWS's error. The SageMaker Runtime SDK package is imported on the first call
// (the client may be a loader, see client-source.ts): only a pre-traffic check invokes endpoints.

import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { EndpointInvoker } from '../engine/ports';
import { SmRolloutError } from '../errors';
import { toSmRolloutError } from './classify-error';
import { clientOf, type ClientSource } from './client-source';

function isAbort(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'AbortError' || name === 'TimeoutError';
}

type InvokeRequest = Parameters<EndpointInvoker['invokeEndpoint']>[0];
type InvokeAnswer = Awaited<ReturnType<EndpointInvoker['invokeEndpoint']>>;

/** A monotonic reading in milliseconds: how the adapter times a request (not the rollout's clock). */
const monotonicMs = () => performance.now();

export class SageMakerRuntimeInvoker implements EndpointInvoker {
  constructor(
    private readonly client: ClientSource<SageMakerRuntimeClient>,
    private readonly elapsedClock: () => number = monotonicMs,
  ) {}

  async invokeEndpoint(request: InvokeRequest): Promise<InvokeAnswer> {
    const [client, { InvokeEndpointCommand, ModelError }] = await Promise.all([
      clientOf(this.client),
      import('./lazy-sagemaker-runtime.js'),
    ]);
    const started = this.elapsedClock();
    const latency = () => this.elapsedClock() - started;
    try {
      const out = await client.send(
        new InvokeEndpointCommand({
          EndpointName: request.endpointName,
          TargetVariant: request.targetVariant,
          ...(request.inferenceComponentName === undefined
            ? {}
            : { InferenceComponentName: request.inferenceComponentName }),
          Body: new TextEncoder().encode(request.body),
          ContentType: request.contentType,
          ...(request.accept === undefined ? {} : { Accept: request.accept }),
        }),
        request.timeoutMs === undefined ? {} : { abortSignal: AbortSignal.timeout(request.timeoutMs) },
      );
      return {
        statusCode: 200,
        body: out.Body === undefined ? '' : new TextDecoder().decode(out.Body),
        ...(out.InvokedProductionVariant ? { invokedVariant: out.InvokedProductionVariant } : {}),
        latencyMs: latency(),
      };
    } catch (error) {
      // ModelError (HTTP 424): "Model (owned by the customer in the container) returned 4xx or 5xx error
      // code" (InvokeEndpoint API reference, Errors), with the container's OriginalStatusCode and
      // OriginalMessage: the request reached the model and this is its answer.
      if (error instanceof ModelError) {
        return {
          statusCode: error.OriginalStatusCode ?? 424,
          body: error.OriginalMessage ?? error.message,
          latencyMs: latency(),
        };
      }
      // The wait the caller allowed ran out (AbortSignal.timeout aborts with a TimeoutError).
      if (request.timeoutMs !== undefined && isAbort(error)) {
        throw new SmRolloutError(
          'AWS_ERROR',
          `InvokeEndpoint got no answer within ${request.timeoutMs} ms (maxLatency); the request was cancelled`,
          { cause: error },
        );
      }
      // ModelNotReadyException is HTTP 429 ("Wait and try your request again"), so it is read as
      // throttling and retried like it; ValidationError (a variant or endpoint that cannot answer),
      // InternalFailure, ServiceUnavailable (after the SDK's own retries) are not retryable here.
      throw toSmRolloutError('InvokeEndpoint', error);
    }
  }
}
