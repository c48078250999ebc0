// A healthy new model version goes live with each strategy preset and with an explicit step list
// promoted by an operator at its manual gate.
import {
  ENDPOINT,
  ORIGINAL_CONFIG,
  ORIGINAL_MODEL,
  candidateAlarmNames,
  expectTrafficAlwaysServed,
  startScenario,
  type Scenario,
  type Step,
} from './harness';

/**
 * The candidate model's share of traffic each time what serves the endpoint changed (by model: once
 * promoted it serves under the baseline's variant name).
 */
function candidateShares(s: Scenario, candidateModel: string): number[] {
  const shares = s.env.sim.servingHistory
    .filter((c) => c.endpointName === ENDPOINT && c.variants.length > 0)
    .map((c) => {
      const total = c.variants.reduce((sum, v) => sum + v.weight, 0);
      const candidate = c.variants.find((v) => v.modelName === candidateModel)?.weight ?? 0;
      return Math.round((candidate / total) * 100);
    });
  return shares.filter((p, i) => i === 0 || p !== shares[i - 1]);
}

function expectPromoted(s: Scenario, final: Step): void {
  const { names } = final.record.input;
  expect(final.record.status).toBe('succeeded');
  const endpoint = s.env.sim.endpoint(ENDPOINT)!;
  expect(endpoint.status).toBe('InService');
  expect(endpoint.endpointConfigName).toBe(names.finalConfig);
  // The new model serves under the baseline's variant name, so whatever is keyed on it keeps working.
  expect(endpoint.variants.map((v) => [v.variantName, v.modelName])).toEqual([
    [final.record.input.baseline!.variantName, names.candidateModel],
  ]);
  // The transition config is gone; the original config and baseline model are kept for undo.
  expect(s.env.sim.endpointConfigNames()).not.toContain(names.transitionConfig);
  expect(s.env.sim.endpointConfigNames()).toEqual(
    expect.arrayContaining([ORIGINAL_CONFIG, names.finalConfig]),
  );
  expect(s.env.sim.modelNames()).toEqual(expect.arrayContaining([ORIGINAL_MODEL, names.candidateModel]));
  // The alarms the controller created for the candidate are deleted.
  for (const alarm of candidateAlarmNames(final)) expect(s.env.sim.alarmNames()).not.toContain(alarm);
  expectTrafficAlwaysServed(s.env);
  expect(s.env.warnings).toEqual([]);
}

describe('a healthy model goes live', () => {
  it('with AllAtOnce: all traffic moves in one step, bakes, then the candidate-only config is deployed', async () => {
    const s = await startScenario({ strategy: 'AllAtOnce' });
    const final = await s.run();
    expectPromoted(s, final);
    expect(candidateShares(s, final.record.input.names.candidateModel)).toEqual([0, 100]);
    const kinds = (await s.timeline()).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['started', 'shifted', 'bakeCompleted', 'finalLive', 'cleanedUp', 'succeeded']),
    );
    expect(kinds.at(-1)).toBe('succeeded');
  });

  it('with Canary10Percent5Minutes: 10% for a 5 minute bake, then 100%', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    const final = await s.run();
    expectPromoted(s, final);
    expect(candidateShares(s, final.record.input.names.candidateModel)).toEqual([0, 10, 100]);
    const bakes = (await s.timeline()).filter((e) => e.kind === 'bakeStarted').map((e) => e.message);
    expect(bakes[0]).toMatch(/^Baking 5m at 10%/);
  });

  it('with Linear10PercentEvery1Minute: ten equal steps of a minute each', async () => {
    const s = await startScenario({ strategy: 'Linear10PercentEvery1Minute' });
    const final = await s.run();
    expectPromoted(s, final);
    expect(candidateShares(s, final.record.input.names.candidateModel)).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100,
    ]);
  });

  it('with an explicit step list: it waits at the manual gate until an operator promotes it', async () => {
    const s = await startScenario({ strategy: '10%,2m,pause,50%,2m', finalBake: '5m' });
    let gateSeenAt: number | undefined;
    let promotedAt: number | undefined;
    const final = await s.run({
      between: async (result) => {
        if (result.view.status !== 'awaitingPromotion') return;
        gateSeenAt ??= s.env.sim.clock.now();
        // The gate holds: nothing moves while the operator looks at dashboards for 15 minutes.
        if (s.env.sim.clock.now() - gateSeenAt < 15 * 60_000) return;
        expect(result.view.weights.candidate).toBe(10);
        promotedAt = s.env.sim.clock.now();
        return s.command({ type: 'PROMOTE', by: 'alice' });
      },
    });
    expectPromoted(s, final);
    expect(promotedAt).toBeDefined();
    const shares = candidateShares(s, final.record.input.names.candidateModel);
    expect(shares).toEqual([0, 10, 50, 100]);
    // Traffic went to 50% only after the promote.
    const to50 = s.env.sim.servingHistory.find((c) =>
      c.variants.some((v) => v.variantName === final.record.input.names.candidateVariant && v.weight === 50),
    );
    expect(to50!.at).toBeGreaterThanOrEqual(promotedAt!);
    const timeline = await s.timeline();
    expect(timeline.find((e) => e.kind === 'gate')?.message).toMatch(/manual gate/);
    expect(timeline.find((e) => e.kind === 'promoted')?.message).toMatch(/promoted by alice/);
  });
});

describe('the baseline config is read once per rollout', () => {
  const configReads = (s: Scenario) =>
    s.env.sim.calls.filter((c) => c.operation === 'DescribeEndpointConfig' && c.outcome !== 'error');

  it('when the baseline is resolved: the transition and final configs are built from what it kept', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    const final = await s.run();
    expectPromoted(s, final);
    expect(configReads(s).map((c) => c.input.EndpointConfigName)).toEqual([ORIGINAL_CONFIG]);
    expect(final.record.input.baseline?.variant).toMatchObject({ variantName: 'AllTraffic' });
  });

  it('a rollout saved before the baseline kept its variant reads the config when it needs it', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    // As an older controller saved it: the Baseline without the variant and config settings.
    const saved = (await s.env.store.get(s.id))!;
    const strip = (baseline: Record<string, unknown> | undefined) => {
      delete baseline?.variant;
      delete baseline?.configExtra;
    };
    strip(saved.input.baseline as never);
    strip((saved.snapshot as { context: { baseline?: Record<string, unknown> } }).context.baseline);
    await s.env.store.save({ ...saved, version: saved.version + 1 }, saved.version, []);
    const final = await s.run();
    expectPromoted(s, final);
    // At the start, then once more for the final config (the transition config was built at the start).
    expect(configReads(s).map((c) => c.input.EndpointConfigName)).toEqual([ORIGINAL_CONFIG, ORIGINAL_CONFIG]);
  });
});
