// `sm-rollout abort`: rolls a rollout back — traffic to the old model, the new one removed.
import type { CliIo } from '../io';
import { BACKEND_HELP } from '../mode';
import { steerCommand } from './steer';

export const ABORT_USAGE = `Usage: sm-rollout abort <rollout-id> | --endpoint <name> [--reason <text>] [--wait] [--output json]

Rolls a rollout back: all traffic returns to the old variant within seconds, the endpoint goes
back to its original config, and the new model and configs are deleted.

Options:
  --reason <text>   recorded in the timeline with your name
  --wait            keep following until the rollback ends (exit 2 rolled back, 3 failed)
${BACKEND_HELP}

Examples:
  sm-rollout abort r-0t8wec0kqi7 --reason "p99 latency doubled" --stack SmRolloutStack --wait
  sm-rollout abort --endpoint churn-prod --simulate
`;

export const abortCommand = (argv: string[], io: CliIo) => steerCommand('abort', ABORT_USAGE, argv, io);
