// Plans compiled into an inference component's RollingUpdatePolicy: what the API can express becomes
// equal batches of whole copies, each baked, with the alarms; what it cannot is refused naming the step
// and the limit.
import { compileInferenceComponentUpdate, compilePlan } from '../../src/plan';
import type { InferenceComponentCompileResult } from '../../src/plan';

const ALARMS = ['chat-5xx', 'chat-p99-latency'];
const ABORT = 'sm-rollout-abort-r-1234';

function compile(
  strategy: string,
  copyCount = 10,
  alarms = ALARMS,
  finalBake?: string,
): InferenceComponentCompileResult {
  return compileInferenceComponentUpdate({
    plan: compilePlan(strategy, finalBake === undefined ? {} : { finalBake }),
    copyCount,
    alarms,
    abortAlarmName: ABORT,
  });
}

function problemsOf(result: InferenceComponentCompileResult): string[] {
  return result.ok
    ? []
    : result.problems.map((p) => `${p.field}${p.step === undefined ? '' : ` #${p.step}`}: ${p.message}`);
}

describe('plans a rolling update can express', () => {
  it.each([
    // strategy, copies → batch copies, wait s, batches, timeout s
    ['Linear10PercentEvery1Minute', 10, 1, 60, 10, 9600],
    ['Linear10PercentEvery10Minutes', 20, 2, 600, 10, 15000],
    ['linear(25, 5m)', 8, 2, 300, 4, 4800],
    ['linear(50, 30m)', 4, 2, 1800, 2, 5400],
    ['Canary10Percent5Minutes', 10, 1, 300, 10, 12000],
    ['canary(20, 1h)', 5, 1, 3600, 5, 22500],
    ['canary(25, 10s)', 4, 1, 10, 4, 3640],
  ])(
    '%s on %i copies: batches of %i copies, baked %i s, %i batches, timeout %i s',
    (strategy, copies, batch, wait, batches, timeout) => {
      const result = compile(strategy, copies);
      expect(problemsOf(result)).toEqual([]);
      if (!result.ok) return;
      expect(result.rollingUpdate).toEqual({
        maximumBatchSize: { type: 'COPY_COUNT', value: batch },
        waitIntervalInSeconds: wait,
        maximumExecutionTimeoutInSeconds: timeout,
        rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
      });
      expect(result.batches).toBe(batches);
    },
  );

  it('lists the policy alarms and the abort alarm, and hands the final bake to the controller', () => {
    const result = compile('Canary10Percent5Minutes', 10, ALARMS, '15m');
    expect(result).toMatchObject({
      ok: true,
      autoRollbackAlarms: ['chat-5xx', 'chat-p99-latency', ABORT],
      finalBakeMs: 15 * 60_000,
    });
  });

  it('says where the update differs from the plan: a canary continues in batches of its size, percents round to copies', () => {
    const canary = compile('Canary10Percent5Minutes', 10);
    expect(canary.ok && canary.notes).toEqual([
      'step 3 setWeight(100): SageMaker moves from 10% to 100% in batches of 10%, each baked 300 s (a rolling update has one batch size)',
      'the final bake (600 s) is held by the controller after the last batch; an alarm then rolls the component back with a second rolling update',
    ]);
    const rounded = compile('linear(25, 5m)', 6);
    expect(rounded.ok && rounded.notes[0]).toBe('25% of 6 copies is 1 copy per batch (16.7%)');
    // Rounding down never falls below the API's 5%: 5% of 30 copies is 1.5 → 2 copies, not 1.
    const small = compile('linear(5, 1m)', 30);
    expect(small.ok && small.rollingUpdate.maximumBatchSize).toEqual({ type: 'COPY_COUNT', value: 2 });
  });

  it('accepts an explicit step list whose steps are multiples of the first, equally baked', () => {
    const result = compile('20%,2m,40%,2m,80%,2m,100%', 10);
    expect(problemsOf(result)).toEqual([]);
    expect(result.ok && result.rollingUpdate.maximumBatchSize).toEqual({ type: 'COPY_COUNT', value: 2 });
  });
});

describe('plans a rolling update cannot express', () => {
  it.each([
    [
      'AllAtOnce',
      10,
      /#1: step 1 setWeight\(100\): a rolling update moves at most 50% of the copies per batch/,
    ],
    [
      'canary(60, 5m)',
      10,
      /#1: step 1 setWeight\(60\): MaximumBatchSize must be between 5% and 50% of the copy count/,
    ],
    ['canary(2, 5m)', 100, /#1: step 1 setWeight\(2\): MaximumBatchSize must be between 5% and 50%/],
    ['canary(12.5, 5m)', 8, /#1: step 1 setWeight\(12.5\): a batch is a whole percent/],
    [
      'Canary10Percent5Minutes',
      4,
      /#1: step 1 setWeight\(10\): 10% of 4 copies is less than one copy, and the smallest batch is one copy \(25%\)/,
    ],
    ['linear(10, 2h)', 10, /#1: step 1: the bake of 7200 s is over WaitIntervalInSeconds' 3600 s/],
    [
      'linear(5, 30m)',
      20,
      /^strategy: 20 batches baked 1800 s each is 36000 s, over MaximumExecutionTimeoutInSeconds' 28800 s/,
    ],
    ['canary(25, 5m)', 1, /^inferenceComponent: the component runs 1 copy; .* it needs 2 or more/],
  ])('%s on %i copies', (strategy, copies, message) => {
    const problems = problemsOf(compile(strategy, copies));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('refuses a manual gate, an analysis and unequal bakes, naming each step', () => {
    const result = compile('10%,5m,pause,20%,analysis(10m),30%,1m,100%', 10);
    expect(problemsOf(result)).toEqual([
      'strategy #3: step 3 pause: a rolling update of an inference component has no manual gate (SageMaker moves every batch itself); remove the pause, or bake instead and let the alarms decide',
      "strategy #5: step 5 analysis: the judge cannot hold a SageMaker rolling update between batches; use a bake of the same length (the rollback alarms are watched during each batch's bake)",
      'strategy #4: step 4 setWeight(20) bakes 0 s, step 1 300 s: a rolling update bakes every batch the same WaitIntervalInSeconds; give every step the same bake',
      'strategy #6: step 6 setWeight(30) bakes 60 s, step 1 300 s: a rolling update bakes every batch the same WaitIntervalInSeconds; give every step the same bake',
    ]);
  });

  it('refuses steps that are not multiples of the first batch', () => {
    const result = compile('10%,1m,25%,1m,100%', 20);
    expect(problemsOf(result)).toEqual([
      "strategy #3: step 3 setWeight(25): a rolling update moves in equal batches of the first step's 10% (one MaximumBatchSize); use multiples of 10%",
    ]);
  });

  it('refuses more than ten rollback alarms with the abort alarm', () => {
    const alarms = Array.from({ length: 10 }, (_, i) => `team-alarm-${i}`);
    expect(problemsOf(compile('Linear10PercentEvery1Minute', 10, alarms))).toEqual([
      "alarms: 11 alarms with the controller's abort alarm; AutoRollbackConfiguration takes at most 10: combine some into a composite alarm",
    ]);
  });
});
