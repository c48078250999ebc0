// Simulated SageMaker Runtime and S3 as the pre-traffic check meets them: InvokeEndpoint with
// TargetVariant served from that variant's model (a ModelError when it fails, latency from its
// behaviour), AWS's ValidationError for a variant or endpoint that cannot answer, throttling, the
// invocation counted in the variant's metrics, and S3 objects read back (NoSuchKey as missing).
import { restoreSimCloud } from '../../src/sim';
import {
  BASELINE_VARIANT,
  CANDIDATE_VARIANT,
  ENDPOINT,
  MINUTE,
  createTransitionConfig,
  deployTransition,
  rejectionOf,
  sceneWithEndpoint,
} from './scene';

const request = (targetVariant = CANDIDATE_VARIANT) => ({
  endpointName: ENDPOINT,
  targetVariant,
  body: '{"features":[1,2,3]}',
  contentType: 'application/json',
});

describe('simulated InvokeEndpoint with TargetVariant', () => {
  it('a healthy candidate at weight 0 answers 200 from its own variant, about as fast as its model', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 0, latencyMs: 120 } });
    await deployTransition(scene);
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await scene.cloud.runtime.invokeEndpoint(request()));
    expect(answers.every((a) => a.statusCode === 200 && a.invokedVariant === CANDIDATE_VARIANT)).toBe(true);
    const mean = answers.reduce((sum, a) => sum + a.latencyMs, 0) / answers.length;
    expect(mean).toBeGreaterThan(90);
    expect(mean).toBeLessThan(160);
  });

  it('a model failing every request answers with its own status 500 (SageMaker ModelError)', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 1, latencyMs: 40 } });
    await deployTransition(scene);
    const answer = await scene.cloud.runtime.invokeEndpoint(request());
    expect(answer).toMatchObject({ statusCode: 500, body: 'Internal Server Error' });
    const call = scene.cloud.calls.at(-1)!;
    expect(call).toMatchObject({
      operation: 'InvokeEndpoint',
      outcome: 'ModelError 500',
      input: { EndpointName: ENDPOINT, TargetVariant: CANDIDATE_VARIANT, ContentType: 'application/json' },
    });
    // The body is the team's data, not part of the call log.
    expect(call.input.Body).toBe('(20 bytes)');
  });

  it('a caller that gives up at its timeout gets no answer, though the model still served it', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 0, latencyMs: 3_000 } });
    await deployTransition(scene);
    const from = scene.cloud.clock.now();
    const error = await rejectionOf(scene.cloud.runtime.invokeEndpoint({ ...request(), timeoutMs: 500 }));
    expect(error.message).toBe(
      'InvokeEndpoint got no answer within 500 ms (maxLatency); the request was cancelled',
    );
    expect(scene.cloud.calls.at(-1)?.outcome).toBe('cancelled');
    scene.cloud.clock.advanceBy(2 * MINUTE);
    const served = scene.cloud.metricData(
      ENDPOINT,
      CANDIDATE_VARIANT,
      'Invocations',
      from - MINUTE,
      from + MINUTE,
    );
    expect(served.reduce((n, p) => n + p.sum, 0)).toBe(1);
  });

  it('the baseline variant still answers from the baseline model', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 1, latencyMs: 40 } });
    await deployTransition(scene);
    expect((await scene.cloud.runtime.invokeEndpoint(request(BASELINE_VARIANT))).statusCode).toBe(200);
  });

  it('a TargetVariant the live config does not have is a ValidationError (also while the update is deploying it)', async () => {
    const scene = sceneWithEndpoint();
    const config = await createTransitionConfig(scene);
    await scene.cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    // Updating: the endpoint still serves, from the old config, which has no candidate variant.
    expect(scene.cloud.endpoint(ENDPOINT)!.status).toBe('Updating');
    const error = await rejectionOf(scene.cloud.runtime.invokeEndpoint(request()));
    expect(error.code).toBe('AWS_ERROR');
    expect(error.message).toMatch(
      /^InvokeEndpoint failed: ValidationError: Variant candidate is not a production variant/,
    );
    expect((await scene.cloud.runtime.invokeEndpoint(request(BASELINE_VARIANT))).statusCode).toBe(200);
  });

  it('an endpoint that does not exist, or is being deleted, is a ValidationError', async () => {
    const scene = sceneWithEndpoint();
    const missing = await rejectionOf(
      scene.cloud.runtime.invokeEndpoint({ ...request(BASELINE_VARIANT), endpointName: 'nope' }),
    );
    expect(missing.message).toBe(
      'InvokeEndpoint failed: ValidationError: Endpoint nope of account 123456789012 not found.',
    );
    scene.cloud.deleteEndpoint(ENDPOINT);
    const deleting = await rejectionOf(scene.cloud.runtime.invokeEndpoint(request(BASELINE_VARIANT)));
    expect(deleting.message).toMatch(/is Deleting, not in service/);
  });

  it('throttling is the retryable THROTTLED the AWS adapter reports', async () => {
    const scene = sceneWithEndpoint();
    await deployTransition(scene);
    scene.cloud.injectFault({ kind: 'throttle', operations: ['InvokeEndpoint'], count: 1 });
    const error = await rejectionOf(scene.cloud.runtime.invokeEndpoint(request()));
    expect(error.code).toBe('THROTTLED');
    expect((await scene.cloud.runtime.invokeEndpoint(request())).statusCode).toBe(200);
  });

  it("counts each request in that variant's invocation metrics, and only there", async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 1, latencyMs: 40 } });
    await deployTransition(scene);
    const from = scene.cloud.clock.now();
    for (let i = 0; i < 3; i++) await scene.cloud.runtime.invokeEndpoint(request());
    scene.cloud.clock.advanceBy(2 * MINUTE);
    const sum = (variant: string, metric: string) =>
      scene.cloud
        .metricData(ENDPOINT, variant, metric, from - MINUTE, from + 2 * MINUTE)
        .reduce((n, p) => n + p.sum, 0);
    expect(sum(CANDIDATE_VARIANT, 'Invocations')).toBe(3);
    expect(sum(CANDIDATE_VARIANT, 'Invocation5XXErrors')).toBe(3);
    expect(
      scene.cloud.metricData(ENDPOINT, CANDIDATE_VARIANT, 'ModelLatency', from - MINUTE, from + 2 * MINUTE),
    ).not.toEqual([]);
    // The baseline's Invocations are its own customer traffic (600 a minute, all of it at weight 0), not these.
    const baseline = scene.cloud.metricData(
      ENDPOINT,
      BASELINE_VARIANT,
      'Invocations',
      from - MINUTE,
      from + 2 * MINUTE,
    );
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline.every((p) => p.sum === 600)).toBe(true);
  });
});

describe('simulated S3', () => {
  it('reads back what was put, a missing key as undefined (NoSuchKey), and keeps objects across a restore', async () => {
    const scene = sceneWithEndpoint();
    scene.cloud.putObject('ml-samples', 'fraud/pre-traffic.jsonl', '{"a":1}\n{"a":2}\n');
    expect(await scene.cloud.s3.getText('ml-samples', 'fraud/pre-traffic.jsonl')).toBe('{"a":1}\n{"a":2}\n');
    expect(await scene.cloud.s3.getText('ml-samples', 'fraud/other.jsonl')).toBeUndefined();
    expect(scene.cloud.calls.map((c) => `${c.operation} ${c.outcome}`)).toEqual([
      'GetObject found',
      'GetObject not found',
    ]);
    const restored = restoreSimCloud(JSON.parse(JSON.stringify(scene.cloud.exportState())));
    expect(await restored.s3.getText('ml-samples', 'fraud/pre-traffic.jsonl')).toBe('{"a":1}\n{"a":2}\n');
  });

  it('a restored cloud draws the same invocations as the original', async () => {
    const scene = sceneWithEndpoint({ candidate: { errorRate: 0.5, latencyMs: 40 } });
    await deployTransition(scene);
    await scene.cloud.runtime.invokeEndpoint(request());
    const restored = restoreSimCloud(JSON.parse(JSON.stringify(scene.cloud.exportState())));
    const next = async (cloud: typeof restored) => {
      const out = [];
      for (let i = 0; i < 10; i++) out.push(await cloud.runtime.invokeEndpoint(request()));
      return out.map((a) => [a.statusCode, a.latencyMs]);
    };
    expect(await next(restored)).toEqual(await next(scene.cloud));
  });
});
