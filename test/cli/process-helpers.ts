// The real CLI as a separate process (node + tsx on src/cli/main.ts, what `npm run cli` runs), for the
// tests of what happens to a process from outside: a closed pipe, signals, a kill, two at once, a
// terminal. Each runs in the simulated account its SM_ROLLOUT_SIM_DIR names.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `node --import tsx src/cli/main.ts`: one process (tsx's own CLI would put a parent in front of it). */
export const CLI_NODE_ARGS = [
  '--import',
  pathToFileURL(require.resolve('tsx')).href,
  path.resolve(__dirname, '../../src/cli/main.ts'),
];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly listeners = new Set<() => void>();

  constructor(argv: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [...CLI_NODE_ARGS, ...argv], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.heard('stdout', chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.heard('stderr', chunk));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        resolve({ code, signal });
        this.notify();
      }),
    );
  }

  private heard(stream: 'stdout' | 'stderr', chunk: Buffer) {
    this[stream] += chunk.toString();
    this.notify();
  }

  private notify() {
    for (const listener of this.listeners) listener();
  }

  /** Resolves when `stream` has printed something matching `pattern`; rejects if the process ends first. */
  waitFor(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(this[stream])) {
          this.listeners.delete(check);
          resolve();
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.listeners.delete(check);
          reject(
            new Error(
              `the CLI ended before printing ${pattern}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`,
            ),
          );
        }
      };
      this.listeners.add(check);
      check();
    });
  }
}
