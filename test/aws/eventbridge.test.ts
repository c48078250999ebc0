// EventBridgeLifecyclePublisher: the exact PutEvents entries, batches of ten, entries EventBridge refused
// retried alone, and the error naming what was never delivered.

import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
  type PutEventsCommandInput,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { EventBridgeLifecyclePublisher } from '../../src/aws';
import type { LifecycleDetailType, LifecycleEvent } from '../../src/engine/ports';
import { isSmRolloutError } from '../../src/errors';

const eventbridge = mockClient(EventBridgeClient);
const delays: number[] = [];
const publisher = (attempts?: number) =>
  new EventBridgeLifecyclePublisher(new EventBridgeClient({}), 'sm-rollout-bus', {
    ...(attempts === undefined ? {} : { attempts }),
    delay: async (attempt) => {
      delays.push(attempt);
    },
  });

beforeEach(() => {
  eventbridge.reset();
  delays.length = 0;
});

const AT = Date.UTC(2026, 0, 15, 9, 6, 0);

function event(detailType: LifecycleDetailType, n = 0): LifecycleEvent {
  return {
    detailType,
    detail: {
      rolloutId: `r-${n}`,
      endpointName: 'churn-prod',
      modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/3',
      weights: { baseline: 90, candidate: 10 },
      step: { index: 1, total: 4 },
    },
    at: AT + n * 1_000,
  };
}

function inputs(): PutEventsCommandInput[] {
  return eventbridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input);
}

const ok = (count: number) => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: count }, (_, i) => ({ EventId: `id-${i}` })),
});

describe('EventBridgeLifecyclePublisher', () => {
  it('sends each event as one PutEvents entry from source sm-rollout on the bus', async () => {
    eventbridge.on(PutEventsCommand).resolves(ok(2));
    const rolledBack: LifecycleEvent = {
      detailType: 'Rollout Rolled Back',
      detail: {
        rolloutId: 'r-1',
        endpointName: 'churn-prod',
        modelPackageArn: 'arn:pkg/3',
        reason: 'alarm churn-prod-5xx went to ALARM',
      },
      at: AT + 5_000,
    };

    await publisher().publish([event('Traffic Shifted'), rolledBack]);

    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(inputs()[0]).toEqual({
      Entries: [
        {
          Source: 'sm-rollout',
          DetailType: 'Traffic Shifted',
          Detail: JSON.stringify(event('Traffic Shifted').detail),
          EventBusName: 'sm-rollout-bus',
          Time: new Date(AT),
          Resources: [],
        },
        {
          Source: 'sm-rollout',
          DetailType: 'Rollout Rolled Back',
          Detail:
            '{"rolloutId":"r-1","endpointName":"churn-prod","modelPackageArn":"arn:pkg/3",' +
            '"reason":"alarm churn-prod-5xx went to ALARM"}',
          EventBusName: 'sm-rollout-bus',
          Time: new Date(AT + 5_000),
          Resources: [],
        },
      ],
    });
  });

  it('makes no call for no events', async () => {
    await publisher().publish([]);
    expect(eventbridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });

  it('sends 23 events in batches of at most 10, in order', async () => {
    eventbridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ok(input.Entries!.length));
    const events = Array.from({ length: 23 }, (_, n) => event('Traffic Shifted', n));

    await publisher().publish(events);

    expect(inputs().map((input) => input.Entries!.length)).toEqual([10, 10, 3]);
    const sent = inputs().flatMap((input) => input.Entries!.map((e) => JSON.parse(e.Detail!).rolloutId));
    expect(sent).toEqual(events.map((e) => e.detail.rolloutId));
  });

  it('retries only the refused entry, alone, and succeeds', async () => {
    eventbridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'id-0' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' },
          { EventId: 'id-2' },
        ],
      })
      .resolves(ok(1));
    const events = [event('Rollout Started', 0), event('Traffic Shifted', 1), event('Rollout Paused', 2)];

    await publisher().publish(events);

    expect(inputs()).toHaveLength(2);
    expect(inputs()[1]!.Entries).toEqual([
      expect.objectContaining({ DetailType: 'Traffic Shifted', Detail: JSON.stringify(events[1]!.detail) }),
    ]);
    expect(delays).toEqual([2]);
  });

  it('after `attempts` tries throws an error naming every event not delivered and why', async () => {
    eventbridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
      const entries = input.Entries!;
      const results = entries.map((e) =>
        e.DetailType === 'Rollout Succeeded' || e.DetailType === 'Rollback Started'
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
          : { EventId: 'id' },
      );
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    });
    const events = [event('Rollback Started', 1), event('Traffic Shifted', 2), event('Rollout Succeeded', 3)];

    const failure = await publisher(3)
      .publish(events)
      .catch((error: unknown) => error);

    expect(isSmRolloutError(failure, 'AWS_ERROR')).toBe(true);
    expect((failure as Error).message).toBe(
      'EventBridge did not accept 2 of 3 lifecycle events on bus sm-rollout-bus: ' +
        'Rollback Started (r-1): ThrottlingException: Rate exceeded; ' +
        'Rollout Succeeded (r-3): ThrottlingException: Rate exceeded',
    );
    // One batch, then each refused entry twice more on its own.
    expect(inputs().map((input) => input.Entries!.map((e) => e.DetailType))).toEqual([
      ['Rollback Started', 'Traffic Shifted', 'Rollout Succeeded'],
      ['Rollback Started'],
      ['Rollback Started'],
      ['Rollout Succeeded'],
      ['Rollout Succeeded'],
    ]);
  });

  it('treats a failed call as every entry of it refused, and still sends the other batches', async () => {
    eventbridge
      .on(PutEventsCommand)
      .rejectsOnce(
        new EventBridgeServiceException({
          name: 'InternalException',
          $fault: 'server',
          $metadata: {},
          message: 'internal error',
        }),
      )
      .callsFake((input: PutEventsCommandInput) => ok(input.Entries!.length));
    const events = Array.from({ length: 12 }, (_, n) => event('Traffic Shifted', n));

    await publisher().publish(events);

    // First batch of 10 failed whole; each of its entries retried alone; then the batch of 2.
    expect(inputs().map((input) => input.Entries!.length)).toEqual([10, ...Array<number>(10).fill(1), 2]);
  });

  it('with attempts 1 does not retry', async () => {
    eventbridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure' }],
    });
    await expect(publisher(1).publish([event('Rollout Failed', 7)])).rejects.toThrow(
      'EventBridge did not accept 1 of 1 lifecycle events on bus sm-rollout-bus: Rollout Failed (r-7): InternalFailure',
    );
    expect(inputs()).toHaveLength(1);
    expect(delays).toEqual([]);
  });
});
