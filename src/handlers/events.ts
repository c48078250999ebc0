// The EventBridge events the controller receives, validated exactly as AWS sends them (and as the
// CLI sends commands), turned into the controller's inputs. Anything else is malformed.
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import * as z from 'zod';
import { SmRolloutError } from '../errors';
import type { AlarmEvent, ApprovalEvent, CommandEvent } from '../engine/controller';
import { endpointStatusFromEvent } from '../engine/routing';

const envelope = z.object({
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
});

const alarmDetail = z.object({
  alarmName: z.string().min(1),
  state: z.object({ value: z.string(), reason: z.string().default(''), reasonData: z.string().optional() }),
});

const endpointDetail = z.object({
  EndpointName: z.string().min(1),
  EndpointStatus: z.string(),
});

const commandDetail = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('start'),
    endpoint: z.string().min(1),
    modelPackageArn: z.string().min(1),
    requestedBy: z.string().min(1),
    strategy: z.union([z.string(), z.array(z.any())]).optional(),
    finalBake: z.string().optional(),
    alarms: z.array(z.string()).optional(),
    executionRoleArn: z.string().optional(),
    maxDuration: z.string().optional(),
  }),
  z.object({
    command: z.enum(['pause', 'resume', 'promote', 'abort']),
    rolloutId: z.string().min(1).optional(),
    endpoint: z.string().min(1).optional(),
    requestedBy: z.string().min(1),
    full: z.boolean().optional(),
    note: z.string().max(500).optional(),
  }),
]);

export type ControllerInput =
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

export function parseControllerEvent(raw: unknown): ControllerInput {
  const env = envelope.safeParse(raw);
  if (!env.success) throw malformed('EventBridge', env.error);
  const { source, 'detail-type': detailType, detail, id } = env.data;
  if (source === 'aws.sagemaker' && detailType === 'SageMaker Model Package State Change') {
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
      },
    };
  }
  if (source === 'aws.cloudwatch' && detailType === 'CloudWatch Alarm State Change') {
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
  if (source === 'aws.sagemaker' && detailType === 'SageMaker Endpoint State Change') {
    const d = endpointDetail.safeParse(detail);
    if (!d.success) throw malformed(detailType, d.error);
    return {
      kind: 'endpoint',
      endpointName: d.data.EndpointName,
      status: endpointStatusFromEvent(d.data.EndpointStatus),
    };
  }
  if (source === 'aws.events' && detailType === 'Scheduled Event') return { kind: 'schedule' };
  if (source === 'sm-rollout.cli' && detailType === 'Rollout Command') {
    const d = commandDetail.safeParse(detail);
    if (!d.success) throw malformed(detailType, d.error);
    const c = d.data;
    if (c.command === 'start') {
      const { command: _command, endpoint, modelPackageArn, requestedBy, ...overrides } = c;
      return {
        kind: 'command',
        event: { eventId: id, command: 'start', endpoint, modelPackageArn, requestedBy, overrides },
      };
    }
    if (!c.rolloutId && !c.endpoint) {
      throw new SmRolloutError(
        'INVALID_INPUT',
        'malformed Rollout Command event: give rolloutId or endpoint',
        {
          field: 'detail.rolloutId',
        },
      );
    }
    return { kind: 'command', event: { eventId: id, ...c } };
  }
  throw new SmRolloutError(
    'INVALID_INPUT',
    `unexpected event: source ${source}, detail-type ${detailType}; the controller handles SageMaker model package ` +
      'and endpoint state changes, CloudWatch alarm state changes, the schedule and sm-rollout.cli commands',
  );
}
