// `sm-rollout undo`: puts back the model that served before the endpoint's last successful
// rollout, as a new rollout (fast by default).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { SmRolloutError } from '../../errors';
import type { RolloutRecord } from '../../store';
import type { RolloutBackend, StartRequest } from '../backend';
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

/** The request that undoes the endpoint's last successful rollout. */
export async function undoRequest(
  backend: RolloutBackend,
  endpointName: string,
  overrides: { strategy?: string; finalBake?: string },
  requestedBy: string,
): Promise<{ request: StartRequest; undoing: RolloutRecord }> {
  const rollouts = await backend.list({ endpointName });
  const succeeded = rollouts.filter((r) => r.status === 'succeeded');
  const [last, before] = succeeded;
  if (!last) {
    throw new SmRolloutError(
      'ROLLOUT_NOT_FOUND',
      `endpoint ${endpointName} has no successful rollout to undo in this store`,
      { field: 'endpoint' },
    );
  }
  // The baseline model the last rollout replaced says which package it came from; the store's
  // history is the fallback when that model is gone.
  const previousModel = last.input.baseline?.modelName;
  const fromModel = previousModel
    ? (await backend.describeModel?.(previousModel))?.modelPackageArn
    : undefined;
  const previousPackage = fromModel ?? before?.modelPackageArn;
  if (!previousPackage) {
    throw new SmRolloutError(
      'ROLLOUT_NOT_FOUND',
      `the model that served ${endpointName} before rollout ${last.id} (${previousModel ?? 'unknown'}) was not created ` +
        `from a model package, so there is no version to roll back to; start a rollout of the version you want with ` +
        `\`sm-rollout start --endpoint ${endpointName} --model-package <arn>\``,
      { field: 'endpoint' },
    );
  }
  const input = last.input;
  return {
    undoing: last,
    request: {
      endpointName,
      modelPackageArn: previousPackage,
      executionRoleArn: input.executionRoleArn,
      strategy: overrides.strategy ?? 'AllAtOnce',
      finalBake: overrides.finalBake ?? '5m',
      alarms: input.alarms,
      candidateAlarms: input.candidateAlarms.map((a) => a.template),
      requestedBy: `${requestedBy}, undoing ${last.id}`,
    },
  };
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
    const { request, undoing } = await undoRequest(
      backend,
      values.endpoint!,
      { strategy: values.strategy, finalBake: values['final-bake'] },
      values['requested-by'] ?? `${userInfo().username} (cli)`,
    );
    const record = await namingFlags(() => backend.start(request));
    const headline = `Started rollout ${record.id}: ${request.modelPackageArn} back onto ${record.endpointName} (undoing ${undoing.id})`;
    return reportStarted(backend, record, headline, values, io, json);
  });
}
