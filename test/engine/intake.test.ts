// The command contract: what `sm-rollout` sends as a Rollout Command's detail, and what the
// controller takes from it.
import { DEMO_CANDIDATE_ALARMS, DEMO_ENDPOINT, DEMO_ROLE } from '../../src/cli/simulated-environment';
import {
  COMMAND_DETAIL_TYPE,
  COMMAND_SOURCE,
  CONTROLLER_EVENTS,
  commandEvent,
  parseCommandDetail,
  parseControllerEvent,
  scheduledEvent,
  startCommandDetail,
  type StartCommandRequest,
} from '../../src/engine/intake';
import { mergeStartRequest, validateStartRequest } from '../../src/engine/start-request';
import type { ExplicitStepInput } from '../../src/plan';

const PACKAGE = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7';
const CONTEXT = {
  id: 'evt-1',
  at: Date.UTC(2025, 2, 4, 5, 6, 7, 890),
  account: '111122223333',
  region: 'eu-west-1',
};

const FULL = {
  endpointName: DEMO_ENDPOINT,
  modelPackageArn: PACKAGE,
  requestedBy: 'alice',
  strategy: '10%,5m,pause,50%',
  finalBake: '10m',
  alarms: ['churn-prod-errors', 'churn-prod-latency'],
  executionRoleArn: DEMO_ROLE,
  maxDuration: '4h',
  candidateAlarms: DEMO_CANDIDATE_ALARMS,
  candidate: { instanceType: 'ml.m5.xlarge', instanceCount: 3 },
} satisfies StartCommandRequest;

/** The detail as it arrives: through an EventBridge envelope and JSON. */
function delivered(request: StartCommandRequest) {
  return JSON.parse(JSON.stringify(commandEvent(CONTEXT, startCommandDetail(request)))).detail as unknown;
}

describe('a start request through startCommandDetail → parseCommandDetail', () => {
  it('keeps every field, candidateAlarms and candidate included', () => {
    const { endpointName, modelPackageArn, requestedBy, ...overrides } = FULL;
    expect(parseCommandDetail(delivered(FULL), 'evt-1')).toEqual({
      eventId: 'evt-1',
      command: 'start',
      endpoint: endpointName,
      modelPackageArn,
      requestedBy,
      overrides,
    });
  });

  it('means the same request on arrival as the one sent', () => {
    const event = parseCommandDetail(delivered(FULL), 'evt-1');
    if (event.command !== 'start') throw new Error('not a start');
    const arrived = mergeStartRequest(undefined, {
      ...event.overrides,
      endpointName: event.endpoint,
      modelPackageArn: event.modelPackageArn,
      requestedBy: event.requestedBy,
    });
    expect(arrived).toEqual(validateStartRequest(FULL));
  });

  it('keeps an explicit step list as the strategy', () => {
    const strategy: ExplicitStepInput[] = [
      { setWeight: 10 },
      { bake: '5m' },
      { pause: true },
      { setWeight: 100 },
    ];
    const event = parseCommandDetail(delivered({ ...FULL, strategy }), 'evt-1');
    expect(event).toMatchObject({ overrides: { strategy } });
  });

  it('sends durations given in milliseconds as text', () => {
    const detail = startCommandDetail({ ...FULL, finalBake: 10 * 60_000, maxDuration: 90 * 60_000 });
    expect(detail).toMatchObject({ finalBake: '10m', maxDuration: '1h30m' });
  });

  it('leaves out what was not given (empty candidate settings too); requestedBy defaults to unknown', () => {
    expect(
      startCommandDetail({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: PACKAGE,
        requestedBy: '',
        candidate: {},
      }),
    ).toEqual({
      command: 'start',
      endpoint: DEMO_ENDPOINT,
      modelPackageArn: PACKAGE,
      requestedBy: 'unknown',
    });
  });

  it('sends an empty candidate alarm list: it opts out of the default candidate alarms', () => {
    expect(
      startCommandDetail({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: PACKAGE,
        requestedBy: 'bob',
        candidateAlarms: [],
      }),
    ).toMatchObject({ candidateAlarms: [] });
  });
});

describe('parseCommandDetail', () => {
  it('takes an undo with its strategy and final bake', () => {
    const detail = {
      command: 'undo',
      endpoint: DEMO_ENDPOINT,
      requestedBy: 'bob',
      strategy: 'Linear',
      finalBake: '2m',
    };
    expect(parseCommandDetail(detail, 'evt-2')).toEqual({ eventId: 'evt-2', ...detail });
  });

  it('takes a steering command by rollout id or by endpoint', () => {
    expect(
      parseCommandDetail({ command: 'promote', rolloutId: 'r-1', requestedBy: 'c', full: true }, 'e'),
    ).toEqual({ eventId: 'e', command: 'promote', rolloutId: 'r-1', requestedBy: 'c', full: true });
    expect(
      parseCommandDetail({ command: 'abort', endpoint: DEMO_ENDPOINT, requestedBy: 'c', note: 'n' }, 'e'),
    ).toEqual({ eventId: 'e', command: 'abort', endpoint: DEMO_ENDPOINT, requestedBy: 'c', note: 'n' });
  });

  it('refuses steering with neither rolloutId nor endpoint, naming detail.rolloutId', () => {
    expect(() => parseCommandDetail({ command: 'pause', requestedBy: 'c' }, 'e')).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        field: 'detail.rolloutId',
        message: expect.stringMatching(/give rolloutId or endpoint/),
      }),
    );
  });

  it.each([
    ['an unknown command', { command: 'restart', rolloutId: 'r-1', requestedBy: 'c' }, 'command'],
    [
      'a start without its package',
      { command: 'start', endpoint: DEMO_ENDPOINT, requestedBy: 'c' },
      'modelPackageArn',
    ],
    [
      'a note over 500 characters',
      { command: 'abort', rolloutId: 'r-1', requestedBy: 'c', note: 'x'.repeat(501) },
      'note',
    ],
  ])('refuses a malformed detail naming the field: %s', (_label, detail, field) => {
    expect(() => parseCommandDetail(detail, 'e')).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        field,
        message: expect.stringMatching(/^malformed Rollout Command event: /),
      }),
    );
  });
});

describe('envelopes', () => {
  it('commandEvent is a Rollout Command on the command bus, which the controller parses back', () => {
    const detail = startCommandDetail(FULL);
    const event = commandEvent(CONTEXT, detail);
    expect(event).toMatchObject({
      id: 'evt-1',
      source: COMMAND_SOURCE,
      'detail-type': COMMAND_DETAIL_TYPE,
      account: CONTEXT.account,
      region: CONTEXT.region,
      time: '2025-03-04T05:06:07Z',
      resources: [],
      detail,
    });
    expect(parseControllerEvent(event)).toEqual({
      kind: 'command',
      event: parseCommandDetail(detail, 'evt-1'),
    });
  });

  it('a Model Package State Change keeps the fields an update changed (absent on creation)', () => {
    const change = (updated?: string[]) => ({
      id: 'evt-9',
      source: CONTROLLER_EVENTS.approval.source,
      'detail-type': CONTROLLER_EVENTS.approval.detailType,
      detail: {
        ModelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/3',
        ModelPackageGroupName: 'churn-model',
        ModelPackageVersion: 3,
        ModelApprovalStatus: 'Approved',
        ModelPackageStatus: 'Completed',
        ...(updated ? { UpdatedModelPackageFields: updated } : {}),
      },
    });
    expect(parseControllerEvent(change(['ModelLifeCycle']))).toMatchObject({
      kind: 'approval',
      event: { updatedFields: ['ModelLifeCycle'] },
    });
    const created = parseControllerEvent(change());
    expect(created.kind === 'approval' && 'updatedFields' in created.event).toBe(false);
  });

  it('scheduledEvent is the rate(1 minute) rule’s Scheduled Event', () => {
    const event = scheduledEvent(CONTEXT);
    expect(event).toMatchObject({
      id: 'evt-1',
      source: CONTROLLER_EVENTS.schedule.source,
      'detail-type': CONTROLLER_EVENTS.schedule.detailType,
      time: '2025-03-04T05:06:07Z',
      resources: ['arn:aws:events:eu-west-1:111122223333:rule/sm-rollout-schedule'],
      detail: {},
    });
    expect(parseControllerEvent(event)).toEqual({ kind: 'schedule' });
  });
});
