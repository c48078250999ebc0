// The controller loads the rollout engine (machine, effects, actors) only when a rollout is to be advanced:
// a schedule tick with nothing due — in the Lambda, the event of almost every minute — and a stale wake-up
// answer without it, so the function's bundle can keep the engine in a chunk that init never loads.
import type { ControllerDeps, RolloutController } from '../../src/engine/controller';
import type { RolloutRecord } from '../../src/engine/ports';
import { MemoryRolloutStore } from '../../src/store';

const unused = () => {
  throw new Error('not called by these tests');
};

function depsWith(store: ControllerDeps['store']): ControllerDeps {
  return {
    store,
    policies: { forGroup: () => undefined, forEndpoint: () => undefined },
    endpoints: { describeEndpoint: unused } as unknown as ControllerDeps['endpoints'],
    alarms: { describeAlarms: async () => [] } as unknown as ControllerDeps['alarms'],
    metrics: {} as ControllerDeps['metrics'],
    scaling: {} as ControllerDeps['scaling'],
    invoker: {} as ControllerDeps['invoker'],
    objects: {} as ControllerDeps['objects'],
    events: { publish: async () => undefined },
    clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    count: () => undefined,
  };
}

/** A controller from a fresh module registry, and how many times that registry loaded the engine. */
async function isolatedController(store: ControllerDeps['store']) {
  const loads = { engine: 0 };
  let controller: RolloutController | undefined;
  await jest.isolateModulesAsync(async () => {
    jest.doMock('../../src/engine/engine', () => {
      loads.engine++;
      return jest.requireActual('../../src/engine/engine');
    });
    const { RolloutController } = await import('../../src/engine/controller.js');
    controller = new RolloutController(depsWith(store));
  });
  return { controller: controller!, loads };
}

describe('the rollout engine loads on first use', () => {
  it('a schedule tick with nothing due and a wake-up for an unknown rollout do not load it', async () => {
    const { controller, loads } = await isolatedController(new MemoryRolloutStore());
    const report = await controller.schedule();
    expect(report).toMatchObject({ due: 0, advanced: 0, failed: 0 });
    expect(await controller.wake('r-unknown', 0)).toMatchObject({ action: 'ignored' });
    expect(loads.engine).toBe(0);
  });

  it('a tick with a rollout due loads it, once', async () => {
    const store = new MemoryRolloutStore();
    // Two due records the engine cannot advance (no snapshot): the tick loads the engine, each fails alone.
    const input = { alarms: [], candidateAlarms: [] };
    const due = [
      { id: 'r-1', input },
      { id: 'r-2', input },
    ] as unknown as RolloutRecord[];
    jest.spyOn(store, 'listDue').mockResolvedValue(due);
    const { controller, loads } = await isolatedController(store);
    const report = await controller.schedule();
    expect(report).toMatchObject({ due: 2, failed: 2 });
    expect(loads.engine).toBe(1);
  });
});
