// Systematic coverage of the rollout machine: a bounded breadth-first walk over its quiet states,
// sending every event of a fixed alphabet under every scripted cloud behaviour, with invariants
// checked on each state reached. @xstate/graph cannot resolve invoked promise actors (its walk
// is pure), so the walk runs real actors over FakeCloud and restores each state from its
// persisted snapshot, the way a host does; @xstate/graph supplies the list of state nodes.
import { getStateNodes } from '@xstate/graph';
import { createActor, type AnyStateNode, type InspectionEvent } from 'xstate';
import { compilePlan } from '../../src/plan';
import type { RolloutEvent } from '../../statemachines/contract';
import { rolloutMachine } from '../../statemachines/rollout';
import { FakeCloud, isQuiet, MINUTE, rolloutInput, type Snapshot } from './fake-cloud';

/** Small but complete: a shift, a bake, a manual gate, 100%, and the final bake. */
const INPUT = rolloutInput(compilePlan('10%,2m,pause', { finalBake: '2m' }), {
  maxDurationMs: 60 * MINUTE,
  candidateAlarms: [],
  preTrafficCheck: { requests: { inline: ['{}'] }, contentType: 'application/json', maxLatencyMs: 1000 },
});
const DEADLINE = INPUT.startedAt + INPUT.maxDurationMs;
const MAX_STATES = 1500;

type World =
  | 'ok'
  | 'satisfied'
  | 'busy'
  | 'slow'
  | 'silentRollback'
  | 'endpointFailed'
  | 'endpointDeleted'
  | 'alarm'
  | 'flaky'
  | 'fatal'
  | 'writesFlaky'
  | 'writesFail';
const WORLDS: World[] = [
  'ok',
  'satisfied',
  'busy',
  'slow',
  'silentRollback',
  'endpointFailed',
  'endpointDeleted',
  'alarm',
  'flaky',
  'fatal',
  'writesFlaky',
  'writesFail',
];
/** Commands and pushed events start at most one effect; fewer behaviours cover their branches. */
const COMMAND_WORLDS: World[] = [
  'ok',
  'slow',
  'alarm',
  'fatal',
  'writesFlaky',
  'writesFail',
  'endpointDeleted',
];

interface Outcome {
  finalReady: boolean;
}

/** A cloud whose every effect answers as `world` says; `outcome` records what a path has seen. */
function cloudFor(world: World, now: number, outcome: Outcome): FakeCloud {
  const cloud = new FakeCloud();
  cloud.now = now;
  const fail = (retryable: boolean) => {
    throw { code: retryable ? 'ThrottlingException' : 'ValidationException', message: world, retryable };
  };
  if (world === 'flaky' || world === 'fatal') {
    const thrower = () => fail(world === 'flaky');
    cloud.resolveBaseline = thrower;
    cloud.createCandidate = thrower;
    cloud.apply = thrower;
    cloud.check = thrower;
    cloud.readAlarms = thrower;
    cloud.createFinalConfig = thrower;
    cloud.cleanupAfterPromotion = thrower;
    cloud.removeCandidate = thrower;
    cloud.checkCandidate = thrower;
    return cloud;
  }
  if (world === 'writesFlaky' || world === 'writesFail') {
    // Reads answer, writes throw: reaches the error paths of effects that follow a successful check.
    const thrower = () => fail(world === 'writesFlaky');
    cloud.apply = thrower;
    cloud.createFinalConfig = thrower;
    cloud.cleanupAfterPromotion = thrower;
    cloud.removeCandidate = thrower;
    // Sample requests to the candidate are calls that change nothing but fail the same way.
    cloud.checkCandidate = thrower;
  }
  if (world === 'endpointDeleted') {
    // Someone deleted the endpoint: a change finds no endpoint, a check sees it gone.
    cloud.apply = () => {
      throw { code: 'ENDPOINT_NOT_FOUND', message: 'endpoint churn does not exist', retryable: false };
    };
    cloud.check = () => ({
      phase: 'failed',
      status: 'Deleted',
      failureReason: 'endpoint churn no longer exists',
    });
    cloud.checkCandidate = () => {
      throw { code: 'ENDPOINT_NOT_FOUND', message: 'endpoint churn does not exist', retryable: false };
    };
    return cloud;
  }
  if (world !== 'writesFlaky' && world !== 'writesFail')
    cloud.apply = () => ({
      outcome: world === 'satisfied' ? 'satisfied' : world === 'busy' ? 'busy' : 'requested',
    });
  cloud.check = (change) => {
    switch (world) {
      case 'slow':
        return { phase: 'inProgress', status: 'Updating' };
      case 'silentRollback':
        return {
          phase: 'idle',
          status: 'InService',
          endpointConfigName: 'churn-config-v1',
          failureReason: 'health check',
        };
      case 'endpointFailed':
        return { phase: 'failed', status: 'Failed', failureReason: 'capacity' };
      default:
        if (change.purpose === 'final') outcome.finalReady = true;
        return { phase: 'ready', status: 'InService', endpointConfigName: change.endpointConfigName };
    }
  };
  if (world === 'alarm') {
    // A bad candidate: its sample requests fail too.
    cloud.checkCandidate = () => ({
      sent: 1,
      failures: [{ index: 0, reason: 'status 500' }],
      maxLatencyMs: 5,
    });
    cloud.readAlarms = () => ({
      firing: [{ alarmName: 'churn-5xx', stateReason: 'Threshold Crossed' }],
      states: [],
    });
  }
  return cloud;
}

function holding(s: Snapshot): boolean {
  return (
    s.matches({ live: { flow: 'baking' } }) ||
    s.matches({ live: { flow: 'gate' } }) ||
    s.matches({ live: 'paused' })
  );
}

function alphabet(s: Snapshot, now: number): RolloutEvent[] {
  const c = s.context;
  const by = 'tester';
  const ticks = new Set([now + 1000, Math.max(c.wakeAt ?? now, now + 1), DEADLINE]);
  if (c.bakeUntil !== undefined) ticks.add(Math.max(c.bakeUntil, now + 1));
  return [
    ...[...ticks].sort((a, b) => a - b).map((t): RolloutEvent => ({ type: 'TICK', now: t })),
    { type: 'ENDPOINT_CHANGED', now, status: 'InService' },
    // A hold reads the status an event names; a wait for an endpoint change ignores one that says it
    // is still changing (Updating) and looks on any other.
    ...(holding(s)
      ? [
          { type: 'ENDPOINT_CHANGED', now, status: 'Deleting' } as const,
          { type: 'ENDPOINT_CHANGED', now, status: 'Failed' } as const,
        ]
      : [{ type: 'ENDPOINT_CHANGED', now, status: 'Updating' } as const]),
    { type: 'ALARM_FIRED', now, alarmName: 'churn-5xx', stateReason: 'Threshold Crossed' },
    { type: 'PAUSE', now, by },
    { type: 'RESUME', now: now + 1000, by },
    { type: 'PROMOTE', now, by },
    { type: 'PROMOTE', now, by, full: true },
    { type: 'ABORT', now, by },
  ];
}

function leafIds(value: unknown, prefix = 'rollout'): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafIds(v, `${prefix}.${k}`));
}

/** Equivalent states for the walk: absolute time is left out, only where it stands relative to deadlines. */
function keyOf(s: Snapshot, persisted: { historyValue?: Record<string, { id: string }[]> }): string {
  const c = s.context;
  // Once rolling back or ended, how the rollout got there no longer steers the machine.
  if (s.status === 'done') return JSON.stringify([s.value, c.rollbackReason?.kind]);
  if (s.matches('rollingBack') || s.matches('endpointDeleted')) {
    return JSON.stringify([s.value, c.changeRequested, Math.min(c.attempts, 2), c.rollbackReason?.kind]);
  }
  return JSON.stringify([
    s.value,
    c.stepIndex,
    c.candidateWeight,
    c.changeRequested,
    // Retry counts matter up to the first retry; beyond that the walk would only count.
    Math.min(c.attempts, 2),
    c.candidateDeployed,
    c.bakeRemainingMs !== undefined,
    c.bakeUntil === undefined ? 'noBake' : c.now >= c.bakeUntil ? 'bakeOver' : 'baking',
    c.now >= DEADLINE,
    c.rollbackReason?.kind,
    Object.values(persisted.historyValue ?? {}).map((nodes) => nodes.map((n) => n.id)),
  ]);
}

function transitionLabel(t: {
  source: AnyStateNode;
  eventType: string;
  target?: readonly AnyStateNode[];
}): string {
  const list = t.eventType ? t.source.transitions.get(t.eventType) : t.source.always;
  const index = (list as unknown[] | undefined)?.indexOf(t) ?? -1;
  return `${t.source.id} ${t.eventType || 'always'} #${index}`;
}

function allTransitionLabels(): string[] {
  const labels: string[] = [];
  const walk = (node: AnyStateNode) => {
    (node.always ?? []).forEach((_, i) => labels.push(`${node.id} always #${i}`));
    for (const [eventType, list] of node.transitions)
      list.forEach((_, i) => labels.push(`${node.id} ${eventType} #${i}`));
    Object.values(node.states).forEach(walk);
  };
  walk(rolloutMachine.root);
  return labels;
}

/**
 * Transitions only a rollout with a judge takes (judge-machine.test.ts covers them), a native one
 * (native-machine.test.ts) or one on an inference component (test/scenarios/inference-component.test.ts):
 * out of this walk's count.
 */
const JUDGE_GUARDS = new Set([
  'nativeBaselineKnown',
  'nativeEngine',
  'inferenceComponentBaselineKnown',
  'componentIs',
  'componentProgressed',
  'judgeDue',
  'judgeSilentUntold',
  'judgeFailsCritical',
  'judgeVerdictChanged',
  'judgeAllPass',
  'judgeErrorUntold',
  'alarmReadDue',
  'bakeEndsWith',
]);

function judgeTransitionLabels(): Set<string> {
  const labels = new Set<string>();
  const judgeOnly = (id: string) =>
    id.endsWith('.judging') ||
    id.endsWith('.judgedChanged') ||
    id.includes('.analysing') ||
    id.startsWith('rollout.native') ||
    id.startsWith('rollout.inferenceComponent');
  const guardName = (t: { guard?: unknown }) =>
    typeof t.guard === 'string' ? t.guard : (t.guard as { type?: string } | undefined)?.type;
  const walk = (node: AnyStateNode) => {
    (node.always ?? []).forEach((t, i) => {
      if (judgeOnly(node.id) || JUDGE_GUARDS.has(guardName(t) ?? '')) labels.add(`${node.id} always #${i}`);
    });
    for (const [eventType, list] of node.transitions)
      list.forEach((t, i) => {
        if (judgeOnly(node.id) || JUDGE_GUARDS.has(guardName(t) ?? ''))
          labels.add(`${node.id} ${eventType} #${i}`);
      });
    Object.values(node.states).forEach(walk);
  };
  walk(rolloutMachine.root);
  return labels;
}

interface Node {
  key: string;
  persisted: unknown;
  snapshot: Snapshot;
  now: number;
  finalReady: boolean;
  depth: number;
}

interface Visit {
  snapshot: Snapshot;
  persisted: unknown;
  quiet: boolean;
  now: number;
}

const seenLeaves = new Set<string>();
const takenTransitions = new Set<string>();

/** Restores `from` (or starts fresh), sends `event`, and runs the actor until it is quiet. */
async function step(
  from: Node | undefined,
  event: RolloutEvent | undefined,
  world: World,
  outcome: Outcome,
  input = INPUT,
): Promise<Visit> {
  const now = Math.max(from?.now ?? INPUT.startedAt, event?.now ?? 0);
  const cloud = cloudFor(world, now, outcome);
  const actor = createActor(cloud.machine(), {
    input,
    ...(from ? { snapshot: from.persisted as never } : {}),
    inspect: (e: InspectionEvent) => {
      if (e.type !== '@xstate.microstep') return;
      for (const t of e._transitions) takenTransitions.add(transitionLabel(t as never));
    },
  });
  actor.subscribe({ next: (s) => leafIds(s.value).forEach((id) => seenLeaves.add(id)), error: () => {} });
  actor.start();
  if (event) actor.send(event);
  let quiet = false;
  for (let i = 0; i < 50 && !quiet; i++) {
    quiet = isQuiet(actor.getSnapshot());
    if (!quiet) await new Promise((resolve) => setImmediate(resolve));
  }
  const snapshot = actor.getSnapshot();
  const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as unknown;
  actor.stop();
  return { snapshot, persisted, quiet, now: Math.max(now, snapshot.context.now) };
}

/** Sends ABORT, then lets an obliging cloud answer until the rollout ends. */
async function abortToTheEnd(from: Node): Promise<string> {
  const outcome = { finalReady: false };
  let visit = await step(from, { type: 'ABORT', now: from.now, by: 'tester' }, 'ok', outcome);
  for (let i = 0; i < 40 && visit.snapshot.status === 'active'; i++) {
    const node: Node = { ...from, persisted: visit.persisted, snapshot: visit.snapshot, now: visit.now };
    const at = Math.max(visit.snapshot.context.wakeAt ?? visit.now, visit.now + 1);
    visit = await step(node, { type: 'TICK', now: at }, 'ok', outcome);
  }
  return JSON.stringify(visit.snapshot.value);
}

describe('every reachable state of the rollout machine', () => {
  const violations: string[] = [];
  const terminals = new Map<string, number>();
  const nodes: Node[] = [];
  let edges = 0;

  beforeAll(async () => {
    const visited = new Map<string, Node>();
    const queue: Node[] = [];
    const admit = (visit: Visit, finalReady: boolean, depth: number, how: string) => {
      const s = visit.snapshot;
      if (!visit.quiet)
        violations.push(`${how}: stuck in ${JSON.stringify(s.value)} without the waiting tag`);
      if (s.status === 'active' && !Number.isFinite(s.context.wakeAt)) {
        violations.push(`${how}: quiet in ${JSON.stringify(s.value)} with no wakeAt`);
      }
      if (s.status === 'done') {
        const value = String(s.value);
        terminals.set(value, (terminals.get(value) ?? 0) + 1);
        if (value === 'succeeded' && (!finalReady || s.context.candidateWeight !== 100)) {
          violations.push(`${how}: succeeded without the final config being ready`);
        }
        if (value === 'succeeded' && s.context.rollbackReason)
          violations.push(`${how}: succeeded while rolling back`);
      }
      const key = keyOf(s, visit.persisted as never);
      if (visited.has(key) || visited.size >= MAX_STATES) return;
      const node: Node = { key, persisted: visit.persisted, snapshot: s, now: visit.now, finalReady, depth };
      visited.set(key, node);
      nodes.push(node);
      if (s.status === 'active') queue.push(node);
    };

    for (const baseline of [INPUT.baseline, undefined]) {
      for (const world of WORLDS) {
        const outcome = { finalReady: false };
        const visit = await step(undefined, undefined, world, outcome, { ...INPUT, baseline });
        admit(visit, outcome.finalReady, 0, `start (${world})`);
      }
    }

    while (queue.length > 0) {
      const node = queue.shift()!;
      for (const event of alphabet(node.snapshot, node.now)) {
        // An endpoint event saying the endpoint is still Updating is a transition with neither target nor
        // action where it is ignored, which can() calls refused; the engine sends it all the same. It
        // starts no effect: one behaviour covers it.
        const stillUpdating = event.type === 'ENDPOINT_CHANGED' && event.status === 'Updating';
        if (!node.snapshot.can(event) && !stillUpdating) continue;
        const worlds = event.type === 'TICK' ? WORLDS : stillUpdating ? ['ok' as const] : COMMAND_WORLDS;
        for (const world of worlds) {
          const outcome = { finalReady: node.finalReady };
          const visit = await step(node, event, world, outcome);
          edges++;
          admit(
            visit,
            outcome.finalReady,
            node.depth + 1,
            `${JSON.stringify(node.snapshot.value)} + ${event.type}${'full' in event ? ' full' : ''} (${world})`,
          );
        }
      }
    }
    // About 2.5 CPU-minutes of walking (2m19s measured); the machine this runs on is shared, so wall
    // time is longer (13 min at a load of 15 on 2 cores).
  }, 900_000);

  it('walks a bounded but substantial state space', () => {
    const total = getStateNodes(rolloutMachine.root).filter((n) => n.type === 'atomic' || n.type === 'final');
    const reached = total.filter((n) => seenLeaves.has(n.id));
    // Transient states (choosing, routing) pass within a microstep and never show in a snapshot.
    // The judge's states (and analysis steps) are reached only by a rollout with a judge (INPUT has none,
    // to keep this walk bounded); test/statemachines/judge-machine.test.ts walks them. The native
    // engine's states are reached only by a native rollout: test/statemachines/native-machine.test.ts;
    // an inference component's only by a rollout onto one: test/scenarios/inference-component.test.ts.
    const judgeOnly = (id: string) =>
      id.endsWith('.judging') ||
      id.endsWith('.judgedChanged') ||
      id.includes('.analysing') ||
      id.startsWith('rollout.native') ||
      id.startsWith('rollout.inferenceComponent');
    const transient = [
      'rollout.live.flow.choosing',
      'rollout.rollingBack.routing',
      'rollout.checkingCandidate.routing',
      ...total.map((n) => n.id).filter(judgeOnly),
    ];
    const transitions = allTransitionLabels().filter((t) => !judgeTransitionLabels().has(t));
    const covered = transitions.filter((t) => takenTransitions.has(t));
    console.log(
      `rollout machine walk: ${nodes.length} distinct quiet states, ${edges} edges (event × cloud behaviour), ` +
        `max depth ${Math.max(...nodes.map((n) => n.depth))}; atomic/final state nodes seen ${reached.length}/${total.length}; ` +
        `transitions taken ${covered.length}/${transitions.length}; terminals ${JSON.stringify(Object.fromEntries(terminals))}` +
        `\nnot taken:\n  ${transitions.filter((t) => !takenTransitions.has(t)).join('\n  ')}`,
    );
    expect(nodes.length).toBeGreaterThan(100);
    expect(nodes.length).toBeLessThan(MAX_STATES);
    expect(edges).toBeGreaterThan(10_000);
    expect(total.filter((n) => !seenLeaves.has(n.id) && !transient.includes(n.id)).map((n) => n.id)).toEqual(
      [],
    );
    // Not walkable here: ABORT while resolvingBaseline / creatingCandidate (never quiet, so never
    // sent an event), the weights-only retry branch of a config change (its guard is false), and
    // a failing apply of the final config (a cloud that fails writes fails createFinalConfig first),
    // and a rollout without a pre-traffic check (the walk's input has one; pre-traffic-check.test.ts
    // covers the other way).
    expect(covered.length / transitions.length).toBeGreaterThan(0.93);
  });

  it('keeps every invariant on every state reached', () => {
    expect(violations.slice(0, 20)).toEqual([]);
  });

  it('reaches every terminal state', () => {
    expect([...terminals.keys()].sort()).toEqual(['failed', 'rolledBack', 'succeeded']);
  });

  it('ends in rolledBack or failed, never succeeded, after ABORT from any state that accepts it', async () => {
    const abortable = nodes.filter(
      (n) => n.snapshot.status === 'active' && n.snapshot.can({ type: 'ABORT', now: n.now, by: 't' }),
    );
    expect(abortable.length).toBeGreaterThan(50);
    const ends = new Map<string, number>();
    for (const node of abortable) {
      const end = await abortToTheEnd(node);
      ends.set(end, (ends.get(end) ?? 0) + 1);
    }
    // With an obliging cloud every abort completes the rollback.
    expect(Object.fromEntries(ends)).toEqual({ '"rolledBack"': abortable.length });
  }, 300_000);

  it('refuses ABORT only where a rollback is already under way or over, or the promotion is done', () => {
    const refusing = nodes.filter(
      (n) => n.snapshot.status === 'active' && !n.snapshot.can({ type: 'ABORT', now: n.now, by: 't' }),
    );
    // ...or where it is winding down after the endpoint was deleted: there is nothing to roll back;
    // or cleaning up after the promotion (retrying): the new model already serves, `undo` goes back.
    for (const node of refusing) {
      expect(
        node.snapshot.matches('rollingBack') ||
          node.snapshot.matches('endpointDeleted') ||
          node.snapshot.matches('cleaningUp'),
      ).toBe(true);
    }
  });
});
