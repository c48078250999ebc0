// The report as a person sees it: a bad-model demo rollout, drawn by pasting the command the demo
// ends with, rendered in headless Chromium; what the screenshot shows is checked where the DOM says
// things are (the rollback span, the marker labels, the lines), and the page's text as rendered.
// Needs the Debian package `chromium` (.ci/run installs it); without it this test says it skipped.
import { execFile, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildReportPage } from '../../../src/cli/report';
import { CLI_NODE_ARGS } from '../process-helpers';
import { run } from '../verbs-helpers';
import { T0, fabricatedMetrics, fabricatedRecord, fabricatedTimeline } from './fabricated-rollout';
import { countPixels, decodePng, pixelAt, type Image } from './png';

const execFileAsync = promisify(execFile);

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

const CHROMIUM = findChromium();
if (!CHROMIUM) {
  console.warn(
    'SKIPPED the report browser tests (test/cli/report/browser.test.ts): chromium is not installed; ' +
      'install it with `apt-get install -y chromium` to run them',
  );
}
const browserTest = CHROMIUM ? it : it.skip;

const WINDOW = { width: 1040, height: 3200 };
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--hide-scrollbars',
  '--force-device-scale-factor=1',
  `--window-size=${WINDOW.width},${WINDOW.height}`,
  // Nothing leaves the machine: no updates, sync, or other background requests of the browser's own.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
  '--no-default-browser-check',
];

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Measured {
  text: string;
  traffic: Rect;
  band: Rect | null;
  line: Rect;
  markers: { kind: string; text: string; rect: Rect }[];
  series: { chart: string; role: string; rect: Rect }[];
  verdicts: { verdict: string; rect: Rect }[];
}

// Added to a copy of the page only: the page itself has no scripts. It runs after the page is laid
// out and leaves the measurements in a <pre> after everything the page shows.
const MEASURE = `<script>
const box = (el) => { const b = el.getBoundingClientRect(); return { x: b.x + scrollX, y: b.y + scrollY, width: b.width, height: b.height }; };
const out = document.createElement('pre');
out.id = 'measured';
out.textContent = JSON.stringify({
  text: document.body.innerText,
  traffic: box(document.querySelector('#traffic-chart')),
  band: document.querySelector('#traffic-chart .rollback-band') && box(document.querySelector('#traffic-chart .rollback-band')),
  line: box(document.querySelector('#traffic-chart .traffic-line')),
  markers: [...document.querySelectorAll('#traffic-chart .marker')].map((g) => ({ kind: g.dataset.kind, text: g.textContent, rect: box(g) })),
  series: [...document.querySelectorAll('path.series')].map((p) => ({ chart: p.closest('svg').id, role: p.dataset.role, rect: box(p) })),
  verdicts: [...document.querySelectorAll('g.verdict')].map((g) => ({ verdict: g.dataset.verdict, rect: box(g) })),
});
document.body.appendChild(out);
</script>`;

/**
 * Renders `file` in Chromium once: the DOM as laid out, and a screenshot. Both come from a copy with
 * the measuring script, which only appends its <pre> below everything the page shows.
 */
async function render(file: string): Promise<{ measured: Measured; screenshot: Image }> {
  const html = await fs.readFile(file, 'utf8');
  const measuring = file.replace(/\.html$/, '.measure.html');
  const png = file.replace(/\.html$/, '.png');
  await fs.writeFile(measuring, html.replace('</body>', `${MEASURE}</body>`));
  const { stdout } = await execFileAsync(
    CHROMIUM!,
    [
      ...chromiumFlags,
      `--user-data-dir=${path.join(path.dirname(file), 'chromium-profile')}`,
      '--dump-dom',
      `--screenshot=${png}`,
      pathToFileURL(measuring).href,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const json = /<pre id="measured">([\s\S]*?)<\/pre>/.exec(stdout)?.[1];
  if (!json) throw new Error(`Chromium's DOM has no measurements:\n${stdout.slice(0, 2000)}`);
  const measured = JSON.parse(
    json
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&nbsp;/g, '\u00a0')
      .replace(/&amp;/g, '&'),
  ) as Measured;
  return { measured, screenshot: decodePng(await fs.readFile(png)) };
}

type Rgb = [number, number, number];
const grown = (r: Rect, by: number): Rect => ({
  x: r.x - by,
  y: r.y - by,
  width: r.width + 2 * by,
  height: r.height + 2 * by,
});
const near =
  (target: Rgb, tolerance = 24) =>
  (rgb: Rgb) =>
    rgb.every((c, i) => Math.abs(c - target[i]!) <= tolerance);
const BAND: Rgb = [0xf7, 0xd4, 0xcf];
const CANDIDATE: Rgb = [0xb3, 0x47, 0x00];
const BASELINE: Rgb = [0x1f, 0x5f, 0xa8];
const reddish = ([r, g, b]: Rgb) => r > 150 && g < 110 && b < 110;
const inked = ([r, g, b]: Rgb) => r + g + b < 600;

describe('the report page in headless Chromium', () => {
  let dir = '';
  let previousDemoDir: string | undefined;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-rollout-report-browser-'));
    previousDemoDir = process.env.SM_ROLLOUT_DEMO_DIR;
    process.env.SM_ROLLOUT_DEMO_DIR = path.join(dir, 'demo');
  });
  afterAll(async () => {
    if (previousDemoDir === undefined) delete process.env.SM_ROLLOUT_DEMO_DIR;
    else process.env.SM_ROLLOUT_DEMO_DIR = previousDemoDir;
    await fs.rm(dir, { recursive: true, force: true });
  });

  browserTest(
    'a bad-model demo, drawn by the command it ends with: the rollback span, its markers and the numbers show',
    async () => {
      const demo = await run(['demo', '--scenario', 'bad-model', '--speed', 'max']);
      expect(demo.code).toBe(2);
      expect(demo.out.at(-2)).toBe('Draw it as a page:');
      const hint = demo.out.at(-1)!.trim();
      expect(hint).toMatch(
        /^SM_ROLLOUT_SIM_DIR=\S+ npx sm-rollout report r-\S+ --simulate --out (r-\S+\.html)$/,
      );
      // Pasted into a shell in a fresh folder, with `npx sm-rollout` being this checkout's CLI (as `npx`
      // finds it in this repository after `npm ci`, which builds it).
      const cli = [process.execPath, ...CLI_NODE_ARGS].map((w) => `'${w}'`).join(' ');
      const pasted = spawnSync(
        'bash',
        ['-c', `npx() { [ "$1" = sm-rollout ] && shift && ${cli} "$@"; }\n${hint}`],
        {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, SM_ROLLOUT_SIM_DIR: '' },
        },
      );
      expect(pasted.stderr).not.toMatch(/^error/m);
      expect(pasted.status).toBe(0);
      const file = path.join(dir, hint.split(' ').at(-1)!);

      const { measured, screenshot } = await render(file);
      const id = /report (r-\S+)/.exec(hint)![1]!;
      const alarm = `smr-churn-prod-${id.slice(2)}-5xx-rate`;
      expect(measured.text).toContain(`Rollout ${id} ROLLED BACK`);

      // The traffic chart is drawn: ink in it, and the candidate's step line in its colour.
      const { traffic, line } = measured;
      expect(countPixels(screenshot, traffic, inked)).toBeGreaterThan(0.02 * traffic.width * traffic.height);
      expect(
        countPixels(
          screenshot,
          { ...line, x: line.x - 2, width: line.width + 4, y: line.y - 2, height: line.height + 4 },
          near(CANDIDATE),
        ),
      ).toBeGreaterThan(50);

      // The rollback span is shaded where the DOM puts it, and not before it.
      const band = measured.band!;
      expect(band.width).toBeGreaterThan(20);
      expect(near(BAND)(pixelAt(screenshot, band.x + band.width * 0.75, band.y + band.height * 0.4))).toBe(
        true,
      );
      expect(near(BAND)(pixelAt(screenshot, band.x - 30, band.y + band.height * 0.4))).toBe(false);

      // What caught the candidate (its alarm; or the judge, where the demo runs one) and the rollback are
      // labelled in words, in red, above the chart.
      const labels = Object.fromEntries(measured.markers.map((m) => [m.kind, m]));
      const failedVerdict = measured.markers.find(
        (m) => m.kind === 'verdict' && m.text.startsWith('judge fail'),
      );
      const caughtBy = labels.alarm ?? failedVerdict;
      if (labels.alarm) {
        expect(measured.text).toContain(`alarm ${alarm} fired: Threshold Crossed`);
        expect(labels.alarm.text).toBe(`ALARM ${alarm}`);
        expect(labels.rollback?.text).toBe(`ROLLBACK (alarm ${alarm})`);
      } else {
        expect(failedVerdict?.text).toMatch(/^judge fail \(/);
        expect(labels.rollback?.text).toMatch(/^ROLLBACK \(judge: \S+ fail\)$/);
      }
      expect(labels.shift?.text).toBe('10%');
      for (const marker of [caughtBy!, labels.rollback!]) {
        expect(countPixels(screenshot, marker.rect, reddish)).toBeGreaterThan(20);
        expect(marker.rect.y + marker.rect.height).toBeLessThanOrEqual(band.y + 2);
      }
      // The simulated cloud's per-variant metrics are drawn: the candidate's errors and the baseline's.
      for (const role of ['candidate', 'baseline'] as const) {
        const series = measured.series.find((s) => s.chart === 'error-rate-chart' && s.role === role);
        expect(series).toBeDefined();
        const box = grown(series!.rect, 3);
        expect(
          countPixels(screenshot, box, near(role === 'candidate' ? CANDIDATE : BASELINE)),
        ).toBeGreaterThan(30);
      }
      // The candidate failed a fifth of its requests: its line rises well above the baseline's.
      const [candidateLine, baselineLine] = ['candidate', 'baseline'].map(
        (role) => measured.series.find((s) => s.chart === 'error-rate-chart' && s.role === role)!.rect,
      );
      expect(candidateLine!.y).toBeLessThan(baselineLine!.y - 50);
      // The timeline is there to read, every entry.
      expect(measured.text).toMatch(/Traffic shifted: baseline 90% \/ candidate 10%/);
      expect(measured.text).toMatch(/All traffic is back on the baseline variant AllTraffic/);
    },
    120_000,
  );

  browserTest(
    "a judged rollout: the judge's numbers read on the page, both variants' lines and the failed interval show",
    async () => {
      const { html } = await buildReportPage({
        record: fabricatedRecord(),
        timeline: fabricatedTimeline(),
        metrics: fabricatedMetrics(),
        now: T0 + 20 * 60_000,
        generatedAt: T0 + 20 * 60_000,
      });
      const file = path.join(dir, 'judged.html');
      await fs.writeFile(file, html);
      const { measured, screenshot } = await render(file);
      expect(measured.text).toContain('errors: last verdict FAIL, ratio 95.45× in [12.30, ∞]');
      expect(measured.text).toMatch(/fail\s+95\.45×\s+\[12\.30, ∞\]\s+23 \/ 120\s+2 \/ 1090\s+rollback/);

      for (const role of ['candidate', 'baseline'] as const) {
        const series = measured.series.find((s) => s.chart === 'error-rate-chart' && s.role === role)!;
        const box = {
          ...series.rect,
          x: series.rect.x - 3,
          y: series.rect.y - 3,
          width: series.rect.width + 6,
          height: series.rect.height + 6,
        };
        expect(
          countPixels(screenshot, box, near(role === 'candidate' ? CANDIDATE : BASELINE)),
        ).toBeGreaterThan(30);
      }
      const failed = measured.verdicts.find((v) => v.verdict === 'fail')!;
      expect(countPixels(screenshot, failed.rect, reddish)).toBeGreaterThan(20);
    },
    120_000,
  );
});
