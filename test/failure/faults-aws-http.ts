// Fake AWS HTTP APIs for real SDK clients: only the wire is fake, so the SDK's protocol parsing, error
// classification and its own retry loop (with backoff timers) all run. `settle` advances jest's fake
// timers while a promise is pending, so minutes of SDK backoff pass in milliseconds.
import { HttpResponse } from '@smithy/core/protocols';
import type { SimCloud } from '../../src/sim';

export interface SeenRequest {
  target: string;
  attempt: string;
  body: Record<string, unknown>;
  answered: 'ok' | 'throttled' | 'error';
}

function json(status: number, body: object, errorType?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (errorType !== undefined) headers['x-amzn-errortype'] = errorType;
  return {
    response: new HttpResponse({ statusCode: status, headers, body: Buffer.from(JSON.stringify(body)) }),
  };
}

function bodyOf(request: { body?: unknown }): Record<string, unknown> {
  const body = request.body;
  if (body === undefined) return {};
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * SageMaker's DescribeEndpoint over the wire, answered from the simulated cloud (through its port, so
 * the call is in sim.calls too). `throttleNext` requests are answered with ThrottlingException first.
 */
export function fakeSageMakerApi(sim: SimCloud) {
  const api = {
    seen: [] as SeenRequest[],
    throttleNext: 0,
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const target = request.headers['x-amz-target'] ?? '';
      const body = bodyOf(request);
      const seen: SeenRequest = {
        target,
        attempt: request.headers['amz-sdk-request'] ?? '',
        body,
        answered: 'ok',
      };
      api.seen.push(seen);
      if (api.throttleNext > 0) {
        api.throttleNext -= 1;
        seen.answered = 'throttled';
        return json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
      }
      if (target !== 'SageMaker.DescribeEndpoint') {
        seen.answered = 'error';
        return json(
          400,
          { __type: 'UnknownOperationException', message: target },
          'UnknownOperationException',
        );
      }
      const name = String(body.EndpointName);
      const state = await sim.sagemaker.describeEndpoint(name);
      if (!state) {
        seen.answered = 'error';
        return json(
          400,
          {
            __type: 'ValidationException',
            message: `Could not find endpoint "arn:aws:sagemaker:${sim.region}:${sim.accountId}:endpoint/${name}".`,
          },
          'ValidationException',
        );
      }
      return json(200, {
        EndpointName: state.endpointName,
        EndpointArn: `arn:aws:sagemaker:${sim.region}:${sim.accountId}:endpoint/${state.endpointName}`,
        EndpointConfigName: state.endpointConfigName,
        EndpointStatus: state.status,
        ...(state.failureReason ? { FailureReason: state.failureReason } : {}),
        CreationTime: 1_700_000_000,
        LastModifiedTime: 1_700_000_000,
        ProductionVariants: state.variants.map((v) => ({
          VariantName: v.variantName,
          ...(v.currentWeight === undefined ? {} : { CurrentWeight: v.currentWeight }),
          ...(v.desiredWeight === undefined ? {} : { DesiredWeight: v.desiredWeight }),
          ...(v.currentInstanceCount === undefined ? {} : { CurrentInstanceCount: v.currentInstanceCount }),
          ...(v.desiredInstanceCount === undefined ? {} : { DesiredInstanceCount: v.desiredInstanceCount }),
        })),
      });
    },
  };
  return api;
}

/** EventBridge PutEvents over the wire: `refuse(entryIndex, call)` says which entries fail. */
export function fakeEventBridgeApi(refuse: (call: number) => boolean) {
  const api = {
    calls: [] as { entries: Record<string, unknown>[] }[],
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const entries = (bodyOf(request).Entries ?? []) as Record<string, unknown>[];
      api.calls.push({ entries });
      const failing = refuse(api.calls.length);
      return json(200, {
        FailedEntryCount: failing ? entries.length : 0,
        Entries: entries.map((_, i) =>
          failing
            ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error' }
            : { EventId: `event-${api.calls.length}-${i}` },
        ),
      });
    },
  };
  return api;
}

/** Runs `promise` to completion while advancing fake timers (SDK retry backoff) in 1 s steps. */
export async function settle<T>(promise: Promise<T>, maxSteps = 20_000): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let step = 0; step < maxSteps && !settled; step += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!settled) await jest.advanceTimersByTimeAsync(1_000);
  }
  return tracked;
}
