// EndpointControl over the SageMaker API: reads endpoints, configs and model packages into the ports' shapes,
// and creates, switches and deletes what a rollout needs, following the ports' idempotency conventions.

import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type DescribeEndpointConfigOutput,
  type DescribeEndpointOutput,
  type DescribeModelPackageOutput,
  type ProductionVariant,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type {
  CreateEndpointConfigRequest,
  CreateModelRequest,
  EndpointConfigState,
  EndpointControl,
  EndpointState,
  ModelPackageState,
  ProductionVariantSpec,
  Tag,
  VariantWeight,
  ModelState,
} from '../engine/ports';
import { SmRolloutError } from '../errors';
import { callAws } from './classify-error';

export class SageMakerEndpointControl implements EndpointControl {
  constructor(private readonly client: SageMakerClient) {}

  async describeEndpoint(endpointName: string): Promise<EndpointState | undefined> {
    const output = await callAws(
      'DescribeEndpoint',
      () => this.client.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
      { 'not-found': undefined },
    );
    return output && toEndpointState(output);
  }

  async describeEndpointConfig(endpointConfigName: string): Promise<EndpointConfigState | undefined> {
    const output = await callAws(
      'DescribeEndpointConfig',
      () => this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName })),
      { 'not-found': undefined },
    );
    return output && toEndpointConfigState(output);
  }

  async describeModelPackage(modelPackageArn: string): Promise<ModelPackageState | undefined> {
    const output = await callAws(
      'DescribeModelPackage',
      () => this.client.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn })),
      { 'not-found': undefined },
    );
    return output && toModelPackageState(output, modelPackageArn);
  }

  async describeModel(modelName: string): Promise<ModelState | undefined> {
    return callAws(
      'DescribeModel',
      async () => {
        const output = await this.client.send(new DescribeModelCommand({ ModelName: modelName }));
        const fromPackage =
          output.PrimaryContainer?.ModelPackageName ??
          output.Containers?.find((c) => c.ModelPackageName)?.ModelPackageName;
        return { modelName, ...(fromPackage ? { modelPackageArn: fromPackage } : {}) };
      },
      { 'not-found': undefined },
    );
  }

  async createModel(request: CreateModelRequest): Promise<'created' | 'exists'> {
    return callAws(
      'CreateModel',
      async () => {
        await this.client.send(
          new CreateModelCommand({
            ModelName: request.modelName,
            // The package carries image, model data and environment; SageMaker resolves them itself.
            Containers: [{ ModelPackageName: request.modelPackageArn }],
            ExecutionRoleArn: request.executionRoleArn,
            Tags: toAwsTags(request.tags),
          }),
        );
        return 'created' as const;
      },
      { 'already-exists': 'exists' as const },
    );
  }

  async createEndpointConfig(request: CreateEndpointConfigRequest): Promise<'created' | 'exists'> {
    return callAws(
      'CreateEndpointConfig',
      async () => {
        await this.client.send(
          new CreateEndpointConfigCommand({
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

  async updateEndpoint(endpointName: string, endpointConfigName: string): Promise<void> {
    // Deliberately no RetainAllVariantProperties & co.: the new config is the whole truth, so what the
    // endpoint serves is exactly what DescribeEndpointConfig of that config says.
    await callAws('UpdateEndpoint', () =>
      this.client.send(
        new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: endpointConfigName }),
      ),
    );
  }

  async updateWeights(endpointName: string, weights: VariantWeight[]): Promise<void> {
    await callAws('UpdateEndpointWeightsAndCapacities', () =>
      this.client.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({
          EndpointName: endpointName,
          DesiredWeightsAndCapacities: weights.map((w) => ({
            VariantName: w.variantName,
            DesiredWeight: w.weight,
          })),
        }),
      ),
    );
  }

  async deleteEndpointConfig(endpointConfigName: string): Promise<'deleted' | 'absent'> {
    return callAws(
      'DeleteEndpointConfig',
      async () => {
        await this.client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: endpointConfigName }));
        return 'deleted' as const;
      },
      { 'not-found': 'absent' as const },
    );
  }

  async deleteModel(modelName: string): Promise<'deleted' | 'absent'> {
    return callAws(
      'DeleteModel',
      async () => {
        await this.client.send(new DeleteModelCommand({ ModelName: modelName }));
        return 'deleted' as const;
      },
      { 'not-found': 'absent' as const },
    );
  }
}

/** A field AWS documents as always present; its absence means we cannot reason about the resource. */
function required<T>(operation: string, field: string, value: T | undefined): T {
  if (value === undefined) {
    throw new SmRolloutError('AWS_ERROR', `${operation} failed: the response has no ${field}`);
  }
  return value;
}

/** Drops undefined members, so requests carry only what was set and states only what AWS reported. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
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
  });
}

function toEndpointConfigState(output: DescribeEndpointConfigOutput): EndpointConfigState {
  // Everything config-level that a derived config must keep, or the candidate would run with a
  // different network, encryption, role or capture setup than the baseline.
  const extra = definedOnly({
    DataCaptureConfig: output.DataCaptureConfig,
    KmsKeyId: output.KmsKeyId,
    VpcConfig: output.VpcConfig,
    EnableNetworkIsolation: output.EnableNetworkIsolation,
    ExecutionRoleArn: output.ExecutionRoleArn,
    ExplainerConfig: output.ExplainerConfig,
  });
  return definedOnly({
    endpointConfigName: required('DescribeEndpointConfig', 'EndpointConfigName', output.EndpointConfigName),
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

function toModelPackageState(output: DescribeModelPackageOutput, requestedArn: string): ModelPackageState {
  return definedOnly({
    modelPackageArn: output.ModelPackageArn ?? requestedArn,
    modelPackageGroupName: output.ModelPackageGroupName,
    modelPackageVersion: output.ModelPackageVersion,
    // Unversioned (Marketplace-style) packages have no approval status; treating them as not yet approved
    // keeps the "only Approved packages deploy" rule without a special case upstream.
    approvalStatus: output.ModelApprovalStatus ?? 'PendingManualApproval',
    status: required('DescribeModelPackage', 'ModelPackageStatus', output.ModelPackageStatus),
  });
}
