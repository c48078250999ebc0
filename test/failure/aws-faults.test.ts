// AWS misbehaving under the controller Lambda: throttling (absorbed by the SDK's own retries, or
// outlasting them), an update refused because the endpoint is mid-update, updates that fail or that
// SageMaker rolls back by itself, the endpoint deleted mid-rollout, a policy naming an alarm that does
// not exist, and EventBridge refusing lifecycle events. Every case asserts a defined outcome and the
// timeline entry (or log line) a person reads to find out what happened.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  createAwsClients,
  DEFAULT_MAX_ATTEMPTS,
  EventBridgeLifecyclePublisher,
  SageMakerEndpointControl,
} from '../../src/aws';
import type { EndpointControl } from '../../src/engine/ports';
import { fakeEventBridgeApi, fakeSageMakerApi, settle } from './faults-aws-http';
import { delegate, ENDPOINT, FaultHarness, MUTATING, ORIGINAL_CONFIG } from './faults-harness';

const HEALTH_CHECK =
  'The primary container for production variant candidate did not pass the ping health check.';

async function timelineText(h: FaultHarness, id: string): Promise<string[]> {
  return (await h.timeline(id)).map((e) => `${e.kind}: ${e.message}`);
}

/** The simulated SageMaker port, except DescribeEndpoint, which goes through a real SageMakerClient. */
function withRealDescribe() {
  let api: ReturnType<typeof fakeSageMakerApi> | undefined;
  const endpoints = (sim: FaultHarness['sim']): EndpointControl => {
    api = fakeSageMakerApi(sim);
    const { sagemaker } = createAwsClients({ requestHandler: api, region: 'us-east-1' });
    const real = new SageMakerEndpointControl(sagemaker);
    return { ...delegate(sim.sagemaker), describeEndpoint: (name) => real.describeEndpoint(name) };
  };
  return { endpoints, api: () => api! };
}

describe('throttling through a real SageMakerClient (the SDK retries; only HTTP is fake)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('a storm shorter than the SDK’s attempts is absorbed: the effect succeeds, the rollout succeeds', async () => {
    const wire = withRealDescribe();
    const h = new FaultHarness({ strategy: 'Canary10Percent5Minutes', endpoints: wire.endpoints });
    const api = wire.api();
    h.approveNewVersion();
    // The approval's resolveBaseline reads DescribeEndpoint first: its first 3 requests are throttled.
    api.throttleNext = 3;
    await settle(h.flush());

    const first = api.seen.slice(0, 4);
    expect(first.map((r) => [r.target, r.attempt, r.answered])).toEqual([
      ['SageMaker.DescribeEndpoint', `attempt=1; max=${DEFAULT_MAX_ATTEMPTS}`, 'throttled'],
      ['SageMaker.DescribeEndpoint', `attempt=2; max=${DEFAULT_MAX_ATTEMPTS}`, 'throttled'],
      ['SageMaker.DescribeEndpoint', `attempt=3; max=${DEFAULT_MAX_ATTEMPTS}`, 'throttled'],
      ['SageMaker.DescribeEndpoint', `attempt=4; max=${DEFAULT_MAX_ATTEMPTS}`, 'ok'],
    ]);
    expect(h.thrown).toEqual([]);
    const started = await h.only();
    expect(started.status).toBe('running');
    // The storm never reached the machine: the timeline reads like a calm start.
    const early = await timelineText(h, started.id);
    expect(early[1]).toBe(
      `baseline: Baseline is variant AllTraffic (model churn-prod-model-0, 2 × ml.m5.large) on config ${ORIGINAL_CONFIG}`,
    );
    expect(early.some((e) => e.startsWith('retry:'))).toBe(false);

    await settle(h.runUntil(() => h.ended(), 40));
    const final = await h.only();
    expect(final.status).toBe('succeeded');
    expect(h.sim.endpoint(ENDPOINT)!.endpointConfigName).toBe(final.input.names.finalConfig);
    expect(h.sim.violations).toEqual([]);
  });

  it('a storm that outlasts the SDK’s attempts surfaces as THROTTLED: the machine retries on a later wake, no rollback', async () => {
    const wire = withRealDescribe();
    const h = new FaultHarness({ strategy: 'Canary10Percent5Minutes', endpoints: wire.endpoints });
    const api = wire.api();
    h.approveNewVersion();
    await settle(h.flush());
    const { id } = await h.only();

    // Once baking at 10%, the next DescribeEndpoint (applying the shift to 100%) meets a storm of
    // exactly DEFAULT_MAX_ATTEMPTS throttles: one whole SDK call fails.
    let armedAt = -1;
    await settle(
      h.runUntil(
        async () => armedAt >= 0,
        20,
        async () => {
          const r = await h.only();
          if (armedAt < 0 && r.phase.startsWith('baking') && r.snapshot) {
            const weights = h.sim.endpoint(ENDPOINT)!.variants.map((v) => v.currentWeight);
            if (weights.includes(0.1) || weights.includes(10)) {
              armedAt = api.seen.length;
              api.throttleNext = DEFAULT_MAX_ATTEMPTS;
            }
          }
        },
      ),
    );
    await settle(h.runUntil(async () => (await timelineText(h, id)).some((e) => e.startsWith('retry:')), 20));

    const stormed = api.seen.slice(armedAt, armedAt + DEFAULT_MAX_ATTEMPTS);
    expect(stormed.map((r) => [r.attempt, r.answered])).toEqual(
      Array.from({ length: DEFAULT_MAX_ATTEMPTS }, (_, i) => [
        `attempt=${i + 1}; max=${DEFAULT_MAX_ATTEMPTS}`,
        'throttled',
      ]),
    );
    const during = await h.only();
    expect(during.status).toBe('running');
    const retry = (await timelineText(h, id)).find((e) => e.startsWith('retry:'));
    expect(retry).toBe(
      `retry: Retrying later: DescribeEndpoint was throttled by AWS after ${DEFAULT_MAX_ATTEMPTS} attempts ` +
        '(ThrottlingException: Rate exceeded); retry later',
    );
    expect(h.thrown).toEqual([]);

    await settle(h.runUntil(() => h.ended(), 40));
    const final = await h.only();
    expect(final.status).toBe('succeeded');
    // The machine's own retry (a later wake) got through.
    expect(api.seen[armedAt + DEFAULT_MAX_ATTEMPTS]?.answered).toBe('ok');
    const kinds = (await h.timeline(id)).map((e) => e.kind);
    expect(kinds).not.toContain('rollbackStarted');
    expect(kinds.filter((k) => k === 'retry')).toHaveLength(1);
    expect(h.sim.violations).toEqual([]);
  });
});

describe('the endpoint is mid-update when the controller’s update arrives', () => {
  it('ValidationException "Cannot update in-progress endpoint" is treated as busy, not failure', async () => {
    // A race: DescribeEndpoint says InService, then someone else's weight update lands before ours.
    let armed = false;
    let raced = false;
    const h = new FaultHarness({
      strategy: 'Canary10Percent5Minutes',
      endpoints: (sim) => ({
        ...delegate(sim.sagemaker),
        describeEndpoint: async (name) => {
          const state = await sim.sagemaker.describeEndpoint(name);
          if (armed && state?.status === 'InService') {
            armed = false;
            raced = true;
            const same = state.variants.map((v) => ({
              variantName: v.variantName,
              weight: v.currentWeight ?? 0,
            }));
            await sim.sagemaker.updateWeights(name, same);
          }
          return state;
        },
      }),
    });
    h.approveNewVersion();
    await h.runUntil(
      async () => raced,
      20,
      async () => {
        const r = await h.only();
        if (!raced && r.phase.startsWith('baking')) armed = true;
      },
    );
    await h.runUntil(() => h.ended(), 40);

    const busy = h.sim.calls.filter((c) => c.error?.code === 'ENDPOINT_BUSY');
    expect(busy).toHaveLength(1);
    expect(busy[0]!.operation).toMatch(/^Update/);
    expect(busy[0]!.error!.message).toMatch(
      /ValidationException: Cannot update in-progress endpoint "arn:aws:sagemaker:/,
    );
    const final = await h.only();
    expect(final.status).toBe('succeeded');
    const kinds = (await h.timeline(final.id)).map((e) => e.kind);
    expect(kinds).not.toContain('rollbackStarted');
    expect(h.thrown).toEqual([]);
    expect(h.sim.violations).toEqual([]);
  });
});

describe('SageMaker fails the update', () => {
  it('endpoint Failed: the rollout ends failed, naming the FailureReason and asking for a human', async () => {
    const h = new FaultHarness({ strategy: 'Canary10Percent5Minutes' });
    h.sim.injectFault({ kind: 'updateFails', endpointName: ENDPOINT, reason: HEALTH_CHECK });
    h.approveNewVersion();
    await h.runUntil(() => h.ended(), 40);

    const final = await h.only();
    expect(h.sim.endpoint(ENDPOINT)!.status).toBe('Failed');
    expect(final.status).toBe('failed');
    expect(final.reason).toMatch(/^rollback failed: /);
    expect(final.reason).toContain(HEALTH_CHECK);
    const last = (await h.timeline(final.id)).at(-1)!;
    expect(last.kind).toBe('failed');
    expect(last.message).toMatch(/^Rollback failed and needs a human: /);
    expect(last.message).toContain(HEALTH_CHECK);
    expect(last.message).toContain(`the original config is ${ORIGINAL_CONFIG}`);
    expect(h.lifecycle.published.map((e) => e.detailType)).toContain('Rollout Failed');
    expect(h.sim.calls.some((c) => c.operation === 'DeleteEndpoint')).toBe(false);
    expect(h.thrown).toEqual([]);
  });

  it('silent update rollback (InService on the old config, FailureReason set): rolledBack with SageMaker’s reason', async () => {
    const h = new FaultHarness({ strategy: 'Canary10Percent5Minutes' });
    h.sim.injectFault({ kind: 'silentRollback', endpointName: ENDPOINT, reason: HEALTH_CHECK });
    h.approveNewVersion();
    await h.runUntil(() => h.ended(), 40);

    const final = await h.only();
    expect(final.status).toBe('rolledBack');
    expect(final.reason).toMatch(/SageMaker rolled the update back/);
    expect(final.reason).toContain(`FailureReason: ${HEALTH_CHECK}`);
    const last = (await h.timeline(final.id)).at(-1)!;
    expect(last.kind).toBe('rolledBack');
    expect(last.message).toContain(HEALTH_CHECK);
    const endpoint = h.sim.endpoint(ENDPOINT)!;
    expect(endpoint.endpointConfigName).toBe(ORIGINAL_CONFIG);
    expect(endpoint.variants.map((v) => v.variantName)).toEqual(['AllTraffic']);
    expect(h.sim.violations).toEqual([]);
  });
});

describe('the endpoint is deleted behind the controller’s back mid-bake', () => {
  it('ends failed, saying the endpoint was deleted, with what the rollout created removed; no exception escapes the handler', async () => {
    const h = new FaultHarness({ strategy: 'Canary10Percent5Minutes' });
    h.approveNewVersion();
    let deletedAt: number | undefined;
    await h.runUntil(
      () => h.ended(),
      40,
      async () => {
        const r = await h.only();
        if (deletedAt === undefined && r.phase.startsWith('baking')) {
          deletedAt = h.now();
          h.sim.injectFault({ kind: 'deleteEndpoint', endpointName: ENDPOINT });
        }
      },
    );

    expect(deletedAt).toBeDefined();
    const final = await h.only();
    expect(final.status).toBe('failed');
    expect(final.reason).toBe(`endpoint ${ENDPOINT} was deleted during the rollout`);
    expect(h.thrown).toEqual([]);
    const entries = await timelineText(h, final.id);
    // The endpoint's DELETING state-change event ends the bake at once: nothing to restore or revert.
    expect(entries.slice(-3)).toEqual([
      `endpointDeleted: Endpoint ${ENDPOINT} was deleted during the rollout: there is no traffic to restore; removing what the rollout created`,
      `candidateRemoved: Removed endpoint config ${final.input.names.transitionConfig}, model ${final.input.names.candidateModel}, ` +
        `alarm ${final.input.candidateAlarms[0]!.alarmName}`,
      `failed: Rollout failed: endpoint ${ENDPOINT} was deleted during the rollout. To roll out again, recreate the endpoint and start a new rollout`,
    ]);
    expect(final.updatedAt - deletedAt!).toBeLessThanOrEqual(60_000);
    expect(h.sim.calls.some((c) => c.operation === 'CreateEndpoint')).toBe(false);
    expect(h.sim.modelNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(h.sim.endpointConfigNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(h.sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(await h.store.activeForEndpoint(ENDPOINT)).toBeUndefined();
  });
});

describe('a policy alarm that does not exist', () => {
  it('refuses the start (ALARM_NOT_FOUND) and creates nothing', async () => {
    const h = new FaultHarness({ alarms: ['churn-prod-5xx-missing'] });
    const before = h.sim.calls.length;
    const arn = h.approveNewVersion();
    await h.flush();

    expect(await h.store.list()).toEqual([]);
    expect(h.sim.calls.slice(before).filter((c) => MUTATING.test(c.operation))).toEqual([]);
    const refusal = h.logs.find((l) => l.message.startsWith('rollout refused:'))!;
    expect(refusal.level).toBe('error');
    expect(refusal.message).toBe(
      'rollout refused: alarm churn-prod-5xx-missing does not exist; a missing alarm cannot protect the rollout — ' +
        'create it or remove it from the alarms list',
    );
    expect(refusal.fields).toMatchObject({
      code: 'ALARM_NOT_FOUND',
      endpointName: ENDPOINT,
      modelPackageArn: arn,
    });
    expect(h.thrown).toEqual([]);
    expect(h.lifecycle.published).toEqual([]);
  });
});

describe('EventBridge refuses lifecycle events', () => {
  it('a publisher that throws: the rollout is unaffected and the engine warns', async () => {
    const h = new FaultHarness({
      strategy: 'AllAtOnce',
      events: {
        publish: async () => {
          throw new Error('PutEvents failed: AccessDeniedException: not authorized');
        },
      },
    });
    h.approveNewVersion();
    await h.runUntil(() => h.ended(), 40);

    const final = await h.only();
    expect(final.status).toBe('succeeded');
    const warnings = h.logs.filter((l) => l.level === 'warn' && l.message.startsWith('could not publish'));
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]!.message).toBe(
      `could not publish lifecycle events for ${final.id}: PutEvents failed: AccessDeniedException: not authorized`,
    );
    expect(warnings[0]!.fields).toMatchObject({ rolloutId: final.id, detailTypes: ['Rollout Started'] });
    expect(warnings.flatMap((w) => w.fields!.detailTypes as string[])).toContain('Rollout Succeeded');
    expect(h.thrown).toEqual([]);
  });

  it('a real EventBridgeClient whose PutEvents answers FailedEntryCount: retried, then warned; rollout unaffected', async () => {
    const api = fakeEventBridgeApi(() => true);
    const client = new EventBridgeClient({ requestHandler: api, region: 'us-east-1' });
    const h = new FaultHarness({
      strategy: 'AllAtOnce',
      events: new EventBridgeLifecyclePublisher(client, 'sm-rollout-bus', { delay: async () => undefined }),
    });
    h.approveNewVersion();
    await h.runUntil(() => h.ended(), 40);

    const final = await h.only();
    expect(final.status).toBe('succeeded');
    const warnings = h.logs.filter((l) => l.level === 'warn' && l.message.startsWith('could not publish'));
    expect(warnings[0]!.message).toBe(
      `could not publish lifecycle events for ${final.id}: EventBridge did not accept 1 of 1 lifecycle events on bus ` +
        `sm-rollout-bus: Rollout Started (${final.id}): InternalFailure: Internal service error`,
    );
    // The first call, then the refused entry sent again alone (3 attempts in all).
    expect(api.calls[0]!.entries[0]).toMatchObject({
      Source: 'sm-rollout',
      DetailType: 'Rollout Started',
      EventBusName: 'sm-rollout-bus',
    });
    expect(api.calls.slice(0, 3).map((c) => c.entries.map((e) => e.DetailType))).toEqual([
      ['Rollout Started'],
      ['Rollout Started'],
      ['Rollout Started'],
    ]);
    expect(h.thrown).toEqual([]);
  });
});

describe('throttling that outlasts the SDK when an approval starts a rollout', () => {
  // THROTTLED (retryable) is rethrown so Lambda retries the event; the claim is given back first, so
  // the retry is handled rather than dropped as a duplicate.
  it('the Lambda retry of the same approval event starts the rollout', async () => {
    const h = new FaultHarness();
    h.approveNewVersion();
    h.sim.injectFault({ kind: 'throttle', operations: ['DescribeEndpoint'], count: 1 });
    await h.flush();
    expect(h.thrown).toHaveLength(1); // Lambda retries the event a minute later
    expect(await h.store.list()).toHaveLength(0);
    await h.minute();
    const retry = h.bridge.invocations.find((i) => i.attempt === 1);
    expect(retry?.event['detail-type']).toBe('SageMaker Model Package State Change');
    expect(retry?.result).toMatchObject({ ok: true, outcomes: [{ action: 'started' }] });
    expect(await h.store.list()).toHaveLength(1);
  });
});
