// Compiling a strategy into a plan: the CodeDeploy-style presets, the parametric forms
// (`canary(10, 5m)`, `linear(10, 1m)`, `allAtOnce(5m)`) and explicit step lists all become the same
// ordered steps, always ending at 100% with the final bake (the rollback window).

import { parseDuration, toDurationMs } from './duration';
import { formatStepList, parseStepList, STEP_LIST_EXAMPLE, stepsFromInputs } from './explicit-steps';
import type { ExplicitStepInput } from './explicit-steps';
import { invalidPlan, quote } from './invalid-plan';
import type { DurationMs, Percent, Plan, Step } from './types';

export interface CompilePlanOptions {
  /** How long to hold at 100% with the baseline still warm: text like `10m`, or milliseconds. */
  finalBake?: string | DurationMs;
}

/** Ten minutes at 100% before the baseline goes: long enough for a bad model's alarms to fire. */
export const DEFAULT_FINAL_BAKE_MS: DurationMs = 10 * 60_000;
/** The strategy a rollout or policy that names none gets. */
export const DEFAULT_STRATEGY = 'Canary10Percent5Minutes';

const MINUTE = 60_000;

/** What every strategy reduces to before it becomes steps. */
type Shape =
  | { kind: 'allAtOnce'; finalBakeMs?: DurationMs }
  | { kind: 'canary'; percent: Percent; bakeMs: DurationMs }
  | { kind: 'linear'; step: Percent; intervalMs: DurationMs };

const PRESETS: Readonly<Record<string, Shape>> = {
  AllAtOnce: { kind: 'allAtOnce' },
  Canary10Percent5Minutes: { kind: 'canary', percent: 10, bakeMs: 5 * MINUTE },
  Canary10Percent10Minutes: { kind: 'canary', percent: 10, bakeMs: 10 * MINUTE },
  Canary10Percent15Minutes: { kind: 'canary', percent: 10, bakeMs: 15 * MINUTE },
  Canary10Percent30Minutes: { kind: 'canary', percent: 10, bakeMs: 30 * MINUTE },
  Linear10PercentEvery1Minute: { kind: 'linear', step: 10, intervalMs: 1 * MINUTE },
  Linear10PercentEvery2Minutes: { kind: 'linear', step: 10, intervalMs: 2 * MINUTE },
  Linear10PercentEvery3Minutes: { kind: 'linear', step: 10, intervalMs: 3 * MINUTE },
  Linear10PercentEvery10Minutes: { kind: 'linear', step: 10, intervalMs: 10 * MINUTE },
};

/** The preset names, spelled as CodeDeploy spells them (matching ignores case). */
export const STRATEGY_PRESETS: readonly string[] = Object.keys(PRESETS);

const PRESETS_BY_LOWER_NAME = new Map(
  Object.entries(PRESETS).map(([name, shape]) => [name.toLowerCase(), shape]),
);

const STRATEGY_HELP =
  `use a preset (${STRATEGY_PRESETS.join(', ')}), canary(percent, bake) e.g. canary(10, 5m), ` +
  `linear(step, interval) e.g. linear(10, 1m), allAtOnce or allAtOnce(finalBake) e.g. allAtOnce(5m), ` +
  `or a step list e.g. ${STEP_LIST_EXAMPLE}`;

const PARAMETRIC_FORM = /^([a-z][a-z0-9]*)\s*\((.*)\)$/is;
const PERCENT_ARGUMENT = /^\d+(?:\.\d+)?%?$/;
const FIELD = 'strategy';

/**
 * Compiles a preset name, parametric form or explicit step list into the steps a rollout runs.
 * Throws SmRolloutError (INVALID_PLAN or INVALID_DURATION) naming the field at fault.
 */
export function compilePlan(
  strategy: string | readonly ExplicitStepInput[],
  options: CompilePlanOptions = {},
): Plan {
  const optionsFinalBakeMs =
    options.finalBake === undefined ? DEFAULT_FINAL_BAKE_MS : toDurationMs(options.finalBake, 'finalBake');

  if (Array.isArray(strategy)) {
    const rollout = stepsFromInputs(strategy, FIELD);
    return { strategy: formatStepList(rollout), steps: withFinalBake(rollout, optionsFinalBakeMs) };
  }
  if (typeof strategy !== 'string') {
    throw invalidPlan(FIELD, `${quote(strategy)} is not a strategy; ${STRATEGY_HELP}`);
  }

  const text = strategy.trim();
  if (text === '') throw invalidPlan(FIELD, `is empty; ${STRATEGY_HELP}`);
  const shape = PRESETS_BY_LOWER_NAME.get(text.toLowerCase()) ?? parseParametricForm(text);
  if (shape) {
    const finalBakeMs =
      shape.kind === 'allAtOnce' ? (shape.finalBakeMs ?? optionsFinalBakeMs) : optionsFinalBakeMs;
    return { strategy, steps: withFinalBake(rolloutSteps(shape), finalBakeMs) };
  }
  if (looksLikeStepList(text)) {
    return { strategy, steps: withFinalBake(parseStepList(text, FIELD), optionsFinalBakeMs) };
  }
  throw invalidPlan(FIELD, `${quote(strategy)} is not a known strategy; ${STRATEGY_HELP}`);
}

/** More traffic steps than this is a typo (linear(0.1, 1m)), not a plan anyone would wait through. */
export const MAX_TRAFFIC_STEPS = 100;

function withFinalBake(rollout: Step[], finalBakeMs: DurationMs): Step[] {
  const trafficSteps = rollout.filter((s) => s.kind === 'setWeight').length;
  if (trafficSteps > MAX_TRAFFIC_STEPS) {
    throw invalidPlan(
      FIELD,
      `has ${trafficSteps} traffic steps; at most ${MAX_TRAFFIC_STEPS} are allowed — use a larger step, e.g. linear(10, 1m)`,
    );
  }
  return [...rollout, { kind: 'bake', durationMs: finalBakeMs }];
}

/** The steps up to and including setWeight(100); the final bake is added by the caller. */
function rolloutSteps(shape: Shape): Step[] {
  const full: Step = { kind: 'setWeight', percent: 100 };
  switch (shape.kind) {
    case 'allAtOnce':
      return [full];
    case 'canary':
      return [
        { kind: 'setWeight', percent: shape.percent },
        { kind: 'bake', durationMs: shape.bakeMs },
        full,
      ];
    case 'linear': {
      const steps: Step[] = [];
      // Multiply rather than accumulate, and round off float noise, so 0.1 steps give 0.3, not 0.30000000000000004.
      for (let i = 1; ; i++) {
        const percent = Math.round(i * shape.step * 1e6) / 1e6;
        if (percent >= 100) break;
        steps.push({ kind: 'setWeight', percent }, { kind: 'bake', durationMs: shape.intervalMs });
      }
      return [...steps, full];
    }
  }
}

/** `canary(10, 5m)`, `linear(10, 1m)`, `allAtOnce(5m)`; undefined when the text is no call at all. */
function parseParametricForm(text: string): Shape | undefined {
  const match = PARAMETRIC_FORM.exec(text);
  if (!match) return undefined;
  const [, name = '', inside = ''] = match;
  const args = inside.trim() === '' ? [] : inside.split(',').map((arg) => arg.trim());
  switch (name.toLowerCase()) {
    case 'canary': {
      const [percent, bake] = twoArguments(
        args,
        text,
        'canary takes a percent and a bake, e.g. canary(10, 5m)',
      );
      return {
        kind: 'canary',
        percent: percentArgument(
          percent,
          (p) => p > 0 && p < 100,
          'the canary percent must be more than 0 and less than 100, e.g. canary(10, 5m)',
          text,
        ),
        bakeMs: parseDuration(bake, FIELD),
      };
    }
    case 'linear': {
      const [step, interval] = twoArguments(
        args,
        text,
        'linear takes a step percent and an interval, e.g. linear(10, 1m)',
      );
      return {
        kind: 'linear',
        step: percentArgument(
          step,
          (p) => p > 0 && p <= 100,
          'the linear step must be more than 0 and at most 100, e.g. linear(10, 1m)',
          text,
        ),
        intervalMs: parseDuration(interval, FIELD),
      };
    }
    case 'allatonce': {
      if (args.length > 1) {
        throw invalidPlan(
          FIELD,
          `allAtOnce takes at most a final bake, e.g. allAtOnce(5m); got ${quote(text)}`,
        );
      }
      const [finalBake] = args;
      return {
        kind: 'allAtOnce',
        finalBakeMs: finalBake === undefined ? undefined : parseDuration(finalBake, FIELD),
      };
    }
    default:
      throw invalidPlan(FIELD, `${quote(text)} is not a known strategy; ${STRATEGY_HELP}`);
  }
}

function twoArguments(args: string[], text: string, usage: string): [string, string] {
  const [first, second] = args;
  if (args.length !== 2 || first === undefined || second === undefined) {
    throw invalidPlan(FIELD, `${usage}; got ${quote(text)}`);
  }
  return [first, second];
}

function percentArgument(
  arg: string,
  isAllowed: (percent: Percent) => boolean,
  rule: string,
  text: string,
): Percent {
  const percent = PERCENT_ARGUMENT.test(arg) ? Number(arg.replace('%', '')) : NaN;
  if (isAllowed(percent)) return percent;
  throw invalidPlan(FIELD, `${rule}; got ${quote(text)}`);
}

// A single token is read as a step list only if it looks like a step, so a misspelt preset gets
// the list of presets rather than "not a step".
function looksLikeStepList(text: string): boolean {
  return text.includes(',') || text.toLowerCase() === 'pause' || /^[\d.+-]/.test(text) || text.endsWith('%');
}
