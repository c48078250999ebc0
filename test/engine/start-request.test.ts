// Starting a rollout is validated once, at the edge: every bad field fails with its name and the
// fix, before anything in AWS is touched.
import {
  mergeStartRequest,
  validateStartRequest,
  type StartRolloutRequest,
} from '../../src/engine/start-request';
import { DEFAULT_CANDIDATE_ALARMS, HIGH_RESOLUTION_CANDIDATE_ALARMS } from '../../src/engine/alarm-rules';
import { thrown } from '../plan/thrown';

const VALID: StartRolloutRequest = {
  endpointName: 'churn-prod',
  modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/7',
  executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-exec',
};

const errorFor = (changes: Record<string, unknown>) =>
  thrown(() => validateStartRequest({ ...VALID, ...changes } as StartRolloutRequest));

const alarm = (suffix: string, metricName = 'Invocation5XXErrors') => ({
  suffix,
  metricName,
  statistic: 'Average',
  threshold: 0.05,
});

describe('validateStartRequest', () => {
  it('accepts a minimal request and fills in the defaults', () => {
    const valid = validateStartRequest(VALID);
    expect(valid).toMatchObject({
      endpointName: 'churn-prod',
      modelPackageArn: VALID.modelPackageArn,
      executionRoleArn: VALID.executionRoleArn,
      alarms: [],
      candidateAlarms: HIGH_RESOLUTION_CANDIDATE_ALARMS,
      candidate: {},
      maxDurationMs: 4 * 3_600_000,
      requestedBy: 'unknown',
    });
    expect(valid.plan.strategy).toBe('Canary10Percent5Minutes');
  });

  it('names no candidate alarms: gets the defaults (error rate and p99 latency); [] opts out; unguarded gets none', () => {
    expect(
      validateStartRequest(VALID).candidateAlarms.map((a) => [
        a.suffix,
        a.metricName,
        a.statistic,
        a.threshold,
      ]),
    ).toEqual([
      ['5xx-rate', 'Invocation5XXErrors', 'Average', 0.1],
      ['p99-latency', 'ModelLatency', 'p99', 1_000_000],
    ]);
    expect(validateStartRequest({ ...VALID, candidateAlarms: [] }).candidateAlarms).toEqual([]);
    expect(validateStartRequest({ ...VALID, allowUnguarded: true }).candidateAlarms).toEqual([]);
    expect(validateStartRequest({ ...VALID, alarms: ['churn-5xx'] }).candidateAlarms).toHaveLength(2);
    // Each request gets its own copies.
    const first = validateStartRequest(VALID).candidateAlarms;
    first[0]!.threshold = 0.5;
    expect(validateStartRequest(VALID).candidateAlarms[0]!.threshold).toBe(0.1);
  });

  it('enhancedMetrics: false gets the one-minute default alarms; overriding it swaps default alarms, never written ones', () => {
    const oneMinute = validateStartRequest({ ...VALID, enhancedMetrics: false });
    expect(oneMinute).toMatchObject({ enhancedMetrics: false, candidateAlarms: DEFAULT_CANDIDATE_ALARMS });
    expect(validateStartRequest(VALID).candidateAlarms.map((a) => a.periodSeconds)).toEqual([30, 30]);
    expect(mergeStartRequest(validateStartRequest(VALID), { enhancedMetrics: false })).toMatchObject({
      enhancedMetrics: false,
      candidateAlarms: DEFAULT_CANDIDATE_ALARMS,
    });
    expect(mergeStartRequest(oneMinute, { enhancedMetrics: true }).candidateAlarms).toEqual(
      HIGH_RESOLUTION_CANDIDATE_ALARMS,
    );
    const written = [{ ...HIGH_RESOLUTION_CANDIDATE_ALARMS[0]!, threshold: 0.1 }];
    const own = validateStartRequest({ ...VALID, candidateAlarms: written });
    expect(mergeStartRequest(own, { enhancedMetrics: false }).candidateAlarms).toEqual(written);
  });

  it('accepts GovCloud/China partitions, explicit step lists and de-duplicates alarms', () => {
    const valid = validateStartRequest({
      ...VALID,
      modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model/12',
      executionRoleArn: 'arn:aws-us-gov:iam::123456789012:role/service-role/exec',
      strategy: '10%,5m,pause,50%,10m',
      alarms: ['churn-5xx', 'churn-5xx', 'churn-latency'],
      candidateAlarms: [alarm('5xx'), alarm('p99', 'ModelLatency')],
    });
    expect(valid.alarms).toEqual(['churn-5xx', 'churn-latency']);
    expect(valid.plan.steps.some((s) => s.kind === 'pause')).toBe(true);
    expect(valid.candidateAlarms.map((a) => a.suffix)).toEqual(['5xx', 'p99']);
  });

  it.each([
    ['an underscore', 'churn_prod'],
    ['a leading hyphen', '-churn'],
    ['an empty name', ''],
    ['a 64-character name', 'e'.repeat(64)],
  ])('rejects an endpoint name with %s, naming the field and the rule', (_, endpointName) => {
    const error = errorFor({ endpointName });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('endpointName');
    expect(error.message).toMatch(/^endpointName: /);
    expect(error.message).toMatch(/1–63 letters, digits and hyphens/);
  });

  it('rejects an endpoint ARN and says to use the name instead', () => {
    const error = errorFor({ endpointName: 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/churn-prod' });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('endpointName');
    expect(error.message).toMatch(/endpoint name.*not its ARN/);
  });

  it.each([
    ['unversioned', 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model'],
    ['a group ARN', 'arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/churn-model'],
    ['a bare name', 'churn-model/7'],
  ])('rejects a model package ARN that is %s, showing a versioned example', (_, modelPackageArn) => {
    const error = errorFor({ modelPackageArn });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('modelPackageArn');
    expect(error.message).toMatch(/^modelPackageArn: use a versioned model package ARN/);
    expect(error.message).toMatch(/model-package\/churn-model\/7/);
  });

  it.each([
    ['a role name', 'sagemaker-exec'],
    ['a user ARN', 'arn:aws:iam::123456789012:user/bob'],
    ['a short account id', 'arn:aws:iam::1234:role/sagemaker-exec'],
  ])('rejects %s as the execution role, showing a role ARN example', (_, executionRoleArn) => {
    const error = errorFor({ executionRoleArn });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('executionRoleArn');
    expect(error.message).toMatch(/^executionRoleArn: use an IAM role ARN/);
    expect(error.message).toContain('arn:aws:iam::111122223333:role/');
  });

  it.each([
    ['an unknown preset', 'bogus', /not a known strategy; use a preset \(AllAtOnce, Canary10Percent5Minutes/],
    ['an out-of-range canary', 'canary(150, 5m)', /canary percent must be more than 0 and less than 100/],
  ])('rejects %s with INVALID_PLAN naming the strategy field', (_, strategy, fix) => {
    const error = errorFor({ strategy });
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.field).toBe('strategy');
    expect(error.message).toMatch(/^strategy: /);
    expect(error.message).toMatch(fix);
  });

  it('rejects a bad explicit step with the index of the step', () => {
    const error = errorFor({ strategy: [{ setWeight: 10 }, { bogus: 1 }] });
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.field).toBe('strategy[1]');
    expect(error.message).toMatch(/is not a step; use \{ setWeight: 10 \}/);
  });

  it.each([
    ['shorter than', 'Canary10Percent30Minutes', '30m', '40 min'],
    ['equal to', 'Canary10Percent5Minutes', '15m', '15 min'],
  ])('rejects a maxDuration %s the bakes, naming both and the fix', (_, strategy, maxDuration, bakes) => {
    const error = errorFor({ strategy, maxDuration });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('maxDuration');
    expect(error.message).toContain(
      `maxDuration: ${maxDuration} is not longer than the plan's bakes alone (${bakes})`,
    );
    expect(error.message).toMatch(/raise maxDuration or shorten the strategy/);
  });

  it('accepts a maxDuration just longer than the bakes', () => {
    expect(validateStartRequest({ ...VALID, maxDuration: '16m' }).maxDurationMs).toBe(16 * 60_000);
  });

  it('rejects a maxDuration that is not a duration with INVALID_DURATION and examples', () => {
    const error = errorFor({ maxDuration: 'soon' });
    expect(error.code).toBe('INVALID_DURATION');
    expect(error.field).toBe('maxDuration');
    expect(error.message).toMatch(/e\.g\. 90s, 5m/);
  });

  it('rejects a candidate alarm suffix used twice, naming the suffix', () => {
    const error = errorFor({ candidateAlarms: [alarm('errors'), alarm('errors', 'ModelLatency')] });
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('candidateAlarms');
    expect(error.message).toBe('candidateAlarms: suffix "errors" is used twice');
  });

  it('points into nested fields: a bad alarm suffix and a bad instance type', () => {
    const suffix = errorFor({ candidateAlarms: [alarm('5xx'), alarm('Bad_Suffix')] });
    expect(suffix.field).toBe('candidateAlarms[1].suffix');
    expect(suffix.message).toMatch(/^candidateAlarms\[1\]\.suffix: use 1–32 lowercase letters/);
    const instance = errorFor({ candidate: { instanceType: 'm5.large' } });
    expect(instance.field).toBe('candidate.instanceType');
    expect(instance.message).toMatch(/like ml\.m5\.large/);
  });

  it('says how to fix a missing, empty or wrongly typed field', () => {
    const missing = thrown(() => validateStartRequest({ ...VALID, endpointName: undefined } as never));
    expect(missing.field).toBe('endpointName');
    expect(missing.message).toMatch(/endpoint name/);
    const empty = errorFor({ strategy: '' });
    expect(empty.field).toBe('strategy');
    expect(empty.message).toMatch(/Canary10Percent5Minutes/);
    const wrongType = errorFor({ strategy: 7 });
    expect(wrongType.message).toMatch(/Canary10Percent5Minutes/);
  });
});

describe('mergeStartRequest', () => {
  const base = validateStartRequest({
    ...VALID,
    strategy: 'Canary10Percent5Minutes',
    finalBake: '20m',
    alarms: ['churn-5xx'],
    candidateAlarms: [alarm('5xx')],
    candidate: { instanceType: 'ml.m5.large', instanceCount: 2 },
    maxDuration: '2h',
    requestedBy: 'policy',
  });
  const finalBakeOf = (request: { plan: { steps: { kind: string; durationMs?: number }[] } }) =>
    request.plan.steps.at(-1)!.durationMs;

  it('without overrides is the base, untouched', () => {
    expect(mergeStartRequest(base, {})).toEqual(base);
  });

  it('without a base validates the overrides as the whole request, with the same errors', () => {
    expect(mergeStartRequest(undefined, VALID)).toEqual(validateStartRequest(VALID));
    const missing = thrown(() => mergeStartRequest(undefined, { endpointName: 'churn-prod' }));
    expect(missing.field).toBe('modelPackageArn');
    expect(missing.message).toMatch(/^modelPackageArn: is required; give a versioned model package ARN/);
  });

  it('a strategy override keeps the base final bake; a final bake override alone replaces it', () => {
    const strategy = mergeStartRequest(base, { strategy: '10%,5m,pause,50%' });
    expect(strategy.plan.strategy).toBe('10%,5m,pause,50%');
    expect(finalBakeOf(strategy)).toBe(20 * 60_000);
    const finalBake = mergeStartRequest(base, { finalBake: '3m' });
    expect(finalBake.plan.steps.slice(0, -1)).toEqual(base.plan.steps.slice(0, -1));
    expect(finalBakeOf(finalBake)).toBe(3 * 60_000);
    expect(finalBakeOf(mergeStartRequest(base, { strategy: 'AllAtOnce', finalBake: '1m' }))).toBe(60_000);
  });

  it('lays alarms, role, time limit and instance settings over the base', () => {
    const merged = mergeStartRequest(base, {
      alarms: ['a', 'a', 'b'],
      executionRoleArn: 'arn:aws:iam::123456789012:role/other',
      maxDuration: '3h',
      candidate: { instanceCount: 4 },
      requestedBy: 'alice',
    });
    expect(merged).toMatchObject({
      alarms: ['a', 'b'],
      candidateAlarms: base.candidateAlarms,
      executionRoleArn: 'arn:aws:iam::123456789012:role/other',
      maxDurationMs: 3 * 3_600_000,
      candidate: { instanceType: 'ml.m5.large', instanceCount: 4 },
      requestedBy: 'alice',
      plan: base.plan,
    });
    expect(mergeStartRequest(base, { alarms: undefined }).alarms).toEqual(['churn-5xx']);
  });

  it('checks only what the overrides give, with the texts validateStartRequest uses', () => {
    const strategy = thrown(() => mergeStartRequest(base, { strategy: 'bogus' }));
    expect(strategy.code).toBe('INVALID_PLAN');
    expect(strategy.field).toBe('strategy');
    const finalBake = thrown(() => mergeStartRequest(base, { finalBake: 'soon' }));
    expect(finalBake.code).toBe('INVALID_DURATION');
    expect(finalBake.field).toBe('finalBake');
    const role = thrown(() => mergeStartRequest(base, { executionRoleArn: 'sagemaker-exec' }));
    expect(role.field).toBe('executionRoleArn');
    expect(role.message).toMatch(/^executionRoleArn: use an IAM role ARN/);
    const instance = thrown(() => mergeStartRequest(base, { candidate: { instanceType: 'm5.large' } }));
    expect(instance.field).toBe('candidate.instanceType');
  });

  it('then checks the whole: maxDuration outlasts the bakes, alarm suffixes are distinct', () => {
    const given = thrown(() => mergeStartRequest(base, { maxDuration: '25m' }));
    expect(given.field).toBe('maxDuration');
    expect(given.message).toContain("maxDuration: 25m is not longer than the plan's bakes alone (25 min)");
    const fromBase = thrown(() => mergeStartRequest(base, { strategy: 'linear(10, 15m)' }));
    expect(fromBase.field).toBe('maxDuration');
    expect(fromBase.message).toContain("maxDuration: 2h is not longer than the plan's bakes alone (155 min)");
    const suffix = thrown(() => mergeStartRequest(base, { candidateAlarms: [alarm('x'), alarm('x')] }));
    expect(suffix.message).toBe('candidateAlarms: suffix "x" is used twice');
  });
});
