// The simulated cloud's virtual clock: the only source of time in src/sim. Work scheduled on it runs
// in time order (ties in the order it was scheduled) while a test or host advances the clock.
import type { Clock } from '../engine/ports';

/** 15 January 2026, 09:00:00 UTC: a fixed, readable start so timelines in tests never drift. */
export const DEFAULT_START_TIME = Date.UTC(2026, 0, 15, 9, 0, 0);

export interface ScheduledTask {
  readonly at: number;
  /** Orders work due at the same time: lower runs first. */
  readonly sequence: number;
  /** Stops the work from running; cancelling work that already ran does nothing. */
  cancel(): void;
}

interface QueueEntry {
  at: number;
  sequence: number;
  run: () => void;
  cancelled: boolean;
}

export class SimClock implements Clock {
  private current: number;
  private readonly queue: QueueEntry[] = [];
  private sequence = 0;
  private advancing = false;

  constructor(startTime: number = DEFAULT_START_TIME) {
    this.current = startTime;
  }

  now(): number {
    return this.current;
  }

  /**
   * Runs `fn` when the clock reaches `at`. A time in the past (or now) runs on the next advance,
   * even `advanceBy(0)`: scheduled work never runs inside the call that scheduled it.
   */
  schedule(at: number, fn: () => void): ScheduledTask {
    const entry: QueueEntry = {
      at: Math.max(at, this.current),
      sequence: this.sequence++,
      run: fn,
      cancelled: false,
    };
    // Binary search for the first entry that runs after this one: keeps the queue sorted by
    // (at, sequence), so equal times run in scheduling order.
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.queue[mid] as QueueEntry;
      if (other.at <= entry.at) low = mid + 1;
      else high = mid;
    }
    this.queue.splice(low, 0, entry);
    return {
      at: entry.at,
      sequence: entry.sequence,
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward to `t`, running every piece of work due by then (including work it schedules). */
  advanceTo(t: number): void {
    if (t < this.current) {
      throw new RangeError(
        `the simulated clock cannot go back: now is ${new Date(this.current).toISOString()}, asked for ${new Date(t).toISOString()}`,
      );
    }
    if (this.advancing) {
      // Scheduled work runs at one instant; letting it move time would reorder the queue under it.
      throw new Error('the simulated clock cannot be advanced from inside scheduled work');
    }
    this.advancing = true;
    try {
      for (;;) {
        const next = this.queue[0];
        if (next === undefined || next.at > t) break;
        this.queue.shift();
        if (next.cancelled) continue;
        this.current = next.at;
        next.run();
      }
      this.current = t;
    } finally {
      this.advancing = false;
    }
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** True while scheduled work runs (inside advanceTo). */
  isAdvancing(): boolean {
    return this.advancing;
  }

  /** When the next piece of work is due (undefined when nothing is scheduled). */
  nextScheduledAt(): number | undefined {
    return this.queue.find((entry) => !entry.cancelled)?.at;
  }
}
