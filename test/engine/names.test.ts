// Names the controller derives for what a rollout creates: valid SageMaker names whatever the
// endpoint's own name, the same for the same rollout, different per kind and per rollout.
import fc from 'fast-check';
import { candidateAlarmName, isSageMakerName, newRolloutId, rolloutNames } from '../../src/engine/names';

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ROLLOUT_ID = 'r-0t8k2m3abcd';
const KINDS = ['candidateModel', 'candidateVariant', 'transitionConfig', 'finalConfig'] as const;

/** Endpoint names of length `n` with hyphens in different places, including every position. */
function endpointNamesOfLength(n: number): string[] {
  const names = new Set<string>(['a'.repeat(n), 'Z9'.repeat(n).slice(0, n)]);
  if (n >= 3) {
    names.add(
      Array.from({ length: n }, (_, i) => (i % 2 ? '-' : 'a'))
        .join('')
        .replace(/-$/, 'b'),
    );
    for (let at = 1; at < n - 1; at++) {
      // one hyphen, and a run of hyphens, starting at every inner position
      names.add(`${'a'.repeat(at)}-${'b'.repeat(n - at - 1)}`);
      const run = Math.min(4, n - at - 1);
      names.add(`${'a'.repeat(at)}${'-'.repeat(run)}${'b'.repeat(n - at - run)}`);
    }
  }
  for (const name of names) expect(name).toMatch(SAGEMAKER_NAME);
  return [...names];
}

function expectValid(name: string): void {
  expect(name.length).toBeLessThanOrEqual(63);
  expect(name).toMatch(SAGEMAKER_NAME);
  expect(isSageMakerName(name)).toBe(true);
}

describe('rolloutNames', () => {
  it.each(Array.from({ length: 63 }, (_, i) => i + 1))(
    'derives valid SageMaker names for every endpoint name of length %i',
    (length) => {
      for (const endpointName of endpointNamesOfLength(length)) {
        for (const id of [ROLLOUT_ID, 'r-sim70001', newRolloutId(Date.UTC(2030, 0, 1))]) {
          const names = rolloutNames(endpointName, id);
          for (const kind of KINDS) expectValid(names[kind]);
        }
      }
    },
  );

  it('derives valid names for any valid endpoint name (property)', () => {
    const endpointName = fc
      .stringMatching(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/)
      .filter((name) => name.length <= 63);
    fc.assert(
      fc.property(endpointName, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (name, random) => {
        const id = newRolloutId(Date.UTC(2031, 5, 1), () => {
          const buffer = Buffer.alloc(4);
          buffer.writeUInt32BE(random);
          return buffer;
        });
        const names = rolloutNames(name, id);
        return KINDS.every((kind) => names[kind].length <= 63 && SAGEMAKER_NAME.test(names[kind]));
      }),
      { numRuns: 500 },
    );
  });

  it('never leaves a hyphen at the cut point', () => {
    const base = 'x'.repeat(63);
    for (let at = 1; at < 62; at++) {
      const endpointName = `${base.slice(0, at)}-${base.slice(at + 1)}`;
      const names = rolloutNames(endpointName, ROLLOUT_ID);
      for (const kind of KINDS) {
        expect(names[kind]).not.toMatch(/--/);
        expectValid(names[kind]);
      }
    }
  });

  it('keeps a short endpoint name whole and readable', () => {
    expect(rolloutNames('churn-prod', ROLLOUT_ID)).toEqual({
      candidateModel: 'smr-churn-prod-0t8k2m3abcd-model',
      candidateVariant: 'candidate-0t8k2m3abcd',
      transitionConfig: 'smr-churn-prod-0t8k2m3abcd-transition',
      finalConfig: 'smr-churn-prod-0t8k2m3abcd-final',
    });
  });

  it('is deterministic for a rollout id', () => {
    const endpointName = 'a-very-long-endpoint-name-for-the-churn-model-in-production-1';
    expect(rolloutNames(endpointName, ROLLOUT_ID)).toEqual(rolloutNames(endpointName, ROLLOUT_ID));
  });

  it('gives each kind its own name, and each rollout its own names', () => {
    for (const endpointName of ['e', 'churn-prod', 'x'.repeat(63)]) {
      const a = rolloutNames(endpointName, ROLLOUT_ID);
      const b = rolloutNames(endpointName, 'r-0t8k2m3abce');
      expect(new Set(KINDS.map((k) => a[k])).size).toBe(KINDS.length);
      for (const kind of KINDS) expect(a[kind]).not.toBe(b[kind]);
    }
  });

  it('keeps the rollout id whole even when the endpoint name is cut', () => {
    const names = rolloutNames('x'.repeat(63), ROLLOUT_ID);
    for (const kind of KINDS) expect(names[kind]).toContain('0t8k2m3abcd');
  });
});

describe('candidateAlarmName', () => {
  it('keeps the endpoint name whole and names the rollout and the suffix', () => {
    expect(candidateAlarmName('churn-prod', ROLLOUT_ID, '5xx-rate')).toBe(
      'smr-churn-prod-0t8k2m3abcd-5xx-rate',
    );
    const long = candidateAlarmName('x'.repeat(63), ROLLOUT_ID, 'p99-latency');
    expect(long.length).toBeLessThanOrEqual(255);
    expect(long).toContain('x'.repeat(63));
  });
});

describe('newRolloutId', () => {
  const fixed = (n: number) => () => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(n);
    return buffer;
  };

  it('is r- and 11 lowercase base-36 characters', () => {
    for (const now of [0, 1_000, Date.UTC(2026, 0, 15), Date.UTC(2099, 11, 31)]) {
      for (const random of [0, 1, 36 ** 4 - 1, 2 ** 32 - 1]) {
        const id = newRolloutId(now, fixed(random));
        expect(id).toMatch(/^r-[0-9a-z]{11}$/);
        expect(isSageMakerName(id)).toBe(true);
      }
    }
  });

  it('uses real randomness by default', () => {
    const now = Date.UTC(2026, 0, 15);
    const ids = new Set(Array.from({ length: 50 }, () => newRolloutId(now)));
    expect(ids.size).toBeGreaterThan(45);
    for (const id of ids) expect(id).toMatch(/^r-[0-9a-z]{11}$/);
  });

  it('sorts by start time', () => {
    const times = [
      Date.UTC(2026, 0, 15, 9),
      Date.UTC(2026, 0, 15, 9, 0, 1),
      Date.UTC(2026, 5, 1),
      Date.UTC(2027, 0, 1),
    ];
    const ids = times.map((t) => newRolloutId(t, fixed(2 ** 32 - 1 - t / 1000)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is the same for the same time and randomness', () => {
    expect(newRolloutId(Date.UTC(2026, 0, 15), fixed(12345))).toBe(
      newRolloutId(Date.UTC(2026, 0, 15), fixed(12345)),
    );
    expect(newRolloutId(Date.UTC(2026, 0, 15), fixed(12345))).not.toBe(
      newRolloutId(Date.UTC(2026, 0, 15), fixed(12346)),
    );
  });
});
