// The virtual clock: time order, ties, scheduling from scheduled work, cancellation.
import { DEFAULT_START_TIME, SimClock } from '../../src/sim';

describe('SimClock', () => {
  it('starts at 2026-01-15 09:00 UTC unless told otherwise', () => {
    expect(new Date(new SimClock().now()).toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(new SimClock(5).now()).toBe(5);
    expect(DEFAULT_START_TIME).toBe(Date.UTC(2026, 0, 15, 9, 0, 0));
  });

  it('runs scheduled work in time order, ties in scheduling order, with now() at the scheduled time', () => {
    const clock = new SimClock(0);
    const ran: string[] = [];
    clock.schedule(300, () => ran.push(`c@${clock.now()}`));
    clock.schedule(100, () => ran.push(`a@${clock.now()}`));
    clock.schedule(300, () => ran.push(`d@${clock.now()}`));
    clock.schedule(200, () => ran.push(`b@${clock.now()}`));
    clock.advanceTo(250);
    expect(ran).toEqual(['a@100', 'b@200']);
    expect(clock.now()).toBe(250);
    clock.advanceBy(50);
    expect(ran).toEqual(['a@100', 'b@200', 'c@300', 'd@300']);
  });

  it('runs work that scheduled work schedules, when it falls inside the same advance', () => {
    const clock = new SimClock(0);
    const ran: number[] = [];
    const every100 = () => {
      ran.push(clock.now());
      clock.schedule(clock.now() + 100, every100);
    };
    clock.schedule(100, every100);
    clock.advanceTo(450);
    expect(ran).toEqual([100, 200, 300, 400]);
    expect(clock.nextScheduledAt()).toBe(500);
  });

  it('never runs work inside the call that scheduled it, and lets work be cancelled', () => {
    const clock = new SimClock(1000);
    const ran: string[] = [];
    clock.schedule(0, () => ran.push('past'));
    const cancelled = clock.schedule(1000, () => ran.push('cancelled'));
    expect(ran).toEqual([]);
    cancelled.cancel();
    clock.advanceBy(0);
    expect(ran).toEqual(['past']);
  });

  it('refuses to go back in time or to be advanced from inside scheduled work', () => {
    const clock = new SimClock(1000);
    expect(() => clock.advanceTo(999)).toThrow(/cannot go back/);
    clock.schedule(1001, () => clock.advanceBy(1));
    expect(() => clock.advanceBy(5)).toThrow(/inside scheduled work/);
  });
});
