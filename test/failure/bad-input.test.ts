// Bad input, rejected with the exact reason and nothing changed: malformed EventBridge events (the
// handler returns { ok: false } naming the field; no AWS mutation), malformed policies (parsePolicies
// throws naming the policy and the field) and bad CLI flags (main(argv, io) exits 1 naming the flag;
// the simulated account and the rollout store are untouched).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { WORLD_FILE_NAME } from '../../src/cli/simulated-world';
import { InvalidPolicyFileError, parsePolicies } from '../../src/policy';
import { createSimCloud } from '../../src/sim';
import { ENDPOINT, FaultHarness, GROUP, MUTATING, ROLE } from './faults-harness';

const PKG = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2';
const SAGEMAKER_PKG = 'SageMaker Model Package State Change';
const ALARM = 'CloudWatch Alarm State Change';
const ENDPOINT_CHANGE = 'SageMaker Endpoint State Change';
const COMMAND = 'Rollout Command';
const UNEXPECTED =
  '; the controller handles SageMaker model package and endpoint (and endpoint deployment) state changes, CloudWatch alarm state changes, ' +
  'the schedule and sm-rollout.cli commands';

function event(source: string, detailType: string, detail: unknown, extra: Record<string, unknown> = {}) {
  return { version: '0', id: 'evt-bad-1', source, 'detail-type': detailType, detail, ...extra };
}
const pkg = (detail: Record<string, unknown>) =>
  event('aws.sagemaker', SAGEMAKER_PKG, {
    ModelPackageArn: PKG,
    ModelPackageGroupName: GROUP,
    ModelApprovalStatus: 'Approved',
    ModelPackageStatus: 'Completed',
    ...detail,
  });
const cmd = (detail: Record<string, unknown>) => event('sm-rollout.cli', COMMAND, detail);

/** [name, event, exact error] — the handler's { ok: false, error }. */
const EVENT_CASES: [string, unknown, string][] = [
  ['null', null, 'malformed EventBridge event: event: Invalid input: expected object, received null'],
  [
    'a string',
    'hello',
    'malformed EventBridge event: event: Invalid input: expected object, received string',
  ],
  [
    'no id',
    { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
    'malformed EventBridge event: id: Invalid input: expected string, received undefined',
  ],
  [
    'empty id',
    event('aws.events', 'Scheduled Event', {}, { id: '' }),
    'malformed EventBridge event: id: Too small: expected string to have >=1 characters',
  ],
  [
    'numeric id',
    event('aws.events', 'Scheduled Event', {}, { id: 7 }),
    'malformed EventBridge event: id: Invalid input: expected string, received number',
  ],
  [
    'no source',
    { id: 'x', 'detail-type': 'Scheduled Event', detail: {} },
    'malformed EventBridge event: source: Invalid input: expected string, received undefined',
  ],
  [
    'no detail-type',
    { id: 'x', source: 'aws.events', detail: {} },
    'malformed EventBridge event: detail-type: Invalid input: expected string, received undefined',
  ],
  [
    'an S3 event',
    event('aws.s3', 'Object Created', {}),
    `unexpected event: source aws.s3, detail-type Object Created${UNEXPECTED}`,
  ],
  [
    'a command from the wrong source',
    event('aws.sagemaker', COMMAND, { command: 'abort', endpoint: ENDPOINT, requestedBy: 'mallory' }),
    `unexpected event: source aws.sagemaker, detail-type Rollout Command${UNEXPECTED}`,
  ],
  [
    'approval without ModelPackageArn',
    pkg({ ModelPackageArn: undefined }),
    `malformed ${SAGEMAKER_PKG} event: ModelPackageArn: Invalid input: expected string, received undefined`,
  ],
  [
    'approval with empty ModelPackageArn',
    pkg({ ModelPackageArn: '' }),
    `malformed ${SAGEMAKER_PKG} event: ModelPackageArn: Too small: expected string to have >=1 characters`,
  ],
  [
    'approval without ModelPackageGroupName',
    pkg({ ModelPackageGroupName: undefined }),
    `malformed ${SAGEMAKER_PKG} event: ModelPackageGroupName: Invalid input: expected string, received undefined`,
  ],
  [
    'approval without ModelPackageStatus',
    pkg({ ModelPackageStatus: undefined }),
    `malformed ${SAGEMAKER_PKG} event: ModelPackageStatus: Invalid input: expected string, received undefined`,
  ],
  [
    'approval with a string version',
    pkg({ ModelPackageVersion: '2' }),
    `malformed ${SAGEMAKER_PKG} event: ModelPackageVersion: Invalid input: expected number, received string`,
  ],
  [
    'approval with a fractional version',
    pkg({ ModelPackageVersion: 2.5 }),
    `malformed ${SAGEMAKER_PKG} event: ModelPackageVersion: Invalid input: expected int, received number`,
  ],
  [
    'approval with a numeric approval status',
    pkg({ ModelApprovalStatus: 1 }),
    `malformed ${SAGEMAKER_PKG} event: ModelApprovalStatus: Invalid input: expected string, received number`,
  ],
  [
    'alarm without alarmName',
    event('aws.cloudwatch', ALARM, { state: { value: 'ALARM' } }),
    `malformed ${ALARM} event: alarmName: Invalid input: expected string, received undefined`,
  ],
  [
    'alarm without state',
    event('aws.cloudwatch', ALARM, { alarmName: 'churn-prod-5xx' }),
    `malformed ${ALARM} event: state: Invalid input: expected object, received undefined`,
  ],
  [
    'alarm without state.value',
    event('aws.cloudwatch', ALARM, { alarmName: 'churn-prod-5xx', state: { reason: 'x' } }),
    `malformed ${ALARM} event: state.value: Invalid input: expected string, received undefined`,
  ],
  [
    'alarm with a numeric state.value',
    event('aws.cloudwatch', ALARM, { alarmName: 'churn-prod-5xx', state: { value: 1 } }),
    `malformed ${ALARM} event: state.value: Invalid input: expected string, received number`,
  ],
  [
    'alarm with a numeric state.reason',
    event('aws.cloudwatch', ALARM, { alarmName: 'churn-prod-5xx', state: { value: 'ALARM', reason: 5 } }),
    `malformed ${ALARM} event: state.reason: Invalid input: expected string, received number`,
  ],
  [
    'endpoint change without EndpointName',
    event('aws.sagemaker', ENDPOINT_CHANGE, { EndpointStatus: 'IN_SERVICE' }),
    `malformed ${ENDPOINT_CHANGE} event: EndpointName: Invalid input: expected string, received undefined`,
  ],
  [
    'endpoint change without EndpointStatus',
    event('aws.sagemaker', ENDPOINT_CHANGE, { EndpointName: ENDPOINT }),
    `malformed ${ENDPOINT_CHANGE} event: EndpointStatus: Invalid input: expected string, received undefined`,
  ],
  [
    'command that is not one',
    cmd({ command: 'deploy', endpoint: ENDPOINT, requestedBy: 'alice' }),
    `malformed ${COMMAND} event: command: Invalid discriminator value. Expected 'start' | 'pause' | 'resume' | 'promote' | 'abort' | 'undo'`,
  ],
  [
    'command without command',
    cmd({ endpoint: ENDPOINT, requestedBy: 'alice' }),
    `malformed ${COMMAND} event: command: Invalid discriminator value. Expected 'start' | 'pause' | 'resume' | 'promote' | 'abort' | 'undo'`,
  ],
  [
    'abort without requestedBy',
    cmd({ command: 'abort', endpoint: ENDPOINT }),
    `malformed ${COMMAND} event: requestedBy: Invalid input: expected string, received undefined`,
  ],
  [
    'pause without rolloutId or endpoint',
    cmd({ command: 'pause', requestedBy: 'alice' }),
    `malformed ${COMMAND} event: give rolloutId or endpoint`,
  ],
  [
    'pause with an empty rolloutId',
    cmd({ command: 'pause', requestedBy: 'alice', rolloutId: '' }),
    `malformed ${COMMAND} event: rolloutId: Too small: expected string to have >=1 characters`,
  ],
  [
    'promote with full: "yes"',
    cmd({ command: 'promote', requestedBy: 'alice', endpoint: ENDPOINT, full: 'yes' }),
    `malformed ${COMMAND} event: full: Invalid input: expected boolean, received string`,
  ],
  [
    'abort with a 501-character note',
    cmd({ command: 'abort', requestedBy: 'alice', endpoint: ENDPOINT, note: 'x'.repeat(501) }),
    `malformed ${COMMAND} event: note: Too big: expected string to have <=500 characters`,
  ],
  [
    'start without endpoint',
    cmd({ command: 'start', requestedBy: 'alice', modelPackageArn: PKG }),
    `malformed ${COMMAND} event: endpoint: Invalid input: expected string, received undefined`,
  ],
  [
    'start without modelPackageArn',
    cmd({ command: 'start', requestedBy: 'alice', endpoint: ENDPOINT }),
    `malformed ${COMMAND} event: modelPackageArn: Invalid input: expected string, received undefined`,
  ],
  [
    'start with alarms as a string',
    cmd({ command: 'start', requestedBy: 'alice', endpoint: ENDPOINT, modelPackageArn: PKG, alarms: 'a' }),
    `malformed ${COMMAND} event: alarms: Invalid input: expected array, received string`,
  ],
  [
    'start with a numeric strategy',
    cmd({ command: 'start', requestedBy: 'alice', endpoint: ENDPOINT, modelPackageArn: PKG, strategy: 5 }),
    `malformed ${COMMAND} event: strategy: Invalid input`,
  ],
  [
    'start with a numeric finalBake',
    cmd({ command: 'start', requestedBy: 'alice', endpoint: ENDPOINT, modelPackageArn: PKG, finalBake: 60 }),
    `malformed ${COMMAND} event: finalBake: Invalid input: expected string, received number`,
  ],
];

/** [name, start-command overrides, exact refusal] — well-formed events the controller refuses. */
const REFUSED_STARTS: [string, Record<string, unknown>, string][] = [
  [
    'an unknown strategy',
    { strategy: 'Canary10Percent7Minutes' },
    'strategy: "Canary10Percent7Minutes" is not a known strategy; use a preset',
  ],
  [
    'a finalBake that is not a duration',
    { finalBake: 'soon' },
    'finalBake: "soon" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m',
  ],
  [
    'an alarm that does not exist',
    { alarms: ['no-such-alarm'] },
    'alarm no-such-alarm does not exist; a missing alarm cannot protect the rollout — create it or remove it from the alarms list',
  ],
  [
    'an unversioned package ARN',
    { modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model' },
    'modelPackageArn: use a versioned model package ARN',
  ],
];

describe('malformed events: { ok: false } naming the field, nothing sent to AWS', () => {
  let h: FaultHarness;
  let callsBefore: number;
  let activeId: string;

  beforeAll(async () => {
    // A rollout is running, so a malformed event that slipped through could change something.
    h = new FaultHarness();
    h.approveNewVersion();
    await h.flush();
    activeId = (await h.only()).id;
    callsBefore = h.sim.calls.length;
  });

  it.each(EVENT_CASES)('%s', async (_name, raw, error) => {
    const before = JSON.stringify(await h.only());
    const result = await h.handler(raw);
    expect(result).toEqual({ ok: false, error });
    const logged = h.logs.at(-1)!;
    expect(logged.level).toBe('error');
    expect(logged.message).toBe(error);
    expect(JSON.stringify(await h.only())).toBe(before);
  });

  it('no Create/Update/Delete/Put reached AWS, and the running rollout is the only one', async () => {
    expect(h.sim.calls.slice(callsBefore).filter((c) => MUTATING.test(c.operation))).toEqual([]);
    expect((await h.store.list()).map((r) => r.id)).toEqual([activeId]);
  });

  it('covers at least 30 malformed events', () => {
    expect(EVENT_CASES.length).toBeGreaterThanOrEqual(30);
  });
});

describe('well-formed start commands the controller refuses: the reason, nothing created', () => {
  it.each(REFUSED_STARTS)('a start with %s', async (_name, overrides, reason) => {
    const h = new FaultHarness();
    expect(h.approveNewVersion()).toBe(PKG);
    h.discardPending();
    const before = h.sim.calls.length;
    const result = await h.handler(
      h.commandEvent({
        command: 'start',
        endpoint: ENDPOINT,
        modelPackageArn: PKG,
        executionRoleArn: ROLE,
        ...overrides,
      }),
    );
    expect(result.ok).toBe(true);
    const outcome = result.ok ? result.outcomes[0] : undefined;
    expect(outcome?.action).toBe('refused');
    expect(outcome?.reason).toContain(reason);
    expect(h.sim.calls.slice(before).filter((c) => MUTATING.test(c.operation))).toEqual([]);
    expect(await h.store.list()).toEqual([]);
  });
});

// ---- policies --------------------------------------------------------------------------------

const BASE_POLICY: Record<string, string> = {
  modelPackageGroup: 'churn-model',
  endpoint: 'churn-prod',
  strategy: 'Canary10Percent5Minutes',
  executionRoleArn: 'arn:aws:iam::111122223333:role/churn-exec',
  // A policy with no alarm at all is a problem of its own (unless allowUnguarded).
  alarms: '[churn-prod-5xx]',
};

/** One policy in YAML, with fields replaced (null removes one) or added after the base ones. */
function policyDoc(over: Record<string, string | null>): string {
  const fields = Object.entries({ ...BASE_POLICY, ...over }).filter(([, v]) => v !== null);
  return `policies:\n${fields.map(([k, v], i) => `${i ? '    ' : '  - '}${k}: ${v}`).join('\n')}\n`;
}
const SECOND =
  '  - modelPackageGroup: other\n    endpoint: churn-prod\n    executionRoleArn: arn:aws:iam::111122223333:role/churn-exec\n    alarms: [other-5xx]\n';
const P = 'policies[0] (churn-model)';

/** [name, text, the one problem line] — parsePolicies throws `p.yaml: 1 problem:\n  <line>`. */
const POLICY_CASES: [string, string, string][] = [
  [
    'empty file',
    '',
    'p.yaml: is empty; write a policies list, e.g. policies: [{ modelPackageGroup: churn-model, … }]',
  ],
  ['policies not a list', 'policies: 3\n', 'p.yaml:1: policies: must be a list, e.g. policies: [{ … }]'],
  ['an empty list', 'policies: []\n', 'p.yaml:1: policies: is empty; add at least one policy'],
  [
    'a policy that is a string',
    'policies:\n  - hello\n',
    'p.yaml:2: policies[0]: must be a mapping, e.g. { modelPackageGroup: churn-model, endpoint: churn-prod, executionRoleArn: … }',
  ],
  [
    'no modelPackageGroup',
    policyDoc({ modelPackageGroup: null }),
    'p.yaml:2: policies[0]: modelPackageGroup: is required; give the model package group name, e.g. churn-model',
  ],
  [
    'a numeric modelPackageGroup',
    policyDoc({ modelPackageGroup: '123' }),
    'p.yaml:2: policies[0]: modelPackageGroup: 123 is not valid here; give the model package group name, e.g. churn-model',
  ],
  [
    'no endpoint',
    policyDoc({ endpoint: null }),
    `p.yaml:2: ${P}: endpoint: is required; give the endpoint name, e.g. churn-prod`,
  ],
  [
    'a bad endpoint name',
    policyDoc({ endpoint: 'churn_prod!' }),
    `p.yaml:3: ${P}: endpoint: "churn_prod!" is not valid; use the endpoint name: 1–63 letters, digits and hyphens, starting and ending with a letter or digit (not its ARN)`,
  ],
  [
    'no executionRoleArn',
    policyDoc({ executionRoleArn: null }),
    `p.yaml:2: ${P}: executionRoleArn: is required; give the IAM role SageMaker assumes, e.g. arn:aws:iam::111122223333:role/churn-sagemaker-exec`,
  ],
  [
    'a role that is not an ARN',
    policyDoc({ executionRoleArn: 'not-an-arn' }),
    `p.yaml:5: ${P}: executionRoleArn: "not-an-arn" is not valid; use an IAM role ARN SageMaker can assume, e.g. arn:aws:iam::111122223333:role/sagemaker-exec`,
  ],
  [
    'an unknown strategy',
    policyDoc({ strategy: 'Canary10Percent7Minutes' }),
    `p.yaml:4: ${P}: strategy: "Canary10Percent7Minutes" is not a known strategy; use a preset (AllAtOnce, Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, Canary10Percent30Minutes, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes), canary(percent, bake) e.g. canary(10, 5m), linear(step, interval) e.g. linear(10, 1m), allAtOnce or allAtOnce(finalBake) e.g. allAtOnce(5m), or a step list e.g. 10%,5m,pause,50%,10m`,
  ],
  [
    'weights going down',
    policyDoc({ strategy: '"50%,1m,20%,1m"' }),
    `p.yaml:4: ${P}: strategy[2]: weight 20% is lower than the 50% before it; weights may stay the same or go up, never down`,
  ],
  [
    'a weight over 100%',
    policyDoc({ strategy: '"150%"' }),
    `p.yaml:4: ${P}: strategy[0]: "150%" is not a weight; use a percentage from 0% to 100%, e.g. 10%`,
  ],
  [
    'a finalBake that is not a duration',
    policyDoc({ finalBake: '10 minutes' }),
    `p.yaml:7: ${P}: finalBake: "10 minutes" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m`,
  ],
  [
    'a maxDuration that is not a duration',
    policyDoc({ maxDuration: 'forever' }),
    `p.yaml:7: ${P}: maxDuration: "forever" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m`,
  ],
  [
    'an unknown onNewerApproval',
    policyDoc({ onNewerApproval: 'ignore' }),
    `p.yaml:7: ${P}: onNewerApproval: "ignore" is not allowed; use supersede, queue, reject`,
  ],
  [
    'alarms as a string',
    policyDoc({ alarms: 'x' }),
    `p.yaml:6: ${P}: alarms: "x" is not valid here; give a list of CloudWatch alarm names, e.g. [churn-prod-5xx]`,
  ],
  ['an empty alarm name', policyDoc({ alarms: '[""]' }), `p.yaml:6: ${P}: alarms[0]: is empty`],
  [
    'a misspelt field',
    policyDoc({ stratgy: 'AllAtOnce' }),
    `p.yaml:7: ${P}: stratgy: is not a setting of a policy; did you mean strategy?`,
  ],
  [
    'candidate.instanceCount 0',
    policyDoc({ candidate: '{ instanceCount: 0 }' }),
    `p.yaml:7: ${P}: candidate.instanceCount: 0 is too small: use at least 1; give a whole number of instances, e.g. 2`,
  ],
  [
    'a bad candidate.instanceType',
    policyDoc({ candidate: '{ instanceType: m5.large }' }),
    `p.yaml:7: ${P}: candidate.instanceType: "m5.large" is not valid; use a SageMaker instance type like ml.m5.large`,
  ],
  [
    'a candidate alarm without metricName',
    policyDoc({ candidateAlarms: '[{ suffix: a, statistic: Average, threshold: 1 }]' }),
    `p.yaml:7: ${P}: candidateAlarms[0].metricName: is required; give a SageMaker endpoint metric, e.g. Invocation5XXErrors or ModelLatency`,
  ],
  [
    'a candidate alarm threshold that is not a number',
    policyDoc({
      candidateAlarms:
        '[{ suffix: a, metricName: Invocation5XXErrors, statistic: Average, threshold: high }]',
    }),
    `p.yaml:7: ${P}: candidateAlarms[0].threshold: "high" is not valid here; give a number, e.g. 0.05`,
  ],
  [
    'a candidate alarm statistic that does not exist',
    policyDoc({
      candidateAlarms: '[{ suffix: a, metricName: Invocation5XXErrors, statistic: Mean, threshold: 1 }]',
    }),
    `p.yaml:7: ${P}: candidateAlarms[0].statistic: "Mean" is not valid; use Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99 (CloudWatch also takes tm90, tc90, ts90, wm90, IQM, PR(n:m), TM(10%:90%))`,
  ],
  [
    'two policies for one endpoint',
    policyDoc({}) + SECOND,
    'p.yaml:8: policies[1] (other): endpoint: churn-prod already has a policy, policies[0] (churn-model); an endpoint runs one rollout at a time, so it takes one policy: remove one of them or point it at another endpoint',
  ],
  [
    'JSON without modelPackageGroup',
    '{"policies":[{"endpoint":"e","executionRoleArn":"arn:aws:iam::111122223333:role/x"}]}',
    'p.yaml:1: policies[0]: modelPackageGroup: is required; give the model package group name, e.g. churn-model',
  ],
];

describe('malformed policies: parsePolicies throws naming the policy and the field', () => {
  it.each(POLICY_CASES)('%s', (_name, text, problem) => {
    let thrown: unknown;
    try {
      parsePolicies(text, 'p.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidPolicyFileError);
    expect((thrown as Error).message).toBe(`p.yaml: 1 problem:\n  ${problem}`);
    expect((thrown as InvalidPolicyFileError).problems).toEqual([problem]);
  });

  it('lists every problem of a policy, in file order', () => {
    expect(() =>
      parsePolicies(policyDoc({ endpoint: null, finalBake: 'soon', onNewerApproval: 'x' }), 'p.yaml'),
    ).toThrow(
      /^p\.yaml: 3 problems:\n {2}p\.yaml:2: .*endpoint: is required.*\n {2}p\.yaml:6: .*finalBake: "soon".*\n {2}p\.yaml:7: .*onNewerApproval: "x"/,
    );
  });

  it('a JSON syntax error names its line', () => {
    expect(() => parsePolicies('{"policies": [\n}', 'p.yaml')).toThrow(/p\.yaml:2: JSON syntax error/);
  });
});

// ---- CLI flags -------------------------------------------------------------------------------

const HELP = (verb: string) => `run \`sm-rollout ${verb} --help\` for usage and examples`;
const S = ['--simulate'];
const START = ['start', ...S, '--endpoint', 'churn-prod', '--model-package', PKG];

/** [argv, exact first stderr line]; every case exits 1. */
const CLI_CASES: [string[], string][] = [
  [['start', ...S, '--model-package', PKG], 'error: --endpoint is required: the endpoint to roll out onto'],
  [
    ['start', ...S, '--endpoint', 'churn-prod'],
    'error: --model-package is required: the versioned model package ARN to roll out',
  ],
  [['start', ...S, '--endpoint'], "error: Option '--endpoint <value>' argument missing"],
  [[...START, '--instance-count', 'two'], 'error: --instance-count: "two" is not a whole number'],
  [[...START, '--output', 'yaml'], 'error: --output: "yaml" is not supported; use --output json'],
  [[...START, '--local'], 'error: choose one of --simulate and --local'],
  [
    ['start', '--store', 'file:x', '--endpoint', 'churn-prod', '--model-package', PKG],
    'error: --store applies to --local mode only',
  ],
  [
    [...START, '--colour'],
    "error: Unknown option '--colour'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--colour\"",
  ],
  [
    [...START, '--timeout', 'later'],
    'error: --timeout: "later" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m [INVALID_DURATION]',
  ],
  [
    ['start', '--endpoint', 'churn-prod', '--model-package', PKG, '--local'],
    'error: --execution-role is required: the IAM role SageMaker uses for the new model (or pass --policy <file>)',
  ],
  [
    ['status', ...S],
    'error: status: which rollout? give its id (see `sm-rollout list --simulate`) or --endpoint <name>',
  ],
  [['status', ...S, '--output', 'xml'], 'error: --output: "xml" is not supported; use --output json'],
  [
    ['watch', ...S, '--endpoint', 'churn-prod', '--timeout', 'abc'],
    'error: --timeout: "abc" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m [INVALID_DURATION]',
  ],
  [
    ['pause', ...S],
    'error: pause: which rollout? give its id (see `sm-rollout list --simulate`) or --endpoint <name>',
  ],
  [
    ['resume', ...S, '--bogus'],
    "error: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"",
  ],
  [
    ['abort', ...S],
    'error: abort: which rollout? give its id (see `sm-rollout list --simulate`) or --endpoint <name>',
  ],
  [
    ['abort', ...S, '--endpoint', 'churn-prod', '--reason'],
    "error: Option '--reason <value>' argument missing",
  ],
  [['undo', ...S], 'error: --endpoint is required: the endpoint whose last rollout to undo'],
  [
    ['history', ...S],
    'error: history: which rollout? give its id (see `sm-rollout list --simulate`) or --endpoint <name>',
  ],
  [['list', ...S, '--output', 'csv'], 'error: --output: "csv" is not supported; use --output json'],
  [['list', ...S, '--active', 'x'], 'error: list takes no arguments (got "x")'],
  [['plan'], 'error: plan takes exactly one strategy, e.g. `sm-rollout plan Canary10Percent5Minutes`'],
  [['plan', '10%,5m', '--output', 'table'], 'error: --output: "table" is not supported; use --output json'],
  [
    ['demo', '--scenario', 'explode'],
    'error: --scenario: "explode" is not a scenario; use one of healthy, bad-model, manual-gate, ' +
      'inference-component, inference-component-bad-model',
  ],
  // An empty or blank value (a CI variable that was never set) is an error naming the flag, never
  // the flag's default: `--strategy ''` used to run a whole Canary10Percent5Minutes rollout, exit 0.
  ...(
    [
      [...START, '--strategy', ''],
      [...START, '--final-bake', ''],
      [...START, '--max-duration', ''],
      [...START, '--instance-type', ''],
      [...START, '--instance-count', ''],
      [...START, '--execution-role', ''],
      [...START, '--alarm', ''],
      [...START, '--requested-by', ''],
      [...START, '--policy', ''],
      ['start', ...S, '--endpoint', '', '--model-package', PKG],
      ['undo', ...S, '--endpoint', 'churn-prod', '--strategy', ''],
      ['abort', ...S, '--endpoint', 'churn-prod', '--reason', ''],
      ['watch', ...S, '--endpoint', 'churn-prod', '--timeout', ''],
      ['demo', '--strategy', ''],
      ['plan', 'AllAtOnce', '--final-bake', ''],
      ['list', ...S, '--output', ''],
    ] as string[][]
  ).map((argv): [string[], string] => {
    const flag = argv[argv.indexOf('') - 1]!;
    return [argv, `error: ${flag} is empty (an unset variable?); give it a value, or leave ${flag} out`];
  }),
  ...(
    [
      [...START, '--strategy', '   '],
      [...START, '--final-bake', ' '],
      [...START, '--max-duration', '\t'],
      [...START, '--instance-type', '  '],
      [...START, '--requested-by', ' '],
    ] as string[][]
  ).map((argv): [string[], string] => {
    const flag = argv.at(-2)!;
    return [argv, `error: ${flag} is blank (an unset variable?); give it a value, or leave ${flag} out`];
  }),
  [
    [...START, '--final-bake='],
    'error: --final-bake is empty (an unset variable?); give it a value, or leave --final-bake out',
  ],
  [
    ['status', ...S, ''],
    'error: the first argument is empty (an unset variable?); give a value or leave it out',
  ],
  [
    ['history', ...S, ' '],
    'error: the first argument is blank (an unset variable?); give a value or leave it out',
  ],
  [
    ['policy', 'validate', ''],
    'error: the argument after "validate" is empty (an unset variable?); give a value or leave it out',
  ],
  [['policy'], 'error: policy needs an action, e.g. `sm-rollout policy validate policies.yaml`'],
  [
    ['policy', 'check', 'x.yaml'],
    'error: policy: unknown action "check"; the action is validate, e.g. `sm-rollout policy validate policies.yaml`',
  ],
];

/** Bad values of start's flags: each error names the flag the person typed. */
const CLI_FIELD_CASES: [string[], string][] = [
  [
    [...START, '--strategy', 'Canary10Percent7Minutes'],
    'error: --strategy: "Canary10Percent7Minutes" is not a known strategy; use a preset',
  ],
  [
    [...START, '--final-bake', 'soon'],
    'error: --final-bake: "soon" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m [INVALID_DURATION]',
  ],
  [
    [...START, '--max-duration', 'forever'],
    'error: --max-duration: "forever" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m [INVALID_DURATION]',
  ],
  [
    ['start', ...S, '--endpoint', 'churn-prod', '--model-package', 'not-an-arn'],
    'error: --model-package: use a versioned model package ARN, e.g. arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7 [INVALID_INPUT]',
  ],
  [
    [...START, '--alarm', 'nope-alarm'],
    'error: alarm nope-alarm does not exist; a missing alarm cannot protect the rollout — create it or remove it from the alarms list [ALARM_NOT_FOUND]',
  ],
  [
    ['plan', 'AllAtOnce', '--final-bake', 'never'],
    'error: --final-bake: "never" is not a duration; use a number with units h, m, s (or ms, d), e.g. 90s, 5m, 1h30m [INVALID_DURATION]',
  ],
];

describe('bad CLI flags: exit 1 naming the flag; the simulated account and the store are untouched', () => {
  let dir: string;
  let previousDir: string | undefined;

  /** What a mutation would change: the simulated account's resources, and every file of the store. */
  function account(): string {
    const world = JSON.parse(readFileSync(path.join(dir, WORLD_FILE_NAME), 'utf8')) as {
      cloud: never;
      store: unknown;
    };
    const sim = createSimCloud({ state: world.cloud });
    return JSON.stringify({
      models: sim.modelNames(),
      configs: sim.endpointConfigNames(),
      alarms: sim.alarmNames(),
      endpoint: sim.endpoint(ENDPOINT),
      store: world.store,
      files: readdirSync(dir).sort(),
    });
  }

  async function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), color: false });
    return { code, out, err };
  }

  beforeAll(async () => {
    previousDir = process.env.SM_ROLLOUT_SIM_DIR;
    dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-bad-input-'));
    process.env.SM_ROLLOUT_SIM_DIR = dir;
    // Creates the simulated account (endpoint churn-prod, versions 1–4) without changing it.
    expect((await run(['list', '--simulate'])).code).toBe(0);
  });
  afterAll(() => {
    if (previousDir === undefined) delete process.env.SM_ROLLOUT_SIM_DIR;
    else process.env.SM_ROLLOUT_SIM_DIR = previousDir;
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CLI_CASES)('%j', async (argv, message) => {
    const before = account();
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toBe(message);
    if (result.err.length > 1) expect(result.err[1]).toBe(HELP(argv[0]!));
    expect(account()).toBe(before);
  });

  it.each(CLI_FIELD_CASES)('%j (names the field)', async (argv, message) => {
    const before = account();
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.err[0]!.startsWith(message)).toBe(true);
    expect(account()).toBe(before);
  });

  it('a bad --final-bake names the flag', async () => {
    const result = await run([...START, '--final-bake', 'soon']);
    expect(result.err[0]).toMatch(/^error: --final-bake: "soon" is not a duration/);
  });

  it('counts: at least 40 bad-input cases in this file', () => {
    const total =
      EVENT_CASES.length +
      REFUSED_STARTS.length +
      POLICY_CASES.length +
      CLI_CASES.length +
      CLI_FIELD_CASES.length;
    expect(total).toBeGreaterThanOrEqual(40);
  });
});
