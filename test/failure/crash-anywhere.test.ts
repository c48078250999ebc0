// Crash anywhere: for each strategy, a whole rollout is replayed once per interruption point a clean
// run passes — before and after every mutating AWS call, before and after every store write — with
// the host killed there and a fresh engine (same store, same cloud) carrying the rollout to its end.
// Every replay must end as the clean run does, with traffic served throughout and nothing left over.
import { BAD_MODEL, DEMO_ENDPOINT, HEALTHY_MODEL } from '../../src/cli/simulated-environment';
import { AUTO_SCALING, ROLLOUT_ID, runWorld, type CrashScenario, type WorldRun } from './crash-harness';

const ORIGINAL_CONFIG = `${DEMO_ENDPOINT}-config-0`;
const ORIGINAL_MODEL = `${DEMO_ENDPOINT}-model-0`;

const SCENARIOS: CrashScenario[] = [
  { name: 'AllAtOnce', strategy: 'AllAtOnce', candidate: HEALTHY_MODEL, expected: 'succeeded' },
  {
    name: 'Canary10Percent5Minutes',
    strategy: 'Canary10Percent5Minutes',
    candidate: HEALTHY_MODEL,
    expected: 'succeeded',
  },
  {
    name: 'Linear10PercentEvery3Minutes',
    strategy: 'Linear10PercentEvery3Minutes',
    candidate: HEALTHY_MODEL,
    expected: 'succeeded',
  },
  {
    name: 'manual gate (10%,2m,pause,50%,2m), promoted when it waits',
    strategy: '10%,2m,pause,50%,2m',
    candidate: HEALTHY_MODEL,
    expected: 'succeeded',
    promoteAtGate: true,
  },
  {
    name: 'bad-model Canary10Percent5Minutes (alarm, roll back)',
    strategy: 'Canary10Percent5Minutes',
    candidate: BAD_MODEL,
    expected: 'rolledBack',
  },
  {
    name: 'AllAtOnce after two earlier releases (retention prunes the oldest)',
    strategy: 'AllAtOnce',
    candidate: HEALTHY_MODEL,
    expected: 'succeeded',
    earlier: 2,
  },
  {
    name: 'auto-scaled, AllAtOnce onto another instance type (deregisters and restores the baseline’s scaling)',
    strategy: 'AllAtOnce',
    candidate: HEALTHY_MODEL,
    expected: 'succeeded',
    autoScaled: true,
    instanceType: 'ml.c5.large',
  },
  {
    name: 'auto-scaled, bad-model Canary10Percent5Minutes (the candidate’s own target, then roll back)',
    strategy: 'Canary10Percent5Minutes',
    candidate: BAD_MODEL,
    expected: 'rolledBack',
    autoScaled: true,
  },
  {
    name: 'Canary10Percent5Minutes, endpoint deleted mid-bake (ends failed, removes what it created)',
    strategy: 'Canary10Percent5Minutes',
    candidate: HEALTHY_MODEL,
    expected: 'failed',
    deleteEndpointMidBake: true,
  },
];

/**
 * The serving variant scales as the team set it up; nothing is registered for any other variant of
 * the endpoint; no update SageMaker or Application Auto Scaling refused was sent.
 */
function scalingProblems(run: WorldRun, scenario: CrashScenario): string[] {
  const { env, final } = run;
  const problems: string[] = [];
  const serving = env.sim.scalingOf(DEMO_ENDPOINT, AUTO_SCALING.variantName);
  const seen = serving && {
    target: serving.target,
    policies: serving.policies.map(({ policyName, policyType, configuration }) => ({
      policyName,
      policyType,
      configuration,
    })),
    scheduledActions: serving.scheduledActions.map(
      ({ scheduledActionName, schedule, scalableTargetAction }) => ({
        scheduledActionName,
        schedule,
        scalableTargetAction,
      }),
    ),
  };
  const wanted = {
    target: AUTO_SCALING.target,
    policies: [AUTO_SCALING.policy],
    scheduledActions: [AUTO_SCALING.scheduledAction],
  };
  if (JSON.stringify(seen) !== JSON.stringify(wanted)) {
    problems.push(`serving variant scales as ${JSON.stringify(seen)}, not ${JSON.stringify(wanted)}`);
  }
  if (
    scenario.expected !== 'failed' &&
    env.sim.scalingOf(DEMO_ENDPOINT, final.record.input.names.candidateVariant)
  ) {
    problems.push('the candidate variant is still registered');
  }
  const refused = env.sim.calls.filter(
    (c) => /^(UpdateEndpoint|Register|Deregister|Put)/.test(c.operation) && c.outcome === 'error',
  );
  if (refused.length) {
    problems.push(`refused: ${refused.map((c) => `${c.operation} ${c.error?.message ?? ''}`).join('; ')}`);
  }
  return problems;
}

/** Everything wrong with a finished world; empty when the rollout ended as it should. */
async function problemsOf(run: WorldRun, scenario: CrashScenario): Promise<string[]> {
  const { env, final } = run;
  const problems: string[] = [];
  const stored = await env.store.get(ROLLOUT_ID);
  if (final.record.status !== scenario.expected) {
    problems.push(`ended ${final.record.status} (${final.record.reason ?? ''}), not ${scenario.expected}`);
  }
  if (stored?.status !== final.record.status || stored?.version !== final.record.version) {
    problems.push(`store holds ${stored?.status} v${stored?.version}, runner saw v${final.record.version}`);
  }
  if (env.sim.violations.length) problems.push(`violations: ${env.sim.violations.join('; ')}`);
  const silent = env.sim.servingHistory.filter(
    (c) =>
      c.endpointName === DEMO_ENDPOINT && c.variants.length > 0 && c.variants.every((v) => v.weight <= 0),
  );
  if (silent.length) problems.push(`served nothing at ${silent.map((c) => c.at).join(', ')}`);
  if (scenario.autoScaled) problems.push(...scalingProblems(run, scenario));
  const busy = env.sim.calls.filter((c) => c.error?.code === 'ENDPOINT_BUSY');
  if (busy.length) problems.push(`update sent while Updating: ${busy.map((c) => c.operation).join(', ')}`);
  const leftovers = [
    ...env.sim.modelNames().map((n) => `model ${n}`),
    ...env.sim.endpointConfigNames().map((n) => `endpoint config ${n}`),
    ...env.sim.alarmNames().map((n) => `alarm ${n}`),
  ].filter((n) => n.split(' ').at(-1)!.startsWith('smr-'));
  if (await env.store.activeForEndpoint(DEMO_ENDPOINT)) problems.push('endpoint lock still held');
  // Retention keeps the previous release's final config and model (the one before the live one);
  // a rollout that did not succeed prunes nothing, so every earlier release keeps them.
  const kept = (scenario.expected === 'succeeded' ? run.earlier.slice(-1) : run.earlier).flatMap((r) => [
    `endpoint config ${r.input.names.finalConfig}`,
    `model ${r.input.names.candidateModel}`,
  ]);
  for (const name of kept) if (!leftovers.includes(name)) problems.push(`retention deleted ${name}`);
  if (scenario.expected === 'failed') {
    // The endpoint was deleted: nothing the rollout created may stay.
    const leaked = leftovers.filter((n) => !kept.includes(n));
    if (leaked.length) problems.push(`left behind: ${leaked.join(', ')}`);
    if (final.record.reason !== `endpoint ${DEMO_ENDPOINT} was deleted during the rollout`) {
      problems.push(`reason: ${final.record.reason ?? ''}`);
    }
    return problems;
  }
  // After a promotion the candidate model and final config are what the endpoint runs: not leftovers.
  const endpoint = env.sim.endpoint(DEMO_ENDPOINT)!;
  const live = new Set([
    `endpoint config ${endpoint.endpointConfigName}`,
    ...endpoint.variants.map((v) => `model ${v.modelName}`),
    ...kept,
  ]);
  const leaked = leftovers.filter((n) => !live.has(n));
  if (leaked.length) problems.push(`left behind: ${leaked.join(', ')}`);
  if (endpoint.status !== 'InService') problems.push(`endpoint ${endpoint.status}`);
  if (scenario.expected === 'succeeded') {
    const candidateModel = final.record.input.names.candidateModel;
    if (endpoint.endpointConfigName !== final.record.input.names.finalConfig) {
      problems.push(`endpoint runs ${endpoint.endpointConfigName}, not the final config`);
    }
    if (JSON.stringify(endpoint.variants.map((v) => v.modelName)) !== JSON.stringify([candidateModel])) {
      problems.push(`endpoint serves ${endpoint.variants.map((v) => v.modelName).join(', ')}`);
    }
  } else {
    if (endpoint.endpointConfigName !== ORIGINAL_CONFIG) {
      problems.push(`endpoint runs ${endpoint.endpointConfigName}, not ${ORIGINAL_CONFIG}`);
    }
    if (JSON.stringify(endpoint.variants.map((v) => v.modelName)) !== JSON.stringify([ORIGINAL_MODEL])) {
      problems.push(`endpoint serves ${endpoint.variants.map((v) => v.modelName).join(', ')}`);
    }
  }
  return problems;
}

/** Interruption-point kinds (e.g. "before sagemaker.updateWeights") every scenario passed, for the summary. */
const kindsSeen = new Set<string>();
const exercised: Record<string, number> = {};

describe('a host crash at any interruption point, then a fresh engine over the same store', () => {
  it.each(SCENARIOS)('$name: ends $expected from every crash point', async (scenario) => {
    const clean = await runWorld(scenario);
    expect(await problemsOf(clean, scenario)).toEqual([]);
    const points = [...clean.plan.points];
    const failures: string[] = [];
    let crashes = 0;
    for (let k = 1; k <= points.length; k++) {
      try {
        const run = await runWorld(scenario, k);
        if (run.hosts !== 2 || run.plan.crashedAt !== points[k - 1]) {
          failures.push(`#${k} ${points[k - 1]}: crashed at ${run.plan.crashedAt ?? 'nothing'}`);
          continue;
        }
        crashes++;
        for (const problem of await problemsOf(run, scenario)) {
          failures.push(`#${k} ${points[k - 1]}: ${problem}`);
        }
      } catch (error) {
        failures.push(`#${k} ${points[k - 1]}: threw ${(error as Error).stack ?? String(error)}`);
      }
    }
    for (const point of points) kindsSeen.add(point.replace(/ v\d+$/, ''));
    exercised[scenario.name] = crashes;
    expect(failures).toEqual([]);
    // The summary: one replay per interruption point of the clean run, each a real crash.
    expect({ strategy: scenario.name, crashPointsExercised: crashes }).toEqual({
      strategy: scenario.name,
      crashPointsExercised: points.length,
    });
    expect(points.length).toBeGreaterThan(20);
  });

  it('interrupted all twelve mutating AWS calls and both sides of the save, in some scenario', () => {
    expect(Object.keys(exercised)).toHaveLength(SCENARIOS.length);
    const calls = [
      'sagemaker.createModel',
      'sagemaker.createEndpointConfig',
      'sagemaker.updateEndpoint',
      'sagemaker.updateWeights',
      'sagemaker.deleteEndpointConfig',
      'sagemaker.deleteModel',
      'cloudwatch.putCandidateAlarm',
      'cloudwatch.deleteAlarms',
      'autoscaling.registerScalableTarget',
      'autoscaling.putScalingPolicy',
      'autoscaling.putScheduledAction',
      'autoscaling.deregisterScalableTarget',
      'store.save',
    ];
    const wanted = calls.flatMap((c) => [`before ${c}`, `after ${c}`]);
    expect([...kindsSeen].filter((k) => wanted.includes(k)).sort()).toEqual([...wanted].sort());
  });
});
