// Simulated SageMaker hosting: models, endpoint configs and endpoints with SageMaker's documented
// rules and timings (updates take minutes and refuse other updates meanwhile, weights apply after a
// short Updating phase, failed updates roll back silently), and deployment guardrails (UpdateEndpoint
// with a blue/green or rolling DeploymentConfig: traffic shifted in batches, baking periods watched by
// alarms, auto-rollback; the config rules are in guardrails.ts). The port over it lives in api-calls.ts.
import type {
  AlarmStateValue,
  CreateEndpointConfigRequest,
  CreateModelRequest,
  EndpointConfigState,
  EndpointState,
  EndpointStatus,
  ModelPackageState,
  PendingDeploymentState,
  ProductionVariantSpec,
  Tag,
  VariantWeight,
  VpcConfig,
  ModelState,
} from '../engine/ports';
import { hasLocalInstanceStorage } from '../engine/instance-types';
import { endpointInProgress, referencedNotFound, validationException } from './aws-errors';
import type { Arns } from './aws-names';
import { assertSageMakerName } from './aws-names';
import type { ScheduledTask, SimClock } from './clock';
import type { EndpointStateChangeDetail, EventBus } from './events';
import { eventEndpointStatus, eventTime } from './events';
import type { FaultPlan, UpdateFault } from './faults';
import type { DeploymentPlan, DeploymentConfigInput, GreenVariant } from './guardrails';
import { assertDeploymentConfigShape, planBlueGreen, planRolling } from './guardrails';
import type { ModelRegistry } from './model-registry';
import type { SeededRandom } from './random';
import type { ModelBehaviour, ServingChange, ServingVariant, SimTimings } from './types';
import { DEFAULT_BEHAVIOUR } from './types';

const EXECUTION_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const MAX_PRODUCTION_VARIANTS = 10;
const MAX_TAGS = 50;

/** What a test passes to start from an endpoint that already serves one model. */
export interface CreateEndpointInput {
  endpointName: string;
  /** The model package the serving model was created from; its behaviour is copied. */
  modelPackageArn?: string;
  /** The serving model's behaviour when no package is given (default: healthy). */
  behaviour?: ModelBehaviour;
  instanceType?: string;
  instanceCount?: number;
  /** Default AllTraffic, the name the SageMaker Python SDK gives a single variant. */
  variantName?: string;
  /** A serverless variant (ServerlessConfig): stepwise rollouts must refuse it. */
  serverless?: boolean;
  /** Config-level settings (DataCaptureConfig, AsyncInferenceConfig, ShadowProductionVariants, ...). */
  configExtra?: Record<string, unknown>;
  /** Other ProductionVariant settings of the serving variant, AWS's names (VolumeSizeInGB, RoutingConfig, ...). */
  variantExtra?: Record<string, unknown>;
  configTags?: Tag[];
  /** The serving model's own settings, as CreateModel took them. */
  model?: {
    vpcConfig?: VpcConfig;
    enableNetworkIsolation?: boolean;
    environment?: Record<string, string>;
    tags?: Tag[];
  };
}

export interface SimVariantView {
  variantName: string;
  modelName: string;
  instanceType?: string;
  currentWeight: number;
  desiredWeight: number;
  currentInstanceCount?: number;
  desiredInstanceCount?: number;
}

/** Everything about an endpoint, for tests (DescribeEndpoint plus the models behind the variants). */
export interface SimEndpointView {
  endpointName: string;
  endpointArn: string;
  status: EndpointStatus;
  endpointConfigName: string;
  /** The config an UpdateEndpoint is deploying (DescribeEndpoint's PendingDeploymentSummary). */
  pendingEndpointConfigName?: string;
  failureReason?: string;
  creationTime: number;
  lastModifiedTime: number;
  variants: SimVariantView[];
  /** A guardrails deployment in progress: its stage, the shift it is at, the green instances taking traffic. */
  deployment?: {
    routing: DeploymentPlan['routing'];
    stage: DeploymentStage;
    shift: number;
    active: Record<string, number>;
  };
  /** DescribeEndpoint's LastDeploymentConfig. */
  lastDeploymentConfig?: DeploymentConfigInput;
}

/**
 * Where a guardrails deployment is (VariantStatus, API reference ProductionVariantStatus): the green
 * fleet (rolling: the next batch) `creating`, traffic `activating` on a batch, `baking` after a shift,
 * the blue/green `terminationWait` bake before the blue fleet is terminated, `rollingBack` (the green
 * fleet terminating), or `rollbackFailed` (a rolling rollback failed: UpdateRollbackFailed).
 */
export type DeploymentStage =
  'creating' | 'activating' | 'baking' | 'terminationWait' | 'rollingBack' | 'rollbackFailed';

/** A guardrails deployment in progress, as saved with its endpoint. The target config is the endpoint's pendingConfig. */
export interface SimDeployment {
  config: DeploymentConfigInput;
  plan: DeploymentPlan;
  /** Each green variant's full instance count (a serverless variant counts as one unit). */
  fleet: Record<string, number>;
  startTime: number;
  stage: DeploymentStage;
  stageStart: number;
  /** The index of the shift in progress (plan.shifts). */
  shift: number;
  /** Green instances taking traffic, by variant. */
  active: Record<string, number>;
  /** The update fault drawn when the deployment started (the green fleet fails its health check). */
  fault?: UpdateFault;
  /** Set once the deployment rolls back: the FailureReason the endpoint will show. */
  rollbackReason?: string;
}

/** A model as saved with the simulated cloud. */
export interface SimModel {
  name: string;
  modelPackageArn?: string;
  executionRoleArn?: string;
  vpcConfig?: VpcConfig;
  enableNetworkIsolation?: boolean;
  /** The Environment CreateModel set on the container. */
  environment?: Record<string, string>;
  behaviour: ModelBehaviour;
  tags: Tag[];
  /** Eventual consistency (fault notYetVisible): referencing calls that still fail to find it. */
  invisibleCalls?: number;
}

/** An endpoint config as SageMaker stores it (and as saved with the simulated cloud). */
export interface SimEndpointConfig {
  name: string;
  variants: ProductionVariantSpec[];
  extra?: Record<string, unknown>;
  tags: Tag[];
  /** Eventual consistency (fault notYetVisible): referencing calls that still fail to find it. */
  invisibleCalls?: number;
}

/** An ML capacity reservation: it holds instances of one type ("ProductionVariantCapacityReservationConfig"). */
export interface SimCapacityReservation {
  arn: string;
  instanceType: string;
}

export interface SimVariant {
  variantName: string;
  modelName: string;
  instanceType?: string;
  currentWeight: number;
  desiredWeight: number;
  currentInstanceCount?: number;
  desiredInstanceCount?: number;
}

interface SimEndpoint {
  name: string;
  arn: string;
  status: EndpointStatus;
  configName: string;
  /** The config an UpdateEndpoint is deploying, as read when the update started. */
  pendingConfig?: SimEndpointConfig;
  /** RetainAllVariantProperties of the update in progress: the live counts and weights it keeps. */
  pendingRetained?: RetainedVariant[];
  failureReason?: string;
  variants: SimVariant[];
  creationTime: number;
  lastModifiedTime: number;
  /** The completion of the update in progress, cancelled if the endpoint disappears. */
  pendingWork?: PendingWork;
  deployment?: SimDeployment;
  lastDeploymentConfig?: DeploymentConfigInput;
}

/** An update in progress: which completion runs, and the fault (if any) it already drew. */
interface PendingWork {
  task: ScheduledTask;
  kind: PendingUpdateState['kind'];
  fault?: UpdateFault;
}

/**
 * The completion of an update in progress as data. finishUpdateEndpoint applies the endpoint's
 * `pendingConfig` (or, with `fault`, fails / rolls back silently); finishUpdateWeights makes the
 * variants' desired weights current; finishDeleteEndpoint removes a Deleting endpoint; advanceDeployment
 * ends the current stage of the endpoint's guardrails deployment.
 */
export interface PendingUpdateState {
  kind: 'finishUpdateEndpoint' | 'finishUpdateWeights' | 'finishDeleteEndpoint' | 'advanceDeployment';
  endpointName: string;
  /** Epoch ms the update completes. */
  at: number;
  fault?: UpdateFault;
}

/** An endpoint as saved with the simulated cloud (its pending update is saved separately, see PendingUpdateState). */
export interface SimEndpointState {
  name: string;
  arn: string;
  status: EndpointStatus;
  configName: string;
  pendingConfig?: SimEndpointConfig;
  pendingRetained?: RetainedVariant[];
  failureReason?: string;
  variants: SimVariant[];
  creationTime: number;
  lastModifiedTime: number;
  /** Absent in states saved before guardrails were simulated. */
  deployment?: SimDeployment;
  lastDeploymentConfig?: DeploymentConfigInput;
}

/** A variant's live DesiredInstanceCount and weight, as UpdateEndpoint's RetainAllVariantProperties keeps them. */
export interface RetainedVariant {
  variantName: string;
  desiredInstanceCount?: number;
  weight?: number;
}

/**
 * UpdateEndpoint's options. `excludeRetainedVariantProperties` (ExcludeRetainedVariantProperties) is
 * not on the engine's port yet; the sim takes it so the port can gain it without a sim change.
 */
export interface UpdateEndpointOptions {
  retainAllVariantProperties?: boolean;
  excludeRetainedVariantProperties?: ReadonlyArray<'DesiredInstanceCount' | 'DesiredWeight'>;
  /** DeploymentConfig (guardrails), in the request's shape. */
  deploymentConfig?: DeploymentConfigInput;
}

/** What SageMaker reads of CloudWatch during a deployment's baking periods (DescribeAlarms). */
export interface AlarmStateReader {
  alarmStateOf(alarmName: string): AlarmStateValue | undefined;
}

/** What SageMaker asks Application Auto Scaling (wired by the cloud once both exist). */
export interface ScalingRegistry {
  registeredVariants(endpointName: string): string[];
  endpointDeleted(endpointName: string): void;
}

/** SageMaker's saved state; `serving` keeps only what traffic still needs (from `servingFrom` on). */
export interface SimSageMakerState {
  models: SimModel[];
  retiredBehaviours: Array<{ modelName: string; behaviour: ModelBehaviour }>;
  endpointConfigs: SimEndpointConfig[];
  endpoints: SimEndpointState[];
  serving: ServingChange[];
  /** Absent in states saved before reservations were simulated. */
  capacityReservations?: SimCapacityReservation[];
}

export interface SimSageMakerDeps {
  arns: Arns;
  clock: SimClock;
  bus: EventBus;
  registry: ModelRegistry;
  faults: FaultPlan;
  timings: SimTimings;
  /** Draws the ±jitter of each update's duration. */
  jitter: SeededRandom;
}

/** A stretch of time during which an endpoint's traffic went to the same variants and weights. */
export interface ServingSegment {
  from: number;
  to: number;
  /** The endpoint config serving (its MetricsConfig sets how often the variants' metrics are published). */
  configName: string;
  variants: ServingVariant[];
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * SageMaker knows a serverless variant by its ServerlessConfig (carried in `extra` under AWS's name),
 * not by a flag: a spec that says serverless without one is an instance variant missing its type.
 */
function isServerless(spec: ProductionVariantSpec): boolean {
  return spec.extra?.['ServerlessConfig'] !== undefined;
}

/** A variant as SageMaker stores it: AWS's fields only (the `serverless` flag is derived on describe). */
function storedVariant(spec: ProductionVariantSpec): ProductionVariantSpec {
  const { serverless: _derived, ...stored } = clone(spec);
  return stored;
}

function variantsFromConfig(config: SimEndpointConfig): SimVariant[] {
  return config.variants.map((spec) => ({
    variantName: spec.variantName,
    modelName: spec.modelName,
    ...(spec.instanceType === undefined ? {} : { instanceType: spec.instanceType }),
    currentWeight: spec.initialVariantWeight,
    desiredWeight: spec.initialVariantWeight,
    ...(isServerless(spec)
      ? {}
      : {
          currentInstanceCount: spec.initialInstanceCount ?? 1,
          desiredInstanceCount: spec.initialInstanceCount ?? 1,
        }),
  }));
}

export class SimSageMaker {
  readonly servingHistory: ServingChange[] = [];
  readonly violations: string[] = [];
  private readonly models = new Map<string, SimModel>();
  /** Behaviour of deleted models: an endpoint still running one keeps answering with it. */
  private readonly retiredBehaviours = new Map<string, ModelBehaviour>();
  private readonly configs = new Map<string, SimEndpointConfig>();
  private readonly endpoints = new Map<string, SimEndpoint>();
  private readonly servingByEndpoint = new Map<string, ServingChange[]>();
  private readonly reservations = new Map<string, SimCapacityReservation>();
  private scaling: ScalingRegistry | undefined;
  private alarms: AlarmStateReader | undefined;

  constructor(private readonly deps: SimSageMakerDeps) {}

  /** Connects CloudWatch: a guardrails deployment watches its AutoRollbackConfiguration alarms there. */
  attachAlarms(alarms: AlarmStateReader): void {
    this.alarms = alarms;
  }

  /** Connects Application Auto Scaling: its targets restrict UpdateEndpoint, DeleteEndpoint deregisters them. */
  attachScaling(scaling: ScalingRegistry): void {
    this.scaling = scaling;
  }

  // --- setting the scene (not port calls) ---

  /** An endpoint that is InService with one variant at weight 1, its model and config created for it. */
  createEndpoint(input: CreateEndpointInput): string {
    const { arns, registry, clock } = this.deps;
    assertSageMakerName(input.endpointName, 'endpointName');
    if (this.endpoints.has(input.endpointName)) {
      throw validationException(
        `Cannot create already existing endpoint "${arns.endpoint(input.endpointName)}".`,
      );
    }
    const modelName = `${input.endpointName}-model-0`;
    const configName = `${input.endpointName}-config-0`;
    const variantName = input.variantName ?? 'AllTraffic';
    assertSageMakerName(modelName, 'modelName');
    assertSageMakerName(configName, 'endpointConfigName');
    assertSageMakerName(variantName, 'variantName');
    if (this.models.has(modelName))
      throw new Error(`model ${modelName} already exists in the simulated cloud`);
    if (this.configs.has(configName))
      throw new Error(`endpoint config ${configName} already exists in the simulated cloud`);

    let behaviour = input.behaviour ?? DEFAULT_BEHAVIOUR;
    if (input.modelPackageArn !== undefined) {
      const fromPackage = registry.behaviourOf(input.modelPackageArn);
      if (fromPackage === undefined)
        throw new Error(`no model package ${input.modelPackageArn} is registered`);
      behaviour = fromPackage;
    }
    // The scene may hold tags AWS itself set (aws:cloudformation:*, ...), which a user call may not.
    assertTags(input.model?.tags ?? [], 'aws-set allowed');
    assertTags(input.configTags ?? [], 'aws-set allowed');
    this.models.set(modelName, {
      name: modelName,
      ...(input.modelPackageArn === undefined ? {} : { modelPackageArn: input.modelPackageArn }),
      ...(input.model?.vpcConfig === undefined ? {} : { vpcConfig: clone(input.model.vpcConfig) }),
      ...(input.model?.enableNetworkIsolation === undefined
        ? {}
        : { enableNetworkIsolation: input.model.enableNetworkIsolation }),
      ...(input.model?.environment === undefined ? {} : { environment: clone(input.model.environment) }),
      behaviour: { ...behaviour },
      tags: clone(input.model?.tags ?? []),
    });
    const spec: ProductionVariantSpec = input.serverless
      ? {
          variantName,
          modelName,
          initialVariantWeight: 1,
          serverless: true,
          extra: { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 20 } },
        }
      : {
          variantName,
          modelName,
          instanceType: input.instanceType ?? 'ml.m5.large',
          initialInstanceCount: input.instanceCount ?? 1,
          initialVariantWeight: 1,
          ...(input.variantExtra === undefined ? {} : { extra: clone(input.variantExtra) }),
        };
    const config: SimEndpointConfig = {
      name: configName,
      variants: [storedVariant(spec)],
      ...(input.configExtra === undefined ? {} : { extra: clone(input.configExtra) }),
      tags: clone(input.configTags ?? []),
    };
    // The scene goes through the same rules as CreateEndpointConfig (KMS and local storage, reservations).
    this.assertConfigRules(config.variants, config.extra);
    this.configs.set(configName, config);

    const now = clock.now();
    const endpoint: SimEndpoint = {
      name: input.endpointName,
      arn: arns.endpoint(input.endpointName),
      status: 'InService',
      configName,
      variants: variantsFromConfig(config),
      creationTime: now,
      lastModifiedTime: now,
    };
    this.endpoints.set(endpoint.name, endpoint);
    this.recordServing(endpoint);
    this.emitStateChange(endpoint);
    return endpoint.arn;
  }

  // --- the port's operations (synchronous; errors are thrown as the adapter would) ---

  describeEndpoint(endpointName: string): EndpointState | undefined {
    assertSageMakerName(endpointName, 'endpointName');
    const endpoint = this.endpoints.get(endpointName);
    if (endpoint === undefined) return undefined;
    return {
      endpointName: endpoint.name,
      status: endpoint.status,
      endpointConfigName: endpoint.configName,
      ...(endpoint.failureReason === undefined ? {} : { failureReason: endpoint.failureReason }),
      variants: endpoint.variants.map((v) => ({
        variantName: v.variantName,
        currentWeight: v.currentWeight,
        desiredWeight: v.desiredWeight,
        ...(v.currentInstanceCount === undefined
          ? {}
          : { currentInstanceCount: v.currentInstanceCount, desiredInstanceCount: v.desiredInstanceCount }),
      })),
      ...(endpoint.deployment === undefined ? {} : { pendingDeployment: this.pendingDeploymentOf(endpoint) }),
    };
  }

  /** DescribeEndpoint's LastDeploymentConfig: "The most recent deployment configuration for the endpoint." */
  lastDeploymentConfigOf(endpointName: string): DeploymentConfigInput | undefined {
    return clone(this.endpoints.get(endpointName)?.lastDeploymentConfig);
  }

  describeEndpointConfig(endpointConfigName: string): EndpointConfigState | undefined {
    assertSageMakerName(endpointConfigName, 'endpointConfigName');
    const config = this.configs.get(endpointConfigName);
    if (config === undefined) return undefined;
    const shadow = config.extra?.['ShadowProductionVariants'];
    return {
      endpointConfigName: config.name,
      endpointConfigArn: this.deps.arns.endpointConfig(config.name),
      variants: config.variants.map((spec) => ({ ...clone(spec), serverless: isServerless(spec) })),
      hasShadowVariants: Array.isArray(shadow) && shadow.length > 0,
      hasAsyncInference: config.extra?.['AsyncInferenceConfig'] !== undefined,
      ...(config.extra === undefined ? {} : { extra: clone(config.extra) }),
    };
  }

  describeModelPackage(modelPackageArn: string): ModelPackageState | undefined {
    return this.deps.registry.describe(modelPackageArn);
  }

  describeModel(modelName: string): ModelState | undefined {
    assertSageMakerName(modelName, 'modelName');
    const model = this.models.get(modelName);
    if (!model) return undefined;
    // DescribeModel returns the container definitions as CreateModel received them.
    return {
      modelName,
      modelArn: this.deps.arns.model(modelName),
      ...(model.modelPackageArn ? { modelPackageArn: model.modelPackageArn } : {}),
      ...(model.vpcConfig === undefined ? {} : { vpcConfig: clone(model.vpcConfig) }),
      ...(model.enableNetworkIsolation === undefined
        ? {}
        : { enableNetworkIsolation: model.enableNetworkIsolation }),
      containerCount: 1,
      ...(model.environment === undefined ? {} : { environment: clone(model.environment) }),
    };
  }

  /** An ML capacity reservation (scene setting: reservations are bought, not created by API). */
  createCapacityReservation(name: string, instanceType: string): string {
    const arn = `arn:aws:sagemaker:${this.deps.arns.region}:${this.deps.arns.accountId}:ml-reservation/${name.toLowerCase()}`;
    this.reservations.set(arn, { arn, instanceType });
    return arn;
  }

  /** ListTags: the tags of a model or endpoint config, by ARN. */
  listTags(resourceArn: string): Tag[] {
    const { arns } = this.deps;
    for (const model of this.models.values()) {
      if (arns.model(model.name) === resourceArn) return clone(model.tags);
    }
    for (const config of this.configs.values()) {
      if (arns.endpointConfig(config.name) === resourceArn) return clone(config.tags);
    }
    throw validationException(`Could not find resource "${resourceArn}".`);
  }

  createModel(request: CreateModelRequest): 'created' | 'exists' {
    assertSageMakerName(request.modelName, 'modelName');
    if (!EXECUTION_ROLE_ARN.test(request.executionRoleArn)) {
      throw validationException(
        `1 validation error detected: Value '${request.executionRoleArn}' at 'executionRoleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$`,
      );
    }
    assertTags(request.tags);
    if (request.vpcConfig !== undefined) assertVpcConfig(request.vpcConfig);
    // CreateModel answers "Cannot create already existing model"; the port reports that as 'exists'.
    if (this.models.has(request.modelName)) return 'exists';
    const behaviour = this.deps.registry.behaviourOf(request.modelPackageArn);
    if (behaviour === undefined) {
      throw validationException(`ModelPackage ${request.modelPackageArn} does not exist.`);
    }
    // An Environment on the model and one on its package are both accepted: SageMaker refused that until
    // early 2023 ("Environment variable map cannot be specified both at Model Package and Model") and
    // supports it since ("Now service is supporting the same", aws/sagemaker-python-sdk#3581).
    const invisibleCalls = this.deps.faults.takeVisibilityDelay('model');
    this.models.set(request.modelName, {
      name: request.modelName,
      modelPackageArn: request.modelPackageArn,
      executionRoleArn: request.executionRoleArn,
      ...(request.vpcConfig === undefined ? {} : { vpcConfig: clone(request.vpcConfig) }),
      ...(request.enableNetworkIsolation === undefined
        ? {}
        : { enableNetworkIsolation: request.enableNetworkIsolation }),
      ...(request.environment === undefined ? {} : { environment: clone(request.environment) }),
      behaviour,
      tags: clone(request.tags),
      ...(invisibleCalls > 0 ? { invisibleCalls } : {}),
    });
    this.retiredBehaviours.delete(request.modelName);
    return 'created';
  }

  createEndpointConfig(request: CreateEndpointConfigRequest): 'created' | 'exists' {
    const { arns } = this.deps;
    assertSageMakerName(request.endpointConfigName, 'endpointConfigName');
    assertTags(request.tags);
    if (request.variants.length < 1 || request.variants.length > MAX_PRODUCTION_VARIANTS) {
      throw validationException(
        `1 validation error detected: Value '[...]' at 'productionVariants' failed to satisfy constraint: Member must have length ${
          request.variants.length < 1
            ? 'greater than or equal to 1'
            : `less than or equal to ${MAX_PRODUCTION_VARIANTS}`
        }`,
      );
    }
    const seen = new Set<string>();
    request.variants.forEach((variant, index) => {
      const field = `productionVariants.${index + 1}.member`;
      assertSageMakerName(variant.variantName, `${field}.variantName`);
      assertSageMakerName(variant.modelName, `${field}.modelName`);
      if (seen.has(variant.variantName)) {
        throw validationException(
          `Duplicate VariantName "${variant.variantName}" in the endpoint configuration.`,
        );
      }
      seen.add(variant.variantName);
      if (!Number.isFinite(variant.initialVariantWeight) || variant.initialVariantWeight < 0) {
        throw validationException(
          `1 validation error detected: Value '${variant.initialVariantWeight}' at '${field}.initialVariantWeight' failed to satisfy constraint: Member must have value greater than or equal to 0`,
        );
      }
      if (!isServerless(variant)) {
        if (variant.instanceType === undefined) {
          throw validationException(
            `Either InstanceType or ServerlessConfig must be specified for production variant "${variant.variantName}".`,
          );
        }
        if (
          variant.initialInstanceCount !== undefined &&
          (!Number.isInteger(variant.initialInstanceCount) || variant.initialInstanceCount < 1)
        ) {
          throw validationException(
            `1 validation error detected: Value '${variant.initialInstanceCount}' at '${field}.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1`,
          );
        }
      }
    });
    // "Cannot create already existing endpoint configuration": 'exists' for the port.
    if (this.configs.has(request.endpointConfigName)) return 'exists';
    for (const variant of request.variants) {
      const model = this.models.get(variant.modelName);
      if (model === undefined || this.stillInvisible(model)) {
        throw referencedNotFound(`Could not find model "${arns.model(variant.modelName)}".`);
      }
    }
    this.assertConfigRules(request.variants, request.extra);
    this.recordNetworkMix(request.endpointConfigName, request.variants);
    const invisibleCalls = this.deps.faults.takeVisibilityDelay('endpointConfig');
    this.configs.set(request.endpointConfigName, {
      name: request.endpointConfigName,
      variants: request.variants.map(storedVariant),
      ...(request.extra === undefined ? {} : { extra: clone(request.extra) }),
      tags: clone(request.tags),
      ...(invisibleCalls > 0 ? { invisibleCalls } : {}),
    });
    return 'created';
  }

  updateEndpoint(
    endpointName: string,
    endpointConfigName: string,
    options: UpdateEndpointOptions = {},
  ): void {
    const { arns, clock, faults, timings } = this.deps;
    assertSageMakerName(endpointName, 'endpointName');
    assertSageMakerName(endpointConfigName, 'endpointConfigName');
    const endpoint = this.requireEndpoint(endpointName);
    assertUpdatable(endpoint);
    for (const [index, property] of (options.excludeRetainedVariantProperties ?? []).entries()) {
      // VariantPropertyType: DesiredInstanceCount, DesiredWeight, DataCaptureConfig "(Not currently supported.)".
      if (property !== 'DesiredInstanceCount' && property !== 'DesiredWeight') {
        throw validationException(
          `1 validation error detected: Value '${String(property)}' at 'excludeRetainedVariantProperties.${index + 1}.member.variantPropertyType' failed to satisfy constraint: Member must satisfy enum value set: [DesiredInstanceCount, DesiredWeight]`,
        );
      }
    }
    const config = this.configs.get(endpointConfigName);
    if (config === undefined || this.stillInvisible(config)) {
      throw referencedNotFound(
        `Could not find endpoint configuration "${arns.endpointConfig(endpointConfigName)}".`,
      );
    }
    for (const variant of config.variants) {
      if (!this.models.has(variant.modelName)) {
        throw validationException(`Could not find model "${arns.model(variant.modelName)}".`);
      }
    }
    this.assertScalingAllows(endpoint, config);
    // RetainAllVariantProperties: "production variants with the same name will be updated with the most
    // recent DesiredInstanceCount from the response of DescribeEndpoint, regardless of the values of the
    // InitialInstanceCount field in the new EndpointConfig" ("Update endpoints that use auto scaling",
    // step 6); "such as the instance count or the variant weight" (UpdateEndpoint API reference,
    // RetainAllVariantProperties), except those ExcludeRetainedVariantProperties names, which the new
    // config's InitialInstanceCount / InitialVariantWeight set.
    let retained: RetainedVariant[] | undefined;
    if (options.retainAllVariantProperties === true) {
      const excluded = new Set(options.excludeRetainedVariantProperties ?? []);
      retained = endpoint.variants.map((v) => ({
        variantName: v.variantName,
        ...(v.desiredInstanceCount === undefined || excluded.has('DesiredInstanceCount')
          ? {}
          : { desiredInstanceCount: v.desiredInstanceCount }),
        ...(excluded.has('DesiredWeight') ? {} : { weight: v.desiredWeight }),
      }));
    }
    const deploymentConfig = options.deploymentConfig;
    // Everything is checked before anything changes: a refused DeploymentConfig leaves the endpoint as it was.
    const plan =
      deploymentConfig === undefined
        ? undefined
        : this.guardrailsPlan(endpoint, config, deploymentConfig, retained);
    // The config is read now: deleting it during the update (a violation) does not stop the deployment.
    const target = clone(config);
    const fault = faults.takeUpdateFault(endpointName);
    endpoint.status = 'Updating';
    endpoint.pendingConfig = target;
    if (retained === undefined) delete endpoint.pendingRetained;
    else endpoint.pendingRetained = retained;
    delete endpoint.failureReason;
    if (deploymentConfig !== undefined) endpoint.lastDeploymentConfig = clone(deploymentConfig);
    const now = clock.now();
    endpoint.lastModifiedTime = now;
    if (plan !== undefined) {
      const fleet = Object.fromEntries(
        variantsAfterUpdate(target, retained).map((v) => [v.variantName, v.desiredInstanceCount ?? 1]),
      );
      endpoint.deployment = {
        config: clone(deploymentConfig as DeploymentConfigInput),
        plan,
        fleet,
        startTime: now,
        stage: 'creating',
        stageStart: now,
        shift: 0,
        active: Object.fromEntries(Object.keys(fleet).map((name) => [name, 0])),
        ...(fault === undefined ? {} : { fault }),
      };
      this.emitStateChange(endpoint);
      // Provisioning the green fleet takes what any UpdateEndpoint's new fleet takes.
      this.scheduleDeploymentStage(endpoint, this.jittered(timings.updateEndpointMs));
      this.emitDeploymentStateChange(endpoint);
      return;
    }
    endpoint.pendingWork = {
      task: clock.schedule(now + this.jittered(timings.updateEndpointMs), () =>
        this.finishUpdateEndpoint(endpoint, target, fault),
      ),
      kind: 'finishUpdateEndpoint',
      ...(fault === undefined ? {} : { fault }),
    };
    this.emitStateChange(endpoint);
  }

  /**
   * The blue/green plan of an UpdateEndpoint with a DeploymentConfig, or undefined when the endpoint falls
   * back to a plain update; throws ValidationException for a config the API or the guide refuses.
   */
  private guardrailsPlan(
    endpoint: SimEndpoint,
    config: SimEndpointConfig,
    deploymentConfig: DeploymentConfigInput,
    retained: RetainedVariant[] | undefined,
  ): DeploymentPlan | undefined {
    assertDeploymentConfigShape(deploymentConfig);
    // DeploymentConfig: "Only one update policy should be used in the deployment configuration."
    if (
      deploymentConfig.BlueGreenUpdatePolicy !== undefined &&
      deploymentConfig.RollingUpdatePolicy !== undefined
    ) {
      throw validationException(
        'DeploymentConfig can specify only one update policy: BlueGreenUpdatePolicy or RollingUpdatePolicy, not both.',
      );
    }
    // Exclusions ("Exclusions", deployment guardrails): "When doing a blue/green or rolling deployment,
    // your new endpoint configuration must have the same variant name as the old endpoint configuration."
    const oldNames = endpoint.variants.map((v) => v.variantName).sort();
    const newNames = config.variants.map((v) => v.variantName).sort();
    if (JSON.stringify(oldNames) !== JSON.stringify(newNames)) {
      throw validationException(
        `A deployment with a DeploymentConfig needs the new endpoint configuration to have the same variant names as the endpoint's current one: [${oldNames.join(', ')}], got [${newNames.join(', ')}].`,
      );
    }
    // "If your endpoint uses any of the following features, you cannot use deployment guardrails on your
    // endpoint, and your endpoint will fall back to using a blue/green deployment with all at once traffic
    // shifting and no final baking period: ... Endpoints that use Inf1 (Inferentia-based) instances"
    // (Exclusions). Marketplace containers, the other exclusion, are not modelled.
    const inf1 = (type: string | undefined) => type?.startsWith('ml.inf1.') ?? false;
    if (
      endpoint.variants.some((v) => inf1(v.instanceType)) ||
      config.variants.some((v) => inf1(v.instanceType))
    ) {
      return undefined;
    }
    const green: GreenVariant[] = variantsAfterUpdate(config, retained).map((v) => ({
      variantName: v.variantName,
      instanceCount: v.desiredInstanceCount,
    }));
    return deploymentConfig.RollingUpdatePolicy === undefined
      ? planBlueGreen(deploymentConfig, green)
      : planRolling(deploymentConfig, green);
  }

  updateWeights(endpointName: string, weights: readonly VariantWeight[]): void {
    const { clock, timings } = this.deps;
    assertSageMakerName(endpointName, 'endpointName');
    const endpoint = this.requireEndpoint(endpointName);
    assertUpdatable(endpoint);
    if (weights.length < 1) {
      throw validationException(
        `1 validation error detected: Value '[]' at 'desiredWeightsAndCapacities' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      );
    }
    const requested = new Map<string, number>();
    weights.forEach((w, index) => {
      assertSageMakerName(w.variantName, `desiredWeightsAndCapacities.${index + 1}.member.variantName`);
      if (!Number.isFinite(w.weight) || w.weight < 0) {
        throw validationException(
          `1 validation error detected: Value '${w.weight}' at 'desiredWeightsAndCapacities.${index + 1}.member.desiredWeight' failed to satisfy constraint: Member must have value greater than or equal to 0`,
        );
      }
      if (requested.has(w.variantName)) {
        throw validationException(
          `The variant name "${w.variantName}" appears more than once in the request.`,
        );
      }
      requested.set(w.variantName, w.weight);
    });
    const unknown = [...requested.keys()].filter(
      (name) => !endpoint.variants.some((v) => v.variantName === name),
    );
    if (unknown.length > 0) {
      throw validationException(
        `The variant(s) "[${unknown.join(', ')}]" is/are not present in the endpoint "${endpoint.arn}".`,
      );
    }
    const total = endpoint.variants.reduce(
      (sum, v) => sum + (requested.get(v.variantName) ?? v.currentWeight),
      0,
    );
    if (total <= 0) {
      throw validationException(
        `The sum of the desired weights of the variants of endpoint "${endpoint.arn}" must be greater than 0.`,
      );
    }
    // DescribeEndpoint shows the new weights as DesiredWeight while Updating; CurrentWeight (and the
    // traffic split) change only when the update completes.
    for (const variant of endpoint.variants) {
      const weight = requested.get(variant.variantName);
      if (weight !== undefined) variant.desiredWeight = weight;
      // DesiredInstanceCount (UpdateEndpointWeightsAndCapacities API reference): the count when the
      // update completes; an instance variant only.
      const count = weights.find((w) => w.variantName === variant.variantName)?.desiredInstanceCount;
      if (count !== undefined) {
        if (variant.desiredInstanceCount === undefined || !Number.isInteger(count) || count < 0) {
          throw validationException(
            `1 validation error detected: Value '${count}' at 'desiredWeightsAndCapacities.member.desiredInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 0`,
          );
        }
        variant.desiredInstanceCount = count;
      }
    }
    endpoint.status = 'Updating';
    endpoint.lastModifiedTime = clock.now();
    endpoint.pendingWork = {
      task: clock.schedule(clock.now() + this.jittered(timings.updateWeightsMs), () =>
        this.finishUpdateWeights(endpoint),
      ),
      kind: 'finishUpdateWeights',
    };
    this.emitStateChange(endpoint);
  }

  /**
   * UpdateEndpointWeightsAndCapacities with a DesiredInstanceCount on one variant: what Application
   * Auto Scaling calls for a scaling activity. Like a weight change, the endpoint is Updating until it
   * completes ("Update endpoints that use auto scaling": scaling is blocked during updates, and an
   * update is refused while one runs), then CurrentInstanceCount becomes the desired count.
   */
  setDesiredInstanceCount(endpointName: string, variantName: string, count: number): void {
    const { clock, timings } = this.deps;
    const endpoint = this.requireEndpoint(endpointName);
    assertUpdatable(endpoint);
    const variant = endpoint.variants.find((v) => v.variantName === variantName);
    if (variant === undefined) {
      throw validationException(
        `The variant(s) "[${variantName}]" is/are not present in the endpoint "${endpoint.arn}".`,
      );
    }
    if (variant.desiredInstanceCount === undefined || !Number.isInteger(count) || count < 0) {
      throw validationException(
        `1 validation error detected: Value '${count}' at 'desiredWeightsAndCapacities.1.member.desiredInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 0`,
      );
    }
    variant.desiredInstanceCount = count;
    endpoint.status = 'Updating';
    endpoint.lastModifiedTime = clock.now();
    endpoint.pendingWork = {
      task: clock.schedule(clock.now() + this.jittered(timings.updateWeightsMs), () =>
        this.finishUpdateWeights(endpoint),
      ),
      kind: 'finishUpdateWeights',
    };
    this.emitStateChange(endpoint);
  }

  deleteEndpointConfig(endpointConfigName: string): 'deleted' | 'absent' {
    assertSageMakerName(endpointConfigName, 'endpointConfigName');
    if (!this.configs.has(endpointConfigName)) return 'absent';
    // SageMaker allows this; its docs say "you must not" (the endpoint can no longer be described
    // or rolled back to it), so it is recorded as a controller bug.
    // "You must not delete an EndpointConfig in use by an endpoint that is live or while the
    // UpdateEndpoint or CreateEndpoint operations are being performed on the endpoint" (API
    // reference, DeleteEndpointConfig): an endpoint being deleted is neither.
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.status === 'Deleting') continue;
      if (endpoint.configName === endpointConfigName) {
        this.violation(
          `DeleteEndpointConfig "${endpointConfigName}": endpoint "${endpoint.name}" is using it`,
        );
      }
      if (endpoint.pendingConfig?.name === endpointConfigName) {
        this.violation(
          `DeleteEndpointConfig "${endpointConfigName}": endpoint "${endpoint.name}" is updating to it`,
        );
      }
    }
    this.configs.delete(endpointConfigName);
    return 'deleted';
  }

  deleteModel(modelName: string): 'deleted' | 'absent' {
    assertSageMakerName(modelName, 'modelName');
    const model = this.models.get(modelName);
    if (model === undefined) return 'absent';
    const usesModel = (config: SimEndpointConfig | undefined) =>
      config?.variants.some((v) => v.modelName === modelName) ?? false;
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.status === 'Deleting') continue;
      if (
        endpoint.variants.some((v) => v.modelName === modelName) ||
        usesModel(this.configs.get(endpoint.configName))
      ) {
        this.violation(`DeleteModel "${modelName}": endpoint "${endpoint.name}" is using it`);
      }
      if (usesModel(endpoint.pendingConfig)) {
        this.violation(
          `DeleteModel "${modelName}": endpoint "${endpoint.name}" is updating to a config that uses it`,
        );
      }
    }
    this.models.delete(modelName);
    this.retiredBehaviours.set(modelName, model.behaviour);
    return 'deleted';
  }

  /**
   * DeleteEndpoint, as a person or a stack calls it behind the controller's back (the controller
   * never deletes an endpoint, so this is not a port call). SageMaker "frees up all of the resources
   * that were deployed" and deletes them asynchronously (API reference, DeleteEndpoint): the endpoint
   * is Deleting — still described, serving nothing, refusing updates — for a few minutes, then gone
   * ("Could not find endpoint"). An update in progress is abandoned. The change to Deleting is a
   * `SageMaker Endpoint State Change` event ("Events that Amazon SageMaker AI sends to Amazon
   * EventBridge": endpoint state change); AWS documents no event for the endpoint being gone, so
   * none is sent then. Configs and models stay: DeleteEndpoint deletes neither.
   */
  deleteEndpoint(endpointName: string): void {
    const endpoint = this.requireEndpoint(endpointName);
    if (endpoint.status === 'Deleting') return;
    const { clock } = this.deps;
    endpoint.pendingWork?.task.cancel();
    delete endpoint.pendingConfig;
    delete endpoint.pendingRetained;
    delete endpoint.deployment;
    this.scaling?.endpointDeleted(endpointName);
    endpoint.status = 'Deleting';
    endpoint.lastModifiedTime = clock.now();
    this.appendServing({ at: clock.now(), endpointName, configName: endpoint.configName, variants: [] });
    endpoint.pendingWork = {
      task: clock.schedule(clock.now() + this.jittered(this.deps.timings.deleteEndpointMs), () =>
        this.finishDeleteEndpoint(endpoint),
      ),
      kind: 'finishDeleteEndpoint',
    };
    this.emitStateChange(endpoint);
  }

  // --- faults and behaviour ---

  /** The endpoint disappears now: the update in progress is abandoned and traffic stops. */
  deleteEndpointNow(endpointName: string): void {
    const endpoint = this.endpoints.get(endpointName);
    if (endpoint === undefined) throw new Error(`no endpoint ${endpointName} in the simulated cloud`);
    endpoint.pendingWork?.task.cancel();
    delete endpoint.pendingWork;
    delete endpoint.pendingConfig;
    delete endpoint.pendingRetained;
    delete endpoint.deployment;
    this.scaling?.endpointDeleted(endpointName);
    endpoint.status = 'Deleting';
    endpoint.lastModifiedTime = this.deps.clock.now();
    this.endpoints.delete(endpointName);
    this.appendServing({
      at: this.deps.clock.now(),
      endpointName,
      configName: endpoint.configName,
      variants: [],
    });
    this.emitStateChange(endpoint);
  }

  /** Changes one model's behaviour; false when no such model exists (or existed). */
  setModelBehaviour(modelName: string, behaviour: ModelBehaviour): boolean {
    const model = this.models.get(modelName);
    if (model !== undefined) {
      model.behaviour = { ...behaviour };
      return true;
    }
    if (this.retiredBehaviours.has(modelName)) {
      this.retiredBehaviours.set(modelName, { ...behaviour });
      return true;
    }
    return false;
  }

  /** Changes the behaviour of every model created from the package; returns how many there were. */
  setBehaviourOfModelsFrom(modelPackageArn: string, behaviour: ModelBehaviour): number {
    let count = 0;
    for (const model of this.models.values()) {
      if (model.modelPackageArn?.toLowerCase() === modelPackageArn.toLowerCase()) {
        model.behaviour = { ...behaviour };
        count++;
      }
    }
    return count;
  }

  /** The variant's CurrentInstanceCount now (undefined for a serverless or vanished variant). */
  instanceCountOf(endpointName: string, variantName: string): number | undefined {
    const endpoint = this.endpoints.get(endpointName);
    const count = endpoint?.variants.find((v) => v.variantName === variantName)?.currentInstanceCount;
    const deployment = endpoint?.deployment;
    if (endpoint === undefined || count === undefined || deployment === undefined) return count;
    // During a blue/green shift: the green instances taking traffic and the blue share still serving.
    const share = this.greenShareOf(endpoint, variantName);
    return (deployment.active[variantName] ?? 0) + Math.round(count * (1 - share));
  }

  behaviourOf(modelName: string): ModelBehaviour {
    return (
      this.models.get(modelName)?.behaviour ?? this.retiredBehaviours.get(modelName) ?? DEFAULT_BEHAVIOUR
    );
  }

  // --- observation ---

  endpointView(endpointName: string): SimEndpointView | undefined {
    const endpoint = this.endpoints.get(endpointName);
    if (endpoint === undefined) return undefined;
    return clone({
      endpointName: endpoint.name,
      endpointArn: endpoint.arn,
      status: endpoint.status,
      endpointConfigName: endpoint.configName,
      ...(endpoint.pendingConfig === undefined
        ? {}
        : { pendingEndpointConfigName: endpoint.pendingConfig.name }),
      ...(endpoint.failureReason === undefined ? {} : { failureReason: endpoint.failureReason }),
      creationTime: endpoint.creationTime,
      lastModifiedTime: endpoint.lastModifiedTime,
      variants: endpoint.variants,
      ...(endpoint.deployment === undefined
        ? {}
        : {
            deployment: {
              routing: endpoint.deployment.plan.routing,
              stage: endpoint.deployment.stage,
              shift: endpoint.deployment.shift,
              active: endpoint.deployment.active,
            },
          }),
      ...(endpoint.lastDeploymentConfig === undefined
        ? {}
        : { lastDeploymentConfig: endpoint.lastDeploymentConfig }),
    });
  }

  modelNames(): string[] {
    return [...this.models.keys()].sort();
  }

  endpointConfigNames(): string[] {
    return [...this.configs.keys()].sort();
  }

  /** Every endpoint that ever served traffic, including deleted ones (their last minute still counts). */
  servedEndpointNames(): string[] {
    return [...this.servingByEndpoint.keys()].sort();
  }

  /** What served the endpoint's traffic during [from, to), split where the variants or weights changed. */
  servingDuring(endpointName: string, from: number, to: number): ServingSegment[] {
    const changes = this.servingByEndpoint.get(endpointName) ?? [];
    const segments: ServingSegment[] = [];
    changes.forEach((change, index) => {
      const start = Math.max(change.at, from);
      const end = Math.min(changes[index + 1]?.at ?? Infinity, to);
      if (end > start && change.variants.length > 0)
        segments.push({ from: start, to: end, configName: change.configName, variants: change.variants });
    });
    return segments;
  }

  /**
   * How often, in seconds, SageMaker publishes the invocation metrics of an endpoint serving this
   * config: "When EnableEnhancedMetrics is set to False, this interval applies to utilization metrics
   * only; invocation metrics continue to be published at the default 60-second interval. When
   * EnableEnhancedMetrics is set to True, this interval applies to both utilization and invocation
   * metrics" (SageMaker API reference, MetricsConfig, MetricPublishFrequencyInSeconds; "Defaults to 60").
   */
  invocationMetricsFrequencyOf(configName: string): number {
    const metrics = this.configs.get(configName)?.extra?.['MetricsConfig'] as
      { EnableEnhancedMetrics?: boolean; MetricPublishFrequencyInSeconds?: number } | undefined;
    if (metrics?.EnableEnhancedMetrics !== true) return 60;
    return metrics.MetricPublishFrequencyInSeconds ?? 60;
  }

  // --- saving and restoring ---

  /**
   * Everything needed to continue. The serving timeline keeps, per endpoint, the change in force at
   * `servingFrom` and every later one: the next minute tick sends traffic from there.
   */
  exportState(servingFrom: number): SimSageMakerState {
    const serving: ServingChange[] = [];
    for (const changes of this.servingByEndpoint.values()) {
      const firstInWindow = changes.findIndex((c) => c.at >= servingFrom);
      const start = firstInWindow === -1 ? changes.length - 1 : Math.max(0, firstInWindow - 1);
      const kept = changes.slice(start);
      // An endpoint deleted before the window serves nothing in it: nothing to keep.
      if (kept.length === 1 && kept[0]?.variants.length === 0) continue;
      serving.push(...kept);
    }
    serving.sort((a, b) => a.at - b.at);
    return clone({
      models: [...this.models.values()],
      retiredBehaviours: [...this.retiredBehaviours].map(([modelName, behaviour]) => ({
        modelName,
        behaviour,
      })),
      endpointConfigs: [...this.configs.values()],
      endpoints: [...this.endpoints.values()].map(
        ({ pendingWork: _scheduled, ...endpoint }): SimEndpointState => endpoint,
      ),
      serving,
      capacityReservations: [...this.reservations.values()],
    });
  }

  /** The updates in progress, as data (each with its clock sequence, to keep same-time order). */
  pendingUpdates(): Array<PendingUpdateState & { sequence: number }> {
    return [...this.endpoints.values()].flatMap((endpoint) => {
      const work = endpoint.pendingWork;
      if (work === undefined) return [];
      return [
        {
          kind: work.kind,
          endpointName: endpoint.name,
          at: work.task.at,
          ...(work.fault === undefined ? {} : { fault: { ...work.fault } }),
          sequence: work.task.sequence,
        },
      ];
    });
  }

  /** Restores resources without events or checks; pending updates come back through resumeUpdate. */
  importState(state: SimSageMakerState): void {
    const saved = clone(state);
    for (const model of saved.models) this.models.set(model.name, model);
    for (const { modelName, behaviour } of saved.retiredBehaviours)
      this.retiredBehaviours.set(modelName, behaviour);
    for (const config of saved.endpointConfigs) this.configs.set(config.name, config);
    for (const reservation of saved.capacityReservations ?? [])
      this.reservations.set(reservation.arn, reservation);
    for (const endpoint of saved.endpoints) this.endpoints.set(endpoint.name, endpoint);
    for (const change of saved.serving) {
      const history = this.servingByEndpoint.get(change.endpointName) ?? [];
      history.push(change);
      this.servingByEndpoint.set(change.endpointName, history);
    }
  }

  /** Schedules the completion of an update that was in progress when the cloud was saved. */
  resumeUpdate(update: PendingUpdateState): void {
    const endpoint = this.endpoints.get(update.endpointName);
    if (endpoint === undefined) {
      throw new Error(`saved state has a pending update for unknown endpoint ${update.endpointName}`);
    }
    const { clock } = this.deps;
    const fault = update.fault === undefined ? undefined : { ...update.fault };
    if (update.kind === 'finishUpdateEndpoint') {
      const target = endpoint.pendingConfig;
      if (target === undefined) {
        throw new Error(`saved state: endpoint ${update.endpointName} is updating without a pending config`);
      }
      endpoint.pendingWork = {
        task: clock.schedule(update.at, () => this.finishUpdateEndpoint(endpoint, target, fault)),
        kind: update.kind,
        ...(fault === undefined ? {} : { fault }),
      };
    } else if (update.kind === 'advanceDeployment') {
      if (endpoint.deployment === undefined) {
        throw new Error(
          `saved state: endpoint ${update.endpointName} advances a deployment it does not have`,
        );
      }
      endpoint.pendingWork = {
        task: clock.schedule(update.at, () => this.advanceDeployment(endpoint)),
        kind: update.kind,
      };
    } else if (update.kind === 'finishUpdateWeights') {
      endpoint.pendingWork = {
        task: clock.schedule(update.at, () => this.finishUpdateWeights(endpoint)),
        kind: update.kind,
      };
    } else {
      endpoint.pendingWork = {
        task: clock.schedule(update.at, () => this.finishDeleteEndpoint(endpoint)),
        kind: update.kind,
      };
    }
  }

  // --- internals ---

  /** Eventual consistency: one more referencing call that does not see the resource yet. */
  private stillInvisible(resource: { invisibleCalls?: number }): boolean {
    if (resource.invisibleCalls === undefined) return false;
    resource.invisibleCalls -= 1;
    if (resource.invisibleCalls <= 0) delete resource.invisibleCalls;
    return true;
  }

  /** CreateEndpointConfig's documented rules on the variants' hardware and the config's settings. */
  private assertConfigRules(
    variants: readonly ProductionVariantSpec[],
    extra: Record<string, unknown> | undefined,
  ): void {
    const { registry } = this.deps;
    const kmsKeyId = extra?.['KmsKeyId'];
    for (const variant of variants) {
      const instanceType = variant.instanceType;
      if (instanceType === undefined) continue;
      // CreateEndpointConfig API reference, KmsKeyId: "If you specify a value for KmsKeyId when using any
      // nitro-based instances with local storage, the call to CreateEndpointConfig fails." AWS does not
      // publish the message text; this one says what the rule is.
      if (kmsKeyId !== undefined && hasLocalInstanceStorage(instanceType)) {
        throw validationException(
          `The instance type ${instanceType} of production variant ${variant.variantName} uses local instance storage, which is encrypted by a hardware module on the instance; KmsKeyId cannot be specified for it.`,
        );
      }
      const model = this.models.get(variant.modelName);
      const supported =
        model?.modelPackageArn === undefined
          ? undefined
          : registry.describe(model.modelPackageArn)?.supportedRealtimeInstanceTypes;
      // A model package's InferenceSpecification lists the instance types it supports for real-time
      // inference ("InferenceSpecification", SupportedRealtimeInferenceInstanceTypes). Message approximated.
      if (supported?.length && !supported.includes(instanceType)) {
        throw validationException(
          `Instance type ${instanceType} is not supported by model package ${model?.modelPackageArn ?? ''} for real-time inference. Supported instance types: [${supported.join(', ')}].`,
        );
      }
      const reservation = variant.extra?.['CapacityReservationConfig'] as
        { CapacityReservationPreference?: string; MlReservationArn?: string } | undefined;
      if (reservation?.MlReservationArn !== undefined) {
        // An ML capacity reservation holds instances of one type; instances launch "only into an ML
        // capacity reservation" (ProductionVariantCapacityReservationConfig). Messages approximated.
        const held = this.reservations.get(reservation.MlReservationArn);
        if (held === undefined) {
          throw validationException(`Could not find ML reservation "${reservation.MlReservationArn}".`);
        }
        if (held.instanceType !== instanceType) {
          throw validationException(
            `The ML reservation "${held.arn}" is for instance type ${held.instanceType}, not ${instanceType} of production variant ${variant.variantName}.`,
          );
        }
      }
    }
    const metrics = extra?.['MetricsConfig'] as { MetricPublishFrequencyInSeconds?: number } | undefined;
    const frequency = metrics?.MetricPublishFrequencyInSeconds;
    // MetricsConfig API reference: "Valid values: 10, 30, 60, 120, 180, 240, 300."
    if (frequency !== undefined && ![10, 30, 60, 120, 180, 240, 300].includes(frequency)) {
      throw validationException(
        `1 validation error detected: Value '${frequency}' at 'metricsConfig.metricPublishFrequencyInSeconds' failed to satisfy constraint: Member must satisfy enum value set: [10, 30, 60, 120, 180, 240, 300]`,
      );
    }
  }

  /**
   * SageMaker lets a config put models with different VPC or network-isolation settings side by side;
   * a controller that does so has moved part of the endpoint's traffic out of the network its owner set.
   */
  private recordNetworkMix(configName: string, variants: readonly ProductionVariantSpec[]): void {
    const network = (name: string) => {
      const model = this.models.get(name);
      return JSON.stringify({
        vpc: model?.vpcConfig ?? null,
        isolation: model?.enableNetworkIsolation ?? false,
      });
    };
    const settings = new Set(variants.map((v) => network(v.modelName)));
    if (settings.size > 1) {
      this.violation(
        `CreateEndpointConfig "${configName}": its variants' models differ in VpcConfig or EnableNetworkIsolation`,
      );
    }
  }

  /**
   * "If the update would change the instance type for any model that is a target for auto scaling,
   * the update fails", and a variant configured for auto scaling cannot be removed; "If you change the
   * model for a variant that is configured for auto scaling, Amazon SageMaker AI auto scaling allows
   * the update" ("Update endpoints that use auto scaling"). AWS does not publish the message text.
   */
  private assertScalingAllows(endpoint: SimEndpoint, config: SimEndpointConfig): void {
    const registered = this.scaling?.registeredVariants(endpoint.name) ?? [];
    const blocked = registered.filter((name) => {
      const live = endpoint.variants.find((v) => v.variantName === name);
      const next = config.variants.find((v) => v.variantName === name);
      return next === undefined || (live !== undefined && live.instanceType !== next.instanceType);
    });
    if (blocked.length === 0) return;
    throw validationException(
      `The production variant(s) [${blocked.join(', ')}] of endpoint "${endpoint.arn}" are registered as scalable targets with Application Auto Scaling; an update cannot remove them or change their instance type. Deregister them (DeregisterScalableTarget) before the update and register them again after it.`,
    );
  }

  private finishUpdateEndpoint(
    endpoint: SimEndpoint,
    target: SimEndpointConfig,
    fault: UpdateFault | undefined,
  ): void {
    const retained = endpoint.pendingRetained;
    delete endpoint.pendingWork;
    delete endpoint.pendingConfig;
    delete endpoint.pendingRetained;
    endpoint.lastModifiedTime = this.deps.clock.now();
    const healthCheckFailure =
      `The primary container for production variant ${target.variants[target.variants.length - 1]?.variantName ?? 'AllTraffic'} ` +
      `did not pass the ping health check. Please check CloudWatch logs for this endpoint.`;
    if (fault?.kind === 'updateFails') {
      endpoint.status = 'Failed';
      endpoint.failureReason = fault.reason ?? healthCheckFailure;
    } else if (fault?.kind === 'silentRollback') {
      // SageMaker keeps the old fleet serving and reports InService again: only FailureReason and the
      // unchanged EndpointConfigName tell that the new config never went live.
      endpoint.status = 'InService';
      endpoint.failureReason = fault.reason ?? healthCheckFailure;
    } else {
      endpoint.status = 'InService';
      endpoint.configName = target.name;
      endpoint.variants = variantsAfterUpdate(target, retained);
      this.recordServing(endpoint);
    }
    this.emitStateChange(endpoint);
  }

  // --- guardrails deployments (blue/green) ---

  /**
   * Watches every deployment in a baking period at `now` (the cloud calls this on its 10-second tick,
   * before CloudWatch evaluates): "If any of the pre-specified alarms trip during any baking period, then
   * all endpoint traffic rolls back to the blue fleet" ("Blue/Green Deployments"). SageMaker reads the
   * alarms with DescribeAlarms ("Ensure that your IAM execution role has permission to perform the
   * cloudwatch:DescribeAlarms action", "Auto-Rollback Configuration and Monitoring"); AWS publishes no
   * polling interval, the sim reads them every 10 s. An alarm that does not exist never trips. A
   * deployment past MaximumExecutionTimeoutInSeconds ("Exceeding this limit causes a timeout") rolls
   * back too, in any stage.
   */
  monitorDeployments(now: number): void {
    for (const endpoint of this.endpoints.values()) {
      const deployment = endpoint.deployment;
      if (
        deployment === undefined ||
        deployment.stage === 'rollingBack' ||
        deployment.stage === 'rollbackFailed'
      )
        continue;
      if (now - deployment.startTime >= deployment.plan.timeoutMs) {
        this.rollBackDeployment(
          endpoint,
          `The deployment did not complete within MaximumExecutionTimeoutInSeconds (${deployment.plan.timeoutMs / 1000} seconds) and was rolled back.`,
        );
        continue;
      }
      if (deployment.stage !== 'baking' && deployment.stage !== 'terminationWait') continue;
      const tripped = deployment.plan.alarms.filter((name) => this.alarms?.alarmStateOf(name) === 'ALARM');
      if (tripped.length > 0) {
        // AWS does not publish the FailureReason text of an auto-rollback; this one names the alarms.
        this.rollBackDeployment(
          endpoint,
          `Deployment rolled back: CloudWatch alarm(s) [${tripped.join(', ')}] in the AutoRollbackConfiguration went into ALARM during the baking period.`,
        );
      }
    }
  }

  /** Schedules the end of the deployment's current stage `durationMs` from now. */
  private scheduleDeploymentStage(endpoint: SimEndpoint, durationMs: number): void {
    const { clock } = this.deps;
    endpoint.pendingWork = {
      task: clock.schedule(clock.now() + durationMs, () => this.advanceDeployment(endpoint)),
      kind: 'advanceDeployment',
    };
  }

  private enterStage(endpoint: SimEndpoint, stage: DeploymentStage, durationMs: number): void {
    const deployment = endpoint.deployment as SimDeployment;
    deployment.stage = stage;
    deployment.stageStart = this.deps.clock.now();
    endpoint.lastModifiedTime = deployment.stageStart;
    this.scheduleDeploymentStage(endpoint, durationMs);
    this.emitDeploymentStateChange(endpoint);
  }

  /**
   * One stage of a blue/green deployment ends. "Once SageMaker AI provisions the green fleet, SageMaker AI
   * routes a portion of the incoming traffic ... to the canary. Then the baking period begins ... If none
   * of the alarms trip, then all of the traffic shifts to the green fleet and there is a final baking
   * period. If the final baking period finishes without tripping any alarms, then the green fleet serves
   * all traffic and SageMaker AI terminates the blue fleet" ("Use canary traffic shifting"); linear: "The
   * same process repeats until the blue fleet is fully deactivated" ("Use linear traffic shifting");
   * TerminationWaitInSeconds: "Additional waiting time in seconds after the completion of an endpoint
   * deployment before terminating the old endpoint fleet" — a bake too ("Baking for X seconds
   * (TerminationWaitInSeconds) ...", the VariantStatus messages in "Events that Amazon SageMaker AI sends to
   * Amazon EventBridge"). Turning traffic on for a batch takes the sim's weights duration.
   */
  private advanceDeployment(endpoint: SimEndpoint): void {
    const deployment = endpoint.deployment;
    const target = endpoint.pendingConfig;
    if (deployment === undefined || target === undefined) return;
    delete endpoint.pendingWork;
    const { timings } = this.deps;
    const { plan } = deployment;
    switch (deployment.stage) {
      case 'creating': {
        if (deployment.fault !== undefined && deployment.fault.kind !== 'rollbackFails') {
          // The green fleet failed to come up: the same outcomes as a plain update's fault.
          const fault = deployment.fault;
          delete endpoint.deployment;
          this.finishUpdateEndpoint(endpoint, target, fault);
          return;
        }
        this.enterStage(endpoint, 'activating', this.jittered(timings.updateWeightsMs));
        return;
      }
      case 'activating': {
        deployment.active = { ...(plan.shifts[deployment.shift]?.active ?? deployment.fleet) };
        this.recordServing(endpoint);
        this.enterStage(endpoint, 'baking', plan.waitMs);
        return;
      }
      case 'baking': {
        const rolling = plan.routing === 'ROLLING';
        if (deployment.shift < plan.shifts.length - 1) {
          deployment.shift += 1;
          // Rolling: the next batch of new instances is launched (and as many old ones terminated once
          // it takes traffic); blue/green: the green fleet is already up.
          if (rolling) this.enterStage(endpoint, 'creating', this.jittered(timings.updateEndpointMs));
          else this.enterStage(endpoint, 'activating', this.jittered(timings.updateWeightsMs));
        } else if (rolling) {
          delete endpoint.deployment;
          this.finishUpdateEndpoint(endpoint, target, undefined);
        } else {
          this.enterStage(endpoint, 'terminationWait', plan.terminationWaitMs);
        }
        return;
      }
      case 'terminationWait': {
        // The blue fleet is terminated; the endpoint serves the new config.
        delete endpoint.deployment;
        this.finishUpdateEndpoint(endpoint, target, undefined);
        return;
      }
      case 'rollbackFailed':
        return;
      case 'rollingBack': {
        if (plan.routing === 'ROLLING') {
          if (deployment.fault?.kind === 'rollbackFails') {
            // "UpdateRollbackFailed: Both the rolling deployment and auto-rollback failed. Your endpoint is
            // in service with a mix of the old and new endpoint configurations" (EndpointStatus).
            deployment.stage = 'rollbackFailed';
            deployment.stageStart = this.deps.clock.now();
            endpoint.status = 'UpdateRollbackFailed';
            endpoint.failureReason =
              deployment.fault.reason ??
              `${deployment.rollbackReason ?? 'The deployment rolled back'} The rollback failed: the endpoint serves a mix of ${endpoint.configName} and ${target.name}.`;
            endpoint.lastModifiedTime = deployment.stageStart;
            this.emitStateChange(endpoint);
            return;
          }
          // Each rollback step brings back a batch of old instances, then takes as many new ones off traffic.
          for (const [name, count] of Object.entries(deployment.active)) {
            deployment.active[name] = Math.max(0, count - (plan.rollbackBatch?.[name] ?? count));
          }
          this.recordServing(endpoint);
          if (Object.values(deployment.active).some((count) => count > 0)) {
            this.enterStage(endpoint, 'rollingBack', this.jittered(timings.updateEndpointMs));
            return;
          }
        }
        const reason = deployment.rollbackReason;
        delete endpoint.deployment;
        delete endpoint.pendingConfig;
        delete endpoint.pendingRetained;
        endpoint.status = 'InService';
        if (reason !== undefined) endpoint.failureReason = reason;
        endpoint.lastModifiedTime = this.deps.clock.now();
        this.recordServing(endpoint);
        this.emitStateChange(endpoint);
        return;
      }
    }
  }

  /**
   * Auto-rollback: "all traffic returns to the blue fleet" ("Use canary traffic shifting") at once — the
   * blue fleet is still up — and the green fleet is terminated (VariantStatus Deleting, for the sim's
   * weights duration). The endpoint stays Updating meanwhile: RollingBack "only applies to an endpoint
   * that has autoscaling enabled and is undergoing variant weight or capacity changes as part of an
   * UpdateEndpointWeightsAndCapacities call" (DescribeEndpoint, EndpointStatus). Then it is InService on
   * the old config with FailureReason set, like any update that did not go live.
   */
  private rollBackDeployment(endpoint: SimEndpoint, reason: string): void {
    const deployment = endpoint.deployment;
    if (deployment === undefined) return;
    endpoint.pendingWork?.task.cancel();
    delete endpoint.pendingWork;
    deployment.rollbackReason = reason;
    if (deployment.plan.routing === 'ROLLING') {
      // Rolling: the old instances already terminated must be launched again before traffic returns to
      // them, a batch of RollbackMaximumBatchSize at a time ("Each rolling step to provision capacity and
      // turn on traffic on the old endpoint fleet, and terminate capacity on the new endpoint fleet").
      this.enterStage(endpoint, 'rollingBack', this.jittered(this.deps.timings.updateEndpointMs));
      return;
    }
    deployment.active = Object.fromEntries(Object.keys(deployment.fleet).map((name) => [name, 0]));
    this.recordServing(endpoint);
    this.enterStage(endpoint, 'rollingBack', this.jittered(this.deps.timings.updateWeightsMs));
  }

  /**
   * The green fleet's model when one request to the variant reaches it (its share of traffic, `draw`
   * in [0, 1) called only during a deployment); undefined when the blue fleet (the live model) answers.
   */
  greenModelServing(endpointName: string, variantName: string, draw: () => number): string | undefined {
    const endpoint = this.endpoints.get(endpointName);
    if (endpoint?.deployment === undefined) return undefined;
    const share = this.greenShareOf(endpoint, variantName);
    if (share <= 0 || draw() >= share) return undefined;
    return endpoint.pendingConfig?.variants.find((v) => v.variantName === variantName)?.modelName;
  }

  /** The share of a variant's traffic its green fleet takes now (0 without a deployment). */
  private greenShareOf(endpoint: SimEndpoint, variantName: string): number {
    const deployment = endpoint.deployment;
    if (deployment === undefined) return 0;
    const fleet = deployment.fleet[variantName] ?? 0;
    return fleet > 0 ? Math.min(1, (deployment.active[variantName] ?? 0) / fleet) : 0;
  }

  /** DescribeEndpoint's PendingDeploymentSummary of a guardrails deployment. */
  private pendingDeploymentOf(endpoint: SimEndpoint): PendingDeploymentState {
    const deployment = endpoint.deployment as SimDeployment;
    const target = endpoint.pendingConfig as SimEndpointConfig;
    return {
      endpointConfigName: target.name,
      startTime: deployment.startTime,
      variants: variantsAfterUpdate(target, endpoint.pendingRetained).map((variant) => ({
        variantName: variant.variantName,
        statuses: this.variantStatusOf(deployment, variant.variantName),
        currentWeight: variant.currentWeight,
        desiredWeight: variant.desiredWeight,
        ...(variant.desiredInstanceCount === undefined
          ? {}
          : {
              // As the documented event shows it: the instances taking traffic of the full green fleet.
              currentInstanceCount: deployment.active[variant.variantName] ?? 0,
              desiredInstanceCount: variant.desiredInstanceCount,
            }),
      })),
    };
  }

  /**
   * The variant's VariantStatus, with the StatusMessage texts "Events that Amazon SageMaker AI sends to
   * Amazon EventBridge" gives: "Launching X instance(s).", "Activating traffic on canary capacity of X
   * instance(s).", "Baking for X seconds (TerminationWaitInSeconds) with traffic enabled on full capacity
   * of Y instance(s).", "Terminating X instance(s)." (a linear step's wording is the sim's: AWS shows none).
   */
  private variantStatusOf(
    deployment: SimDeployment,
    variantName: string,
  ): Array<{ status: string; startTime: number; message: string }> {
    const status = this.currentVariantStatus(deployment, variantName);
    return status === undefined ? [] : [status];
  }

  private currentVariantStatus(
    deployment: SimDeployment,
    variantName: string,
  ): { status: string; startTime: number; message: string } | undefined {
    const fleet = deployment.fleet[variantName] ?? 0;
    const { plan } = deployment;
    const shift = plan.shifts[deployment.shift];
    const count = shift?.active[variantName] ?? fleet;
    const capacity =
      shift?.final !== false
        ? 'full'
        : plan.routing === 'CANARY'
          ? 'canary'
          : plan.routing === 'ROLLING'
            ? 'rolling batch'
            : 'linear step';
    const startTime = deployment.stageStart;
    const previous =
      deployment.shift === 0 ? 0 : (plan.shifts[deployment.shift - 1]?.active[variantName] ?? 0);
    switch (deployment.stage) {
      case 'creating': {
        // A rolling deployment launches one batch at a time; blue/green the whole green fleet.
        const launching = plan.routing === 'ROLLING' ? count - previous : fleet;
        return { status: 'Creating', startTime, message: `Launching ${launching} instance(s).` };
      }
      case 'rollbackFailed':
        return undefined;
      case 'activating':
        return {
          status: 'ActivatingTraffic',
          startTime,
          message: `Activating traffic on ${capacity} capacity of ${count} instance(s).`,
        };
      case 'baking':
        return {
          status: 'Baking',
          startTime,
          message: `Baking for ${deployment.plan.waitMs / 1000} seconds (WaitIntervalInSeconds) with traffic enabled on ${capacity} capacity of ${count} instance(s).`,
        };
      case 'terminationWait':
        return {
          status: 'Baking',
          startTime,
          message: `Baking for ${deployment.plan.terminationWaitMs / 1000} seconds (TerminationWaitInSeconds) with traffic enabled on full capacity of ${fleet} instance(s).`,
        };
      case 'rollingBack': {
        const terminating =
          plan.routing === 'ROLLING'
            ? Math.min(deployment.active[variantName] ?? 0, plan.rollbackBatch?.[variantName] ?? fleet)
            : fleet;
        return { status: 'Deleting', startTime, message: `Terminating ${terminating} instance(s).` };
      }
    }
  }

  private finishDeleteEndpoint(endpoint: SimEndpoint): void {
    delete endpoint.pendingWork;
    this.endpoints.delete(endpoint.name);
  }

  private finishUpdateWeights(endpoint: SimEndpoint): void {
    delete endpoint.pendingWork;
    for (const variant of endpoint.variants) {
      variant.currentWeight = variant.desiredWeight;
      if (variant.desiredInstanceCount !== undefined)
        variant.currentInstanceCount = variant.desiredInstanceCount;
    }
    endpoint.status = 'InService';
    endpoint.lastModifiedTime = this.deps.clock.now();
    this.recordServing(endpoint);
    this.emitStateChange(endpoint);
  }

  private requireEndpoint(endpointName: string): SimEndpoint {
    const endpoint = this.endpoints.get(endpointName);
    if (endpoint === undefined) {
      throw validationException(`Could not find endpoint "${this.deps.arns.endpoint(endpointName)}".`);
    }
    return endpoint;
  }

  private jittered(durationMs: number): number {
    const { jitter, timings } = this.deps;
    return Math.max(1, Math.round(durationMs * (1 + timings.jitter * (2 * jitter.next() - 1))));
  }

  /**
   * Records what serves the endpoint now. During a blue/green deployment each variant's traffic splits
   * between its blue fleet (the live model) and its green fleet (the new config's model) by the green
   * instances taking traffic; both fleets serve under the same variant name, so the variant's CloudWatch
   * metrics mix them, as SageMaker's do ("Invocation errors coming from both the old fleet and new fleet
   * contribute", "Auto-Rollback Configuration and Monitoring").
   */
  private recordServing(endpoint: SimEndpoint): void {
    const variants = endpoint.variants.flatMap((v) => {
      const share = this.greenShareOf(endpoint, v.variantName);
      const green = endpoint.pendingConfig?.variants.find((g) => g.variantName === v.variantName);
      const blue = { variantName: v.variantName, modelName: v.modelName, weight: v.currentWeight };
      if (share <= 0 || green === undefined) return [blue];
      const greenServing = {
        variantName: v.variantName,
        modelName: green.modelName,
        weight: v.currentWeight * share,
      };
      return share >= 1 ? [greenServing] : [{ ...blue, weight: v.currentWeight * (1 - share) }, greenServing];
    });
    const previous = this.servingByEndpoint.get(endpoint.name)?.at(-1);
    if (
      previous !== undefined &&
      previous.configName === endpoint.configName &&
      JSON.stringify(previous.variants) === JSON.stringify(variants)
    ) {
      return;
    }
    this.appendServing({
      at: this.deps.clock.now(),
      endpointName: endpoint.name,
      configName: endpoint.configName,
      variants,
    });
    if (
      (endpoint.status === 'InService' || endpoint.status === 'Updating') &&
      variants.reduce((sum, v) => sum + v.weight, 0) <= 0
    ) {
      this.violation(
        `endpoint "${endpoint.name}" is ${endpoint.status} with all variant weights at 0: it serves no traffic`,
      );
    }
  }

  private appendServing(change: ServingChange): void {
    this.servingHistory.push(change);
    const history = this.servingByEndpoint.get(change.endpointName) ?? [];
    history.push(change);
    this.servingByEndpoint.set(change.endpointName, history);
  }

  private violation(message: string): void {
    this.violations.push(`${eventTime(this.deps.clock.now())} ${message}`);
  }

  /**
   * "SageMaker Endpoint Deployment State Change" ("Events that Amazon SageMaker AI sends to Amazon
   * EventBridge": "Indicates a state change for an endpoint deployment"): the endpoint state change's
   * detail plus PendingDeploymentSummary, sent at each change of the deployment's VariantStatus.
   */
  private emitDeploymentStateChange(endpoint: SimEndpoint): void {
    if (endpoint.deployment === undefined) return;
    const pending = this.pendingDeploymentOf(endpoint);
    this.deps.bus.emit({
      'detail-type': 'SageMaker Endpoint Deployment State Change',
      source: 'aws.sagemaker',
      resources: [endpoint.arn],
      detail: {
        ...this.endpointDetailOf(endpoint),
        PendingDeploymentSummary: {
          EndpointConfigName: pending.endpointConfigName,
          StartTime: pending.startTime ?? endpoint.deployment.startTime,
          ProductionVariants: pending.variants.map((v) => ({
            VariantName: v.variantName,
            CurrentWeight: v.currentWeight ?? 0,
            DesiredWeight: v.desiredWeight ?? 0,
            CurrentInstanceCount: v.currentInstanceCount ?? 0,
            DesiredInstanceCount: v.desiredInstanceCount ?? 0,
            VariantStatus: v.statuses.map((status) => ({
              Status: status.status,
              StatusMessage: status.message ?? '',
              StartTime: status.startTime ?? endpoint.deployment?.stageStart ?? 0,
            })),
          })),
        },
      },
    });
  }

  private emitStateChange(endpoint: SimEndpoint): void {
    this.deps.bus.emit({
      'detail-type': 'SageMaker Endpoint State Change',
      source: 'aws.sagemaker',
      resources: [endpoint.arn],
      detail: this.endpointDetailOf(endpoint),
    });
  }

  private endpointDetailOf(endpoint: SimEndpoint): EndpointStateChangeDetail {
    return {
      EndpointName: endpoint.name,
      EndpointArn: endpoint.arn,
      EndpointConfigName: endpoint.configName,
      ProductionVariants: endpoint.variants.map((v) => ({
        VariantName: v.variantName,
        CurrentWeight: v.currentWeight,
        DesiredWeight: v.desiredWeight,
        CurrentInstanceCount: v.currentInstanceCount ?? 0,
        DesiredInstanceCount: v.desiredInstanceCount ?? 0,
      })),
      EndpointStatus: eventEndpointStatus(endpoint.status),
      ...(endpoint.failureReason === undefined ? {} : { FailureReason: endpoint.failureReason }),
      CreationTime: endpoint.creationTime,
      LastModifiedTime: endpoint.lastModifiedTime,
      Tags: {},
    };
  }
}

/** The variants an update to `target` leaves, with what RetainAllVariantProperties kept of the live ones. */
function variantsAfterUpdate(
  target: SimEndpointConfig,
  retained: readonly RetainedVariant[] | undefined,
): SimVariant[] {
  return variantsFromConfig(target).map((variant) => {
    const kept = retained?.find((r) => r.variantName === variant.variantName);
    if (kept === undefined) return variant;
    const count = kept.desiredInstanceCount ?? variant.desiredInstanceCount;
    const weight = kept.weight ?? variant.currentWeight;
    return {
      ...variant,
      currentWeight: weight,
      desiredWeight: weight,
      ...(count === undefined || variant.desiredInstanceCount === undefined
        ? {}
        : { currentInstanceCount: count, desiredInstanceCount: count }),
    };
  });
}

function assertUpdatable(endpoint: SimEndpoint): void {
  switch (endpoint.status) {
    case 'InService':
      return;
    case 'Failed':
    case 'UpdateRollbackFailed':
    case 'OutOfService':
      // Not retryable: "DeleteEndpoint is the only operation that can be performed on a failed endpoint".
      throw validationException(`Cannot update endpoint "${endpoint.arn}" in ${endpoint.status} status.`);
    default:
      throw endpointInProgress(endpoint.arn);
  }
}

function assertTags(tags: readonly Tag[], scene?: 'aws-set allowed'): void {
  if (tags.length > MAX_TAGS) {
    throw validationException(
      `1 validation error detected: Value '[...]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  // "Tagging your AWS resources": the aws: prefix is reserved for AWS use; users cannot set such keys.
  const reserved = tags.find((t) => t.key.toLowerCase().startsWith('aws:'));
  if (reserved !== undefined && scene === undefined) {
    throw validationException(
      `Tag keys cannot start with the reserved prefix "aws:" (got "${reserved.key}").`,
    );
  }
}

/** VpcConfig API reference: SecurityGroupIds 1 to 5 items, Subnets 1 to 16. */
function assertVpcConfig(vpc: VpcConfig): void {
  const bounds: Array<[keyof VpcConfig, number]> = [
    ['SecurityGroupIds', 5],
    ['Subnets', 16],
  ];
  for (const [field, max] of bounds) {
    const count = vpc[field].length;
    if (count < 1 || count > max) {
      const member = field === 'Subnets' ? 'subnets' : 'securityGroupIds';
      throw validationException(
        `1 validation error detected: Value '[...]' at 'vpcConfig.${member}' failed to satisfy constraint: Member must have length ${count < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`}`,
      );
    }
  }
}
