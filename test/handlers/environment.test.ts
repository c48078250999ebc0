// The controller's configuration from the Lambda environment: the store a ROLLOUT_STORE setting
// names, the controller's view of a policy file, the wake-up queue, and the cold start refusing a
// missing or wrong setting.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SmRolloutError } from '../../src/errors';
import { controllerDepsFromEnvironment, controllerStore, policyLookup } from '../../src/handlers/environment';
import { deployedPoliciesJson, InvalidPolicyFileError, parsePolicies } from '../../src/policy';
import { DynamoRolloutStore, FileRolloutStore, MemoryRolloutStore, storeFromSetting } from '../../src/store';
import { storedRecord } from '../store/records';
import { EXAMPLE_YAML, ROLE } from '../policy/fixtures';

const noDynamo = () => {
  throw new Error('no DynamoDB client should be built for this setting');
};

function refusal(run: () => unknown): SmRolloutError {
  try {
    run();
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('storeFromSetting', () => {
  it('dynamodb:<table> stores rollouts in that table', async () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    const tables: unknown[] = [];
    client.middlewareStack.add(
      () => async (args) => {
        tables.push((args.input as { TableName?: string }).TableName);
        throw new Error('stopped before leaving the machine');
      },
      { step: 'initialize' },
    );
    const store = storeFromSetting(' dynamodb:sm-rollouts ', () => client);
    expect(store).toBeInstanceOf(DynamoRolloutStore);
    await expect(store.get('r-1')).rejects.toThrow();
    expect(tables).toEqual(['sm-rollouts']);
  });

  it('file:<dir> keeps rollouts as files in that directory', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const store = storeFromSetting(`file:${dir}`, noDynamo);
    expect(store).toBeInstanceOf(FileRolloutStore);
    await store.create(storedRecord('r-1'), []);
    expect(await fs.readdir(path.join(dir, 'rollouts'))).toContain('r-1.json');
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('memory keeps rollouts in the process', () => {
    expect(storeFromSetting('memory', noDynamo)).toBeInstanceOf(MemoryRolloutStore);
  });

  it.each([undefined, '', '  ', 'postgres:rollouts', 'dynamodb:', 'file:', 'Memory'])(
    'refuses %p, naming ROLLOUT_STORE and the settings it takes',
    (setting) => {
      const error = refusal(() => storeFromSetting(setting, noDynamo));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.field).toBe('ROLLOUT_STORE');
      expect(error.message).toMatch(/^ROLLOUT_STORE: .* use dynamodb:<table>, file:<dir> or memory$/);
    },
  );
});

describe('controllerStore (the Lambda imports only the store ROLLOUT_STORE names)', () => {
  it('builds the same stores as storeFromSetting, and refuses the same settings', async () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });
    const dynamo = await controllerStore('dynamodb:sm-rollouts', () => client);
    expect(dynamo).toBeInstanceOf(DynamoRolloutStore);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-store-'));
    const file = await controllerStore(`file:${dir}`, noDynamo);
    expect(file).toBeInstanceOf(FileRolloutStore);
    await file.create(storedRecord('r-file-1'), []);
    expect(await fs.readdir(path.join(dir, 'rollouts'))).toContain('r-file-1.json');
    await fs.rm(dir, { recursive: true, force: true });
    expect(await controllerStore('memory', noDynamo)).toBeInstanceOf(MemoryRolloutStore);
    await expect(controllerStore('postgres:rollouts', noDynamo)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message:
        'ROLLOUT_STORE: "postgres:rollouts" is not a store; use dynamodb:<table>, file:<dir> or memory',
    });
  });
});

describe('policyLookup', () => {
  const policies = policyLookup(parsePolicies(EXAMPLE_YAML, 'policies.yaml'));
  const version7 = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';

  it('finds a policy by its model package group and by its endpoint', () => {
    expect(policies.forGroup('churn-model')).toMatchObject({
      modelPackageGroup: 'churn-model',
      endpoint: 'churn-prod',
      onNewerApproval: 'supersede',
    });
    expect(policies.forEndpoint('churn-prod')?.modelPackageGroup).toBe('churn-model');
    expect(policies.forGroup('fraud-model')).toBeUndefined();
    expect(policies.forEndpoint('fraud-prod')).toBeUndefined();
  });

  it('turns an approved version into the policy’s validated start request', () => {
    const request = policies.forGroup('churn-model')!.toStartRequest(version7, 'approval of churn-model/7');
    expect(request).toMatchObject({
      endpointName: 'churn-prod',
      modelPackageArn: version7,
      executionRoleArn: ROLE,
      alarms: ['churn-prod-5xx', 'churn-prod-p99-latency'],
      candidate: { instanceType: 'ml.m5.large', instanceCount: 2 },
      maxDurationMs: 4 * 3_600_000,
      requestedBy: 'approval of churn-model/7',
    });
    expect(request.plan.strategy).toBe('Canary10Percent5Minutes');
    expect(request.plan.steps).toEqual([
      { kind: 'setWeight', percent: 10 },
      { kind: 'bake', durationMs: 5 * 60_000 },
      { kind: 'setWeight', percent: 100 },
      { kind: 'bake', durationMs: 10 * 60_000 },
    ]);
  });

  it('refuses a version of another group', () => {
    const other = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/fraud-model/3';
    const error = refusal(() => policies.forEndpoint('churn-prod')!.toStartRequest(other, 'approval'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('is a version of fraud-model, but this policy rolls out churn-model');
  });
});

/** The policies JSON the CDK app ships, made as synth makes it (from a YAML file). */
async function deployedPolicies(dir: string, yaml = EXAMPLE_YAML): Promise<string> {
  const source = path.join(dir, 'policies.yaml');
  await fs.writeFile(source, yaml);
  const file = path.join(dir, 'policies.json');
  await fs.writeFile(file, deployedPoliciesJson(source));
  return file;
}

describe('controllerDepsFromEnvironment', () => {
  it('refuses to start without ROLLOUT_POLICIES_FILE, saying what to set', async () => {
    const log = { warn: jest.fn() };
    await expect(controllerDepsFromEnvironment({ ROLLOUT_STORE: 'memory' }, log)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'ROLLOUT_POLICIES_FILE',
      message: expect.stringMatching(
        /^ROLLOUT_POLICIES_FILE is not set; point it at the policies JSON shipped with the function/,
      ),
    });
  });

  it('warns that lifecycle events go nowhere without ROLLOUT_EVENT_BUS', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const file = await deployedPolicies(dir);
    const log = { warn: jest.fn() };
    const deps = await controllerDepsFromEnvironment(
      { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory' },
      log,
    );
    expect(deps.store).toBeInstanceOf(MemoryRolloutStore);
    expect(deps.policies.forEndpoint('churn-prod')?.modelPackageGroup).toBe('churn-model');
    expect(log.warn).toHaveBeenCalledWith('ROLLOUT_EVENT_BUS is not set: lifecycle events are not published');
    await fs.rm(dir, { recursive: true, force: true });
  });
  describe('the AWS adapters (each loads its SDK client on its first call)', () => {
    const sagemaker = mockClient(SageMakerClient);
    const cloudwatch = mockClient(CloudWatchClient);
    const autoscaling = mockClient(ApplicationAutoScalingClient);
    const eventbridge = mockClient(EventBridgeClient);
    const sqs = mockClient(SQSClient);
    const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/smr-WakeUpQueue-x1';
    beforeEach(() => {
      for (const mock of [sagemaker, cloudwatch, autoscaling, eventbridge, sqs]) mock.reset();
    });
    afterAll(() => {
      for (const mock of [sagemaker, cloudwatch, autoscaling, eventbridge, sqs]) mock.restore();
    });

    async function depsWith(env: Record<string, string>) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
      const file = await deployedPolicies(dir);
      const deps = await controllerDepsFromEnvironment(
        { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory', ...env },
        { warn: jest.fn() },
      );
      await fs.rm(dir, { recursive: true, force: true });
      return deps;
    }

    it('reads endpoints, alarms and Application Auto Scaling through SageMaker, CloudWatch and Application Auto Scaling', async () => {
      sagemaker.on(DescribeEndpointCommand, { EndpointName: 'churn-prod' }).resolves({
        EndpointName: 'churn-prod',
        EndpointStatus: 'InService',
        EndpointConfigName: 'churn-prod-config-7',
        ProductionVariants: [{ VariantName: 'AllTraffic', CurrentWeight: 1, CurrentInstanceCount: 4 }],
      });
      cloudwatch.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: [{ AlarmName: 'churn-5xx', StateValue: 'OK', StateReason: 'fine' }],
      });
      autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
      const deps = await depsWith({ ROLLOUT_EVENT_BUS: 'lifecycle' });

      // Building the controller calls nothing: a Scheduled Event with nothing due reads only the store.
      expect(sagemaker.calls()).toHaveLength(0);
      await expect(deps.endpoints.describeEndpoint('churn-prod')).resolves.toMatchObject({
        status: 'InService',
        endpointConfigName: 'churn-prod-config-7',
        variants: [{ variantName: 'AllTraffic', currentInstanceCount: 4 }],
      });
      await expect(deps.alarms.describeAlarms(['churn-5xx'])).resolves.toMatchObject([
        { alarmName: 'churn-5xx', state: 'OK' },
      ]);
      await expect(deps.scaling?.describeVariantScaling('churn-prod', 'AllTraffic')).resolves.toBeUndefined();
      expect(autoscaling.commandCalls(DescribeScalableTargetsCommand)[0]?.args[0].input).toMatchObject({
        ServiceNamespace: 'sagemaker',
        ResourceIds: ['endpoint/churn-prod/variant/AllTraffic'],
      });
      // The native engine's abort alarm needs these two; the lazily built port has them like the adapter.
      expect(typeof deps.alarms.putAbortAlarm).toBe('function');
      expect(typeof deps.alarms.setAlarmState).toBe('function');
    });

    it('publishes lifecycle events on the ROLLOUT_EVENT_BUS bus', async () => {
      eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
      const deps = await depsWith({ ROLLOUT_EVENT_BUS: 'lifecycle' });
      await deps.events.publish([
        {
          detailType: 'Rollout Started',
          at: Date.parse('2026-01-01T00:00:00Z'),
          detail: {
            rolloutId: 'r-1',
            endpointName: 'churn-prod',
            modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/8',
          },
        },
      ]);
      expect(eventbridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]).toMatchObject({
        Source: 'sm-rollout',
        DetailType: 'Rollout Started',
        EventBusName: 'lifecycle',
      });
    });

    it('sends precise wake-ups to the queue ROLLOUT_WAKE_UP_QUEUE_URL names; without it, the schedule alone wakes rollouts', async () => {
      sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
      const queued = await depsWith({ ROLLOUT_WAKE_UP_QUEUE_URL: QUEUE });
      await queued.wakeUps?.wakeAt('r-1', Date.now() + 90_000);
      const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
      expect(sent?.QueueUrl).toBe(QUEUE);
      expect(sent?.DelaySeconds).toBeGreaterThanOrEqual(89);
      expect(sent?.DelaySeconds).toBeLessThanOrEqual(90);

      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
      const file = await deployedPolicies(dir);
      const log = { warn: jest.fn() };
      const unqueued = await controllerDepsFromEnvironment(
        { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory' },
        log,
      );
      expect(unqueued.wakeUps).toBeUndefined();
      expect(log.warn).toHaveBeenCalledWith(
        'ROLLOUT_WAKE_UP_QUEUE_URL is not set: rollouts are woken by the one-minute schedule alone',
      );
      await fs.rm(dir, { recursive: true, force: true });
    });
  });

  it('refuses a ROLLOUT_WAKE_UP_QUEUE_URL that is not a queue URL, saying what to set', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const file = await deployedPolicies(dir);
    await expect(
      controllerDepsFromEnvironment(
        { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory', ROLLOUT_WAKE_UP_QUEUE_URL: 'smr-wake-ups' },
        { warn: jest.fn() },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'ROLLOUT_WAKE_UP_QUEUE_URL',
      message: expect.stringMatching(
        /^ROLLOUT_WAKE_UP_QUEUE_URL: "smr-wake-ups" is not an SQS queue URL; set it to the queue's URL/,
      ),
    });
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads the policies as the JSON written at synth: the same policies as the YAML file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const file = await deployedPolicies(dir);
    const deps = await controllerDepsFromEnvironment(
      { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory', ROLLOUT_EVENT_BUS: 'lifecycle' },
      { warn: jest.fn() },
    );
    const fromYaml = parsePolicies(EXAMPLE_YAML, 'policies.yaml');
    for (const policy of fromYaml.policies) {
      const arn = `arn:aws:sagemaker:eu-west-1:111122223333:model-package/${policy.modelPackageGroup}/3`;
      expect(deps.policies.forGroup(policy.modelPackageGroup)?.toStartRequest(arn, 'approval')).toEqual(
        policyLookup(fromYaml).forGroup(policy.modelPackageGroup)?.toStartRequest(arn, 'approval'),
      );
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses a YAML file in ROLLOUT_POLICIES_FILE, saying the function reads the JSON written at synth', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const file = path.join(dir, 'policies.yaml');
    await fs.writeFile(file, EXAMPLE_YAML);
    const error = await controllerDepsFromEnvironment(
      { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory' },
      { warn: jest.fn() },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPolicyFileError);
    expect((error as InvalidPolicyFileError).problems).toEqual([
      expect.stringMatching(
        /policies\.yaml: is not JSON \(Unexpected token 'p'\); the controller reads the policies as JSON written at synth: deploy with `npx cdk deploy -c policies=<your policies file>`/,
      ),
    ]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('checks the JSON with the policy rules and lists every problem', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const file = path.join(dir, 'policies.json');
    await fs.writeFile(
      file,
      JSON.stringify({ policies: [{ modelPackageGroup: 'churn-model', stratgy: 'x' }] }),
    );
    const error = await controllerDepsFromEnvironment(
      { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory' },
      { warn: jest.fn() },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPolicyFileError);
    const problems = (error as InvalidPolicyFileError).problems;
    expect(problems).toContain(
      `${file}: policies[0] (churn-model): stratgy: is not a setting of a policy; did you mean strategy?`,
    );
    expect(problems.some((p) => p.includes('endpoint'))).toBe(true);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
