// SageMakerInferenceComponentControl: the exact requests it sends (API reference: UpdateInferenceComponent,
// DescribeInferenceComponent, ListInferenceComponents) and how answers and failures map onto the port.
import {
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateInferenceComponentCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerInferenceComponentControl } from '../../src/aws';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';
const sagemaker = mockClient(SageMakerClient);
const control = new SageMakerInferenceComponentControl(new SageMakerClient({}));

function awsError(name: string, message: string): SageMakerServiceException {
  return new SageMakerServiceException({
    name,
    message,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

function inputsOf(command: Parameters<typeof sagemaker.commandCalls>[0]): unknown[] {
  return sagemaker.commandCalls(command).map((call) => call.args[0].input);
}

beforeEach(() => {
  sagemaker.reset();
});

describe('updateInferenceComponent', () => {
  it('sends the specification, copy count, RollingUpdatePolicy and AutoRollbackConfiguration exactly', async () => {
    sagemaker
      .on(UpdateInferenceComponentCommand)
      .resolves({ InferenceComponentArn: `${ARN}:inference-component/chat` });
    await control.updateInferenceComponent({
      inferenceComponentName: 'chat',
      specification: {
        modelName: 'chat-v2',
        computeResourceRequirements: { numberOfAcceleratorDevicesRequired: 1, minMemoryRequiredInMb: 16384 },
        extra: { StartupParameters: { ModelDataDownloadTimeoutInSeconds: 1200 } },
      },
      copyCount: 6,
      rollingUpdate: {
        maximumBatchSize: { type: 'COPY_COUNT', value: 2 },
        waitIntervalInSeconds: 300,
        maximumExecutionTimeoutInSeconds: 7200,
        rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
      },
      autoRollbackAlarms: ['chat-5xx', 'sm-rollout-abort-r-1'],
    });
    expect(inputsOf(UpdateInferenceComponentCommand)).toEqual([
      {
        InferenceComponentName: 'chat',
        Specification: {
          ModelName: 'chat-v2',
          ComputeResourceRequirements: {
            NumberOfAcceleratorDevicesRequired: 1,
            MinMemoryRequiredInMb: 16384,
          },
          StartupParameters: { ModelDataDownloadTimeoutInSeconds: 1200 },
        },
        RuntimeConfig: { CopyCount: 6 },
        DeploymentConfig: {
          RollingUpdatePolicy: {
            MaximumBatchSize: { Type: 'COPY_COUNT', Value: 2 },
            WaitIntervalInSeconds: 300,
            MaximumExecutionTimeoutInSeconds: 7200,
            RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 100 },
          },
          AutoRollbackConfiguration: {
            Alarms: [{ AlarmName: 'chat-5xx' }, { AlarmName: 'sm-rollout-abort-r-1' }],
          },
        },
      },
    ]);
  });

  it('leaves out what is not set: the copy count, optional policy members, an empty alarm list', async () => {
    sagemaker
      .on(UpdateInferenceComponentCommand)
      .resolves({ InferenceComponentArn: `${ARN}:inference-component/chat` });
    await control.updateInferenceComponent({
      inferenceComponentName: 'chat',
      specification: { modelName: 'chat-v2', computeResourceRequirements: { minMemoryRequiredInMb: 1024 } },
      rollingUpdate: { maximumBatchSize: { type: 'CAPACITY_PERCENT', value: 25 }, waitIntervalInSeconds: 0 },
      autoRollbackAlarms: [],
    });
    expect(inputsOf(UpdateInferenceComponentCommand)).toEqual([
      {
        InferenceComponentName: 'chat',
        Specification: { ModelName: 'chat-v2', ComputeResourceRequirements: { MinMemoryRequiredInMb: 1024 } },
        DeploymentConfig: {
          RollingUpdatePolicy: {
            MaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 25 },
            WaitIntervalInSeconds: 0,
          },
        },
      },
    ]);
  });

  it('reports an update while one runs as ENDPOINT_BUSY, and a validation error with AWS’s words', async () => {
    sagemaker
      .on(UpdateInferenceComponentCommand)
      .rejectsOnce(
        awsError(
          'ValidationException',
          `Cannot update in-progress inference component "${ARN}:inference-component/chat".`,
        ),
      )
      .rejectsOnce(
        awsError(
          'ValidationException',
          "1 validation error detected: Value '3601' at 'deploymentConfig.rollingUpdatePolicy.waitIntervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600",
        ),
      );
    const request = {
      inferenceComponentName: 'chat',
      specification: { modelName: 'chat-v2' },
      rollingUpdate: {
        maximumBatchSize: { type: 'COPY_COUNT' as const, value: 1 },
        waitIntervalInSeconds: 3601,
      },
      autoRollbackAlarms: [],
    };
    await expect(control.updateInferenceComponent(request)).rejects.toMatchObject({ code: 'ENDPOINT_BUSY' });
    await expect(control.updateInferenceComponent(request)).rejects.toMatchObject({
      code: 'AWS_ERROR',
      message: expect.stringMatching(
        /UpdateInferenceComponent failed: ValidationException: .*waitIntervalInSeconds/,
      ),
    });
  });
});

describe('describeInferenceComponent', () => {
  it('maps status, specification, copy counts and the last deployment', async () => {
    sagemaker.on(DescribeInferenceComponentCommand, { InferenceComponentName: 'chat' }).resolves({
      InferenceComponentName: 'chat',
      InferenceComponentArn: `${ARN}:inference-component/chat`,
      EndpointName: 'support-llm',
      EndpointArn: `${ARN}:endpoint/support-llm`,
      VariantName: 'AllTraffic',
      InferenceComponentStatus: 'InService',
      FailureReason: 'Alarm chat-5xx went into ALARM state during the deployment.',
      Specification: {
        ModelName: 'chat-v1',
        ComputeResourceRequirements: { NumberOfCpuCoresRequired: 4, MinMemoryRequiredInMb: 16384 },
        StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 600 },
      },
      RuntimeConfig: { DesiredCopyCount: 4, CurrentCopyCount: 4 },
      LastDeploymentConfig: {
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'COPY_COUNT', Value: 1 },
          WaitIntervalInSeconds: 300,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'chat-5xx' }] },
      },
      CreationTime: new Date('2026-01-15T09:00:00Z'),
      LastModifiedTime: new Date('2026-01-15T10:00:00Z'),
    });
    expect(await control.describeInferenceComponent('chat')).toEqual({
      inferenceComponentName: 'chat',
      inferenceComponentArn: `${ARN}:inference-component/chat`,
      endpointName: 'support-llm',
      variantName: 'AllTraffic',
      status: 'InService',
      failureReason: 'Alarm chat-5xx went into ALARM state during the deployment.',
      specification: {
        modelName: 'chat-v1',
        computeResourceRequirements: { numberOfCpuCoresRequired: 4, minMemoryRequiredInMb: 16384 },
        extra: { StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 600 } },
      },
      desiredCopyCount: 4,
      currentCopyCount: 4,
      lastDeployment: {
        rollingUpdate: { maximumBatchSize: { type: 'COPY_COUNT', value: 1 }, waitIntervalInSeconds: 300 },
        autoRollbackAlarms: ['chat-5xx'],
      },
      creationTime: Date.parse('2026-01-15T09:00:00Z'),
      lastModifiedTime: Date.parse('2026-01-15T10:00:00Z'),
    });
  });

  it('answers undefined for a component that does not exist', async () => {
    sagemaker
      .on(DescribeInferenceComponentCommand)
      .rejects(
        awsError(
          'ValidationException',
          `Could not find inference component "${ARN}:inference-component/gone".`,
        ),
      );
    expect(await control.describeInferenceComponent('gone')).toBeUndefined();
  });
});

describe('listInferenceComponents', () => {
  it('asks for the endpoint’s components by name and follows every page', async () => {
    const summary = (name: string) => ({
      InferenceComponentName: name,
      InferenceComponentArn: `${ARN}:inference-component/${name}`,
      EndpointName: 'support-llm',
      EndpointArn: `${ARN}:endpoint/support-llm`,
      VariantName: 'AllTraffic',
      InferenceComponentStatus: 'InService' as const,
      CreationTime: new Date(0),
      LastModifiedTime: new Date(0),
    });
    sagemaker
      .on(ListInferenceComponentsCommand)
      .resolvesOnce({ InferenceComponents: [summary('chat')], NextToken: 'page-2' })
      .resolvesOnce({ InferenceComponents: [summary('summarize')] });
    expect(
      (await control.listInferenceComponents('support-llm')).map((c) => c.inferenceComponentName),
    ).toEqual(['chat', 'summarize']);
    expect(inputsOf(ListInferenceComponentsCommand)).toEqual([
      { EndpointNameEquals: 'support-llm', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 100 },
      {
        EndpointNameEquals: 'support-llm',
        SortBy: 'Name',
        SortOrder: 'Ascending',
        MaxResults: 100,
        NextToken: 'page-2',
      },
    ]);
  });
});
