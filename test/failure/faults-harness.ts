// The controller Lambda in a simulated account, for the failure tests, driven by the simulated
// EventBridge (with Lambda's retries of a thrown error) like test/handlers/harness.ts, but the SageMaker port, the lifecycle publisher and the policy's alarms can be swapped, so a fault
// can sit between the controller and the simulated cloud (a real SDK client over a fake HTTP API, a
// publisher that throws, a DescribeEndpoint that answers stale).
import { TERMINAL_STATUSES } from '../../statemachines/describe';
import type { HandlerResult } from '../../src/handlers/controller';
import { policyLookup } from '../../src/handlers/environment';
import type { EndpointControl, LifecyclePublisher } from '../../src/engine/ports';
import { parsePolicies } from '../../src/policy';
import type { ModelBehaviour, SimCloud, SimCloudOptions } from '../../src/sim';
import type { SimEventBridge } from '../../src/sim/eventbridge';
import type { CommandDetail } from '../../src/engine/intake';
import {
  MemoryRolloutStore,
  type RolloutRecord,
  type RolloutStore,
  type TimelineEntry,
} from '../../src/store';
import {
  createSimulatedEnvironment,
  type MemoryLifecyclePublisher,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';

export const GROUP = 'churn-model';
export const ENDPOINT = 'churn-prod';
export const ORIGINAL_CONFIG = `${ENDPOINT}-config-0`;
export const ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker-exec';
export const HEALTHY: ModelBehaviour = { errorRate: 0.002, latencyMs: 45 };
export const MINUTE = 60_000;
export const MUTATING = /^(Create|Update|Delete|Put)/;
export const TERMINAL: readonly string[] = TERMINAL_STATUSES;

export interface FaultHarnessOptions {
  strategy?: string;
  finalBake?: string;
  /** Existing alarms the policy names. */
  alarms?: string[];
  /** Wraps the simulated SageMaker port (the fault sits in between). */
  endpoints?: (sim: SimCloud) => EndpointControl;
  events?: LifecyclePublisher;
  seed?: number;
  timings?: SimCloudOptions['timings'];
  requestsPerMinute?: number;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export function policyText(options: Pick<FaultHarnessOptions, 'strategy' | 'finalBake' | 'alarms'> = {}) {
  return [
    'policies:',
    `  - modelPackageGroup: ${GROUP}`,
    `    endpoint: ${ENDPOINT}`,
    `    strategy: "${options.strategy ?? 'Canary10Percent5Minutes'}"`,
    `    finalBake: ${options.finalBake ?? '2m'}`,
    ...(options.alarms ? [`    alarms: [${options.alarms.join(', ')}]`] : []),
    '    candidateAlarms:',
    '      - { suffix: 5xx-rate, metricName: Invocation5XXErrors, statistic: Average, threshold: 0.05 }',
    `    executionRoleArn: ${ROLE}`,
    '    onNewerApproval: supersede',
    '',
  ].join('\n');
}

export class FaultHarness {
  readonly env: SimulatedEnvironment;
  readonly sim: SimCloud;
  readonly store: RolloutStore;
  readonly lifecycle: MemoryLifecyclePublisher;
  readonly logs: LogLine[];
  readonly handler: (event: unknown) => Promise<HandlerResult>;
  /** Lambda's asynchronous invocation: a thrown error is retried a minute, then two, later. */
  readonly bridge: SimEventBridge<HandlerResult>;
  readonly baselineArn: string;
  private eventIds = 0;

  constructor(options: FaultHarnessOptions = {}) {
    // The simulated account the CLI and the demo use (churn-prod serving churn-model/1), its port
    // wrapped where the test puts a fault, with the failure policies.
    this.env = createSimulatedEnvironment({
      sim: {
        seed: options.seed ?? 11,
        ...(options.timings ? { timings: options.timings } : {}),
        ...(options.requestsPerMinute === undefined ? {} : { requestsPerMinute: options.requestsPerMinute }),
      },
      store: new MemoryRolloutStore(),
      policies: policyLookup(parsePolicies(policyText(options), 'failure-policies.yaml')),
      ...(options.endpoints ? { endpoints: options.endpoints } : {}),
      ...(options.events ? { events: options.events } : {}),
      idPrefix: 'r-f',
    });
    this.sim = this.env.sim;
    this.store = this.env.store;
    this.lifecycle = this.env.lifecycle;
    this.logs = this.env.logs;
    this.handler = this.env.handler;
    this.bridge = this.env.bridge;
    this.baselineArn = this.env.baselinePackageArn;
  }

  now(): number {
    return this.sim.clock.now();
  }

  /** Errors the handler threw (Lambda retries the event, then dead-letters it). */
  get thrown(): unknown[] {
    return this.bridge.invocations.filter((i) => i.error !== undefined).map((i) => i.error);
  }

  /** Events the sim sent that have not been delivered yet. */
  get pending(): readonly Record<string, unknown>[] {
    return this.bridge.pending;
  }

  /** Forgets the events not delivered yet (a test that delivers its own). */
  discardPending(): void {
    this.bridge.discardPending();
  }

  /** One invocation; an error the handler throws is recorded (Lambda would retry) and returned. */
  async deliver(event: unknown): Promise<HandlerResult | { thrown: unknown }> {
    try {
      return await this.bridge.deliver(event);
    } catch (error) {
      return { thrown: error };
    }
  }

  flush(): Promise<void> {
    return this.bridge.flush();
  }

  envelope(source: string, detailType: string, detail: unknown, id?: string): Record<string, unknown> {
    return {
      version: '0',
      id: id ?? `evt-${++this.eventIds}`,
      'detail-type': detailType,
      source,
      account: this.sim.accountId,
      time: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.sim.region,
      resources: [],
      detail,
    };
  }

  scheduledEvent() {
    return this.bridge.scheduledEvent();
  }

  commandEvent(detail: Record<string, unknown>, id?: string) {
    return this.bridge.commandEvent({ requestedBy: 'alice', ...detail } as CommandDetail, id);
  }

  /** One minute of EventBridge: sim events as they happen, then the Scheduled Event. */
  minute(): Promise<void> {
    return this.bridge.minute();
  }

  /** Minutes until `done` (after each minute, `between` may act); throws after maxMinutes. */
  async runUntil(
    done: () => Promise<boolean> | boolean,
    maxMinutes = 60,
    between?: () => Promise<void> | void,
  ): Promise<number> {
    for (let m = 1; m <= maxMinutes; m++) {
      await this.minute();
      await between?.();
      if (await done()) return m;
    }
    throw new Error(`not done after ${maxMinutes} simulated minutes; logs:\n${this.logText()}`);
  }

  approveNewVersion(behaviour: ModelBehaviour = HEALTHY): string {
    const arn = this.sim.registerModelPackage({ groupName: GROUP, behaviour });
    this.sim.setModelPackageApproval(arn, 'Approved');
    return arn;
  }

  async only(): Promise<RolloutRecord> {
    const all = await this.store.list({ endpointName: ENDPOINT });
    if (all.length !== 1) throw new Error(`expected one rollout, found ${all.length}`);
    return all[0]!;
  }

  async ended(): Promise<boolean> {
    const all = await this.store.list({ endpointName: ENDPOINT });
    return all.length > 0 && all.every((r) => TERMINAL.includes(r.status));
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    return this.store.timeline(id);
  }

  mutatingCalls() {
    return this.sim.calls.filter((c) => MUTATING.test(c.operation));
  }

  logText(): string {
    return this.logs.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields ?? {})}`).join('\n');
  }
}

/** Every method of the simulated SageMaker port, bound, so a test can override one of them. */
export function delegate(port: EndpointControl): EndpointControl {
  return {
    describeEndpoint: (n) => port.describeEndpoint(n),
    describeEndpointConfig: (n) => port.describeEndpointConfig(n),
    describeModelPackage: (a) => port.describeModelPackage(a),
    describeModel: (n) => port.describeModel(n),
    listTags: (a) => port.listTags(a),
    createModel: (r) => port.createModel(r),
    createEndpointConfig: (r) => port.createEndpointConfig(r),
    updateEndpoint: (e, c) => port.updateEndpoint(e, c),
    updateWeights: (e, w) => port.updateWeights(e, w),
    deleteEndpointConfig: (n) => port.deleteEndpointConfig(n),
    deleteModel: (n) => port.deleteModel(n),
  };
}
