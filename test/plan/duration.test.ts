// Durations as people write them in policies and flags, and as plans print them back.

import fc from 'fast-check';
import { formatDuration, parseDuration, toDurationMs } from '../../src/plan';
import { thrown } from './thrown';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['90s', 90 * SECOND],
    ['5m', 5 * MINUTE],
    ['1h', HOUR],
    ['1h30m', HOUR + 30 * MINUTE],
    ['2h15m30s', 2 * HOUR + 15 * MINUTE + 30 * SECOND],
    ['0s', 0],
    ['500ms', 500],
    ['1d', DAY],
    ['1m30s', 90 * SECOND],
    ['1s500ms', 1500],
    ['1d2h3m4s5ms', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND + 5],
    ['5M', 5 * MINUTE],
    ['1H30M', HOUR + 30 * MINUTE],
    ['500MS', 500],
    [' 5m ', 5 * MINUTE],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text, 'bake')).toBe(ms);
  });

  it('says which setting was wrong, what was written and what would work', () => {
    expect(thrown(() => parseDuration('5 minutes', 'finalBake'))).toMatchObject({
      code: 'INVALID_DURATION',
      field: 'finalBake',
      message:
        'finalBake: "5 minutes" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m',
    });
  });

  it.each([
    ['a plain number', '300'],
    ['a negative duration', '-5m'],
    ['words for units', '5 minutes'],
    ['the unit before the number', 'm5'],
    ['an empty string', ''],
    ['only spaces', '   '],
    ['units in the wrong order', '1m1h'],
    ['a unit twice', '5m5m'],
    ['a space between parts', '1h 30m'],
    ['a fraction', '1.5h'],
    ['an unknown unit', '2w'],
    ['a unit without a number', 'h'],
    ['ISO 8601', 'PT5M'],
  ])('rejects %s (%j) with INVALID_DURATION naming the field', (_case, text) => {
    const error = thrown(() => parseDuration(text, 'policies[0].finalBake'));
    expect(error.code).toBe('INVALID_DURATION');
    expect(error.field).toBe('policies[0].finalBake');
    expect(error.message).toContain(`policies[0].finalBake: ${JSON.stringify(text)} is not a duration`);
  });

  it('rejects a duration too long to count in milliseconds', () => {
    expect(thrown(() => parseDuration('99999999999999d', 'bake'))).toMatchObject({
      code: 'INVALID_DURATION',
      field: 'bake',
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [HOUR + 30 * MINUTE, '1h30m'],
    [90 * SECOND, '1m30s'],
    [45 * SECOND, '45s'],
    [0, '0s'],
    [250, '250ms'],
    [5 * MINUTE, '5m'],
    [HOUR, '1h'],
    [DAY, '1d'],
    [DAY + HOUR, '1d1h'],
    [1500, '1s500ms'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('writes what parseDuration reads back to the same length of time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * DAY }), (ms) => {
        expect(parseDuration(formatDuration(ms), 'bake')).toBe(ms);
      }),
    );
  });
});

describe('toDurationMs', () => {
  it('takes text as a duration and a number as milliseconds', () => {
    expect(toDurationMs('5m', 'finalBake')).toBe(5 * MINUTE);
    expect(toDurationMs(1500, 'finalBake')).toBe(1500);
    expect(toDurationMs(0, 'finalBake')).toBe(0);
  });

  it.each([-1, NaN, Infinity])('rejects %d milliseconds, naming the field', (ms) => {
    expect(thrown(() => toDurationMs(ms, 'finalBake'))).toMatchObject({
      code: 'INVALID_DURATION',
      field: 'finalBake',
      message: expect.stringContaining(`finalBake: ${ms} is not a duration`),
    });
  });
});
