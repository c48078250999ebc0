// Application Auto Scaling around a rollout, as data the machine decides with: the candidate's own
// scalable target for the share of traffic each step gives it, what must be deregistered before an
// update SageMaker would otherwise reject, and which baseline scaling the controller cannot reproduce.
//
// The design: the baseline variant keeps its scalable target untouched while it serves (its policies
// follow its falling share of traffic by themselves). The candidate variant gets a target of its own,
// registered before each shift, with the baseline's bounds scaled by the step's share and copies of the
// baseline's target-tracking policies. Target tracking keys on the variant's own metrics
// (SageMakerVariantInvocationsPerInstance is per variant), so the copy sizes the candidate fleet for the
// traffic it really receives, also when load changes mid-bake — counts set by the controller per step
// could not follow load between steps, and every such UpdateEndpointWeightsAndCapacities would also
// block the baseline's own scaling while it runs. Step-scaling policies are not copied: they act
// through the team's CloudWatch alarms, which watch the baseline variant; the candidate gets the
// proportional bounds alone.
//
// SageMaker's rule ("Update endpoints that use auto scaling", SageMaker Developer Guide): an
// UpdateEndpoint fails if it removes a variant registered as a scalable target or changes its instance
// type; changing only the model is allowed. So: the candidate's target is deregistered before any
// update that removes the candidate variant (promotion, rollback); the baseline's only before a
// promotion onto another instance type, and restored from what was read at start after it.
import type {
  Baseline,
  BaselineScaling,
  CandidateScaling,
  RolloutInput,
  ScalingPolicySpec,
} from './contract';

/**
 * Capacity for a variant serving `percent` of the traffic the baseline's bounds were chosen for: the
 * bounds scaled by the share, and at least the share of the fleet the baseline ran at start
 * (`baselineCount`), so a step never hands the candidate more traffic than its fleet can take while
 * its scaling catches up.
 */
export function candidateBounds(
  scaling: BaselineScaling,
  percent: number,
  baselineCount: number,
): { minCapacity: number; maxCapacity: number } {
  const share = Math.max(0, Math.min(100, percent));
  // Integer arithmetic first: 20 × 0.35 is 7.000000000000001 in floating point, which ceil makes 8.
  const scaled = (n: number) => Math.ceil(Math.round(n * share * 1e6) / 1e8 - 1e-9);
  const minCapacity = Math.max(1, scaled(scaling.target.minCapacity), scaled(baselineCount));
  const maxCapacity = Math.max(minCapacity, scaled(scaling.target.maxCapacity));
  return { minCapacity, maxCapacity };
}

type Dimension = { Name?: unknown; Value?: unknown };

/** Every Dimensions list in a customized metric specification (single metric or metric math). */
function dimensionLists(spec: Record<string, unknown>): Dimension[][] {
  const lists: Dimension[][] = [];
  if (Array.isArray(spec['Dimensions'])) lists.push(spec['Dimensions'] as Dimension[]);
  if (Array.isArray(spec['Metrics'])) {
    for (const query of spec['Metrics'] as Record<string, unknown>[]) {
      const stat = query['MetricStat'] as { Metric?: { Dimensions?: Dimension[] } } | undefined;
      if (Array.isArray(stat?.Metric?.Dimensions)) lists.push(stat.Metric.Dimensions);
    }
  }
  return lists;
}

function customizedMetric(policy: ScalingPolicySpec): Record<string, unknown> | undefined {
  const spec = policy.configuration['CustomizedMetricSpecification'];
  return spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : undefined;
}

/** True when every metric of a customized specification is keyed on `variantName`. */
function keyedOnVariant(spec: Record<string, unknown>, variantName: string): boolean {
  const lists = dimensionLists(spec);
  return (
    lists.length > 0 &&
    lists.every((dims) => dims.some((d) => d.Name === 'VariantName' && d.Value === variantName))
  );
}

/** A copy of a target-tracking policy that tracks `to` where the original tracked `from`. */
function retargeted(
  policy: ScalingPolicySpec,
  from: string,
  to: string,
): CandidateScaling['policies'][number] {
  const configuration = JSON.parse(JSON.stringify(policy.configuration)) as Record<string, unknown>;
  const spec = configuration['CustomizedMetricSpecification'] as Record<string, unknown> | undefined;
  if (spec) {
    for (const dims of dimensionLists(spec)) {
      for (const d of dims) if (d.Name === 'VariantName' && d.Value === from) d.Value = to;
    }
  }
  return { policyName: policy.policyName, policyType: policy.policyType, configuration };
}

/** True when the rollout puts the candidate on another instance type than the baseline's. */
export function changesInstanceType(
  input: Pick<RolloutInput, 'candidate'>,
  baseline: Pick<Baseline, 'instanceType'>,
): boolean {
  return input.candidate.instanceType !== undefined && input.candidate.instanceType !== baseline.instanceType;
}

/** The candidate's target and policies for a step that gives it `percent` of the traffic. */
export function candidateScalingFor(
  scaling: BaselineScaling,
  baselineVariant: string,
  candidateVariant: string,
  percent: number,
  baselineCount: number,
): CandidateScaling {
  return {
    variantName: candidateVariant,
    target: {
      ...candidateBounds(scaling, percent, baselineCount),
      suspended: { ...scaling.target.suspended },
    },
    policies: scaling.policies
      .filter((p) => p.policyType === 'TargetTrackingScaling')
      .map((p) => retargeted(p, baselineVariant, candidateVariant)),
  };
}

/**
 * What in the baseline's scaling a rollout cannot carry, each naming the policy and the fix, and the
 * field a person would change. Checked as the baseline is resolved, so such a rollout is refused
 * before anything changes.
 */
export function scalingProblems(
  scaling: BaselineScaling,
  endpointName: string,
  variantName: string,
  instanceTypeChanges: boolean,
): { message: string; field: 'endpoint' | 'candidate.instanceType' }[] {
  const resource = `endpoint/${endpointName}/variant/${variantName}`;
  const problems: { message: string; field: 'endpoint' | 'candidate.instanceType' }[] = [];
  for (const policy of scaling.policies) {
    if (policy.policyType === 'PredictiveScaling') {
      problems.push({
        field: 'endpoint',
        message:
          `scaling policy ${policy.policyName} on ${resource} is predictive scaling, which the controller cannot ` +
          'reproduce for the candidate variant — replace it with a target-tracking policy',
      });
    }
    const custom = policy.policyType === 'TargetTrackingScaling' ? customizedMetric(policy) : undefined;
    if (custom && !keyedOnVariant(custom, variantName)) {
      problems.push({
        field: 'endpoint',
        message:
          `target-tracking policy ${policy.policyName} on ${resource} tracks a customized metric without the ` +
          `dimension VariantName=${variantName}, so the controller cannot give the candidate variant an equivalent ` +
          'of its own — key the metric on VariantName (or use the predefined SageMakerVariantInvocationsPerInstance)',
      });
    }
    if (policy.policyType === 'StepScaling' && instanceTypeChanges) {
      problems.push({
        field: 'candidate.instanceType',
        message:
          `step scaling policy ${policy.policyName} on ${resource} is triggered by alarm` +
          `${policy.alarmNames.length === 1 ? '' : 's'} ${policy.alarmNames.join(', ') || '(none)'}; promoting onto another ` +
          'instance type means deregistering the variant (SageMaker rejects the update otherwise), which deletes the policy, ' +
          "and the recreated policy gets a new ARN that the alarm's actions do not name — roll out on " +
          "the same instance type (drop --instance-type, or the policy's candidate.instanceType), or use target tracking",
      });
    }
  }
  return problems;
}

/** One line for timelines and status: `2–10 instances; target tracking x (…); 1 scheduled action`. */
export function describeScaling(scaling: BaselineScaling): string {
  const { minCapacity, maxCapacity, suspended } = scaling.target;
  const parts = [`auto scaling ${minCapacity}–${maxCapacity} instances`];
  for (const policy of scaling.policies) {
    const c = policy.configuration;
    const predefined = (c['PredefinedMetricSpecification'] as { PredefinedMetricType?: string } | undefined)
      ?.PredefinedMetricType;
    const kind =
      policy.policyType === 'TargetTrackingScaling'
        ? `target tracking ${predefined ?? 'customized metric'}=${String(c['TargetValue'])}`
        : policy.policyType === 'StepScaling'
          ? 'step scaling'
          : 'predictive scaling';
    parts.push(`${kind} (${policy.policyName})`);
  }
  const actions = scaling.scheduledActions.length;
  if (actions) parts.push(`${actions} scheduled action${actions === 1 ? '' : 's'}`);
  const paused = [
    suspended.dynamicScalingInSuspended ? 'scale-in' : '',
    suspended.dynamicScalingOutSuspended ? 'scale-out' : '',
    suspended.scheduledScalingSuspended ? 'scheduled scaling' : '',
  ].filter(Boolean);
  if (paused.length) parts.push(`suspended: ${paused.join(', ')}`);
  return parts.join('; ');
}
