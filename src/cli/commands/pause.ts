// `sm-rollout pause`: holds a rollout where it is (a bake's remaining time is kept); alarms are
// still watched while paused.
import type { CliIo } from '../io';
import { BACKEND_HELP } from '../mode';
import { steerCommand } from './steer';

export const PAUSE_USAGE = `Usage: sm-rollout pause <rollout-id> | --endpoint <name> [--wait] [--output json]

Pauses a rollout that is shifting traffic, baking or at a gate. The time left in a bake is kept
for when it resumes; alarms are still watched, and an alarm still rolls back.

${BACKEND_HELP}

Examples:
  sm-rollout pause r-0t8wec0kqi7 --stack SmRolloutStack
  sm-rollout pause --endpoint churn-prod --simulate
`;

export const pauseCommand = (argv: string[], io: CliIo) => steerCommand('pause', PAUSE_USAGE, argv, io);
