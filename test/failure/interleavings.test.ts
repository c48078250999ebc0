// Events out of order and twice: fast-check generates interleavings of duplicated and reordered
// approvals, alarm state changes (ALARM/OK, watched and unrelated alarms), endpoint state changes
// (real ones delivered late or twice, and spurious ones), operator commands (pause/resume/promote/abort
// aimed at the endpoint, the active rollout or a rollout that does not exist, some redelivered with the
// same event id) and Scheduled Events, delivered to the controller handler over simulated minutes.
// After every delivery the invariants hold; after a drain every rollout has ended cleanly.
//
// Run count: one property, PROPERTY_RUNS = 300 generated interleavings (override with the
// PROPERTY_RUNS environment variable), each of 5–30 actions plus the drain: thousands of handler
// invocations in all, each followed by the invariant checks.
import fc from 'fast-check';
import type { HandlerResult } from '../../src/handlers/controller';
import { candidateAlarmName } from '../../src/engine/names';
import type { SimEvent } from '../../src/sim';
import type { RolloutRecord } from '../../src/store';
import { ENDPOINT, FaultHarness, HEALTHY, TERMINAL } from './faults-harness';
import { approvalEventOf } from '../handlers/harness';

const PROPERTY_RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const POLICY_ALARM = 'churn-prod-5xx';
const BAD = { errorRate: 0.3, latencyMs: 140 };

type Command = 'pause' | 'resume' | 'promote' | 'abort';

type Action =
  | { t: 'approval'; version: 0 | 1 }
  | { t: 'alarm'; target: 'candidate' | 'policy' | 'unrelated'; state: 'ALARM' | 'OK' }
  | { t: 'endpoint'; status: 'IN_SERVICE' | 'UPDATING' | 'FAILED' | 'SYSTEM_UPDATING' }
  | { t: 'simEvent'; pick: number; keep: boolean }
  | { t: 'command'; command: Command; target: 'endpoint' | 'active' | 'unknown'; redeliver: number | null }
  | { t: 'schedule' }
  | { t: 'advance'; seconds: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('approval' as const),
      version: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('alarm' as const),
      target: fc.constantFrom('candidate' as const, 'policy' as const, 'unrelated' as const),
      state: fc.constantFrom('ALARM' as const, 'OK' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('endpoint' as const),
      status: fc.constantFrom(
        'IN_SERVICE' as const,
        'UPDATING' as const,
        'FAILED' as const,
        'SYSTEM_UPDATING' as const,
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('simEvent' as const), pick: fc.nat(20), keep: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('command' as const),
      command: fc.constantFrom<Command>('pause', 'resume', 'promote', 'abort'),
      target: fc.constantFrom('endpoint' as const, 'active' as const, 'unknown' as const),
      redeliver: fc.option(fc.nat(5), { nil: null }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('schedule' as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('advance' as const), seconds: fc.integer({ min: 5, max: 150 }) }),
  },
);

const scenarioArb = fc.record({
  strategy: fc.constantFrom('AllAtOnce', '50%,1m', '20%,1m,pause', 'pause,50%,1m'),
  newerIsBad: fc.boolean(),
  twoVersions: fc.boolean(),
  actions: fc.array(actionArb, { minLength: 5, maxLength: 30 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

class World {
  readonly h: FaultHarness;
  readonly approvals: SimEvent[];
  readonly sentCommands: Record<string, unknown>[] = [];
  readonly results: HandlerResult[] = [];
  deliveries = 0;

  constructor(s: Scenario) {
    this.h = new FaultHarness({
      strategy: s.strategy,
      finalBake: '1m',
      alarms: [POLICY_ALARM],
      timings: { updateEndpointMs: 90_000, updateWeightsMs: 15_000 },
      requestsPerMinute: 60,
    });
    this.h.sim.createMetricAlarm({
      alarmName: POLICY_ALARM,
      metricName: 'Invocation5XXErrors',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 0.5,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
    });
    const arns = [this.h.approveNewVersion(HEALTHY)];
    if (s.twoVersions) arns.push(this.h.approveNewVersion(s.newerIsBad ? BAD : HEALTHY));
    // Approvals are delivered by the actions (and again by the drain), in whatever order they say.
    this.approvals = arns.map((arn) => approvalEventOf(this.h.sim, arn));
    this.h.discardPending();
  }

  async rollouts(): Promise<RolloutRecord[]> {
    return (await this.h.store.list({ endpointName: ENDPOINT })).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deliver(event: unknown): Promise<void> {
    const result = await this.h.deliver(event);
    this.deliveries++;
    if ('thrown' in result)
      throw new Error(`the handler threw: ${String(result.thrown)}\n${this.h.logText()}`);
    this.results.push(result);
    await this.checkInvariants();
  }

  async checkInvariants(): Promise<void> {
    const { sim } = this.h;
    const all = await this.rollouts();
    const active = all.filter((r) => !TERMINAL.includes(r.status));
    // At most one active rollout per endpoint (and the store's lock agrees).
    expect(active.length).toBeLessThanOrEqual(1);
    expect((await this.h.store.activeForEndpoint(ENDPOINT))?.id).toBe(active[0]?.id);
    // The endpoint never serves with total weight 0, no live config or model was deleted.
    expect(sim.violations).toEqual([]);
    // Nothing in these interleavings leaves the rollout nowhere to go back to.
    expect(all.filter((r) => r.status === 'failed').map((r) => r.reason)).toEqual([]);
    const endpoint = sim.endpoint(ENDPOINT)!;
    const latest = all.at(-1);
    if (active.length === 0 && latest && endpoint.status === 'InService') {
      expect(endpoint.variants).toHaveLength(1);
      const [only] = endpoint.variants;
      if (latest.status === 'rolledBack') {
        const baseline = latest.input.baseline!;
        expect(endpoint.endpointConfigName).toBe(baseline.endpointConfigName);
        expect(only!.variantName).toBe(baseline.variantName);
        expect(only!.modelName).toBe(baseline.modelName);
      } else {
        expect(latest.status).toBe('succeeded');
        expect(endpoint.endpointConfigName).toBe(latest.input.names.finalConfig);
        // The new model serves under the baseline's variant name.
        expect(only!.variantName).toBe(latest.input.baseline!.variantName);
        expect(only!.modelName).toBe(latest.input.names.candidateModel);
      }
    }
  }

  private async activeOrLatest(): Promise<RolloutRecord | undefined> {
    const all = await this.rollouts();
    return all.find((r) => !TERMINAL.includes(r.status)) ?? all.at(-1);
  }

  async run(action: Action): Promise<void> {
    const { h } = this;
    switch (action.t) {
      case 'approval': {
        const event = this.approvals[action.version] ?? this.approvals[0]!;
        return this.deliver(event);
      }
      case 'alarm': {
        const r = await this.activeOrLatest();
        const alarmName =
          action.target === 'policy'
            ? POLICY_ALARM
            : action.target === 'unrelated'
              ? 'someone-elses-alarm'
              : candidateAlarmName(ENDPOINT, r?.id ?? 'r-none', '5xx-rate');
        return this.deliver(
          h.envelope('aws.cloudwatch', 'CloudWatch Alarm State Change', {
            alarmName,
            state: { value: action.state, reason: `Threshold Crossed: test says ${action.state}` },
            previousState: { value: action.state === 'OK' ? 'ALARM' : 'OK', reason: '' },
          }),
        );
      }
      case 'endpoint':
        return this.deliver(
          h.envelope('aws.sagemaker', 'SageMaker Endpoint State Change', {
            EndpointName: ENDPOINT,
            EndpointStatus: action.status,
          }),
        );
      case 'simEvent': {
        if (h.pending.length === 0) return;
        return this.deliver(h.bridge.takePending(action.pick % h.pending.length, action.keep));
      }
      case 'command': {
        const previous = action.redeliver === null ? undefined : this.sentCommands[action.redeliver];
        if (previous) {
          await this.deliver(previous);
          // The same event id again (EventBridge at-least-once): reported as a duplicate, not re-applied.
          const last = this.results.at(-1);
          expect(last && last.ok && last.outcomes[0]?.action).toBe('duplicate');
          return;
        }
        const r = await this.activeOrLatest();
        const target =
          action.target === 'endpoint'
            ? { endpoint: ENDPOINT }
            : { rolloutId: action.target === 'active' && r ? r.id : 'r-doesnotexist' };
        const event = h.commandEvent({ command: action.command, ...target });
        this.sentCommands.push(event);
        return this.deliver(event);
      }
      case 'schedule':
        return this.deliver(h.scheduledEvent());
      case 'advance': {
        const target = h.now() + action.seconds * 1000;
        for (let next = h.sim.clock.nextScheduledAt(); next !== undefined && next <= target;) {
          h.sim.clock.advanceTo(next);
          next = h.sim.clock.nextScheduledAt();
        }
        h.sim.clock.advanceTo(target);
        return;
      }
    }
  }

  /** Delivers what is left in order, minute by minute, steering manual gates, until all has ended. */
  async drain(): Promise<void> {
    const { h } = this;
    // Every approval arrives at least once more, in version order (duplicates of earlier deliveries).
    for (const approval of this.approvals) await this.deliver(approval);
    for (let minute = 0; minute < 120; minute++) {
      for (let e = h.bridge.takePending(0); e; e = h.bridge.takePending(0)) await this.deliver(e);
      const all = await this.rollouts();
      const active = all.find((r) => !TERMINAL.includes(r.status));
      const pendingApproval = (await h.store.listPendingApprovals()).length > 0;
      if (!active && !pendingApproval && h.sim.endpoint(ENDPOINT)!.status === 'InService') return;
      if (active?.status === 'paused')
        await this.deliver(h.commandEvent({ command: 'resume', endpoint: ENDPOINT }));
      if (active?.status === 'awaitingPromotion') {
        await this.deliver(h.commandEvent({ command: 'promote', endpoint: ENDPOINT }));
      }
      await this.run({ t: 'advance', seconds: 60 });
      await this.deliver(h.scheduledEvent());
    }
    throw new Error(`not drained after 120 simulated minutes:\n${h.logText()}`);
  }
}

async function playOut(s: Scenario): Promise<World> {
  const world = new World(s);
  for (const action of s.actions) await world.run(action);
  await world.drain();
  await world.checkInvariants();
  return world;
}

describe('events out of order and twice (fast-check)', () => {
  it(`invariants hold after every delivery; every rollout ends cleanly; duplicates act once (${PROPERTY_RUNS} runs)`, async () => {
    let deliveries = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const world = await playOut(s);
        deliveries += world.deliveries;
        const all = await world.rollouts();
        // The drain delivered every approval: one rollout at least, and all of them ended cleanly.
        expect(all.length).toBeGreaterThanOrEqual(1);
        expect(all.every((r) => r.status === 'succeeded' || r.status === 'rolledBack')).toBe(true);
        // However often an approval was delivered, its version was rolled out at most once.
        const perPackage = new Map<string, number>();
        for (const r of all) perPackage.set(r.modelPackageArn, (perPackage.get(r.modelPackageArn) ?? 0) + 1);
        for (const count of perPackage.values()) expect(count).toBe(1);
      }),
      { numRuns: PROPERTY_RUNS },
    );
    // Each run is dozens of handler invocations, every one followed by the invariant checks.
    expect(deliveries).toBeGreaterThan(PROPERTY_RUNS * 10);
  });
});
