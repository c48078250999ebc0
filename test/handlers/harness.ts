// The controller Lambda in a simulated AWS account: the simulated cloud, a rollout store, policies
// parsed from YAML and the handler with a capturing logger, driven the way EventBridge drives it —
// the sim's events delivered to the handler as they happen, and a Scheduled Event every minute
// (the rate(1 minute) rule).
import { randomUUID } from 'node:crypto';
import { createControllerHandler, type HandlerResult } from '../../src/handlers/controller';
import { policyLookup } from '../../src/handlers/environment';
import { parsePolicies } from '../../src/policy';
import { createSimCloud, type ModelBehaviour, type SimCloud, type SimEvent } from '../../src/sim';
import { MemoryRolloutStore, type RolloutRecord, type RolloutStore } from '../../src/store';
import { MemoryLifecyclePublisher } from '../../src/cli/simulated-environment';

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
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export interface Invocation {
  event: Record<string, unknown>;
  at: number;
  result?: HandlerResult;
  error?: unknown;
  /** Indexes into sim.calls made while this invocation ran (only exact for sequential delivery). */
  calls: [number, number];
}

export interface HarnessOptions {
  onNewerApproval?: OnNewerApproval;
  strategy?: string;
  /** Extra (group, endpoint) pairs: each gets its own endpoint and policy. */
  extra?: { group: string; endpoint: string }[];
  store?: RolloutStore;
  seed?: number;
}

export class Harness {
  readonly sim: SimCloud;
  readonly store: RolloutStore;
  readonly lifecycle = new MemoryLifecyclePublisher();
  readonly logs: LogLine[] = [];
  readonly invocations: Invocation[] = [];
  readonly handler: (event: unknown) => Promise<HandlerResult>;
  /** Events the sim sent that EventBridge has not delivered yet. */
  readonly pending: SimEvent[] = [];
  /** Events EventBridge loses (never delivered). */
  drop: (event: SimEvent) => boolean = () => false;
  /** Events EventBridge delivers late: kept in `held` for the test to deliver (e.g. racing a tick). */
  hold: (event: SimEvent) => boolean = () => false;
  readonly held: SimEvent[] = [];
  /** Called after each event delivery and each tick; may act (an operator's command). */
  between?: () => Promise<void> | void;
  /** How each Scheduled Event is delivered (tests override it to race invocations). */
  deliverSchedule: () => Promise<unknown> = () => this.deliver(this.scheduledEvent());
  readonly baselineArns = new Map<string, string>();

  constructor(options: HarnessOptions = {}) {
    this.sim = createSimCloud({ seed: options.seed ?? 7 });
    this.store = options.store ?? new MemoryRolloutStore();
    const targets = [{ group: GROUP, endpoint: ENDPOINT }, ...(options.extra ?? [])];
    for (const t of targets) {
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
    const policies = parsePolicies(
      policyYaml(
        targets.map((t) => ({
          ...t,
          ...(options.strategy ? { strategy: options.strategy } : {}),
          ...(options.onNewerApproval ? { onNewerApproval: options.onNewerApproval } : {}),
        })),
      ),
      'inline-policies.yaml',
    );
    // Subscribed after set-up: the baselines' registration is history, not news.
    this.sim.onEvent((event) => {
      if (this.drop(event)) return;
      if (this.hold(event)) this.held.push(event);
      else this.pending.push(event);
    });
    let ids = 0;
    // Shaped like Powertools' Logger methods: (message, ...extra); the controller passes one fields object.
    const capture =
      (level: LogLine['level']) =>
      (message: unknown, ...extra: unknown[]): void => {
        const text = typeof message === 'string' ? message : JSON.stringify(message);
        const fields = extra[0];
        this.logs.push({
          level,
          message: text,
          ...(fields && typeof fields === 'object' ? { fields: fields as Record<string, unknown> } : {}),
        });
      };
    this.handler = createControllerHandler(
      {
        store: this.store,
        policies: policyLookup(policies),
        endpoints: this.sim.sagemaker,
        alarms: this.sim.cloudwatch,
        events: this.lifecycle,
        clock: this.sim.clock,
        newId: () => `r-h${(++ids).toString(36).padStart(4, '0')}`,
      },
      { logger: { info: capture('info'), warn: capture('warn'), error: capture('error') } },
    );
  }

  now(): number {
    return this.sim.clock.now();
  }

  /** Invokes the handler once with `event`, recording the result and the AWS calls it made. */
  async deliver(event: unknown): Promise<HandlerResult> {
    const invocation: Invocation = {
      event: event as Record<string, unknown>,
      at: this.now(),
      calls: [this.sim.calls.length, this.sim.calls.length],
    };
    this.invocations.push(invocation);
    try {
      invocation.result = await this.handler(event);
      return invocation.result;
    } catch (error) {
      invocation.error = error;
      throw error;
    } finally {
      invocation.calls[1] = this.sim.calls.length;
    }
  }

  callsOf(invocation: Invocation) {
    return this.sim.calls.slice(invocation.calls[0], invocation.calls[1]);
  }

  /** Delivers every event the sim sent so far, in order, one invocation each. */
  async flush(): Promise<void> {
    for (let event = this.pending.shift(); event; event = this.pending.shift()) {
      await this.deliver(event);
      await this.between?.();
    }
  }

  scheduledEvent(): Record<string, unknown> {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.sim.accountId,
      time: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.sim.region,
      resources: [`arn:aws:events:${this.sim.region}:${this.sim.accountId}:rule/sm-rollout-schedule`],
      detail: {},
    };
  }

  commandEvent(detail: Record<string, unknown>, id: string = randomUUID()): Record<string, unknown> {
    return {
      version: '0',
      id,
      'detail-type': 'Rollout Command',
      source: 'sm-rollout.cli',
      account: this.sim.accountId,
      time: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.sim.region,
      resources: [],
      detail: { requestedBy: 'alice', ...detail },
    };
  }

  /**
   * One minute of EventBridge: time passes to each moment something happens in the sim, events
   * are delivered as they are sent, then the minute's Scheduled Event.
   */
  async minute(): Promise<void> {
    await this.flush();
    const target = (Math.floor(this.now() / MINUTE) + 1) * MINUTE;
    for (let next = this.sim.clock.nextScheduledAt(); next !== undefined && next <= target;) {
      this.sim.clock.advanceTo(next);
      await this.flush();
      next = this.sim.clock.nextScheduledAt();
    }
    this.sim.clock.advanceTo(target);
    await this.flush();
    await this.deliverSchedule();
    await this.between?.();
    await this.flush();
  }

  /** Runs minutes until `done` (checked after each minute) or `maxMinutes` pass; returns minutes used. */
  async runUntil(done: () => Promise<boolean> | boolean, maxMinutes = 90): Promise<number> {
    for (let m = 1; m <= maxMinutes; m++) {
      await this.minute();
      if (await done()) return m;
    }
    throw new Error(`not done after ${maxMinutes} simulated minutes; logs:\n${this.logText()}`);
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
    return r !== undefined && ['succeeded', 'rolledBack', 'failed'].includes(r.status);
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
