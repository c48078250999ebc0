// Whole native rollouts on the simulated cloud, through the controller the Lambda runs: SageMaker
// deployment guardrails moves the traffic (blue/green canary and linear), the controller follows it,
// decides by the config actually serving, names the alarm SageMaker rolled back on, and aborts through
// the abort alarm. Baselines as production runs them: auto-scaled, or in a VPC with data capture, a
// KMS key and tags. A plan guardrails cannot express is refused with nothing sent.
import {
  BAD_MODEL,
  DEMO_GROUP,
  DEMO_ROLE,
  DEMO_SCALING,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { startCommandDetail } from '../../src/engine/intake';
import { createSimCloud } from '../../src/sim';
import type { StartRolloutRequest } from '../../src/engine/start-request';
import {
  ENDPOINT,
  MUTATING_CALL,
  ORIGINAL_CONFIG,
  expectBackOnOriginal,
  expectNothingLeaked,
  startScenario,
  type Scenario,
} from './harness';

const TEAM_ALARM = `${ENDPOINT}-5xx-rate`;

/** The team's own alarm on the serving variant: what SageMaker's AutoRollbackConfiguration watches. */
function teamAlarm(env: SimulatedEnvironment) {
  env.sim.createMetricAlarm({
    alarmName: TEAM_ALARM,
    metricName: 'Invocation5XXErrors',
    endpointName: ENDPOINT,
    variantName: 'AllTraffic',
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  });
}

const NATIVE: Partial<StartRolloutRequest> = {
  engine: 'native',
  alarms: [TEAM_ALARM],
  candidateAlarms: [],
};

function native(
  request: Partial<StartRolloutRequest>,
  options: Parameters<typeof startScenario>[1] = {},
): Promise<Scenario> {
  return startScenario({ ...NATIVE, ...request }, { ...options, before: teamAlarm });
}

function calls(s: Scenario, operation: string) {
  return s.env.sim.calls.filter((c) => c.operation === operation);
}

const autoScaled = { environment: { autoScaling: true } };

describe('native rollouts that SageMaker completes', () => {
  it('a canary on an auto-scaled variant: one UpdateEndpoint, each shift told, the new model serves with its scaling kept', async () => {
    const s = await native({ strategy: 'canary(50, 5m)' }, autoScaled);
    const end = await s.run();

    expect(end.record.status).toBe('succeeded');
    const updates = calls(s, 'UpdateEndpoint');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.input).toMatchObject({
      EndpointName: ENDPOINT,
      EndpointConfigName: end.record.input.names.finalConfig,
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 300 },
        },
        AutoRollbackConfiguration: {
          Alarms: [{ AlarmName: TEAM_ALARM }, { AlarmName: end.record.input.native!.abortAlarmName }],
        },
      },
    });
    expect(calls(s, 'UpdateEndpointWeightsAndCapacities')).toEqual([]);
    const endpoint = s.env.sim.endpoint(ENDPOINT)!;
    expect(endpoint.endpointConfigName).toBe(end.record.input.names.finalConfig);
    expect(endpoint.variants.map((v) => [v.variantName, v.modelName])).toEqual([
      ['AllTraffic', end.record.input.names.candidateModel],
    ]);
    // The variant's scaling was never taken away: same name, same instance type.
    expect(s.env.sim.scalingOf(ENDPOINT, 'AllTraffic')?.target).toMatchObject({
      minCapacity: DEMO_SCALING.target.minCapacity,
      maxCapacity: DEMO_SCALING.target.maxCapacity,
    });
    const timeline = await s.timeline();
    const shifted = timeline.filter((e) => e.kind === 'nativeShifted').map((e) => e.message);
    expect(shifted).toEqual([
      'Traffic shifted by SageMaker: old fleet 50% / new fleet 50% (shift 1/2)',
      'Traffic shifted by SageMaker: old fleet 0% / new fleet 100% (shift 2/2)',
    ]);
    expect(s.env.lifecycle.published.filter((e) => e.detailType === 'Traffic Shifted')).toHaveLength(2);
    expect(timeline.some((e) => e.kind === 'nativeProgress' && e.message.startsWith('Baking'))).toBe(true);
    expect(s.env.sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
  });

  it('onto another instance type: the variant is deregistered for the update and its scaling put back after', async () => {
    const s = await native(
      { strategy: 'canary(50, 5m)', candidate: { instanceType: 'ml.m5.xlarge' } },
      autoScaled,
    );
    const end = await s.run();
    expect(end.record.status).toBe('succeeded');
    const deregistered = calls(s, 'DeregisterScalableTarget');
    const update = calls(s, 'UpdateEndpoint')[0]!;
    expect(deregistered).toHaveLength(1);
    expect(deregistered[0]!.at).toBeLessThanOrEqual(update.at);
    expect(s.env.sim.scalingOf(ENDPOINT, 'AllTraffic')?.target).toMatchObject({
      minCapacity: DEMO_SCALING.target.minCapacity,
      maxCapacity: DEMO_SCALING.target.maxCapacity,
    });
    expect((await s.timeline()).find((e) => e.kind === 'cleanedUp')?.message).toContain(
      'restored auto scaling of variant AllTraffic',
    );
  });

  it('a linear deployment in four steps of one instance each', async () => {
    const s = await native({ strategy: 'linear(25, 2m)' }, { environment: { instanceCount: 4 } });
    const end = await s.run();
    expect(end.record.status).toBe('succeeded');
    const shares = (await s.timeline())
      .filter((e) => e.kind === 'nativeShifted')
      .map((e) => (e.detail as { weights: { candidate: number } }).weights.candidate);
    expect(shares).toEqual([25, 50, 75, 100]);
    expect(calls(s, 'UpdateEndpoint')).toHaveLength(1);
  });
});

describe('a rich baseline', () => {
  it('keeps its VPC, data capture, KMS key and tags on the model and final config guardrails deploys', async () => {
    const sim = createSimCloud({ seed: 7 });
    const baselinePackage = sim.registerModelPackage({
      groupName: DEMO_GROUP,
      approvalStatus: 'Approved',
      behaviour: HEALTHY_MODEL,
    });
    const capture = {
      EnableCapture: true,
      InitialSamplingPercentage: 20,
      DestinationS3Uri: 's3://churn-capture/prod',
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    };
    const kms = 'arn:aws:kms:us-east-1:123456789012:key/volumes';
    const vpc = { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-11111111', 'subnet-22222222'] };
    sim.createEndpoint({
      endpointName: ENDPOINT,
      modelPackageArn: baselinePackage,
      instanceType: 'ml.m5.xlarge',
      instanceCount: 2,
      configExtra: { DataCaptureConfig: capture, KmsKeyId: kms },
      configTags: [{ key: 'data-classification', value: 'confidential' }],
      model: { vpcConfig: vpc, enableNetworkIsolation: true, tags: [{ key: 'team', value: 'churn' }] },
    });
    const env = createSimulatedEnvironment({ cloud: sim });
    teamAlarm(env);
    const candidateArn = sim.registerModelPackage({
      groupName: DEMO_GROUP,
      approvalStatus: 'Approved',
      behaviour: HEALTHY_MODEL,
    });
    await env.bridge.flush();
    const result = await env.driver.send(
      env.bridge.commandEvent(
        startCommandDetail({
          endpointName: ENDPOINT,
          modelPackageArn: candidateArn,
          executionRoleArn: DEMO_ROLE,
          strategy: 'allAtOnce(5m)',
          requestedBy: 'scenario-test',
          ...NATIVE,
        }),
      ),
    );
    const id = result.ok ? result.outcomes[0]?.rolloutId : undefined;
    expect(id).toBeDefined();
    await env.bridge.runUntil(async () => (await env.store.get(id!))!.active === false, 24 * 60);
    const record = (await env.store.get(id!))!;
    expect(record.status).toBe('succeeded');

    const config = env.sim.calls.find((c) => c.operation === 'CreateEndpointConfig')!.input;
    expect(config).toMatchObject({
      EndpointConfigName: record.input.names.finalConfig,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: record.input.names.candidateModel }],
      DataCaptureConfig: capture,
      KmsKeyId: kms,
    });
    expect(config.Tags).toEqual(
      expect.arrayContaining([{ Key: 'data-classification', Value: 'confidential' }]),
    );
    const model = env.sim.calls.find((c) => c.operation === 'CreateModel')!.input;
    expect(model).toMatchObject({ VpcConfig: vpc, EnableNetworkIsolation: true });
  });
});

describe('SageMaker rolls back', () => {
  it('on the team alarm: decided by the serving config, the alarm named, nothing left behind', async () => {
    const s = await native({ strategy: 'canary(50, 5m)' }, { ...autoScaled, candidate: BAD_MODEL });
    const end = await s.run();

    expect(end.record.status).toBe('rolledBack');
    expect(end.record.reason).toContain(`alarm ${TEAM_ALARM} fired`);
    expectBackOnOriginal(s.env);
    expectNothingLeaked(s.env);
    // SageMaker did the rollback: the controller sent no update of its own.
    expect(calls(s, 'UpdateEndpoint')).toHaveLength(1);
    expect(calls(s, 'UpdateEndpointWeightsAndCapacities')).toEqual([]);
    const kinds = (await s.timeline()).map((e) => e.kind);
    expect(kinds.slice(-3)).toEqual(['nativeRolledBack', 'candidateRemoved', 'rolledBack']);
  });

  it('on `abort`, through the abort alarm, and says SageMaker is rolling back', async () => {
    const s = await native({ strategy: 'canary(50, 10m)' }, autoScaled);
    let aborted = false;
    const end = await s.run({
      between: async (step) => {
        if (aborted || step.view.weights.candidate !== 50) return;
        aborted = true;
        const after = await s.command({ type: 'ABORT', by: 'oncall', note: 'latency looks off' });
        expect(after.view.status).toBe('rollingBack');
      },
    });

    expect(aborted).toBe(true);
    expect(end.record.status).toBe('rolledBack');
    expect(end.record.reason).toBe('aborted by oncall: latency looks off');
    const abortAlarm = end.record.input.native!.abortAlarmName;
    const set = calls(s, 'SetAlarmState').filter((c) => c.input.AlarmName === abortAlarm);
    expect(set.length).toBeGreaterThan(0);
    expect(set[0]!.input.StateValue).toBe('ALARM');
    expect((await s.timeline()).map((e) => e.message)).toContain(
      `Set abort alarm ${abortAlarm} to ALARM: SageMaker rolls the deployment back at its next alarm check ` +
        '(guardrails has no stop API); following until the old config serves again',
    );
    expectBackOnOriginal(s.env);
    expectNothingLeaked(s.env);
  });
});

describe('a plan guardrails cannot express', () => {
  it.each([
    ['a manual gate', '10%,5m,pause,50%,5m', 'step 3'],
    ['a canary smaller than one instance', 'Canary10Percent5Minutes', 'step 1'],
  ])('%s is refused at start, naming the step, with nothing sent to AWS', async (_what, strategy, step) => {
    const env = createSimulatedEnvironment({ autoScaling: true });
    const candidateArn = env.approveNewVersion(HEALTHY_MODEL);
    await env.bridge.flush();
    teamAlarm(env);
    const before = env.sim.calls.length;
    const result = await env.driver.send(
      env.bridge.commandEvent(
        startCommandDetail({
          endpointName: ENDPOINT,
          modelPackageArn: candidateArn,
          executionRoleArn: DEMO_ROLE,
          strategy,
          requestedBy: 'scenario-test',
          ...NATIVE,
        }),
      ),
    );
    const outcome = result.ok ? result.outcomes[0] : undefined;
    expect(outcome?.action).toBe('refused');
    expect(outcome?.reason).toContain(step);
    expect(env.sim.calls.slice(before).filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
    expect(await env.store.list({ endpointName: ENDPOINT })).toEqual([]);
    expect(env.sim.endpoint(ENDPOINT)!.endpointConfigName).toBe(ORIGINAL_CONFIG);
  });
});
