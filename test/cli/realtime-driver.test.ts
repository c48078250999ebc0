// `--local`'s driver on a fake clock with a fake handler: it delivers the rate(1 minute) rule's
// Scheduled Event once the followed rollout's nextWakeAt has come and not before, sleeps at most
// maxSleepMs at a time, gives up at once when the follow is aborted, and passes commands straight on.
// Most tests replace the sleep with one that moves the fake clock (so the sleeps asked for are
// exact); the abort and cap tests also run once on real, short sleeps.
import { setTimeout as mockedSleep } from 'node:timers/promises';
import { MAX_SLEEP_MS, realTimeDriver } from '../../src/cli/realtime-driver';
import type { RolloutRecord } from '../../src/store';
import type { HandlerResult } from '../../src/handlers/controller';

jest.mock('node:timers/promises', () => {
  const actual = jest.requireActual<typeof import('node:timers/promises')>('node:timers/promises');
  return { ...actual, setTimeout: jest.fn(actual.setTimeout) };
});
const sleep = jest.mocked(mockedSleep);
const realSleep =
  jest.requireActual<typeof import('node:timers/promises')>('node:timers/promises').setTimeout;

const T = Date.UTC(2026, 0, 15, 9, 0, 0);
const OK: HandlerResult = { ok: true, kind: 'schedule', outcomes: [] };

class FakeClock {
  constructor(public t = T) {}
  now = (): number => this.t;
}

/** Only nextWakeAt matters to the driver. */
const recordWaking = (nextWakeAt: number | undefined) =>
  ({ rolloutId: 'r-1', nextWakeAt }) as unknown as RolloutRecord;

function setup(options: { maxSleepMs?: number; account?: string } = {}) {
  const clock = new FakeClock();
  const delivered: { event: Record<string, unknown>; at: number }[] = [];
  const handler = jest.fn(async (event: unknown): Promise<HandlerResult> => {
    delivered.push({ event: event as Record<string, unknown>, at: clock.now() });
    return OK;
  });
  const driver = realTimeDriver(handler, { clock, region: 'eu-west-1', ...options });
  return { clock, handler, delivered, driver };
}

describe('realTimeDriver', () => {
  describe('on a fake sleep that moves the fake clock', () => {
    let sleeps: number[];
    let clock: FakeClock | undefined;

    beforeEach(() => {
      sleeps = [];
      clock = undefined;
      sleep.mockImplementation((async (ms?: number) => {
        sleeps.push(ms ?? 0);
        if (clock) clock.t += ms ?? 0;
      }) as typeof realSleep);
    });
    afterEach(() => sleep.mockImplementation(realSleep));

    it('delivers a Scheduled Event at once when nextWakeAt has already come', async () => {
      const s = setup();
      clock = s.clock;
      s.clock.t = T + 90_000;
      await s.driver.advance(recordWaking(T + 60_000));
      expect(sleeps).toEqual([]);
      expect(s.delivered).toEqual([
        {
          at: T + 90_000,
          event: {
            version: '0',
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: 'local',
            time: '2026-01-15T09:01:30Z',
            region: 'eu-west-1',
            resources: ['arn:aws:events:eu-west-1:local:rule/sm-rollout-schedule'],
            detail: {},
          },
        },
      ]);
    });

    it('sleeps until nextWakeAt when it is sooner than the cap, then delivers', async () => {
      const s = setup({ account: '123456789012' });
      clock = s.clock;
      await s.driver.advance(recordWaking(T + 3_000));
      expect(sleeps).toEqual([3_000]);
      expect(s.delivered.map((d) => [d.at - T, d.event.time, d.event.account])).toEqual([
        [3_000, '2026-01-15T09:00:03Z', '123456789012'],
      ]);
    });

    it('caps one sleep at MAX_SLEEP_MS (or maxSleepMs) and does not deliver before nextWakeAt', async () => {
      expect(MAX_SLEEP_MS).toBe(5_000);
      const s = setup();
      clock = s.clock;
      const record = recordWaking(T + 12_000);
      await s.driver.advance(record);
      expect(sleeps).toEqual([5_000]);
      expect(s.handler).not.toHaveBeenCalled();
      await s.driver.advance(record);
      expect(s.handler).not.toHaveBeenCalled();
      await s.driver.advance(record); // 2 s left: sleeps only those, then delivers
      expect(sleeps).toEqual([5_000, 5_000, 2_000]);
      expect(s.delivered.map((d) => d.at - T)).toEqual([12_000]);

      const small = setup({ maxSleepMs: 250 });
      clock = small.clock;
      await small.driver.advance(recordWaking(T + 3_600_000));
      expect(sleeps.slice(3)).toEqual([250]);
      expect(small.handler).not.toHaveBeenCalled();
    });

    it('does not deliver when the clock has not reached nextWakeAt after the sleep', async () => {
      const s = setup();
      clock = undefined; // the sleep returns but the clock did not move (a timer that fired early)
      await s.driver.advance(recordWaking(T + 1_000));
      expect(sleeps).toEqual([1_000]);
      expect(s.handler).not.toHaveBeenCalled();
    });

    it('with no nextWakeAt (never reached a quiet point), is due now: delivers without sleeping', async () => {
      const s = setup({ maxSleepMs: 700 });
      clock = s.clock;
      await s.driver.advance(recordWaking(undefined));
      expect(sleeps).toEqual([]);
      expect(s.handler).toHaveBeenCalledTimes(1);
    });

    it('delivers nothing when the signal is already aborted, even if the rollout is due', async () => {
      const s = setup();
      clock = s.clock;
      const controller = new AbortController();
      controller.abort();
      await s.driver.advance(recordWaking(T), controller.signal);
      expect(s.handler).not.toHaveBeenCalled();
    });

    it('send() passes the event straight to the handler and returns its result, without sleeping', async () => {
      const s = setup();
      clock = s.clock;
      const command = { 'detail-type': 'Rollout Command', detail: { command: 'pause' } };
      const result: HandlerResult = { ok: false, error: 'no such rollout' };
      s.handler.mockResolvedValueOnce(result);
      await expect(s.driver.send(command)).resolves.toBe(result);
      expect(s.handler).toHaveBeenCalledTimes(1);
      expect(s.handler.mock.calls[0]![0]).toBe(command);
      expect(sleeps).toEqual([]);
      expect(s.driver).toMatchObject({ clock: s.clock, account: 'local', region: 'eu-west-1' });
    });
  });

  describe('on real (short) sleeps', () => {
    it('sleeps no longer than maxSleepMs when nextWakeAt is far off', async () => {
      const s = setup({ maxSleepMs: 20 });
      const started = Date.now();
      await s.driver.advance(recordWaking(T + 3_600_000));
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(15);
      expect(elapsed).toBeLessThan(1_000);
      expect(s.handler).not.toHaveBeenCalled();
    });

    it('delivers after a real sleep once the clock has reached nextWakeAt', async () => {
      const s = setup({ maxSleepMs: 1_000 });
      // The fake clock reaches the wake-up while the driver sleeps.
      const tick = setTimeout(() => (s.clock.t = T + 10), 5);
      await s.driver.advance(recordWaking(T + 10));
      clearTimeout(tick);
      expect(s.delivered.map((d) => d.at)).toEqual([T + 10]);
    });

    it('returns promptly, delivering nothing, when the signal aborts during the sleep', async () => {
      const s = setup({ maxSleepMs: 10_000 }); // a driver that ignored the signal would fail the timing below
      const controller = new AbortController();
      const started = Date.now();
      const abort = setTimeout(() => {
        s.clock.t = T + 60_000; // due by now, but the follow was given up
        controller.abort();
      }, 10);
      await s.driver.advance(recordWaking(T + 60_000), controller.signal);
      clearTimeout(abort);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(controller.signal.aborted).toBe(true);
      expect(s.handler).not.toHaveBeenCalled();
    });
  });
});
