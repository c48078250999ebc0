// The native path of the rollout machine as a user meets it: SageMaker deployment guardrails moves
// the traffic and the machine follows — it tells each stage of the new fleet, decides by the config
// actually serving, aborts through the abort alarm, and refuses pause/resume/promote with a reason.
// Effects are scripted (FakeCloud, with a scripted guardrails deployment on its virtual clock).
import { compilePlan } from '../../src/plan';
import type { NativeDeploymentConfig, NativeEndpointView, RolloutInput } from '../../statemachines/contract';
import { explainRejection, statusOf, viewRollout } from '../../statemachines/describe';
import { describeFact, type TimelineNote } from '../../statemachines/rollout';
import { BASELINE, FakeCloud, MINUTE, Rollout, rolloutInput } from './fake-cloud';

const ABORT_ALARM = 'smr-churn-0001-abort';

const CANARY: NativeDeploymentConfig = {
  blueGreen: {
    trafficRouting: {
      type: 'CANARY',
      waitIntervalInSeconds: 300,
      canarySize: { type: 'CAPACITY_PERCENT', value: 10 },
    },
    terminationWaitInSeconds: 600,
    maximumExecutionTimeoutInSeconds: 3600,
  },
  autoRollbackAlarms: ['churn-5xx', ABORT_ALARM],
};

const LINEAR: NativeDeploymentConfig = {
  blueGreen: {
    trafficRouting: {
      type: 'LINEAR',
      waitIntervalInSeconds: 60,
      linearStepSize: { type: 'CAPACITY_PERCENT', value: 10 },
    },
    terminationWaitInSeconds: 600,
  },
  autoRollbackAlarms: ['churn-5xx', ABORT_ALARM],
};

interface Stage {
  status: string;
  message?: string;
  forMs: number;
}

/** A guardrails deployment on the fake cloud's clock: its stages, then how it ends. */
class ScriptedDeployment {
  startedAt?: number;
  abortedAt?: number;
  /** How the deployment ends if nothing rolls it back. */
  end: 'final' | 'rolledBack' | 'UpdateRollbackFailed' = 'final';
  failureReason = 'CloudWatch alarm churn-5xx was in ALARM during a baking period';

  constructor(
    readonly cloud: FakeCloud,
    readonly stages: Stage[],
  ) {
    cloud.apply = (change) => {
      if (change.purpose === 'final') this.startedAt ??= cloud.now;
      return { outcome: 'requested' };
    };
    cloud.followDeployment = () => ({ endpoint: this.view() });
    cloud.setAbortAlarm = () => {
      this.abortedAt ??= cloud.now;
      return {};
    };
  }

  /** Where the stages are at `at`: the stage and when it began, or undefined once they are over. */
  private stageAt(at: number): { stage: Stage; began: number } | undefined {
    let began = this.startedAt!;
    for (const stage of this.stages) {
      if (at < began + stage.forMs) return { stage, began };
      began += stage.forMs;
    }
    return undefined;
  }

  private pending(stage: Stage, began: number): NativeEndpointView {
    return {
      status: 'Updating',
      endpointConfigName: BASELINE.endpointConfigName,
      pending: {
        endpointConfigName: 'churn-r-0001-final',
        variants: [
          {
            variantName: BASELINE.variantName,
            status: stage.status,
            ...(stage.message ? { statusMessage: stage.message } : {}),
            statusStartTime: began,
          },
        ],
      },
    };
  }

  view(): NativeEndpointView {
    const now = this.cloud.now;
    if (this.startedAt === undefined) {
      return { status: 'InService', endpointConfigName: BASELINE.endpointConfigName };
    }
    // SageMaker acts on the abort alarm only while baking; its rollback then takes two minutes.
    const atAbort = this.abortedAt !== undefined ? this.stageAt(this.abortedAt) : undefined;
    if (atAbort?.stage.status === 'Baking') {
      if (now < this.abortedAt! + 2 * MINUTE) {
        return this.pending({ status: 'Deleting', message: 'rolling back', forMs: 0 }, this.abortedAt!);
      }
      return {
        status: 'InService',
        endpointConfigName: BASELINE.endpointConfigName,
        failureReason: `CloudWatch alarm ${ABORT_ALARM} was in ALARM during a baking period`,
      };
    }
    const at = this.stageAt(now);
    if (at) return this.pending(at.stage, at.began);
    switch (this.end) {
      case 'final':
        return { status: 'InService', endpointConfigName: 'churn-r-0001-final' };
      case 'rolledBack':
        return {
          status: 'InService',
          endpointConfigName: BASELINE.endpointConfigName,
          failureReason: this.failureReason,
        };
      case 'UpdateRollbackFailed':
        return {
          status: 'UpdateRollbackFailed',
          endpointConfigName: BASELINE.endpointConfigName,
          failureReason: 'the old fleet could not be restored',
        };
    }
  }
}

const CANARY_STAGES: Stage[] = [
  { status: 'Creating', forMs: 3 * MINUTE },
  { status: 'ActivatingTraffic', message: 'canary fleet', forMs: MINUTE },
  {
    status: 'Baking',
    message: 'Baking for 300 seconds with traffic enabled on canary fleet',
    forMs: 5 * MINUTE,
  },
  { status: 'ActivatingTraffic', message: 'full fleet', forMs: MINUTE },
  {
    status: 'Baking',
    message: 'Baking for 600 seconds with traffic enabled on full fleet',
    forMs: 10 * MINUTE,
  },
  { status: 'Deleting', message: 'terminating the old fleet', forMs: MINUTE },
];

function nativeInput(
  strategy: string,
  deploymentConfig: NativeDeploymentConfig,
  overrides = {},
): RolloutInput {
  return rolloutInput(compilePlan(strategy), {
    engine: 'native',
    native: { deploymentConfig, abortAlarmName: ABORT_ALARM },
    ...overrides,
  });
}

/** Starts a native rollout, keeping every timeline note it emits. */
async function startNative(cloud: FakeCloud, input: RolloutInput) {
  const notes: TimelineNote[] = [];
  const r = new Rollout(cloud, input);
  r.actor.on('timeline', (note) => notes.push(note));
  r.actor.start();
  await r.settle();
  return {
    r,
    notes,
    kinds: () => notes.map((n) => n.fact.kind),
    text: () => notes.map((n) => describeFact(n.fact)),
  };
}

const following = (r: Rollout) => r.snapshot.matches({ native: 'following' } as never);

describe('a native canary that SageMaker completes', () => {
  it('sends one UpdateEndpoint with the DeploymentConfig, tells each stage, and succeeds on the final config', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    const { r, notes, kinds, text } = await startNative(
      cloud,
      nativeInput('Canary10Percent5Minutes', CANARY),
    );
    const end = await r.tickUntil();

    expect(end.value).toBe('succeeded');
    const applies = cloud.calls.filter((c) => c.effect === 'apply');
    expect(applies.map((c) => c.purpose)).toEqual(['final']);
    expect(cloud.calls.map((c) => c.effect)).not.toContain('createCandidate');
    expect(cloud.calls.map((c) => c.effect)).not.toContain('readAlarms');
    expect(kinds()).toEqual(
      expect.arrayContaining([
        'nativePrepared',
        'nativeDeploymentStarted',
        'finalLive',
        'cleanedUp',
        'succeeded',
      ]),
    );
    // Each stage once, however often it was read (every 30 s).
    const stages = notes.flatMap((n) => (n.fact.kind === 'nativeProgress' ? [n.fact.status] : []));
    expect(stages).toEqual([
      'Creating',
      'ActivatingTraffic',
      'Baking',
      'ActivatingTraffic',
      'Baking',
      'Deleting',
    ]);
    const shifts = notes.filter((n) => n.fact.kind === 'nativeShifted');
    expect(shifts.map((n) => [n.lifecycle, n.detail.weights])).toEqual([
      ['Traffic Shifted', { baseline: 90, candidate: 10 }],
      ['Traffic Shifted', { baseline: 0, candidate: 100 }],
    ]);
    expect(text()).toContain('Traffic shifted by SageMaker: old fleet 90% / new fleet 10% (shift 1/2)');
    expect(text().join('\n')).toContain(
      'a blue/green CANARY deployment: a canary of 10% of the new fleet first, bake 5m, then the rest; the old fleet ' +
        `stays 10m after the shift; auto-rollback on churn-5xx, ${ABORT_ALARM}`,
    );
    expect(end.context.candidateWeight).toBe(100);
  });

  it('says what SageMaker is doing while it deploys', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    const { r } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    await r.tickUntil((s) => s.context.nativeShifts === 1);
    expect(statusOf(r.snapshot)).toBe('running');
    expect(viewRollout(r.snapshot).phase).toBe(
      'SageMaker deploys churn-r-0001-final (new fleet at 10%): the new fleet is Baking ' +
        '(Baking for 300 seconds with traffic enabled on canary fleet)',
    );
    expect(viewRollout(r.snapshot).step).toEqual({ index: 2, total: 4 });
  });

  it('carries on from a snapshot saved mid-deployment, in a new actor', async () => {
    const cloud = new FakeCloud();
    const deployment = new ScriptedDeployment(cloud, CANARY_STAGES);
    const input = nativeInput('Canary10Percent5Minutes', CANARY);
    const { r } = await startNative(cloud, input);
    await r.tickUntil((s) => s.context.nativeShifts === 1);
    const saved = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot()));
    r.stop();
    const resumed = await Rollout.start(cloud, input, saved);
    expect((await resumed.tickUntil()).value).toBe('succeeded');
    expect(cloud.calls.filter((c) => c.effect === 'apply')).toHaveLength(1);
    expect(deployment.startedAt).toBeDefined();
  });
});

describe('a native linear deployment', () => {
  it('records each of the plan’s ten shifts as SageMaker makes it', async () => {
    const cloud = new FakeCloud();
    const stages: Stage[] = [{ status: 'Creating', forMs: 2 * MINUTE }];
    for (let i = 0; i < 10; i++)
      stages.push({ status: 'Baking', message: `step ${i + 1}`, forMs: 2 * MINUTE });
    new ScriptedDeployment(cloud, stages);
    const { r, notes } = await startNative(cloud, nativeInput('Linear10PercentEvery1Minute', LINEAR));
    expect((await r.tickUntil()).value).toBe('succeeded');
    const shares = notes.flatMap((n) => (n.fact.kind === 'nativeShifted' ? [n.fact.weights.candidate] : []));
    expect(shares).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });
});

describe('SageMaker rolls back on its own', () => {
  it('decides by the config serving and names the alarm in ALARM', async () => {
    const cloud = new FakeCloud();
    const deployment = new ScriptedDeployment(cloud, CANARY_STAGES.slice(0, 3));
    deployment.end = 'rolledBack';
    cloud.readAlarms = (names) => ({
      firing: [
        { alarmName: 'churn-5xx', stateReason: 'Threshold Crossed: 3 datapoints were greater than 5' },
      ],
      states: names.map((alarmName) => ({ alarmName, state: alarmName === 'churn-5xx' ? 'ALARM' : 'OK' })),
    });
    const { r, kinds, text } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    const end = await r.tickUntil();

    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toMatchObject({ kind: 'alarm', alarmName: 'churn-5xx' });
    // Nothing of stepwise's rollback: SageMaker already put the old fleet back.
    expect(cloud.calls.filter((c) => c.effect === 'apply').map((c) => c.purpose)).toEqual(['final']);
    expect(cloud.calls.map((c) => c.effect)).toContain('removeCandidate');
    expect(kinds().slice(-4)).toEqual([
      'rollbackStarted',
      'nativeRolledBack',
      'candidateRemoved',
      'rolledBack',
    ]);
    expect(text()).toContain(
      'SageMaker rolled the deployment back: endpoint churn serves its original config churn-config-v1 again ' +
        '(FailureReason: CloudWatch alarm churn-5xx was in ALARM during a baking period)',
    );
  });

  it('remembers an alarm it saw fire even when it is OK again by the time the rollback is over', async () => {
    const cloud = new FakeCloud();
    const deployment = new ScriptedDeployment(cloud, CANARY_STAGES.slice(0, 3));
    deployment.end = 'rolledBack';
    const { r, kinds } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    await r.tickUntil((s) => s.context.nativeShifts === 1);
    const fired = await r.send({
      type: 'ALARM_FIRED',
      now: cloud.now + 1,
      alarmName: 'churn-5xx',
      stateReason: 'Threshold Crossed',
    });
    expect(fired).toBe(true);
    // Recorded, not acted on: SageMaker rolls back, the controller changes nothing.
    expect(kinds()).toContain('nativeAlarmSeen');
    expect(statusOf(r.snapshot)).toBe('running');
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toMatchObject({ kind: 'alarm', alarmName: 'churn-5xx' });
    expect(cloud.calls.filter((c) => c.effect === 'apply')).toHaveLength(1);
  });

  it('says SageMaker rolled back with its FailureReason when no alarm is in ALARM', async () => {
    const cloud = new FakeCloud();
    const deployment = new ScriptedDeployment(cloud, CANARY_STAGES.slice(0, 1));
    deployment.end = 'rolledBack';
    deployment.failureReason = 'the new fleet failed its health checks';
    const { r } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(viewRollout(end).reason).toBe(
      'SageMaker rolled the deployment back: the new fleet failed its health checks [NATIVE_ROLLED_BACK]',
    );
  });

  it('ends failed, saying what to do, when SageMaker could not roll back either', async () => {
    const cloud = new FakeCloud();
    const deployment = new ScriptedDeployment(cloud, CANARY_STAGES.slice(0, 3));
    deployment.end = 'UpdateRollbackFailed';
    const { r, text } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    const end = await r.tickUntil();
    expect(end.value).toBe('failed');
    expect(text().at(-1)).toBe(
      'Native deployment failed and needs a human: the guardrails deployment left endpoint churn UpdateRollbackFailed ' +
        '(the old fleet could not be restored); SageMaker could not roll back and the endpoint serves a mix of the ' +
        'old and new configs; once it is InService, update it to the original config churn-config-v1 (see Rolling ' +
        'Deployments in the SageMaker guide). Check endpoint churn in the SageMaker console; the original config is churn-config-v1',
    );
  });
});

describe('abort through the abort alarm', () => {
  it('puts the abort alarm into ALARM, sets it again at each wake, and ends rolled back (abort)', async () => {
    const cloud = new FakeCloud();
    const deployment = new ScriptedDeployment(cloud, CANARY_STAGES);
    const alarmsSet: string[] = [];
    const script = cloud.setAbortAlarm;
    cloud.setAbortAlarm = (input, n) => {
      alarmsSet.push(input.alarmName);
      expect(input.reason).toBe('sm-rollout r-0001: aborted by bob: bad canary');
      return script(input, n);
    };
    const { r, kinds, text } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    await r.tickUntil((s) => s.context.nativeShifts === 1);
    expect(await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'bob', note: 'bad canary' })).toBe(true);

    expect(alarmsSet).toEqual([ABORT_ALARM]);
    expect(statusOf(r.snapshot)).toBe('rollingBack');
    expect(following(r)).toBe(true);
    expect(text()).toContain(
      `Set abort alarm ${ABORT_ALARM} to ALARM: SageMaker rolls the deployment back at its next alarm check ` +
        '(guardrails has no stop API); following until the old config serves again',
    );
    // A second abort is refused: it is already rolling back.
    expect(r.snapshot.can({ type: 'ABORT', now: cloud.now + 2, by: 'carol' })).toBe(false);
    await r.tick();
    expect(alarmsSet.length).toBeGreaterThan(1);

    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({ kind: 'abort', by: 'bob', note: 'bad canary' });
    expect(deployment.abortedAt).toBeDefined();
    expect(kinds().filter((k) => k === 'abortAlarmSet')).toHaveLength(1);
    expect(kinds().filter((k) => k === 'rollbackStarted')).toHaveLength(1);
    expect(cloud.calls.filter((c) => c.effect === 'apply')).toHaveLength(1);
  });

  it('says so honestly when the abort comes after the last bake, and the new model serves', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    const { r, text } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    await r.tickUntil((s) => s.context.nativeView?.pending?.variants[0]?.status === 'Deleting');
    await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'bob' });
    expect(text().at(-1)).toContain('but the deployment is past its last bake');
    const end = await r.tickUntil();
    expect(end.value).toBe('succeeded');
    expect(viewRollout(end).reason).toBe(
      'succeeded with warnings: the abort by bob came after the last bake: SageMaker watches alarms only while ' +
        'baking, so it finished the deployment and the new model serves; `sm-rollout undo` rolls back to the previous version',
    );
  });

  it('rolls back through the abort alarm when the rollout outlives its maximum duration', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    const { r } = await startNative(
      cloud,
      nativeInput('Canary10Percent5Minutes', CANARY, { maxDurationMs: 6 * MINUTE }),
    );
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({ kind: 'timeout', maxDurationMs: 6 * MINUTE });
    expect(cloud.calls.some((c) => c.effect === 'setAbortAlarm')).toBe(true);
  });

  it('before UpdateEndpoint is sent, an abort simply removes what was created', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    cloud.apply = () => ({ outcome: 'busy' }); // an auto scaling activity holds the endpoint
    const { r } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    expect(await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'bob' })).toBe(true);
    const end = await r.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(cloud.calls.map((c) => c.effect)).toContain('removeCandidate');
    expect(cloud.calls.map((c) => c.effect)).not.toContain('setAbortAlarm');
  });
});

describe('abort or the deadline while the UpdateEndpoint looks unsent (a busy attempt, then a lost save)', () => {
  /**
   * The first attempt found the endpoint busy and that snapshot was saved; a later run's UpdateEndpoint
   * was accepted but the process died before its save. SageMaker deploys; the saved rollout does not know.
   */
  async function savedBeforeLostUpdate(input: RolloutInput) {
    const cloud = new FakeCloud();
    const deployment = new ScriptedDeployment(cloud, CANARY_STAGES);
    cloud.apply = () => ({ outcome: 'busy' }); // an auto scaling activity holds the endpoint
    const { r } = await startNative(cloud, input);
    expect(r.snapshot.matches({ native: { deploying: 'waiting' } } as never)).toBe(true);
    const saved = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot()));
    r.stop();
    // The lost run's UpdateEndpoint, 5 minutes ago: the canary bakes now.
    deployment.startedAt = cloud.now - 5 * MINUTE;
    cloud.apply = () => ({ outcome: 'requested' });
    return { cloud, deployment, resumed: await Rollout.start(cloud, input, saved) };
  }

  it('abort reads the endpoint, finds the deployment under way and stops it with the abort alarm', async () => {
    const input = nativeInput('Canary10Percent5Minutes', CANARY);
    const { cloud, deployment, resumed } = await savedBeforeLostUpdate(input);
    expect(await resumed.send({ type: 'ABORT', now: cloud.now + 1, by: 'bob' })).toBe(true);
    expect(cloud.calls.map((c) => c.effect)).toContain('setAbortAlarm');
    expect(following(resumed)).toBe(true);
    const end = await resumed.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({ kind: 'abort', by: 'bob' });
    expect(deployment.abortedAt).toBeDefined();
    // What the rollout created goes only once SageMaker serves the old config again.
    const removeAt = cloud.calls.find((c) => c.effect === 'removeCandidate')!.at;
    expect(removeAt).toBeGreaterThanOrEqual(deployment.abortedAt! + 2 * MINUTE);
  });

  it('the deadline does the same', async () => {
    const input = nativeInput('Canary10Percent5Minutes', CANARY, { maxDurationMs: 2 * MINUTE });
    const { cloud, deployment, resumed } = await savedBeforeLostUpdate(input);
    cloud.now = input.startedAt + 3 * MINUTE;
    deployment.startedAt = cloud.now - 5 * MINUTE;
    const end = await resumed.tickUntil();
    expect(end.value).toBe('rolledBack');
    expect(end.context.rollbackReason).toEqual({ kind: 'timeout', maxDurationMs: 2 * MINUTE });
    expect(deployment.abortedAt).toBeDefined();
  });

  it('with nothing deploying, abort still just removes what was created', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    cloud.apply = () => ({ outcome: 'busy' });
    const { r } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    await r.send({ type: 'ABORT', now: cloud.now + 1, by: 'bob' });
    expect(cloud.calls.map((c) => c.effect)).toContain('followDeployment');
    expect((await r.tickUntil()).value).toBe('rolledBack');
    expect(cloud.calls.map((c) => c.effect)).not.toContain('setAbortAlarm');
  });
});

describe('someone else updates the endpoint to a third config mid-deployment', () => {
  const THEIR_CONFIG = 'churn-hotfix-config';

  it('ends failed saying something else changed the endpoint, after removing what the rollout created', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    const { r, kinds } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
    await r.tickUntil((s) => s.context.nativeShifts === 1);
    // Their UpdateEndpoint replaced the guardrails deployment; their config serves, nothing pending.
    cloud.followDeployment = () => ({ endpoint: { status: 'InService', endpointConfigName: THEIR_CONFIG } });
    const end = await r.tickUntil(undefined, 5);
    expect(end.value).toBe('failed');
    expect(end.context.failure).toEqual({
      code: 'UPDATE_FAILED',
      message: expect.stringContaining(
        `endpoint churn runs config ${THEIR_CONFIG}, not churn-r-0001-final; something else changed it during the rollout`,
      ),
    });
    expect(cloud.calls.map((c) => c.effect)).toContain('removeCandidate');
    expect(kinds()).toEqual(expect.arrayContaining(['candidateRemoved', 'failed']));
    expect(statusOf(end)).toBe('failed');
  });

  it('past the deadline, ends the same way instead of setting the abort alarm at every wake', async () => {
    const cloud = new FakeCloud();
    new ScriptedDeployment(cloud, CANARY_STAGES);
    const { r } = await startNative(
      cloud,
      nativeInput('Canary10Percent5Minutes', CANARY, { maxDurationMs: 6 * MINUTE }),
    );
    await r.tickUntil((s) => s.context.nativeShifts === 1);
    cloud.followDeployment = () => ({ endpoint: { status: 'InService', endpointConfigName: THEIR_CONFIG } });
    const end = await r.tickUntil(undefined, 10);
    expect(end.value).toBe('failed');
    expect(cloud.calls.filter((c) => c.effect === 'setAbortAlarm').length).toBeLessThanOrEqual(1);
  });
});

describe('commands guardrails cannot take', () => {
  it.each(['PAUSE', 'RESUME', 'PROMOTE'] as const)(
    'refuses %s with the reason and what to do instead',
    async (type) => {
      const cloud = new FakeCloud();
      new ScriptedDeployment(cloud, CANARY_STAGES);
      const { r } = await startNative(cloud, nativeInput('Canary10Percent5Minutes', CANARY));
      await r.tickUntil((s) => s.context.nativeShifts === 1);
      const command = { type, now: cloud.now + 1, by: 'bob' };
      expect(r.snapshot.can(command)).toBe(false);
      const why = explainRejection(r.snapshot, command);
      expect(why).toContain('runs on the native engine');
      expect(why).toContain(`has no API to ${type.toLowerCase()} a deployment`);
      expect(why).toContain('`sm-rollout abort r-0001` rolls it back');
    },
  );
});
