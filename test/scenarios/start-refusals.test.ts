// A rollout that cannot start is refused with a clear error code and field, before anything in AWS
// changes: no Create*, Update*, Delete* or Put* call, and no rollout record holding the endpoint.
import { isSmRolloutError } from '../../src/errors';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_GROUP,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { validateStartRequest, type StartRolloutRequest } from '../../src/engine/start-request';
import { ENDPOINT, MUTATING_CALL, ORIGINAL_CONFIG, startScenario } from './harness';

async function expectRefused(
  env: SimulatedEnvironment,
  request: Partial<StartRolloutRequest>,
  expected: { code: string; field?: string; message?: RegExp },
): Promise<void> {
  const callsBefore = env.sim.calls.length;
  const rolloutsBefore = (await env.store.list()).length;
  let error: unknown;
  try {
    await env.engine.start(
      validateStartRequest({
        endpointName: ENDPOINT,
        modelPackageArn: env.approveNewVersion(HEALTHY_MODEL),
        executionRoleArn: DEMO_ROLE,
        strategy: 'Canary10Percent5Minutes',
        candidateAlarms: DEMO_CANDIDATE_ALARMS,
        requestedBy: 'scenario-test',
        ...request,
      }),
    );
  } catch (e) {
    error = e;
  }
  expect(isSmRolloutError(error)).toBe(true);
  expect(error).toMatchObject({ code: expected.code, ...(expected.field ? { field: expected.field } : {}) });
  if (expected.message) expect((error as Error).message).toMatch(expected.message);
  const changes = env.sim.calls.slice(callsBefore).filter((c) => MUTATING_CALL.test(c.operation));
  expect(changes).toEqual([]);
  expect((await env.store.list()).length).toBe(rolloutsBefore);
  expect(env.sim.endpoint(ENDPOINT)?.endpointConfigName ?? ORIGINAL_CONFIG).toBe(ORIGINAL_CONFIG);
}

describe('a rollout is refused and nothing in AWS changes when', () => {
  it('the endpoint does not exist', async () => {
    const env = createSimulatedEnvironment();
    await expectRefused(
      env,
      { endpointName: 'churn-staging' },
      { code: 'ENDPOINT_NOT_FOUND', field: 'endpoint', message: /churn-staging/ },
    );
  });

  it('the endpoint already has a rollout running (ROLLOUT_ACTIVE)', async () => {
    const s = await startScenario({ strategy: 'Canary10Percent5Minutes' });
    expect(s.env.sim.endpoint(ENDPOINT)!.status).toBe('Updating');
    await expectRefused(s.env, {}, { code: 'ROLLOUT_ACTIVE', field: 'endpoint', message: new RegExp(s.id) });
    // The first rollout is unaffected and still finishes.
    expect((await s.run()).record.status).toBe('succeeded');
  });

  it('the endpoint is not InService (updated outside sm-rollout)', async () => {
    const env = createSimulatedEnvironment();
    await env.sim.sagemaker.updateWeights(ENDPOINT, [{ variantName: 'AllTraffic', weight: 1 }]);
    expect(env.sim.endpoint(ENDPOINT)!.status).toBe('Updating');
    await expectRefused(env, {}, { code: 'ENDPOINT_NOT_IN_SERVICE', field: 'endpoint', message: /Updating/ });
  });

  it('the model package is not approved', async () => {
    const env = createSimulatedEnvironment();
    const pending = env.sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour: HEALTHY_MODEL });
    await expectRefused(
      env,
      { modelPackageArn: pending },
      { code: 'MODEL_PACKAGE_NOT_APPROVED', field: 'modelPackageArn', message: /PendingManualApproval/ },
    );
  });

  it('the model package does not exist', async () => {
    const env = createSimulatedEnvironment();
    const missing = env.baselinePackageArn.replace(/\/\d+$/, '/99');
    await expectRefused(
      env,
      { modelPackageArn: missing },
      { code: 'MODEL_PACKAGE_NOT_FOUND', field: 'modelPackageArn' },
    );
  });

  it('a named alarm does not exist', async () => {
    const env = createSimulatedEnvironment();
    await expectRefused(
      env,
      { alarms: ['churn-prod-no-such-alarm'] },
      { code: 'ALARM_NOT_FOUND', field: 'alarms', message: /churn-prod-no-such-alarm/ },
    );
  });

  it('a named alarm is already in ALARM', async () => {
    const env = createSimulatedEnvironment();
    env.sim.createMetricAlarm({
      alarmName: 'churn-prod-errors',
      metricName: 'Invocation5XXErrors',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    env.sim.setAlarmState('churn-prod-errors', 'ALARM', 'Threshold Crossed: manual');
    await expectRefused(env, { alarms: ['churn-prod-errors'] }, { code: 'ALARM_FIRING', field: 'alarms' });
  });

  it('a named alarm watches the endpoint without VariantName (it gets no data on AWS), naming it and the fix', async () => {
    const env = createSimulatedEnvironment();
    env.sim.createMetricAlarm({
      alarmName: 'churn-prod-endpoint-5xx',
      metricName: 'Invocation5XXErrors',
      endpointName: ENDPOINT,
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    await expectRefused(
      env,
      { alarms: ['churn-prod-endpoint-5xx'] },
      {
        code: 'ALARM_UNREACHABLE',
        field: 'alarms',
        message:
          /^alarm churn-prod-endpoint-5xx watches AWS\/SageMaker Invocation5XXErrors \{EndpointName=churn-prod\}, which gets no data on AWS: .* add VariantName=AllTraffic \(the serving variant\)\. An alarm that gets no data cannot roll a bad version back/,
      },
    );
  });

  it('a named composite alarm can never go to ALARM: its children watch a utilization metric in the wrong namespace', async () => {
    const env = createSimulatedEnvironment();
    env.sim.createMetricAlarm({
      alarmName: 'churn-prod-cpu',
      metricName: 'CPUUtilization',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 90,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 3,
    });
    env.sim.createCompositeAlarm({ alarmName: 'churn-prod-health', alarmRule: 'ALARM("churn-prod-cpu")' });
    const before = env.sim.calls.length;
    await expectRefused(
      env,
      { alarms: ['churn-prod-health'] },
      {
        code: 'ALARM_UNREACHABLE',
        field: 'alarms',
        message: /composite alarm churn-prod-health can never go to ALARM/,
      },
    );
    // One DescribeAlarms for the named alarms, one more for the composite's children.
    expect(
      env.sim.calls
        .slice(before)
        .filter((c) => c.operation === 'DescribeAlarms')
        .map((c) => c.input),
    ).toEqual([{ AlarmNames: ['churn-prod-health'] }, { AlarmNames: ['churn-prod-cpu'] }]);
  });

  it.each([
    ['an unknown preset', 'Canary10Percent7Minutes', 'strategy'],
    ['a step list with a bad step', '10%,banana,50%', 'strategy[1]'],
  ])('the strategy is invalid: %s', async (_label, strategy, field) => {
    const env = createSimulatedEnvironment();
    await expectRefused(env, { strategy }, { code: 'INVALID_PLAN', field });
  });

  it('maxDuration is shorter than the plan’s bakes', async () => {
    const env = createSimulatedEnvironment();
    await expectRefused(
      env,
      { strategy: 'Canary10Percent30Minutes', maxDuration: '20m' },
      { code: 'INVALID_INPUT', field: 'maxDuration' },
    );
  });

  it('the endpoint name is an ARN', async () => {
    const env = createSimulatedEnvironment();
    await expectRefused(
      env,
      { endpointName: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-prod' },
      { code: 'INVALID_INPUT', field: 'endpointName' },
    );
  });

  it('a candidate alarm period under a minute when the rollout keeps one-minute invocation metrics (enhancedMetrics: false)', async () => {
    const env = createSimulatedEnvironment();
    await expectRefused(
      env,
      { candidateAlarms: [{ ...DEMO_CANDIDATE_ALARMS[0]!, periodSeconds: 10 }], enhancedMetrics: false },
      {
        code: 'INVALID_INPUT',
        field: 'candidateAlarms[0].periodSeconds',
        message:
          /candidate alarm 5xx-rate .*: a 10 s period needs invocation metrics .* published every 60 s; use a period of 60 s or more, or let the rollout turn on 10-second metrics \(remove enhancedMetrics: false/,
      },
    );
  });
});

describe('a start that goes ahead with a warning on the timeline', () => {
  it('an alarm on another endpoint cannot see this rollout: warned, not refused, and the rollout succeeds', async () => {
    const s = await startScenario(
      { strategy: 'AllAtOnce', finalBake: '1m', alarms: ['features-prod-5xx'] },
      {
        before: (env) =>
          env.sim.createMetricAlarm({
            alarmName: 'features-prod-5xx',
            metricName: 'Invocation5XXErrors',
            endpointName: 'features-prod',
            variantName: 'AllTraffic',
            statistic: 'Average',
            threshold: 0.05,
            comparison: 'GreaterThanThreshold',
            periodSeconds: 60,
            evaluationPeriods: 1,
            treatMissingData: 'notBreaching',
          }),
      },
    );
    const final = await s.run();
    expect(final.record.status).toBe('succeeded');
    const warnings = (await s.env.store.timeline(s.id)).filter((e) => e.kind === 'alarmWarning');
    expect(warnings.map((e) => e.message)).toEqual([
      'alarm features-prod-5xx watches AWS/SageMaker Invocation5XXErrors {EndpointName=features-prod, VariantName=AllTraffic}: ' +
        "endpoint features-prod, not churn-prod, so it cannot see this rollout's traffic (fine if that is deliberate; " +
        'to guard churn-prod set EndpointName=churn-prod)',
    ]);
  });
});
