// The start of an inference-component rollout: read the component a policy names and what it sits on
// (DescribeInferenceComponent, DescribeEndpoint, DescribeModel, DescribeModelPackage) and its alarms
// (DescribeAlarms), refuse what a
// rolling update cannot start from (nothing written yet), and draft what the rollout sends: the model
// created from the package with the serving model's settings, the UpdateInferenceComponent that
// rolls the copies onto it (its RollingUpdatePolicy compiled from the plan), and the one that rolls
// them back. Reads only; the draft itself is pure.
import { SmRolloutError } from '../errors';
import {
  compileInferenceComponentUpdate,
  IC_BATCH_PERCENT_MAX,
  IC_TIMEOUT_MIN_S,
} from '../plan/inference-component';
import type { Plan } from '../plan/types';
import type {
  Baseline,
  BaselineModel,
  InferenceComponentRollingUpdate,
  InferenceComponentRolloutSpec,
} from '../../statemachines/contract';
import { carriedModelSettings, rolloutTags } from './carried-model';
import { approvedPackage } from './model-package';
import type {
  AlarmControl,
  CreateModelRequest,
  EndpointControl,
  InferenceComponentControl,
  InferenceComponentSpecificationState,
  UpdateInferenceComponentRequest,
} from './ports';

export interface InferenceComponentStartInput {
  endpointName: string;
  inferenceComponentName: string;
  modelPackageArn: string;
}

/** The component as it serves now: what the rollout replaces and, on rollback, puts back. */
export interface InferenceComponentTarget {
  endpointName: string;
  /** The hosting endpoint's config (DescribeEndpoint): the rollout never changes it. */
  endpointConfigName: string;
  inferenceComponentName: string;
  variantName: string;
  /** The deployed Specification (ModelName, ComputeResourceRequirements, StartupParameters, ...). */
  specification: InferenceComponentSpecificationState & { modelName: string };
  /** RuntimeConfig.DesiredCopyCount: the batches are whole copies of it. */
  copyCount: number;
  /** What the new model carries over from the component's model. */
  model: BaselineModel;
  /** The package the component's model was created from, if any: the version that serves. */
  servingModelPackageArn?: string;
}

const FIELD = 'inferenceComponent';

/**
 * Reads and checks the component, its endpoint and model, and the package to roll out. Throws a
 * SmRolloutError naming the field and the fix; a component or endpoint in a settling status is refused
 * with the wording `refusedWhileSettling` recognises (" is Updating, not InService").
 */
export async function readInferenceComponentTarget(
  ports: { endpoints: EndpointControl; components: InferenceComponentControl },
  input: InferenceComponentStartInput,
): Promise<InferenceComponentTarget> {
  const { endpoints, components } = ports;
  const { endpointName, inferenceComponentName } = input;
  const endpoint = await endpoints.describeEndpoint(endpointName);
  if (!endpoint) {
    throw new SmRolloutError('ENDPOINT_NOT_FOUND', `endpoint ${endpointName} does not exist`, {
      field: 'endpoint',
    });
  }
  const component = await components.describeInferenceComponent(inferenceComponentName);
  if (!component) {
    // Which components the endpoint hosts, when the caller may list them (the controller's role may not).
    const hosted = await components.listInferenceComponents(endpointName).then(
      (list) => list.map((c) => c.inferenceComponentName),
      () => undefined,
    );
    throw new SmRolloutError(
      'ENDPOINT_NOT_FOUND',
      `inference component ${inferenceComponentName} does not exist; ` +
        (hosted === undefined
          ? `list the ones endpoint ${endpointName} hosts with \`aws sagemaker list-inference-components --endpoint-name-equals ${endpointName}\``
          : hosted.length > 0
            ? `endpoint ${endpointName} hosts ${hosted.join(', ')}`
            : `endpoint ${endpointName} hosts no inference component`) +
        ' — name one of them in inferenceComponent (--inference-component)',
      { field: FIELD },
    );
  }
  if (component.endpointName !== endpointName) {
    throw new SmRolloutError(
      'INVALID_INPUT',
      `inference component ${inferenceComponentName} runs on endpoint ${component.endpointName}, not ${endpointName}; ` +
        `set endpoint to ${component.endpointName}, or name a component of ${endpointName}`,
      { field: FIELD },
    );
  }
  if (endpoint.status !== 'InService') {
    throw new SmRolloutError(
      'ENDPOINT_NOT_IN_SERVICE',
      `endpoint ${endpointName} is ${endpoint.status}, not InService; wait until it is InService and try again`,
      { field: 'endpoint' },
    );
  }
  if (component.status !== 'InService') {
    throw new SmRolloutError(
      'ENDPOINT_NOT_IN_SERVICE',
      `inference component ${inferenceComponentName} is ${component.status}, not InService` +
        (component.status === 'Updating' ? ' (an update or a copy-count scaling in progress)' : '') +
        (component.failureReason ? ` (FailureReason: ${component.failureReason})` : '') +
        (component.status === 'Failed'
          ? '; a failed component takes no update — recreate it first'
          : '; wait until it is InService and try again'),
      { field: FIELD },
    );
  }
  const variantName = component.variantName;
  if (variantName === undefined || !endpoint.variants.some((v) => v.variantName === variantName)) {
    throw new SmRolloutError(
      'ENDPOINT_UNSUPPORTED',
      `inference component ${inferenceComponentName} names variant ${variantName ?? '(none)'}, which endpoint ` +
        `${endpointName} does not have (its variants: ${endpoint.variants.map((v) => v.variantName).join(', ')})`,
      { field: FIELD },
    );
  }
  const { specification } = component;
  if (specification.extra?.['BaseInferenceComponentName'] !== undefined) {
    throw new SmRolloutError(
      'ENDPOINT_UNSUPPORTED',
      `inference component ${inferenceComponentName} is an adapter of ${String(specification.extra['BaseInferenceComponentName'])} ` +
        '(BaseInferenceComponentName): it has no model of its own to replace; roll out onto the base component',
      { field: FIELD },
    );
  }
  const servingModelName = specification.modelName;
  if (servingModelName === undefined) {
    throw new SmRolloutError(
      'ENDPOINT_UNSUPPORTED',
      `inference component ${inferenceComponentName} names no ModelName (its Specification sets a Container directly); ` +
        'a rollout replaces the model a component names — recreate the component from a SageMaker model',
      { field: FIELD },
    );
  }
  const pkg = await approvedPackage(endpoints, input.modelPackageArn);
  const model = await endpoints.describeModel(servingModelName);
  if (!model) {
    throw new SmRolloutError(
      'ENDPOINT_UNSUPPORTED',
      `inference component ${inferenceComponentName}'s model ${servingModelName} does not exist any more; ` +
        'a rollback needs it — recreate the model under that name first',
      { field: FIELD },
    );
  }
  const carried = carriedModelSettings(
    model,
    pkg,
    model.modelArn ? await endpoints.listTags(model.modelArn) : [],
  );
  const { tagsOver, ...settings } = carried;
  if (tagsOver !== undefined) {
    throw new SmRolloutError(
      'ENDPOINT_UNSUPPORTED',
      `model ${servingModelName} has too many tags for the new model to keep them beside sm-rollout's: ` +
        `remove ${tagsOver} of them (SageMaker allows 50)`,
      { field: FIELD },
    );
  }
  return {
    endpointName,
    endpointConfigName: endpoint.endpointConfigName,
    inferenceComponentName,
    variantName,
    specification: { ...specification, modelName: servingModelName },
    copyCount: component.desiredCopyCount ?? component.currentCopyCount ?? 0,
    model: settings,
    ...(model.modelPackageArn ? { servingModelPackageArn: model.modelPackageArn } : {}),
  };
}

export interface InferenceComponentDraftInput {
  rolloutId: string;
  modelPackageArn: string;
  executionRoleArn: string;
  plan: Plan;
  /** The policy's alarms: the team's, on the component's own metrics (InferenceComponentName). */
  alarms: readonly string[];
  /** The rollout's candidate model name (rolloutNames(...).candidateModel). */
  candidateModelName: string;
  abortAlarmName: string;
}

/** Everything an inference-component rollout sends, decided before it sends anything. */
export interface InferenceComponentRolloutDraft {
  spec: InferenceComponentRolloutSpec;
  /** CreateModel from the package, with the component's model's VpcConfig, isolation, Environment and tags. */
  candidateModel: CreateModelRequest;
  /**
   * UpdateInferenceComponent to the new model: the serving Specification with ModelName replaced and no
   * RuntimeConfig (optional in the API reference). The rollout never sets CopyCount, so it does not fight
   * a copy-count scaling policy on `inference-component/<name>` (Application Auto Scaling, dimension
   * `sagemaker:inference-component:DesiredCopyCount`): the target stays registered and the count is
   * whatever it scaled to. AWS documents no behaviour for scaling during a rolling update; the batches
   * are whole copies of the count at start (COPY_COUNT), so a count scaled meanwhile changes how many
   * batches there are, not their size.
   */
  update: UpdateInferenceComponentRequest;
  /**
   * The way back after SageMaker finished the update (an alarm in the controller's final bake, or
   * `abort` then): a second rolling update to the serving Specification, in the largest batches the API
   * allows, no bake, and no AutoRollbackConfiguration (the alarm that fired must not undo the rollback).
   */
  rollback: UpdateInferenceComponentRequest;
  /** How many batches SageMaker moves, at the copy count now. */
  batches: number;
  /** Where the rolling update differs from the plan as written, for `plan` and the timeline. */
  notes: string[];
}

/**
 * The rollout drafted for the component as it serves now, or an INVALID_PLAN naming each step and the
 * limit a RollingUpdatePolicy cannot meet (src/plan/inference-component.ts).
 */
export function draftInferenceComponentRollout(
  target: InferenceComponentTarget,
  input: InferenceComponentDraftInput,
): InferenceComponentRolloutDraft {
  const compiled = compileInferenceComponentUpdate({
    plan: input.plan,
    copyCount: target.copyCount,
    alarms: input.alarms,
    abortAlarmName: input.abortAlarmName,
  });
  if (!compiled.ok) {
    throw new SmRolloutError(
      'INVALID_PLAN',
      `a rolling update of inference component ${target.inferenceComponentName} (${target.copyCount} copies) ` +
        `cannot run this plan: ${[...compiled.problems]
          .sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity))
          .map((p) => (p.step !== undefined ? p.message : `${p.field}: ${p.message}`))
          .join('; ')}`,
      { field: compiled.problems[0]?.field ?? 'strategy' },
    );
  }
  const { model } = target;
  const candidateModel: CreateModelRequest = {
    modelName: input.candidateModelName,
    modelPackageArn: input.modelPackageArn,
    executionRoleArn: input.executionRoleArn,
    ...(model.vpcConfig ? { vpcConfig: model.vpcConfig } : {}),
    ...(model.enableNetworkIsolation !== undefined
      ? { enableNetworkIsolation: model.enableNetworkIsolation }
      : {}),
    ...(model.environment ? { environment: model.environment } : {}),
    tags: [...rolloutTags(input.rolloutId, target.endpointName), ...model.tags],
  };
  const spec: InferenceComponentRolloutSpec = {
    inferenceComponentName: target.inferenceComponentName,
    variantName: target.variantName,
    servingSpecification: target.specification,
    copyCount: target.copyCount,
    batches: compiled.batches,
    rollingUpdate: compiled.rollingUpdate,
    rollbackUpdate: rollbackPolicy(compiled.rollingUpdate),
    autoRollbackAlarms: compiled.autoRollbackAlarms,
    abortAlarmName: input.abortAlarmName,
    finalBakeMs: compiled.finalBakeMs,
  };
  return {
    spec,
    candidateModel,
    update: componentUpdateRequest(spec, input.candidateModelName),
    rollback: componentRollbackRequest(spec),
    batches: compiled.batches,
    notes: compiled.notes,
  };
}

/** UpdateInferenceComponent onto the candidate model: the serving Specification with ModelName replaced. */
export function componentUpdateRequest(
  spec: InferenceComponentRolloutSpec,
  candidateModelName: string,
): UpdateInferenceComponentRequest {
  return {
    inferenceComponentName: spec.inferenceComponentName,
    specification: { ...spec.servingSpecification, modelName: candidateModelName },
    rollingUpdate: spec.rollingUpdate,
    autoRollbackAlarms: spec.autoRollbackAlarms,
  };
}

/** UpdateInferenceComponent back to the Specification that served at start, with no alarms to undo it. */
export function componentRollbackRequest(
  spec: InferenceComponentRolloutSpec,
): UpdateInferenceComponentRequest {
  return {
    inferenceComponentName: spec.inferenceComponentName,
    specification: spec.servingSpecification,
    rollingUpdate: spec.rollbackUpdate,
    autoRollbackAlarms: [],
  };
}

/**
 * Half the copies per batch (MaximumBatchSize's 50% ceiling), no bake, within the forward update's
 * execution timeout (never under the API's 600 s minimum).
 */
function rollbackPolicy(forward: InferenceComponentRollingUpdate): InferenceComponentRollingUpdate {
  return {
    maximumBatchSize: { type: 'CAPACITY_PERCENT', value: IC_BATCH_PERCENT_MAX },
    waitIntervalInSeconds: 0,
    maximumExecutionTimeoutInSeconds: Math.max(
      IC_TIMEOUT_MIN_S,
      forward.maximumExecutionTimeoutInSeconds ?? IC_TIMEOUT_MIN_S,
    ),
    rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
  };
}

/**
 * The team's alarms for an inference-component rollout, checked as a stepwise start checks them:
 * each exists and is not already firing (SageMaker would roll back at its first look). An alarm on
 * another component's InferenceComponentName cannot see this rollout's copies: a warning for the
 * timeline (deliberate sometimes), as the stepwise start warns about another endpoint.
 */
export async function checkComponentAlarms(
  alarms: Pick<AlarmControl, 'describeAlarms'>,
  alarmNames: readonly string[],
  inferenceComponentName: string,
): Promise<string[]> {
  if (alarmNames.length === 0) return [];
  const states = await alarms.describeAlarms(alarmNames);
  const found = new Map(states.map((s) => [s.alarmName, s]));
  const missing = alarmNames.filter((n) => !found.has(n));
  if (missing.length) {
    throw new SmRolloutError(
      'ALARM_NOT_FOUND',
      `alarm${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist; ` +
        'a missing alarm cannot protect the rollout — create it or remove it from the alarms list',
      { field: 'alarms' },
    );
  }
  const firing = states.filter((s) => s.state === 'ALARM');
  if (firing.length) {
    throw new SmRolloutError(
      'ALARM_FIRING',
      `alarm ${firing.map((s) => s.alarmName).join(', ')} is already in ALARM (${firing[0]!.reason}); ` +
        'SageMaker would roll the update back at its first look — fix the component first',
      { field: 'alarms' },
    );
  }
  const warnings: string[] = [];
  for (const state of states) {
    if (state.definition?.kind !== 'metric') continue;
    const other = state.definition.metric.dimensions.find(
      (d) => d.name === 'InferenceComponentName' && d.value !== inferenceComponentName,
    );
    if (other) {
      warnings.push(
        `alarm ${state.alarmName} watches inference component ${other.value}, not ${inferenceComponentName}, so it cannot ` +
          `see this rollout's copies (fine if that is deliberate; to guard it set InferenceComponentName=${inferenceComponentName})`,
      );
    }
  }
  return warnings;
}

/** What starting an inference-component rollout decided: the rollout's spec, its "baseline", and the timeline's first notes. */
export interface InferenceComponentStart {
  spec: InferenceComponentRolloutSpec;
  /**
   * The component as a Baseline, so the record, the CLI and `undo` read it like any rollout's: the
   * hosting endpoint's config, the component's variant, the model serving, the copy count.
   */
  baseline: Baseline;
  notes: string[];
}

/**
 * Reads the component and its alarms, checks the plan against its real copy count, and drafts the
 * rollout (names from the rollout id): every refusal before anything is written.
 */
export async function startInferenceComponentRollout(
  ports: { endpoints: EndpointControl; components: InferenceComponentControl; alarms: AlarmControl },
  request: {
    endpointName: string;
    inferenceComponent: string;
    modelPackageArn: string;
    executionRoleArn: string;
    plan: Plan;
    alarms: readonly string[];
  },
  names: { rolloutId: string; candidateModelName: string; abortAlarmName: string },
): Promise<InferenceComponentStart> {
  const target = await readInferenceComponentTarget(ports, {
    endpointName: request.endpointName,
    inferenceComponentName: request.inferenceComponent,
    modelPackageArn: request.modelPackageArn,
  });
  const draft = draftInferenceComponentRollout(target, {
    rolloutId: names.rolloutId,
    modelPackageArn: request.modelPackageArn,
    executionRoleArn: request.executionRoleArn,
    plan: request.plan,
    alarms: request.alarms,
    candidateModelName: names.candidateModelName,
    abortAlarmName: names.abortAlarmName,
  });
  const warnings = await checkComponentAlarms(ports.alarms, request.alarms, target.inferenceComponentName);
  return {
    spec: draft.spec,
    baseline: {
      endpointConfigName: target.endpointConfigName,
      variantName: target.variantName,
      modelName: target.specification.modelName,
      instanceCount: target.copyCount,
      model: target.model,
    },
    notes: [
      `inference component ${target.inferenceComponentName}: SageMaker's rolling update replaces its ${target.copyCount} copies ` +
        `(${draft.batches} batches); no candidate alarms or judge (old and new copies serve under one component name), ` +
        `SageMaker rolls back on ${draft.spec.autoRollbackAlarms.join(', ')}`,
      ...draft.notes,
      ...warnings,
    ],
  };
}
