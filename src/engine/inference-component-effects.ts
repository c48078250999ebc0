// The effects of an inference-component rollout: the candidate model and the abort alarm, the one
// UpdateInferenceComponent SageMaker runs as a rolling update, the reads that follow it, the second
// rolling update that puts the serving Specification back, and the cleanup. Every effect checks
// before it acts (describe before update), so a restored rollout simply runs it again.
import { SmRolloutError } from '../errors';
import type {
  ApplyResult,
  CleanupResult,
  CreateCandidateResult,
  InferenceComponentReading,
  InferenceComponentRolloutSpec,
  InferenceComponentView,
  RolloutInput,
  Baseline,
} from '../../statemachines/contract';
import { rolloutTags } from './carried-model';
import { componentRollbackRequest, componentUpdateRequest } from './inference-component-rollout';
import type {
  AlarmControl,
  EndpointControl,
  InferenceComponentControl,
  InferenceComponentState,
} from './ports';

type Unstamped<T> = Omit<T, 'at'>;

/** A rollout on an inference component: its spec and the serving model's settings are known from the start. */
export type InferenceComponentContext = RolloutInput & {
  inferenceComponent: InferenceComponentRolloutSpec;
  baseline: Baseline;
};

export interface InferenceComponentEffects {
  /** CreateModel from the package (the serving model's settings carried) and the abort alarm, OK. */
  prepareComponentUpdate(context: InferenceComponentContext): Promise<Unstamped<CreateCandidateResult>>;
  /** UpdateInferenceComponent onto the candidate model, unless this rollout's update already runs or ran. */
  startComponentUpdate(context: InferenceComponentContext): Promise<Unstamped<ApplyResult>>;
  /** DescribeInferenceComponent, as the machine follows the rolling update. */
  readComponent(context: InferenceComponentContext): Promise<Unstamped<InferenceComponentReading>>;
  /** UpdateInferenceComponent back to the serving Specification, once the component takes updates. */
  startComponentRollback(context: InferenceComponentContext): Promise<Unstamped<ApplyResult>>;
  /**
   * The abort alarm always; the candidate model only when it does not serve (after a rollback). After a
   * success the previous model is the team's and stays: `undo` rolls back onto it.
   */
  cleanUpComponentRollout(
    context: InferenceComponentContext,
    outcome: 'succeeded' | 'rolledBack',
  ): Promise<Unstamped<CleanupResult>>;
}

/** Whose the component's LastDeploymentConfig is, by the abort alarm in it and the way-back policy. */
export function lastDeploymentOf(
  component: InferenceComponentState,
  spec: InferenceComponentRolloutSpec,
): InferenceComponentView['lastDeployment'] {
  const last = component.lastDeployment;
  if (!last) return 'none';
  if (last.autoRollbackAlarms.includes(spec.abortAlarmName)) return 'forward';
  if (
    last.autoRollbackAlarms.length === 0 &&
    JSON.stringify(last.rollingUpdate) === JSON.stringify(spec.rollbackUpdate)
  ) {
    return 'rollback';
  }
  return 'other';
}

export function componentView(
  component: InferenceComponentState | undefined,
  spec: InferenceComponentRolloutSpec,
): InferenceComponentView {
  if (!component) return { status: 'Deleted', lastDeployment: 'none' };
  return {
    status: component.status,
    ...(component.specification.modelName ? { modelName: component.specification.modelName } : {}),
    ...(component.desiredCopyCount !== undefined ? { desiredCopyCount: component.desiredCopyCount } : {}),
    ...(component.currentCopyCount !== undefined ? { currentCopyCount: component.currentCopyCount } : {}),
    ...(component.failureReason ? { failureReason: component.failureReason } : {}),
    lastDeployment: lastDeploymentOf(component, spec),
  };
}

export function createInferenceComponentEffects(deps: {
  endpoints: EndpointControl;
  components: InferenceComponentControl;
  alarms: AlarmControl;
}): InferenceComponentEffects {
  const { endpoints, components, alarms } = deps;

  async function describeOrThrow(context: InferenceComponentContext): Promise<InferenceComponentState> {
    const name = context.inferenceComponent.inferenceComponentName;
    const component = await components.describeInferenceComponent(name);
    if (!component) {
      throw new SmRolloutError(
        'ENDPOINT_NOT_FOUND',
        `inference component ${name} was deleted during the rollout; there is nothing to update or roll back`,
        { field: 'inferenceComponent' },
      );
    }
    return component;
  }

  return {
    async prepareComponentUpdate(context) {
      if (!alarms.putAbortAlarm || !alarms.setAlarmState) {
        throw new SmRolloutError(
          'INVALID_INPUT',
          'this host cannot create the abort alarm an inference-component rollout needs (no PutMetricAlarm/SetAlarmState ' +
            'on its alarm port); start it through the controller',
          { field: 'inferenceComponent' },
        );
      }
      const model = context.baseline.model ?? { tags: [] };
      const created: string[] = [];
      const outcome = await endpoints.createModel({
        modelName: context.names.candidateModel,
        modelPackageArn: context.modelPackageArn,
        executionRoleArn: context.executionRoleArn,
        ...(model.vpcConfig ? { vpcConfig: model.vpcConfig } : {}),
        ...(model.enableNetworkIsolation !== undefined
          ? { enableNetworkIsolation: model.enableNetworkIsolation }
          : {}),
        ...(model.environment ? { environment: model.environment } : {}),
        tags: [...rolloutTags(context.rolloutId, context.endpointName), ...model.tags],
      });
      if (outcome === 'created') created.push(`model ${context.names.candidateModel}`);
      const abortAlarm = context.inferenceComponent.abortAlarmName;
      await alarms.putAbortAlarm({
        alarmName: abortAlarm,
        endpointName: context.endpointName,
        rolloutId: context.rolloutId,
      });
      created.push(`alarm ${abortAlarm}`);
      return { created };
    },

    async startComponentUpdate(context) {
      const spec = context.inferenceComponent;
      const component = await describeOrThrow(context);
      // This rollout's update was accepted before (a restart after the call): follow it.
      if (lastDeploymentOf(component, spec) === 'forward') return { outcome: 'satisfied' };
      if (component.status !== 'InService') return { outcome: 'busy' };
      if (component.specification.modelName !== spec.servingSpecification.modelName) {
        throw new SmRolloutError(
          'UPDATE_FAILED',
          `inference component ${spec.inferenceComponentName} serves model ${component.specification.modelName ?? '(none)'} ` +
            `now, not ${spec.servingSpecification.modelName} as when the rollout started: someone else updated it; ` +
            'nothing was sent — start a new rollout from what serves now',
          { field: 'inferenceComponent' },
        );
      }
      try {
        await components.updateInferenceComponent(componentUpdateRequest(spec, context.names.candidateModel));
      } catch (error) {
        if (error instanceof SmRolloutError && error.code === 'ENDPOINT_BUSY') return { outcome: 'busy' };
        throw error;
      }
      return { outcome: 'requested' };
    },

    async readComponent(context) {
      const spec = context.inferenceComponent;
      const component = await components.describeInferenceComponent(spec.inferenceComponentName);
      return { component: componentView(component, spec) };
    },

    async startComponentRollback(context) {
      const spec = context.inferenceComponent;
      const component = await describeOrThrow(context);
      const deployment = lastDeploymentOf(component, spec);
      if (deployment === 'rollback') return { outcome: 'satisfied' };
      if (component.status !== 'InService') return { outcome: 'busy' };
      // SageMaker's own rollback already put the serving model back.
      if (component.specification.modelName === spec.servingSpecification.modelName) {
        return { outcome: 'satisfied' };
      }
      try {
        await components.updateInferenceComponent(componentRollbackRequest(spec));
      } catch (error) {
        if (error instanceof SmRolloutError && error.code === 'ENDPOINT_BUSY') return { outcome: 'busy' };
        throw error;
      }
      return { outcome: 'requested' };
    },

    async cleanUpComponentRollout(context, outcome) {
      const spec = context.inferenceComponent;
      const removed: string[] = [];
      const kept: string[] = [];
      await alarms.deleteAlarms([spec.abortAlarmName]);
      removed.push(`alarm ${spec.abortAlarmName}`);
      if (outcome === 'rolledBack') {
        const component = await components.describeInferenceComponent(spec.inferenceComponentName);
        if (component?.specification.modelName === context.names.candidateModel) {
          kept.push(`model ${context.names.candidateModel} (still serving)`);
        } else if ((await endpoints.deleteModel(context.names.candidateModel)) === 'deleted') {
          removed.push(`model ${context.names.candidateModel}`);
        }
      } else {
        kept.push(`model ${spec.servingSpecification.modelName} (the previous model)`);
      }
      return { removed, kept };
    },
  };
}
