// How the machine reads an inference component as SageMaker's rolling update moves it: the outcome is
// decided by the model actually serving (and whose the last deployment was), never by the status alone.
import type { InferenceComponentRolloutSpec, InferenceComponentView } from '../../statemachines/contract';
import {
  componentOutcome,
  componentProgressKey,
  describeRollingUpdate,
} from '../../statemachines/inference-component';

const spec: InferenceComponentRolloutSpec = {
  inferenceComponentName: 'chat-assistant',
  variantName: 'AllTraffic',
  servingSpecification: {
    modelName: 'chat-assistant-v1',
    computeResourceRequirements: { minMemoryRequiredInMb: 16_384 },
  },
  copyCount: 4,
  batches: 4,
  rollingUpdate: { maximumBatchSize: { type: 'COPY_COUNT', value: 1 }, waitIntervalInSeconds: 180 },
  rollbackUpdate: { maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 50 }, waitIntervalInSeconds: 0 },
  autoRollbackAlarms: ['chat-assistant-5xx', 'smr-support-llm-x-abort'],
  abortAlarmName: 'smr-support-llm-x-abort',
  finalBakeMs: 600_000,
};
const context = {
  names: {
    candidateModel: 'smr-support-llm-x-model',
    candidateVariant: 'c',
    transitionConfig: 't',
    finalConfig: 'f',
  },
  inferenceComponent: spec,
};
const view = (v: Partial<InferenceComponentView>): InferenceComponentView => ({
  status: 'InService',
  lastDeployment: 'forward',
  ...v,
});

it('is updated only when the component is InService on the candidate model', () => {
  expect(componentOutcome(context, view({ modelName: 'smr-support-llm-x-model' }))).toBe('updated');
  expect(componentOutcome(context, view({ status: 'Updating', modelName: 'smr-support-llm-x-model' }))).toBe(
    'moving',
  );
});

it('is rolled back when the serving model is back after this rollout’s update, not before it was sent', () => {
  expect(componentOutcome(context, view({ modelName: 'chat-assistant-v1' }))).toBe('rolledBack');
  expect(
    componentOutcome(context, view({ modelName: 'chat-assistant-v1', lastDeployment: 'rollback' })),
  ).toBe('rolledBack');
  // InService on the old model with someone else's (or no) deployment: this rollout's update has not run yet.
  expect(componentOutcome(context, view({ modelName: 'chat-assistant-v1', lastDeployment: 'none' }))).toBe(
    'moving',
  );
  expect(componentOutcome(context, view({ modelName: 'chat-assistant-v1', lastDeployment: 'other' }))).toBe(
    'moving',
  );
});

it('is broken when the component failed or is gone', () => {
  expect(componentOutcome(context, view({ status: 'Failed' }))).toBe('broken');
  expect(componentOutcome(context, { status: 'Deleted', lastDeployment: 'none' })).toBe('broken');
});

it('tells each moment of the copies once and the rolling update in a sentence', () => {
  const a = componentProgressKey(view({ status: 'Updating', currentCopyCount: 5, desiredCopyCount: 4 }));
  const b = componentProgressKey(view({ status: 'Updating', currentCopyCount: 4, desiredCopyCount: 4 }));
  expect(a).not.toBe(b);
  expect(describeRollingUpdate(spec)).toBe(
    'a rolling update of 4 copies in 4 batches of 1 copy, each baked 3m; SageMaker rolls back on chat-assistant-5xx, smr-support-llm-x-abort',
  );
});
