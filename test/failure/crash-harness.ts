// Host crashes on demand: the simulated cloud's ports and the rollout store wrapped so that the
// k-th interruption point (before or after a mutating AWS call, before or after a store write)
// kills the host — the controller Lambda's process. A killed host's wrappers refuse every later
// call, so nothing it still has in flight can touch AWS or the store; the simulated EventBridge
// retries the event it was handling (as Lambda retries an asynchronous invocation) on a fresh host
// over the same store and cloud, and the schedule carries on.
import type { AlarmControl, EndpointControl, ScalingControl } from '../../src/engine/ports';
import { createControllerHandler, type HandlerResult } from '../../src/handlers/controller';
import { SimEventBridge } from '../../src/sim/eventbridge';
import { TERMINAL_STATUSES } from '../../statemachines/describe';
import { validateStartRequest, type StartRolloutRequest } from '../../src/engine/start-request';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_ROLE,
  NO_POLICIES,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import type { ModelBehaviour } from '../../src/sim';
import type { RolloutRecord, RolloutStore } from '../../src/store';

/**
 * Polls a little slower than the defaults (fewer quiet points, so fewer whole rollouts to replay);
 * a real-time bound on quiescence, so a host that can no longer reach anything gives up.
 */
export const CRASH_ENGINE_SETTINGS = {
  pollIntervalMs: 60_000,
  alarmPollIntervalMs: 120_000,
  quiescenceTimeoutMs: 5_000,
};

export class HostCrashed extends Error {
  constructor(readonly point: string) {
    super(`host crashed at ${point}`);
    this.name = 'HostCrashed';
  }
}

export const MUTATING_ENDPOINT_CALLS = [
  'createModel',
  'createEndpointConfig',
  'updateEndpoint',
  'updateWeights',
  'deleteEndpointConfig',
  'deleteModel',
] as const;
export const MUTATING_ALARM_CALLS = ['putCandidateAlarm', 'deleteAlarms'] as const;
export const MUTATING_SCALING_CALLS = [
  'registerScalableTarget',
  'putScalingPolicy',
  'putScheduledAction',
  'deregisterScalableTarget',
] as const;

/** Counts interruption points across host generations; crashes the host at point `crashAt` (1-based). */
export class CrashPlan {
  /** Every interruption point passed, in order (the crash point included). */
  readonly points: string[] = [];
  crashedAt?: string;

  constructor(private readonly crashAt?: number) {}

  /** Passes one interruption point for host `host`; throws when it is the chosen one. */
  pass(host: Host, label: string): void {
    host.assertAlive();
    this.points.push(label);
    if (this.points.length === this.crashAt) {
      this.crashedAt = label;
      host.kill(label);
    }
  }
}

/** One host process: the controller's handler and the port wrappers it talks through. */
export class Host {
  private deadAt?: string;
  readonly handler: (event: unknown) => Promise<HandlerResult>;
  readonly store: RolloutStore;

  constructor(
    readonly env: SimulatedEnvironment,
    plan: CrashPlan,
  ) {
    const guard = <T extends object>(target: T, mutating: readonly string[], kind: string): T => {
      const wrapped: Record<string, unknown> = {};
      for (const key of Object.keys(target) as (keyof T & string)[]) {
        const fn = target[key] as unknown;
        if (typeof fn !== 'function') continue;
        const call = (...args: unknown[]) =>
          (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        wrapped[key] = mutating.includes(key)
          ? async (...args: unknown[]) => {
              plan.pass(this, `before ${kind}.${key}`);
              const result = await call(...args);
              plan.pass(this, `after ${kind}.${key}`);
              return result;
            }
          : async (...args: unknown[]) => {
              this.assertAlive();
              const result = await call(...args);
              this.assertAlive();
              return result;
            };
      }
      return wrapped as T;
    };
    const endpoints = guard(env.sim.sagemaker, MUTATING_ENDPOINT_CALLS, 'sagemaker');
    const alarms = guard(env.sim.cloudwatch, MUTATING_ALARM_CALLS, 'cloudwatch');
    const scaling = guard(env.sim.autoscaling, MUTATING_SCALING_CALLS, 'autoscaling');
    const inner = env.store;
    const store: RolloutStore = {
      create: async (record, timeline) => {
        this.assertAlive();
        await inner.create(record, timeline);
        plan.pass(this, 'after store.create');
      },
      save: async (record, expected, timeline) => {
        plan.pass(this, `before store.save v${record.version}`);
        await inner.save(record, expected, timeline);
        plan.pass(this, `after store.save v${record.version}`);
      },
      get: (id) => this.alive(() => inner.get(id)),
      timeline: (id) => this.alive(() => inner.timeline(id)),
      list: (filter) => this.alive(() => inner.list(filter)),
      activeForEndpoint: (name) => this.alive(() => inner.activeForEndpoint(name)),
      listDue: (now) => this.alive(() => inner.listDue(now)),
      claimEvent: (key, expiresAt, now) => this.alive(() => inner.claimEvent(key, expiresAt, now)),
      releaseEvent: (key) => this.alive(() => inner.releaseEvent(key)),
      setPendingApproval: (a) => this.alive(() => inner.setPendingApproval(a)),
      takePendingApproval: (name) => this.alive(() => inner.takePendingApproval(name)),
      listPendingApprovals: () => this.alive(() => inner.listPendingApprovals()),
    };
    this.store = store;
    const quiet = () => undefined;
    this.handler = createControllerHandler(
      {
        store,
        policies: NO_POLICIES,
        endpoints: endpoints as EndpointControl,
        alarms: alarms as AlarmControl,
        scaling: scaling as ScalingControl,
        events: env.lifecycle,
        clock: env.sim.clock,
        settings: CRASH_ENGINE_SETTINGS,
        newId: () => ROLLOUT_ID,
      },
      { logger: { info: quiet, warn: quiet, error: quiet } },
    );
  }

  get dead(): boolean {
    return this.deadAt !== undefined;
  }

  kill(point: string): never {
    this.deadAt = point;
    throw new HostCrashed(point);
  }

  assertAlive(): void {
    if (this.deadAt !== undefined) throw new HostCrashed(`${this.deadAt} (call after death)`);
  }

  private async alive<T>(work: () => Promise<T>): Promise<T> {
    this.assertAlive();
    const result = await work();
    this.assertAlive();
    return result;
  }
}

export interface CrashScenario {
  name: string;
  strategy: StartRolloutRequest['strategy'];
  candidate: ModelBehaviour;
  expected: 'succeeded' | 'rolledBack' | 'failed';
  /** Promote whenever the rollout waits at a manual gate. */
  promoteAtGate?: boolean;
  /** Successful rollouts on the endpoint before this one (run without crashes), so retention prunes. */
  earlier?: number;
  /** Someone calls DeleteEndpoint as the rollout first bakes. */
  deleteEndpointMidBake?: boolean;
  /** The serving variant is an Application Auto Scaling target (AUTO_SCALING) before the rollout starts. */
  autoScaled?: boolean;
  /** The candidate's instance type (`--instance-type`). */
  instanceType?: string;
}

const NOT_SUSPENDED = {
  dynamicScalingInSuspended: false,
  dynamicScalingOutSuspended: false,
  scheduledScalingSuspended: false,
};

/** The team's scaling on the serving variant: 2–6 instances, target tracking, one scheduled action. */
export const AUTO_SCALING = {
  variantName: 'AllTraffic',
  target: { minCapacity: 2, maxCapacity: 6, suspended: NOT_SUSPENDED },
  policy: {
    policyName: 'invocations-per-instance',
    policyType: 'TargetTrackingScaling' as const,
    configuration: {
      TargetValue: 50,
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
    },
  },
  scheduledAction: {
    scheduledActionName: 'weekday-mornings',
    schedule: 'cron(0 7 ? * MON-FRI *)',
    scalableTargetAction: { minCapacity: 3 },
  },
};

/** Runs `count` healthy AllAtOnce rollouts to success with the world's own engine (no crash points). */
async function succeedEarlier(env: SimulatedEnvironment, count: number): Promise<RolloutRecord[]> {
  const done: RolloutRecord[] = [];
  for (let i = 0; i < count; i++) {
    const arn = env.approveNewVersion({ errorRate: 0.002, latencyMs: 45 });
    const started = await env.engine.start(
      validateStartRequest({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: arn,
        executionRoleArn: DEMO_ROLE,
        strategy: 'AllAtOnce',
        finalBake: '1m',
        candidateAlarms: DEMO_CANDIDATE_ALARMS,
        requestedBy: 'earlier release',
      }),
    );
    let record = started.record;
    for (let m = 0; m < 60 && !TERMINAL_STATUSES.includes(record.status); m++) {
      env.sim.clock.advanceBy(60_000);
      record = (await env.engine.tick(record.id)).record;
    }
    if (record.status !== 'succeeded') throw new Error(`earlier rollout ${record.id} ended ${record.status}`);
    done.push(record);
  }
  return done;
}

export const ROLLOUT_ID = 'r-crash00001';

export interface WorldRun {
  env: SimulatedEnvironment;
  plan: CrashPlan;
  final: { record: RolloutRecord };
  /** Hosts used: 1 without a crash, 2 with one. */
  hosts: number;
  /** What the crashed host's invocation ended with (it must have failed). */
  crashError?: unknown;
  /** The successful rollouts run before this one (scenario.earlier), oldest first. */
  earlier: RolloutRecord[];
}

/**
 * Runs one whole rollout in a fresh world, started by a Rollout Command and driven by the simulated
 * EventBridge, crashing the host at interruption point `crashAt`.
 */
export async function runWorld(scenario: CrashScenario, crashAt?: number): Promise<WorldRun> {
  const env = createSimulatedEnvironment({ sim: { requestsPerMinute: 120 } });
  env.bridge.close();
  if (scenario.autoScaled) {
    const { variantName, target, policy, scheduledAction } = AUTO_SCALING;
    await env.sim.autoscaling.registerScalableTarget(DEMO_ENDPOINT, variantName, target);
    await env.sim.autoscaling.putScalingPolicy(DEMO_ENDPOINT, variantName, policy);
    await env.sim.autoscaling.putScheduledAction(DEMO_ENDPOINT, variantName, scheduledAction);
  }
  const earlier = await succeedEarlier(env, scenario.earlier ?? 0);
  const candidateArn = env.approveNewVersion(scenario.candidate);
  const plan = new CrashPlan(crashAt);
  let host = new Host(env, plan);
  let hosts = 1;
  let crashError: unknown;
  const bridge = new SimEventBridge(env.sim, {
    async target(event) {
      const serving = host;
      try {
        return await serving.handler(event);
      } catch (error) {
        // A new process takes the next invocation (Lambda's retry of this one included).
        if (serving.dead && serving === host) {
          crashError = error;
          host = new Host(env, plan);
          hosts++;
        }
        throw error;
      }
    },
  });
  bridge.put(
    bridge.commandEvent({
      command: 'start',
      endpoint: DEMO_ENDPOINT,
      modelPackageArn: candidateArn,
      executionRoleArn: DEMO_ROLE,
      strategy: scenario.strategy,
      finalBake: '3m',
      candidateAlarms: DEMO_CANDIDATE_ALARMS,
      requestedBy: 'crash-test',
      ...(scenario.instanceType ? { candidate: { instanceType: scenario.instanceType } } : {}),
    }),
  );
  let record: RolloutRecord | undefined;
  if (scenario.deleteEndpointMidBake) {
    let deleted = false;
    bridge.between = async () => {
      const current = await env.store.get(ROLLOUT_ID);
      if (!deleted && current?.phase.startsWith('baking')) {
        deleted = true;
        env.sim.deleteEndpoint(DEMO_ENDPOINT);
      }
    };
  }
  if (scenario.promoteAtGate) {
    bridge.between = async () => {
      const current = await env.store.get(ROLLOUT_ID);
      if (current?.status === 'awaitingPromotion' && current.version !== promotedAt) {
        promotedAt = current.version;
        bridge.put(
          bridge.commandEvent({ command: 'promote', rolloutId: ROLLOUT_ID, requestedBy: 'crash-test' }),
        );
      }
    };
  }
  let promotedAt: number | undefined;
  await bridge.runUntil(async () => {
    record = await env.store.get(ROLLOUT_ID);
    return record !== undefined && TERMINAL_STATUSES.includes(record.status);
  }, 180);
  if (crashAt !== undefined && hosts === 1) {
    throw new Error(`crash point ${crashAt} was never reached (${plan.points.length} points passed)`);
  }
  if (hosts > 2) throw new Error(`${hosts} hosts used for one crash`);
  return { env, plan, final: { record: record! }, hosts, earlier, ...(hosts > 1 ? { crashError } : {}) };
}
