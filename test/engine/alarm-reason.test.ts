// CloudWatch's StateReasonData read into the numbers a rollback reason carries.
import { parseAlarmReasonData } from '../../src/engine/alarm-reason';

describe('parseAlarmReasonData', () => {
  it('reads the recent datapoints and the threshold of a threshold alarm', () => {
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: '2026-01-15T09:08:00.000+0000',
      statistic: 'Average',
      period: 60,
      recentDatapoints: [0.21, 0.3],
      threshold: 0.05,
      evaluatedDatapoints: [{ timestamp: '2026-01-15T09:07:00.000+0000', sampleCount: 600, value: 0.21 }],
    });
    expect(parseAlarmReasonData(reasonData)).toEqual({ datapoints: [0.21, 0.3], threshold: 0.05 });
  });

  it('keeps only numeric datapoints and leaves out what is missing', () => {
    expect(parseAlarmReasonData('{"recentDatapoints":[1,"x",null,2]}')).toStrictEqual({ datapoints: [1, 2] });
    expect(parseAlarmReasonData('{"threshold":5}')).toStrictEqual({ threshold: 5 });
    expect(parseAlarmReasonData('{"version":"1.0"}')).toStrictEqual({});
  });

  it('gives nothing for absent, empty, non-JSON or non-object reason data', () => {
    for (const reasonData of [undefined, '', 'Threshold Crossed', '{"recentDatapoints":[1', '42', 'null']) {
      expect(parseAlarmReasonData(reasonData)).toStrictEqual({});
    }
  });
});
