// The rules CloudWatch's PutMetricAlarm enforces on the candidate alarms the controller creates,
// checked wherever a candidate alarm is written (a policy, a start request, `--candidate-alarm`), so
// a template CloudWatch would reject is refused before the rollout starts instead of rolling it back
// when the alarm is created. Source: the CloudWatch API Reference, PutMetricAlarm (the Period,
// EvaluationPeriods, DatapointsToAlarm, Statistic and ExtendedStatistic parameters). Whether a
// sub-minute period can see data depends on the transition config's MetricsConfig (10-second metrics
// unless the rollout opts out, or the baseline's own), so that rule is checked when a start reads the
// endpoint: subMinutePeriodProblem. Also the default candidate alarms, for either metrics setting.
import type { CandidateAlarmTemplate } from '../../statemachines/contract';

/** PutMetricAlarm's Statistic enum. */
const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
/** 0–100 with at most two decimals, as CloudWatch's percentile and trimmed statistics take it. */
const PERCENT = String.raw`(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)`;
/**
 * ExtendedStatistic's forms: p90, tm90, tc90, ts90, wm90, IQM, PR(n:m), and TC/TM/TS/WM(X%:X%)
 * with X between 10 and 90. Bounds may be left out on one side (`TM(:95%)`).
 */
const EXTENDED = [
  new RegExp(`^(p|tm|tc|ts|wm)${PERCENT}$`),
  /^IQM$/,
  /^PR\((-?\d+(\.\d+)?)?:(-?\d+(\.\d+)?)?\)$/,
  new RegExp(`^(TC|TM|TS|WM)\\((${PERCENT}%)?:(${PERCENT}%)?\\)$`),
];

export const STATISTIC_HELP =
  'use Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99 (CloudWatch also takes tm90, tc90, ts90, wm90, IQM, PR(n:m), TM(10%:90%))';

/** True for a statistic PutMetricAlarm accepts, as Statistic or as ExtendedStatistic. */
export function isCloudWatchStatistic(statistic: string): boolean {
  if (STATISTICS.includes(statistic)) return true;
  if (!EXTENDED.some((form) => form.test(statistic))) return false;
  // TC/TM/TS/WM bounds must lie between 10% and 90%.
  const bounds = /^(TC|TM|TS|WM)\((.*)\)$/.exec(statistic)?.[2];
  if (bounds === undefined) return true;
  return bounds
    .split(':')
    .filter((b) => b !== '')
    .every((b) => Number(b.replace('%', '')) >= 10 && Number(b.replace('%', '')) <= 90);
}

const ONE_HOUR = 3_600;
const ONE_DAY = 86_400;
const SEVEN_DAYS = 604_800;

export interface AlarmRuleProblem {
  /** The template field at fault, as a policy spells it. */
  field: keyof CandidateAlarmTemplate;
  /** What is wrong and the fix, without the field's name. */
  message: string;
}

/**
 * The invocation metrics SageMaker publishes per EndpointName + VariantName in the AWS/SageMaker
 * namespace, the one candidate alarms watch (SageMaker Developer Guide, "Amazon SageMaker AI metrics
 * in Amazon CloudWatch", Endpoint invocation metrics).
 */
export const ENDPOINT_INVOCATION_METRICS: readonly string[] = [
  'Invocations',
  'Invocation4XXErrors',
  'Invocation5XXErrors',
  'InvocationModelErrors',
  'InvocationsPerInstance',
  'ModelLatency',
  'OverheadLatency',
  'ModelSetupTime',
  'ConcurrentRequestsPerModel',
];

/**
 * The candidate alarms a rollout gets when its request or policy names none (and does not ask to run
 * unguarded) and the policy opts out of 10-second metrics (enhancedMetrics: false): the candidate
 * variant's error rate and its p99 latency, each on EndpointName + VariantName of the candidate alone,
 * so the baseline's traffic never dilutes them.
 * - Error rate: Invocation5XXErrors Average above 5%. SageMaker sends 1 for each 5xx response and 0
 *   otherwise, so the Average is the fraction of requests that failed (SageMaker Developer Guide,
 *   "Amazon SageMaker AI metrics in Amazon CloudWatch"; the same wording in "Alarms and logs for
 *   tracking metrics from asynchronous endpoints"). 2 of the last 3 minutes, so one unlucky minute at a
 *   small canary share (a handful of requests) does not roll back a good model.
 * - Latency: ModelLatency (microseconds) p99 above 1 s for 3 minutes in a row. A fixed guard against a
 *   clear regression, not an SLO (the judge compares the candidate with the baseline). A team whose
 *   model's normal p99 is near 1 s sets its own candidateAlarms.
 * Missing data is not breaching: the candidate gets no traffic before the first shift.
 */
export const DEFAULT_CANDIDATE_ALARMS: readonly Readonly<CandidateAlarmTemplate>[] = [
  {
    suffix: '5xx-rate',
    metricName: 'Invocation5XXErrors',
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
  },
  {
    suffix: 'p99-latency',
    metricName: 'ModelLatency',
    statistic: 'p99',
    threshold: 1_000_000,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
  },
];

/**
 * The default candidate alarms when the transition config publishes 10-second metrics (the default):
 * the same two guards on 30-second high-resolution periods, which CloudWatch evaluates every 10 s
 * ("If the alarm period is 10 seconds or 30 seconds, the alarm is evaluated every 10 seconds").
 * - Error rate > 10%, 2 of 3 periods of 30 s. The false-alarm arithmetic, for a healthy candidate at
 *   the baseline's 0.2% errors taking 10% of 600 requests/min: a complete 30 s period holds 30
 *   requests, but at each evaluation the latest period is only partly ingested (about 10 requests:
 *   10 s of data, 15 s ingestion). With a 5% threshold one error in that partial period breaches
 *   (P ≈ 2%) and two in a complete one (P ≈ 0.17%): 2 of 3 comes to ≈ 7·10⁻⁵ per evaluation, every
 *   10 s — measured 3 false rollbacks in 500 healthy Canary10Percent15Minutes rollouts (0.6%). At 10%
 *   it takes two errors in the partial period (P ≈ 2·10⁻⁴) and four in a complete one (P ≈ 5·10⁻⁷):
 *   measured 0 in 500. 10-second periods would hold 10 requests each, where one error is already 10%.
 *   Smaller regressions are the judge's, which compares with the baseline statistically.
 *   Detection, a candidate failing 20% at 10% of 600/min: the alarm fires about 48 s (median; p95 90 s)
 *   after the candidate's first request, measured over 40 seeds in the simulated cloud.
 * - p99 latency > 1 s, 3 of 3 periods of 30 s (about 90 s sustained).
 */
export const HIGH_RESOLUTION_CANDIDATE_ALARMS: readonly Readonly<CandidateAlarmTemplate>[] = [
  { ...(DEFAULT_CANDIDATE_ALARMS[0] as CandidateAlarmTemplate), periodSeconds: 30, threshold: 0.1 },
  { ...(DEFAULT_CANDIDATE_ALARMS[1] as CandidateAlarmTemplate), periodSeconds: 30 },
];

/**
 * Fresh copies of the default candidate alarms: high-resolution ones (the default) for a rollout
 * whose transition config publishes 10-second metrics, one-minute ones otherwise.
 */
export function defaultCandidateAlarms(options: { highResolution?: boolean } = {}): CandidateAlarmTemplate[] {
  const templates =
    options.highResolution === false ? DEFAULT_CANDIDATE_ALARMS : HIGH_RESOLUTION_CANDIDATE_ALARMS;
  return templates.map((template) => ({ ...template }));
}

/** The defaults in a person's words, for help texts and messages. */
export const DEFAULT_CANDIDATE_ALARMS_TEXT =
  'the candidate variant’s error rate (Invocation5XXErrors Average > 0.1 over 2 of 3 periods of 30 s with the ' +
  'default 10-second metrics; > 0.05 over 2 of 3 minutes with enhancedMetrics: false) and p99 latency ' +
  '(ModelLatency p99 > 1 s, 3 of 3 periods of 30 s, or 3 minutes)';

/** Every rule of PutMetricAlarm the template breaks; empty when CloudWatch would accept it. */
export function candidateAlarmProblems(
  template: Pick<
    CandidateAlarmTemplate,
    'metricName' | 'statistic' | 'threshold' | 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'
  >,
): AlarmRuleProblem[] {
  const problems: AlarmRuleProblem[] = [];
  const { periodSeconds: period, evaluationPeriods, datapointsToAlarm } = template;
  if (template.metricName.length < 1 || template.metricName.length > 255) {
    problems.push({ field: 'metricName', message: 'must be 1–255 characters, e.g. Invocation5XXErrors' });
  } else if (!ENDPOINT_INVOCATION_METRICS.includes(template.metricName)) {
    // CloudWatch accepts an alarm on any name and it would sit in OK on no data: a typo would guard nothing.
    const near = ENDPOINT_INVOCATION_METRICS.find(
      (name) => name.toLowerCase() === template.metricName.toLowerCase().replace(/[^a-z0-9]/g, ''),
    );
    problems.push({
      field: 'metricName',
      message:
        `"${template.metricName}" is not a metric SageMaker publishes for an endpoint variant in AWS/SageMaker` +
        (near ? `; did you mean ${near}?` : `; use one of ${ENDPOINT_INVOCATION_METRICS.join(', ')}`),
    });
  }
  if (!isCloudWatchStatistic(template.statistic)) {
    problems.push({
      field: 'statistic',
      message: `"${template.statistic}" is not a CloudWatch statistic; ${STATISTIC_HELP}`,
    });
  }
  if (!Number.isFinite(template.threshold)) {
    problems.push({ field: 'threshold', message: 'must be a number, e.g. 0.05' });
  }
  if (!Number.isInteger(period) || period < 1 || (![10, 20, 30].includes(period) && period % 60 !== 0)) {
    problems.push({
      field: 'periodSeconds',
      message: `${period} is not a period CloudWatch accepts; use 10, 20, 30 or a multiple of 60 (e.g. 60, 300)`,
    });
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    problems.push({ field: 'evaluationPeriods', message: 'must be a whole number of at least 1' });
  } else if (Number.isInteger(period) && period > 0) {
    const limit = period < ONE_HOUR ? ONE_DAY : SEVEN_DAYS;
    if (evaluationPeriods * period > limit) {
      problems.push({
        field: 'evaluationPeriods',
        message:
          `${evaluationPeriods} periods of ${period} s is ${evaluationPeriods * period} s; CloudWatch allows at most ` +
          `${limit === ONE_DAY ? '86400 s (one day) for periods under an hour' : '604800 s (seven days)'}, ` +
          `so use at most ${Math.floor(limit / period)} periods`,
      });
    }
  }
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1) {
    problems.push({ field: 'datapointsToAlarm', message: 'must be a whole number of at least 1' });
  } else if (Number.isInteger(evaluationPeriods) && datapointsToAlarm > evaluationPeriods) {
    problems.push({
      field: 'datapointsToAlarm',
      message:
        `${datapointsToAlarm} is more than evaluationPeriods (${evaluationPeriods}); an alarm fires on M breaching ` +
        'datapoints out of the last N periods, so M (datapointsToAlarm) cannot exceed N (evaluationPeriods)',
    });
  }
  return problems;
}

/**
 * A candidate alarm period under a minute on an endpoint that does not publish invocation metrics that
 * often. Candidate alarms watch AWS/SageMaker invocation metrics, which SageMaker publishes every 60 s
 * unless the endpoint config's MetricsConfig turns on enhanced metrics: "When EnableEnhancedMetrics is
 * set to False, this interval applies to utilization metrics only; invocation metrics continue to be
 * published at the default 60-second interval" (SageMaker API Reference, MetricsConfig). A shorter
 * period would find no data in most periods and, missing data not breaching, hardly ever fire.
 */
export function subMinutePeriodProblem(
  periodSeconds: number,
  metricsConfig: unknown,
  endpointName: string,
  /** The rollout was asked not to turn on 10-second metrics (enhancedMetrics: false). */
  optedOut = false,
): string | undefined {
  if (periodSeconds >= 60) return undefined;
  const config = (metricsConfig ?? {}) as {
    EnableEnhancedMetrics?: boolean;
    MetricPublishFrequencyInSeconds?: number;
  };
  const frequency = config.EnableEnhancedMetrics ? (config.MetricPublishFrequencyInSeconds ?? 60) : 60;
  if (frequency <= periodSeconds && periodSeconds % frequency === 0) return undefined;
  const now = config.EnableEnhancedMetrics
    ? `its config's MetricsConfig publishes them every ${frequency} s`
    : "its config's MetricsConfig does not enable enhanced metrics, so they are published every 60 s";
  return (
    `a ${periodSeconds} s period needs invocation metrics at least that often, but on ${endpointName} ${now}; ` +
    'use a period of 60 s or more, or ' +
    (optedOut
      ? 'let the rollout turn on 10-second metrics (remove enhancedMetrics: false from the policy or request)'
      : 'enable enhanced metrics (MetricsConfig: EnableEnhancedMetrics, ' +
        `MetricPublishFrequencyInSeconds ${periodSeconds === 30 ? '10 or 30' : '10'}) on the endpoint config first`)
  );
}
