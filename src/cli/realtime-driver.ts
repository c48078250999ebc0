// `--local`'s driver: real time, no EventBridge (nobody delivers AWS events to a laptop). It sleeps
// until the followed rollout's next wake-up and then delivers the Scheduled Event the Lambda's
// rate(1 minute) rule would, so the same controller advances every rollout that is due.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Clock, scheduledEvent } from '../engine';
import type { HandlerResult } from '../handlers/controller';
import type { RolloutDriver } from './local-backend';

/** Longest sleep in one go, so a command from another terminal or Ctrl-C is noticed soon. */
export const MAX_SLEEP_MS = 5_000;

export function realTimeDriver(
  handler: (event: unknown) => Promise<HandlerResult>,
  options: { clock: Clock; region: string; account?: string; maxSleepMs?: number },
): RolloutDriver {
  const { clock, region } = options;
  const account = options.account ?? 'local';
  const maxSleep = options.maxSleepMs ?? MAX_SLEEP_MS;
  return {
    clock,
    account,
    region,
    send: (event) => handler(event),
    async advance(record, signal) {
      // No wake-up time: the rollout never reached its first quiet point (a crash right after it was
      // stored), so it is due now, as the schedule's list (listDue) has it.
      const wakeAt = record.nextWakeAt ?? clock.now();
      const wait = Math.min(maxSleep, wakeAt - clock.now());
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : undefined).catch(() => undefined);
      if (signal?.aborted || clock.now() < wakeAt) return;
      await handler(scheduledEvent({ id: randomUUID(), at: clock.now(), account, region }));
    },
  };
}
