// The pre-traffic check through the controller on the simulated cloud: before the first shift the
// candidate variant alone gets the policy's sample requests (InvokeEndpoint with TargetVariant). A
// model that fails them is rolled back with no customer request on it; a healthy one goes on; sample
// requests kept in S3 work; a sample file that is missing is refused at start with nothing created.
import { isSmRolloutError } from '../../src/errors';
import {
  ENDPOINT,
  MUTATING_CALL,
  expectBackOnOriginal,
  expectNothingLeaked,
  expectTrafficAlwaysServed,
  startScenario,
} from './harness';

const SAMPLES = [
  '{"tenure": 3, "plan": "basic"}',
  '{"tenure": 40, "plan": "pro"}',
  '{"tenure": 12, "plan": "pro"}',
];
const CHECK = { requests: SAMPLES, contentType: 'application/json', maxLatency: '2s' };

/** What the candidate variant counted in CloudWatch over the whole rollout. */
function invocationsOf(
  s: Awaited<ReturnType<typeof startScenario>>,
  variant: string,
  metric = 'Invocations',
) {
  const from = s.started.record.createdAt - 60_000;
  return s.env.sim
    .metricData(ENDPOINT, variant, metric, from, s.env.sim.clock.now() + 60_000)
    .reduce((n, p) => n + p.sum, 0);
}

/** The most traffic the candidate variant was ever given. */
function candidatePeakWeight(s: Awaited<ReturnType<typeof startScenario>>, variant: string): number {
  const weights = s.env.sim.servingHistory
    .filter((c) => c.endpointName === ENDPOINT)
    .flatMap((c) => c.variants.filter((v) => v.variantName === variant).map((v) => v.weight));
  return Math.max(0, ...weights);
}

describe('the pre-traffic check on the simulated cloud', () => {
  it('rolls back a model that fails every request before any customer request reaches it', async () => {
    const s = await startScenario({ preTrafficCheck: CHECK }, { candidate: { errorRate: 1, latencyMs: 40 } });
    const variant = s.started.record.input.names.candidateVariant;
    const end = await s.run();
    expect(end.view.status).toBe('rolledBack');
    expect(end.record.reason).toMatch(
      /^the pre-traffic check failed: 3 of 3 sample requests to the candidate failed/,
    );
    // Only the three sample requests ever reached the candidate; its weight never left 0.
    expect(invocationsOf(s, variant)).toBe(3);
    expect(invocationsOf(s, variant, 'Invocation5XXErrors')).toBe(3);
    expect(candidatePeakWeight(s, variant)).toBe(0);
    expect(s.env.sim.calls.filter((c) => c.operation === 'UpdateEndpointWeightsAndCapacities')).toEqual([]);
    const invokes = s.env.sim.calls.filter((c) => c.operation === 'InvokeEndpoint');
    expect(invokes.map((c) => [c.input.TargetVariant, c.outcome])).toEqual([
      [variant, 'ModelError 500'],
      [variant, 'ModelError 500'],
      [variant, 'ModelError 500'],
    ]);
    const timeline = await s.timeline();
    const checked = timeline.find((e) => e.kind === 'preTrafficChecked')!;
    expect(checked.message).toMatch(
      new RegExp(
        `^Pre-traffic check failed: 3 of 3 sample requests to candidate variant ${variant} failed \\(bound 2s\\), and no customer request reached it — #1: the model answered status 500 in \\d+ ms: Internal Server Error`,
      ),
    );
    // The stored entry keeps the fact itself, for `report`.
    expect(checked.detail?.fact).toMatchObject({
      kind: 'preTrafficChecked',
      passed: false,
      result: { sent: 3 },
    });
    expectBackOnOriginal(s.env);
    expectNothingLeaked(s.env);
    expectTrafficAlwaysServed(s.env);
  });

  it('lets a healthy model pass and go on to take traffic', async () => {
    const s = await startScenario({ preTrafficCheck: CHECK });
    const variant = s.started.record.input.names.candidateVariant;
    const end = await s.run();
    expect(end.view.status).toBe('succeeded');
    const timeline = await s.timeline();
    const kinds = timeline.map((e) => e.kind);
    expect(kinds.indexOf('preTrafficChecked')).toBeGreaterThan(kinds.indexOf('transitionLive'));
    expect(kinds.indexOf('preTrafficChecked')).toBeLessThan(kinds.indexOf('shifted'));
    expect(timeline.find((e) => e.kind === 'preTrafficChecked')!.message).toMatch(
      new RegExp(
        `^Pre-traffic check passed: 3 sample requests to candidate variant ${variant} all answered 2xx within 2s`,
      ),
    );
    expectTrafficAlwaysServed(s.env);
  });

  it('rolls back a model slower than the bound, saying how slow', async () => {
    const s = await startScenario(
      { preTrafficCheck: { ...CHECK, maxLatency: '500ms' } },
      { candidate: { errorRate: 0, latencyMs: 3_000 } },
    );
    const end = await s.run();
    expect(end.view.status).toBe('rolledBack');
    const checked = (await s.timeline()).find((e) => e.kind === 'preTrafficChecked')!;
    // The controller stops waiting at the bound, as the AWS adapter's abort signal does.
    expect(checked.message).toMatch(
      /#1: InvokeEndpoint got no answer within 500 ms \(maxLatency\); the request was cancelled/,
    );
    expect(s.env.sim.calls.filter((c) => c.operation === 'InvokeEndpoint').map((c) => c.outcome)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });

  it('reads the sample requests from an S3 object (JSON Lines)', async () => {
    const s = await startScenario(
      { preTrafficCheck: { ...CHECK, requests: 's3://ml-samples/churn/pre-traffic.jsonl' } },
      {
        before: (env) =>
          env.sim.putObject(
            'ml-samples',
            'churn/pre-traffic.jsonl',
            `${SAMPLES.join('\n')}\n\n${SAMPLES[0]}\n`,
          ),
      },
    );
    const variant = s.started.record.input.names.candidateVariant;
    const end = await s.run();
    expect(end.view.status).toBe('succeeded');
    // Read at start (preflight) and again when the check runs.
    expect(s.env.sim.calls.filter((c) => c.operation === 'GetObject').map((c) => c.outcome)).toEqual([
      'found',
      'found',
    ]);
    const invokes = s.env.sim.calls.filter((c) => c.operation === 'InvokeEndpoint');
    expect(invokes).toHaveLength(4);
    expect(invokes.every((c) => c.input.TargetVariant === variant && c.outcome === 'ok')).toBe(true);
  });

  it('refuses at start, with nothing created, when the S3 sample file does not exist', async () => {
    let error: unknown;
    const callsBefore: { n: number } = { n: 0 };
    let env: Awaited<ReturnType<typeof startScenario>>['env'] | undefined;
    try {
      await startScenario(
        { preTrafficCheck: { ...CHECK, requests: 's3://ml-samples/churn/missing.jsonl' } },
        {
          before: (e) => {
            env = e;
            callsBefore.n = e.sim.calls.length;
          },
        },
      );
    } catch (e) {
      error = e;
    }
    expect(isSmRolloutError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'preTrafficCheck.requests' });
    expect((error as Error).message).toBe(
      'preTrafficCheck.requests: s3://ml-samples/churn/missing.jsonl does not exist; upload the sample requests ' +
        'there (JSON Lines, one body per line) or fix the URI',
    );
    const calls = env!.sim.calls.slice(callsBefore.n);
    expect(calls.filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
    expect(calls.filter((c) => c.operation === 'GetObject').map((c) => c.outcome)).toEqual(['not found']);
    expect(await env!.store.list()).toEqual([]);
  });

  it('refuses at start when the S3 sample file is empty', async () => {
    await expect(
      startScenario(
        { preTrafficCheck: { ...CHECK, requests: 's3://ml-samples/churn/empty.jsonl' } },
        { before: (env) => env.sim.putObject('ml-samples', 'churn/empty.jsonl', '\n \n') },
      ),
    ).rejects.toMatchObject({
      field: 'preTrafficCheck.requests',
      message: expect.stringContaining('s3://ml-samples/churn/empty.jsonl is empty'),
    });
  });
});
