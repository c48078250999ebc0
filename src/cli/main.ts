// The sm-rollout CLI entry: one verb per file in commands/, dispatched here; every verb returns
// its exit code (0 succeeded, 2 rolled back, 3 failed, 4 timed out, 1 bad usage or refused).
import { demoCommand } from './commands/demo';
import { planCommand } from './commands/plan';
import { policyCommand } from './commands/policy';
import { EXIT, UsageError, processIo, reportError, type CliIo } from './io';

export const MAIN_USAGE = `Usage: sm-rollout <command> [options]

Safe canary, linear and all-at-once rollouts of SageMaker Model Registry versions,
with automatic rollback when a CloudWatch alarm fires.

Commands:
  demo     run a whole rollout on a simulated endpoint (no AWS account needed)
  plan     show the steps a strategy compiles to and its minimum duration
  policy   check a policies file: \`sm-rollout policy validate policies.yaml\`

Run \`sm-rollout <command> --help\` for a command's options and examples.

Examples:
  sm-rollout demo --scenario bad-model
  sm-rollout plan Canary10Percent5Minutes
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  demo: demoCommand,
  plan: planCommand,
  policy: policyCommand,
};

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    io.out(MAIN_USAGE);
    return verb ? EXIT.succeeded : EXIT.usage;
  }
  const command = COMMANDS[verb];
  if (!command) {
    io.err(`error: unknown command "${verb}"; the commands are: ${Object.keys(COMMANDS).join(', ')}`);
    io.err('run `sm-rollout --help` for usage');
    return EXIT.usage;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // parseArgs reports unknown or malformed flags with its own error codes.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return reportError(io, new UsageError((error as Error).message), verb);
    }
    return reportError(io, error, verb);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
