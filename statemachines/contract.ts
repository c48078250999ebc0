// The rollout machine's contract with its host: what it is started with, the events it accepts,
// and the inputs and outputs of the effects the host provides. Plain data only, so snapshots
// stay serialisable; the machine imports nothing of ours but plan types.
import type { Plan } from '../src/plan/types';

/** Bump when a change makes older snapshots unsafe to restore. Stored with every snapshot. */
export const ROLLOUT_MACHINE_VERSION = 'rollout-machine/1';

/** Names of everything the rollout creates, derived from the rollout id by the host. */
export interface RolloutNames {
  candidateModel: string;
  candidateVariant: string;
  transitionConfig: string;
  finalConfig: string;
}

/** A metric alarm the controller creates for the candidate variant, removed when the rollout ends. */
export interface CandidateAlarmTemplate {
  /** Suffix of the alarm's name, e.g. `5xx`; the full name is derived from the rollout. */
  suffix: string;
  metricName: string;
  statistic: string;
  threshold: number;
  comparison:
    | 'GreaterThanThreshold'
    | 'GreaterThanOrEqualToThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: 'missing' | 'notBreaching' | 'breaching' | 'ignore';
}

/**
 * The serving variant as the baseline config declares it (a ProductionVariant in plain data), so
 * the configs a rollout derives from the baseline are built without reading that config again.
 */
export interface BaselineVariantSpec {
  variantName: string;
  modelName: string;
  instanceType?: string;
  initialInstanceCount?: number;
  initialVariantWeight: number;
  /** Other ProductionVariant settings with AWS's field names (VolumeSizeInGB, RoutingConfig, ...). */
  extra?: Record<string, unknown>;
}

export interface Baseline {
  endpointConfigName: string;
  variantName: string;
  modelName: string;
  instanceType?: string;
  instanceCount: number;
  /**
   * The baseline config's variant and config-level settings (DataCaptureConfig, KmsKeyId, ...),
   * read once when the baseline is resolved. Absent in snapshots saved before they were kept: the
   * host then reads the config again.
   */
  variant?: BaselineVariantSpec;
  configExtra?: Record<string, unknown>;
  /** Tags of the baseline config, merged into the configs a rollout derives (absent in older snapshots). */
  configTags?: { key: string; value: string }[];
  /**
   * What the candidate model carries over from the baseline model (network settings, its container's
   * own Environment, tags), read once when the baseline is resolved. Absent in older snapshots: the
   * host then reads the model again.
   */
  model?: BaselineModel;
  /**
   * What the start's alarm checks warned about (an alarm on another endpoint, a composite child that
   * cannot fire, ...): recorded on the timeline; absent when there was nothing to say.
   */
  alarmWarnings?: string[];
  /**
   * The serving variant's Application Auto Scaling, read as the baseline is resolved; absent when the
   * variant is not a scalable target (or the snapshot predates it).
   */
  scaling?: BaselineScaling;
}

/** Which scaling activities are suspended on a scalable target (RegisterScalableTarget's SuspendedState). */
export interface ScalingSuspension {
  dynamicScalingInSuspended: boolean;
  dynamicScalingOutSuspended: boolean;
  scheduledScalingSuspended: boolean;
}

/** A scalable target's bounds and suspension (RegisterScalableTarget). */
export interface ScalableTargetSpec {
  minCapacity: number;
  maxCapacity: number;
  suspended: ScalingSuspension;
}

/** A scaling policy in plain data. */
export interface ScalingPolicySpec {
  policyName: string;
  policyType: 'TargetTrackingScaling' | 'StepScaling' | 'PredictiveScaling';
  /**
   * The policy's configuration with AWS's field names, exactly as DescribeScalingPolicies returns it:
   * TargetTrackingScalingPolicyConfiguration, StepScalingPolicyConfiguration or
   * PredictiveScalingPolicyConfiguration (whichever policyType says).
   */
  configuration: Record<string, unknown>;
  /** The CloudWatch alarms that trigger it (DescribeScalingPolicies' Alarms; step scaling: the team's own). */
  alarmNames: string[];
}

export interface ScheduledActionSpec {
  scheduledActionName: string;
  /** `at(...)`, `rate(...)` or `cron(...)`, as AWS spells it. */
  schedule: string;
  timezone?: string;
  /** Epoch ms. */
  startTime?: number;
  endTime?: number;
  scalableTargetAction: { minCapacity?: number; maxCapacity?: number };
}

/**
 * A variant's scalable target (`endpoint/<e>/variant/<v>`) with its policies and scheduled actions:
 * what the ScalingControl port reads, and what the Baseline keeps.
 */
export interface BaselineScaling {
  target: ScalableTargetSpec;
  policies: ScalingPolicySpec[];
  scheduledActions: ScheduledActionSpec[];
}

/** The candidate variant's own scalable target for the share of traffic a step gives it. */
export interface CandidateScaling {
  variantName: string;
  target: ScalableTargetSpec;
  /** Copies of the baseline's target-tracking policies, re-keyed to the candidate variant. */
  policies: Omit<ScalingPolicySpec, 'alarmNames'>[];
}

/** The baseline model's settings a candidate model keeps (AWS's field shapes inside). */
export interface BaselineModel {
  vpcConfig?: { SecurityGroupIds: string[]; Subnets: string[] };
  enableNetworkIsolation?: boolean;
  /** Environment variables to set on the candidate's container (what the baseline model set itself). */
  environment?: Record<string, string>;
  tags: { key: string; value: string }[];
  /** The model package the baseline model was created from, if any: the version that serves. */
  modelPackageArn?: string;
}

// ---- judgement: the canary-vs-baseline judge and the pre-traffic check ------------------------

/**
 * One metric the judge compares between the candidate and the baseline variant, over the same
 * windows, as a rate of "bad" events per request (policy defaults applied by the host).
 * - `rate`: `metricName`'s Sum counts bad events (e.g. Invocation5XXErrors), `exposureMetricName`'s Sum
 *   counts requests (Invocations).
 * - `tail`: the share of requests slower than the baseline's own `percentile` measured before the
 *   candidate took traffic (CloudWatch's percentile-rank statistic PR on `metricName`, e.g. ModelLatency).
 */
export interface JudgeMetricSpec {
  /** How people and the timeline name it: `errors`, `latency`, or the policy's own name. */
  name: string;
  kind: 'rate' | 'tail';
  namespace: string;
  metricName: string;
  /** rate: the metric whose Sum is the number of requests (AWS/SageMaker Invocations). */
  exposureMetricName?: string;
  /** tail: the baseline percentile that sets the threshold, e.g. 99. */
  percentile?: number;
  /** Which way is worse for the candidate. */
  direction: 'increase' | 'decrease';
  /** Allowed relative change of the candidate's rate vs the baseline's: 0.5 = up to 1.5× (increase). */
  tolerance: number;
  /** A critical metric's `fail` rolls back at once; a non-critical one's is acted on when the step ends. */
  critical: boolean;
}

export interface JudgeConfig {
  metrics: JudgeMetricSpec[];
  /** The rollout-wide false-rollback rate the judge is configured for (split across its metrics). */
  alpha: number;
  /** What an inconclusive (or non-critical fail) verdict does when the bake or analysis step ends. */
  onInconclusive: 'pause' | 'proceed' | 'rollback';
  /** Judge and record only, never act. */
  dryRun: boolean;
  /** The metrics' period: 10 s when the transition config publishes enhanced metrics, else 60 s. */
  periodSeconds: number;
  /** How often the judge looks while a step holds. */
  intervalMs: number;
}

/** One metric's verdict, with the numbers a person checks it by. */
export interface MetricVerdict {
  metric: string;
  verdict: 'pass' | 'fail' | 'inconclusive';
  critical: boolean;
  direction: 'increase' | 'decrease';
  tolerance: number;
  /** Candidate rate ÷ baseline rate, point estimate (null when the baseline saw no bad event). */
  ratio: number | null;
  /** The confidence sequence's interval for that ratio (null upper: unbounded so far). */
  interval: [number, number | null];
  candidate: { events: number; requests: number };
  baseline: { events: number; requests: number };
  /** tail metrics: the latency threshold (the baseline's percentile before the rollout), metric units. */
  threshold?: number;
  /** tail metrics: the baseline percentile the threshold is (99 for p99). */
  percentile?: number;
  /** tail metrics: the threshold's unit, when people read it in another (SageMaker latencies are in µs). */
  thresholdUnit?: 'microseconds';
}

export interface JudgeReading extends Stamped {
  /** The windows compared: from the candidate's first traffic to the last complete period. */
  from: number;
  to: number;
  verdicts: MetricVerdict[];
}

/** What the judgeCandidate effect needs: both variants, the windows' start and the thresholds already read. */
export interface JudgeInput {
  endpointName: string;
  candidateVariant: string;
  baselineVariant: string;
  judge: JudgeConfig;
  /** When the candidate first took traffic: the judge compares from here. */
  firstTrafficAt: number;
  /** tail metrics' thresholds by metric name, once read (the baseline's percentile before the first shift). */
  thresholds: Record<string, number>;
  /** The look's time (the machine's clock): the windows end a visibility delay before it. */
  now: number;
}

/** Sample requests sent to the candidate variant alone (InvokeEndpoint with TargetVariant) before any shift. */
export interface PreTrafficCheckSpec {
  /** Inline bodies, or `s3://bucket/key` of a JSON Lines file with one request body per line. */
  requests: { inline: string[] } | { s3Uri: string };
  contentType: string;
  accept?: string;
  /** Every response must arrive within this bound (end to end, as the controller measures it). */
  maxLatencyMs: number;
}

export interface PreTrafficResult extends Stamped {
  sent: number;
  failures: { index: number; reason: string }[];
  /** Slowest response, ms. */
  maxLatencyMs: number;
}

export interface RolloutInput {
  rolloutId: string;
  endpointName: string;
  modelPackageArn: string;
  plan: Plan;
  /** Existing CloudWatch alarms that roll the rollout back when they enter ALARM. */
  alarms: string[];
  /** Alarms the controller creates on the candidate variant alone; their full names. */
  candidateAlarms: { alarmName: string; template: CandidateAlarmTemplate }[];
  executionRoleArn: string;
  candidate: { instanceType?: string; instanceCount?: number };
  names: RolloutNames;
  requestedBy: string;
  startedAt: number;
  maxDurationMs: number;
  /**
   * How soon to look at an endpoint that is updating after the change was sent (and how long to wait
   * before retrying a call that failed retryably).
   */
  pollIntervalMs: number;
  /**
   * How far the looks at an updating endpoint back off: each waits as long as the change has taken so
   * far, from pollIntervalMs up to this. A host that receives the endpoint's `SageMaker Endpoint State
   * Change` events is woken by them, so its looks are only a safety net for a lost event and back off;
   * a host without them sets it to pollIntervalMs. Absent (older snapshots): pollIntervalMs, no backoff.
   */
  maxPollIntervalMs?: number;
  /** How often to read alarm states while holding (a lost alarm event cannot hide a firing alarm). */
  alarmPollIntervalMs: number;
  /** Known when the host resolved it before starting (preflight); otherwise the machine resolves it. */
  baseline?: Baseline;
  /**
   * Retention: how many earlier rollouts' final configs and models to keep besides the live one when
   * this rollout succeeds (older controller-created ones are pruned). Absent: DEFAULT_RETAIN_PREVIOUS.
   */
  retainPrevious?: number;
  /** The canary-vs-baseline judge (absent in older snapshots and when the policy turns it off). */
  judge?: JudgeConfig;
  /** The pre-traffic check of the candidate variant (absent: none). */
  preTrafficCheck?: PreTrafficCheckSpec;
  /**
   * The transition config turns on enhanced metrics at 10 s (MetricsConfig), so candidate alarms and
   * the judge can read 10-second invocation metrics; the final config keeps the baseline's own.
   * Absent (older snapshots) or false: the transition config copies the baseline's MetricsConfig.
   */
  enhancedMetrics?: boolean;
  /** Absent (older snapshots): stepwise. */
  engine?: RolloutEngineKind;
  /** Set exactly when `engine` is native. */
  native?: NativeRolloutSpec;
  /**
   * Set when the rollout targets an inference component (policy `inferenceComponent`): SageMaker's
   * rolling update moves the copies, as guardrails moves a native rollout's traffic (`engine` native,
   * `native` absent).
   */
  inferenceComponent?: InferenceComponentRolloutSpec;
}

/**
 * How traffic moves. `stepwise` (the default): the controller moves the weights itself
 * (UpdateEndpointWeightsAndCapacities). `native`: SageMaker deployment guardrails move it — one
 * UpdateEndpoint with a DeploymentConfig compiled from the plan — and the controller follows.
 */
export type RolloutEngineKind = 'stepwise' | 'native';

/** CapacitySize (API reference): a number of instances or a percent of the variant's capacity. */
export interface NativeCapacitySize {
  type: 'INSTANCE_COUNT' | 'CAPACITY_PERCENT';
  value: number;
}

/**
 * UpdateEndpoint's DeploymentConfig, as the plan compiles to it (API reference: DeploymentConfig,
 * BlueGreenUpdatePolicy, TrafficRoutingConfig, RollingUpdatePolicy, AutoRollbackConfig). Exactly one
 * of `blueGreen` and `rolling` is set.
 */
export interface NativeDeploymentConfig {
  blueGreen?: {
    trafficRouting: {
      type: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR';
      /** WaitIntervalInSeconds: the bake after each shift, the last one included (the final baking period), 0…3600. */
      waitIntervalInSeconds: number;
      /** CanarySize (CANARY): at most 50% of the variant's instances. */
      canarySize?: NativeCapacitySize;
      /** LinearStepSize (LINEAR): 10–50% of the variant's instances. */
      linearStepSize?: NativeCapacitySize;
    };
    /** TerminationWaitInSeconds: how long the old fleet stays after the deployment completes (alarms no longer roll back), 0…3600. */
    terminationWaitInSeconds: number;
    /** MaximumExecutionTimeoutInSeconds: 600…28800, larger than all the waits. */
    maximumExecutionTimeoutInSeconds?: number;
  };
  rolling?: {
    /** MaximumBatchSize: 5–50% of the variant's instances. */
    maximumBatchSize: NativeCapacitySize;
    /** WaitIntervalInSeconds: the bake of each batch, 0…3600. */
    waitIntervalInSeconds: number;
    /** MaximumExecutionTimeoutInSeconds: 600…28800. */
    maximumExecutionTimeoutInSeconds?: number;
    rollbackMaximumBatchSize?: NativeCapacitySize;
  };
  /** AutoRollbackConfiguration.Alarms (AlarmName each; at most 10): the policy's alarms and the abort alarm. */
  autoRollbackAlarms: string[];
}

/** What a native rollout carries besides the plan (RolloutInput.native). */
export interface NativeRolloutSpec {
  deploymentConfig: NativeDeploymentConfig;
  /**
   * The controller-owned alarm listed in the AutoRollbackConfiguration: `abort` (and the judge) put
   * it into ALARM so SageMaker rolls the deployment back (guardrails has no stop API).
   */
  abortAlarmName: string;
  /**
   * The percent of the new fleet serving after each shift SageMaker makes (whole instances of the
   * fleet the final config gets, the last 100). Absent in snapshots saved before: the plan's percents.
   */
  shiftPercents?: number[];
}

/**
 * What following a native deployment reads each time (DescribeEndpoint): the status, the config
 * actually serving, and the PendingDeploymentSummary while SageMaker deploys (plain data: the machine
 * imports no port).
 */
export interface NativeDeploymentReading extends Stamped {
  endpoint: NativeEndpointView;
}

export interface NativeEndpointView {
  /** EndpointStatus; `Deleted` when the endpoint no longer exists. */
  status: string;
  /** The config serving now (during a deployment: still the old one). */
  endpointConfigName?: string;
  failureReason?: string;
  pending?: {
    endpointConfigName: string;
    variants: {
      variantName: string;
      /** The latest ProductionVariantStatus: Creating | Updating | Deleting | ActivatingTraffic | Baking. */
      status?: string;
      statusMessage?: string;
      statusStartTime?: number;
      currentInstanceCount?: number;
      desiredInstanceCount?: number;
    }[];
  };
}

/** The abort alarm to put into ALARM (SetAlarmState), and why. */
export interface AbortAlarmInput {
  alarmName: string;
  reason: string;
}

/** The failure code of a rollout whose endpoint was deleted under it (terminal `failed`). */
export const ENDPOINT_DELETED = 'ENDPOINT_DELETED';

/** Keep the config and model `undo` needs: the one before the live one. */
export const DEFAULT_RETAIN_PREVIOUS = 1;

/** Every alarm that rolls the rollout back: the policy's own and the candidate alarms it creates. */
export function watchedAlarms(input: Pick<RolloutInput, 'alarms' | 'candidateAlarms'>): string[] {
  return [...input.alarms, ...input.candidateAlarms.map((a) => a.alarmName)];
}

/** The lifecycle events a rollout publishes (EventBridge detail-types, source `sm-rollout`). */
export type LifecycleDetailType =
  | 'Rollout Started'
  | 'Traffic Shifted'
  | 'Rollout Paused'
  | 'Rollout Resumed'
  | 'Rollback Started'
  | 'Rollout Rolled Back'
  | 'Rollout Succeeded'
  | 'Rollout Failed';

export type RollbackReason =
  | { kind: 'alarm'; alarmName: string; stateReason: string; datapoints?: number[]; threshold?: number }
  | { kind: 'abort'; by: string; note?: string }
  | { kind: 'failure'; code: string; message: string }
  | { kind: 'timeout'; maxDurationMs: number }
  /** The judge found the candidate worse (a critical metric's fail, or the policy's rollback on inconclusive). */
  | { kind: 'judge'; metric: string; verdict: MetricVerdict }
  /** The pre-traffic check failed: no customer request reached the candidate. */
  | { kind: 'preTrafficCheck'; failures: { index: number; reason: string }[]; sent: number };

// ---- events ---------------------------------------------------------------------------------

export type RolloutEvent =
  | { type: 'TICK'; now: number }
  | { type: 'ENDPOINT_CHANGED'; now: number; status?: string }
  | {
      type: 'ALARM_FIRED';
      now: number;
      alarmName: string;
      stateReason: string;
      /** The recent values that tripped the alarm, already read out of CloudWatch's reason data by the host. */
      datapoints?: number[];
      threshold?: number;
    }
  | { type: 'PAUSE'; now: number; by: string }
  | { type: 'RESUME'; now: number; by: string }
  | { type: 'PROMOTE'; now: number; by: string; full?: boolean }
  | { type: 'ABORT'; now: number; by: string; note?: string };

export type RolloutCommand = Extract<RolloutEvent, { type: 'PAUSE' | 'RESUME' | 'PROMOTE' | 'ABORT' }>;

// ---- effects --------------------------------------------------------------------------------

/** Every effect's output carries the host's clock reading when it finished. */
export interface Stamped {
  at: number;
}

/** A change to the endpoint the machine waits for; apply and check both take it. */
export type EndpointChange =
  | {
      kind: 'config';
      endpointName: string;
      endpointConfigName: string;
      purpose: 'transition' | 'final' | 'revert';
      /**
       * UpdateEndpoint's RetainAllVariantProperties: the variants both configs name keep their live
       * instance count and weight (absent in older snapshots: false).
       */
      retainAllVariantProperties?: boolean;
      /**
       * Variants to deregister from Application Auto Scaling before the update: SageMaker rejects an
       * update that removes a registered variant or changes its instance type.
       */
      deregisterBefore?: string[];
      /** A native rollout's final config goes live through guardrails: UpdateEndpoint's DeploymentConfig. */
      deploymentConfig?: NativeDeploymentConfig;
    }
  | {
      kind: 'weights';
      endpointName: string;
      weights: { variantName: string; weight: number }[];
      /** The weights only apply while the endpoint runs this config. */
      endpointConfigName: string;
      purpose: 'shift' | 'restore';
      /** The candidate's scalable target for this step's share, registered before the weights change. */
      candidateScaling?: CandidateScaling;
      /** The baseline's scaling to put back before a rollback restores its traffic (see effects). */
      restoreScaling?: { variantName: string; scaling: BaselineScaling };
    };

export interface ApplyResult extends Stamped {
  /** requested: the call was made; satisfied: nothing to do; busy: the endpoint is updating, look later. */
  outcome: 'requested' | 'satisfied' | 'busy';
}

export interface CheckResult extends Stamped {
  /**
   * ready: InService with the change in effect. inProgress: still updating. idle: InService but the
   * change is not in effect (never applied, or SageMaker rolled it back). failed: the endpoint is
   * Failed / UpdateRollbackFailed / gone and cannot be repaired by the controller.
   */
  phase: 'ready' | 'inProgress' | 'idle' | 'failed';
  status: string;
  endpointConfigName?: string;
  failureReason?: string;
}

export interface AlarmReading extends Stamped {
  firing: { alarmName: string; stateReason: string; datapoints?: number[]; threshold?: number }[];
  states: { alarmName: string; state: string }[];
}

export interface EffectInput {
  context: RolloutInputWithBaseline;
}

export type RolloutInputWithBaseline = RolloutInput & { baseline: Baseline };

export interface ResolveBaselineResult extends Stamped {
  baseline: Baseline;
}

export interface CreateCandidateResult extends Stamped {
  created: string[];
}

export interface CleanupResult extends Stamped {
  removed: string[];
  kept: string[];
  /** What was put back as it was before the rollout (the serving variant's auto scaling). */
  restored?: string[];
}

// ---- Inference components (issue 14, part 3) ----------------------------------------------------
//
// An endpoint whose variant has no ModelName hosts inference components: requests name their
// component (InvokeEndpoint's InferenceComponentName), so the controller cannot weight traffic; the
// only safe path is UpdateInferenceComponent with a RollingUpdatePolicy, which SageMaker runs itself.

/** InferenceComponentCapacitySize (API reference): a number of copies or a percent of the copy count. */
export interface InferenceComponentCapacitySize {
  type: 'COPY_COUNT' | 'CAPACITY_PERCENT';
  /** CapacitySizeValue: a whole number, at least 1. */
  value: number;
}

/**
 * InferenceComponentRollingUpdatePolicy (API reference): copies are replaced in batches of
 * `maximumBatchSize` ("between 5% to 50% of the copy count"), each batch baked `waitIntervalInSeconds`
 * (0…3600) while the AutoRollbackConfiguration alarms are watched; `maximumExecutionTimeoutInSeconds`
 * (600…28800) bounds the whole update; a rollback restores the old copies in batches of
 * `rollbackMaximumBatchSize` (absent: all at once).
 */
export interface InferenceComponentRollingUpdate {
  maximumBatchSize: InferenceComponentCapacitySize;
  waitIntervalInSeconds: number;
  maximumExecutionTimeoutInSeconds?: number;
  rollbackMaximumBatchSize?: InferenceComponentCapacitySize;
}

/**
 * InferenceComponentSpecification as a rollout keeps it (plain data, AWS's meaning; the ports'
 * InferenceComponentSpecificationState has the same shape).
 */
export interface InferenceComponentSpecificationSpec {
  modelName?: string;
  computeResourceRequirements?: {
    numberOfCpuCoresRequired?: number;
    numberOfAcceleratorDevicesRequired?: number;
    minMemoryRequiredInMb: number;
    maxMemoryRequiredInMb?: number;
  };
  /** Other Specification fields under AWS's names (StartupParameters, ...), carried through unchanged. */
  extra?: Record<string, unknown>;
}

/** What an inference-component rollout carries besides the plan (compiled by src/plan/inference-component.ts). */
export interface InferenceComponentRolloutSpec {
  inferenceComponentName: string;
  /** The variant of the hosting endpoint the component runs on. */
  variantName: string;
  /** The Specification serving when the rollout started: the update replaces its ModelName, a rollback restores it. */
  servingSpecification: InferenceComponentSpecificationSpec & { modelName: string };
  /** RuntimeConfig.DesiredCopyCount at start, and how many batches the rolling update moves at it. */
  copyCount: number;
  batches: number;
  rollingUpdate: InferenceComponentRollingUpdate;
  /** The second rolling update that puts the serving Specification back after SageMaker finished the first. */
  rollbackUpdate: InferenceComponentRollingUpdate;
  /** AutoRollbackConfiguration.Alarms (at most 10): the policy's alarms and the abort alarm. */
  autoRollbackAlarms: string[];
  /** The controller-owned alarm in `autoRollbackAlarms`: abort puts it into ALARM (SetAlarmState). */
  abortAlarmName: string;
  /**
   * The plan's final bake, held by the controller after SageMaker reports the update done (a rolling
   * update has no rollback window of its own: old copies are gone batch by batch). An alarm then
   * means a second rolling update back to the previous specification.
   */
  finalBakeMs: number;
}

/**
 * What following an inference-component rollout reads each time (DescribeInferenceComponent): the
 * status, the model actually serving (the old Specification until SageMaker has finished every
 * batch), the copies, and whose the last rolling update was (plain data: the machine imports no port).
 */
export interface InferenceComponentReading extends Stamped {
  component: InferenceComponentView;
}

export interface InferenceComponentView {
  /** InferenceComponentStatus; `Deleted` when the component no longer exists. */
  status: string;
  /** Specification.ModelName deployed now. */
  modelName?: string;
  desiredCopyCount?: number;
  currentCopyCount?: number;
  failureReason?: string;
  /**
   * Whose LastDeploymentConfig it is: `forward` (this rollout's update: its abort alarm is in the
   * AutoRollbackConfiguration), `rollback` (this rollout's way back: the serving Specification, no
   * alarms), `other` (someone else's), `none`.
   */
  lastDeployment: 'forward' | 'rollback' | 'other' | 'none';
}
