// Local and simulate modes: this process hosts the controller the Lambda runs — against real AWS
// (`--local`, credentials from the usual SDK chain) or against the simulated cloud (`--simulate`).
// Every verb becomes the Rollout Command controller mode would send, delivered to the same
// handler; a driver lets time pass (simulated minutes with their Scheduled Events, or real time
// until the next wake-up). Rollouts live in a file store (or a DynamoDB table) so another
// `sm-rollout` process can steer them.
import { randomUUID } from 'node:crypto';
import { SmRolloutError } from '../errors';
import { isTerminal, needsAPerson } from '../../statemachines/describe';
import {
  commandEvent,
  startCommandDetail,
  steerCommandDetail,
  type AlarmControl,
  type AlarmState,
  type CheckVerdict,
  type Clock,
  type CommandDetail,
  type CommandEvent,
  type CommandRequest,
  type EnvelopeContext,
  type Outcome,
  type StartCommandRequest,
  readPolicyAlarmReach,
  refusedWhileSettling,
  type EndpointControl,
  type PolicyAlarmReport,
} from '../engine';
import type { MetricReader } from '../engine/ports';
import type { HandlerResult } from '../handlers/controller';
import type { ListFilter, RolloutRecord, RolloutStore, TimelineEntry } from '../store';
import {
  commandOutcome,
  refuseUnlessAccepted,
  type FollowOptions,
  type FollowResult,
  type RolloutBackend,
} from './backend';

/** How events reach the in-process controller, and how time passes for it. */
export interface RolloutDriver {
  /** The clock the controller runs on (virtual in simulate mode). */
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  /** Delivers one event now (a command) and whatever it sets off that is due at once. */
  send(event: Record<string, unknown>): Promise<HandlerResult>;
  /**
   * Lets time pass for the rollout being followed, delivering what comes due meanwhile: a
   * simulated minute with its events and Scheduled Event, or real time until its next wake-up.
   */
  advance(record: RolloutRecord, signal?: AbortSignal): Promise<void>;
}

export interface LocalBackendOptions {
  mode: 'local' | 'simulate';
  driver: RolloutDriver;
  /** The in-process controller's dry run: a command it would refuse is refused before anything is written. */
  check: (event: CommandEvent) => Promise<CheckVerdict>;
  store: RolloutStore;
  alarms: AlarmControl;
  /** Per-variant metrics for `report` (CloudWatch GetMetricData, or the simulated cloud's). */
  metrics?: MetricReader;
  /** Endpoint reads for `policy validate`'s alarm checks (DescribeEndpoint, DescribeEndpointConfig). */
  endpoints?: Pick<EndpointControl, 'describeEndpoint' | 'describeEndpointConfig'>;
  /** The time --timeout counts: real time locally, simulated time in simulate mode. */
  timeoutNow: () => number;
  /**
   * Called after each step this process drives (a command delivered, time advanced), when the
   * rollout and the world are consistent: simulate mode saves there.
   */
  afterStep?: () => Promise<void>;
  onClose?: () => Promise<void>;
  /**
   * Lets a little time pass while a start waits for an endpoint that is Updating (an auto scaling
   * activity, someone's update): a simulated minute, or some real seconds locally. Absent: no wait.
   */
  waitForEndpoint?: () => Promise<void>;
  /** Says why the command waits (stderr). */
  onWait?: (message: string) => void;
}

/** How many waits a start makes for an endpoint that is settling before it gives up. */
const SETTLING_WAITS = 30;

export class LocalBackend implements RolloutBackend {
  readonly mode: 'local' | 'simulate';
  readonly metrics?: MetricReader;

  constructor(private readonly options: LocalBackendOptions) {
    this.mode = options.mode;
    if (options.metrics) this.metrics = options.metrics;
  }

  async start(request: StartCommandRequest): Promise<RolloutRecord> {
    return this.startWith(startCommandDetail(request));
  }

  async undo(
    endpointName: string,
    overrides: { strategy?: string; finalBake?: string },
    requestedBy: string,
  ) {
    const detail: CommandDetail = { command: 'undo', endpoint: endpointName, requestedBy, ...overrides };
    return this.whileSettling(async () => {
      const verdict = await refuseUnlessAccepted(this.options.check, detail);
      return { record: await this.startOnce(detail), undoing: verdict.undoing ?? 'the last rollout' };
    });
  }

  async command(rolloutId: string, command: CommandRequest): Promise<RolloutRecord> {
    const outcome = await this.send(steerCommandDetail(rolloutId, command));
    return (await this.get(outcome.rolloutId ?? rolloutId)).record;
  }

  async get(rolloutId: string): Promise<{ record: RolloutRecord; timeline: TimelineEntry[] }> {
    const record = await this.options.store.get(rolloutId);
    if (!record) {
      throw new SmRolloutError(
        'ROLLOUT_NOT_FOUND',
        `rollout ${rolloutId} not found; \`sm-rollout list\` shows the known ones`,
        { field: 'rolloutId' },
      );
    }
    return { record, timeline: await this.options.store.timeline(rolloutId) };
  }

  list(filter?: ListFilter): Promise<RolloutRecord[]> {
    return this.options.store.list(filter);
  }

  activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined> {
    return this.options.store.activeForEndpoint(endpointName);
  }

  async follow(rolloutId: string, options: FollowOptions): Promise<FollowResult> {
    const { timeoutNow } = this.options;
    const deadline = options.timeoutMs === undefined ? Infinity : timeoutNow() + options.timeoutMs;
    let { record } = await this.get(rolloutId);
    let seen = record.timelineLength;
    // Entries another process added (a promote from a second terminal) are reported too.
    const report = async (latest: RolloutRecord) => {
      record = latest;
      if (latest.timelineLength <= seen) return;
      const added = (await this.options.store.timeline(rolloutId)).filter((e) => e.seq >= seen);
      seen = latest.timelineLength;
      await options.onUpdate?.(latest, added);
    };
    for (;;) {
      await options.onTick?.(record, this.options.driver.clock.now());
      if (isTerminal(record.status)) return { record, stoppedBecause: 'ended' };
      if (options.signal?.aborted) return { record, stoppedBecause: 'detached' };
      if (timeoutNow() >= deadline) return { record, stoppedBecause: 'timeout' };
      if (options.until === 'attention' && needsAPerson(record.status)) {
        return { record, stoppedBecause: 'attention' };
      }
      await this.options.driver.advance(record, options.signal);
      await this.options.afterStep?.();
      await report((await this.get(rolloutId)).record);
    }
  }

  async alarmStates(alarmNames: string[]): Promise<AlarmState[]> {
    if (alarmNames.length === 0) return [];
    try {
      return await this.options.alarms.describeAlarms(alarmNames);
    } catch {
      return [];
    }
  }

  async alarmReach(endpointName: string, alarmNames: string[]): Promise<PolicyAlarmReport | undefined> {
    const { endpoints, alarms } = this.options;
    return endpoints ? readPolicyAlarmReach({ endpoints, alarms }, endpointName, alarmNames) : undefined;
  }

  async close(): Promise<void> {
    await this.options.onClose?.();
  }

  private startWith(detail: CommandDetail): Promise<RolloutRecord> {
    return this.whileSettling(() => this.startOnce(detail));
  }

  /**
   * Auto-scaled endpoints are Updating for minutes whenever they scale: a start (or undo) waits that
   * out (SageMaker refuses any update meanwhile) instead of refusing what a moment later is fine.
   */
  private async whileSettling<T>(attempt: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits++) {
      try {
        return await attempt();
      } catch (error) {
        const { waitForEndpoint, onWait } = this.options;
        if (!waitForEndpoint || waits >= SETTLING_WAITS || !refusedWhileSettling(error)) throw error;
        if (waits === 0)
          onWait?.(`${(error as Error).message.split(';')[0]}; waiting for it to be InService`);
        await waitForEndpoint();
      }
    }
  }

  private async startOnce(detail: CommandDetail): Promise<RolloutRecord> {
    const outcome = await this.send(detail);
    if (!outcome.rolloutId) {
      throw new SmRolloutError('AWS_ERROR', `the controller did not start a rollout: ${outcome.reason}`);
    }
    return (await this.get(outcome.rolloutId)).record;
  }

  private async send(detail: CommandDetail): Promise<Outcome> {
    const { driver, check } = this.options;
    await refuseUnlessAccepted(check, detail);
    const context: EnvelopeContext = {
      id: randomUUID(),
      at: driver.clock.now(),
      account: driver.account,
      region: driver.region,
    };
    const result = await driver.send(commandEvent(context, detail));
    await this.options.afterStep?.();
    return commandOutcome(result);
  }
}
