// The paragraph a reviewer reads for each policy.
import { parsePolicies, summarizePolicy } from '../../src/policy';
import { EXAMPLE_YAML, file, policy } from './fixtures';

function summaryOf(overrides: Record<string, unknown>): string {
  return summarizePolicy(parsePolicies(file(policy(overrides)), 'policies.json').policies[0]!);
}

describe('summarizePolicy', () => {
  it('says what the example policy does', () => {
    expect(summarizePolicy(parsePolicies(EXAMPLE_YAML, 'policies.yaml').policies[0]!)).toBe(
      'When a new version of churn-model is approved, roll it onto endpoint churn-prod on 2 ml.m5.large instances ' +
        'with Canary10Percent5Minutes (4 steps, at least 15m), watching alarms churn-prod-5xx, churn-prod-p99-latency ' +
        'and candidate alarm 5xx-rate (Invocation5XXErrors), judging the candidate against the baseline on errors, ' +
        'latency (a confident regression on a critical metric rolls back, a bake that ends inconclusive proceeds; ' +
        'α 0.01); a newer approval during a rollout supersedes it ' +
        '(rolls it back, then deploys the newer one); an approval of a version older than the serving one is ignored; give up after 4h.',
    );
  });

  it('with defaults: a newer approval queues and an older one is ignored', () => {
    expect(summaryOf({})).toBe(
      'When a new version of churn-model is approved, roll it onto endpoint churn-prod with Canary10Percent5Minutes ' +
        '(4 steps, at least 15m), watching alarm churn-prod-5xx and candidate alarms 5xx-rate (Invocation5XXErrors), ' +
        'p99-latency (ModelLatency), judging the candidate against the baseline on errors, latency (a confident ' +
        'regression on a critical metric rolls back, a bake that ends inconclusive proceeds; α 0.01); a newer ' +
        'approval during a ' +
        'rollout waits for it to finish, then deploys the newer one; an approval of a version older than the ' +
        'serving one is ignored; give up after 4h.',
    );
  });

  it('an unguarded policy says so plainly, and onOlderApproval: deploy says it rolls back', () => {
    expect(
      summaryOf({ alarms: undefined, allowUnguarded: true, judge: false, onOlderApproval: 'deploy' }),
    ).toBe(
      'When a new version of churn-model is approved, roll it onto endpoint churn-prod with Canary10Percent5Minutes ' +
        '(4 steps, at least 15m), UNGUARDED by allowUnguarded: watching no alarms and no judge that acts (only a ' +
        'manual abort rolls it back); ' +
        'a newer approval during a rollout waits for it to finish, then deploys the newer one; an approval of a ' +
        'version older than the serving one is deployed (a rollback); give up after 4h.',
    );
  });

  it('a policy guarded by the judge alone says so; a dry-run judge says it never acts', () => {
    expect(summaryOf({ alarms: undefined, candidateAlarms: [] })).toContain(
      '(4 steps, at least 15m), watching no alarms, judging the candidate against the baseline on errors, latency ' +
        '(a confident regression on a critical metric rolls back, a bake that ends inconclusive proceeds; α 0.01);',
    );
    expect(summaryOf({ judge: { dryRun: true, onInconclusive: 'pause' } })).toContain(
      'judging the candidate against the baseline on errors, latency (a dry run: it records verdicts and never acts; α 0.01)',
    );
  });

  it('counts manual gates and says what reject does', () => {
    const text = summaryOf({
      strategy: '10%,5m,pause,50%,10m',
      alarms: ['churn-prod-5xx'],
      onNewerApproval: 'reject',
      maxDuration: '1d',
    });
    expect(text).toContain(
      'with 10%,5m,pause,50%,10m (7 steps, 1 manual gate waiting for promote, at least 25m)',
    );
    expect(text).toContain('watching alarm churn-prod-5xx and candidate alarms 5xx-rate');
    expect(text).toContain('a newer approval during a rollout is refused (the running rollout carries on)');
    expect(text).toContain('give up after 1d.');
  });
});
