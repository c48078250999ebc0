// The file rollout store: one directory per store, for the CLI's local mode. Records are written
// atomically (write + rename) under a per-rollout write lock (a file created exclusively), so a
// save is a true compare-and-set even across CLI processes; the endpoint lock is such a file too,
// so two processes cannot both start a rollout on one endpoint. Every record and timeline line read
// back is validated (restoreRolloutRecord): a damaged file is STORE_CORRUPT naming it.
//
// The lock is per rollout, not per store, because two commands at once are how local mode is used (a
// `watch` in one terminal, a `promote` in another). A process may die between any two writes (SIGKILL,
// a crash; SIGINT and SIGTERM wait for the step in flight, see src/cli/process-safety.ts), so every
// multi-file change is ordered, as src/store/dynamodb.ts orders its items, so that the next call
// repairs or ignores what was left:
// - save: timeline lines appended first, then the record renamed into place. A crash between them
//   leaves lines past the record's timelineLength; the retry from the same version appends the same seqs
//   again, and a read keeps the later line of each seq (as DynamoDB's next save overwrites the item) and
//   only the seqs the record counts (a retry that took another path may write fewer).
// - create: endpoint lock → timeline → record. A lock with no record (a crash mid-create) is taken over
//   once older than ORPHAN_LOCK_MS; a lock whose rollout has ended (a crash between the final save and
//   the lock's removal) is taken over at once.
// - final save (`active: false`): record first, then the lock removed if it is still this rollout's.
// - a write lock left by a dead process is taken over after STALE_WRITE_LOCK_MS, or at once when its
//   process (on this host) is gone.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SmRolloutError } from '../errors';
import { systemClock } from '../engine/clock';
import type {
  Clock,
  ListFilter,
  PendingApproval,
  RolloutRecord,
  RolloutStore,
  TimelineEntry,
} from '../engine/ports';
import { parseStoredJson, restoreRolloutRecord, restoreTimelineEntry } from '../engine/record';
import {
  activeRolloutError,
  isDue,
  matchesFilter,
  newerApproval,
  newestFirst,
  versionConflictError,
  restoreListed,
  warnCorrupt,
} from './rules';

/** A write lock older than this belongs to a process that died mid-save. */
const STALE_WRITE_LOCK_MS = 30_000;
/** How long a save waits for another process's write lock before giving up (VERSION_CONFLICT, retryable). */
const WRITE_LOCK_WAIT_MS = 10_000;
const WRITE_LOCK_POLL_MS = 5;
/** An endpoint lock with no record this old was left by a create that crashed (as in the DynamoDB store). */
const ORPHAN_LOCK_MS = 60_000;

/** False only when `pid` ran on this host and is gone (a lock it left can be taken over at once). */
function holderAlive(pid: unknown, host: unknown): boolean {
  if (typeof pid !== 'number' || (host !== undefined && host !== hostname())) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileRolloutStore implements RolloutStore {
  /**
   * `clock` ages write locks left by crashed processes (the lock file records when it was taken);
   * `onCorrupt` hears of a damaged record left out of a list.
   */
  constructor(
    private readonly dir: string,
    private readonly clock: Clock = systemClock,
    private readonly onCorrupt: (error: SmRolloutError) => void = warnCorrupt,
  ) {}

  private recordPath(id: string) {
    return path.join(this.dir, 'rollouts', `${id}.json`);
  }
  private timelinePath(id: string) {
    return path.join(this.dir, 'timelines', `${id}.jsonl`);
  }
  private lockPath(endpointName: string) {
    return path.join(this.dir, 'locks', `${endpointName}.lock`);
  }

  private async ensureDirs() {
    await Promise.all(
      ['rollouts', 'timelines', 'locks'].map((d) => fs.mkdir(path.join(this.dir, d), { recursive: true })),
    );
  }

  private writeLockPath(id: string) {
    return path.join(this.dir, 'rollouts', `${id}.writing`);
  }

  /** Runs `work` while holding the rollout's write lock. */
  private async withWriteLock<T>(id: string, work: () => Promise<T>): Promise<T> {
    const lock = this.writeLockPath(id);
    // The wait is counted in this process's own pauses, not read from the clock: a simulated clock that
    // stands still must not make a save wait for ever.
    for (let waited = 0; ; waited += WRITE_LOCK_POLL_MS) {
      try {
        await fs.writeFile(
          lock,
          JSON.stringify({ pid: process.pid, host: hostname(), at: this.clock.now() }),
          { flag: 'wx' },
        );
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const takenAt = await this.writeLockTakenAt(lock);
        if (
          takenAt !== undefined &&
          (this.clock.now() - takenAt > STALE_WRITE_LOCK_MS || !(await this.writeLockHolderAlive(lock)))
        ) {
          await fs.rm(lock, { force: true });
        } else if (waited > WRITE_LOCK_WAIT_MS) {
          throw new SmRolloutError(
            'VERSION_CONFLICT',
            `rollout ${id} is being saved by another process (${lock})`,
          );
        } else await sleep(WRITE_LOCK_POLL_MS);
      }
    }
    try {
      return await work();
    } finally {
      await fs.rm(lock, { force: true });
    }
  }

  /**
   * When a write lock was taken, as its file records it; undefined while it is being written (or gone). A
   * lock written before locks recorded their time (just a pid) is aged by its file's mtime.
   */
  private async writeLockTakenAt(lock: string): Promise<number | undefined> {
    const text = await fs.readFile(lock, 'utf8').catch(() => '');
    if (!text.trim()) return undefined;
    try {
      const at = (JSON.parse(text) as { at?: unknown }).at;
      if (typeof at === 'number') return at;
    } catch {
      // the older format, or a lock caught mid-write: fall through
    }
    return /^\d+$/.test(text.trim()) ? (await fs.stat(lock).catch(() => undefined))?.mtimeMs : undefined;
  }

  private async writeLockHolderAlive(lock: string): Promise<boolean> {
    try {
      const { pid, host } = JSON.parse(await fs.readFile(lock, 'utf8')) as { pid?: unknown; host?: unknown };
      return holderAlive(pid, host);
    } catch {
      return true;
    }
  }

  private async writeAtomic(file: string, content: string) {
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, content);
    await fs.rename(tmp, file);
  }

  private async appendTimeline(id: string, timeline: readonly TimelineEntry[]) {
    if (timeline.length === 0) return;
    await fs.appendFile(this.timelinePath(id), timeline.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }

  async create(record: RolloutRecord, timeline: readonly TimelineEntry[]): Promise<void> {
    await this.ensureDirs();
    const lock = this.lockPath(record.endpointName);
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.writeFile(lock, record.id, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = (await fs.readFile(lock, 'utf8').catch(() => '')).trim();
        if (attempt === 0 && (await this.lockLeftBehind(lock, holder))) {
          await fs.rm(lock, { force: true });
          continue;
        }
        throw activeRolloutError(record.endpointName, holder);
      }
    }
    await this.appendTimeline(record.id, timeline);
    await this.writeAtomic(this.recordPath(record.id), JSON.stringify(record, null, 2));
  }

  /** An endpoint lock a crashed process left: its rollout ended, or it never got a record and is old. */
  private async lockLeftBehind(lock: string, holder: string): Promise<boolean> {
    if (!holder) return false;
    const record = await this.get(holder);
    if (record) return !record.active;
    const since = (await fs.stat(lock).catch(() => undefined))?.mtimeMs;
    return since !== undefined && systemClock.now() - since > ORPHAN_LOCK_MS;
  }

  async get(id: string): Promise<RolloutRecord | undefined> {
    const file = this.recordPath(id);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const where = `file ${file}`;
    return restoreRolloutRecord(parseStoredJson(text, `rollout ${id}`, where), where);
  }

  async save(
    record: RolloutRecord,
    expectedVersion: number,
    timeline: readonly TimelineEntry[],
  ): Promise<void> {
    await this.ensureDirs();
    await this.withWriteLock(record.id, async () => {
      const current = await this.get(record.id);
      if (!current || current.version !== expectedVersion) {
        throw versionConflictError(record.id, expectedVersion, current?.version);
      }
      await this.appendTimeline(record.id, timeline);
      await this.writeAtomic(this.recordPath(record.id), JSON.stringify(record, null, 2));
    });
    if (!record.active) {
      const lock = this.lockPath(record.endpointName);
      const holder = await fs.readFile(lock, 'utf8').catch(() => '');
      if (holder.trim() === record.id) await fs.rm(lock, { force: true });
    }
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    const text = await fs.readFile(this.timelinePath(id), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const file = this.timelinePath(id);
    const entries = text.split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      const where = `file ${file}, line ${i + 1}`;
      return [restoreTimelineEntry(parseStoredJson(line, `a timeline entry of rollout ${id}`, where), where)];
    });
    // A save that died between its timeline and its record left lines the retry from the same version
    // appends again, with the same seqs, after them: the later line of a seq is the timeline's (as the
    // DynamoDB store's next save overwrites TIMELINE#<seq>).
    const bySeq = new Map<number, TimelineEntry>();
    for (const entry of entries) bySeq.set(entry.seq, entry);
    // Lines past the record's timelineLength belong to a save that never landed; a retry that took
    // another path may write fewer, so they are not the timeline's.
    const timelineLength = (await this.get(id))?.timelineLength ?? 0;
    return [...bySeq.values()].filter((e) => e.seq < timelineLength).sort((a, b) => a.seq - b.seq);
  }

  async list(filter?: ListFilter): Promise<RolloutRecord[]> {
    const files = await fs.readdir(path.join(this.dir, 'rollouts')).catch(() => [] as string[]);
    const read = await Promise.all(
      files
        .filter((f) => f.endsWith('.json'))
        .map((f) => this.get(f.replace(/\.json$/, '')).catch((error: unknown) => error)),
    );
    const records = restoreListed(
      read,
      (r) => {
        if (r instanceof Error) throw r;
        return r as RolloutRecord | undefined;
      },
      this.onCorrupt,
    );
    return records.filter((r): r is RolloutRecord => !!r && matchesFilter(r, filter)).sort(newestFirst);
  }

  async activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined> {
    const holder = await fs.readFile(this.lockPath(endpointName), 'utf8').catch(() => undefined);
    return holder ? this.get(holder.trim()) : undefined;
  }

  async listDue(now: number): Promise<RolloutRecord[]> {
    return (await this.list({ activeOnly: true })).filter((r) => isDue(r, now));
  }

  private claimPath(key: string) {
    return path.join(this.dir, 'events', `${encodeURIComponent(key)}.json`);
  }

  async claimEvent(key: string, expiresAt: number, now: number): Promise<boolean> {
    await fs.mkdir(path.join(this.dir, 'events'), { recursive: true });
    const file = this.claimPath(key);
    try {
      await fs.writeFile(file, JSON.stringify({ expiresAt }), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = JSON.parse(await fs.readFile(file, 'utf8')) as { expiresAt: number };
      if (held.expiresAt > now) return false;
      await this.writeAtomic(file, JSON.stringify({ expiresAt }));
      return true;
    }
  }

  async releaseEvent(key: string): Promise<void> {
    await fs.rm(this.claimPath(key), { force: true });
  }

  private pendingPath(endpointName: string) {
    return path.join(this.dir, 'pending', `${endpointName}.json`);
  }

  async setPendingApproval(approval: PendingApproval): Promise<void> {
    await fs.mkdir(path.join(this.dir, 'pending'), { recursive: true });
    const current = await this.readPending(approval.endpointName);
    await this.writeAtomic(
      this.pendingPath(approval.endpointName),
      JSON.stringify(newerApproval(current, approval)),
    );
  }

  private async readPending(endpointName: string): Promise<PendingApproval | undefined> {
    const text = await fs.readFile(this.pendingPath(endpointName), 'utf8').catch(() => undefined);
    return text ? (JSON.parse(text) as PendingApproval) : undefined;
  }

  async takePendingApproval(endpointName: string): Promise<PendingApproval | undefined> {
    // Rename first: of two takers only one can move the file.
    const taken = `${this.pendingPath(endpointName)}.${randomUUID()}.taken`;
    try {
      await fs.rename(this.pendingPath(endpointName), taken);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const approval = JSON.parse(await fs.readFile(taken, 'utf8')) as PendingApproval;
    await fs.rm(taken, { force: true });
    return approval;
  }

  async listPendingApprovals(): Promise<PendingApproval[]> {
    const files = await fs.readdir(path.join(this.dir, 'pending')).catch(() => [] as string[]);
    const approvals = await Promise.all(
      files.filter((f) => f.endsWith('.json')).map((f) => this.readPending(f.replace(/\.json$/, ''))),
    );
    return approvals.filter((a): a is PendingApproval => a !== undefined);
  }
}
