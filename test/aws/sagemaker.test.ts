// SageMakerEndpointControl: the exact requests it sends, how responses map onto the ports' shapes, and how
// each class of SageMaker failure comes back (value or SmRolloutError).

import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListTagsCommand,
  ResourceNotFound,
  SageMakerClient,
  SageMakerServiceException,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SageMakerEndpointControl } from '../../src/aws';
import { createRolloutEffects } from '../../src/engine/effects';
import { rolloutNames } from '../../src/engine/names';
import type { AlarmControl } from '../../src/engine/ports';
import { SmRolloutError } from '../../src/errors';
import type { RolloutInput } from '../../statemachines/contract';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';
const PACKAGE_ARN = `${ARN}:model-package/fraud-detector/7`;

/** An error shaped as the SDK throws it for a SageMaker error response. */
function awsError(
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
): SageMakerServiceException {
  return Object.assign(
    new SageMakerServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } }),
    extra,
  );
}

const sagemaker = mockClient(SageMakerClient);
const control = new SageMakerEndpointControl(new SageMakerClient({}));

beforeEach(() => {
  sagemaker.reset();
});

/** The inputs of every call of one command, for exact comparison (the jest matchers only check a subset). */
function inputsOf(command: Parameters<typeof sagemaker.commandCalls>[0]): unknown[] {
  return sagemaker.commandCalls(command).map((call) => call.args[0].input);
}

describe('describeEndpoint', () => {
  it('asks for the endpoint and maps status, config, failure reason and variants', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointName: 'prod',
      EndpointArn: `${ARN}:endpoint/prod`,
      EndpointConfigName: 'prod-config-1',
      EndpointStatus: 'InService',
      FailureReason: 'Rolled back: the candidate failed its health check',
      CreationTime: new Date(0),
      LastModifiedTime: new Date(0),
      ProductionVariants: [
        {
          VariantName: 'baseline',
          CurrentWeight: 0.9,
          DesiredWeight: 0.9,
          CurrentInstanceCount: 2,
          DesiredInstanceCount: 2,
        },
        { VariantName: 'candidate', CurrentWeight: 0.1, DesiredWeight: 0.1 },
      ],
    });

    const state = await control.describeEndpoint('prod');

    expect(sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 1);
    expect(sagemaker).toHaveReceivedCommandWith(DescribeEndpointCommand, { EndpointName: 'prod' });
    expect(inputsOf(DescribeEndpointCommand)).toStrictEqual([{ EndpointName: 'prod' }]);
    expect(state).toStrictEqual({
      endpointName: 'prod',
      status: 'InService',
      endpointConfigName: 'prod-config-1',
      failureReason: 'Rolled back: the candidate failed its health check',
      variants: [
        {
          variantName: 'baseline',
          currentWeight: 0.9,
          desiredWeight: 0.9,
          currentInstanceCount: 2,
          desiredInstanceCount: 2,
        },
        { variantName: 'candidate', currentWeight: 0.1, desiredWeight: 0.1 },
      ],
    });
  });

  it('maps a guardrails deployment in progress (PendingDeploymentSummary with each VariantStatus)', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointName: 'prod',
      EndpointArn: `${ARN}:endpoint/prod`,
      EndpointConfigName: 'prod-config-1',
      EndpointStatus: 'Updating',
      CreationTime: new Date(0),
      LastModifiedTime: new Date(0),
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          CurrentWeight: 1,
          DesiredWeight: 1,
          CurrentInstanceCount: 4,
          DesiredInstanceCount: 4,
        },
      ],
      PendingDeploymentSummary: {
        EndpointConfigName: 'prod-rollout-r7-native',
        StartTime: new Date(1_700_000_000_000),
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            CurrentWeight: 1,
            DesiredWeight: 1,
            CurrentInstanceCount: 1,
            DesiredInstanceCount: 4,
            VariantStatus: [
              {
                Status: 'Baking',
                StatusMessage:
                  'Baking for 600 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).',
                StartTime: new Date(1_700_000_420_000),
              },
            ],
          },
        ],
      },
    });

    const state = await control.describeEndpoint('prod');

    expect(state?.pendingDeployment).toStrictEqual({
      endpointConfigName: 'prod-rollout-r7-native',
      startTime: 1_700_000_000_000,
      variants: [
        {
          variantName: 'AllTraffic',
          statuses: [
            {
              status: 'Baking',
              startTime: 1_700_000_420_000,
              message:
                'Baking for 600 seconds (WaitIntervalInSeconds) with traffic enabled on canary capacity of 1 instance(s).',
            },
          ],
          currentWeight: 1,
          desiredWeight: 1,
          currentInstanceCount: 1,
          desiredInstanceCount: 4,
        },
      ],
    });
  });

  it('returns undefined when SageMaker cannot find the endpoint', async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejects(awsError('ValidationException', `Could not find endpoint "${ARN}:endpoint/gone".`));

    await expect(control.describeEndpoint('gone')).resolves.toBeUndefined();
  });
});

describe('describeEndpointConfig', () => {
  it('maps variants, keeping every unnamed setting in extra under its AWS name', async () => {
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'prod-config-1',
      EndpointConfigArn: `${ARN}:endpoint-config/prod-config-1`,
      CreationTime: new Date(0),
      KmsKeyId: 'alias/sagemaker',
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 20,
        DestinationS3Uri: 's3://capture/prod',
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
      ProductionVariants: [
        {
          VariantName: 'baseline',
          ModelName: 'fraud-v6',
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
          InitialVariantWeight: 1,
          VolumeSizeInGB: 64,
          ContainerStartupHealthCheckTimeoutInSeconds: 600,
          RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
        },
        {
          VariantName: 'unweighted',
          ModelName: 'fraud-v5',
          InstanceType: 'ml.m5.large',
          InitialInstanceCount: 1,
        },
      ],
    });

    const state = await control.describeEndpointConfig('prod-config-1');

    expect(inputsOf(DescribeEndpointConfigCommand)).toStrictEqual([{ EndpointConfigName: 'prod-config-1' }]);
    expect(state).toStrictEqual({
      endpointConfigName: 'prod-config-1',
      endpointConfigArn: `${ARN}:endpoint-config/prod-config-1`,
      variants: [
        {
          variantName: 'baseline',
          modelName: 'fraud-v6',
          instanceType: 'ml.m5.xlarge',
          initialInstanceCount: 2,
          initialVariantWeight: 1,
          serverless: false,
          extra: {
            VolumeSizeInGB: 64,
            ContainerStartupHealthCheckTimeoutInSeconds: 600,
            RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
          },
        },
        {
          variantName: 'unweighted',
          modelName: 'fraud-v5',
          instanceType: 'ml.m5.large',
          initialInstanceCount: 1,
          // SageMaker's default weight when none was set.
          initialVariantWeight: 1,
          serverless: false,
        },
      ],
      hasShadowVariants: false,
      hasAsyncInference: false,
      extra: {
        KmsKeyId: 'alias/sagemaker',
        DataCaptureConfig: {
          EnableCapture: true,
          InitialSamplingPercentage: 20,
          DestinationS3Uri: 's3://capture/prod',
          CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        },
      },
    });
  });

  it('flags serverless variants, shadow variants and async inference', async () => {
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'odd-config',
      EndpointConfigArn: `${ARN}:endpoint-config/odd-config`,
      CreationTime: new Date(0),
      ProductionVariants: [
        {
          VariantName: 'serverless',
          ModelName: 'm',
          ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
        },
      ],
      ShadowProductionVariants: [
        { VariantName: 'shadow', ModelName: 'm2', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
      ],
      AsyncInferenceConfig: { OutputConfig: { S3OutputPath: 's3://async/out' } },
    });

    const state = await control.describeEndpointConfig('odd-config');

    expect(state).toStrictEqual({
      endpointConfigName: 'odd-config',
      endpointConfigArn: `${ARN}:endpoint-config/odd-config`,
      variants: [
        {
          variantName: 'serverless',
          modelName: 'm',
          initialVariantWeight: 1,
          serverless: true,
          extra: { ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
        },
      ],
      hasShadowVariants: true,
      hasAsyncInference: true,
    });
  });

  it('does not count an empty shadow variant list as shadow variants', async () => {
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'c',
      EndpointConfigArn: `${ARN}:endpoint-config/c`,
      CreationTime: new Date(0),
      ProductionVariants: [
        { VariantName: 'v', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
      ],
      ShadowProductionVariants: [],
    });

    await expect(control.describeEndpointConfig('c')).resolves.toMatchObject({ hasShadowVariants: false });
  });

  it('refuses inference-component configs, whose variants carry no model', async () => {
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'ic-config',
      EndpointConfigArn: `${ARN}:endpoint-config/ic-config`,
      CreationTime: new Date(0),
      ProductionVariants: [
        { VariantName: 'AllTraffic', InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 1 },
      ],
    });

    await expect(control.describeEndpointConfig('ic-config')).rejects.toMatchObject({
      code: 'ENDPOINT_UNSUPPORTED',
    });
  });

  it('returns undefined when SageMaker cannot find the config', async () => {
    sagemaker
      .on(DescribeEndpointConfigCommand)
      .rejects(
        awsError(
          'ValidationException',
          `Could not find endpoint configuration "${ARN}:endpoint-config/gone".`,
        ),
      );

    await expect(control.describeEndpointConfig('gone')).resolves.toBeUndefined();
  });
});

describe('describeModelPackage', () => {
  it('maps approval, status, group and version', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves({
      ModelPackageName: 'fraud-detector',
      ModelPackageArn: PACKAGE_ARN,
      ModelPackageGroupName: 'fraud-detector',
      ModelPackageVersion: 7,
      ModelApprovalStatus: 'Approved',
      ModelPackageStatus: 'Completed',
      ModelPackageStatusDetails: { ValidationStatuses: [] },
      CreationTime: new Date(0),
    });

    const state = await control.describeModelPackage(PACKAGE_ARN);

    expect(inputsOf(DescribeModelPackageCommand)).toStrictEqual([{ ModelPackageName: PACKAGE_ARN }]);
    expect(state).toStrictEqual({
      modelPackageArn: PACKAGE_ARN,
      modelPackageGroupName: 'fraud-detector',
      modelPackageVersion: 7,
      approvalStatus: 'Approved',
      status: 'Completed',
    });
  });

  it('treats a package without an approval status as not approved', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves({
      ModelPackageName: 'marketplace-model',
      ModelPackageArn: `${ARN}:model-package/marketplace-model`,
      ModelPackageStatus: 'Completed',
      ModelPackageStatusDetails: { ValidationStatuses: [] },
      CreationTime: new Date(0),
    });

    await expect(
      control.describeModelPackage(`${ARN}:model-package/marketplace-model`),
    ).resolves.toStrictEqual({
      modelPackageArn: `${ARN}:model-package/marketplace-model`,
      approvalStatus: 'PendingManualApproval',
      status: 'Completed',
    });
  });

  it.each([
    [
      'the ValidationException SageMaker sends',
      awsError('ValidationException', `ModelPackage ${PACKAGE_ARN} does not exist.`),
    ],
    ['a ResourceNotFound', new ResourceNotFound({ message: 'Resource not found', $metadata: {} })],
  ])('returns undefined for %s', async (_, error) => {
    sagemaker.on(DescribeModelPackageCommand).rejects(error);

    await expect(control.describeModelPackage(PACKAGE_ARN)).resolves.toBeUndefined();
  });
});

describe('describeModel', () => {
  it('names the model package a model was created from (what undo rolls back to)', async () => {
    sagemaker.on(DescribeModelCommand).resolves({
      ModelName: 'fraud-v7',
      ModelArn: `${ARN}:model/fraud-v7`,
      CreationTime: new Date(0),
      Containers: [{ ModelPackageName: `${ARN}:model-package/fraud/7` }],
    });

    await expect(control.describeModel('fraud-v7')).resolves.toStrictEqual({
      modelName: 'fraud-v7',
      modelArn: `${ARN}:model/fraud-v7`,
      modelPackageArn: `${ARN}:model-package/fraud/7`,
      containerCount: 1,
    });
    expect(inputsOf(DescribeModelCommand)).toStrictEqual([{ ModelName: 'fraud-v7' }]);
  });

  it('reads a PrimaryContainer model package too, and omits it for models built from an image', async () => {
    sagemaker
      .on(DescribeModelCommand, { ModelName: 'a' })
      .resolves({ ModelName: 'a', PrimaryContainer: { ModelPackageName: `${ARN}:model-package/a/1` } })
      .on(DescribeModelCommand, { ModelName: 'b' })
      .resolves({ ModelName: 'b', PrimaryContainer: { Image: 'image:latest' } });

    await expect(control.describeModel('a')).resolves.toStrictEqual({
      modelName: 'a',
      modelPackageArn: `${ARN}:model-package/a/1`,
      containerCount: 1,
    });
    await expect(control.describeModel('b')).resolves.toStrictEqual({ modelName: 'b', containerCount: 1 });
  });

  it('is undefined when SageMaker cannot find the model', async () => {
    sagemaker
      .on(DescribeModelCommand)
      .rejects(awsError('ValidationException', `Could not find model "${ARN}:model/fraud-v7".`));

    await expect(control.describeModel('fraud-v7')).resolves.toBeUndefined();
  });
});

describe('createModel', () => {
  const request = {
    modelName: 'rollout-abc-candidate',
    modelPackageArn: PACKAGE_ARN,
    executionRoleArn: 'arn:aws:iam::111122223333:role/sagemaker-execution',
    tags: [{ key: 'sm-rollout:rollout-id', value: 'abc' }],
  };

  it('creates the model from the package with the execution role and tags', async () => {
    sagemaker.on(CreateModelCommand).resolves({ ModelArn: `${ARN}:model/rollout-abc-candidate` });

    await expect(control.createModel(request)).resolves.toBe('created');

    expect(sagemaker).toHaveReceivedCommandTimes(CreateModelCommand, 1);
    expect(inputsOf(CreateModelCommand)).toStrictEqual([
      {
        ModelName: 'rollout-abc-candidate',
        Containers: [{ ModelPackageName: PACKAGE_ARN }],
        ExecutionRoleArn: 'arn:aws:iam::111122223333:role/sagemaker-execution',
        Tags: [{ Key: 'sm-rollout:rollout-id', Value: 'abc' }],
      },
    ]);
  });

  it('answers exists when the model is already there', async () => {
    sagemaker
      .on(CreateModelCommand)
      .rejects(
        awsError(
          'ValidationException',
          `Cannot create already existing model "${ARN}:model/rollout-abc-candidate".`,
        ),
      );

    await expect(control.createModel(request)).resolves.toBe('exists');
  });
});

describe('createEndpointConfig', () => {
  const baseline = {
    variantName: 'baseline',
    modelName: 'fraud-v6',
    instanceType: 'ml.m5.xlarge',
    initialInstanceCount: 2,
    initialVariantWeight: 1,
    serverless: false,
    extra: { VolumeSizeInGB: 64, RoutingConfig: { RoutingStrategy: 'RANDOM' } },
  };
  const candidate = {
    variantName: 'candidate',
    modelName: 'rollout-abc-candidate',
    instanceType: 'ml.m5.xlarge',
    initialInstanceCount: 1,
    initialVariantWeight: 0,
  };

  it('rebuilds the variants from the specs and carries config-level settings', async () => {
    sagemaker.on(CreateEndpointConfigCommand).resolves({ EndpointConfigArn: `${ARN}:endpoint-config/t` });

    const result = await control.createEndpointConfig({
      endpointConfigName: 'prod-rollout-abc-transition',
      variants: [baseline, candidate],
      extra: { KmsKeyId: 'alias/sagemaker', DataCaptureConfig: { EnableCapture: false } },
      tags: [{ key: 'sm-rollout:rollout-id', value: 'abc' }],
    });

    expect(result).toBe('created');
    expect(sagemaker).toHaveReceivedCommandTimes(CreateEndpointConfigCommand, 1);
    expect(inputsOf(CreateEndpointConfigCommand)).toStrictEqual([
      {
        KmsKeyId: 'alias/sagemaker',
        DataCaptureConfig: { EnableCapture: false },
        EndpointConfigName: 'prod-rollout-abc-transition',
        ProductionVariants: [
          {
            VolumeSizeInGB: 64,
            RoutingConfig: { RoutingStrategy: 'RANDOM' },
            VariantName: 'baseline',
            ModelName: 'fraud-v6',
            InstanceType: 'ml.m5.xlarge',
            InitialInstanceCount: 2,
            InitialVariantWeight: 1,
          },
          {
            VariantName: 'candidate',
            ModelName: 'rollout-abc-candidate',
            InstanceType: 'ml.m5.xlarge',
            InitialInstanceCount: 1,
            InitialVariantWeight: 0,
          },
        ],
        Tags: [{ Key: 'sm-rollout:rollout-id', Value: 'abc' }],
      },
    ]);
  });

  it('lets the named fields win over anything stale in extra', async () => {
    sagemaker.on(CreateEndpointConfigCommand).resolves({ EndpointConfigArn: `${ARN}:endpoint-config/t` });

    await control.createEndpointConfig({
      endpointConfigName: 'final',
      variants: [{ ...candidate, extra: { ModelName: 'stale', InitialVariantWeight: 0.5 } }],
      extra: { EndpointConfigName: 'stale', Tags: [] },
      tags: [],
    });

    expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointConfigCommand, {
      EndpointConfigName: 'final',
      ProductionVariants: [
        {
          VariantName: 'candidate',
          ModelName: 'rollout-abc-candidate',
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 1,
          InitialVariantWeight: 0,
        },
      ],
      Tags: [],
    });
  });

  it('copies a described config faithfully', async () => {
    const described = {
      EndpointConfigName: 'prod-config-1',
      EndpointConfigArn: `${ARN}:endpoint-config/prod-config-1`,
      CreationTime: new Date(0),
      KmsKeyId: 'alias/sagemaker',
      ProductionVariants: [
        {
          VariantName: 'baseline',
          ModelName: 'fraud-v6',
          InstanceType: 'ml.m5.xlarge' as const,
          InitialInstanceCount: 2,
          InitialVariantWeight: 1,
          ModelDataDownloadTimeoutInSeconds: 900,
          EnableSSMAccess: false,
          ManagedInstanceScaling: { Status: 'ENABLED' as const, MinInstanceCount: 1, MaxInstanceCount: 4 },
        },
      ],
    };
    sagemaker.on(DescribeEndpointConfigCommand).resolves(described);
    sagemaker.on(CreateEndpointConfigCommand).resolves({ EndpointConfigArn: `${ARN}:endpoint-config/copy` });

    const state = await control.describeEndpointConfig('prod-config-1');
    await control.createEndpointConfig({
      endpointConfigName: 'copy',
      variants: state?.variants ?? [],
      extra: state?.extra,
      tags: [],
    });

    expect(inputsOf(CreateEndpointConfigCommand)).toStrictEqual([
      {
        KmsKeyId: 'alias/sagemaker',
        EndpointConfigName: 'copy',
        ProductionVariants: described.ProductionVariants,
        Tags: [],
      },
    ]);
  });

  it('answers exists when the config is already there', async () => {
    sagemaker
      .on(CreateEndpointConfigCommand)
      .rejects(
        awsError(
          'ValidationException',
          `Cannot create already existing endpoint configuration "${ARN}:endpoint-config/prod-rollout-abc-transition".`,
        ),
      );

    await expect(
      control.createEndpointConfig({
        endpointConfigName: 'prod-rollout-abc-transition',
        variants: [candidate],
        tags: [],
      }),
    ).resolves.toBe('exists');
  });

  it('reports a model SageMaker cannot find as not yet visible (eventual consistency), not as "absent"', async () => {
    sagemaker
      .on(CreateEndpointConfigCommand)
      .rejects(awsError('ValidationException', `Could not find model "${ARN}:model/rollout-abc-candidate".`));

    const failure = control.createEndpointConfig({
      endpointConfigName: 't',
      variants: [candidate],
      tags: [],
    });

    await expect(failure).rejects.toMatchObject({
      code: 'NOT_YET_VISIBLE',
      retryable: true,
      message:
        `CreateEndpointConfig failed: ValidationException: Could not find model "${ARN}:model/rollout-abc-candidate". ` +
        '(SageMaker may not see a resource created moments ago yet; retry shortly)',
    });
  });
});

describe('updateEndpoint', () => {
  it('sends only the endpoint and the config', async () => {
    sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: `${ARN}:endpoint/prod` });

    await control.updateEndpoint('prod', 'prod-rollout-abc-transition');

    expect(sagemaker).toHaveReceivedCommandTimes(UpdateEndpointCommand, 1);
    expect(inputsOf(UpdateEndpointCommand)).toStrictEqual([
      { EndpointName: 'prod', EndpointConfigName: 'prod-rollout-abc-transition' },
    ]);
  });

  it('sends RetainAllVariantProperties only when asked (a rollback keeps the live instance counts)', async () => {
    sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: `${ARN}:endpoint/prod` });

    await control.updateEndpoint('prod', 'prod-config-1', { retainAllVariantProperties: true });
    await control.updateEndpoint('prod', 'prod-rollout-abc-final', { retainAllVariantProperties: false });
    await control.updateEndpoint('prod', 'prod-rollout-abc-transition', {});

    expect(inputsOf(UpdateEndpointCommand)).toStrictEqual([
      { EndpointName: 'prod', EndpointConfigName: 'prod-config-1', RetainAllVariantProperties: true },
      { EndpointName: 'prod', EndpointConfigName: 'prod-rollout-abc-final' },
      { EndpointName: 'prod', EndpointConfigName: 'prod-rollout-abc-transition' },
    ]);
  });

  it('sends a canary DeploymentConfig with its alarms as AutoRollbackConfiguration.Alarms', async () => {
    sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: `${ARN}:endpoint/prod` });

    await control.updateEndpoint('prod', 'prod-rollout-r7-native', {
      deploymentConfig: {
        blueGreen: {
          trafficRouting: {
            type: 'CANARY',
            waitIntervalInSeconds: 600,
            canarySize: { type: 'CAPACITY_PERCENT', value: 10 },
          },
          terminationWaitInSeconds: 300,
          maximumExecutionTimeoutInSeconds: 3600,
        },
        autoRollbackAlarms: ['prod-5xx', 'sm-rollout-r7-abort'],
      },
    });

    expect(inputsOf(UpdateEndpointCommand)).toStrictEqual([
      {
        EndpointName: 'prod',
        EndpointConfigName: 'prod-rollout-r7-native',
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: {
              Type: 'CANARY',
              WaitIntervalInSeconds: 600,
              CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 },
            },
            TerminationWaitInSeconds: 300,
            MaximumExecutionTimeoutInSeconds: 3600,
          },
          AutoRollbackConfiguration: {
            Alarms: [{ AlarmName: 'prod-5xx' }, { AlarmName: 'sm-rollout-r7-abort' }],
          },
        },
      },
    ]);
  });

  it('sends a linear policy and a rolling policy as the API reference names their members', async () => {
    sagemaker.on(UpdateEndpointCommand).resolves({ EndpointArn: `${ARN}:endpoint/prod` });

    await control.updateEndpoint('prod', 'c1', {
      deploymentConfig: {
        blueGreen: {
          trafficRouting: {
            type: 'LINEAR',
            waitIntervalInSeconds: 120,
            linearStepSize: { type: 'INSTANCE_COUNT', value: 2 },
          },
          terminationWaitInSeconds: 0,
        },
        autoRollbackAlarms: [],
      },
    });
    await control.updateEndpoint('prod', 'c2', {
      deploymentConfig: {
        rolling: {
          maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 25 },
          waitIntervalInSeconds: 300,
          maximumExecutionTimeoutInSeconds: 7200,
          rollbackMaximumBatchSize: { type: 'INSTANCE_COUNT', value: 2 },
        },
        autoRollbackAlarms: ['prod-latency'],
      },
    });

    expect(inputsOf(UpdateEndpointCommand)).toStrictEqual([
      {
        EndpointName: 'prod',
        EndpointConfigName: 'c1',
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: {
              Type: 'LINEAR',
              WaitIntervalInSeconds: 120,
              LinearStepSize: { Type: 'INSTANCE_COUNT', Value: 2 },
            },
            TerminationWaitInSeconds: 0,
          },
        },
      },
      {
        EndpointName: 'prod',
        EndpointConfigName: 'c2',
        DeploymentConfig: {
          RollingUpdatePolicy: {
            MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
            WaitIntervalInSeconds: 300,
            MaximumExecutionTimeoutInSeconds: 7200,
            RollbackMaximumBatchSize: { Type: 'INSTANCE_COUNT', Value: 2 },
          },
          AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'prod-latency' }] },
        },
      },
    ]);
  });

  it('throws ENDPOINT_BUSY while the endpoint is updating', async () => {
    sagemaker
      .on(UpdateEndpointCommand)
      .rejects(awsError('ValidationException', `Cannot update in-progress endpoint "${ARN}:endpoint/prod".`));

    const failure = await control.updateEndpoint('prod', 'c').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SmRolloutError);
    expect(failure).toMatchObject({ code: 'ENDPOINT_BUSY', retryable: true });
    expect((failure as Error).message).toContain('UpdateEndpoint');
    expect((failure as Error).message).toContain(
      `Cannot update in-progress endpoint "${ARN}:endpoint/prod".`,
    );
  });

  it('reports a config SageMaker cannot find as not yet visible (retryable), naming the operation', async () => {
    sagemaker
      .on(UpdateEndpointCommand)
      .rejects(
        awsError('ValidationException', `Could not find endpoint configuration "${ARN}:endpoint-config/c".`),
      );

    await expect(control.updateEndpoint('prod', 'c')).rejects.toMatchObject({
      code: 'NOT_YET_VISIBLE',
      message:
        `UpdateEndpoint failed: ValidationException: Could not find endpoint configuration "${ARN}:endpoint-config/c". ` +
        '(SageMaker may not see a resource created moments ago yet; retry shortly)',
    });
  });

  it('fails with AWS_ERROR when the endpoint itself does not exist', async () => {
    sagemaker
      .on(UpdateEndpointCommand)
      .rejects(awsError('ValidationException', `Could not find endpoint "${ARN}:endpoint/prod".`));

    await expect(control.updateEndpoint('prod', 'c')).rejects.toMatchObject({ code: 'AWS_ERROR' });
  });
});

describe('updateWeights', () => {
  it('sends one desired weight per variant', async () => {
    sagemaker.on(UpdateEndpointWeightsAndCapacitiesCommand).resolves({ EndpointArn: `${ARN}:endpoint/prod` });

    await control.updateWeights('prod', [
      { variantName: 'baseline', weight: 90 },
      { variantName: 'candidate', weight: 10 },
    ]);

    expect(inputsOf(UpdateEndpointWeightsAndCapacitiesCommand)).toStrictEqual([
      {
        EndpointName: 'prod',
        DesiredWeightsAndCapacities: [
          { VariantName: 'baseline', DesiredWeight: 90 },
          { VariantName: 'candidate', DesiredWeight: 10 },
        ],
      },
    ]);
  });

  it('sends a desired instance count only for the variant that names one', async () => {
    sagemaker.on(UpdateEndpointWeightsAndCapacitiesCommand).resolves({ EndpointArn: `${ARN}:endpoint/prod` });

    await control.updateWeights('prod', [
      { variantName: 'AllTraffic', weight: 50 },
      { variantName: 'candidate-1', weight: 50, desiredInstanceCount: 5 },
    ]);

    expect(inputsOf(UpdateEndpointWeightsAndCapacitiesCommand)).toStrictEqual([
      {
        EndpointName: 'prod',
        DesiredWeightsAndCapacities: [
          { VariantName: 'AllTraffic', DesiredWeight: 50 },
          { VariantName: 'candidate-1', DesiredWeight: 50, DesiredInstanceCount: 5 },
        ],
      },
    ]);
  });

  it('throws ENDPOINT_BUSY while the endpoint is updating', async () => {
    sagemaker
      .on(UpdateEndpointWeightsAndCapacitiesCommand)
      .rejects(awsError('ValidationException', `Cannot update in-progress endpoint "${ARN}:endpoint/prod".`));

    await expect(
      control.updateWeights('prod', [{ variantName: 'baseline', weight: 1 }]),
    ).rejects.toMatchObject({
      code: 'ENDPOINT_BUSY',
    });
  });
});

describe('deleteEndpointConfig and deleteModel', () => {
  it('delete by name and report deleted', async () => {
    sagemaker.on(DeleteEndpointConfigCommand).resolves({});
    sagemaker.on(DeleteModelCommand).resolves({});

    await expect(control.deleteEndpointConfig('prod-rollout-abc-transition')).resolves.toBe('deleted');
    await expect(control.deleteModel('rollout-abc-candidate')).resolves.toBe('deleted');

    expect(inputsOf(DeleteEndpointConfigCommand)).toStrictEqual([
      { EndpointConfigName: 'prod-rollout-abc-transition' },
    ]);
    expect(inputsOf(DeleteModelCommand)).toStrictEqual([{ ModelName: 'rollout-abc-candidate' }]);
  });

  it('report absent when there is nothing to delete', async () => {
    sagemaker
      .on(DeleteEndpointConfigCommand)
      .rejects(
        awsError('ValidationException', `Could not find endpoint configuration "${ARN}:endpoint-config/t".`),
      );
    sagemaker
      .on(DeleteModelCommand)
      .rejects(awsError('ValidationException', `Could not find model "${ARN}:model/rollout-abc-candidate".`));

    await expect(control.deleteEndpointConfig('t')).resolves.toBe('absent');
    await expect(control.deleteModel('rollout-abc-candidate')).resolves.toBe('absent');
  });
});

describe('failures every operation shares', () => {
  // Each case calls one operation, so failing every command stands for failing that one.
  const operations: [string, () => Promise<unknown>][] = [
    ['DescribeEndpoint', () => control.describeEndpoint('prod')],
    ['DescribeEndpointConfig', () => control.describeEndpointConfig('c')],
    ['DescribeModelPackage', () => control.describeModelPackage(PACKAGE_ARN)],
    ['DescribeModel', () => control.describeModel('m')],
    ['ListTags', () => control.listTags(`${ARN}:model/m`)],
    [
      'CreateModel',
      () =>
        control.createModel({
          modelName: 'm',
          modelPackageArn: PACKAGE_ARN,
          executionRoleArn: 'r',
          tags: [],
        }),
    ],
    [
      'CreateEndpointConfig',
      () => control.createEndpointConfig({ endpointConfigName: 'c', variants: [], tags: [] }),
    ],
    ['UpdateEndpoint', () => control.updateEndpoint('prod', 'c')],
    ['UpdateEndpointWeightsAndCapacities', () => control.updateWeights('prod', [])],
    ['DeleteEndpointConfig', () => control.deleteEndpointConfig('c')],
    ['DeleteModel', () => control.deleteModel('m')],
  ];

  it.each(operations)(
    '%s: throttling that survived the SDK retries is THROTTLED',
    async (operation, call) => {
      sagemaker
        .onAnyCommand()
        .rejects(awsError('ThrottlingException', 'Rate exceeded', { $metadata: { attempts: 5 } }));

      await expect(call()).rejects.toMatchObject({
        code: 'THROTTLED',
        retryable: true,
        message: `${operation} was throttled by AWS after 5 attempts (ThrottlingException: Rate exceeded); retry later`,
      });
    },
  );

  it.each(operations)('%s: anything else is AWS_ERROR with AWS name and message', async (operation, call) => {
    const cause = awsError(
      'AccessDeniedException',
      'User: arn:aws:sts::111122223333:assumed-role/ci is not authorized to perform this action',
    );
    sagemaker.onAnyCommand().rejects(cause);

    const failure = await call().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SmRolloutError);
    expect(failure).toMatchObject({
      code: 'AWS_ERROR',
      retryable: false,
      message: `${operation} failed: AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ci is not authorized to perform this action`,
    });
    expect((failure as Error).cause).toBe(cause);
    expect(sagemaker.calls().map((call) => call.args[0].constructor.name)).toEqual([`${operation}Command`]);
  });
});

describe('describeModel: what a candidate model carries over', () => {
  it("maps the VPC, network isolation and the single container's Environment", async () => {
    sagemaker.on(DescribeModelCommand).resolves({
      ModelName: 'fraud-v6',
      ModelArn: `${ARN}:model/fraud-v6`,
      CreationTime: new Date(0),
      PrimaryContainer: { ModelPackageName: PACKAGE_ARN, Environment: { LOG_LEVEL: 'warning' } },
      VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-a', 'subnet-b'] },
      EnableNetworkIsolation: true,
    });

    await expect(control.describeModel('fraud-v6')).resolves.toStrictEqual({
      modelName: 'fraud-v6',
      modelArn: `${ARN}:model/fraud-v6`,
      modelPackageArn: PACKAGE_ARN,
      vpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-a', 'subnet-b'] },
      enableNetworkIsolation: true,
      containerCount: 1,
      environment: { LOG_LEVEL: 'warning' },
    });
  });

  it('keeps no Environment for an inference pipeline (several containers)', async () => {
    sagemaker.on(DescribeModelCommand).resolves({
      ModelName: 'pipeline',
      Containers: [
        { Image: 'pre:1', Environment: { A: '1' } },
        { Image: 'model:1', Environment: { B: '2' } },
      ],
    });

    await expect(control.describeModel('pipeline')).resolves.toStrictEqual({
      modelName: 'pipeline',
      containerCount: 2,
    });
  });
});

describe('describeModelPackage: what a package allows', () => {
  it("maps the supported real-time instance types and the containers' own Environment", async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves({
      ModelPackageName: 'fraud-detector',
      ModelPackageArn: PACKAGE_ARN,
      ModelApprovalStatus: 'Approved',
      ModelPackageStatus: 'Completed',
      CreationTime: new Date(0),
      InferenceSpecification: {
        Containers: [{ Image: 'img:7', Environment: {} }],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.xlarge', 'ml.c5.2xlarge'],
        SupportedContentTypes: [],
        SupportedResponseMIMETypes: [],
      },
    });

    // An empty Environment still counts: SageMaker then refuses one on the model.
    await expect(control.describeModelPackage(PACKAGE_ARN)).resolves.toMatchObject({
      supportedRealtimeInstanceTypes: ['ml.m5.xlarge', 'ml.c5.2xlarge'],
      environment: {},
    });
  });
});

describe('listTags', () => {
  it("reads every page of a resource's tags", async () => {
    sagemaker
      .on(ListTagsCommand, { ResourceArn: `${ARN}:model/m`, NextToken: undefined })
      .resolves({ Tags: [{ Key: 'team', Value: 'fraud' }], NextToken: 'page-2' })
      .on(ListTagsCommand, { ResourceArn: `${ARN}:model/m`, NextToken: 'page-2' })
      .resolves({ Tags: [{ Key: 'cost-center', Value: 'ml-42' }] });

    await expect(control.listTags(`${ARN}:model/m`)).resolves.toStrictEqual([
      { key: 'team', value: 'fraud' },
      { key: 'cost-center', value: 'ml-42' },
    ]);
    expect(inputsOf(ListTagsCommand)).toStrictEqual([
      { ResourceArn: `${ARN}:model/m`, MaxResults: 100, NextToken: undefined },
      { ResourceArn: `${ARN}:model/m`, MaxResults: 100, NextToken: 'page-2' },
    ]);
  });
});

describe('the requests a rollout sends for a rich baseline (effects over this adapter)', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/fraud-exec';
  const CANDIDATE_ARN = `${ARN}:model-package/fraud-detector/8`;
  const VPC = { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-11111111', 'subnet-22222222'] };
  const CAPTURE = {
    EnableCapture: true,
    InitialSamplingPercentage: 20,
    DestinationS3Uri: 's3://fraud-capture/prod',
    CaptureOptions: [{ CaptureMode: 'Input' as const }, { CaptureMode: 'Output' as const }],
  };
  const KMS = `arn:aws:kms:eu-west-1:111122223333:key/volumes`;
  const METRICS = { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 10 };
  const TUNED = {
    VolumeSizeInGB: 64,
    ContainerStartupHealthCheckTimeoutInSeconds: 600,
    ModelDataDownloadTimeoutInSeconds: 900,
    RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' as const },
    InferenceAmiVersion: 'al2-ami-sagemaker-inference-gpu-2' as const,
  };
  const noAlarms: AlarmControl = {
    describeAlarms: () => Promise.resolve([]),
    putCandidateAlarm: () => Promise.resolve(),
    deleteAlarms: () => Promise.resolve(),
    putAbortAlarm: () => Promise.resolve(),
    setAlarmState: () => Promise.resolve(),
  };

  function describeRichBaseline(instanceType: 'ml.g4dn.xlarge' | 'ml.g6.xlarge' = 'ml.g4dn.xlarge') {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolves({
        EndpointName: 'fraud-prod',
        EndpointConfigName: 'fraud-prod-config-6',
        EndpointStatus: 'InService',
        CreationTime: new Date(0),
        LastModifiedTime: new Date(0),
        ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1, CurrentInstanceCount: 3 }],
      })
      .on(DescribeEndpointConfigCommand)
      .resolves({
        EndpointConfigName: 'fraud-prod-config-6',
        EndpointConfigArn: `${ARN}:endpoint-config/fraud-prod-config-6`,
        CreationTime: new Date(0),
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'fraud-v6',
            InstanceType: instanceType,
            InitialInstanceCount: 2,
            InitialVariantWeight: 1,
            ...TUNED,
          },
        ],
        DataCaptureConfig: CAPTURE,
        MetricsConfig: METRICS,
      })
      .on(DescribeModelCommand)
      .resolves({
        ModelName: 'fraud-v6',
        ModelArn: `${ARN}:model/fraud-v6`,
        CreationTime: new Date(0),
        PrimaryContainer: { Image: 'fraud:6', Environment: { LOG_LEVEL: 'warning' } },
        VpcConfig: VPC,
        EnableNetworkIsolation: true,
      })
      .on(ListTagsCommand, { ResourceArn: `${ARN}:model/fraud-v6` })
      .resolves({
        Tags: [
          { Key: 'team', Value: 'fraud' },
          { Key: 'aws:cloudformation:stack-name', Value: 'fraud' },
          { Key: 'sm-rollout:rollout-id', Value: 'older-rollout' },
        ],
      })
      .on(ListTagsCommand, { ResourceArn: `${ARN}:endpoint-config/fraud-prod-config-6` })
      .resolves({ Tags: [{ Key: 'data-classification', Value: 'confidential' }] })
      .on(DescribeModelPackageCommand)
      .resolves({
        ModelPackageName: 'fraud-detector',
        ModelPackageArn: CANDIDATE_ARN,
        ModelApprovalStatus: 'Approved',
        ModelPackageStatus: 'Completed',
        CreationTime: new Date(0),
        InferenceSpecification: {
          Containers: [{ Image: 'fraud:8' }],
          SupportedContentTypes: [],
          SupportedResponseMIMETypes: [],
        },
      })
      .on(CreateModelCommand)
      .resolves({})
      .on(CreateEndpointConfigCommand)
      .resolves({});
  }

  async function runCreations(candidate: RolloutInput['candidate']) {
    const effects = createRolloutEffects({
      endpoints: control,
      alarms: noAlarms,
      wait: () => Promise.resolve(),
    });
    const input = {
      rolloutId: 'r-1',
      endpointName: 'fraud-prod',
      modelPackageArn: CANDIDATE_ARN,
      alarms: [],
      candidate,
    };
    const baseline = await effects.resolveBaseline(input);
    const context = {
      ...input,
      plan: { steps: [] },
      candidateAlarms: [],
      executionRoleArn: ROLE,
      names: rolloutNames('fraud-prod', 'r-1'),
      requestedBy: 'tests',
      startedAt: 0,
      maxDurationMs: 1,
      pollIntervalMs: 1,
      alarmPollIntervalMs: 1,
      baseline,
    } as unknown as RolloutInput & { baseline: typeof baseline };
    await effects.createCandidate(context);
    await effects.createFinalConfig(context);
    return context.names;
  }

  const ours = [
    { Key: 'sm-rollout:rollout-id', Value: 'r-1' },
    { Key: 'sm-rollout:endpoint', Value: 'fraud-prod' },
  ];

  it('on the same instance type: CreateModel carries the network and environment, both configs every setting', async () => {
    describeRichBaseline();
    const names = await runCreations({});

    expect(inputsOf(CreateModelCommand)).toStrictEqual([
      {
        ModelName: names.candidateModel,
        Containers: [{ ModelPackageName: CANDIDATE_ARN, Environment: { LOG_LEVEL: 'warning' } }],
        ExecutionRoleArn: ROLE,
        VpcConfig: VPC,
        EnableNetworkIsolation: true,
        Tags: [...ours, { Key: 'team', Value: 'fraud' }],
      },
    ]);
    const configLevel = { DataCaptureConfig: CAPTURE, MetricsConfig: METRICS };
    const tags = [...ours, { Key: 'data-classification', Value: 'confidential' }];
    const candidateVariant = {
      ...TUNED,
      VariantName: names.candidateVariant,
      ModelName: names.candidateModel,
      InstanceType: 'ml.g4dn.xlarge',
      InitialInstanceCount: 3,
    };
    expect(inputsOf(CreateEndpointConfigCommand)).toStrictEqual([
      {
        ...configLevel,
        EndpointConfigName: names.transitionConfig,
        ProductionVariants: [
          {
            ...TUNED,
            VariantName: 'AllTraffic',
            ModelName: 'fraud-v6',
            InstanceType: 'ml.g4dn.xlarge',
            InitialInstanceCount: 3,
            InitialVariantWeight: 1,
          },
          { ...candidateVariant, InitialVariantWeight: 0 },
        ],
        Tags: tags,
      },
      {
        ...configLevel,
        EndpointConfigName: names.finalConfig,
        // The new model under the baseline's variant name.
        ProductionVariants: [{ ...candidateVariant, VariantName: 'AllTraffic', InitialVariantWeight: 1 }],
        Tags: tags,
      },
    ]);
  });

  it('on another GPU type: the volume size stays behind, the AMI (same accelerator) and timeouts carry over', async () => {
    describeRichBaseline();
    const names = await runCreations({ instanceType: 'ml.g6.2xlarge', instanceCount: 1 });

    const { VolumeSizeInGB: _bound, ...independent } = TUNED;
    const [transition, final] = inputsOf(CreateEndpointConfigCommand) as {
      ProductionVariants: unknown[];
    }[];
    expect(transition!.ProductionVariants[1]).toStrictEqual({
      ...independent,
      VariantName: names.candidateVariant,
      ModelName: names.candidateModel,
      InstanceType: 'ml.g6.2xlarge',
      InitialInstanceCount: 1,
      InitialVariantWeight: 0,
    });
    expect(final!.ProductionVariants).toStrictEqual([
      {
        ...independent,
        VariantName: 'AllTraffic',
        ModelName: names.candidateModel,
        InstanceType: 'ml.g6.2xlarge',
        InitialInstanceCount: 1,
        InitialVariantWeight: 1,
      },
    ]);
  });

  it('on a CPU type: the GPU AMI stays behind too', async () => {
    describeRichBaseline();
    const names = await runCreations({ instanceType: 'ml.c5.2xlarge' });

    const { VolumeSizeInGB: _volume, InferenceAmiVersion: _ami, ...independent } = TUNED;
    const [, final] = inputsOf(CreateEndpointConfigCommand) as { ProductionVariants: unknown[] }[];
    expect(final!.ProductionVariants).toStrictEqual([
      {
        ...independent,
        VariantName: 'AllTraffic',
        ModelName: names.candidateModel,
        InstanceType: 'ml.c5.2xlarge',
        InitialInstanceCount: 3,
        InitialVariantWeight: 1,
      },
    ]);
  });

  it('retries CreateEndpointConfig while the new model is not visible, then succeeds', async () => {
    describeRichBaseline();
    const notFound = awsError('ValidationException', `Could not find model "${ARN}:model/x".`);
    sagemaker.on(CreateEndpointConfigCommand).rejectsOnce(notFound).rejectsOnce(notFound).resolves({});
    const waits: number[] = [];
    const effects = createRolloutEffects({
      endpoints: control,
      alarms: noAlarms,
      wait: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    const input = { endpointName: 'fraud-prod', modelPackageArn: CANDIDATE_ARN, alarms: [], candidate: {} };
    const baseline = await effects.resolveBaseline(input);
    const context = {
      ...input,
      rolloutId: 'r-1',
      candidateAlarms: [],
      executionRoleArn: ROLE,
      names: rolloutNames('fraud-prod', 'r-1'),
      baseline,
    } as unknown as RolloutInput & { baseline: typeof baseline };

    await expect(effects.createCandidate(context)).resolves.toMatchObject({
      created: [`model ${context.names.candidateModel}`, `endpoint config ${context.names.transitionConfig}`],
    });
    expect(waits).toEqual([1_000, 2_000]);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)).toHaveLength(3);
  });

  it('reads the model and tags again for a rollout saved before the Baseline kept them', async () => {
    describeRichBaseline();
    const effects = createRolloutEffects({ endpoints: control, alarms: noAlarms });
    const input = { endpointName: 'fraud-prod', modelPackageArn: CANDIDATE_ARN, alarms: [], candidate: {} };
    const { model: _model, configTags: _tags, ...older } = await effects.resolveBaseline(input);
    const context = {
      ...input,
      rolloutId: 'r-1',
      candidateAlarms: [],
      executionRoleArn: ROLE,
      names: rolloutNames('fraud-prod', 'r-1'),
      baseline: older,
    } as unknown as RolloutInput & { baseline: typeof older };
    sagemaker.resetHistory();

    await effects.createCandidate(context);

    expect(inputsOf(CreateModelCommand)).toMatchObject([
      { VpcConfig: VPC, EnableNetworkIsolation: true, Tags: [...ours, { Key: 'team', Value: 'fraud' }] },
    ]);
    expect(inputsOf(CreateEndpointConfigCommand)).toMatchObject([
      { Tags: [...ours, { Key: 'data-classification', Value: 'confidential' }] },
    ]);
  });

  it('refuses KmsKeyId with a local-storage candidate type before creating anything', async () => {
    describeRichBaseline();
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'fraud-prod-config-6',
      EndpointConfigArn: `${ARN}:endpoint-config/fraud-prod-config-6`,
      CreationTime: new Date(0),
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'fraud-v6',
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
        },
      ],
      KmsKeyId: KMS,
    });
    const effects = createRolloutEffects({ endpoints: control, alarms: noAlarms });

    await expect(
      effects.resolveBaseline({
        endpointName: 'fraud-prod',
        modelPackageArn: CANDIDATE_ARN,
        alarms: [],
        candidate: { instanceType: 'ml.m5d.xlarge' },
      }),
    ).rejects.toMatchObject({ code: 'ENDPOINT_UNSUPPORTED', field: 'candidate.instanceType' });
    expect(sagemaker.commandCalls(CreateModelCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)).toHaveLength(0);
  });
});
