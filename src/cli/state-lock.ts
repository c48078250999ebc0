// The exclusive lock on a local state folder (the simulated account in .sm-rollout/sim): one CLI
// command at a time reads, changes and saves it, so two commands at once cannot each save their own
// copy and lose the other's (last writer wins). A command that finds the lock held waits for it
// (saying so on stderr) up to a limit, then fails naming the holder; the wait is the friendlier
// choice because --simulate commands are short (simulated time runs instantly).
//
// The lock is a file created exclusively (O_EXCL: only one process can create it) holding the
// holder's pid, host and command. A lock whose holder is gone (SIGKILL, a power cut) is taken
// over: same host and no such process. Two waiters that both see the same dead holder could both
// take over within a few milliseconds of each other; a local simulation tolerates that window.
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SmRolloutError } from '../errors';

export const LOCK_FILE_NAME = '.lock';
/** How long a command waits for another to finish with the folder before it gives up. */
export const DEFAULT_LOCK_WAIT_MS = 60_000;
const POLL_MS = 25;

interface Holder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** What the folder is, for messages (e.g. "the simulated account"). */
  what: string;
  /** The command taking the lock, shown to whoever waits for it. */
  command: string;
  waitMs?: number;
  /** Told once when the lock is held by another process and this one starts waiting. */
  onWait?: (message: string) => void;
}

function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true; // another machine's process: cannot tell, so assume so
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<Holder | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  try {
    const holder = JSON.parse(text) as Holder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined; // being written this instant, or gone
  }
}

function describe(holder: Holder): string {
  return `\`sm-rollout ${holder.command}\` (pid ${holder.pid}, since ${holder.since})`;
}

/** Takes the folder's lock, waiting for another command to release it; throws STATE_LOCKED after the wait. */
export async function lockStateFolder(dir: string, options: LockOptions): Promise<HeldLock> {
  const file = path.join(dir, LOCK_FILE_NAME);
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const mine: Holder = {
    pid: process.pid,
    host: hostname(),
    command: options.command,
    since: new Date().toISOString(),
  };
  let told = false;
  // Counted in this process's own pauses, not read from a clock.
  for (let waited = 0; ; waited += POLL_MS) {
    try {
      await fs.writeFile(file, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder && !isAlive(holder)) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (holder && !told) {
      told = true;
      options.onWait?.(
        `waiting for ${describe(holder)} to finish with ${options.what} (${dir}); up to ${waitMs / 1000}s`,
      );
    }
    if (waited >= waitMs) {
      throw new SmRolloutError(
        'STATE_LOCKED',
        `${options.what} (${dir}) is in use by ${holder ? describe(holder) : 'another sm-rollout command'}; ` +
          `run this command again when it has finished${holder ? `, or stop it (kill ${holder.pid})` : ''}`,
      );
    }
    await sleep(POLL_MS);
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      const holder = await readHolder(file);
      if (holder?.pid === process.pid) await fs.rm(file, { force: true });
    },
  };
}
