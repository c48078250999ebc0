// `sm-rollout demo --scenario inference-component`: a whole rollout onto an inference component on the
// simulated cloud, healthy and bad-model, with the usual exit codes and the component's copies at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoCommand, runDemo } from '../../src/cli/commands/demo';
import type { CliIo } from '../../src/cli/io';
import { IC_SCENE } from '../../src/cli/inference-component-scene';

describe('demo --scenario inference-component', () => {
  it('healthy: SageMaker replaces every copy, the final bake passes, the new model serves all four', async () => {
    const lines: string[] = [];
    const result = await runDemo({
      scenario: 'inference-component',
      speed: Infinity,
      seed: 7,
      print: (l) => lines.push(l),
    });
    expect(result.status).toBe('succeeded');
    expect(result.endpoint).toBe(IC_SCENE.endpoint);
    expect(lines[0]).toMatch(
      /^Simulated endpoint support-llm \(2 × ml\.g5\.12xlarge\) hosts inference component chat-assistant/,
    );
    const kinds = result.timeline.map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['componentUpdateStarted', 'componentUpdated', 'bakeCompleted']),
    );
    expect(kinds.at(-1)).toBe('succeeded');
    expect(lines.at(-1)).toMatch(
      /^Inference component chat-assistant now: InService, serving 4 × smr-support-llm-/,
    );
  });

  it('bad-model: the component alarm fires in a batch bake and SageMaker puts the old copies back', async () => {
    const result = await runDemo({ scenario: 'inference-component-bad-model', speed: Infinity, seed: 7 });
    expect(result.status).toBe('rolledBack');
    expect(result.reason).toMatch(new RegExp(`^alarm ${IC_SCENE.alarm} fired: Threshold Crossed`));
    expect(result.timeline.map((e) => e.kind)).toContain('componentRolledBack');
  });

  it('exits 2 on the rollback, and refuses --engine native for the scenario', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
    const dir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-demo-ic-'));
    process.env.SM_ROLLOUT_DEMO_DIR = dir;
    try {
      expect(
        await demoCommand(
          ['--scenario', 'inference-component-bad-model', '--speed', 'max', '--output', 'json'],
          io,
        ),
      ).toBe(2);
    } finally {
      delete process.env.SM_ROLLOUT_DEMO_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(
      demoCommand(['--scenario', 'inference-component', '--engine', 'native'], io),
    ).rejects.toThrow(/--engine native: the inference-component scenario already runs on SageMaker/);
  });
});
