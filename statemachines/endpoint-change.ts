// The endpoint changes a rollout makes (which config, which weights, for what purpose) and how a
// change that did not take effect is explained: the SageMaker side of the machine's decisions.
import type { CheckResult, EndpointChange } from './contract';
import { baselineOf, shiftTarget, type ChangePurpose, type RolloutContext } from './context';
import { candidateScalingFor, changesInstanceType } from './scaling';

export function buildChange(context: RolloutContext, purpose: ChangePurpose): EndpointChange {
  const baseline = baselineOf(context);
  const { endpointName, names } = context;
  const scaling = baseline.scaling;
  switch (purpose) {
    case 'transition':
      // The baseline variant keeps the instance count its scaling gave it, not the count it had at start.
      return {
        kind: 'config',
        endpointName,
        endpointConfigName: names.transitionConfig,
        purpose,
        retainAllVariantProperties: true,
      };
    case 'final':
      if (context.native) {
        // Native: one UpdateEndpoint with the DeploymentConfig; the new fleet keeps the variant's name,
        // so its scaling stays registered unless the instance type changes ("If the update would change
        // the instance type for any model that is a target for auto scaling, the update fails", Update
        // endpoints that use auto scaling). Cleanup puts a deregistered one back.
        return {
          kind: 'config',
          endpointName,
          endpointConfigName: names.finalConfig,
          purpose,
          deploymentConfig: context.native.deploymentConfig,
          ...(scaling && changesInstanceType(context, baseline)
            ? { deregisterBefore: [baseline.variantName] }
            : {}),
        };
      }
      // The final config drops the candidate variant (registered: deregister it first) and serves the
      // new model under the baseline's name: allowed while registered unless the instance type changes.
      return {
        kind: 'config',
        endpointName,
        endpointConfigName: names.finalConfig,
        purpose,
        ...(scaling
          ? {
              deregisterBefore: [
                names.candidateVariant,
                ...(changesInstanceType(context, baseline) ? [baseline.variantName] : []),
              ],
            }
          : {}),
      };
    case 'revert':
      // Mid-incident the baseline keeps the fleet it has now (its scaling may have grown it).
      return {
        kind: 'config',
        endpointName,
        endpointConfigName: baseline.endpointConfigName,
        purpose,
        retainAllVariantProperties: true,
        ...(scaling ? { deregisterBefore: [names.candidateVariant] } : {}),
      };
    case 'shift': {
      const p = shiftTarget(context);
      return {
        kind: 'weights',
        endpointName,
        endpointConfigName: names.transitionConfig,
        purpose,
        weights: [
          { variantName: baseline.variantName, weight: 100 - p },
          { variantName: names.candidateVariant, weight: p },
        ],
        ...(scaling
          ? {
              candidateScaling: candidateScalingFor(
                scaling,
                baseline.variantName,
                names.candidateVariant,
                p,
                baseline.instanceCount,
              ),
            }
          : {}),
      };
    }
    case 'restore':
      return {
        kind: 'weights',
        endpointName,
        endpointConfigName: names.transitionConfig,
        purpose,
        weights: [
          { variantName: baseline.variantName, weight: 1 },
          { variantName: names.candidateVariant, weight: 0 },
        ],
        // A promotion onto another instance type deregistered the baseline before its update: if that
        // update failed, the baseline takes the traffic back with its scaling restored first.
        ...(scaling && changesInstanceType(context, baseline)
          ? { restoreScaling: { variantName: baseline.variantName, scaling } }
          : {}),
      };
  }
}

/** Changes that put the candidate's model on the endpoint: from then on a rollback must undo them. */
export function deploysCandidate(change: EndpointChange | undefined): boolean {
  return change?.purpose === 'transition' || change?.purpose === 'final';
}

/** Why a change is not in effect, when SageMaker leaves no way forward. */
export function failureFromCheck(
  change: EndpointChange | undefined,
  output: CheckResult,
): { code: string; message: string } {
  const what =
    change?.kind === 'config'
      ? `updating endpoint ${change.endpointName} to config ${change.endpointConfigName}`
      : `changing the weights of endpoint ${change?.endpointName ?? '?'}`;
  if (output.phase === 'failed') {
    return {
      code: 'UPDATE_FAILED',
      message: `${what}: endpoint is ${output.status}${output.failureReason ? ` (${output.failureReason})` : ''}`,
    };
  }
  return {
    code: 'UPDATE_FAILED',
    message:
      `${what}: SageMaker rolled the update back — the endpoint is ${output.status} on config ` +
      `${output.endpointConfigName ?? '?'}${output.failureReason ? `; FailureReason: ${output.failureReason}` : ''}`,
  };
}
