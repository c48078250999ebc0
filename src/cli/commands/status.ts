// `sm-rollout status`: a compact view of one rollout a person reads in two seconds.
import { systemClock } from '../../engine';
import type { RolloutRecord, TimelineEntry } from '../../store';
import type { RolloutBackend } from '../backend';
import { EXIT, UsageError, exitCodeForOutcome, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { renderStatus, rolloutJson, watchedAlarmNames } from '../render';
import { findRollout, modeFlag, withBackend } from './shared';

export const STATUS_USAGE = `Usage: sm-rollout status <rollout-id> | --endpoint <name> [--exit-status] [--output json]

Shows one rollout: model versions, current weights, the step and the time left in its bake,
alarm states, and the last timeline entries. With --endpoint: the endpoint's active rollout, or
its most recent one. Exits 0 whatever the rollout's state, unless --exit-status.

Options:
  --endpoint <name>   the endpoint's active (else most recent) rollout
  --exit-status       exit with the rollout's outcome: 0 succeeded, 2 rolled back, 3 failed,
                      6 in progress, 7 waiting for a person (paused or at a manual gate)
${BACKEND_HELP}

Examples:
  sm-rollout status r-0t8wec0kqi7
  sm-rollout status --endpoint churn-prod --simulate
  sm-rollout status --endpoint churn-prod --stack SmRolloutStack --output json
  sm-rollout status --endpoint churn-prod --simulate --exit-status   # in a script: 0 only if it succeeded
`;

/** Prints the status view (or its JSON) of `record`. */
export async function printStatus(
  backend: RolloutBackend,
  record: RolloutRecord,
  io: CliIo,
  json: boolean,
  // Simulated time stands still between commands: "now" there is when the rollout was last saved.
  now = backend.mode === 'simulate' ? record.updatedAt : systemClock.now(),
  modeFlag = '',
): Promise<void> {
  const { timeline } = await backend.get(record.id);
  const alarms = await backend.alarmStates(watchedAlarmNames(record));
  if (json) {
    io.out(JSON.stringify({ ...rolloutJson(record, recentOf(timeline), alarms) }, null, 2));
    return;
  }
  for (const line of renderStatus(io, record, timeline, alarms, now, { modeFlag })) io.out(line);
}

/** The time a status view counts the bake down from: now, or in simulate mode the rollout's own last moment. */
export function statusNow(backend: RolloutBackend, record: RolloutRecord): number {
  return backend.mode === 'simulate' ? record.updatedAt : systemClock.now();
}

function recentOf(timeline: TimelineEntry[]): TimelineEntry[] {
  return timeline.slice(-10);
}

export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    endpoint: { type: 'string' },
    'exit-status': { type: 'boolean' },
  });
  if (values.help) {
    io.out(STATUS_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length > 1) throw new UsageError('status takes one rollout id');
  const json = wantsJson(values);
  return withBackend(values, async (backend) => {
    const record = await findRollout(backend, positionals[0], values.endpoint, 'status');
    await printStatus(backend, record, io, json, statusNow(backend, record), modeFlag(values));
    // Like `kubectl argo rollouts status`: a script can branch on the outcome when it asks to.
    return values['exit-status'] ? exitCodeForOutcome(record.status) : EXIT.succeeded;
  });
}
