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
}

export const DEFAULT_TIMINGS: SimTimings = {
  updateEndpointMs: 6 * 60_000,
  updateWeightsMs: 30_000,
  deleteEndpointMs: 2 * 60_000,
  jitter: 0.2,
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
