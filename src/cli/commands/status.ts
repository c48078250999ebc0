// `sm-rollout status`: a compact view of one rollout a person reads in two seconds.
import { systemClock } from '../../engine';
import type { RolloutRecord, TimelineEntry } from '../../store';
import type { RolloutBackend } from '../backend';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson } from '../mode';
import { renderStatus, rolloutJson, watchedAlarmNames } from '../render';
import { findRollout, withBackend } from './shared';

export const STATUS_USAGE = `Usage: sm-rollout status <rollout-id> | --endpoint <name> [--output json]

Shows one rollout: model versions, current weights, the step and the time left in its bake,
alarm states, and the last timeline entries. With --endpoint: the endpoint's active rollout, or
its most recent one.

${BACKEND_HELP}

Examples:
  sm-rollout status r-0t8wec0kqi7
  sm-rollout status --endpoint churn-prod --simulate
  sm-rollout status --endpoint churn-prod --stack SmRolloutStack --output json
`;

/** Prints the status view (or its JSON) of `record`. */
export async function printStatus(
  backend: RolloutBackend,
  record: RolloutRecord,
  io: CliIo,
  json: boolean,
  now = systemClock.now(),
): Promise<void> {
  const { timeline } = await backend.get(record.id);
  const alarms = await backend.alarmStates(watchedAlarmNames(record));
  if (json) {
    io.out(JSON.stringify({ ...rolloutJson(record, recentOf(timeline), alarms) }, null, 2));
    return;
  }
  for (const line of renderStatus(io, record, timeline, alarms, now)) io.out(line);
}

function recentOf(timeline: TimelineEntry[]): TimelineEntry[] {
  return timeline.slice(-10);
}

export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...BACKEND_OPTIONS, endpoint: { type: 'string' } });
  if (values.help) {
    io.out(STATUS_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length > 1) throw new UsageError('status takes one rollout id');
  const json = wantsJson(values);
  return withBackend(values, async (backend) => {
    const record = await findRollout(backend, positionals[0], values.endpoint, 'status');
    await printStatus(
      backend,
      record,
      io,
      json,
      backend.mode === 'controller' || backend.mode === 'local' ? systemClock.now() : record.updatedAt,
    );
    return EXIT.succeeded;
  });
}
