// `watch` in a real terminal, and Ctrl-C pressed in it: the CLI runs under a pseudo-terminal (util-linux
// `script`, on every Debian and Ubuntu machine), the test types ^C into it as a person would (the
// terminal turns it into SIGINT for the foreground process), then reads what the screen shows and what
// the simulated account saved.
import { spawn, spawnSync } from 'node:child_process';
import { CLI_NODE_ARGS } from './process-helpers';
import { ENDPOINT, GUARD, SimAccount, WHO, lastJson, pkg, simJson, type RolloutDoc } from './verbs-helpers';

const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
if (!hasScript) {
  console.warn('skipping the terminal (pty) tests: `script` (util-linux) is not installed');
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]|\r/g;

interface Terminal {
  /** What the screen showed, escape sequences removed. */
  screen(): string;
  type(text: string): void;
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<number | null>;
}

/** `sm-rollout <argv>` in a pseudo-terminal; `script -e` exits with the command's exit code. */
function inTerminal(argv: string[], env: Record<string, string>): Terminal {
  const command = [process.execPath, ...CLI_NODE_ARGS, ...argv].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  const waiting = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    for (const check of waiting) check();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const screen = () => raw.replace(ESCAPES, '');
  return {
    screen,
    type: (text) => child.stdin.write(text),
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(screen())) {
            waiting.delete(check);
            resolve();
          }
        };
        waiting.add(check);
        check();
        void exited.then(() => {
          if (waiting.delete(check))
            reject(new Error(`the terminal ended before showing ${pattern}:\n${screen()}`));
        });
      }),
  };
}

(hasScript ? describe : describe.skip)('watch in a terminal, then Ctrl-C', () => {
  const account = new SimAccount();
  let env: Record<string, string>;
  beforeEach(async () => {
    env = { SM_ROLLOUT_SIM_DIR: await account.open() };
  });
  afterEach(() => account.restore());

  it('the screen says it stops after the minute in flight and how to carry on; the rollout is saved where it was', async () => {
    // A rollout left baking: start stops following after 10 simulated minutes (exit 4, it goes on).
    const started = await simJson(
      'start',
      '--endpoint',
      ENDPOINT,
      '--model-package',
      pkg(2),
      '--strategy',
      '10%,3h',
      '--no-judge', // a signal test: without the judge the 3-hour bake simulates quickly
      '--timeout',
      '10m',
      ...GUARD,
      '--requested-by',
      WHO,
    );
    expect(started.code).toBe(4);
    const { id } = lastJson<RolloutDoc>(started);

    const terminal = inTerminal(['watch', id, '--simulate'], env);
    await terminal.waitFor(/Baking 3h at 10%/);
    terminal.type('\u0003'); // Ctrl-C
    expect(await terminal.exited).toBe(130);

    const screen = terminal.screen();
    expect(screen).toContain(`Rollout ${id} · endpoint ${ENDPOINT}`);
    expect(screen).not.toContain('(0s left)'); // the bake's time left is simulated time too
    expect(screen).toContain('^C');
    expect(screen).toContain('SIGINT received: finishing the step in progress and saving, then exiting');
    expect(screen).toContain(`Rollout ${id}: in progress`);
    expect(screen).toContain(`follow it with \`sm-rollout watch ${id} --simulate\``);
    expect(screen).not.toMatch(/Error|EPIPE|at .*\.ts:\d+/);

    const saved = lastJson<RolloutDoc>(await simJson('history', id));
    expect(saved.status).toBe('running');
    expect(saved.weights).toEqual({ baseline: 90, candidate: 10 });
    const times = saved.timeline!.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(saved.timeline!.map((e) => e.message).join('\n')).not.toMatch(/roll(ing|ed) back/i);
    // and it carries on from there
    const watched = await simJson('watch', id);
    expect([watched.code, lastJson<RolloutDoc>(watched).status]).toEqual([0, 'succeeded']);
  });
});
