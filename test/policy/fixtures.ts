// Policy files the policy tests share: the example from the issue, and a way to vary one field.

export const EXAMPLE_YAML = `policies:
  - modelPackageGroup: churn-model
    endpoint: churn-prod
    strategy: Canary10Percent5Minutes     # any plan the plan module accepts
    finalBake: 10m
    alarms: [churn-prod-5xx, churn-prod-p99-latency]
    candidateAlarms: [ { suffix: 5xx-rate, metricName: Invocation5XXErrors, statistic: Average, threshold: 0.05 } ]
    executionRoleArn: arn:aws:iam::111122223333:role/churn-sagemaker-exec
    candidate: { instanceType: ml.m5.large, instanceCount: 2 }   # optional; default: as the baseline
    onNewerApproval: supersede             # supersede | queue | reject (default queue)
    maxDuration: 4h
`;

export const ROLE = 'arn:aws:iam::111122223333:role/churn-sagemaker-exec';

/**
 * A minimal valid policy, with `overrides` merged in (undefined removes a field): an alarm is part of
 * it, since a policy with none is refused unless it says allowUnguarded.
 */
export function policy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    modelPackageGroup: 'churn-model',
    endpoint: 'churn-prod',
    executionRoleArn: ROLE,
    alarms: ['churn-prod-5xx'],
    ...overrides,
  };
  for (const key of Object.keys(base)) if (base[key] === undefined) delete base[key];
  return base;
}

/** A policy file as JSON text. */
export function file(...policies: Record<string, unknown>[]): string {
  return JSON.stringify({ policies }, null, 2);
}
