// `sm-rollout undo`: puts back the model that served before the endpoint's last successful
// rollout, as a new rollout (fast by default).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { ValidStartRequest } from '../../engine/start-request';
import { planUndo } from '../../engine/undo';
import { formatDuration } from '../../plan';
import type { StartRequest } from '../backend';
import { EXIT, UsageError, type CliIo } from '../io';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { reportStarted } from './start';
import { namingFlags, withBackend } from './shared';

export const UNDO_USAGE = `Usage: sm-rollout undo --endpoint <name> [--strategy <plan>] [--final-bake <d>] [--wait] [--output json]

Starts a new rollout of the model version that served before the endpoint's last successful
rollout, with the same alarms and role. The strategy defaults to AllAtOnce with a 5m final bake:
undo is for getting back fast.

Options:
  --endpoint <name>    the endpoint to undo
  --strategy <plan>    how to shift traffic back (default AllAtOnce)
  --final-bake <d>     bake before promotion (default 5m)
  --wait               controller mode: wait until the undo rollout ends
${BACKEND_HELP}

Examples:
  sm-rollout undo --endpoint churn-prod --stack SmRolloutStack --wait
  sm-rollout undo --endpoint churn-prod --simulate --strategy Canary10Percent5Minutes
`;

/** The undo request as the backends take it (fields as written); planUndo validated it. */
function asStartRequest(request: ValidStartRequest): StartRequest {
  return {
    endpointName: request.endpointName,
    modelPackageArn: request.modelPackageArn,
    executionRoleArn: request.executionRoleArn,
    strategy: request.plan.strategy,
    finalBake: formatDuration(finalBakeMs(request)),
    alarms: request.alarms,
    candidateAlarms: request.candidateAlarms,
    requestedBy: request.requestedBy,
  };
}

function finalBakeMs(request: ValidStartRequest): number {
  const last = request.plan.steps.at(-1);
  return last?.kind === 'bake' ? last.durationMs : 0;
}

export async function undoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...BACKEND_OPTIONS,
      endpoint: { type: 'string' },
      strategy: { type: 'string' },
      'final-bake': { type: 'string' },
      'requested-by': { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
    },
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
    const { request, undoing } = await namingFlags(() =>
      planUndo(
        {
          store: backend,
          endpoints: { describeModel: async (name) => backend.describeModel?.(name) },
        },
        values.endpoint!,
        { strategy: values.strategy, finalBake: values['final-bake'] },
        values['requested-by'] ?? `${userInfo().username} (cli)`,
      ),
    );
    const record = await namingFlags(() => backend.start(asStartRequest(request)));
    const headline = `Started rollout ${record.id}: ${request.modelPackageArn} back onto ${record.endpointName} (undoing ${undoing.id})`;
    return reportStarted(backend, record, headline, values, io, json);
  });
}
