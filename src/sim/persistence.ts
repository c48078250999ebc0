// The simulated cloud saved as plain JSON data, so that one CLI process can leave a rollout waiting
// (at a manual gate, say) and the next one can pick the same cloud up and carry on.
//
// Preserved: the clock, every random stream's exact position (so a restored cloud draws the same
// traffic, update durations and event ids as the original would have), model packages, models,
// endpoint configs, endpoints with any update in progress (as data: kind, due time, fault drawn; a
// guardrails deployment with its stage, traffic shifts and alarms),
// alarms with their state and evaluated periods, the recent metric datapoints (with when each becomes
// visible) alarms and the judge need, each variant's publish period in progress, the serving
// timeline of the 10-second slice in progress, armed faults, Application Auto Scaling's targets with their
// policies, scheduled actions and cooldown clocks (a scaling activity in flight is the endpoint's
// pending weights update), the request rates tests set per endpoint, and the objects put in S3.
//
// Not preserved: the observation logs (events, deliveryFailures, calls, servingHistory, violations,
// scalingActivities)
// start empty after a restore; event listeners; work other code scheduled on the clock; and metric
// datapoints older than the longest alarm evaluation range (at least METRIC_HISTORY_MS), so
// metricData() only reaches back that far.
import type { SimAutoScalingState } from './autoscaling';
import type { FaultPlanState } from './faults';
import type { SimInferenceComponentsState } from './inference-components';
import type { MetricSeriesState } from './metrics';
import type { SimModelPackage } from './model-registry';
import type { RandomState } from './random';
import type { PendingUpdateState, SimSageMakerState } from './sagemaker';
import type { SimAlarmState } from './cloudwatch';
import type { OpenPeriodState } from './traffic';
import type { SimObject } from './s3';
import type { SimTimings } from './types';

// 2: metric datapoints carry their resolution and visibility; traffic ticks every 10 s and the publish
// periods in progress are saved.
export const SIM_STATE_VERSION = 'sim-state/2';

/** Metric history kept at least, whatever the alarms need: the longest bake a judge reads back over. */
export const METRIC_HISTORY_MS = 60 * 60_000;

/** Work due on the clock, in the order it will run: the 10-second traffic tick and updates completing. */
export type ScheduledWorkState = { kind: 'trafficTick'; at: number } | PendingUpdateState;

export interface SimCloudState {
  version: typeof SIM_STATE_VERSION;
  /** How the cloud was created; a restored cloud keeps these. */
  config: {
    seed: number;
    region: string;
    accountId: string;
    timings: SimTimings;
    requestsPerMinute: number;
  };
  /** The virtual time (epoch ms) when the state was saved. */
  now: number;
  /** Each random stream's position (see cloud.ts for the streams). */
  random: {
    eventIds: RandomState;
    updateDurations: RandomState;
    alarmMetricIds: RandomState;
    traffic: RandomState;
    /** The pre-traffic InvokeEndpoint draws; absent until the cloud was first invoked. */
    invocations?: RandomState;
  };
  /** Due work in run order (time, then scheduling order). */
  scheduled: ScheduledWorkState[];
  modelPackages: SimModelPackage[];
  sagemaker: SimSageMakerState;
  alarms: SimAlarmState[];
  /** Metric datapoints starting from `from` on. */
  metrics: { from: number; series: MetricSeriesState[] };
  faults: FaultPlanState;
  /** Absent in states saved before Application Auto Scaling was simulated (nothing registered). */
  autoscaling?: SimAutoScalingState;
  /** Request rates set per endpoint (setRequestsPerMinute); absent when none was set. */
  requestRates?: Record<string, number>;
  /** Each variant's metric publish period in progress (the requests served in it so far). */
  openPeriods?: OpenPeriodState[];
  /** Objects put in the simulated S3 (putObject); absent when there are none. */
  objects?: SimObject[];
  /** Inference components and the endpoints hosting them; absent when none was ever created. */
  inferenceComponents?: SimInferenceComponentsState;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks that `value` looks like a state this version wrote; throws a clear error otherwise. */
export function assertSimCloudState(value: unknown): asserts value is SimCloudState {
  if (!isObject(value)) {
    throw new Error('simulated cloud state must be an object (the JSON SimCloud.exportState() wrote)');
  }
  if (value['version'] !== SIM_STATE_VERSION) {
    throw new Error(
      `unsupported simulated cloud state version ${JSON.stringify(value['version'])}: ` +
        `this sm-rollout reads ${SIM_STATE_VERSION}; start a new simulation`,
    );
  }
  const problems: string[] = [];
  if (typeof value['now'] !== 'number' || !Number.isFinite(value['now'])) problems.push('now');
  for (const key of ['config', 'random', 'sagemaker', 'metrics', 'faults']) {
    if (!isObject(value[key])) problems.push(key);
  }
  for (const key of ['scheduled', 'modelPackages', 'alarms']) {
    if (!Array.isArray(value[key])) problems.push(key);
  }
  if (problems.length > 0) {
    throw new Error(`simulated cloud state ${SIM_STATE_VERSION} is damaged: bad ${problems.join(', ')}`);
  }
}
