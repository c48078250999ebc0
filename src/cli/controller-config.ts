// Which mode the CLI runs in (--simulate / --local, SM_ROLLOUT_MODE, or the `"mode"` of `.sm-rollout.json`)
// and where the deployed controller is: its rollout table and command bus, found from (in this order) the
// --table/--command-bus flags, an explicit --stack flag, SM_ROLLOUT_TABLE + SM_ROLLOUT_COMMAND_BUS, a
// `.sm-rollout.json` file, or the stack the config file names (whose CloudFormation outputs hold both).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DescribeStacksCommand,
  type CloudFormationClient,
  type Output,
} from '@aws-sdk/client-cloudformation';
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import * as z from 'zod';
import { toSmRolloutError } from '../aws/classify-error';
import { createAwsClients } from '../aws/cli-clients';
import { SmRolloutError } from '../errors';

export const CONFIG_FILE_NAME = '.sm-rollout.json';
export const DEFAULT_STACK_NAME = 'SmRolloutStack';
/** The stack outputs the CLI needs (infra/stack.ts). */
export const TABLE_OUTPUT = 'TableName';
export const COMMAND_BUS_OUTPUT = 'CommandBusName';

export const NO_CONTROLLER_CONFIGURED =
  `no controller configured: pass --stack ${DEFAULT_STACK_NAME} (the stack \`npx cdk deploy\` created), ` +
  'or set SM_ROLLOUT_TABLE and SM_ROLLOUT_COMMAND_BUS, or use --local / --simulate';

export type ControllerConfigSource = 'flags' | 'env' | 'config file' | 'stack outputs';

export interface ControllerConfig {
  tableName: string;
  commandBusName: string;
  region?: string;
  source: ControllerConfigSource;
  /** The stack whose outputs were read, when source is 'stack outputs'. */
  stack?: string;
}

type CloudFormationClients = { cloudformation: CloudFormationClient };

export interface ResolveControllerConfigOptions {
  /** --stack */
  stack?: string;
  /** --table */
  table?: string;
  /** --command-bus */
  commandBus?: string;
  /** --region */
  region?: string;
  env: Record<string, string | undefined>;
  /** Where `.sm-rollout.json` is looked for (and SM_ROLLOUT_CONFIG resolved from). */
  cwd: string;
  /**
   * The CloudFormation client for the stack lookup, or a factory given the resolved region.
   * Defaults to createAwsClients({ region }).
   */
  clients?: CloudFormationClients | ((options: { region?: string }) => CloudFormationClients);
}

/** The modes `"mode"` in the config file and SM_ROLLOUT_MODE may name (the flags: --simulate, --local). */
export const CLI_MODES = ['controller', 'local', 'simulate'] as const;
export type CliMode = (typeof CLI_MODES)[number];

const configFileSchema = z.strictObject({
  mode: z.string().optional(),
  stack: z.string().min(1).optional(),
  table: z.string().min(1).optional(),
  commandBus: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
});

type ConfigFile = z.infer<typeof configFileSchema>;

function invalid(message: string, field?: string): SmRolloutError {
  return new SmRolloutError('INVALID_INPUT', message, field === undefined ? {} : { field });
}

/** Both names, or neither: half a configuration is a mistake worth saying out loud. */
function pair(
  table: string | undefined,
  commandBus: string | undefined,
  names: { table: string; commandBus: string; where: string },
): { tableName: string; commandBusName: string } | undefined {
  if (table && commandBus) return { tableName: table, commandBusName: commandBus };
  if (!table && !commandBus) return undefined;
  const [given, missing] = table ? [names.table, names.commandBus] : [names.commandBus, names.table];
  throw invalid(
    `${names.where}: ${given} is set but ${missing} is not; give both, or only the stack name ` +
      `(e.g. --stack ${DEFAULT_STACK_NAME}) to read them from its outputs`,
    table ? names.commandBus : names.table,
  );
}

/** `.sm-rollout.json` (or SM_ROLLOUT_CONFIG) as read and checked; undefined when there is none. */
export async function readConfigFile(
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<{ file: string; config: ConfigFile } | undefined> {
  const explicit = env.SM_ROLLOUT_CONFIG;
  const file = path.resolve(cwd, explicit || CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return undefined;
    throw invalid(
      `cannot read the config file ${file}${explicit ? ' (SM_ROLLOUT_CONFIG)' : ''}: ${(error as Error).message}`,
      'SM_ROLLOUT_CONFIG',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(`config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'file';
    throw invalid(
      `config file ${file}: ${where}: ${issue.message}; expected ` +
        '{ "mode": "simulate" | "local" | "controller", "stack": "...", "table": "...", "commandBus": "...", ' +
        '"region": "..." } (all optional)',
    );
  }
  const mode = parsed.data.mode;
  if (mode !== undefined && !CLI_MODES.includes(mode as CliMode)) {
    throw invalid(
      `config file ${file}: "mode": ${JSON.stringify(mode)} is not a mode; use "simulate" (the simulated ` +
        'cloud), "local" (this process runs rollouts against AWS) or "controller" (the deployed controller)',
      'mode',
    );
  }
  return { file, config: parsed.data };
}

/** An output by its key: exactly, or with a construct path before it and CDK's 8-hex hash after it. */
function findOutput(outputs: readonly Output[], key: string, stack: string): string | undefined {
  const exact = outputs.find((o) => o.OutputKey === key);
  if (exact) return exact.OutputValue;
  const pattern = new RegExp(`^[A-Za-z0-9]*${key}(?:[0-9A-F]{8})?$`);
  const matches = outputs.filter((o) => o.OutputKey !== undefined && pattern.test(o.OutputKey));
  if (matches.length > 1) {
    throw invalid(
      `stack ${stack} has several outputs that could be ${key} (${matches.map((o) => o.OutputKey).join(', ')}); ` +
        'pass --table and --command-bus instead',
      'stack',
    );
  }
  return matches[0]?.OutputValue;
}

async function readStackOutputs(
  stack: string,
  client: CloudFormationClient,
): Promise<{ tableName: string; commandBusName: string }> {
  let region = 'the configured region';
  try {
    region = await client.config.region();
  } catch {
    // No region configured: the SDK call below fails with its own words.
  }
  let stacks;
  try {
    ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stack })));
  } catch (error) {
    const message = (error as Error).message ?? '';
    if ((error as Error).name === 'ValidationError' && /does not exist/.test(message)) {
      throw invalid(
        `stack ${stack} not found in ${region}: deploy it with \`npx cdk deploy\`, or pass --region ` +
          `(or --stack) naming where it is`,
        'stack',
      );
    }
    throw toSmRolloutError(`DescribeStacks ${stack}`, error);
  }
  const found = stacks?.[0];
  if (!found) throw invalid(`stack ${stack} not found in ${region}`, 'stack');
  const outputs = found.Outputs ?? [];
  const tableName = findOutput(outputs, TABLE_OUTPUT, stack);
  const commandBusName = findOutput(outputs, COMMAND_BUS_OUTPUT, stack);
  if (!tableName || !commandBusName) {
    const missing = [tableName ? '' : TABLE_OUTPUT, commandBusName ? '' : COMMAND_BUS_OUTPUT].filter(Boolean);
    const has = outputs.map((o) => o.OutputKey).filter(Boolean);
    throw invalid(
      `stack ${stack} (${found.StackStatus ?? 'status unknown'}) has no ${missing.join(' or ')} output` +
        ` (it has ${has.length ? has.join(', ') : 'no outputs'}); is it the sm-rollout controller stack, ` +
        'and did its deploy finish? Or pass --table and --command-bus',
      'stack',
    );
  }
  return { tableName, commandBusName };
}

/**
 * Which mode a command runs in: --simulate or --local if given (or --stack/--table/--command-bus: the
 * controller), else SM_ROLLOUT_MODE, else the config file's "mode", else the deployed controller.
 */
export async function resolveMode(
  flags: { simulate?: boolean; local?: boolean; stack?: string; table?: string; 'command-bus'?: string },
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<CliMode> {
  if (flags.simulate) return 'simulate';
  if (flags.local) return 'local';
  // Naming the controller on the command line chooses it, whatever the environment or the file say.
  if (flags.stack !== undefined || flags.table !== undefined || flags['command-bus'] !== undefined) {
    return 'controller';
  }
  const fromEnv = env.SM_ROLLOUT_MODE;
  if (fromEnv !== undefined) {
    const mode = fromEnv.trim();
    if (!CLI_MODES.includes(mode as CliMode)) {
      throw invalid(
        `SM_ROLLOUT_MODE=${JSON.stringify(fromEnv)} is not a mode; set it to simulate, local or controller ` +
          '(or unset it, or pass --simulate / --local)',
        'SM_ROLLOUT_MODE',
      );
    }
    return mode as CliMode;
  }
  return ((await readConfigFile(env, cwd))?.config.mode as CliMode | undefined) ?? 'controller';
}

export async function resolveControllerConfig(
  options: ResolveControllerConfigOptions,
): Promise<ControllerConfig> {
  const { env, cwd } = options;
  const flags = pair(options.table, options.commandBus, {
    table: '--table',
    commandBus: '--command-bus',
    where: 'flags',
  });
  if (flags && options.stack) {
    throw invalid(`pass either --stack ${options.stack} or --table with --command-bus, not both`, 'stack');
  }
  // Read the file even when flags decide, so its region still applies (and a broken file is reported).
  const file = await readConfigFile(env, cwd);
  const region = options.region ?? file?.config.region;
  const withRegion = <T extends object>(config: T) => (region === undefined ? config : { ...config, region });

  const fromStack = async (stack: string): Promise<ControllerConfig> => {
    const clients =
      typeof options.clients === 'function'
        ? options.clients(region === undefined ? {} : { region })
        : (options.clients ?? createAwsClients(region === undefined ? {} : { region }));
    const outputs = await readStackOutputs(stack, clients.cloudformation);
    return withRegion({ ...outputs, source: 'stack outputs' as const, stack });
  };

  if (flags) return withRegion({ ...flags, source: 'flags' });
  if (options.stack) return fromStack(options.stack);
  const fromEnv = pair(env.SM_ROLLOUT_TABLE, env.SM_ROLLOUT_COMMAND_BUS, {
    table: 'SM_ROLLOUT_TABLE',
    commandBus: 'SM_ROLLOUT_COMMAND_BUS',
    where: 'environment',
  });
  if (fromEnv) return withRegion({ ...fromEnv, source: 'env' });
  if (file) {
    const fromFile = pair(file.config.table, file.config.commandBus, {
      table: '"table"',
      commandBus: '"commandBus"',
      where: `config file ${file.file}`,
    });
    if (fromFile) return withRegion({ ...fromFile, source: 'config file' });
    if (file.config.stack) return fromStack(file.config.stack);
  }
  throw invalid(NO_CONTROLLER_CONFIGURED, 'stack');
}
