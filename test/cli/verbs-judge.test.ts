// `start` judges the candidate against the baseline by default; `--no-judge` turns it off for one rollout.
import { promises as fs } from 'node:fs';
import type { RolloutRecord } from '../../src/store';
import { ENDPOINT, SimAccount, WHO, pkg, sim, startedId } from './verbs-helpers';

const QUICK = ['--strategy', 'AllAtOnce', '--final-bake', '1m', '--requested-by', WHO];

async function recordOf(account: SimAccount, id: string): Promise<RolloutRecord> {
  const world = JSON.parse(await fs.readFile(account.cloudFile, 'utf8')) as {
    store: { records: RolloutRecord[] };
  };
  return world.store.records.find((r) => r.id === id)!;
}

describe('start and the judge', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('judges errors and latency by default', async () => {
    const result = await sim('start', '--endpoint', ENDPOINT, '--model-package', pkg(2), ...QUICK);
    expect(result.code).toBe(0);
    const record = await recordOf(account, startedId(result));
    expect(record.input.judge?.metrics.map((m) => m.name)).toEqual(['errors', 'latency']);
  });

  it('--no-judge starts the rollout without one', async () => {
    const result = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--no-judge',
      ...QUICK,
    );
    expect(result.code).toBe(0);
    expect((await recordOf(account, startedId(result))).input.judge).toBeUndefined();
  });
});
