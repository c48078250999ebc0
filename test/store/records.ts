// A rollout record as the engine stores it, for the store and record tests: its input is complete
// enough to pass restoreRolloutRecord (stores validate what they read back).
import type { RolloutRecord } from '../../src/engine/ports';
import { ROLLOUT_MACHINE_VERSION, type RolloutInput } from '../../statemachines/contract';

export function rolloutInput(rolloutId: string, endpointName: string): RolloutInput {
  return {
    rolloutId,
    endpointName,
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/2',
    plan: {
      strategy: 'Canary10Percent5Minutes',
      steps: [
        { kind: 'setWeight', percent: 10 },
        { kind: 'bake', durationMs: 300_000 },
        { kind: 'setWeight', percent: 100 },
        { kind: 'bake', durationMs: 600_000 },
      ],
    },
    alarms: ['churn-prod-5xx'],
    candidateAlarms: [
      {
        alarmName: `smr-${endpointName}-${rolloutId}-5xx`,
        template: {
          suffix: '5xx',
          metricName: 'Invocation5XXErrors',
          statistic: 'Sum',
          threshold: 1,
          comparison: 'GreaterThanOrEqualToThreshold',
          periodSeconds: 60,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: 'notBreaching',
        },
      },
    ],
    executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    candidate: {},
    names: {
      candidateModel: `smr-${rolloutId}-model`,
      candidateVariant: `smr-${rolloutId}`,
      transitionConfig: `smr-${rolloutId}-transition`,
      finalConfig: `smr-${rolloutId}-final`,
    },
    requestedBy: 'tests',
    startedAt: 1_000,
    maxDurationMs: 4 * 3_600_000,
    pollIntervalMs: 30_000,
    alarmPollIntervalMs: 60_000,
  };
}

export function storedRecord(id: string, overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  const endpointName = overrides.endpointName ?? 'churn-prod';
  return {
    id,
    endpointName,
    modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/2',
    status: 'running',
    active: true,
    phase: 'starting',
    strategy: 'Canary10Percent5Minutes',
    requestedBy: 'tests',
    input: rolloutInput(id, endpointName),
    machineVersion: ROLLOUT_MACHINE_VERSION,
    snapshot: null,
    version: 1,
    timelineLength: 0,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}
