// `sm-rollout list`: rollouts as a table, newest first.
import { EXIT, UsageError, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { renderTable, rolloutJson, rolloutRows } from '../render';
import { withBackend } from './shared';

export const LIST_USAGE = `Usage: sm-rollout list [--endpoint <name>] [--active] [--output json]

Lists rollouts, newest first: id, endpoint, model version, status, start time and phase.

Options:
  --endpoint <name>   only this endpoint's rollouts
  --active            only rollouts that have not ended
${BACKEND_HELP}

Examples:
  sm-rollout list --simulate
  sm-rollout list --endpoint churn-prod --active --stack SmRolloutStack --output json
`;

export async function listCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    endpoint: { type: 'string' },
    active: { type: 'boolean' },
  });
  if (values.help) {
    io.out(LIST_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length) throw new UsageError(`list takes no arguments (got "${positionals.join(' ')}")`);
  const json = wantsJson(values);
  return withBackend(values, async (backend) => {
    const records = await backend.list({
      ...(values.endpoint ? { endpointName: values.endpoint } : {}),
      ...(values.active ? { activeOnly: true } : {}),
    });
    if (json)
      io.out(
        JSON.stringify(
          records.map((r) => rolloutJson(r)),
          null,
          2,
        ),
      );
    else if (records.length === 0) io.out('No rollouts.');
    else for (const line of renderTable(rolloutRows(records))) io.out(line);
    return EXIT.succeeded;
  });
}
