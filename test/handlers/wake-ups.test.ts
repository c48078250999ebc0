// The controller Lambda receiving its wake-up queue's batches from the SQS event source mapping: each
// record parsed from the event exactly as Lambda passes it, a malformed one logged and dropped (a retry
// would not fix it), and only the records whose handling failed named in the partial batch response
// (ReportBatchItemFailures), so the rest are deleted from the queue.
import { createSimulatedEnvironment } from '../../src/cli/simulated-environment';
import { parseControllerEvent, sqsRecord, wakeUpBody } from '../../src/engine/intake';
import { SmRolloutError } from '../../src/errors';
import { MemoryRolloutStore, type RolloutRecord } from '../../src/store';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:sm-rollout-wake-ups';
const AT = Date.UTC(2026, 0, 15, 9, 5, 0);

function record(messageId: string, body: string) {
  return sqsRecord({
    messageId,
    body,
    sentAt: AT - 60_000,
    firstReceivedAt: AT + 800,
    receiveCount: 1,
    queueArn: QUEUE_ARN,
    region: 'us-east-1',
  });
}

/** A store whose reads of one rollout fail, as DynamoDB does when it throttles. */
class FlakyStore extends MemoryRolloutStore {
  override async get(id: string): Promise<RolloutRecord | undefined> {
    if (id === 'r-throttled')
      throw new SmRolloutError('THROTTLED', 'GetItem was throttled by AWS; retry later');
    return super.get(id);
  }
}

describe('the SQS event the event source mapping passes', () => {
  it('is read record by record: rollout and time from the body, the messageId to answer with', () => {
    expect(
      parseControllerEvent({
        Records: [record('m-1', wakeUpBody('r-1', AT)), record('m-2', wakeUpBody('r-2', AT + 1000))],
      }),
    ).toEqual({
      kind: 'wakeUps',
      records: [
        { messageId: 'm-1', rolloutId: 'r-1', at: AT },
        { messageId: 'm-2', rolloutId: 'r-2', at: AT + 1000 },
      ],
    });
  });

  it('a body that is not a wake-up is named as malformed, field and all, without failing the others', () => {
    const parsed = parseControllerEvent({
      Records: [
        record('m-1', 'hello'),
        record('m-2', JSON.stringify({ rolloutId: 'r-2' })),
        record('m-3', wakeUpBody('r-3', AT)),
      ],
    });
    expect(parsed).toEqual({
      kind: 'wakeUps',
      records: [
        { messageId: 'm-1', malformed: expect.stringMatching(/body: not JSON/) },
        { messageId: 'm-2', malformed: expect.stringMatching(/^malformed wake-up event: wakeAt: /) },
        { messageId: 'm-3', rolloutId: 'r-3', at: AT },
      ],
    });
  });
});

describe('the handler answering a wake-up batch', () => {
  it('names only the record whose handling failed; the unknown rollout and the malformed body are done with', async () => {
    const env = createSimulatedEnvironment({ store: new FlakyStore() });
    const result = await env.handler({
      Records: [
        record('m-1', wakeUpBody('r-unknown', AT)),
        record('m-2', '{"rolloutId": 7}'),
        record('m-3', wakeUpBody('r-throttled', AT)),
      ],
    });
    expect(result).toEqual({
      ok: true,
      kind: 'wakeUps',
      outcomes: [{ action: 'ignored', reason: 'rollout r-unknown not found', rolloutId: 'r-unknown' }],
      batchItemFailures: [{ itemIdentifier: 'm-3' }],
    });
    expect(env.logs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          message: expect.stringMatching(/^malformed wake-up event: rolloutId: /),
          fields: { messageId: 'm-2' },
        }),
        expect.objectContaining({
          level: 'error',
          message: 'wake-up failed: GetItem was throttled by AWS; retry later',
          fields: expect.objectContaining({ messageId: 'm-3', rolloutId: 'r-throttled', code: 'THROTTLED' }),
        }),
      ]),
    );
  });

  it('answers an empty failure list when every record was handled (Lambda deletes the batch)', async () => {
    const env = createSimulatedEnvironment();
    const result = await env.handler({ Records: [record('m-1', wakeUpBody('r-unknown', AT))] });
    expect(result).toMatchObject({ ok: true, kind: 'wakeUps', batchItemFailures: [] });
  });
});
