// The sm-rollout CLI entry: one verb per file in commands/, dispatched here; every verb returns
// its exit code (0 succeeded, 2 rolled back, 3 failed, 4 timed out, 1 bad usage or refused).
import { abortCommand } from './commands/abort';
import { demoCommand } from './commands/demo';
import { historyCommand } from './commands/history';
import { listCommand } from './commands/list';
import { pauseCommand } from './commands/pause';
import { promoteCommand } from './commands/promote';
import { resumeCommand } from './commands/resume';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { undoCommand } from './commands/undo';
import { watchCommand } from './commands/watch';
import { planCommand } from './commands/plan';
import { policyCommand } from './commands/policy';
import { EXIT, UsageError, processIo, reportError, type CliIo } from './io';
import { exitCodeAfterStop, installProcessSafety } from './process-safety';

export const MAIN_USAGE = `Usage: sm-rollout <command> [options]

Safe canary, linear and all-at-once rollouts of SageMaker Model Registry versions,
with automatic rollback when a CloudWatch alarm fires.

Rollouts:
  start     roll a model package version onto an endpoint
  status    one rollout at a glance: versions, weights, step, bake left, alarms
  watch     follow a rollout until it ends (exit code says how)
  list      rollouts as a table
  history   a rollout's whole timeline
  pause     hold a rollout where it is
  resume    continue a paused rollout
  promote   pass a manual gate (--full: skip the remaining steps)
  abort     roll back: traffic to the old model, the new one removed
  undo      roll the model that served before the last rollout back on

Tools:
  plan      show the steps a strategy compiles to and its minimum duration
  policy    check a policies file: \`sm-rollout policy validate policies.yaml\`
  demo      run a whole rollout on a simulated endpoint (no AWS account needed)

Every rollout command works against the deployed controller (--stack <name>), locally against
AWS (--local), or on the simulated cloud (--simulate). \`--output json\` prints one JSON document.
Exit codes: 0 success or succeeded, 2 rolled back, 3 failed, 4 timed out waiting, 1 bad usage or refused.

Run \`sm-rollout <command> --help\` for a command's options and examples.

Examples:
  sm-rollout demo --scenario bad-model
  sm-rollout start --simulate --endpoint churn-prod \\
    --model-package arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2
  sm-rollout status --endpoint churn-prod --simulate
`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  start: startCommand,
  status: statusCommand,
  watch: watchCommand,
  list: listCommand,
  history: historyCommand,
  pause: pauseCommand,
  resume: resumeCommand,
  promote: promoteCommand,
  abort: abortCommand,
  undo: undoCommand,
  plan: planCommand,
  policy: policyCommand,
  demo: demoCommand,
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

/** The CLI as a process runs it: a closed pipe, Ctrl-C and SIGTERM handled (process-safety.ts). */
export async function runProcess(argv: string[]): Promise<number> {
  installProcessSafety();
  return exitCodeAfterStop(await main(argv));
}

if (require.main === module) {
  runProcess(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
