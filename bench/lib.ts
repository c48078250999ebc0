// Shared pieces of the benchmarks: statistics, result tables, dynalite (the test suite's), and a
// simulated controller (the Lambda handler on the simulated cloud, driven by the simulated
// EventBridge the demo and the tests use).
import { isTerminal, type RolloutStatus } from '../statemachines/describe';
import type { AlarmControl, CommandDetail, EndpointControl } from '../src/engine';
import { createControllerHandler, type HandlerResult } from '../src/handlers/controller';
import { policyLookup } from '../src/handlers/environment';
import { parsePolicies } from '../src/policy';
import {
  createSimCloud,
  SimWakeUpQueue,
  type ModelBehaviour,
  type SimCloud,
  type SimTimings,
} from '../src/sim';
import { SimEventBridge } from '../src/sim/eventbridge';
import { MemoryRolloutStore, type RolloutStore } from '../src/store';
import { MemoryLifecyclePublisher } from '../src/cli/simulated-environment';

export const MINUTE = 60_000;
export const GROUP = 'churn-model';
export const ENDPOINT = 'churn-prod';
export const ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker-exec';
export const HEALTHY: ModelBehaviour = { errorRate: 0.002, latencyMs: 45 };

// ---------------------------------------------------------------------------------------------
// Results

export interface Table {
  title?: string;
  headers: string[];
  rows: (string | number)[][];
}

export interface BenchResult {
  name: string;
  /** One line per headline figure, printed to the console and the document. */
  figures: string[];
  tables: Table[];
  /** Method, where the time goes, what fell short. */
  notes: string[];
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Nearest-rank quantile. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export const ms = (value: number, digits = 2): string => `${value.toFixed(digits)} ms`;
export const ratio = (value: number): string => `${value.toFixed(2)}×`;
export const verdict = (value: number, target: number): string =>
  value <= target ? `meets ≤ ${target}×` : `ABOVE the ≤ ${target}× target`;

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export function markdownTable(table: Table): string {
  const esc = (cell: string | number) => String(cell).replace(/\|/g, '\\|');
  const lines = [
    `| ${table.headers.map(esc).join(' | ')} |`,
    `| ${table.headers.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// dynalite

// The test suite's dynalite server, with its request counts.
export { startDynalite, type DynaliteServer as Dynalite } from '../test/store/dynalite-server';

// ---------------------------------------------------------------------------------------------
// A simulated controller

export function policyYaml(strategy: string, endpoint = ENDPOINT, group = GROUP): string {
  return [
    'policies:',
    `  - modelPackageGroup: ${group}`,
    `    endpoint: ${endpoint}`,
    `    strategy: ${JSON.stringify(strategy)}`,
    '    finalBake: 10m',
    '    candidateAlarms:',
    '      - suffix: 5xx-rate',
    '        metricName: Invocation5XXErrors',
    '        statistic: Average',
    '        threshold: 0.05',
    `    executionRoleArn: ${ROLE}`,
    '    onNewerApproval: supersede',
    '',
  ].join('\n');
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface SimControllerOptions {
  strategy?: string;
  store?: RolloutStore;
  seed?: number;
  /** Wraps the EndpointControl port the controller sees (the sim's own object is left alone). */
  endpoints?: (sim: EndpointControl) => EndpointControl;
  alarms?: (sim: AlarmControl) => AlarmControl;
  idPrefix?: string;
  /** The policies file (YAML) instead of policyYaml(strategy). */
  policiesYaml?: string;
  /** The simulated cloud's default requests per minute per endpoint (600 unless set). */
  requestsPerMinute?: number;
  /** Precise wake-ups through the simulated SQS queue, as deployed (default true); false: the schedule alone. */
  wakeUps?: boolean;
  /** The simulated cloud's timings where they differ from its defaults (a sensitivity run). */
  timings?: Partial<SimTimings>;
}

/** The controller handler on a simulated cloud, driven by the simulated EventBridge (src/sim/eventbridge.ts). */
export class SimController {
  readonly sim: SimCloud;
  readonly store: RolloutStore;
  readonly handler: (event: unknown) => Promise<HandlerResult>;
  readonly bridge: SimEventBridge<HandlerResult>;
  readonly wakeUpQueue?: SimWakeUpQueue;
  readonly baselineArn: string;
  /** Real time spent inside the handler. */
  handlerMs = 0;
  invocations = 0;

  constructor(options: SimControllerOptions = {}) {
    this.sim = createSimCloud({
      seed: options.seed ?? 7,
      ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.timings !== undefined ? { timings: options.timings } : {}),
    });
    this.store = options.store ?? new MemoryRolloutStore();
    this.baselineArn = this.sim.registerModelPackage({
      groupName: GROUP,
      approvalStatus: 'Approved',
      behaviour: HEALTHY,
    });
    this.sim.createEndpoint({
      endpointName: ENDPOINT,
      modelPackageArn: this.baselineArn,
      instanceType: 'ml.m5.large',
      instanceCount: 2,
    });
    const policies = parsePolicies(
      options.policiesYaml ?? policyYaml(options.strategy ?? 'Canary10Percent5Minutes'),
      'bench-policies.yaml',
    );
    let ids = 0;
    const prefix = options.idPrefix ?? 'r-b';
    if (options.wakeUps !== false) {
      this.wakeUpQueue = new SimWakeUpQueue(this.sim.clock, {
        region: this.sim.region,
        accountId: this.sim.accountId,
      });
    }
    const handler = createControllerHandler(
      {
        store: this.store,
        policies: policyLookup(policies),
        endpoints: options.endpoints ? options.endpoints(this.sim.sagemaker) : this.sim.sagemaker,
        alarms: options.alarms ? options.alarms(this.sim.cloudwatch) : this.sim.cloudwatch,
        scaling: this.sim.autoscaling,
        metrics: this.sim.metrics,
        invoker: this.sim.runtime,
        objects: this.sim.s3,
        events: new MemoryLifecyclePublisher(),
        clock: this.sim.clock,
        ...(this.wakeUpQueue ? { wakeUps: this.wakeUpQueue.scheduler } : {}),
        newId: () => `${prefix}${(++ids).toString(36).padStart(4, '0')}`,
      },
      { logger: silent },
    );
    this.handler = async (event) => {
      const t = performance.now();
      try {
        const result = await handler(event);
        if (!result.ok) throw new Error(`handler refused an event: ${result.error}`);
        return result;
      } finally {
        this.handlerMs += performance.now() - t;
        this.invocations += 1;
      }
    };
    this.bridge = new SimEventBridge(this.sim, {
      target: this.handler,
      onError: 'throw',
      ...(this.wakeUpQueue ? { wakeUpQueue: this.wakeUpQueue } : {}),
    });
  }

  now(): number {
    return this.sim.clock.now();
  }

  /** Called after every delivery (the bench's operator: e.g. promote at a manual gate). */
  set between(fn: (() => Promise<void>) | undefined) {
    this.bridge.between = fn;
  }

  deliver(event: unknown): Promise<HandlerResult> {
    return this.bridge.deliver(event);
  }

  /** Forgets the events not delivered yet. */
  discardPending(): void {
    this.bridge.discardPending();
  }

  flush(): Promise<void> {
    return this.bridge.flush();
  }

  scheduledEvent(): Record<string, unknown> {
    return this.bridge.scheduledEvent();
  }

  commandEvent(detail: Record<string, unknown>): Record<string, unknown> {
    return this.bridge.commandEvent({ requestedBy: 'bench', ...detail } as CommandDetail);
  }

  /** One minute of EventBridge: events delivered as the sim sends them, then the Scheduled Event. */
  minute(): Promise<void> {
    return this.bridge.minute();
  }

  async runUntil(done: () => Promise<boolean> | boolean, maxMinutes = 120): Promise<number> {
    return this.bridge.runUntil(done, maxMinutes);
  }

  /** Registers and approves a new version (the approval event is delivered with the next flush). */
  approveNewVersion(behaviour: ModelBehaviour = HEALTHY): string {
    const arn = this.sim.registerModelPackage({ groupName: GROUP, behaviour });
    this.sim.setModelPackageApproval(arn, 'Approved');
    return arn;
  }

  async rolloutFor(modelPackageArn: string) {
    return (await this.store.list()).find((r) => r.modelPackageArn === modelPackageArn);
  }
}

export function isEnded(status: string | undefined): boolean {
  return status !== undefined && isTerminal(status as RolloutStatus);
}

export const delay = (msec: number) => new Promise<void>((resolve) => setTimeout(resolve, msec));
