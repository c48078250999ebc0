// The events the simulated cloud sends, shaped exactly as EventBridge delivers them from AWS
// (SageMaker endpoint, endpoint deployment and model package state changes, CloudWatch alarm state
// changes), and the bus that hands them to listeners.
import type { AlarmStateValue } from '../engine/ports';
import type { SimClock } from './clock';
import type { SeededRandom } from './random';

interface EventEnvelope<DetailType extends string, Source extends string, Detail> {
  version: '0';
  id: string;
  'detail-type': DetailType;
  source: Source;
  account: string;
  /** ISO 8601 to the second, as EventBridge writes it: 2026-01-15T09:06:00Z. */
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

export interface EndpointStateChangeDetail {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  ProductionVariants: Array<{
    VariantName: string;
    CurrentWeight: number;
    DesiredWeight: number;
    CurrentInstanceCount: number;
    DesiredInstanceCount: number;
  }>;
  /** Upper snake case in events (IN_SERVICE, UPDATING, FAILED), unlike DescribeEndpoint's InService. */
  EndpointStatus: string;
  FailureReason?: string;
  /** Epoch milliseconds. */
  CreationTime: number;
  LastModifiedTime: number;
  Tags: Record<string, string>;
}

/**
 * "SageMaker Endpoint Deployment State Change" (guardrails): the endpoint's detail plus the deployment
 * in progress, as the example in "Events that Amazon SageMaker AI sends to Amazon EventBridge" shows it.
 */
export interface EndpointDeploymentStateChangeDetail extends EndpointStateChangeDetail {
  PendingDeploymentSummary: {
    EndpointConfigName: string;
    /** Epoch milliseconds. */
    StartTime: number;
    ProductionVariants: Array<{
      VariantName: string;
      CurrentWeight: number;
      DesiredWeight: number;
      CurrentInstanceCount: number;
      DesiredInstanceCount: number;
      /** Creating | Updating | Deleting | ActivatingTraffic | Baking, with AWS's StatusMessage texts. */
      VariantStatus: Array<{ Status: string; StatusMessage: string; StartTime: number }>;
    }>;
  };
}

export interface ModelPackageStateChangeDetail {
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageName: string;
  CreationTime: string;
  InferenceSpecification: {
    Containers: Array<{ Image: string; ModelDataUrl: string }>;
    SupportedContentTypes: string[];
    SupportedResponseMIMETypes: string[];
  };
  ModelPackageStatus: string;
  ModelPackageStatusDetails: { ValidationStatuses: unknown[]; ImageScanStatuses: unknown[] };
  CertifyForMarketplace: boolean;
  ModelApprovalStatus: string;
  LastModifiedTime: string;
  /** Present on updates only (absent when the package is created). */
  UpdatedModelPackageFields?: string[];
}

export interface AlarmStateDetail {
  value: AlarmStateValue;
  reason: string;
  reasonData?: string;
  /** CloudWatch's own format: 2026-01-15T09:08:00.000+0000. */
  timestamp: string;
}

export interface AlarmStateChangeDetail {
  alarmName: string;
  state: AlarmStateDetail;
  previousState: AlarmStateDetail;
  /** A metric alarm's `metrics` (a MetricStat, or a math alarm's queries), or a composite's `alarmRule`. */
  configuration: {
    description?: string;
    metrics?: Array<{
      id: string;
      metricStat?: {
        metric: { namespace: string; name: string; dimensions: Record<string, string> };
        period: number;
        stat: string;
      };
      expression?: string;
      returnData: boolean;
    }>;
    alarmRule?: string;
  };
}

export type EndpointStateChangeEvent = EventEnvelope<
  'SageMaker Endpoint State Change',
  'aws.sagemaker',
  EndpointStateChangeDetail
>;
export type EndpointDeploymentStateChangeEvent = EventEnvelope<
  'SageMaker Endpoint Deployment State Change',
  'aws.sagemaker',
  EndpointDeploymentStateChangeDetail
>;
export type ModelPackageStateChangeEvent = EventEnvelope<
  'SageMaker Model Package State Change',
  'aws.sagemaker',
  ModelPackageStateChangeDetail
>;
export type AlarmStateChangeEvent = EventEnvelope<
  'CloudWatch Alarm State Change',
  'aws.cloudwatch',
  AlarmStateChangeDetail
>;

export type SimEvent =
  | EndpointStateChangeEvent
  | EndpointDeploymentStateChangeEvent
  | ModelPackageStateChangeEvent
  | AlarmStateChangeEvent;

/** Listeners may be async; a listener's failure is recorded, never thrown into the cloud's way. */
export type SimEventListener = (event: SimEvent) => void | Promise<void>;

export interface DeliveryFailure {
  eventId: string;
  detailType: string;
  error: unknown;
}

/** EventBridge's `time`: ISO 8601 without milliseconds. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** CloudWatch's timestamps inside alarm events and StateReasonData: milliseconds and "+0000". */
export function cloudWatchTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '+0000');
}

/** DescribeEndpoint's status (InService) as endpoint events spell it (IN_SERVICE). */
export function eventEndpointStatus(status: string): string {
  return status.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** An event without the fields the bus fills in (distributed over the union so `detail` stays typed). */
type Envelope = SimEvent extends infer E
  ? E extends SimEvent
    ? Omit<E, 'version' | 'id' | 'account' | 'time' | 'region'>
    : never
  : never;

export class EventBus {
  readonly events: SimEvent[] = [];
  readonly deliveryFailures: DeliveryFailure[] = [];
  private readonly listeners = new Set<SimEventListener>();
  private readonly undelivered: SimEvent[] = [];
  private delivering = false;

  constructor(
    private readonly clock: SimClock,
    private readonly ids: SeededRandom,
    private readonly accountId: string,
    private readonly region: string,
  ) {}

  onEvent(listener: SimEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Sends an event now. Call it once the state change is complete: listeners may call the APIs back. */
  emit(envelope: Envelope): void {
    const event = {
      version: '0',
      id: this.ids.uuid(),
      ...envelope,
      account: this.accountId,
      time: eventTime(this.clock.now()),
      region: this.region,
    } as SimEvent;
    this.events.push(event);
    this.undelivered.push(event);
    // A listener that reacts by calling an API can cause another event; it is queued and delivered
    // after the current one reached every listener, so all listeners see events in the same order.
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.undelivered.shift(); next !== undefined; next = this.undelivered.shift()) {
        this.deliver(next);
      }
    } finally {
      this.delivering = false;
    }
  }

  private deliver(event: SimEvent): void {
    for (const listener of [...this.listeners]) {
      const fail = (error: unknown) =>
        this.deliveryFailures.push({ eventId: event.id, detailType: event['detail-type'], error });
      try {
        const result = listener(event);
        if (result instanceof Promise) result.catch(fail);
      } catch (error) {
        fail(error);
      }
    }
  }
}
