// The simulated EventBridge: delivers the simulated cloud's events (model package approvals,
// endpoint and alarm state changes) to a target the way EventBridge delivers them to the
// controller Lambda, plus the Scheduled Event of a rate(1 minute) rule at every simulated minute.
// Only the events the stack's rules match reach the target (the source and detail-type pairs of
// CONTROLLER_EVENTS, from which infra builds its rules, a guardrails deployment's SageMaker Endpoint
// Deployment State Change among them); others stay on the bus.
// Hooks drop, duplicate, delay, hold back and reorder the cloud's events (EventBridge delivers at
// least once and does not promise order); an event a host puts on the bus (`put`) is reordered
// with them, one it delivers itself (`deliver`, a CLI command) is not. A target that throws is retried as Lambda retries an
// asynchronous invocation, then dead-lettered. Given the simulated wake-up queue (src/sim/sqs.ts), it
// also delivers the queue's batches to the same target when they are due, as the event source mapping
// invokes the function. The demo, `--simulate`, the tests and the bench drive the controller through it.
import { randomUUID } from 'node:crypto';
import { CONTROLLER_EVENTS, commandEvent, scheduledEvent, type CommandDetail } from '../engine/intake';
import type { SimCloud } from './cloud';
import type { SimEvent } from './events';
import type { SimWakeUpQueue } from './sqs';

const MINUTE_MS = 60_000;

/**
 * Lambda retries a function error of an asynchronous invocation twice, about one and then two
 * minutes later, then sends the event to the on-failure destination or dead-letter queue
 * (Lambda developer guide, "How Lambda handles errors and retries with asynchronous invocation").
 */
export const ASYNC_RETRY_DELAYS_MS: readonly number[] = [MINUTE_MS, 2 * MINUTE_MS];

export type DeliveryTarget<R = unknown> = (event: unknown) => Promise<R>;

export interface Invocation<R = unknown> {
  event: Record<string, unknown>;
  /** Simulated time of the delivery. */
  at: number;
  /** 0 for the first delivery, 1 and 2 for Lambda's retries. */
  attempt: number;
  result?: R;
  error?: unknown;
  /** Indexes into sim.calls made while this invocation ran (exact for sequential delivery). */
  calls: [number, number];
}

export interface SimEventBridgeOptions<R = unknown> {
  /** The controller: in AWS, the Lambda function the rules invoke. */
  target: DeliveryTarget<R>;
  /** Event ids of scheduled events and commands (default: random UUIDs, as EventBridge's). */
  newId?: () => string;
  /**
   * `retry`: a thrown error is retried as Lambda does (ASYNC_RETRY_DELAYS_MS), then dead-lettered.
   * `throw`: the error propagates out of flush/minute (tests that want to see it at once).
   */
  onError?: 'retry' | 'throw';
  /** Called before simulated time moves to `t` (the demo paces simulated time to real time). */
  beforeAdvance?: (t: number) => Promise<void> | void;
  /** The controller's wake-up queue: its batches are delivered to `target` as they become due. */
  wakeUpQueue?: SimWakeUpQueue;
}

interface Queued {
  event: Record<string, unknown>;
  dueAt: number;
  attempt: number;
}

export class SimEventBridge<R = unknown> {
  readonly invocations: Invocation<R>[] = [];
  /** Events whose every attempt threw (in AWS: the dead-letter queue). */
  readonly deadLetters: { event: Record<string, unknown>; error: unknown }[] = [];
  /** Events held back by `hold`, for a test to deliver when it wants (e.g. racing a tick). */
  readonly held: SimEvent[] = [];
  /** EventBridge loses these (never delivered). */
  drop: (event: SimEvent) => boolean = () => false;
  /** Delivered twice (at-least-once delivery). */
  duplicate: (event: SimEvent) => boolean = () => false;
  /** Delivered this many ms late (0: as it happens). */
  delayMs: (event: SimEvent) => number = () => 0;
  /** Kept in `held` instead of delivered. */
  hold: (event: SimEvent) => boolean = () => false;
  /** Reorders what is due before a flush delivers it (default: the order events were sent). */
  reorder: (due: Record<string, unknown>[]) => Record<string, unknown>[] = (due) => due;
  /** Called after each delivery and each minute's Scheduled Event; may act (an operator's command). */
  between?: () => Promise<void> | void;
  /** How each minute's Scheduled Event is delivered (tests override it to race invocations). */
  deliverSchedule: () => Promise<unknown> = () => this.deliver(this.scheduledEvent());

  private readonly queue: Queued[] = [];
  private readonly unsubscribe: () => void;
  private readonly newId: () => string;

  constructor(
    readonly sim: SimCloud,
    private readonly options: SimEventBridgeOptions<R>,
  ) {
    this.newId = options.newId ?? randomUUID;
    this.unsubscribe = sim.onEvent((event) => {
      if (!matchedByControllerRules(event)) return;
      if (this.drop(event)) return;
      if (this.hold(event)) {
        this.held.push(event);
        return;
      }
      const copies = this.duplicate(event) ? 2 : 1;
      const dueAt = sim.clock.now() + Math.max(0, this.delayMs(event));
      for (let i = 0; i < copies; i++) this.enqueue({ event: event as never, dueAt, attempt: 0 });
    });
  }

  now(): number {
    return this.sim.clock.now();
  }

  /** Events sent (or retries scheduled) that have not been delivered yet. */
  get pending(): readonly Record<string, unknown>[] {
    return this.queue.map((q) => q.event);
  }

  /** Removes the `index`-th undelivered event (left in place with `keep`: delivered again later) and returns it. */
  takePending(index: number, keep = false): Record<string, unknown> | undefined {
    const item = this.queue[index];
    if (item && !keep) this.queue.splice(index, 1);
    return item?.event;
  }

  /** Forgets everything not yet delivered (a test that delivers events itself). */
  discardPending(): void {
    this.queue.length = 0;
  }

  /** Puts an event on the bus now, as PutEvents would (a CLI command, a test's own event). */
  put(event: Record<string, unknown>): void {
    this.enqueue({ event, dueAt: this.now(), attempt: 0 });
  }

  /** One invocation of the target with `event`, recorded; an error is thrown to the caller. */
  async deliver(event: unknown, attempt = 0): Promise<R> {
    const invocation: Invocation<R> = {
      event: event as Record<string, unknown>,
      at: this.now(),
      attempt,
      calls: [this.sim.calls.length, this.sim.calls.length],
    };
    this.invocations.push(invocation);
    try {
      invocation.result = await this.options.target(event);
      return invocation.result;
    } catch (error) {
      invocation.error = error;
      throw error;
    } finally {
      invocation.calls[1] = this.sim.calls.length;
    }
  }

  /** The AWS calls an invocation made. */
  callsOf(invocation: Invocation<R>) {
    return this.sim.calls.slice(invocation.calls[0], invocation.calls[1]);
  }

  /** Delivers everything that is due, in order, one invocation each (and whatever that sends). */
  async flush(): Promise<void> {
    for (;;) {
      const due = this.takeDue();
      if (due.length === 0) {
        if (!(await this.deliverWakeUps())) return;
        continue;
      }
      const byEvent = new Map(due.map((q) => [q.event, q]));
      const order = this.reorder(due.map((q) => q.event));
      if (order.length !== due.length || order.some((event) => !byEvent.has(event))) {
        // A hook that left an event out would lose it silently; dropping is `drop`'s job.
        this.queue.unshift(...due);
        throw new Error('SimEventBridge.reorder must return the events it was given, each once');
      }
      const items = order.map((event) => byEvent.get(event)!);
      for (let i = 0; i < items.length; i++) {
        try {
          await this.invoke(items[i]!);
          await this.between?.();
        } catch (error) {
          // `onError: 'throw'` (or a failing `between`): what was due but not delivered stays pending.
          this.queue.unshift(...items.slice(i + 1));
          throw error;
        }
      }
    }
  }

  /**
   * One minute of EventBridge: time passes to each moment something happens in the simulated cloud
   * (or a delayed delivery or retry is due), events are delivered as they become due, then the
   * minute's Scheduled Event.
   */
  async minute(): Promise<void> {
    await this.flush();
    const boundary = (Math.floor(this.now() / MINUTE_MS) + 1) * MINUTE_MS;
    for (let next = this.nextMoment(); next !== undefined && next <= boundary; next = this.nextMoment()) {
      await this.advanceTo(next);
      await this.flush();
    }
    await this.advanceTo(boundary);
    await this.flush();
    await this.deliverScheduleHandled();
    await this.between?.();
    await this.flush();
  }

  /** Runs minutes until `done` (checked after each) or `maxMinutes` pass; returns the minutes used. */
  async runUntil(done: () => Promise<boolean> | boolean, maxMinutes = 90): Promise<number> {
    for (let m = 1; m <= maxMinutes; m++) {
      await this.minute();
      if (await done()) return m;
    }
    throw new Error(`not done after ${maxMinutes} simulated minutes`);
  }

  scheduledEvent(): Record<string, unknown> {
    return scheduledEvent(this.context());
  }

  commandEvent(detail: CommandDetail, id?: string): Record<string, unknown> {
    return commandEvent(this.context(id), detail);
  }

  /** Stops listening to the simulated cloud. */
  close(): void {
    this.unsubscribe();
  }

  private context(id: string = this.newId()) {
    return { id, at: this.now(), account: this.sim.accountId, region: this.sim.region };
  }

  private enqueue(item: Queued): void {
    // Stable by due time: equal times keep the order they were sent in.
    const index = this.queue.findIndex((q) => q.dueAt > item.dueAt);
    if (index === -1) this.queue.push(item);
    else this.queue.splice(index, 0, item);
  }

  private takeDue(): Queued[] {
    const now = this.now();
    const due: Queued[] = [];
    while (this.queue[0] && this.queue[0].dueAt <= now) due.push(this.queue.shift()!);
    return due;
  }

  /** Delivers the wake-up queue's due batches, one invocation each; false when none was due. */
  private async deliverWakeUps(): Promise<boolean> {
    const queue = this.options.wakeUpQueue;
    let delivered = false;
    for (let batch = queue?.takeDueBatch(); queue && batch; batch = queue.takeDueBatch()) {
      delivered = true;
      let result: unknown;
      try {
        result = await this.deliver(batch.event);
      } catch (error) {
        queue.settle(batch, { threw: true });
        if (this.options.onError === 'throw') throw error;
        continue;
      }
      queue.settle(batch, { threw: false, result });
      await this.between?.();
    }
    return delivered;
  }

  private nextMoment(): number | undefined {
    const times = [
      this.sim.clock.nextScheduledAt(),
      this.queue[0]?.dueAt,
      this.options.wakeUpQueue?.nextDeliveryAt(),
    ].filter((t): t is number => t !== undefined);
    return times.length ? Math.max(this.now(), Math.min(...times)) : undefined;
  }

  private async advanceTo(t: number): Promise<void> {
    if (t <= this.now()) return;
    await this.options.beforeAdvance?.(t);
    this.sim.clock.advanceTo(t);
  }

  private async deliverScheduleHandled(): Promise<void> {
    try {
      await this.deliverSchedule();
    } catch (error) {
      // The rate(1 minute) rule's invocation is asynchronous too, but the next minute's event does the
      // same work, so a failed tick is only recorded.
      if (this.options.onError === 'throw') throw error;
    }
  }

  private async invoke(item: Queued): Promise<void> {
    try {
      await this.deliver(item.event, item.attempt);
    } catch (error) {
      if (this.options.onError === 'throw') throw error;
      const delay = ASYNC_RETRY_DELAYS_MS[item.attempt];
      if (delay === undefined) this.deadLetters.push({ event: item.event, error });
      else this.enqueue({ event: item.event, dueAt: this.now() + delay, attempt: item.attempt + 1 });
    }
  }
}

/** Whether one of the stack's EventBridge rules (built from CONTROLLER_EVENTS in infra) matches the event. */
function matchedByControllerRules(event: { source: string; 'detail-type': string }): boolean {
  return Object.values(CONTROLLER_EVENTS).some(
    (rule) => rule.source === event.source && rule.detailType === event['detail-type'],
  );
}
