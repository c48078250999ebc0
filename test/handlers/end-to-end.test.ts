// The controller Lambda end to end on the simulated cloud: an approval starts a rollout that the
// schedule and endpoint events carry to its end; alarms (delivered or lost) roll a bad model back.
import type { SimCall } from '../../src/sim';
import { BAD, ENDPOINT, Harness, MINUTE } from './harness';

const ORIGINAL_MODEL = `${ENDPOINT}-model-0`;
const ORIGINAL_CONFIG = `${ENDPOINT}-config-0`;

/** An UpdateEndpointWeightsAndCapacities that sends every request back to the baseline. */
function isWeightsBackToBaseline(call: SimCall, candidateVariant: string): boolean {
  if (call.operation !== 'UpdateEndpointWeightsAndCapacities') return false;
  const weights = call.input.DesiredWeightsAndCapacities as { VariantName: string; DesiredWeight: number }[];
  return weights.some((w) => w.VariantName === candidateVariant && w.DesiredWeight === 0);
}

function candidateVariantOf(h: Harness): string {
  const call = h.sim.calls.find((c) => c.operation === 'CreateEndpointConfig')!;
  const variants = call.input.ProductionVariants as { VariantName: string; ModelName: string }[];
  return variants.find((v) => v.ModelName !== ORIGINAL_MODEL)!.VariantName;
}

/** Turns the candidate bad once the rollout bakes at 10%; returns when it did. */
function turnBadWhileBaking(h: Harness, candidate: string): { at?: number } {
  const state: { at?: number } = {};
  h.between = async () => {
    if (state.at !== undefined) return;
    const record = await h.rolloutFor(candidate);
    if (record?.status === 'running' && /baking .*10%/.test(record.phase)) {
      state.at = h.now();
      h.sim.setBehaviour(candidate, BAD);
    }
  };
  return state;
}

function expectBackOnOriginal(h: Harness): void {
  const endpoint = h.sim.endpoint(ENDPOINT)!;
  expect(endpoint.status).toBe('InService');
  expect(endpoint.endpointConfigName).toBe(ORIGINAL_CONFIG);
  expect(h.servingModels()).toEqual([ORIGINAL_MODEL]);
  expect(h.busyErrors()).toEqual([]);
  expect(h.sim.violations).toEqual([]);
}

describe('controller handler end to end', () => {
  it('an approval event, then ticks and endpoint events, carry the rollout to succeeded', async () => {
    const h = new Harness();
    const candidate = h.approveNewVersion();
    await h.flush();
    // Registration (PendingManualApproval) is ignored; the approval starts the rollout.
    const outcomes = h.invocations.map((i) => (i.result?.ok ? i.result.outcomes[0]?.action : 'error'));
    expect(outcomes.slice(0, 2)).toEqual(['ignored', 'started']);

    await h.runUntil(() => h.ended(candidate));
    const record = (await h.rolloutFor(candidate))!;
    expect(record.status).toBe('succeeded');
    expect(h.servingModels()).toEqual([h.modelFor(candidate)]);
    expect(h.sim.endpoint(ENDPOINT)!.status).toBe('InService');
    expect(h.busyErrors()).toEqual([]);
    expect(h.sim.violations).toEqual([]);
    expect(h.sim.calls.filter((c) => c.outcome === 'error')).toEqual([]);
    // Many invocations of each kind moved it: the schedule and the endpoint's state changes.
    const kinds = h.invocations.map((i) => (i.result?.ok ? i.result.kind : 'error'));
    expect(kinds.filter((k) => k === 'schedule').length).toBeGreaterThan(10);
    expect(kinds.filter((k) => k === 'endpoint').length).toBeGreaterThan(3);
    expect(kinds).not.toContain('error');
    expect(h.lifecycle.published.map((e) => e.detailType)).toEqual(
      expect.arrayContaining(['Rollout Started', 'Traffic Shifted', 'Rollout Succeeded']),
    );
    expect(h.logs.some((l) => l.message === 'rollout succeeded')).toBe(true);
    expect(await h.store.activeForEndpoint(ENDPOINT)).toBeUndefined();
  });

  it('an ALARM event mid-bake rolls back in the same invocation', async () => {
    // Alarms alone: the judge, looking every 10 s, would catch the bad model before its alarm fires.
    const h = new Harness({ judge: false });
    const candidate = h.approveNewVersion();
    const bad = turnBadWhileBaking(h, candidate);
    await h.runUntil(() => h.ended(candidate));
    expect(bad.at).toBeDefined();

    const record = (await h.rolloutFor(candidate))!;
    expect(record.status).toBe('rolledBack');
    const alarmName = record.input.candidateAlarms[0]!.alarmName;
    expect(record.reason).toContain(alarmName);

    const alarmInvocation = h.invocations.find(
      (i) =>
        i.event['detail-type'] === 'CloudWatch Alarm State Change' &&
        (i.event.detail as { state: { value: string } }).state.value === 'ALARM',
    )!;
    expect(alarmInvocation).toBeDefined();
    expect(alarmInvocation.result).toMatchObject({
      ok: true,
      kind: 'alarm',
      outcomes: [{ action: 'advanced', rolloutId: record.id }],
    });
    const outcome = alarmInvocation.result!.ok ? alarmInvocation.result!.outcomes[0]! : undefined;
    expect(['rollingBack', 'rolledBack']).toContain(outcome?.status);
    // Traffic went back to the baseline inside that very invocation, not at the next tick.
    const variant = candidateVariantOf(h);
    expect(h.callsOf(alarmInvocation).some((c) => isWeightsBackToBaseline(c, variant))).toBe(true);
    const firstBack = h.sim.calls.findIndex((c) => isWeightsBackToBaseline(c, variant));
    expect(firstBack).toBeGreaterThanOrEqual(alarmInvocation.calls[0]);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: `alarm ${alarmName} is in ALARM: rolling back` }),
    );
    expectBackOnOriginal(h);
  });

  it('a lost ALARM event still rolls back: the tick reads the alarm within 2 minutes', async () => {
    // Alarms alone: the judge would catch the bad model before its alarm fires.
    const h = new Harness({ judge: false });
    h.drop = (e) => e.source === 'aws.cloudwatch';
    const candidate = h.approveNewVersion();
    const bad = turnBadWhileBaking(h, candidate);
    await h.runUntil(() => h.ended(candidate));
    expect(bad.at).toBeDefined();

    const record = (await h.rolloutFor(candidate))!;
    expect(record.status).toBe('rolledBack');
    const alarmName = record.input.candidateAlarms[0]!.alarmName;
    expect(record.reason).toContain(alarmName);
    // The sim did send the alarm event; EventBridge lost it.
    const alarmEvent = h.sim.events.find(
      (e) => e['detail-type'] === 'CloudWatch Alarm State Change' && e.detail.state.value === 'ALARM',
    )!;
    expect(alarmEvent).toBeDefined();
    expect(h.invocations.some((i) => i.event['detail-type'] === 'CloudWatch Alarm State Change')).toBe(false);
    const alarmAt = Date.parse(alarmEvent.time);

    const variant = candidateVariantOf(h);
    const back = h.sim.calls.find((c) => isWeightsBackToBaseline(c, variant))!;
    expect(back).toBeDefined();
    expect(back.at).toBeGreaterThanOrEqual(alarmAt);
    expect(back.at - alarmAt).toBeLessThanOrEqual(2 * MINUTE);
    const invocation = h.invocations.find(
      (i) => h.callsOf(i).includes(back) && i.event['detail-type'] === 'Scheduled Event',
    );
    expect(invocation).toBeDefined();
    expectBackOnOriginal(h);
  });
});
