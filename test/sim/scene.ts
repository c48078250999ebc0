// A ready-made scene for the simulated cloud's tests: one endpoint serving a healthy baseline model,
// and the steps a stepwise rollout takes to put a candidate next to it.
import type { ModelBehaviour, SimCloud, SimCloudOptions } from '../../src/sim';
import { createSimCloud } from '../../src/sim';

export const ENDPOINT = 'fraud-detector';
export const BASELINE_VARIANT = 'AllTraffic';
export const CANDIDATE_VARIANT = 'candidate';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/SageMakerExecution';
export const MINUTE = 60_000;

export interface Scene {
  cloud: SimCloud;
  baselinePackage: string;
  candidatePackage: string;
}

export function sceneWithEndpoint(
  options: SimCloudOptions & { candidate?: ModelBehaviour; baseline?: ModelBehaviour } = {},
): Scene {
  const cloud = createSimCloud(options);
  const baselinePackage = cloud.registerModelPackage({
    groupName: 'fraud',
    approvalStatus: 'Approved',
    behaviour: options.baseline ?? { errorRate: 0, latencyMs: 40 },
  });
  const candidatePackage = cloud.registerModelPackage({
    groupName: 'fraud',
    approvalStatus: 'PendingManualApproval',
    behaviour: options.candidate ?? { errorRate: 0, latencyMs: 40 },
  });
  cloud.createEndpoint({ endpointName: ENDPOINT, modelPackageArn: baselinePackage });
  return { cloud, baselinePackage, candidatePackage };
}

/** CreateModel for the candidate and CreateEndpointConfig "transition": baseline + candidate at weight 0. */
export async function createTransitionConfig(
  scene: Scene,
  configName = 'fraud-detector-transition',
): Promise<string> {
  const { cloud, candidatePackage } = scene;
  await cloud.sagemaker.createModel({
    modelName: 'fraud-detector-candidate',
    modelPackageArn: candidatePackage,
    executionRoleArn: ROLE_ARN,
    tags: [],
  });
  await cloud.sagemaker.createEndpointConfig({
    endpointConfigName: configName,
    variants: [
      {
        variantName: BASELINE_VARIANT,
        modelName: `${ENDPOINT}-model-0`,
        instanceType: 'ml.m5.large',
        initialInstanceCount: 1,
        initialVariantWeight: 1,
      },
      {
        variantName: CANDIDATE_VARIANT,
        modelName: 'fraud-detector-candidate',
        instanceType: 'ml.m5.large',
        initialInstanceCount: 1,
        initialVariantWeight: 0,
      },
    ],
    tags: [],
  });
  return configName;
}

/** Puts the endpoint on the transition config and waits (in simulated time) until it is InService. */
export async function deployTransition(scene: Scene): Promise<void> {
  const config = await createTransitionConfig(scene);
  await scene.cloud.sagemaker.updateEndpoint(ENDPOINT, config);
  scene.cloud.clock.advanceBy(10 * MINUTE);
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}

export const SCALED_ENDPOINT = 'payments-scorer';
export const SCALED_VARIANT = 'primary';
export const SCALED_INSTANCE_TYPE = 'ml.c5.xlarge';

/**
 * A production-like endpoint with auto scaling: VPC model, data capture, KMS, tags, two instances of
 * ml.c5.xlarge, registered as a scalable target (1 to 8 instances) with no policy yet. The clock
 * stands at a minute boundary (09:00), so a rate set now applies to whole minutes.
 */
export async function sceneWithScaledEndpoint(
  options: SimCloudOptions & { minCapacity?: number; maxCapacity?: number } = {},
): Promise<Scene> {
  const { minCapacity = 1, maxCapacity = 8, ...cloudOptions } = options;
  const cloud = createSimCloud(cloudOptions);
  const baselinePackage = cloud.registerModelPackage({
    groupName: 'payments',
    approvalStatus: 'Approved',
    behaviour: { errorRate: 0, latencyMs: 35 },
  });
  const candidatePackage = cloud.registerModelPackage({
    groupName: 'payments',
    approvalStatus: 'PendingManualApproval',
    behaviour: { errorRate: 0, latencyMs: 35 },
  });
  cloud.createEndpoint({
    endpointName: SCALED_ENDPOINT,
    modelPackageArn: baselinePackage,
    variantName: SCALED_VARIANT,
    instanceType: SCALED_INSTANCE_TYPE,
    instanceCount: 2,
    configExtra: {
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/0d6a4b1e-4c5f-4a7e-9a63-3c1f8e2b7d10',
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: 's3://payments-capture/scorer',
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
    },
    variantExtra: { VolumeSizeInGB: 30 },
    configTags: [{ key: 'team', value: 'payments' }],
    model: {
      vpcConfig: { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-1a', 'subnet-1b'] },
      enableNetworkIsolation: true,
      tags: [{ key: 'team', value: 'payments' }],
    },
  });
  await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
    minCapacity,
    maxCapacity,
    suspended: {
      dynamicScalingInSuspended: false,
      dynamicScalingOutSuspended: false,
      scheduledScalingSuspended: false,
    },
  });
  return { cloud, baselinePackage, candidatePackage };
}
