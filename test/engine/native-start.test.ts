// A start request under engine: native: the engine lands in the validated request (and survives the
// trip to the deployed controller), the plan is checked against guardrails before anything is sent,
// and what needs a candidate variant of its own (judge, candidate alarms, pre-traffic check) is dropped.
import { parseCommandDetail, startCommandDetail } from '../../src/engine/intake';
import {
  mergeStartRequest,
  validateStartRequest,
  type StartRolloutRequest,
} from '../../src/engine/start-request';
import { thrown } from '../plan/thrown';

const VALID: StartRolloutRequest = {
  endpointName: 'churn-prod',
  modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/7',
  executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-exec',
  alarms: ['churn-prod-5xx'],
};

describe('validateStartRequest with engine', () => {
  it('absent stays absent (stepwise), keeping the judge and default candidate alarms', () => {
    const valid = validateStartRequest(VALID);
    expect(valid.engine).toBeUndefined();
    expect(valid.judge).toBeDefined();
    expect(valid.candidateAlarms.length).toBeGreaterThan(0);
  });

  it('native: engine set, no judge, no candidate alarms, no pre-traffic check', () => {
    const valid = validateStartRequest({
      ...VALID,
      engine: 'native',
      preTrafficCheck: { requests: ['{"tenure": 3}'], contentType: 'application/json', maxLatency: '2s' },
    });
    expect(valid.engine).toBe('native');
    expect(valid.judge).toBeUndefined();
    expect(valid.candidateAlarms).toEqual([]);
    expect(valid.preTrafficCheck).toBeUndefined();
  });

  it('an unknown engine names the field', () => {
    const error = thrown(() =>
      validateStartRequest({ ...VALID, engine: 'guardrails' } as unknown as StartRolloutRequest),
    );
    expect(error.field).toBe('engine');
    expect(error.message).toMatch(/^engine: /);
  });

  it('refuses every problem guardrails has with the plan, the first naming the field', () => {
    const error = thrown(() =>
      validateStartRequest({ ...VALID, engine: 'native', strategy: '10%,5m,pause,analysis(5m),100%' }),
    );
    expect(error.code).toBe('INVALID_PLAN');
    expect(error.field).toBe('strategy');
    expect(error.message).toMatch(/^strategy: step 3: a pause .*; strategy: step 4: analysis cannot run/);
  });

  it('an override of the engine over a stepwise request drops its judge and candidate alarms', () => {
    const base = validateStartRequest(VALID);
    const native = mergeStartRequest(base, { engine: 'native' });
    expect(native).toMatchObject({ engine: 'native', candidateAlarms: [], alarms: ['churn-prod-5xx'] });
    expect(native.judge).toBeUndefined();
    // and a strategy override is checked under the engine it runs with
    expect(() => mergeStartRequest(native, { strategy: '10%,5m,pause,100%' })).toThrow(/step 3: a pause/);
  });
});

describe('the engine on its way to the deployed controller', () => {
  it('travels in the Rollout Command detail and comes back as an override', () => {
    const detail = JSON.parse(
      JSON.stringify(startCommandDetail({ ...VALID, requestedBy: 'ci', engine: 'native' })),
    ) as unknown;
    const event = parseCommandDetail(detail, 'evt-1');
    expect(event).toMatchObject({ command: 'start', overrides: { engine: 'native' } });
  });
});
