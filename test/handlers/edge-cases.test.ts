// What the controller Lambda does with events that must change nothing (duplicates, other groups,
// unapproved or unfinished packages, unrelated or non-ALARM alarms, malformed events), with
// operators' commands, and with a newer approval mid-rollout under each onNewerApproval setting.
// Every case checks the AWS requests actually sent.
import type { HandlerResult } from '../../src/handlers/controller';
import { ENDPOINT, GROUP, Harness, approvalEventOf, clone, type OnNewerApproval } from './harness';

const ORIGINAL_MODEL = `${ENDPOINT}-model-0`;
const ORIGINAL_CONFIG = `${ENDPOINT}-config-0`;

function actions(result: HandlerResult): string[] {
  return result.ok ? result.outcomes.map((o) => o.action) : ['error'];
}

function count(h: Harness, operation: string): number {
  return h.sim.calls.filter((c) => c.operation === operation).length;
}

/** Starts a rollout of a new healthy version and runs it until it bakes at 10%. */
async function bakingRollout(h: Harness): Promise<string> {
  const arn = h.approveNewVersion();
  await h.flush();
  await h.runUntil(async () => /baking .*10%/.test((await h.rolloutFor(arn))?.phase ?? ''));
  return arn;
}

describe('approvals that start nothing', () => {
  it('the same approval delivered twice starts one rollout', async () => {
    const h = new Harness();
    const arn = h.approveNewVersion();
    await h.flush();
    const event = approvalEventOf(h.sim, arn);
    const again = await h.deliver(clone(event));
    expect(actions(again)).toEqual(['duplicate']);
    expect(h.callsOf(h.invocations.at(-1)!)).toEqual([]);
    expect(await h.rollouts()).toHaveLength(1);
    expect(count(h, 'CreateModel')).toBe(1);
    expect(count(h, 'UpdateEndpoint')).toBe(1);
  });

  it('the same approval delivered concurrently starts one rollout', async () => {
    const h = new Harness();
    const arn = h.approveNewVersion();
    const event = approvalEventOf(h.sim, arn);
    h.discardPending();
    const results = await Promise.all([
      h.deliver(clone(event)),
      h.deliver(clone(event)),
      h.deliver(clone(event)),
    ]);
    expect(results.flatMap(actions).sort()).toEqual(['duplicate', 'duplicate', 'started']);
    expect(await h.rollouts()).toHaveLength(1);
    expect(count(h, 'CreateModel')).toBe(1);
    expect(count(h, 'CreateEndpointConfig')).toBe(1);
    expect(count(h, 'UpdateEndpoint')).toBe(1);
    expect(h.busyErrors()).toEqual([]);
    // and the one rollout still completes
    await h.runUntil(() => h.ended(arn));
    expect((await h.rolloutFor(arn))!.status).toBe('succeeded');
  });

  it('an approval in a group no policy covers is ignored, with a log line saying why', async () => {
    const h = new Harness();
    const arn = h.approveNewVersion(undefined, 'fraud-model');
    await h.flush();
    const last = h.invocations.at(-1)!;
    expect(last.result).toMatchObject({
      ok: true,
      outcomes: [{ action: 'ignored', reason: 'no policy for model package group fraud-model' }],
    });
    expect(h.logs).toContainEqual({
      level: 'info',
      message: 'approval ignored: no policy for model package group fraud-model',
      fields: { modelPackageArn: arn, modelPackageGroup: 'fraud-model' },
    });
    expect(h.sim.calls).toEqual([]);
    expect(await h.store.list()).toEqual([]);
  });

  it.each(['Rejected', 'PendingManualApproval'] as const)('a %s package is ignored', async (status) => {
    const h = new Harness();
    const arn = h.sim.registerModelPackage({ groupName: GROUP });
    if (status === 'Rejected') h.sim.setModelPackageApproval(arn, 'Rejected');
    await h.flush();
    const last = h.invocations.at(-1)!;
    expect((last.event.detail as { ModelApprovalStatus: string }).ModelApprovalStatus).toBe(status);
    expect(last.result).toMatchObject({
      ok: true,
      outcomes: [{ action: 'ignored', reason: `package is ${status}, not Approved` }],
    });
    expect(h.logs.at(-1)?.message).toBe(`approval ignored: package is ${status}, not Approved`);
    expect(h.sim.calls).toEqual([]);
    expect(await h.store.list()).toEqual([]);
  });

  it.each(['InProgress', 'Pending', 'Failed'] as const)(
    'an Approved package whose ModelPackageStatus is %s is ignored',
    async (status) => {
      const h = new Harness();
      const arn = h.sim.registerModelPackage({ groupName: GROUP, status });
      h.sim.setModelPackageApproval(arn, 'Approved');
      await h.flush();
      const last = h.invocations.at(-1)!;
      expect(last.result).toMatchObject({
        ok: true,
        outcomes: [{ action: 'ignored', reason: `package status is ${status}, not Completed` }],
      });
      expect(h.sim.calls).toEqual([]);
      expect(await h.store.list()).toEqual([]);
    },
  );
});

describe('model package edits that are not approvals', () => {
  // SageMaker sends a Model Package State Change for every edit of a package, with its approval
  // status as it stands; only a creation or a change of ModelApprovalStatus may deploy.
  async function afterOneRollout(h: Harness): Promise<string> {
    const v2 = h.approveNewVersion();
    await h.flush();
    await h.runUntil(() => h.ended(v2));
    expect((await h.rolloutFor(v2))?.status).toBe('succeeded');
    return v2;
  }

  it.each([
    ['the version serving', (_h: Harness, v2: string) => v2],
    ['an older approved version (no silent downgrade)', (h: Harness) => h.baselineArns.get(GROUP)!],
  ])('an edit of %s (ModelLifeCycle, metadata) changes nothing', async (_name, which) => {
    const h = new Harness();
    const v2 = await afterOneRollout(h);
    const target = which(h, v2);
    const before = { rollouts: (await h.rollouts()).length, mutating: h.mutatingCalls().length };
    h.sim.updateModelPackageMetadata(target, ['ModelLifeCycle', 'CustomerMetadataProperties']);
    expect(h.pending).toHaveLength(1);
    expect((h.pending[0]!.detail as { ModelApprovalStatus: string }).ModelApprovalStatus).toBe('Approved');
    const from = h.invocations.length;
    await h.flush();
    await h.minute();
    const edit = h.invocations[from]!;
    expect(edit.event['detail-type']).toBe('SageMaker Model Package State Change');
    const result = edit.result!;
    expect(result).toMatchObject({
      ok: true,
      outcomes: [
        {
          action: 'ignored',
          reason:
            'an edit of ModelLifeCycle, CustomerMetadataProperties, not an approval: only approvals deploy',
        },
      ],
    });
    expect((await h.rollouts()).length).toBe(before.rollouts);
    expect(h.mutatingCalls().length).toBe(before.mutating);
    expect(h.servingModels()).toEqual([h.modelFor(v2)]);
  });

  it('an approval after edits still deploys the newer version', async () => {
    const h = new Harness();
    const v2 = await afterOneRollout(h);
    h.sim.updateModelPackageMetadata(v2, ['ModelLifeCycle']);
    const v3 = h.approveNewVersion();
    await h.flush();
    await h.runUntil(() => h.ended(v3));
    expect((await h.rolloutFor(v3))?.status).toBe('succeeded');
    expect(h.servingModels()).toEqual([h.modelFor(v3)]);
  });
});

describe('alarms that change nothing', () => {
  it('an unrelated alarm going to ALARM mid-rollout is ignored', async () => {
    const h = new Harness();
    const arn = await bakingRollout(h);
    h.sim.createMetricAlarm({
      alarmName: 'billing-dashboard-5xx',
      metricName: 'Invocation5XXErrors',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    h.sim.setAlarmState('billing-dashboard-5xx', 'ALARM', 'testing the pager');
    const before = h.invocations.length;
    await h.flush();
    const delivered = h.invocations.slice(before);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.result).toMatchObject({
      ok: true,
      kind: 'alarm',
      outcomes: [{ action: 'ignored', reason: 'no active rollout watches alarm billing-dashboard-5xx' }],
    });
    expect(h.callsOf(delivered[0]!)).toEqual([]);
    expect(h.logs.at(-1)).toEqual({
      level: 'info',
      message: 'alarm ignored: no active rollout watches it',
      fields: { alarmName: 'billing-dashboard-5xx' },
    });
    expect((await h.rolloutFor(arn))!.status).toBe('running');
  });

  it.each(['OK', 'INSUFFICIENT_DATA'])('the watched alarm going to %s is ignored', async (state) => {
    const h = new Harness();
    const arn = await bakingRollout(h);
    const record = (await h.rolloutFor(arn))!;
    const alarmName = record.input.candidateAlarms[0]!.alarmName;
    const event = {
      version: '0',
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: '123456789012',
      time: '2026-01-15T09:10:00Z',
      region: 'us-east-1',
      resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
      detail: {
        alarmName,
        state: { value: state, reason: 'Threshold Crossed', timestamp: '2026-01-15T09:10:00.000+0000' },
        previousState: { value: 'ALARM', reason: 'x', timestamp: '2026-01-15T09:09:00.000+0000' },
        configuration: { metrics: [] },
      },
    };
    const result = await h.deliver(event);
    expect(result).toMatchObject({
      ok: true,
      outcomes: [{ action: 'ignored', reason: `alarm ${alarmName} went to ${state}, not ALARM` }],
    });
    expect(h.callsOf(h.invocations.at(-1)!)).toEqual([]);
    const after = (await h.rolloutFor(arn))!;
    expect(after.status).toBe('running');
    expect(after.version).toBe(record.version);
  });
});

describe('malformed events', () => {
  const valid = () => ({
    version: '0',
    id: 'e0000000-0000-4000-8000-000000000000',
    'detail-type': 'SageMaker Endpoint State Change',
    source: 'aws.sagemaker',
    account: '123456789012',
    time: '2026-01-15T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { EndpointName: ENDPOINT, EndpointStatus: 'IN_SERVICE' },
  });
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'hello', /malformed EventBridge event/],
    ['null', null, /malformed EventBridge event/],
    ['no id', { ...valid(), id: undefined }, /malformed EventBridge event: id/],
    ['no detail-type', { ...valid(), 'detail-type': undefined }, /malformed EventBridge event: detail-type/],
    [
      'an endpoint event without EndpointStatus',
      { ...valid(), detail: { EndpointName: ENDPOINT } },
      /malformed SageMaker Endpoint State Change event: EndpointStatus/,
    ],
    [
      'an approval without ModelPackageArn',
      {
        ...valid(),
        'detail-type': 'SageMaker Model Package State Change',
        detail: {
          ModelPackageGroupName: GROUP,
          ModelApprovalStatus: 'Approved',
          ModelPackageStatus: 'Completed',
        },
      },
      /malformed SageMaker Model Package State Change event: ModelPackageArn/,
    ],
    [
      'an alarm event without state',
      {
        ...valid(),
        source: 'aws.cloudwatch',
        'detail-type': 'CloudWatch Alarm State Change',
        detail: { alarmName: 'a' },
      },
      /malformed CloudWatch Alarm State Change event: state/,
    ],
    [
      'a command naming no rollout or endpoint',
      {
        ...valid(),
        source: 'sm-rollout.cli',
        'detail-type': 'Rollout Command',
        detail: { command: 'pause', requestedBy: 'a' },
      },
      /give rolloutId or endpoint/,
    ],
    [
      'an unknown command',
      {
        ...valid(),
        source: 'sm-rollout.cli',
        'detail-type': 'Rollout Command',
        detail: { command: 'explode', endpoint: ENDPOINT, requestedBy: 'a' },
      },
      /malformed Rollout Command event: command/,
    ],
    [
      'an event from another source',
      { ...valid(), source: 'aws.s3', 'detail-type': 'Object Created' },
      /unexpected event: source aws.s3/,
    ],
  ];

  it.each(cases)('%s → { ok: false }, a logged error, nothing changed', async (_name, event, message) => {
    const h = new Harness();
    const arn = await bakingRollout(h);
    const before = (await h.rolloutFor(arn))!;
    const calls = h.sim.calls.length;
    const result = await h.deliver(event);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
    expect(h.logs.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(message) });
    expect(h.sim.calls.length).toBe(calls);
    expect(await h.rolloutFor(arn)).toEqual(before);
  });
});

describe('commands', () => {
  it('a command event delivered twice is handled once', async () => {
    const h = new Harness();
    const arn = await bakingRollout(h);
    const pause = h.commandEvent({ command: 'pause', endpoint: ENDPOINT }, 'cmd-1');
    expect(await h.deliver(pause)).toMatchObject({
      ok: true,
      outcomes: [{ action: 'advanced', status: 'paused' }],
    });
    const version = (await h.rolloutFor(arn))!.version;
    expect(await h.deliver(clone(pause))).toMatchObject({
      ok: true,
      outcomes: [{ action: 'duplicate', reason: 'command event cmd-1 was already handled' }],
    });
    expect((await h.rolloutFor(arn))!.version).toBe(version);
    // A resume, then the redelivered pause: still ignored (it must not pause the rollout again).
    expect(await h.deliver(h.commandEvent({ command: 'resume', endpoint: ENDPOINT }))).toMatchObject({
      ok: true,
      outcomes: [{ status: 'running' }],
    });
    expect(actions(await h.deliver(clone(pause)))).toEqual(['duplicate']);
    expect((await h.rolloutFor(arn))!.status).toBe('running');
  });

  it('pause holds the rollout (no AWS changes while paused); resume continues it to success', async () => {
    const h = new Harness();
    const arn = await bakingRollout(h);
    const id = (await h.rolloutFor(arn))!.id;
    const paused = await h.deliver(h.commandEvent({ command: 'pause', rolloutId: id }));
    expect(paused).toMatchObject({
      ok: true,
      outcomes: [{ action: 'advanced', status: 'paused', rolloutId: id }],
    });
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'pause by alice' }));
    const mutating = h.mutatingCalls().length;
    for (let i = 0; i < 15; i++) await h.minute();
    expect(h.mutatingCalls().length).toBe(mutating);
    expect((await h.rolloutFor(arn))!.status).toBe('paused');
    // pausing again is rejected with the reason
    expect(actions(await h.deliver(h.commandEvent({ command: 'pause', rolloutId: id })))).toEqual([
      'rejected',
    ]);

    const resumed = await h.deliver(h.commandEvent({ command: 'resume', endpoint: ENDPOINT }));
    expect(resumed).toMatchObject({ ok: true, outcomes: [{ action: 'advanced', status: 'running' }] });
    await h.runUntil(() => h.ended(arn));
    expect((await h.rolloutFor(arn))!.status).toBe('succeeded');
    expect(h.busyErrors()).toEqual([]);
  });

  it('promote is rejected during a bake; promote --full skips to the final config', async () => {
    const h = new Harness();
    const arn = await bakingRollout(h);
    const mutating = h.mutatingCalls().length;
    const plain = await h.deliver(h.commandEvent({ command: 'promote', endpoint: ENDPOINT }));
    expect(plain).toMatchObject({
      ok: true,
      outcomes: [{ action: 'rejected', reason: expect.stringMatching(/not waiting at a manual gate/) }],
    });
    expect(h.mutatingCalls().length).toBe(mutating);

    const full = await h.deliver(h.commandEvent({ command: 'promote', endpoint: ENDPOINT, full: true }));
    expect(full).toMatchObject({ ok: true, outcomes: [{ action: 'advanced', status: 'running' }] });
    const started = h.now();
    await h.runUntil(() => h.ended(arn));
    expect((await h.rolloutFor(arn))!.status).toBe('succeeded');
    expect(h.servingModels()).toEqual([h.modelFor(arn)]);
    // It skipped the remaining canary bake: no more weight shifts after the promote.
    const shifts = h.sim.calls.filter(
      (c) => c.operation === 'UpdateEndpointWeightsAndCapacities' && c.at >= started,
    );
    expect(shifts).toEqual([]);
    expect(h.busyErrors()).toEqual([]);
  });

  it('abort rolls back to the original model and config', async () => {
    const h = new Harness();
    const arn = await bakingRollout(h);
    const aborted = await h.deliver(
      h.commandEvent({ command: 'abort', endpoint: ENDPOINT, note: 'latency' }),
    );
    expect(aborted).toMatchObject({ ok: true, outcomes: [{ action: 'advanced' }] });
    await h.runUntil(() => h.ended(arn));
    const record = (await h.rolloutFor(arn))!;
    expect(record.status).toBe('rolledBack');
    expect(record.reason).toMatch(/aborted by alice: latency/);
    expect(h.sim.endpoint(ENDPOINT)!.endpointConfigName).toBe(ORIGINAL_CONFIG);
    expect(h.servingModels()).toEqual([ORIGINAL_MODEL]);
    expect(h.busyErrors()).toEqual([]);
    // a command for an endpoint with no rollout is refused, and says so
    const late = await h.deliver(h.commandEvent({ command: 'abort', endpoint: ENDPOINT }));
    expect(late).toMatchObject({
      ok: true,
      outcomes: [{ action: 'refused', reason: `endpoint ${ENDPOINT} has no active rollout` }],
    });
  });
});

describe('a newer approval mid-rollout', () => {
  async function v3WhileV2Bakes(policy: OnNewerApproval) {
    const h = new Harness({ onNewerApproval: policy });
    const v2 = await bakingRollout(h);
    const v3 = h.approveNewVersion();
    await h.flush();
    const approval = h.invocations.find((i) => i.event.id === approvalEventOf(h.sim, v3).id)!;
    return { h, v2, v3, outcome: approval.result!, approval };
  }

  it('supersede: v2 rolls back, then v3 starts and succeeds, never updating a busy endpoint', async () => {
    const { h, v2, v3, outcome } = await v3WhileV2Bakes('supersede');
    expect(outcome).toMatchObject({ ok: true, outcomes: [{ action: 'superseding' }] });
    await h.runUntil(() => h.ended(v3));
    const r2 = (await h.rolloutFor(v2))!;
    const r3 = (await h.rolloutFor(v3))!;
    expect(r2.status).toBe('rolledBack');
    expect(r2.reason).toContain(`superseded by ${v3}`);
    expect(r3.status).toBe('succeeded');
    expect(r3.createdAt).toBeGreaterThanOrEqual(r2.updatedAt);
    expect(h.servingModels()).toEqual([h.modelFor(v3)]);
    // No update was sent while the endpoint was Updating: the sim would have refused it.
    expect(h.busyErrors()).toEqual([]);
    expect(h.sim.violations).toEqual([]);
    // v3's first change came after v2's rollback finished.
    const v3Model = h.modelFor(v3)!;
    const v3Create = h.sim.calls.find((c) => c.operation === 'CreateModel' && c.input.ModelName === v3Model)!;
    expect(v3Create.at).toBeGreaterThanOrEqual(r2.updatedAt);
  });

  it('queue: v3 starts after v2 succeeds', async () => {
    const { h, v2, v3, outcome } = await v3WhileV2Bakes('queue');
    expect(outcome).toMatchObject({ ok: true, outcomes: [{ action: 'queued' }] });
    expect(h.logs.some((l) => l.message.startsWith('newer approval queued'))).toBe(true);
    await h.runUntil(() => h.ended(v2));
    const r2 = (await h.rolloutFor(v2))!;
    expect(r2.status).toBe('succeeded');
    await h.runUntil(() => h.ended(v3));
    const r3 = (await h.rolloutFor(v3))!;
    expect(r3.createdAt).toBeGreaterThanOrEqual(r2.updatedAt);
    expect(r3.status).toBe('succeeded');
    expect(h.servingModels()).toEqual([h.modelFor(v3)]);
    expect(h.busyErrors()).toEqual([]);
  });

  it('reject: v3 is ignored and logged; v2 carries on to success', async () => {
    const { h, v2, v3, outcome, approval } = await v3WhileV2Bakes('reject');
    expect(outcome).toMatchObject({ ok: true, outcomes: [{ action: 'rejected' }] });
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/^newer approval rejected by policy/),
      }),
    );
    expect(h.callsOf(approval)).toEqual([]);
    await h.runUntil(() => h.ended(v2));
    for (let i = 0; i < 5; i++) await h.minute();
    expect((await h.rolloutFor(v2))!.status).toBe('succeeded');
    expect(await h.rolloutFor(v3)).toBeUndefined();
    expect(h.sim.calls.some((c) => c.operation === 'CreateModel' && c.input.ModelPackageName === v3)).toBe(
      false,
    );
    expect(await h.store.listPendingApprovals()).toEqual([]);
  });
});

describe('an approval while the endpoint is Updating (an auto scaling activity, someone’s update)', () => {
  it('waits as the endpoint’s pending approval and starts on the first schedule run after InService', async () => {
    const h = new Harness();
    // What an auto scaling activity sends: the endpoint is Updating for a while.
    await h.sim.sagemaker.updateWeights(ENDPOINT, [{ variantName: 'AllTraffic', weight: 1 }]);
    const arn = h.approveNewVersion();
    await h.flush();
    const first = h.invocations.at(-1)!;
    expect(first.result && actions(first.result)).toEqual(['queued']);
    expect(await h.rolloutFor(arn)).toBeUndefined();
    expect(await h.store.listPendingApprovals()).toEqual([
      expect.objectContaining({ endpointName: ENDPOINT, modelPackageArn: arn }),
    ]);
    expect(h.logText()).toContain(`approval waits: endpoint ${ENDPOINT} is Updating`);

    await h.runUntil(async () => (await h.rolloutFor(arn)) !== undefined, 10);
    expect(h.sim.endpoint(ENDPOINT)!.status).not.toBe('Failed');
    expect((await h.rolloutFor(arn))!.requestedBy).toContain('model-registry approval');
    expect(await h.store.listPendingApprovals()).toEqual([]);
  });

  it('is refused, not kept, when the endpoint is broken rather than busy', async () => {
    const h = new Harness();
    h.sim.injectFault({ kind: 'updateFails', endpointName: ENDPOINT });
    await h.sim.sagemaker.updateEndpoint(ENDPOINT, `${ENDPOINT}-config-0`);
    await h.runUntil(() => h.sim.endpoint(ENDPOINT)!.status === 'Failed', 15);
    h.approveNewVersion();
    await h.flush();
    const last = h.invocations.at(-1)!;
    expect(last.result && actions(last.result)).toEqual(['refused']);
    expect(await h.store.listPendingApprovals()).toEqual([]);
  });
});
