// Approvals judged against the version serving the endpoint, through the controller the Lambda runs
// on the simulated cloud: an approval of an older version (approvals out of order, a re-approval
// after a rejection) deploys only under `onOlderApproval: deploy`; the serving version is never
// deployed again by an approval; a newer one always is.
import { Harness, GROUP, HEALTHY } from './harness';

/** Registers versions 2 and 3 of the group unapproved; approves 3 and rolls it out to the end. */
async function servingVersion3(h: Harness): Promise<{ v2: string; v3: string }> {
  const v2 = h.sim.registerModelPackage({ groupName: GROUP, behaviour: HEALTHY });
  const v3 = h.sim.registerModelPackage({ groupName: GROUP, behaviour: HEALTHY });
  h.sim.setModelPackageApproval(v3, 'Approved');
  await h.flush();
  await h.runUntil(() => h.ended(v3));
  expect((await h.rolloutFor(v3))?.status).toBe('succeeded');
  expect(h.servingModels()).toEqual([h.modelFor(v3)]);
  return { v2, v3 };
}

/** The outcome the controller gave the last Model Package State Change of `arn`. */
function outcomeOfApproval(h: Harness, arn: string) {
  const invocation = [...h.invocations]
    .reverse()
    .find(
      (i) =>
        i.event['detail-type'] === 'SageMaker Model Package State Change' &&
        (i.event.detail as { ModelPackageArn: string }).ModelPackageArn === arn,
    );
  return invocation?.result?.ok ? invocation.result.outcomes[0] : undefined;
}

describe('an approval older than the serving version', () => {
  it('is ignored by default, with a log line and an outcome that say why; nothing changes in AWS', async () => {
    const h = new Harness();
    const { v2, v3 } = await servingVersion3(h);
    const before = { rollouts: (await h.rollouts()).length, mutating: h.mutatingCalls().length };
    h.sim.setModelPackageApproval(v2, 'Approved');
    await h.flush();
    await h.minute();
    const reason =
      "version 2 of churn-model is older than version 3, which serves churn-prod; the policy's onOlderApproval is " +
      'ignore, so an older approval deploys nothing — set onOlderApproval: deploy to roll older approvals out, or ' +
      'start it by hand with `sm-rollout start`';
    expect(outcomeOfApproval(h, v2)).toMatchObject({ action: 'ignored', reason });
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'info', message: `approval ignored: ${reason}` }),
    );
    expect((await h.rollouts()).length).toBe(before.rollouts);
    expect(h.mutatingCalls().length).toBe(before.mutating);
    expect(h.servingModels()).toEqual([h.modelFor(v3)]);
  });

  it('deploys under onOlderApproval: deploy, and the timeline says it rolls back', async () => {
    const h = new Harness({ onOlderApproval: 'deploy', strategy: 'AllAtOnce' });
    const { v2 } = await servingVersion3(h);
    h.sim.setModelPackageApproval(v2, 'Approved');
    await h.flush();
    await h.runUntil(() => h.ended(v2));
    const rollout = (await h.rolloutFor(v2))!;
    expect(rollout.status).toBe('succeeded');
    expect(h.servingModels()).toEqual([h.modelFor(v2)]);
    const [first] = await h.store.timeline(rollout.id);
    expect(first).toMatchObject({
      kind: 'olderVersion',
      message:
        'rolling back to version 2 of churn-model while version 3 serves churn-prod, by request of ' +
        'model-registry approval of churn-model/2',
    });
  });

  it('a newer approval still deploys after an ignored older one (its claim was given back, nothing held)', async () => {
    const h = new Harness({ strategy: 'AllAtOnce' });
    const { v2 } = await servingVersion3(h);
    h.sim.setModelPackageApproval(v2, 'Approved');
    await h.flush();
    expect(outcomeOfApproval(h, v2)).toMatchObject({ action: 'ignored' });
    const v4 = h.approveNewVersion();
    await h.flush();
    await h.runUntil(() => h.ended(v4));
    expect((await h.rolloutFor(v4))?.status).toBe('succeeded');
    expect(h.servingModels()).toEqual([h.modelFor(v4)]);
    expect(await h.rolloutFor(v2)).toBeUndefined();
  });
});

describe('an approval of the version already serving', () => {
  it.each(['ignore', 'deploy'] as const)(
    'is ignored under onOlderApproval: %s (re-approved after a rejection): no second rollout',
    async (onOlderApproval) => {
      const h = new Harness({ onOlderApproval });
      const { v3 } = await servingVersion3(h);
      const before = { rollouts: (await h.rollouts()).length, mutating: h.mutatingCalls().length };
      h.sim.setModelPackageApproval(v3, 'Rejected');
      h.sim.setModelPackageApproval(v3, 'Approved');
      await h.flush();
      await h.minute();
      // The first approval's dedupe claim made a re-approval a duplicate for 30 days; either way, nothing deploys.
      expect(['ignored', 'duplicate']).toContain(outcomeOfApproval(h, v3)?.action);
      expect((await h.rollouts()).length).toBe(before.rollouts);
      expect(h.mutatingCalls().length).toBe(before.mutating);
    },
  );

  it('is ignored with the reason when its dedupe claim is gone', async () => {
    const h = new Harness();
    const { v3 } = await servingVersion3(h);
    await h.store.releaseEvent(`approval#${v3}#churn-prod`);
    h.sim.setModelPackageApproval(v3, 'Rejected');
    h.sim.setModelPackageApproval(v3, 'Approved');
    await h.flush();
    expect(outcomeOfApproval(h, v3)).toMatchObject({
      action: 'ignored',
      reason: expect.stringMatching(
        /^version 3 of churn-model already serves churn-prod \(model smr-.*\); approving the serving version deploys nothing$/,
      ),
    });
    expect((await h.rollouts()).length).toBe(1);
  });
});
