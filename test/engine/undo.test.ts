// Undo finds the version that served before the endpoint's last successful rollout and makes the
// request that puts it back: over a store and describeModel only, so it is tested on its own here.
import { planUndo } from '../../src/engine/undo';
import type { ModelState } from '../../src/engine/ports';
import { compilePlan } from '../../src/plan';
import { MemoryRolloutStore, type RolloutRecord } from '../../src/store';
import type { RolloutStatus } from '../../statemachines/describe';

const ENDPOINT = 'churn-prod';
const ROLE = 'arn:aws:iam::123456789012:role/sagemaker-exec';
const pkg = (version: number) =>
  `arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-model/${version}`;
const TEMPLATE = {
  suffix: '5xx',
  metricName: 'Invocation5XXErrors',
  statistic: 'Average',
  threshold: 0.05,
  comparison: 'GreaterThanThreshold' as const,
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'notBreaching' as const,
};

/** A rollout that ended with `status`, having replaced the model `baselineModel`. */
function rollout(id: string, version: number, status: RolloutStatus, at: number, baselineModel?: string) {
  return {
    id,
    endpointName: ENDPOINT,
    modelPackageArn: pkg(version),
    status,
    active: !['succeeded', 'rolledBack', 'failed'].includes(status),
    phase: status,
    strategy: 'Canary10Percent5Minutes',
    requestedBy: 'ci',
    input: {
      rolloutId: id,
      endpointName: ENDPOINT,
      modelPackageArn: pkg(version),
      plan: compilePlan('Canary10Percent5Minutes'),
      alarms: ['churn-5xx'],
      candidateAlarms: [{ alarmName: `${ENDPOINT}-${id}-5xx`, template: TEMPLATE }],
      executionRoleArn: ROLE,
      candidate: { instanceType: 'ml.m5.xlarge' },
      names: {
        candidateModel: `${ENDPOINT}-${id}`,
        candidateVariant: `candidate-${id}`,
        transitionConfig: `${ENDPOINT}-${id}-transition`,
        finalConfig: `${ENDPOINT}-${id}-final`,
      },
      requestedBy: 'ci',
      startedAt: at,
      maxDurationMs: 4 * 3_600_000,
      pollIntervalMs: 30_000,
      alarmPollIntervalMs: 60_000,
      ...(baselineModel
        ? {
            baseline: {
              endpointConfigName: `${ENDPOINT}-config-${id}`,
              variantName: 'primary',
              modelName: baselineModel,
              instanceType: 'ml.m5.large',
              instanceCount: 2,
            },
          }
        : {}),
    },
    machineVersion: 'rollout-machine/1',
    snapshot: null,
    version: 1,
    timelineLength: 0,
    createdAt: at,
    updatedAt: at,
  } satisfies RolloutRecord;
}

async function storeWith(...records: RolloutRecord[]): Promise<MemoryRolloutStore> {
  const store = new MemoryRolloutStore();
  for (const record of records) {
    await store.create({ ...record, status: 'running', active: true }, []);
    await store.save(record, 1, []);
  }
  return store;
}

/** describeModel over a fixed set of models; the names asked for are kept. */
function models(known: Record<string, ModelState>) {
  const asked: string[] = [];
  return {
    asked,
    describeModel: async (name: string) => {
      asked.push(name);
      return known[name];
    },
  };
}

describe('planUndo', () => {
  it('refuses when the endpoint has no successful rollout', async () => {
    const store = await storeWith(rollout('r-1', 2, 'rolledBack', 1_000, 'model-1'));
    const error = await planUndo({ store, endpoints: models({}) }, ENDPOINT, {}, 'alice').catch((e) => e);
    expect(error).toMatchObject({
      code: 'ROLLOUT_NOT_FOUND',
      field: 'endpoint',
      message: `endpoint ${ENDPOINT} has no successful rollout to undo in this store`,
    });
  });

  it('rolls back to the package the previous model came from, fast, with the undone alarms and role', async () => {
    const store = await storeWith(
      rollout('r-1', 2, 'succeeded', 1_000, 'model-1'),
      rollout('r-2', 3, 'rolledBack', 2_000, 'model-2'),
      rollout('r-3', 4, 'succeeded', 3_000, 'model-3'),
    );
    const endpoints = models({ 'model-3': { modelName: 'model-3', modelPackageArn: pkg(2) } });
    const { request, undoing } = await planUndo({ store, endpoints }, ENDPOINT, {}, 'alice');
    expect(undoing.id).toBe('r-3');
    expect(endpoints.asked).toEqual(['model-3']);
    expect(request).toEqual({
      endpointName: ENDPOINT,
      modelPackageArn: pkg(2),
      executionRoleArn: ROLE,
      plan: compilePlan('AllAtOnce', { finalBake: '5m' }),
      alarms: ['churn-5xx'],
      candidateAlarms: [TEMPLATE],
      candidate: {},
      maxDurationMs: 4 * 3_600_000,
      requestedBy: 'alice, undoing r-3',
      // The undone rollout's snapshot predates 10-second metrics: its one-minute alarms keep theirs.
      enhancedMetrics: false,
    });
  });

  it('keeps the 10-second metrics of an undone rollout that had them (the default, so not written)', async () => {
    const done = rollout('r-1', 3, 'succeeded', 1_000, 'model-1');
    const store = await storeWith({ ...done, input: { ...done.input, enhancedMetrics: true } });
    const endpoints = models({ 'model-1': { modelName: 'model-1', modelPackageArn: pkg(2) } });
    const { request } = await planUndo({ store, endpoints }, ENDPOINT, {}, 'alice');
    expect(request.enhancedMetrics).toBeUndefined();
    expect(request.candidateAlarms).toEqual([TEMPLATE]);
  });

  it("falls back to the store's history when the previous model is gone", async () => {
    const store = await storeWith(
      rollout('r-1', 2, 'succeeded', 1_000, 'model-1'),
      rollout('r-2', 3, 'succeeded', 2_000, 'model-2'),
    );
    const { request } = await planUndo({ store, endpoints: models({}) }, ENDPOINT, {}, 'bob');
    expect(request.modelPackageArn).toBe(pkg(2));
  });

  it('refuses when the previous model was not created from a package and the store knows no earlier version', async () => {
    const store = await storeWith(rollout('r-1', 2, 'succeeded', 1_000, 'hand-made'));
    const endpoints = models({ 'hand-made': { modelName: 'hand-made' } });
    const error = await planUndo({ store, endpoints }, ENDPOINT, {}, 'alice').catch((e) => e);
    expect(error).toMatchObject({ code: 'ROLLOUT_NOT_FOUND', field: 'endpoint' });
    expect(error.message).toBe(
      `the model that served ${ENDPOINT} before rollout r-1 (hand-made) was not created from a model package, ` +
        'so there is no version to roll back to; start a rollout of the version you want with ' +
        `\`sm-rollout start --endpoint ${ENDPOINT} --model-package <arn>\``,
    );
  });

  it('takes a strategy and final bake instead of the fast defaults, and checks them', async () => {
    const store = await storeWith(rollout('r-1', 2, 'succeeded', 1_000, 'model-1'));
    const endpoints = models({ 'model-1': { modelName: 'model-1', modelPackageArn: pkg(1) } });
    const { request } = await planUndo(
      { store, endpoints },
      ENDPOINT,
      { strategy: 'Canary10Percent5Minutes', finalBake: '15m' },
      'alice',
    );
    expect(request.plan).toEqual(compilePlan('Canary10Percent5Minutes', { finalBake: '15m' }));
    const error = await planUndo({ store, endpoints }, ENDPOINT, { strategy: 'bogus' }, 'alice').catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'INVALID_PLAN', field: 'strategy' });
  });
});
