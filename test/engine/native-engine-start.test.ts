// The engine starting a native rollout, over recording fakes of the SageMaker and CloudWatch ports
// (wrapping the simulated cloud's): the plan compiles to the one UpdateEndpoint guardrails runs, the
// abort alarm is created and listed, candidate alarms and the judge stay out, and what guardrails
// cannot do is refused before anything is written — with the field and the fix named; an abort after a
// lost save still finds the deployment under way.
import {
  DEMO_ENDPOINT,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { RolloutEngine } from '../../src/engine/engine';
import type { AlarmControl, EndpointControl } from '../../src/engine/ports';
import { validateStartRequest, type StartRolloutRequest } from '../../src/engine/start-request';
import { SmRolloutError } from '../../src/errors';
import { MUTATING_CALL } from '../scenarios/harness';
import { driveEngine } from './drive';

const TEAM_ALARM = 'churn-prod-5xx';

interface Recorded {
  updates: { endpointName: string; endpointConfigName: string; options: unknown }[];
  abortAlarms: { alarmName: string; endpointName: string; rolloutId: string }[];
  alarmStates: { alarmName: string; state: string; reason: string }[];
  candidateAlarms: string[];
}

/** The cloud's own ports, with the calls this suite asserts on recorded on the way through. */
function recordingPorts(env: SimulatedEnvironment) {
  const recorded: Recorded = { updates: [], abortAlarms: [], alarmStates: [], candidateAlarms: [] };
  const sagemaker = env.sim.sagemaker;
  const endpoints: EndpointControl = Object.create(sagemaker);
  endpoints.updateEndpoint = (endpointName, endpointConfigName, options) => {
    recorded.updates.push({ endpointName, endpointConfigName, options });
    return sagemaker.updateEndpoint(endpointName, endpointConfigName, options);
  };
  const cloudwatch = env.sim.cloudwatch;
  const alarms: AlarmControl = Object.create(cloudwatch);
  alarms.putCandidateAlarm = (spec) => {
    recorded.candidateAlarms.push(spec.alarmName);
    return cloudwatch.putCandidateAlarm(spec);
  };
  alarms.putAbortAlarm = async (spec) => {
    recorded.abortAlarms.push(spec);
    if (cloudwatch.putAbortAlarm) return cloudwatch.putAbortAlarm(spec);
    // Before the cloud modelled the abort alarm: one that nothing trips, as the adapter creates it.
    env.sim.createMetricAlarm({
      alarmName: spec.alarmName,
      metricName: 'sm-rollout-abort',
      endpointName: spec.endpointName,
      statistic: 'Maximum',
      threshold: 0,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
    });
  };
  alarms.setAlarmState = async (alarmName, state, reason) => {
    recorded.alarmStates.push({ alarmName, state, reason });
    if (cloudwatch.setAlarmState) return cloudwatch.setAlarmState(alarmName, state, reason);
    env.sim.setAlarmState(alarmName, state, reason);
  };
  return { endpoints, alarms, recorded };
}

function setUp() {
  const env = createSimulatedEnvironment();
  env.sim.createMetricAlarm({
    alarmName: TEAM_ALARM,
    metricName: 'Invocation5XXErrors',
    endpointName: DEMO_ENDPOINT,
    variantName: 'AllTraffic',
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
  });
  const { endpoints, alarms, recorded } = recordingPorts(env);
  const engine = new RolloutEngine({
    store: env.store,
    endpoints,
    alarms,
    scaling: env.sim.autoscaling,
    events: env.lifecycle,
    clock: env.sim.clock,
    newId: () => 'r-native0001',
  });
  return { env, engine, recorded };
}

function nativeRequest(env: SimulatedEnvironment, overrides: Partial<StartRolloutRequest> = {}) {
  const valid = validateStartRequest({
    endpointName: DEMO_ENDPOINT,
    modelPackageArn: env.approveNewVersion(HEALTHY_MODEL),
    executionRoleArn: DEMO_ROLE,
    strategy: 'canary(50, 5m)',
    alarms: [TEAM_ALARM],
    requestedBy: 'tests',
    ...overrides,
  });
  return { ...valid, engine: 'native' as const };
}

/** The endpoint port the engine was given (the recording one), to race a call against another update. */
function engineEndpoints(engine: RolloutEngine): EndpointControl {
  return (engine as unknown as { deps: { endpoints: EndpointControl } }).deps.endpoints;
}

async function refusal(promise: Promise<unknown>): Promise<SmRolloutError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected the start to be refused');
}

describe('starting a native rollout (the engine over recording ports)', () => {
  it('creates the model, the abort alarm and the final config, and sends one UpdateEndpoint with the DeploymentConfig', async () => {
    const { env, engine, recorded } = setUp();
    const started = await engine.start(nativeRequest(env));
    const end = await driveEngine(env, engine, started.record.id);

    const abortAlarm = 'smr-churn-prod-native0001-abort';
    expect(recorded.abortAlarms).toEqual([
      { alarmName: abortAlarm, endpointName: DEMO_ENDPOINT, rolloutId: 'r-native0001' },
    ]);
    expect(recorded.updates).toEqual([
      {
        endpointName: DEMO_ENDPOINT,
        endpointConfigName: 'smr-churn-prod-native0001-final',
        options: {
          deploymentConfig: {
            blueGreen: {
              trafficRouting: {
                type: 'CANARY',
                waitIntervalInSeconds: 300,
                canarySize: { type: 'INSTANCE_COUNT', value: 1 },
              },
              terminationWaitInSeconds: 300,
              maximumExecutionTimeoutInSeconds: 4 * 3600,
            },
            autoRollbackAlarms: [TEAM_ALARM, abortAlarm],
          },
        },
      },
    ]);
    // On the wire, as the UpdateEndpoint API reference spells it (DeploymentConfig, BlueGreenUpdatePolicy,
    // TrafficRoutingConfig, CapacitySize, AutoRollbackConfig); no RetainAllVariantProperties.
    const [update] = env.sim.calls.filter((c) => c.operation === 'UpdateEndpoint');
    expect(update!.input).toEqual({
      EndpointName: DEMO_ENDPOINT,
      EndpointConfigName: 'smr-churn-prod-native0001-final',
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'CANARY',
            WaitIntervalInSeconds: 300,
            CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
          },
          TerminationWaitInSeconds: 300,
          MaximumExecutionTimeoutInSeconds: 14400,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: TEAM_ALARM }, { AlarmName: abortAlarm }] },
      },
    });
    // One variant name serves both fleets: nothing to put candidate alarms or the judge on.
    expect(recorded.candidateAlarms).toEqual([]);
    expect(started.record.input.candidateAlarms).toEqual([]);
    expect(started.record.input.judge).toBeUndefined();
    expect(started.record.input.engine).toBe('native');
    const created = env.sim.calls.filter((c) => c.operation === 'CreateEndpointConfig');
    expect(created).toHaveLength(1);
    expect(started.timeline[0]!.message).toContain(
      'native engine: SageMaker deployment guardrails moves the traffic',
    );

    expect(end.record.status).toBe('succeeded');
    // The abort alarm goes with the rollout; the final config serves the new model under the variant's name.
    expect(env.sim.alarm(abortAlarm)).toBeUndefined();
    expect(env.sim.endpoint(DEMO_ENDPOINT)!.endpointConfigName).toBe('smr-churn-prod-native0001-final');
    expect(env.sim.endpoint(DEMO_ENDPOINT)!.variants.map((v) => v.variantName)).toEqual(['AllTraffic']);
  });

  it('after a crash between UpdateEndpoint and the save, follows the deployment under way instead of sending it again', async () => {
    const { env, engine, recorded } = setUp();
    const started = await engine.start(nativeRequest(env));
    expect(recorded.updates).toHaveLength(1);
    // The save after the first step is lost: the stored rollout is as it was created, before any step.
    const stored = (await env.store.get(started.record.id))!;
    await env.store.save({ ...stored, snapshot: null, version: stored.version + 1 }, stored.version, []);
    const restarted = await engine.tick(started.record.id);
    // Straight to following the deployment SageMaker runs, not waiting for the endpoint to be free.
    expect(restarted.view.phase).toMatch(/^SageMaker deploys smr-churn-prod-native0001-final/);
    const end = await driveEngine(env, engine, started.record.id);
    expect(end.record.status).toBe('succeeded');
    expect(recorded.updates).toHaveLength(1);
    expect(env.sim.violations).toEqual([]);
  });

  it('an abort after a busy attempt and an UpdateEndpoint whose save was lost stops the deployment with the abort alarm', async () => {
    const { env, engine, recorded } = setUp();
    // Someone else's weights update lands between our DescribeEndpoint and our UpdateEndpoint: SageMaker
    // refuses ours ("Cannot update in-progress endpoint") and the rollout waits to send it again.
    const sagemaker = env.sim.sagemaker;
    const send = engineEndpoints(engine).updateEndpoint;
    let raced = false;
    engineEndpoints(engine).updateEndpoint = async (name, config, options) => {
      if (!raced) {
        raced = true;
        await sagemaker.updateWeights(DEMO_ENDPOINT, [{ variantName: 'AllTraffic', weight: 1 }]);
      }
      return send(name, config, options);
    };
    const original = env.sim.endpoint(DEMO_ENDPOINT)!.endpointConfigName;
    const started = await engine.start(nativeRequest(env, { strategy: 'canary(50, 10m)' }));
    expect(started.view.phase).toBe('starting the guardrails deployment of smr-churn-prod-native0001-final');
    expect(env.sim.endpoint(DEMO_ENDPOINT)!.endpointConfigName).toBe(original);
    const busySave = (await env.store.get(started.record.id))!;
    // The next run sends UpdateEndpoint; its save is lost (the stored rollout is the busy one again).
    await driveEngine(env, engine, started.record.id, () => recorded.updates.length === 2);
    expect((await sagemaker.describeEndpoint(DEMO_ENDPOINT))!.pendingDeployment).toBeDefined();
    const current = (await env.store.get(started.record.id))!;
    await env.store.save(
      { ...current, snapshot: busySave.snapshot, version: current.version + 1 },
      current.version,
      [],
    );

    await engine.command(started.record.id, { type: 'ABORT', by: 'bob' });
    const abortAlarm = 'smr-churn-prod-native0001-abort';
    expect(recorded.alarmStates.map((a) => [a.alarmName, a.state])).toContainEqual([abortAlarm, 'ALARM']);
    const end = await driveEngine(env, engine, started.record.id);
    expect(end.record.status).toBe('rolledBack');
    expect(end.view.reason).toContain('bob');
    // SageMaker rolled back: the original config serves; what the rollout created went after that.
    expect(env.sim.endpoint(DEMO_ENDPOINT)!.endpointConfigName).toBe(original);
    expect(env.sim.violations).toEqual([]);
    // The deployment under way was stopped, not sent again.
    expect(recorded.updates).toHaveLength(2);
  });

  it('refuses pause, resume and promote on a native rollout, saying why and what to do', async () => {
    const { env, engine } = setUp();
    const started = await engine.start(nativeRequest(env));
    for (const type of ['PAUSE', 'RESUME', 'PROMOTE'] as const) {
      const error = await refusal(engine.command(started.record.id, { type, by: 'bob' }));
      expect(error.code).toBe('COMMAND_REJECTED');
      expect(error.message).toContain('runs on the native engine');
      expect(error.message).toContain('`sm-rollout abort r-native0001` rolls it back');
      const { record } = await engine.get(started.record.id);
      expect(() => engine.checkCommand(record, { type, by: 'bob' })).toThrow(/runs on the native engine/);
    }
  });
});

describe('what guardrails cannot do is refused before anything is written', () => {
  async function expectNothingWritten(env: SimulatedEnvironment, before: number) {
    expect(env.sim.calls.slice(before).filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
    expect(await env.store.list({ endpointName: DEMO_ENDPOINT })).toEqual([]);
  }

  it('a plan with a manual gate, naming the step', async () => {
    const { env, engine } = setUp();
    const request = nativeRequest(env, { strategy: '10%,5m,pause,50%,5m' });
    const before = env.sim.calls.length;
    const error = await refusal(engine.start(request));
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.message).toContain(
      'cannot run this plan on churn-prod (2 × ml.m5.large serving): strategy: step 3: a pause (manual gate) cannot be expressed',
    );
    await expectNothingWritten(env, before);
    await expect(engine.preflight(request)).rejects.toThrow(/step 3/);
  });

  it('a canary smaller than one instance of the serving fleet (known only at start)', async () => {
    const { env, engine } = setUp();
    const before = env.sim.calls.length;
    const error = await refusal(engine.start(nativeRequest(env, { strategy: 'Canary10Percent5Minutes' })));
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.message).toContain('(2 × ml.m5.large serving)');
    expect(error.message).toContain('a 10% canary of 2 instances is 0.2 of an instance');
    await expectNothingWritten(env, before);
  });

  it('linear steps that are not whole instances of the new fleet (linear(30) on 5: SageMaker makes 5 shifts of 20%)', async () => {
    const { env, engine } = setUp();
    // The final config gets the candidate's 5 instances: guardrails moves max(1, floor(30% × 5)) = 1 at a time.
    const request = nativeRequest(env, { strategy: 'linear(30, 10m)', candidate: { instanceCount: 5 } });
    const before = env.sim.calls.length;
    const error = await refusal(engine.start(request));
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.field).toBe('strategy');
    expect(error.message).toContain(
      'strategy: step 1: a 30% linear step of 5 instances is 1.5 instances, and guardrails shifts whole instances',
    );
    expect(error.message).toContain(
      'SageMaker would move 20/40/60/80/100% where the plan says 30/60/90/100%',
    );
    expect(error.message).toContain('e.g. linear(20, …), or use engine: stepwise');
    await expectNothingWritten(env, before);
    await expect(engine.preflight(request)).rejects.toThrow(/20\/40\/60\/80\/100%/);
  });

  it('a bake longer than guardrails allows', async () => {
    const { env, engine } = setUp();
    const before = env.sim.calls.length;
    const error = await refusal(engine.start(nativeRequest(env, { strategy: 'canary(50, 2h)' })));
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.message).toContain('3600');
    await expectNothingWritten(env, before);
  });

  it('no alarm for SageMaker to roll back on', async () => {
    const { env, engine } = setUp();
    const before = env.sim.calls.length;
    const error = await refusal(engine.start(nativeRequest(env, { alarms: [] })));
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.field).toBe('alarms');
    expect(error.message).toContain('only the alarms in AutoRollbackConfiguration roll a bad version back');
    await expectNothingWritten(env, before);
  });

  it('a pre-traffic check (there is no candidate variant to send it to)', async () => {
    const { env, engine } = setUp();
    const before = env.sim.calls.length;
    const error = await refusal(
      engine.start(
        nativeRequest(env, {
          preTrafficCheck: { requests: ['{"x":1}'], contentType: 'application/json', maxLatency: '2s' },
        }),
      ),
    );
    expect(error.field).toBe('preTrafficCheck');
    expect(error.message).toContain('--engine stepwise');
    await expectNothingWritten(env, before);
  });
});
