// Durations as people write them in policies and CLI flags (`90s`, `5m`, `1h30m`): parsed once at
// the edge into milliseconds, and formatted back into the same compact form for plans and logs.

import { SmRolloutError } from '../errors';
import type { DurationMs } from './types';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Largest unit first: the order a duration must be written in, and the order it is formatted in. */
const UNITS: ReadonlyArray<{ suffix: string; ms: number }> = [
  { suffix: 'd', ms: DAY },
  { suffix: 'h', ms: HOUR },
  { suffix: 'm', ms: MINUTE },
  { suffix: 's', ms: SECOND },
  { suffix: 'ms', ms: 1 },
];

// One optional group per unit, in descending order, so `1m1h` and `5m5m` cannot match. The
// lookahead keeps the `m` of minutes from swallowing the `m` of `500ms`.
const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/i;

export const DURATION_HELP = 'use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m';

/** Parses `90s`, `5m`, `1h30m`, `500ms`, `1d`…; `field` names the setting in the error message. */
export function parseDuration(text: string, field: string): DurationMs {
  const match = typeof text === 'string' ? DURATION_PATTERN.exec(text.trim()) : null;
  const amounts = match?.slice(1) ?? [];
  if (!match || amounts.every((amount) => amount === undefined)) {
    throw new SmRolloutError(
      'INVALID_DURATION',
      `${field}: ${JSON.stringify(text)} is not a duration; ${DURATION_HELP}`,
      { field },
    );
  }
  const total = amounts.reduce(
    (sum, amount, i) => (amount === undefined ? sum : sum + Number(amount) * UNITS[i]!.ms),
    0,
  );
  if (!Number.isSafeInteger(total)) {
    throw new SmRolloutError('INVALID_DURATION', `${field}: ${JSON.stringify(text)} is too long a duration`, {
      field,
    });
  }
  return total;
}

/**
 * Reads a duration given either as text (`5m`) or as milliseconds: policy files and API callers
 * use both. A number must be finite and not negative; `0` means "no wait".
 */
export function toDurationMs(value: string | number, field: string): DurationMs {
  if (typeof value === 'string') return parseDuration(value, field);
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new SmRolloutError(
    'INVALID_DURATION',
    `${field}: ${String(value)} is not a duration; ${DURATION_HELP}, or a number of milliseconds (0 or more)`,
    { field },
  );
}

/** Formats milliseconds in the form parseDuration reads back: `1h30m`, `1m30s`, `45s`, `0s`, `250ms`. */
export function formatDuration(ms: DurationMs): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let text = '';
  for (const unit of UNITS) {
    const amount = Math.floor(rest / unit.ms);
    if (amount > 0) text += `${amount}${unit.suffix}`;
    rest -= amount * unit.ms;
  }
  return text;
}
