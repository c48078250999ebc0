// An endpoint deleted mid-rollout, the way it happens in AWS: someone (or a stack) calls
// DeleteEndpoint while the rollout bakes; the endpoint is Deleting for a few minutes, then gone. The
// rollout ends failed with the reason, removes everything it created, and the handler takes every
// later event for that endpoint calmly.
import { ENDPOINT, FaultHarness } from './faults-harness';

async function deleteMidBake(h: FaultHarness): Promise<number> {
  h.approveNewVersion();
  let deletedAt: number | undefined;
  await h.runUntil(
    () => h.ended(),
    40,
    async () => {
      const r = await h.only();
      if (deletedAt === undefined && r.phase.startsWith('baking')) {
        deletedAt = h.now();
        h.sim.deleteEndpoint(ENDPOINT);
      }
    },
  );
  expect(deletedAt).toBeDefined();
  return deletedAt!;
}

describe('DeleteEndpoint while a rollout bakes', () => {
  it('ends the rollout failed with the reason, removes what it created, and leaves the team’s own config and model', async () => {
    const h = new FaultHarness({ strategy: 'Canary10Percent5Minutes' });
    const deletedAt = await deleteMidBake(h);

    const final = await h.only();
    expect(final.status).toBe('failed');
    expect(final.reason).toBe(`endpoint ${ENDPOINT} was deleted during the rollout`);
    // Ended on the DELETING event, while SageMaker was still deleting the endpoint.
    expect(final.updatedAt - deletedAt).toBeLessThan(h.sim.timings.deleteEndpointMs);
    const timeline = await h.timeline(final.id);
    expect(timeline.slice(-3).map((e) => e.kind)).toEqual(['endpointDeleted', 'candidateRemoved', 'failed']);
    expect(timeline.some((e) => e.kind === 'rollbackStarted')).toBe(false);
    expect(h.lifecycle.published.map((e) => e.detailType).at(-1)).toBe('Rollout Failed');
    // Nothing tried to move traffic on an endpoint that is going away.
    const afterDelete = h.sim.calls.filter((c) => c.at >= deletedAt);
    expect(afterDelete.filter((c) => /^Update/.test(c.operation))).toEqual([]);
    expect(afterDelete.filter((c) => /^Delete/.test(c.operation)).map((c) => c.operation)).toEqual([
      'DeleteEndpointConfig',
      'DeleteEndpointConfig',
      'DeleteModel',
      'DeleteAlarms',
    ]);
    expect(h.sim.modelNames()).toEqual([`${ENDPOINT}-model-0`]);
    expect(h.sim.endpointConfigNames()).toEqual([`${ENDPOINT}-config-0`]);
    expect(h.sim.alarmNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(h.sim.violations).toEqual([]);
    expect(h.thrown).toEqual([]);

    h.sim.clock.advanceBy(h.sim.timings.deleteEndpointMs * 2);
    expect(h.sim.endpoint(ENDPOINT)).toBeUndefined();
  });

  it('later events for that endpoint are handled without an error: state changes, alarms, ticks, approvals, commands', async () => {
    const h = new FaultHarness({ strategy: 'Canary10Percent5Minutes' });
    await deleteMidBake(h);
    const final = await h.only();
    const alarmName = final.input.candidateAlarms[0]!.alarmName;

    const later = [
      // SageMaker may send an event more than once.
      h.envelope('aws.sagemaker', 'SageMaker Endpoint State Change', {
        EndpointName: ENDPOINT,
        EndpointStatus: 'DELETING',
      }),
      h.envelope('aws.cloudwatch', 'CloudWatch Alarm State Change', {
        alarmName,
        state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: new Date(h.now()).toISOString() },
        previousState: { value: 'OK', reason: '', timestamp: new Date(h.now()).toISOString() },
      }),
      h.commandEvent({ command: 'abort', rolloutId: final.id }),
      h.commandEvent({ command: 'undo', endpoint: ENDPOINT }),
    ];
    for (const event of later) {
      expect(await h.deliver(event)).toMatchObject({ ok: true });
    }
    for (let m = 0; m < 5; m++) await h.minute();
    h.approveNewVersion();
    for (let m = 0; m < 3; m++) await h.minute();

    expect(h.thrown).toEqual([]);
    expect((await h.only()).status).toBe('failed');
    // The new approval is refused (the endpoint is gone), with the reason, and changes nothing.
    const refusal = h.logs.find((l) => l.message.startsWith('rollout refused:'))!;
    expect(refusal.fields).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', endpointName: ENDPOINT });
    expect(h.sim.modelNames()).toEqual([`${ENDPOINT}-model-0`]);
    expect(await h.store.activeForEndpoint(ENDPOINT)).toBeUndefined();
  });

  it('a rollout that is shifting traffic when the endpoint is deleted ends the same way', async () => {
    const h = new FaultHarness({ strategy: 'Linear10PercentEvery1Minute' });
    h.approveNewVersion();
    let deleted = false;
    // Looked at after every delivery: the wake-up at a bake's end starts a shift mid-minute, and the
    // shift (about 30 s) is over before the minute is.
    h.bridge.between = async () => {
      const r = await h.only().catch(() => undefined);
      if (!deleted && r?.phase.startsWith('shifting traffic (step 3')) {
        deleted = true;
        h.sim.deleteEndpoint(ENDPOINT);
      }
    };
    await h.runUntil(() => h.ended(), 60);
    expect(deleted).toBe(true);
    const final = await h.only();
    expect(final.status).toBe('failed');
    expect(final.reason).toBe(`endpoint ${ENDPOINT} was deleted during the rollout`);
    expect(h.sim.modelNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(h.sim.endpointConfigNames().filter((n) => n.startsWith('smr-'))).toEqual([]);
    expect(h.thrown).toEqual([]);
  });
});
