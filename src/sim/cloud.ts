// Assembles the simulated cloud: one clock, one seed, SageMaker (and its runtime and inference
// components), CloudWatch, Application Auto Scaling and S3 sharing an event bus, the 10-second tick
// that sends traffic, publishes metrics, evaluates alarms on their cadence, advances inference
// components' rolling updates and (each minute) scales, and the observation surface tests use.
import type {
  AlarmControl,
  AlarmStateValue,
  EndpointControl,
  MetricReader,
  EndpointInvoker,
  InferenceComponentControl,
  InferenceComponentState,
  ModelApprovalStatus,
  ObjectReader,
  ScalingControl,
  VariantScaling,
} from '../engine/ports';
import {
  ApiGate,
  createAlarmControl,
  createEndpointControl,
  createMetricReader,
  createEndpointInvoker,
  createInferenceComponentControl,
  createObjectReader,
  createScalingControl,
} from './api-calls';
import type { ScalingActivity, SimVariantScalingView } from './autoscaling';
import { SimAutoScaling } from './autoscaling';
import { Arns } from './aws-names';
import type { ScheduledTask } from './clock';
import { DEFAULT_START_TIME, SimClock } from './clock';
import type { CompositeAlarmInput, MetricAlarmInput, SimAlarmView } from './cloudwatch';
import { SimCloudWatch } from './cloudwatch';
import type { DeliveryFailure, SimEvent, SimEventListener } from './events';
import { EventBus } from './events';
import type { SimFault } from './faults';
import { FaultPlan } from './faults';
import type { ComponentHostingEndpointInput, CreateInferenceComponentInput } from './inference-components';
import { SimInferenceComponents } from './inference-components';
import type { MetricDatapoint } from './metrics';
import { METRIC_GRID_MS, MetricStore } from './metrics';
import type { RegisterModelPackageInput } from './model-registry';
import { ModelRegistry } from './model-registry';
import type { ScheduledWorkState, SimCloudState } from './persistence';
import { METRIC_HISTORY_MS, SIM_STATE_VERSION, assertSimCloudState } from './persistence';
import { SeededRandom, deriveSeed } from './random';
import type { CreateEndpointInput, SimEndpointView } from './sagemaker';
import { SimSageMaker } from './sagemaker';
import type { InvokeEndpointInput, InvokeEndpointOutput } from './runtime';
import { SimRuntime } from './runtime';
import { SimS3 } from './s3';
import { TrafficSimulator } from './traffic';
import type { ModelBehaviour, ServingChange, SimCall, SimTimings } from './types';
import { DEFAULT_TIMINGS } from './types';

export interface SimCloudOptions {
  /** Everything random (traffic, errors, latencies, update durations, event ids) follows from it. Default 1. */
  seed?: number;
  /** Epoch ms; default 2026-01-15T09:00:00Z. */
  startTime?: number;
  /** Default us-east-1. */
  region?: string;
  /** Default 123456789012. */
  accountId?: string;
  timings?: Partial<SimTimings>;
  /** Invocations each endpoint receives per simulated minute. Default 600. */
  requestsPerMinute?: number;
  /**
   * A state SimCloud.exportState() returned (possibly through JSON): the cloud continues from it,
   * with the seed, region, account, timings and rate it was created with. No other option may be given.
   */
  state?: SimCloudState;
}

export interface SimCloud {
  readonly clock: SimClock;
  /** The EndpointControl port (SageMaker). */
  readonly sagemaker: EndpointControl;
  /** The AlarmControl port (CloudWatch). */
  readonly cloudwatch: AlarmControl;
  /** The ScalingControl port (Application Auto Scaling for SageMaker variants). */
  readonly autoscaling: ScalingControl;
  /** The MetricReader port (CloudWatch GetMetricData): data ingested so far, AWS's periods and statistics. */
  readonly metrics: MetricReader;
  /** The EndpointInvoker port (SageMaker Runtime InvokeEndpoint, served from the variants' models). */
  readonly runtime: EndpointInvoker;
  /** The ObjectReader port (S3 GetObject of what putObject stored). */
  readonly s3: ObjectReader;
  /** The InferenceComponentControl port (Describe/List/UpdateInferenceComponent). */
  readonly inferenceComponents: InferenceComponentControl;
  readonly region: string;
  readonly accountId: string;
  readonly timings: SimTimings;

  /** Registers a model package version; returns its ARN. Emits a Model Package State Change. */
  registerModelPackage(input: RegisterModelPackageInput): string;
  /** Approves or rejects a package (UpdateModelPackage); emits a Model Package State Change. */
  setModelPackageApproval(modelPackageArn: string, approvalStatus: ModelApprovalStatus): void;
  /** Edits a package's metadata (e.g. ModelLifeCycle); emits a Model Package State Change naming the fields. */
  updateModelPackageMetadata(modelPackageArn: string, fields: readonly string[]): void;
  /** An InService endpoint serving one model at weight 1 (creates `<endpoint>-model-0`, `<endpoint>-config-0`). */
  createEndpoint(input: CreateEndpointInput): string;
  /**
   * An InService endpoint that hosts inference components (its variant has no ModelName, its config an
   * ExecutionRoleArn); components are created on it with createInferenceComponent.
   */
  createComponentHostingEndpoint(input: ComponentHostingEndpointInput): string;
  /**
   * CreateInferenceComponent, as the endpoint's owner calls it (AWS's validation; not a port call):
   * Creating for a few minutes, then InService with its copies.
   */
  createInferenceComponent(input: CreateInferenceComponentInput): void;
  /**
   * A fault: the component's next copies fail their health check (on create it ends Failed; during a
   * rolling update the batch never takes traffic and the update rolls back with that reason).
   */
  failNextComponentCopies(inferenceComponentName: string, reason?: string): void;
  /** DeleteInferenceComponent, as the endpoint's owner calls it. */
  deleteInferenceComponent(inferenceComponentName: string): void;
  /** From the slice in progress on, the component receives `rpm` invocations per minute. */
  setComponentRequestsPerMinute(inferenceComponentName: string, rpm: number): void;
  /**
   * InvokeEndpoint as a client application sends it (TargetVariant, or InferenceComponentName on an
   * endpoint hosting components); not a port call. A model's 5xx is thrown as ModelError.
   */
  invokeEndpoint(input: InvokeEndpointInput): InvokeEndpointOutput;
  /** An ML capacity reservation for `instanceType` (what a variant's CapacityReservationConfig names); returns its ARN. */
  createCapacityReservation(name: string, instanceType: string): string;
  /** DeleteEndpoint by someone else: Deleting (event sent) for `timings.deleteEndpointMs`, then gone. */
  deleteEndpoint(endpointName: string): void;
  /**
   * PutMetricAlarm: one metric (AWS/SageMaker by default; endpointName/variantName are shorthand for
   * its dimensions) or metric math. A dimension set SageMaker does not publish sees no data.
   */
  createMetricAlarm(input: MetricAlarmInput): void;
  /** PutCompositeAlarm: ALARM while its AlarmRule over other alarms is TRUE, OK while FALSE. */
  createCompositeAlarm(input: CompositeAlarmInput): void;
  /**
   * SetAlarmState: holds until the next evaluation, which may flip it back. `reasonData` is its
   * StateReasonData (JSON): a scaling policy the alarm invokes needs its recentDatapoints.
   */
  setAlarmState(alarmName: string, state: AlarmStateValue, reason: string, reasonData?: string): void;
  injectFault(fault: SimFault): void;
  /** Changes a model's health from now on: a package ARN (and every model created from it) or a model name. */
  setBehaviour(modelPackageArnOrModelName: string, behaviour: ModelBehaviour): void;
  /**
   * The endpoint owner's own Application Auto Scaling set-up of a variant (RegisterScalableTarget,
   * PutScalingPolicy, PutScheduledAction), as a scene would have it before any rollout; not a port call.
   */
  autoScaleVariant(endpointName: string, variantName: string, setup: VariantScaling): void;
  /** From the minute in progress on, the endpoint receives `rpm` invocations per minute (load). */
  setRequestsPerMinute(endpointName: string, rpm: number): void;
  /** DeleteScalingPolicy, as the endpoint's owner would call it (ObjectNotFoundException when absent). */
  deleteScalingPolicy(endpointName: string, variantName: string, policyName: string): void;
  /** DeleteScheduledAction, as the endpoint's owner would call it. */
  deleteScheduledAction(endpointName: string, variantName: string, scheduledActionName: string): void;
  /** PutObject, as the team would upload a file (sample requests for a pre-traffic check); not a port call. */
  putObject(bucket: string, key: string, text: string): void;
  /** Subscribes to the EventBridge events the cloud sends; returns the unsubscribe function. */
  onEvent(listener: SimEventListener): () => void;

  /** Every event sent so far, in order. */
  readonly events: readonly SimEvent[];
  /** Listener failures (thrown or rejected): recorded, never thrown into the cloud. */
  readonly deliveryFailures: readonly DeliveryFailure[];
  endpoint(endpointName: string): SimEndpointView | undefined;
  /** DescribeInferenceComponent (an observation, not logged), with the live copies by model. */
  inferenceComponent(
    name: string,
  ): (InferenceComponentState & { copiesByModel: { model: string; copies: number }[] }) | undefined;
  modelNames(): string[];
  endpointConfigNames(): string[];
  alarmNames(): string[];
  alarm(alarmName: string): SimAlarmView | undefined;
  /** Every port call, in order, with its outcome. */
  readonly calls: readonly SimCall[];
  /** Every change of what serves traffic. */
  readonly servingHistory: readonly ServingChange[];
  /** The variant's scalable target, policies (with ARNs) and scheduled actions; undefined when not registered. */
  scalingOf(endpointName: string, variantName: string): SimVariantScalingView | undefined;
  /** Every scaling activity Application Auto Scaling tried, in order (DescribeScalingActivities). */
  readonly scalingActivities: readonly ScalingActivity[];
  /** Things SageMaker allows but a correct controller never does: an InService/Updating endpoint whose weights sum to 0, deleting a config or model a live endpoint uses or is updating to, a scalable target left for a variant that is gone. */
  readonly violations: readonly string[];
  /**
   * When the variant served its first failed (5xx) request of the traffic (an observation: requests
   * arrive evenly within each 10-second slice); undefined if it has not, or since the cloud was restored.
   */
  firstFailedRequestAt(endpointName: string, variantName: string): number | undefined;
  /**
   * One datapoint per minute with data in [fromMs, toMs), whether CloudWatch readers can see it yet or
   * not (an observation); variantName undefined = all variants merged.
   */
  metricData(
    endpointName: string,
    variantName: string | undefined,
    metricName: string,
    fromMs: number,
    toMs: number,
  ): MetricDatapoint[];

  /**
   * Everything needed to continue this cloud in another process, as plain JSON-serialisable data
   * (see persistence.ts for what is and is not kept). Not allowed from inside scheduled work.
   */
  exportState(): SimCloudState;
}

const MINUTE_MS = 60_000;

/** Recreates a cloud from SimCloud.exportState()'s result (same as createSimCloud({ state })). */
export function restoreSimCloud(state: SimCloudState): SimCloud {
  return createSimCloud({ state });
}

export function createSimCloud(options: SimCloudOptions = {}): SimCloud {
  const saved = options.state;
  if (saved !== undefined) {
    assertSimCloudState(saved);
    const others = Object.keys(options).filter(
      (key) => key !== 'state' && options[key as keyof SimCloudOptions] !== undefined,
    );
    if (others.length > 0) {
      throw new Error(
        `createSimCloud: a saved state carries its own settings; do not also pass ${others.join(', ')}`,
      );
    }
  }
  const seed = saved?.config.seed ?? options.seed ?? 1;
  const region = saved?.config.region ?? options.region ?? 'us-east-1';
  const accountId = saved?.config.accountId ?? options.accountId ?? '123456789012';
  const timings: SimTimings = { ...DEFAULT_TIMINGS, ...(saved?.config.timings ?? options.timings) };
  const requestsPerMinute = saved?.config.requestsPerMinute ?? options.requestsPerMinute ?? 600;
  if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 0) {
    throw new Error(`requestsPerMinute must be a non-negative integer, got ${requestsPerMinute}`);
  }

  const clock = new SimClock(saved?.now ?? options.startTime ?? DEFAULT_START_TIME);
  const arns = new Arns(region, accountId);
  // Separate streams: adding a describe call or an alarm to a test must not change the traffic.
  // A restored cloud continues each stream where the saved one stopped.
  const stream = (
    name: string,
    restored: SimCloudState['random'][keyof SimCloudState['random']] | undefined,
  ) => (restored === undefined ? new SeededRandom(deriveSeed(seed, name)) : SeededRandom.fromState(restored));
  const random = {
    eventIds: stream('event-ids', saved?.random.eventIds),
    updateDurations: stream('update-durations', saved?.random.updateDurations),
    alarmMetricIds: stream('alarm-metric-ids', saved?.random.alarmMetricIds),
    traffic: stream('traffic', saved?.random.traffic),
    invocations: stream('invocations', saved?.random.invocations),
  };
  // Saved only once drawn from (or when the saved state had it): a cloud nobody invoked saves what it always did.
  const invocationsSaved = saved?.random.invocations !== undefined;
  const bus = new EventBus(clock, random.eventIds, accountId, region);
  const faults = new FaultPlan();
  const gate = new ApiGate(clock, faults);
  const registry = new ModelRegistry(arns, clock, bus);
  const sagemaker = new SimSageMaker({
    arns,
    clock,
    bus,
    registry,
    faults,
    timings,
    jitter: random.updateDurations,
  });
  const metrics = new MetricStore();
  const cloudwatch = new SimCloudWatch({
    clock,
    metrics,
    bus,
    arns,
    ids: random.alarmMetricIds,
    timings,
  });
  const traffic = new TrafficSimulator(
    sagemaker,
    metrics,
    random.traffic,
    requestsPerMinute,
    timings.metricIngestionDelayMs,
  );
  const autoscaling = new SimAutoScaling({
    clock,
    arns,
    bus,
    metrics,
    sagemaker,
    alarms: cloudwatch,
    violations: sagemaker.violations,
    seed,
  });
  sagemaker.attachScaling(autoscaling);
  const inferenceComponents = new SimInferenceComponents({
    arns,
    clock,
    metrics,
    modelBehaviour: (modelName) =>
      sagemaker.modelNames().includes(modelName) ? sagemaker.behaviourOf(modelName) : undefined,
    isModelEndpoint: (endpointName) => sagemaker.endpointView(endpointName) !== undefined,
    alarmState: (alarmName) => cloudwatch.alarmView(alarmName)?.state,
    requestsPerMinute,
    ingestionDelayMs: timings.metricIngestionDelayMs,
    random:
      saved?.inferenceComponents === undefined
        ? new SeededRandom(deriveSeed(seed, 'inference-components'))
        : SeededRandom.fromState(saved.inferenceComponents.random),
  });
  sagemaker.attachAlarms({ alarmStateOf: (name) => cloudwatch.alarmView(name)?.state });
  const runtime = new SimRuntime({
    sagemaker,
    recordInvocation: (endpointName, variantName, at, sample) =>
      traffic.recordInvocation(endpointName, variantName, at, sample),
    clock,
    arns,
    random: random.invocations,
    inferenceComponents,
  });
  const s3 = new SimS3();

  // Each 10-second boundary: the past slice's traffic is sent and the publish periods it completes are
  // published (visible after the ingestion delay), then the alarms due on their cadence are evaluated;
  // at each minute boundary also idle variants' zero datapoints and Application Auto Scaling.
  let nextTick: ScheduledTask;
  const scheduleTick = (at: number) => {
    nextTick = clock.schedule(at, () => {
      traffic.runSlice(at - METRIC_GRID_MS);
      inferenceComponents.runSlice(at - METRIC_GRID_MS);
      const minuteBoundary = at % MINUTE_MS === 0;
      if (minuteBoundary) autoscaling.publishIdleMetrics(at - MINUTE_MS, timings.metricIngestionDelayMs);
      // Guardrails read the alarms as they stand before this evaluation: a state SetAlarmState set since
      // the last tick is seen even if this evaluation moves the alarm back.
      sagemaker.monitorDeployments(at);
      cloudwatch.evaluateAll(at);
      // Rolling updates watch their alarms as just evaluated.
      inferenceComponents.advance(at);
      if (minuteBoundary) autoscaling.evaluate(at);
      scheduleTick(at + METRIC_GRID_MS);
    });
  };
  if (saved === undefined) {
    scheduleTick(Math.floor(clock.now() / METRIC_GRID_MS) * METRIC_GRID_MS + METRIC_GRID_MS);
  } else {
    registry.importState(saved.modelPackages);
    sagemaker.importState(saved.sagemaker);
    cloudwatch.importState(saved.alarms);
    metrics.importState(saved.metrics.series);
    faults.importState(saved.faults);
    autoscaling.importState(saved.autoscaling);
    traffic.importRates(saved.requestRates);
    traffic.importOpenPeriods(saved.openPeriods);
    s3.importState(saved.objects);
    if (saved.inferenceComponents !== undefined) inferenceComponents.importState(saved.inferenceComponents);
    // Same order as saved: work due at the same moment runs as it would have.
    let ticks = 0;
    for (const work of saved.scheduled) {
      if (work.kind === 'trafficTick') {
        scheduleTick(work.at);
        ticks++;
      } else {
        sagemaker.resumeUpdate(work);
      }
    }
    if (ticks !== 1) throw new Error(`simulated cloud state must schedule one traffic tick, found ${ticks}`);
  }

  const exportState = (): SimCloudState => {
    if (clock.isAdvancing()) {
      throw new Error('the simulated cloud cannot be saved from inside scheduled work or an event listener');
    }
    const scheduled: Array<ScheduledWorkState & { sequence: number }> = [
      { kind: 'trafficTick', at: nextTick.at, sequence: nextTick.sequence },
      ...sagemaker.pendingUpdates(),
    ];
    scheduled.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
    // The next tick sends the slice before it; alarms read back their whole evaluation range.
    const sliceInProgress = nextTick.at - METRIC_GRID_MS;
    const metricsFrom = Math.min(
      Math.floor((clock.now() - METRIC_HISTORY_MS) / MINUTE_MS) * MINUTE_MS,
      cloudwatch.oldestPeriodNeeded(nextTick.at),
      autoscaling.oldestMinuteNeeded(nextTick.at),
    );
    const scaling = autoscaling.exportState();
    const requestRates = traffic.exportRates();
    const openPeriods = traffic.exportOpenPeriods();
    const objects = s3.exportState();
    const state: SimCloudState = {
      version: SIM_STATE_VERSION,
      config: { seed, region, accountId, timings: { ...timings }, requestsPerMinute },
      now: clock.now(),
      random: {
        eventIds: random.eventIds.snapshot(),
        updateDurations: random.updateDurations.snapshot(),
        alarmMetricIds: random.alarmMetricIds.snapshot(),
        traffic: random.traffic.snapshot(),
        ...(invocationsSaved || runtime.invoked ? { invocations: random.invocations.snapshot() } : {}),
      },
      scheduled: scheduled.map(({ sequence: _order, ...work }) => work),
      modelPackages: registry.exportState(),
      sagemaker: sagemaker.exportState(sliceInProgress),
      alarms: cloudwatch.exportState(),
      metrics: { from: metricsFrom, series: metrics.exportState(metricsFrom) },
      faults: faults.exportState(),
      // Only when there is something: a cloud without scaling or set rates saves what it always did.
      ...(scaling.targets.length === 0 && scaling.idsDrawn === 0 ? {} : { autoscaling: scaling }),
      ...(Object.keys(requestRates).length === 0 ? {} : { requestRates }),
      ...(openPeriods.length === 0 ? {} : { openPeriods }),
      ...(objects.length === 0 ? {} : { objects }),
      ...(inferenceComponents.used ? { inferenceComponents: inferenceComponents.exportState() } : {}),
    };
    return state;
  };

  return {
    clock,
    sagemaker: createEndpointControl(sagemaker, gate, inferenceComponents),
    cloudwatch: createAlarmControl(cloudwatch, gate),
    autoscaling: createScalingControl(autoscaling, gate),
    metrics: createMetricReader(metrics, gate, clock),
    runtime: createEndpointInvoker(runtime, gate),
    s3: createObjectReader(s3, gate),
    inferenceComponents: createInferenceComponentControl(inferenceComponents, gate),
    region,
    accountId,
    timings,

    registerModelPackage: (input) => registry.register(input),
    setModelPackageApproval: (arn, status) => registry.setApproval(arn, status),
    updateModelPackageMetadata: (arn, fields) => registry.updateMetadata(arn, fields),
    createEndpoint: (input) => sagemaker.createEndpoint(input),
    createComponentHostingEndpoint: (input) => inferenceComponents.createHostingEndpoint(input),
    createInferenceComponent: (input) => {
      inferenceComponents.createInferenceComponent(input);
    },
    failNextComponentCopies: (name, reason) => inferenceComponents.failNextCopies(name, reason),
    deleteInferenceComponent: (name) => {
      inferenceComponents.deleteInferenceComponent(name);
    },
    setComponentRequestsPerMinute: (name, rpm) => inferenceComponents.setRequestsPerMinute(name, rpm),
    invokeEndpoint: (input) => runtime.invokeEndpoint(input),
    createCapacityReservation: (name, instanceType) =>
      sagemaker.createCapacityReservation(name, instanceType),
    deleteEndpoint: (endpointName) => sagemaker.deleteEndpoint(endpointName),
    createMetricAlarm: (input) => cloudwatch.putMetricAlarm(input),
    createCompositeAlarm: (input) => cloudwatch.putCompositeAlarm(input),
    setAlarmState: (alarmName, state, reason, reasonData) =>
      cloudwatch.setAlarmState(alarmName, state, reason, reasonData),
    injectFault: (fault) => {
      switch (fault.kind) {
        case 'updateFails':
        case 'silentRollback':
        case 'rollbackFails':
          if (sagemaker.endpointView(fault.endpointName) === undefined) {
            throw new Error(
              `cannot arm ${fault.kind}: no endpoint ${fault.endpointName} in the simulated cloud`,
            );
          }
          faults.armUpdateFault(fault);
          return;
        case 'throttle':
          faults.armThrottle(fault.operations, fault.count);
          return;
        case 'deleteEndpoint':
          sagemaker.deleteEndpointNow(fault.endpointName);
          return;
        case 'notYetVisible':
          faults.armVisibilityFault(fault);
          return;
      }
    },
    setBehaviour: (key, behaviour) => {
      if (registry.setBehaviour(key, behaviour)) {
        sagemaker.setBehaviourOfModelsFrom(key, behaviour);
        return;
      }
      if (!sagemaker.setModelBehaviour(key, behaviour)) {
        throw new Error(`no model package or model named ${key} in the simulated cloud`);
      }
    },
    autoScaleVariant: (endpointName, variantName, setup) => {
      autoscaling.registerScalableTarget(endpointName, variantName, setup.target);
      for (const { alarmNames: _made, ...policy } of setup.policies) {
        autoscaling.putScalingPolicy(endpointName, variantName, policy);
      }
      for (const action of setup.scheduledActions) {
        autoscaling.putScheduledAction(endpointName, variantName, action);
      }
    },
    setRequestsPerMinute: (endpointName, rpm) => traffic.setRequestsPerMinute(endpointName, rpm),
    deleteScalingPolicy: (endpointName, variantName, policyName) =>
      autoscaling.deleteScalingPolicy(endpointName, variantName, policyName),
    deleteScheduledAction: (endpointName, variantName, name) =>
      autoscaling.deleteScheduledAction(endpointName, variantName, name),
    putObject: (bucket, key, text) => s3.putObject(bucket, key, text),
    onEvent: (listener) => bus.onEvent(listener),

    get events() {
      return bus.events;
    },
    get deliveryFailures() {
      return bus.deliveryFailures;
    },
    endpoint: (name) => sagemaker.endpointView(name),
    inferenceComponent: (name) => {
      const state = inferenceComponents.describeInferenceComponent(name);
      return state === undefined
        ? undefined
        : { ...state, copiesByModel: inferenceComponents.copiesOf(name) };
    },
    modelNames: () => sagemaker.modelNames(),
    endpointConfigNames: () => sagemaker.endpointConfigNames(),
    alarmNames: () => cloudwatch.alarmNames(),
    alarm: (name) => cloudwatch.alarmView(name),
    get calls() {
      return gate.calls;
    },
    get servingHistory() {
      return sagemaker.servingHistory;
    },
    scalingOf: (endpointName, variantName) => autoscaling.describe(endpointName, variantName),
    get scalingActivities() {
      return autoscaling.activities;
    },
    get violations() {
      return sagemaker.violations;
    },
    metricData: (endpointName, variantName, metricName, fromMs, toMs) =>
      metrics.datapoints(endpointName, variantName, metricName, fromMs, toMs),
    firstFailedRequestAt: (endpointName, variantName) =>
      traffic.firstFailedRequestAt(endpointName, variantName),
    exportState,
  };
}
