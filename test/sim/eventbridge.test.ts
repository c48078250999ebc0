// The simulated EventBridge as its users meet it: the cloud's events reach the target in the order
// they were sent, each simulated minute ends in the rate(1 minute) rule's Scheduled Event, the hooks
// lose, repeat, delay, hold back and reorder deliveries, and a target that throws is retried as Lambda
// retries an asynchronous invocation (1 then 2 minutes later) and then dead-lettered.
import { DEFAULT_START_TIME, createSimCloud, type SimCloud } from '../../src/sim';
import {
  ASYNC_RETRY_DELAYS_MS,
  SimEventBridge,
  type DeliveryTarget,
  type SimEventBridgeOptions,
} from '../../src/sim/eventbridge';

const T0 = DEFAULT_START_TIME; // 2026-01-15T09:00:00Z, a minute boundary
const SECOND = 1_000;
const MINUTE = 60_000;
const PACKAGE_EVENT = 'SageMaker Model Package State Change';
const SCHEDULE_RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/sm-rollout-schedule';

type Event = Record<string, unknown>;

interface Received {
  event: Event;
  /** Simulated time when the target ran. */
  at: number;
}

/** A cloud, a bridge over it and a target that records (event, simulated time) and returns 'ok'. */
function setup(
  options: Partial<SimEventBridgeOptions<string>> & { seed?: number; fails?: (event: Event) => boolean } = {},
) {
  const { seed, fails, ...bridgeOptions } = options;
  const cloud = createSimCloud({ seed: seed ?? 3 });
  const received: Received[] = [];
  let failures = 0;
  const target: DeliveryTarget<string> = async (event) => {
    received.push({ event: event as Event, at: cloud.clock.now() });
    if (fails?.(event as Event)) throw new Error(`target failed (${++failures})`);
    return 'ok';
  };
  const bridge = new SimEventBridge<string>(cloud, { target, ...bridgeOptions });
  return { cloud, bridge, received };
}

const detailType = (event: Event) => event['detail-type'];
const isSchedule = (event: Event) => detailType(event) === 'Scheduled Event';
const approvalOf = (event: Event) => (event.detail as { ModelApprovalStatus?: string }).ModelApprovalStatus;
/** What was received as [detail-type or approval status, seconds since T0]. */
const timeline = (received: Received[]) =>
  received.map(({ event, at }) => [isSchedule(event) ? 'schedule' : approvalOf(event), (at - T0) / SECOND]);

/** Runs `fn` on the cloud's clock at T0 + `seconds` (something happening in the cloud then). */
function at(cloud: SimCloud, seconds: number, fn: () => void): void {
  cloud.clock.schedule(T0 + seconds * SECOND, fn);
}

describe('SimEventBridge', () => {
  describe('delivery', () => {
    it("delivers what the stack's rules match, a guardrails deployment's state changes included", async () => {
      const { cloud, bridge, received } = setup();
      const pkg = cloud.registerModelPackage({ groupName: 'churn', approvalStatus: 'Approved' });
      cloud.createEndpoint({ endpointName: 'churn', modelPackageArn: pkg, instanceCount: 2 });
      await cloud.sagemaker.createModel({
        modelName: 'churn-green',
        modelPackageArn: pkg,
        executionRoleArn: 'arn:aws:iam::123456789012:role/SageMakerExecution',
        tags: [],
      });
      await cloud.sagemaker.createEndpointConfig({
        endpointConfigName: 'churn-green',
        variants: [
          {
            variantName: 'AllTraffic',
            modelName: 'churn-green',
            instanceType: 'ml.m5.large',
            initialInstanceCount: 2,
            initialVariantWeight: 1,
          },
        ],
        tags: [],
      });
      await cloud.sagemaker.updateEndpoint('churn', 'churn-green', {
        deploymentConfig: {
          blueGreen: {
            trafficRouting: { type: 'ALL_AT_ONCE', waitIntervalInSeconds: 60 },
            terminationWaitInSeconds: 0,
          },
          autoRollbackAlarms: [],
        },
      });
      await bridge.flush();

      const sent = new Set(cloud.events.map((event) => event['detail-type']));
      expect(sent).toContain('SageMaker Endpoint Deployment State Change');
      // The stack's endpoint rule takes a guardrails deployment's state changes too (a native rollout follows them).
      expect(new Set(received.map(({ event }) => detailType(event)))).toEqual(
        new Set([
          'SageMaker Model Package State Change',
          'SageMaker Endpoint State Change',
          'SageMaker Endpoint Deployment State Change',
        ]),
      );
    });

    it("delivers the cloud's events on flush, in the order sent, with their EventBridge envelope", async () => {
      const { cloud, bridge, received } = setup();
      const fraud = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.clock.advanceBy(10 * SECOND);
      cloud.setModelPackageApproval(fraud, 'Approved');
      const churn = cloud.registerModelPackage({ groupName: 'churn' });

      expect(received).toEqual([]); // nothing reaches the target until the bus is flushed
      expect(bridge.pending).toEqual(cloud.events);
      await bridge.flush();

      expect(cloud.events).toHaveLength(3);
      expect(received.map((r) => r.event)).toEqual(cloud.events);
      expect(
        received.map(({ event }) => ({
          id: event.id,
          source: event.source,
          detailType: event['detail-type'],
          time: event.time,
          arn: (event.detail as { ModelPackageArn: string }).ModelPackageArn,
          approval: approvalOf(event),
        })),
      ).toEqual([
        {
          id: cloud.events[0]!.id,
          source: 'aws.sagemaker',
          detailType: PACKAGE_EVENT,
          time: '2026-01-15T09:00:00Z',
          arn: fraud,
          approval: 'PendingManualApproval',
        },
        {
          id: cloud.events[1]!.id,
          source: 'aws.sagemaker',
          detailType: PACKAGE_EVENT,
          time: '2026-01-15T09:00:10Z',
          arn: fraud,
          approval: 'Approved',
        },
        {
          id: cloud.events[2]!.id,
          source: 'aws.sagemaker',
          detailType: PACKAGE_EVENT,
          time: '2026-01-15T09:00:10Z',
          arn: churn,
          approval: 'PendingManualApproval',
        },
      ]);
      expect(new Set(received.map(({ event }) => event.id)).size).toBe(3);
      expect(
        bridge.invocations.map((i) => ({ event: i.event, at: i.at, attempt: i.attempt, result: i.result })),
      ).toEqual(received.map(({ event }) => ({ event, at: T0 + 10 * SECOND, attempt: 0, result: 'ok' })));
      expect(bridge.pending).toEqual([]);

      await bridge.flush(); // each event once
      expect(received).toHaveLength(3);
    });

    it('minute() lets time pass to each moment something happens, then sends one Scheduled Event at the boundary', async () => {
      const { cloud, bridge, received } = setup();
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      at(cloud, 20, () => cloud.setModelPackageApproval(arn, 'Approved'));
      at(cloud, 45, () => cloud.setModelPackageApproval(arn, 'Rejected'));
      at(cloud, 75, () => cloud.setModelPackageApproval(arn, 'Approved'));

      await bridge.minute();
      expect(timeline(received)).toEqual([
        ['PendingManualApproval', 0],
        ['Approved', 20],
        ['Rejected', 45],
        ['schedule', 60],
      ]);
      expect(cloud.clock.now()).toBe(T0 + MINUTE);
      const schedule = received[3]!.event;
      expect(schedule).toEqual({
        version: '0',
        id: expect.any(String),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '123456789012',
        time: '2026-01-15T09:01:00Z',
        region: 'us-east-1',
        resources: [SCHEDULE_RULE_ARN],
        detail: {},
      });

      // The next minute: the approval at 09:01:15, then the 09:02:00 Scheduled Event (a new id).
      await bridge.minute();
      expect(timeline(received).slice(4)).toEqual([
        ['Approved', 75],
        ['schedule', 120],
      ]);
      expect(received[5]!.event.time).toBe('2026-01-15T09:02:00Z');
      expect(received[5]!.event.id).not.toBe(schedule.id);
    });

    it('minute() started between boundaries ends at the next boundary, not a minute later', async () => {
      const { cloud, bridge, received } = setup();
      cloud.clock.advanceTo(T0 + 30 * SECOND);
      await bridge.minute();
      expect(timeline(received)).toEqual([['schedule', 60]]);
      expect(received[0]!.event.time).toBe('2026-01-15T09:01:00Z');
      expect(cloud.clock.now()).toBe(T0 + MINUTE);
    });
  });

  describe('hooks', () => {
    it('drop: EventBridge loses the event; it is never delivered', async () => {
      const { cloud, bridge, received } = setup();
      bridge.drop = (event) => approvalOf(event as never) === 'Approved';
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(arn, 'Approved');
      await bridge.minute();
      await bridge.minute();
      expect(cloud.events).toHaveLength(2); // the cloud did send it
      expect(timeline(received)).toEqual([
        ['PendingManualApproval', 0],
        ['schedule', 60],
        ['schedule', 120],
      ]);
      expect(bridge.pending).toEqual([]);
      expect(bridge.held).toEqual([]);
    });

    it('duplicate: the same event is delivered twice', async () => {
      const { cloud, bridge, received } = setup();
      bridge.duplicate = (event) => approvalOf(event as never) === 'Approved';
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(arn, 'Approved');
      await bridge.flush();
      expect(received.map((r) => r.event)).toEqual([cloud.events[0], cloud.events[1], cloud.events[1]]);
      expect(received[1]!.event.id).toBe(received[2]!.event.id);
    });

    it('delayMs: delivered only once simulated time reaches the moment it was sent plus the delay', async () => {
      const { cloud, bridge, received } = setup();
      bridge.delayMs = (event) => (approvalOf(event as never) === 'Approved' ? 30 * SECOND : 0);
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(arn, 'Approved');
      await bridge.flush();
      expect(timeline(received)).toEqual([['PendingManualApproval', 0]]);
      expect(bridge.pending).toEqual([cloud.events[1]]);

      cloud.clock.advanceTo(T0 + 30 * SECOND - 1);
      await bridge.flush();
      expect(received).toHaveLength(1);
      cloud.clock.advanceTo(T0 + 30 * SECOND);
      await bridge.flush();
      expect(timeline(received)).toEqual([
        ['PendingManualApproval', 0],
        ['Approved', 30],
      ]);
      expect(received[1]!.event).toBe(cloud.events[1]); // the envelope keeps the time it was sent
      expect(received[1]!.event.time).toBe('2026-01-15T09:00:00Z');
    });

    it('delayMs: minute() advances to the moment a delayed event comes due, or leaves it for a later minute', async () => {
      const { cloud, bridge, received } = setup();
      const delays: Record<string, number> = { Approved: 25 * SECOND, Rejected: 90 * SECOND };
      bridge.delayMs = (event) => delays[approvalOf(event as never) ?? ''] ?? 0;
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(arn, 'Approved');
      cloud.setModelPackageApproval(arn, 'Rejected');
      await bridge.minute();
      expect(timeline(received)).toEqual([
        ['PendingManualApproval', 0],
        ['Approved', 25],
        ['schedule', 60],
      ]);
      await bridge.minute();
      expect(timeline(received).slice(3)).toEqual([
        ['Rejected', 90],
        ['schedule', 120],
      ]);
    });

    it('hold: the event is kept in `held` and not delivered until the test puts it on the bus', async () => {
      const { cloud, bridge, received } = setup();
      bridge.hold = (event) => approvalOf(event as never) === 'Approved';
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(arn, 'Approved');
      await bridge.minute();
      expect(bridge.held).toEqual([cloud.events[1]]);
      expect(bridge.pending).toEqual([]);
      expect(timeline(received)).toEqual([
        ['PendingManualApproval', 0],
        ['schedule', 60],
      ]);

      bridge.put(bridge.held[0] as unknown as Event);
      await bridge.flush();
      expect(timeline(received).slice(2)).toEqual([['Approved', 60]]);
    });

    it('reorder: what is due is delivered in the order the hook gives', async () => {
      const { cloud, bridge, received } = setup();
      const seen: Event[][] = [];
      bridge.reorder = (due) => {
        seen.push([...due]);
        return [...due].reverse();
      };
      const fraud = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(fraud, 'Approved');
      cloud.registerModelPackage({ groupName: 'churn' });
      await bridge.flush();
      expect(seen).toEqual([[...cloud.events]]); // the hook is handed the order they were sent in
      expect(received.map((r) => r.event)).toEqual([...cloud.events].reverse());
    });

    it('reorder: a hook that leaves an event out is an error, not a silent loss', async () => {
      const { cloud, bridge, received } = setup();
      bridge.reorder = (due) => due.slice(1);
      cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.registerModelPackage({ groupName: 'churn' });
      await expect(bridge.flush()).rejects.toThrow(/reorder must return the events it was given/);
      expect(received).toEqual([]);
      expect(bridge.pending).toEqual([...cloud.events]); // still there to be delivered
    });

    it('takePending removes one undelivered event (or, with keep, leaves it to be delivered); discardPending forgets them all', async () => {
      const { cloud, bridge, received } = setup();
      const fraud = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(fraud, 'Approved');
      cloud.registerModelPackage({ groupName: 'churn' });
      const [first, second, third] = cloud.events;

      expect(bridge.takePending(0, true)).toBe(first);
      expect(bridge.pending).toEqual([first, second, third]);
      expect(bridge.takePending(1)).toBe(second);
      expect(bridge.pending).toEqual([first, third]);
      expect(bridge.takePending(5)).toBeUndefined();
      await bridge.flush();
      expect(received.map((r) => r.event)).toEqual([first, third]);

      cloud.setModelPackageApproval(fraud, 'Rejected');
      cloud.registerModelPackage({ groupName: 'churn' });
      expect(bridge.pending).toHaveLength(2);
      bridge.discardPending();
      expect(bridge.pending).toEqual([]);
      await bridge.flush();
      expect(received).toHaveLength(2);

      // Still listening: the next event is delivered.
      cloud.setModelPackageApproval(fraud, 'Approved');
      await bridge.flush();
      expect(received.map((r) => r.event)).toEqual([first, third, cloud.events[5]]);
    });
  });

  describe("Lambda's asynchronous-invocation retries", () => {
    it('retries a failing event 1 minute and then 2 minutes later, then dead-letters it', async () => {
      expect(ASYNC_RETRY_DELAYS_MS).toEqual([MINUTE, 2 * MINUTE]);
      const { cloud, bridge } = setup({ fails: (event) => !isSchedule(event) });
      cloud.registerModelPackage({ groupName: 'fraud', approvalStatus: 'Approved' });
      const approval = cloud.events[0] as unknown as Event;
      const attemptsOf = () =>
        bridge.invocations
          .filter((i) => i.event === approval)
          .map((i) => ({ at: (i.at - T0) / SECOND, attempt: i.attempt, error: (i.error as Error).message }));

      await bridge.minute(); // 09:00 fails, retried at 09:01
      expect(attemptsOf()).toEqual([
        { at: 0, attempt: 0, error: 'target failed (1)' },
        { at: 60, attempt: 1, error: 'target failed (2)' },
      ]);
      expect(bridge.pending).toEqual([approval]); // the second retry, due 09:03
      await bridge.minute();
      await bridge.minute();
      expect(attemptsOf()).toEqual([
        { at: 0, attempt: 0, error: 'target failed (1)' },
        { at: 60, attempt: 1, error: 'target failed (2)' },
        { at: 180, attempt: 2, error: 'target failed (3)' },
      ]);
      expect(bridge.deadLetters.map((d) => d.event)).toEqual([approval]);
      expect((bridge.deadLetters[0]!.error as Error).message).toBe('target failed (3)');
      expect(bridge.pending).toEqual([]);

      await bridge.minute();
      await bridge.minute();
      expect(attemptsOf()).toHaveLength(3);
      expect(bridge.deadLetters).toHaveLength(1);
    });

    it('dead-letters only after the last retry, 3 minutes after the first delivery (flush and the clock alone)', async () => {
      const { cloud, bridge } = setup({ fails: () => true });
      cloud.registerModelPackage({ groupName: 'fraud', approvalStatus: 'Approved' });
      cloud.clock.advanceTo(T0 + 7 * SECOND);
      await bridge.flush();
      cloud.clock.advanceTo(T0 + 67 * SECOND - 1);
      await bridge.flush();
      expect(bridge.invocations.map((i) => i.attempt)).toEqual([0]);
      cloud.clock.advanceTo(T0 + 67 * SECOND);
      await bridge.flush();
      cloud.clock.advanceTo(T0 + 187 * SECOND - 1);
      await bridge.flush();
      expect(bridge.invocations.map((i) => i.attempt)).toEqual([0, 1]);
      expect(bridge.deadLetters).toEqual([]);
      cloud.clock.advanceTo(T0 + 187 * SECOND);
      await bridge.flush();
      expect(bridge.invocations.map((i) => [i.attempt, (i.at - T0) / SECOND])).toEqual([
        [0, 7],
        [1, 67],
        [2, 187],
      ]);
      expect(bridge.deadLetters.map((d) => d.event)).toEqual([cloud.events[0]]);
    });

    it('an event that fails once and then succeeds is not dead-lettered', async () => {
      let calls = 0;
      const { cloud, bridge } = setup({ fails: (event) => !isSchedule(event) && ++calls === 1 });
      cloud.registerModelPackage({ groupName: 'fraud', approvalStatus: 'Approved' });
      await bridge.minute();
      await bridge.minute();
      await bridge.minute();
      const attempts = bridge.invocations.filter((i) => !isSchedule(i.event));
      expect(
        attempts.map((i) => ({ at: i.at - T0, attempt: i.attempt, result: i.result, failed: !!i.error })),
      ).toEqual([
        { at: 0, attempt: 0, result: undefined, failed: true },
        { at: MINUTE, attempt: 1, result: 'ok', failed: false },
      ]);
      expect(bridge.deadLetters).toEqual([]);
      expect(bridge.pending).toEqual([]);
    });

    it("onError 'throw': the target's error propagates out of flush, with no retry", async () => {
      const { cloud, bridge } = setup({ onError: 'throw', fails: () => true });
      cloud.registerModelPackage({ groupName: 'fraud' });
      await expect(bridge.flush()).rejects.toThrow('target failed (1)');
      expect(bridge.invocations).toHaveLength(1);
      expect((bridge.invocations[0]!.error as Error).message).toBe('target failed (1)');
      expect(bridge.pending).toEqual([]);
      expect(bridge.deadLetters).toEqual([]);
    });

    it("onError 'throw': events due with the failing one are not lost; they stay pending", async () => {
      const { cloud, bridge, received } = setup({
        onError: 'throw',
        fails: (event) => approvalOf(event) === 'Approved',
      });
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      cloud.setModelPackageApproval(arn, 'Approved');
      cloud.setModelPackageApproval(arn, 'Rejected');
      await expect(bridge.flush()).rejects.toThrow('target failed (1)');
      expect(bridge.pending).toEqual([cloud.events[2]]);
      await bridge.flush();
      expect(received.map((r) => approvalOf(r.event))).toEqual([
        'PendingManualApproval',
        'Approved',
        'Rejected',
      ]);
    });

    it("a failing Scheduled Event is recorded but neither retried nor dead-lettered (the next minute's does the same work)", async () => {
      const { bridge } = setup({ fails: isSchedule });
      await bridge.minute();
      expect(bridge.invocations).toHaveLength(1);
      const [first] = bridge.invocations;
      expect(first).toMatchObject({ at: T0 + MINUTE, attempt: 0, error: expect.any(Error) });
      expect(bridge.pending).toEqual([]);
      expect(bridge.deadLetters).toEqual([]);

      for (let m = 0; m < 4; m++) await bridge.minute();
      expect(bridge.invocations.map((i) => [(i.at - T0) / MINUTE, i.attempt])).toEqual([
        [1, 0],
        [2, 0],
        [3, 0],
        [4, 0],
        [5, 0],
      ]);
      expect(new Set(bridge.invocations.map((i) => i.event.id)).size).toBe(5);
      expect(bridge.invocations.every(isScheduleInvocation)).toBe(true);
      expect(bridge.deadLetters).toEqual([]);
    });

    it("onError 'throw': a failing Scheduled Event propagates out of minute()", async () => {
      const { bridge } = setup({ onError: 'throw', fails: isSchedule });
      await expect(bridge.minute()).rejects.toThrow('target failed (1)');
    });
  });

  describe('between, beforeAdvance, close', () => {
    it('calls `between` after each delivery and after the minute’s Scheduled Event, and what it puts is delivered', async () => {
      const { cloud, bridge, received } = setup();
      const log: string[] = [];
      let commandSent = false;
      bridge.between = () => {
        const last = received.at(-1)!.event;
        log.push(
          `between after ${isSchedule(last) ? 'schedule' : (approvalOf(last) ?? String(detailType(last)))}`,
        );
        if (isSchedule(last) && !commandSent) {
          commandSent = true; // an operator's command, right after the tick
          bridge.put(
            bridge.commandEvent({ command: 'pause', endpoint: 'fraud-detector', requestedBy: 'ops' }),
          );
        }
      };
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      at(cloud, 30, () => cloud.setModelPackageApproval(arn, 'Approved'));
      await bridge.minute();
      expect(log).toEqual([
        'between after PendingManualApproval',
        'between after Approved',
        'between after schedule',
        'between after Rollout Command',
      ]);
      const command = received.at(-1)!;
      expect(command.at).toBe(T0 + MINUTE);
      expect(command.event).toMatchObject({
        source: 'sm-rollout.cli',
        'detail-type': 'Rollout Command',
        time: '2026-01-15T09:01:00Z',
        detail: { command: 'pause', endpoint: 'fraud-detector', requestedBy: 'ops' },
      });
    });

    it('awaits `beforeAdvance` with the time it is about to move to, before the clock moves', async () => {
      const calls: { to: number; nowBefore: number; nowAfter: number; deliveredSoFar: number }[] = [];
      const { cloud, bridge, received } = setup({
        beforeAdvance: async (t) => {
          const before = cloud.clock.now();
          await new Promise((resolve) => setTimeout(resolve, 5));
          // Still not moved after awaiting: the bridge waited for us.
          calls.push({
            to: (t - T0) / SECOND,
            nowBefore: (before - T0) / SECOND,
            nowAfter: (cloud.clock.now() - T0) / SECOND,
            deliveredSoFar: received.length,
          });
        },
      });
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      at(cloud, 20, () => cloud.setModelPackageApproval(arn, 'Approved'));
      await bridge.minute();
      // The cloud's own work is due every 10 s (its traffic tick), so the clock moves in those steps.
      expect(calls).toEqual([
        { to: 10, nowBefore: 0, nowAfter: 0, deliveredSoFar: 1 },
        { to: 20, nowBefore: 10, nowAfter: 10, deliveredSoFar: 1 },
        { to: 30, nowBefore: 20, nowAfter: 20, deliveredSoFar: 2 },
        { to: 40, nowBefore: 30, nowAfter: 30, deliveredSoFar: 2 },
        { to: 50, nowBefore: 40, nowAfter: 40, deliveredSoFar: 2 },
        { to: 60, nowBefore: 50, nowAfter: 50, deliveredSoFar: 2 },
      ]);
      expect(timeline(received)).toEqual([
        ['PendingManualApproval', 0],
        ['Approved', 20],
        ['schedule', 60],
      ]);

      await bridge.flush(); // flushing never moves time
      expect(calls).toHaveLength(6);
    });

    it('close() stops listening: events the cloud sends afterwards are not queued', async () => {
      const { cloud, bridge, received } = setup();
      const arn = cloud.registerModelPackage({ groupName: 'fraud' });
      bridge.close();
      cloud.setModelPackageApproval(arn, 'Approved');
      expect(cloud.events).toHaveLength(2);
      expect(bridge.pending).toEqual([cloud.events[0]]); // sent before close: still on the bus
      await bridge.flush();
      cloud.registerModelPackage({ groupName: 'churn' });
      await bridge.flush();
      expect(received.map((r) => r.event)).toEqual([cloud.events[0]]);
    });
  });

  describe('determinism', () => {
    /** A few minutes of a cloud with an endpoint, an alarm, package events and a command. */
    async function run(seed: number, newId?: () => string) {
      const { cloud, bridge } = setup({ seed, ...(newId ? { newId } : {}) });
      const arn = cloud.registerModelPackage({ groupName: 'fraud', approvalStatus: 'Approved' });
      cloud.createEndpoint({ endpointName: 'fraud-detector', modelPackageArn: arn });
      cloud.createMetricAlarm({
        alarmName: 'fraud-detector-5xx',
        metricName: 'Invocation5XXErrors',
        endpointName: 'fraud-detector',
        statistic: 'Average',
        threshold: 0.05,
        comparison: 'GreaterThanThreshold',
        periodSeconds: 60,
        evaluationPeriods: 1,
      });
      const candidate = cloud.registerModelPackage({ groupName: 'fraud' });
      at(cloud, 95, () => cloud.setModelPackageApproval(candidate, 'Approved'));
      at(cloud, 130, () => cloud.setAlarmState('fraud-detector-5xx', 'ALARM', 'test'));
      bridge.put(bridge.commandEvent({ command: 'pause', endpoint: 'fraud-detector', requestedBy: 'ops' }));
      for (let m = 0; m < 4; m++) await bridge.minute();
      return bridge.invocations.map(({ event, at, attempt }) => ({ event, at, attempt }));
    }

    const counter = () => {
      let n = 0;
      return () => `id-${++n}`;
    };

    it('two bridges over two clouds with the same seed and `newId` deliver the same invocations', async () => {
      const a = await run(11, counter());
      const b = await run(11, counter());
      expect(a).toEqual(b);
      const kinds = new Set(a.map((i) => i.event['detail-type']));
      expect(kinds).toEqual(
        new Set([
          PACKAGE_EVENT,
          'SageMaker Endpoint State Change',
          'CloudWatch Alarm State Change',
          'Scheduled Event',
          'Rollout Command',
        ]),
      );
      expect(a.filter((i) => isSchedule(i.event)).map((i) => i.event.id)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^id-\d+$/)]),
      );

      // Not a vacuous comparison: another seed gives the cloud's events other ids, and without
      // newId the Scheduled Events get random ones.
      expect(await run(12, counter())).not.toEqual(a);
      expect(await run(11)).not.toEqual(await run(11));
    });
  });
});

function isScheduleInvocation(invocation: { event: Event }): boolean {
  return isSchedule(invocation.event);
}
