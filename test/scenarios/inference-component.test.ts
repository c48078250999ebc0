// Whole inference-component rollouts on the simulated cloud, through the controller the Lambda runs:
// an approval of a version for a policy with `inferenceComponent` updates the component with one
// UpdateInferenceComponent whose RollingUpdatePolicy SageMaker runs; the controller follows it,
// decides by the model actually serving, names the alarm SageMaker rolled back on, holds the final
// bake and rolls back with a second rolling update, and aborts through the abort alarm. A plan the
// rolling update cannot express is refused with nothing sent.
import { policyLookup } from '../../src/handlers/environment';
import { parsePolicies } from '../../src/policy';
import {
  BAD_MODEL,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import {
  IC_SCENE,
  createInferenceComponentScene,
  inferenceComponentPolicy,
} from '../../src/cli/inference-component-scene';
import { commandOutcome } from '../../src/cli/backend';
import { startCommandDetail, steerCommandDetail } from '../../src/engine/intake';
import type { ModelBehaviour } from '../../src/sim';
import type { RolloutRecord, TimelineEntry } from '../../src/store';
import { isTerminal } from '../../statemachines/describe';
import { MUTATING_CALL } from './harness';

interface IcScenario {
  env: SimulatedEnvironment;
  packageArn: string;
  record(): Promise<RolloutRecord>;
  timeline(): Promise<TimelineEntry[]>;
  /** Runs minute by minute until the rollout ends; `between` sees the record after each minute. */
  run(between?: (record: RolloutRecord) => Promise<void> | void): Promise<RolloutRecord>;
  abort(by: string): Promise<void>;
}

/** The support team's account: the scene, their policy, and an approval of a new version. */
async function approved(
  candidate: ModelBehaviour,
  policy: Parameters<typeof inferenceComponentPolicy>[0] = {},
): Promise<IcScenario> {
  const scene = await createInferenceComponentScene(7);
  const policies = policyLookup(
    parsePolicies(
      JSON.stringify({ policies: [inferenceComponentPolicy({ maxDuration: '3h', ...policy })] }),
      'policies.json',
    ),
  );
  const env = createSimulatedEnvironment({ cloud: scene.sim, policies });
  const packageArn = scene.approveNewVersion(candidate);
  await env.bridge.flush();
  const find = async () => {
    const record = (await env.store.list({ endpointName: IC_SCENE.endpoint })).find(
      (r) => r.modelPackageArn === packageArn,
    );
    if (!record) throw new Error(`no rollout started: ${JSON.stringify(env.logs)}`);
    return record;
  };
  const id = (await find()).id;
  const record = async () => (await env.store.get(id))!;
  return {
    env,
    packageArn,
    record,
    timeline: () => env.store.timeline(id),
    async run(between) {
      for (let minute = 0; minute < 6 * 60; minute++) {
        const now = await record();
        if (isTerminal(now.status)) return now;
        await between?.(now);
        await env.bridge.minute();
      }
      throw new Error('the rollout did not end in six simulated hours');
    },
    async abort(by) {
      commandOutcome(
        await env.driver.send(
          env.bridge.commandEvent(steerCommandDetail(id, { type: 'ABORT', by, note: 'latency looks off' })),
        ),
      );
    },
  };
}

function updates(env: SimulatedEnvironment) {
  return env.sim.calls.filter((c) => c.operation === 'UpdateInferenceComponent' && c.outcome !== 'error');
}

function servingModel(env: SimulatedEnvironment): string | undefined {
  return env.sim.inferenceComponent(IC_SCENE.component)?.specification.modelName;
}

describe('an inference-component rollout SageMaker completes', () => {
  it('one UpdateInferenceComponent, batches followed, final bake held, the new model on every copy', async () => {
    const s = await approved(HEALTHY_MODEL);
    const end = await s.run();
    expect(end.status).toBe('succeeded');
    const { names, inferenceComponent } = end.input;
    expect(updates(s.env).map((c) => c.input)).toEqual([
      {
        InferenceComponentName: IC_SCENE.component,
        ModelName: names.candidateModel,
        RollingUpdatePolicy: {
          maximumBatchSize: { type: 'COPY_COUNT', value: 1 },
          waitIntervalInSeconds: 180,
          maximumExecutionTimeoutInSeconds: 4 * (180 + 900),
          rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
        },
        Alarms: [IC_SCENE.alarm, inferenceComponent!.abortAlarmName],
      },
    ]);
    expect(servingModel(s.env)).toBe(names.candidateModel);
    expect(s.env.sim.inferenceComponent(IC_SCENE.component)?.copiesByModel).toEqual([
      { model: names.candidateModel, copies: IC_SCENE.copies },
    ]);
    // The candidate model carries the serving model's VPC, Environment and the team's tags.
    const model = await s.env.sim.sagemaker.describeModel(names.candidateModel);
    expect(model?.vpcConfig?.Subnets).toHaveLength(2);
    expect(model?.environment).toEqual({ MAX_INPUT_TOKENS: '4096' });
    const timeline = await s.timeline();
    const kinds = timeline.map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'started',
        'inferenceComponent',
        'componentPrepared',
        'componentUpdateStarted',
        'componentProgress',
        'componentUpdated',
        'bakeCompleted',
        'cleanedUp',
        'succeeded',
      ]),
    );
    expect(timeline.find((e) => e.kind === 'componentUpdateStarted')?.message).toBe(
      `UpdateInferenceComponent ${IC_SCENE.component} to model ${names.candidateModel}: a rolling update of 4 copies ` +
        `in 4 batches of 1 copy, each baked 3m; SageMaker rolls back on ${IC_SCENE.alarm}, ${inferenceComponent!.abortAlarmName}`,
    );
    expect(timeline.at(-1)?.message).toBe(
      `Rollout succeeded: ${s.packageArn} serves every copy of inference component ${IC_SCENE.component} on ` +
        `${IC_SCENE.endpoint} (model ${names.candidateModel})`,
    );
    const lifecycle = s.env.lifecycle.published.map((e) => e.detailType);
    expect(lifecycle).toEqual(['Rollout Started', 'Traffic Shifted', 'Rollout Succeeded']);
    // The abort alarm is gone; the previous model stays for undo.
    expect(s.env.sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(s.env.sim.modelNames()).toContain(IC_SCENE.servingModel);
  });
});

describe('commands SageMaker has no API for', () => {
  it('pause and promote are refused with the reason; the phase says what SageMaker is doing', async () => {
    const s = await approved(HEALTHY_MODEL);
    const record = await s.record();
    expect(record.phase).toMatch(
      /^SageMaker replaces the copies of chat-assistant with smr-support-llm-\w+-model: Updating, 4 copies running, 4 desired$/,
    );
    for (const type of ['PAUSE', 'PROMOTE'] as const) {
      const result = await s.env.driver.send(
        s.env.bridge.commandEvent(steerCommandDetail(record.id, { type, by: 'oncall@support' })),
      );
      expect(() => commandOutcome(result)).toThrow(
        new RegExp(
          `rollout ${record.id} updates an inference component: SageMaker's rolling update replaces the copies ` +
            `batch by batch on the plan's schedule and has no API to ${type.toLowerCase()} it`,
        ),
      );
    }
    expect((await s.run()).status).toBe('succeeded');
  });
});

describe('undo', () => {
  it('after a success, undo rolls the previous version back onto the component with a rolling update', async () => {
    const s = await approved(HEALTHY_MODEL);
    const first = await s.run();
    expect(first.status).toBe('succeeded');
    commandOutcome(
      await s.env.driver.send(
        s.env.bridge.commandEvent({
          command: 'undo',
          endpoint: IC_SCENE.endpoint,
          requestedBy: 'oncall@support',
        }),
      ),
    );
    await s.env.bridge.runUntil(async () => {
      const undo = (await s.env.store.list({ endpointName: IC_SCENE.endpoint })).find(
        (r) => r.id !== first.id,
      );
      return undo !== undefined && isTerminal(undo.status);
    }, 6 * 60);
    const undo = (await s.env.store.list({ endpointName: IC_SCENE.endpoint })).find(
      (r) => r.id !== first.id,
    )!;
    expect(undo.status).toBe('succeeded');
    expect(undo.input.inferenceComponent?.rollingUpdate.maximumBatchSize).toEqual({
      type: 'COPY_COUNT',
      value: 2,
    });
    // The previous version's package, in a model of the undo's own.
    const model = await s.env.sim.sagemaker.describeModel(servingModel(s.env)!);
    expect(model?.modelPackageArn).toMatch(/model-package\/support-chat\/1$/);
  });
});

describe('rollbacks', () => {
  it('a bad model: SageMaker rolls back on the team alarm; decided by the model serving, the alarm named', async () => {
    const s = await approved(BAD_MODEL);
    const end = await s.run();
    expect(end.status).toBe('rolledBack');
    expect(servingModel(s.env)).toBe(IC_SCENE.servingModel);
    expect(end.reason).toMatch(new RegExp(`alarm ${IC_SCENE.alarm}`));
    expect(updates(s.env)).toHaveLength(1); // SageMaker rolled back itself: no second update
    const timeline = await s.timeline();
    expect(timeline.some((e) => e.kind === 'componentRolledBack')).toBe(true);
    expect(s.env.sim.modelNames()).not.toContain(end.input.names.candidateModel);
    expect(s.env.sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(s.env.lifecycle.published.map((e) => e.detailType)).toEqual([
      'Rollout Started',
      'Rollback Started',
      'Rollout Rolled Back',
    ]);
  });

  it('abort during the rolling update goes through the abort alarm', async () => {
    const s = await approved(HEALTHY_MODEL);
    let aborted = false;
    const end = await s.run(async (record) => {
      if (!aborted && record.phase.startsWith('SageMaker replaces') && s.env.sim.clock.now() > 0) {
        aborted = true;
        await s.abort('oncall@support');
      }
    });
    expect(end.status).toBe('rolledBack');
    expect(end.reason).toMatch(/oncall@support/);
    expect(servingModel(s.env)).toBe(IC_SCENE.servingModel);
    expect(s.env.sim.calls.some((c) => c.operation === 'SetAlarmState')).toBe(true);
    expect(updates(s.env)).toHaveLength(1);
    expect((await s.timeline()).some((e) => e.kind === 'abortAlarmSet')).toBe(true);
  });

  it('an alarm in the final bake rolls back with a second rolling update to the model that served', async () => {
    // Healthy through the batches (1-minute bakes), then the team's alarm fires in the final bake.
    const s = await approved(HEALTHY_MODEL, { strategy: 'linear(50, 1m)', finalBake: '20m' });
    let fired = false;
    const end = await s.run(async (record) => {
      if (!fired && record.phase.startsWith('final bake')) {
        fired = true;
        s.env.sim.setAlarmState(
          IC_SCENE.alarm,
          'ALARM',
          'Threshold Crossed: 1 datapoint [0.3] was greater than 0.05',
        );
      }
    });
    expect(fired).toBe(true);
    expect(end.status).toBe('rolledBack');
    const [, back] = updates(s.env);
    expect(back?.input).toEqual({
      InferenceComponentName: IC_SCENE.component,
      ModelName: IC_SCENE.servingModel,
      RollingUpdatePolicy: {
        maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 },
        waitIntervalInSeconds: 0,
        maximumExecutionTimeoutInSeconds: 2 * (60 + 900),
        rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
      },
      Alarms: [],
    });
    expect(servingModel(s.env)).toBe(IC_SCENE.servingModel);
    const kinds = (await s.timeline()).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['componentRollbackStarted', 'componentRestored', 'rolledBack']),
    );
  });
});

describe('refusals', () => {
  it('a plan the rolling update cannot express is refused with nothing sent', async () => {
    const scene = await createInferenceComponentScene(7);
    const env = createSimulatedEnvironment({ cloud: scene.sim });
    const arn = scene.approveNewVersion(HEALTHY_MODEL);
    await env.bridge.flush();
    const before = env.sim.calls.length;
    const result = await env.driver.send(
      env.bridge.commandEvent(
        startCommandDetail({
          endpointName: IC_SCENE.endpoint,
          inferenceComponent: IC_SCENE.component,
          modelPackageArn: arn,
          executionRoleArn: IC_SCENE.role,
          strategy: '10%,5m,pause,100%',
          alarms: [IC_SCENE.alarm],
          requestedBy: 'scenario-test',
        }),
      ),
    );
    expect(() => commandOutcome(result)).toThrow(
      /step 3 pause: a rolling update of an inference component has no manual gate/,
    );
    expect(env.sim.calls.slice(before).filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
    expect(await env.store.list()).toEqual([]);
  });

  it('a first batch under one copy is refused at start, when the copy count is read', async () => {
    const scene = await createInferenceComponentScene(7);
    const env = createSimulatedEnvironment({ cloud: scene.sim });
    const arn = scene.approveNewVersion(HEALTHY_MODEL);
    await env.bridge.flush();
    const before = env.sim.calls.length;
    const result = await env.driver.send(
      env.bridge.commandEvent(
        startCommandDetail({
          endpointName: IC_SCENE.endpoint,
          inferenceComponent: IC_SCENE.component,
          modelPackageArn: arn,
          executionRoleArn: IC_SCENE.role,
          strategy: 'Canary10Percent5Minutes',
          alarms: [IC_SCENE.alarm],
          requestedBy: 'scenario-test',
        }),
      ),
    );
    expect(() => commandOutcome(result)).toThrow(/10% of 4 copies is less than one copy/);
    expect(env.sim.calls.slice(before).filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
  });
});
