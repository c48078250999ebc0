// The simulated wake-up queue as the controller meets it through the simulated EventBridge: a message is
// delivered no earlier than its whole-second delay plus the event source mapping's poll latency, in
// batches of at most ten, as the SQS event Lambda passes; SendMessage refuses a delay SQS refuses; a
// record the handler names in batchItemFailures (or a batch whose handler threw) comes back after the
// visibility timeout and goes to the dead-letter queue at maxReceiveCount; the hooks lose a send and
// deliver one twice.
import { DEFAULT_START_TIME, SimWakeUpQueue, createSimCloud } from '../../src/sim';
import { SimEventBridge } from '../../src/sim/eventbridge';
import { parseControllerEvent } from '../../src/engine/intake';

const T0 = DEFAULT_START_TIME; // a minute boundary
const SECOND = 1_000;
const MINUTE = 60_000;

interface Received {
  at: number;
  records: { messageId: string; rolloutId: string; at: number; receiveCount: string }[];
}

function setup(
  options: { fail?: (rolloutId: string, receiveCount: number) => boolean; throws?: boolean } = {},
) {
  const cloud = createSimCloud({ seed: 5 });
  const queue = new SimWakeUpQueue(cloud.clock, {
    pollLatencyMs: 800,
    visibilityTimeoutMs: 30 * MINUTE,
    maxReceiveCount: 3,
  });
  const received: Received[] = [];
  const bridge = new SimEventBridge(cloud, {
    wakeUpQueue: queue,
    target: async (event) => {
      const raw = (event as { Records?: { attributes: { ApproximateReceiveCount: string } }[] }).Records;
      if (!raw) return { ok: true };
      const parsed = parseControllerEvent(event);
      if (parsed.kind !== 'wakeUps') throw new Error('not a wake-up batch');
      const records = parsed.records.map((r, i) => {
        if ('malformed' in r) throw new Error(r.malformed);
        return { ...r, receiveCount: raw[i]!.attributes.ApproximateReceiveCount };
      });
      received.push({ at: cloud.clock.now(), records });
      if (options.throws) throw new Error('function error');
      const failed = records.filter((r) => options.fail?.(r.rolloutId, Number(r.receiveCount)));
      return { ok: true, batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    },
  });
  return { cloud, queue, bridge, received };
}

const seconds = (t: number) => (t - T0) / SECOND;

describe('SimWakeUpQueue', () => {
  it('delivers a wake-up once its delay is over plus the poll latency, never before', async () => {
    const { cloud, queue, bridge, received } = setup();
    cloud.clock.advanceTo(T0 + 250);
    await queue.scheduler.wakeAt('r-1', T0 + 12_000);
    expect(queue.sent).toEqual([
      { at: T0 + 250, body: '{"rolloutId":"r-1","wakeAt":1768467612000}', delaySeconds: 12 },
    ]);
    await bridge.minute();
    // Available at 0.25 s + 12 s (the 11.75 s rounded up), invoked 0.8 s later: 1.05 s after its time.
    expect(received.map((r) => [seconds(r.at), r.records.map((x) => x.rolloutId)])).toEqual([
      [13.05, ['r-1']],
    ]);
    expect(queue.pending).toEqual([]);
  });

  it('hands at most ten records to one invocation; the rest go in the next', async () => {
    const { queue, bridge, received } = setup();
    for (let i = 1; i <= 12; i++) await queue.scheduler.wakeAt(`r-${i}`, T0 + 5_000);
    await bridge.minute();
    expect(received.map((r) => r.records.length)).toEqual([10, 2]);
    expect(received.map((r) => seconds(r.at))).toEqual([5.8, 5.8]);
  });

  it('refuses a DelaySeconds SQS refuses: more than 900, negative, or not whole seconds', () => {
    const { queue } = setup();
    expect(() => queue.sendMessage('{}', 901)).toThrow(
      expect.objectContaining({
        name: 'InvalidParameterValue',
        message: 'Value 901 for parameter DelaySeconds is invalid. Reason: Must be >= 0 and <= 900.',
      }),
    );
    expect(() => queue.sendMessage('{}', -1)).toThrow(/Must be >= 0 and <= 900/);
    expect(() => queue.sendMessage('{}', 1.5)).toThrow(/DelaySeconds is invalid/);
    expect(queue.sent).toEqual([]);
  });

  it('a wake-up 20 minutes away is held the 15 minutes SQS allows', async () => {
    const { queue, bridge, received } = setup();
    await queue.scheduler.wakeAt('r-1', T0 + 20 * MINUTE);
    expect(queue.sent[0]!.delaySeconds).toBe(900);
    await bridge.runUntil(() => received.length > 0, 20);
    expect(seconds(received[0]!.at)).toBe(900.8);
  });

  it('a record named in batchItemFailures comes back after the visibility timeout; the others are deleted', async () => {
    const { queue, bridge, received } = setup({ fail: (id, count) => id === 'r-2' && count === 1 });
    await queue.scheduler.wakeAt('r-1', T0 + 5_000);
    await queue.scheduler.wakeAt('r-2', T0 + 5_000);
    await bridge.runUntil(() => queue.pending.length === 0, 40);
    expect(
      received.map((r) => [seconds(r.at), r.records.map((x) => `${x.rolloutId}#${x.receiveCount}`)]),
    ).toEqual([
      [5.8, ['r-1#1', 'r-2#1']],
      // Visible again 30 minutes after it was received, then the same poll latency.
      [5.8 + 30 * 60 + 0.8, ['r-2#2']],
    ]);
    expect(queue.deadLetters).toEqual([]);
  });

  it('a batch whose handler threw comes back whole; after three receives it is in the dead-letter queue', async () => {
    const { queue, bridge, received } = setup({ throws: true });
    await queue.scheduler.wakeAt('r-1', T0 + 5_000);
    await bridge.runUntil(() => queue.deadLetters.length > 0, 100);
    expect(received.map((r) => r.records[0]!.receiveCount)).toEqual(['1', '2', '3']);
    expect(queue.deadLetters.map((m) => [JSON.parse(m.body).rolloutId, m.receiveCount])).toEqual([
      ['r-1', 3],
    ]);
    expect(queue.pending).toEqual([]);
  });

  it('drop loses a send (a crash before SendMessage); duplicate delivers the same message twice', async () => {
    const { queue, bridge, received } = setup();
    queue.drop = ({ rolloutId }) => rolloutId === 'r-lost';
    queue.duplicate = ({ rolloutId }) => rolloutId === 'r-twice';
    await queue.scheduler.wakeAt('r-lost', T0 + 5_000);
    await queue.scheduler.wakeAt('r-twice', T0 + 5_000);
    await bridge.minute();
    expect(received.map((r) => r.records.map((x) => [x.messageId, x.rolloutId]))).toEqual([
      [['msg-000001', 'r-twice']],
      [['msg-000001', 'r-twice']],
    ]);
  });
});
