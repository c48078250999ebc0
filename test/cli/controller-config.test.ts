// Where controller mode finds the controller: the order of the sources, the stack-outputs lookup
// (exact and CDK-prefixed keys) and every way a configuration can be missing or wrong, in words.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createAwsClients } from '../../src/aws';
import {
  NO_CONTROLLER_CONFIGURED,
  resolveControllerConfig,
  type ResolveControllerConfigOptions,
} from '../../src/cli/controller-config';
import { SmRolloutError } from '../../src/errors';

const cfn = mockClient(CloudFormationClient);
let cwd: string;

const STACK_OUTPUTS: Output[] = [
  { OutputKey: 'TableName', OutputValue: 'SmRolloutStack-RolloutTable1234-ABCD' },
  { OutputKey: 'CommandBusName', OutputValue: 'SmRolloutStackCommandBus5678' },
  { OutputKey: 'CommandBusArn', OutputValue: 'arn:aws:events:eu-west-1:111122223333:event-bus/x' },
  { OutputKey: 'LifecycleBusName', OutputValue: 'SmRolloutStackLifecycleBus' },
];

function stackAnswer(outputs: Output[] = STACK_OUTPUTS, name = 'SmRolloutStack') {
  return {
    Stacks: [
      {
        StackName: name,
        StackStatus: 'CREATE_COMPLETE' as const,
        CreationTime: new Date(0),
        Outputs: outputs,
      },
    ],
  };
}

function resolve(options: Partial<ResolveControllerConfigOptions> = {}) {
  return resolveControllerConfig({
    env: {},
    cwd,
    clients: (o) => createAwsClients({ region: o.region ?? 'eu-west-1' }),
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<SmRolloutError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmRolloutError) return error;
    throw error;
  }
  throw new Error('expected an SmRolloutError, but the promise resolved');
}

async function writeConfig(content: unknown, name = '.sm-rollout.json'): Promise<string> {
  const file = path.join(cwd, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

beforeEach(async () => {
  cfn.reset();
  cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-config-'));
});
afterEach(async () => {
  await fs.rm(cwd, { recursive: true, force: true });
});

describe('resolveControllerConfig: the order of the sources', () => {
  it('takes --table and --command-bus first, over env, the config file and its stack', async () => {
    await writeConfig({ table: 'file-table', commandBus: 'file-bus', stack: 'FileStack' });
    const config = await resolve({
      table: 'flag-table',
      commandBus: 'flag-bus',
      region: 'us-east-2',
      env: { SM_ROLLOUT_TABLE: 'env-table', SM_ROLLOUT_COMMAND_BUS: 'env-bus' },
    });
    expect(config).toEqual({
      tableName: 'flag-table',
      commandBusName: 'flag-bus',
      region: 'us-east-2',
      source: 'flags',
    });
    expect(cfn).not.toHaveReceivedAnyCommand();
  });

  it('an explicit --stack reads the stack outputs, over env and the config file', async () => {
    await writeConfig({ table: 'file-table', commandBus: 'file-bus' });
    cfn.on(DescribeStacksCommand).resolves(stackAnswer());
    const config = await resolve({
      stack: 'SmRolloutStack',
      env: { SM_ROLLOUT_TABLE: 'env-table', SM_ROLLOUT_COMMAND_BUS: 'env-bus' },
    });
    expect(config).toEqual({
      tableName: 'SmRolloutStack-RolloutTable1234-ABCD',
      commandBusName: 'SmRolloutStackCommandBus5678',
      source: 'stack outputs',
      stack: 'SmRolloutStack',
    });
    expect(cfn).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'SmRolloutStack' });
    expect(cfn.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({
      StackName: 'SmRolloutStack',
    });
  });

  it('then SM_ROLLOUT_TABLE and SM_ROLLOUT_COMMAND_BUS, over the config file', async () => {
    await writeConfig({ table: 'file-table', commandBus: 'file-bus', region: 'ap-south-1' });
    const config = await resolve({
      env: { SM_ROLLOUT_TABLE: 'env-table', SM_ROLLOUT_COMMAND_BUS: 'env-bus' },
    });
    expect(config).toEqual({
      tableName: 'env-table',
      commandBusName: 'env-bus',
      region: 'ap-south-1',
      source: 'env',
    });
  });

  it('then the config file in cwd, with its region (a --region flag wins)', async () => {
    await writeConfig({ table: 'file-table', commandBus: 'file-bus', region: 'ap-south-1' });
    await expect(resolve()).resolves.toEqual({
      tableName: 'file-table',
      commandBusName: 'file-bus',
      region: 'ap-south-1',
      source: 'config file',
    });
    await expect(resolve({ region: 'eu-central-1' })).resolves.toMatchObject({ region: 'eu-central-1' });
  });

  it('reads the file SM_ROLLOUT_CONFIG names (relative to cwd) instead of .sm-rollout.json', async () => {
    await writeConfig({ table: 'default-table', commandBus: 'default-bus' });
    await writeConfig({ table: 'named-table', commandBus: 'named-bus' }, 'conf/prod.json');
    await expect(resolve({ env: { SM_ROLLOUT_CONFIG: 'conf/prod.json' } })).resolves.toEqual({
      tableName: 'named-table',
      commandBusName: 'named-bus',
      source: 'config file',
    });
  });

  it("last the config file's stack, looked up in the file's region", async () => {
    await writeConfig({ stack: 'TeamStack', region: 'ap-south-1' });
    cfn
      .on(DescribeStacksCommand, { StackName: 'TeamStack' })
      .resolves(stackAnswer(STACK_OUTPUTS, 'TeamStack'));
    const regions: (string | undefined)[] = [];
    const config = await resolve({
      clients: (o) => {
        regions.push(o.region);
        return createAwsClients(o);
      },
    });
    expect(config).toEqual({
      tableName: 'SmRolloutStack-RolloutTable1234-ABCD',
      commandBusName: 'SmRolloutStackCommandBus5678',
      region: 'ap-south-1',
      source: 'stack outputs',
      stack: 'TeamStack',
    });
    expect(regions).toEqual(['ap-south-1']);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'TeamStack' });
  });

  it('accepts a ready client instead of a factory', async () => {
    cfn.on(DescribeStacksCommand).resolves(stackAnswer());
    const config = await resolve({
      stack: 'SmRolloutStack',
      clients: createAwsClients({ region: 'eu-west-1' }),
    });
    expect(config.source).toBe('stack outputs');
  });
});

describe('resolveControllerConfig: stack outputs', () => {
  it("finds outputs whose keys carry CDK's construct path and hash", async () => {
    cfn.on(DescribeStacksCommand).resolves(
      stackAnswer([
        { OutputKey: 'RolloutsTableNameA1B2C3D4', OutputValue: 'the-table' },
        { OutputKey: 'RolloutsCommandBusName0F1E2D3C', OutputValue: 'the-bus' },
        { OutputKey: 'RolloutsLifecycleBusName99AA88BB', OutputValue: 'not-this-bus' },
      ]),
    );
    await expect(resolve({ stack: 'AppStack' })).resolves.toMatchObject({
      tableName: 'the-table',
      commandBusName: 'the-bus',
    });
  });

  it('refuses to guess between several matching outputs', async () => {
    cfn.on(DescribeStacksCommand).resolves(
      stackAnswer([
        { OutputKey: 'BlueTableName', OutputValue: 'a' },
        { OutputKey: 'GreenTableName', OutputValue: 'b' },
        { OutputKey: 'CommandBusName', OutputValue: 'bus' },
      ]),
    );
    const error = await failure(resolve({ stack: 'AppStack' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'stack AppStack has several outputs that could be TableName (BlueTableName, GreenTableName); ' +
        'pass --table and --command-bus instead',
    );
  });

  it('names the stack and its region when it does not exist', async () => {
    const notFound = Object.assign(new Error('Stack with id Nope does not exist'), {
      name: 'ValidationError',
    });
    cfn.on(DescribeStacksCommand).rejects(notFound);
    const error = await failure(resolve({ stack: 'Nope', region: 'us-west-2' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('stack');
    expect(error.message).toBe(
      'stack Nope not found in us-west-2: deploy it with `npx cdk deploy`, or pass --region (or --stack) naming where it is',
    );
  });

  it('names the stack and the outputs it lacks (and the ones it has)', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves(stackAnswer([{ OutputKey: 'FunctionName', OutputValue: 'fn' }], 'Other'));
    const error = await failure(resolve({ stack: 'Other' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'stack Other (CREATE_COMPLETE) has no TableName or CommandBusName output (it has FunctionName); ' +
        'is it the sm-rollout controller stack, and did its deploy finish? Or pass --table and --command-bus',
    );
  });

  it('names the one missing output of a stack without outputs', async () => {
    cfn.on(DescribeStacksCommand).resolves(stackAnswer([{ OutputKey: 'TableName', OutputValue: 't' }]));
    const error = await failure(resolve({ stack: 'SmRolloutStack' }));
    expect(error.message).toMatch(
      /^stack SmRolloutStack \(CREATE_COMPLETE\) has no CommandBusName output \(it has TableName\)/,
    );
    cfn.on(DescribeStacksCommand).resolves(stackAnswer([]));
    const none = await failure(resolve({ stack: 'SmRolloutStack' }));
    expect(none.message).toMatch(/has no TableName or CommandBusName output \(it has no outputs\)/);
  });

  it('reports other CloudFormation failures as AWS errors naming the call', async () => {
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), {
        name: 'AccessDenied',
      }),
    );
    const error = await failure(resolve({ stack: 'SmRolloutStack' }));
    expect(error.code).toBe('AWS_ERROR');
    expect(error.message).toBe(
      'DescribeStacks SmRolloutStack failed: AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks',
    );
  });
});

describe('resolveControllerConfig: what to do when it is missing or wrong', () => {
  it('says exactly how to configure it when nothing is found', async () => {
    const error = await failure(resolve());
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'no controller configured: pass --stack SmRolloutStack (the stack `npx cdk deploy` created), ' +
        'or set SM_ROLLOUT_TABLE and SM_ROLLOUT_COMMAND_BUS, or use --local / --simulate',
    );
    expect(error.message).toBe(NO_CONTROLLER_CONFIGURED);
    expect(cfn).not.toHaveReceivedAnyCommand();
  });

  it('refuses half a pair of flags', async () => {
    const error = await failure(resolve({ table: 't' }));
    expect(error.message).toBe(
      'flags: --table is set but --command-bus is not; give both, or only the stack name (e.g. --stack SmRolloutStack) to read them from its outputs',
    );
    expect(error.field).toBe('--command-bus');
    const other = await failure(resolve({ commandBus: 'b' }));
    expect(other.message).toMatch(/^flags: --command-bus is set but --table is not/);
  });

  it('refuses --stack together with --table and --command-bus', async () => {
    const error = await failure(resolve({ stack: 'S', table: 't', commandBus: 'b' }));
    expect(error.message).toBe('pass either --stack S or --table with --command-bus, not both');
  });

  it('refuses half a pair of environment variables', async () => {
    const error = await failure(resolve({ env: { SM_ROLLOUT_COMMAND_BUS: 'b' } }));
    expect(error.message).toMatch(
      /^environment: SM_ROLLOUT_COMMAND_BUS is set but SM_ROLLOUT_TABLE is not; give both/,
    );
  });

  it('refuses half a pair in the config file, naming the file', async () => {
    const file = await writeConfig({ table: 't', stack: 'S' });
    const error = await failure(resolve());
    expect(error.message).toMatch(
      new RegExp(
        `^config file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "table" is set but "commandBus" is not`,
      ),
    );
  });

  it('names a config file that is not JSON', async () => {
    const file = await writeConfig('{ "table": ');
    const error = await failure(resolve());
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message.startsWith(`config file ${file} is not valid JSON: `)).toBe(true);
  });

  it('names the field of a config file with a wrong or unknown key', async () => {
    const file = await writeConfig({ table: 't', commandbus: 'b' });
    const error = await failure(resolve());
    expect(error.message.startsWith(`config file ${file}: `)).toBe(true);
    expect(error.message).toMatch(/commandbus/);
    expect(error.message).toMatch(
      /expected \{ "mode": "simulate" \| "local" \| "controller", "stack": "\.\.\.", "table": "\.\.\.", "commandBus": "\.\.\.", "region": "\.\.\." \}/,
    );
    await writeConfig({ table: 5, commandBus: 'b' });
    const typed = await failure(resolve());
    expect(typed.message.startsWith(`config file ${file}: table: `)).toBe(true);
  });

  it('names a SM_ROLLOUT_CONFIG file that does not exist', async () => {
    const error = await failure(resolve({ env: { SM_ROLLOUT_CONFIG: 'missing.json' } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(
      error.message.startsWith(
        `cannot read the config file ${path.join(cwd, 'missing.json')} (SM_ROLLOUT_CONFIG): `,
      ),
    ).toBe(true);
  });
});
