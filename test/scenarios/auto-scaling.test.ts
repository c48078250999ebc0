// Whole rollouts on an auto-scaled endpoint, through the controller the Lambda runs, against the
// simulated cloud's Application Auto Scaling: the team's scaling keeps working while the baseline
// serves, the candidate scales with its share, no update SageMaker would reject is ever sent, and
// after success or rollback the serving variant scales exactly as before.
import { BAD_MODEL, HEALTHY_MODEL } from '../../src/cli/simulated-environment';
import type { SimulatedEnvironment } from '../../src/cli/simulated-environment';
import { startCommandDetail } from '../../src/engine/intake';
import { commandOutcome } from '../../src/cli/backend';
import { isTerminal } from '../../statemachines/describe';
import {
  ENDPOINT,
  MUTATING_CALL,
  candidateAlarmNames,
  expectNothingLeaked,
  expectTrafficAlwaysServed,
  startScenario,
  stepOf,
  type Step,
} from './harness';
import { DEMO_CANDIDATE_ALARMS, DEMO_ROLE } from '../../src/cli/simulated-environment';

const VARIANT = 'AllTraffic';
const NOT_SUSPENDED = {
  dynamicScalingInSuspended: false,
  dynamicScalingOutSuspended: false,
  scheduledScalingSuspended: false,
};
const TARGET = { minCapacity: 2, maxCapacity: 10, suspended: NOT_SUSPENDED };
const INVOCATIONS_POLICY = {
  policyName: 'invocations-per-instance',
  policyType: 'TargetTrackingScaling' as const,
  configuration: {
    TargetValue: 400,
    PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
    ScaleInCooldown: 300,
    ScaleOutCooldown: 60,
  },
};
const WEEKDAY_MORNINGS = {
  scheduledActionName: 'weekday-mornings',
  schedule: 'cron(0 7 ? * MON-FRI *)',
  scalableTargetAction: { minCapacity: 3 },
};

/** The team's production scaling on the serving variant: 2–10 instances, target tracking, a schedule. */
async function autoScale(env: SimulatedEnvironment): Promise<void> {
  await env.sim.autoscaling.registerScalableTarget(ENDPOINT, VARIANT, TARGET);
  await env.sim.autoscaling.putScalingPolicy(ENDPOINT, VARIANT, INVOCATIONS_POLICY);
  await env.sim.autoscaling.putScheduledAction(ENDPOINT, VARIANT, WEEKDAY_MORNINGS);
}

/** The serving variant scales exactly as the team set it up, and nothing else is registered. */
function expectScalingAsBefore(env: SimulatedEnvironment, candidateVariant: string): void {
  const serving = env.sim.scalingOf(ENDPOINT, VARIANT);
  expect(serving?.target).toEqual(TARGET);
  expect(
    serving?.policies.map(({ policyName, policyType, configuration }) => ({
      policyName,
      policyType,
      configuration,
    })),
  ).toEqual([INVOCATIONS_POLICY]);
  expect(serving?.scheduledActions).toEqual([expect.objectContaining(WEEKDAY_MORNINGS)]);
  expect(env.sim.scalingOf(ENDPOINT, candidateVariant)).toBeUndefined();
}

/** No call SageMaker or Application Auto Scaling refused (a rejected UpdateEndpoint above all). */
function expectNothingRejected(env: SimulatedEnvironment): void {
  const refused = env.sim.calls.filter((c) => MUTATING_CALL.test(c.operation) && c.outcome === 'error');
  expect(refused.map((c) => `${c.operation}: ${c.error?.message ?? ''}`)).toEqual([]);
}

function variantCount(env: SimulatedEnvironment, variantName: string): number | undefined {
  return env.sim.endpoint(ENDPOINT)?.variants.find((v) => v.variantName === variantName)
    ?.currentInstanceCount;
}

describe('a rollout on an auto-scaled endpoint', () => {
  it.each(['Canary10Percent5Minutes', 'Linear10PercentEvery1Minute', 'AllAtOnce'])(
    'with %s: succeeds, the candidate scales with its share, and the promoted variant scales as before',
    async (strategy) => {
      const s = await startScenario({ strategy }, { before: autoScale });
      const { names } = s.started.record.input;
      expect(s.started.record.input.baseline?.scaling?.target).toEqual(TARGET);
      const candidateBounds: Array<{ weight: number; min?: number; max?: number }> = [];
      const end = await s.run({
        between: (step) => {
          const candidate = s.env.sim.scalingOf(ENDPOINT, names.candidateVariant);
          if (step.view.phase.startsWith('baking') && candidate) {
            candidateBounds.push({
              weight: step.view.weights.candidate,
              min: candidate.target.minCapacity,
              max: candidate.target.maxCapacity,
            });
            // The candidate tracks its own traffic with the team's policy, re-keyed to it.
            expect(candidate.policies.map((p) => p.policyName)).toEqual([INVOCATIONS_POLICY.policyName]);
          }
        },
      });

      expect(end.record.status).toBe('succeeded');
      // The new model serves under the team's variant name: their scaling target still applies.
      expect(s.env.sim.endpoint(ENDPOINT)!.variants.map((v) => [v.variantName, v.modelName])).toEqual([
        [VARIANT, names.candidateModel],
      ]);
      expectScalingAsBefore(s.env, names.candidateVariant);
      expectNothingRejected(s.env);
      expectTrafficAlwaysServed(s.env);
      // Bounds proportional to the share of the team's 2–10 (at least one instance).
      // The baseline ran 2 instances at start, its bounds are 2–10.
      for (const { weight, min, max } of candidateBounds) {
        expect(min).toBe(Math.max(1, Math.ceil((2 * weight) / 100)));
        expect(max).toBe(Math.max(min!, Math.ceil((10 * weight) / 100)));
      }
      expect(candidateBounds.length).toBeGreaterThan(0);
      const timeline = (await s.timeline()).map((e) => e.message);
      expect(timeline.find((m) => m.startsWith('Baseline is variant'))).toContain(
        'auto scaling 2–10 instances',
      );
      expect(
        timeline
          .filter((m) => m.startsWith('Traffic shifted'))
          .every((m) => /; the candidate(’s|'s auto scaling holds it at| scales within) /.test(m)),
      ).toBe(true);
    },
  );

  it('keeps its invariants when the load quadruples mid-rollout: the fleets scale out, traffic is never zero, no update is rejected', async () => {
    const s = await startScenario({ strategy: 'Linear10PercentEvery1Minute' }, { before: autoScale });
    const { names } = s.started.record.input;
    let loaded = false;
    const end = await s.run({
      between: (step) => {
        if (!loaded && step.view.weights.candidate >= 30) {
          s.env.sim.setRequestsPerMinute(ENDPOINT, 2_400);
          loaded = true;
        }
      },
    });
    expect(loaded).toBe(true);
    expect(end.record.status).toBe('succeeded');
    const scaledOut = s.env.sim.scalingActivities.filter(
      (a) => a.statusCode === 'Successful' && a.toCapacity > a.fromCapacity,
    );
    expect(scaledOut.length).toBeGreaterThan(0);
    expectScalingAsBefore(s.env, names.candidateVariant);
    expectNothingRejected(s.env);
    expectTrafficAlwaysServed(s.env);
  });

  it('a small candidate fleet is grown to its share of the baseline’s before it takes half the traffic', async () => {
    // 6,000 requests a minute on 10 instances; the model answers in 60 ms up to 600 requests per
    // instance a minute and slower in proportion beyond. The candidate is launched with 1 instance.
    const capable = { errorRate: 0.002, latencyMs: 60, capacityPerInstancePerMinute: 600 };
    const s = await startScenario(
      // The candidate answers slower than the baseline (60 ms vs 45 ms) by design: the judge would
      // rightly roll it back on latency; this test is about its capacity.
      { strategy: '50%,5m', candidate: { instanceCount: 1 }, judge: false },
      {
        candidate: capable,
        environment: { sim: { requestsPerMinute: 6_000 }, instanceCount: 10 },
        before: async (env) => {
          await env.sim.autoscaling.registerScalableTarget(ENDPOINT, VARIANT, {
            ...TARGET,
            maxCapacity: 20,
          });
          await env.sim.autoscaling.putScalingPolicy(ENDPOINT, VARIANT, {
            ...INVOCATIONS_POLICY,
            configuration: { ...INVOCATIONS_POLICY.configuration, TargetValue: 700 },
          });
        },
      },
    );
    const { names } = s.started.record.input;
    let atShift: number | undefined;
    const end = await s.run({
      between: (step) => {
        if (atShift === undefined && step.view.weights.candidate === 50) {
          atShift = variantCount(s.env, names.candidateVariant);
        }
      },
    });
    // Half of a 10-instance fleet's traffic: the candidate had 5 before it got it, and its p99
    // latency alarm never fired (on one instance it would answer 5× slower).
    expect(atShift).toBe(5);
    expect(end.record.status).toBe('succeeded');
    expectNothingRejected(s.env);
    expectTrafficAlwaysServed(s.env);
  });

  it('rolls back on an alarm: the baseline keeps the fleet it had when the rollback began, and its scaling', async () => {
    // The judge off: it would catch the bad model before its alarm does.
    const s = await startScenario({ judge: false }, { candidate: BAD_MODEL, before: autoScale });
    const { names } = s.started.record.input;
    let atRollback: { count?: number; activities: number } | undefined;
    const end = await s.run({
      between: (step) => {
        if (!atRollback && step.view.status === 'rollingBack') {
          atRollback = {
            count: variantCount(s.env, VARIANT),
            activities: s.env.sim.scalingActivities.length,
          };
        }
      },
    });
    expect(end.record.status).toBe('rolledBack');
    expect(end.record.reason).toContain(candidateAlarmNames(end)[0]);
    expectScalingAsBefore(s.env, names.candidateVariant);
    expectNothingRejected(s.env);
    expectTrafficAlwaysServed(s.env);
    expectNothingLeaked(s.env);
    // The revert asked SageMaker to keep the live count, not the original config's InitialInstanceCount.
    const revert = s.env.sim.calls.find(
      (c) => c.operation === 'UpdateEndpoint' && c.input['EndpointConfigName'] === `${ENDPOINT}-config-0`,
    );
    expect(revert?.input['RetainAllVariantProperties']).toBe(true);
    // Nothing scaled the baseline meanwhile (600 requests a minute on 2 instances stays within its
    // target), so its count now is the count it had when the rollback began.
    const scaledSince = s.env.sim.scalingActivities
      .slice(atRollback!.activities)
      .filter((a) => a.variantName === VARIANT && a.statusCode === 'Successful');
    expect(scaledSince).toEqual([]);
    expect(atRollback!.count).toBeDefined();
    expect(variantCount(s.env, VARIANT)).toBe(atRollback!.count);
  });

  it('onto another instance type: deregisters the baseline only around the promotion and restores its scaling', async () => {
    const s = await startScenario({ candidate: { instanceType: 'ml.c5.xlarge' } }, { before: autoScale });
    const { names } = s.started.record.input;
    const end = await s.run();
    expect(end.record.status).toBe('succeeded');
    expect(s.env.sim.endpoint(ENDPOINT)!.variants).toEqual([
      expect.objectContaining({ variantName: VARIANT, modelName: names.candidateModel }),
    ]);
    expectScalingAsBefore(s.env, names.candidateVariant);
    expectNothingRejected(s.env);
    const ops = s.env.sim.calls
      .filter((c) =>
        ['DeregisterScalableTarget', 'UpdateEndpoint', 'RegisterScalableTarget'].includes(c.operation),
      )
      .filter(
        (c) => c.operation === 'UpdateEndpoint' || String(c.input['ResourceId']).endsWith(`/${VARIANT}`),
      )
      .map((c) => c.operation);
    // transition, then deregister the baseline, the final update, and the baseline registered again.
    expect(ops.slice(-4)).toEqual([
      'UpdateEndpoint',
      'DeregisterScalableTarget',
      'UpdateEndpoint',
      'RegisterScalableTarget',
    ]);
    const cleaned = (await s.timeline()).find((e) => e.message.startsWith('Removed'))!.message;
    expect(cleaned).toContain(`restored auto scaling of variant ${VARIANT}`);
  });

  it('onto another instance type, a promotion SageMaker rolls back: the baseline gets its scaling back before its traffic', async () => {
    const s = await startScenario(
      { candidate: { instanceType: 'ml.c5.xlarge' }, strategy: 'AllAtOnce' },
      { before: autoScale },
    );
    const { names } = s.started.record.input;
    let armed = false;
    const end = await s.run({
      between: (step) => {
        // Once the transition is live, the next UpdateEndpoint is the promotion: it fails silently.
        if (!armed && step.view.phase.startsWith('baking')) {
          s.env.sim.injectFault({ kind: 'silentRollback', endpointName: ENDPOINT });
          armed = true;
        }
      },
    });
    expect(end.record.status).toBe('rolledBack');
    expectScalingAsBefore(s.env, names.candidateVariant);
    expectNothingRejected(s.env);
    expectTrafficAlwaysServed(s.env);
    const ops = s.env.sim.calls
      .filter((c) => ['RegisterScalableTarget', 'UpdateEndpointWeightsAndCapacities'].includes(c.operation))
      .filter(
        (c) =>
          c.operation !== 'RegisterScalableTarget' || String(c.input['ResourceId']).endsWith(`/${VARIANT}`),
      )
      .map((c) => c.operation);
    // The last weights change is the rollback's restore: the baseline was registered again just before.
    expect(ops.slice(-2)).toEqual(['RegisterScalableTarget', 'UpdateEndpointWeightsAndCapacities']);
  });

  it('a cleanup that is throttled after the promotion is tried again, and ends with the scaling in place', async () => {
    const s = await startScenario(
      { candidate: { instanceType: 'ml.c5.xlarge' }, strategy: 'AllAtOnce' },
      { before: autoScale },
    );
    const { names } = s.started.record.input;
    let armed = false;
    const end = await s.run({
      between: (step) => {
        if (!armed && step.view.phase.startsWith('promoting')) {
          // More throttling than the SDK's retries absorb: the cleanup fails with THROTTLED, twice.
          s.env.sim.injectFault({ kind: 'throttle', operations: ['DeleteAlarms'], count: 2 });
          armed = true;
        }
      },
    });
    expect(armed).toBe(true);
    expect(end.record.status).toBe('succeeded');
    expectScalingAsBefore(s.env, names.candidateVariant);
    const messages = (await s.timeline()).map((e) => e.message);
    const deletes = s.env.sim.calls.filter((c) => c.operation === 'DeleteAlarms').map((c) => c.outcome);
    expect(deletes).toEqual(['error', 'error', 'ok']);
    expect(messages.find((m) => m.startsWith('Removed'))).toContain(
      `restored auto scaling of variant ${VARIANT}`,
    );
    expect(s.env.sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
  });

  it('refuses a scaling policy it cannot reproduce for the candidate, naming it and the fix, with nothing changed', async () => {
    let callsBefore = 0;
    let sim: SimulatedEnvironment['sim'] | undefined;
    const refused = await startScenario(
      {},
      {
        before: async (env) => {
          await autoScale(env);
          await env.sim.autoscaling.putScalingPolicy(ENDPOINT, VARIANT, {
            policyName: 'queue-depth',
            policyType: 'TargetTrackingScaling',
            configuration: {
              TargetValue: 100,
              // Keyed on the endpoint alone: there is no such metric for the candidate variant to track.
              CustomizedMetricSpecification: {
                MetricName: 'ModelLatency',
                Namespace: 'AWS/SageMaker',
                Dimensions: [{ Name: 'EndpointName', Value: ENDPOINT }],
                Statistic: 'Average',
              },
            },
          });
          sim = env.sim;
          callsBefore = env.sim.calls.length;
        },
      },
    ).catch((error: unknown) => error);
    expect(String(refused)).toContain(
      'target-tracking policy queue-depth on endpoint/churn-prod/variant/AllTraffic',
    );
    expect(String(refused)).toContain('VariantName=AllTraffic');
    expect(sim!.calls.slice(callsBefore).filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
  });
});

describe('rollouts in a row on the same auto-scaled endpoint', () => {
  it('a second and a third rollout work, and the team’s variant-keyed alarm still guards after each', async () => {
    const s = await startScenario(
      { strategy: 'AllAtOnce' },
      {
        before: async (env) => {
          await autoScale(env);
          env.sim.createMetricAlarm({
            alarmName: 'churn-prod-allTraffic-5xx',
            metricName: 'Invocation5XXErrors',
            endpointName: ENDPOINT,
            variantName: VARIANT,
            statistic: 'Average',
            threshold: 0.05,
            comparison: 'GreaterThanThreshold',
            periodSeconds: 60,
            evaluationPeriods: 1,
            treatMissingData: 'notBreaching',
          });
        },
      },
    );
    let last: Step = await s.run();
    expect(last.record.status).toBe('succeeded');
    for (let round = 2; round <= 3; round++) {
      const arn = s.env.approveNewVersion(HEALTHY_MODEL);
      // Scaling in after the promotion keeps the endpoint Updating now and then: a person's start
      // waits for InService (an approval would wait as the endpoint's pending approval).
      for (let m = 0; m < 30 && s.env.sim.endpoint(ENDPOINT)!.status !== 'InService'; m++) {
        await s.env.bridge.minute();
      }
      await s.env.bridge.flush();
      const outcome = commandOutcome(
        await s.env.driver.send(
          s.env.bridge.commandEvent(
            startCommandDetail({
              endpointName: ENDPOINT,
              modelPackageArn: arn,
              executionRoleArn: DEMO_ROLE,
              strategy: 'Canary10Percent5Minutes',
              alarms: ['churn-prod-allTraffic-5xx'],
              candidateAlarms: DEMO_CANDIDATE_ALARMS,
              requestedBy: 'scenario-test',
            }),
          ),
        ),
      );
      const id = outcome.rolloutId!;
      await s.env.bridge.runUntil(async () => isTerminal((await s.env.store.get(id))!.status), 24 * 60);
      last = stepOf((await s.env.store.get(id))!);
      expect(last.record.status).toBe('succeeded');
      expect(last.record.input.baseline?.variantName).toBe(VARIANT);
      expect(s.env.sim.endpoint(ENDPOINT)!.variants.map((v) => v.variantName)).toEqual([VARIANT]);
      expectScalingAsBefore(s.env, last.record.input.names.candidateVariant);
    }
    expectNothingRejected(s.env);
    expectTrafficAlwaysServed(s.env);
    // The model now serving goes bad: the team's alarm on the variant name sees it.
    s.env.sim.setBehaviour(last.record.input.names.candidateModel, BAD_MODEL);
    for (let minute = 0; minute < 3; minute++) await s.env.bridge.minute();
    expect(s.env.sim.alarm('churn-prod-allTraffic-5xx')?.state).toBe('ALARM');
  });
});
