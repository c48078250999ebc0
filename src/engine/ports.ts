// The ports: what the engine and the rollout effects need from the outside world. The AWS
// adapters (src/aws) and the simulated cloud (src/sim) implement the cloud's, the stores (src/store)
// the rollout store's; tests swap them.
//
// Conventions every implementation follows:
// - "not found" is a value (undefined / 'absent'), never an exception;
// - creating something that already exists returns 'exists' (every step can be retried);
// - an update attempted while the endpoint is updating throws SmRolloutError('ENDPOINT_BUSY'), and so
//   does a scaling change while another one on the same target is pending (ConcurrentUpdateException);
// - throttling that survived the client's own retries throws SmRolloutError('THROTTLED');
// - a resource the caller just created that SageMaker does not see yet (its reads are eventually
//   consistent) throws SmRolloutError('NOT_YET_VISIBLE'): trying again shortly succeeds;
// - any other AWS failure throws SmRolloutError('AWS_ERROR') with AWS's message in it.

import type {
  BaselineScaling as VariantScaling,
  InferenceComponentRollingUpdate,
  LifecycleDetailType,
  NativeDeploymentConfig,
  RolloutInput,
  ScalableTargetSpec as ScalableTargetState,
  ScalingPolicySpec as ScalingPolicyState,
  ScalingSuspension,
  ScheduledActionSpec as ScheduledActionState,
} from '../../statemachines/contract';
import type { CommandName, RolloutStatus } from '../../statemachines/describe';

/** Endpoint statuses exactly as the SageMaker API spells them (DescribeEndpoint). */
export type EndpointStatus =
  | 'OutOfService'
  | 'Creating'
  | 'Updating'
  | 'SystemUpdating'
  | 'RollingBack'
  | 'InService'
  | 'Deleting'
  | 'Failed'
  | 'UpdateRollbackFailed';

export interface VariantState {
  variantName: string;
  currentWeight?: number;
  desiredWeight?: number;
  currentInstanceCount?: number;
  desiredInstanceCount?: number;
}

export interface EndpointState {
  endpointName: string;
  status: EndpointStatus;
  endpointConfigName: string;
  /** Set when the endpoint is Failed, or InService after an update that failed and was rolled back. */
  failureReason?: string;
  variants: VariantState[];
  /**
   * DescribeEndpoint's PendingDeploymentSummary while an UpdateEndpoint deploys a config (guardrails:
   * the new fleet's variants with their VariantStatus list); absent when no deployment is pending.
   */
  pendingDeployment?: PendingDeploymentState;
}

/** ProductionVariantStatus (API reference): Creating | Updating | Deleting | ActivatingTraffic | Baking. */
export interface VariantStatusState {
  status: string;
  startTime?: number;
  message?: string;
}

export interface PendingDeploymentState {
  endpointConfigName: string;
  startTime?: number;
  variants: {
    variantName: string;
    statuses: VariantStatusState[];
    currentWeight?: number;
    desiredWeight?: number;
    currentInstanceCount?: number;
    desiredInstanceCount?: number;
  }[];
}

export interface ProductionVariantSpec {
  variantName: string;
  modelName: string;
  instanceType?: string;
  initialInstanceCount?: number;
  initialVariantWeight: number;
  /** True when the variant is serverless (ServerlessConfig set): stepwise rollouts refuse those. */
  serverless?: boolean;
  /**
   * Other ProductionVariant settings, with AWS's field names (VolumeSizeInGB,
   * ContainerStartupHealthCheckTimeoutInSeconds, RoutingConfig, ...), carried through unchanged
   * when a config is copied.
   */
  extra?: Record<string, unknown>;
}

export interface EndpointConfigState {
  endpointConfigName: string;
  /** DescribeEndpointConfig's EndpointConfigArn: what ListTags takes. */
  endpointConfigArn?: string;
  variants: ProductionVariantSpec[];
  /** Shadow variants and async inference are not supported by stepwise rollouts. */
  hasShadowVariants: boolean;
  hasAsyncInference: boolean;
  /**
   * Config-level settings to carry into configs derived from this one, under AWS's names
   * (DataCaptureConfig, KmsKeyId, MetricsConfig, ...).
   */
  extra?: Record<string, unknown>;
}

export type ModelApprovalStatus = 'Approved' | 'Rejected' | 'PendingManualApproval';
export type ModelPackageStatus = 'Pending' | 'InProgress' | 'Completed' | 'Failed' | 'Deleting';

export interface ModelPackageState {
  modelPackageArn: string;
  modelPackageGroupName?: string;
  modelPackageVersion?: number;
  approvalStatus: ModelApprovalStatus;
  status: ModelPackageStatus;
  /** InferenceSpecification.SupportedRealtimeInferenceInstanceTypes; absent when the package names none. */
  supportedRealtimeInstanceTypes?: string[];
  /**
   * The Environment the package's containers set (merged), present when any container sets one,
   * even an empty one: SageMaker then refuses an Environment on a model created from the package.
   */
  environment?: Record<string, string>;
}

/** A model's VpcConfig with AWS's field names (CreateModel and DescribeModel use the same shape). */
export interface VpcConfig {
  SecurityGroupIds: string[];
  Subnets: string[];
}

export interface ModelState {
  modelName: string;
  /** DescribeModel's ModelArn: what ListTags takes. */
  modelArn?: string;
  modelPackageArn?: string;
  vpcConfig?: VpcConfig;
  enableNetworkIsolation?: boolean;
  /** How many containers the model has (PrimaryContainer or Containers). */
  containerCount?: number;
  /** The Environment its single container sets; absent for inference pipelines (several containers). */
  environment?: Record<string, string>;
}

export interface Tag {
  key: string;
  value: string;
}

export interface CreateModelRequest {
  modelName: string;
  modelPackageArn: string;
  executionRoleArn: string;
  vpcConfig?: VpcConfig;
  enableNetworkIsolation?: boolean;
  /** Set on the package's container definition (only when the package sets no Environment itself). */
  environment?: Record<string, string>;
  tags: Tag[];
}

export interface CreateEndpointConfigRequest {
  endpointConfigName: string;
  variants: ProductionVariantSpec[];
  /** Config-level settings copied from the original config (see EndpointConfigState.extra). */
  extra?: Record<string, unknown>;
  tags: Tag[];
}

export interface VariantWeight {
  variantName: string;
  weight: number;
  /** UpdateEndpointWeightsAndCapacities' DesiredInstanceCount for the variant; absent: unchanged. */
  desiredInstanceCount?: number;
}

/** SageMaker endpoint control (DescribeEndpoint, CreateModel, UpdateEndpoint, ...). */
export interface EndpointControl {
  describeEndpoint(endpointName: string): Promise<EndpointState | undefined>;
  describeEndpointConfig(endpointConfigName: string): Promise<EndpointConfigState | undefined>;
  describeModelPackage(modelPackageArn: string): Promise<ModelPackageState | undefined>;
  /** The model and, when it was created from a model package, that package (for `undo`). */
  describeModel(modelName: string): Promise<ModelState | undefined>;
  /** Tags of a SageMaker resource (ListTags), by ARN; an empty list when it has none. */
  listTags(resourceArn: string): Promise<Tag[]>;
  createModel(request: CreateModelRequest): Promise<'created' | 'exists'>;
  createEndpointConfig(request: CreateEndpointConfigRequest): Promise<'created' | 'exists'>;
  /**
   * UpdateEndpoint. `retainAllVariantProperties` (RetainAllVariantProperties): variants whose name is
   * in both configs keep their live instance count and weight instead of the new config's
   * InitialInstanceCount and InitialVariantWeight (developer guide, "Update endpoints that use auto
   * scaling", step 6).
   */
  updateEndpoint(
    endpointName: string,
    endpointConfigName: string,
    options?: {
      retainAllVariantProperties?: boolean;
      /** DeploymentConfig (guardrails) for a native rollout: blue/green or rolling, with AutoRollbackConfiguration. */
      deploymentConfig?: NativeDeploymentConfig;
    },
  ): Promise<void>;
  updateWeights(endpointName: string, weights: VariantWeight[]): Promise<void>;
  deleteEndpointConfig(endpointConfigName: string): Promise<'deleted' | 'absent'>;
  deleteModel(modelName: string): Promise<'deleted' | 'absent'>;
}

// ---- Inference components -------------------------------------------------------------------------
//
// An endpoint whose variant has no ModelName hosts inference components (CreateInferenceComponent);
// each names its model in its Specification and runs RuntimeConfig.CopyCount copies. A rollout
// replaces the specification with UpdateInferenceComponent and a RollingUpdatePolicy; SageMaker moves
// the copies in batches and rolls back itself on an AutoRollbackConfiguration alarm.

/** InferenceComponentStatus exactly as the API spells it (DescribeInferenceComponent). */
export type InferenceComponentStatus = 'InService' | 'Creating' | 'Updating' | 'Failed' | 'Deleting';

/** InferenceComponentComputeResourceRequirements: what each copy reserves on the endpoint's instances. */
export interface InferenceComponentComputeResources {
  numberOfCpuCoresRequired?: number;
  numberOfAcceleratorDevicesRequired?: number;
  minMemoryRequiredInMb: number;
  maxMemoryRequiredInMb?: number;
}

/** InferenceComponentSpecification: the model and what each copy needs. */
export interface InferenceComponentSpecificationState {
  modelName?: string;
  computeResourceRequirements?: InferenceComponentComputeResources;
  /** Other Specification fields under AWS's names (StartupParameters, Container, ...), carried through unchanged. */
  extra?: Record<string, unknown>;
}

export interface InferenceComponentState {
  inferenceComponentName: string;
  inferenceComponentArn: string;
  endpointName: string;
  variantName?: string;
  status: InferenceComponentStatus;
  /** Set when the component failed, or after an update that was rolled back. */
  failureReason?: string;
  /** The specification that is deployed (the previous one until an update completes). */
  specification: InferenceComponentSpecificationState;
  /** RuntimeConfig.DesiredCopyCount and CurrentCopyCount. */
  desiredCopyCount?: number;
  currentCopyCount?: number;
  /** LastDeploymentConfig: the rolling update the last UpdateInferenceComponent asked for. */
  lastDeployment?: { rollingUpdate: InferenceComponentRollingUpdate; autoRollbackAlarms: string[] };
  creationTime: number;
  lastModifiedTime: number;
}

/** InferenceComponentSummary (ListInferenceComponents). */
export type InferenceComponentSummary = Pick<
  InferenceComponentState,
  'inferenceComponentName' | 'inferenceComponentArn' | 'endpointName' | 'variantName' | 'status'
>;

export interface UpdateInferenceComponentRequest {
  inferenceComponentName: string;
  specification: InferenceComponentSpecificationState;
  /** RuntimeConfig.CopyCount; absent: the copy count stays as it is. */
  copyCount?: number;
  rollingUpdate: InferenceComponentRollingUpdate;
  /** AutoRollbackConfiguration.Alarms; empty: no AutoRollbackConfiguration. */
  autoRollbackAlarms: readonly string[];
}

/** SageMaker inference components (DescribeInferenceComponent, ListInferenceComponents, UpdateInferenceComponent). */
export interface InferenceComponentControl {
  describeInferenceComponent(inferenceComponentName: string): Promise<InferenceComponentState | undefined>;
  /** ListInferenceComponents with EndpointNameEquals, every page, sorted by name (summaries: no specification). */
  listInferenceComponents(endpointName: string): Promise<InferenceComponentSummary[]>;
  /** UpdateInferenceComponent with a DeploymentConfig; ENDPOINT_BUSY while the component is updating. */
  updateInferenceComponent(request: UpdateInferenceComponentRequest): Promise<void>;
}

// ---- Application Auto Scaling ---------------------------------------------------------------------
//
// A SageMaker variant is a scalable target with ServiceNamespace `sagemaker`, ResourceId
// `endpoint/<endpoint>/variant/<variant>` and ScalableDimension `sagemaker:variant:DesiredInstanceCount`.
// The port speaks per variant; implementations build the resource id.

type ScalingPolicyType = ScalingPolicyState['policyType'];

// The shapes are the rollout contract's (statemachines/contract.ts): the Baseline keeps what the port
// returns as it is.
export type {
  ScalingSuspension,
  ScalableTargetState,
  ScalingPolicyType,
  ScalingPolicyState,
  ScheduledActionState,
  VariantScaling,
};

/** Application Auto Scaling for SageMaker variants (ServiceNamespace `sagemaker`). */
export interface ScalingControl {
  /**
   * The variant's scalable target with its policies and scheduled actions
   * (DescribeScalableTargets, DescribeScalingPolicies, DescribeScheduledActions); undefined when the
   * variant is not registered.
   */
  describeVariantScaling(endpointName: string, variantName: string): Promise<VariantScaling | undefined>;
  /** RegisterScalableTarget: registers the variant or updates its bounds and suspension (an upsert). */
  registerScalableTarget(
    endpointName: string,
    variantName: string,
    target: ScalableTargetState,
  ): Promise<void>;
  /** PutScalingPolicy: creates or replaces the policy of that name on the variant. */
  putScalingPolicy(
    endpointName: string,
    variantName: string,
    policy: Omit<ScalingPolicyState, 'alarmNames'>,
  ): Promise<void>;
  /** PutScheduledAction: creates or replaces the action of that name on the variant. */
  putScheduledAction(endpointName: string, variantName: string, action: ScheduledActionState): Promise<void>;
  /**
   * DeregisterScalableTarget, which also deletes the target's policies and scheduled actions
   * (API reference); 'absent' when the variant was not registered.
   */
  deregisterScalableTarget(endpointName: string, variantName: string): Promise<'deregistered' | 'absent'>;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One dimension of a CloudWatch metric, as the API spells it (Name, Value). */
export interface MetricDimension {
  name: string;
  value: string;
}

/**
 * A metric exactly as CloudWatch identifies it: "CloudWatch treats each unique combination of
 * dimensions as a separate metric" (CloudWatch User Guide, "Amazon CloudWatch concepts", Dimensions),
 * so an alarm on EndpointName alone watches a different metric than one on EndpointName + VariantName.
 */
export interface WatchedMetric {
  namespace: string;
  metricName: string;
  dimensions: MetricDimension[];
}

/** One entry of a metric-math alarm's Metrics: a metric it reads (MetricStat) or an expression. */
export interface AlarmMetricQuery {
  id: string;
  metric?: WatchedMetric & { statistic: string; periodSeconds: number };
  expression?: string;
  /** The one entry whose values the alarm compares with its threshold. */
  returnData: boolean;
}

/** What an alarm watches, as DescribeAlarms returns it. */
export type AlarmDefinition =
  | { kind: 'metric'; metric: WatchedMetric; statistic: string; periodSeconds: number }
  | { kind: 'math'; metrics: AlarmMetricQuery[] }
  /** `childAlarmNames`: the alarms AlarmRule references (by name, ARNs reduced to names). */
  | { kind: 'composite'; alarmRule: string; childAlarmNames: string[] };

export interface AlarmState {
  alarmName: string;
  /** What the alarm watches (absent only where an alarm could not be read from DescribeAlarms' answer). */
  definition?: AlarmDefinition;
  state: AlarmStateValue;
  /** CloudWatch's StateReason text, e.g. "Threshold Crossed: 1 datapoint [12.0 (...)] was greater ...". */
  reason: string;
  /** CloudWatch's StateReasonData (JSON text with recentDatapoints and threshold), when present. */
  reasonData?: string;
  updatedAt?: number;
}

export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** A metric alarm the controller creates on the candidate variant alone (EndpointName + VariantName). */
export interface CandidateAlarmSpec {
  alarmName: string;
  description: string;
  endpointName: string;
  variantName: string;
  /** An AWS/SageMaker metric: Invocation5XXErrors, Invocation4XXErrors, ModelLatency, OverheadLatency, ... */
  metricName: string;
  /** 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount' or a percentile like 'p99'. */
  statistic: string;
  threshold: number;
  comparison: ComparisonOperator;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: 'missing' | 'notBreaching' | 'breaching' | 'ignore';
  tags: Tag[];
}

/** CloudWatch alarms (DescribeAlarms, PutMetricAlarm, DeleteAlarms). */
export interface AlarmControl {
  /**
   * States and definitions of the named alarms that exist, metric and composite alike (one
   * DescribeAlarms with AlarmTypes MetricAlarm and CompositeAlarm per 100 names); names that do not
   * exist are simply absent from the result.
   */
  describeAlarms(alarmNames: readonly string[]): Promise<AlarmState[]>;
  putCandidateAlarm(spec: CandidateAlarmSpec): Promise<void>;
  /** Deleting alarms that do not exist is not an error. */
  deleteAlarms(alarmNames: readonly string[]): Promise<void>;
  /**
   * The controller-owned abort alarm of a native rollout (PutMetricAlarm): OK until the controller
   * asks for a rollback. The adapter chooses its metric so nothing but the controller trips it.
   */
  putAbortAlarm(spec: { alarmName: string; endpointName: string; rolloutId: string }): Promise<void>;
  /** SetAlarmState (API reference): how `abort` makes SageMaker roll a native deployment back. */
  setAlarmState(alarmName: string, state: AlarmStateValue, reason: string): Promise<void>;
}

/** One GetMetricData query: a MetricStat (no math), as the judge and `report` read per-variant metrics. */
export interface MetricDataQuery {
  /** GetMetricData's Id: starts with a lower-case letter, then letters, digits and underscores. */
  id: string;
  metric: WatchedMetric;
  periodSeconds: number;
  /** Sum, SampleCount, Average, Minimum, Maximum, a percentile (p99) or a percentile rank (PR(:250000)). */
  statistic: string;
}

export interface MetricDataSeries {
  id: string;
  /** Ascending by timestamp (each period's start, epoch ms); periods with no data are absent. */
  points: { timestamp: number; value: number }[];
}

/** CloudWatch GetMetricData, batched (500 queries per call) and paged (NextToken) by the adapter. */
export interface MetricReader {
  getMetricData(
    queries: readonly MetricDataQuery[],
    fromMs: number,
    toMs: number,
  ): Promise<MetricDataSeries[]>;
}

/** SageMaker Runtime InvokeEndpoint aimed at one variant (TargetVariant), or one inference component. */
export interface EndpointInvoker {
  invokeEndpoint(request: {
    endpointName: string;
    targetVariant: string;
    /** InferenceComponentName: the component to invoke on an endpoint that hosts inference components. */
    inferenceComponentName?: string;
    body: string;
    contentType: string;
    accept?: string;
    /** Give up on the answer after this long (reported as an error naming the wait); absent: the SDK's own. */
    timeoutMs?: number;
  }): Promise<{
    /**
     * 200 for an answer; a model's own 4xx/5xx (which the runtime reports as ModelError, with the
     * model's OriginalStatusCode and OriginalMessage) is returned as that status and message, not thrown.
     */
    statusCode: number;
    body: string;
    invokedVariant?: string;
    /** How long the call took end to end, as the caller measured it (the simulated cloud: the model's latency). */
    latencyMs: number;
  }>;
}

/** Reads an object a policy names (S3 GetObject), as text. */
export interface ObjectReader {
  /** The object's content as UTF-8 text; undefined when there is no such object (NoSuchKey). */
  getText(bucket: string, key: string): Promise<string | undefined>;
}

/**
 * Precise wake-ups: asks the host's delayed-delivery mechanism to wake one rollout at `at` (SQS message
 * timers in AWS). Best effort: the one-minute schedule still wakes every due rollout, so a lost or
 * duplicated wake-up is harmless.
 */
export interface WakeUpScheduler {
  wakeAt(rolloutId: string, at: number): Promise<void>;
}

export type { LifecycleDetailType };

export interface LifecycleEvent {
  detailType: LifecycleDetailType;
  detail: {
    rolloutId: string;
    endpointName: string;
    modelPackageArn: string;
    weights?: { baseline: number; candidate: number };
    step?: { index: number; total: number };
    reason?: string;
  };
  at: number;
}

/** Lifecycle events out (EventBridge PutEvents in AWS). Must never throw into the engine's way. */
export interface LifecyclePublisher {
  publish(events: readonly LifecycleEvent[]): Promise<void>;
}

/** The one place where time enters: epoch milliseconds. */
export interface Clock {
  now(): number;
}

// ---- the rollout store ---------------------------------------------------------------------------
//
// Rollout records with an optimistic version, their timelines, the rule that one endpoint has at most one
// active rollout, incoming-event dedupe and the approvals waiting for an endpoint. The memory, file and
// DynamoDB stores (src/store) implement it and pass the same contract tests. Stores know nothing of the
// rollout machine: what they must act on (the lock, the schedule's list) the engine writes into the record
// (`active`).

export type { RolloutStatus };

export interface RolloutRecord {
  id: string;
  endpointName: string;
  modelPackageArn: string;
  /** Written by the engine from the machine's view; stores only keep it (they act on `active`). */
  status: RolloutStatus;
  /**
   * Holds the endpoint lock and is on the schedule's list. The engine sets it (false once the machine is
   * terminal); a save with `active: false` releases the endpoint's lock.
   */
  active: boolean;
  /** The phase in words, for lists and status views. */
  phase: string;
  /** Why it ended, for terminal rollouts. */
  reason?: string;
  strategy: string;
  requestedBy: string;
  /** The machine's input, kept so a rollout whose first save never happened can start again. */
  input: RolloutInput;
  machineVersion: string;
  /** XState persisted snapshot; null until the machine first reached a quiet point. */
  snapshot: unknown;
  /** Optimistic concurrency: every save must name the version it read. */
  version: number;
  /** Entries in the timeline so far; the next entry's seq. */
  timelineLength: number;
  nextWakeAt?: number;
  /**
   * What the machine said at the last save, so readers (status views, a command's dry run) need not
   * restore it; absent until the rollout first reached a quiet point.
   */
  progress?: RolloutProgress;
  createdAt: number;
  updatedAt: number;
}

export interface RolloutProgress {
  step: { index: number; total: number };
  weights: { baseline: number; candidate: number };
  bakeUntil?: number;
  /** The commands the rollout takes now. */
  accepts: CommandName[];
  /**
   * It holds (a bake, a manual gate, paused) and its next wake-up reads the alarms; absent in records
   * saved before it was kept (read as true).
   */
  watching?: boolean;
  /** The judge's latest verdict per metric (absent before its first look, and without a judge). */
  judge?: {
    metric: string;
    verdict: 'pass' | 'fail' | 'inconclusive';
    ratio: number | null;
    interval: [number, number | null];
    dryRun?: boolean;
  }[];
  /** The judge watches the step it holds: each of its looks is a precise wake-up (engine preciseWakeUpOf). */
  judging?: boolean;
}

export interface TimelineEntry {
  rolloutId: string;
  seq: number;
  at: number;
  kind: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** A newer approval waiting for an endpoint's active rollout to end (policy onNewerApproval). */
export interface PendingApproval {
  endpointName: string;
  modelPackageArn: string;
  modelPackageVersion?: number;
  requestedBy: string;
  /** Epoch ms when it was recorded. */
  at: number;
}

export interface ListFilter {
  endpointName?: string;
  activeOnly?: boolean;
}

/**
 * Every implementation keeps the rules in src/store/rules.ts, and validates what it reads back from
 * storage with restoreRolloutRecord (src/engine/record.ts): a damaged record is STORE_CORRUPT, never a
 * half-typed object.
 */
export interface RolloutStore {
  /** Stores a new rollout and takes its endpoint's lock; ROLLOUT_ACTIVE if another rollout holds it. */
  create(record: RolloutRecord, timeline: readonly TimelineEntry[]): Promise<void>;
  get(id: string): Promise<RolloutRecord | undefined>;
  /**
   * Replaces the record if its stored version is still `expectedVersion` (else VERSION_CONFLICT)
   * and appends the timeline entries; a record with `active: false` releases the endpoint lock.
   */
  save(record: RolloutRecord, expectedVersion: number, timeline: readonly TimelineEntry[]): Promise<void>;
  timeline(id: string): Promise<TimelineEntry[]>;
  list(filter?: ListFilter): Promise<RolloutRecord[]>;
  activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined>;
  /** Active rollouts whose next wake-up is at or before `now` (the schedule's work list). */
  listDue(now: number): Promise<RolloutRecord[]>;
  /**
   * Records an incoming event's dedupe key until `expiresAt`; true the first time, false for a
   * duplicate that has not expired (EventBridge delivers at least once).
   */
  claimEvent(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Gives a claim back, so a retry of an event whose handling failed part-way is not a duplicate. */
  releaseEvent(key: string): Promise<void>;
  /** Keeps one pending approval per endpoint: a newer package version replaces an older one. */
  setPendingApproval(approval: PendingApproval): Promise<void>;
  /** Removes and returns the endpoint's pending approval, if any (exactly one taker wins). */
  takePendingApproval(endpointName: string): Promise<PendingApproval | undefined>;
  listPendingApprovals(): Promise<PendingApproval[]>;
}
