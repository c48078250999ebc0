// Same seed and same calls give the same cloud; each concern draws from its own random stream.
import type { SimCloud } from '../../src/sim';
import { CANDIDATE_VARIANT, ENDPOINT, MINUTE, deployTransition, sceneWithEndpoint } from './scene';

/** A short canary with a bad candidate: every concern of the sim takes part. */
async function canary(seed: number): Promise<SimCloud> {
  const scene = sceneWithEndpoint({ seed, candidate: { errorRate: 0.12, latencyMs: 55 } });
  const { cloud } = scene;
  cloud.createMetricAlarm({
    alarmName: 'candidate-5xx',
    metricName: 'Invocation5XXErrors',
    endpointName: ENDPOINT,
    variantName: CANDIDATE_VARIANT,
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
  });
  await deployTransition(scene);
  await cloud.sagemaker.updateWeights(ENDPOINT, [
    { variantName: 'AllTraffic', weight: 80 },
    { variantName: CANDIDATE_VARIANT, weight: 20 },
  ]);
  cloud.clock.advanceBy(5 * MINUTE);
  await cloud.cloudwatch.describeAlarms(['candidate-5xx']);
  return cloud;
}

function observations(cloud: SimCloud) {
  return {
    calls: cloud.calls,
    events: cloud.events,
    serving: cloud.servingHistory,
    errors: cloud.metricData(ENDPOINT, undefined, 'Invocation5XXErrors', 0, Infinity),
    latency: cloud.metricData(ENDPOINT, CANDIDATE_VARIANT, 'ModelLatency', 0, Infinity),
  };
}

describe('simulated cloud determinism', () => {
  it('gives identical calls, events, serving history and metrics for the same seed and calls', async () => {
    const first = observations(await canary(42));
    const second = observations(await canary(42));
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.events.some((e) => e['detail-type'] === 'CloudWatch Alarm State Change')).toBe(true);
  });

  it('draws different traffic, update durations and event ids from a different seed', async () => {
    const a = observations(await canary(1));
    const b = observations(await canary(2));
    expect(b.errors.map((d) => d.sum)).not.toEqual(a.errors.map((d) => d.sum));
    expect(b.events.map((e) => e.id)).not.toEqual(a.events.map((e) => e.id));
    expect(b.serving.map((c) => c.at)).not.toEqual(a.serving.map((c) => c.at));
  });

  it('keeps traffic independent of unrelated calls (each concern has its own random stream)', async () => {
    const quiet = await canary(7);
    const chatty = sceneWithEndpoint({ seed: 7, candidate: { errorRate: 0.12, latencyMs: 55 } });
    for (let i = 0; i < 5; i++) await chatty.cloud.sagemaker.describeEndpoint(ENDPOINT);
    chatty.cloud.clock.advanceBy(3 * MINUTE);
    const threeMinutesIn = Date.UTC(2026, 0, 15, 9, 3);
    const quietLatency = quiet.metricData(ENDPOINT, 'AllTraffic', 'ModelLatency', 0, threeMinutesIn);
    const chattyLatency = chatty.cloud.metricData(ENDPOINT, 'AllTraffic', 'ModelLatency', 0, Infinity);
    expect(chattyLatency).toHaveLength(3);
    expect(chattyLatency).toEqual(quietLatency);
  });
});
