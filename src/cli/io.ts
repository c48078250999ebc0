// How the CLI talks to people and pipelines: exit codes, output streams, colour only on a TTY
// (and never with NO_COLOR), the one JSON document printed last with --output json, and the one
// shape of an error, for people (stderr) and for pipelines (`{"error": {...}}` on stdout).
import { isSmRolloutError, type ErrorCode } from '../errors';

/**
 * Every exit code the CLI uses, and what it means (the README and `sm-rollout --help` list the
 * same). 6 and 7 come only from `status --exit-status`, which reports a rollout that has not ended.
 */
export const EXIT = {
  succeeded: 0,
  usage: 1,
  rolledBack: 2,
  failed: 3,
  timedOut: 4,
  toolFailed: 5,
  inProgress: 6,
  waiting: 7,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success; the rollout succeeded
  1  bad usage or a refused command (the message says why; nothing changed)
  2  the rollout rolled back
  3  the rollout failed: its rollback did not finish, a human is needed
  4  stopped waiting (--timeout): a controller carries the rollout on; --local: until resumed
  5  sm-rollout itself failed (its store or saved state unreadable, AWS unreachable, a bug)
  6  status --exit-status: the rollout is in progress
  7  status --exit-status: the rollout waits for a person (paused or at a manual gate)
  130, 143  stopped by Ctrl-C / SIGTERM after the step in flight was saved`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether colour may be used on `out`. */
  color: boolean;
  /** Whether `out` is a terminal, so a live view may redraw itself in place. */
  tty?: boolean;
  /** The terminal's width, when `out` is one. */
  columns?: number;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    tty: Boolean(process.stdout.isTTY) && process.env.TERM !== 'dumb',
    columns: process.stdout.columns,
  };
}

export function paint(
  io: CliIo,
  code: 'red' | 'green' | 'yellow' | 'dim' | 'bold' | 'cyan',
  text: string,
): string {
  if (!io.color) return text;
  const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;
  return `\u001b[${codes[code]}m${text}\u001b[0m`;
}

/** Usage errors and refused commands: the message, a pointer to --help, exit 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The flag or argument at fault, as the person typed it (`--strategy`). */
  readonly field?: string;
  /** What to run or change instead. */
  readonly hint?: string;

  constructor(message: string, options: { field?: string; hint?: string } = {}) {
    super(message);
    this.field = options.field;
    this.hint = options.hint;
  }
}

/** Codes that mean sm-rollout could not do its job (its own state, AWS access), not that the request was wrong. */
const TOOL_FAILURES: ReadonlySet<ErrorCode> = new Set([
  'STORE_CORRUPT',
  'SNAPSHOT_INCOMPATIBLE',
  'VERSION_CONFLICT',
  'THROTTLED',
  'AWS_ERROR',
]);

export interface ErrorReport {
  exitCode: number;
  /** Stable: `USAGE`, an sm-rollout error code, or `INTERNAL` for a bug. */
  code: string;
  message: string;
  field?: string;
  hint?: string;
}

/**
 * The command that `hint`s and messages name, made pasteable in the mode the person used: every
 * `sm-rollout <verb> ...` in backticks gets the backend flags the person typed (` --simulate`,
 * ` --local --store file:/tmp/x`, ` --stack X --region eu-west-1`) unless it already has them.
 */
export function inMode(text: string, modeFlag: string): string {
  if (!modeFlag) return text;
  return text.replace(/`sm-rollout ([^`]*)`/g, (whole, rest: string) => {
    const firstFlag = modeFlag.trim().split(' ')[0]!;
    if (/--help\b/.test(rest) || rest.split(/\s+/).includes(firstFlag)) return whole;
    return `\`sm-rollout ${rest}${modeFlag}\``;
  });
}

/** Fields of requests and commands as the flag or argument a person typed. */
export const FLAG_OF_FIELD: Record<string, string> = {
  endpointName: '--endpoint',
  endpoint: '--endpoint',
  modelPackageArn: '--model-package',
  executionRoleArn: '--execution-role',
  strategy: '--strategy',
  finalBake: '--final-bake',
  maxDuration: '--max-duration',
  alarms: '--alarm',
  requestedBy: '--requested-by',
  'candidate.instanceType': '--instance-type',
  'candidate.instanceCount': '--instance-count',
  rolloutId: '<rollout-id>',
  reason: '--reason',
  engine: '--engine',
  inferenceComponent: '--inference-component',
};

/** The field of an error as a person typed it: a flag when it is one, else as given (a policy field). */
function typedField(field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  return FLAG_OF_FIELD[field.replace(/\[\d+\]$/, '')] ?? field;
}

/** What an error means for the person and the exit code: one classification for text and JSON. */
export function describeError(error: unknown, command?: string, modeFlag = ''): ErrorReport {
  if (error instanceof UsageError) {
    return {
      exitCode: EXIT.usage,
      code: 'USAGE',
      message: inMode(error.message, modeFlag),
      ...(error.field ? { field: error.field } : {}),
      hint: inMode(
        error.hint ?? `run \`sm-rollout ${command ? `${command} ` : ''}--help\` for usage and examples`,
        modeFlag,
      ),
    };
  }
  if (isSmRolloutError(error)) {
    const toolFailed = TOOL_FAILURES.has(error.code);
    return {
      exitCode: toolFailed ? EXIT.toolFailed : EXIT.usage,
      code: error.code,
      message: inMode(error.message, modeFlag),
      ...(error.field ? { field: typedField(error.field) } : {}),
      ...(toolFailed
        ? { hint: 'sm-rollout could not do its job; nothing about the rollout itself is implied (exit 5)' }
        : {}),
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    exitCode: EXIT.toolFailed,
    code: 'INTERNAL',
    message: `sm-rollout failed unexpectedly: ${message}`,
    hint: 'this is a bug in sm-rollout; run again with SM_ROLLOUT_DEBUG=1 for the stack trace and report it',
  };
}

export interface ReportOptions {
  command?: string;
  /** `--output json`: the error is also the one JSON document on stdout. */
  json?: boolean;
  /** The mode flag hints must carry to be pasteable. */
  modeFlag?: string;
}

/** Prints an error (stderr; with --output json also `{"error": {...}}` on stdout) and returns its exit code. */
export function reportError(io: CliIo, error: unknown, options: ReportOptions = {}): number {
  const report = describeError(error, options.command, options.modeFlag);
  const suffix = report.code === 'USAGE' || report.code === 'INTERNAL' ? '' : ` [${report.code}]`;
  io.err(`error: ${report.message}${suffix}`);
  if (report.hint) io.err(report.hint);
  if (report.code === 'INTERNAL' && process.env.SM_ROLLOUT_DEBUG && error instanceof Error && error.stack) {
    io.err(error.stack);
  }
  if (options.json) {
    const { exitCode: _exitCode, ...body } = report;
    io.out(JSON.stringify({ error: body }, null, 2));
  }
  return report.exitCode;
}

/** The exit code of a rollout that has ended: 0 succeeded, 2 rolled back, 3 failed. */
export function exitCodeForStatus(status: string): number {
  if (status === 'succeeded') return EXIT.succeeded;
  if (status === 'rolledBack') return EXIT.rolledBack;
  return EXIT.failed;
}

/** `status --exit-status`: the rollout's outcome as an exit code, also while it has not ended. */
export function exitCodeForOutcome(status: string): number {
  if (status === 'running' || status === 'rollingBack') return EXIT.inProgress;
  if (status === 'paused' || status === 'awaitingPromotion') return EXIT.waiting;
  return exitCodeForStatus(status);
}
