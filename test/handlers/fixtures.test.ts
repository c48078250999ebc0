// The EventBridge events as AWS documents them (and as the CLI sends commands), kept as JSON
// fixtures: each one goes through the handler exactly as it arrives, with no glue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseControllerEvent } from '../../src/engine/intake';
import { ENDPOINT, GROUP, Harness } from './harness';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

const PACKAGE_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2';

describe('documented event shapes', () => {
  it('SageMaker Model Package State Change parses to an approval', () => {
    expect(parseControllerEvent(fixture('model-package-state-change'))).toEqual({
      kind: 'approval',
      event: {
        modelPackageArn: PACKAGE_ARN,
        modelPackageGroupName: GROUP,
        modelPackageVersion: 2,
        approvalStatus: 'Approved',
        packageStatus: 'Completed',
        updatedFields: ['ModelApprovalStatus'],
      },
    });
  });

  it('CloudWatch Alarm State Change parses to an alarm with its reason and reasonData', () => {
    const event = fixture('alarm-state-change');
    const parsed = parseControllerEvent(event);
    expect(parsed).toMatchObject({
      kind: 'alarm',
      event: {
        alarmName: 'churn-prod-5xx',
        state: 'ALARM',
        reason: expect.stringMatching(/^Threshold Crossed/),
      },
    });
    const reasonData = (parsed as { event: { reasonData?: string } }).event.reasonData;
    expect(JSON.parse(reasonData!)).toMatchObject({ statistic: 'Average', threshold: 0.05 });
  });

  it('SageMaker Endpoint State Change parses IN_SERVICE to InService', () => {
    expect(parseControllerEvent(fixture('endpoint-state-change'))).toEqual({
      kind: 'endpoint',
      endpointName: ENDPOINT,
      status: 'InService',
    });
  });

  it('SageMaker Endpoint Deployment State Change (guardrails) parses to its endpoint, UPDATING to Updating', () => {
    expect(parseControllerEvent(fixture('endpoint-deployment-state-change'))).toEqual({
      kind: 'endpoint',
      endpointName: ENDPOINT,
      status: 'Updating',
    });
  });

  it('the Scheduled Event of a rate(1 minute) rule parses to a schedule tick', () => {
    expect(parseControllerEvent(fixture('scheduled-event'))).toEqual({ kind: 'schedule' });
  });

  it('a Rollout Command parses to a command keyed by the event id', () => {
    expect(parseControllerEvent(fixture('rollout-command'))).toEqual({
      kind: 'command',
      event: {
        eventId: '6f0c8a55-2b1e-4d7a-9f3c-0e4b8d2a7c11',
        command: 'pause',
        endpoint: ENDPOINT,
        requestedBy: 'arn:aws:sts::123456789012:assumed-role/ml-ops/alice',
      },
    });
  });

  it('the sim sends events of the same shape as the fixtures (same envelope and detail keys)', () => {
    const h = new Harness();
    h.approveNewVersion();
    const sent = h.sim.events.find(
      (e) =>
        e['detail-type'] === 'SageMaker Model Package State Change' &&
        e.detail.ModelApprovalStatus === 'Approved',
    )!;
    const documented = fixture('model-package-state-change');
    expect(Object.keys(sent).sort()).toEqual(Object.keys(documented).sort());
    const documentedDetail = Object.keys(documented.detail as object);
    for (const key of Object.keys(sent.detail)) expect(documentedDetail).toContain(key);
  });
});

describe('each fixture through the handler', () => {
  it('the approval fixture starts a rollout of that package on the policy endpoint', async () => {
    const h = new Harness();
    // The sim's registry holds churn-model/2 (pending approval), as the fixture names it.
    h.sim.registerModelPackage({ groupName: GROUP });
    h.sim.setModelPackageApproval(PACKAGE_ARN, 'Approved');
    h.discardPending();
    const result = await h.deliver(fixture('model-package-state-change'));
    expect(result).toMatchObject({
      ok: true,
      kind: 'approval',
      outcomes: [{ action: 'started', endpointName: ENDPOINT, status: 'running' }],
    });
    expect(
      h.sim.calls.filter((c) => c.operation === 'CreateModel').map((c) => c.input.ModelPackageName),
    ).toEqual([PACKAGE_ARN]);
  });

  it('the alarm fixture (an alarm no rollout watches) is ignored', async () => {
    const h = new Harness();
    const result = await h.deliver(fixture('alarm-state-change'));
    expect(result).toMatchObject({ ok: true, kind: 'alarm', outcomes: [{ action: 'ignored' }] });
    expect(h.sim.calls).toEqual([]);
  });

  it('the endpoint fixture with no rollout on the endpoint is ignored', async () => {
    const h = new Harness();
    const result = await h.deliver(fixture('endpoint-state-change'));
    expect(result).toMatchObject({
      ok: true,
      kind: 'endpoint',
      outcomes: [{ action: 'ignored', reason: `no active rollout on endpoint ${ENDPOINT}` }],
    });
    expect(h.sim.calls).toEqual([]);
  });

  it('the scheduled fixture runs a tick that reports what it did', async () => {
    const h = new Harness();
    const result = await h.deliver(fixture('scheduled-event'));
    expect(result).toEqual({
      ok: true,
      kind: 'schedule',
      outcomes: [],
      schedule: { due: 0, advanced: 0, failed: 0, alarmsRead: 0, describeAlarmsCalls: 0, pendingStarted: 0 },
    });
    expect(h.sim.calls).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'info', message: 'schedule tick' }));
  });

  it('the command fixture pauses the active rollout', async () => {
    const h = new Harness();
    h.approveNewVersion();
    await h.flush();
    await h.runUntil(async () => (await h.rollouts())[0]!.phase.includes('baking'));
    const result = await h.deliver(fixture('rollout-command'));
    expect(result).toMatchObject({
      ok: true,
      kind: 'command',
      outcomes: [{ action: 'advanced', status: 'paused' }],
    });
  });
});
