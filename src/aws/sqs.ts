// Precise wake-ups: the SQS implementation of the engine's WakeUpScheduler. Each wake-up is one
// SendMessage to the controller's wake-up queue with a per-message timer (DelaySeconds), which the
// queue's Lambda event source mapping delivers back to the controller once the timer ends. SQS delays
// are whole seconds, 15 minutes at most, and never early: the delay is rounded up, and a wake-up further
// away than 15 minutes is sent for 15 and sent on by the controller when it arrives (intake.ts,
// wakeUpDelaySeconds). A failed send is thrown; the engine logs it and the one-minute schedule wakes
// the rollout instead. The SQS SDK package is imported on the first send (the client may be a loader, see
// client-source.ts): events that schedule no wake-up never load it.

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock, WakeUpScheduler } from '../engine/ports';
import { wakeUpBody, wakeUpDelaySeconds } from '../engine/intake';
import { callAws } from './classify-error';
import { clientOf, type ClientSource } from './client-source';

export class SqsWakeUpScheduler implements WakeUpScheduler {
  constructor(
    private readonly client: ClientSource<SQSClient>,
    private readonly queueUrl: string,
    private readonly clock: Clock,
  ) {}

  async wakeAt(rolloutId: string, at: number): Promise<void> {
    const [client, { SendMessageCommand }] = await Promise.all([
      clientOf(this.client),
      import('./lazy-sqs.js'),
    ]);
    await callAws('SendMessage', () =>
      client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: wakeUpBody(rolloutId, at),
          DelaySeconds: wakeUpDelaySeconds(at, this.clock.now()),
        }),
      ),
    );
  }
}
