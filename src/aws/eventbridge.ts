// Lifecycle events out: the EventBridge implementation of the engine's LifecyclePublisher. PutEvents takes at
// most 10 entries per call and can accept some entries while refusing others (FailedEntryCount with a
// per-entry ErrorCode), so refused entries are sent again alone, and what still fails is reported in one
// error the engine catches and logs as a warning: a lost notification never blocks a rollout. The EventBridge
// SDK package is imported on the first publish (the client may be a loader, see client-source.ts).

import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SmRolloutError } from '../errors';
import type { LifecycleEvent, LifecyclePublisher } from '../engine/ports';
import { toSmRolloutError } from './classify-error';
import { clientWith, type ClientSource } from './client-source';

/** The `source` of every event sm-rollout publishes. */
export const LIFECYCLE_SOURCE = 'sm-rollout';
/** PutEvents' limit of entries per call. */
export const PUT_EVENTS_BATCH_SIZE = 10;

export interface EventBridgePublisherOptions {
  /** Attempts per entry, the first included; entries EventBridge refused are retried alone. */
  attempts?: number;
  /** Waits before a retry (attempt is the one about to run: 2, 3, ...); tests pass a no-op. */
  delay?: (attempt: number) => Promise<void>;
}

interface Pending {
  event: LifecycleEvent;
  entry: PutEventsRequestEntry;
  /** Why the last attempt did not deliver it. */
  error?: string;
}

export class EventBridgeLifecyclePublisher implements LifecyclePublisher {
  private readonly attempts: number;
  private readonly delay: (attempt: number) => Promise<void>;

  constructor(
    private readonly client: ClientSource<EventBridgeClient>,
    private readonly busName: string,
    options: EventBridgePublisherOptions = {},
  ) {
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.delay = options.delay ?? ((attempt) => sleep(100 * 2 ** (attempt - 2)));
  }

  private entry(event: LifecycleEvent): PutEventsRequestEntry {
    return {
      Source: LIFECYCLE_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      EventBusName: this.busName,
      Time: new Date(event.at),
      Resources: [],
    };
  }

  async publish(events: readonly LifecycleEvent[]): Promise<void> {
    const undelivered: Pending[] = [];
    for (let i = 0; i < events.length; i += PUT_EVENTS_BATCH_SIZE) {
      const batch = events
        .slice(i, i + PUT_EVENTS_BATCH_SIZE)
        .map((event) => ({ event, entry: this.entry(event) }));
      const failed = await this.send(batch);
      for (const item of failed) undelivered.push(...(await this.retryAlone(item)));
    }
    if (undelivered.length > 0) {
      const list = undelivered
        .map(
          ({ event, error }) =>
            `${event.detailType} (${event.detail.rolloutId}): ${error ?? 'unknown error'}`,
        )
        .join('; ');
      throw new SmRolloutError(
        'AWS_ERROR',
        `EventBridge did not accept ${undelivered.length} of ${events.length} lifecycle events on bus ` +
          `${this.busName}: ${list}`,
      );
    }
  }

  /** Sends one PutEvents call; returns the entries it did not deliver, each with the reason. */
  private async send(batch: Pending[]): Promise<Pending[]> {
    let out;
    try {
      // The client and PutEvents are imported on the first publish (lazy-eventbridge.ts).
      const [client, sdk] = await clientWith(this.client, () => import('./lazy-eventbridge.js'));
      out = await client.send(new sdk.PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    } catch (error) {
      // The whole call failed (after the SDK's own retries): every entry is still to deliver.
      const reason = toSmRolloutError('PutEvents', error).message;
      return batch.map((p) => ({ ...p, error: reason }));
    }
    if (!out.FailedEntryCount) return [];
    // Result entries line up with request entries; a failed one has an ErrorCode instead of an EventId.
    return batch.flatMap((p, index) => {
      const result = out.Entries?.[index];
      if (result?.EventId && !result.ErrorCode) return [];
      const error = result?.ErrorCode
        ? `${result.ErrorCode}${result.ErrorMessage ? `: ${result.ErrorMessage}` : ''}`
        : 'no result entry';
      return [{ ...p, error }];
    });
  }

  /** Retries one refused entry alone until it is delivered or out of attempts; returns it if it never was. */
  private async retryAlone(item: Pending): Promise<Pending[]> {
    let current = item;
    for (let attempt = 2; attempt <= this.attempts; attempt += 1) {
      await this.delay(attempt);
      const [failed] = await this.send([current]);
      if (!failed) return [];
      current = failed;
    }
    return [current];
  }
}
