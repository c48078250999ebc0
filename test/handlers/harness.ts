// The controller Lambda in a simulated AWS account: the simulated cloud, a rollout store, policies
// parsed from YAML and the handler with a capturing logger, driven by the simulated EventBridge —
// the sim's events delivered to the handler as they happen, and a Scheduled Event every minute
// (the rate(1 minute) rule).
import { isTerminal } from '../../statemachines/describe';
import type { CommandDetail } from '../../src/engine/intake';
import type { HandlerResult } from '../../src/handlers/controller';
import { policyLookup } from '../../src/handlers/environment';
import { parsePolicies } from '../../src/policy';
import type { ModelBehaviour, SimCloud, SimEvent } from '../../src/sim';
import type { SimEventBridge, Invocation as BridgeInvocation } from '../../src/sim/eventbridge';
import type { RolloutRecord, RolloutStore } from '../../src/store';
import {
  createSimulatedEnvironment,
  type MemoryLifecyclePublisher,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';

export const GROUP = 'churn-model';
export const ENDPOINT = 'churn-prod';
export const ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker-exec';
export const HEALTHY: ModelBehaviour = { errorRate: 0.002, latencyMs: 45 };
export const BAD: ModelBehaviour = { errorRate: 0.2, latencyMs: 140 };
export const MINUTE = 60_000;
/** Every call that changes something in AWS. */
export const MUTATING = /^(Create|Update|Delete|Put)/;

export type OnNewerApproval = 'supersede' | 'queue' | 'reject';

export interface PolicyOptions {
  group?: string;
  endpoint?: string;
  strategy?: string;
  onNewerApproval?: OnNewerApproval;
  onOlderApproval?: 'ignore' | 'deploy';
  judge?: false;
}

export function policyYaml(policies: PolicyOptions[]): string {
  const lines = ['policies:'];
  for (const p of policies) {
    lines.push(
      `  - modelPackageGroup: ${p.group ?? GROUP}`,
      `    endpoint: ${p.endpoint ?? ENDPOINT}`,
      `    strategy: ${p.strategy ?? 'Canary10Percent5Minutes'}`,
      '    finalBake: 10m',
      '    candidateAlarms:',
      '      - suffix: 5xx-rate',
      '        metricName: Invocation5XXErrors',
      '        statistic: Average',
      '        threshold: 0.05',
      `    executionRoleArn: ${ROLE}`,
      `    onNewerApproval: ${p.onNewerApproval ?? 'supersede'}`,
      ...(p.onOlderApproval ? [`    onOlderApproval: ${p.onOlderApproval}`] : []),
      ...(p.judge === false ? ['    judge: false'] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export type Invocation = BridgeInvocation<HandlerResult>;

export interface HarnessOptions {
  onNewerApproval?: OnNewerApproval;
  onOlderApproval?: 'ignore' | 'deploy';
  strategy?: string;
  /** Extra (group, endpoint) pairs: each gets its own endpoint and policy. */
  extra?: { group: string; endpoint: string }[];
  store?: RolloutStore;
  seed?: number;
  /** false: the policy turns the judge off (a test of alarms alone). */
  judge?: false;
}

/**
 * The controller handler on a simulated cloud, driven by the simulated EventBridge (src/sim/eventbridge.ts).
 * A handler error propagates out of flush/minute (`onError: 'throw'`), so a test sees it at once.
 */
export class Harness {
  readonly env: SimulatedEnvironment;
  readonly sim: SimCloud;
  readonly store: RolloutStore;
  readonly lifecycle: MemoryLifecyclePublisher;
  readonly logs: LogLine[];
  readonly handler: (event: unknown) => Promise<HandlerResult>;
  readonly bridge: SimEventBridge<HandlerResult>;
  readonly baselineArns = new Map<string, string>();

  constructor(options: HarnessOptions = {}) {
    const extra = options.extra ?? [];
    const policies = parsePolicies(
      policyYaml(
        [{ group: GROUP, endpoint: ENDPOINT }, ...extra].map((t) => ({
          ...t,
          ...(options.strategy ? { strategy: options.strategy } : {}),
          ...(options.onNewerApproval ? { onNewerApproval: options.onNewerApproval } : {}),
          ...(options.onOlderApproval ? { onOlderApproval: options.onOlderApproval } : {}),
          ...(options.judge === false ? { judge: false as const } : {}),
        })),
      ),
      'inline-policies.yaml',
    );
    // The simulated account the CLI and the demo use (churn-prod serving churn-model/1), with these
    // policies; a handler error propagates out of flush/minute so a test sees it at once.
    this.env = createSimulatedEnvironment({
      sim: { seed: options.seed ?? 7 },
      ...(options.store ? { store: options.store } : {}),
      policies: policyLookup(policies),
      idPrefix: 'r-h',
      onError: 'throw',
    });
    this.sim = this.env.sim;
    this.store = this.env.store;
    this.lifecycle = this.env.lifecycle;
    this.logs = this.env.logs;
    this.handler = this.env.handler;
    this.bridge = this.env.bridge;
    this.baselineArns.set(GROUP, this.env.baselinePackageArn);
    for (const t of extra) {
      const arn = this.sim.registerModelPackage({
        groupName: t.group,
        approvalStatus: 'Approved',
        behaviour: HEALTHY,
      });
      this.baselineArns.set(t.group, arn);
      this.sim.createEndpoint({
        endpointName: t.endpoint,
        modelPackageArn: arn,
        instanceType: 'ml.m5.large',
        instanceCount: 2,
      });
    }
    // The extra baselines' registration is history, not news.
    this.bridge.discardPending();
  }

  now(): number {
    return this.sim.clock.now();
  }

  get invocations(): Invocation[] {
    return this.bridge.invocations;
  }

  /** Events the sim sent that EventBridge has not delivered yet. */
  get pending(): readonly Record<string, unknown>[] {
    return this.bridge.pending;
  }

  get held(): SimEvent[] {
    return this.bridge.held;
  }

  /** Events EventBridge loses (never delivered). */
  set drop(filter: (event: SimEvent) => boolean) {
    this.bridge.drop = filter;
  }

  /** Events EventBridge delivers late: kept in `held` for the test to deliver (e.g. racing a tick). */
  set hold(filter: (event: SimEvent) => boolean) {
    this.bridge.hold = filter;
  }

  /** Called after each event delivery and each tick; may act (an operator's command). */
  set between(fn: (() => Promise<void> | void) | undefined) {
    this.bridge.between = fn;
  }

  /** How each Scheduled Event is delivered (tests override it to race invocations). */
  set deliverSchedule(fn: () => Promise<unknown>) {
    this.bridge.deliverSchedule = fn;
  }

  /** Invokes the handler once with `event`, recording the result and the AWS calls it made. */
  deliver(event: unknown): Promise<HandlerResult> {
    return this.bridge.deliver(event);
  }

  /** Forgets the events not delivered yet (a test that delivers its own). */
  discardPending(): void {
    this.bridge.discardPending();
  }

  callsOf(invocation: Invocation) {
    return this.bridge.callsOf(invocation);
  }

  /** Delivers every event the sim sent so far, in order, one invocation each. */
  flush(): Promise<void> {
    return this.bridge.flush();
  }

  scheduledEvent(): Record<string, unknown> {
    return this.bridge.scheduledEvent();
  }

  commandEvent(detail: Record<string, unknown>, id?: string): Record<string, unknown> {
    return this.bridge.commandEvent({ requestedBy: 'alice', ...detail } as CommandDetail, id);
  }

  /** One minute of EventBridge: the sim's events as they happen, then the minute's Scheduled Event. */
  minute(): Promise<void> {
    return this.bridge.minute();
  }

  /** Runs minutes until `done` (checked after each minute) or `maxMinutes` pass; returns minutes used. */
  async runUntil(done: () => Promise<boolean> | boolean, maxMinutes = 90): Promise<number> {
    try {
      return await this.bridge.runUntil(done, maxMinutes);
    } catch (error) {
      if (!/^not done after/.test((error as Error).message)) throw error;
      throw new Error(`not done after ${maxMinutes} simulated minutes; logs:\n${this.logText()}`);
    }
  }

  /** Registers a new version of `group` and approves it (two Model Package State Changes). */
  approveNewVersion(behaviour: ModelBehaviour = HEALTHY, group = GROUP): string {
    const arn = this.sim.registerModelPackage({ groupName: group, behaviour });
    this.sim.setModelPackageApproval(arn, 'Approved');
    return arn;
  }

  async rollouts(endpointName = ENDPOINT): Promise<RolloutRecord[]> {
    return (await this.store.list({ endpointName })).sort((a, b) => a.createdAt - b.createdAt);
  }

  async rolloutFor(modelPackageArn: string): Promise<RolloutRecord | undefined> {
    return (await this.store.list()).find((r) => r.modelPackageArn === modelPackageArn);
  }

  async ended(modelPackageArn: string): Promise<boolean> {
    const r = await this.rolloutFor(modelPackageArn);
    return r !== undefined && isTerminal(r.status);
  }

  busyErrors() {
    return this.sim.calls.filter((c) => c.error?.code === 'ENDPOINT_BUSY');
  }

  mutatingCalls() {
    return this.sim.calls.filter((c) => MUTATING.test(c.operation));
  }

  logText(): string {
    return this.logs.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}`).join('\n');
  }

  /** The model names serving the endpoint now. */
  servingModels(endpointName = ENDPOINT): string[] {
    return this.sim.endpoint(endpointName)!.variants.map((v) => v.modelName);
  }

  /** The model CreateModel made from `modelPackageArn`. */
  modelFor(modelPackageArn: string): string | undefined {
    const call = this.sim.calls.find(
      (c) => c.operation === 'CreateModel' && c.input.ModelPackageName === modelPackageArn,
    );
    return call?.input.ModelName as string | undefined;
  }
}

/** The approval event the sim sent for `modelPackageArn`. */
export function approvalEventOf(sim: SimCloud, modelPackageArn: string): SimEvent {
  const event = sim.events.find(
    (e) =>
      e['detail-type'] === 'SageMaker Model Package State Change' &&
      e.detail.ModelPackageArn === modelPackageArn &&
      e.detail.ModelApprovalStatus === 'Approved',
  );
  if (!event) throw new Error(`no approval event for ${modelPackageArn}`);
  return event;
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
