// Turns the AWS events the controller listens to (EventBridge shapes, exactly as AWS sends them)
// into rollout events for the rollouts they concern. Shared by the Lambda handler and local hosts.
import type { RolloutEvent } from '../../statemachines/contract';
import type { RolloutRecord } from '../store/types';
import { parseAlarmReasonData } from './alarm-reason';

export interface AwsEvent {
  id?: string;
  source: string;
  'detail-type': string;
  time?: string;
  detail: Record<string, unknown>;
}

function alarmsWatchedBy(record: RolloutRecord): string[] {
  return [...record.input.alarms, ...record.input.candidateAlarms.map((a) => a.alarmName)];
}

/** The rollout events an AWS event means for one active rollout (usually none). */
export function rolloutEventsFor(event: AwsEvent, record: RolloutRecord, now: number): RolloutEvent[] {
  const detail = event.detail ?? {};
  if (event.source === 'aws.cloudwatch' && event['detail-type'] === 'CloudWatch Alarm State Change') {
    const state = detail.state as { value?: string; reason?: string; reasonData?: string } | undefined;
    const alarmName = detail.alarmName;
    if (typeof alarmName !== 'string' || state?.value !== 'ALARM') return [];
    if (!alarmsWatchedBy(record).includes(alarmName)) return [];
    return [
      {
        type: 'ALARM_FIRED',
        now,
        alarmName,
        stateReason: state.reason ?? 'ALARM',
        ...parseAlarmReasonData(typeof state.reasonData === 'string' ? state.reasonData : undefined),
      },
    ];
  }
  if (event.source === 'aws.sagemaker' && event['detail-type'] === 'SageMaker Endpoint State Change') {
    if (detail.EndpointName !== record.endpointName) return [];
    return [
      {
        type: 'ENDPOINT_CHANGED',
        now,
        ...(typeof detail.EndpointStatus === 'string'
          ? { status: endpointStatusFromEvent(detail.EndpointStatus) }
          : {}),
      },
    ];
  }
  return [];
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
