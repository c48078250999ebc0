// The controller's configuration from the Lambda environment: the store a ROLLOUT_STORE setting
// names, the controller's view of a policy file, the wake-up queue, and the cold start refusing a
// missing or wrong setting.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ApplicationAutoScalingScalingControl,
  CloudWatchAlarmControl,
  SageMakerEndpointControl,
  SqsWakeUpScheduler,
} from '../../src/aws';
import { SmRolloutError } from '../../src/errors';
import {
  controllerDepsFromEnvironment,
  policyLookup,
  storeFromSetting,
} from '../../src/handlers/environment';
import { deployedPoliciesJson, InvalidPolicyFileError, parsePolicies } from '../../src/policy';
import { DynamoRolloutStore, FileRolloutStore, MemoryRolloutStore } from '../../src/store';
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
  it('gives the controller the AWS adapters, Application Auto Scaling included', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const file = await deployedPolicies(dir);
    const deps = await controllerDepsFromEnvironment(
      { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory', ROLLOUT_EVENT_BUS: 'lifecycle' },
      { warn: jest.fn() },
    );
    expect(deps.endpoints).toBeInstanceOf(SageMakerEndpointControl);
    expect(deps.alarms).toBeInstanceOf(CloudWatchAlarmControl);
    expect(deps.scaling).toBeInstanceOf(ApplicationAutoScalingScalingControl);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('sends precise wake-ups to the queue ROLLOUT_WAKE_UP_QUEUE_URL names; without it, the schedule alone wakes rollouts', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'smr-env-'));
    const file = await deployedPolicies(dir);
    const base = { ROLLOUT_POLICIES_FILE: file, ROLLOUT_STORE: 'memory', ROLLOUT_EVENT_BUS: 'lifecycle' };
    const queued = await controllerDepsFromEnvironment(
      {
        ...base,
        ROLLOUT_WAKE_UP_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/smr-WakeUpQueue-x1',
      },
      { warn: jest.fn() },
    );
    expect(queued.wakeUps).toBeInstanceOf(SqsWakeUpScheduler);
    const log = { warn: jest.fn() };
    const unqueued = await controllerDepsFromEnvironment(base, log);
    expect(unqueued.wakeUps).toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith(
      'ROLLOUT_WAKE_UP_QUEUE_URL is not set: rollouts are woken by the one-minute schedule alone',
    );
    await fs.rm(dir, { recursive: true, force: true });
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
