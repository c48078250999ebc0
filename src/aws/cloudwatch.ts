// AlarmControl over the CloudWatch API: reads the state and definition of the alarms a rollout watches
// (metric, metric-math and composite), creates and removes the metric alarm that watches the
// candidate variant alone and a native rollout's abort alarm, and sets an alarm's state (SetAlarmState). MetricReader over GetMetricData: per-variant metrics for the judge and
// `report`, 500 queries a call, every page read and merged per query Id. The CloudWatch SDK package is
// imported on the first call (the client may be a loader, see client-source.ts).

import type {
  PutMetricAlarmCommandInput,
  CloudWatchClient,
  CompositeAlarm,
  Dimension,
  MetricAlarm,
  Statistic,
} from '@aws-sdk/client-cloudwatch';
import { alarmRuleChildren } from '../engine/composite-alarm-rule';
import { SmRolloutError } from '../errors';
import type {
  AlarmControl,
  AlarmDefinition,
  AlarmState,
  AlarmStateValue,
  CandidateAlarmSpec,
  MetricDataQuery,
  MetricDataSeries,
  MetricReader,
} from '../engine/ports';
import { clientWith, type ClientSource } from './client-source';
import { callAws } from './classify-error';

/** CloudWatch accepts at most 100 names per DescribeAlarms and per DeleteAlarms call. */
const ALARM_NAMES_PER_CALL = 100;
const STANDARD_STATISTICS: ReadonlySet<string> = new Set<Statistic>([
  'Average',
  'Sum',
  'Minimum',
  'Maximum',
  'SampleCount',
]);

/** "A single GetMetricData call can include as many as 500 MetricDataQuery structures" (API reference). */
export const METRIC_QUERIES_PER_CALL = 500;

/**
 * GetMetricData, batched and paged. Each batch of 500 queries is read to its last page (NextToken:
 * a series longer than MaxDatapoints continues on the next page under the same Id), oldest first
 * (ScanBy TimestampAscending; the default is newest first), and the points of each Id are merged in
 * time order. A query CloudWatch answers with StatusCode InternalError or Forbidden fails the read: a
 * judge must not mistake an unreadable metric for a quiet one.
 */
export class CloudWatchMetricReader implements MetricReader {
  constructor(private readonly client: ClientSource<CloudWatchClient>) {}

  /** The client and the commands, imported on the first call (lazy-cloudwatch.ts). */
  private sdk() {
    return clientWith(this.client, () => import('./lazy-cloudwatch.js'));
  }

  async getMetricData(
    queries: readonly MetricDataQuery[],
    fromMs: number,
    toMs: number,
  ): Promise<MetricDataSeries[]> {
    const [client, sdk] = await this.sdk();
    const points = new Map<string, Map<number, number>>(queries.map((q) => [q.id, new Map()]));
    for (let i = 0; i < queries.length; i += METRIC_QUERIES_PER_CALL) {
      const batch = queries.slice(i, i + METRIC_QUERIES_PER_CALL);
      let nextToken: string | undefined;
      do {
        const page = await callAws('GetMetricData', () =>
          client.send(
            new sdk.GetMetricDataCommand({
              MetricDataQueries: batch.map((q) => ({
                Id: q.id,
                MetricStat: {
                  Metric: {
                    Namespace: q.metric.namespace,
                    MetricName: q.metric.metricName,
                    Dimensions: q.metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
                  },
                  Period: q.periodSeconds,
                  Stat: q.statistic,
                },
                ReturnData: true,
              })),
              StartTime: new Date(fromMs),
              EndTime: new Date(toMs),
              ScanBy: 'TimestampAscending',
              ...(nextToken === undefined ? {} : { NextToken: nextToken }),
            }),
          ),
        );
        for (const result of page.MetricDataResults ?? []) {
          if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
            const said = (result.Messages ?? [])
              .map((m) => m.Value)
              .filter(Boolean)
              .join('; ');
            throw new SmRolloutError(
              'AWS_ERROR',
              `GetMetricData could not read query ${result.Id ?? '?'}: ${result.StatusCode}${said ? ` (${said})` : ''}` +
                (result.StatusCode === 'Forbidden' ? '; the controller needs cloudwatch:GetMetricData' : ''),
            );
          }
          const series = result.Id === undefined ? undefined : points.get(result.Id);
          if (series === undefined) continue;
          const timestamps = result.Timestamps ?? [];
          const values = result.Values ?? [];
          timestamps.forEach((t, k) => {
            const value = values[k];
            if (value !== undefined) series.set(t.getTime(), value);
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return queries.map((q) => ({
      id: q.id,
      points: [...(points.get(q.id) ?? new Map<number, number>())]
        .sort(([a], [b]) => a - b)
        .map(([timestamp, value]) => ({ timestamp, value })),
    }));
  }
}

export class CloudWatchAlarmControl implements AlarmControl {
  constructor(private readonly client: ClientSource<CloudWatchClient>) {}

  /** The client and the commands, imported on the first call (lazy-cloudwatch.ts). */
  private sdk() {
    return clientWith(this.client, () => import('./lazy-cloudwatch.js'));
  }

  async describeAlarms(alarmNames: readonly string[]): Promise<AlarmState[]> {
    const [client, sdk] = await this.sdk();
    const states: AlarmState[] = [];
    for (const batch of batchesOf(alarmNames)) {
      let nextToken: string | undefined;
      do {
        const page = await callAws('DescribeAlarms', () =>
          client.send(
            new sdk.DescribeAlarmsCommand({
              AlarmNames: batch,
              // A policy may name composite alarms; both kinds report state the same way, and each
              // its definition (MetricAlarms: metric or Metrics; CompositeAlarms: AlarmRule).
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
              // The default page is 50, so a full batch would otherwise always take two calls.
              MaxRecords: ALARM_NAMES_PER_CALL,
              ...(nextToken === undefined ? {} : { NextToken: nextToken }),
            }),
          ),
        );
        for (const alarm of page.MetricAlarms ?? []) {
          const state = toAlarmState(alarm, metricDefinition(alarm));
          if (state) states.push(state);
        }
        for (const alarm of page.CompositeAlarms ?? []) {
          const state = toAlarmState(alarm, compositeDefinition(alarm));
          if (state) states.push(state);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return states;
  }

  async putCandidateAlarm(spec: CandidateAlarmSpec): Promise<void> {
    const [client, sdk] = await this.sdk();
    // PutMetricAlarm creates or overwrites, so running it again after a restart is harmless.
    await callAws('PutMetricAlarm', () =>
      client.send(
        new sdk.PutMetricAlarmCommand({
          AlarmName: spec.alarmName,
          AlarmDescription: spec.description,
          Namespace: 'AWS/SageMaker',
          MetricName: spec.metricName,
          // Both dimensions: an alarm on the endpoint alone would also see the baseline's errors.
          Dimensions: [
            { Name: 'EndpointName', Value: spec.endpointName },
            { Name: 'VariantName', Value: spec.variantName },
          ],
          ...(STANDARD_STATISTICS.has(spec.statistic)
            ? { Statistic: spec.statistic as Statistic }
            : { ExtendedStatistic: spec.statistic }),
          Period: spec.periodSeconds,
          EvaluationPeriods: spec.evaluationPeriods,
          DatapointsToAlarm: spec.datapointsToAlarm,
          Threshold: spec.threshold,
          ComparisonOperator: spec.comparison,
          TreatMissingData: spec.treatMissingData,
          Tags: spec.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
        }),
      ),
    );
  }

  async putAbortAlarm(spec: { alarmName: string; endpointName: string; rolloutId: string }): Promise<void> {
    const [client, sdk] = await this.sdk();
    // PutMetricAlarm creates or overwrites: running it again after a restart is harmless (and keeps the state).
    await callAws('PutMetricAlarm', () =>
      client.send(new sdk.PutMetricAlarmCommand(abortAlarmRequest(spec))),
    );
  }

  /**
   * SetAlarmState: "Temporarily sets the state of an alarm ... When the updated state differs from the
   * previous value, the action configured for the appropriate state is invoked" (API reference); the
   * next evaluation may change it again (the abort alarm's TreatMissingData keeps it, see abortAlarmRequest).
   */
  async setAlarmState(alarmName: string, state: AlarmStateValue, reason: string): Promise<void> {
    const [client, sdk] = await this.sdk();
    await callAws('SetAlarmState', () =>
      client.send(
        new sdk.SetAlarmStateCommand({ AlarmName: alarmName, StateValue: state, StateReason: reason }),
      ),
    );
  }

  async deleteAlarms(alarmNames: readonly string[]): Promise<void> {
    const [client, sdk] = await this.sdk();
    for (const batch of batchesOf(alarmNames)) {
      const deleted = await callAws(
        'DeleteAlarms',
        async () => {
          await client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: batch }));
          return true;
        },
        { 'not-found': false },
      );
      if (!deleted) {
        // CloudWatch's documentation has said both "incorrect names are skipped" and "on any error no
        // alarm is deleted"; when a name is missing, delete whatever of the batch still exists.
        const survivors = (await this.describeAlarms(batch)).map((alarm) => alarm.alarmName);
        if (survivors.length > 0) {
          await callAws('DeleteAlarms', () =>
            client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: survivors })),
          );
        }
      }
    }
  }
}

/**
 * The abort alarm of a native rollout: SageMaker guardrails have no stop API, so the controller lists
 * this alarm in the deployment's AutoRollbackConfiguration and sets it to ALARM (SetAlarmState) to make
 * SageMaker roll back. Its metric (namespace sm-rollout, AbortRequested, dimension RolloutId) is one
 * nothing publishes, so no traffic can trip it. TreatMissingData `ignore`: "The current alarm state is
 * maintained" when data is missing (CloudWatch User Guide, "Configuring how CloudWatch alarms treat
 * missing data") — with `notBreaching` the next evaluation, within a minute, would put a set ALARM back
 * to OK, perhaps before SageMaker reads it; with `ignore` it holds until the controller sets OK again.
 * The simulated cloud creates the same alarm (src/sim/api-calls.ts, abortAlarmInput).
 */
export function abortAlarmRequest(spec: {
  alarmName: string;
  endpointName: string;
  rolloutId: string;
}): PutMetricAlarmCommandInput {
  return {
    AlarmName: spec.alarmName,
    AlarmDescription: `sm-rollout abort alarm of rollout ${spec.rolloutId} on endpoint ${spec.endpointName}: listed in the deployment's AutoRollbackConfiguration; the controller sets it to ALARM (SetAlarmState) to make SageMaker roll the deployment back. No metric feeds it.`,
    Namespace: 'sm-rollout',
    MetricName: 'AbortRequested',
    Dimensions: [{ Name: 'RolloutId', Value: spec.rolloutId }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'ignore',
  };
}

function batchesOf(names: readonly string[]): string[][] {
  const unique = [...new Set(names)];
  const batches: string[][] = [];
  for (let start = 0; start < unique.length; start += ALARM_NAMES_PER_CALL) {
    batches.push(unique.slice(start, start + ALARM_NAMES_PER_CALL));
  }
  return batches;
}

function dimensionsOf(dimensions: Dimension[] | undefined) {
  return (dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
}

/** A metric alarm's definition: its one metric, or its Metrics (metric math). */
function metricDefinition(alarm: MetricAlarm): AlarmDefinition | undefined {
  if (alarm.Metrics !== undefined && alarm.Metrics.length > 0) {
    return {
      kind: 'math',
      metrics: alarm.Metrics.map((query) => {
        const stat = query.MetricStat;
        return {
          id: query.Id ?? '',
          // ReturnData "defaults to true" (MetricDataQuery, CloudWatch API Reference).
          returnData: query.ReturnData ?? true,
          ...(stat?.Metric === undefined
            ? {}
            : {
                metric: {
                  namespace: stat.Metric.Namespace ?? '',
                  metricName: stat.Metric.MetricName ?? '',
                  dimensions: dimensionsOf(stat.Metric.Dimensions),
                  statistic: stat.Stat ?? '',
                  periodSeconds: stat.Period ?? 0,
                },
              }),
          ...(query.Expression === undefined ? {} : { expression: query.Expression }),
        };
      }),
    };
  }
  if (alarm.MetricName === undefined) return undefined;
  return {
    kind: 'metric',
    metric: {
      namespace: alarm.Namespace ?? '',
      metricName: alarm.MetricName,
      dimensions: dimensionsOf(alarm.Dimensions),
    },
    statistic: alarm.ExtendedStatistic ?? alarm.Statistic ?? '',
    periodSeconds: alarm.Period ?? 0,
  };
}

function compositeDefinition(alarm: CompositeAlarm): AlarmDefinition | undefined {
  if (alarm.AlarmRule === undefined) return undefined;
  return {
    kind: 'composite',
    alarmRule: alarm.AlarmRule,
    childAlarmNames: alarmRuleChildren(alarm.AlarmRule),
  };
}

function toAlarmState(
  alarm: MetricAlarm | CompositeAlarm,
  definition: AlarmDefinition | undefined,
): AlarmState | undefined {
  if (alarm.AlarmName === undefined || alarm.StateValue === undefined) return undefined;
  return {
    alarmName: alarm.AlarmName,
    ...(definition === undefined ? {} : { definition }),
    state: alarm.StateValue,
    reason: alarm.StateReason ?? '',
    ...(alarm.StateReasonData === undefined ? {} : { reasonData: alarm.StateReasonData }),
    ...(alarm.StateUpdatedTimestamp === undefined
      ? {}
      : { updatedAt: alarm.StateUpdatedTimestamp.getTime() }),
  };
}
