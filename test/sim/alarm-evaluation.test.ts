// CloudWatch's alarm rule as documented (the missing-data tables) and its StateReason texts.
import type { AlarmRule, PeriodDatapoint } from '../../src/sim/alarm-evaluation';
import {
  evaluateAlarm,
  evaluationRangeLength,
  formatCloudWatchNumber,
  formatReasonDate,
} from '../../src/sim/alarm-evaluation';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
const MINUTE = 60_000;

function rule(overrides: Partial<AlarmRule> = {}): AlarmRule {
  return {
    statistic: 'Average',
    threshold: 3,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'missing',
    ...overrides,
  };
}

/**
 * The datapoint notation of CloudWatch's documentation, oldest first: 0 is not breaching, X is
 * breaching, - is missing. Returns the evaluation range most recent first, as the sim builds it.
 */
function range(notation: string): PeriodDatapoint[] {
  return notation
    .split(' ')
    .map((symbol, index): PeriodDatapoint => {
      const timestamp = T0 + index * MINUTE;
      if (symbol === '-') return { timestamp };
      return { timestamp, value: symbol === 'X' ? 5 : 1, sampleCount: 10 };
    })
    .reverse();
}

const treatments = ['missing', 'ignore', 'breaching', 'notBreaching'] as const;

function outcomes(alarmRule: Omit<AlarmRule, 'treatMissingData'>, notation: string): string[] {
  return treatments.map((treatMissingData) => {
    const verdict = evaluateAlarm({ ...alarmRule, treatMissingData }, range(notation), T0 + 10 * MINUTE);
    return verdict === undefined ? 'retain' : verdict.state;
  });
}

describe('CloudWatch alarm evaluation with missing data (the documented tables)', () => {
  it('retrieves more datapoints than evaluation periods: 5 for 3', () => {
    expect(evaluationRangeLength(rule())).toBe(5);
  });

  // "Datapoints to Alarm and Evaluation Periods are both 3": columns MISSING, IGNORE, BREACHING, NOT BREACHING.
  it.each([
    ['0 - X - X', ['OK', 'OK', 'OK', 'OK']],
    ['0 - - - -', ['OK', 'OK', 'OK', 'OK']],
    ['- - - - -', ['INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK']],
    ['0 X X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['- - - - X', ['INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK']],
    ['X - - - -', ['ALARM', 'retain', 'ALARM', 'OK']],
  ])('3 out of 3: %s', (notation, expected) => {
    expect(outcomes(rule(), notation)).toEqual(expected);
  });

  // "Datapoints to Alarm is only 2 while Evaluation Periods is 3".
  it.each([
    ['0 - X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 0 X 0 X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 - X - -', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - - 0', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - - X', ['INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK']],
  ])('2 out of 3: %s', (notation, expected) => {
    expect(outcomes(rule({ datapointsToAlarm: 2 }), notation)).toEqual(expected);
  });
});

describe('StateReason and StateReasonData', () => {
  const errorRule = rule({ threshold: 0.05, evaluationPeriods: 1, datapointsToAlarm: 1 });
  const at = (minute: number) => T0 + minute * MINUTE;

  it('reads like CloudWatch when a threshold is crossed', () => {
    const verdict = evaluateAlarm(errorRule, [{ timestamp: at(7), value: 0.21, sampleCount: 600 }], at(8));
    expect(verdict?.state).toBe('ALARM');
    expect(verdict?.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoints [0.21 (15/01/26 09:07:00)] was greater than the threshold (0.05) (minimum 1 datapoint for OK -> ALARM transition).',
    );
    expect(verdict?.reasonData).toBe(
      '{"version":"1.0","queryDate":"2026-01-15T09:08:00.000+0000","startDate":"2026-01-15T09:07:00.000+0000",' +
        '"statistic":"Average","period":60,"recentDatapoints":[0.21],"threshold":0.05,' +
        '"evaluatedDatapoints":[{"timestamp":"2026-01-15T09:07:00.000+0000","sampleCount":600.0,"value":0.21}]}',
    );
  });

  it('lists the deciding datapoints newest first, and recentDatapoints oldest first', () => {
    const verdict = evaluateAlarm(
      rule({ threshold: 40, evaluationPeriods: 3, datapointsToAlarm: 2 }),
      [
        { timestamp: at(2), value: 99.5, sampleCount: 1 },
        { timestamp: at(1), value: 12, sampleCount: 1 },
        { timestamp: at(0), value: 65.25, sampleCount: 1 },
      ],
      at(3),
    );
    expect(verdict?.reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [99.5 (15/01/26 09:02:00), 65.25 (15/01/26 09:00:00)] were greater than the threshold (40.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );
    expect(JSON.parse(verdict?.reasonData ?? '{}')).toMatchObject({
      recentDatapoints: [65.25, 12, 99.5],
      threshold: 40,
    });
  });

  it('explains a recovery and missing data treated as not breaching', () => {
    const ok = evaluateAlarm(errorRule, [{ timestamp: at(7), value: 0, sampleCount: 600 }], at(8));
    expect(ok?.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoints [0.0 (15/01/26 09:07:00)] was not greater than the threshold (0.05) (minimum 1 datapoint for ALARM -> OK transition).',
    );
    const missing = evaluateAlarm(
      { ...errorRule, treatMissingData: 'notBreaching' },
      [{ timestamp: at(7) }],
      at(8),
    );
    expect(missing?.reason).toBe(
      'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
    );
    const unknown = evaluateAlarm(
      errorRule,
      [{ timestamp: at(7) }, { timestamp: at(6) }, { timestamp: at(5) }],
      at(8),
    );
    expect(unknown?.state).toBe('INSUFFICIENT_DATA');
    expect(unknown?.reason).toBe('Insufficient Data: 3 datapoints were unknown.');
  });

  it('names percentile statistics as extendedStatistic', () => {
    const verdict = evaluateAlarm(
      { ...errorRule, statistic: 'p99', threshold: 200000 },
      [{ timestamp: at(7), value: 250000, sampleCount: 600 }],
      at(8),
    );
    expect(JSON.parse(verdict?.reasonData ?? '{}')).toMatchObject({
      extendedStatistic: 'p99',
      threshold: 200000,
    });
    expect(verdict?.reason).toContain('[250000.0 (15/01/26 09:07:00)]');
  });

  it('prints numbers as Java does and dates as dd/MM/yy HH:mm:ss', () => {
    expect([0, 50, 0.05, 0.0666851903306472, 1e-4, 12345678, -3].map(formatCloudWatchNumber)).toEqual([
      '0.0',
      '50.0',
      '0.05',
      '0.0666851903306472',
      '1.0E-4',
      '1.2345678E7',
      '-3.0',
    ]);
    expect(formatReasonDate(Date.UTC(2019, 9, 1, 13, 46, 0))).toBe('01/10/19 13:46:00');
  });
});
