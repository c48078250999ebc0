// Retention's safety rules, one effect at a time against the simulated cloud: after a promotion,
// cleanup never deletes a config the endpoint runs (or a model it serves) even when someone moved the
// endpoint meanwhile, and prunes nothing while the endpoint is updating.
import { createRolloutEffects } from '../../src/engine/effects';
import { rolloutNames } from '../../src/engine/names';
import type { RolloutRecord } from '../../src/engine/ports';
import { compilePlan } from '../../src/plan';
import { createSimCloud, type SimCloud } from '../../src/sim';
import type { RolloutInputWithBaseline } from '../../statemachines/contract';

const ENDPOINT = 'churn-prod';
const ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker-exec';
const MINUTE = 60_000;

interface World {
  cloud: SimCloud;
  records: RolloutRecord[];
  current: RolloutInputWithBaseline;
}

/** Three releases by the controller: r1 and r2 succeeded earlier, r3 (current) has just gone live. */
async function world(): Promise<World> {
  const cloud = createSimCloud({ seed: 3 });
  const pkg = cloud.registerModelPackage({ groupName: 'churn-model', approvalStatus: 'Approved' });
  cloud.createEndpoint({ endpointName: ENDPOINT, modelPackageArn: pkg, instanceType: 'ml.m5.large' });
  const records: RolloutRecord[] = [];
  const release = async (id: string, at: number) => {
    const names = rolloutNames(ENDPOINT, id);
    await cloud.sagemaker.createModel({
      modelName: names.candidateModel,
      modelPackageArn: pkg,
      executionRoleArn: ROLE,
      tags: [],
    });
    await cloud.sagemaker.createEndpointConfig({
      endpointConfigName: names.finalConfig,
      variants: [
        {
          variantName: 'AllTraffic',
          modelName: names.candidateModel,
          instanceType: 'ml.m5.large',
          initialInstanceCount: 1,
          initialVariantWeight: 1,
        },
      ],
      tags: [],
    });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, names.finalConfig);
    cloud.clock.advanceBy(10 * MINUTE);
    return { id, names, at };
  };
  const baselineOf = (modelName: string, endpointConfigName: string) => ({
    endpointConfigName,
    variantName: 'AllTraffic',
    modelName,
    instanceType: 'ml.m5.large',
    instanceCount: 1,
  });
  let previous = baselineOf(`${ENDPOINT}-model-0`, `${ENDPOINT}-config-0`);
  const inputs: RolloutInputWithBaseline[] = [];
  for (const [i, id] of ['r-0000000r001', 'r-0000000r002', 'r-0000000r003'].entries()) {
    const { names, at } = await release(id, i);
    const input: RolloutInputWithBaseline = {
      rolloutId: id,
      endpointName: ENDPOINT,
      modelPackageArn: pkg,
      plan: compilePlan('AllAtOnce'),
      alarms: [],
      candidateAlarms: [],
      executionRoleArn: ROLE,
      candidate: {},
      names,
      requestedBy: 'test',
      startedAt: at,
      maxDurationMs: 4 * 60 * MINUTE,
      pollIntervalMs: 30_000,
      alarmPollIntervalMs: 60_000,
      baseline: previous,
    };
    inputs.push(input);
    previous = baselineOf(names.candidateModel, names.finalConfig);
  }
  for (const input of inputs.slice(0, 2)) {
    records.push({
      id: input.rolloutId,
      status: 'succeeded',
      createdAt: input.startedAt,
      input,
    } as RolloutRecord);
  }
  return { cloud, records, current: inputs[2]! };
}

function effectsFor(w: World) {
  return createRolloutEffects({
    endpoints: w.cloud.sagemaker,
    alarms: w.cloud.cloudwatch,
    rollouts: { list: async () => w.records },
  });
}

describe('cleanup after a promotion, with retention', () => {
  it('prunes the release older than the previous one when the endpoint runs the new final config', async () => {
    const w = await world();
    const [first] = w.records;
    const result = await effectsFor(w).cleanupAfterPromotion(w.current);
    expect(result.removed).toEqual([
      `endpoint config ${first!.input.names.finalConfig}`,
      `model ${first!.input.names.candidateModel}`,
    ]);
    expect(w.cloud.violations).toEqual([]);
  });

  it('keeps an older release the endpoint was moved back to meanwhile: its config and the model it serves', async () => {
    const w = await world();
    const [first] = w.records;
    await w.cloud.sagemaker.updateEndpoint(ENDPOINT, first!.input.names.finalConfig);
    w.cloud.clock.advanceBy(10 * MINUTE);
    const result = await effectsFor(w).cleanupAfterPromotion(w.current);
    expect(result.removed).toEqual([]);
    expect(w.cloud.endpointConfigNames()).toContain(first!.input.names.finalConfig);
    expect(w.cloud.modelNames()).toContain(first!.input.names.candidateModel);
    expect(w.cloud.violations).toEqual([]);
  });

  it('prunes nothing while the endpoint is updating; a later cleanup catches up', async () => {
    const w = await world();
    const [first] = w.records;
    await w.cloud.sagemaker.updateEndpoint(ENDPOINT, `${ENDPOINT}-config-0`);
    await expect(effectsFor(w).cleanupAfterPromotion(w.current)).rejects.toMatchObject({
      code: 'ENDPOINT_BUSY',
    });
    expect(w.cloud.endpointConfigNames()).toContain(first!.input.names.finalConfig);
    // Once the endpoint is InService again (here on the team's own config), a later cleanup catches up.
    w.cloud.clock.advanceBy(10 * MINUTE);
    const later = await effectsFor(w).cleanupAfterPromotion(w.current);
    expect(later.removed).toEqual([
      `endpoint config ${first!.input.names.finalConfig}`,
      `model ${first!.input.names.candidateModel}`,
    ]);
    expect(w.cloud.endpointConfigNames()).toContain(`${ENDPOINT}-config-0`);
    expect(w.cloud.violations).toEqual([]);
  });

  it('is idempotent: run again, it deletes nothing more and reports nothing twice', async () => {
    const w = await world();
    const effects = effectsFor(w);
    await effects.cleanupAfterPromotion(w.current);
    const again = await effects.cleanupAfterPromotion(w.current);
    expect(again.removed).toEqual([]);
    expect(again.kept).toEqual([
      `endpoint config ${w.records[1]!.input.names.finalConfig}`,
      `model ${w.records[1]!.input.names.candidateModel}`,
    ]);
  });
});
