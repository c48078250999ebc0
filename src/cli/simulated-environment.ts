// A complete sm-rollout installation on the simulated cloud — endpoint, model registry, alarms,
// engine and store — for the demo, `--simulate` and the scenario tests.
import { RolloutEngine, type EngineSettings } from '../engine/engine';
import type { AwsEvent } from '../engine/routing';
import type { LifecycleEvent, LifecyclePublisher } from '../engine/ports';
import type { RunnerTime } from '../engine/local-runner';
import { createSimCloud, type SimCloud, type SimCloudOptions, type ModelBehaviour } from '../sim';
import { MemoryRolloutStore } from '../store';
import type { RolloutStore } from '../store';
import type { CandidateAlarmTemplate } from '../../statemachines/contract';

export const DEMO_ENDPOINT = 'churn-prod';
export const DEMO_GROUP = 'churn-model';
export const DEMO_ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker-exec';

export const HEALTHY_MODEL: ModelBehaviour = { errorRate: 0.002, latencyMs: 45 };
export const BAD_MODEL: ModelBehaviour = { errorRate: 0.2, latencyMs: 140 };

/** The alarms the demo asks the controller to create on the candidate variant. */
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

export interface SimulatedEnvironment {
  sim: SimCloud;
  engine: RolloutEngine;
  store: RolloutStore;
  lifecycle: MemoryLifecyclePublisher;
  baselinePackageArn: string;
  /** Registers and approves a new model version with the given health; returns its ARN. */
  approveNewVersion(behaviour: ModelBehaviour): string;
  /** The AWS events sent since the last call. */
  drainEvents(): AwsEvent[];
  /** Virtual time that passes instantly, or paced to `speed` virtual seconds per real second. */
  time(speed?: number): RunnerTime;
  warnings: string[];
}

export function createSimulatedEnvironment(
  options: {
    sim?: SimCloudOptions;
    settings?: Partial<EngineSettings>;
    store?: RolloutStore;
    instanceCount?: number;
    /** A cloud restored from an earlier CLI command; the demo world is not created again. */
    cloud?: SimCloud;
    /** Seeded rollout ids (the demo); off when rollouts outlive the process (`--simulate`). */
    deterministicIds?: boolean;
  } = {},
): SimulatedEnvironment {
  const sim = options.cloud ?? createSimCloud({ seed: 7, ...options.sim });
  const store = options.store ?? new MemoryRolloutStore();
  const lifecycle = new MemoryLifecyclePublisher();
  const warnings: string[] = [];
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
  }
  const pending: AwsEvent[] = [];
  // Rollout ids follow the seed too, so the same seed prints the same run.
  let rollouts = 0;
  const seed = options.sim?.seed ?? 7;
  sim.onEvent((event) => {
    pending.push(event as unknown as AwsEvent);
  });
  const engine = new RolloutEngine({
    store,
    endpoints: sim.sagemaker,
    alarms: sim.cloudwatch,
    events: lifecycle,
    clock: sim.clock,
    settings: options.settings,
    warn: (message) => warnings.push(message),
    ...(options.deterministicIds === false
      ? {}
      : { newId: () => `r-sim${seed.toString(36)}${(++rollouts).toString(36).padStart(4, '0')}` }),
  });
  return {
    sim,
    engine,
    store,
    lifecycle,
    baselinePackageArn,
    warnings,
    approveNewVersion(behaviour) {
      const arn = sim.registerModelPackage({ groupName: DEMO_GROUP, behaviour });
      sim.setModelPackageApproval(arn, 'Approved');
      return arn;
    },
    drainEvents() {
      return pending.splice(0, pending.length);
    },
    time(speed) {
      return {
        now: () => sim.clock.now(),
        async advanceTo(t) {
          const ms = t - sim.clock.now();
          if (ms <= 0) return;
          if (speed && Number.isFinite(speed)) await new Promise((r) => setTimeout(r, ms / speed));
          sim.clock.advanceTo(t);
        },
      };
    },
  };
}
