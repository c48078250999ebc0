// Inference components as a person or pipeline types them: `plan --copies <n>` shows the
// RollingUpdatePolicy SageMaker will run (or refuses, naming the step), `policy validate` checks a
// policy with `inferenceComponent`, and `start --inference-component` puts the component into the
// request, refusing what a rolling update cannot do before anything is sent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRequestFromFlags } from '../../src/cli/commands/start';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { validateStartRequest as validate, type StartRolloutRequest } from '../../src/engine';
import { file, policy } from '../policy/fixtures';

const validateStartRequest = (request: unknown) => validate(request as StartRolloutRequest);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  const code = await main(argv, io);
  return { code, out, stdout: out.join('\n'), stderr: err.join('\n') };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-cli-ic-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/support-chat/7';
const ROLE = 'arn:aws:iam::111122223333:role/support-sagemaker-exec';

describe('sm-rollout plan --copies', () => {
  it('prints the steps and the RollingUpdatePolicy for that many copies', async () => {
    const result = await run('plan', 'linear(25, 5m)', '--copies', '8', '--alarm', 'chat-assistant-5xx');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.out).toEqual(
      expect.arrayContaining([
        'Inference component of 8 copies: SageMaker runs it as one UpdateInferenceComponent with this RollingUpdatePolicy',
        '  MaximumBatchSize: 2 copies of 8 (COPY_COUNT): 4 batches',
        '  WaitIntervalInSeconds: 300 (each batch bakes 5m while SageMaker watches the alarms)',
        '  MaximumExecutionTimeoutInSeconds: 4800',
        "  AutoRollbackConfiguration: chat-assistant-5xx, (this rollout's abort alarm)",
      ]),
    );
  });

  it('--output json carries the rolling update', async () => {
    const result = await run('plan', 'Canary10Percent5Minutes', '--copies', '20', '--output', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out[0]!) as { rollingUpdate: Record<string, unknown> };
    expect(report.rollingUpdate).toEqual({
      maximumBatchSize: { type: 'COPY_COUNT', value: 2 },
      waitIntervalInSeconds: 300,
      maximumExecutionTimeoutInSeconds: 10 * (300 + 900),
      rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
      autoRollbackAlarms: ["(this rollout's abort alarm)"],
      copies: 20,
      batches: 10,
    });
  });

  it('refuses a plan a rolling update cannot express, naming the step, exit 1', async () => {
    const result = await run('plan', '10%,5m,pause,100%', '--copies', '4');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /strategy: step 3 pause: a rolling update of an inference component has no manual gate/,
    );
    expect(result.stderr).toMatch(/step 1 setWeight\(10\): 10% of 4 copies is less than one copy/);
  });

  it('refuses a copy count that is not one, and flags of the native engine', async () => {
    expect((await run('plan', 'AllAtOnce', '--copies', 'four')).stderr).toMatch(
      /--copies: "four" is not a whole number/,
    );
    expect((await run('plan', 'linear(25, 5m)', '--copies', '4', '--engine', 'native')).stderr).toMatch(
      /--engine does not apply with --copies/,
    );
  });
});

describe('sm-rollout policy validate with inferenceComponent', () => {
  const support = (overrides: Record<string, unknown> = {}) =>
    policy({
      modelPackageGroup: 'support-chat',
      endpoint: 'support-llm',
      inferenceComponent: 'chat-assistant',
      strategy: 'linear(25, 5m)',
      alarms: ['chat-assistant-5xx'],
      executionRoleArn: ROLE,
      ...overrides,
    });

  it('a policy a rolling update can run: valid, exit 0, the summary names the component', async () => {
    const result = await run('policy', 'validate', write('ic.json', file(support())));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'roll it onto inference component chat-assistant of endpoint support-llm',
    );
  });

  it('a manual gate on a component is refused naming the step, exit 1', async () => {
    const result = await run(
      'policy',
      'validate',
      write('ic-gated.json', file(support({ strategy: '25%,5m,pause,50%,5m' }))),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /ic-gated\.json:\d+: policies\[0\] \(support-chat\): strategy: step 3 pause:/,
    );
  });
});

describe('sm-rollout start --inference-component', () => {
  const flags = {
    endpoint: 'support-llm',
    'model-package': ARN,
    'execution-role': ROLE,
    alarm: ['chat-assistant-5xx'],
    strategy: 'linear(25, 5m)',
  };

  it('lands in the validated start request, without candidate alarms or judge', () => {
    const request = startRequestFromFlags({ ...flags, 'inference-component': 'chat-assistant' }, 'ci');
    const valid = validateStartRequest(request);
    expect(valid).toMatchObject({
      inferenceComponent: 'chat-assistant',
      candidateAlarms: [],
      alarms: ['chat-assistant-5xx'],
    });
    expect(valid.judge).toBeUndefined();
  });

  it("takes the policy's component", () => {
    const target = write(
      'start-ic.json',
      file(
        policy({
          modelPackageGroup: 'support-chat',
          endpoint: 'support-llm',
          inferenceComponent: 'chat-assistant',
          strategy: 'linear(25, 5m)',
          alarms: ['chat-assistant-5xx'],
        }),
      ),
    );
    const request = startRequestFromFlags(
      { endpoint: 'support-llm', 'model-package': ARN, policy: target },
      'ci',
    );
    expect(validateStartRequest(request).inferenceComponent).toBe('chat-assistant');
  });

  it('refuses --candidate-alarm and --instance-type on a component, naming the flag', () => {
    expect(() =>
      startRequestFromFlags(
        {
          ...flags,
          'inference-component': 'chat-assistant',
          'candidate-alarm': ['Invocation5XXErrors>0.05'],
        },
        'ci',
      ),
    ).toThrow(/^--candidate-alarm: candidate alarms cannot be created on an inference component/);
    const request = startRequestFromFlags(
      { ...flags, 'inference-component': 'chat-assistant', 'instance-type': 'ml.g5.2xlarge' },
      'ci',
    );
    expect(() => validateStartRequest(request)).toThrow(
      /^candidate: an inference component has no candidate instances/,
    );
  });

  it('a bad component name is refused naming the field', () => {
    const request = startRequestFromFlags({ ...flags, 'inference-component': 'chat_assistant' }, 'ci');
    expect(() => validateStartRequest(request)).toThrow(
      /^inferenceComponent: give the inference component name/,
    );
  });
});
