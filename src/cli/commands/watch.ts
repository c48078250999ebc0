// `sm-rollout watch`: follows a rollout live and exits by itself when it ends (or on --timeout),
// with the rollout's exit code — what a CI job waits on.
import { isTerminal } from '../../../statemachines/describe';
import { EXIT, UsageError, exitCodeForStatus, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { rolloutJson } from '../render';
import { followAndReport } from './start';
import { printStatus, statusNow } from './status';
import { findRollout, modeFlag, timeoutMs, withBackend } from './shared';

export const WATCH_USAGE = `Usage: sm-rollout watch <rollout-id> | --endpoint <name> [--timeout <d>] [--output json]

Follows a rollout live, printing each timeline entry as it happens, and exits when the rollout
ends: 0 succeeded, 2 rolled back, 3 failed; 4 when --timeout passes first (the rollout is not ended).
In --simulate mode it runs simulated time and also stops when the rollout waits for a person.

${BACKEND_HELP}

Examples:
  sm-rollout watch r-0t8wec0kqi7 --stack SmRolloutStack --timeout 2h
  sm-rollout watch --endpoint churn-prod --simulate
`;

export async function watchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    endpoint: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (values.help) {
    io.out(WATCH_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length > 1) throw new UsageError('watch takes one rollout id');
  const json = wantsJson(values);
  timeoutMs(values.timeout);
  return withBackend(values, async (backend) => {
    const record = await findRollout(backend, positionals[0], values.endpoint, 'watch');
    if (isTerminal(record.status)) {
      if (json) io.out(JSON.stringify(rolloutJson(record, (await backend.get(record.id)).timeline), null, 2));
      else await printStatus(backend, record, io, false, statusNow(backend, record), modeFlag(values));
      return exitCodeForStatus(record.status);
    }
    if (!json) await printStatus(backend, record, io, false, statusNow(backend, record), modeFlag(values));
    return followAndReport(
      backend,
      record,
      values,
      io,
      backend.mode === 'simulate' ? 'attention' : 'end',
      json,
    );
  });
}
