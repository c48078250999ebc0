// The PutMetricAlarm rules a candidate alarm template must keep (CloudWatch API Reference,
// PutMetricAlarm), each with the field at fault and the fix.
import {
  ENDPOINT_INVOCATION_METRICS,
  candidateAlarmProblems,
  isCloudWatchStatistic,
  subMinutePeriodProblem,
} from '../../src/engine/alarm-rules';
import type { CandidateAlarmTemplate } from '../../statemachines/contract';

const GOOD: CandidateAlarmTemplate = {
  suffix: '5xx-rate',
  metricName: 'Invocation5XXErrors',
  statistic: 'Average',
  threshold: 0.05,
  comparison: 'GreaterThanThreshold',
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'notBreaching',
};

const problemsOf = (over: Partial<CandidateAlarmTemplate>) => candidateAlarmProblems({ ...GOOD, ...over });

describe('statistics: Statistic or ExtendedStatistic, as PutMetricAlarm takes them', () => {
  it.each([
    'Average',
    'Sum',
    'Minimum',
    'Maximum',
    'SampleCount',
    'p99',
    'p99.9',
    'p0',
    'p100',
    'tm90',
    'wm99.5',
    'IQM',
    'TM(10%:90%)',
    'TS(:90%)',
    'PR(0:500)',
  ])('%s is accepted', (statistic) => {
    expect(isCloudWatchStatistic(statistic)).toBe(true);
    expect(problemsOf({ statistic })).toEqual([]);
  });

  it.each(['Mean', 'average', 'p101', 'p99.999', 'P99', 'TM(5%:90%)', 'TM(10%:95%)', ''])(
    '%s is refused with the statistics CloudWatch takes',
    (statistic) => {
      expect(problemsOf({ statistic })).toEqual([
        {
          field: 'statistic',
          message: expect.stringContaining(
            'use Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99',
          ),
        },
      ]);
    },
  );
});

describe('period: 10, 20, 30 or a multiple of 60', () => {
  it.each([60, 120, 300, 3600])('%i s is accepted', (periodSeconds) => {
    expect(problemsOf({ periodSeconds })).toEqual([]);
  });

  it.each([0, 45, 90, 61, 1.5])('%s s is not a period CloudWatch accepts', (periodSeconds) => {
    expect(problemsOf({ periodSeconds })).toEqual([
      {
        field: 'periodSeconds',
        message: `${periodSeconds} is not a period CloudWatch accepts; use 10, 20, 30 or a multiple of 60 (e.g. 60, 300)`,
      },
    ]);
  });

  it.each([10, 20, 30])(
    '%i s is a high-resolution period CloudWatch accepts (whether the endpoint publishes that often is checked at start)',
    (periodSeconds) => {
      expect(problemsOf({ periodSeconds })).toEqual([]);
    },
  );

  it('subMinutePeriodProblem: under a minute needs enhanced metrics published at least that often', () => {
    expect(subMinutePeriodProblem(60, undefined, 'e')).toBeUndefined();
    expect(
      subMinutePeriodProblem(10, { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 10 }, 'e'),
    ).toBeUndefined();
    expect(
      subMinutePeriodProblem(30, { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 10 }, 'e'),
    ).toBeUndefined();
    expect(
      subMinutePeriodProblem(30, { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 30 }, 'e'),
    ).toBeUndefined();
    // The frequency applies to utilization metrics only unless enhanced metrics are on.
    expect(subMinutePeriodProblem(10, { MetricPublishFrequencyInSeconds: 10 }, 'e')).toMatch(
      /does not enable enhanced metrics/,
    );
    expect(
      subMinutePeriodProblem(20, { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 30 }, 'e'),
    ).toMatch(/every 30 s; .*MetricPublishFrequencyInSeconds 10\)/);
    expect(subMinutePeriodProblem(10, undefined, 'churn-prod')).toMatch(
      /on churn-prod .* published every 60 s/,
    );
  });
});

describe('evaluationPeriods × period: at most one day under an hour, seven days from an hour', () => {
  it('1440 one-minute periods is one day: accepted; 1441 is not', () => {
    expect(problemsOf({ evaluationPeriods: 1440 })).toEqual([]);
    expect(problemsOf({ evaluationPeriods: 1441 })).toEqual([
      {
        field: 'evaluationPeriods',
        message:
          '1441 periods of 60 s is 86460 s; CloudWatch allows at most 86400 s (one day) for periods under an hour, ' +
          'so use at most 1440 periods',
      },
    ]);
  });

  it('periods of an hour may reach seven days: 168 accepted, 169 not', () => {
    expect(problemsOf({ periodSeconds: 3600, evaluationPeriods: 168 })).toEqual([]);
    expect(problemsOf({ periodSeconds: 3600, evaluationPeriods: 169 })).toEqual([
      {
        field: 'evaluationPeriods',
        message: expect.stringContaining('604800 s (seven days), so use at most 168 periods'),
      },
    ]);
  });

  it('0 periods is refused', () => {
    expect(problemsOf({ evaluationPeriods: 0 })).toContainEqual({
      field: 'evaluationPeriods',
      message: 'must be a whole number of at least 1',
    });
  });
});

describe('datapointsToAlarm: M of N, so at most evaluationPeriods', () => {
  it('2 of 3 is accepted; 3 of 2 is refused saying M cannot exceed N', () => {
    expect(problemsOf({ datapointsToAlarm: 2, evaluationPeriods: 3 })).toEqual([]);
    expect(problemsOf({ datapointsToAlarm: 3, evaluationPeriods: 2 })).toEqual([
      {
        field: 'datapointsToAlarm',
        message:
          '3 is more than evaluationPeriods (2); an alarm fires on M breaching datapoints out of the last N periods, ' +
          'so M (datapointsToAlarm) cannot exceed N (evaluationPeriods)',
      },
    ]);
  });

  it('0 is refused', () => {
    expect(problemsOf({ datapointsToAlarm: 0 })).toEqual([
      { field: 'datapointsToAlarm', message: 'must be a whole number of at least 1' },
    ]);
  });
});

describe('threshold and metric name', () => {
  it('a threshold that is not a finite number is refused', () => {
    expect(problemsOf({ threshold: Number.NaN })).toEqual([
      { field: 'threshold', message: 'must be a number, e.g. 0.05' },
    ]);
    expect(problemsOf({ threshold: Number.POSITIVE_INFINITY })).toHaveLength(1);
  });

  it('a metric name of 256 characters is refused (PutMetricAlarm: 1–255)', () => {
    expect(problemsOf({ metricName: 'M'.repeat(256) })).toEqual([
      { field: 'metricName', message: 'must be 1–255 characters, e.g. Invocation5XXErrors' },
    ]);
  });

  it.each(ENDPOINT_INVOCATION_METRICS)(
    '%s, an invocation metric SageMaker publishes, is accepted',
    (metricName) => {
      expect(problemsOf({ metricName })).toEqual([]);
    },
  );

  it('a typo in the metric name would guard nothing (CloudWatch keeps such an alarm OK): refused, with the name meant', () => {
    expect(problemsOf({ metricName: 'Invocation5xxErrors' })).toEqual([
      {
        field: 'metricName',
        message:
          '"Invocation5xxErrors" is not a metric SageMaker publishes for an endpoint variant in AWS/SageMaker; did you mean Invocation5XXErrors?',
      },
    ]);
    expect(problemsOf({ metricName: 'Foo' })[0]!.message).toMatch(
      /"Foo" is not a metric .*; use one of Invocations, /,
    );
  });
});
