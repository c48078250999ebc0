// Simulated SageMaker: endpoint updates, weights, SageMaker's validation rules, endpoint events, violations.
import type { EndpointStateChangeEvent } from '../../src/sim';
import { createSimCloud } from '../../src/sim';
import type { SimCloud } from '../../src/sim';
import {
  SCALED_ENDPOINT,
  SCALED_INSTANCE_TYPE,
  SCALED_VARIANT,
  sceneWithScaledEndpoint,
  BASELINE_VARIANT,
  CANDIDATE_VARIANT,
  ENDPOINT,
  MINUTE,
  ROLE_ARN,
  createTransitionConfig,
  deployTransition,
  rejectionOf,
  sceneWithEndpoint,
} from './scene';

const ENDPOINT_ARN = `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`;

function endpointEvents(events: readonly { 'detail-type': string }[]) {
  return events.filter(
    (e): e is EndpointStateChangeEvent => e['detail-type'] === 'SageMaker Endpoint State Change',
  );
}

describe('simulated SageMaker: the starting endpoint', () => {
  it('is InService with a model and config made for it, one variant at weight 1', async () => {
    const { cloud, baselinePackage } = sceneWithEndpoint();
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toEqual({
      endpointName: ENDPOINT,
      status: 'InService',
      endpointConfigName: `${ENDPOINT}-config-0`,
      variants: [
        {
          variantName: 'AllTraffic',
          currentWeight: 1,
          desiredWeight: 1,
          currentInstanceCount: 1,
          desiredInstanceCount: 1,
        },
      ],
    });
    expect(await cloud.sagemaker.describeEndpointConfig(`${ENDPOINT}-config-0`)).toEqual({
      endpointConfigName: `${ENDPOINT}-config-0`,
      endpointConfigArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${ENDPOINT}-config-0`,
      variants: [
        {
          variantName: 'AllTraffic',
          modelName: `${ENDPOINT}-model-0`,
          instanceType: 'ml.m5.large',
          initialInstanceCount: 1,
          initialVariantWeight: 1,
          serverless: false,
        },
      ],
      hasShadowVariants: false,
      hasAsyncInference: false,
    });
    expect(cloud.modelNames()).toEqual([`${ENDPOINT}-model-0`]);
    expect(await cloud.sagemaker.describeModelPackage(baselinePackage)).toEqual({
      modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/1',
      modelPackageGroupName: 'fraud',
      modelPackageVersion: 1,
      approvalStatus: 'Approved',
      status: 'Completed',
    });
  });

  it('reports what does not exist as a value, not an error', async () => {
    const { cloud } = sceneWithEndpoint();
    expect(await cloud.sagemaker.describeEndpoint('no-such-endpoint')).toBeUndefined();
    expect(await cloud.sagemaker.describeEndpointConfig('no-such-config')).toBeUndefined();
    expect(
      await cloud.sagemaker.describeModelPackage(
        'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/99',
      ),
    ).toBeUndefined();
    expect(await cloud.sagemaker.describeModel('no-such-model')).toBeUndefined();
    expect(await cloud.sagemaker.deleteEndpointConfig('no-such-config')).toBe('absent');
    expect(await cloud.sagemaker.deleteModel('no-such-model')).toBe('absent');
  });

  it('describes serverless and shadow endpoints so a rollout can refuse them', async () => {
    const cloud = createSimCloud();
    cloud.createEndpoint({ endpointName: 'serverless-ep', serverless: true });
    cloud.createEndpoint({
      endpointName: 'shadow-ep',
      configExtra: { ShadowProductionVariants: [{ VariantName: 's' }] },
    });
    const serverless = await cloud.sagemaker.describeEndpointConfig('serverless-ep-config-0');
    expect(serverless?.variants[0]).toMatchObject({
      serverless: true,
      extra: { ServerlessConfig: expect.any(Object) },
    });
    expect((await cloud.sagemaker.describeEndpointConfig('shadow-ep-config-0'))?.hasShadowVariants).toBe(
      true,
    );
  });
});

describe('simulated SageMaker: UpdateEndpoint', () => {
  it('keeps the endpoint Updating for about 6 minutes on its old config, then InService on the new one', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);

    const during = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(during?.status).toBe('Updating');
    expect(during?.endpointConfigName).toBe(`${ENDPOINT}-config-0`);
    expect(cloud.endpoint(ENDPOINT)?.pendingEndpointConfigName).toBe(config);

    cloud.clock.advanceBy(4.8 * MINUTE - 1);
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('Updating');
    cloud.clock.advanceBy(2.4 * MINUTE + 1);
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toEqual({
      endpointName: ENDPOINT,
      status: 'InService',
      endpointConfigName: config,
      variants: [
        {
          variantName: BASELINE_VARIANT,
          currentWeight: 1,
          desiredWeight: 1,
          currentInstanceCount: 1,
          desiredInstanceCount: 1,
        },
        {
          variantName: CANDIDATE_VARIANT,
          currentWeight: 0,
          desiredWeight: 0,
          currentInstanceCount: 1,
          desiredInstanceCount: 1,
        },
      ],
    });
    expect(cloud.endpoint(ENDPOINT)?.variants.map((v) => v.modelName)).toEqual([
      `${ENDPOINT}-model-0`,
      'fraud-detector-candidate',
    ]);
  });

  it('an UpdateEndpoint during an update is refused with Cannot update in-progress endpoint', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);

    const error = await rejectionOf(cloud.sagemaker.updateEndpoint(ENDPOINT, `${ENDPOINT}-config-0`));
    expect(error.code).toBe('ENDPOINT_BUSY');
    // SageMaker's ValidationException, reported the way the aws adapter reports it.
    expect(error.message).toBe(
      `UpdateEndpoint refused while the endpoint is updating (ValidationException: Cannot update in-progress endpoint "${ENDPOINT_ARN}".); retry once it is InService`,
    );
    const weights = await rejectionOf(
      cloud.sagemaker.updateWeights(ENDPOINT, [{ variantName: BASELINE_VARIANT, weight: 1 }]),
    );
    expect(weights.code).toBe('ENDPOINT_BUSY');
    expect(cloud.calls.map((c) => [c.operation, c.outcome])).toEqual([
      ['CreateModel', 'created'],
      ['CreateEndpointConfig', 'created'],
      ['UpdateEndpoint', 'ok'],
      ['UpdateEndpoint', 'error'],
      ['UpdateEndpointWeightsAndCapacities', 'error'],
    ]);
  });

  it('refuses a config, model or endpoint that does not exist with SageMaker ValidationExceptions', async () => {
    const { cloud, candidatePackage } = sceneWithEndpoint();
    const noConfig = await rejectionOf(cloud.sagemaker.updateEndpoint(ENDPOINT, 'missing-config'));
    // Read as the adapter reads it: a config not found may be one SageMaker does not see yet.
    expect(noConfig).toMatchObject({
      code: 'NOT_YET_VISIBLE',
      message:
        'UpdateEndpoint failed: ValidationException: Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/missing-config". (SageMaker may not see a resource created moments ago yet; retry shortly)',
    });
    const noEndpoint = await rejectionOf(
      cloud.sagemaker.updateEndpoint('missing-endpoint', `${ENDPOINT}-config-0`),
    );
    expect(noEndpoint.message).toContain(
      'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/missing-endpoint"',
    );
    const noModel = await rejectionOf(
      cloud.sagemaker.createEndpointConfig({
        endpointConfigName: 'orphan-config',
        variants: [
          {
            variantName: 'v',
            modelName: 'ghost-model',
            instanceType: 'ml.m5.large',
            initialVariantWeight: 1,
          },
        ],
        tags: [],
      }),
    );
    expect(noModel).toMatchObject({
      code: 'NOT_YET_VISIBLE',
      message:
        'CreateEndpointConfig failed: ValidationException: Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/ghost-model". (SageMaker may not see a resource created moments ago yet; retry shortly)',
    });
    const noPackage = await rejectionOf(
      cloud.sagemaker.createModel({
        modelName: 'm',
        modelPackageArn: candidatePackage.replace(/\/2$/, '/7'),
        executionRoleArn: ROLE_ARN,
        tags: [],
      }),
    );
    expect(noPackage.code).toBe('AWS_ERROR');
  });

  it('enforces the 63-character name rule', async () => {
    const { cloud } = sceneWithEndpoint();
    const tooLong = await rejectionOf(cloud.sagemaker.updateEndpoint('e'.repeat(64), 'c'));
    expect(tooLong.code).toBe('AWS_ERROR');
    expect(tooLong.message).toMatch(
      /^UpdateEndpoint failed: ValidationException: .*Member must have length less than or equal to 63/,
    );
    const badPattern = await rejectionOf(
      cloud.sagemaker.createModel({
        modelName: 'under_score',
        modelPackageArn: 'x',
        executionRoleArn: ROLE_ARN,
        tags: [],
      }),
    );
    expect(badPattern.message).toContain(
      'Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}',
    );
    await expect(cloud.sagemaker.describeEndpoint(`${'a'.repeat(62)}-`)).rejects.toMatchObject({
      code: 'AWS_ERROR',
    });
    expect(await cloud.sagemaker.describeEndpoint('a'.repeat(63))).toBeUndefined();
  });

  it('answers exists when a model or endpoint config is created again, so every step can be retried', async () => {
    const scene = sceneWithEndpoint();
    await createTransitionConfig(scene);
    const { cloud, candidatePackage } = scene;
    expect(
      await cloud.sagemaker.createModel({
        modelName: 'fraud-detector-candidate',
        modelPackageArn: candidatePackage,
        executionRoleArn: ROLE_ARN,
        tags: [],
      }),
    ).toBe('exists');
    expect(
      await cloud.sagemaker.createEndpointConfig({
        endpointConfigName: 'fraud-detector-transition',
        variants: [
          {
            variantName: 'v',
            modelName: 'fraud-detector-candidate',
            instanceType: 'ml.m5.large',
            initialVariantWeight: 1,
          },
        ],
        tags: [],
      }),
    ).toBe('exists');
    expect(await cloud.sagemaker.describeModel('fraud-detector-candidate')).toMatchObject({
      modelName: 'fraud-detector-candidate',
      modelPackageArn: expect.stringContaining(':model-package/'),
    });
  });

  it('emits a SageMaker Endpoint State Change on every status change, spelled as EventBridge does', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    await deployTransition(scene);
    const events = endpointEvents(cloud.events);
    expect(events.map((e) => [e.time, e.detail.EndpointStatus, e.detail.EndpointConfigName])).toEqual([
      ['2026-01-15T09:00:00Z', 'IN_SERVICE', `${ENDPOINT}-config-0`],
      ['2026-01-15T09:00:00Z', 'UPDATING', `${ENDPOINT}-config-0`],
      [expect.stringMatching(/^2026-01-15T09:0[4-7]:\d\dZ$/), 'IN_SERVICE', 'fraud-detector-transition'],
    ]);
    const last = events.at(-1);
    expect(last).toMatchObject({
      version: '0',
      source: 'aws.sagemaker',
      account: '123456789012',
      region: 'us-east-1',
      resources: [ENDPOINT_ARN],
      detail: { EndpointName: ENDPOINT, EndpointArn: ENDPOINT_ARN, Tags: {} },
    });
    expect(last?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(typeof last?.detail.CreationTime).toBe('number');
  });
});

describe('simulated SageMaker: UpdateEndpointWeightsAndCapacities', () => {
  it('shows the new weights as DesiredWeight while Updating for about 30 s, then as CurrentWeight', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    await deployTransition(scene);
    await cloud.sagemaker.updateWeights(ENDPOINT, [
      { variantName: BASELINE_VARIANT, weight: 90 },
      { variantName: CANDIDATE_VARIANT, weight: 10 },
    ]);
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
      status: 'Updating',
      variants: [
        { variantName: BASELINE_VARIANT, currentWeight: 1, desiredWeight: 90 },
        { variantName: CANDIDATE_VARIANT, currentWeight: 0, desiredWeight: 10 },
      ],
    });
    cloud.clock.advanceBy(23_999);
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('Updating');
    cloud.clock.advanceBy(12_001);
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
      status: 'InService',
      variants: [
        { variantName: BASELINE_VARIANT, currentWeight: 90, desiredWeight: 90 },
        { variantName: CANDIDATE_VARIANT, currentWeight: 10, desiredWeight: 10 },
      ],
    });
    expect(cloud.servingHistory.at(-1)).toMatchObject({
      endpointName: ENDPOINT,
      configName: 'fraud-detector-transition',
      variants: [
        { variantName: BASELINE_VARIANT, modelName: `${ENDPOINT}-model-0`, weight: 90 },
        { variantName: CANDIDATE_VARIANT, modelName: 'fraud-detector-candidate', weight: 10 },
      ],
    });
  });

  it('refuses unknown variants and weights that would all be zero', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    await deployTransition(scene);
    const unknown = await rejectionOf(
      cloud.sagemaker.updateWeights(ENDPOINT, [{ variantName: 'blue', weight: 1 }]),
    );
    expect(unknown.code).toBe('AWS_ERROR');
    expect(unknown.message).toMatch(
      /^UpdateEndpointWeightsAndCapacities failed: ValidationException: .*"\[blue\]" is\/are not present/,
    );
    const allZero = await rejectionOf(
      cloud.sagemaker.updateWeights(ENDPOINT, [{ variantName: BASELINE_VARIANT, weight: 0 }]),
    );
    expect(allZero.code).toBe('AWS_ERROR');
    const negative = await rejectionOf(
      cloud.sagemaker.updateWeights(ENDPOINT, [{ variantName: CANDIDATE_VARIANT, weight: -1 }]),
    );
    expect(negative.code).toBe('AWS_ERROR');
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('InService');
  });
});

describe('simulated SageMaker: violations a correct controller never commits', () => {
  it('records deleting the config or model an endpoint uses or is updating to (SageMaker allows it)', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    expect(await cloud.sagemaker.deleteEndpointConfig(config)).toBe('deleted');
    expect(await cloud.sagemaker.deleteModel('fraud-detector-candidate')).toBe('deleted');
    expect(await cloud.sagemaker.deleteEndpointConfig(`${ENDPOINT}-config-0`)).toBe('deleted');
    expect(cloud.violations).toEqual([
      `2026-01-15T09:00:00Z DeleteEndpointConfig "${config}": endpoint "${ENDPOINT}" is updating to it`,
      `2026-01-15T09:00:00Z DeleteModel "fraud-detector-candidate": endpoint "${ENDPOINT}" is updating to a config that uses it`,
      `2026-01-15T09:00:00Z DeleteEndpointConfig "${ENDPOINT}-config-0": endpoint "${ENDPOINT}" is using it`,
    ]);
    // The deployment read its config when it started, so it still completes.
    cloud.clock.advanceBy(10 * MINUTE);
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.endpointConfigName).toBe(config);
  });

  it('records an endpoint left serving with every weight at 0', async () => {
    const { cloud } = sceneWithEndpoint();
    await cloud.sagemaker.createEndpointConfig({
      endpointConfigName: 'all-zero',
      variants: [
        {
          variantName: 'AllTraffic',
          modelName: `${ENDPOINT}-model-0`,
          instanceType: 'ml.m5.large',
          initialVariantWeight: 0,
        },
      ],
      tags: [],
    });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, 'all-zero');
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.violations).toEqual([
      expect.stringMatching(/endpoint "fraud-detector" is InService with all variant weights at 0/),
    ]);
  });
});

describe('simulated SageMaker: endpoints with auto scaling ("Update endpoints that use auto scaling")', () => {
  const SCALED_ARN = `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${SCALED_ENDPOINT}`;

  /** A model from the candidate package and a config of `variants` (name, instance type, count). */
  async function configWith(
    cloud: SimCloud,
    candidatePackage: string,
    name: string,
    variants: Array<{
      variantName: string;
      instanceType: string;
      count: number;
      model?: 'baseline' | 'candidate';
    }>,
  ): Promise<string> {
    await cloud.sagemaker.createModel({
      modelName: `${name}-model`,
      modelPackageArn: candidatePackage,
      executionRoleArn: ROLE_ARN,
      vpcConfig: { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-1a', 'subnet-1b'] },
      enableNetworkIsolation: true,
      tags: [],
    });
    const original = await cloud.sagemaker.describeEndpointConfig(`${SCALED_ENDPOINT}-config-0`);
    await cloud.sagemaker.createEndpointConfig({
      endpointConfigName: name,
      variants: variants.map((v) => ({
        variantName: v.variantName,
        modelName: v.model === 'baseline' ? `${SCALED_ENDPOINT}-model-0` : `${name}-model`,
        instanceType: v.instanceType,
        initialInstanceCount: v.count,
        initialVariantWeight: 1,
      })),
      ...(original?.extra === undefined ? {} : { extra: original.extra }),
      tags: [],
    });
    return name;
  }

  it('refuses an UpdateEndpoint that removes a registered variant or changes its instance type, changing nothing', async () => {
    const { cloud, candidatePackage } = await sceneWithScaledEndpoint();
    const renamed = await configWith(cloud, candidatePackage, 'renamed', [
      { variantName: 'candidate-r1', instanceType: SCALED_INSTANCE_TYPE, count: 2 },
    ]);
    const bigger = await configWith(cloud, candidatePackage, 'bigger', [
      { variantName: SCALED_VARIANT, instanceType: 'ml.c5.2xlarge', count: 2 },
    ]);
    const eventsBefore = cloud.events.length;
    for (const config of [renamed, bigger]) {
      const refused = await rejectionOf(cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, config));
      expect(refused.code).toBe('AWS_ERROR');
      expect(refused.message).toBe(
        `UpdateEndpoint failed: ValidationException: The production variant(s) [${SCALED_VARIANT}] of endpoint "${SCALED_ARN}" are registered as scalable targets with Application Auto Scaling; an update cannot remove them or change their instance type. Deregister them (DeregisterScalableTarget) before the update and register them again after it.`,
      );
    }
    expect(cloud.endpoint(SCALED_ENDPOINT)).toMatchObject({
      status: 'InService',
      endpointConfigName: `${SCALED_ENDPOINT}-config-0`,
    });
    expect(cloud.events).toHaveLength(eventsBefore);
    // Once the variant is deregistered (as the guide says to do first), the same update is accepted.
    await cloud.autoscaling.deregisterScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT);
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, bigger);
    expect(cloud.endpoint(SCALED_ENDPOINT)?.status).toBe('Updating');
  });

  it("accepts an update that only changes the registered variant's model, and one that adds a variant beside it", async () => {
    const { cloud, candidatePackage } = await sceneWithScaledEndpoint();
    const newModel = await configWith(cloud, candidatePackage, 'new-model', [
      { variantName: SCALED_VARIANT, instanceType: SCALED_INSTANCE_TYPE, count: 2 },
    ]);
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, newModel);
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.endpoint(SCALED_ENDPOINT)).toMatchObject({
      status: 'InService',
      endpointConfigName: newModel,
      variants: [{ variantName: SCALED_VARIANT, modelName: 'new-model-model' }],
    });
    const beside = await configWith(cloud, candidatePackage, 'with-candidate', [
      { variantName: SCALED_VARIANT, instanceType: SCALED_INSTANCE_TYPE, count: 2, model: 'baseline' },
      { variantName: 'candidate-r2', instanceType: 'ml.c5.2xlarge', count: 1 },
    ]);
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, beside);
    expect(cloud.endpoint(SCALED_ENDPOINT)?.status).toBe('Updating');
  });

  it("RetainAllVariantProperties keeps same-named variants' live instance count and weight; without it the new config's counts apply", async () => {
    const { cloud, candidatePackage } = await sceneWithScaledEndpoint();
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, SCALED_VARIANT, {
      minCapacity: 1,
      maxCapacity: 8,
      suspended: {
        dynamicScalingInSuspended: false,
        dynamicScalingOutSuspended: false,
        scheduledScalingSuspended: false,
      },
    });
    await cloud.autoscaling.putScheduledAction(SCALED_ENDPOINT, SCALED_VARIANT, {
      scheduledActionName: 'peak',
      schedule: 'at(2026-01-15T09:01:00)',
      scalableTargetAction: { minCapacity: 5 },
    });
    cloud.clock.advanceBy(2 * MINUTE);
    await cloud.sagemaker.updateWeights(SCALED_ENDPOINT, [{ variantName: SCALED_VARIANT, weight: 3 }]);
    cloud.clock.advanceBy(MINUTE);
    expect(cloud.endpoint(SCALED_ENDPOINT)?.variants[0]).toMatchObject({
      currentInstanceCount: 5,
      currentWeight: 3,
    });
    const retained = await configWith(cloud, candidatePackage, 'retained', [
      { variantName: SCALED_VARIANT, instanceType: SCALED_INSTANCE_TYPE, count: 2 },
    ]);
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, retained, { retainAllVariantProperties: true });
    expect(cloud.calls.at(-1)?.input).toEqual({
      EndpointName: SCALED_ENDPOINT,
      EndpointConfigName: retained,
      RetainAllVariantProperties: true,
    });
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.endpoint(SCALED_ENDPOINT)?.variants[0]).toMatchObject({
      modelName: 'retained-model',
      currentInstanceCount: 5,
      desiredInstanceCount: 5,
      currentWeight: 3,
      desiredWeight: 3,
    });

    // Without it: InitialInstanceCount 2 and weight 1 replace the live fleet, until auto scaling
    // brings the count back into its bounds a minute later.
    const reset = await configWith(cloud, candidatePackage, 'reset', [
      { variantName: SCALED_VARIANT, instanceType: SCALED_INSTANCE_TYPE, count: 2 },
    ]);
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, reset);
    let finished: { count?: number; weight: number } | undefined;
    cloud.onEvent((event) => {
      if (
        event['detail-type'] !== 'SageMaker Endpoint State Change' ||
        event.detail.EndpointConfigName !== reset
      )
        return;
      const variant = event.detail.ProductionVariants[0];
      finished ??= { count: variant?.CurrentInstanceCount, weight: variant?.CurrentWeight ?? -1 };
    });
    cloud.clock.advanceBy(10 * MINUTE);
    expect(finished).toEqual({ count: 2, weight: 1 });
    expect(cloud.scalingActivities.at(-1)).toMatchObject({
      fromCapacity: 2,
      toCapacity: 5,
      statusCode: 'Successful',
    });
  });

  it("retaining all properties at a promotion keeps the weight 0 the variant had; ExcludeRetainedVariantProperties DesiredWeight takes the config's weight", async () => {
    for (const exclude of [false, true]) {
      const { cloud, candidatePackage } = await sceneWithScaledEndpoint();
      // Transition: the scaled variant on the old model plus a candidate, then all traffic on the candidate.
      const transition = await configWith(cloud, candidatePackage, 'transition', [
        { variantName: SCALED_VARIANT, instanceType: SCALED_INSTANCE_TYPE, count: 2, model: 'baseline' },
        { variantName: 'candidate-r1', instanceType: SCALED_INSTANCE_TYPE, count: 1 },
      ]);
      await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, transition, { retainAllVariantProperties: true });
      cloud.clock.advanceBy(10 * MINUTE);
      await cloud.sagemaker.updateWeights(SCALED_ENDPOINT, [
        { variantName: SCALED_VARIANT, weight: 0 },
        { variantName: 'candidate-r1', weight: 1 },
      ]);
      cloud.clock.advanceBy(MINUTE);
      // Promotion: the new model under the scaled variant's name, alone.
      await cloud.sagemaker.createEndpointConfig({
        endpointConfigName: 'promoted',
        variants: [
          {
            variantName: SCALED_VARIANT,
            modelName: 'transition-model',
            instanceType: SCALED_INSTANCE_TYPE,
            initialInstanceCount: 2,
            initialVariantWeight: 1,
          },
        ],
        tags: [],
      });
      const options = {
        retainAllVariantProperties: true,
        ...(exclude ? { excludeRetainedVariantProperties: ['DesiredWeight' as const] } : {}),
      };
      await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, 'promoted', options);
      cloud.clock.advanceBy(10 * MINUTE);
      expect(cloud.endpoint(SCALED_ENDPOINT)?.variants).toEqual([
        expect.objectContaining({
          variantName: SCALED_VARIANT,
          modelName: 'transition-model',
          currentInstanceCount: 2,
          currentWeight: exclude ? 1 : 0,
        }),
      ]);
      expect(cloud.violations).toEqual(
        exclude
          ? []
          : [expect.stringMatching(/is InService with all variant weights at 0: it serves no traffic$/)],
      );
    }
  });

  it('records a violation when a target is left for a variant the endpoint no longer has', async () => {
    const { cloud, candidatePackage } = await sceneWithScaledEndpoint();
    const twoVariants = await configWith(cloud, candidatePackage, 'two-variants', [
      { variantName: SCALED_VARIANT, instanceType: SCALED_INSTANCE_TYPE, count: 2, model: 'baseline' },
      { variantName: 'blue', instanceType: SCALED_INSTANCE_TYPE, count: 1 },
    ]);
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, twoVariants);
    cloud.clock.advanceBy(10 * MINUTE);
    // Back to the original config (blue is not registered: allowed) and, while that update runs,
    // someone registers blue: the check was made when UpdateEndpoint was called.
    await cloud.sagemaker.updateEndpoint(SCALED_ENDPOINT, `${SCALED_ENDPOINT}-config-0`);
    await cloud.autoscaling.registerScalableTarget(SCALED_ENDPOINT, 'blue', {
      minCapacity: 1,
      maxCapacity: 2,
      suspended: {
        dynamicScalingInSuspended: false,
        dynamicScalingOutSuspended: false,
        scheduledScalingSuspended: false,
      },
    });
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.violations).toEqual([
      expect.stringMatching(
        /scalable target endpoint\/payments-scorer\/variant\/blue is registered for a variant endpoint "payments-scorer" no longer has$/,
      ),
    ]);
  });
});
