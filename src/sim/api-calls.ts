// The front door of the simulated cloud: the EndpointControl, InferenceComponentControl, AlarmControl,
// ScalingControl, MetricReader, EndpointInvoker and ObjectReader ports. Every port call meets any armed throttling,
// runs against simulated SageMaker (and its runtime), CloudWatch, Application Auto Scaling or S3 under
// its AWS API name, and is written to the call log with its outcome.
import type {
  AlarmControl,
  CandidateAlarmSpec,
  EndpointControl,
  EndpointInvoker,
  InferenceComponentControl,
  MetricDataSeries,
  MetricReader,
  ObjectReader,
  ScalingControl,
} from '../engine/ports';
import { SmRolloutError } from '../errors';
import { AwsServiceException, adapterError, throttlingException } from './aws-errors';
import type { SimAutoScaling } from './autoscaling';
import { SCALABLE_DIMENSION, SERVICE_NAMESPACE, resourceIdOf } from './autoscaling';
import type { SimClock } from './clock';
import type { MetricAlarmInput, SimCloudWatch } from './cloudwatch';
import type { FaultPlan } from './faults';
import type { SimInferenceComponents } from './inference-components';
import { MAX_QUERIES_PER_CALL, getMetricData } from './metric-data';
import type { MetricStore } from './metrics';
import { SAGEMAKER_NAMESPACE, isPercentile } from './metrics';
import { deploymentConfigInput } from './guardrails';
import type { SimSageMaker, UpdateEndpointOptions } from './sagemaker';
import type { InvokeEndpointInput, SimRuntime } from './runtime';
import { ModelErrorException } from './runtime';
import type { SimS3 } from './s3';
import type { SimCall } from './types';

export class ApiGate {
  readonly calls: SimCall[] = [];

  constructor(
    private readonly clock: SimClock,
    private readonly faults: FaultPlan,
  ) {}

  /**
   * Runs one AWS operation. The work happens synchronously at the current simulated instant (as if
   * the request reached AWS immediately); the promise only carries the result, like an SDK call.
   */
  call<T>(
    operation: string,
    input: Record<string, unknown>,
    run: () => T,
    outcomeOf: (result: T) => string,
  ): Promise<T> {
    // A snapshot, so later mutation of the caller's objects cannot rewrite history.
    const record: SimCall = {
      at: this.clock.now(),
      operation,
      input: JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
      outcome: 'ok',
    };
    this.calls.push(record);
    try {
      if (this.faults.takeThrottle(operation)) throw throttlingException();
      const result = run();
      record.outcome = outcomeOf(result);
      return Promise.resolve(result);
    } catch (error) {
      record.outcome = 'error';
      // AWS's exceptions become what the adapter reports; anything else is a bug in the sim itself.
      if (!(error instanceof AwsServiceException)) {
        record.error = { code: 'INTERNAL', message: String(error) };
        return Promise.reject(error);
      }
      const reported = adapterError(operation, error);
      record.error = { code: reported.code, message: reported.message };
      return Promise.reject(reported);
    }
  }
}

/** The EndpointControl port over the simulated SageMaker: each call is gated (throttling) and logged. */
export function createEndpointControl(
  sagemaker: SimSageMaker,
  gate: ApiGate,
  components?: SimInferenceComponents,
): EndpointControl {
  const found = (result: unknown) => (result === undefined ? 'not found' : 'found');
  const done = () => 'ok';
  const same = (result: string) => result;
  return {
    describeEndpoint: async (endpointName) =>
      gate.call(
        'DescribeEndpoint',
        { EndpointName: endpointName },
        // An endpoint hosting inference components is described like any other.
        () => sagemaker.describeEndpoint(endpointName) ?? components?.describeEndpoint(endpointName),
        found,
      ),
    describeEndpointConfig: async (endpointConfigName) =>
      gate
        .call(
          'DescribeEndpointConfig',
          { EndpointConfigName: endpointConfigName },
          () => sagemaker.describeEndpointConfig(endpointConfigName),
          (config) =>
            config === undefined && components?.hostingVariantOf(endpointConfigName) !== undefined
              ? 'found'
              : found(config),
        )
        .then((config) => {
          const hosting = config === undefined ? components?.hostingVariantOf(endpointConfigName) : undefined;
          if (hosting === undefined) return config;
          // The port's variant needs a model; the AWS adapter reads a variant without one this way.
          throw new SmRolloutError(
            'ENDPOINT_UNSUPPORTED',
            `variant ${hosting} has no ModelName (an inference-component endpoint); sm-rollout shifts traffic between model variants only`,
          );
        }),
    describeModelPackage: async (modelPackageArn) =>
      gate.call(
        'DescribeModelPackage',
        { ModelPackageName: modelPackageArn },
        () => sagemaker.describeModelPackage(modelPackageArn),
        found,
      ),
    describeModel: async (modelName) =>
      gate.call(
        'DescribeModel',
        { ModelName: modelName },
        () => sagemaker.describeModel(modelName),
        (model) => (model ? 'found' : 'not found'),
      ),
    listTags: async (resourceArn) =>
      gate.call(
        'ListTags',
        { ResourceArn: resourceArn },
        () => sagemaker.listTags(resourceArn),
        (tags) => `found ${tags.length}`,
      ),
    createModel: async (request) =>
      gate.call(
        'CreateModel',
        {
          ModelName: request.modelName,
          ModelPackageName: request.modelPackageArn,
          ...(request.environment === undefined ? {} : { Environment: request.environment }),
          ExecutionRoleArn: request.executionRoleArn,
          ...(request.vpcConfig === undefined ? {} : { VpcConfig: request.vpcConfig }),
          ...(request.enableNetworkIsolation === undefined
            ? {}
            : { EnableNetworkIsolation: request.enableNetworkIsolation }),
          Tags: request.tags.map((t) => ({ Key: t.key, Value: t.value })),
        },
        () => sagemaker.createModel(request),
        same,
      ),
    createEndpointConfig: async (request) =>
      gate.call(
        'CreateEndpointConfig',
        {
          // The request as the SDK sends it: config-level settings, variants with every setting, tags.
          ...request.extra,
          EndpointConfigName: request.endpointConfigName,
          ProductionVariants: request.variants.map((v) => ({
            ...v.extra,
            VariantName: v.variantName,
            ModelName: v.modelName,
            InitialVariantWeight: v.initialVariantWeight,
            ...(v.instanceType === undefined ? {} : { InstanceType: v.instanceType }),
            ...(v.initialInstanceCount === undefined ? {} : { InitialInstanceCount: v.initialInstanceCount }),
          })),
          Tags: request.tags.map((t) => ({ Key: t.key, Value: t.value })),
        },
        () => sagemaker.createEndpointConfig(request),
        same,
      ),
    updateEndpoint: async (endpointName, endpointConfigName, portOptions) => {
      // Wider than the port's options today: ExcludeRetainedVariantProperties passes through once the port has it.
      const { deploymentConfig, ...rest } = portOptions ?? {};
      const options: UpdateEndpointOptions = {
        ...rest,
        ...(deploymentConfig === undefined
          ? {}
          : { deploymentConfig: deploymentConfigInput(deploymentConfig) }),
      };
      return gate.call(
        'UpdateEndpoint',
        {
          EndpointName: endpointName,
          EndpointConfigName: endpointConfigName,
          ...(options?.retainAllVariantProperties === undefined
            ? {}
            : { RetainAllVariantProperties: options.retainAllVariantProperties }),
          ...(options?.excludeRetainedVariantProperties === undefined
            ? {}
            : {
                ExcludeRetainedVariantProperties: options.excludeRetainedVariantProperties.map((type) => ({
                  VariantPropertyType: type,
                })),
              }),
          ...(options.deploymentConfig === undefined ? {} : { DeploymentConfig: options.deploymentConfig }),
        },
        () => sagemaker.updateEndpoint(endpointName, endpointConfigName, options),
        done,
      );
    },
    updateWeights: async (endpointName, weights) =>
      gate.call(
        'UpdateEndpointWeightsAndCapacities',
        {
          EndpointName: endpointName,
          DesiredWeightsAndCapacities: weights.map((w) => ({
            VariantName: w.variantName,
            DesiredWeight: w.weight,
            ...(w.desiredInstanceCount === undefined ? {} : { DesiredInstanceCount: w.desiredInstanceCount }),
          })),
        },
        () => sagemaker.updateWeights(endpointName, weights),
        done,
      ),
    deleteEndpointConfig: async (endpointConfigName) =>
      gate.call(
        'DeleteEndpointConfig',
        { EndpointConfigName: endpointConfigName },
        () => sagemaker.deleteEndpointConfig(endpointConfigName),
        same,
      ),
    deleteModel: async (modelName) =>
      gate.call('DeleteModel', { ModelName: modelName }, () => sagemaker.deleteModel(modelName), same),
  };
}

/**
 * The EndpointInvoker port over the simulated SageMaker Runtime, gated and logged. A ModelError (the
 * model's own 4xx/5xx) is the port's answer with the model's status, as the AWS adapter reads it.
 */
export function createEndpointInvoker(runtime: SimRuntime, gate: ApiGate): EndpointInvoker {
  return {
    invokeEndpoint: async (request) => {
      const input: InvokeEndpointInput = {
        EndpointName: request.endpointName,
        TargetVariant: request.targetVariant,
        ...(request.inferenceComponentName === undefined
          ? {}
          : { InferenceComponentName: request.inferenceComponentName }),
        Body: request.body,
        ContentType: request.contentType,
        ...(request.accept === undefined ? {} : { Accept: request.accept }),
      };
      return gate
        .call(
          'InvokeEndpoint',
          // The body stays out of the call log: it is the team's data, not what the controller did.
          { ...input, Body: `(${Buffer.byteLength(request.body, 'utf8')} bytes)` },
          () => {
            try {
              const out = runtime.invokeEndpoint(input);
              // The caller gives up at its timeout, as the AWS adapter's abort signal does; the model
              // still served the request (it counted in the variant's metrics).
              if (request.timeoutMs !== undefined && out.latencyMs > request.timeoutMs) {
                return { cancelledAfterMs: request.timeoutMs };
              }
              return {
                statusCode: 200,
                body: out.Body,
                invokedVariant: out.InvokedProductionVariant,
                latencyMs: out.latencyMs,
              };
            } catch (error) {
              if (!(error instanceof ModelErrorException)) throw error;
              return {
                statusCode: error.originalStatusCode,
                body: error.originalMessage,
                latencyMs: error.latencyMs,
              };
            }
          },
          (answer) =>
            'cancelledAfterMs' in answer
              ? 'cancelled'
              : answer.statusCode === 200
                ? 'ok'
                : `ModelError ${answer.statusCode}`,
        )
        .then((answer) => {
          if (!('cancelledAfterMs' in answer)) return answer;
          throw new SmRolloutError(
            'AWS_ERROR',
            `InvokeEndpoint got no answer within ${answer.cancelledAfterMs} ms (maxLatency); the request was cancelled`,
          );
        });
    },
  };
}

/** The ObjectReader port over the simulated S3: a missing key reads as undefined (NoSuchKey). */
export function createObjectReader(s3: SimS3, gate: ApiGate): ObjectReader {
  return {
    getText: async (bucket, key) =>
      gate.call(
        'GetObject',
        { Bucket: bucket, Key: key },
        () => {
          try {
            return s3.getObject(bucket, key);
          } catch (error) {
            if (error instanceof AwsServiceException && error.name === 'NoSuchKey') return undefined;
            throw error;
          }
        },
        (text) => (text === undefined ? 'not found' : 'found'),
      ),
  };
}

function candidateAlarmInput(spec: CandidateAlarmSpec): MetricAlarmInput {
  return {
    alarmName: spec.alarmName,
    description: spec.description,
    metricName: spec.metricName,
    endpointName: spec.endpointName,
    variantName: spec.variantName,
    statistic: spec.statistic,
    threshold: spec.threshold,
    comparison: spec.comparison,
    periodSeconds: spec.periodSeconds,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
  };
}

/**
 * The MetricReader port over the simulated CloudWatch: one GetMetricData call per 500 queries (the
 * adapter's batches), each gated (throttling) and logged. Answers are never paged: the sim's series
 * are far below MaxDatapoints' default of 100,800.
 */
export function createMetricReader(metrics: MetricStore, gate: ApiGate, clock: SimClock): MetricReader {
  return {
    getMetricData: async (queries, fromMs, toMs) => {
      const out: MetricDataSeries[] = [];
      for (let i = 0; i < Math.max(1, queries.length); i += MAX_QUERIES_PER_CALL) {
        const batch = queries.slice(i, i + MAX_QUERIES_PER_CALL);
        const series = await gate.call(
          'GetMetricData',
          {
            MetricDataQueries: batch.map((q) => ({
              Id: q.id,
              MetricStat: {
                Metric: {
                  Namespace: q.metric.namespace,
                  MetricName: q.metric.metricName,
                  Dimensions: q.metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
                },
                Period: q.periodSeconds,
                Stat: q.statistic,
              },
            })),
            StartTime: fromMs,
            EndTime: toMs,
            ScanBy: 'TimestampAscending',
          },
          () => getMetricData(metrics, batch, fromMs, toMs, clock.now()),
          (result) => `found ${result.reduce((n, s) => n + s.points.length, 0)}`,
        );
        out.push(...series);
      }
      return out;
    },
  };
}

/** The AlarmControl port over the simulated CloudWatch: each call is gated (throttling) and logged. */
export function createAlarmControl(cloudwatch: SimCloudWatch, gate: ApiGate): AlarmControl {
  return {
    describeAlarms: async (alarmNames) =>
      gate.call(
        'DescribeAlarms',
        { AlarmNames: [...alarmNames] },
        () => cloudwatch.describeAlarms(alarmNames),
        (states) => `found ${states.length}`,
      ),
    putCandidateAlarm: async (spec) =>
      gate.call(
        'PutMetricAlarm',
        {
          AlarmName: spec.alarmName,
          Namespace: SAGEMAKER_NAMESPACE,
          MetricName: spec.metricName,
          Dimensions: { EndpointName: spec.endpointName, VariantName: spec.variantName },
          [isPercentile(spec.statistic) ? 'ExtendedStatistic' : 'Statistic']: spec.statistic,
          Threshold: spec.threshold,
          ComparisonOperator: spec.comparison,
          Period: spec.periodSeconds,
          EvaluationPeriods: spec.evaluationPeriods,
          DatapointsToAlarm: spec.datapointsToAlarm,
          TreatMissingData: spec.treatMissingData,
        },
        () => cloudwatch.putMetricAlarm(candidateAlarmInput(spec)),
        () => 'ok',
      ),
    deleteAlarms: async (alarmNames) =>
      gate.call(
        'DeleteAlarms',
        { AlarmNames: [...alarmNames] },
        () => cloudwatch.deleteAlarms(alarmNames),
        () => 'ok',
      ),
    putAbortAlarm: async (spec) => {
      const input = abortAlarmInput(spec);
      return gate.call(
        'PutMetricAlarm',
        {
          AlarmName: input.alarmName,
          AlarmDescription: input.description,
          Namespace: input.namespace,
          MetricName: input.metricName,
          Dimensions: Object.fromEntries((input.dimensions ?? []).map((d) => [d.name, d.value])),
          Statistic: input.statistic,
          Threshold: input.threshold,
          ComparisonOperator: input.comparison,
          Period: input.periodSeconds,
          EvaluationPeriods: input.evaluationPeriods,
          TreatMissingData: input.treatMissingData,
        },
        () => cloudwatch.putMetricAlarm(input),
        () => 'ok',
      );
    },
    setAlarmState: async (alarmName, state, reason) =>
      gate.call(
        'SetAlarmState',
        { AlarmName: alarmName, StateValue: state, StateReason: reason },
        () => cloudwatch.setAlarmState(alarmName, state, reason),
        () => 'ok',
      ),
  };
}

/**
 * The controller's abort alarm of a native rollout, the same alarm the AWS adapter creates
 * (src/aws/cloudwatch.ts, abortAlarmRequest): a metric nobody publishes, so only SetAlarmState moves it.
 */
function abortAlarmInput(spec: {
  alarmName: string;
  endpointName: string;
  rolloutId: string;
}): MetricAlarmInput {
  return {
    alarmName: spec.alarmName,
    description: `sm-rollout abort alarm of rollout ${spec.rolloutId} on endpoint ${spec.endpointName}: listed in the deployment's AutoRollbackConfiguration; the controller sets it to ALARM (SetAlarmState) to make SageMaker roll the deployment back. No metric feeds it.`,
    namespace: 'sm-rollout',
    metricName: 'AbortRequested',
    dimensions: [{ name: 'RolloutId', value: spec.rolloutId }],
    statistic: 'Maximum',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    treatMissingData: 'ignore',
  };
}

/**
 * The ScalingControl port over the simulated Application Auto Scaling: each call is gated (throttling)
 * and logged under its API name; describing a variant's scaling is the three Describe calls it takes.
 * DeregisterScalableTarget's ObjectNotFoundException is the port's 'absent'.
 */
export function createScalingControl(autoscaling: SimAutoScaling, gate: ApiGate): ScalingControl {
  const target = (endpointName: string, variantName: string) => ({
    ServiceNamespace: SERVICE_NAMESPACE,
    ResourceId: resourceIdOf(endpointName, variantName),
    ScalableDimension: SCALABLE_DIMENSION,
  });
  const done = () => 'ok';
  return {
    describeVariantScaling: async (endpointName, variantName) => {
      const { ResourceId, ...rest } = target(endpointName, variantName);
      const found = await gate.call(
        'DescribeScalableTargets',
        { ...rest, ResourceIds: [ResourceId] },
        () => autoscaling.describe(endpointName, variantName),
        (view) => (view === undefined ? 'found 0' : 'found 1'),
      );
      if (found === undefined) return undefined;
      const policies = await gate.call(
        'DescribeScalingPolicies',
        { ServiceNamespace: SERVICE_NAMESPACE, ResourceId, ScalableDimension: SCALABLE_DIMENSION },
        () => autoscaling.describe(endpointName, variantName)?.policies ?? [],
        (list) => `found ${list.length}`,
      );
      const scheduledActions = await gate.call(
        'DescribeScheduledActions',
        { ServiceNamespace: SERVICE_NAMESPACE, ResourceId, ScalableDimension: SCALABLE_DIMENSION },
        () => autoscaling.describe(endpointName, variantName)?.scheduledActions ?? [],
        (list) => `found ${list.length}`,
      );
      return {
        target: found.target,
        policies: policies.map(({ policyArn: _arn, ...policy }) => policy),
        scheduledActions,
      };
    },
    registerScalableTarget: async (endpointName, variantName, state) =>
      gate.call(
        'RegisterScalableTarget',
        {
          ...target(endpointName, variantName),
          MinCapacity: state.minCapacity,
          MaxCapacity: state.maxCapacity,
          SuspendedState: {
            DynamicScalingInSuspended: state.suspended.dynamicScalingInSuspended,
            DynamicScalingOutSuspended: state.suspended.dynamicScalingOutSuspended,
            ScheduledScalingSuspended: state.suspended.scheduledScalingSuspended,
          },
        },
        () => autoscaling.registerScalableTarget(endpointName, variantName, state),
        done,
      ),
    putScalingPolicy: async (endpointName, variantName, policy) => {
      await gate.call(
        'PutScalingPolicy',
        {
          PolicyName: policy.policyName,
          ...target(endpointName, variantName),
          PolicyType: policy.policyType,
          [`${policy.policyType}PolicyConfiguration`]: policy.configuration,
        },
        () => autoscaling.putScalingPolicy(endpointName, variantName, policy),
        done,
      );
    },
    putScheduledAction: async (endpointName, variantName, action) =>
      gate.call(
        'PutScheduledAction',
        {
          ...target(endpointName, variantName),
          ScheduledActionName: action.scheduledActionName,
          Schedule: action.schedule,
          ...(action.timezone === undefined ? {} : { Timezone: action.timezone }),
          ...(action.startTime === undefined ? {} : { StartTime: new Date(action.startTime).toISOString() }),
          ...(action.endTime === undefined ? {} : { EndTime: new Date(action.endTime).toISOString() }),
          ScalableTargetAction: {
            ...(action.scalableTargetAction.minCapacity === undefined
              ? {}
              : { MinCapacity: action.scalableTargetAction.minCapacity }),
            ...(action.scalableTargetAction.maxCapacity === undefined
              ? {}
              : { MaxCapacity: action.scalableTargetAction.maxCapacity }),
          },
        },
        () => autoscaling.putScheduledAction(endpointName, variantName, action),
        done,
      ),
    deregisterScalableTarget: async (endpointName, variantName) =>
      gate.call(
        'DeregisterScalableTarget',
        target(endpointName, variantName),
        (): 'deregistered' | 'absent' => {
          try {
            autoscaling.deregisterScalableTarget(endpointName, variantName);
            return 'deregistered';
          } catch (error) {
            if (error instanceof AwsServiceException && error.name === 'ObjectNotFoundException')
              return 'absent';
            throw error;
          }
        },
        (outcome) => outcome,
      ),
  };
}

/** The InferenceComponentControl port over the simulated inference components, gated and logged. */
export function createInferenceComponentControl(
  components: SimInferenceComponents,
  gate: ApiGate,
): InferenceComponentControl {
  return {
    describeInferenceComponent: async (name) =>
      gate.call(
        'DescribeInferenceComponent',
        { InferenceComponentName: name },
        () => components.describeInferenceComponent(name),
        (result) => (result === undefined ? 'not found' : 'found'),
      ),
    listInferenceComponents: async (endpointName) =>
      gate.call(
        'ListInferenceComponents',
        { EndpointNameEquals: endpointName },
        () => components.listInferenceComponents(endpointName),
        (list) => `found ${list.length}`,
      ),
    updateInferenceComponent: async (request) =>
      gate.call(
        'UpdateInferenceComponent',
        {
          InferenceComponentName: request.inferenceComponentName,
          ModelName: request.specification.modelName,
          ...(request.copyCount === undefined ? {} : { CopyCount: request.copyCount }),
          RollingUpdatePolicy: request.rollingUpdate,
          Alarms: request.autoRollbackAlarms,
        },
        () => components.updateInferenceComponent(request),
        () => 'ok',
      ),
  };
}
