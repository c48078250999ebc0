// CloudWatchAlarmControl: batching and paging of DescribeAlarms and DeleteAlarms, the exact PutMetricAlarm
// for a candidate alarm and for a native rollout's abort alarm, SetAlarmState, and how alarm states and
// failures come back. CloudWatchMetricReader: the exact
// GetMetricData request, 500 queries a call, NextToken paging with points merged per Id.

import {
  CloudWatchClient,
  CloudWatchServiceException,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CloudWatchAlarmControl, CloudWatchMetricReader } from '../../src/aws';
import type { CandidateAlarmSpec, MetricDataQuery } from '../../src/engine/ports';

const cloudwatch = mockClient(CloudWatchClient);
const control = new CloudWatchAlarmControl(new CloudWatchClient({}));

beforeEach(() => {
  cloudwatch.reset();
});

function inputsOf(command: Parameters<typeof cloudwatch.commandCalls>[0]): unknown[] {
  return cloudwatch.commandCalls(command).map((call) => call.args[0].input);
}

function names(count: number, prefix = 'alarm'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

const THRESHOLD_REASON =
  'Threshold Crossed: 1 datapoint [12.0 (22/11/25 10:04:00)] was greater than the threshold (5.0).';
const REASON_DATA = '{"version":"1.0","queryDate":"2025-11-22T10:05:10.123+0000","threshold":5.0}';

describe('describeAlarms', () => {
  it('makes no call for no names', async () => {
    await expect(control.describeAlarms([])).resolves.toEqual([]);
    expect(cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 0);
  });

  it('reads metric and composite alarms alike', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'candidate-5xx',
          StateValue: 'ALARM',
          StateReason: THRESHOLD_REASON,
          StateReasonData: REASON_DATA,
          StateUpdatedTimestamp: new Date('2025-11-22T10:05:10.123Z'),
        },
      ],
      CompositeAlarms: [
        {
          AlarmName: 'service-health',
          StateValue: 'OK',
          StateReason: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:latency transitioned to OK',
          StateUpdatedTimestamp: new Date('2025-11-22T09:00:00.000Z'),
        },
      ],
    });

    const states = await control.describeAlarms(['candidate-5xx', 'service-health', 'missing']);

    expect(cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 1);
    expect(inputsOf(DescribeAlarmsCommand)).toStrictEqual([
      {
        AlarmNames: ['candidate-5xx', 'service-health', 'missing'],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: 100,
      },
    ]);
    expect(states).toStrictEqual([
      {
        alarmName: 'candidate-5xx',
        state: 'ALARM',
        reason: THRESHOLD_REASON,
        reasonData: REASON_DATA,
        updatedAt: Date.parse('2025-11-22T10:05:10.123Z'),
      },
      {
        alarmName: 'service-health',
        state: 'OK',
        reason: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:latency transitioned to OK',
        updatedAt: Date.parse('2025-11-22T09:00:00.000Z'),
      },
    ]);
  });

  it('returns what each alarm watches: its metric and dimensions, math queries, a composite rule and its children', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'churn-prod-p99',
          StateValue: 'OK',
          StateReason: 'fine',
          Namespace: 'AWS/SageMaker',
          MetricName: 'ModelLatency',
          Dimensions: [
            { Name: 'EndpointName', Value: 'churn-prod' },
            { Name: 'VariantName', Value: 'AllTraffic' },
          ],
          ExtendedStatistic: 'p99',
          Period: 60,
        },
        {
          AlarmName: 'churn-prod-cpu',
          StateValue: 'OK',
          StateReason: 'fine',
          Namespace: '/aws/sagemaker/Endpoints',
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'EndpointName', Value: 'churn-prod' }],
          Statistic: 'Average',
          Period: 300,
        },
        {
          AlarmName: 'churn-prod-error-rate',
          StateValue: 'INSUFFICIENT_DATA',
          StateReason: 'new',
          Metrics: [
            {
              Id: 'errors',
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/SageMaker',
                  MetricName: 'Invocation5XXErrors',
                  Dimensions: [
                    { Name: 'EndpointName', Value: 'churn-prod' },
                    { Name: 'VariantName', Value: 'AllTraffic' },
                  ],
                },
                Period: 60,
                Stat: 'Sum',
              },
            },
            { Id: 'rate', Expression: '100*errors/invocations' },
          ],
        },
      ],
      CompositeAlarms: [
        {
          AlarmName: 'churn-prod-health',
          StateValue: 'OK',
          StateReason: 'fine',
          AlarmRule:
            'ALARM("churn-prod-p99") OR (ALARM(arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn-prod-cpu) AND NOT OK(churn-prod-p99))',
        },
      ],
    });

    const states = await control.describeAlarms([
      'churn-prod-p99',
      'churn-prod-cpu',
      'churn-prod-error-rate',
      'churn-prod-health',
    ]);

    expect(states.map((s) => s.definition)).toStrictEqual([
      {
        kind: 'metric',
        metric: {
          namespace: 'AWS/SageMaker',
          metricName: 'ModelLatency',
          dimensions: [
            { name: 'EndpointName', value: 'churn-prod' },
            { name: 'VariantName', value: 'AllTraffic' },
          ],
        },
        statistic: 'p99',
        periodSeconds: 60,
      },
      {
        kind: 'metric',
        metric: {
          namespace: '/aws/sagemaker/Endpoints',
          metricName: 'CPUUtilization',
          dimensions: [{ name: 'EndpointName', value: 'churn-prod' }],
        },
        statistic: 'Average',
        periodSeconds: 300,
      },
      {
        kind: 'math',
        metrics: [
          {
            id: 'errors',
            returnData: false,
            metric: {
              namespace: 'AWS/SageMaker',
              metricName: 'Invocation5XXErrors',
              dimensions: [
                { name: 'EndpointName', value: 'churn-prod' },
                { name: 'VariantName', value: 'AllTraffic' },
              ],
              statistic: 'Sum',
              periodSeconds: 60,
            },
          },
          // ReturnData left out means true (MetricDataQuery).
          { id: 'rate', returnData: true, expression: '100*errors/invocations' },
        ],
      },
      {
        kind: 'composite',
        alarmRule:
          'ALARM("churn-prod-p99") OR (ALARM(arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn-prod-cpu) AND NOT OK(churn-prod-p99))',
        childAlarmNames: ['churn-prod-p99', 'churn-prod-cpu'],
      },
    ]);
    expect(cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 1);
  });

  it('asks for at most 100 names per call: 250 names take 3 calls', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const all = names(250);

    await control.describeAlarms(all);

    expect(cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 3);
    const batches = inputsOf(DescribeAlarmsCommand).map(
      (input) => (input as { AlarmNames: string[] }).AlarmNames,
    );
    expect(batches).toStrictEqual([all.slice(0, 100), all.slice(100, 200), all.slice(200)]);
    expect(cloudwatch).toHaveReceivedNthCommandWith(3, DescribeAlarmsCommand, {
      AlarmNames: all.slice(200),
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
    });
  });

  it('follows NextToken until the last page', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK', StateReason: 'fine' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        CompositeAlarms: [{ AlarmName: 'b', StateValue: 'INSUFFICIENT_DATA', StateReason: 'new' }],
      });

    const states = await control.describeAlarms(['a', 'b']);

    expect(inputsOf(DescribeAlarmsCommand)).toStrictEqual([
      { AlarmNames: ['a', 'b'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 },
      {
        AlarmNames: ['a', 'b'],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: 100,
        NextToken: 'page-2',
      },
    ]);
    expect(states).toStrictEqual([
      { alarmName: 'a', state: 'OK', reason: 'fine' },
      { alarmName: 'b', state: 'INSUFFICIENT_DATA', reason: 'new' },
    ]);
  });

  it('asks once for a name given twice', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({});

    await control.describeAlarms(['a', 'a', 'b']);

    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['a', 'b'] });
  });

  it('reports throttling as THROTTLED', async () => {
    cloudwatch.on(DescribeAlarmsCommand).rejects(
      new CloudWatchServiceException({
        name: 'Throttling',
        message: 'Rate exceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 400, attempts: 5 },
      }),
    );

    await expect(control.describeAlarms(['a'])).rejects.toMatchObject({
      code: 'THROTTLED',
      message:
        'DescribeAlarms was throttled by AWS after 5 attempts (Throttling: Rate exceeded); retry later',
    });
  });
});

describe('putCandidateAlarm', () => {
  const spec: CandidateAlarmSpec = {
    alarmName: 'sm-rollout-abc-candidate-5xx',
    description: 'sm-rollout abc: 5XX errors of the candidate variant of prod',
    endpointName: 'prod',
    variantName: 'candidate',
    metricName: 'Invocation5XXErrors',
    statistic: 'Sum',
    threshold: 5,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    tags: [{ key: 'sm-rollout:rollout-id', value: 'abc' }],
  };

  it('watches the candidate variant alone with a standard statistic', async () => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});

    await control.putCandidateAlarm(spec);

    expect(cloudwatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 1);
    expect(inputsOf(PutMetricAlarmCommand)).toStrictEqual([
      {
        AlarmName: 'sm-rollout-abc-candidate-5xx',
        AlarmDescription: 'sm-rollout abc: 5XX errors of the candidate variant of prod',
        Namespace: 'AWS/SageMaker',
        MetricName: 'Invocation5XXErrors',
        Dimensions: [
          { Name: 'EndpointName', Value: 'prod' },
          { Name: 'VariantName', Value: 'candidate' },
        ],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        Tags: [{ Key: 'sm-rollout:rollout-id', Value: 'abc' }],
      },
    ]);
  });

  it.each(['Average', 'Minimum', 'Maximum', 'SampleCount'])('sends %s as Statistic', async (statistic) => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});

    await control.putCandidateAlarm({ ...spec, statistic });

    expect(cloudwatch).toHaveReceivedCommandWith(PutMetricAlarmCommand, { Statistic: statistic });
  });

  it('sends a percentile as ExtendedStatistic, without Statistic', async () => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});

    await control.putCandidateAlarm({
      ...spec,
      metricName: 'ModelLatency',
      statistic: 'p99',
      threshold: 250_000,
    });

    const [input] = inputsOf(PutMetricAlarmCommand) as Record<string, unknown>[];
    expect(input).toMatchObject({ MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Threshold: 250_000 });
    expect(input).not.toHaveProperty('Statistic');
  });

  it('reports a rejected alarm as AWS_ERROR with the operation', async () => {
    cloudwatch.on(PutMetricAlarmCommand).rejects(
      new CloudWatchServiceException({
        name: 'LimitExceeded',
        message: 'The maximum number of alarms for this account has been reached.',
        $fault: 'client',
        $metadata: {},
      }),
    );

    await expect(control.putCandidateAlarm(spec)).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message:
        'PutMetricAlarm failed: LimitExceeded: The maximum number of alarms for this account has been reached.',
    });
  });
});

describe('putAbortAlarm', () => {
  it('creates an alarm on a metric nothing publishes, which keeps its state while data is missing', async () => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});

    await control.putAbortAlarm({ alarmName: 'sm-rollout-r7-abort', endpointName: 'prod', rolloutId: 'r7' });

    expect(inputsOf(PutMetricAlarmCommand)).toStrictEqual([
      {
        AlarmName: 'sm-rollout-r7-abort',
        AlarmDescription:
          "sm-rollout abort alarm of rollout r7 on endpoint prod: listed in the deployment's AutoRollbackConfiguration; the controller sets it to ALARM (SetAlarmState) to make SageMaker roll the deployment back. No metric feeds it.",
        Namespace: 'sm-rollout',
        MetricName: 'AbortRequested',
        Dimensions: [{ Name: 'RolloutId', Value: 'r7' }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
      },
    ]);
  });
});

describe('setAlarmState', () => {
  it('sends SetAlarmState with the state and the reason', async () => {
    cloudwatch.on(SetAlarmStateCommand).resolves({});

    await control.setAlarmState('sm-rollout-r7-abort', 'ALARM', 'abort requested by alice@example.com');

    expect(inputsOf(SetAlarmStateCommand)).toStrictEqual([
      {
        AlarmName: 'sm-rollout-r7-abort',
        StateValue: 'ALARM',
        StateReason: 'abort requested by alice@example.com',
      },
    ]);
  });

  it('reports an alarm that does not exist as AWS_ERROR naming the operation', async () => {
    cloudwatch
      .on(SetAlarmStateCommand)
      .rejects(new ResourceNotFound({ message: 'Alarm sm-rollout-r7-abort not found', $metadata: {} }));

    await expect(control.setAlarmState('sm-rollout-r7-abort', 'ALARM', 'abort')).rejects.toMatchObject({
      message: expect.stringContaining('SetAlarmState') as unknown,
    });
  });
});

describe('deleteAlarms', () => {
  it('makes no call for no names', async () => {
    await control.deleteAlarms([]);
    expect(cloudwatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 0);
  });

  it('deletes in batches of at most 100', async () => {
    cloudwatch.on(DeleteAlarmsCommand).resolves({});
    const all = names(150);

    await control.deleteAlarms(all);

    expect(cloudwatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 2);
    expect(inputsOf(DeleteAlarmsCommand)).toStrictEqual([
      { AlarmNames: all.slice(0, 100) },
      { AlarmNames: all.slice(100) },
    ]);
  });

  it('treats names that do not exist as deleted, removing whatever of the batch still exists', async () => {
    cloudwatch
      .on(DeleteAlarmsCommand)
      .rejectsOnce(new ResourceNotFound({ message: 'Alarm gone does not exist', $metadata: {} }))
      .resolves({});
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'kept', StateValue: 'OK' }] });

    await expect(control.deleteAlarms(['kept', 'gone'])).resolves.toBeUndefined();

    expect(inputsOf(DeleteAlarmsCommand)).toStrictEqual([
      { AlarmNames: ['kept', 'gone'] },
      { AlarmNames: ['kept'] },
    ]);
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['kept', 'gone'] });
  });

  it('stops after the describe when none of the batch exists', async () => {
    cloudwatch
      .on(DeleteAlarmsCommand)
      .rejects(new ResourceNotFound({ message: 'Alarm gone does not exist', $metadata: {} }));
    cloudwatch.on(DescribeAlarmsCommand).resolves({});

    await expect(control.deleteAlarms(['gone'])).resolves.toBeUndefined();
    expect(cloudwatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 1);
  });

  it('reports other failures as AWS_ERROR', async () => {
    cloudwatch.on(DeleteAlarmsCommand).rejects(
      new CloudWatchServiceException({
        name: 'ValidationError',
        message: 'Cannot delete a as there are composite alarm(s) depending on it.',
        $fault: 'client',
        $metadata: {},
      }),
    );

    await expect(control.deleteAlarms(['a'])).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message:
        'DeleteAlarms failed: ValidationError: Cannot delete a as there are composite alarm(s) depending on it.',
    });
  });
});

describe('CloudWatchMetricReader.getMetricData', () => {
  const reader = new CloudWatchMetricReader(new CloudWatchClient({}));
  const FROM = Date.UTC(2026, 0, 15, 9, 0, 0);
  const TO = FROM + 5 * 60_000;
  const at = (seconds: number) => new Date(FROM + seconds * 1000);
  const query = (id: string, statistic = 'Sum', metricName = 'Invocation5XXErrors'): MetricDataQuery => ({
    id,
    metric: {
      namespace: 'AWS/SageMaker',
      metricName,
      dimensions: [
        { name: 'EndpointName', value: 'churn-prod' },
        { name: 'VariantName', value: 'candidate-abc' },
      ],
    },
    periodSeconds: 10,
    statistic,
  });

  it('sends the exact request: MetricStat per query, the time range, oldest first', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'errors', StatusCode: 'Complete', Timestamps: [at(0), at(10)], Values: [1, 0] },
        { Id: 'slow', StatusCode: 'Complete', Timestamps: [at(0)], Values: [12.5] },
      ],
    });

    const series = await reader.getMetricData(
      [query('errors'), query('slow', 'PR(250000:)', 'ModelLatency')],
      FROM,
      TO,
    );

    expect(inputsOf(GetMetricDataCommand)).toEqual([
      {
        MetricDataQueries: [
          {
            Id: 'errors',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SageMaker',
                MetricName: 'Invocation5XXErrors',
                Dimensions: [
                  { Name: 'EndpointName', Value: 'churn-prod' },
                  { Name: 'VariantName', Value: 'candidate-abc' },
                ],
              },
              Period: 10,
              Stat: 'Sum',
            },
            ReturnData: true,
          },
          {
            Id: 'slow',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SageMaker',
                MetricName: 'ModelLatency',
                Dimensions: [
                  { Name: 'EndpointName', Value: 'churn-prod' },
                  { Name: 'VariantName', Value: 'candidate-abc' },
                ],
              },
              Period: 10,
              Stat: 'PR(250000:)',
            },
            ReturnData: true,
          },
        ],
        StartTime: new Date(FROM),
        EndTime: new Date(TO),
        ScanBy: 'TimestampAscending',
      },
    ]);
    expect(series).toEqual([
      {
        id: 'errors',
        points: [
          { timestamp: FROM, value: 1 },
          { timestamp: FROM + 10_000, value: 0 },
        ],
      },
      { id: 'slow', points: [{ timestamp: FROM, value: 12.5 }] },
    ]);
  });

  it('sends at most 500 queries a call and answers every query, in the order asked', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: { Id: string }[] }) => ({
      MetricDataResults: input.MetricDataQueries.map((q) => ({
        Id: q.Id,
        StatusCode: 'Complete',
        Timestamps: [at(0)],
        Values: [Number(q.Id.slice(1))],
      })),
    }));
    const queries = Array.from({ length: 1001 }, (_, i) => query(`q${i}`));

    const series = await reader.getMetricData(queries, FROM, TO);

    expect(
      inputsOf(GetMetricDataCommand).map(
        (i) => (i as { MetricDataQueries: unknown[] }).MetricDataQueries.length,
      ),
    ).toEqual([500, 500, 1]);
    expect(series.map((s) => s.id)).toEqual(queries.map((q) => q.id));
    expect(series[1000]).toEqual({ id: 'q1000', points: [{ timestamp: FROM, value: 1000 }] });
  });

  it('follows NextToken and merges a series continued on the next page', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'errors', StatusCode: 'PartialData', Timestamps: [at(0), at(10)], Values: [0, 1] },
          { Id: 'calls', StatusCode: 'Complete', Timestamps: [at(0)], Values: [10] },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [{ Id: 'errors', StatusCode: 'Complete', Timestamps: [at(20)], Values: [2] }],
      });

    const series = await reader.getMetricData([query('errors'), query('calls', 'SampleCount')], FROM, TO);

    const inputs = inputsOf(GetMetricDataCommand) as { NextToken?: string }[];
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 'page-2']);
    expect(series).toEqual([
      {
        id: 'errors',
        points: [
          { timestamp: FROM, value: 0 },
          { timestamp: FROM + 10_000, value: 1 },
          { timestamp: FROM + 20_000, value: 2 },
        ],
      },
      { id: 'calls', points: [{ timestamp: FROM, value: 10 }] },
    ]);
  });

  it('makes no call for no queries', async () => {
    await expect(reader.getMetricData([], FROM, TO)).resolves.toEqual([]);
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 0);
  });

  it('fails when CloudWatch cannot read a query (Forbidden), naming the permission', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'errors',
          StatusCode: 'Forbidden',
          Timestamps: [],
          Values: [],
          Messages: [{ Code: 'Forbidden', Value: 'Access denied' }],
        },
      ],
    });

    await expect(reader.getMetricData([query('errors')], FROM, TO)).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: expect.stringMatching(
        /query errors: Forbidden \(Access denied\); the controller needs cloudwatch:GetMetricData/,
      ),
    });
  });

  it('reports throttling that outlasted the SDK retries as THROTTLED', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: 'Throttling',
        message: 'Rate exceeded',
        $fault: 'client',
        $metadata: {},
      }),
    );

    await expect(reader.getMetricData([query('errors')], FROM, TO)).rejects.toMatchObject({
      code: 'THROTTLED',
    });
  });
});
