// The timeline's words: describeFact turns each fact into the exact message the CLI, the store and
// lifecycle events show, so these compare whole strings.
import { describeFact, describeReason, LIFECYCLE_OF_FACT } from '../../statemachines/facts';

const T = Date.UTC(2026, 0, 15, 9, 5, 0);

describe('describeFact', () => {
  it('tells a rollout starting and its baseline', () => {
    expect(
      describeFact({
        kind: 'started',
        rolloutId: 'r-0001',
        requestedBy: 'alice',
        modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/7',
        endpointName: 'churn',
        strategy: 'Canary10Percent5Minutes',
      }),
    ).toBe(
      'Rollout r-0001 started by alice: arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/7 onto ' +
        'endpoint churn with strategy Canary10Percent5Minutes',
    );
    expect(
      describeFact({
        kind: 'baseline',
        baseline: {
          endpointConfigName: 'churn-config-v1',
          variantName: 'AllTraffic',
          modelName: 'churn-model-v1',
          instanceCount: 2,
        },
      }),
    ).toBe('Baseline is variant AllTraffic (model churn-model-v1, 2 × instances) on config churn-config-v1');
  });

  it('tells traffic moving and bakes, naming the step', () => {
    expect(
      describeFact({
        kind: 'shifted',
        weights: { baseline: 90, candidate: 10 },
        step: { index: 1, total: 4 },
      }),
    ).toBe('Traffic shifted: baseline 90% / candidate 10% (step 1/4)');
    expect(
      describeFact({
        kind: 'bakeStarted',
        durationMs: 90 * 60_000 + 5_000,
        candidateWeight: 10,
        step: { index: 2, total: 4 },
        bakeUntil: T,
        watching: [],
      }),
    ).toBe('Baking 1h30m5s at 10% (step 2/4) until 2026-01-15T09:05:00Z; watching no alarms');
    expect(
      describeFact({
        kind: 'bakeStarted',
        durationMs: 300_000,
        candidateWeight: 100,
        step: { index: 4, total: 4 },
        bakeUntil: T + 500,
        watching: ['churn-5xx', 'churn-p99'],
      }),
    ).toBe('Baking 5m at 100% (step 4/4) until 2026-01-15T09:05:01Z; watching churn-5xx, churn-p99');
    expect(
      describeFact({ kind: 'gate', step: { index: 3, total: 5 }, candidateWeight: 25, rolloutId: 'r-9' }),
    ).toBe(
      'Waiting at a manual gate (step 3/5, candidate at 25%): run `sm-rollout promote r-9` to continue or ' +
        '`sm-rollout abort r-9` to roll back',
    );
  });

  it('says "nothing" for empty cleanups', () => {
    expect(describeFact({ kind: 'cleanedUp', removed: [], kept: ['model m-1'] })).toBe(
      'Removed nothing; kept model m-1 for undo',
    );
    expect(describeFact({ kind: 'candidateRemoved', removed: [] })).toBe(
      'Removed nothing (nothing had been created)',
    );
  });

  it('tells how a rollout ended, with the reason in words', () => {
    expect(
      describeFact({
        kind: 'rolledBack',
        reason: { kind: 'abort', by: 'carol', note: 'wrong model.' },
        endpointName: 'churn',
        originalConfig: 'churn-config-v1',
      }),
    ).toBe(
      'Rolled back: aborted by carol: wrong model. Endpoint churn serves the baseline only (config churn-config-v1)',
    );
    expect(
      describeFact({
        kind: 'rolledBack',
        reason: { kind: 'failure', code: 'AWS_ERROR', message: 'could not resolve the baseline: gone' },
        endpointName: 'churn',
      }),
    ).toBe(
      'Rolled back: could not resolve the baseline: gone [AWS_ERROR]. Endpoint churn serves the baseline only',
    );
    expect(
      describeFact({
        kind: 'failed',
        failure: { code: 'UPDATE_FAILED', message: 'removing the candidate failed: fatal' },
        reason: { kind: 'timeout', maxDurationMs: 6 * 3_600_000 },
        endpointName: 'churn',
      }),
    ).toBe(
      'Rollback failed and needs a human: removing the candidate failed: fatal. It was rolling back because: ' +
        'exceeded the maximum rollout duration (360 min). Check endpoint churn in the SageMaker console; ' +
        'the original config is unknown',
    );
  });

  it('describes rollback reasons, and a missing one', () => {
    expect(describeReason({ kind: 'alarm', alarmName: 'churn-5xx', stateReason: 'Threshold Crossed' })).toBe(
      'alarm churn-5xx fired: Threshold Crossed',
    );
    expect(describeReason(undefined)).toBe('unknown reason');
    expect(describeFact({ kind: 'rollbackStarted' })).toBe('Rolling back: unknown reason');
  });

  it('publishes exactly the lifecycle events DESIGN.md names (a native shift is a Traffic Shifted too)', () => {
    expect([...new Set(Object.values(LIFECYCLE_OF_FACT))].sort()).toEqual([
      'Rollback Started',
      'Rollout Failed',
      'Rollout Paused',
      'Rollout Resumed',
      'Rollout Rolled Back',
      'Rollout Started',
      'Rollout Succeeded',
      'Traffic Shifted',
    ]);
  });
});
