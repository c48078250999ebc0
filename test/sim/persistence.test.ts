// Saving the simulated cloud in one process and restoring it in the next (the CLI's --simulate mode):
// the restored cloud shows the same state and carries on exactly as the original would have.
import { isTerminal, type RolloutStatus } from '../../statemachines/describe';
import type { CommandDetail } from '../../src/engine/intake';
import { commandOutcome } from '../../src/cli/backend';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { MemoryRolloutStore } from '../../src/store';
import type { SimCloud, SimCloudState } from '../../src/sim';
import { SIM_STATE_VERSION, createSimCloud, restoreSimCloud } from '../../src/sim';
import {
  BASELINE_VARIANT,
  CANDIDATE_VARIANT,
  ENDPOINT,
  MINUTE,
  SCALED_ENDPOINT,
  SCALED_VARIANT,
  createTransitionConfig,
  deployTransition,
  sceneWithEndpoint,
  sceneWithScaledEndpoint,
} from './scene';

/** What a second process gets: the state through JSON text. */
function reload(cloud: SimCloud): SimCloud {
  const text = JSON.stringify(cloud.exportState());
  return restoreSimCloud(JSON.parse(text) as SimCloudState);
}

function observable(cloud: SimCloud) {
  return {
    now: cloud.clock.now(),
    endpoint: cloud.endpoint(ENDPOINT),
    models: cloud.modelNames(),
    configs: cloud.endpointConfigNames(),
    alarms: cloud.alarmNames().map((name) => cloud.alarm(name)),
  };
}

const CANDIDATE_ERRORS = 'candidate-5xx';

function candidateErrorAlarm(cloud: SimCloud): void {
  cloud.createMetricAlarm({
    alarmName: CANDIDATE_ERRORS,
    metricName: 'Invocation5XXErrors',
    endpointName: ENDPOINT,
    variantName: CANDIDATE_VARIANT,
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 2,
    treatMissingData: 'notBreaching',
  });
}

describe('saving and restoring the simulated cloud', () => {
  it('is plain JSON data with a version, and round-trips to the same observable state', async () => {
    const scene = sceneWithEndpoint({ seed: 3 });
    const { cloud } = scene;
    await deployTransition(scene);
    candidateErrorAlarm(cloud);
    cloud.createMetricAlarm({
      alarmName: 'endpoint-latency',
      metricName: 'ModelLatency',
      endpointName: ENDPOINT,
      variantName: BASELINE_VARIANT,
      statistic: 'p99',
      threshold: 1,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 120,
      evaluationPeriods: 3,
    });
    await cloud.sagemaker.updateWeights(ENDPOINT, [
      { variantName: BASELINE_VARIANT, weight: 50 },
      { variantName: CANDIDATE_VARIANT, weight: 50 },
    ]);
    cloud.clock.advanceBy(7 * MINUTE + 13_000);

    const state = cloud.exportState();
    expect(state.version).toBe(SIM_STATE_VERSION);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const restored = reload(cloud);

    expect(observable(restored)).toEqual(observable(cloud));
    // The observation logs start empty.
    expect(restored.events).toEqual([]);
    expect(restored.calls).toEqual([]);
    expect(restored.servingHistory).toEqual([]);
    expect(restored.violations).toEqual([]);
    expect(restored.alarm('endpoint-latency')?.state).toBe('ALARM');
    expect(restored.exportState()).toEqual(state);
    expect(await restored.sagemaker.describeModelPackage(scene.candidatePackage)).toEqual(
      await cloud.sagemaker.describeModelPackage(scene.candidatePackage),
    );
    // Versions per group continue.
    expect(restored.registerModelPackage({ groupName: 'fraud' })).toMatch(/model-package\/fraud\/3$/);
  });

  it('carries on exactly as the original: same traffic, metrics, alarm states and event ids', async () => {
    const scene = sceneWithEndpoint({ seed: 11, candidate: { errorRate: 0.04, latencyMs: 90 } });
    const { cloud } = scene;
    await deployTransition(scene);
    candidateErrorAlarm(cloud);
    await cloud.sagemaker.updateWeights(ENDPOINT, [{ variantName: CANDIDATE_VARIANT, weight: 1 }]);
    // Saved mid-minute, while the weight change is still being applied.
    cloud.clock.advanceBy(20_000);
    expect(cloud.endpoint(ENDPOINT)?.status).toBe('Updating');
    const savedAt = cloud.clock.now();
    const eventsBefore = cloud.events.length;
    const restored = reload(cloud);

    for (const c of [cloud, restored]) {
      c.clock.advanceBy(12 * MINUTE);
      await c.sagemaker.updateWeights(ENDPOINT, [{ variantName: CANDIDATE_VARIANT, weight: 3 }]);
      c.clock.advanceBy(5 * MINUTE);
    }
    for (const metric of ['Invocations', 'Invocation5XXErrors', 'ModelLatency']) {
      for (const variant of [BASELINE_VARIANT, CANDIDATE_VARIANT, undefined]) {
        const window = [savedAt - 10 * MINUTE, cloud.clock.now()] as const;
        expect(restored.metricData(ENDPOINT, variant, metric, ...window)).toEqual(
          cloud.metricData(ENDPOINT, variant, metric, ...window),
        );
      }
    }
    expect(observable(restored)).toEqual(observable(cloud));
    expect(restored.events).toEqual(cloud.events.slice(eventsBefore));
    expect(restored.events.length).toBeGreaterThan(0);
  });

  it('finishes an UpdateEndpoint in progress at the same virtual time', async () => {
    const scene = sceneWithEndpoint({ seed: 5 });
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    cloud.clock.advanceBy(2 * MINUTE);
    const state = cloud.exportState();
    const pending = state.scheduled.find((w) => w.kind === 'finishUpdateEndpoint');
    expect(pending).toMatchObject({ kind: 'finishUpdateEndpoint', endpointName: ENDPOINT });
    const restored = restoreSimCloud(JSON.parse(JSON.stringify(state)) as SimCloudState);
    expect(restored.endpoint(ENDPOINT)).toMatchObject({
      status: 'Updating',
      pendingEndpointConfigName: config,
    });

    const doneAt = pending!.at;
    for (const c of [cloud, restored]) {
      c.clock.advanceTo(doneAt - 1);
      expect(c.endpoint(ENDPOINT)?.status).toBe('Updating');
      c.clock.advanceTo(doneAt);
      expect(c.endpoint(ENDPOINT)).toMatchObject({
        status: 'InService',
        endpointConfigName: config,
        lastModifiedTime: doneAt,
      });
    }
    expect(restored.endpoint(ENDPOINT)).toEqual(cloud.endpoint(ENDPOINT));
    expect(restored.events.map((e) => e['detail-type'])).toEqual(['SageMaker Endpoint State Change']);
  });

  it('keeps the fault an update in progress already drew, and faults still armed', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    cloud.injectFault({ kind: 'updateFails', endpointName: ENDPOINT, reason: 'boom' });
    cloud.injectFault({ kind: 'throttle', operations: ['DescribeEndpoint'], count: 1 });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    const restored = reload(cloud);
    await expect(restored.sagemaker.describeEndpoint(ENDPOINT)).rejects.toMatchObject({
      code: 'THROTTLED',
    });
    restored.clock.advanceBy(10 * MINUTE);
    expect(restored.endpoint(ENDPOINT)).toMatchObject({ status: 'Failed', failureReason: 'boom' });
  });

  it('a bad model keeps tripping its alarm after a restore', async () => {
    const scene = sceneWithEndpoint({ seed: 2, candidate: { errorRate: 0.3, latencyMs: 40 } });
    const { cloud } = scene;
    await deployTransition(scene);
    candidateErrorAlarm(cloud);
    await cloud.sagemaker.updateWeights(ENDPOINT, [{ variantName: CANDIDATE_VARIANT, weight: 1 }]);
    cloud.clock.advanceBy(4 * MINUTE);
    expect(cloud.alarm(CANDIDATE_ERRORS)?.state).toBe('ALARM');

    const restored = reload(cloud);
    expect(restored.alarm(CANDIDATE_ERRORS)).toEqual(cloud.alarm(CANDIDATE_ERRORS));
    // SetAlarmState lasts until the next evaluation: the bad model's errors put it back in ALARM.
    restored.setAlarmState(CANDIDATE_ERRORS, 'OK', 'operator reset');
    expect(restored.alarm(CANDIDATE_ERRORS)?.state).toBe('OK');
    restored.clock.advanceBy(MINUTE);
    expect(restored.alarm(CANDIDATE_ERRORS)).toMatchObject({ state: 'ALARM' });
    expect(restored.alarm(CANDIDATE_ERRORS)?.reason).toMatch(/Threshold Crossed/);
    expect(restored.events.map((e) => e['detail-type'])).toEqual([
      'CloudWatch Alarm State Change',
      'CloudWatch Alarm State Change',
    ]);
  });

  it('rejects an unknown state version, a damaged state, and a state mixed with other options', () => {
    const state = createSimCloud().exportState();
    expect(() => restoreSimCloud({ ...state, version: 'sim-state/99' } as unknown as SimCloudState)).toThrow(
      /unsupported simulated cloud state version "sim-state\/99".*sim-state\/2/,
    );
    expect(() => restoreSimCloud({} as unknown as SimCloudState)).toThrow(
      /unsupported simulated cloud state version undefined/,
    );
    expect(() => restoreSimCloud(null as unknown as SimCloudState)).toThrow(/must be an object/);
    expect(() => restoreSimCloud({ ...state, alarms: undefined } as unknown as SimCloudState)).toThrow(
      /damaged: bad alarms/,
    );
    expect(() => createSimCloud({ state, seed: 4 })).toThrow(/do not also pass seed/);
  });

  it('cannot be saved from inside scheduled work', () => {
    const cloud = createSimCloud();
    let error: unknown;
    cloud.clock.schedule(cloud.clock.now() + 1, () => {
      try {
        cloud.exportState();
      } catch (e) {
        error = e;
      }
    });
    cloud.clock.advanceBy(1);
    expect(String(error)).toMatch(/cannot be saved from inside scheduled work/);
  });
});

describe('a rollout split across two processes', () => {
  const ended = (status: RolloutStatus | undefined) => status !== undefined && isTerminal(status);

  /** The first process: the rollout is started by a command and driven until it stops at `detachWhen`. */
  async function startHalfway(detachWhen: 'updating' | 'gate') {
    const store = new MemoryRolloutStore();
    const env = createSimulatedEnvironment({ store });
    const candidateArn = env.approveNewVersion(HEALTHY_MODEL);
    await env.bridge.flush();
    const started = commandOutcome(
      await env.driver.send(
        env.bridge.commandEvent({
          command: 'start',
          endpoint: DEMO_ENDPOINT,
          modelPackageArn: candidateArn,
          executionRoleArn: DEMO_ROLE,
          strategy: '10%,2m,pause,50%,2m',
          finalBake: '5m',
          candidateAlarms: DEMO_CANDIDATE_ALARMS,
          requestedBy: 'persistence-test',
        }),
      ),
    );
    const id = started.rolloutId!;
    const detached = async () => {
      const record = (await store.get(id))!;
      return detachWhen === 'gate'
        ? record.status === 'awaitingPromotion'
        : env.sim.endpoint(DEMO_ENDPOINT)?.status === 'Updating';
    };
    if (!(await detached())) await env.bridge.runUntil(detached, 60);
    env.bridge.close();
    return { store, env, id, detached: (await store.get(id))! };
  }

  /** A second process: the cloud restored from JSON, a new controller on the same store. */
  function secondProcess(sim: SimCloud, store: MemoryRolloutStore) {
    const next = createSimulatedEnvironment({ cloud: reload(sim), store });
    const run = async (id: string) => {
      // The operator promotes at the manual gate.
      next.bridge.between = async () => {
        if ((await store.get(id))?.status === 'awaitingPromotion') {
          await next.bridge.deliver(
            next.bridge.commandEvent({ command: 'promote', rolloutId: id, requestedBy: 'alice' }),
          );
        }
      };
      await next.bridge.runUntil(async () => ended((await store.get(id))?.status), 90);
      return { record: (await store.get(id))! };
    };
    const command = (detail: CommandDetail) => next.driver.send(next.bridge.commandEvent(detail));
    return { sim: next.sim, command, run };
  }

  function expectLive(sim: SimCloud, names: { finalConfig: string; candidateModel: string }) {
    const endpoint = sim.endpoint(DEMO_ENDPOINT)!;
    expect(endpoint.status).toBe('InService');
    expect(endpoint.endpointConfigName).toBe(names.finalConfig);
    expect(endpoint.variants.map((v) => v.modelName)).toEqual([names.candidateModel]);
    expect(sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(sim.violations).toEqual([]);
  }

  it('waits at the manual gate, is saved, and is promoted and finished on the restored cloud', async () => {
    const { store, env, id, detached } = await startHalfway('gate');
    expect(detached.status).toBe('awaitingPromotion');
    expect(detached.progress?.weights.candidate).toBe(10);
    const savedAt = env.sim.clock.now();
    const next = secondProcess(env.sim, store);
    expect(next.sim.clock.now()).toBe(savedAt);
    expect(next.sim.endpoint(DEMO_ENDPOINT)).toEqual(env.sim.endpoint(DEMO_ENDPOINT));

    next.sim.clock.advanceBy(3 * MINUTE);
    commandOutcome(await next.command({ command: 'promote', rolloutId: id, requestedBy: 'alice' }));
    const final = await next.run(id);
    expect(final.record.status).toBe('succeeded');
    expectLive(next.sim, final.record.input.names);
    const shares = next.sim.servingHistory
      .filter((c) => c.endpointName === DEMO_ENDPOINT && c.variants.length > 1)
      .map((c) => c.variants.find((v) => v.weight > 0 && v.modelName.startsWith('smr-'))?.weight);
    expect(shares).toContain(50);
    const kinds = (await store.timeline(id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['gate', 'promoted', 'finalLive', 'succeeded']));
  });

  it('is saved while its UpdateEndpoint is in progress and finishes on the restored cloud', async () => {
    const { store, env, id, detached } = await startHalfway('updating');
    expect(detached.status).toBe('running');
    expect(env.sim.endpoint(DEMO_ENDPOINT)?.status).toBe('Updating');
    const next = secondProcess(env.sim, store);
    expect(next.sim.endpoint(DEMO_ENDPOINT)?.status).toBe('Updating');
    const final = await next.run(id);
    expect(final.record.status).toBe('succeeded');
    expectLive(next.sim, final.record.input.names);
    const kinds = (await store.timeline(id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['started', 'gate', 'promoted', 'succeeded']));
  });

  it('an endpoint being deleted is still Deleting after a reload, and gone when its time comes', async () => {
    const scene = sceneWithEndpoint();
    scene.cloud.deleteEndpoint(ENDPOINT);
    const restored = reload(scene.cloud);
    expect(restored.endpoint(ENDPOINT)?.status).toBe('Deleting');
    restored.clock.advanceBy(restored.timings.deleteEndpointMs * (1 + restored.timings.jitter));
    expect(restored.endpoint(ENDPOINT)).toBeUndefined();
  });
});

describe('saving and restoring Application Auto Scaling', () => {
  it('keeps targets, policies, scheduled actions, cooldowns, request rates and a scaling activity in flight', async () => {
    const { cloud } = await sceneWithScaledEndpoint({ seed: 8 });
    await cloud.autoscaling.putScalingPolicy(SCALED_ENDPOINT, SCALED_VARIANT, {
      policyName: 'invocations-per-instance',
      policyType: 'TargetTrackingScaling',
      configuration: {
        TargetValue: 300,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: 1800,
      },
    });
    await cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
      scheduledActionName: 'night',
      schedule: 'cron(20 9 * * ? *)',
      scalableTargetAction: { maxCapacity: 5 },
    });
    cloud.setRequestsPerMinute(SCALED_ENDPOINT, 1800);
    // The scale out to 6 was accepted at 09:04 (the third busy minute is ingested after 09:03); 10 s
    // later the endpoint is still Updating to it.
    cloud.clock.advanceBy(4 * MINUTE + 10_000);
    expect(cloud.endpoint(SCALED_ENDPOINT)).toMatchObject({
      status: 'Updating',
      variants: [{ currentInstanceCount: 2, desiredInstanceCount: 6 }],
    });
    const savedAt = cloud.clock.now();
    const restored = reload(cloud);
    expect(restored.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT)).toEqual(
      cloud.scalingOf(SCALED_ENDPOINT, SCALED_VARIANT),
    );
    expect(restored.scalingActivities).toEqual([]);

    for (const c of [cloud, restored]) {
      c.clock.advanceBy(6 * MINUTE);
      c.setRequestsPerMinute(SCALED_ENDPOINT, 600);
      c.clock.advanceBy(40 * MINUTE);
    }
    const after = cloud.scalingActivities.filter((a) => a.at > savedAt);
    // The 09:20 action lowered the maximum to 5 (6 -> 5); once the 15th low minute after load fell
    // (09:10) is ingested, in to 2.
    expect(
      after.map((a) => [new Date(a.at).toISOString().slice(11, 16), a.fromCapacity, a.toCapacity]),
    ).toEqual([
      ['09:20', 6, 5],
      ['09:26', 5, 2],
    ]);
    expect(restored.scalingActivities).toEqual(after);
    expect(restored.endpoint(SCALED_ENDPOINT)).toEqual(cloud.endpoint(SCALED_ENDPOINT));
    expect(restored.exportState()).toEqual(cloud.exportState());
  });

  it('a cloud without scaling saves no autoscaling state', () => {
    const { cloud } = sceneWithEndpoint();
    const state = cloud.exportState();
    expect(state.autoscaling).toBeUndefined();
    expect(state.requestRates).toBeUndefined();
  });
});
