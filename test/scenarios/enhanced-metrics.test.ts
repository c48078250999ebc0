// During a rollout the transition config publishes 10-second invocation metrics (enhanced metrics),
// the default candidate alarms watch them on 30-second periods, and the promoted config goes back to
// the baseline's own MetricsConfig; a policy or request can keep one-minute metrics instead.
import { BAD_MODEL, DEMO_ENDPOINT, DEMO_GROUP, HEALTHY_MODEL } from '../../src/cli/simulated-environment';
import type { SimCloud } from '../../src/sim';
import { createSimCloud } from '../../src/sim';
import { ENDPOINT, expectBackOnOriginal, startScenario, type Scenario } from './harness';

const ENHANCED_10S = { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 10 };

/** The config-level MetricsConfig each CreateEndpointConfig call carried, by config name. */
function metricsConfigs(s: Scenario): Record<string, unknown> {
  return Object.fromEntries(
    s.env.sim.calls
      .filter((c) => c.operation === 'CreateEndpointConfig' && c.outcome !== 'error')
      .map((c) => [c.input['EndpointConfigName'] as string, c.input['MetricsConfig'] ?? null]),
  );
}

function candidateAlarmPeriods(s: Scenario): number[] {
  return s.env.sim.calls
    .filter((c) => c.operation === 'PutMetricAlarm')
    .map((c) => c.input['Period'] as number);
}

/** A cloud whose endpoint's own config already has a MetricsConfig. */
function cloudWithMetricsConfig(metricsConfig: Record<string, unknown>): SimCloud {
  const sim = createSimCloud({ seed: 7 });
  const baseline = sim.registerModelPackage({
    groupName: DEMO_GROUP,
    approvalStatus: 'Approved',
    behaviour: HEALTHY_MODEL,
  });
  sim.createEndpoint({
    endpointName: DEMO_ENDPOINT,
    modelPackageArn: baseline,
    instanceType: 'ml.m5.large',
    instanceCount: 2,
    configExtra: { MetricsConfig: metricsConfig },
  });
  return sim;
}

describe('10-second candidate metrics', () => {
  it('by default the transition config turns on enhanced metrics at 10 s, the candidate alarms use 30 s periods, and the promoted config has no MetricsConfig, as the baseline had none', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes', candidateAlarms: undefined });
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    const { names } = final.record.input;
    expect(metricsConfigs(s)).toEqual({ [names.transitionConfig]: ENHANCED_10S, [names.finalConfig]: null });
    expect(candidateAlarmPeriods(s)).toEqual([30, 30]);

    // The candidate's metrics really came every 10 s while it baked at 10% of 600 requests a minute.
    const bakeStart = (await s.timeline()).find((e) => e.kind === 'bakeStarted')!.at;
    const from = Math.ceil(bakeStart / 60_000) * 60_000;
    const [series] = await s.env.sim.metrics.getMetricData(
      [
        {
          id: 'candidate',
          metric: {
            namespace: 'AWS/SageMaker',
            metricName: 'Invocations',
            dimensions: [
              { name: 'EndpointName', value: ENDPOINT },
              { name: 'VariantName', value: names.candidateVariant },
            ],
          },
          periodSeconds: 10,
          statistic: 'Sum',
        },
      ],
      from,
      from + 2 * 60_000,
    );
    expect(series?.points.map((p) => p.value)).toEqual(Array(12).fill(10));
  });

  it('keeps the baseline’s own MetricsConfig in the promoted config, and its other fields in the transition config', async () => {
    const own = {
      EnableEnhancedMetrics: false,
      MetricPublishFrequencyInSeconds: 60,
      EnableDetailedObservability: false,
    };
    const s = await startScenario(
      { strategy: 'AllAtOnce', finalBake: '2m', candidateAlarms: undefined },
      { environment: { cloud: cloudWithMetricsConfig(own) } },
    );
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    const { names } = final.record.input;
    expect(metricsConfigs(s)).toEqual({
      [names.transitionConfig]: { ...own, ...ENHANCED_10S },
      [names.finalConfig]: own,
    });
  });

  it('with enhancedMetrics: false the transition config copies the baseline’s and the default alarms stay on one-minute periods', async () => {
    const s = await startScenario({
      strategy: 'AllAtOnce',
      finalBake: '2m',
      candidateAlarms: undefined,
      enhancedMetrics: false,
    });
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    const { names } = final.record.input;
    expect(metricsConfigs(s)).toEqual({ [names.transitionConfig]: null, [names.finalConfig]: null });
    expect(candidateAlarmPeriods(s)).toEqual([60, 60]);
  });

  it('a candidate failing 20% of requests at 10% of 600 requests/min is off live traffic about a minute after its first request', async () => {
    const s = await startScenario(
      { strategy: 'Canary10Percent15Minutes', candidateAlarms: undefined },
      { candidate: BAD_MODEL },
    );
    const final = await s.run();
    expect(final.record.status).toBe('rolledBack');
    expect(final.record.phase).toMatch(
      /alarm smr-.*-5xx-rate fired: Threshold Crossed: 2 out of the last 3 datapoints/,
    );
    const candidateModel = final.record.input.names.candidateModel;
    const serving = s.env.sim.servingHistory.filter((c) => c.endpointName === ENDPOINT);
    const weightOf = (c: (typeof serving)[number]) =>
      c.variants.find((v) => v.modelName === candidateModel)?.weight ?? 0;
    const firstServed = serving.find((c) => weightOf(c) > 0)!.at;
    const offTraffic = serving.find((c) => c.at > firstServed && weightOf(c) === 0)!.at;
    // ~40 s to the alarm (two 10 s datapoints ingested 15 s after their end, evaluated every 10 s),
    // then the restore's weights update (~30 s).
    expect(offTraffic - firstServed).toBeGreaterThan(40_000);
    expect(offTraffic - firstServed).toBeLessThanOrEqual(95_000);
    expectBackOnOriginal(s.env);
  });
});
