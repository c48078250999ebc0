// The file rollout store: one directory per store, for the CLI's local mode. Records are written
// atomically (write + rename); the endpoint lock is a file created exclusively, so two CLI
// processes cannot both start a rollout on one endpoint.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isTerminal } from '../../statemachines/describe';
import { activeRolloutError, matchesFilter, newestFirst, versionConflictError } from './memory';
import type { ListFilter, RolloutRecord, RolloutStore, TimelineEntry } from './types';

export class FileRolloutStore implements RolloutStore {
  constructor(private readonly dir: string) {}

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

  private async writeAtomic(file: string, content: string) {
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(tmp, content);
    await fs.rename(tmp, file);
  }

  private async appendTimeline(id: string, timeline: readonly TimelineEntry[]) {
    if (timeline.length === 0) return;
    await fs.appendFile(this.timelinePath(id), timeline.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }

  async create(record: RolloutRecord, timeline: readonly TimelineEntry[]): Promise<void> {
    await this.ensureDirs();
    try {
      await fs.writeFile(this.lockPath(record.endpointName), record.id, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = (await fs.readFile(this.lockPath(record.endpointName), 'utf8')).trim();
      throw activeRolloutError(record.endpointName, holder);
    }
    await this.writeAtomic(this.recordPath(record.id), JSON.stringify(record, null, 2));
    await this.appendTimeline(record.id, timeline);
  }

  async get(id: string): Promise<RolloutRecord | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.recordPath(id), 'utf8')) as RolloutRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async save(
    record: RolloutRecord,
    expectedVersion: number,
    timeline: readonly TimelineEntry[],
  ): Promise<void> {
    const current = await this.get(record.id);
    if (!current || current.version !== expectedVersion) {
      throw versionConflictError(record.id, expectedVersion, current?.version);
    }
    await this.appendTimeline(record.id, timeline);
    await this.writeAtomic(this.recordPath(record.id), JSON.stringify(record, null, 2));
    if (isTerminal(record.status)) {
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
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as TimelineEntry);
  }

  async list(filter?: ListFilter): Promise<RolloutRecord[]> {
    const files = await fs.readdir(path.join(this.dir, 'rollouts')).catch(() => [] as string[]);
    const records = await Promise.all(
      files.filter((f) => f.endsWith('.json')).map((f) => this.get(f.replace(/\.json$/, ''))),
    );
    return records.filter((r): r is RolloutRecord => !!r && matchesFilter(r, filter)).sort(newestFirst);
  }

  async activeForEndpoint(endpointName: string): Promise<RolloutRecord | undefined> {
    const holder = await fs.readFile(this.lockPath(endpointName), 'utf8').catch(() => undefined);
    return holder ? this.get(holder.trim()) : undefined;
  }
}
