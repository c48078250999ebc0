// What `sm-rollout plan` tells a user before anything moves: totals for the plan and a line per step.

import { compilePlan, describeStep, summarizePlan } from '../../src/plan';

describe('summarizePlan', () => {
  it('Canary10Percent5Minutes moves traffic twice and takes at least 15 minutes', () => {
    expect(summarizePlan(compilePlan('Canary10Percent5Minutes'))).toEqual({
      trafficSteps: 2,
      bakeTotalMs: 15 * 60_000,
      manualGates: 0,
      minimumDurationMs: 15 * 60_000,
      weights: [10, 100],
    });
  });

  it('Linear10PercentEvery3Minutes moves traffic ten times and takes at least 37 minutes', () => {
    expect(summarizePlan(compilePlan('Linear10PercentEvery3Minutes'))).toEqual({
      trafficSteps: 10,
      bakeTotalMs: (9 * 3 + 10) * 60_000,
      manualGates: 0,
      minimumDurationMs: (9 * 3 + 10) * 60_000,
      weights: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
    });
  });

  it('counts manual gates, which add no minimum time', () => {
    expect(summarizePlan(compilePlan('10%,5m,pause,50%,10m,pause', { finalBake: '0s' }))).toEqual({
      trafficSteps: 3,
      bakeTotalMs: 15 * 60_000,
      manualGates: 2,
      minimumDurationMs: 15 * 60_000,
      weights: [10, 50, 100],
    });
  });

  it('AllAtOnce with no final bake has no minimum time at all', () => {
    expect(summarizePlan(compilePlan('allAtOnce(0s)'))).toMatchObject({
      trafficSteps: 1,
      minimumDurationMs: 0,
      weights: [100],
    });
  });
});

describe('describeStep', () => {
  it.each([
    [{ kind: 'setWeight', percent: 10 } as const, 'set weight 10%'],
    [{ kind: 'setWeight', percent: 0.5 } as const, 'set weight 0.5%'],
    [{ kind: 'bake', durationMs: 300_000 } as const, 'bake 5m'],
    [{ kind: 'bake', durationMs: 5_400_000 } as const, 'bake 1h30m'],
    [{ kind: 'pause' } as const, 'pause (manual gate: waits for promote)'],
  ])('describes %j as %j', (step, text) => {
    expect(describeStep(step)).toBe(text);
  });
});
