// `--candidate-alarm METRIC[:STATISTIC]OP THRESHOLD[,options]`: what it makes, and the errors that
// name the flag and what to type instead.
import { parseCandidateAlarmFlag, parseCandidateAlarmFlags } from '../../src/cli/candidate-alarm-flag';
import { UsageError } from '../../src/cli/io';

function errorOf(...values: string[]): string {
  try {
    parseCandidateAlarmFlags(values);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('--candidate-alarm', () => {
  it("'Invocation5XXErrors>0.05': the error rate above 5% over one minute (Average, notBreaching, 1 of 1)", () => {
    expect(parseCandidateAlarmFlag('Invocation5XXErrors>0.05')).toEqual({
      suffix: 'invocation5xxerrors',
      metricName: 'Invocation5XXErrors',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
    });
  });

  it('a statistic, every comparison and every option', () => {
    expect(
      parseCandidateAlarmFlag(
        'ModelLatency:p99 >= 500000, period=5m, datapoints=2/3, missing=breaching, name=latency',
      ),
    ).toEqual({
      suffix: 'latency',
      metricName: 'ModelLatency',
      statistic: 'p99',
      threshold: 500000,
      comparison: 'GreaterThanOrEqualToThreshold',
      periodSeconds: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: 'breaching',
    });
    expect(parseCandidateAlarmFlag('Invocations:Sum<1').comparison).toBe('LessThanThreshold');
    expect(parseCandidateAlarmFlag('Invocations:Sum<=1').comparison).toBe('LessThanOrEqualToThreshold');
    expect(parseCandidateAlarmFlag('ModelLatency:p99.9>1').suffix).toBe('modellatency-p99-9');
    expect(parseCandidateAlarmFlag('Invocations:Sum<1,period=120').periodSeconds).toBe(120);
  });

  it.each([
    [
      'no comparison (a shell ate the > as a redirect)',
      'Invocation5XXErrors',
      "--candidate-alarm 'Invocation5XXErrors': has no comparison (>, >=, <, <=) and threshold; quote the whole value, since > is a shell redirect; write it as METRIC[:STATISTIC]>THRESHOLD[,period=1m][,datapoints=M/N][,missing=notBreaching][,name=SUFFIX], e.g. 'Invocation5XXErrors>0.05'",
    ],
    ['an empty value', '', "--candidate-alarm '': is empty;"],
    ['a threshold that is not a number', 'Invocation5XXErrors>five', 'the threshold "five" is not a number'],
    [
      'an unknown statistic',
      'ModelLatency:Median>1',
      '"Median" is not a CloudWatch statistic; use Average, Sum',
    ],
    [
      'an unknown option',
      'Invocation5XXErrors>0.05,for=2m',
      '"for" is not an option; the options are period, datapoints, missing and name',
    ],
    [
      'an option without a value',
      'Invocation5XXErrors>0.05,period',
      'option "period" has no value; write key=value',
    ],
    [
      'a period that is no duration',
      'Invocation5XXErrors>0.05,period=soon',
      'period=soon is not a duration like 60s, 1m or 5m',
    ],
    [
      'a period CloudWatch refuses',
      'Invocation5XXErrors>0.05,period=90s',
      'period: 90 is not a period CloudWatch accepts; use 10, 20, 30 or a multiple of 60',
    ],
    [
      'a metric name with a typo (an alarm on it would stay OK and guard nothing)',
      'Invocation5xxErrors>0.05',
      '"Invocation5xxErrors" is not a metric SageMaker publishes for an endpoint variant in AWS/SageMaker; did you mean Invocation5XXErrors?',
    ],
    ['datapoints not M/N', 'Invocation5XXErrors>0.05,datapoints=2', 'datapoints=2 is not M/N'],
    [
      'more datapoints than periods',
      'Invocation5XXErrors>0.05,datapoints=3/2',
      'datapoints (M in M/N): 3 is more than evaluationPeriods (2)',
    ],
    [
      'more than a day of one-minute periods',
      'Invocation5XXErrors>0.05,datapoints=1/1500',
      'datapoints (N in M/N): 1500 periods of 60 s is 90000 s; CloudWatch allows at most 86400 s',
    ],
    [
      'a bad missing-data treatment',
      'Invocation5XXErrors>0.05,missing=zero',
      'missing=zero is not one of missing, notBreaching, breaching, ignore',
    ],
    [
      'a bad name',
      'Invocation5XXErrors>0.05,name=Five_XX',
      'name=Five_XX must be 1–32 lowercase letters, digits or hyphens',
    ],
  ])('%s: an error naming the flag and the value', (_what, value, message) => {
    const error = errorOf(value);
    expect(error.startsWith(`--candidate-alarm '${value}': `)).toBe(true);
    expect(error).toContain(message);
  });

  it('two flags with the same name: the second is refused, naming the first', () => {
    expect(errorOf('Invocation5XXErrors>0.05', 'Invocation5XXErrors>0.1,datapoints=2/2')).toBe(
      "--candidate-alarm 'Invocation5XXErrors>0.1,datapoints=2/2': its name invocation5xxerrors is already used by " +
        "--candidate-alarm 'Invocation5XXErrors>0.05'; give one of them its own name, e.g. ,name=latency-2",
    );
  });
});
