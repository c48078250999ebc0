// `sm-rollout report` through main(argv, io) on the simulated cloud: the page it writes for a rollout
// that rolled back, and the CLI's usual refusals (exit 1, the flag named) before anything is read.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ENDPOINT, SimAccount, lastJson, rollBackOnAlarm, run, sim, simJson } from '../verbs-helpers';

describe('sm-rollout report', () => {
  const account = new SimAccount();
  beforeEach(() => account.open());
  afterEach(() => account.restore());

  it('writes the page of a rolled-back rollout, found by id or by --endpoint', async () => {
    const id = await rollBackOnAlarm();
    const out = path.join(account.dir, 'report.html');
    const result = await sim('report', id, '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Wrote ${out}: rollout ${id} on ${ENDPOINT} (rolled back); open it in a browser`,
    );
    const html = await fs.readFile(out, 'utf8');
    expect(html).toContain(`<title>Rollout ${id} on ${ENDPOINT}: rolled back</title>`);
    expect(html).toMatch(/class="marker-label bad">ROLLBACK \((alarm |judge: )/);
    expect(html).toContain('class="rollback-band"');

    const byEndpoint = path.join(account.dir, 'by-endpoint.html');
    const json = await simJson('report', '--endpoint', ENDPOINT, '--out', byEndpoint);
    expect(json.code).toBe(0);
    expect(lastJson(json)).toMatchObject({ id, status: 'rolledBack', out: byEndpoint });
    expect(await fs.readFile(byEndpoint, 'utf8')).toContain(`Rollout ${id}`);
  });

  it('refuses a missing --out, naming the flag, before reading anything', async () => {
    const result = await simJson('report', '--endpoint', ENDPOINT);
    expect(result.code).toBe(1);
    expect(result.err[0]).toBe('error: report: --out <file.html> is required: the file to write the page to');
    expect(lastJson<{ error: { field: string } }>(result).error.field).toBe('--out');
  });

  it('refuses an --out it cannot write: a folder that does not exist, or a folder itself', async () => {
    const nowhere = path.join(account.dir, 'no-such-folder', 'report.html');
    const missing = await sim('report', '--endpoint', ENDPOINT, '--out', nowhere);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toBe(
      `error: --out: cannot write ${nowhere}: the folder ${path.dirname(nowhere)} does not exist; ` +
        'choose a file in a folder you can write to',
    );
    const folder = await sim('report', '--endpoint', ENDPOINT, '--out', account.dir);
    expect(folder.code).toBe(1);
    expect(folder.err[0]).toContain(`${account.dir} is a folder`);
  });

  it('refuses an unknown rollout, and an id together with --endpoint', async () => {
    const out = path.join(account.dir, 'r.html');
    const unknown = await sim('report', 'r-nope', '--out', out);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'error: rollout r-nope not found; `sm-rollout list --simulate` shows the known ones [ROLLOUT_NOT_FOUND]',
    );
    const both = await sim('report', 'r-nope', '--endpoint', ENDPOINT, '--out', out);
    expect(both.code).toBe(1);
    expect(both.err[0]).toBe('error: report: give a rollout id or --endpoint, not both');
    const none = await sim('report', '--out', out);
    expect(none.code).toBe(1);
    expect(none.err[0]).toBe(
      'error: report: which rollout? give its id (see `sm-rollout list --simulate`) or --endpoint <name>',
    );
    await expect(fs.stat(out)).rejects.toThrow('ENOENT');
  });

  it('the bad-model demo ends with the command that draws it, and that command works', async () => {
    const demoDir = path.join(account.dir, 'demo');
    const previous = process.env.SM_ROLLOUT_DEMO_DIR;
    process.env.SM_ROLLOUT_DEMO_DIR = demoDir;
    try {
      const demo = await run(['demo', '--scenario', 'bad-model', '--speed', 'max']);
      expect(demo.code).toBe(2);
      expect(demo.out.slice(-2)).toEqual([
        'Draw it as a page:',
        `  SM_ROLLOUT_SIM_DIR=${demoDir} npx sm-rollout report r-sim70001 --simulate --out r-sim70001.html`,
      ]);
    } finally {
      if (previous === undefined) delete process.env.SM_ROLLOUT_DEMO_DIR;
      else process.env.SM_ROLLOUT_DEMO_DIR = previous;
    }
    // What the pasted line does: that account, that rollout (the browser test pastes it into bash).
    process.env.SM_ROLLOUT_SIM_DIR = demoDir;
    const out = path.join(account.dir, 'r-sim70001.html');
    const drawn = await sim('report', 'r-sim70001', '--out', out);
    expect(drawn.code).toBe(0);
    // The simulated cloud's metrics are drawn (a note would name them otherwise).
    expect(drawn.stderr).not.toContain('error rate and latency');
    const html = await fs.readFile(out, 'utf8');
    expect(html).toContain('id="error-rate-chart"');
    expect(html).toMatch(/class="series" data-role="candidate"/);
  });
});
