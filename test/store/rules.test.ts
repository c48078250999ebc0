// The rules every store keeps: what is due, how lists filter and sort, which pending approval
// wins, and how a list survives one damaged record.
import { SmRolloutError } from '../../src/errors';
import type { PendingApproval } from '../../src/engine/ports';
import { isDue, matchesFilter, newerApproval, newestFirst, restoreListed } from '../../src/store/rules';
import { storedRecord } from './records';

describe('isDue', () => {
  it('an active rollout with no wake-up time is due at once', () => {
    expect(isDue(storedRecord('r-1', { nextWakeAt: undefined }), 0)).toBe(true);
  });

  it('an active rollout is due from its wake-up time on', () => {
    const record = storedRecord('r-1', { nextWakeAt: 5_000 });
    expect(isDue(record, 4_999)).toBe(false);
    expect(isDue(record, 5_000)).toBe(true);
    expect(isDue(record, 9_000)).toBe(true);
  });

  it('a rollout that has ended is never due', () => {
    expect(
      isDue(storedRecord('r-1', { active: false, status: 'succeeded', nextWakeAt: undefined }), 9e12),
    ).toBe(false);
    expect(isDue(storedRecord('r-1', { active: false, status: 'succeeded', nextWakeAt: 1 }), 9e12)).toBe(
      false,
    );
  });
});

describe('matchesFilter', () => {
  const running = storedRecord('r-1', { endpointName: 'churn-prod' });
  const ended = storedRecord('r-2', { endpointName: 'fraud-prod', active: false, status: 'rolledBack' });

  it('keeps everything without a filter', () => {
    expect([running, ended].filter((r) => matchesFilter(r))).toEqual([running, ended]);
  });

  it('keeps one endpoint’s rollouts, the active ones, or both', () => {
    expect(matchesFilter(ended, { endpointName: 'fraud-prod' })).toBe(true);
    expect(matchesFilter(running, { endpointName: 'fraud-prod' })).toBe(false);
    expect(matchesFilter(running, { activeOnly: true })).toBe(true);
    expect(matchesFilter(ended, { activeOnly: true })).toBe(false);
    expect(matchesFilter(ended, { endpointName: 'fraud-prod', activeOnly: true })).toBe(false);
  });
});

describe('newestFirst', () => {
  it('sorts by creation time, newest first, and by id when created together', () => {
    const records = [
      storedRecord('r-a', { createdAt: 1_000 }),
      storedRecord('r-c', { createdAt: 3_000 }),
      storedRecord('r-b', { createdAt: 3_000 }),
      storedRecord('r-d', { createdAt: 2_000 }),
    ];
    expect(records.sort(newestFirst).map((r) => r.id)).toEqual(['r-c', 'r-b', 'r-d', 'r-a']);
  });
});

describe('newerApproval', () => {
  const approval = (version: number | undefined, at: number): PendingApproval => ({
    endpointName: 'churn-prod',
    modelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/${version ?? 'x'}`,
    ...(version === undefined ? {} : { modelPackageVersion: version }),
    requestedBy: 'approval',
    at,
  });

  it('the first approval is kept', () => {
    const first = approval(3, 1_000);
    expect(newerApproval(undefined, first)).toBe(first);
  });

  it('the higher package version wins, whichever arrived last', () => {
    const v3 = approval(3, 1_000);
    const v5 = approval(5, 500);
    expect(newerApproval(v3, v5)).toBe(v5);
    expect(newerApproval(v5, v3)).toBe(v5);
  });

  it('an approval of the same version replaces the one kept', () => {
    const earlier = approval(4, 1_000);
    const again = approval(4, 2_000);
    expect(newerApproval(earlier, again)).toBe(again);
  });

  it('without versions on both, the later approval wins', () => {
    const older = approval(undefined, 1_000);
    const later = approval(7, 2_000);
    expect(newerApproval(older, later)).toBe(later);
    expect(newerApproval(later, older)).toBe(later);
  });
});

describe('restoreListed', () => {
  const restore = (item: string) => {
    if (item === 'damaged') throw new SmRolloutError('STORE_CORRUPT', 'rollout r-2 cannot be read back');
    if (item === 'unreachable') throw new SmRolloutError('AWS_ERROR', 'the table is not there');
    return item.toUpperCase();
  };

  it('leaves a damaged item out of the list and reports it', () => {
    const reported: string[] = [];
    expect(restoreListed(['a', 'damaged', 'c'], restore, (e) => reported.push(e.message))).toEqual([
      'A',
      'C',
    ]);
    expect(reported).toEqual(['rollout r-2 cannot be read back']);
  });

  it('throws any other error for the whole list', () => {
    const reported: unknown[] = [];
    expect(() => restoreListed(['a', 'unreachable'], restore, (e) => reported.push(e))).toThrow(
      'the table is not there',
    );
    expect(reported).toEqual([]);
  });
});
