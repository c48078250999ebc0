// Shapes shared across the simulated cloud: model behaviour, timings, and the observation records
// (call log, serving history) tests read to see what the controller did.

/** How a model behaves under traffic: the share of invocations that fail with a 5XX, and typical latency. */
export interface ModelBehaviour {
  errorRate: number;
  latencyMs: number;
  /**
   * Invocations per instance per minute the model serves at `latencyMs`; above that its latency grows
   * in proportion (an overloaded fleet). Absent: no limit. The workload's property, not AWS's.
   */
  capacityPerInstancePerMinute?: number;
}

/** A healthy model: never errors, answers in about 40 ms. */
export const DEFAULT_BEHAVIOUR: ModelBehaviour = { errorRate: 0, latencyMs: 40 };

export interface SimTimings {
  /** How long UpdateEndpoint keeps the endpoint Updating (a new fleet is provisioned). */
  updateEndpointMs: number;
  /** How long UpdateEndpointWeightsAndCapacities keeps the endpoint Updating. */
  updateWeightsMs: number;
  /**
   * How long DeleteEndpoint keeps the endpoint Deleting before it is gone. AWS documents no figure
   * ("SageMaker asynchronously deletes associated endpoint resources"); it takes minutes.
   */
  deleteEndpointMs: number;
  /** Relative spread applied to each duration (0.2 = ±20%), drawn from the seed. */
  jitter: number;
  /**
   * How long after its period ends a datapoint becomes visible to alarms and GetMetricData (CloudWatch
   * ingestion). AWS publishes no figure for SageMaker's metrics; an AWS answer on re:Post ("can we
   * trigger cloudwatch alarm immediately ...") says that besides the 10 s evaluation "you may also
   * incur a few seconds delay for the data to become available to the alarm". The sim's default, 15 s,
   * is a choice inside "a few seconds" on the slow side, applied to every publish frequency.
   */
  metricIngestionDelayMs: number;
  /**
   * How often an alarm with a period of a minute or more is evaluated: every minute ("When CloudWatch
   * evaluates an alarm, it does so every minute, even if the period for the alarm is longer than one
   * minute", CloudWatch User Guide, "Limits" of alarms on connected data sources; the five-minute
   * example there slides its window by a minute at each evaluation).
   */
  standardAlarmEvaluationMs: number;
  /**
   * How often a high-resolution alarm (period 10, 20 or 30 s) is evaluated: "If the alarm period is 10
   * seconds or 30 seconds, the alarm is evaluated every 10 seconds" (CloudWatch User Guide, "Using
   * Amazon CloudWatch alarms").
   */
  highResolutionAlarmEvaluationMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  updateEndpointMs: 6 * 60_000,
  updateWeightsMs: 30_000,
  deleteEndpointMs: 2 * 60_000,
  jitter: 0.2,
  metricIngestionDelayMs: 15_000,
  standardAlarmEvaluationMs: 60_000,
  highResolutionAlarmEvaluationMs: 10_000,
};

/** One port call as the sim saw it: the AWS operation, a summary of its input and what came of it. */
export interface SimCall {
  at: number;
  /** The AWS API name, e.g. UpdateEndpoint, UpdateEndpointWeightsAndCapacities, DescribeAlarms. */
  operation: string;
  input: Record<string, unknown>;
  /** 'ok', 'created', 'exists', 'deleted', 'absent', 'found', 'not found', 'found <n>' (DescribeAlarms) or 'error'. */
  outcome: string;
  error?: { code: string; message: string };
}

export interface ServingVariant {
  variantName: string;
  modelName: string;
  weight: number;
}

/** A change in what serves an endpoint's traffic (an empty variant list: the endpoint is gone). */
export interface ServingChange {
  at: number;
  endpointName: string;
  configName: string;
  variants: ServingVariant[];
}
