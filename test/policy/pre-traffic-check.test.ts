// A policy's preTrafficCheck section: what a valid one becomes in the start request, and for each
// mistake a message naming the policy, the field and the fix.
import { InvalidPolicyFileError, parsePolicies, policyStartRequest, summarizePolicy } from '../../src/policy';
import { file, policy } from './fixtures';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';
const VALID = {
  requests: ['{"tenure": 3}', '{"tenure": 40}'],
  contentType: 'application/json',
  maxLatency: '2s',
};

function problemsOf(check: unknown): string[] {
  try {
    parsePolicies(file(policy({ preTrafficCheck: check })), 'policies.json');
  } catch (error) {
    if (error instanceof InvalidPolicyFileError)
      return error.problems.map((p) => p.replace(/^policies\.json:\d+: /, ''));
    throw error;
  }
  throw new Error('expected the policy file to be invalid');
}

describe('a valid preTrafficCheck', () => {
  it('with inline bodies becomes the start request the rollout checks the candidate with', () => {
    const set = parsePolicies(
      file(policy({ preTrafficCheck: { ...VALID, accept: 'application/json' } })),
      'p.json',
    );
    const request = policyStartRequest(set.policies[0]!, ARN, 'approval');
    expect(request.preTrafficCheck).toEqual({
      requests: { inline: ['{"tenure": 3}', '{"tenure": 40}'] },
      contentType: 'application/json',
      accept: 'application/json',
      maxLatencyMs: 2_000,
    });
  });

  it('with an S3 object of JSON Lines, and a bound in milliseconds', () => {
    const set = parsePolicies(
      file(
        policy({
          preTrafficCheck: { ...VALID, requests: 's3://ml-samples/churn/pre-traffic.jsonl', maxLatency: 750 },
        }),
      ),
      'p.json',
    );
    expect(policyStartRequest(set.policies[0]!, ARN, 'approval').preTrafficCheck).toEqual({
      requests: { s3Uri: 's3://ml-samples/churn/pre-traffic.jsonl' },
      contentType: 'application/json',
      maxLatencyMs: 750,
    });
  });

  it('absent: no check', () => {
    const set = parsePolicies(file(policy()), 'p.json');
    expect(policyStartRequest(set.policies[0]!, ARN, 'approval').preTrafficCheck).toBeUndefined();
  });
});

describe('a preTrafficCheck mistake names the field and the fix', () => {
  const label = 'policies[0] (churn-model)';

  it('an empty list of requests', () => {
    expect(problemsOf({ ...VALID, requests: [] })).toEqual([
      `${label}: preTrafficCheck.requests: is an empty list; give at least one sample request body`,
    ]);
  });

  it('more than 100 requests', () => {
    expect(problemsOf({ ...VALID, requests: Array.from({ length: 101 }, () => '{}') })).toEqual([
      `${label}: preTrafficCheck.requests: has 101 bodies; give at most 100 (a smoke test, run before any traffic ` +
        'shift within one controller invocation)',
    ]);
  });

  it('an empty body', () => {
    expect(problemsOf({ ...VALID, requests: ['{}', ''] })).toEqual([
      `${label}: preTrafficCheck.requests[1]: is an empty body; InvokeEndpoint needs a request body`,
    ]);
  });

  it('a bad S3 URI', () => {
    expect(problemsOf({ ...VALID, requests: 'https://ml-samples.s3.amazonaws.com/x.jsonl' })).toEqual([
      `${label}: preTrafficCheck.requests: "https://ml-samples.s3.amazonaws.com/x.jsonl" is neither a list of bodies ` +
        'nor an S3 URI; use s3://bucket/key (e.g. s3://ml-samples/churn/pre-traffic.jsonl) or a list of bodies',
    ]);
    expect(problemsOf({ ...VALID, requests: 's3://Bad_Bucket/x.jsonl' })).toHaveLength(1);
    expect(problemsOf({ ...VALID, requests: 's3://ml-samples/' })).toHaveLength(1);
  });

  it('a missing contentType', () => {
    const { contentType: _omitted, ...rest } = VALID;
    expect(problemsOf(rest)).toEqual([
      `${label}: preTrafficCheck.contentType: is required; give the Content-Type of the bodies, e.g. application/json`,
    ]);
  });

  it('a maxLatency that is not a duration, or over the 60 s InvokeEndpoint allows', () => {
    expect(problemsOf({ ...VALID, maxLatency: 'fast' })).toEqual([
      `${label}: preTrafficCheck.maxLatency: "fast" is not a duration; use e.g. 2s or 500ms`,
    ]);
    expect(problemsOf({ ...VALID, maxLatency: '90s' })).toEqual([
      `${label}: preTrafficCheck.maxLatency: 1m30s is out of range; use more than 0 and at most 60s (InvokeEndpoint ` +
        'gives a model 60 seconds to answer, so a longer bound could never fail a request)',
    ]);
    expect(problemsOf({ ...VALID, maxLatency: 0 })).toHaveLength(1);
  });

  it("more requests than fit in the check's 2m30s at their bound", () => {
    expect(
      problemsOf({ ...VALID, requests: Array.from({ length: 3 }, () => '{}'), maxLatency: '60s' }),
    ).toEqual([
      `${label}: preTrafficCheck.requests: 3 requests × maxLatency 1m could take 3m, more than the check's 2m30s; ` +
        'send at most 2 requests at this bound, or lower maxLatency',
    ]);
    const fits = { ...VALID, requests: Array.from({ length: 2 }, () => '{}'), maxLatency: '60s' };
    expect(() => parsePolicies(file(policy({ preTrafficCheck: fits })), 'p.json')).not.toThrow();
  });

  it('an unknown setting, with the settings there are', () => {
    expect(problemsOf({ ...VALID, timeout: '2s' })).toEqual([
      `${label}: preTrafficCheck.timeout: is not a setting of preTrafficCheck; the settings are requests, ` +
        'contentType, accept, maxLatency',
    ]);
  });

  it('every problem at once', () => {
    expect(problemsOf({ requests: [], maxLatency: 'soon' })).toEqual([
      'policies[0] (churn-model): preTrafficCheck.contentType: is required; give the Content-Type of the bodies, e.g. application/json',
      'policies[0] (churn-model): preTrafficCheck.requests: is an empty list; give at least one sample request body',
      'policies[0] (churn-model): preTrafficCheck.maxLatency: "soon" is not a duration; use e.g. 2s or 500ms',
    ]);
  });
});

describe('the policy summary', () => {
  it('says the candidate is checked before any traffic, with what and within which bound', () => {
    const set = parsePolicies(file(policy({ preTrafficCheck: VALID })), 'p.json');
    expect(summarizePolicy(set.policies[0]!)).toContain(
      ', after checking the candidate variant alone with 2 sample requests (each answered within 2s) before any traffic, watching',
    );
  });
});
