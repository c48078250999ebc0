// Explicit step lists, as text or as data: the user's own sequence of weights, bakes and manual gates.

import { compilePlan, describeStep } from '../../src/plan';
import type { ExplicitStepInput, Plan } from '../../src/plan';
import { thrown } from './thrown';

function stepsOf(plan: Plan): string[] {
  return plan.steps.map(describeStep);
}

const PAUSE = 'pause (manual gate: waits for promote)';

describe('explicit step lists written as text', () => {
  it('10%,5m,pause,50%,10m runs those steps, then goes to 100% with the final bake', () => {
    const plan = compilePlan('10%,5m,pause,50%,10m');
    expect(plan.steps).toEqual([
      { kind: 'setWeight', percent: 10 },
      { kind: 'bake', durationMs: 300_000 },
      { kind: 'pause' },
      { kind: 'setWeight', percent: 50 },
      { kind: 'bake', durationMs: 600_000 },
      { kind: 'setWeight', percent: 100 },
      { kind: 'bake', durationMs: 600_000 },
    ]);
    expect(plan.strategy).toBe('10%,5m,pause,50%,10m');
  });

  it('a list that reaches 100% itself gets only the final bake', () => {
    expect(stepsOf(compilePlan('10%,5m,100%', { finalBake: '30m' }))).toEqual([
      'set weight 10%',
      'bake 5m',
      'set weight 100%',
      'bake 30m',
    ]);
  });

  it('tolerates spaces around steps and any case for pause', () => {
    expect(stepsOf(compilePlan(' 10% , 1h30m , PAUSE ,  50 % '))).toEqual([
      'set weight 10%',
      'bake 1h30m',
      PAUSE,
      'set weight 50%',
      'set weight 100%',
      'bake 10m',
    ]);
  });

  it('a single step is a list too', () => {
    expect(stepsOf(compilePlan('pause'))).toEqual([PAUSE, 'set weight 100%', 'bake 10m']);
    expect(stepsOf(compilePlan('25%'))).toEqual(['set weight 25%', 'set weight 100%', 'bake 10m']);
    expect(stepsOf(compilePlan('5m'))).toEqual(['bake 5m', 'set weight 100%', 'bake 10m']);
  });

  it('allows holding a weight twice, fractions of a percent, 0% and a gate before 100%', () => {
    expect(stepsOf(compilePlan('0%,pause,0.5%,5m,0.5%,5m,pause'))).toEqual([
      'set weight 0%',
      PAUSE,
      'set weight 0.5%',
      'bake 5m',
      'set weight 0.5%',
      'bake 5m',
      PAUSE,
      'set weight 100%',
      'bake 10m',
    ]);
  });
});

describe('explicit step lists given as data', () => {
  it('runs the steps and records them as a canonical step list', () => {
    const plan = compilePlan([{ setWeight: 10 }, { bake: '5m' }, { pause: true }]);
    expect(stepsOf(plan)).toEqual(['set weight 10%', 'bake 5m', PAUSE, 'set weight 100%', 'bake 10m']);
    expect(plan.strategy).toBe('10%,5m,pause,100%');
  });

  it('takes a bake in milliseconds too', () => {
    const plan = compilePlan([{ setWeight: 20 }, { bake: 90_000 }, { setWeight: 100 }], { finalBake: '1h' });
    expect(stepsOf(plan)).toEqual(['set weight 20%', 'bake 1m30s', 'set weight 100%', 'bake 1h']);
    expect(plan.strategy).toBe('20%,1m30s,100%');
  });

  it('compiles its canonical strategy text back to the same plan', () => {
    const inputs: ExplicitStepInput[] = [
      { setWeight: 5 },
      { bake: '2h15m30s' },
      { pause: true },
      { setWeight: 50 },
    ];
    const plan = compilePlan(inputs, { finalBake: '0s' });
    expect(compilePlan(plan.strategy, { finalBake: '0s' }).steps).toEqual(plan.steps);
  });
});

describe('analysis steps', () => {
  it('{ analysis: 10m } holds while the judge compares the variants, as data or as text', () => {
    const plan = compilePlan([{ setWeight: 10 }, { analysis: '10m' }, { setWeight: 50 }, { bake: '5m' }]);
    expect(plan.steps[1]).toEqual({ kind: 'analysis', durationMs: 600_000 });
    expect(stepsOf(plan)[1]).toBe('analysis 10m (the judge compares the variants; ends early when all pass)');
    expect(plan.strategy).toBe('10%,analysis(10m),50%,5m,100%');
    expect(compilePlan(plan.strategy).steps).toEqual(plan.steps);
  });

  it('a bad duration names the step', () => {
    expect(thrown(() => compilePlan('10%,analysis(ten minutes)')).message).toMatch(/strategy\[1\]/);
  });
});

describe('explicit step lists that cannot be compiled', () => {
  it.each([
    [
      'a weight that goes down',
      '10%,5m,50%,5m,20%',
      'strategy[4]',
      'weight 20% is lower than the 50% before it',
    ],
    ['a step after 100%', '10%,100%,5m', 'strategy[2]', '5m comes after 100%'],
    ['a second 100%', '100%,100%', 'strategy[1]', '100% comes after 100%'],
    [
      'a weight above 100%',
      '10%,150%',
      'strategy[1]',
      '"150%" is not a weight; use a percentage from 0% to 100%',
    ],
    ['a negative weight', '-10%', 'strategy[0]', '"-10%" is not a weight'],
    ['a weight that is not a number', '10%,abc%', 'strategy[1]', '"abc%" is not a weight'],
    ['a bare percent sign', '%', 'strategy[0]', '"%" is not a weight'],
    [
      'an unknown step',
      '10%,wait,50%',
      'strategy[1]',
      '"wait" is not a step; use a weight like 10%, a bake like 5m',
    ],
    ['an empty step', '10%,,50%', 'strategy[1]', 'is an empty step'],
    ['a trailing comma', '10%,5m,', 'strategy[2]', 'is an empty step'],
  ])('rejects %s, naming the step', (_case, strategy, field, problem) => {
    expect(thrown(() => compilePlan(strategy))).toMatchObject({
      code: 'INVALID_PLAN',
      field,
      message: expect.stringContaining(`${field}: ${problem}`),
    });
  });

  it('tells the user to set the last bake with finalBake rather than after 100%', () => {
    expect(thrown(() => compilePlan('50%,100%,10m')).message).toContain('set that with finalBake');
  });

  it.each([
    ['words for units', '10%,5 minutes', 'strategy[1]'],
    ['a plain number', '10%,300,50%', 'strategy[1]'],
    ['units in the wrong order', '1m1h', 'strategy[0]'],
  ])('rejects a bake with %s, naming the step', (_case, strategy, field) => {
    expect(thrown(() => compilePlan(strategy))).toMatchObject({
      code: 'INVALID_DURATION',
      field,
      message: expect.stringContaining(`${field}: `),
    });
  });

  it('rejects an empty list', () => {
    expect(thrown(() => compilePlan([]))).toMatchObject({
      code: 'INVALID_PLAN',
      field: 'strategy',
      message: expect.stringContaining('strategy: is an empty step list'),
    });
  });

  it.each([
    ['a weight that goes down', [{ setWeight: 50 }, { setWeight: 20 }], 'strategy[1]', 'weight 20% is lower'],
    ['a step after 100%', [{ setWeight: 100 }, { pause: true }], 'strategy[1]', 'pause comes after 100%'],
    ['a weight above 100', [{ setWeight: 101 }], 'strategy[0]', '101 is not a weight'],
    ['a NaN weight', [{ setWeight: NaN }], 'strategy[0]', 'NaN is not a weight'],
    ['a weight given as text', [{ setWeight: '10' }], 'strategy[0]', '"10" is not a weight'],
    ['pause: false', [{ pause: false }], 'strategy[0]', 'pause must be true'],
    ['an unknown key', [{ setWeight: 10 }, { wait: '5m' }], 'strategy[1]', '{"wait":"5m"} is not a step'],
    [
      'two keys in one step',
      [{ setWeight: 10, bake: '5m' }],
      'strategy[0]',
      '{"setWeight":10,"bake":"5m"} is not a step',
    ],
    ['null', [null], 'strategy[0]', 'null is not a step'],
    ['text in place of an object', ['10%'], 'strategy[0]', '"10%" is not a step'],
  ])('rejects %s, naming the step', (_case, inputs, field, problem) => {
    expect(thrown(() => compilePlan(inputs as unknown as ExplicitStepInput[]))).toMatchObject({
      code: 'INVALID_PLAN',
      field,
      message: expect.stringContaining(`${field}: ${problem}`),
    });
  });

  it.each([
    ['a bake in words', { bake: '5 minutes' }],
    ['negative milliseconds', { bake: -1 }],
    ['a bake that is neither text nor a number', { bake: true }],
  ])('rejects %s as a duration, naming the step', (_case, input) => {
    expect(
      thrown(() => compilePlan([{ setWeight: 10 }, input] as unknown as ExplicitStepInput[])),
    ).toMatchObject({
      code: 'INVALID_DURATION',
      field: 'strategy[1]',
      message: expect.stringContaining('strategy[1]: '),
    });
  });
});
