// The sm-rollout CLI entry: one verb per file in commands/, dispatched here; every verb returns
// its exit code (EXIT in io.ts), and every error any verb throws is reported here, the same way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { abortCommand } from './commands/abort';
import { demoCommand } from './commands/demo';
import { historyCommand } from './commands/history';
import { listCommand } from './commands/list';
import { pauseCommand } from './commands/pause';
import { promoteCommand } from './commands/promote';
import { reportCommand } from './commands/report';
import { resumeCommand } from './commands/resume';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { undoCommand } from './commands/undo';
import { watchCommand } from './commands/watch';
import { planCommand } from './commands/plan';
import { policyCommand } from './commands/policy';
import { EXIT, EXIT_CODES_HELP, UsageError, processIo, reportError, type CliIo } from './io';
import { BACKEND_OPTIONS, BACKEND_SELECTING_FLAGS, backendFlagText, type BackendFlags } from './mode';
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
  report    a rollout as one HTML page: traffic, error rate, latency, verdicts, events
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
AWS (--local), or on the simulated cloud (--simulate). \`--output json\` prints one JSON document,
an error too: {"error": {"code", "message", "field", "hint"}}.

${EXIT_CODES_HELP}

Run \`sm-rollout <command> --help\` for a command's options and examples; \`sm-rollout --version\`
(or -v) prints the version.

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
  report: reportCommand,
  pause: pauseCommand,
  resume: resumeCommand,
  promote: promoteCommand,
  abort: abortCommand,
  undo: undoCommand,
  plan: planCommand,
  policy: policyCommand,
  demo: demoCommand,
};

/** The version in package.json, found by walking up from this file (src/cli or dist/src/cli). */
export function cliVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'sm-rollout' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/**
 * The backend flags that put a pasted command where this one ran (hints must work when pasted),
 * read from argv without parseArgs: also for a command line that parseArgs refuses.
 */
export function modeFlagOf(argv: string[]): string {
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (!name || !(BACKEND_SELECTING_FLAGS as string[]).includes(name)) continue;
    if (BACKEND_OPTIONS[name as keyof typeof BACKEND_OPTIONS].type === 'boolean') {
      if (match[2] === undefined) flags[name] = true;
    } else if (match[2] !== undefined) {
      flags[name] = match[2];
    } else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) {
      flags[name] = argv[++i]!;
    }
  }
  return backendFlagText(flags as BackendFlags);
}

function wantsJsonErrors(argv: string[]): boolean {
  const at = argv.indexOf('--output');
  return (at >= 0 && argv[at + 1] === 'json') || argv.includes('--output=json');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--version' || verb === '-v') {
    io.out(`sm-rollout ${cliVersion()}`);
    return EXIT.succeeded;
  }
  if (verb === '--help' || verb === '-h' || verb === 'help') {
    // `sm-rollout help start` is `sm-rollout start --help`.
    const topic = verb === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) return COMMANDS[topic](['--help'], io);
    io.out(MAIN_USAGE);
    return EXIT.succeeded;
  }
  // No command is a usage error: the usage goes to stderr, so a pipeline reading stdout gets nothing.
  if (!verb) {
    io.err(MAIN_USAGE);
    return EXIT.usage;
  }
  const options = { command: verb, json: wantsJsonErrors(rest), modeFlag: modeFlagOf(rest) };
  const command = COMMANDS[verb];
  if (!command) {
    return reportError(
      io,
      new UsageError(`unknown command "${verb}"; the commands are: ${Object.keys(COMMANDS).join(', ')}`, {
        hint: 'run `sm-rollout --help` for usage',
      }),
      { ...options, command: undefined },
    );
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // parseArgs reports unknown or malformed flags with its own error codes.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return reportError(io, new UsageError((error as Error).message), options);
    }
    return reportError(io, error, options);
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
