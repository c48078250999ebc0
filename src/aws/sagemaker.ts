// EndpointControl over the SageMaker API: reads endpoints, configs and model packages into the ports' shapes,
// and creates, switches and deletes what a rollout needs, following the ports' idempotency conventions.
// InferenceComponentControl over the same API: describes, lists and rolling-updates inference components.
// The SageMaker SDK package is imported on the first call (the client may be a loader, see client-source.ts):
// an event that touches no endpoint never loads it.

import type {
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeInferenceComponentOutput,
  InferenceComponentCapacitySize as AwsCapacitySize,
  InferenceComponentComputeResourceRequirements,
  InferenceComponentSpecification,
  DescribeModelOutput,
  DescribeModelPackageOutput,
  CapacitySize,
  DeploymentConfig,
  PendingDeploymentSummary,
  ProductionVariant,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type {
  CreateEndpointConfigRequest,
  CreateModelRequest,
  EndpointConfigState,
  EndpointControl,
  EndpointState,
  InferenceComponentComputeResources,
  InferenceComponentControl,
  InferenceComponentSpecificationState,
  InferenceComponentState,
  InferenceComponentSummary,
  ModelPackageState,
  UpdateInferenceComponentRequest,
  PendingDeploymentState,
  ProductionVariantSpec,
  Tag,
  VariantWeight,
  ModelState,
} from '../engine/ports';
import type {
  InferenceComponentCapacitySize,
  InferenceComponentRollingUpdate,
  NativeCapacitySize,
  NativeDeploymentConfig,
} from '../../statemachines/contract';
import { SmRolloutError, isSmRolloutError } from '../errors';
import { clientWith, type ClientSource } from './client-source';
import { callAws } from './classify-error';
import { definedOnly, required } from './shapes';

/**
 * Runs a call whose "Could not find <what>" (a ValidationException) names a resource the controller
 * created moments before: SageMaker's reads are eventually consistent ("If the dependent entities
 * are not yet in DynamoDB, this causes a validation error ... So retry logic is recommended",
 * CreateEndpointConfig API reference), so that answer is NOT_YET_VISIBLE, which is retried.
 */
async function expectingVisible<T>(call: () => Promise<T>, notYetVisible: RegExp): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    const message = cause instanceof Error ? cause.message : '';
    if (isSmRolloutError(error, 'AWS_ERROR') && notYetVisible.test(message)) {
      throw new SmRolloutError(
        'NOT_YET_VISIBLE',
        `${error.message} (SageMaker may not see a resource created moments ago yet; retry shortly)`,
        { cause },
      );
    }
    throw error;
  }
}

export class SageMakerEndpointControl implements EndpointControl {
  constructor(private readonly client: ClientSource<SageMakerClient>) {}

  /** The client and the commands, imported on the first call (lazy-sagemaker.ts). */
  private sdk() {
    return clientWith(this.client, () => import('./lazy-sagemaker.js'));
  }

  async describeEndpoint(endpointName: string): Promise<EndpointState | undefined> {
    const [client, sdk] = await this.sdk();
    const output = await callAws(
      'DescribeEndpoint',
      () => client.send(new sdk.DescribeEndpointCommand({ EndpointName: endpointName })),
      { 'not-found': undefined },
    );
    return output && toEndpointState(output);
  }

  async describeEndpointConfig(endpointConfigName: string): Promise<EndpointConfigState | undefined> {
    const [client, sdk] = await this.sdk();
    const output = await callAws(
      'DescribeEndpointConfig',
      () => client.send(new sdk.DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName })),
      { 'not-found': undefined },
    );
    return output && toEndpointConfigState(output);
  }

  async describeModelPackage(modelPackageArn: string): Promise<ModelPackageState | undefined> {
    const [client, sdk] = await this.sdk();
    const output = await callAws(
      'DescribeModelPackage',
      () => client.send(new sdk.DescribeModelPackageCommand({ ModelPackageName: modelPackageArn })),
      { 'not-found': undefined },
    );
    return output && toModelPackageState(output, modelPackageArn);
  }

  async describeModel(modelName: string): Promise<ModelState | undefined> {
    const [client, sdk] = await this.sdk();
    const output = await callAws(
      'DescribeModel',
      () => client.send(new sdk.DescribeModelCommand({ ModelName: modelName })),
      { 'not-found': undefined },
    );
    return output && toModelState(output, modelName);
  }

  async listTags(resourceArn: string): Promise<Tag[]> {
    const [client, sdk] = await this.sdk();
    const tags: Tag[] = [];
    let nextToken: string | undefined;
    do {
      const output = await callAws('ListTags', () =>
        // 100 is ListTags' largest page; a resource holds at most 50 tags, so one page is the rule.
        client.send(
          new sdk.ListTagsCommand({ ResourceArn: resourceArn, MaxResults: 100, NextToken: nextToken }),
        ),
      );
      for (const tag of output.Tags ?? []) {
        if (tag.Key !== undefined) tags.push({ key: tag.Key, value: tag.Value ?? '' });
      }
      nextToken = output.NextToken;
    } while (nextToken);
    return tags;
  }

  async createModel(request: CreateModelRequest): Promise<'created' | 'exists'> {
    const [client, sdk] = await this.sdk();
    return callAws(
      'CreateModel',
      async () => {
        await client.send(
          new sdk.CreateModelCommand(
            definedOnly({
              ModelName: request.modelName,
              // The package carries image and model data; SageMaker resolves them itself. An Environment here
              // is set on the package's container (only allowed when the package sets none itself).
              Containers: [
                definedOnly({ ModelPackageName: request.modelPackageArn, Environment: request.environment }),
              ],
              ExecutionRoleArn: request.executionRoleArn,
              VpcConfig: request.vpcConfig,
              EnableNetworkIsolation: request.enableNetworkIsolation,
              Tags: toAwsTags(request.tags),
            }),
          ),
        );
        return 'created' as const;
      },
      { 'already-exists': 'exists' as const },
    );
  }

  async createEndpointConfig(request: CreateEndpointConfigRequest): Promise<'created' | 'exists'> {
    return expectingVisible(
      () => this.createEndpointConfigOnce(request),
      // The variants' models: the candidate's was created just before.
      /^Could not find model /,
    );
  }

  private async createEndpointConfigOnce(
    request: CreateEndpointConfigRequest,
  ): Promise<'created' | 'exists'> {
    const [client, sdk] = await this.sdk();
    return callAws(
      'CreateEndpointConfig',
      async () => {
        await client.send(
          new sdk.CreateEndpointConfigCommand({
            // Config-level settings copied from the original (DataCaptureConfig, KmsKeyId) go first, so they
            // can never replace the name, variants or tags of the config being built.
            ...request.extra,
            EndpointConfigName: request.endpointConfigName,
            ProductionVariants: request.variants.map(toProductionVariant),
            Tags: toAwsTags(request.tags),
          }),
        );
        return 'created' as const;
      },
      { 'already-exists': 'exists' as const },
    );
  }

  async updateEndpoint(
    endpointName: string,
    endpointConfigName: string,
    options: { retainAllVariantProperties?: boolean; deploymentConfig?: NativeDeploymentConfig } = {},
  ): Promise<void> {
    const [client, sdk] = await this.sdk();
    // Without RetainAllVariantProperties the new config is the whole truth: what the endpoint serves is
    // exactly what DescribeEndpointConfig of that config says. With it, variants present in both configs
    // keep their live instance count and weight ("Update endpoints that use auto scaling", step 6: a
    // rollback must not reset an auto-scaled fleet to the old config's InitialInstanceCount). It is sent
    // only when asked, so every other update stays exactly as it was.
    await expectingVisible(
      () =>
        callAws('UpdateEndpoint', () =>
          client.send(
            new sdk.UpdateEndpointCommand({
              EndpointName: endpointName,
              EndpointConfigName: endpointConfigName,
              ...(options.retainAllVariantProperties === true ? { RetainAllVariantProperties: true } : {}),
              ...(options.deploymentConfig === undefined
                ? {}
                : { DeploymentConfig: toDeploymentConfig(options.deploymentConfig) }),
            }),
          ),
        ),
      // The config the rollout created just before (a missing endpoint is another message).
      /^Could not find endpoint configuration /,
    );
  }

  async updateWeights(endpointName: string, weights: VariantWeight[]): Promise<void> {
    const [client, sdk] = await this.sdk();
    await callAws('UpdateEndpointWeightsAndCapacities', () =>
      client.send(
        new sdk.UpdateEndpointWeightsAndCapacitiesCommand({
          EndpointName: endpointName,
          DesiredWeightsAndCapacities: weights.map((w) => ({
            VariantName: w.variantName,
            DesiredWeight: w.weight,
            ...(w.desiredInstanceCount === undefined ? {} : { DesiredInstanceCount: w.desiredInstanceCount }),
          })),
        }),
      ),
    );
  }

  async deleteEndpointConfig(endpointConfigName: string): Promise<'deleted' | 'absent'> {
    const [client, sdk] = await this.sdk();
    return callAws(
      'DeleteEndpointConfig',
      async () => {
        await client.send(new sdk.DeleteEndpointConfigCommand({ EndpointConfigName: endpointConfigName }));
        return 'deleted' as const;
      },
      { 'not-found': 'absent' as const },
    );
  }

  async deleteModel(modelName: string): Promise<'deleted' | 'absent'> {
    const [client, sdk] = await this.sdk();
    return callAws(
      'DeleteModel',
      async () => {
        await client.send(new sdk.DeleteModelCommand({ ModelName: modelName }));
        return 'deleted' as const;
      },
      { 'not-found': 'absent' as const },
    );
  }
}

function toAwsTags(tags: readonly Tag[]): { Key: string; Value: string }[] {
  return tags.map((tag) => ({ Key: tag.key, Value: tag.value }));
}

function toEndpointState(output: DescribeEndpointOutput): EndpointState {
  return definedOnly({
    endpointName: required('DescribeEndpoint', 'EndpointName', output.EndpointName),
    status: required('DescribeEndpoint', 'EndpointStatus', output.EndpointStatus),
    endpointConfigName: required('DescribeEndpoint', 'EndpointConfigName', output.EndpointConfigName),
    failureReason: output.FailureReason,
    variants: (output.ProductionVariants ?? []).map((variant) =>
      definedOnly({
        variantName: required('DescribeEndpoint', 'VariantName', variant.VariantName),
        currentWeight: variant.CurrentWeight,
        desiredWeight: variant.DesiredWeight,
        currentInstanceCount: variant.CurrentInstanceCount,
        desiredInstanceCount: variant.DesiredInstanceCount,
      }),
    ),
    pendingDeployment:
      output.PendingDeploymentSummary === undefined
        ? undefined
        : toPendingDeployment(output.PendingDeploymentSummary),
  });
}

/** PendingDeploymentSummary: "only returned when the endpoint is creating or updating with a new endpoint configuration". */
function toPendingDeployment(summary: PendingDeploymentSummary): PendingDeploymentState {
  return definedOnly({
    endpointConfigName: required(
      'DescribeEndpoint',
      'PendingDeploymentSummary.EndpointConfigName',
      summary.EndpointConfigName,
    ),
    startTime: summary.StartTime?.getTime(),
    variants: (summary.ProductionVariants ?? []).map((variant) =>
      definedOnly({
        variantName: required(
          'DescribeEndpoint',
          'PendingDeploymentSummary VariantName',
          variant.VariantName,
        ),
        statuses: (variant.VariantStatus ?? []).map((status) =>
          definedOnly({
            status: required('DescribeEndpoint', 'VariantStatus.Status', status.Status),
            startTime: status.StartTime?.getTime(),
            message: status.StatusMessage,
          }),
        ),
        currentWeight: variant.CurrentWeight,
        desiredWeight: variant.DesiredWeight,
        currentInstanceCount: variant.CurrentInstanceCount,
        desiredInstanceCount: variant.DesiredInstanceCount,
      }),
    ),
  });
}

/**
 * The port's NativeDeploymentConfig as UpdateEndpoint's DeploymentConfig (API reference: DeploymentConfig,
 * BlueGreenUpdatePolicy, TrafficRoutingConfig, CapacitySize, RollingUpdatePolicy, AutoRollbackConfig with
 * Alarms [{AlarmName}]). An empty alarm list sends no AutoRollbackConfiguration: Alarms takes 1 to 10 items.
 */
export function toDeploymentConfig(config: NativeDeploymentConfig): DeploymentConfig {
  const size = (s: NativeCapacitySize): CapacitySize => ({ Type: s.type, Value: s.value });
  const { blueGreen, rolling } = config;
  return definedOnly({
    BlueGreenUpdatePolicy:
      blueGreen === undefined
        ? undefined
        : definedOnly({
            TrafficRoutingConfiguration: definedOnly({
              Type: blueGreen.trafficRouting.type,
              WaitIntervalInSeconds: blueGreen.trafficRouting.waitIntervalInSeconds,
              CanarySize: blueGreen.trafficRouting.canarySize && size(blueGreen.trafficRouting.canarySize),
              LinearStepSize:
                blueGreen.trafficRouting.linearStepSize && size(blueGreen.trafficRouting.linearStepSize),
            }),
            TerminationWaitInSeconds: blueGreen.terminationWaitInSeconds,
            MaximumExecutionTimeoutInSeconds: blueGreen.maximumExecutionTimeoutInSeconds,
          }),
    RollingUpdatePolicy:
      rolling === undefined
        ? undefined
        : definedOnly({
            MaximumBatchSize: size(rolling.maximumBatchSize),
            WaitIntervalInSeconds: rolling.waitIntervalInSeconds,
            MaximumExecutionTimeoutInSeconds: rolling.maximumExecutionTimeoutInSeconds,
            RollbackMaximumBatchSize:
              rolling.rollbackMaximumBatchSize && size(rolling.rollbackMaximumBatchSize),
          }),
    AutoRollbackConfiguration:
      config.autoRollbackAlarms.length === 0
        ? undefined
        : { Alarms: config.autoRollbackAlarms.map((alarmName) => ({ AlarmName: alarmName })) },
  });
}

function toEndpointConfigState(output: DescribeEndpointConfigOutput): EndpointConfigState {
  // Every config-level member CreateEndpointConfig takes, but the name, variants and tags (built anew)
  // and the two stepwise rollouts refuse (AsyncInferenceConfig, ShadowProductionVariants): without
  // them the candidate would run with different capture, encryption, metrics, network or role.
  // VpcConfig, EnableNetworkIsolation and ExecutionRoleArn at config level apply to inference-component
  // endpoints (a model-based variant takes them from its model); they are copied when present all the same.
  const extra = definedOnly({
    DataCaptureConfig: output.DataCaptureConfig,
    KmsKeyId: output.KmsKeyId,
    MetricsConfig: output.MetricsConfig,
    VpcConfig: output.VpcConfig,
    EnableNetworkIsolation: output.EnableNetworkIsolation,
    ExecutionRoleArn: output.ExecutionRoleArn,
    ExplainerConfig: output.ExplainerConfig,
  });
  return definedOnly({
    endpointConfigName: required('DescribeEndpointConfig', 'EndpointConfigName', output.EndpointConfigName),
    endpointConfigArn: output.EndpointConfigArn,
    variants: (output.ProductionVariants ?? []).map(toVariantSpec),
    hasShadowVariants: (output.ShadowProductionVariants ?? []).length > 0,
    hasAsyncInference: output.AsyncInferenceConfig !== undefined,
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

function toVariantSpec(variant: ProductionVariant): ProductionVariantSpec {
  // Everything we do not name (ServerlessConfig included) rides along in `extra` under AWS's own field
  // names, so a config derived from this one keeps every setting of the variant.
  const { VariantName, ModelName, InstanceType, InitialInstanceCount, InitialVariantWeight, ...rest } =
    variant;
  const variantName = required('DescribeEndpointConfig', 'VariantName', VariantName);
  if (ModelName === undefined) {
    // Inference-component endpoints have variants without a model; traffic there moves per component.
    throw new SmRolloutError(
      'ENDPOINT_UNSUPPORTED',
      `variant ${variantName} has no ModelName (an inference-component endpoint); sm-rollout shifts traffic between model variants only`,
    );
  }
  const extra = definedOnly(rest);
  return definedOnly({
    variantName,
    modelName: ModelName,
    instanceType: InstanceType,
    initialInstanceCount: InitialInstanceCount,
    // SageMaker's documented default when the weight is omitted.
    initialVariantWeight: InitialVariantWeight ?? 1,
    serverless: rest.ServerlessConfig !== undefined,
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

function toProductionVariant(spec: ProductionVariantSpec): ProductionVariant {
  return {
    // `extra` holds fields read from DescribeEndpointConfig under AWS's names; the named fields go last so
    // the spec, not a stale copy, decides variant, model, instances and weight.
    ...(spec.extra as Partial<ProductionVariant> | undefined),
    ...definedOnly({
      VariantName: spec.variantName,
      ModelName: spec.modelName,
      InstanceType: spec.instanceType as ProductionVariant['InstanceType'],
      InitialInstanceCount: spec.initialInstanceCount,
      InitialVariantWeight: spec.initialVariantWeight,
    }),
  };
}

function toModelState(output: DescribeModelOutput, modelName: string): ModelState {
  const containers = output.Containers?.length
    ? output.Containers
    : output.PrimaryContainer
      ? [output.PrimaryContainer]
      : [];
  const fromPackage = containers.find((c) => c.ModelPackageName)?.ModelPackageName;
  const vpc = output.VpcConfig;
  return definedOnly({
    modelName,
    modelArn: output.ModelArn,
    modelPackageArn: fromPackage,
    vpcConfig:
      vpc?.SecurityGroupIds && vpc.Subnets
        ? { SecurityGroupIds: [...vpc.SecurityGroupIds], Subnets: [...vpc.Subnets] }
        : undefined,
    enableNetworkIsolation: output.EnableNetworkIsolation,
    containerCount: containers.length,
    // An inference pipeline's environments belong to its several containers; a package model has one.
    environment: containers.length === 1 ? containers[0]?.Environment : undefined,
  });
}

function packageEnvironment(output: DescribeModelPackageOutput): Record<string, string> | undefined {
  const environments = (output.InferenceSpecification?.Containers ?? []).flatMap((c) =>
    c.Environment ? [c.Environment] : [],
  );
  return environments.length > 0 ? Object.assign({}, ...environments) : undefined;
}

function toModelPackageState(output: DescribeModelPackageOutput, requestedArn: string): ModelPackageState {
  const supported = output.InferenceSpecification?.SupportedRealtimeInferenceInstanceTypes;
  return definedOnly({
    supportedRealtimeInstanceTypes: supported?.length ? [...supported] : undefined,
    environment: packageEnvironment(output),
    modelPackageArn: output.ModelPackageArn ?? requestedArn,
    modelPackageGroupName: output.ModelPackageGroupName,
    modelPackageVersion: output.ModelPackageVersion,
    // Unversioned (Marketplace-style) packages have no approval status; treating them as not yet approved
    // keeps the "only Approved packages deploy" rule without a special case upstream.
    approvalStatus: output.ModelApprovalStatus ?? 'PendingManualApproval',
    status: required('DescribeModelPackage', 'ModelPackageStatus', output.ModelPackageStatus),
  });
}

/**
 * Inference components over the SageMaker API. UpdateInferenceComponent always carries a
 * DeploymentConfig with a RollingUpdatePolicy: without one SageMaker replaces every copy at once
 * (blue/green), which no rollout asks for.
 */
export class SageMakerInferenceComponentControl implements InferenceComponentControl {
  constructor(private readonly client: ClientSource<SageMakerClient>) {}

  /** The client and the commands, imported on the first call (lazy-sagemaker.ts). */
  private sdk() {
    return clientWith(this.client, () => import('./lazy-sagemaker.js'));
  }

  async describeInferenceComponent(
    inferenceComponentName: string,
  ): Promise<InferenceComponentState | undefined> {
    const [client, sdk] = await this.sdk();
    const output = await callAws(
      'DescribeInferenceComponent',
      () =>
        client.send(
          new sdk.DescribeInferenceComponentCommand({ InferenceComponentName: inferenceComponentName }),
        ),
      { 'not-found': undefined },
    );
    return output && toInferenceComponentState(output);
  }

  async listInferenceComponents(endpointName: string): Promise<InferenceComponentSummary[]> {
    const [client, sdk] = await this.sdk();
    const summaries: InferenceComponentSummary[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await callAws('ListInferenceComponents', () =>
        client.send(
          new sdk.ListInferenceComponentsCommand({
            EndpointNameEquals: endpointName,
            SortBy: 'Name',
            SortOrder: 'Ascending',
            MaxResults: 100,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
        ),
      );
      for (const item of output.InferenceComponents ?? []) {
        summaries.push(
          definedOnly({
            inferenceComponentName: required(
              'ListInferenceComponents',
              'InferenceComponentName',
              item.InferenceComponentName,
            ),
            inferenceComponentArn: required(
              'ListInferenceComponents',
              'InferenceComponentArn',
              item.InferenceComponentArn,
            ),
            endpointName: required('ListInferenceComponents', 'EndpointName', item.EndpointName),
            variantName: item.VariantName,
            status: required(
              'ListInferenceComponents',
              'InferenceComponentStatus',
              item.InferenceComponentStatus,
            ),
          }),
        );
      }
      nextToken = output.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
    return summaries;
  }

  async updateInferenceComponent(request: UpdateInferenceComponentRequest): Promise<void> {
    const [client, sdk] = await this.sdk();
    await callAws('UpdateInferenceComponent', () =>
      client.send(
        new sdk.UpdateInferenceComponentCommand({
          InferenceComponentName: request.inferenceComponentName,
          Specification: toAwsSpecification(request.specification),
          ...(request.copyCount === undefined ? {} : { RuntimeConfig: { CopyCount: request.copyCount } }),
          DeploymentConfig: {
            RollingUpdatePolicy: toAwsRollingUpdate(request.rollingUpdate),
            // AutoRollbackConfig.Alarms has 1 to 10 members: no alarms, no AutoRollbackConfiguration.
            ...(request.autoRollbackAlarms.length === 0
              ? {}
              : {
                  AutoRollbackConfiguration: {
                    Alarms: request.autoRollbackAlarms.map((AlarmName) => ({ AlarmName })),
                  },
                }),
          },
        }),
      ),
    );
  }
}

function toAwsCapacity(size: InferenceComponentCapacitySize): AwsCapacitySize {
  return { Type: size.type, Value: size.value };
}

function fromAwsCapacity(size: AwsCapacitySize): InferenceComponentCapacitySize {
  return {
    type: required('DescribeInferenceComponent', 'CapacitySize.Type', size.Type),
    value: required('DescribeInferenceComponent', 'CapacitySize.Value', size.Value),
  };
}

function toAwsRollingUpdate(policy: InferenceComponentRollingUpdate) {
  return definedOnly({
    MaximumBatchSize: toAwsCapacity(policy.maximumBatchSize),
    WaitIntervalInSeconds: policy.waitIntervalInSeconds,
    MaximumExecutionTimeoutInSeconds: policy.maximumExecutionTimeoutInSeconds,
    RollbackMaximumBatchSize:
      policy.rollbackMaximumBatchSize === undefined
        ? undefined
        : toAwsCapacity(policy.rollbackMaximumBatchSize),
  });
}

function toAwsComputeResources(
  resources: InferenceComponentComputeResources,
): InferenceComponentComputeResourceRequirements {
  return definedOnly({
    NumberOfCpuCoresRequired: resources.numberOfCpuCoresRequired,
    NumberOfAcceleratorDevicesRequired: resources.numberOfAcceleratorDevicesRequired,
    MinMemoryRequiredInMb: resources.minMemoryRequiredInMb,
    MaxMemoryRequiredInMb: resources.maxMemoryRequiredInMb,
  });
}

/** The port's specification as the API takes it: its `extra` members (AWS's names) go through unchanged. */
function toAwsSpecification(spec: InferenceComponentSpecificationState): InferenceComponentSpecification {
  return {
    ...(spec.extra ?? {}),
    ...definedOnly({
      ModelName: spec.modelName,
      ComputeResourceRequirements:
        spec.computeResourceRequirements === undefined
          ? undefined
          : toAwsComputeResources(spec.computeResourceRequirements),
    }),
  } as InferenceComponentSpecification;
}

function toInferenceComponentState(output: DescribeInferenceComponentOutput): InferenceComponentState {
  const op = 'DescribeInferenceComponent';
  const { ModelName, ComputeResourceRequirements, ...extra } = output.Specification ?? {};
  const resources = ComputeResourceRequirements;
  const policy = output.LastDeploymentConfig?.RollingUpdatePolicy;
  return definedOnly({
    inferenceComponentName: required(op, 'InferenceComponentName', output.InferenceComponentName),
    inferenceComponentArn: required(op, 'InferenceComponentArn', output.InferenceComponentArn),
    endpointName: required(op, 'EndpointName', output.EndpointName),
    variantName: output.VariantName,
    status: required(op, 'InferenceComponentStatus', output.InferenceComponentStatus),
    failureReason: output.FailureReason,
    specification: definedOnly({
      modelName: ModelName,
      computeResourceRequirements:
        resources === undefined
          ? undefined
          : definedOnly({
              numberOfCpuCoresRequired: resources.NumberOfCpuCoresRequired,
              numberOfAcceleratorDevicesRequired: resources.NumberOfAcceleratorDevicesRequired,
              minMemoryRequiredInMb: required(op, 'MinMemoryRequiredInMb', resources.MinMemoryRequiredInMb),
              maxMemoryRequiredInMb: resources.MaxMemoryRequiredInMb,
            }),
      extra: Object.keys(extra).length === 0 ? undefined : (extra as Record<string, unknown>),
    }),
    desiredCopyCount: output.RuntimeConfig?.DesiredCopyCount,
    currentCopyCount: output.RuntimeConfig?.CurrentCopyCount,
    lastDeployment:
      policy === undefined
        ? undefined
        : {
            rollingUpdate: definedOnly({
              maximumBatchSize: fromAwsCapacity(required(op, 'MaximumBatchSize', policy.MaximumBatchSize)),
              waitIntervalInSeconds: required(op, 'WaitIntervalInSeconds', policy.WaitIntervalInSeconds),
              maximumExecutionTimeoutInSeconds: policy.MaximumExecutionTimeoutInSeconds,
              rollbackMaximumBatchSize:
                policy.RollbackMaximumBatchSize === undefined
                  ? undefined
                  : fromAwsCapacity(policy.RollbackMaximumBatchSize),
            }),
            autoRollbackAlarms: (
              output.LastDeploymentConfig?.AutoRollbackConfiguration?.Alarms ?? []
            ).flatMap((a) => (a.AlarmName === undefined ? [] : [a.AlarmName])),
          },
    creationTime: required(op, 'CreationTime', output.CreationTime).getTime(),
    lastModifiedTime: required(op, 'LastModifiedTime', output.LastModifiedTime).getTime(),
  });
}
