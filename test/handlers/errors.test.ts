// When the controller itself fails (a store outage, say), the handler logs the error and throws, so
// Lambda retries the event and, in the end, the dead-letter queue keeps it.
import { createControllerHandler } from '../../src/handlers/controller';
import { policyLookup } from '../../src/handlers/environment';
import { parsePolicies } from '../../src/policy';
import { createSimCloud } from '../../src/sim';
import { MemoryRolloutStore } from '../../src/store';
import { MemoryLifecyclePublisher } from '../../src/cli/simulated-environment';
import scheduled from './fixtures/scheduled-event.json';
import { policyYaml } from './harness';

it('a store outage during the schedule is logged with its message and rethrown for Lambda to retry', async () => {
  const sim = createSimCloud();
  const store = new MemoryRolloutStore();
  store.listDue = async () => {
    throw new Error('ProvisionedThroughputExceededException: the table is overwhelmed');
  };
  const errors: string[] = [];
  let published = 0;
  const handle = createControllerHandler(
    {
      store,
      policies: policyLookup(parsePolicies(policyYaml([{}]), 'policies.yaml')),
      endpoints: sim.sagemaker,
      alarms: sim.cloudwatch,
      events: new MemoryLifecyclePublisher(),
      clock: sim.clock,
    },
    {
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: (message: string) => void errors.push(message),
      },
      metrics: {
        addMetric: (() => undefined) as never,
        publishStoredMetrics: (() => void published++) as never,
      },
    },
  );
  await expect(handle(scheduled)).rejects.toThrow(/table is overwhelmed/);
  expect(errors).toEqual([expect.stringMatching(/^controller error: .*table is overwhelmed/)]);
  expect(published).toBe(1);
});
