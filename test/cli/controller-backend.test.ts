// Controller mode against a stand-in controller: PutEvents is mocked (aws-sdk-client-mock) and the mock
// plays the deployed controller, applying each command with a real engine on the simulated cloud and the
// same store the backend reads. Proves the exact events sent, that refusals send nothing, and how the
// backend waits for and follows the controller, on a fake clock.
import os from 'node:os';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createAwsClients } from '../../src/aws';
import type { FollowResult } from '../../src/cli/backend';
import {
  ControllerBackend,
  type ControllerBackendDeps,
  type ControllerClock,
  openControllerBackend,
} from '../../src/cli/controller-backend';
import { NO_CONTROLLER_CONFIGURED } from '../../src/cli/controller-config';
import {
  DEMO_ENDPOINT,
  DEMO_GROUP,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import type { AlarmControl } from '../../src/engine/ports';
import { validateStartRequest } from '../../src/engine/start-request';
import { SmRolloutError } from '../../src/errors';
import { DEPLOYED_POLICIES, RolloutController } from '../../src/engine/controller';
import type { StartCommandRequest } from '../../src/engine/intake';
import { advanceTo } from '../engine/drive';
import { DynamoRolloutStore, type RolloutRecord, type TimelineEntry } from '../../src/store';
import { startDynalite, type DynaliteServer } from '../store/dynalite-server';

const BUS = 'SmRolloutStackCommandBus5678';
const eventbridge = mockClient(EventBridgeClient);

/** Time only moves when the backend sleeps; each sleep can let the "controller" do something. */
class FakeClock implements ControllerClock {
  t = 1_700_000_000_000;
  readonly sleeps: number[] = [];
  onSleep?: (sleptSoFar: number) => Promise<void> | void;
  now() {
    return this.t;
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.t += ms;
    await this.onSleep?.(this.sleeps.length);
  }
}

interface Harness {
  env: SimulatedEnvironment;
  clock: FakeClock;
  backend: ControllerBackend;
  /** The Detail of every PutEvents entry, parsed. */
  sent(): unknown[];
}

function harness(options: Partial<ControllerBackendDeps> = {}): Harness {
  const env = createSimulatedEnvironment();
  const clock = new FakeClock();
  // The controller's own dry run, as the CLI runs it: the deployed policies are out of its sight.
  const checker = new RolloutController({
    store: env.store,
    endpoints: env.sim.sagemaker,
    alarms: env.sim.cloudwatch,
    policies: DEPLOYED_POLICIES,
    events: env.lifecycle,
    clock: env.sim.clock,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const backend = new ControllerBackend({
    eventbridge: new EventBridgeClient({ region: 'eu-west-1' }),
    commandBusName: BUS,
    store: env.store,
    alarms: env.sim.cloudwatch,
    check: (event) => checker.check(event),
    clock,
    commandTimeoutMs: 10_000,
    ...options,
  });
  return {
    env,
    clock,
    backend,
    sent: () =>
      eventbridge
        .commandCalls(PutEventsCommand)
        .flatMap((call) => call.args[0].input.Entries ?? [])
        .map((entry) => JSON.parse(entry.Detail!)),
  };
}

type Detail = Record<string, unknown> & { command: string };

/** The stand-in controller: applies each command with the simulated environment's engine. */
function controllerActs(env: SimulatedEnvironment, options: { eventId?: string } = {}) {
  let n = 0;
  eventbridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
    const d = JSON.parse(input.Entries![0]!.Detail!) as Detail;
    if (d.command === 'start') {
      await env.engine.start(
        validateStartRequest({
          endpointName: d.endpoint as string,
          modelPackageArn: d.modelPackageArn as string,
          executionRoleArn: (d.executionRoleArn as string | undefined) ?? DEMO_ROLE,
          requestedBy: d.requestedBy as string,
          ...(d.strategy ? { strategy: d.strategy as string } : {}),
          // Which alarms guard it is the deployed policy's business, not these tests'.
          allowUnguarded: true,
        }),
      );
    } else {
      const by = d.requestedBy as string;
      const id = d.rolloutId as string;
      if (d.command === 'pause') await env.engine.command(id, { type: 'PAUSE', by });
      if (d.command === 'resume') await env.engine.command(id, { type: 'RESUME', by });
      if (d.command === 'promote')
        await env.engine.command(id, { type: 'PROMOTE', by, full: d.full === true });
      if (d.command === 'abort') await env.engine.command(id, { type: 'ABORT', by, note: d.note as string });
    }
    return { FailedEntryCount: 0, Entries: [{ EventId: options.eventId ?? `ev-${++n}` }] };
  });
}

/** A controller that accepts the event and never acts on it. */
function controllerSilent(eventId = 'ev-lost') {
  eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: eventId }] });
}

async function startDirect(env: SimulatedEnvironment, strategy = '10%,pause,100%'): Promise<RolloutRecord> {
  const modelPackageArn = env.approveNewVersion(HEALTHY_MODEL);
  const { record } = await env.engine.start(
    validateStartRequest({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn,
      executionRoleArn: DEMO_ROLE,
      strategy,
      requestedBy: 'tests',
      allowUnguarded: true,
    }),
  );
  return record;
}

/** One step of the controller's schedule: the rollout's wake-up time comes, the engine ticks it. */
async function tickOnce(env: SimulatedEnvironment, id: string): Promise<RolloutRecord> {
  const record = (await env.store.get(id))!;
  advanceTo(env, record.nextWakeAt ?? env.sim.clock.now() + 5_000);
  return (await env.engine.tick(id)).record;
}

async function driveUntil(env: SimulatedEnvironment, id: string, done: (r: RolloutRecord) => boolean) {
  let record = (await env.store.get(id))!;
  for (let i = 0; !done(record); i++) {
    if (i > 500) throw new Error(`rollout never reached the expected point; it is ${record.phase}`);
    record = await tickOnce(env, id);
  }
  return record;
}

async function failure(promise: Promise<unknown>): Promise<SmRolloutError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected an SmRolloutError, but the promise resolved');
}

function putEventsInput(detail: object): PutEventsCommandInput {
  return {
    Entries: [
      {
        EventBusName: BUS,
        Source: 'sm-rollout.cli',
        DetailType: 'Rollout Command',
        Detail: JSON.stringify(detail),
      },
    ],
  };
}

beforeEach(() => {
  eventbridge.reset();
});

describe('ControllerBackend.start', () => {
  it('carries candidate capacity and candidate alarms in the start command', async () => {
    const { env, backend, sent } = harness();
    controllerActs(env);
    const modelPackageArn = env.approveNewVersion(HEALTHY_MODEL);
    const candidateAlarms = [
      { suffix: '5xx', metricName: 'Invocation5XXErrors', statistic: 'Average', threshold: 0.05 },
    ];
    await backend.start({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn,
      candidate: { instanceType: 'ml.m5.xlarge', instanceCount: 3 },
      candidateAlarms,
      requestedBy: 'alice',
    });
    expect(sent()).toEqual([
      {
        command: 'start',
        endpoint: DEMO_ENDPOINT,
        modelPackageArn,
        requestedBy: 'alice',
        candidateAlarms,
        candidate: { instanceType: 'ml.m5.xlarge', instanceCount: 3 },
      },
    ]);
  });

  it('sends one start command with only the given fields and returns the rollout the controller created', async () => {
    const { env, backend, clock } = harness();
    controllerActs(env);
    const modelPackageArn = env.approveNewVersion(HEALTHY_MODEL);

    const record = await backend.start({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn,
      requestedBy: 'alice',
    });

    expect(backend.mode).toBe('controller');
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventbridge).toHaveReceivedCommandWith(
      PutEventsCommand,
      putEventsInput({ command: 'start', endpoint: DEMO_ENDPOINT, modelPackageArn, requestedBy: 'alice' }),
    );
    expect(record).toMatchObject({ endpointName: DEMO_ENDPOINT, modelPackageArn, requestedBy: 'alice' });
    expect(await env.store.activeForEndpoint(DEMO_ENDPOINT)).toMatchObject({ id: record.id });
    expect(clock.sleeps).toEqual([]);
  });

  it('sends a full request with every override the event carries, durations as text', async () => {
    const { env, backend } = harness();
    controllerActs(env);
    const modelPackageArn = env.approveNewVersion(HEALTHY_MODEL);
    const request: StartCommandRequest = {
      endpointName: DEMO_ENDPOINT,
      modelPackageArn,
      executionRoleArn: DEMO_ROLE,
      strategy: 'Linear10PercentEvery1Minute',
      finalBake: 600_000,
      maxDuration: '2h',
      alarms: [],
      requestedBy: 'pipeline',
    };

    await backend.start(request);

    expect(eventbridge.commandCalls(PutEventsCommand)[0]!.args[0].input).toEqual(
      putEventsInput({
        command: 'start',
        endpoint: DEMO_ENDPOINT,
        modelPackageArn,
        requestedBy: 'pipeline',
        strategy: 'Linear10PercentEvery1Minute',
        finalBake: '10m',
        alarms: [],
        executionRoleArn: DEMO_ROLE,
        maxDuration: '2h',
      }),
    );
  });

  it('waits, polling every second, until the controller has created the rollout', async () => {
    const { env, backend, clock } = harness();
    controllerSilent('ev-7');
    const modelPackageArn = env.approveNewVersion(HEALTHY_MODEL);
    clock.onSleep = async (n) => {
      if (n === 3) {
        await env.engine.start(
          validateStartRequest({
            endpointName: DEMO_ENDPOINT,
            modelPackageArn,
            executionRoleArn: DEMO_ROLE,
            requestedBy: 'bob',
            allowUnguarded: true,
          }),
        );
      }
    };

    const record = await backend.start({ endpointName: DEMO_ENDPOINT, modelPackageArn, requestedBy: 'bob' });

    expect(record.modelPackageArn).toBe(modelPackageArn);
    expect(clock.sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  it('does not take an earlier rollout of the same package for the new one, and times out in words', async () => {
    const { env, backend, clock } = harness();
    const earlier = await startDirect(env);
    await env.engine.command(earlier.id, { type: 'ABORT', by: 'tests' });
    await driveUntil(env, earlier.id, (r) => r.status === 'rolledBack');
    controllerSilent('ev-lost-1');

    const error = await failure(
      backend.start({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: earlier.modelPackageArn,
        requestedBy: 'bob',
      }),
    );

    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(error.code).toBe('AWS_ERROR');
    expect(error.message).toBe(
      `the command to start a rollout of ${earlier.modelPackageArn} on ${DEMO_ENDPOINT} was sent (event ev-lost-1) ` +
        'but the controller has not acted on it within 10s; it may still do so, or it may have refused it. ' +
        "Check with `sm-rollout status <id>` (or `sm-rollout list`), and look in the controller function's log " +
        'group (/aws/lambda/<FunctionName output>) and its dead-letter queue (DeadLetterQueueUrl output)',
    );
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  describe('refuses before sending anything', () => {
    async function refused(h: Harness, request: Partial<StartCommandRequest>): Promise<SmRolloutError> {
      controllerActs(h.env);
      const error = await failure(
        h.backend.start({
          endpointName: DEMO_ENDPOINT,
          requestedBy: 'alice',
          ...request,
        } as StartCommandRequest),
      );
      expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
      return error;
    }

    it('an endpoint with an active rollout, naming it', async () => {
      const h = harness();
      const active = await startDirect(h.env);
      const error = await refused(h, { modelPackageArn: h.env.approveNewVersion(HEALTHY_MODEL) });
      expect(error.code).toBe('ROLLOUT_ACTIVE');
      expect(error.message).toBe(
        `endpoint ${DEMO_ENDPOINT} already has an active rollout (${active.id}, ${active.phase}); ` +
          `wait for it to end or run \`sm-rollout abort ${active.id}\``,
      );
    });

    it('a model package ARN that is not one', async () => {
      const error = await refused(harness(), { modelPackageArn: 'churn-model/7' });
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.field).toBe('modelPackageArn');
    });

    it('a bad strategy, even when the policy would fill the rest', async () => {
      const h = harness();
      const error = await refused(h, {
        modelPackageArn: h.env.approveNewVersion(HEALTHY_MODEL),
        strategy: '10%,banana',
      });
      expect(error.code).toBe('INVALID_PLAN');
    });

    it('a full request that fails validation (maxDuration shorter than the bakes)', async () => {
      const h = harness();
      const error = await refused(h, {
        modelPackageArn: h.env.approveNewVersion(HEALTHY_MODEL),
        executionRoleArn: DEMO_ROLE,
        strategy: 'Canary10Percent5Minutes',
        maxDuration: '1m',
      });
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.field).toBe('maxDuration');
    });

    it('a bad execution role', async () => {
      const h = harness();
      const error = await refused(h, {
        modelPackageArn: h.env.approveNewVersion(HEALTHY_MODEL),
        executionRoleArn: 'sagemaker-exec',
      });
      expect(error.field).toBe('executionRoleArn');
    });

    it('a candidate alarm the start request gets wrong, named by its field', async () => {
      const h = harness();
      const error = await refused(h, {
        modelPackageArn: h.env.approveNewVersion(HEALTHY_MODEL),
        candidateAlarms: [
          { suffix: 'Bad Suffix', metricName: 'Invocation5XXErrors', statistic: 'Average', threshold: 1 },
        ],
      });
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe('candidateAlarms[0].suffix: use 1–32 lowercase letters, digits or hyphens');
    });

    it('an endpoint that does not exist', async () => {
      const h = harness();
      const error = await refused(h, {
        endpointName: 'nope',
        modelPackageArn: h.env.approveNewVersion(HEALTHY_MODEL),
      });
      expect(error.code).toBe('ENDPOINT_NOT_FOUND');
    });

    it('a package that is not approved', async () => {
      const h = harness();
      const pending = h.env.sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour: HEALTHY_MODEL });
      const error = await refused(h, { modelPackageArn: pending });
      expect(error.code).toBe('MODEL_PACKAGE_NOT_APPROVED');
    });

    it('an alarm that does not exist', async () => {
      const h = harness();
      const error = await refused(h, {
        modelPackageArn: h.env.approveNewVersion(HEALTHY_MODEL),
        alarms: ['no-such-alarm'],
      });
      expect(error.code).toBe('ALARM_NOT_FOUND');
    });
  });

  it('fails clearly when EventBridge does not take the event', async () => {
    const { env, backend } = harness();
    eventbridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'Not authorized' }],
    });
    const error = await failure(
      backend.start({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: env.approveNewVersion(HEALTHY_MODEL),
        requestedBy: 'alice',
      }),
    );
    expect(error.code).toBe('AWS_ERROR');
    expect(error.message).toBe(
      `the start command was not sent to the command bus ${BUS} (AccessDeniedException: Not authorized); ` +
        'nothing changed — check that the bus exists and that your credentials may put events on it ' +
        '(the stack grants this to its commandPrincipals)',
    );
  });

  it('reports a failed PutEvents call as an AWS error naming the bus', async () => {
    const { env, backend } = harness();
    eventbridge
      .on(PutEventsCommand)
      .rejects(
        Object.assign(new Error('Event bus x does not exist.'), { name: 'ResourceNotFoundException' }),
      );
    const error = await failure(
      backend.start({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: env.approveNewVersion(HEALTHY_MODEL),
        requestedBy: 'alice',
      }),
    );
    expect(error.code).toBe('AWS_ERROR');
    expect(error.message).toBe(
      `PutEvents to the command bus ${BUS} failed: ResourceNotFoundException: Event bus x does not exist.`,
    );
  });
});

describe('ControllerBackend.command', () => {
  async function atGate(h: Harness): Promise<RolloutRecord> {
    const started = await startDirect(h.env);
    return driveUntil(h.env, started.id, (r) => r.status === 'awaitingPromotion');
  }

  it('sends promote and returns the record the controller saved', async () => {
    const h = harness();
    const gate = await atGate(h);
    controllerActs(h.env);

    const record = await h.backend.command(gate.id, { type: 'PROMOTE', by: 'alice' });

    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventbridge).toHaveReceivedCommandWith(
      PutEventsCommand,
      putEventsInput({ command: 'promote', rolloutId: gate.id, requestedBy: 'alice' }),
    );
    expect(record.version).toBeGreaterThan(gate.version);
    expect(record.status).toBe('running');
  });

  it('sends promote --full, pause, resume and abort with their fields', async () => {
    const h = harness();
    const gate = await atGate(h);
    controllerActs(h.env);

    const paused = await h.backend.command(gate.id, { type: 'PAUSE', by: 'alice' });
    expect(paused.status).toBe('paused');
    const resumed = await h.backend.command(gate.id, { type: 'RESUME', by: 'bob' });
    expect(resumed.status).toBe('awaitingPromotion');
    await h.backend.command(gate.id, { type: 'PROMOTE', by: 'carol', full: true });
    const aborted = await h.backend.command(gate.id, { type: 'ABORT', by: 'dave', note: 'latency' });
    expect(['rollingBack', 'rolledBack']).toContain(aborted.status);

    expect(h.sent()).toEqual([
      { command: 'pause', rolloutId: gate.id, requestedBy: 'alice' },
      { command: 'resume', rolloutId: gate.id, requestedBy: 'bob' },
      { command: 'promote', rolloutId: gate.id, requestedBy: 'carol', full: true },
      { command: 'abort', rolloutId: gate.id, requestedBy: 'dave', note: 'latency' },
    ]);
    expect(eventbridge.commandCalls(PutEventsCommand)[3]!.args[0].input).toEqual(
      putEventsInput({ command: 'abort', rolloutId: gate.id, requestedBy: 'dave', note: 'latency' }),
    );
  });

  it('refuses a command that does not apply now, in the machine words, sending nothing', async () => {
    const h = harness();
    const gate = await atGate(h);
    controllerActs(h.env);

    const error = await failure(h.backend.command(gate.id, { type: 'RESUME', by: 'alice' }));

    expect(error.code).toBe('COMMAND_REJECTED');
    expect(error.message).toBe(`rollout ${gate.id} is not paused; it is ${gate.phase}`);
    expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('refuses promote while the transition config deploys', async () => {
    const h = harness();
    const started = await startDirect(h.env);
    controllerActs(h.env);
    const error = await failure(h.backend.command(started.id, { type: 'PROMOTE', by: 'alice' }));
    expect(error.code).toBe('COMMAND_REJECTED');
    expect(error.message).toMatch(
      new RegExp(`^rollout ${started.id} is not waiting at a manual gate; it is deploying`),
    );
    expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('refuses every command to a rollout that has ended', async () => {
    const h = harness();
    const started = await startDirect(h.env);
    await h.env.engine.command(started.id, { type: 'ABORT', by: 'tests' });
    const ended = await driveUntil(h.env, started.id, (r) => r.status === 'rolledBack');
    controllerActs(h.env);
    const error = await failure(h.backend.command(ended.id, { type: 'ABORT', by: 'alice' }));
    expect(error.message).toBe(`rollout ${ended.id} has already ended (rolledBack); nothing to abort`);
    expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('refuses an unknown rollout and one saved by another machine version', async () => {
    const h = harness();
    controllerActs(h.env);
    const missing = await failure(h.backend.command('r-nope', { type: 'PAUSE', by: 'alice' }));
    expect(missing.code).toBe('ROLLOUT_NOT_FOUND');
    expect(missing.message).toBe(
      "rollout r-nope not found in the controller's table; `sm-rollout list` shows the known ones",
    );

    const started = await startDirect(h.env);
    const stored = (await h.env.store.get(started.id))!;
    await h.env.store.save(
      { ...stored, machineVersion: 'rollout-machine/0', version: stored.version + 1 },
      stored.version,
      [],
    );
    const old = await failure(h.backend.command(started.id, { type: 'ABORT', by: 'alice' }));
    expect(old.code).toBe('SNAPSHOT_INCOMPATIBLE');
    expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('waits for a new version and times out naming the event and where to look', async () => {
    const h = harness({
      commandTimeoutMs: 3_000,
      commandPollMs: 500,
      controllerHint: 'stack SmRolloutStack',
    });
    const gate = await atGate(h);
    controllerSilent('ev-42');

    const error = await failure(h.backend.command(gate.id, { type: 'PROMOTE', by: 'alice' }));

    expect(error.message).toBe(
      `the command to promote rollout ${gate.id} was sent (event ev-42) but the controller has not acted on it ` +
        'within 3s; it may still do so, or it may have refused it. Check with `sm-rollout status <id>` (or ' +
        "`sm-rollout list`), and look in the controller function's log group of stack SmRolloutStack " +
        '(/aws/lambda/<FunctionName output>) and its dead-letter queue (DeadLetterQueueUrl output)',
    );
    expect(h.clock.sleeps).toEqual([500, 500, 500, 500, 500, 500]);
  });

  it('returns as soon as the controller saved, a few polls later', async () => {
    const h = harness();
    const gate = await atGate(h);
    controllerSilent();
    h.clock.onSleep = async (n) => {
      if (n === 2) await h.env.engine.command(gate.id, { type: 'PAUSE', by: 'alice' });
    };
    const record = await h.backend.command(gate.id, { type: 'PAUSE', by: 'alice' });
    expect(record.status).toBe('paused');
    expect(h.clock.sleeps).toEqual([1_000, 1_000]);
  });
});

describe('ControllerBackend.follow', () => {
  it('reports each entry added after following began once, in order, until the rollout ends', async () => {
    const h = harness();
    const started = await startDirect(h.env, 'Canary10Percent5Minutes');
    const before = (await h.env.store.get(started.id))!.timelineLength;
    h.clock.onSleep = async () => {
      await tickOnce(h.env, started.id);
    };
    const updates: { version: number; added: TimelineEntry[] }[] = [];

    const result = await h.backend.follow(started.id, {
      until: 'end',
      onUpdate: (record, added) => {
        updates.push({ version: record.version, added });
      },
    });

    expect(result.stoppedBecause).toBe('ended');
    expect(result.record.status).toBe('succeeded');
    const timeline = await h.env.store.timeline(started.id);
    expect(updates.flatMap((u) => u.added)).toEqual(timeline.slice(before));
    expect(updates.every((u) => u.added.length > 0)).toBe(true);
    expect(new Set(updates.map((u) => u.version)).size).toBe(updates.length);
    expect(new Set(h.clock.sleeps)).toEqual(new Set([2_000]));
  });

  it('returns at once for a rollout that has ended, reporting nothing', async () => {
    const h = harness();
    const started = await startDirect(h.env);
    await h.env.engine.command(started.id, { type: 'ABORT', by: 'tests' });
    await driveUntil(h.env, started.id, (r) => r.status === 'rolledBack');
    const onUpdate = jest.fn();
    const result = await h.backend.follow(started.id, { until: 'end', onUpdate });
    expect(result).toMatchObject({ stoppedBecause: 'ended', record: { status: 'rolledBack' } });
    expect(onUpdate).not.toHaveBeenCalled();
    expect(h.clock.sleeps).toEqual([]);
  });

  it('stops at a gate when asked to stop on attention, with the given interval', async () => {
    const h = harness();
    const started = await startDirect(h.env);
    h.clock.onSleep = async () => {
      await tickOnce(h.env, started.id);
    };
    const result = await h.backend.follow(started.id, { until: 'attention', intervalMs: 250 });
    expect(result).toMatchObject({ stoppedBecause: 'attention', record: { status: 'awaitingPromotion' } });
    expect(new Set(h.clock.sleeps)).toEqual(new Set([250]));
  });

  it('follows past a gate when following until the end, and gives up at timeoutMs', async () => {
    const h = harness();
    const gate = await startDirect(h.env);
    await driveUntil(h.env, gate.id, (r) => r.status === 'awaitingPromotion');
    const result = await h.backend.follow(gate.id, { until: 'end', timeoutMs: 5_000 });
    expect(result).toMatchObject({ stoppedBecause: 'timeout', record: { status: 'awaitingPromotion' } });
    expect(h.clock.sleeps).toEqual([2_000, 2_000, 1_000]);
  });

  it('detaches on the signal without changing the rollout', async () => {
    const h = harness();
    const started = await startDirect(h.env);
    const controller = new AbortController();
    h.clock.onSleep = (n) => {
      if (n === 2) controller.abort();
    };
    const result: FollowResult = await h.backend.follow(started.id, {
      until: 'end',
      signal: controller.signal,
    });
    expect(result.stoppedBecause).toBe('detached');
    expect(result.record.version).toBe(started.version);
    expect(eventbridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('refuses an unknown rollout', async () => {
    const h = harness();
    const error = await failure(h.backend.follow('r-nope', { until: 'end' }));
    expect(error.code).toBe('ROLLOUT_NOT_FOUND');
  });
});

describe('ControllerBackend reads', () => {
  it('reads alarm states through the alarm port, empty when they cannot be read', async () => {
    const states = [{ alarmName: 'p99', state: 'OK' as const, stateReason: 'fine' }];
    const alarms = { describeAlarms: jest.fn(async () => states) } as unknown as AlarmControl;
    const h = harness({ alarms });
    await expect(h.backend.alarmStates(['p99'])).resolves.toEqual(states);
    await expect(h.backend.alarmStates([])).resolves.toEqual([]);
    expect(alarms.describeAlarms).toHaveBeenCalledTimes(1);
    (alarms.describeAlarms as jest.Mock).mockRejectedValueOnce(new Error('AccessDenied'));
    await expect(h.backend.alarmStates(['p99'])).resolves.toEqual([]);
    await expect(h.backend.close()).resolves.toBeUndefined();
  });

  it('gets, lists and finds the active rollout from the store', async () => {
    const h = harness();
    const started = await startDirect(h.env);
    await expect(h.backend.get(started.id)).resolves.toMatchObject({ record: { id: started.id } });
    await expect(h.backend.list({ endpointName: DEMO_ENDPOINT })).resolves.toHaveLength(1);
    await expect(h.backend.activeForEndpoint(DEMO_ENDPOINT)).resolves.toMatchObject({ id: started.id });
    await expect(failure(h.backend.get('r-nope'))).resolves.toMatchObject({ code: 'ROLLOUT_NOT_FOUND' });
  });
});

describe('openControllerBackend', () => {
  it('refuses, naming how to configure it, when no controller is configured', async () => {
    const error = await failure(openControllerBackend({}, {}, os.tmpdir()));
    expect(error.message).toBe(NO_CONTROLLER_CONFIGURED);
  });

  it('opens a controller backend from flags', async () => {
    const backend = await openControllerBackend(
      { table: 't', 'command-bus': 'b', region: 'eu-west-1' },
      {},
      os.tmpdir(),
    );
    expect(backend).toBeInstanceOf(ControllerBackend);
    expect(backend.mode).toBe('controller');
  });
});

describe('ControllerBackend.fromConfig over a DynamoDB table (dynalite)', () => {
  let server: DynaliteServer;
  beforeAll(async () => {
    server = await startDynalite();
  });
  afterAll(async () => {
    await server.close();
  });

  it('reads the configured table and sends to the configured bus', async () => {
    const tableName = await server.createTable();
    const dynamodb = server.client();
    const env = createSimulatedEnvironment({ store: new DynamoRolloutStore(dynamodb, tableName) });
    const started = await startDirect(env);
    await driveUntil(env, started.id, (r) => r.status === 'awaitingPromotion');
    controllerActs(env);

    const clients = { ...createAwsClients({ region: 'eu-west-1' }), dynamodb };
    const backend = ControllerBackend.fromConfig(
      { tableName, commandBusName: 'bus-from-stack', source: 'stack outputs', stack: 'SmRolloutStack' },
      clients,
      { clock: new FakeClock() },
    );
    const { record, timeline } = await backend.get(started.id);
    expect(record.status).toBe('awaitingPromotion');
    expect(timeline.length).toBe(record.timelineLength);

    const promoted = await backend.command(started.id, { type: 'PROMOTE', by: 'alice' });
    expect(promoted.version).toBeGreaterThan(record.version);
    expect(eventbridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'bus-from-stack',
          Source: 'sm-rollout.cli',
          DetailType: 'Rollout Command',
          Detail: JSON.stringify({ command: 'promote', rolloutId: started.id, requestedBy: 'alice' }),
        },
      ],
    });
  });
});
