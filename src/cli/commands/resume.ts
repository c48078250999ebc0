// `sm-rollout resume`: continues a paused rollout where it was.
import type { CliIo } from '../io';
import { BACKEND_HELP } from '../mode';
import { steerCommand } from './steer';

export const RESUME_USAGE = `Usage: sm-rollout resume <rollout-id> | --endpoint <name> [--wait] [--output json]

Resumes a paused rollout at the step it was paused in, with the bake time it had left.

${BACKEND_HELP}

Examples:
  sm-rollout resume r-0t8wec0kqi7 --stack SmRolloutStack
  sm-rollout resume --endpoint churn-prod --simulate
`;

export const resumeCommand = (argv: string[], io: CliIo) => steerCommand('resume', RESUME_USAGE, argv, io);
