// restoreRolloutRecord: the one validated restore every store runs on a record it reads back.
import { restoreRolloutRecord, restoreTimelineEntry, parseStoredJson } from '../../src/engine/record';
import { SmRolloutError } from '../../src/errors';
import { storedRecord } from '../store/records';

const WHERE = 'file /tmp/store/rollouts/r-a.json';

function corrupt(run: () => unknown): SmRolloutError {
  try {
    run();
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected STORE_CORRUPT, but the record was accepted');
}

/** A copy of a stored record as JSON would bring it back, with `change` applied. */
function stored(change: (raw: Record<string, unknown>) => void = () => undefined): Record<string, unknown> {
  const raw = JSON.parse(JSON.stringify(storedRecord('r-a', { nextWakeAt: 5_000 }))) as Record<
    string,
    unknown
  >;
  change(raw);
  return raw;
}

describe('restoreRolloutRecord', () => {
  it('returns a good record unchanged, snapshot and all', () => {
    const record = storedRecord('r-a', {
      nextWakeAt: 5_000,
      reason: 'kept',
      snapshot: { status: 'active', value: { live: 'baking' }, context: { deep: [1, 2] } },
    });
    expect(restoreRolloutRecord(JSON.parse(JSON.stringify(record)), WHERE)).toEqual(record);
  });

  it('keeps input fields it does not check (the machine contract may grow), drops unknown record keys', () => {
    const restored = restoreRolloutRecord(
      stored((raw) => {
        (raw.input as Record<string, unknown>).futureSetting = { on: true };
        raw.savingBy = 'lease';
      }),
      WHERE,
    );
    expect((restored.input as unknown as Record<string, unknown>).futureSetting).toEqual({ on: true });
    expect(restored).not.toHaveProperty('savingBy');
  });

  it('a record stored before `active` existed gets it from its status', () => {
    const legacy = (status: string) =>
      restoreRolloutRecord(
        stored((raw) => {
          delete raw.active;
          raw.status = status;
        }),
        WHERE,
      );
    expect(legacy('running').active).toBe(true);
    expect(legacy('paused').active).toBe(true);
    expect(legacy('rollingBack').active).toBe(true);
    expect(legacy('succeeded').active).toBe(false);
    expect(legacy('rolledBack').active).toBe(false);
    expect(legacy('failed').active).toBe(false);
  });

  it('an `active` the record carries wins over its status', () => {
    expect(
      restoreRolloutRecord(
        stored((raw) => (raw.active = false)),
        WHERE,
      ).active,
    ).toBe(false);
  });

  it('a missing field fails as STORE_CORRUPT naming the rollout, where it is stored, the field and what to do', () => {
    const error = corrupt(() =>
      restoreRolloutRecord(
        stored((raw) => delete raw.version),
        WHERE,
      ),
    );
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('rollout r-a in file /tmp/store/rollouts/r-a.json is damaged');
    expect(error.message).toMatch(/version: .*expected number/);
    expect(error.message).toContain('restore it from a backup');
  });

  it('a garbled input names the path inside it', () => {
    const error = corrupt(() =>
      restoreRolloutRecord(
        stored((raw) => ((raw.input as { plan: unknown }).plan = { strategy: 'x', steps: 'none' })),
        WHERE,
      ),
    );
    expect(error.message).toMatch(/input\.plan\.steps: .*expected array/);
    const alarms = corrupt(() =>
      restoreRolloutRecord(
        stored((raw) => ((raw.input as { alarms: unknown }).alarms = [7])),
        WHERE,
      ),
    );
    expect(alarms.message).toMatch(/input\.alarms\[0\]: .*expected string/);
  });

  it('keeps a pre-traffic check as stored, and refuses one without its latency bound', () => {
    const check = {
      requests: { s3Uri: 's3://ml-samples/churn/pre.jsonl' },
      contentType: 'application/json',
      maxLatencyMs: 2_000,
    };
    const restored = restoreRolloutRecord(
      stored((raw) => ((raw.input as { preTrafficCheck: unknown }).preTrafficCheck = check)),
      WHERE,
    );
    expect(restored.input.preTrafficCheck).toEqual(check);
    const error = corrupt(() =>
      restoreRolloutRecord(
        stored(
          (raw) =>
            ((raw.input as { preTrafficCheck: unknown }).preTrafficCheck = {
              ...check,
              maxLatencyMs: 'soon',
            }),
        ),
        WHERE,
      ),
    );
    expect(error.message).toMatch(/input\.preTrafficCheck\.maxLatencyMs: .*expected number/);
  });

  it('an unknown status, a missing snapshot and a record that is not an object all fail', () => {
    expect(
      corrupt(() =>
        restoreRolloutRecord(
          stored((raw) => (raw.status = 'exploded')),
          WHERE,
        ),
      ).message,
    ).toMatch(/status: /);
    expect(
      corrupt(() =>
        restoreRolloutRecord(
          stored((raw) => delete raw.snapshot),
          WHERE,
        ),
      ).message,
    ).toContain('snapshot: is missing');
    const notObject = corrupt(() => restoreRolloutRecord('hello', WHERE));
    expect(notObject.code).toBe('STORE_CORRUPT');
    expect(notObject.message).toContain(`a rollout record in ${WHERE} is damaged`);
  });

  it('lists a few problems and counts the rest', () => {
    const error = corrupt(() => restoreRolloutRecord({ id: 'r-a' }, WHERE));
    expect(error.message).toMatch(/\(and \d+ more\)/);
  });
});

describe('restoreTimelineEntry and parseStoredJson', () => {
  it('restores an entry and refuses a garbled one', () => {
    const entry = { rolloutId: 'r-a', seq: 0, at: 1_000, kind: 'note', message: 'hello', detail: { a: 1 } };
    expect(restoreTimelineEntry(entry, WHERE)).toEqual(entry);
    const error = corrupt(() => restoreTimelineEntry({ ...entry, seq: 'first' }, `${WHERE}, line 3`));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(/line 3 is damaged: seq: /);
  });

  it('text that is not JSON is STORE_CORRUPT, not a SyntaxError', () => {
    const error = corrupt(() => parseStoredJson('{"id": "r-a", ', 'rollout r-a', WHERE));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(`rollout r-a in ${WHERE} is damaged: not valid JSON`);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});
