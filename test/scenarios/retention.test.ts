// Retention, as a team sees it over several releases: each successful rollout keeps the live config
// and model plus the ones `undo` needs (retainPrevious earlier rollouts, default 1) and deletes older
// ones the controller created; the team's own config and model are never touched, undo still works
// after pruning, and a rollback prunes nothing. Whole rollouts through the controller the Lambda
// runs, approvals arriving from the simulated model registry, against the simulated cloud.
import { policyLookup } from '../../src/handlers/environment';
import { parsePolicies } from '../../src/policy';
import type { RolloutRecord } from '../../src/store';
import type { ModelBehaviour } from '../../src/sim';
import {
  BAD_MODEL,
  DEMO_GROUP,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
  type SimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { isTerminal } from '../../statemachines/describe';
import { ENDPOINT, ORIGINAL_CONFIG, ORIGINAL_MODEL, expectTrafficAlwaysServed } from './harness';

function environment(retainPrevious?: number): SimulatedEnvironment {
  const policy = [
    'policies:',
    `  - modelPackageGroup: ${DEMO_GROUP}`,
    `    endpoint: ${ENDPOINT}`,
    '    strategy: AllAtOnce',
    '    finalBake: 2m',
    '    candidateAlarms:',
    '      - { suffix: 5xx-rate, metricName: Invocation5XXErrors, statistic: Average, threshold: 0.05 }',
    `    executionRoleArn: ${DEMO_ROLE}`,
    ...(retainPrevious === undefined ? [] : [`    retainPrevious: ${retainPrevious}`]),
    '',
  ].join('\n');
  return createSimulatedEnvironment({
    policies: policyLookup(parsePolicies(policy, 'retention-policies.yaml')),
  });
}

/** Approves a new version and runs the rollout the approval starts to its end. */
async function release(env: SimulatedEnvironment, behaviour: ModelBehaviour = HEALTHY_MODEL) {
  const before = (await env.store.list({ endpointName: ENDPOINT })).length;
  const arn = env.approveNewVersion(behaviour);
  await env.bridge.runUntil(async () => {
    const all = await env.store.list({ endpointName: ENDPOINT });
    return all.length > before && all.every((r) => isTerminal(r.status));
  }, 120);
  const newest = await newestRollout(env);
  expect(newest.modelPackageArn).toBe(arn);
  return newest;
}

async function newestRollout(env: SimulatedEnvironment): Promise<RolloutRecord> {
  const all = await env.store.list({ endpointName: ENDPOINT });
  return [...all].sort((a, b) => b.createdAt - a.createdAt)[0]!;
}

/** What a rollout leaves when it stays: its final config and its model. */
function finalOf(r: RolloutRecord): string {
  return r.input.names.finalConfig;
}
function modelOf(r: RolloutRecord): string {
  return r.input.names.candidateModel;
}

function inSageMaker(env: SimulatedEnvironment) {
  return {
    configs: [...env.sim.endpointConfigNames()].sort(),
    models: [...env.sim.modelNames()].sort(),
    alarms: env.sim.alarmNames().filter((n) => n.startsWith('smr-')),
  };
}

function expectExactly(env: SimulatedEnvironment, kept: RolloutRecord[]) {
  expect(inSageMaker(env)).toEqual({
    configs: [ORIGINAL_CONFIG, ...kept.map(finalOf)].sort(),
    models: [ORIGINAL_MODEL, ...kept.map(modelOf)].sort(),
    alarms: [],
  });
}

async function cleanedUp(env: SimulatedEnvironment, rollout: RolloutRecord) {
  const entry = (await env.store.timeline(rollout.id)).find((e) => e.kind === 'cleanedUp')!;
  return entry;
}

describe('retention: three successful rollouts in a row on one endpoint', () => {
  it('by default keeps the live config and model and the ones before them; older ones are pruned, the team’s never', async () => {
    const env = environment();
    const first = await release(env);
    expect(first.status).toBe('succeeded');
    expectExactly(env, [first]);

    const second = await release(env);
    expect(second.status).toBe('succeeded');
    expectExactly(env, [first, second]);

    const third = await release(env);
    expect(third.status).toBe('succeeded');
    // The first rollout's final config and model are older than undo needs: gone. The endpoint's
    // original config and model were the team's, not the controller's: kept.
    expectExactly(env, [second, third]);
    const entry = await cleanedUp(env, third);
    expect(entry.message).toBe(
      `Removed endpoint config ${third.input.names.transitionConfig}, alarm ${third.input.candidateAlarms[0]!.alarmName}, ` +
        `endpoint config ${finalOf(first)}, model ${modelOf(first)}; ` +
        `kept endpoint config ${finalOf(second)}, model ${modelOf(second)} for undo`,
    );
    expect(env.sim.endpoint(ENDPOINT)).toMatchObject({
      status: 'InService',
      endpointConfigName: finalOf(third),
    });
    expectTrafficAlwaysServed(env);
    expect(env.warnings).toEqual([]);
  });

  it('undo after pruning still puts the previous version back, and prunes in its turn', async () => {
    const env = environment();
    await release(env);
    const second = await release(env);
    const third = await release(env);
    await env.driver.send(
      env.bridge.commandEvent({ command: 'undo', endpoint: ENDPOINT, requestedBy: 'alice' }),
    );
    await env.bridge.runUntil(async () => isTerminal((await newestRollout(env)).status), 120);
    const undo = await newestRollout(env);
    expect(undo.requestedBy).toBe(`alice, undoing ${third.id}`);
    expect(undo.status).toBe('succeeded');
    // The version before the third: read from the second rollout's model, which retention kept.
    expect(undo.modelPackageArn).toBe(second.modelPackageArn);
    expectExactly(env, [third, undo]);
    expectTrafficAlwaysServed(env);
  });

  it('retainPrevious: 2 keeps two earlier rollouts’ configs and models; the fourth release prunes the first', async () => {
    const env = environment(2);
    const first = await release(env);
    const second = await release(env);
    const third = await release(env);
    expectExactly(env, [first, second, third]);
    const fourth = await release(env);
    expectExactly(env, [second, third, fourth]);
    expect((await cleanedUp(env, fourth)).message).toContain(
      `endpoint config ${finalOf(first)}, model ${modelOf(first)}; kept`,
    );
  });

  it('a rollback prunes nothing: what the earlier rollouts kept stays, only the rolled-back candidate goes', async () => {
    const env = environment();
    const first = await release(env);
    const second = await release(env);
    const before = inSageMaker(env);
    const bad = await release(env, BAD_MODEL);
    expect(bad.status).toBe('rolledBack');
    expect(inSageMaker(env)).toEqual(before);
    expectExactly(env, [first, second]);
    expect(env.sim.endpoint(ENDPOINT)?.endpointConfigName).toBe(finalOf(second));
    // The next success prunes as usual: the rolled-back rollout is not counted.
    const fourth = await release(env);
    expectExactly(env, [second, fourth]);
  });
});

describe('retention never deletes what the endpoint may still use', () => {
  it('an endpoint moved back by hand to an older kept config: that config and its model stay', async () => {
    const env = environment();
    const first = await release(env);
    await release(env);
    // Someone points the endpoint back at the first rollout's config (still kept: it is the previous one).
    await env.sim.sagemaker.updateEndpoint(ENDPOINT, finalOf(first));
    await env.bridge.runUntil(() => env.sim.endpoint(ENDPOINT)?.status === 'InService', 30);
    const third = await release(env);
    expect(third.status).toBe('succeeded');
    expect(third.input.baseline?.endpointConfigName).toBe(finalOf(first));
    const { configs, models } = inSageMaker(env);
    // The first rollout's config is this rollout's baseline (what undo goes back to): kept, with its model.
    expect(configs).toEqual(expect.arrayContaining([finalOf(first), finalOf(third)]));
    expect(models).toEqual(expect.arrayContaining([modelOf(first), modelOf(third)]));
    expect(env.sim.violations).toEqual([]);
  });
});
