// SageMaker misbehaving mid-rollout: an endpoint update that fails, one SageMaker rolls back by
// itself, and API throttling.
import {
  ENDPOINT,
  ORIGINAL_CONFIG,
  expectBackOnOriginal,
  expectNothingLeaked,
  expectTrafficAlwaysServed,
  isBakingAt,
  startScenario,
  type Step,
} from './harness';

const HEALTH_CHECK =
  'The primary container for production variant candidate did not pass the ping health check. Please check CloudWatch logs for this endpoint.';

describe('a failed endpoint update', () => {
  // Outcome asserted: `failed`, not `rolledBack`. Once UpdateEndpoint leaves the endpoint `Failed`,
  // SageMaker only allows DeleteEndpoint on it: the controller can neither shift weights nor update
  // back to the original config, so it must stop and hand over to a human, with SageMaker's
  // FailureReason and the original config in the record (never delete a production endpoint).
  it('while deploying the transition config ends failed, recording SageMaker’s FailureReason', async () => {
    const s = await startScenario(
      { strategy: 'Canary10Percent5Minutes' },
      {
        before: (env) =>
          env.sim.injectFault({ kind: 'updateFails', endpointName: ENDPOINT, reason: HEALTH_CHECK }),
      },
    );
    const final = await s.run();
    expect(s.env.sim.endpoint(ENDPOINT)!.status).toBe('Failed');
    expect(final.record.status).toBe('failed');
    expect(final.record.reason).toContain(HEALTH_CHECK);
    const timeline = await s.timeline();
    expect(timeline.at(-1)?.kind).toBe('failed');
    expect(timeline.at(-1)?.message).toContain(HEALTH_CHECK);
    expect(timeline.at(-1)?.message).toContain(ORIGINAL_CONFIG);
    expect(s.env.lifecycle.published.map((e) => e.detailType)).toContain('Rollout Failed');
    // No further update was attempted on the Failed endpoint, and it was not deleted.
    const updatesAfterFailure = s.env.sim.calls.filter((c) => /^Update/.test(c.operation)).slice(1);
    expect(updatesAfterFailure).toEqual([]);
    expect(s.env.sim.calls.some((c) => c.operation === 'DeleteEndpoint')).toBe(false);
    expect(await s.env.store.activeForEndpoint(ENDPOINT)).toBeUndefined();
    expectTrafficAlwaysServed(s.env);
  });

  it('while promoting (final config) ends failed, recording SageMaker’s FailureReason', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    let armed = false;
    const final = await s.run({
      between: (result) => {
        if (!armed && isBakingAt(result, 100)) {
          armed = true;
          s.env.sim.injectFault({ kind: 'updateFails', endpointName: ENDPOINT, reason: HEALTH_CHECK });
        }
      },
    });
    expect(armed).toBe(true);
    expect(final.record.status).toBe('failed');
    expect(final.record.reason).toContain(HEALTH_CHECK);
    expect(final.record.reason).toContain(final.record.input.names.finalConfig);
  });
});

describe('an endpoint update SageMaker silently rolls back (InService, old config, FailureReason set)', () => {
  async function expectSilentRollbackHandled(final: Step, s: Awaited<ReturnType<typeof startScenario>>) {
    expect(final.record.status).toBe('rolledBack');
    expect(final.record.reason).toMatch(/SageMaker rolled the update back/);
    expect(final.record.reason).toContain(`FailureReason: ${HEALTH_CHECK}`);
    expectBackOnOriginal(s.env);
    expectNothingLeaked(s.env);
    expectTrafficAlwaysServed(s.env);
    const timeline = await s.timeline();
    expect(timeline.at(-1)?.kind).toBe('rolledBack');
    expect(timeline.at(-1)?.message).toContain(HEALTH_CHECK);
    expect(await s.env.store.activeForEndpoint(ENDPOINT)).toBeUndefined();
  }

  it('of the transition config: treated as a failure and rolled back, not as success', async () => {
    const s = await startScenario(
      { strategy: 'Canary10Percent5Minutes' },
      {
        before: (env) =>
          env.sim.injectFault({ kind: 'silentRollback', endpointName: ENDPOINT, reason: HEALTH_CHECK }),
      },
    );
    const final = await s.run();
    await expectSilentRollbackHandled(final, s);
    // No weights were ever shifted onto a config the endpoint was not running.
    expect(
      s.env.sim.calls.filter(
        (c) => c.operation === 'UpdateEndpointWeightsAndCapacities' && c.outcome !== 'error',
      ),
    ).toEqual([]);
  });

  it('of the final config at promotion: traffic goes back to the baseline and the endpoint to its original config', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    let armed = false;
    const final = await s.run({
      between: (result) => {
        if (!armed && isBakingAt(result, 100)) {
          armed = true;
          s.env.sim.injectFault({ kind: 'silentRollback', endpointName: ENDPOINT, reason: HEALTH_CHECK });
        }
      },
    });
    expect(armed).toBe(true);
    await expectSilentRollbackHandled(final, s);
    expect(final.record.reason).toContain(final.record.input.names.finalConfig);
  });
});

describe('throttling', () => {
  it('of any call mid-rollout is retried and the rollout still succeeds', async () => {
    const s = await startScenario({ strategy: 'Linear10PercentEvery1Minute' });
    let armed = false;
    const final = await s.run({
      between: (result) => {
        if (!armed && isBakingAt(result, 30)) {
          armed = true;
          s.env.sim.injectFault({ kind: 'throttle', count: 3 });
        }
      },
    });
    expect(armed).toBe(true);
    expect(s.env.sim.calls.filter((c) => c.error?.code === 'THROTTLED')).toHaveLength(3);
    expect(final.record.status).toBe('succeeded');
    expect(s.env.sim.endpoint(ENDPOINT)!.endpointConfigName).toBe(final.record.input.names.finalConfig);
    expectTrafficAlwaysServed(s.env);
  });

  // Three throttles in a row once rolled back a healthy rollout (each retry counted twice).
  it('of the weight shift is retried and the rollout still succeeds', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    let armed = false;
    const final = await s.run({
      between: (result) => {
        if (!armed && isBakingAt(result, 10)) {
          armed = true;
          s.env.sim.injectFault({
            kind: 'throttle',
            operations: ['UpdateEndpointWeightsAndCapacities'],
            count: 3,
          });
        }
      },
    });
    const throttled = s.env.sim.calls.filter((c) => c.error?.code === 'THROTTLED');
    expect(throttled.map((c) => c.operation)).toEqual(Array(3).fill('UpdateEndpointWeightsAndCapacities'));
    expect(final.record.status).toBe('succeeded');
    expect((await s.timeline()).filter((e) => e.kind === 'retry')).toHaveLength(3);
    expectTrafficAlwaysServed(s.env);
  });

  it('of the weight shift twice in a row is retried and the rollout still succeeds', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    let armed = false;
    const final = await s.run({
      between: (result) => {
        if (!armed && isBakingAt(result, 10)) {
          armed = true;
          s.env.sim.injectFault({
            kind: 'throttle',
            operations: ['UpdateEndpointWeightsAndCapacities'],
            count: 2,
          });
        }
      },
    });
    expect(s.env.sim.calls.filter((c) => c.error?.code === 'THROTTLED')).toHaveLength(2);
    expect(final.record.status).toBe('succeeded');
    expectTrafficAlwaysServed(s.env);
  });

  it('of the transition UpdateEndpoint is retried and the rollout still succeeds', async () => {
    const s = await startScenario(
      { strategy: 'AllAtOnce' },
      {
        before: (env) => env.sim.injectFault({ kind: 'throttle', operations: ['UpdateEndpoint'], count: 3 }),
      },
    );
    const final = await s.run();
    expect(s.env.sim.calls.filter((c) => c.error?.code === 'THROTTLED')).toHaveLength(3);
    expect(final.record.status).toBe('succeeded');
    expectTrafficAlwaysServed(s.env);
  });

  it('during a rollback is retried and the rollback still completes', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    let aborted = false;
    const final = await s.run({
      between: async (result) => {
        if (aborted || !isBakingAt(result, 10)) return;
        aborted = true;
        s.env.sim.injectFault({ kind: 'throttle', count: 3 });
        return s.command({ type: 'ABORT', by: 'alice' });
      },
    });
    expect(s.env.sim.calls.filter((c) => c.error?.code === 'THROTTLED')).toHaveLength(3);
    expect(final.record.status).toBe('rolledBack');
    expect(final.record.reason).toMatch(/aborted by alice/);
    expectBackOnOriginal(s.env);
    expectNothingLeaked(s.env);
    expectTrafficAlwaysServed(s.env);
  });
});
