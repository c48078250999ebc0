// Simulated Application Auto Scaling for SageMaker variants: scalable targets
// (`endpoint/<endpoint>/variant/<variant>`, `sagemaker:variant:DesiredInstanceCount`), target tracking
// and step scaling policies, scheduled actions and suspension, evaluated on the cloud's minute tick.
// A scaling activity is an UpdateEndpointWeightsAndCapacities with a DesiredInstanceCount on the
// variant, so it is refused while the endpoint is Updating and tried again a minute later. The port
// over it lives in api-calls.ts; what it models and what it leaves out is listed in BEHAVIOURS.md.
import type {
  ScalableTargetState,
  ScalingPolicyState,
  ScalingPolicyType,
  ScalingSuspension,
  ScheduledActionState,
} from '../engine/ports';
import { AwsServiceException, validationException } from './aws-errors';
import type { Arns } from './aws-names';
import type { SimClock } from './clock';
import type { SimAlarmView } from './cloudwatch';
import type { EventBus, SimEvent } from './events';
import { eventTime } from './events';
import type { MetricStore } from './metrics';
import { SAGEMAKER_NAMESPACE, isSupportedStatistic, statisticValue } from './metrics';
import { SeededRandom, deriveSeed } from './random';
import type { SimEndpointView } from './sagemaker';
import { parseSchedule } from './schedule-expressions';

export const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
export const SERVICE_NAMESPACE = 'sagemaker';
export const INVOCATIONS_PER_INSTANCE = 'InvocationsPerInstance';

const MINUTE_MS = 60_000;
/**
 * "Application Auto Scaling provides a default value of 300 for ... Amazon SageMaker endpoint
 * variants" (TargetTrackingScalingPolicyConfiguration ScaleOutCooldown / ScaleInCooldown and
 * StepScalingPolicyConfiguration Cooldown, API reference; "Define cooldown periods").
 */
const DEFAULT_COOLDOWN_SECONDS = 300;
/**
 * The alarms Application Auto Scaling creates for a target tracking policy ("How target tracking
 * scaling for Application Auto Scaling works": it "creates and manages the CloudWatch alarms that
 * invoke the scaling policy"). Their configuration is not in the user guide; DescribeAlarms and the
 * console show it: AlarmHigh "> target for 3 datapoints within 3 minutes", AlarmLow "< threshold for
 * 15 datapoints within 15 minutes". AlarmLow's threshold below the target is not published either;
 * Application Auto Scaling targets (ECS services) show 90% of the target, which the sim uses.
 */
const HIGH_DATAPOINTS = 3;
const LOW_DATAPOINTS = 15;
const LOW_THRESHOLD_SHARE = 0.9;

export function resourceIdOf(endpointName: string, variantName: string): string {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

/** One scaling activity, as DescribeScalingActivities would list it. */
export interface ScalingActivity {
  activityId: string;
  at: number;
  endpointName: string;
  variantName: string;
  resourceId: string;
  /** What asked for it: the policy, scheduled action or registration, in AWS's wording. */
  cause: string;
  fromCapacity: number;
  toCapacity: number;
  /** Successful: UpdateEndpointWeightsAndCapacities was accepted; Failed: SageMaker refused it. */
  statusCode: 'Successful' | 'Failed';
  statusMessage?: string;
}

interface PolicyClock {
  /** Scale-out cooldown: until when, and the capacity before the activity that started it. */
  scaleOutUntil?: number;
  scaleOutBase?: number;
  scaleInUntil?: number;
}

/** A scaling policy as saved with the simulated cloud. */
export interface SimScalingPolicy {
  policyName: string;
  policyType: Exclude<ScalingPolicyType, 'PredictiveScaling'>;
  policyArn: string;
  /** The TargetTrackingScalingPolicyConfiguration or StepScalingPolicyConfiguration as put. */
  configuration: Record<string, unknown>;
  createdAt: number;
  cooldown: PolicyClock;
  /** When an alarm last invoked this step policy (CloudWatch invokes it once per minute in ALARM). */
  lastInvokedAt?: number;
}

/** A scheduled action as saved with the simulated cloud. */
export interface SimScheduledAction extends ScheduledActionState {
  createdAt: number;
  lastRunAt?: number;
}

/** A scalable target as saved with the simulated cloud. */
export interface SimScalableTarget {
  endpointName: string;
  variantName: string;
  minCapacity: number;
  maxCapacity: number;
  suspended: ScalingSuspension;
  createdAt: number;
  policies: SimScalingPolicy[];
  scheduledActions: SimScheduledAction[];
  /** A violation was already recorded for its variant being gone. */
  orphanReported?: boolean;
}

export interface SimAutoScalingState {
  targets: SimScalableTarget[];
  /** How many ids were drawn (policy ARNs and activity ids are derived from the seed and this). */
  idsDrawn: number;
}

/** What the target's view shows tests: everything DescribeScalable*, DescribeScaling* would. */
export interface SimVariantScalingView {
  resourceId: string;
  target: ScalableTargetState;
  policies: Array<ScalingPolicyState & { policyArn: string }>;
  scheduledActions: ScheduledActionState[];
}

/** The SageMaker side Application Auto Scaling acts on. */
export interface ScalableService {
  endpointView(endpointName: string): SimEndpointView | undefined;
  /** UpdateEndpointWeightsAndCapacities with DesiredInstanceCount on one variant. */
  setDesiredInstanceCount(endpointName: string, variantName: string, count: number): void;
}

export interface SimAutoScalingDeps {
  clock: SimClock;
  arns: Arns;
  bus: EventBus;
  metrics: MetricStore;
  sagemaker: ScalableService;
  alarms: { alarmNames(): string[]; alarmView(name: string): SimAlarmView | undefined };
  /** The cloud's violations log (shared with SageMaker's). */
  violations: string[];
  seed: number;
}

function objectNotFound(endpointName: string, variantName: string): AwsServiceException {
  // The message Application Auto Scaling sends (PutScalingPolicy on an unregistered target).
  return new AwsServiceException(
    'ObjectNotFoundException',
    `No scalable target registered for service namespace: ${SERVICE_NAMESPACE}, resource ID: ${resourceIdOf(endpointName, variantName)}, scalable dimension: ${SCALABLE_DIMENSION}`,
  );
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

function nonNegativeInteger(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw validationException(
      `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  }
  return value;
}

/** Where a target tracking policy reads its metric: one SageMaker metric of one variant, one statistic. */
interface TrackedMetric {
  endpointName: string;
  variantName: string;
  metricName: string;
  statistic: string;
}

export class SimAutoScaling {
  readonly activities: ScalingActivity[] = [];
  private readonly targets = new Map<string, SimScalableTarget>();
  private idsDrawn = 0;

  constructor(private readonly deps: SimAutoScalingDeps) {
    // Alarm actions: a step policy runs when an alarm naming its ARN goes to ALARM ("Step scaling
    // policies for Application Auto Scaling"), at once, and again every minute it stays there (tick).
    deps.bus.onEvent((event) => this.onAlarmEvent(event));
  }

  // --- the API (synchronous; errors thrown as AWS sends them) ---

  /**
   * RegisterScalableTarget: "Registers or updates a scalable target" (API reference). A new target
   * needs MinCapacity and MaxCapacity; an update changes only what it names. "If the specified
   * resource is not active in the target service, this operation does not change the resource's
   * current capacity. Otherwise, it changes the resource's current capacity to a value that is
   * inside of this range": the next minute tick moves the variant's count into [min, max].
   */
  registerScalableTarget(
    endpointName: string,
    variantName: string,
    input: Partial<ScalableTargetState>,
  ): void {
    const id = resourceIdOf(endpointName, variantName);
    const existing = this.targets.get(id);
    const endpoint = this.deps.sagemaker.endpointView(endpointName);
    const variant = endpoint?.variants.find((v) => v.variantName === variantName);
    if (endpoint === undefined || variant === undefined || endpoint.status === 'Deleting') {
      // Application Auto Scaling checks the resource with SageMaker; AWS's exact text is not documented.
      throw validationException(
        `Unable to register scalable target: the resource ${id} (endpoint ${endpointName}, variant ${variantName}) does not exist in SageMaker.`,
      );
    }
    if (variant.currentInstanceCount === undefined) {
      throw validationException(
        `Unable to register scalable target ${id} with scalable dimension ${SCALABLE_DIMENSION}: the variant is serverless (scale its provisioned concurrency instead).`,
      );
    }
    // "This property is required when registering a new scalable target" (MinCapacity, MaxCapacity).
    if (existing === undefined && (input.minCapacity === undefined || input.maxCapacity === undefined)) {
      throw validationException(
        'MinCapacity and MaxCapacity are required when registering a new scalable target.',
      );
    }
    // "For the following resources, the minimum value allowed is 0. ... SageMaker endpoint variants".
    const minCapacity = nonNegativeInteger(input.minCapacity, 'minCapacity') ?? existing?.minCapacity ?? 0;
    const maxCapacity = nonNegativeInteger(input.maxCapacity, 'maxCapacity') ?? existing?.maxCapacity ?? 0;
    if (minCapacity > maxCapacity) {
      throw validationException('Minimum capacity cannot be greater than maximum capacity');
    }
    const suspended: ScalingSuspension = {
      dynamicScalingInSuspended: false,
      dynamicScalingOutSuspended: false,
      scheduledScalingSuspended: false,
      ...existing?.suspended,
      ...input.suspended,
    };
    if (existing !== undefined) {
      existing.minCapacity = minCapacity;
      existing.maxCapacity = maxCapacity;
      existing.suspended = suspended;
      return;
    }
    this.targets.set(id, {
      endpointName,
      variantName,
      minCapacity,
      maxCapacity,
      suspended,
      createdAt: this.deps.clock.now(),
      policies: [],
      scheduledActions: [],
    });
  }

  /**
   * DeregisterScalableTarget: "Deregistering a scalable target deletes the scaling policies and the
   * scheduled actions that are associated with it" (API reference); ObjectNotFoundException when it
   * is not registered.
   */
  deregisterScalableTarget(endpointName: string, variantName: string): void {
    const id = resourceIdOf(endpointName, variantName);
    if (!this.targets.delete(id)) throw objectNotFound(endpointName, variantName);
  }

  /**
   * PutScalingPolicy: creates or updates a policy on a registered target (ObjectNotFoundException
   * otherwise). "PredictiveScaling—Only supported for Amazon ECS" (PolicyType): refused.
   */
  putScalingPolicy(
    endpointName: string,
    variantName: string,
    policy: { policyName: string; policyType: ScalingPolicyType; configuration: Record<string, unknown> },
  ): string {
    const target = this.requireTarget(endpointName, variantName);
    if (!/^[\p{L}\p{N}\p{P}\p{S} ]{1,256}$/u.test(policy.policyName) || policy.policyName.includes(':')) {
      throw validationException(
        `1 validation error detected: Value '${policy.policyName}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{Print}+ without ':' (1 to 256 characters)`,
      );
    }
    if (policy.policyType === 'PredictiveScaling') {
      // AWS's text is not documented; the API reference says which namespaces support the type.
      throw validationException(
        `PredictiveScaling policies are not supported for service namespace ${SERVICE_NAMESPACE}: PredictiveScaling is only supported for Amazon ECS.`,
      );
    }
    if (policy.policyType === 'TargetTrackingScaling') {
      this.assertTargetTracking(endpointName, variantName, policy.configuration);
    } else if (policy.policyType === 'StepScaling') {
      assertStepScaling(policy.configuration);
    } else {
      throw validationException(
        `1 validation error detected: Value '${String(policy.policyType)}' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [StepScaling, TargetTrackingScaling, PredictiveScaling]`,
      );
    }
    const existing = target.policies.find((p) => p.policyName === policy.policyName);
    if (existing !== undefined) {
      existing.policyType = policy.policyType;
      existing.configuration = clone(policy.configuration);
      return existing.policyArn;
    }
    const policyArn =
      `arn:aws:autoscaling:${this.deps.arns.region}:${this.deps.arns.accountId}:scalingPolicy:${this.nextId()}:` +
      `resource/${SERVICE_NAMESPACE}/${resourceIdOf(endpointName, variantName)}:policyName/${policy.policyName}`;
    target.policies.push({
      policyName: policy.policyName,
      policyType: policy.policyType,
      policyArn,
      configuration: clone(policy.configuration),
      createdAt: this.deps.clock.now(),
      cooldown: {},
    });
    return policyArn;
  }

  /** DeleteScalingPolicy; ObjectNotFoundException when there is no such policy (message approximated). */
  deleteScalingPolicy(endpointName: string, variantName: string, policyName: string): void {
    const target = this.requireTarget(endpointName, variantName);
    const index = target.policies.findIndex((p) => p.policyName === policyName);
    if (index === -1) {
      throw new AwsServiceException(
        'ObjectNotFoundException',
        `No scaling policy found for service namespace: ${SERVICE_NAMESPACE}, resource ID: ${resourceIdOf(endpointName, variantName)}, scalable dimension: ${SCALABLE_DIMENSION}, policy name: ${policyName}`,
      );
    }
    target.policies.splice(index, 1);
  }

  /**
   * PutScheduledAction: creates or updates an action on a registered target. "At the scheduled
   * time, if the current capacity is below the minimum capacity, Application Auto Scaling scales out
   * to the minimum capacity. If the current capacity is above the maximum capacity, Application Auto
   * Scaling scales in to the maximum capacity" (ScalableTargetAction).
   */
  putScheduledAction(endpointName: string, variantName: string, action: ScheduledActionState): void {
    const target = this.requireTarget(endpointName, variantName);
    parseSchedule(action.schedule);
    if (action.timezone !== undefined && !['UTC', 'Etc/UTC'].includes(action.timezone)) {
      throw new Error(`the simulated cloud runs scheduled actions in UTC only, not ${action.timezone}`);
    }
    const min = nonNegativeInteger(
      action.scalableTargetAction.minCapacity,
      'scalableTargetAction.minCapacity',
    );
    const max = nonNegativeInteger(
      action.scalableTargetAction.maxCapacity,
      'scalableTargetAction.maxCapacity',
    );
    if (min !== undefined && max !== undefined && min > max) {
      throw validationException('Minimum capacity cannot be greater than maximum capacity');
    }
    if (action.startTime !== undefined && action.endTime !== undefined && action.startTime > action.endTime) {
      throw validationException('The scheduled action end time must be after its start time.');
    }
    const existing = target.scheduledActions.findIndex(
      (a) => a.scheduledActionName === action.scheduledActionName,
    );
    const saved: SimScheduledAction = { ...clone(action), createdAt: this.deps.clock.now() };
    if (existing === -1) target.scheduledActions.push(saved);
    else target.scheduledActions[existing] = saved;
  }

  /** DeleteScheduledAction; ObjectNotFoundException when there is no such action (message approximated). */
  deleteScheduledAction(endpointName: string, variantName: string, scheduledActionName: string): void {
    const target = this.requireTarget(endpointName, variantName);
    const index = target.scheduledActions.findIndex((a) => a.scheduledActionName === scheduledActionName);
    if (index === -1) {
      throw new AwsServiceException(
        'ObjectNotFoundException',
        `No scheduled action found for service namespace: ${SERVICE_NAMESPACE}, resource ID: ${resourceIdOf(endpointName, variantName)}, scalable dimension: ${SCALABLE_DIMENSION}, scheduled action name: ${scheduledActionName}`,
      );
    }
    target.scheduledActions.splice(index, 1);
  }

  /** DescribeScalableTargets, DescribeScalingPolicies and DescribeScheduledActions for one variant. */
  describe(endpointName: string, variantName: string): SimVariantScalingView | undefined {
    const target = this.targets.get(resourceIdOf(endpointName, variantName));
    if (target === undefined) return undefined;
    return {
      resourceId: resourceIdOf(endpointName, variantName),
      target: {
        minCapacity: target.minCapacity,
        maxCapacity: target.maxCapacity,
        suspended: { ...target.suspended },
      },
      policies: target.policies.map((p) => ({
        policyName: p.policyName,
        policyType: p.policyType,
        policyArn: p.policyArn,
        configuration: clone(p.configuration),
        alarmNames: this.alarmNamesOf(target, p),
      })),
      scheduledActions: target.scheduledActions.map(({ createdAt: _c, lastRunAt: _r, ...action }) =>
        clone(action),
      ),
    };
  }

  // --- SageMaker's side of the rules ---

  /** The variants of the endpoint registered as scalable targets. */
  registeredVariants(endpointName: string): string[] {
    return [...this.targets.values()]
      .filter((t) => t.endpointName === endpointName)
      .map((t) => t.variantName);
  }

  /**
   * "If you delete an endpoint, Application Auto Scaling checks to see whether any of the models on
   * that endpoint are targets for auto scaling. If any are and you have permission to deregister the
   * model, Application Auto Scaling deregisters those models as scalable targets without notifying
   * you" ("Delete endpoints configured for auto scaling").
   */
  endpointDeleted(endpointName: string): void {
    for (const [id, target] of [...this.targets]) {
      if (target.endpointName === endpointName) this.targets.delete(id);
    }
  }

  // --- the minute tick ---

  /**
   * Runs at each minute boundary `now`, after the minute's traffic was published and alarms were
   * evaluated: scheduled actions due now, then per target one scaling activity at most (bounds first,
   * then step policies whose alarm is still in ALARM, then target tracking).
   */
  evaluate(now: number): void {
    for (const id of [...this.targets.keys()].sort()) {
      const target = this.targets.get(id) as SimScalableTarget;
      const variant = this.liveVariant(target);
      if (variant === undefined) continue;
      this.runScheduledActions(target, now);
      const current = variant.desiredInstanceCount ?? 0;
      if (current < target.minCapacity || current > target.maxCapacity) {
        const bound = current < target.minCapacity ? target.minCapacity : target.maxCapacity;
        this.scale(
          target,
          current,
          bound,
          "the scalable target's capacity bounds (RegisterScalableTarget or a scheduled action)",
        );
        continue;
      }
      let acted = false;
      for (const policy of target.policies) {
        if (policy.policyType !== 'StepScaling' || policy.lastInvokedAt === now) continue;
        const alarm = this.alarmsInvoking(policy).find((a) => a.state === 'ALARM');
        if (alarm !== undefined && this.invokeStep(target, policy, alarm)) {
          acted = true;
          break;
        }
      }
      if (!acted) this.trackTargets(target, current, now);
    }
  }

  /**
   * SageMaker publishes InvocationsPerInstance as 0 for a variant with auto scaling that gets no
   * traffic, so that target tracking scales it in: "if a variant's traffic becomes zero, SageMaker
   * automatically scales in to the minimum number of instances specified. In this case, SageMaker
   * emits metrics with a value of zero" ("Instructions for editing a scaling policy", Scale-in,
   * https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-edit.html).
   */
  publishIdleMetrics(minuteStart: number, ingestionDelayMs = 0): void {
    const { metrics } = this.deps;
    for (const target of this.targets.values()) {
      if (this.liveVariant(target) === undefined) continue;
      const published = metrics.aggregate(
        target.endpointName,
        target.variantName,
        INVOCATIONS_PER_INSTANCE,
        minuteStart,
        minuteStart + MINUTE_MS,
      );
      if (published !== undefined) continue;
      metrics.publish(
        target.endpointName,
        target.variantName,
        INVOCATIONS_PER_INSTANCE,
        minuteStart,
        { sampleCount: 1, sum: 0, minimum: 0, maximum: 0 },
        { resolutionMs: MINUTE_MS, visibleAt: minuteStart + MINUTE_MS + ingestionDelayMs },
      );
    }
  }

  /** The oldest metric minute target tracking reads at `now` (Infinity when nothing is registered). */
  oldestMinuteNeeded(now: number): number {
    return this.targets.size === 0 ? Infinity : now - (LOW_DATAPOINTS + 2) * MINUTE_MS;
  }

  // --- saving and restoring ---

  exportState(): SimAutoScalingState {
    return clone({ targets: [...this.targets.values()], idsDrawn: this.idsDrawn });
  }

  importState(state: SimAutoScalingState | undefined): void {
    if (state === undefined) return;
    for (const target of clone(state.targets)) {
      this.targets.set(resourceIdOf(target.endpointName, target.variantName), target);
    }
    this.idsDrawn = state.idsDrawn;
  }

  // --- internals ---

  private requireTarget(endpointName: string, variantName: string): SimScalableTarget {
    const target = this.targets.get(resourceIdOf(endpointName, variantName));
    if (target === undefined) throw objectNotFound(endpointName, variantName);
    return target;
  }

  /** Ids from the seed and a counter: no random stream another concern reads is touched. */
  private nextId(): string {
    this.idsDrawn++;
    return new SeededRandom(deriveSeed(this.deps.seed, `autoscaling-id-${this.idsDrawn}`)).uuid();
  }

  /** The target's variant on a live endpoint; records a violation once when the variant is gone. */
  private liveVariant(target: SimScalableTarget) {
    const endpoint = this.deps.sagemaker.endpointView(target.endpointName);
    if (endpoint === undefined || endpoint.status === 'Deleting') return undefined;
    const variant = endpoint.variants.find((v) => v.variantName === target.variantName);
    if (variant === undefined && endpoint.status !== 'Updating' && target.orphanReported !== true) {
      // SageMaker refuses an UpdateEndpoint that removes a registered variant and DeleteEndpoint
      // deregisters, so this needs a target registered while an update that drops the variant was
      // already running (the check happens when UpdateEndpoint is called).
      target.orphanReported = true;
      this.deps.violations.push(
        `${eventTime(this.deps.clock.now())} scalable target ${resourceIdOf(target.endpointName, target.variantName)} is registered for a variant endpoint "${target.endpointName}" no longer has`,
      );
    }
    return variant;
  }

  private runScheduledActions(target: SimScalableTarget, now: number): void {
    for (const action of target.scheduledActions) {
      if (action.startTime !== undefined && now < action.startTime) continue;
      if (action.endTime !== undefined && now > action.endTime) continue;
      if (action.lastRunAt === now) continue;
      const anchor = action.startTime ?? action.createdAt;
      if (!parseSchedule(action.schedule).firesAt(now, anchor)) continue;
      // "ScheduledScalingSuspended": scheduled actions do not run while suspended ("Suspend and resume
      // scaling for Application Auto Scaling"); a missed run is not made up later.
      if (target.suspended.scheduledScalingSuspended) continue;
      action.lastRunAt = now;
      const { minCapacity, maxCapacity } = action.scalableTargetAction;
      if (minCapacity !== undefined) target.minCapacity = minCapacity;
      if (maxCapacity !== undefined) target.maxCapacity = maxCapacity;
      // A new min above the old max (or the reverse) moves the other bound with it.
      if (minCapacity !== undefined && target.maxCapacity < minCapacity) target.maxCapacity = minCapacity;
      if (maxCapacity !== undefined && target.minCapacity > maxCapacity) target.minCapacity = maxCapacity;
    }
  }

  /**
   * Target tracking: scale out when a policy's metric was above its target for the last 3 minutes, to
   * the capacity that brings it back to the target; scale in when it was below 90% of the target for
   * the last 15, to no less than what keeps it under the target. "If any of the target tracking
   * policies are ready for scale out, Application Auto Scaling scales out"; it "scales in only if all
   * of the target tracking policies (with the scale-in portion enabled) are ready to scale in"
   * ("Multiple scaling policies"). Cooldowns: during a scale-out cooldown only a larger scale out
   * happens; scale in waits for the scale-in cooldown ("Define cooldown periods").
   */
  private trackTargets(target: SimScalableTarget, current: number, now: number): void {
    const tracking = target.policies.filter((p) => p.policyType === 'TargetTrackingScaling');
    if (tracking.length === 0) return;
    let scaleOut: { to: number; policy: SimScalingPolicy } | undefined;
    const scaleIns: Array<{ to: number; policy: SimScalingPolicy }> = [];
    let scaleInVetoed = false;
    for (const policy of tracking) {
      const config = policy.configuration;
      const targetValue = config['TargetValue'] as number;
      const values = this.trackedValues(this.trackedMetric(target, config), now);
      const latest = values[0];
      const high = values.slice(0, HIGH_DATAPOINTS);
      const low = values.slice(0, LOW_DATAPOINTS);
      // "While the scale-out cooldown period is in effect, the capacity added by the scale-out activity
      // that initiated the cooldown is calculated as part of the desired capacity for the next scale
      // out" ("Define cooldown periods"): the metric, ingested a minute or two late, may still reflect
      // the capacity before that scale out, so it is scaled from that capacity.
      const outCooldown = (policy.cooldown.scaleOutUntil ?? -Infinity) > now;
      const base = outCooldown ? (policy.cooldown.scaleOutBase ?? current) : current;
      const needed = (value: number) =>
        targetValue > 0 ? Math.ceil(Math.max(base, 1) * (value / targetValue) - 1e-9) : current;
      if (
        latest !== undefined &&
        high.length === HIGH_DATAPOINTS &&
        high.every((v) => v !== undefined && v > targetValue)
      ) {
        const to = Math.min(target.maxCapacity, needed(latest));
        if (to > current && (scaleOut === undefined || to > scaleOut.to)) scaleOut = { to, policy };
        scaleInVetoed = true;
        continue;
      }
      const scaleInEnabled = config['DisableScaleIn'] !== true;
      if (!scaleInEnabled) continue;
      const lowReady =
        latest !== undefined &&
        low.length === LOW_DATAPOINTS &&
        low.every((v) => v !== undefined && v < targetValue * LOW_THRESHOLD_SHARE);
      const cooling = (policy.cooldown.scaleInUntil ?? -Infinity) > now;
      if (!lowReady || cooling) {
        scaleInVetoed = true;
        continue;
      }
      const to = Math.max(target.minCapacity, needed(latest));
      if (to < current) scaleIns.push({ to, policy });
      else scaleInVetoed = true;
    }
    if (scaleOut !== undefined) {
      if (target.suspended.dynamicScalingOutSuspended) return;
      if (this.scale(target, current, scaleOut.to, policyCause(scaleOut.policy))) {
        startScaleOutCooldown(scaleOut.policy, now, current, 'ScaleOutCooldown');
        for (const p of tracking) delete p.cooldown.scaleInUntil;
      }
      return;
    }
    if (scaleInVetoed || scaleIns.length === 0 || target.suspended.dynamicScalingInSuspended) return;
    const chosen = scaleIns.reduce((a, b) => (b.to > a.to ? b : a));
    if (this.scale(target, current, chosen.to, policyCause(chosen.policy))) {
      const seconds =
        (chosen.policy.configuration['ScaleInCooldown'] as number | undefined) ?? DEFAULT_COOLDOWN_SECONDS;
      chosen.policy.cooldown.scaleInUntil = now + seconds * 1000;
    }
  }

  private trackedMetric(target: SimScalableTarget, config: Record<string, unknown>): TrackedMetric {
    const custom = record(config['CustomizedMetricSpecification']);
    if (custom === undefined) {
      // SageMakerVariantInvocationsPerInstance: the Sum of InvocationsPerInstance per minute on the variant.
      return {
        endpointName: target.endpointName,
        variantName: target.variantName,
        metricName: INVOCATIONS_PER_INSTANCE,
        statistic: 'Sum',
      };
    }
    const dimensions = (custom['Dimensions'] as Array<{ Name: string; Value: string }> | undefined) ?? [];
    const dimension = (name: string) => dimensions.find((d) => d.Name === name)?.Value ?? '';
    return {
      endpointName: dimension('EndpointName'),
      variantName: dimension('VariantName'),
      metricName: custom['MetricName'] as string,
      statistic: custom['Statistic'] as string,
    };
  }

  /**
   * One value per minute ending at `now`, most recent first (undefined: no datapoint), from the data
   * ingested by `now`. Target tracking's alarms are CloudWatch alarms, which read N + 2 periods so that
   * the latest one or two, not yet ingested, do not count ("Using Amazon CloudWatch alarms"): up to two
   * leading missing minutes are skipped.
   */
  private trackedValues(metric: TrackedMetric, now: number): Array<number | undefined> {
    const values = Array.from({ length: LOW_DATAPOINTS + 2 }, (_, age) => {
      const start = now - (age + 1) * MINUTE_MS;
      const set = this.deps.metrics.aggregate(
        metric.endpointName,
        metric.variantName,
        metric.metricName,
        start,
        start + MINUTE_MS,
        now,
      );
      return set === undefined ? undefined : statisticValue(set, metric.statistic);
    });
    let skip = 0;
    while (skip < 2 && values[skip] === undefined) skip++;
    return values.slice(skip, skip + LOW_DATAPOINTS);
  }

  /**
   * How far past its threshold the alarm's metric is: the datapoints of the state change that invoked
   * the policy (its StateReasonData; SetAlarmState may carry some) or, when the policy is invoked again
   * because the alarm stayed in ALARM, the alarm's latest complete periods (CloudWatch writes
   * StateReasonData only on a state change). Aggregated as the policy's MetricAggregationType says,
   * minus the threshold. Undefined without any datapoint: "If an alarm triggers ... application Auto
   * Scaling policies, you must include information in the StateReasonData parameter to enable the
   * policy to take the correct action" (SetAlarmState API reference), so the policy does nothing.
   */
  private breachOf(
    alarm: SimAlarmView,
    aggregation: string,
    reasonData: string | undefined,
  ): number | undefined {
    const definition = alarm.definition;
    // Step policies are invoked by metric alarms; a math alarm's breach is not modelled (no datapoints).
    if (definition.kind !== 'metric' || definition.metric === undefined) return undefined;
    const { metric, periodSeconds, evaluationPeriods } = definition;
    let threshold = definition.threshold;
    let points: number[] = [];
    if (reasonData !== undefined) {
      try {
        const data = JSON.parse(reasonData) as { recentDatapoints?: unknown[]; threshold?: unknown };
        points = (data.recentDatapoints ?? []).filter((p): p is number => typeof p === 'number');
        if (typeof data.threshold === 'number') threshold = data.threshold;
      } catch {
        points = [];
      }
    } else {
      const periodMs = periodSeconds * 1000;
      const lastEnd = Math.floor(this.deps.clock.now() / periodMs) * periodMs;
      // The latest ingested periods, as the alarm reads them (N + 2 periods, the N most recent real ones).
      for (let age = 0; age < evaluationPeriods + 2 && points.length < evaluationPeriods; age++) {
        const start = lastEnd - (age + 1) * periodMs;
        const set = this.deps.metrics.samplesOf(metric, start, start + periodMs, this.deps.clock.now());
        if (set !== undefined) points.push(statisticValue(set, metric.statistic));
      }
    }
    if (points.length === 0) return undefined;
    const value =
      aggregation === 'Minimum'
        ? Math.min(...points)
        : aggregation === 'Maximum'
          ? Math.max(...points)
          : points.reduce((a, b) => a + b, 0) / points.length;
    return value - threshold;
  }

  private alarmsInvoking(policy: SimScalingPolicy): SimAlarmView[] {
    const { alarms } = this.deps;
    return alarms
      .alarmNames()
      .map((name) => alarms.alarmView(name) as SimAlarmView)
      .filter(
        (alarm) =>
          (alarm.definition.kind === 'metric' && alarm.definition.alarmActions?.includes(policy.policyArn)) ??
          false,
      );
  }

  private alarmNamesOf(target: SimScalableTarget, policy: SimScalingPolicy): string[] {
    if (policy.policyType === 'StepScaling') return this.alarmsInvoking(policy).map((a) => a.alarmName);
    // The names Application Auto Scaling gives the alarms it manages for a target tracking policy; the
    // sim evaluates them itself rather than creating them in its CloudWatch (see BEHAVIOURS.md).
    const suffix = policy.policyArn.split(':')[6] ?? '';
    const id = resourceIdOf(target.endpointName, target.variantName);
    return [`TargetTracking-${id}-AlarmHigh-${suffix}`, `TargetTracking-${id}-AlarmLow-${suffix}`];
  }

  private onAlarmEvent(event: SimEvent): void {
    if (event['detail-type'] !== 'CloudWatch Alarm State Change') return;
    if (event.detail.state.value !== 'ALARM' || this.targets.size === 0) return;
    const alarm = this.deps.alarms.alarmView(event.detail.alarmName);
    const actions = alarm?.definition.kind === 'metric' ? alarm.definition.alarmActions : undefined;
    if (alarm === undefined || actions === undefined) return;
    for (const target of [...this.targets.values()]) {
      for (const policy of target.policies) {
        if (policy.policyType !== 'StepScaling' || !actions.includes(policy.policyArn)) continue;
        if (this.liveVariant(target) === undefined) continue;
        this.invokeStep(target, policy, alarm, event.detail.state.reasonData ?? '{}');
      }
    }
  }

  /**
   * A step policy invoked by its alarm: the step whose bounds (relative to the alarm threshold)
   * contain the breach picks the adjustment ("Step scaling policies for Application Auto Scaling").
   * Cooldown (StepScalingPolicyConfiguration.Cooldown): during a scale-out cooldown "the previous
   * increase ... is considered part of the current capacity", scale-in is blocked until it expires,
   * and a scale out during a scale-in cooldown happens at once. Returns whether an activity was tried.
   */
  private invokeStep(
    target: SimScalableTarget,
    policy: SimScalingPolicy,
    alarm: SimAlarmView,
    reasonData?: string,
  ): boolean {
    const now = this.deps.clock.now();
    policy.lastInvokedAt = now;
    const config = policy.configuration;
    const variant = this.liveVariant(target);
    if (variant === undefined) return false;
    const current = variant.desiredInstanceCount ?? 0;
    const aggregation = (config['MetricAggregationType'] as string | undefined) ?? 'Average';
    const breach = this.breachOf(alarm, aggregation, reasonData);
    if (breach === undefined) return false;
    const step = stepFor(config['StepAdjustments'] as StepAdjustment[], breach);
    if (step === undefined) return false;
    const adjustmentType = config['AdjustmentType'] as string;
    const cooling = (until: number | undefined) => (until ?? -Infinity) > now;
    const adjustFrom = (base: number) => {
      if (adjustmentType === 'ExactCapacity') return step.ScalingAdjustment;
      if (adjustmentType === 'ChangeInCapacity') return base + step.ScalingAdjustment;
      return (
        base +
        percentChange(base, step.ScalingAdjustment, config['MinAdjustmentMagnitude'] as number | undefined)
      );
    };
    const proposed = adjustFrom(current);
    const cooldownSeconds = (config['Cooldown'] as number | undefined) ?? DEFAULT_COOLDOWN_SECONDS;
    if (proposed > current) {
      if (target.suspended.dynamicScalingOutSuspended) return false;
      const inCooldown = cooling(policy.cooldown.scaleOutUntil);
      const base = inCooldown ? (policy.cooldown.scaleOutBase ?? current) : current;
      const to = Math.min(target.maxCapacity, Math.max(current, adjustFrom(base)));
      if (to <= current) return false;
      if (!this.scale(target, current, to, policyCause(policy))) return true;
      if (!inCooldown) startScaleOutCooldown(policy, now, current, cooldownSeconds);
      delete policy.cooldown.scaleInUntil;
      return true;
    }
    if (proposed < current) {
      if (target.suspended.dynamicScalingInSuspended) return false;
      if (cooling(policy.cooldown.scaleInUntil) || cooling(policy.cooldown.scaleOutUntil)) return false;
      const to = Math.max(target.minCapacity, proposed);
      if (to >= current) return false;
      if (this.scale(target, current, to, policyCause(policy))) {
        policy.cooldown.scaleInUntil = now + cooldownSeconds * 1000;
      }
      return true;
    }
    return false;
  }

  /**
   * One scaling activity: UpdateEndpointWeightsAndCapacities with the new DesiredInstanceCount.
   * "Auto scaling is blocked while the update operation is in progress" ("Update endpoints that use
   * auto scaling"): SageMaker refuses it while the endpoint is Updating, the activity is recorded as
   * Failed, and the next minute's evaluation tries again. Returns whether SageMaker accepted it.
   */
  private scale(target: SimScalableTarget, from: number, to: number, cause: string): boolean {
    const { clock, sagemaker } = this.deps;
    const base = {
      activityId: this.nextId(),
      at: clock.now(),
      endpointName: target.endpointName,
      variantName: target.variantName,
      resourceId: resourceIdOf(target.endpointName, target.variantName),
      cause,
      fromCapacity: from,
      toCapacity: to,
    };
    try {
      sagemaker.setDesiredInstanceCount(target.endpointName, target.variantName, to);
      this.activities.push({ ...base, statusCode: 'Successful' });
      return true;
    } catch (error) {
      if (!(error instanceof AwsServiceException)) throw error;
      this.activities.push({
        ...base,
        statusCode: 'Failed',
        statusMessage: `Failed to set desired instance count to ${to}. Reason: ${error.message}`,
      });
      return false;
    }
  }

  private assertTargetTracking(
    endpointName: string,
    variantName: string,
    config: Record<string, unknown>,
  ): void {
    const targetValue = config['TargetValue'];
    if (typeof targetValue !== 'number' || !Number.isFinite(targetValue)) {
      throw validationException('TargetTrackingScalingPolicyConfiguration.TargetValue must be a number.');
    }
    const predefined = record(config['PredefinedMetricSpecification']);
    const custom = record(config['CustomizedMetricSpecification']);
    if ((predefined === undefined) === (custom === undefined)) {
      throw validationException(
        'Exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification must be specified.',
      );
    }
    nonNegativeInteger(
      config['ScaleOutCooldown'],
      'targetTrackingScalingPolicyConfiguration.scaleOutCooldown',
    );
    nonNegativeInteger(config['ScaleInCooldown'], 'targetTrackingScalingPolicyConfiguration.scaleInCooldown');
    if (predefined !== undefined) {
      const type = predefined['PredefinedMetricType'];
      if (type === 'SageMakerVariantInvocationsPerInstance') return;
      if (typeof type === 'string' && type.startsWith('SageMakerVariant')) {
        // Valid on AWS, but the sim publishes neither concurrency nor provisioned-concurrency metrics.
        throw new Error(`the simulated cloud does not publish the metric behind ${type}`);
      }
      throw validationException(
        `Predefined metric type ${String(type)} is not supported for service namespace ${SERVICE_NAMESPACE} and scalable dimension ${SCALABLE_DIMENSION}.`,
      );
    }
    const spec = custom as Record<string, unknown>;
    if (spec['Metrics'] !== undefined) {
      throw new Error('the simulated cloud does not evaluate metric math in target tracking policies');
    }
    const statistic = spec['Statistic'];
    if (typeof spec['MetricName'] !== 'string' || typeof spec['Namespace'] !== 'string') {
      throw validationException('CustomizedMetricSpecification needs MetricName and Namespace.');
    }
    if (
      typeof statistic !== 'string' ||
      !['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum'].includes(statistic)
    ) {
      throw validationException(
        `1 validation error detected: Value '${String(statistic)}' at 'targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.statistic' failed to satisfy constraint: Member must satisfy enum value set: [Average, Minimum, Maximum, SampleCount, Sum]`,
      );
    }
    if (spec['Namespace'] !== SAGEMAKER_NAMESPACE || !isSupportedStatistic(statistic)) {
      throw new Error(
        `the simulated cloud tracks only ${SAGEMAKER_NAMESPACE} metrics, not ${String(spec['Namespace'])}/${String(spec['MetricName'])}`,
      );
    }
    const dimensions = spec['Dimensions'];
    if (!Array.isArray(dimensions) || dimensions.length === 0) {
      // Without dimensions the metric is a different one, which SageMaker does not publish.
      throw new Error(
        `the simulated cloud tracks SageMaker metrics per EndpointName and VariantName (e.g. ${endpointName}/${variantName}); give both dimensions`,
      );
    }
  }
}

interface StepAdjustment {
  MetricIntervalLowerBound?: number;
  MetricIntervalUpperBound?: number;
  ScalingAdjustment: number;
}

function assertStepScaling(config: Record<string, unknown>): void {
  const type = config['AdjustmentType'];
  if (!['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity'].includes(type as string)) {
    throw validationException(
      `1 validation error detected: Value '${String(type)}' at 'stepScalingPolicyConfiguration.adjustmentType' failed to satisfy constraint: Member must satisfy enum value set: [ChangeInCapacity, PercentChangeInCapacity, ExactCapacity]`,
    );
  }
  const steps = config['StepAdjustments'];
  if (!Array.isArray(steps) || steps.length === 0) {
    throw validationException(
      'StepScalingPolicyConfiguration.StepAdjustments must have at least one step adjustment.',
    );
  }
  for (const step of steps as StepAdjustment[]) {
    if (!Number.isInteger(step.ScalingAdjustment)) {
      throw validationException('Each step adjustment needs an integer ScalingAdjustment.');
    }
    if (
      step.MetricIntervalLowerBound === undefined &&
      step.MetricIntervalUpperBound === undefined &&
      steps.length > 1
    ) {
      throw validationException('Only one step adjustment can have neither a lower nor an upper bound.');
    }
  }
  nonNegativeInteger(config['Cooldown'], 'stepScalingPolicyConfiguration.cooldown');
  const aggregation = config['MetricAggregationType'];
  if (aggregation !== undefined && !['Average', 'Minimum', 'Maximum'].includes(aggregation as string)) {
    throw validationException(
      `1 validation error detected: Value '${String(aggregation)}' at 'stepScalingPolicyConfiguration.metricAggregationType' failed to satisfy constraint: Member must satisfy enum value set: [Average, Minimum, Maximum]`,
    );
  }
}

function policyCause(policy: SimScalingPolicy): string {
  return `monitor alarm or metric for policy ${policy.policyName} (${policy.policyType})`;
}

function startScaleOutCooldown(
  policy: SimScalingPolicy,
  now: number,
  base: number,
  seconds: number | 'ScaleOutCooldown',
): void {
  const value =
    seconds === 'ScaleOutCooldown'
      ? ((policy.configuration['ScaleOutCooldown'] as number | undefined) ?? DEFAULT_COOLDOWN_SECONDS)
      : seconds;
  policy.cooldown.scaleOutUntil = now + value * 1000;
  policy.cooldown.scaleOutBase = base;
}

/** The step whose [lower, upper) interval holds the breach (null bounds are ±infinity). */
function stepFor(steps: StepAdjustment[], breach: number): StepAdjustment | undefined {
  return (
    steps.find(
      (s) =>
        (s.MetricIntervalLowerBound ?? -Infinity) <= breach &&
        breach < (s.MetricIntervalUpperBound ?? Infinity),
    ) ?? (breach === 0 ? steps.find((s) => s.MetricIntervalUpperBound === 0) : undefined)
  );
}

/**
 * PercentChangeInCapacity: the change is rounded toward zero when its magnitude exceeds 1, and to ±1
 * when it is between 0 and 1; MinAdjustmentMagnitude raises a smaller change ("Step scaling policies
 * for Application Auto Scaling", scaling adjustment types).
 */
function percentChange(current: number, percent: number, minMagnitude: number | undefined): number {
  const raw = (current * percent) / 100;
  let change = Math.abs(raw) < 1 && raw !== 0 ? Math.sign(raw) : Math.trunc(raw);
  if (minMagnitude !== undefined && change !== 0 && Math.abs(change) < minMagnitude) {
    change = Math.sign(change) * minMagnitude;
  }
  return change;
}
