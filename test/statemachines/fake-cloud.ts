// A scripted stand-in for the host's effects: every rollout-machine effect answers from plain
// functions a test can swap, stamped with a virtual clock the test moves. No AWS, no timers.
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import type {
  AbortAlarmInput,
  AlarmReading,
  ApplyResult,
  Baseline,
  CheckResult,
  CleanupResult,
  CreateCandidateResult,
  EndpointChange,
  PreTrafficResult,
  JudgeInput,
  JudgeReading,
  NativeDeploymentReading,
  ResolveBaselineResult,
  RolloutEvent,
  RolloutInput,
  RolloutInputWithBaseline,
  Stamped,
} from '../../statemachines/contract';
import { rolloutMachine } from '../../statemachines/rollout';
import type { Plan } from '../../src/plan';

export const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
export const MINUTE = 60_000;

export const BASELINE: Baseline = {
  endpointConfigName: 'churn-config-v1',
  variantName: 'AllTraffic',
  modelName: 'churn-model-v1',
  instanceType: 'ml.m5.large',
  instanceCount: 2,
};

export function rolloutInput(plan: Plan, overrides: Partial<RolloutInput> = {}): RolloutInput {
  return {
    rolloutId: 'r-0001',
    endpointName: 'churn',
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/7',
    plan,
    alarms: ['churn-5xx'],
    candidateAlarms: [],
    executionRoleArn: 'arn:aws:iam::111122223333:role/sagemaker',
    candidate: {},
    names: {
      candidateModel: 'churn-r-0001-model',
      candidateVariant: 'candidate-r-0001',
      transitionConfig: 'churn-r-0001-transition',
      finalConfig: 'churn-r-0001-final',
    },
    requestedBy: 'alice',
    startedAt: T0,
    maxDurationMs: 6 * 60 * MINUTE,
    pollIntervalMs: 30_000,
    alarmPollIntervalMs: 60_000,
    baseline: BASELINE,
    ...overrides,
  };
}

type Unstamped<T> = Omit<T, 'at'>;
/** A behaviour returns a result, or throws (an object with `retryable` for retryable errors). */
type Behaviour<I, O> = (input: I, call: number) => Unstamped<O>;

export interface EffectCall {
  effect: string;
  purpose?: string;
  at: number;
}

export class FakeCloud {
  now = T0;
  calls: EffectCall[] = [];

  resolveBaseline: Behaviour<RolloutInput, ResolveBaselineResult> = () => ({ baseline: BASELINE });
  createCandidate: Behaviour<RolloutInputWithBaseline, CreateCandidateResult> = () => ({
    created: ['model'],
  });
  /** Changes the default `apply` has made; the default `check` reports only those as in effect. */
  applied = new Set<string>();
  apply: Behaviour<EndpointChange, ApplyResult> = (change) => {
    this.applied.add(JSON.stringify(change));
    return { outcome: 'requested' };
  };
  check: Behaviour<EndpointChange, CheckResult> = (change) =>
    this.applied.has(JSON.stringify(change))
      ? { phase: 'ready', status: 'InService', endpointConfigName: change.endpointConfigName }
      : { phase: 'idle', status: 'InService' };
  readAlarms: Behaviour<string[], AlarmReading> = (names) => ({
    firing: [],
    states: names.map((alarmName) => ({ alarmName, state: 'OK' })),
  });
  /** The judge's look; by default every metric is inconclusive (nothing proven either way). */
  judge: Behaviour<JudgeInput, JudgeReading> = (input) => ({
    from: input.firstTrafficAt,
    to: input.now,
    verdicts: input.judge.metrics.map((m) => ({
      metric: m.name,
      verdict: 'inconclusive' as const,
      critical: m.critical,
      direction: m.direction,
      tolerance: m.tolerance,
      ratio: null,
      interval: [0, null] as [number, null],
      candidate: { events: 0, requests: 0 },
      baseline: { events: 0, requests: 0 },
    })),
  });
  createFinalConfig: Behaviour<RolloutInputWithBaseline, CreateCandidateResult> = () => ({
    created: ['final'],
  });
  cleanupAfterPromotion: Behaviour<RolloutInputWithBaseline, CleanupResult> = () => ({
    removed: [],
    kept: [],
  });
  removeCandidate: Behaviour<RolloutInputWithBaseline, CleanupResult> = () => ({
    removed: ['model'],
    kept: [],
  });
  /** The pre-traffic check: by default every sample request answers in 40 ms. */
  checkCandidate: Behaviour<RolloutInputWithBaseline, PreTrafficResult> = (context) => ({
    sent:
      context.preTrafficCheck && 'inline' in context.preTrafficCheck.requests
        ? context.preTrafficCheck.requests.inline.length
        : 1,
    failures: [],
    maxLatencyMs: 40,
  });

  /** Native: what preparing the deployment created. */
  prepareNativeDeployment: Behaviour<RolloutInputWithBaseline, CreateCandidateResult> = () => ({
    created: ['model', 'alarm', 'final'],
  });
  /** Native: the endpoint as the follow reads it; by default InService on the baseline's config. */
  followDeployment: Behaviour<string, NativeDeploymentReading> = () => ({
    endpoint: { status: 'InService', endpointConfigName: BASELINE.endpointConfigName },
  });
  /** Native: SetAlarmState on the abort alarm. */
  setAbortAlarm: Behaviour<AbortAlarmInput, Stamped> = () => ({});

  private run<I, O>(effect: string, behaviour: () => Behaviour<I, O>, purpose?: (input: I) => string) {
    return fromPromise<O, I>(async ({ input }) => {
      const call = this.calls.filter((c) => c.effect === effect).length;
      this.calls.push({ effect, purpose: purpose?.(input), at: this.now });
      const result = behaviour()(input, call);
      return { ...result, at: this.now } as O;
    });
  }

  /** The machine with this cloud's effects; behaviours are looked up per call, so tests may swap them. */
  machine() {
    return rolloutMachine.provide({
      actors: {
        resolveBaseline: this.run(
          'resolveBaseline',
          () => (i: { context: RolloutInput }, n) => this.resolveBaseline(i.context, n),
        ),
        createCandidate: this.run(
          'createCandidate',
          () => (i: { context: RolloutInputWithBaseline }, n) => this.createCandidate(i.context, n),
        ),
        applyEndpointChange: this.run(
          'apply',
          () => (i: { change: EndpointChange }, n) => this.apply(i.change, n),
          (i) => i.change.purpose,
        ),
        checkEndpoint: this.run(
          'check',
          () => (i: { change: EndpointChange }, n) => this.check(i.change, n),
          (i) => i.change.purpose,
        ),
        readAlarms: this.run(
          'readAlarms',
          () => (i: { alarmNames: string[] }, n) => this.readAlarms(i.alarmNames, n),
        ),
        judgeCandidate: this.run('judge', () => (i: JudgeInput, n) => this.judge(i, n)),
        createFinalConfig: this.run(
          'createFinalConfig',
          () => (i: { context: RolloutInputWithBaseline }, n) => this.createFinalConfig(i.context, n),
        ),
        cleanupAfterPromotion: this.run(
          'cleanupAfterPromotion',
          () => (i: { context: RolloutInputWithBaseline }, n) => this.cleanupAfterPromotion(i.context, n),
        ),
        removeCandidate: this.run(
          'removeCandidate',
          () => (i: { context: RolloutInputWithBaseline }, n) => this.removeCandidate(i.context, n),
        ),
        checkCandidate: this.run(
          'checkCandidate',
          () => (i: { context: RolloutInputWithBaseline }, n) => this.checkCandidate(i.context, n),
        ),
        prepareNativeDeployment: this.run(
          'prepareNativeDeployment',
          () => (i: { context: RolloutInputWithBaseline }, n) => this.prepareNativeDeployment(i.context, n),
        ),
        followDeployment: this.run(
          'followDeployment',
          () => (i: { endpointName: string }, n) => this.followDeployment(i.endpointName, n),
        ),
        setAbortAlarm: this.run('setAbortAlarm', () => (i: AbortAlarmInput, n) => this.setAbortAlarm(i, n)),
      },
    });
  }
}

export type RolloutActor = Actor<ReturnType<FakeCloud['machine']>>;
export type Snapshot = ReturnType<RolloutActor['getSnapshot']>;

export function isQuiet(s: Snapshot): boolean {
  return s.status !== 'active' || s.hasTag('waiting');
}

/** Runs a rollout against a FakeCloud the way a host does: send an event, run until quiet. */
export class Rollout {
  readonly actor: RolloutActor;

  constructor(
    readonly cloud: FakeCloud,
    readonly input: RolloutInput,
    snapshot?: unknown,
  ) {
    this.actor = createActor(cloud.machine(), {
      input,
      ...(snapshot ? { snapshot: snapshot as never } : {}),
    });
  }

  static async start(cloud: FakeCloud, input: RolloutInput, snapshot?: unknown): Promise<Rollout> {
    const rollout = new Rollout(cloud, input, snapshot);
    rollout.actor.start();
    await rollout.settle();
    return rollout;
  }

  get snapshot(): Snapshot {
    return this.actor.getSnapshot();
  }

  async settle(): Promise<Snapshot> {
    return waitFor(this.actor, isQuiet, { timeout: 2000 });
  }

  /** Sends an event stamped with the cloud's clock; false (and nothing sent) when the machine refuses it. */
  async send(event: RolloutEvent): Promise<boolean> {
    if (!this.snapshot.can(event)) return false;
    this.cloud.now = Math.max(this.cloud.now, event.now);
    this.actor.send(event);
    await this.settle();
    return true;
  }

  async tick(at = this.snapshot.context.wakeAt ?? this.cloud.now): Promise<Snapshot> {
    const now = Math.max(at, this.cloud.now + 1);
    await this.send({ type: 'TICK', now });
    return this.snapshot;
  }

  /** Ticks at each wake-up until `until` holds or the rollout ends. */
  async tickUntil(until: (s: Snapshot) => boolean = () => false, maxTicks = 500): Promise<Snapshot> {
    for (let i = 0; i < maxTicks; i++) {
      if (this.snapshot.status !== 'active' || until(this.snapshot)) return this.snapshot;
      await this.tick();
    }
    throw new Error(
      `rollout did not get there in ${maxTicks} ticks; it is at ${JSON.stringify(this.snapshot.value)}`,
    );
  }

  stop(): void {
    this.actor.stop();
  }
}
