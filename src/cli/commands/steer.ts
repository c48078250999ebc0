// The operation behind pause, resume, promote and abort: send the command (rejected with the
// reason when it does not apply), then report — and in simulate mode, or with --wait, keep
// following the rollout.
import { userInfo } from 'node:os';
import type { CommandRequest } from '../../engine';
import { MAX_REASON_LENGTH } from '../../engine';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_OPTIONS, wantsJson } from '../mode';
import { LINE_WIDTH, rolloutJson, timelineLines } from '../render';
import { followAndReport } from './start';
import { attentionHint, findRollout, modeFlag, timeoutMs, withBackend } from './shared';

export type SteeringVerb = 'pause' | 'resume' | 'promote' | 'abort';

export async function steerCommand(
  verb: SteeringVerb,
  usage: string,
  argv: string[],
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    endpoint: { type: 'string' },
    'requested-by': { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
    ...(verb === 'promote' ? { full: { type: 'boolean' } } : {}),
    ...(verb === 'abort' ? { reason: { type: 'string' } } : {}),
  });
  if (values.help) {
    io.out(usage);
    return EXIT.succeeded;
  }
  if (positionals.length > 1) throw new UsageError(`${verb} takes one rollout id`);
  const json = wantsJson(values);
  timeoutMs(values.timeout);
  if (values['requested-by'] !== undefined && !values['requested-by'].trim()) {
    throw new UsageError('--requested-by is empty; give who is asking, e.g. --requested-by alice');
  }
  const reason = (values as { reason?: string }).reason;
  if (reason !== undefined && reason.length > MAX_REASON_LENGTH) {
    throw new UsageError(
      `--reason is ${reason.length} characters long; keep it to ${MAX_REASON_LENGTH} (the timeline keeps it whole)`,
    );
  }
  const by = values['requested-by'] ?? `${userInfo().username} (cli)`;
  const flags = values as typeof values & { full?: boolean; reason?: string };
  const command: CommandRequest =
    verb === 'promote'
      ? { type: 'PROMOTE', by, ...(flags.full ? { full: true } : {}) }
      : verb === 'abort'
        ? { type: 'ABORT', by, ...(flags.reason ? { note: flags.reason } : {}) }
        : { type: verb === 'pause' ? 'PAUSE' : 'RESUME', by };
  return withBackend(values, async (backend) => {
    const target = await findRollout(backend, positionals[0], values.endpoint, verb);
    const record = await backend.command(target.id, command);
    if (!json) {
      const { timeline } = await backend.get(record.id);
      for (const entry of timeline.filter((e) => e.seq >= target.timelineLength)) {
        for (const line of timelineLines(io, entry, LINE_WIDTH, modeFlag(values))) io.out(line);
      }
    }
    if (backend.mode === 'simulate' || values.wait) {
      const until = backend.mode === 'simulate' && !(verb === 'abort') ? 'attention' : 'end';
      return followAndReport(backend, record, values, io, until, json);
    }
    if (json) {
      io.out(JSON.stringify(rolloutJson(record), null, 2));
    } else {
      io.out(`${verb}: rollout ${record.id} is ${record.phase}`);
      const hint = attentionHint(record, modeFlag(values));
      if (hint) io.out(hint);
      if (backend.mode === 'local') {
        io.out(
          `the process running this rollout continues it; if none does, run \`sm-rollout start --resume ${record.id} --local\``,
        );
      }
    }
    return EXIT.succeeded;
  });
}
