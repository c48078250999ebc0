// The one intake: every event the controller takes — its source and detail-type, the schema of its
// detail exactly as AWS (or the CLI) sends it, and what it becomes for the controller; and the
// wake-up queue's contract (the message body the controller sends itself, the delay it asks SQS for,
// and the SQS batch the event source mapping hands the Lambda). The Lambda handler parses with it,
// the CDK rules match its constants, and the CLI, the simulated EventBridge and the simulated queue
// build their envelopes with it, so a field renamed here is renamed everywhere.
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SmRolloutError } from '../errors';
import { formatDuration } from '../plan';
import type { StartRolloutRequest } from './start-request';
import type { PreTrafficCheckInput } from './pre-traffic-check';
import type { RolloutEngineKind } from '../../statemachines/contract';

/** The EventBridge source and detail-type of each event the controller is wired to. */
export const CONTROLLER_EVENTS = {
  approval: { source: 'aws.sagemaker', detailType: 'SageMaker Model Package State Change' },
  endpoint: { source: 'aws.sagemaker', detailType: 'SageMaker Endpoint State Change' },
  /**
   * A guardrails deployment's stages (native rollouts): "the endpoint state change's detail plus
   * PendingDeploymentSummary" — read as an endpoint state change, so the rollout looks at once.
   */
  deployment: { source: 'aws.sagemaker', detailType: 'SageMaker Endpoint Deployment State Change' },
  alarm: { source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' },
  schedule: { source: 'aws.events', detailType: 'Scheduled Event' },
  command: { source: 'sm-rollout.cli', detailType: 'Rollout Command' },
} as const;

export const COMMAND_SOURCE = CONTROLLER_EVENTS.command.source;
export const COMMAND_DETAIL_TYPE = CONTROLLER_EVENTS.command.detailType;

const envelopeSchema = z.object({
  id: z.string().min(1),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string().optional(),
  detail: z.unknown(),
});

const modelPackageDetail = z.object({
  ModelPackageArn: z.string().min(1),
  ModelPackageGroupName: z.string().min(1),
  ModelPackageVersion: z.number().int().optional(),
  // Absent on unversioned packages; those never deploy.
  ModelApprovalStatus: z.string().default('PendingManualApproval'),
  ModelPackageStatus: z.string(),
  // Present on updates only: which fields the update changed (absent when the package is created).
  UpdatedModelPackageFields: z.array(z.string()).optional(),
});

const alarmDetail = z.object({
  alarmName: z.string().min(1),
  state: z.object({ value: z.string(), reason: z.string().default(''), reasonData: z.string().optional() }),
});

const endpointDetail = z.object({
  EndpointName: z.string().min(1),
  EndpointStatus: z.string(),
});

// ---- the command contract: what `sm-rollout` sends as a Rollout Command's detail ---------------

const startDetailSchema = z.object({
  command: z.literal('start'),
  endpoint: z.string().min(1),
  modelPackageArn: z.string().min(1),
  requestedBy: z.string().min(1),
  strategy: z.union([z.string(), z.array(z.any())]).optional(),
  finalBake: z.string().optional(),
  alarms: z.array(z.string()).optional(),
  executionRoleArn: z.string().optional(),
  maxDuration: z.string().optional(),
  // Checked field by field by the start request's own schema (start-request.ts), which names the fix.
  candidateAlarms: z.array(z.any()).optional(),
  candidate: z
    .object({ instanceType: z.string().optional(), instanceCount: z.number().optional() })
    .optional(),
  /** Roll out even when no alarm watches the candidate (`--no-guard`); the timeline records it. */
  allowUnguarded: z.boolean().optional(),
  /** Roll out the version already serving the endpoint (`--force`). */
  force: z.boolean().optional(),
  /** The judge (`false`: `--no-judge`); checked by the start request's own schema (judge-settings.ts). */
  judge: z.any().optional(),
  /** false: keep one-minute metrics (no 10-second enhanced metrics on the transition config). */
  enhancedMetrics: z.boolean().optional(),
  // As written in a policy; checked by the start request's own rules (pre-traffic-check.ts).
  preTrafficCheck: z.custom<PreTrafficCheckInput>().optional(),
  /** How traffic moves (`--engine`); checked by the start request's own schema (native-start.ts). */
  engine: z.custom<RolloutEngineKind>().optional(),
  /** The inference component to roll out onto (`--inference-component`); checked by the start request's schema. */
  inferenceComponent: z.string().optional(),
});

/** The longest abort reason a command carries. */
export const MAX_REASON_LENGTH = 500;

const steerDetailSchema = z.object({
  command: z.enum(['pause', 'resume', 'promote', 'abort']),
  rolloutId: z.string().min(1).optional(),
  endpoint: z.string().min(1).optional(),
  requestedBy: z.string().min(1),
  full: z.boolean().optional(),
  note: z.string().max(MAX_REASON_LENGTH).optional(),
});

const undoDetailSchema = z.object({
  command: z.literal('undo'),
  endpoint: z.string().min(1),
  requestedBy: z.string().min(1),
  strategy: z.string().optional(),
  finalBake: z.string().optional(),
});

const commandDetailSchema = z.discriminatedUnion('command', [
  startDetailSchema,
  steerDetailSchema,
  undoDetailSchema,
]);

/** A Rollout Command's detail as the CLI sends it. */
export type CommandDetail = z.input<typeof commandDetailSchema>;
export type SteeringCommand = z.infer<typeof steerDetailSchema>['command'];

// ---- what the controller receives ----------------------------------------------------------------

export interface ApprovalEvent {
  modelPackageArn: string;
  modelPackageGroupName: string;
  modelPackageVersion?: number;
  approvalStatus: string;
  packageStatus: string;
  /** The fields an update changed; absent when the event is the package's creation. */
  updatedFields?: string[];
}

export interface AlarmEvent {
  alarmName: string;
  state: string;
  reason: string;
  reasonData?: string;
}

export type CommandEvent =
  | {
      eventId: string;
      command: 'start';
      requestedBy: string;
      endpoint: string;
      modelPackageArn: string;
      /** Overrides of the endpoint's policy (or a full request when no policy covers it). */
      overrides: Partial<Omit<StartRolloutRequest, 'versionGate'>> & { force?: boolean };
    }
  | {
      eventId: string;
      command: SteeringCommand;
      requestedBy: string;
      rolloutId?: string;
      endpoint?: string;
      full?: boolean;
      note?: string;
    }
  | {
      eventId: string;
      command: 'undo';
      requestedBy: string;
      endpoint: string;
      strategy?: string;
      finalBake?: string;
    };

/** One record of an SQS batch: a wake-up, or why its body is not one (a retry would not fix it). */
export type WakeUpRecord =
  { messageId: string; rolloutId: string; at: number } | { messageId: string; malformed: string };

export type ControllerInput =
  | { kind: 'wakeUps'; records: WakeUpRecord[] }
  | { kind: 'approval'; event: ApprovalEvent }
  | { kind: 'alarm'; event: AlarmEvent }
  | { kind: 'endpoint'; endpointName: string; status: string }
  | { kind: 'schedule' }
  | { kind: 'command'; event: CommandEvent };

function malformed(what: string, error: z.ZodError): SmRolloutError {
  const issue = error.issues[0]!;
  return new SmRolloutError(
    'INVALID_INPUT',
    `malformed ${what} event: ${issue.path.join('.') || 'event'}: ${issue.message}`,
    { field: issue.path.join('.') },
  );
}

/** API statuses from the event's spelling: IN_SERVICE → InService, UPDATE_ROLLBACK_FAILED → UpdateRollbackFailed. */
export function endpointStatusFromEvent(status: string): string {
  if (!status.includes('_') && status !== status.toUpperCase()) return status;
  return status
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function is(source: string, detailType: string, event: { source: string; detailType: string }): boolean {
  return source === event.source && detailType === event.detailType;
}

/** A command's detail, validated, as the controller takes it. */
export function parseCommandDetail(detail: unknown, eventId: string): CommandEvent {
  const d = commandDetailSchema.safeParse(detail);
  if (!d.success) throw malformed(COMMAND_DETAIL_TYPE, d.error);
  const c = d.data;
  if (c.command === 'start') {
    const { command, endpoint, modelPackageArn, requestedBy, ...overrides } = c;
    return { eventId, command, endpoint, modelPackageArn, requestedBy, overrides };
  }
  if (c.command === 'undo') return { eventId, ...c };
  if (!c.rolloutId && !c.endpoint) {
    throw new SmRolloutError('INVALID_INPUT', 'malformed Rollout Command event: give rolloutId or endpoint', {
      field: 'detail.rolloutId',
    });
  }
  return { eventId, ...c };
}

// ---- the wake-up queue ---------------------------------------------------------------------------

/**
 * SendMessage's DelaySeconds: "Valid values: 0 to 900. Maximum: 15 minutes. Messages with a positive
 * DelaySeconds value become available for processing after the delay period is finished" (SQS API
 * reference, SendMessage). A wake-up further away is sent with the maximum and sent on again when it
 * arrives early (RolloutController.wake).
 */
export const MAX_SQS_DELAY_SECONDS = 900;

/** The whole seconds SQS holds a wake-up for `at`: never early (rounded up), at most 15 minutes. */
export function wakeUpDelaySeconds(at: number, now: number): number {
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil((at - now) / 1000)));
}

const wakeUpBodySchema = z.object({ rolloutId: z.string().min(1), wakeAt: z.number().int().nonnegative() });

/** The body of a wake-up message, as the controller sends it to its own queue. */
export function wakeUpBody(rolloutId: string, at: number): string {
  return JSON.stringify({ rolloutId, wakeAt: at });
}

// What Lambda's SQS event source mapping passes the function: `{ Records: [...] }`, each record with
// `eventSource: 'aws:sqs'`, its `messageId` (what a partial batch response names) and the `body` as sent.
const sqsRecordSchema = z.object({
  messageId: z.string().min(1),
  eventSource: z.literal('aws:sqs'),
  body: z.string(),
});
const sqsEventSchema = z.object({ Records: z.array(z.unknown()).min(1) });

function isSqsEvent(raw: unknown): raw is { Records: unknown[] } {
  const records = (raw as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) && (records[0] as { eventSource?: unknown } | undefined)?.eventSource === 'aws:sqs'
  );
}

function parseWakeUpRecord(raw: unknown, index: number): WakeUpRecord {
  const record = sqsRecordSchema.safeParse(raw);
  if (!record.success) {
    const id = (raw as { messageId?: unknown } | null)?.messageId;
    return {
      messageId: typeof id === 'string' ? id : `#${index}`,
      malformed: malformed('SQS', record.error).message,
    };
  }
  const { messageId, body } = record.data;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {
      messageId,
      malformed:
        'malformed wake-up event: body: not JSON; expected {"rolloutId": "...", "wakeAt": <epoch ms>}',
    };
  }
  const wake = wakeUpBodySchema.safeParse(json);
  if (!wake.success) return { messageId, malformed: malformed('wake-up', wake.error).message };
  return { messageId, rolloutId: wake.data.rolloutId, at: wake.data.wakeAt };
}

/** One SQS record as the event source mapping delivers it (the simulated queue builds its batches with it). */
export function sqsRecord(message: {
  messageId: string;
  body: string;
  sentAt: number;
  firstReceivedAt: number;
  receiveCount: number;
  queueArn: string;
  region: string;
}) {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'sm-rollout-controller',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: message.queueArn,
    awsRegion: message.region,
  };
}

/** Validates an event the controller is wired to (EventBridge, or its wake-up queue) and says what it means. */
export function parseControllerEvent(raw: unknown): ControllerInput {
  if (isSqsEvent(raw)) {
    const batch = sqsEventSchema.parse(raw);
    return { kind: 'wakeUps', records: batch.Records.map(parseWakeUpRecord) };
  }
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) throw malformed('EventBridge', env.error);
  const { source, 'detail-type': detailType, detail, id } = env.data;
  if (is(source, detailType, CONTROLLER_EVENTS.approval)) {
    const d = modelPackageDetail.safeParse(detail);
    if (!d.success) throw malformed(detailType, d.error);
    return {
      kind: 'approval',
      event: {
        modelPackageArn: d.data.ModelPackageArn,
        modelPackageGroupName: d.data.ModelPackageGroupName,
        ...(d.data.ModelPackageVersion !== undefined
          ? { modelPackageVersion: d.data.ModelPackageVersion }
          : {}),
        approvalStatus: d.data.ModelApprovalStatus,
        packageStatus: d.data.ModelPackageStatus,
        ...(d.data.UpdatedModelPackageFields ? { updatedFields: d.data.UpdatedModelPackageFields } : {}),
      },
    };
  }
  if (is(source, detailType, CONTROLLER_EVENTS.alarm)) {
    const d = alarmDetail.safeParse(detail);
    if (!d.success) throw malformed(detailType, d.error);
    return {
      kind: 'alarm',
      event: {
        alarmName: d.data.alarmName,
        state: d.data.state.value,
        reason: d.data.state.reason,
        ...(d.data.state.reasonData ? { reasonData: d.data.state.reasonData } : {}),
      },
    };
  }
  if (
    is(source, detailType, CONTROLLER_EVENTS.endpoint) ||
    is(source, detailType, CONTROLLER_EVENTS.deployment)
  ) {
    const d = endpointDetail.safeParse(detail);
    if (!d.success) throw malformed(detailType, d.error);
    return {
      kind: 'endpoint',
      endpointName: d.data.EndpointName,
      status: endpointStatusFromEvent(d.data.EndpointStatus),
    };
  }
  if (is(source, detailType, CONTROLLER_EVENTS.schedule)) return { kind: 'schedule' };
  if (is(source, detailType, CONTROLLER_EVENTS.command)) {
    return { kind: 'command', event: parseCommandDetail(detail, id) };
  }
  throw new SmRolloutError(
    'INVALID_INPUT',
    `unexpected event: source ${source}, detail-type ${detailType}; the controller handles SageMaker model package ` +
      'and endpoint (and endpoint deployment) state changes, CloudWatch alarm state changes, the schedule and ' +
      'sm-rollout.cli commands',
  );
}

/**
 * A start request as a person or pipeline gives it: in controller mode the endpoint's policy fills
 * in what is not given (strategy, alarms, role); the fields given win over the policy.
 */
export type StartCommandRequest = Partial<Omit<StartRolloutRequest, 'versionGate'>> &
  Pick<StartRolloutRequest, 'endpointName' | 'modelPackageArn'> & { requestedBy: string; force?: boolean };

/** Durations travel as text ("5m"); a request may give milliseconds. */
function durationText(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? formatDuration(value) : value;
}

/** The Rollout Command that asks for `request`, exactly as every host sends it. */
export function startCommandDetail(request: StartCommandRequest): CommandDetail {
  const finalBake = durationText(request.finalBake);
  const maxDuration = durationText(request.maxDuration);
  return {
    command: 'start',
    endpoint: request.endpointName,
    modelPackageArn: request.modelPackageArn,
    requestedBy: request.requestedBy || 'unknown',
    ...(request.strategy !== undefined ? { strategy: request.strategy } : {}),
    ...(finalBake !== undefined ? { finalBake } : {}),
    ...(request.alarms !== undefined ? { alarms: request.alarms } : {}),
    ...(request.executionRoleArn !== undefined ? { executionRoleArn: request.executionRoleArn } : {}),
    ...(maxDuration !== undefined ? { maxDuration } : {}),
    // An empty list travels: it opts out of the default candidate alarms.
    ...(request.candidateAlarms !== undefined ? { candidateAlarms: request.candidateAlarms } : {}),
    ...(request.candidate && Object.keys(request.candidate).length ? { candidate: request.candidate } : {}),
    ...(request.allowUnguarded ? { allowUnguarded: true } : {}),
    ...(request.force ? { force: true } : {}),
    ...(request.judge !== undefined ? { judge: request.judge } : {}),
    ...(request.enhancedMetrics !== undefined ? { enhancedMetrics: request.enhancedMetrics } : {}),
    ...(request.preTrafficCheck !== undefined ? { preTrafficCheck: request.preTrafficCheck } : {}),
    ...(request.engine !== undefined ? { engine: request.engine } : {}),
    ...(request.inferenceComponent !== undefined ? { inferenceComponent: request.inferenceComponent } : {}),
  };
}

/** The Rollout Command that steers rollout `rolloutId`, exactly as every host sends it. */
export function steerCommandDetail(
  rolloutId: string,
  command: { type: 'PAUSE' | 'RESUME' | 'PROMOTE' | 'ABORT'; by: string; full?: boolean; note?: string },
): CommandDetail {
  return {
    command: command.type.toLowerCase() as SteeringCommand,
    rolloutId,
    requestedBy: command.by,
    ...(command.type === 'PROMOTE' && command.full !== undefined ? { full: command.full } : {}),
    ...(command.type === 'ABORT' && command.note !== undefined ? { note: command.note } : {}),
  };
}

// ---- envelopes, for the hosts that deliver events themselves (the CLI, the simulated EventBridge) --

export interface EnvelopeContext {
  id: string;
  /** Epoch ms. */
  at: number;
  account: string;
  region: string;
}

/** EventBridge's `time`: ISO 8601 to the second. */
function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Scheduled Event of the controller's rate(1 minute) rule (no custom input), as EventBridge sends it. */
export function scheduledEvent(context: EnvelopeContext, ruleName = 'sm-rollout-schedule') {
  return {
    version: '0',
    id: context.id,
    'detail-type': CONTROLLER_EVENTS.schedule.detailType,
    source: CONTROLLER_EVENTS.schedule.source,
    account: context.account,
    time: eventTime(context.at),
    region: context.region,
    resources: [`arn:aws:events:${context.region}:${context.account}:rule/${ruleName}`],
    detail: {},
  };
}

/** A Rollout Command as the controller's command bus delivers it. */
export function commandEvent(context: EnvelopeContext, detail: CommandDetail) {
  return {
    version: '0',
    id: context.id,
    'detail-type': COMMAND_DETAIL_TYPE,
    source: COMMAND_SOURCE,
    account: context.account,
    time: eventTime(context.at),
    region: context.region,
    resources: [],
    detail,
  };
}
