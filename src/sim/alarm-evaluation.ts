// CloudWatch's metric alarm rule, as documented: M out of N datapoints over an evaluation range a
// little longer than N periods, missing data per TreatMissingData, and the StateReason /
// StateReasonData texts CloudWatch writes on a state change. Pure: datapoints in, verdict out.
import type { AlarmStateValue, ComparisonOperator } from '../engine/ports';
import { cloudWatchTimestamp } from './events';
import { isPercentile } from './metrics';

export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export interface AlarmRule {
  statistic: string;
  threshold: number;
  comparison: ComparisonOperator;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
}

/** One period of the metric; `value` undefined means the datapoint is missing. */
export interface PeriodDatapoint {
  timestamp: number;
  value?: number;
  sampleCount?: number;
}

export interface AlarmVerdict {
  state: AlarmStateValue;
  reason: string;
  reasonData: string;
}

/**
 * How many periods CloudWatch retrieves to evaluate an alarm ("a higher number of data points than
 * specified by Evaluation Periods"). The documented examples retrieve 5 for 3 evaluation periods.
 */
export function evaluationRangeLength(rule: AlarmRule): number {
  return rule.evaluationPeriods + 2;
}

/** Numbers as CloudWatch (Java's Double.toString) prints them: 50.0, 0.21, 1.0E-4. */
export function formatCloudWatchNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return '0.0';
  const magnitude = Math.abs(n);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(n);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '0', exponent = '0'] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** The datapoint dates in StateReason: dd/MM/yy HH:mm:ss, UTC. */
export function formatReasonDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())}`;
}

const COMPARISON_TEXT: Record<ComparisonOperator, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function breaches(rule: AlarmRule, value: number): boolean {
  switch (rule.comparison) {
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
  }
}

interface RealDatapoint extends PeriodDatapoint {
  value: number;
  /** Position in the evaluation range, 0 = the most recent period. */
  age: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Evaluates the alarm over `range` (the evaluation range, most recent period first). Returns
 * undefined when the alarm keeps its current state (TreatMissingData `ignore` with too little data).
 *
 * Follows "How alarm state is evaluated when data is missing": with at least N real datapoints the
 * most recent N decide; with fewer, every real datapoint in the range counts and the rest of the N
 * are filled per TreatMissingData. The documented tables (3 of 3 and 2 of 3 over 5 datapoints) are
 * reproduced exactly, including that `missing` goes to ALARM when the only datapoints are breaching
 * and older than N periods, but to INSUFFICIENT_DATA when they are recent.
 */
export function evaluateAlarm(
  rule: AlarmRule,
  range: readonly PeriodDatapoint[],
  now: number,
): AlarmVerdict | undefined {
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm;
  const real: RealDatapoint[] = [];
  range.forEach((point, age) => {
    if (point.value !== undefined) real.push({ ...point, value: point.value, age });
  });

  const evaluatedReal = real.length >= n ? real.slice(0, n) : real;
  const fills = Math.max(0, n - real.length);
  const breachingReal = evaluatedReal.filter((p) => breaches(rule, p.value)).length;
  const nonBreachingReal = evaluatedReal.length - breachingReal;

  let state: AlarmStateValue;
  let fillTreatedAs: 'Breaching' | 'NonBreaching' | undefined;
  if (fills === 0) {
    state = breachingReal >= m ? 'ALARM' : 'OK';
  } else if (rule.treatMissingData === 'breaching') {
    state = breachingReal + fills >= m ? 'ALARM' : 'OK';
    fillTreatedAs = 'Breaching';
  } else if (rule.treatMissingData === 'notBreaching') {
    state = breachingReal >= m ? 'ALARM' : 'OK';
    fillTreatedAs = 'NonBreaching';
  } else {
    const oldestBreaching = evaluatedReal.filter((p) => breaches(rule, p.value)).at(-1);
    const decidedByRealData = breachingReal >= m || nonBreachingReal > 0;
    if (real.length === 0) state = 'INSUFFICIENT_DATA';
    else if (breachingReal >= m) state = 'ALARM';
    else if (nonBreachingReal > 0) state = 'OK';
    else state = oldestBreaching !== undefined && oldestBreaching.age >= n ? 'ALARM' : 'INSUFFICIENT_DATA';
    if (rule.treatMissingData === 'ignore' && !decidedByRealData) return undefined;
  }

  return {
    state,
    reason: reasonText(rule, state, range, evaluatedReal, fills, fillTreatedAs),
    reasonData: reasonData(rule, range, evaluatedReal, now),
  };
}

function reasonText(
  rule: AlarmRule,
  state: AlarmStateValue,
  range: readonly PeriodDatapoint[],
  evaluatedReal: readonly RealDatapoint[],
  fills: number,
  fillTreatedAs: 'Breaching' | 'NonBreaching' | undefined,
): string {
  const n = rule.evaluationPeriods;
  if (state === 'INSUFFICIENT_DATA') {
    const unknown = range.length - evaluatedReal.length;
    return `Insufficient Data: ${plural(unknown, 'datapoint')} ${unknown === 1 ? 'was' : 'were'} unknown.`;
  }
  if (evaluatedReal.length === 0) {
    return (
      `Threshold Crossed: no datapoints were received for ${plural(n, 'period')} and ` +
      `${plural(fills, 'missing datapoint')} ${fills === 1 ? 'was' : 'were'} treated as [${fillTreatedAs ?? 'Missing'}].`
    );
  }
  const alarming = state === 'ALARM';
  const matching = evaluatedReal.filter((p) => breaches(rule, p.value) === alarming);
  const fillsMatching =
    (alarming && fillTreatedAs === 'Breaching') || (!alarming && fillTreatedAs === 'NonBreaching')
      ? fills
      : 0;
  const count = matching.length + fillsMatching;
  const listed = matching
    .map((p) => `${formatCloudWatchNumber(p.value)} (${formatReasonDate(p.timestamp)})`)
    .join(', ');
  const minimum = alarming ? rule.datapointsToAlarm : n - rule.datapointsToAlarm + 1;
  const filled =
    fillTreatedAs === undefined || fills === 0
      ? ''
      : ` ${plural(fills, 'missing datapoint')} ${fills === 1 ? 'was' : 'were'} treated as [${fillTreatedAs}].`;
  return (
    `Threshold Crossed: ${count} out of the last ${n} datapoints [${listed}] ${count === 1 ? 'was' : 'were'} ` +
    `${alarming ? '' : 'not '}${COMPARISON_TEXT[rule.comparison]} the threshold (${formatCloudWatchNumber(rule.threshold)}) ` +
    `(minimum ${plural(minimum, 'datapoint')} for ${alarming ? 'OK -> ALARM' : 'ALARM -> OK'} transition).${filled}`
  );
}

/** StateReasonData: JSON with Java-style numbers (threshold 50.0, period 60), built by hand for that reason. */
function reasonData(
  rule: AlarmRule,
  range: readonly PeriodDatapoint[],
  evaluatedReal: readonly RealDatapoint[],
  now: number,
): string {
  const n = rule.evaluationPeriods;
  // The periods that took part: the N most recent real ones, or (short of data) the N most recent
  // periods plus any older real datapoint that was counted.
  const evaluated =
    evaluatedReal.length >= n
      ? evaluatedReal
      : range.filter((point, age) => age < n || evaluatedReal.some((p) => p.age === age));
  const oldest = evaluated.at(-1) ?? range.at(-1);
  const fields = [
    `"version":"1.0"`,
    `"queryDate":"${cloudWatchTimestamp(now)}"`,
    ...(oldest === undefined ? [] : [`"startDate":"${cloudWatchTimestamp(oldest.timestamp)}"`]),
    isPercentile(rule.statistic)
      ? `"extendedStatistic":"${rule.statistic}"`
      : `"statistic":"${rule.statistic}"`,
    `"period":${rule.periodSeconds}`,
    `"recentDatapoints":[${[...evaluatedReal]
      .reverse()
      .map((p) => formatCloudWatchNumber(p.value))
      .join(',')}]`,
    `"threshold":${formatCloudWatchNumber(rule.threshold)}`,
    `"evaluatedDatapoints":[${evaluated
      .map((p) =>
        p.value === undefined
          ? `{"timestamp":"${cloudWatchTimestamp(p.timestamp)}"}`
          : `{"timestamp":"${cloudWatchTimestamp(p.timestamp)}","sampleCount":${formatCloudWatchNumber(
              p.sampleCount ?? 1,
            )},"value":${formatCloudWatchNumber(p.value)}}`,
      )
      .join(',')}]`,
  ];
  return `{${fields.join(',')}}`;
}
