// `sm-rollout undo`: puts back the model that served before the endpoint's last successful
// rollout, as a new rollout (fast by default).
import { userInfo } from 'node:os';
import { UNDO_FINAL_BAKE, UNDO_STRATEGY } from '../../engine';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { packageLabel } from '../render';
import { reportStarted } from './start';
import { namingFlags, withBackend } from './shared';

export const UNDO_USAGE = `Usage: sm-rollout undo --endpoint <name> [--strategy <plan>] [--final-bake <d>] [--wait] [--output json]

Starts a new rollout of the model version that served before the endpoint's last successful
rollout, with the same alarms and role. The strategy defaults to ${UNDO_STRATEGY} with a ${UNDO_FINAL_BAKE} final bake:
undo is for getting back fast.

Options:
  --endpoint <name>    the endpoint to undo
  --strategy <plan>    how to shift traffic back (default ${UNDO_STRATEGY})
  --final-bake <d>     bake before promotion (default ${UNDO_FINAL_BAKE})
  --wait               controller mode: wait until the undo rollout ends
${BACKEND_HELP}

Examples:
  sm-rollout undo --endpoint churn-prod --stack SmRolloutStack --wait
  sm-rollout undo --endpoint churn-prod --simulate --strategy Canary10Percent5Minutes
`;

export async function undoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    endpoint: { type: 'string' },
    strategy: { type: 'string' },
    'final-bake': { type: 'string' },
    'requested-by': { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (values.help) {
    io.out(UNDO_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length) throw new UsageError('undo takes --endpoint <name>, not a rollout id');
  if (!values.endpoint)
    throw new UsageError('--endpoint is required: the endpoint whose last rollout to undo');
  const json = wantsJson(values);
  return withBackend(values, async (backend) => {
    const { record, undoing } = await namingFlags(() =>
      backend.undo(
        values.endpoint!,
        {
          ...(values.strategy !== undefined ? { strategy: values.strategy } : {}),
          ...(values['final-bake'] !== undefined ? { finalBake: values['final-bake'] } : {}),
        },
        values['requested-by'] ?? `${userInfo().username} (cli)`,
      ),
    );
    const headline = `Started rollout ${record.id}: ${packageLabel(record.modelPackageArn)} back onto ${record.endpointName} (undoing ${undoing})`;
    return reportStarted(backend, record, headline, values, io, json);
  });
}
