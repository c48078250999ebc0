// The README's CLI walkthrough, run through main(argv, io) against the simulated cloud, in human and
// JSON form: each `it` is one command of the sequence, in its own simulated account, after the
// walkthrough steps it depends on (run by the setup helpers of verbs-helpers.ts in its beforeEach),
// so any one of them runs alone with `-t` and a failure does not cascade.
import { inMode } from '../../src/cli/io';
import {
  errorRateAlarmOf,
  unwrap,
  ANSI,
  ENDPOINT,
  GATE_PLAN,
  ROLLOUT_KEYS,
  SHORT_GATE_PLAN,
  SimAccount,
  WHO,
  abortAtGate,
  lastJson,
  pauseAtGate,
  pkg,
  rollBackOnAlarm,
  run,
  runWalkthrough,
  sim,
  simJson,
  startAtGate,
  startedId,
  succeedThroughGate,
  type RolloutDoc,
  type Run,
  GUARD,
} from './verbs-helpers';

/**
 * The datapoints that tripped an error-rate alarm, as CloudWatch's StateReason lists them: shares of
 * requests that failed, 0.0 to 1.0 (a 30 s period holding one failed request reads 1.0).
 */
const DATAPOINT =
  /\[(0\.\d+|1\.0) \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\)(, (0\.\d+|1\.0) \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\))*\] (was|were) greater than the threshold \(0\.1\)/;

function expectHuman(result: Run): void {
  expect(result.stdout).not.toMatch(ANSI);
  expect(result.stderr).not.toMatch(ANSI);
}

/** --output json: exactly one document on stdout (so the last thing printed parses), nothing on stderr. */
function expectOneDocument(result: Run): void {
  expect(result.out).toHaveLength(1);
  expect(result.err).toEqual([]);
  expect(() => lastJson(result)).not.toThrow();
}

/** Some printed line matches `pattern` (wherever the progress output puts it). */
function expectLine(result: Run, pattern: RegExp): void {
  expect(result.out).toContainEqual(expect.stringMatching(pattern));
}

/** Each of `needles` appears in the output, each in a later line than the one before: order of events. */
function expectInOrder(result: Run, ...needles: string[]): void {
  let from = 0;
  for (const needle of needles) {
    const at = result.lines.findIndex((line, i) => i >= from && line.includes(needle));
    if (at < 0) throw new Error(`"${needle}" not printed after line ${from} of:\n${result.stdout}`);
    from = at + 1;
  }
}

/** Every test gets its own simulated account. */
function freshAccountPerTest(): void {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());
}

describe('README walkthrough, human output (--simulate)', () => {
  freshAccountPerTest();

  it('start with a manual gate: exit 0, stops at the gate and names `promote <id> --simulate`', async () => {
    const result = await sim(
      'start',
      ...GUARD,
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--strategy',
      GATE_PLAN,
      '--requested-by',
      WHO,
    );
    expect(result.code).toBe(0);
    expect(result.err).toEqual([]);
    expectHuman(result);
    const first = startedId(result);
    expect(result.out[0]).toBe(`Started rollout ${first} of churn-model/2 onto ${ENDPOINT}`);
    expectInOrder(
      result,
      // The endpoint scales: the candidate gets its own bounds for its share.
      "Traffic shifted: baseline 90% / candidate 10% (step 1/7; the candidate's auto",
      'Waiting at a manual gate (step 3/7, candidate at 10%)',
    );
    expect(result.stdout).not.toContain('step 4/7');
    expect(result.lines.at(-2)).toBe(`Rollout ${first}: waiting at a manual gate`);
    expect(result.lines.at(-1)).toContain(`run \`sm-rollout promote ${first} --simulate\` to continue`);
    expect(result.lines.at(-1)).toContain(`\`sm-rollout abort ${first} --simulate\` to roll back`);
  });

  describe('at the manual gate of churn-model/2', () => {
    let first = '';
    beforeEach(async () => {
      first = await startAtGate(GATE_PLAN);
    });

    it('status --endpoint: step 3/7, the weight bar and the recent entries', async () => {
      const result = await sim('status', '--endpoint', ENDPOINT);
      expect(result.code).toBe(0);
      expect(result.err).toEqual([]);
      expectHuman(result);
      expect(result.out[0]).toBe(`Rollout ${first} · endpoint ${ENDPOINT} · waiting at a manual gate`);
      expect(result.stdout).toContain(
        '  Model     churn-model/2 replacing churn-prod-model-0 (variant AllTraffic)',
      );
      expect(result.stdout).toContain(`  Strategy  ${GATE_PLAN} · started `);
      expect(result.stdout).toContain(`by ${WHO}`);
      // Each fact once: the header says the status, the Step line the step, the phase only the rest.
      expect(result.out).toContain('  Step      3/7 · with the candidate at 10%');
      const head = result.out.slice(0, result.out.indexOf('  Traffic   ')).join('\n');
      expect(head.split('waiting at a manual gate')).toHaveLength(2);
      expect(result.out.filter((line) => line.startsWith('  Step ') && line.includes('3/7'))).toHaveLength(1);
      expect(result.out.find((line) => line.startsWith('  Step '))!.split('3/7')).toHaveLength(2);
      expect(result.stdout).toContain('  Traffic   baseline 90% [##..................] candidate 10%');
      const recent = result.out.indexOf('  Recent');
      expect(recent).toBeGreaterThan(0);
      // Each entry is one line, or wrapped onto lines indented under its message.
      const entries = result.out
        .slice(recent + 1)
        .join('\n')
        .replace(/\n {26}/g, ' ')
        .split('\n');
      // The view's last five timeline entries, oldest first, each with its time; the gate last.
      const timeline = lastJson<RolloutDoc>(await simJson('history', first)).timeline!;
      expect(timeline.length).toBeGreaterThanOrEqual(5);
      expect(entries).toHaveLength(5);
      for (const [i, entry] of timeline.slice(-5).entries()) {
        expect(entries[i]).toMatch(/^ {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}/);
        expect(entries[i]).toContain(inMode(entry.message, ' --simulate'));
      }
      expect(entries.at(-1)).toMatch(
        /^ {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}Waiting at a manual gate \(step 3\/7/,
      );
    });

    it('status <id> shows the same view as status --endpoint', async () => {
      const byId = await sim('status', first);
      const byEndpoint = await sim('status', '--endpoint', ENDPOINT);
      expect(byId.code).toBe(0);
      expect(byId.out).toEqual(byEndpoint.out);
    });

    it('status with colour on a terminal paints it (and colourless runs have none)', async () => {
      const result = await run(['status', first, '--simulate'], { color: true });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(ANSI);
      expectHuman(await sim('status', first));
    });

    it('watch at the gate: simulate mode stops where a person is needed, exit 0', async () => {
      const result = await sim('watch', first);
      expect(result.code).toBe(0);
      expectHuman(result);
      expect(result.stdout).toContain('Step      3/7');
      expect(result.lines.at(-2)).toBe(`Rollout ${first}: waiting at a manual gate`);
      expect(result.lines.at(-1)).toContain(`sm-rollout promote ${first} --simulate`);
    });

    it('watch --timeout 0s on an active rollout: exit 4, the rollout goes on', async () => {
      const result = await sim('watch', first, '--timeout', '0s');
      expect(result.code).toBe(4);
      expectHuman(result);
      expect(result.lines.at(-1)).toMatch(
        /^stopped waiting after 0s; simulated time stands still until a command drives it again: `sm-rollout watch r-\w+ --simulate`$/,
      );
      expect((await sim('status', first)).out[0]).toContain('waiting at a manual gate');
    });

    it('promote --endpoint: 50%, 100%, the final bake, the final config → succeeded, exit 0', async () => {
      const result = await sim('promote', '--endpoint', ENDPOINT, '--requested-by', WHO);
      expect(result.code).toBe(0);
      expect(result.err).toEqual([]);
      expectHuman(result);
      expectLine(result, new RegExp(`Manual gate \\(step 3/7\\) passed: promoted by ${WHO}$`));
      expectInOrder(
        result,
        `Manual gate (step 3/7) passed: promoted by ${WHO}`,
        'Traffic shifted: baseline 50% / candidate 50% (step 4/7; the candidate scales',
        'Traffic shifted: baseline 0% / candidate 100% (step 6/7; the candidate scales',
        `Rollout succeeded: ${pkg(2)} serves 100% of ${ENDPOINT}`,
      );
      expect(result.lines.at(-1)).toBe(`Rollout ${first}: succeeded`);
    });
  });

  describe('after churn-model/2 succeeded through the gate', () => {
    let first = '';
    beforeEach(async () => {
      first = await succeedThroughGate();
    });

    it('promote on a finished rollout is refused: exit 1 "has already ended"', async () => {
      const result = await sim('promote', first);
      expect(result.code).toBe(1);
      expect(result.out).toEqual([]);
      expect(result.stderr).toBe(
        `error: rollout ${first} has already ended (succeeded); nothing to promote [COMMAND_REJECTED]`,
      );
    });

    it('list: a table with the rollout', async () => {
      const result = await sim('list');
      expect(result.code).toBe(0);
      expectHuman(result);
      expect(result.out).toHaveLength(2);
      expect(result.out[0]).toMatch(/^ID\s+ENDPOINT\s+MODEL\s+STATUS\s+STARTED\s+PHASE$/);
      expect(result.out[1]).toMatch(
        new RegExp(
          `^${first}\\s+${ENDPOINT}\\s+churn-model/2\\s+succeeded\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+`,
        ),
      );
    });

    it('history <id>: the header and every timeline entry', async () => {
      const result = await sim('history', first);
      expect(result.code).toBe(0);
      expectHuman(result);
      expect(result.out[0]).toBe(`Rollout ${first} · ${ENDPOINT} · ${pkg(2)} · succeeded`);
      const json = lastJson<RolloutDoc>(await simJson('history', first));
      expect(result.out.slice(1)).toHaveLength(json.timeline!.length);
      // Every command the timeline names carries --simulate, so it can be pasted.
      for (const [i, entry] of json.timeline!.entries()) {
        expect(result.out[i + 1]).toContain(inMode(entry.message, ' --simulate'));
      }
      expect(result.stdout).toContain(`\`sm-rollout promote ${first} --simulate\``);
      expect(result.out[1]).toContain(`Rollout ${first} started by ${WHO}`);
      expect(result.stdout).toContain(`Manual gate (step 3/7) passed: promoted by ${WHO}`);
      expect(result.lines.at(-1)).toContain('Rollout succeeded');
    });

    it('start churn-model/3 naming no alarm: its default candidate alarm on the error rate fires, exit 2 rolledBack with the datapoints', async () => {
      const result = await sim(
        'start',
        '--endpoint',
        ENDPOINT,
        '--model-package',
        pkg(3),
        '--requested-by',
        WHO,
      );
      expect(result.code).toBe(2);
      expect(result.err).toEqual([]);
      expectHuman(result);
      const bad = startedId(result);
      const alarm = errorRateAlarmOf(bad);
      expect(unwrap(result.stdout)).toContain(`Rolling back: alarm ${alarm} fired: Threshold Crossed:`);
      expect(unwrap(result.stdout)).toMatch(DATAPOINT);
      expect(result.lines.at(-1)).toMatch(
        new RegExp(`^Rollout ${bad}: rolled back — alarm ${alarm} fired: Threshold Crossed: `),
      );
      expect(result.lines.at(-1)).toMatch(DATAPOINT);
    });
  });

  describe('after churn-model/3 was rolled back on its alarm', () => {
    let first = '';
    let bad = '';
    beforeEach(async () => {
      first = await succeedThroughGate();
      bad = await rollBackOnAlarm();
    });

    it('history --endpoint: the latest rollout, with the alarm, its reason and the datapoints', async () => {
      const result = await sim('history', '--endpoint', ENDPOINT);
      expect(result.code).toBe(0);
      expectHuman(result);
      expect(result.out[0]).toBe(`Rollout ${bad} · ${ENDPOINT} · ${pkg(3)} · rolled back`);
      expect(result.stdout).toContain(`watching ${errorRateAlarmOf(bad)}`);
      expect(result.stdout).toMatch(DATAPOINT);
      expect(result.lines.at(-1)).toContain(`Rolled back: alarm ${errorRateAlarmOf(bad)} fired`);
    });

    it('status of the rolled-back rollout: reason and the watched alarm', async () => {
      const result = await sim('status', bad);
      expect(result.code).toBe(0);
      expectHuman(result);
      expect(result.out[0]).toBe(`Rollout ${bad} · endpoint ${ENDPOINT} · rolled back`);
      expect(result.stdout).toMatch(new RegExp(`^ {2}Reason {4}alarm ${errorRateAlarmOf(bad)} fired`, 'm'));
      expect(result.stdout).toMatch(
        new RegExp(
          // Two long names: one alarm a line.
          `^ {2}Alarms {4}${errorRateAlarmOf(bad)} unknown\n {12}${errorRateAlarmOf(bad).replace(/5xx-rate$/, 'p99-latency')} unknown$`,
          'm',
        ),
      );
      expect(result.stdout).toContain('candidate 0%');
    });

    it('watch on a finished rolled-back rollout: exit 2', async () => {
      const result = await sim('watch', bad);
      expect(result.code).toBe(2);
      expectHuman(result);
      expect(result.out[0]).toBe(`Rollout ${bad} · endpoint ${ENDPOINT} · rolled back`);
    });

    it('undo --endpoint: a rollout of the version before the last success (churn-model/1), exit 0', async () => {
      const result = await sim('undo', '--endpoint', ENDPOINT, '--requested-by', WHO);
      expect(result.code).toBe(0);
      expect(result.err).toEqual([]);
      expectHuman(result);
      const undo = startedId(result);
      expect(result.out[0]).toBe(
        `Started rollout ${undo}: churn-model/1 back onto ${ENDPOINT} (undoing ${first})`,
      );
      expect(result.stdout).toContain(`started by ${WHO}, undoing ${first}`);
      expect(result.stdout).toContain('with strategy AllAtOnce');
      expect(result.stdout).toContain('Baking 5m at 100%');
      expect(result.lines.at(-1)).toBe(`Rollout ${undo}: succeeded`);
    });
  });

  it('start at a gate, then pause at the gate: exit 0, paused, hint names resume', async () => {
    const started = await sim(
      'start',
      ...GUARD,
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--strategy',
      SHORT_GATE_PLAN,
      '--requested-by',
      WHO,
    );
    expect(started.code).toBe(0);
    const id = startedId(started);
    expect(started.lines.at(-2)).toBe(`Rollout ${id}: waiting at a manual gate`);

    const result = await sim('pause', '--endpoint', ENDPOINT, '--requested-by', WHO);
    expect(result.code).toBe(0);
    expectHuman(result);
    expectLine(result, new RegExp(`Paused by ${WHO} at step 3/5$`));
    expect(result.lines.at(-2)).toBe(`Rollout ${id}: paused`);
    expect(result.lines.at(-1)).toBe(`paused: run \`sm-rollout resume ${id} --simulate\` to continue`);
  });

  describe(`paused at the gate of ${SHORT_GATE_PLAN}`, () => {
    let id = '';
    beforeEach(async () => {
      id = await pauseAtGate(SHORT_GATE_PLAN);
    });

    it('while paused: status says so, pause again and promote are refused (exit 1)', async () => {
      const status = await sim('status', id);
      expect(status.out[0]).toBe(`Rollout ${id} · endpoint ${ENDPOINT} · paused`);
      expect(status.out).toContain(`  Step      3/5 · paused by ${WHO} with the candidate at 10%`);
      expect(status.out.find((line) => line.startsWith('  Step '))!.split('3/5')).toHaveLength(2);

      const again = await sim('pause', id);
      expect(again.code).toBe(1);
      expect(again.out).toEqual([]);
      expect(again.stderr).toContain(`error: rollout ${id} is already paused`);
      expect(again.stderr).toContain('[COMMAND_REJECTED]');

      const promote = await sim('promote', id);
      expect(promote.code).toBe(1);
      expect(promote.stderr).toContain(
        `rollout ${id} is not waiting at a manual gate; it is paused by ${WHO}`,
      );
    });

    it('resume returns to the gate: exit 0, awaitingPromotion again', async () => {
      const result = await sim('resume', id, '--requested-by', WHO);
      expect(result.code).toBe(0);
      expectHuman(result);
      expectLine(result, new RegExp(`Resumed by ${WHO} at step 3/5$`));
      expect(result.lines.at(-2)).toBe(`Rollout ${id}: waiting at a manual gate`);
      expect(result.lines.at(-1)).toContain(`sm-rollout promote ${id} --simulate`);
    });

    it('resume when not paused (after the resume): exit 1 "is not paused; it is …"', async () => {
      expect((await sim('resume', id, '--requested-by', WHO)).code).toBe(0);
      const result = await sim('resume', id);
      expect(result.code).toBe(1);
      expect(result.out).toEqual([]);
      expect(result.stderr).toBe(
        `error: rollout ${id} is not paused; it is waiting at a manual gate (step 3/5) with the candidate at 10% [COMMAND_REJECTED]`,
      );
    });
  });

  describe(`waiting at the gate of ${SHORT_GATE_PLAN}`, () => {
    let id = '';
    beforeEach(async () => {
      id = await startAtGate(SHORT_GATE_PLAN);
    });

    it('start while another rollout is active: exit 1 ROLLOUT_ACTIVE naming the active id, nothing started', async () => {
      const result = await sim('start', ...GUARD, '--endpoint', ENDPOINT, '--model-package', pkg(2));
      expect(result.code).toBe(1);
      expect(result.out).toEqual([]);
      expect(result.stderr).toContain(`endpoint ${ENDPOINT} already has an active rollout (${id},`);
      expect(result.stderr).toContain('[ROLLOUT_ACTIVE]');
      const active = lastJson<RolloutDoc[]>(await simJson('list', '--active'));
      expect(active.map((r) => r.id)).toEqual([id]);
      expect(lastJson<RolloutDoc[]>(await simJson('list'))).toHaveLength(1);
    });

    it('abort at the gate with --reason: exit 2, rolled back, reason names who and why', async () => {
      const result = await sim(
        'abort',
        '--endpoint',
        ENDPOINT,
        '--reason',
        'not today',
        '--requested-by',
        WHO,
      );
      expect(result.code).toBe(2);
      expect(result.err).toEqual([]);
      expectHuman(result);
      expectLine(result, new RegExp(`Rolling back: aborted by ${WHO}: not today$`));
      expect(result.lines.at(-1)).toBe(`Rollout ${id}: rolled back — aborted by ${WHO}: not today`);
    });
  });

  it('steering a finished rollout is refused with "has already ended" (exit 1)', async () => {
    const aborted = await abortAtGate(SHORT_GATE_PLAN);
    for (const verb of ['pause', 'resume', 'promote', 'abort']) {
      const result = await sim(verb, aborted);
      expect(result.code).toBe(1);
      expect(result.out).toEqual([]);
      expect(result.stderr).toBe(
        `error: rollout ${aborted} has already ended (rolledBack); nothing to ${verb} [COMMAND_REJECTED]`,
      );
    }
  });

  it('list after the whole walkthrough: every rollout, newest first; --active: none left', async () => {
    const { first, bad, undo, aborted } = await runWalkthrough();
    const result = await sim('list');
    expect(result.code).toBe(0);
    expectHuman(result);
    const ids = result.out.slice(1).map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual([aborted, undo, bad, first]);
    expect(result.out[1]).toMatch(/churn-model\/2\s+rolled back\s+.*aborted by ops-tester: not today$/);
    expect(result.out[3]).toMatch(/churn-model\/3\s+rolled back\s+/);
    const active = await sim('list', '--active');
    expect(active.out).toEqual(['No rollouts.']);
  });
});

describe('README walkthrough, --output json (--simulate)', () => {
  freshAccountPerTest();

  it('start with a manual gate: one document, awaitingPromotion at step 3/7, 90/10', async () => {
    const result = await simJson(
      'start',
      ...GUARD,
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--strategy',
      GATE_PLAN,
      '--requested-by',
      WHO,
    );
    expect(result.code).toBe(0);
    expectOneDocument(result);
    const doc = lastJson<RolloutDoc>(result);
    expect(Object.keys(doc).sort()).toEqual([...ROLLOUT_KEYS, 'timeline'].sort());
    expect(doc).toMatchObject({
      id: expect.stringMatching(/^r-[a-z0-9]+$/),
      endpoint: ENDPOINT,
      modelPackageArn: pkg(2),
      status: 'awaitingPromotion',
      reason: null,
      strategy: GATE_PLAN,
      requestedBy: WHO,
      step: { index: 3, total: 7 },
      weights: { baseline: 90, candidate: 10 },
      bakeUntil: null,
    });
    expect(doc.timeline!.at(-1)!.kind).toBe('gate');
  });

  describe('at the manual gate of churn-model/2', () => {
    let first = '';
    beforeEach(async () => {
      first = await startAtGate(GATE_PLAN);
    });

    it('status: id/endpoint/status/step/weights/alarms and the recent timeline', async () => {
      const result = await simJson('status', '--endpoint', ENDPOINT);
      expect(result.code).toBe(0);
      expectOneDocument(result);
      const doc = lastJson<RolloutDoc>(result);
      expect(Object.keys(doc).sort()).toEqual([...ROLLOUT_KEYS, 'alarms', 'timeline'].sort());
      expect(doc).toMatchObject({
        id: first,
        endpoint: ENDPOINT,
        status: 'awaitingPromotion',
        step: { index: 3, total: 7 },
        weights: { baseline: 90, candidate: 10 },
        // The --candidate-alarm the walkthrough starts with, on the candidate variant alone.
        alarms: [{ name: expect.stringMatching(/^smr-churn-prod-.*-invocation5xxerrors$/), state: 'OK' }],
      });
      expect(doc.timeline!.length).toBeGreaterThan(0);
      expect(doc.timeline!.length).toBeLessThanOrEqual(10);
      for (const entry of doc.timeline!) expect(new Date(entry.at).toISOString()).toBe(entry.at);
    });

    it('watch --timeout 0s: exit 4, the document of the still-active rollout', async () => {
      const result = await simJson('watch', first, '--timeout', '0s');
      expect(result.code).toBe(4);
      expectOneDocument(result);
      expect(lastJson<RolloutDoc>(result).status).toBe('awaitingPromotion');
    });

    it('promote: exit 0, succeeded, the full timeline', async () => {
      const result = await simJson('promote', first, '--requested-by', WHO);
      expect(result.code).toBe(0);
      expectOneDocument(result);
      const doc = lastJson<RolloutDoc>(result);
      expect(doc).toMatchObject({
        id: first,
        status: 'succeeded',
        reason: null,
        weights: { candidate: 100 },
      });
      const kinds = doc.timeline!.map((e) => e.kind);
      expect(kinds[0]).toBe('started');
      expect(kinds).toContain('gate');
      expect(kinds.indexOf('gate')).toBeLessThan(kinds.lastIndexOf('succeeded'));
      expect(kinds.at(-1)).toBe('succeeded');
    });
  });

  describe('after churn-model/2 succeeded through the gate', () => {
    let first = '';
    beforeEach(async () => {
      first = await succeedThroughGate();
    });

    it('list: an array of rollout documents (no timelines)', async () => {
      const result = await simJson('list');
      expect(result.code).toBe(0);
      expectOneDocument(result);
      const docs = lastJson<RolloutDoc[]>(result);
      expect(Array.isArray(docs)).toBe(true);
      expect(docs).toHaveLength(1);
      expect(Object.keys(docs[0]!).sort()).toEqual([...ROLLOUT_KEYS].sort());
      expect(docs[0]).toMatchObject({
        id: first,
        endpoint: ENDPOINT,
        status: 'succeeded',
        modelPackageArn: pkg(2),
      });
    });

    it('history: the whole timeline, ISO times, in order', async () => {
      const result = await simJson('history', first);
      expect(result.code).toBe(0);
      expectOneDocument(result);
      const doc = lastJson<RolloutDoc>(result);
      expect(doc).toMatchObject({ id: first, status: 'succeeded' });
      const at = doc.timeline!.map((e) => e.at);
      for (const entry of at) expect(new Date(entry).toISOString()).toBe(entry);
      expect([...at].sort()).toEqual(at);
      expect(doc.timeline![0]!.message).toContain(`started by ${WHO}`);
      // The whole timeline, not the last-ten window status shows: that window is its tail.
      const recent = lastJson<RolloutDoc>(await simJson('status', first)).timeline!;
      expect(recent).toHaveLength(10);
      expect(doc.timeline!.length).toBeGreaterThan(recent.length);
      expect(doc.timeline!.slice(-recent.length)).toEqual(recent);
    });

    it('start churn-model/3 naming no alarm: exit 2, rolledBack, reason with its default candidate alarm and datapoint', async () => {
      const result = await simJson('start', '--endpoint', ENDPOINT, '--model-package', pkg(3));
      expect(result.code).toBe(2);
      expectOneDocument(result);
      const doc = lastJson<RolloutDoc>(result);
      expect(doc.status).toBe('rolledBack');
      expect(doc.reason).toMatch(new RegExp(`^alarm ${errorRateAlarmOf(doc.id)} fired: Threshold Crossed: `));
      expect(doc.reason).toMatch(DATAPOINT);
      expect(doc.weights).toEqual({ baseline: 100, candidate: 0 });
      expect(doc.timeline!.at(-1)!.kind).toBe('rolledBack');
    });
  });

  describe('after churn-model/3 was rolled back on its alarm', () => {
    let first = '';
    let bad = '';
    beforeEach(async () => {
      first = await succeedThroughGate();
      bad = await rollBackOnAlarm();
    });

    it('status of the rolled-back rollout: its candidate alarms were removed with it', async () => {
      const doc = lastJson<RolloutDoc>(await simJson('status', bad));
      expect(doc.status).toBe('rolledBack');
      expect(doc.alarms).toEqual([]);
    });

    it('watch on the finished rolled-back rollout: exit 2 and its document', async () => {
      const result = await simJson('watch', '--endpoint', ENDPOINT);
      expect(result.code).toBe(2);
      expectOneDocument(result);
      expect(lastJson<RolloutDoc>(result)).toMatchObject({ id: bad, status: 'rolledBack' });
    });

    it('undo: churn-model/1 back on with AllAtOnce, exit 0 succeeded', async () => {
      const result = await simJson('undo', '--endpoint', ENDPOINT, '--requested-by', WHO);
      expect(result.code).toBe(0);
      expectOneDocument(result);
      const doc = lastJson<RolloutDoc>(result);
      expect(doc).toMatchObject({
        modelPackageArn: pkg(1),
        status: 'succeeded',
        strategy: 'AllAtOnce',
        requestedBy: `${WHO}, undoing ${first}`,
      });
    });
  });

  it('start at a gate, pause, resume and abort --reason: each one document', async () => {
    const started = lastJson<RolloutDoc>(
      await simJson(
        'start',
        ...GUARD,
        '--endpoint',
        ENDPOINT,
        '--model-package',
        pkg(2),
        '--strategy',
        SHORT_GATE_PLAN,
      ),
    );
    expect(started.status).toBe('awaitingPromotion');

    const paused = await simJson('pause', started.id, '--requested-by', WHO);
    expect(paused.code).toBe(0);
    expectOneDocument(paused);
    expect(lastJson<RolloutDoc>(paused)).toMatchObject({
      id: started.id,
      status: 'paused',
      step: { index: 3 },
    });

    const resumed = await simJson('resume', started.id);
    expect(resumed.code).toBe(0);
    expectOneDocument(resumed);
    expect(lastJson<RolloutDoc>(resumed).status).toBe('awaitingPromotion');

    const refused = await simJson('resume', started.id);
    expect(refused.code).toBe(1);
    // The one document is the error.
    expect(lastJson<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
      code: 'COMMAND_REJECTED',
      message: expect.stringContaining(`rollout ${started.id} is not paused; it is waiting at a manual gate`),
    });
    expect(refused.stderr).toContain(`rollout ${started.id} is not paused; it is waiting at a manual gate`);

    const abort = await simJson('abort', started.id, '--reason', 'not today', '--requested-by', WHO);
    expect(abort.code).toBe(2);
    expectOneDocument(abort);
    expect(lastJson<RolloutDoc>(abort)).toMatchObject({
      id: started.id,
      status: 'rolledBack',
      reason: `aborted by ${WHO}: not today`,
    });
  });

  it('list after the whole walkthrough: newest first, every rollout', async () => {
    const { first, bad, undo, aborted } = await runWalkthrough();
    const docs = lastJson<RolloutDoc[]>(await simJson('list', '--endpoint', ENDPOINT));
    expect(docs).toHaveLength(4);
    expect(docs.map((d) => d.status)).toEqual(['rolledBack', 'succeeded', 'rolledBack', 'succeeded']);
    expect(docs.map((d) => d.id)).toEqual([aborted, undo, bad, first]);
  });
});
