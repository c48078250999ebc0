// The judge's current verdict per metric where people follow a rollout: the redrawn `watch` block,
// the plain progress line (a new line when a verdict changes), and `status` with the numbers.
import type { AlarmState } from '../../src/engine';
import type { CliIo } from '../../src/cli/io';
import { liveBlock, progressLine, renderStatus } from '../../src/cli/render';
import type { RolloutRecord } from '../../src/store';

const io: CliIo = { out: () => undefined, err: () => undefined, tty: false, color: false };
const T = Date.UTC(2026, 0, 15, 9, 0, 0);

function baking(judge?: NonNullable<RolloutRecord['progress']>['judge']): RolloutRecord {
  return {
    id: 'r-7',
    endpointName: 'churn-prod',
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7',
    status: 'running',
    phase: 'baking step 2/4 at 10%',
    strategy: 'Canary10Percent5Minutes',
    requestedBy: 'ci',
    createdAt: T,
    updatedAt: T,
    progress: {
      step: { index: 2, total: 4 },
      weights: { baseline: 90, candidate: 10 },
      bakeUntil: T + 300_000,
      accepts: [],
      ...(judge ? { judge } : {}),
    },
    input: { alarms: [], candidateAlarms: [] },
  } as unknown as RolloutRecord;
}

const noAlarms: AlarmState[] = [];
const verdicts = [
  { metric: 'errors', verdict: 'fail' as const, ratio: 98.2, interval: [12.4, null] as [number, null] },
  {
    metric: 'latency',
    verdict: 'inconclusive' as const,
    ratio: 1.02,
    interval: [0.2, 6.5] as [number, number],
  },
];

describe('the judge in watch and status', () => {
  it('watch shows each metric’s verdict', () => {
    expect(liveBlock(io, baking(verdicts), noAlarms, T)).toContain(
      '  judge    errors FAIL · latency inconclusive',
    );
  });

  it('status shows the ratio and its interval', () => {
    const lines = renderStatus(io, baking(verdicts), [], noAlarms, T);
    expect(lines).toContain('  Judge     errors FAIL 98× (12×–∞) · latency inconclusive 1.02× (0.20×–6.50×)');
  });

  it('the plain progress line changes (a new log line) when a verdict does', () => {
    const before = progressLine(io, baking(verdicts), noAlarms, T, 200);
    const after = progressLine(
      io,
      baking([verdicts[0]!, { ...verdicts[1]!, verdict: 'pass' }]),
      noAlarms,
      T,
      200,
    );
    expect(before.line).toContain('judge: errors FAIL · latency inconclusive');
    expect(after.key).not.toBe(before.key);
  });

  it('says nothing of a judge that has not looked yet', () => {
    expect(liveBlock(io, baking(), noAlarms, T).some((l) => l.includes('judge'))).toBe(false);
    expect(renderStatus(io, baking(), [], noAlarms, T).some((l) => l.includes('Judge'))).toBe(false);
  });

  it('a dry run says so', () => {
    const dry = verdicts.map((v) => ({ ...v, dryRun: true }));
    expect(liveBlock(io, baking(dry), noAlarms, T).at(-1)).toContain('(dry run)');
  });
});
