// Live output of a rollout being followed (watch, start, steering verbs, demo). On a terminal:
// the timeline scrolls and one status block under it is redrawn in place. Elsewhere (a CI log, a
// pipe): plain lines, and a progress line only when something other than the countdown changed.
import type { AlarmState } from '../engine';
import type { RolloutRecord, TimelineEntry } from '../store';
import type { CliIo } from './io';
import { LINE_WIDTH, liveBlock, progressLine, timelineLines } from './render';

/** Cursor up `n` lines to the start of the first, then erase to the end of the screen. */
function eraseLines(n: number): string {
  return n > 0 ? `\u001b[${n}F\u001b[J` : '';
}

export class LiveView {
  private drawn: string[] = [];
  private lastKey: string | undefined;
  private readonly width: number;

  constructor(
    private readonly io: CliIo,
    width = LINE_WIDTH,
    /** Commands the timeline names get it, so they can be pasted (` --simulate`). */
    private readonly modeFlag = '',
  ) {
    // A terminal that reports no size (0) gets the usual width.
    this.width = width >= 40 ? Math.min(width, LINE_WIDTH) : LINE_WIDTH;
  }

  /** Prints lines that stay (timeline entries, messages) above the block. */
  lines(lines: string[]): void {
    if (!lines.length) return;
    if (!this.io.tty || !this.drawn.length) {
      for (const line of lines) this.io.out(line);
      return;
    }
    this.print(eraseLines(this.drawn.length), [...lines, ...this.drawn]);
  }

  /** One line per write (a test or a pipe sees lines), the cursor movement before the first. */
  private print(prefix: string, lines: string[]): void {
    lines.forEach((line, i) => this.io.out(i === 0 ? prefix + line : line));
  }

  entries(entries: TimelineEntry[]): void {
    this.lines(entries.flatMap((entry) => timelineLines(this.io, entry, this.width, this.modeFlag)));
  }

  /** The rollout as it is now: the block redrawn on a terminal, else a progress line if it changed. */
  update(record: RolloutRecord, alarms: AlarmState[], now: number): void {
    if (this.io.tty) {
      const block = liveBlock(this.io, record, alarms, now, this.width);
      if (block.join('\n') === this.drawn.join('\n')) return;
      this.print(eraseLines(this.drawn.length), block);
      this.drawn = block;
      return;
    }
    const { line, key } = progressLine(this.io, record, alarms, now, this.width);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.io.out(line);
  }

  /** Prints the last lines where the block was (a terminal), so the block does not stay behind. */
  finish(lines: string[]): void {
    const erase = this.io.tty ? eraseLines(this.drawn.length) : '';
    this.drawn = [];
    if (lines.length) this.print(erase, lines);
    else if (erase) this.io.out(erase);
  }
}
