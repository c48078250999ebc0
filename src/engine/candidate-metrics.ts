// The metrics a rollout watches the candidate with: during a rollout the transition config turns on
// SageMaker's enhanced metrics at 10 s, so invocation metrics (errors, latency) arrive six times as
// often and the candidate alarms and the judge can use high-resolution periods; the final (promoted)
// config goes back to the baseline's own MetricsConfig. A policy can opt out (enhancedMetrics: false).

/** How often the transition config publishes the candidate's (and the baseline's) invocation metrics. */
export const ROLLOUT_METRICS_FREQUENCY_SECONDS = 10;

type MetricsConfig = Record<string, unknown>;

/**
 * The config-level settings of the transition config: the baseline's, with MetricsConfig turning on
 * enhanced metrics at 10 s unless `enhanced` is false. Only with EnableEnhancedMetrics does the
 * frequency cover invocation metrics: "When EnableEnhancedMetrics is set to False, this interval
 * applies to utilization metrics only; invocation metrics continue to be published at the default
 * 60-second interval. When EnableEnhancedMetrics is set to True, this interval applies to both
 * utilization and invocation metrics" (SageMaker API Reference, MetricsConfig). The baseline's other
 * MetricsConfig fields are kept.
 */
export function transitionConfigExtra(
  baselineExtra: Record<string, unknown> | undefined,
  enhanced: boolean,
): Record<string, unknown> | undefined {
  if (!enhanced) return baselineExtra;
  const own = (baselineExtra?.['MetricsConfig'] ?? {}) as MetricsConfig;
  return {
    ...baselineExtra,
    MetricsConfig: {
      ...own,
      EnableEnhancedMetrics: true,
      MetricPublishFrequencyInSeconds: ROLLOUT_METRICS_FREQUENCY_SECONDS,
    },
  };
}

/** The MetricsConfig the candidate is watched under (what subMinutePeriodProblem checks alarms against). */
export function transitionMetricsConfig(
  baselineExtra: Record<string, unknown> | undefined,
  enhanced: boolean,
): unknown {
  return transitionConfigExtra(baselineExtra, enhanced)?.['MetricsConfig'];
}
