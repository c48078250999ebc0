// CloudWatchMetricReader: the exact GetMetricData request, batches of 500 queries, NextToken paging,
// and series returned oldest first whatever order the pages come in.
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { CloudWatchMetricReader } from '../../src/aws';
import type { MetricDataQuery } from '../../src/engine/ports';

const cloudwatch = mockClient(CloudWatchClient);
const reader = new CloudWatchMetricReader(new CloudWatchClient({}));
const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

beforeEach(() => cloudwatch.reset());

const query = (id: string, statistic = 'Sum'): MetricDataQuery => ({
  id,
  metric: {
    namespace: 'AWS/SageMaker',
    metricName: 'Invocation5XXErrors',
    dimensions: [
      { name: 'EndpointName', value: 'fraud' },
      { name: 'VariantName', value: 'AllTraffic' },
    ],
  },
  periodSeconds: 10,
  statistic,
});

describe('CloudWatchMetricReader', () => {
  it('asks for each query as a MetricStat, percentile ranks as written, oldest first', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'm0_b_bad', Timestamps: [new Date(T0 + 10_000), new Date(T0)], Values: [2, 1] },
      ],
    });
    const series = await reader.getMetricData(
      [query('m0_b_bad'), query('m1_b_pr', 'PR(:250000)')],
      T0,
      T0 + 60_000,
    );
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 60_000),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'm0_b_bad',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SageMaker',
              MetricName: 'Invocation5XXErrors',
              Dimensions: [
                { Name: 'EndpointName', Value: 'fraud' },
                { Name: 'VariantName', Value: 'AllTraffic' },
              ],
            },
            Period: 10,
            Stat: 'Sum',
          },
          ReturnData: true,
        },
        expect.objectContaining({
          Id: 'm1_b_pr',
          MetricStat: expect.objectContaining({ Stat: 'PR(:250000)' }),
        }),
      ],
    });
    expect(series).toEqual([
      {
        id: 'm0_b_bad',
        points: [
          { timestamp: T0, value: 1 },
          { timestamp: T0 + 10_000, value: 2 },
        ],
      },
      { id: 'm1_b_pr', points: [] },
    ]);
  });

  it('follows NextToken and sends at most 500 queries a call', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 'q0', Timestamps: [new Date(T0)], Values: [5] }],
        NextToken: 'more',
      })
      .resolvesOnce({ MetricDataResults: [{ Id: 'q0', Timestamps: [new Date(T0 + 10_000)], Values: [6] }] })
      .resolves({ MetricDataResults: [] });
    const queries = Array.from({ length: 501 }, (_, i) => query(`q${i}`));
    const series = await reader.getMetricData(queries, T0, T0 + 60_000);
    const calls = cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.MetricDataQueries!.length, c.NextToken])).toEqual([
      [500, undefined],
      [500, 'more'],
      [1, undefined],
    ]);
    expect(series[0]!.points.map((p) => p.value)).toEqual([5, 6]);
  });
});
