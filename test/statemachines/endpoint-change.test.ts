// The SageMaker side of the machine's decisions: which config or weights each purpose asks the
// endpoint for, and how a change SageMaker would not keep is explained.
import { buildChange, deploysCandidate, failureFromCheck } from '../../statemachines/endpoint-change';
import type { RolloutContext } from '../../statemachines/context';
import type { EndpointChange } from '../../statemachines/contract';
import { rolloutInput } from '../store/records';

const BASELINE = {
  endpointConfigName: 'churn-config-v1',
  variantName: 'AllTraffic',
  modelName: 'churn-model-v1',
  instanceCount: 2,
};

/** r-ec on churn-prod, baseline resolved, at plan step `stepIndex` of 10%, 5m, 100%, 10m. */
function context(overrides: Partial<RolloutContext> = {}): RolloutContext {
  return {
    ...rolloutInput('r-ec', 'churn-prod'),
    baseline: BASELINE,
    now: 0,
    stepIndex: 0,
    candidateWeight: 0,
    changeRequested: false,
    attempts: 0,
    candidateDeployed: false,
    warnings: [],
    alarmStates: [],
    ...overrides,
  };
}

describe('buildChange', () => {
  it.each([
    ['transition', 'smr-r-ec-transition', true],
    ['final', 'smr-r-ec-final', false],
    ['revert', 'churn-config-v1', true],
  ] as const)(
    '%s moves the endpoint to config %s (the baseline keeps its live instance count: %s)',
    (purpose, endpointConfigName, retain) => {
      expect(buildChange(context(), purpose)).toEqual({
        kind: 'config',
        endpointName: 'churn-prod',
        endpointConfigName,
        purpose,
        ...(retain ? { retainAllVariantProperties: true } : {}),
      });
    },
  );

  it.each([
    [0, 10],
    [2, 100],
  ])(
    'shift at step %i sends the step’s %i% to the candidate and the rest to the baseline',
    (stepIndex, p) => {
      expect(buildChange(context({ stepIndex }), 'shift')).toEqual({
        kind: 'weights',
        endpointName: 'churn-prod',
        endpointConfigName: 'smr-r-ec-transition',
        purpose: 'shift',
        weights: [
          { variantName: 'AllTraffic', weight: 100 - p },
          { variantName: 'smr-r-ec', weight: p },
        ],
      });
    },
  );

  it('restore gives the baseline all the traffic on the transition config', () => {
    expect(buildChange(context({ stepIndex: 1, candidateWeight: 10 }), 'restore')).toEqual({
      kind: 'weights',
      endpointName: 'churn-prod',
      endpointConfigName: 'smr-r-ec-transition',
      purpose: 'restore',
      weights: [
        { variantName: 'AllTraffic', weight: 1 },
        { variantName: 'smr-r-ec', weight: 0 },
      ],
    });
  });

  it('refuses to build a change before the baseline is known', () => {
    expect(() => buildChange(context({ baseline: undefined }), 'revert')).toThrow(
      'baseline is not resolved yet',
    );
  });

  it('only the transition and final configs put the candidate on the endpoint', () => {
    const purposes = ['transition', 'final', 'shift', 'restore', 'revert'] as const;
    const deploying = purposes.filter((p) => deploysCandidate(buildChange(context(), p)));
    expect(deploying).toEqual(['transition', 'final']);
    expect(deploysCandidate(undefined)).toBe(false);
  });
});

describe('failureFromCheck', () => {
  const toFinal: EndpointChange = buildChange(context(), 'final');
  const shift: EndpointChange = buildChange(context(), 'shift');

  it('says the endpoint failed, with SageMaker’s reason when it gives one', () => {
    expect(
      failureFromCheck(toFinal, {
        at: 0,
        phase: 'failed',
        status: 'Failed',
        failureReason: 'capacity error',
      }),
    ).toEqual({
      code: 'UPDATE_FAILED',
      message: 'updating endpoint churn-prod to config smr-r-ec-final: endpoint is Failed (capacity error)',
    });
    expect(failureFromCheck(shift, { at: 0, phase: 'failed', status: 'OutOfService' })).toEqual({
      code: 'UPDATE_FAILED',
      message: 'changing the weights of endpoint churn-prod: endpoint is OutOfService',
    });
  });

  it('says SageMaker rolled the update back silently, naming the config it kept and its FailureReason', () => {
    const rolledBack = {
      at: 0,
      phase: 'idle' as const,
      status: 'InService',
      endpointConfigName: 'churn-config-v1',
      failureReason: 'health check failed',
    };
    expect(failureFromCheck(toFinal, rolledBack).message).toBe(
      'updating endpoint churn-prod to config smr-r-ec-final: SageMaker rolled the update back — the endpoint ' +
        'is InService on config churn-config-v1; FailureReason: health check failed',
    );
    expect(failureFromCheck(undefined, { at: 0, phase: 'idle', status: 'InService' }).message).toBe(
      'changing the weights of endpoint ?: SageMaker rolled the update back — the endpoint is InService on config ?',
    );
  });
});
