// Simulated CloudWatch GetMetricData over the sim's metric store: which periods and statistics
// CloudWatch accepts, how it aligns the time range, and what a reader sees of data still being
// ingested. The port over it (batches of 500 queries, the call log) lives in api-calls.ts.
import type { MetricDataQuery, MetricDataSeries } from '../engine/ports';
import { validationException } from './aws-errors';
import type { MetricStore } from './metrics';
import { isSupportedQueryStatistic, statisticValue } from './metrics';

/** "A single GetMetricData call can include as many as 500 MetricDataQuery structures" (API reference). */
export const MAX_QUERIES_PER_CALL = 500;

const MINUTE_MS = 60_000;
const HIGH_RESOLUTION_RETENTION_MS = 3 * 60 * MINUTE_MS;
/** MetricDataQuery Id: "The first character must be a lowercase letter" (CloudWatch API Reference). */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

/**
 * MetricStat Period: "For metrics with regular resolution, a period can be as short as one minute (60
 * seconds) and must be a multiple of 60. For high-resolution metrics that are collected at intervals
 * of less than one minute, the period can be 1, 5, 10, 20, 30, 60, or any multiple of 60"
 * (CloudWatch API Reference, MetricStat).
 */
export function isQueryPeriod(seconds: number): boolean {
  return (
    Number.isInteger(seconds) &&
    ([1, 5, 10, 20, 30].includes(seconds) || (seconds >= 60 && seconds % 60 === 0))
  );
}

/** Refuses, before reading anything, what CloudWatch refuses (messages approximated, fields named). */
function checkRequest(queries: readonly MetricDataQuery[], fromMs: number, toMs: number): void {
  if (queries.length === 0) {
    throw validationException(
      'The parameter MetricDataQueries is required and must name at least one query.',
    );
  }
  if (queries.length > MAX_QUERIES_PER_CALL) {
    throw validationException(
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES_PER_CALL} (got ${queries.length}).`,
    );
  }
  if (!(fromMs < toMs)) {
    throw validationException('The parameter StartTime must be less than the parameter EndTime.');
  }
  const ids = new Set<string>();
  queries.forEach((query, index) => {
    const at = `MetricDataQueries.member.${index + 1}`;
    if (!QUERY_ID.test(query.id)) {
      throw validationException(
        `The value ${query.id} for parameter ${at}.Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores.`,
      );
    }
    if (ids.has(query.id)) {
      throw validationException(
        `The value ${query.id} for parameter ${at}.Id is used by another query; Ids must be unique.`,
      );
    }
    ids.add(query.id);
    if (!isQueryPeriod(query.periodSeconds)) {
      throw validationException(
        `The value ${query.periodSeconds} for parameter ${at}.MetricStat.Period is not valid: use 1, 5, 10, 20, 30 or a multiple of 60.`,
      );
    }
    if (!isSupportedQueryStatistic(query.statistic)) {
      throw validationException(
        `The value ${query.statistic} for parameter ${at}.MetricStat.Stat is not a valid statistic: use Sum, SampleCount, Average, Minimum, Maximum, pNN or PR(x:y).`,
      );
    }
  });
}

/**
 * StartTime: "Start time less than 15 days ago - Round down to the nearest whole minute", and "If you
 * set Period to 5, 10, 20, or 30, the start time of your request is rounded down to the nearest time
 * that corresponds to even 5-, 10-, 20-, or 30-second divisions of a minute" (GetMetricData API
 * reference). Periods then follow one another from the rounded start.
 */
function alignedStart(fromMs: number, periodSeconds: number): number {
  const unit = periodSeconds < 60 ? periodSeconds * 1000 : MINUTE_MS;
  return Math.floor(fromMs / unit) * unit;
}

/**
 * Each query's datapoints in [fromMs, toMs), as ingested by `now`, oldest first; a period with no data
 * is absent. A period shorter than the metric's publish frequency sees the metric's datapoints only in
 * the periods their timestamps fall in (a 10 s query of a metric published each minute gets one
 * datapoint a minute: "it does not receive data for the attempts that do not correspond to a one-minute
 * data resolution", PutMetricAlarm API reference, Period). Sub-minute periods reach back 3 hours only
 * ("Data points with a period of less than 60 seconds are available for 3 hours", GetMetricData).
 */
export function getMetricData(
  store: MetricStore,
  queries: readonly MetricDataQuery[],
  fromMs: number,
  toMs: number,
  now: number,
): MetricDataSeries[] {
  checkRequest(queries, fromMs, toMs);
  return queries.map((query) => {
    const periodMs = query.periodSeconds * 1000;
    const points: MetricDataSeries['points'] = [];
    let start = alignedStart(fromMs, query.periodSeconds);
    if (periodMs < MINUTE_MS)
      start = Math.max(start, alignedStart(now - HIGH_RESOLUTION_RETENTION_MS, query.periodSeconds));
    for (; start < toMs; start += periodMs) {
      const samples = store.samplesOf(query.metric, start, Math.min(start + periodMs, toMs), now);
      if (samples !== undefined)
        points.push({ timestamp: start, value: statisticValue(samples, query.statistic) });
    }
    return { id: query.id, points };
  });
}
