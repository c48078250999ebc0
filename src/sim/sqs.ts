// The simulated wake-up queue: an SQS standard queue with per-message timers and the Lambda event
// source mapping that polls it, on the simulated clock. The controller's WakeUpScheduler port sends
// to it (`scheduler`); the simulated EventBridge, which drives the controller, delivers its batches
// to the same handler as everything else (src/sim/eventbridge.ts, option `wakeUpQueue`). Hooks lose
// a send (a crash between the save and SendMessage) and duplicate a delivery (at least once).
//
// What AWS documents, and what is modelled:
// - SendMessage DelaySeconds: "Valid values: 0 to 900. Maximum: 15 minutes. Messages with a positive
//   DelaySeconds value become available for processing after the delay period is finished" (SQS API
//   reference). Whole seconds; a value outside is InvalidParameterValue. The delay is a minimum: a
//   message is never available before it.
// - ReceiveMessage long polling: "If a message is available, the call returns sooner than
//   WaitTimeSeconds" (SQS API reference), and for standard queues "Lambda uses long polling to poll a
//   queue until it becomes active" (Lambda developer guide, "Configuring scaling behavior for SQS event
//   source mappings"). AWS gives no figure for the time from available to invoked, so it is a setting,
//   `pollLatencyMs` (default 1 s, an assumption), added to every delivery.
// - MaximumBatchingWindowInSeconds 0 (the SQS default): the function is invoked with what is available,
//   up to BatchSize (default 10) records, without waiting to fill a batch.
// - ReportBatchItemFailures: the handler's `batchItemFailures` return to the queue; so does the whole
//   batch when the function throws. Either way they are visible again after the visibility timeout
//   (the stack sets six times the function timeout, as the Lambda guide recommends), and a message
//   received maxReceiveCount times goes to the dead-letter queue (redrive policy).
import { sqsRecord, wakeUpBody, wakeUpDelaySeconds, MAX_SQS_DELAY_SECONDS } from '../engine/intake';
import type { WakeUpScheduler } from '../engine/ports';
import { AwsServiceException } from './aws-errors';
import type { SimClock } from './clock';

export interface SimWakeUpQueueOptions {
  region?: string;
  accountId?: string;
  queueName?: string;
  /** From available to the function invoked (long poll return + invoke); AWS documents no figure. */
  pollLatencyMs?: number;
  /** The event source mapping's BatchSize. */
  batchSize?: number;
  /** The queue's visibility timeout: a failed message is visible again after it. */
  visibilityTimeoutMs?: number;
  /** The redrive policy's maxReceiveCount. */
  maxReceiveCount?: number;
}

/** One message as SQS holds it. */
export interface SimQueueMessage {
  messageId: string;
  body: string;
  delaySeconds: number;
  sentAt: number;
  /** When it is (again) available to receive. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

/** One invocation's worth of messages, with the event the handler receives. */
export interface SimQueueBatch {
  messages: SimQueueMessage[];
  event: { Records: ReturnType<typeof sqsRecord>[] };
}

export class SimWakeUpQueue {
  /** Every SendMessage the controller made (the queue's own call log). */
  readonly sent: { at: number; body: string; delaySeconds: number }[] = [];
  /** Messages received maxReceiveCount times without success (the dead-letter queue). */
  readonly deadLetters: SimQueueMessage[] = [];
  /** Sends that never reach the queue (a crash between the engine's save and its SendMessage). */
  drop: (message: { rolloutId: string; at: number }) => boolean = () => false;
  /** Messages delivered twice (standard queues deliver at least once). */
  duplicate: (message: { rolloutId: string; at: number }) => boolean = () => false;

  readonly queueArn: string;
  readonly queueUrl: string;
  private readonly region: string;
  private readonly pollLatencyMs: number;
  private readonly batchSize: number;
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;
  private readonly messages: SimQueueMessage[] = [];
  private ids = 0;

  constructor(
    private readonly clock: SimClock,
    options: SimWakeUpQueueOptions = {},
  ) {
    this.region = options.region ?? 'us-east-1';
    const account = options.accountId ?? '123456789012';
    const name = options.queueName ?? 'sm-rollout-wake-ups';
    this.queueArn = `arn:aws:sqs:${this.region}:${account}:${name}`;
    this.queueUrl = `https://sqs.${this.region}.amazonaws.com/${account}/${name}`;
    this.pollLatencyMs = options.pollLatencyMs ?? 1000;
    this.batchSize = options.batchSize ?? 10;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30 * 60_000;
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
  }

  /** The controller's WakeUpScheduler port, as SqsWakeUpScheduler (src/aws/sqs.ts) sends. */
  readonly scheduler: WakeUpScheduler = {
    wakeAt: async (rolloutId, at) => {
      const delaySeconds = wakeUpDelaySeconds(at, this.clock.now());
      if (this.drop({ rolloutId, at })) return;
      this.sendMessage(wakeUpBody(rolloutId, at), delaySeconds);
      if (this.duplicate({ rolloutId, at })) this.redeliver(this.messages[this.messages.length - 1]!);
    },
  };

  /** SendMessage, with SQS's check of DelaySeconds. */
  sendMessage(body: string, delaySeconds: number): SimQueueMessage {
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_SQS_DELAY_SECONDS) {
      throw new AwsServiceException(
        'InvalidParameterValue',
        `Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= ${MAX_SQS_DELAY_SECONDS}.`,
      );
    }
    const now = this.clock.now();
    this.sent.push({ at: now, body, delaySeconds });
    const message: SimQueueMessage = {
      messageId: `msg-${(++this.ids).toString().padStart(6, '0')}`,
      body,
      delaySeconds,
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.messages.push(message);
    return message;
  }

  /** Messages not yet delivered and deleted. */
  get pending(): readonly SimQueueMessage[] {
    return this.messages;
  }

  /** When the event source mapping next invokes the function, if anything waits. */
  nextDeliveryAt(): number | undefined {
    const visible = this.messages.map((m) => m.visibleAt).filter(Number.isFinite);
    return visible.length ? Math.min(...visible) + this.pollLatencyMs : undefined;
  }

  /** The next batch due by now (each message once per batch), marked received; undefined if none. */
  takeDueBatch(): SimQueueBatch | undefined {
    const now = this.clock.now();
    const due = this.messages
      .filter((m) => m.visibleAt + this.pollLatencyMs <= now)
      .sort((a, b) => a.visibleAt - b.visibleAt);
    const messages: SimQueueMessage[] = [];
    for (const m of due) {
      if (messages.length >= this.batchSize) break;
      // A duplicate copy goes in a later batch, as a second receive of the same message would.
      if (!messages.some((x) => x.messageId === m.messageId)) messages.push(m);
    }
    if (messages.length === 0) return undefined;
    for (const m of messages) {
      m.receiveCount += 1;
      m.firstReceivedAt ??= now;
      // In flight: not visible to another receive until settled.
      m.visibleAt = Number.POSITIVE_INFINITY;
    }
    const event = {
      Records: messages.map((m) =>
        sqsRecord({
          messageId: m.messageId,
          body: m.body,
          sentAt: m.sentAt,
          firstReceivedAt: m.firstReceivedAt!,
          receiveCount: m.receiveCount,
          queueArn: this.queueArn,
          region: this.region,
        }),
      ),
    };
    return { messages, event };
  }

  /**
   * What the event source mapping does with the function's answer: deletes the batch's messages but
   * those named in `batchItemFailures` (all of them when the function threw), which become visible
   * again after the visibility timeout, or go to the dead-letter queue at maxReceiveCount.
   */
  settle(batch: SimQueueBatch, outcome: { threw: true } | { threw: false; result: unknown }): void {
    const failures = outcome.threw
      ? new Set(batch.messages.map((m) => m.messageId))
      : new Set(
          (
            (outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined)
              ?.batchItemFailures ?? []
          ).map((f) => f.itemIdentifier),
        );
    const now = this.clock.now();
    for (const m of batch.messages) {
      const index = this.messages.indexOf(m);
      if (index === -1) continue;
      if (!failures.has(m.messageId)) {
        this.messages.splice(index, 1);
      } else if (m.receiveCount >= this.maxReceiveCount) {
        this.messages.splice(index, 1);
        this.deadLetters.push(m);
      } else {
        m.visibleAt = now + this.visibilityTimeoutMs;
      }
    }
  }

  private redeliver(message: SimQueueMessage): void {
    this.messages.push({ ...message });
  }
}
