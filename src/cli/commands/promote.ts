// `sm-rollout promote`: passes a manual gate, or with --full skips the remaining steps.
import type { CliIo } from '../io';
import { BACKEND_HELP } from '../mode';
import { steerCommand } from './steer';

export const PROMOTE_USAGE = `Usage: sm-rollout promote <rollout-id> | --endpoint <name> [--full] [--wait] [--output json]

Passes the manual gate a rollout is waiting at. With --full, skips every remaining step
(including the final bake) and promotes the new model at once.

Options:
  --full          skip the remaining steps
  --wait          keep following until the rollout ends (exit code says how)
  --timeout <d>   with --wait: stop waiting after this long (exit 4)
${BACKEND_HELP}

Examples:
  sm-rollout promote r-0t8wec0kqi7 --simulate
  sm-rollout promote --endpoint churn-prod --stack SmRolloutStack --wait --timeout 1h
  sm-rollout promote r-0t8wec0kqi7 --full --stack SmRolloutStack
`;

export const promoteCommand = (argv: string[], io: CliIo) => steerCommand('promote', PROMOTE_USAGE, argv, io);
