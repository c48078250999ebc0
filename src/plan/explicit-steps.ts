// Explicit step lists, written as text (`10%,5m,pause,50%,10m`) or as data
// (`[{ setWeight: 10 }, { bake: '5m' }, { pause: true }]`): each step is checked where it stands so an
// error names its exact position, and the list is completed to end at 100%.

import { formatDuration, parseDuration, toDurationMs } from './duration';
import { invalidPlan, quote } from './invalid-plan';
import type { DurationMs, Percent, Step } from './types';

/** One step of an explicit list given as data, e.g. from a policy file. */
export type ExplicitStepInput =
  | { setWeight: Percent }
  | { bake: string | DurationMs }
  | { analysis: string | DurationMs }
  | { pause: true };

export const STEP_LIST_EXAMPLE = '10%,5m,pause,50%,10m';
const STEP_HELP = 'use a weight like 10%, a bake like 5m, an analysis like analysis(10m), or pause';
const ANALYSIS_TOKEN = /^analysis\((.*)\)$/i;
const NUMBER_PATTERN = /^-?\d+(?:\.\d+)?$/;

interface PlacedStep {
  step: Step;
  field: string;
}

/** Parses `10%,5m,pause,…`; the result ends with setWeight(100) but not yet with the final bake. */
export function parseStepList(text: string, field: string): Step[] {
  const placed = text.split(',').map((token, i) => {
    const stepField = `${field}[${i}]`;
    return { step: parseStepToken(token.trim(), stepField), field: stepField };
  });
  return completeStepList(placed, field);
}

/** Reads steps given as data; the result ends with setWeight(100) but not yet with the final bake. */
export function stepsFromInputs(inputs: readonly ExplicitStepInput[], field: string): Step[] {
  const placed = inputs.map((input, i) => {
    const stepField = `${field}[${i}]`;
    return { step: stepFromInput(input, stepField), field: stepField };
  });
  return completeStepList(placed, field);
}

/** Writes steps in the text form parseStepList reads, e.g. `10%,5m,pause,100%`. */
export function formatStepList(steps: readonly Step[]): string {
  return steps.map(formatStepToken).join(',');
}

function formatStepToken(step: Step): string {
  switch (step.kind) {
    case 'setWeight':
      return `${step.percent}%`;
    case 'bake':
      return formatDuration(step.durationMs);
    case 'analysis':
      return `analysis(${formatDuration(step.durationMs)})`;
    case 'pause':
      return 'pause';
  }
}

function parseStepToken(token: string, field: string): Step {
  if (token.toLowerCase() === 'pause') return { kind: 'pause' };
  const analysis = ANALYSIS_TOKEN.exec(token);
  if (analysis) return { kind: 'analysis', durationMs: parseDuration(analysis[1]!.trim(), field) };
  if (token.endsWith('%')) {
    const number = token.slice(0, -1).trim();
    const percent = NUMBER_PATTERN.test(number) ? Number(number) : NaN;
    return { kind: 'setWeight', percent: checkWeight(percent, token, field) };
  }
  // Anything that starts like a number was meant as a bake, so the duration error helps most.
  if (/^[\d.+-]/.test(token)) return { kind: 'bake', durationMs: parseDuration(token, field) };
  if (token === '') throw invalidPlan(field, `is an empty step (two commas in a row?); ${STEP_HELP}`);
  throw invalidPlan(field, `${quote(token)} is not a step; ${STEP_HELP}`);
}

function stepFromInput(input: unknown, field: string): Step {
  const notAStep = () =>
    invalidPlan(
      field,
      `${quote(input)} is not a step; use { setWeight: 10 }, { bake: '5m' }, { analysis: '10m' } or { pause: true }`,
    );
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw notAStep();
  const record = input as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 1) throw notAStep();
  switch (keys[0]) {
    case 'setWeight':
      return { kind: 'setWeight', percent: checkWeight(record.setWeight, record.setWeight, field) };
    case 'bake':
      return { kind: 'bake', durationMs: toDurationMs(record.bake as string | number, field) };
    case 'analysis':
      return { kind: 'analysis', durationMs: toDurationMs(record.analysis as string | number, field) };
    case 'pause':
      if (record.pause !== true) throw invalidPlan(field, `pause must be true, got ${quote(record.pause)}`);
      return { kind: 'pause' };
    default:
      throw notAStep();
  }
}

function checkWeight(percent: unknown, written: unknown, field: string): Percent {
  if (typeof percent === 'number' && percent >= 0 && percent <= 100) return percent;
  throw invalidPlan(field, `${quote(written)} is not a weight; use a percentage from 0% to 100%, e.g. 10%`);
}

// Weights only go up: lowering one mid-rollout would be a rollback, which has its own path. And
// nothing follows 100%, because what follows is always the final bake, set with finalBake.
function completeStepList(placed: readonly PlacedStep[], listField: string): Step[] {
  if (placed.length === 0) {
    throw invalidPlan(listField, `is an empty step list; ${STEP_HELP}, e.g. ${STEP_LIST_EXAMPLE}`);
  }
  let weight = 0;
  let reachedFull = false;
  for (const { step, field } of placed) {
    if (reachedFull) {
      throw invalidPlan(
        field,
        `${formatStepToken(step)} comes after 100%; a plan ends at 100% followed by the final bake, so set that with finalBake instead`,
      );
    }
    if (step.kind !== 'setWeight') continue;
    if (step.percent < weight) {
      throw invalidPlan(
        field,
        `weight ${step.percent}% is lower than the ${weight}% before it; weights may stay the same or go up, never down`,
      );
    }
    weight = step.percent;
    reachedFull = weight === 100;
  }
  const steps = placed.map(({ step }) => step);
  return reachedFull ? steps : [...steps, { kind: 'setWeight', percent: 100 }];
}
