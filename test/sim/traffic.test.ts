// Simulated traffic: request split by weight, per-invocation error and latency metrics.
import { createSimCloud } from '../../src/sim';
import { splitByWeight } from '../../src/sim/traffic';
import { CANDIDATE_VARIANT, ENDPOINT, MINUTE, deployTransition, sceneWithEndpoint } from './scene';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

describe('simulated traffic and AWS/SageMaker metrics', () => {
  it('sends requestsPerMinute invocations a minute, published per variant at the minute start', () => {
    const cloud = createSimCloud({ requestsPerMinute: 600 });
    cloud.createEndpoint({ endpointName: ENDPOINT });
    cloud.clock.advanceBy(2 * MINUTE);
    expect(cloud.metricData(ENDPOINT, 'AllTraffic', 'Invocations', 0, Infinity)).toEqual([
      expect.objectContaining({ timestamp: T0, sum: 600 }),
      expect.objectContaining({ timestamp: T0 + MINUTE, sum: 600 }),
    ]);
  });

  it('splits invocations by the current weights and gives a weight-0 variant no data at all', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    await deployTransition(scene); // InService on the transition config at 09:10
    const afterDeploy = cloud.clock.now();
    await cloud.sagemaker.updateWeights(ENDPOINT, [
      { variantName: 'AllTraffic', weight: 90 },
      { variantName: CANDIDATE_VARIANT, weight: 10 },
    ]);
    cloud.clock.advanceBy(2 * MINUTE);
    const candidate = cloud.metricData(ENDPOINT, CANDIDATE_VARIANT, 'Invocations', 0, Infinity);
    expect(candidate.every((d) => d.timestamp >= afterDeploy)).toBe(true);
    // The minute the weights changed is split; the next one is all 90/10.
    expect(candidate.at(-1)?.sum).toBe(60);
    expect(
      cloud.metricData(ENDPOINT, 'AllTraffic', 'Invocations', afterDeploy + MINUTE, Infinity)[0]?.sum,
    ).toBe(540);
    expect(cloud.metricData(ENDPOINT, undefined, 'Invocations', afterDeploy + MINUTE, Infinity)[0]?.sum).toBe(
      600,
    );
  });

  it('publishes errors per invocation (Average = error rate) and ModelLatency in microseconds', () => {
    const cloud = createSimCloud({ seed: 5, requestsPerMinute: 1000 });
    cloud.createEndpoint({ endpointName: ENDPOINT, behaviour: { errorRate: 0.2, latencyMs: 80 } });
    cloud.clock.advanceBy(5 * MINUTE);
    for (const errors of cloud.metricData(ENDPOINT, 'AllTraffic', 'Invocation5XXErrors', 0, Infinity)) {
      expect(errors.sampleCount).toBe(1000);
      expect(errors.average).toBeGreaterThan(0.15);
      expect(errors.average).toBeLessThan(0.25);
      expect(errors.sum).toBeCloseTo(errors.average * 1000, 6);
    }
    for (const latency of cloud.metricData(ENDPOINT, 'AllTraffic', 'ModelLatency', 0, Infinity)) {
      expect(latency.average).toBeGreaterThan(75_000);
      expect(latency.average).toBeLessThan(85_000);
      expect(latency.p50).toBeLessThan(latency.p90);
      expect(latency.p90).toBeLessThan(latency.p99);
      expect(latency.p99).toBeLessThanOrEqual(latency.maximum);
    }
  });

  it('follows a model whose behaviour changes mid-run', () => {
    const cloud = createSimCloud({ seed: 2 });
    const pkg = cloud.registerModelPackage({
      groupName: 'fraud',
      behaviour: { errorRate: 0, latencyMs: 40 },
    });
    cloud.createEndpoint({ endpointName: ENDPOINT, modelPackageArn: pkg });
    cloud.clock.advanceBy(MINUTE);
    cloud.setBehaviour(`${ENDPOINT}-model-0`, { errorRate: 1, latencyMs: 40 });
    cloud.clock.advanceBy(MINUTE);
    expect(
      cloud.metricData(ENDPOINT, 'AllTraffic', 'Invocation5XXErrors', 0, Infinity).map((d) => d.average),
    ).toEqual([0, 1]);
    expect(() => cloud.setBehaviour('nothing-by-this-name', { errorRate: 0, latencyMs: 1 })).toThrow(
      /no model package or model/,
    );
  });

  it('splits a count by weight with largest remainders', () => {
    expect(splitByWeight(600, [90, 10])).toEqual([540, 60]);
    expect(splitByWeight(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeight(7, [0, 0])).toEqual([0, 0]);
    expect(splitByWeight(5, [0.5, 99.5])).toEqual([0, 5]);
  });
});
