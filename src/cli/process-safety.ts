// What the CLI process does when the world around it goes away mid-command: the reader of its output
// leaves (`| head -3` closes the pipe), a person presses Ctrl-C (SIGINT), CI cancels the job (SIGTERM).
// None of these may lose or corrupt state, so none of them stops the process where it stands:
//
// - a closed stdout or stderr (EPIPE) means "the reader left": printing stops, the command still
//   finishes and saves, and its exit code is the one it would have had;
// - the first SIGINT or SIGTERM asks the command to stop at its next safe point: a follow loop
//   finishes the step in flight (a simulated minute, a tick), the backend saves, and the process
//   exits 130 (SIGINT) or 143 (SIGTERM), the shell's 128 + signal number. A command holding no local
//   state (the demo, controller mode, a command still waiting for the simulated account's lock) has
//   nothing to finish and exits with that code at once;
// - a second signal exits at once. That is safe too: every local write is a temp file renamed into
//   place (src/store/file.ts, src/cli/simulated-world.ts), so an exit at any instant leaves the last
//   complete save, and a lock left behind by a dead process is taken over.

/** The exit code a shell reports for a process ended by the signal: 128 + its number. */
export const SIGNAL_EXIT_CODE = { SIGINT: 130, SIGTERM: 143 } as const;

export type StopSignal = keyof typeof SIGNAL_EXIT_CODE;

const stop = new AbortController();
let stoppedBy: StopSignal | undefined;
let readerLeft = false;
let holders = 0;

/**
 * Says that this process holds local state a signal must not cut short (an open local or simulated
 * backend) until the returned function is called.
 */
export function holdState(): () => void {
  holders++;
  let released = false;
  return () => {
    if (!released) holders--;
    released = true;
  };
}

/** Aborted when SIGINT or SIGTERM arrives: follow loops stop at their next safe point. */
export const stopRequested: AbortSignal = stop.signal;

/** The signal that asked this process to stop, if one did. */
export function stopSignal(): StopSignal | undefined {
  return stoppedBy;
}

/** True once the reader of stdout went away (nothing printed after that reaches anyone). */
export function stdoutReaderLeft(): boolean {
  return readerLeft;
}

/** The command's exit code, or the signal's when a signal stopped the command early. */
export function exitCodeAfterStop(code: number): number {
  return stoppedBy ? SIGNAL_EXIT_CODE[stoppedBy] : code;
}

function isClosedPipe(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

/** Makes a write to a stream whose reader left a no-op instead of an unhandled 'error' event. */
function tolerateClosedReader(stream: NodeJS.WriteStream, onClosed: () => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!isClosedPipe(error)) throw error;
    onClosed();
  });
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  // After the reader left, Node would report every further write as another error; drop them instead.
  stream.write = ((...args: unknown[]) =>
    stream.destroyed || stream.writableEnded ? true : write(...args)) as typeof stream.write;
}

/**
 * Installs the handlers for the running CLI process (bin/sm-rollout.js and `npm run cli`); tests that
 * call main() directly do not install them.
 */
export function installProcessSafety(proc: NodeJS.Process = process): void {
  tolerateClosedReader(proc.stdout, () => {
    readerLeft = true;
  });
  tolerateClosedReader(proc.stderr, () => undefined);
  for (const signal of Object.keys(SIGNAL_EXIT_CODE) as StopSignal[]) {
    proc.on(signal, () => {
      if (stoppedBy || holders === 0) {
        // Asked twice, or nothing to save: stop now. The last complete save stands (see the header).
        proc.exit(SIGNAL_EXIT_CODE[stoppedBy ?? signal]);
      }
      stoppedBy = signal;
      proc.stderr.write(
        `\nsm-rollout: ${signal} received: finishing the step in progress and saving, then exiting ` +
          `(${signal === 'SIGINT' ? 'Ctrl-C' : 'send it'} again to exit at once)\n`,
      );
      stop.abort();
    });
  }
}
