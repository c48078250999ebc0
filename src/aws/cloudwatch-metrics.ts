// MetricReader over CloudWatch GetMetricData: the judge's per-variant series, batched (GetMetricData
// takes "as many as 500 MetricDataQuery structures" per call, API reference) and paged (NextToken),
// each series returned oldest first.

import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataQuery as SdkQuery,
} from '@aws-sdk/client-cloudwatch';
import type { MetricDataQuery, MetricDataSeries, MetricReader } from '../engine/ports';
import { callAws } from './classify-error';

const QUERIES_PER_CALL = 500;

function toSdk(query: MetricDataQuery): SdkQuery {
  return {
    Id: query.id,
    MetricStat: {
      Metric: {
        Namespace: query.metric.namespace,
        MetricName: query.metric.metricName,
        Dimensions: query.metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
      },
      Period: query.periodSeconds,
      // Percentiles and percentile ranks (p99, PR(:250000)) go in Stat as written: MetricStat's Stat
      // "can include any CloudWatch statistic or extended statistic".
      Stat: query.statistic,
    },
    ReturnData: true,
  };
}

export class CloudWatchMetricReader implements MetricReader {
  constructor(private readonly client: CloudWatchClient) {}

  async getMetricData(
    queries: readonly MetricDataQuery[],
    fromMs: number,
    toMs: number,
  ): Promise<MetricDataSeries[]> {
    const points = new Map<string, Map<number, number>>(queries.map((q) => [q.id, new Map()]));
    for (let i = 0; i < queries.length; i += QUERIES_PER_CALL) {
      const batch = queries.slice(i, i + QUERIES_PER_CALL).map(toSdk);
      let nextToken: string | undefined;
      do {
        const page = await callAws('GetMetricData', () =>
          this.client.send(
            new GetMetricDataCommand({
              MetricDataQueries: batch,
              StartTime: new Date(fromMs),
              EndTime: new Date(toMs),
              ScanBy: 'TimestampAscending',
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          ),
        );
        for (const result of page.MetricDataResults ?? []) {
          const series = points.get(result.Id ?? '');
          if (!series) continue;
          (result.Timestamps ?? []).forEach((t, k) => {
            const value = result.Values?.[k];
            if (value !== undefined) series.set(t.getTime(), value);
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return queries.map((q) => ({
      id: q.id,
      points: [...points.get(q.id)!.entries()]
        .sort(([a], [b]) => a - b)
        .map(([timestamp, value]) => ({ timestamp, value })),
    }));
  }
}
