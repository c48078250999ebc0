// Application Auto Scaling's schedule expressions for scheduled actions: `at(...)`, `rate(...)` and
// `cron(...)` (PutScheduledAction API reference, Schedule: "At expressions - at(yyyy-mm-ddThh:mm:ss)",
// "Rate expressions - rate(value unit)" with unit minute | minutes | hour | hours | day | days, "Cron
// expressions - cron(fields)" with six fields [Minutes] [Hours] [Day_of_Month] [Month] [Day_of_Week]
// [Year]; at and cron are UTC by default). The sim only runs schedules in UTC.
import { validationException } from './aws-errors';

const MINUTE_MS = 60_000;
const UNIT_MS: Record<string, number> = {
  minute: MINUTE_MS,
  minutes: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  hours: 60 * MINUTE_MS,
  day: 24 * 60 * MINUTE_MS,
  days: 24 * 60 * MINUTE_MS,
};
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A parsed schedule: whether it fires at the minute boundary `at` (epoch ms). */
export interface Schedule {
  /** `anchor`: when a rate schedule counts from (StartTime, else the action's creation). */
  firesAt(at: number, anchor: number): boolean;
}

function invalid(expression: string, why: string) {
  // AWS does not publish the exact text for a malformed schedule; this one names the rule broken.
  return validationException(`Schedule expression '${expression}' is not valid: ${why}.`);
}

/** Parses a schedule or throws AWS's ValidationException for a malformed one. */
export function parseSchedule(expression: string): Schedule {
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at !== null) {
    const time = Date.parse(`${at[1] as string}Z`);
    if (Number.isNaN(time)) throw invalid(expression, 'the date is not a real date');
    // A one-time action runs at the first minute boundary at or after its time.
    return { firesAt: (now) => time <= now && now - time < MINUTE_MS };
  }
  const rate = /^rate\((\d+) (\w+)\)$/.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unitMs = UNIT_MS[rate[2] as string];
    if (unitMs === undefined) throw invalid(expression, 'unit must be minute(s), hour(s) or day(s)');
    if (!Number.isInteger(value) || value < 1) throw invalid(expression, 'value must be a positive integer');
    const interval = value * unitMs;
    // Runs one interval after the anchor, then every interval (at the minute boundaries the sim ticks on).
    return {
      firesAt: (now, anchor) => {
        if (now <= anchor) return false;
        const sinceLast = (now - anchor) % interval;
        return sinceLast < MINUTE_MS;
      },
    };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron !== null) return parseCron(expression, (cron[1] as string).trim().split(/\s+/));
  throw invalid(expression, 'use at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)');
}

/** One cron field as the set of values it allows (undefined: any value). */
function field(
  expression: string,
  text: string,
  name: string,
  low: number,
  high: number,
  names: readonly string[] = [],
): Set<number> | undefined {
  if (text === '*' || text === '?') return undefined;
  const value = (token: string) => {
    const index = names.indexOf(token.toUpperCase());
    const n = index >= 0 ? index + low : Number(token);
    if (!Number.isInteger(n) || n < low || n > high) {
      throw invalid(expression, `${name} must be ${low}-${high}, got ${token}`);
    }
    return n;
  };
  const allowed = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalid(expression, `${name} step must be positive`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = low;
      to = high;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : high;
    }
    if (/[LW#]/.test(range)) throw new Error(`the simulated cloud does not run cron field ${name}="${text}"`);
    for (let n = from; n <= to; n += step) allowed.add(n);
  }
  return allowed;
}

function parseCron(expression: string, fields: string[]): Schedule {
  if (fields.length !== 6) {
    throw invalid(expression, 'cron needs six fields: minutes hours day-of-month month day-of-week year');
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (/[LW#]/.test(dayOfMonth + dayOfWeek)) {
    throw new Error(`the simulated cloud does not run cron expressions with L, W or #: ${expression}`);
  }
  const sets = {
    minutes: field(expression, minutes, 'Minutes', 0, 59),
    hours: field(expression, hours, 'Hours', 0, 23),
    dayOfMonth: field(expression, dayOfMonth, 'Day-of-month', 1, 31),
    month: field(expression, month, 'Month', 1, 12, [
      'JAN',
      'FEB',
      'MAR',
      'APR',
      'MAY',
      'JUN',
      'JUL',
      'AUG',
      'SEP',
      'OCT',
      'NOV',
      'DEC',
    ]),
    // Day-of-week 1-7 is SUN-SAT in AWS cron expressions.
    dayOfWeek: field(expression, dayOfWeek, 'Day-of-week', 1, 7, DAY_NAMES),
    year: field(expression, year, 'Year', 1970, 2199),
  };
  const matches = (set: Set<number> | undefined, value: number) => set === undefined || set.has(value);
  return {
    firesAt: (now) => {
      if (now % MINUTE_MS !== 0) return false;
      const d = new Date(now);
      return (
        matches(sets.minutes, d.getUTCMinutes()) &&
        matches(sets.hours, d.getUTCHours()) &&
        matches(sets.dayOfMonth, d.getUTCDate()) &&
        matches(sets.month, d.getUTCMonth() + 1) &&
        matches(sets.dayOfWeek, d.getUTCDay() + 1) &&
        matches(sets.year, d.getUTCFullYear())
      );
    },
  };
}
