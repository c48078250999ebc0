// The ports: what the engine and the rollout effects need from the outside world. The AWS
// adapters (src/aws) and the simulated cloud (src/sim) both implement these; tests swap them.
//
// Conventions every implementation follows:
// - "not found" is a value (undefined / 'absent'), never an exception;
// - creating something that already exists returns 'exists' (every step can be retried);
// - an update attempted while the endpoint is updating throws SmRolloutError('ENDPOINT_BUSY');
// - throttling that survived the client's own retries throws SmRolloutError('THROTTLED');
// - any other AWS failure throws SmRolloutError('AWS_ERROR') with AWS's message in it.

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
  variants: ProductionVariantSpec[];
  /** Shadow variants and async inference are not supported by stepwise rollouts. */
  hasShadowVariants: boolean;
  hasAsyncInference: boolean;
  /** Config-level settings to carry into configs derived from this one (DataCaptureConfig, KmsKeyId). */
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
}

export interface ModelState {
  modelName: string;
  modelPackageArn?: string;
}

export interface Tag {
  key: string;
  value: string;
}

export interface CreateModelRequest {
  modelName: string;
  modelPackageArn: string;
  executionRoleArn: string;
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
}

/** SageMaker endpoint control (DescribeEndpoint, CreateModel, UpdateEndpoint, ...). */
export interface EndpointControl {
  describeEndpoint(endpointName: string): Promise<EndpointState | undefined>;
  describeEndpointConfig(endpointConfigName: string): Promise<EndpointConfigState | undefined>;
  describeModelPackage(modelPackageArn: string): Promise<ModelPackageState | undefined>;
  /** The model and, when it was created from a model package, that package (for `undo`). */
  describeModel(modelName: string): Promise<ModelState | undefined>;
  createModel(request: CreateModelRequest): Promise<'created' | 'exists'>;
  createEndpointConfig(request: CreateEndpointConfigRequest): Promise<'created' | 'exists'>;
  updateEndpoint(endpointName: string, endpointConfigName: string): Promise<void>;
  updateWeights(endpointName: string, weights: VariantWeight[]): Promise<void>;
  deleteEndpointConfig(endpointConfigName: string): Promise<'deleted' | 'absent'>;
  deleteModel(modelName: string): Promise<'deleted' | 'absent'>;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmState {
  alarmName: string;
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
  /** States of the named alarms that exist; names that do not exist are simply absent from the result. */
  describeAlarms(alarmNames: readonly string[]): Promise<AlarmState[]>;
  putCandidateAlarm(spec: CandidateAlarmSpec): Promise<void>;
  /** Deleting alarms that do not exist is not an error. */
  deleteAlarms(alarmNames: readonly string[]): Promise<void>;
}

import type { LifecycleDetailType } from '../../statemachines/contract';

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
