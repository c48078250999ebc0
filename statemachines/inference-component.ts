// The inference-component side of the machine: how a rolling update is read as it moves (which model
// serves the component, whether SageMaker finished or rolled back, what the copies are doing) and how
// its moments read on the timeline. SageMaker moves the copies; the machine follows, holds the final
// bake, and decides by the model actually serving.
import type {
  InferenceComponentCapacitySize,
  InferenceComponentRolloutSpec,
  InferenceComponentView,
  RolloutInput,
} from './contract';

export function isInferenceComponent(
  context: Pick<RolloutInput, 'inferenceComponent'>,
): context is { inferenceComponent: InferenceComponentRolloutSpec } {
  return context.inferenceComponent !== undefined;
}

/** Component statuses a rolling update ends in when it needs a person (InferenceComponentStatus). */
export const COMPONENT_BROKEN_STATUSES = ['Failed', 'Deleting', 'Deleted'];

/**
 * Where the rolling update is, by the model the component serves: `updated` (InService on the
 * candidate model: SageMaker finished every batch), `rolledBack` (InService on the model that served at
 * start, after this rollout's update: SageMaker rolled it back, or the rollout's way back finished),
 * `broken`, or `moving`.
 */
export function componentOutcome(
  context: Pick<RolloutInput, 'names'> & { inferenceComponent: InferenceComponentRolloutSpec },
  view: InferenceComponentView,
): 'updated' | 'rolledBack' | 'broken' | 'moving' {
  if (COMPONENT_BROKEN_STATUSES.includes(view.status)) return 'broken';
  if (view.status !== 'InService') return 'moving';
  if (view.modelName === context.names.candidateModel) return 'updated';
  if (
    view.modelName === context.inferenceComponent.servingSpecification.modelName &&
    view.lastDeployment !== 'none' &&
    view.lastDeployment !== 'other'
  ) {
    return 'rolledBack';
  }
  return 'moving';
}

/** One key per distinct moment of the copies (status and counts), so the timeline tells each once. */
export function componentProgressKey(view: InferenceComponentView): string {
  return `${view.status}:${view.currentCopyCount ?? '?'}/${view.desiredCopyCount ?? '?'}:${view.modelName ?? ''}`;
}

function sizeText(size: InferenceComponentCapacitySize, copies: number): string {
  if (size.type === 'COPY_COUNT') return `${size.value} ${size.value === 1 ? 'copy' : 'copies'}`;
  return `${size.value}% of the ${copies} copies`;
}

function durationText(seconds: number): string {
  if (seconds === 0) return 'no bake';
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The rolling update in one sentence: the batches, the bakes, the alarms SageMaker watches. */
export function describeRollingUpdate(spec: InferenceComponentRolloutSpec): string {
  const r = spec.rollingUpdate;
  return (
    `a rolling update of ${spec.copyCount} copies in ${spec.batches} batches of ${sizeText(r.maximumBatchSize, spec.copyCount)}, ` +
    `each baked ${durationText(r.waitIntervalInSeconds)}; SageMaker rolls back on ${spec.autoRollbackAlarms.join(', ')}`
  );
}

/** What the copies are doing, in words (DescribeInferenceComponent's status and RuntimeConfig counts). */
export function describeComponentProgress(name: string, view: InferenceComponentView): string {
  const counts =
    view.currentCopyCount !== undefined && view.desiredCopyCount !== undefined
      ? `${view.currentCopyCount} copies running, ${view.desiredCopyCount} desired`
      : 'copies unknown';
  switch (view.status) {
    case 'Updating':
      return (
        `SageMaker is replacing the copies of ${name} (${counts}): each batch comes up on the new model, ` +
        'takes traffic and bakes while the alarms are watched; the old copies serve until it has'
      );
    case 'InService':
      return `Inference component ${name} is InService on ${view.modelName ?? 'an unknown model'} (${counts})`;
    default:
      return `Inference component ${name} is ${view.status} (${counts})`;
  }
}
