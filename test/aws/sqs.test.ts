// SqsWakeUpScheduler: the exact SendMessage a wake-up is — the queue, the body the intake parses back, and
// DelaySeconds rounded up to whole seconds and capped at SQS's 15 minutes — and a failure as SmRolloutError.
import { SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SqsWakeUpScheduler } from '../../src/aws';
import { parseControllerEvent, sqsRecord } from '../../src/engine/intake';
import { isSmRolloutError } from '../../src/errors';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sm-rollout-wake-ups';
const NOW = Date.UTC(2026, 0, 15, 9, 6, 0, 250);
const scheduler = () => new SqsWakeUpScheduler(new SQSClient({}), QUEUE, { now: () => NOW });

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('SqsWakeUpScheduler', () => {
  it('sends one message to the queue: the rollout and the time, delayed by the whole seconds until then', async () => {
    await scheduler().wakeAt('r-42', NOW + 59_250);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 1);
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input).toEqual({
      QueueUrl: QUEUE,
      MessageBody: JSON.stringify({ rolloutId: 'r-42', wakeAt: NOW + 59_250 }),
      DelaySeconds: 60,
    });
  });

  it('rounds a part second up, so the message is never available before the time it is for', async () => {
    await scheduler().wakeAt('r-42', NOW + 1);
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.DelaySeconds).toBe(1);
  });

  it('asks for at most 900 seconds (SQS maximum) for a bake ending later; the controller sends it on', async () => {
    await scheduler().wakeAt('r-42', NOW + 30 * 60_000);
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(input.DelaySeconds).toBe(900);
    expect(JSON.parse(input.MessageBody!)).toEqual({ rolloutId: 'r-42', wakeAt: NOW + 30 * 60_000 });
  });

  it('a time already past is sent without delay', async () => {
    await scheduler().wakeAt('r-42', NOW - 5_000);
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.DelaySeconds).toBe(0);
  });

  it('the body it sends is what the controller parses from the event source mapping', async () => {
    await scheduler().wakeAt('r-42', NOW + 10_000);
    const body = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!;
    const record = sqsRecord({
      messageId: 'm-1',
      body,
      sentAt: NOW,
      firstReceivedAt: NOW + 10_500,
      receiveCount: 1,
      queueArn: 'arn:aws:sqs:eu-west-1:123456789012:sm-rollout-wake-ups',
      region: 'eu-west-1',
    });
    expect(parseControllerEvent({ Records: [record] })).toEqual({
      kind: 'wakeUps',
      records: [{ messageId: 'm-1', rolloutId: 'r-42', at: NOW + 10_000 }],
    });
  });

  it('a refused send is an SmRolloutError naming SendMessage and what SQS said', async () => {
    sqs.on(SendMessageCommand).rejects(
      new SQSServiceException({
        name: 'QueueDoesNotExist',
        message: 'The specified queue does not exist.',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const error = await scheduler()
      .wakeAt('r-42', NOW + 10_000)
      .catch((e: unknown) => e);
    expect(isSmRolloutError(error, 'AWS_ERROR')).toBe(true);
    expect((error as Error).message).toBe(
      'SendMessage failed: QueueDoesNotExist: The specified queue does not exist.',
    );
  });
});
