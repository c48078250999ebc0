// How the CLI talks to people and pipelines: exit codes, output streams, colour only on a TTY
// (and never with NO_COLOR), and the one JSON document printed last with --output json.
import { isSmRolloutError } from '../errors';

export const EXIT = {
  succeeded: 0,
  usage: 1,
  rolledBack: 2,
  failed: 3,
  timedOut: 4,
} as const;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether colour may be used on `out`. */
  color: boolean;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
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
}

export function reportError(io: CliIo, error: unknown, command?: string): number {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}`);
    io.err(`run \`sm-rollout ${command ? `${command} ` : ''}--help\` for usage and examples`);
    return EXIT.usage;
  }
  if (isSmRolloutError(error)) {
    io.err(`error: ${error.message} [${error.code}]`);
    return EXIT.usage;
  }
  io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT.failed;
}

export function exitCodeForStatus(status: string): number {
  if (status === 'succeeded') return EXIT.succeeded;
  if (status === 'rolledBack') return EXIT.rolledBack;
  return EXIT.failed;
}
