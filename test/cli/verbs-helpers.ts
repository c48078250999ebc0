// Helpers for the verb tests: run the real CLI entry against the simulated cloud kept in a fresh
// temporary SM_ROLLOUT_SIM_DIR, capture what it prints, and read its --output json document.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { createSimCloud, type SimFault } from '../../src/sim';

export const ENDPOINT = 'churn-prod';
export const ALARM = 'churn-prod-5xx';
export const PKG = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model';
export const pkg = (version: number): string => `${PKG}/${version}`;
/** A fixed requester so messages do not depend on the user running the tests. */
export const WHO = 'ops-tester';

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;

export interface Run {
  code: number;
  out: string[];
  err: string[];
  stdout: string;
  stderr: string;
}

/** Runs `sm-rollout <argv>` through main() with colour off (or on), capturing both streams. */
export async function run(argv: string[], options: { color?: boolean } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), color: options.color ?? false };
  const code = await main(argv, io);
  return { code, out, err, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** `sm-rollout <argv> --simulate`. */
export function sim(...argv: string[]): Promise<Run> {
  return run([...argv, '--simulate']);
}

/** `sm-rollout <argv> --simulate --output json`. */
export function simJson(...argv: string[]): Promise<Run> {
  return run([...argv, '--simulate', '--output', 'json']);
}

/** The last thing printed, which --output json promises is one parseable JSON document. */
export function lastJson<T = Record<string, unknown>>(result: Run): T {
  if (result.out.length === 0) throw new Error(`nothing printed on stdout; stderr: ${result.stderr}`);
  return JSON.parse(result.out.at(-1)!) as T;
}

export interface RolloutDoc {
  id: string;
  endpoint: string;
  modelPackageArn: string;
  status: string;
  phase: string;
  reason: string | null;
  strategy: string;
  requestedBy: string;
  step: { index: number; total: number } | null;
  weights: { baseline: number; candidate: number } | null;
  bakeUntil: string | null;
  nextWakeAt: string | null;
  createdAt: string;
  updatedAt: string;
  alarms?: { name: string; state: string; reason: string }[];
  timeline?: { at: string; kind: string; message: string }[];
}

/** The keys every rolloutJson document carries (alarms and timeline only where the verb adds them). */
export const ROLLOUT_KEYS = [
  'bakeUntil',
  'createdAt',
  'endpoint',
  'id',
  'modelPackageArn',
  'nextWakeAt',
  'phase',
  'reason',
  'requestedBy',
  'status',
  'step',
  'strategy',
  'updatedAt',
  'weights',
];

/** The rollout id the human output of start/undo announces. */
export function startedId(result: Run): string {
  const match = /Started rollout (r-[a-z0-9]+)/.exec(result.stdout);
  if (!match) throw new Error(`no "Started rollout" line in:\n${result.stdout}\n${result.stderr}`);
  return match[1]!;
}

/**
 * A fresh simulated account per test or describe: SM_ROLLOUT_SIM_DIR points at a new temporary
 * folder; `restore()` puts the environment back and removes the folder.
 */
export class SimAccount {
  private previous: string | undefined;
  dir = '';

  async open(): Promise<string> {
    this.previous = process.env.SM_ROLLOUT_SIM_DIR;
    this.dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-verbs-'));
    process.env.SM_ROLLOUT_SIM_DIR = this.dir;
    return this.dir;
  }

  async restore(): Promise<void> {
    if (this.previous === undefined) delete process.env.SM_ROLLOUT_SIM_DIR;
    else process.env.SM_ROLLOUT_SIM_DIR = this.previous;
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true });
    this.dir = '';
  }

  get cloudFile(): string {
    return path.join(this.dir, 'cloud.json');
  }

  /**
   * Arms a fault in the saved simulated account. A read-only command first creates the account
   * exactly as every `--simulate` command does (the seeded world); the fault is then armed on the
   * restored cloud and saved back with exportState().
   */
  async armFault(fault: SimFault): Promise<void> {
    const seeded = await fs.readFile(this.cloudFile, 'utf8').catch(() => undefined);
    if (seeded === undefined) {
      const listed = await sim('list');
      if (listed.code !== 0) throw new Error(`list --simulate failed: ${listed.stderr}`);
    }
    const cloud = createSimCloud({ state: JSON.parse(await fs.readFile(this.cloudFile, 'utf8')) });
    cloud.injectFault(fault);
    await fs.writeFile(this.cloudFile, JSON.stringify(cloud.exportState()));
  }
}
