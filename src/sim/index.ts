// The simulated cloud: SageMaker's (its runtime's and inference components'), CloudWatch's, Application
// Auto Scaling's and S3's documented rules and timings on a virtual clock, deterministic from a seed,
// implementing the engine's EndpointControl, InferenceComponentControl, AlarmControl, ScalingControl,
// MetricReader, EndpointInvoker and ObjectReader ports, and the controller's wake-up queue (SQS message
// timers and the Lambda event source mapping, implementing WakeUpScheduler) (BEHAVIOURS.md lists what
// is modelled, with sources). It backs `demo`, `plan --simulate` and the scenario tests. This module is
// its whole public surface.
export { DEFAULT_START_TIME, SimClock } from './clock';
export type { ScheduledTask } from './clock';
export { createSimCloud, restoreSimCloud } from './cloud';
export { METRIC_HISTORY_MS, SIM_STATE_VERSION } from './persistence';
export type { ScheduledWorkState, SimCloudState } from './persistence';
export type { SimCloud, SimCloudOptions } from './cloud';
export type {
  CompositeAlarmInput,
  MetricAlarmInput,
  SimAlarmDefinition,
  SimAlarmView,
  SimMetricQuery,
} from './cloudwatch';
export type { ScalingActivity, SimVariantScalingView } from './autoscaling';
export type { CreateEndpointInput, DeploymentStage, SimEndpointView, SimVariantView } from './sagemaker';
export type { CapacitySizeInput, DeploymentConfigInput } from './guardrails';
export type { RegisterModelPackageInput } from './model-registry';
export type { SimFault } from './faults';
export { SimWakeUpQueue } from './sqs';
export type { SimQueueBatch, SimQueueMessage, SimWakeUpQueueOptions } from './sqs';
export type {
  AlarmStateChangeDetail,
  AlarmStateChangeEvent,
  DeliveryFailure,
  EndpointDeploymentStateChangeDetail,
  EndpointDeploymentStateChangeEvent,
  EndpointStateChangeDetail,
  EndpointStateChangeEvent,
  ModelPackageStateChangeDetail,
  ModelPackageStateChangeEvent,
  SimEvent,
  SimEventListener,
} from './events';
export type { MetricDatapoint, SageMakerMetricName } from './metrics';
export type { TreatMissingData } from './alarm-evaluation';
export { DEFAULT_BEHAVIOUR, DEFAULT_TIMINGS } from './types';
export type { ModelBehaviour, ServingChange, ServingVariant, SimCall, SimTimings } from './types';
export type { ComponentHostingEndpointInput, CreateInferenceComponentInput } from './inference-components';
export { COPY_BATCH_MS } from './inference-components';
export type { InvokeEndpointInput, InvokeEndpointOutput } from './runtime';
