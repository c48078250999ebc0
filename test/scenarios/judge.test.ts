// The judge on the simulated cloud, end to end: a model failing 20% of requests at a 10% canary is
// caught by the judge (reason `judge`, the numbers on the timeline); a healthy one passes; a dry run
// records the fail but never acts; a policy that pauses on inconclusive pauses for a person.
import { BAD_MODEL, HEALTHY_MODEL } from '../../src/cli/simulated-environment';
import {
  expectBackOnOriginal,
  expectNothingLeaked,
  expectTrafficAlwaysServed,
  startScenario,
} from './harness';

/** The judge alone guards these rollouts: no alarm could catch the candidate first. */
const JUDGE_ONLY = { candidateAlarms: [], alarms: [], allowUnguarded: true };

describe('the judge on the simulated cloud', () => {
  it('rolls back a model failing 20% of requests at a 10% canary, saying why with the numbers', async () => {
    const s = await startScenario(
      { ...JUDGE_ONLY, strategy: 'Canary10Percent30Minutes' },
      { candidate: BAD_MODEL },
    );
    const end = await s.run();
    expect(end.record.status).toBe('rolledBack');
    const reason = (end.record.snapshot as { context: { rollbackReason: { kind: string; metric: string } } })
      .context.rollbackReason;
    expect(reason).toMatchObject({ kind: 'judge', metric: 'errors' });
    expect(end.record.reason).toMatch(/the judge found the candidate worse on errors/);
    const timeline = await s.timeline();
    const verdict = timeline.find((e) => e.kind === 'judged' && /rolling back/.test(e.message));
    expect(verdict?.message).toMatch(/errors FAIL: candidate \d+ of \d+ requests/);
    // Caught within minutes of the first shift, not at the end of the 30-minute bake.
    const shifted = timeline.find((e) => e.kind === 'shifted')!.at;
    expect(verdict!.at - shifted).toBeLessThan(5 * 60_000);
    expectTrafficAlwaysServed(s.env);
    expectBackOnOriginal(s.env);
    expectNothingLeaked(s.env);
  });

  it('lets a healthy candidate through', async () => {
    const s = await startScenario({ ...JUDGE_ONLY }, { candidate: HEALTHY_MODEL });
    const end = await s.run();
    expect(end.record.status).toBe('succeeded');
    const timeline = await s.timeline();
    expect(timeline.some((e) => e.kind === 'judged' && /FAIL/.test(e.message))).toBe(false);
    expect(
      timeline.some((e) => e.kind === 'judgeSkipped' && /baseline takes no traffic/.test(e.message)),
    ).toBe(true);
  });

  it('a dry run records the fail and never acts', async () => {
    const s = await startScenario({ ...JUDGE_ONLY, judge: { dryRun: true } }, { candidate: BAD_MODEL });
    const end = await s.run();
    expect(end.record.status).toBe('succeeded');
    const timeline = await s.timeline();
    expect(timeline.some((e) => e.kind === 'judged' && /dry run: would roll back/.test(e.message))).toBe(
      true,
    );
  });

  it('pauses for a person when the policy says pause and the bake ends inconclusive; resume proceeds', async () => {
    const s = await startScenario(
      { ...JUDGE_ONLY, judge: { onInconclusive: 'pause' } },
      { candidate: HEALTHY_MODEL },
    );
    let resumed = false;
    const end = await s.run({
      between: async (step) => {
        if (!resumed && step.record.status === 'paused') {
          resumed = true;
          const timeline = await s.timeline();
          expect(timeline.some((e) => e.kind === 'paused' && /judge/.test(e.message))).toBe(true);
          await s.command({ type: 'RESUME', by: 'alice' });
        }
      },
    });
    expect(resumed).toBe(true);
    expect(end.record.status).toBe('succeeded');
  });
});
