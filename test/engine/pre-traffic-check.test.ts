// The pre-traffic check over its ports: what a person reads per failed sample request (status,
// message, latency against the bound), retryable errors handed back for the machine to retry,
// sample requests read from S3 (JSON Lines), refusals naming preTrafficCheck.requests and the URI,
// and the start request carrying the check.
import { SmRolloutError } from '../../src/errors';
import {
  loadSampleRequests,
  runPreTrafficCheck,
  writtenPreTrafficCheck,
} from '../../src/engine/pre-traffic-check';
import type { EndpointInvoker, ObjectReader } from '../../src/engine/ports';
import { mergeStartRequest, validateStartRequest } from '../../src/engine/start-request';
import type { PreTrafficCheckSpec } from '../../statemachines/contract';

type Answer = Awaited<ReturnType<EndpointInvoker['invokeEndpoint']>>;

/** An invoker answering from a script, by request index; records what it was sent. */
function scriptedInvoker(answers: Array<Answer | Error>) {
  const sent: Parameters<EndpointInvoker['invokeEndpoint']>[0][] = [];
  const invoker: EndpointInvoker = {
    invokeEndpoint: async (request) => {
      sent.push(request);
      const answer = answers[sent.length - 1] ?? { statusCode: 200, body: '{}', latencyMs: 10 };
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { invoker, sent };
}

function objectsWith(files: Record<string, string>): ObjectReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    getText: async (bucket, key) => {
      reads.push(`${bucket}/${key}`);
      return files[`${bucket}/${key}`];
    },
  };
}

const BODIES = ['{"a":1}', '{"a":2}', '{"a":3}', '{"a":4}'];
const INLINE: PreTrafficCheckSpec = {
  requests: { inline: BODIES },
  contentType: 'application/json',
  accept: 'application/json',
  maxLatencyMs: 2_000,
};

const run = (spec: PreTrafficCheckSpec, invoker: EndpointInvoker, objects?: ObjectReader) =>
  runPreTrafficCheck({
    spec,
    endpointName: 'churn-prod',
    candidateVariant: 'candidate-r-1',
    invoker,
    objects,
  });

describe('running the check', () => {
  it('sends every sample to the candidate variant alone and passes when all answer 2xx in time', async () => {
    const { invoker, sent } = scriptedInvoker([
      { statusCode: 200, body: '{}', latencyMs: 120 },
      { statusCode: 200, body: '{}', latencyMs: 1_999 },
    ]);
    await expect(run(INLINE, invoker)).resolves.toEqual({ sent: 4, failures: [], maxLatencyMs: 1_999 });
    expect(sent).toEqual(
      BODIES.map((body) => ({
        endpointName: 'churn-prod',
        targetVariant: 'candidate-r-1',
        body,
        contentType: 'application/json',
        accept: 'application/json',
        timeoutMs: 2_000,
      })),
    );
  });

  it('says per request what failed: the status and message, or the latency against the bound', async () => {
    const { invoker } = scriptedInvoker([
      { statusCode: 500, body: 'Internal Server Error\n  at predict()', latencyMs: 41.4 },
      { statusCode: 200, body: '{}', latencyMs: 2_600 },
      new SmRolloutError(
        'AWS_ERROR',
        'InvokeEndpoint failed: ValidationError: Endpoint churn-prod of account 1 not found.',
      ),
      { statusCode: 400, body: '', latencyMs: 3 },
    ]);
    await expect(run(INLINE, invoker)).resolves.toEqual({
      sent: 4,
      maxLatencyMs: 2_600,
      failures: [
        { index: 0, reason: 'the model answered status 500 in 41 ms: Internal Server Error at predict()' },
        { index: 1, reason: 'status 200 in 2600 ms, over the 2s bound (maxLatency)' },
        {
          index: 2,
          reason: 'InvokeEndpoint failed: ValidationError: Endpoint churn-prod of account 1 not found.',
        },
        { index: 3, reason: 'the model answered status 400 in 3 ms: (empty body)' },
      ],
    });
  });

  it('hands a retryable error back (the machine sends the whole check again) instead of failing it', async () => {
    const { invoker } = scriptedInvoker([
      { statusCode: 200, body: '{}', latencyMs: 5 },
      new SmRolloutError(
        'THROTTLED',
        'InvokeEndpoint was throttled by AWS (ThrottlingException: Rate exceeded)',
      ),
    ]);
    await expect(run(INLINE, invoker)).rejects.toMatchObject({ code: 'THROTTLED', retryable: true });
  });
});

describe('sample requests in S3', () => {
  const spec: PreTrafficCheckSpec = { ...INLINE, requests: { s3Uri: 's3://ml-samples/churn/pre.jsonl' } };

  it('are the non-blank lines of the object (JSON Lines)', async () => {
    const objects = objectsWith({ 'ml-samples/churn/pre.jsonl': '{"a":1}\r\n\n{"a":2}\n   \n{"a":3}' });
    await expect(loadSampleRequests(spec, objects)).resolves.toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
    expect(objects.reads).toEqual(['ml-samples/churn/pre.jsonl']);
    const { invoker, sent } = scriptedInvoker([]);
    await expect(run(spec, invoker, objects)).resolves.toMatchObject({ sent: 3, failures: [] });
    expect(sent.map((r) => r.body)).toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
  });

  it.each([
    [
      'a missing',
      {},
      'does not exist; upload the sample requests there (JSON Lines, one body per line) or fix the URI',
    ],
    [
      'an empty',
      { 'ml-samples/churn/pre.jsonl': '\n\n' },
      'is empty; put one request body per line (JSON Lines) in it',
    ],
    [
      'an oversized',
      { 'ml-samples/churn/pre.jsonl': '{}\n'.repeat(101) },
      'has 101 lines; keep at most 100 sample requests in it',
    ],
  ])('%s file is refused, naming preTrafficCheck.requests and the URI', async (_label, files, why) => {
    await expect(loadSampleRequests(spec, objectsWith(files))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'preTrafficCheck.requests',
      message: `preTrafficCheck.requests: s3://ml-samples/churn/pre.jsonl ${why}`,
    });
  });

  it("more lines than fit in the check's 2m30s at the bound are refused", async () => {
    const slow = { ...spec, maxLatencyMs: 30_000 };
    await expect(
      loadSampleRequests(slow, objectsWith({ 'ml-samples/churn/pre.jsonl': '{}\n'.repeat(11) })),
    ).rejects.toMatchObject({
      message:
        "preTrafficCheck.requests: s3://ml-samples/churn/pre.jsonl has 11 requests × maxLatency 30s could take 5m30s, more than the check's 2m30s; send at most 5 requests at this bound, or lower maxLatency",
    });
  });

  it('an object the controller may not read says both things AccessDenied can mean', async () => {
    const objects: ObjectReader = {
      getText: async () => {
        throw new SmRolloutError('AWS_ERROR', 'GetObject failed: AccessDenied: Access Denied');
      },
    };
    await expect(loadSampleRequests(spec, objects)).rejects.toMatchObject({
      field: 'preTrafficCheck.requests',
      message: expect.stringMatching(/it may not exist .* or the controller's role may not s3:GetObject it/),
    });
  });

  it('throttling while reading stays retryable', async () => {
    const objects: ObjectReader = {
      getText: async () => {
        throw new SmRolloutError('THROTTLED', 'GetObject was throttled by AWS; retry later');
      },
    };
    await expect(loadSampleRequests(spec, objects)).rejects.toMatchObject({ code: 'THROTTLED' });
  });

  it('a host without S3 access refuses, suggesting inline bodies', async () => {
    await expect(loadSampleRequests(spec, undefined)).rejects.toMatchObject({
      message: expect.stringContaining('this host has no S3 access; list the bodies inline instead'),
    });
  });
});

describe('the start request', () => {
  const base = {
    endpointName: 'churn-prod',
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7',
    executionRoleArn: 'arn:aws:iam::111122223333:role/sagemaker-exec',
    candidateAlarms: [],
    alarms: ['churn-5xx'],
  };

  it('carries the check as the machine takes it, and a merge keeps or replaces it', () => {
    const written = { requests: ['{"a":1}'], contentType: 'text/csv', maxLatency: '1s500ms' };
    const valid = validateStartRequest({ ...base, preTrafficCheck: written });
    expect(valid.preTrafficCheck).toEqual({
      requests: { inline: ['{"a":1}'] },
      contentType: 'text/csv',
      maxLatencyMs: 1_500,
    });
    expect(writtenPreTrafficCheck(valid.preTrafficCheck!)).toEqual(written);
    expect(mergeStartRequest(valid, { requestedBy: 'alice' }).preTrafficCheck).toEqual(valid.preTrafficCheck);
    expect(
      mergeStartRequest(valid, { preTrafficCheck: { ...written, requests: 's3://b-1/k' } }).preTrafficCheck,
    ).toMatchObject({ requests: { s3Uri: 's3://b-1/k' } });
  });

  it('refuses a bad check naming its field', () => {
    expect(() =>
      validateStartRequest({
        ...base,
        preTrafficCheck: { requests: [], contentType: 'application/json', maxLatency: '2s' },
      }),
    ).toThrow(
      expect.objectContaining({
        field: 'preTrafficCheck.requests',
        message: 'preTrafficCheck.requests: is an empty list; give at least one sample request body',
      }),
    );
  });
});
