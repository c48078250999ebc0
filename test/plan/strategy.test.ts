// Strategies as users name them, presets and parametric forms, compiled into the steps a rollout runs.

import { compilePlan, DEFAULT_FINAL_BAKE_MS, describeStep, STRATEGY_PRESETS } from '../../src/plan';
import type { Plan } from '../../src/plan';
import { thrown } from './thrown';

/** A plan as `sm-rollout plan` would list it: one line per step. */
function stepsOf(plan: Plan): string[] {
  return plan.steps.map(describeStep);
}

/** The lines of a linear rollout: each weight held for the interval, then 100% and the final bake. */
function linearLines(weights: number[], interval: string, finalBake = '10m'): string[] {
  return [
    ...weights.flatMap((weight) => [`set weight ${weight}%`, `bake ${interval}`]),
    'set weight 100%',
    `bake ${finalBake}`,
  ];
}

describe('CodeDeploy-style presets', () => {
  it('offers exactly the CodeDeploy names', () => {
    expect(STRATEGY_PRESETS).toEqual([
      'AllAtOnce',
      'Canary10Percent5Minutes',
      'Canary10Percent10Minutes',
      'Canary10Percent15Minutes',
      'Canary10Percent30Minutes',
      'Linear10PercentEvery1Minute',
      'Linear10PercentEvery2Minutes',
      'Linear10PercentEvery3Minutes',
      'Linear10PercentEvery10Minutes',
    ]);
  });

  it('AllAtOnce shifts all traffic at once, then holds for the final bake', () => {
    expect(compilePlan('AllAtOnce')).toEqual({
      strategy: 'AllAtOnce',
      steps: [
        { kind: 'setWeight', percent: 100 },
        { kind: 'bake', durationMs: DEFAULT_FINAL_BAKE_MS },
      ],
    });
  });

  it.each([
    ['Canary10Percent5Minutes', '5m'],
    ['Canary10Percent10Minutes', '10m'],
    ['Canary10Percent15Minutes', '15m'],
    ['Canary10Percent30Minutes', '30m'],
  ])('%s sends 10%% to the candidate for %s, then shifts to 100%% with the final bake', (preset, bake) => {
    expect(stepsOf(compilePlan(preset))).toEqual([
      'set weight 10%',
      `bake ${bake}`,
      'set weight 100%',
      'bake 10m',
    ]);
  });

  it.each([
    ['Linear10PercentEvery1Minute', '1m'],
    ['Linear10PercentEvery2Minutes', '2m'],
    ['Linear10PercentEvery3Minutes', '3m'],
    ['Linear10PercentEvery10Minutes', '10m'],
  ])('%s shifts 10%% every %s and ends at 100%% with the final bake', (preset, interval) => {
    expect(stepsOf(compilePlan(preset))).toEqual(linearLines([10, 20, 30, 40, 50, 60, 70, 80, 90], interval));
  });

  it.each(STRATEGY_PRESETS.map((preset) => [preset]))('%s ends at 100%% with the final bake', (preset) => {
    const plan = compilePlan(preset, { finalBake: '7m' });
    expect(stepsOf(plan).slice(-2)).toEqual(['set weight 100%', 'bake 7m']);
    expect(plan.strategy).toBe(preset);
  });

  it('recognises a preset whatever its case or surrounding spaces, and keeps the text as written', () => {
    const plan = compilePlan('  canary10percent5MINUTES ');
    expect(stepsOf(plan)).toEqual(stepsOf(compilePlan('Canary10Percent5Minutes')));
    expect(plan.strategy).toBe('  canary10percent5MINUTES ');
  });
});

describe('parametric forms', () => {
  it('canary(25, 15m) sends 25% for 15 minutes, then everything', () => {
    const plan = compilePlan('canary(25, 15m)');
    expect(stepsOf(plan)).toEqual(['set weight 25%', 'bake 15m', 'set weight 100%', 'bake 10m']);
    expect(plan.strategy).toBe('canary(25, 15m)');
  });

  it('canary accepts a fraction of a percent and a percent sign', () => {
    expect(stepsOf(compilePlan('canary(0.5%, 1h30m)'))).toEqual([
      'set weight 0.5%',
      'bake 1h30m',
      'set weight 100%',
      'bake 10m',
    ]);
  });

  it('linear(10, 1m) matches Linear10PercentEvery1Minute', () => {
    expect(compilePlan('linear(10, 1m)').steps).toEqual(compilePlan('Linear10PercentEvery1Minute').steps);
  });

  it('linear(25, 5m) shifts a quarter of the traffic every 5 minutes', () => {
    expect(stepsOf(compilePlan('linear(25, 5m)'))).toEqual(linearLines([25, 50, 75], '5m'));
  });

  it('linear with a step that does not divide 100 still ends at 100%', () => {
    expect(stepsOf(compilePlan('linear(30, 2m)'))).toEqual(linearLines([30, 60, 90], '2m'));
  });

  it('linear with fractional steps gives clean weights', () => {
    const { steps } = compilePlan('linear(12.5, 1m)');
    expect(steps.flatMap((step) => (step.kind === 'setWeight' ? [step.percent] : []))).toEqual([
      12.5, 25, 37.5, 50, 62.5, 75, 87.5, 100,
    ]);
    expect(stepsOf(compilePlan('linear(33.3, 1m)'))).toEqual(linearLines([33.3, 66.6, 99.9], '1m'));
  });

  it('linear(100, 1m) goes straight to 100%', () => {
    expect(stepsOf(compilePlan('linear(100, 1m)'))).toEqual(['set weight 100%', 'bake 10m']);
  });

  it('allAtOnce and allAtOnce() are AllAtOnce', () => {
    expect(compilePlan('allAtOnce').steps).toEqual(compilePlan('AllAtOnce').steps);
    expect(compilePlan('allAtOnce()').steps).toEqual(compilePlan('AllAtOnce').steps);
  });

  it('allAtOnce(5m) sets the final bake, even over options.finalBake', () => {
    expect(stepsOf(compilePlan('allAtOnce(5m)'))).toEqual(['set weight 100%', 'bake 5m']);
    expect(stepsOf(compilePlan('allAtOnce(5m)', { finalBake: '1h' }))).toEqual([
      'set weight 100%',
      'bake 5m',
    ]);
  });

  it('tolerates spaces and any case in the form', () => {
    expect(compilePlan(' CANARY ( 10 ,5m ) ').steps).toEqual(compilePlan('Canary10Percent5Minutes').steps);
    expect(compilePlan('Linear(10,3M)').steps).toEqual(compilePlan('Linear10PercentEvery3Minutes').steps);
    expect(compilePlan('ALLATONCE( 0s )').steps).toEqual([
      { kind: 'setWeight', percent: 100 },
      { kind: 'bake', durationMs: 0 },
    ]);
  });
});

describe('the final bake', () => {
  it('is 10 minutes unless set', () => {
    expect(DEFAULT_FINAL_BAKE_MS).toBe(10 * 60_000);
    expect(compilePlan('AllAtOnce').steps.at(-1)).toEqual({ kind: 'bake', durationMs: 600_000 });
  });

  it('can be set as text or as milliseconds', () => {
    expect(compilePlan('canary(10, 5m)', { finalBake: '1h' }).steps.at(-1)).toEqual({
      kind: 'bake',
      durationMs: 3_600_000,
    });
    expect(compilePlan('canary(10, 5m)', { finalBake: 90_000 }).steps.at(-1)).toEqual({
      kind: 'bake',
      durationMs: 90_000,
    });
  });

  it('may be 0s: no rollback window after 100%', () => {
    expect(stepsOf(compilePlan('Canary10Percent5Minutes', { finalBake: '0s' })).at(-1)).toBe('bake 0s');
    expect(stepsOf(compilePlan('Canary10Percent5Minutes', { finalBake: 0 })).at(-1)).toBe('bake 0s');
  });

  it.each([
    ['"5 minutes"', '5 minutes'],
    ['a negative duration', '-5m'],
    ['negative milliseconds', -1],
    ['NaN milliseconds', NaN],
  ])('rejects %s, naming finalBake', (_case, finalBake) => {
    expect(thrown(() => compilePlan('AllAtOnce', { finalBake }))).toMatchObject({
      code: 'INVALID_DURATION',
      field: 'finalBake',
      message: expect.stringMatching(/^finalBake: .* is not a duration; use a number with units h, m, s/),
    });
  });
});

describe('strategies that cannot be compiled', () => {
  it('lists the presets and forms when the name is unknown', () => {
    const error = thrown(() => compilePlan('Canary10Percent7Minutes'));
    expect(error).toMatchObject({ code: 'INVALID_PLAN', field: 'strategy' });
    expect(error.message).toMatch(
      /^strategy: "Canary10Percent7Minutes" is not a known strategy; use a preset/,
    );
    for (const preset of STRATEGY_PRESETS) expect(error.message).toContain(preset);
    expect(error.message).toContain('canary(percent, bake)');
    expect(error.message).toContain('linear(step, interval)');
    expect(error.message).toContain('allAtOnce(finalBake)');
    expect(error.message).toContain('10%,5m,pause,50%,10m');
  });

  it.each([
    ['an unknown form', 'bluegreen(5m)'],
    ['a misspelt form', 'canery(10, 5m)'],
    ['a single word', 'rolling'],
  ])('rejects %s (%j) as not a known strategy', (_case, strategy) => {
    expect(thrown(() => compilePlan(strategy))).toMatchObject({
      code: 'INVALID_PLAN',
      field: 'strategy',
      message: expect.stringContaining(`strategy: ${JSON.stringify(strategy)} is not a known strategy`),
    });
  });

  it.each(['', '   '])('rejects an empty strategy (%j)', (strategy) => {
    expect(thrown(() => compilePlan(strategy))).toMatchObject({
      code: 'INVALID_PLAN',
      field: 'strategy',
      message: expect.stringMatching(/^strategy: is empty; use a preset/),
    });
  });

  it('rejects a value that is neither text nor a list', () => {
    expect(thrown(() => compilePlan(42 as unknown as string))).toMatchObject({
      code: 'INVALID_PLAN',
      field: 'strategy',
    });
  });

  it.each([
    ['canary(0, 5m)', 'the canary percent must be more than 0 and less than 100'],
    ['canary(100, 5m)', 'the canary percent must be more than 0 and less than 100'],
    ['canary(-10, 5m)', 'the canary percent must be more than 0 and less than 100'],
    ['canary(ten, 5m)', 'the canary percent must be more than 0 and less than 100'],
    ['canary(10)', 'canary takes a percent and a bake, e.g. canary(10, 5m)'],
    ['canary()', 'canary takes a percent and a bake, e.g. canary(10, 5m)'],
    ['canary(10, 5m, 1m)', 'canary takes a percent and a bake, e.g. canary(10, 5m)'],
    ['linear(0, 1m)', 'the linear step must be more than 0 and at most 100'],
    ['linear(101, 1m)', 'the linear step must be more than 0 and at most 100'],
    ['linear(10)', 'linear takes a step percent and an interval, e.g. linear(10, 1m)'],
    ['allAtOnce(5m, 1m)', 'allAtOnce takes at most a final bake, e.g. allAtOnce(5m)'],
  ])('rejects %s: %s', (strategy, problem) => {
    expect(thrown(() => compilePlan(strategy))).toMatchObject({
      code: 'INVALID_PLAN',
      field: 'strategy',
      message: expect.stringContaining(`strategy: ${problem}`),
    });
  });

  it.each(['canary(10, 5 minutes)', 'linear(10, -1m)', 'allAtOnce(soon)'])(
    'rejects %s with a duration error naming strategy',
    (strategy) => {
      expect(thrown(() => compilePlan(strategy))).toMatchObject({
        code: 'INVALID_DURATION',
        field: 'strategy',
        message: expect.stringContaining('is not a duration; use a number with units h, m, s'),
      });
    },
  );
});

describe('a plan with an absurd number of steps', () => {
  it('refuses linear(0.5, 1m) (199 traffic steps) and says how many are allowed', () => {
    const error = thrown(() => compilePlan('linear(0.5, 1m)'));
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.field).toBe('strategy');
    expect(error.message).toMatch(/200 traffic steps; at most 100/);
  });

  it('accepts linear(1, 1m): 100 traffic steps is the limit', () => {
    expect(compilePlan('linear(1, 1m)').steps.filter((s) => s.kind === 'setWeight')).toHaveLength(100);
  });
});
