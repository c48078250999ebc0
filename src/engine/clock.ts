// The one place where real time enters sm-rollout: every host that runs against real AWS reads the
// time through this clock; tests and the simulated cloud pass their own.
import type { Clock } from './ports';

export const systemClock: Clock = { now: () => Date.now() };
