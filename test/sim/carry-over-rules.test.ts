// Simulated SageMaker keeps the rules a carried-over baseline meets: models keep their VPC, isolation and
// environment; KMS keys are refused on local-storage instance types; packages limit instance types and
// environments; capacity reservations hold one instance type; enhanced metrics' frequencies; reserved
// tags; eventual consistency as a fault; and a config mixing networks is recorded as a violation.
import type { CreateEndpointConfigRequest, ProductionVariantSpec } from '../../src/engine/ports';
import { createSimCloud, restoreSimCloud } from '../../src/sim';
import { ENDPOINT, ROLE_ARN, rejectionOf, sceneWithEndpoint } from './scene';

const VPC = { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-a'] };

function variant(
  modelName: string,
  instanceType: string,
  extra?: Record<string, unknown>,
): ProductionVariantSpec {
  return {
    variantName: 'v',
    modelName,
    instanceType,
    initialInstanceCount: 1,
    initialVariantWeight: 1,
    ...(extra ? { extra } : {}),
  };
}

function config(
  name: string,
  variants: ProductionVariantSpec[],
  extra?: Record<string, unknown>,
): CreateEndpointConfigRequest {
  return { endpointConfigName: name, variants, ...(extra ? { extra } : {}), tags: [] };
}

describe('simulated SageMaker: what models and configs keep', () => {
  it("stores a model's VPC, isolation, environment and tags, and returns them on DescribeModel and ListTags", async () => {
    const { cloud, candidatePackage } = sceneWithEndpoint();
    await cloud.sagemaker.createModel({
      modelName: 'm',
      modelPackageArn: candidatePackage,
      executionRoleArn: ROLE_ARN,
      vpcConfig: VPC,
      enableNetworkIsolation: true,
      environment: { LOG_LEVEL: 'warning' },
      tags: [{ key: 'team', value: 'fraud' }],
    });

    const model = await cloud.sagemaker.describeModel('m');
    expect(model).toEqual({
      modelName: 'm',
      modelArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/m',
      modelPackageArn: candidatePackage,
      vpcConfig: VPC,
      enableNetworkIsolation: true,
      containerCount: 1,
      environment: { LOG_LEVEL: 'warning' },
    });
    await expect(cloud.sagemaker.listTags(model!.modelArn!)).resolves.toEqual([
      { key: 'team', value: 'fraud' },
    ]);
  });

  it('stores MetricsConfig with the config and refuses a frequency SageMaker does not offer', async () => {
    const { cloud } = sceneWithEndpoint();
    const metrics = { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 10 };
    await cloud.sagemaker.createEndpointConfig(
      config('c', [variant(`${ENDPOINT}-model-0`, 'ml.m5.large')], { MetricsConfig: metrics }),
    );
    expect((await cloud.sagemaker.describeEndpointConfig('c'))?.extra).toEqual({ MetricsConfig: metrics });

    const refused = await rejectionOf(
      cloud.sagemaker.createEndpointConfig(
        config('c2', [variant(`${ENDPOINT}-model-0`, 'ml.m5.large')], {
          MetricsConfig: { MetricPublishFrequencyInSeconds: 15 },
        }),
      ),
    );
    expect(refused.message).toContain('metricsConfig.metricPublishFrequencyInSeconds');
  });
});

describe('simulated SageMaker: what CreateModel and CreateEndpointConfig refuse', () => {
  it('refuses KmsKeyId with an instance type that has local NVMe storage, and accepts it with EBS-only types', async () => {
    const { cloud } = sceneWithEndpoint();
    const kms = { KmsKeyId: 'alias/volumes' };
    for (const type of ['ml.g5.xlarge', 'ml.g4dn.xlarge', 'ml.m5d.large', 'ml.p4d.24xlarge']) {
      const refused = await rejectionOf(
        cloud.sagemaker.createEndpointConfig(
          config(`c-${type.replace(/\./g, '-')}`, [variant(`${ENDPOINT}-model-0`, type)], kms),
        ),
      );
      expect(refused).toMatchObject({ code: 'AWS_ERROR' });
      expect(refused.message).toContain(
        `The instance type ${type} of production variant v uses local instance storage`,
      );
    }
    await expect(
      cloud.sagemaker.createEndpointConfig(
        config('ebs', [variant(`${ENDPOINT}-model-0`, 'ml.c5.2xlarge')], kms),
      ),
    ).resolves.toBe('created');
    expect(cloud.endpointConfigNames()).toEqual(['ebs', `${ENDPOINT}-config-0`]);
  });

  it('refuses an instance type the model package does not support for real-time inference', async () => {
    const cloud = createSimCloud();
    const pkg = cloud.registerModelPackage({
      groupName: 'g',
      approvalStatus: 'Approved',
      supportedRealtimeInstanceTypes: ['ml.g5.xlarge'],
    });
    await cloud.sagemaker.createModel({
      modelName: 'm',
      modelPackageArn: pkg,
      executionRoleArn: ROLE_ARN,
      tags: [],
    });

    const refused = await rejectionOf(
      cloud.sagemaker.createEndpointConfig(config('c', [variant('m', 'ml.m5.large')])),
    );
    expect(refused.message).toContain('Instance type ml.m5.large is not supported by model package');
    await expect(
      cloud.sagemaker.createEndpointConfig(config('ok', [variant('m', 'ml.g5.xlarge')])),
    ).resolves.toBe('created');
  });

  it('accepts an Environment on a model whose package sets one too (SageMaker does since 2023)', async () => {
    const cloud = createSimCloud();
    const pkg = cloud.registerModelPackage({ groupName: 'g', approvalStatus: 'Approved', environment: {} });

    await cloud.sagemaker.createModel({
      modelName: 'm',
      modelPackageArn: pkg,
      executionRoleArn: ROLE_ARN,
      environment: { LOG_LEVEL: 'debug' },
      tags: [],
    });
    expect(cloud.modelNames()).toEqual(['m']);
  });

  it("launches a reserved variant only on the reservation's instance type", async () => {
    const { cloud } = sceneWithEndpoint();
    const reservation = cloud.createCapacityReservation('fraud-p5', 'ml.m5.large');
    const reserved = {
      CapacityReservationConfig: {
        CapacityReservationPreference: 'capacity-reservations-only',
        MlReservationArn: reservation,
      },
    };

    await expect(
      cloud.sagemaker.createEndpointConfig(
        config('same', [variant(`${ENDPOINT}-model-0`, 'ml.m5.large', reserved)]),
      ),
    ).resolves.toBe('created');
    const refused = await rejectionOf(
      cloud.sagemaker.createEndpointConfig(
        config('other', [variant(`${ENDPOINT}-model-0`, 'ml.c5.xlarge', reserved)]),
      ),
    );
    expect(refused.message).toContain(`is for instance type ml.m5.large, not ml.c5.xlarge`);
  });

  it('refuses tags with the reserved aws: prefix', async () => {
    const { cloud, candidatePackage } = sceneWithEndpoint();
    const refused = await rejectionOf(
      cloud.sagemaker.createModel({
        modelName: 'm',
        modelPackageArn: candidatePackage,
        executionRoleArn: ROLE_ARN,
        tags: [{ key: 'aws:cloudformation:stack-name', value: 's' }],
      }),
    );
    expect(refused.message).toContain('reserved prefix "aws:"');
  });
});

describe('simulated SageMaker: eventual consistency (fault notYetVisible)', () => {
  it('hides a just-created model from CreateEndpointConfig for the armed number of calls, across a save and restore', async () => {
    const { cloud, candidatePackage } = sceneWithEndpoint();
    cloud.injectFault({ kind: 'notYetVisible', resource: 'model', calls: 2 });
    await cloud.sagemaker.createModel({
      modelName: 'm',
      modelPackageArn: candidatePackage,
      executionRoleArn: ROLE_ARN,
      tags: [],
    });
    const request = config('c', [variant('m', 'ml.m5.large')]);

    await expect(rejectionOf(cloud.sagemaker.createEndpointConfig(request))).resolves.toMatchObject({
      code: 'NOT_YET_VISIBLE',
    });
    const restored = restoreSimCloud(JSON.parse(JSON.stringify(cloud.exportState())));
    await expect(rejectionOf(restored.sagemaker.createEndpointConfig(request))).resolves.toMatchObject({
      code: 'NOT_YET_VISIBLE',
    });
    await expect(restored.sagemaker.createEndpointConfig(request)).resolves.toBe('created');
    // DescribeModel is not affected: only the calls that reference the model are.
    expect(await restored.sagemaker.describeModel('m')).toBeDefined();
  });

  it('hides a just-created config from UpdateEndpoint', async () => {
    const { cloud } = sceneWithEndpoint();
    cloud.injectFault({ kind: 'notYetVisible', resource: 'endpointConfig', calls: 1 });
    await cloud.sagemaker.createEndpointConfig(config('c', [variant(`${ENDPOINT}-model-0`, 'ml.m5.large')]));

    await expect(rejectionOf(cloud.sagemaker.updateEndpoint(ENDPOINT, 'c'))).resolves.toMatchObject({
      code: 'NOT_YET_VISIBLE',
    });
    await expect(cloud.sagemaker.updateEndpoint(ENDPOINT, 'c')).resolves.toBeUndefined();
  });
});

describe('simulated SageMaker: violations', () => {
  it('records a config whose models differ in VPC or network isolation (SageMaker allows it)', async () => {
    const { cloud, candidatePackage } = sceneWithEndpoint();
    await cloud.sagemaker.createModel({
      modelName: 'isolated',
      modelPackageArn: candidatePackage,
      executionRoleArn: ROLE_ARN,
      vpcConfig: VPC,
      enableNetworkIsolation: true,
      tags: [],
    });
    await cloud.sagemaker.createEndpointConfig(
      config('mixed', [
        variant(`${ENDPOINT}-model-0`, 'ml.m5.large'),
        { ...variant('isolated', 'ml.m5.large'), variantName: 'candidate' },
      ]),
    );

    expect(cloud.violations).toEqual([
      expect.stringContaining(
        'CreateEndpointConfig "mixed": its variants\' models differ in VpcConfig or EnableNetworkIsolation',
      ),
    ]);
  });
});
