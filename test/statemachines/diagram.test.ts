// docs/rollout-machine.md is generated from the machine definition; this fails when it is stale.
import { readFileSync } from 'node:fs';
import { DIAGRAM_PATH, renderRolloutDiagram } from '../../scripts/generate-diagram';

describe('docs/rollout-machine.md', () => {
  it('matches the rollout machine (run `npm run diagram` to regenerate it)', () => {
    const committed = readFileSync(DIAGRAM_PATH, 'utf8');
    if (committed !== renderRolloutDiagram()) {
      throw new Error(
        'docs/rollout-machine.md is stale: the rollout machine changed. Run `npm run diagram` and commit the result.',
      );
    }
  });

  it('is deterministic and names every state and effect of the machine', () => {
    const diagram = renderRolloutDiagram();
    expect(renderRolloutDiagram()).toBe(diagram);
    expect(diagram).toContain('```mermaid\nstateDiagram-v2\n');
    for (const text of [
      'live_flow_baking_idle',
      'rolledBack --> [*]',
      'PROMOTE [fullPromotion]',
      'invokes readAlarms',
      'live_paused --> live_flow_history : RESUME',
      'done checkEndpoint [checkPhase: ready]',
      'always [stepIs: bake]',
      'error removeCandidate [retryableError: rollback]',
    ]) {
      expect(diagram).toContain(text);
    }
  });

  it('shows a named condition on every guarded edge (no inline guards in the chart)', () => {
    const inline = renderRolloutDiagram()
      .split('\n')
      .filter((line) => line.includes('[guarded]'));
    // An inline guard has no name to show: name it in setup({ guards }) in statemachines/guards.ts.
    expect(inline).toEqual([]);
  });

  it('explains every named guard in its legend', () => {
    const diagram = renderRolloutDiagram();
    const used = new Set([...diagram.matchAll(/ \[(\w+)(?::[^\]]*)?\]$/gm)].map((m) => m[1]!));
    for (const guard of used) expect(diagram).toContain(`- \`${guard}\`: `);
  });
});
