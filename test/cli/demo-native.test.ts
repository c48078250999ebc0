// `sm-rollout demo --engine native`: a whole guardrails rollout on the simulated endpoint, healthy and
// bad-model, told as the deployment moves, with the outcome decided by the config serving at the end.
import { DEMO_TEAM_ALARM, runDemo } from '../../src/cli/commands/demo';

describe('demo --engine native', () => {
  it('healthy: SageMaker shifts a canary of one instance, then the rest, and the new model serves', async () => {
    const lines: string[] = [];
    const result = await runDemo({
      scenario: 'healthy',
      engine: 'native',
      speed: Infinity,
      seed: 7,
      print: (line) => lines.push(line),
    });
    expect(result.status).toBe('succeeded');
    expect(lines[0]).toMatch(/^Simulated endpoint churn-prod/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^Engine: native\. SageMaker deployment guardrails moves/),
    );
    const kinds = result.timeline.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'nativeShifted')).toHaveLength(2);
    expect(kinds).not.toContain('transitionLive');
    expect(kinds.at(-1)).toBe('succeeded');
  });

  it('bad-model: the team alarm fires in the canary bake, SageMaker rolls back, the demo says which alarm', async () => {
    const result = await runDemo({ scenario: 'bad-model', engine: 'native', speed: Infinity, seed: 7 });
    expect(result.status).toBe('rolledBack');
    expect(result.reason).toMatch(new RegExp(`^alarm ${DEMO_TEAM_ALARM} fired: Threshold Crossed`));
    expect(result.timeline.map((e) => e.kind)).toContain('nativeRolledBack');
  });
});
