// Plans compiled for engine: native — the DeploymentConfig of one UpdateEndpoint (SageMaker deployment
// guardrails) — and the plans guardrails cannot express, refused naming the step and the limit.

import {
  compileNativeDeployment,
  compilePlan,
  describeNativeDeployment,
  type NativeCompileInput,
  type NativeCompileResult,
} from '../../src/plan';
import { deploymentConfigInput, planBlueGreen } from '../../src/sim/guardrails';

const ABORT = 'sm-rollout-abort-r-123';
const TEAM_ALARMS = ['churn-prod-5xx', 'churn-prod-p99-latency'];

function compile(
  strategy: Parameters<typeof compilePlan>[0],
  options: Partial<Omit<NativeCompileInput, 'plan'>> & { finalBake?: string } = {},
): NativeCompileResult {
  const { finalBake, ...rest } = options;
  return compileNativeDeployment({
    plan: compilePlan(strategy, finalBake === undefined ? {} : { finalBake }),
    alarms: TEAM_ALARMS,
    abortAlarmName: ABORT,
    ...rest,
  });
}

function config(result: NativeCompileResult) {
  if (!result.ok) throw new Error(`expected a config, got ${JSON.stringify(result.problems)}`);
  return result.deploymentConfig;
}

function problems(result: NativeCompileResult) {
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.deploymentConfig)}`);
  return result.problems;
}

describe('plans guardrails can run', () => {
  it.each([
    // strategy, final bake, routing, termination wait, timeout (waits + 1h to provision, no maxDuration)
    ['AllAtOnce', undefined, { type: 'ALL_AT_ONCE', waitIntervalInSeconds: 600 }, 0, 600 + 3600],
    ['allAtOnce(15m)', undefined, { type: 'ALL_AT_ONCE', waitIntervalInSeconds: 900 }, 0, 900 + 3600],
    [
      'Canary10Percent5Minutes',
      undefined,
      { type: 'CANARY', waitIntervalInSeconds: 300, canarySize: { type: 'CAPACITY_PERCENT', value: 10 } },
      // final bake 10m: 5m final baking period + 5m termination wait
      300,
      300 * 2 + 300 + 3600,
    ],
    [
      'Canary10Percent30Minutes',
      undefined,
      { type: 'CANARY', waitIntervalInSeconds: 1800, canarySize: { type: 'CAPACITY_PERCENT', value: 10 } },
      // final bake 10m is shorter than the 30m baking period SageMaker holds after the last shift
      0,
      1800 * 2 + 3600,
    ],
    [
      'canary(25, 10m)',
      '40m',
      { type: 'CANARY', waitIntervalInSeconds: 600, canarySize: { type: 'CAPACITY_PERCENT', value: 25 } },
      1800,
      600 * 2 + 1800 + 3600,
    ],
    [
      'Linear10PercentEvery1Minute',
      undefined,
      { type: 'LINEAR', waitIntervalInSeconds: 60, linearStepSize: { type: 'CAPACITY_PERCENT', value: 10 } },
      540,
      60 * 10 + 540 + 3600,
    ],
    [
      // 30, 60, 90, then the last 10%: guardrails' LINEAR ends the same way
      'linear(30, 2m)',
      '2m',
      { type: 'LINEAR', waitIntervalInSeconds: 120, linearStepSize: { type: 'CAPACITY_PERCENT', value: 30 } },
      0,
      120 * 4 + 3600,
    ],
    [
      // a linear of 50% is one canary step
      'linear(50, 5m)',
      undefined,
      { type: 'CANARY', waitIntervalInSeconds: 300, canarySize: { type: 'CAPACITY_PERCENT', value: 50 } },
      300,
      300 * 2 + 300 + 3600,
    ],
  ])('%s (final bake %s)', (strategy, finalBake, trafficRouting, terminationWait, timeout) => {
    expect(config(compile(strategy, finalBake === undefined ? {} : { finalBake }))).toEqual({
      blueGreen: {
        trafficRouting,
        terminationWaitInSeconds: terminationWait,
        maximumExecutionTimeoutInSeconds: timeout,
      },
      autoRollbackAlarms: [...TEAM_ALARMS, ABORT],
    });
  });

  it('compiles an explicit step list that has a canary shape to CANARY', () => {
    const routing = config(compile('20%,15m,100%')).blueGreen!.trafficRouting;
    expect(routing).toEqual({
      type: 'CANARY',
      waitIntervalInSeconds: 900,
      canarySize: { type: 'CAPACITY_PERCENT', value: 20 },
    });
  });

  it('compiles an explicit step list of equal steps and equal bakes to LINEAR, also given as data', () => {
    const asText = config(compile('25%,3m,50%,3m,75%,3m'));
    const asData = config(
      compile([
        { setWeight: 25 },
        { bake: '3m' },
        { setWeight: 50 },
        { bake: 180_000 },
        { setWeight: 75 },
        { bake: '3m' },
      ]),
    );
    expect(asText).toEqual(asData);
    expect(asText.blueGreen!.trafficRouting).toEqual({
      type: 'LINEAR',
      waitIntervalInSeconds: 180,
      linearStepSize: { type: 'CAPACITY_PERCENT', value: 25 },
    });
  });

  it('adds up bakes in a row and ignores a repeated weight (it moves nothing)', () => {
    const routing = config(compile('10%,2m,3m,10%,5m,100%')).blueGreen!.trafficRouting;
    expect(routing).toEqual({
      type: 'CANARY',
      waitIntervalInSeconds: 600,
      canarySize: { type: 'CAPACITY_PERCENT', value: 10 },
    });
  });

  it("takes the policy's maxDuration as the deployment timeout, capped at the API's 8 hours", () => {
    const fourHours = 4 * 3600_000;
    expect(
      config(compile('Canary10Percent5Minutes', { maxDurationMs: fourHours })).blueGreen!
        .maximumExecutionTimeoutInSeconds,
    ).toBe(14_400);
    expect(
      config(compile('Canary10Percent5Minutes', { maxDurationMs: 24 * 3600_000 })).blueGreen!
        .maximumExecutionTimeoutInSeconds,
    ).toBe(28_800);
    // never under the API's 600 s minimum
    expect(
      config(compile('allAtOnce(1m)', { finalBake: '1m', maxDurationMs: 5 * 60_000 })).blueGreen!
        .maximumExecutionTimeoutInSeconds,
    ).toBe(600);
  });

  it('lists the abort alarm once, after the policy alarms, and alone when the policy has none', () => {
    expect(config(compile('AllAtOnce', { alarms: [] })).autoRollbackAlarms).toEqual([ABORT]);
    expect(config(compile('AllAtOnce', { alarms: [ABORT, 'a'] })).autoRollbackAlarms).toEqual([ABORT, 'a']);
  });

  it('rounds a part-second bake up to whole seconds (a bake is a minimum hold)', () => {
    expect(config(compile('allAtOnce(1500ms)')).blueGreen!.trafficRouting.waitIntervalInSeconds).toBe(2);
  });

  it('accepts a canary of exactly one instance when the instance count is known', () => {
    expect(compile('Canary10Percent5Minutes', { instanceCount: 10 }).ok).toBe(true);
    expect(compile('canary(50, 5m)', { instanceCount: 2 }).ok).toBe(true);
    expect(compile('AllAtOnce', { instanceCount: 1 }).ok).toBe(true);
  });
});

describe('plans guardrails cannot express are refused, naming the step, the limit and the fix', () => {
  it.each([
    ['5%,10m,pause,50%,10m', 3, 'strategy', /pause \(manual gate\).*promote.*engine: stepwise/],
    ['10%,analysis(10m),100%', 2, 'strategy', /analysis.*one variant name.*bake of 10m/],
    ['10%,2h,100%', 2, 'strategy', /bake of 2h.*WaitIntervalInSeconds.*3600 s/],
    ['canary(60, 5m)', 1, 'strategy', /60% canary.*at most 50%/],
    ['canary(2.5, 5m)', 1, 'strategy', /2\.5%.*whole percent.*use 3%/],
    ['linear(5, 1m)', 1, 'strategy', /linear steps of 5%.*10–50%/],
    ['10%,1m,20%,2m,30%,1m', 4, 'strategy', /bake of 2m differs.*equal/],
    ['10%,1m,30%,1m,100%', 3, 'strategy', /30% does not continue equal steps of 10% \(20% expected\)/],
    ['10%,1m,20%,1m,100%', 5, 'strategy', /jump from 20% to 100%/],
    ['5m,10%,5m,100%', 1, 'strategy', /bake before any traffic/],
    ['0%,10%,5m,100%', 1, 'strategy', /0% step/],
    ['allAtOnce(2h)', 2, 'finalBake', /bake of 2h.*3600 s/],
  ])('%s: step %i (%s)', (strategy, step, field, message) => {
    const [problem, ...more] = problems(compile(strategy));
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ step, field });
    expect(problem!.message).toMatch(message);
    expect(problem!.message).toMatch(new RegExp(`^step ${step}: `));
  });

  it('refuses a final bake beyond the final baking period plus the 1h termination wait', () => {
    const [problem] = problems(compile('Canary10Percent5Minutes', { finalBake: '2h' }));
    expect(problem).toMatchObject({ step: 4, field: 'finalBake' });
    expect(problem!.message).toMatch(/TerminationWaitInSeconds, max 3600 s.*set finalBake to 1h5m or less/);
  });

  it('refuses a plan whose waits reach the 8-hour MaximumExecutionTimeoutInSeconds', () => {
    // 10 shifts × 50m of bakes = 8h20m
    const [problem] = problems(compile('linear(10, 50m)', { finalBake: '50m' }));
    expect(problem).toMatchObject({ field: 'strategy' });
    expect(problem!.step).toBeUndefined();
    expect(problem!.message).toMatch(/waits 8h20m in all.*28800 s/);
  });

  it('refuses a maxDuration the waits alone would outlast', () => {
    const [problem] = problems(compile('Canary10Percent30Minutes', { maxDurationMs: 30 * 60_000 }));
    expect(problem).toMatchObject({ field: 'maxDuration' });
    expect(problem!.message).toMatch(/maxDuration: 30m is not longer than the deployment's waits \(1h\)/);
  });

  it('counts the abort alarm among the 10 AutoRollbackConfiguration takes', () => {
    const nine = Array.from({ length: 9 }, (_, i) => `alarm-${i}`);
    expect(config(compile('AllAtOnce', { alarms: nine })).autoRollbackAlarms).toHaveLength(10);
    const [problem] = problems(compile('AllAtOnce', { alarms: [...nine, 'alarm-9'] }));
    expect(problem).toMatchObject({ field: 'alarms' });
    expect(problem!.step).toBeUndefined();
    expect(problem!.message).toMatch(/10 alarms plus the controller's abort alarm .* make 11; .*at most 10/);
  });

  it('reports every problem at once: the alarms and each step', () => {
    const many = Array.from({ length: 10 }, (_, i) => `alarm-${i}`);
    const found = problems(compile('5%,10m,pause,analysis(5m),100%', { alarms: many }));
    expect(found.map((p) => [p.field, p.step])).toEqual([
      ['strategy', 3],
      ['strategy', 4],
      ['alarms', undefined],
    ]);
  });

  it('refuses a canary smaller than one instance once the instance count is known', () => {
    const [problem] = problems(compile('Canary10Percent5Minutes', { instanceCount: 5 }));
    expect(problem).toMatchObject({ step: 1, field: 'strategy' });
    expect(problem!.message).toMatch(
      /^step 1: a 10% canary of 5 instances is 0\.5 of an instance, .*= 1 at a time\), so SageMaker would move 20\/100% where the plan says 10\/100%; .*e\.g\. canary\(20, …\)/,
    );
  });

  it('refuses linear steps smaller than one instance once the instance count is known', () => {
    const [problem] = problems(compile('Linear10PercentEvery1Minute', { instanceCount: 3 }));
    expect(problem).toMatchObject({ step: 1, field: 'strategy' });
    expect(problem!.message).toMatch(
      /10% linear step of 3 instances .*SageMaker would move 33\.3\/66\.7\/100%/,
    );
  });

  it('does not suggest a size guardrails would refuse (one instance of one is 100%)', () => {
    const [problem] = problems(compile('canary(50, 5m)', { instanceCount: 1 }));
    expect(problem!.message).not.toMatch(/e\.g\./);
    expect(problem!.message).toMatch(/run the endpoint on more instances/);
  });
});

describe('with the instance count known, sizes are the whole instances guardrails shifts', () => {
  it('refuses linear(30) on 5 instances: SageMaker moves one instance a step, 5 shifts of 20%, not 30/60/90/100', () => {
    const [problem] = problems(compile('linear(30, 10m)', { instanceCount: 5 }));
    expect(problem).toMatchObject({ step: 1, field: 'strategy' });
    expect(problem!.message).toBe(
      'step 1: a 30% linear step of 5 instances is 1.5 instances, and guardrails shifts whole instances ' +
        '(max(1, floor(30% × 5)) = 1 at a time), so SageMaker would move 20/40/60/80/100% where the plan says ' +
        '30/60/90/100%; use a linear step that is whole instances of 5 instances, e.g. linear(20, …), ' +
        'or use engine: stepwise (the controller moves the weights itself)',
    );
  });

  it('compiles an exact fit as INSTANCE_COUNT and counts the shifts SageMaker makes for the timeout', () => {
    // linear(20) on 5: one instance a step, 5 shifts; canary(25) on 8: 2 instances, then the rest.
    const linear = compile('linear(20, 10m)', { instanceCount: 5, finalBake: '10m' });
    expect(linear).toMatchObject({ ok: true, shiftPercents: [20, 40, 60, 80, 100] });
    const routing = config(linear).blueGreen!;
    expect(routing.trafficRouting.linearStepSize).toEqual({ type: 'INSTANCE_COUNT', value: 1 });
    expect(routing.maximumExecutionTimeoutInSeconds).toBe(600 * 5 + 3600);
    const canary = compile('canary(25, 5m)', { instanceCount: 8 });
    expect(canary).toMatchObject({ ok: true, shiftPercents: [25, 100] });
    expect(config(canary).blueGreen!.trafficRouting.canarySize).toEqual({ type: 'INSTANCE_COUNT', value: 2 });
    // linear(30) on 10 instances: 3 at a time, 30/60/90/100 as the plan says.
    expect(compile('linear(30, 2m)', { instanceCount: 10 })).toMatchObject({
      ok: true,
      shiftPercents: [30, 60, 90, 100],
    });
  });

  it('the config the engine sends is one the simulated guardrails accepts (its timeout covers every shift)', () => {
    const linear = config(compile('linear(20, 10m)', { instanceCount: 5, maxDurationMs: 3 * 3600_000 }));
    const plan = planBlueGreen(deploymentConfigInput(linear), [
      { variantName: 'AllTraffic', instanceCount: 5 },
    ]);
    expect(plan.shifts.map((s) => s.active['AllTraffic'])).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('describeNativeDeployment (what `plan --engine native` prints)', () => {
  it('says what the final bake becomes: final baking period, then the termination wait', () => {
    const plan = compilePlan('Canary10Percent5Minutes');
    const result = compileNativeDeployment({ plan, alarms: TEAM_ALARMS, abortAlarmName: ABORT });
    expect(describeNativeDeployment(config(result), plan)).toEqual([
      'traffic routing  CANARY: 10% of capacity first (CanarySize CAPACITY_PERCENT 10), then the rest',
      "instances        at start the size becomes whole instances of the N serving (INSTANCE_COUNT max(1, floor(10% × N))); start refuses if those shifts are not the plan's percents",
      'bake             5m after every shift, the last included, alarms watched (WaitIntervalInSeconds 300)',
      'termination wait 5m more with the old fleet kept, alarms still watched (TerminationWaitInSeconds 300)',
      'timeout          1h15m (MaximumExecutionTimeoutInSeconds 4500)',
      `alarms           churn-prod-5xx, churn-prod-p99-latency, ${ABORT} (AutoRollbackConfiguration; any in ALARM rolls back)`,
    ]);
  });

  it('names whole instances once the count is known', () => {
    const plan = compilePlan('linear(20, 10m)');
    const result = compileNativeDeployment({ plan, alarms: [], abortAlarmName: ABORT, instanceCount: 10 });
    const lines = describeNativeDeployment(config(result), plan);
    expect(lines[0]).toBe('traffic routing  LINEAR: steps of 2 instances (LinearStepSize INSTANCE_COUNT 2)');
    expect(lines.join('\n')).not.toContain('at start the size becomes');
  });

  it('says when the final bake is held longer than asked', () => {
    const plan = compilePlan('Canary10Percent30Minutes');
    const result = compileNativeDeployment({ plan, alarms: [], abortAlarmName: ABORT });
    expect(describeNativeDeployment(config(result), plan)).toContain(
      "final bake       10m asked, 30m held: SageMaker's final baking period is the same WaitIntervalInSeconds",
    );
  });
});
