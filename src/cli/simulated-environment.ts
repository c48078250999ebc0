// A complete sm-rollout installation on the simulated cloud — endpoint, model registry, alarms,
// the controller the Lambda runs (behind its handler), a store, the controller's wake-up queue and a
// simulated EventBridge that delivers the cloud's events, the queue's wake-ups and a Scheduled Event
// every simulated minute — for the demo, `--simulate` and the tests.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EndpointControl,
  type EngineSettings,
  type LifecycleEvent,
  type LifecyclePublisher,
  type PolicyLookup,
  type RolloutController,
  RolloutEngine,
  type VariantScaling,
} from '../engine';
import { controllerHandler, createController, type HandlerResult } from '../handlers/controller';
import {
  createSimCloud,
  SimWakeUpQueue,
  type SimCloud,
  type SimCloudOptions,
  type ModelBehaviour,
} from '../sim';
import { SimEventBridge } from '../sim/eventbridge';
import { MemoryRolloutStore } from '../store';
import type { RolloutStore } from '../store';
import type { CandidateAlarmTemplate } from '../../statemachines/contract';
import type { RolloutDriver } from './local-backend';

export const DEMO_ENDPOINT = 'churn-prod';
export const DEMO_GROUP = 'churn-model';
export const DEMO_ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker-exec';

export const HEALTHY_MODEL: ModelBehaviour = { errorRate: 0.002, latencyMs: 45 };
export const BAD_MODEL: ModelBehaviour = { errorRate: 0.2, latencyMs: 140 };

/** The alarms the demo asks the controller to create on the candidate variant. */
const NOT_SUSPENDED = {
  dynamicScalingInSuspended: false,
  dynamicScalingOutSuspended: false,
  scheduledScalingSuspended: false,
};

/**
 * A production team's Application Auto Scaling for a serving variant of `min`–`max` instances: target
 * tracking on invocations per instance, and one more instance during weekday office hours (UTC).
 */
export function productionScaling(min: number, max: number, invocationsPerInstance: number): VariantScaling {
  return {
    target: { minCapacity: min, maxCapacity: max, suspended: NOT_SUSPENDED },
    policies: [
      {
        policyName: 'invocations-per-instance',
        policyType: 'TargetTrackingScaling',
        configuration: {
          TargetValue: invocationsPerInstance,
          PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
        alarmNames: [],
      },
    ],
    scheduledActions: [
      {
        scheduledActionName: 'weekday-mornings',
        schedule: 'cron(0 7 ? * MON-FRI *)',
        scalableTargetAction: { minCapacity: min + 1 },
      },
      {
        scheduledActionName: 'weekday-evenings',
        schedule: 'cron(0 19 ? * MON-FRI *)',
        scalableTargetAction: { minCapacity: min },
      },
    ],
  };
}

/** The demo endpoint's scaling: 2–6 instances, 400 invocations per instance a minute (600/min needs 2). */
export const DEMO_SCALING = productionScaling(2, 6, 400);

export const DEMO_CANDIDATE_ALARMS: CandidateAlarmTemplate[] = [
  {
    suffix: '5xx-rate',
    metricName: 'Invocation5XXErrors',
    statistic: 'Average',
    threshold: 0.05,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
  },
  {
    suffix: 'p99-latency',
    metricName: 'ModelLatency',
    statistic: 'p99',
    threshold: 500_000,
    comparison: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
  },
];

export class MemoryLifecyclePublisher implements LifecyclePublisher {
  readonly published: LifecycleEvent[] = [];
  async publish(events: readonly LifecycleEvent[]): Promise<void> {
    this.published.push(...events);
  }
}

export interface ControllerLogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** No policies: every start names its whole request (what `--local` and `--simulate` have). */
export const NO_POLICIES: PolicyLookup = { forGroup: () => undefined, forEndpoint: () => undefined };

export interface SimulatedEnvironment {
  sim: SimCloud;
  store: RolloutStore;
  lifecycle: MemoryLifecyclePublisher;
  /** The controller the handler hands events to (its dry run, `check`, is what the CLI asks first). */
  controller: RolloutController;
  /** The controller Lambda's handler, over the simulated cloud. */
  handler: (event: unknown) => Promise<HandlerResult>;
  /** Delivers the cloud's events and the wake-ups to the handler, and a Scheduled Event every simulated minute. */
  bridge: SimEventBridge<HandlerResult>;
  /** The controller's wake-up queue (absent with `wakeUps: false`: the schedule alone wakes rollouts). */
  wakeUpQueue?: SimWakeUpQueue;
  /**
   * An engine over the same store and cloud, for tests of the engine itself (crash safety, races);
   * hosts go through the handler.
   */
  engine: RolloutEngine;
  /** What the controller logged (Powertools' Logger in the Lambda). */
  logs: ControllerLogLine[];
  baselinePackageArn: string;
  /** Registers and approves a new model version with the given health; returns its ARN. */
  approveNewVersion(behaviour: ModelBehaviour): string;
  /** The driver LocalBackend uses: commands delivered at once, time passing a simulated minute at a time. */
  driver: RolloutDriver;
  /** Warnings and errors the controller and the engine reported. */
  warnings: string[];
}

export function createSimulatedEnvironment(
  options: {
    sim?: SimCloudOptions;
    settings?: Partial<EngineSettings>;
    store?: RolloutStore;
    instanceCount?: number;
    /** The demo endpoint is auto-scaled (DEMO_SCALING), as production endpoints are; default false. */
    autoScaling?: boolean;
    /** A cloud restored from an earlier CLI command; the demo world is not created again. */
    cloud?: SimCloud;
    /** Seeded rollout and event ids (the demo); off when rollouts outlive the process (`--simulate`). */
    deterministicIds?: boolean;
    policies?: PolicyLookup;
    /** Simulated seconds per real second (the demo's --speed); default: no waiting. */
    speed?: number;
    /** Wraps the SageMaker port the controller sees (a fault between it and the cloud); the cloud's own is kept. */
    endpoints?: (sim: SimCloud) => EndpointControl;
    /** Where lifecycle events go (default: kept in `lifecycle`). */
    events?: LifecyclePublisher;
    /** Rollout ids `<prefix>0001`, `<prefix>0002`, ... (default: from the seed). */
    idPrefix?: string;
    /** How the simulated EventBridge treats a handler error (default: Lambda's retries, then dead-letter). */
    onError?: 'retry' | 'throw';
    /** Precise wake-ups through the simulated SQS queue, as the stack deploys them (default true). */
    wakeUps?: boolean;
  } = {},
): SimulatedEnvironment {
  const sim = options.cloud ?? createSimCloud({ seed: 7, ...options.sim });
  const store = options.store ?? new MemoryRolloutStore();
  const lifecycle = new MemoryLifecyclePublisher();
  const warnings: string[] = [];
  const logs: ControllerLogLine[] = [];
  const baselinePackageArn = options.cloud
    ? `arn:aws:sagemaker:${sim.region}:${sim.accountId}:model-package/${DEMO_GROUP}/1`
    : sim.registerModelPackage({
        groupName: DEMO_GROUP,
        approvalStatus: 'Approved',
        behaviour: HEALTHY_MODEL,
      });
  if (!options.cloud) {
    sim.createEndpoint({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn: baselinePackageArn,
      instanceType: 'ml.m5.large',
      instanceCount: options.instanceCount ?? 2,
    });
    if (options.autoScaling) sim.autoScaleVariant(DEMO_ENDPOINT, 'AllTraffic', DEMO_SCALING);
  }
  const deterministic = options.deterministicIds !== false;
  // Rollout and event ids follow the seed too, so the same seed prints the same run.
  const seed = options.sim?.seed ?? 7;
  let rollouts = 0;
  let eventIds = 0;
  const prefix = options.idPrefix ?? `r-sim${seed.toString(36)}`;
  const newId = deterministic ? () => `${prefix}${(++rollouts).toString(36).padStart(4, '0')}` : undefined;
  const wakeUpQueue =
    options.wakeUps === false
      ? undefined
      : new SimWakeUpQueue(sim.clock, { region: sim.region, accountId: sim.accountId });
  const deps = {
    store,
    ...(wakeUpQueue ? { wakeUps: wakeUpQueue.scheduler } : {}),
    endpoints: options.endpoints ? options.endpoints(sim) : sim.sagemaker,
    alarms: sim.cloudwatch,
    scaling: sim.autoscaling,
    metrics: sim.metrics,
    invoker: sim.runtime,
    objects: sim.s3,
    components: sim.inferenceComponents,
    events: options.events ?? lifecycle,
    clock: sim.clock,
    settings: options.settings,
    ...(newId ? { newId } : {}),
    // Retries of "not yet visible" need no real wait: the simulated fault counts calls, not time.
    wait: () => Promise.resolve(),
  };
  const capture =
    (level: ControllerLogLine['level']) =>
    (message: unknown, ...extra: unknown[]): void => {
      const fields = extra[0];
      const line: ControllerLogLine = {
        level,
        message: String(message),
        ...(fields && typeof fields === 'object' ? { fields: fields as Record<string, unknown> } : {}),
      };
      logs.push(line);
      if (level !== 'info') warnings.push(line.message);
    };
  const tools = { logger: { info: capture('info'), warn: capture('warn'), error: capture('error') } };
  const controller = createController({ ...deps, policies: options.policies ?? NO_POLICIES }, tools);
  const handler = controllerHandler(controller, tools);
  const speed = options.speed;
  const bridge = new SimEventBridge<HandlerResult>(sim, {
    target: handler,
    ...(wakeUpQueue ? { wakeUpQueue } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(deterministic ? { newId: () => `evt-sim${seed.toString(36)}-${++eventIds}` } : {}),
    ...(speed && Number.isFinite(speed)
      ? { beforeAdvance: (t: number) => sleep((t - sim.clock.now()) / speed).then(() => undefined) }
      : {}),
  });
  const driver: RolloutDriver = {
    clock: sim.clock,
    account: sim.accountId,
    region: sim.region,
    async send(event) {
      const result = await bridge.deliver(event);
      await bridge.flush();
      return result;
    },
    advance: () => bridge.minute(),
  };
  return {
    sim,
    store,
    lifecycle,
    controller,
    handler,
    bridge,
    ...(wakeUpQueue ? { wakeUpQueue } : {}),
    engine: new RolloutEngine({ ...deps, warn: (message) => warnings.push(message) }),
    logs,
    baselinePackageArn,
    warnings,
    driver,
    approveNewVersion(behaviour) {
      const arn = sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour });
      sim.setModelPackageApproval(arn, 'Approved');
      return arn;
    },
  };
}
