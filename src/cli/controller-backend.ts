// Controller mode: the CLI steers rollouts that the deployed controller runs. Commands go out as one
// `Rollout Command` event each on the controller's command bus; state is read from its rollout table.
// Before sending, the CLI asks the controller's own dry run (`RolloutController.check`, run here over the
// table and read-only AWS calls) whether the command would be accepted, so a refusal is immediate and
// nothing is sent. After sending, the CLI waits until the controller has acted.
import { setTimeout as sleep } from 'node:timers/promises';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ApplicationAutoScalingScalingControl } from '../aws/autoscaling';
import { toSmRolloutError } from '../aws/classify-error';
import { createAwsClients, type AwsClients } from '../aws/cli-clients';
import { CloudWatchAlarmControl, CloudWatchMetricReader } from '../aws/cloudwatch';
import { SageMakerEndpointControl } from '../aws/sagemaker';
import {
  type AlarmControl,
  type AlarmState,
  type CheckVerdict,
  COMMAND_DETAIL_TYPE,
  COMMAND_SOURCE,
  type CommandDetail,
  type CommandEvent,
  type CommandRequest,
  DEPLOYED_POLICIES,
  RolloutController,
  startCommandDetail,
  steerCommandDetail,
  type StartCommandRequest,
  systemClock,
  readPolicyAlarmReach,
  type EndpointControl,
  type PolicyAlarmReport,
} from '../engine';
import type { MetricReader } from '../engine/ports';
import { SmRolloutError } from '../errors';
import { formatDuration } from '../plan';
import {
  DynamoRolloutStore,
  type ListFilter,
  type RolloutRecord,
  type RolloutStore,
  type TimelineEntry,
} from '../store';
import { isTerminal, needsAPerson } from '../../statemachines/describe';
import type { FollowOptions, FollowResult, RolloutBackend } from './backend';
import { refuseUnlessAccepted } from './backend';
import { resolveControllerConfig, type ControllerConfig } from './controller-config';

export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;
export const DEFAULT_COMMAND_POLL_MS = 1_000;
export const DEFAULT_FOLLOW_INTERVAL_MS = 2_000;

/** The store reads controller mode needs; it never writes. */
export type ControllerStore = Pick<RolloutStore, 'get' | 'list' | 'timeline' | 'activeForEndpoint'>;

/** Where time enters: real time by default, a fake clock in tests. */
export interface ControllerClock {
  now(): number;
  /** Resolves after `ms`, or rejects/resolves early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ControllerBackendDeps {
  eventbridge: EventBridgeClient;
  commandBusName: string;
  store: ControllerStore;
  /** Alarm reads for status views. */
  alarms: AlarmControl;
  /** Per-variant metrics for `report` (CloudWatch GetMetricData with the caller's credentials). */
  metrics?: MetricReader;
  /** Endpoint reads for `policy validate`'s alarm checks (DescribeEndpoint, DescribeEndpointConfig). */
  endpoints?: Pick<EndpointControl, 'describeEndpoint' | 'describeEndpointConfig'>;
  /** The controller's dry run of a command (RolloutController.check), asked before sending it. */
  check: (event: CommandEvent) => Promise<CheckVerdict>;
  clock?: ControllerClock;
  /** How long to wait for the controller to act on a command. Default 60 s. */
  commandTimeoutMs?: number;
  /** How often to look at the store while waiting for that. Default 1 s. */
  commandPollMs?: number;
  /** How often `follow` reads the store. Default 2 s. */
  followIntervalMs?: number;
  /** Named in the timeout message so the user knows where to look (e.g. the stack's name). */
  controllerHint?: string;
}

export type ControllerFollowOptions = FollowOptions & { intervalMs?: number };

const realClock: ControllerClock = {
  now: systemClock.now,
  async sleep(ms, signal) {
    await sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);
  },
};

function notFound(rolloutId: string): SmRolloutError {
  return new SmRolloutError(
    'ROLLOUT_NOT_FOUND',
    `rollout ${rolloutId} not found in the controller's table; \`sm-rollout list\` shows the known ones`,
    { field: 'rolloutId' },
  );
}

export class ControllerBackend implements RolloutBackend {
  readonly mode = 'controller' as const;
  private readonly clock: ControllerClock;
  private readonly commandTimeoutMs: number;
  private readonly commandPollMs: number;
  private readonly followIntervalMs: number;
  readonly metrics?: MetricReader;

  constructor(private readonly deps: ControllerBackendDeps) {
    if (deps.metrics) this.metrics = deps.metrics;
    this.clock = deps.clock ?? realClock;
    this.commandTimeoutMs = deps.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.commandPollMs = deps.commandPollMs ?? DEFAULT_COMMAND_POLL_MS;
    this.followIntervalMs = deps.followIntervalMs ?? DEFAULT_FOLLOW_INTERVAL_MS;
  }

  /** The backend for a resolved configuration, over the one client factory's clients. */
  static fromConfig(
    config: ControllerConfig,
    clients: Pick<AwsClients, 'eventbridge' | 'dynamodb' | 'sagemaker' | 'cloudwatch' | 'autoscaling'>,
    options: Pick<
      ControllerBackendDeps,
      'clock' | 'commandTimeoutMs' | 'commandPollMs' | 'followIntervalMs'
    > = {},
  ): ControllerBackend {
    const store = new DynamoRolloutStore(clients.dynamodb, config.tableName);
    const endpoints = new SageMakerEndpointControl(clients.sagemaker);
    const alarms = new CloudWatchAlarmControl(clients.cloudwatch);
    const scaling = new ApplicationAutoScalingScalingControl(clients.autoscaling);
    // The controller's own checks, over the table and read-only AWS calls; it never acts here.
    const controller = new RolloutController({
      store,
      endpoints,
      alarms,
      scaling,
      policies: DEPLOYED_POLICIES,
      events: { publish: async () => undefined },
      clock: systemClock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    return new ControllerBackend({
      ...options,
      eventbridge: clients.eventbridge,
      commandBusName: config.commandBusName,
      store,
      alarms,
      // GetMetricData with the CLI's own credentials: `report` draws what the caller may read.
      metrics: new CloudWatchMetricReader(clients.cloudwatch),
      endpoints,
      check: (event) => controller.check(event),
      ...(config.stack ? { controllerHint: `stack ${config.stack}` } : {}),
    });
  }

  async start(request: StartCommandRequest): Promise<RolloutRecord> {
    const detail = startCommandDetail(request);
    await this.checked(detail);
    return this.startedBy(
      detail,
      request.endpointName,
      `start a rollout of ${request.modelPackageArn} on ${request.endpointName}`,
      request.modelPackageArn,
    );
  }

  async undo(
    endpointName: string,
    overrides: { strategy?: string; finalBake?: string },
    requestedBy: string,
  ) {
    const detail: CommandDetail = { command: 'undo', endpoint: endpointName, requestedBy, ...overrides };
    const verdict = await this.checked(detail);
    const record = await this.startedBy(
      detail,
      endpointName,
      `undo the last rollout of ${endpointName}`,
      verdict.modelPackageArn ?? '',
    );
    return { record, undoing: verdict.undoing ?? 'the last rollout' };
  }

  async command(rolloutId: string, command: CommandRequest): Promise<RolloutRecord> {
    const record = await this.deps.store.get(rolloutId);
    if (!record) throw notFound(rolloutId);
    const detail: CommandDetail = steerCommandDetail(rolloutId, command);
    await this.checked(detail);
    const eventId = await this.send(detail);
    return this.waitFor(eventId, `${command.type.toLowerCase()} rollout ${rolloutId}`, async () => {
      const now = await this.deps.store.get(rolloutId);
      return now && now.version > record.version ? now : undefined;
    });
  }

  async get(rolloutId: string): Promise<{ record: RolloutRecord; timeline: TimelineEntry[] }> {
    const record = await this.deps.store.get(rolloutId);
    if (!record) throw notFound(rolloutId);
    return { record, timeline: await this.deps.store.timeline(rolloutId) };
  }

  list(filter?: ListFilter): Promise<RolloutRecord[]> {
    return this.deps.store.list(filter);
  }

  activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined> {
    return this.deps.store.activeForEndpoint(endpointName);
  }

  /**
   * Reads the store every `intervalMs` (default 2 s) and reports the timeline entries added since following
   * began (as local mode does). The controller drives the rollout; following never changes it.
   */
  async follow(rolloutId: string, options: ControllerFollowOptions): Promise<FollowResult> {
    const interval = options.intervalMs ?? this.followIntervalMs;
    const deadline = options.timeoutMs === undefined ? undefined : this.clock.now() + options.timeoutMs;
    let seen: number | undefined;
    for (;;) {
      const record = await this.deps.store.get(rolloutId);
      if (!record) throw notFound(rolloutId);
      if (seen === undefined) seen = record.timelineLength;
      if (record.timelineLength > seen) {
        const from = seen;
        const added = (await this.deps.store.timeline(rolloutId)).filter((e) => e.seq >= from);
        seen = record.timelineLength;
        await options.onUpdate?.(record, added);
      }
      await options.onTick?.(record, this.clock.now());
      if (isTerminal(record.status)) return { record, stoppedBecause: 'ended' };
      if (options.until === 'attention' && needsAPerson(record.status)) {
        return { record, stoppedBecause: 'attention' };
      }
      if (options.signal?.aborted) return { record, stoppedBecause: 'detached' };
      const now = this.clock.now();
      if (deadline !== undefined && now >= deadline) return { record, stoppedBecause: 'timeout' };
      await this.clock.sleep(
        deadline === undefined ? interval : Math.min(interval, deadline - now),
        options.signal,
      );
      if (options.signal?.aborted) return { record, stoppedBecause: 'detached' };
    }
  }

  async alarmStates(alarmNames: string[]): Promise<AlarmState[]> {
    if (alarmNames.length === 0) return [];
    try {
      return await this.deps.alarms.describeAlarms(alarmNames);
    } catch {
      return [];
    }
  }

  async alarmReach(endpointName: string, alarmNames: string[]): Promise<PolicyAlarmReport | undefined> {
    const { endpoints, alarms } = this.deps;
    return endpoints ? readPolicyAlarmReach({ endpoints, alarms }, endpointName, alarmNames) : undefined;
  }

  async close(): Promise<void> {}

  private checked(detail: CommandDetail) {
    return refuseUnlessAccepted(this.deps.check, detail);
  }

  /** Sends a command that starts a rollout of `modelPackageArn` on `endpointName` and waits for it to appear. */
  private async startedBy(
    detail: CommandDetail,
    endpointName: string,
    what: string,
    modelPackageArn: string,
  ): Promise<RolloutRecord> {
    // Rollouts of this endpoint that existed before the send cannot be the one it starts.
    const before = new Set((await this.deps.store.list({ endpointName })).map((r) => r.id));
    const eventId = await this.send(detail);
    return this.waitFor(eventId, what, async () => {
      const records = await this.deps.store.list({ endpointName });
      return records.find((r) => !before.has(r.id) && r.modelPackageArn === modelPackageArn);
    });
  }

  /** One PutEvents entry; returns EventBridge's event id. */
  private async send(detail: CommandDetail): Promise<string> {
    let output;
    try {
      output = await this.deps.eventbridge.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.deps.commandBusName,
              Source: COMMAND_SOURCE,
              DetailType: COMMAND_DETAIL_TYPE,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
    } catch (error) {
      throw toSmRolloutError(`PutEvents to the command bus ${this.deps.commandBusName}`, error);
    }
    const entry = output.Entries?.[0];
    if ((output.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
      const why = entry?.ErrorCode
        ? `${entry.ErrorCode}: ${entry.ErrorMessage ?? 'no message'}`
        : 'EventBridge returned no event id';
      throw new SmRolloutError(
        'AWS_ERROR',
        `the ${detail.command} command was not sent to the command bus ${this.deps.commandBusName} (${why}); ` +
          'nothing changed — check that the bus exists and that your credentials may put events on it ' +
          '(the stack grants this to its commandPrincipals)',
      );
    }
    return entry.EventId;
  }

  /** Polls until `acted` finds what the controller did, or gives up after the command timeout. */
  private async waitFor(
    eventId: string,
    what: string,
    acted: () => Promise<RolloutRecord | undefined>,
  ): Promise<RolloutRecord> {
    const deadline = this.clock.now() + this.commandTimeoutMs;
    for (;;) {
      const record = await acted();
      if (record) return record;
      const now = this.clock.now();
      if (now >= deadline) break;
      await this.clock.sleep(Math.min(this.commandPollMs, deadline - now));
    }
    const where = this.deps.controllerHint ? ` of ${this.deps.controllerHint}` : '';
    throw new SmRolloutError(
      'AWS_ERROR',
      `the command to ${what} was sent (event ${eventId}) but the controller has not acted on it within ` +
        `${formatDuration(this.commandTimeoutMs)}; it may still do so, or it may have refused it. Check with ` +
        "`sm-rollout status <id>` (or `sm-rollout list`), and look in the controller function's log group" +
        `${where} (/aws/lambda/<FunctionName output>) and its dead-letter queue (DeadLetterQueueUrl output)`,
    );
  }
}

/** The CLI's controller-mode flags (src/cli/mode.ts BackendFlags). */
export interface ControllerFlags {
  stack?: string;
  table?: string;
  'command-bus'?: string;
  region?: string;
}

/** Finds the controller (flags, env, config file, stack outputs) and opens a backend on it. */
export async function openControllerBackend(
  flags: ControllerFlags,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): Promise<ControllerBackend> {
  const config = await resolveControllerConfig({
    ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
    ...(flags.table !== undefined ? { table: flags.table } : {}),
    ...(flags['command-bus'] !== undefined ? { commandBus: flags['command-bus'] } : {}),
    ...(flags.region !== undefined ? { region: flags.region } : {}),
    env,
    cwd,
  });
  return ControllerBackend.fromConfig(
    config,
    createAwsClients(config.region === undefined ? {} : { region: config.region }),
  );
}
