// What live output looks like: one block redrawn in place on a terminal, plain lines only when
// something changed elsewhere, lines of at most 100 characters, commands never split by a wrap.
import type { AlarmState } from '../../src/engine';
import type { CliIo } from '../../src/cli/io';
import { LiveView } from '../../src/cli/live';
import {
  liveBlock,
  progressLine,
  renderTable,
  rolloutJson,
  rolloutRows,
  shortDuration,
  wrap,
} from '../../src/cli/render';
import { runDemo } from '../../src/cli/commands/demo';
import type { RolloutRecord } from '../../src/store';

const ESC = '\u001b';
// eslint-disable-next-line no-control-regex
const ERASE = /\u001b\[\d+F\u001b\[J/;
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

function capture(options: {
  tty: boolean;
  color: boolean;
}): CliIo & { out: (t: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: () => undefined, lines, ...options };
}

/** A rollout baking at `candidate`% until `bakeUntil`, watching one team alarm and one candidate alarm. */
function baking(candidate: number, bakeUntil: number | undefined, status = 'running'): RolloutRecord {
  return {
    id: 'r-live',
    endpointName: 'churn-prod',
    status,
    phase: `baking step 2/4 at ${candidate}%`,
    progress: {
      step: { index: 2, total: 4 },
      weights: { baseline: 100 - candidate, candidate },
      ...(bakeUntil === undefined ? {} : { bakeUntil }),
      accepts: [],
    },
    input: {
      alarms: ['churn-prod-5xx'],
      candidateAlarms: [{ alarmName: 'smr-churn-prod-r-live-5xx-rate', template: { suffix: '5xx-rate' } }],
    },
  } as unknown as RolloutRecord;
}

const quiet: AlarmState[] = [
  { alarmName: 'churn-prod-5xx', state: 'OK', reason: '' },
  { alarmName: 'smr-churn-prod-r-live-5xx-rate', state: 'OK', reason: '' },
];
const firing: AlarmState[] = [quiet[0]!, { ...quiet[1]!, state: 'ALARM', reason: 'Threshold Crossed' }];

describe('time left reads as minutes and seconds', () => {
  it.each([
    [295_000, '4m55s'],
    [59_000, '59s'],
    [3_900_000, '1h05m'],
  ])('%d ms → %s', (ms, text) => expect(shortDuration(ms)).toBe(text));
});

describe('wrap', () => {
  it('keeps lines within the width and indents what follows', () => {
    const text = `2026-01-15 09:00:00Z  ${'word '.repeat(60).trim()}`;
    const lines = wrap(text, 100, ' '.repeat(22));
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(/^ {22}word/);
    expect(lines.join(' ').replace(/ +/g, ' ')).toBe(text.replace(/ +/g, ' '));
  });

  it('never splits a command in backticks, so a wrapped hint can still be pasted', () => {
    const hint =
      'waiting at a manual gate: run `sm-rollout promote r-0t8wec0d2y8 --simulate` to continue or ' +
      '`sm-rollout abort r-0t8wec0d2y8 --simulate` to roll back';
    const lines = wrap(hint, 60, '  ');
    const commands = lines.flatMap((line) => line.match(/`[^`]*`/g) ?? []);
    expect(commands).toEqual([
      '`sm-rollout promote r-0t8wec0d2y8 --simulate`',
      '`sm-rollout abort r-0t8wec0d2y8 --simulate`',
    ]);
  });
});

/** `record` at `status` with the phase text describe.ts gives it there. */
function withPhase(record: RolloutRecord, status: string, phase: string): RolloutRecord {
  return {
    ...record,
    status,
    phase,
    modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2',
    createdAt: 0,
    updatedAt: 0,
    progress: { ...record.progress!, step: { index: 3, total: 7 } },
  } as RolloutRecord;
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('each line says each fact once', () => {
  const gate = withPhase(
    baking(10, undefined),
    'awaitingPromotion',
    'waiting at a manual gate (step 3/7) with the candidate at 10%',
  );
  const rollingBack = withPhase(
    baking(10, undefined),
    'rollingBack',
    'rolling back (alarm smr-churn-prod-r-live-5xx-rate in ALARM)',
  );

  it('list: the PHASE column shows the step and the status column the status, neither again', () => {
    const [, row] = rolloutRows([gate]);
    expect(row![3]).toBe('waiting at a manual gate');
    expect(row![5]).toBe('3/7 with the candidate at 10%');
    const line = row!.join('  ');
    expect(count(line, '3/7')).toBe(1);
    expect(count(line, 'waiting at a manual gate')).toBe(1);
    expect(rolloutRows([rollingBack])[1]![5]).toBe('3/7 (alarm smr-churn-prod-r-live-5xx-rate in ALARM)');
  });

  it('the live block: a phase that begins with the status goes on from it', () => {
    const io = capture({ tty: true, color: false });
    const block = liveBlock(io, rollingBack, firing, 0);
    expect(block[0]).toBe('r-live · rolling back (alarm smr-churn-prod-r-live-5xx-rate in ALARM)');
    expect(count(block[0]!, 'rolling back')).toBe(1);
    const atGate = liveBlock(io, gate, quiet, 0)[0]!;
    expect(atGate).toBe('r-live · waiting at a manual gate (step 3/7) with the candidate at 10%');
    expect(count(atGate, 'waiting at a manual gate')).toBe(1);
  });

  it('JSON keeps the phase as stored: only the human lines drop the repeats', () => {
    expect(rolloutJson(gate, []).phase).toBe('waiting at a manual gate (step 3/7) with the candidate at 10%');
  });
});

describe('the live block (a terminal)', () => {
  it('shows the traffic bar, the bake left as 4m55s and the alarms, each line ≤ 100 characters', () => {
    const io = capture({ tty: true, color: false });
    const block = liveBlock(io, baking(10, 1_000_000 + 295_000), quiet, 1_000_000);
    expect(block[0]).toBe('r-live · in progress · baking step 2/4 at 10%');
    expect(block[1]).toBe('  traffic  baseline 90% [##..................] candidate 10% · bake 4m55s left');
    expect(block[2]).toBe('  alarms   churn-prod-5xx OK · 5xx-rate OK');
    for (const line of block) expect(line.length).toBeLessThanOrEqual(100);
    expect(block.join('\n')).not.toContain('295s');
  });

  it('colours ALARM red and a rollback yellow when colour is allowed, and not otherwise', () => {
    const coloured = liveBlock(capture({ tty: true, color: true }), baking(10, undefined), firing, 0);
    expect(coloured[2]).toContain(`${ESC}[31mALARM${ESC}[0m`);
    const rollingBack = liveBlock(
      capture({ tty: true, color: true }),
      baking(0, undefined, 'rollingBack'),
      firing,
      0,
    );
    expect(rollingBack[0]).toContain(`${ESC}[33mrolling back${ESC}[0m`);
    const noColour = liveBlock(capture({ tty: true, color: false }), baking(10, undefined), firing, 0);
    expect(noColour.join('\n')).not.toContain(ESC);
  });

  it('is redrawn in place: the old block is erased before new lines and the new block', () => {
    const io = capture({ tty: true, color: false });
    const view = new LiveView(io);
    view.update(baking(10, 300_000), quiet, 5_000);
    expect(io.lines).toHaveLength(3);
    view.update(baking(10, 300_000), quiet, 65_000);
    expect(io.lines[3]).toMatch(ERASE);
    expect(plain(io.lines[4]!)).toContain('bake 3m55s left');
    view.lines(['2026-01-15 09:12:00Z  Bake of step 2/4 completed; alarms quiet']);
    // The entry takes the block's place and the block is drawn again under it.
    expect(io.lines[6]).toMatch(ERASE);
    expect(plain(io.lines[6]!)).toBe('2026-01-15 09:12:00Z  Bake of step 2/4 completed; alarms quiet');
    expect(plain(io.lines[7]!)).toBe('r-live · in progress · baking step 2/4 at 10%');
    view.finish(['Rollout r-live: succeeded']);
    expect(io.lines.at(-1)).toMatch(ERASE);
    expect(plain(io.lines.at(-1)!)).toBe('Rollout r-live: succeeded');
  });

  it('does not redraw when nothing on it changed', () => {
    const io = capture({ tty: true, color: false });
    const view = new LiveView(io);
    for (let i = 0; i < 7; i++) view.update(baking(0, undefined), quiet, i * 60_000);
    expect(io.lines).toHaveLength(3);
  });
});

describe('plain output (not a terminal)', () => {
  it('prints a progress line only when something other than the countdown changed', () => {
    const io = capture({ tty: false, color: false });
    const view = new LiveView(io);
    for (let minute = 0; minute < 7; minute++) view.update(baking(0, undefined), quiet, minute * 60_000);
    expect(io.lines).toHaveLength(1);
    for (let minute = 0; minute < 5; minute++) view.update(baking(10, 300_000), quiet, minute * 60_000);
    expect(io.lines).toHaveLength(2);
    expect(io.lines[1]).toBe(
      '  [##..................] candidate 10% · bake 5m00s left · alarms: churn-prod-5xx OK · 5xx-rate OK',
    );
    view.update(baking(10, 300_000), firing, 5 * 60_000);
    expect(io.lines).toHaveLength(3);
    expect(io.lines[2]).toContain('5xx-rate ALARM');
    expect(io.lines.join('\n')).not.toContain(ESC);
  });

  it('a progress line is at most 100 characters, however many alarms', () => {
    const record = baking(10, 300_000);
    const many = Array.from({ length: 12 }, (_, i) => `team-alarm-with-a-long-name-${i}`);
    (record.input as { alarms: string[] }).alarms = many;
    const { line } = progressLine(capture({ tty: false, color: false }), record, [], 0);
    expect(line.length).toBeLessThanOrEqual(100);
    expect(line.endsWith('…')).toBe(true);
  });

  it('list cuts a long reason so the table stays readable', () => {
    const rows = renderTable([
      ['ID', 'PHASE'],
      ['r-1', 'alarm x fired: '.padEnd(200, 'y')],
    ]);
    expect(rows[1]!.length).toBeLessThanOrEqual(70);
  });
});

describe('demo output, not on a terminal', () => {
  it('one progress line per change (not 7 identical "deploying" lines), every line ≤ 100 characters', async () => {
    const io = capture({ tty: false, color: false });
    const view = new LiveView(io);
    const result = await runDemo({ scenario: 'healthy', speed: Infinity, seed: 7, view });
    expect(result.status).toBe('succeeded');
    const progress = io.lines.filter((line) => /^ {2}\[[#.]{20}\]/.test(line));
    expect(progress.filter((line) => line.includes('candidate 0%'))).toHaveLength(1);
    expect(new Set(progress).size).toBe(progress.length);
    for (const line of io.lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(io.lines.join('\n')).not.toMatch(/\d{3,}s of bake left/);
  });
});
