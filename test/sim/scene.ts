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
