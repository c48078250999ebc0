// Undo: the operation behind `sm-rollout undo`. It finds the model version that served before the
// endpoint's last successful rollout and makes the request that puts it back, as a new rollout —
// fast by default (AllAtOnce, 5m final bake), with the undone rollout's alarms and role.
import { SmRolloutError } from '../errors';
import type { RolloutRecord, RolloutStore } from './ports';
import type { EndpointControl } from './ports';
import { validateStartRequest, type ValidStartRequest } from './start-request';
import { writtenPreTrafficCheck } from './pre-traffic-check';

export const UNDO_STRATEGY = 'AllAtOnce';
export const UNDO_FINAL_BAKE = '5m';
/**
 * An inference component's undo: a rolling update moves at most half the copies per batch
 * (MaximumBatchSize), so the quickest way back is two halves, each baked a minute.
 */
export const UNDO_COMPONENT_STRATEGY = 'linear(50, 1m)';

export interface UndoDeps {
  store: Pick<RolloutStore, 'list'>;
  endpoints: Pick<EndpointControl, 'describeModel'>;
}

/**
 * The validated request that undoes the endpoint's last successful rollout, and that rollout.
 * Throws ROLLOUT_NOT_FOUND when there is none, or when the version before it cannot be known.
 */
export async function planUndo(
  deps: UndoDeps,
  endpointName: string,
  overrides: { strategy?: string; finalBake?: string },
  requestedBy: string,
): Promise<{ request: ValidStartRequest; undoing: RolloutRecord }> {
  const rollouts = await deps.store.list({ endpointName });
  const succeeded = rollouts.filter((r) => r.status === 'succeeded');
  const [last, before] = succeeded;
  if (!last) {
    throw new SmRolloutError(
      'ROLLOUT_NOT_FOUND',
      `endpoint ${endpointName} has no successful rollout to undo in this store`,
      { field: 'endpoint' },
    );
  }
  // The baseline model the last rollout replaced says which package it came from; the store's
  // history is the fallback when that model is gone.
  const previousModel = last.input.baseline?.modelName;
  const fromModel = previousModel
    ? (await deps.endpoints.describeModel(previousModel))?.modelPackageArn
    : undefined;
  const previousPackage = fromModel ?? before?.modelPackageArn;
  if (!previousPackage) {
    throw new SmRolloutError(
      'ROLLOUT_NOT_FOUND',
      `the model that served ${endpointName} before rollout ${last.id} (${previousModel ?? 'unknown'}) was not created ` +
        `from a model package, so there is no version to roll back to; start a rollout of the version you want with ` +
        `\`sm-rollout start --endpoint ${endpointName} --model-package <arn>\``,
      { field: 'endpoint' },
    );
  }
  const input = last.input;
  return {
    undoing: last,
    request: validateStartRequest({
      endpointName,
      modelPackageArn: previousPackage,
      executionRoleArn: input.executionRoleArn,
      strategy: overrides.strategy ?? (input.inferenceComponent ? UNDO_COMPONENT_STRATEGY : UNDO_STRATEGY),
      // An inference component is undone as it was rolled out: by SageMaker's rolling update.
      ...(input.inferenceComponent
        ? { inferenceComponent: input.inferenceComponent.inferenceComponentName }
        : {}),
      finalBake: overrides.finalBake ?? UNDO_FINAL_BAKE,
      alarms: input.alarms,
      candidateAlarms: input.candidateAlarms.map((a) => a.template),
      requestedBy: `${requestedBy}, undoing ${last.id}`,
      // The undone rollout ran unguarded by request (no alarm at all): so does its undo, and says so.
      ...(input.alarms.length === 0 && input.candidateAlarms.length === 0 ? { allowUnguarded: true } : {}),
      ...(input.retainPrevious !== undefined ? { retainPrevious: input.retainPrevious } : {}),
      // The undo is judged as the undone rollout was (or not at all).
      judge: input.judge
        ? {
            metrics: input.judge.metrics.map((m) => ({ ...m })),
            alpha: input.judge.alpha,
            onInconclusive: input.judge.onInconclusive,
            dryRun: input.judge.dryRun,
          }
        : false,
      // Its candidate alarms were chosen for the undone rollout's metrics: watch with the same ones.
      ...(input.enhancedMetrics === true ? {} : { enhancedMetrics: false }),
      // The previous model meets the same sample requests before it takes traffic back.
      ...(input.preTrafficCheck ? { preTrafficCheck: writtenPreTrafficCheck(input.preTrafficCheck) } : {}),
    }),
  };
}
