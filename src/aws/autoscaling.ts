// ScalingControl over the Application Auto Scaling API: reads a SageMaker variant's scalable target, scaling
// policies and scheduled actions into the ports' shapes, and registers, replaces and deregisters them,
// following the ports' conventions (not found is a value; busy, throttled and the rest are SmRolloutErrors).
//
// A variant is the target ServiceNamespace `sagemaker`, ResourceId `endpoint/<endpoint>/variant/<variant>`,
// ScalableDimension `sagemaker:variant:DesiredInstanceCount` (Application Auto Scaling user guide, "Amazon
// SageMaker AI and Application Auto Scaling"). Application Auto Scaling uses its service-linked role for
// SageMaker, so no RoleARN is ever sent. The Application Auto Scaling SDK package is imported on the first call
// (the client may be a loader, see client-source.ts): only a rollout's scaling steps load it.

import type {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommandInput,
  ScalableTarget,
  ScalingPolicy,
  ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import type {
  ScalableTargetState,
  ScalingControl,
  ScalingPolicyState,
  ScalingPolicyType,
  ScheduledActionState,
  VariantScaling,
} from '../engine/ports';
import { SmRolloutError, isSmRolloutError } from '../errors';
import { clientWith, type ClientSource } from './client-source';
import { callAws } from './classify-error';
import { definedOnly, required } from './shapes';

export const SAGEMAKER_NAMESPACE = 'sagemaker';
export const VARIANT_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/** The ResourceId Application Auto Scaling knows a SageMaker variant by. */
export function variantResourceId(endpointName: string, variantName: string): string {
  return `endpoint/${endpointName}/variant/${variantName}`;
}

// The largest page each Describe call takes (API reference, MaxResults): fewer round trips per read.
const TARGETS_PAGE = 50;
const POLICIES_PAGE = 10;
const SCHEDULED_ACTIONS_PAGE = 50;

/** Where each policy type keeps its configuration, in DescribeScalingPolicies and PutScalingPolicy alike. */
const CONFIGURATION_MEMBER = {
  TargetTrackingScaling: 'TargetTrackingScalingPolicyConfiguration',
  StepScaling: 'StepScalingPolicyConfiguration',
  PredictiveScaling: 'PredictiveScalingPolicyConfiguration',
} as const satisfies Record<ScalingPolicyType, keyof ScalingPolicy & keyof PutScalingPolicyCommandInput>;

export class ApplicationAutoScalingScalingControl implements ScalingControl {
  constructor(private readonly client: ClientSource<ApplicationAutoScalingClient>) {}

  /** The client and the commands, imported on the first call (lazy-autoscaling.ts). */
  private sdk() {
    return clientWith(this.client, () => import('./lazy-autoscaling.js'));
  }

  async describeVariantScaling(
    endpointName: string,
    variantName: string,
  ): Promise<VariantScaling | undefined> {
    const resourceId = variantResourceId(endpointName, variantName);
    const target = await this.describeTarget(resourceId);
    if (target === undefined) return undefined;
    // One call after another, not all at once: a rollout's start reads this next to its SageMaker calls,
    // and a burst is what gets throttled.
    const policies = await this.describePolicies(resourceId);
    const scheduledActions = await this.describeScheduledActions(resourceId);
    return { target, policies, scheduledActions };
  }

  async registerScalableTarget(
    endpointName: string,
    variantName: string,
    target: ScalableTargetState,
  ): Promise<void> {
    const [client, sdk] = await this.sdk();
    await callAws('RegisterScalableTarget', () =>
      client.send(
        new sdk.RegisterScalableTargetCommand({
          ...this.key(endpointName, variantName),
          MinCapacity: target.minCapacity,
          MaxCapacity: target.maxCapacity,
          // Always all three flags: RegisterScalableTarget leaves out what is not given, and the port's
          // state is the whole truth.
          SuspendedState: {
            DynamicScalingInSuspended: target.suspended.dynamicScalingInSuspended,
            DynamicScalingOutSuspended: target.suspended.dynamicScalingOutSuspended,
            ScheduledScalingSuspended: target.suspended.scheduledScalingSuspended,
          },
        }),
      ),
    );
  }

  async putScalingPolicy(
    endpointName: string,
    variantName: string,
    policy: Omit<ScalingPolicyState, 'alarmNames'>,
  ): Promise<void> {
    const [client, sdk] = await this.sdk();
    await justRegistered(() =>
      callAws('PutScalingPolicy', () =>
        client.send(
          new sdk.PutScalingPolicyCommand({
            ...this.key(endpointName, variantName),
            PolicyName: policy.policyName,
            PolicyType: policy.policyType,
            // Read from DescribeScalingPolicies under AWS's names, so it goes back as it came.
            [CONFIGURATION_MEMBER[policy.policyType]]: policy.configuration,
          }),
        ),
      ),
    );
  }

  async putScheduledAction(
    endpointName: string,
    variantName: string,
    action: ScheduledActionState,
  ): Promise<void> {
    const [client, sdk] = await this.sdk();
    await justRegistered(() =>
      callAws('PutScheduledAction', () =>
        client.send(
          new sdk.PutScheduledActionCommand(
            definedOnly({
              ...this.key(endpointName, variantName),
              ScheduledActionName: action.scheduledActionName,
              Schedule: action.schedule,
              Timezone: action.timezone,
              StartTime: action.startTime === undefined ? undefined : new Date(action.startTime),
              EndTime: action.endTime === undefined ? undefined : new Date(action.endTime),
              ScalableTargetAction: definedOnly({
                MinCapacity: action.scalableTargetAction.minCapacity,
                MaxCapacity: action.scalableTargetAction.maxCapacity,
              }),
            }),
          ),
        ),
      ),
    );
  }

  async deregisterScalableTarget(
    endpointName: string,
    variantName: string,
  ): Promise<'deregistered' | 'absent'> {
    const [client, sdk] = await this.sdk();
    return callAws(
      'DeregisterScalableTarget',
      async () => {
        await client.send(new sdk.DeregisterScalableTargetCommand(this.key(endpointName, variantName)));
        return 'deregistered' as const;
      },
      { 'not-found': 'absent' as const },
    );
  }

  private key(endpointName: string, variantName: string) {
    return {
      ServiceNamespace: SAGEMAKER_NAMESPACE,
      ResourceId: variantResourceId(endpointName, variantName),
      ScalableDimension: VARIANT_DIMENSION,
    } as const;
  }

  private async describeTarget(resourceId: string): Promise<ScalableTargetState | undefined> {
    const [client, sdk] = await this.sdk();
    const targets: ScalableTarget[] = [];
    let nextToken: string | undefined;
    do {
      const output = await callAws('DescribeScalableTargets', () =>
        client.send(
          new sdk.DescribeScalableTargetsCommand({
            ServiceNamespace: SAGEMAKER_NAMESPACE,
            ResourceIds: [resourceId],
            ScalableDimension: VARIANT_DIMENSION,
            MaxResults: TARGETS_PAGE,
            NextToken: nextToken,
          }),
        ),
      );
      targets.push(...(output.ScalableTargets ?? []));
      nextToken = output.NextToken;
    } while (nextToken);
    // The filter names one target; matching on the key as well keeps a stray answer from passing for it.
    const target = targets.find(
      (t) => t.ResourceId === resourceId && (t.ScalableDimension ?? VARIANT_DIMENSION) === VARIANT_DIMENSION,
    );
    return target && toTargetState(target);
  }

  private async describePolicies(resourceId: string): Promise<ScalingPolicyState[]> {
    const [client, sdk] = await this.sdk();
    const policies: ScalingPolicyState[] = [];
    let nextToken: string | undefined;
    do {
      const output = await callAws('DescribeScalingPolicies', () =>
        client.send(
          new sdk.DescribeScalingPoliciesCommand({
            ServiceNamespace: SAGEMAKER_NAMESPACE,
            ResourceId: resourceId,
            ScalableDimension: VARIANT_DIMENSION,
            MaxResults: POLICIES_PAGE,
            NextToken: nextToken,
          }),
        ),
      );
      policies.push(...(output.ScalingPolicies ?? []).map(toPolicyState));
      nextToken = output.NextToken;
    } while (nextToken);
    return policies;
  }

  private async describeScheduledActions(resourceId: string): Promise<ScheduledActionState[]> {
    const [client, sdk] = await this.sdk();
    const actions: ScheduledActionState[] = [];
    let nextToken: string | undefined;
    do {
      const output = await callAws('DescribeScheduledActions', () =>
        client.send(
          new sdk.DescribeScheduledActionsCommand({
            ServiceNamespace: SAGEMAKER_NAMESPACE,
            ResourceId: resourceId,
            ScalableDimension: VARIANT_DIMENSION,
            MaxResults: SCHEDULED_ACTIONS_PAGE,
            NextToken: nextToken,
          }),
        ),
      );
      actions.push(...(output.ScheduledActions ?? []).map(toScheduledActionState));
      nextToken = output.NextToken;
    } while (nextToken);
    return actions;
  }
}

/**
 * Runs a Put* call whose ObjectNotFoundException may only mean the target was registered moments ago:
 * "If you call the RegisterScalableTarget API operation to create a scalable target, there might be a brief
 * delay until the operation achieves eventual consistency ... The typical strategy is to retry the request"
 * (RegisterScalableTarget API reference). So that answer is NOT_YET_VISIBLE, which is retried.
 */
async function justRegistered<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    const name = cause instanceof Error ? cause.name : '';
    if (isSmRolloutError(error, 'AWS_ERROR') && name === 'ObjectNotFoundException') {
      throw new SmRolloutError(
        'NOT_YET_VISIBLE',
        `${error.message} (the variant is not a registered scalable target, or was registered moments ago ` +
          'and Application Auto Scaling does not see it yet; retry shortly)',
        { cause },
      );
    }
    throw error;
  }
}

function toTargetState(target: ScalableTarget): ScalableTargetState {
  const suspended = target.SuspendedState;
  return {
    minCapacity: required('DescribeScalableTargets', 'MinCapacity', target.MinCapacity),
    maxCapacity: required('DescribeScalableTargets', 'MaxCapacity', target.MaxCapacity),
    // A target registered without SuspendedState has nothing suspended.
    suspended: {
      dynamicScalingInSuspended: suspended?.DynamicScalingInSuspended === true,
      dynamicScalingOutSuspended: suspended?.DynamicScalingOutSuspended === true,
      scheduledScalingSuspended: suspended?.ScheduledScalingSuspended === true,
    },
  };
}

function isPolicyType(value: string): value is ScalingPolicyType {
  return value in CONFIGURATION_MEMBER;
}

function toPolicyState(policy: ScalingPolicy): ScalingPolicyState {
  const policyName = required('DescribeScalingPolicies', 'PolicyName', policy.PolicyName);
  const policyType = required('DescribeScalingPolicies', 'PolicyType', policy.PolicyType);
  if (!isPolicyType(policyType)) {
    throw new SmRolloutError(
      'AWS_ERROR',
      `DescribeScalingPolicies returned policy ${policyName} of type ${policyType}, which sm-rollout cannot ` +
        'reproduce on a variant; remove it or upgrade sm-rollout',
    );
  }
  // Only the configuration of the policy's own type: PolicyARN, Alarms and CreationTime are Application Auto
  // Scaling's (read-only), and the alarms of a target tracking policy are created by the service itself.
  const configuration = policy[CONFIGURATION_MEMBER[policyType]];
  return {
    policyName,
    policyType,
    configuration: structuredClone(
      required('DescribeScalingPolicies', CONFIGURATION_MEMBER[policyType], configuration),
    ) as Record<string, unknown>,
    alarmNames: (policy.Alarms ?? []).flatMap((alarm) => (alarm.AlarmName ? [alarm.AlarmName] : [])),
  };
}

function toScheduledActionState(action: ScheduledAction): ScheduledActionState {
  const target = action.ScalableTargetAction;
  return definedOnly({
    scheduledActionName: required(
      'DescribeScheduledActions',
      'ScheduledActionName',
      action.ScheduledActionName,
    ),
    schedule: required('DescribeScheduledActions', 'Schedule', action.Schedule),
    timezone: action.Timezone,
    startTime: action.StartTime?.getTime(),
    endTime: action.EndTime?.getTime(),
    scalableTargetAction: definedOnly({ minCapacity: target?.MinCapacity, maxCapacity: target?.MaxCapacity }),
  });
}
