// `start` never rolls out unguarded or redeploys what serves by accident: no alarm → refused unless
// --no-guard (and the timeline says who asked); --candidate-alarm guards it from the command line;
// the serving version → refused unless --force; an older version → rolled out, saying it rolls back.
// And what Ctrl-C in --local says and does when nobody would watch a detached rollout.
import { promises as fs } from 'node:fs';
import { interruptChoice } from '../../src/cli/commands/start';
import { createSimCloud, type SimCloud } from '../../src/sim';
import type { RolloutRecord } from '../../src/store';
import {
  ENDPOINT,
  GUARD,
  SimAccount,
  WHO,
  lastJson,
  pkg,
  sim,
  simJson,
  startedId,
  type RolloutDoc,
} from './verbs-helpers';

const QUICK = ['--strategy', 'AllAtOnce', '--final-bake', '1m', '--requested-by', WHO];

async function noRollouts(): Promise<void> {
  expect(lastJson<RolloutDoc[]>(await simJson('list'))).toEqual([]);
}

/** The saved simulated account: the cloud (its alarms) and the rollout records, as the last command left them. */
async function saved(account: SimAccount): Promise<{ cloud: SimCloud; records: RolloutRecord[] }> {
  const world = JSON.parse(await fs.readFile(account.cloudFile, 'utf8')) as {
    cloud: never;
    store: { records: RolloutRecord[] };
  };
  return { cloud: createSimCloud({ state: world.cloud }), records: world.store.records };
}

describe('start with no alarm named', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it("gets the default candidate alarms: the bad version's error rate on the candidate alone rolls it back, exit 2, and the alarms are removed", async () => {
    const result = await simJson('start', '--endpoint', ENDPOINT, '--model-package', pkg(3), ...QUICK);
    expect(result.code).toBe(2);
    const doc = lastJson<RolloutDoc>(result);
    expect(doc.status).toBe('rolledBack');
    expect(doc.reason).toMatch(
      /^alarm smr-churn-prod-[a-z0-9]+-5xx-rate fired: Threshold Crossed: 2 out of the last 3 datapoints/,
    );
    expect(doc.timeline!.map((e) => e.kind)).not.toContain('unguarded');
    const { cloud, records } = await saved(account);
    const created = records.find((r) => r.id === doc.id)!.input.candidateAlarms;
    expect(
      created.map((a) => [a.alarmName, a.template.metricName, a.template.statistic, a.template.threshold]),
    ).toEqual([
      [`smr-churn-prod-${doc.id.replace(/^r-/, '')}-5xx-rate`, 'Invocation5XXErrors', 'Average', 0.1],
      [`smr-churn-prod-${doc.id.replace(/^r-/, '')}-p99-latency`, 'ModelLatency', 'p99', 1_000_000],
    ]);
    // Removed with the rollout.
    expect(cloud.alarmNames().filter((name) => created.some((a) => a.alarmName === name))).toEqual([]);
  });

  it('--no-candidate-alarms --no-judge with no --alarm is refused (exit 1), naming the opt-out and --no-guard; nothing starts', async () => {
    const result = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--no-candidate-alarms',
      '--no-judge',
      ...QUICK,
    );
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.stderr).toBe(
      `error: no alarm would watch the candidate on ${ENDPOINT}: the request opts out of the default candidate ` +
        'alarms (--no-candidate-alarms; candidateAlarms: [] in a policy), names no alarm and has no judge that acts ' +
        '(--no-judge, judge: false, or a dry run), so nothing could roll it ' +
        "back; drop the opt-out, or add one (--candidate-alarm 'Invocation5XXErrors>0.05' or --alarm <name>; " +
        'alarms or candidateAlarms in a policy), or to roll out unguarded on purpose pass --no-guard ' +
        '(in a policy: allowUnguarded: true) [UNGUARDED]',
    );
    await noRollouts();
  });

  it('--no-candidate-alarms with --candidate-alarm is a usage error', async () => {
    const result = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--no-candidate-alarms',
      ...GUARD,
    );
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(
      /^error: --no-candidate-alarms and --candidate-alarm contradict each other/,
    );
    await noRollouts();
  });

  it('--no-candidate-alarms with the team’s --alarm on the serving variant creates no alarm and watches that one', async () => {
    const result = await simJson(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--no-candidate-alarms',
      '--alarm',
      'churn-prod-5xx',
      ...QUICK,
    );
    expect(result.code).toBe(0);
    expect(lastJson<RolloutDoc>(result).status).toBe('succeeded');
    const doc = lastJson<RolloutDoc>(result);
    const { records } = await saved(account);
    expect(records.find((r) => r.id === doc.id)!.input).toMatchObject({
      alarms: ['churn-prod-5xx'],
      candidateAlarms: [],
    });
  });

  it('--no-guard --no-judge starts it, and the timeline records that it runs unguarded and who asked', async () => {
    const result = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--no-guard',
      '--no-judge',
      ...QUICK,
    );
    expect(result.code).toBe(0);
    const id = startedId(result);
    expect(result.out[1]).toMatch(
      new RegExp(`Z {2}started unguarded: no alarm watches the candidate, by request of ${WHO}$`),
    );
    const history = lastJson<RolloutDoc>(await simJson('history', id));
    expect(history.status).toBe('succeeded');
    expect(history.timeline![0]).toMatchObject({
      kind: 'unguarded',
      message: `started unguarded: no alarm watches the candidate, by request of ${WHO}`,
    });
  });

  it("--candidate-alarm guards it: the bad version's error rate fires the alarm on the candidate alone, exit 2", async () => {
    const result = await simJson(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(3),
      '--candidate-alarm',
      'Invocation5XXErrors>0.05',
      ...QUICK,
    );
    expect(result.code).toBe(2);
    const doc = lastJson<RolloutDoc>(result);
    expect(doc.status).toBe('rolledBack');
    expect(doc.reason).toMatch(
      /^alarm smr-churn-prod-[a-z0-9]+-invocation5xxerrors fired: Threshold Crossed: /,
    );
    expect(doc.timeline!.map((e) => e.kind)).not.toContain('unguarded');
  });

  it.each([
    ['Invocation5XXErrors', 'has no comparison (>, >=, <, <=) and threshold; quote the whole value'],
    [
      'Invocation5XXErrors>0.05,datapoints=3/2',
      'datapoints (M in M/N): 3 is more than evaluationPeriods (2)',
    ],
    ['Invocation5XXErrors>0.05,period=45s', 'period: 45 is not a period CloudWatch accepts'],
  ])('a bad --candidate-alarm %s: exit 1 naming the flag, nothing starts', async (value, message) => {
    const result = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--candidate-alarm',
      value,
    );
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(
      new RegExp(`^error: --candidate-alarm '${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': `),
    );
    expect(result.err[0]).toContain(message);
    expect(result.err[1]).toBe('run `sm-rollout start --help` for usage and examples');
    await noRollouts();
  });
});

describe('start of the version that serves, and of an older one', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('the serving version is refused (exit 1) naming --force; --force rolls it out again', async () => {
    // churn-model/1 serves the simulated churn-prod.
    const refused = await sim('start', '--endpoint', ENDPOINT, '--model-package', pkg(1), ...GUARD, ...QUICK);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: version 1 of churn-model already serves ${ENDPOINT} (model churn-prod-model-0); nothing to roll out — ` +
        'pass --force to roll the same version out again [NOT_NEWER_THAN_SERVING]',
    );
    await noRollouts();

    const forced = await sim(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(1),
      '--force',
      ...GUARD,
      ...QUICK,
    );
    expect(forced.code).toBe(0);
    expect(forced.out.at(-1)).toBe(`Rollout ${startedId(forced)}: succeeded`);
  });

  it('an older version rolls out as asked, and the output says it is a rollback while the newer one serves', async () => {
    const newer = await sim('start', '--endpoint', ENDPOINT, '--model-package', pkg(2), ...GUARD, ...QUICK);
    expect(newer.code).toBe(0);
    const older = await sim('start', '--endpoint', ENDPOINT, '--model-package', pkg(1), ...GUARD, ...QUICK);
    expect(older.code).toBe(0);
    expect(older.out[0]).toBe(`Started rollout ${startedId(older)} of churn-model/1 onto ${ENDPOINT}`);
    expect(older.lines[1]).toMatch(
      new RegExp(
        `Z {2}rolling back to version 1 of churn-model while version 2 serves ${ENDPOINT}, by request of ${WHO}$`,
      ),
    );
    expect(older.out.at(-1)).toBe(`Rollout ${startedId(older)}: succeeded`);
  });
});

describe('Ctrl-C in --local: detaching leaves nobody watching', () => {
  const at = (candidate: number) => ({
    id: 'r-abc',
    progress: {
      step: { index: 2, total: 4 },
      weights: { baseline: 100 - candidate, candidate },
      accepts: [],
    },
  });

  it('while the candidate serves traffic: says nobody watches it, and rolls back by default and without a terminal', () => {
    const choice = interruptChoice(at(10), undefined);
    expect(choice.preferred).toBe('abort');
    expect(choice.question).toBe(
      '\nThe candidate serves 10% of traffic. If you detach, nobody watches it: no alarm can roll it back until ' +
        'you run `sm-rollout start --resume r-abc --local`.\nAbort the rollout (roll back) or detach? [A/d] ',
    );
    expect(choice.unattended).toBe(
      'no terminal to ask: rolling back, because the candidate serves 10% of traffic and once this process stops ' +
        'nobody watches it: no alarm can roll it back until you run `sm-rollout start --resume r-abc --local`',
    );
  });

  it('on a DynamoDB store: only a controller deployed on that table would take it over', () => {
    const choice = interruptChoice(at(50), 'dynamodb:rollouts');
    expect(choice.preferred).toBe('abort');
    expect(choice.question).toContain(
      'only a controller deployed on table rollouts (its one-minute schedule reads the alarms) would watch it; ' +
        'without one, nobody does until you run `sm-rollout start --resume r-abc --local --store dynamodb:rollouts`',
    );
  });

  it('before the candidate takes traffic, detaching risks nothing: the default is detach', () => {
    const choice = interruptChoice(at(0), undefined);
    expect(choice.preferred).toBe('detach');
    expect(choice.question).toContain('[a/D]');
    expect(choice.unattended).toBe(
      'no terminal to ask: detaching (the candidate serves no traffic yet); continue with ' +
        '`sm-rollout start --resume r-abc --local`',
    );
  });
});
