// `sm-rollout history`: a rollout's whole timeline, with alarm reasons and the metric values
// that tripped them.
import { EXIT, UsageError, inMode, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { paintStatus, rolloutJson, timelineLine } from '../render';
import { findRollout, modeFlag, withBackend } from './shared';

export const HISTORY_USAGE = `Usage: sm-rollout history <rollout-id> | --endpoint <name> [--output json]

Prints everything that happened in a rollout, in order: each traffic shift, bake, gate, command
(and who sent it), and for a rollback the alarm, CloudWatch's reason and the datapoints that
tripped it.

${BACKEND_HELP}

Examples:
  sm-rollout history r-0t8wec0kqi7 --simulate
  sm-rollout history --endpoint churn-prod --stack SmRolloutStack --output json
`;

export async function historyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...BACKEND_OPTIONS, endpoint: { type: 'string' } });
  if (values.help) {
    io.out(HISTORY_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length > 1) throw new UsageError('history takes one rollout id');
  const json = wantsJson(values);
  return withBackend(values, async (backend) => {
    const { record, timeline } = await backend.get(
      (await findRollout(backend, positionals[0], values.endpoint, 'history')).id,
    );
    if (json) {
      io.out(JSON.stringify(rolloutJson(record, timeline), null, 2));
      return EXIT.succeeded;
    }
    io.out(
      `Rollout ${record.id} · ${record.endpointName} · ${record.modelPackageArn} · ${paintStatus(io, record.status)}`,
    );
    // The whole record, one entry a line (what a pipeline greps), with pasteable commands.
    for (const entry of timeline) io.out(inMode(timelineLine(entry), modeFlag(values)));
    return EXIT.succeeded;
  });
}
