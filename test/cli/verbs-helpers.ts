// Helpers for the verb tests: run the real CLI entry against the simulated cloud kept in a fresh
// temporary SM_ROLLOUT_SIM_DIR, capture what it prints, and read its --output json document.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { WORLD_FILE_NAME } from '../../src/cli/simulated-world';
import { createSimCloud, type SimFault } from '../../src/sim';

export const ENDPOINT = 'churn-prod';
export const ALARM = 'churn-prod-5xx';
export const PKG = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model';
export const pkg = (version: number): string => `${PKG}/${version}`;
/** A candidate alarm, as the README's walkthrough guards its rollouts (a start with no alarm is refused). */
export const GUARD = ['--candidate-alarm', 'Invocation5XXErrors>0.05'];

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
  /** stdout with wrapped lines joined again (human output wraps at 100 columns, indenting what follows). */
  flat: string;
  /** `flat` line by line: what each io.out line was before wrapping. */
  lines: string[];
}

/** Human output wraps long lines, indenting the rest: `flat` reads them as the one line they were. */
export function unwrap(text: string): string {
  return text.replace(/\n {2,}(?=\S)/g, ' ');
}

/** Runs `sm-rollout <argv>` through main() with colour off (or on), capturing both streams. */
export async function run(argv: string[], options: { color?: boolean } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), color: options.color ?? false };
  const code = await main(argv, io);
  const stdout = out.join('\n');
  const flat = unwrap(stdout);
  return { code, out, err, stdout, stderr: err.join('\n'), flat, lines: flat.split('\n') };
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

  /** The saved simulated account: the cloud and the rollout store in one file. */
  get cloudFile(): string {
    return path.join(this.dir, WORLD_FILE_NAME);
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
    const world = JSON.parse(await fs.readFile(this.cloudFile, 'utf8')) as { cloud: never };
    const cloud = createSimCloud({ state: world.cloud });
    cloud.injectFault(fault);
    await fs.writeFile(this.cloudFile, JSON.stringify({ ...world, cloud: cloud.exportState() }));
  }
}

// Setup steps: the CLI commands a test needs to have run before the one it is about. Each runs
// in whatever simulated account SM_ROLLOUT_SIM_DIR points at (a test's own SimAccount) and throws,
// naming the step and what it printed, if the command did not end the way the walkthrough expects.

/** The README walkthrough's plan: 10% for 2m, a manual gate, 50% for 2m (7 steps with the final bake). */
export const GATE_PLAN = '10%,2m,pause,50%,2m';
/** The walkthrough's second, shorter gated plan: 10% for 2m, then a manual gate (5 steps). */
export const SHORT_GATE_PLAN = '10%,2m,pause';

async function setupStep(what: string, argv: string[], code: number, status: string): Promise<RolloutDoc> {
  const result = await simJson(...argv);
  const doc = result.code === code && result.out.length ? lastJson<RolloutDoc>(result) : undefined;
  if (!doc || doc.status !== status) {
    throw new Error(
      `setup step "${what}" (sm-rollout ${argv.join(' ')}) should exit ${code} with a ${status} rollout; ` +
        `it exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
  return doc;
}

/** `start` churn-model/2 with a gated `strategy`; returns the id of the rollout waiting at the gate. */
export async function startAtGate(strategy = GATE_PLAN, guard: readonly string[] = GUARD): Promise<string> {
  const argv = ['start', '--endpoint', ENDPOINT, '--model-package', pkg(2), '--strategy', strategy, ...guard];
  return (await setupStep('start at a gate', [...argv, '--requested-by', WHO], 0, 'awaitingPromotion')).id;
}

/** {@link startAtGate} with the README plan, then `promote` it to the end; returns the succeeded id. */
export async function succeedThroughGate(): Promise<string> {
  const id = await startAtGate(GATE_PLAN);
  await setupStep('promote through the gate', ['promote', id, '--requested-by', WHO], 0, 'succeeded');
  return id;
}

/**
 * `start` churn-model/3 naming no alarm: its default candidate alarm on the candidate's error rate
 * fires; returns the id of the rolled-back rollout.
 */
export async function rollBackOnAlarm(): Promise<string> {
  const argv = ['start', '--endpoint', ENDPOINT, '--model-package', pkg(3)];
  return (
    await setupStep(
      'start churn-model/3 with the default candidate alarms',
      [...argv, '--requested-by', WHO],
      2,
      'rolledBack',
    )
  ).id;
}

/** The name of a rollout's default candidate alarm on the error rate. */
export function errorRateAlarmOf(rolloutId: string): string {
  return `smr-${ENDPOINT}-${rolloutId.replace(/^r-/, '')}-5xx-rate`;
}

/** `undo --endpoint`: rolls the version before the last success back on; returns the undo's id. */
export async function undoLastSuccess(): Promise<string> {
  return (await setupStep('undo', ['undo', '--endpoint', ENDPOINT, '--requested-by', WHO], 0, 'succeeded'))
    .id;
}

/** {@link startAtGate}, then `pause` it there; returns the paused id. */
export async function pauseAtGate(strategy = SHORT_GATE_PLAN): Promise<string> {
  const id = await startAtGate(strategy);
  await setupStep('pause at the gate', ['pause', id, '--requested-by', WHO], 0, 'paused');
  return id;
}

/**
 * {@link startAtGate} unguarded (`--no-guard`: a person watches it, as the README's last step says), then
 * `abort` it there with --reason "not today"; returns the rolled-back id.
 */
export async function abortAtGate(strategy = SHORT_GATE_PLAN): Promise<string> {
  const id = await startAtGate(strategy, ['--no-guard']);
  const argv = ['abort', id, '--reason', 'not today', '--requested-by', WHO];
  await setupStep('abort at the gate', argv, 2, 'rolledBack');
  return id;
}

/** The rollouts of the whole README walkthrough, oldest first. */
export interface Walkthrough {
  /** churn-model/2 through the manual gate: succeeded. */
  first: string;
  /** churn-model/3, rolled back when its default candidate alarm on the error rate fired. */
  bad: string;
  /** the undo of `first`: churn-model/1 back on, succeeded. */
  undo: string;
  /** churn-model/2 again, aborted at its gate with --reason "not today": rolledBack. */
  aborted: string;
}

/** Runs the whole README walkthrough on ENDPOINT: a success, an alarm rollback, an undo, an abort. */
export async function runWalkthrough(): Promise<Walkthrough> {
  const first = await succeedThroughGate();
  const bad = await rollBackOnAlarm();
  const undo = await undoLastSuccess();
  const aborted = await abortAtGate(SHORT_GATE_PLAN);
  return { first, bad, undo, aborted };
}
