// The endpoint changes a rollout makes (which config, which weights, for what purpose) and how a
// change that did not take effect is explained: the SageMaker side of the machine's decisions.
import type { CheckResult, EndpointChange } from './contract';
import { baselineOf, shiftTarget, type ChangePurpose, type RolloutContext } from './context';

export function buildChange(context: RolloutContext, purpose: ChangePurpose): EndpointChange {
  const baseline = baselineOf(context);
  const { endpointName, names } = context;
  switch (purpose) {
    case 'transition':
      return { kind: 'config', endpointName, endpointConfigName: names.transitionConfig, purpose };
    case 'final':
      return { kind: 'config', endpointName, endpointConfigName: names.finalConfig, purpose };
    case 'revert':
      return { kind: 'config', endpointName, endpointConfigName: baseline.endpointConfigName, purpose };
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
