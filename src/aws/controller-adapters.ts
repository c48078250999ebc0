// The controller Lambda's adapters, each imported and built on its port's first call (onFirstCall in
// client-source.ts), on clients that also load on first use (createControllerClients): a Scheduled Event with
// nothing due reads only the rollout store, so neither the adapters' code nor their SDK packages are in the
// chunks the Lambda loads at init (infra/controller-bundle.ts). The first event that calls a port pays the
// import of its adapter's chunk; what it does is the adapter's, unchanged. Every port member is named below,
// so a member added to a port in src/engine/ports.ts fails to compile here until it is listed.

import type {
  AlarmControl,
  Clock,
  EndpointControl,
  EndpointInvoker,
  InferenceComponentControl,
  LifecyclePublisher,
  MetricReader,
  ObjectReader,
  ScalingControl,
  WakeUpScheduler,
} from '../engine/ports';
import { onFirstCall } from './client-source';
import type { ControllerClients } from './clients';

export interface ControllerAdapters {
  endpoints: EndpointControl;
  components: InferenceComponentControl;
  alarms: AlarmControl;
  metrics: MetricReader;
  scaling: ScalingControl;
  invoker: EndpointInvoker;
  objects: ObjectReader;
  /** Lifecycle events onto `busName`. */
  events: LifecyclePublisher;
  /** Precise wake-ups through `queueUrl`, when there is one. */
  wakeUps?: WakeUpScheduler;
}

export function controllerAdapters(
  clients: Omit<ControllerClients, 'dynamodb'>,
  options: { busName: string; queueUrl?: string; clock: Clock },
): ControllerAdapters {
  const { busName, queueUrl, clock } = options;
  return {
    endpoints: onFirstCall(
      async () => new (await import('./sagemaker.js')).SageMakerEndpointControl(clients.sagemaker),
      {
        describeEndpoint: true,
        describeEndpointConfig: true,
        describeModelPackage: true,
        describeModel: true,
        listTags: true,
        createModel: true,
        createEndpointConfig: true,
        updateEndpoint: true,
        updateWeights: true,
        deleteEndpointConfig: true,
        deleteModel: true,
      },
    ),
    components: onFirstCall(
      async () => new (await import('./sagemaker.js')).SageMakerInferenceComponentControl(clients.sagemaker),
      { describeInferenceComponent: true, listInferenceComponents: true, updateInferenceComponent: true },
    ),
    alarms: onFirstCall(
      async () => new (await import('./cloudwatch.js')).CloudWatchAlarmControl(clients.cloudwatch),
      {
        describeAlarms: true,
        putCandidateAlarm: true,
        deleteAlarms: true,
        putAbortAlarm: true,
        setAlarmState: true,
      },
    ),
    metrics: onFirstCall(
      async () => new (await import('./cloudwatch.js')).CloudWatchMetricReader(clients.cloudwatch),
      { getMetricData: true },
    ),
    scaling: onFirstCall(
      async () =>
        new (await import('./autoscaling.js')).ApplicationAutoScalingScalingControl(clients.autoscaling),
      {
        describeVariantScaling: true,
        registerScalableTarget: true,
        putScalingPolicy: true,
        putScheduledAction: true,
        deregisterScalableTarget: true,
      },
    ),
    invoker: onFirstCall(
      async () => new (await import('./runtime.js')).SageMakerRuntimeInvoker(clients.runtime),
      { invokeEndpoint: true },
    ),
    objects: onFirstCall(async () => new (await import('./s3.js')).S3ObjectReader(clients.s3), {
      getText: true,
    }),
    events: onFirstCall(
      async () =>
        new (await import('./eventbridge.js')).EventBridgeLifecyclePublisher(clients.eventbridge, busName),
      { publish: true },
    ),
    ...(queueUrl === undefined
      ? {}
      : {
          wakeUps: onFirstCall(
            async () => new (await import('./sqs.js')).SqsWakeUpScheduler(clients.sqs, queueUrl, clock),
            { wakeAt: true },
          ),
        }),
  };
}
