// The native engine's plan compiler: a plan becomes one UpdateEndpoint DeploymentConfig (SageMaker
// deployment guardrails, blue/green with ALL_AT_ONCE, CANARY or LINEAR traffic routing), or every
// refusal at once, each naming the step (1-based, as `plan` prints it), the limit guardrails has and
// the fix. Pure: the engine calls it again at start with the instance count the final config gets.
//
// What guardrails does, from the SageMaker Developer Guide (deployment-guardrails-blue-green-*.html)
// and the API reference (TrafficRoutingConfig, BlueGreenUpdatePolicy, CapacitySize, AutoRollbackConfig):
// - There is ONE wait, TrafficRoutingConfig.WaitIntervalInSeconds (0–3600): "The waiting time (in
//   seconds) between incremental steps to turn on traffic on the new endpoint fleet". So every bake
//   between shifts must be the same length.
// - After the last shift there is a final bake of that same length, with alarms watched: canary —
//   "If none of the alarms trip, then all of the traffic shifts to the green fleet and there is a final
//   baking period"; all at once — "Once the green fleet starts receiving traffic, the baking period
//   begins … If no alarms trip during the baking period, SageMaker AI terminates the old fleet".
// - BlueGreenUpdatePolicy.TerminationWaitInSeconds (0–3600): "Additional waiting time in seconds after
//   the completion of an endpoint deployment before terminating the old endpoint fleet". SageMaker
//   reports that period as Baking ("Baking for N seconds (TerminationWaitInSeconds)" in the deployment's
//   status message), and ProductionVariantStatus defines Baking as "Waiting period to monitor the
//   CloudWatch alarms in the automatic rollback configuration": the alarms are still watched, and the
//   simulated cloud (src/sim/guardrails.ts) rolls back on them then too.
// - MaximumExecutionTimeoutInSeconds (600–28800): "should be larger than the total waiting time
//   specified in TerminationWaitInSeconds and WaitIntervalInSeconds".
// - CanarySize: "Value must be less than or equal to 50% of the variant's total instance count";
//   LinearStepSize: "Value must be 10-50% of the variant's total instance count"; CapacitySize.Value is
//   an integer, at least 1 (CAPACITY_PERCENT or INSTANCE_COUNT).
// - AutoRollbackConfig.Alarms: 1–10 alarm names.
// - No manual gate, no analysis: guardrails runs to the end unless an alarm trips (it has no stop API,
//   which is why the controller's abort alarm exists).
//
// How the plan's final bake maps (plan output says the same): the final baking period SageMaker runs
// after the last shift is WaitIntervalInSeconds — for canary and linear the same as the bakes between
// shifts, for all at once the final bake itself. What the final bake asks beyond that becomes
// TerminationWaitInSeconds: the old fleet stays provisioned and the alarms are still watched. A final
// bake shorter than the canary/linear bake is held for the longer time (SageMaker cannot shorten it).
//
// Guardrails shifts whole instances: a CAPACITY_PERCENT size is max(1, floor(p·N/100)) instances of the
// N in the new fleet (the sim's instancesOf), so linear(30, …) on 5 instances is 5 shifts of one
// instance (20% each), not 30/60/90/100. With N known (start, preflight) CanarySize and LinearStepSize
// are compiled as INSTANCE_COUNT, the shifts are counted as SageMaker makes them (canary: 2; linear:
// ceil(N / batch)) for the timeout, and a plan whose percents those shifts do not reproduce is refused.
// Without N (plan, validate) the sizes stay CAPACITY_PERCENT and the plan output says they become
// instance counts at start.
import type { NativeCapacitySize, NativeDeploymentConfig } from '../../statemachines/contract';
import { formatDuration } from './duration';
import type { DurationMs, Plan, Step } from './types';

export interface NativeCompileInput {
  plan: Plan;
  /** The serving variant's current instance count (guardrails shifts whole instances). */
  instanceCount?: number;
  /** The policy's own alarms (AutoRollbackConfiguration takes at most 10, the abort alarm included). */
  alarms: readonly string[];
  abortAlarmName: string;
  /**
   * The policy's maxDuration: the deployment's MaximumExecutionTimeoutInSeconds (capped at 28,800 s),
   * so SageMaker gives up (and rolls back) when the rollout would. Absent: the bakes plus an hour.
   */
  maxDurationMs?: DurationMs;
}

export interface NativePlanProblem {
  /** 1-based step number as `plan` prints it; absent for a problem of the whole plan. */
  step?: number;
  /** The policy field or flag the person typed (`strategy`, `alarms`, `finalBake`, `--engine`). */
  field: string;
  /** What is wrong, the limit and the fix, in one sentence. */
  message: string;
}

export type NativeCompileResult =
  | {
      ok: true;
      deploymentConfig: NativeDeploymentConfig;
      /**
       * The percent of the new fleet serving after each shift SageMaker makes, in order (the last 100):
       * whole instances of `instanceCount` when it was given, else the plan's own percents.
       */
      shiftPercents: number[];
    }
  | { ok: false; problems: NativePlanProblem[] };

/** API reference limits (botocore's sagemaker model, the shapes named). */
export const NATIVE_LIMITS = {
  /** WaitIntervalInSeconds and TerminationWaitInSeconds: max 3600. */
  maxWaitSeconds: 3600,
  /** MaximumExecutionTimeoutInSeconds: 600–28800. */
  minExecutionTimeoutSeconds: 600,
  maxExecutionTimeoutSeconds: 28_800,
  /** CanarySize: ≤ 50% of the variant's instances. */
  maxCanaryPercent: 50,
  /** LinearStepSize: 10–50% of the variant's instances. */
  minLinearStepPercent: 10,
  maxLinearStepPercent: 50,
  /** AutoRollbackConfig.Alarms: at most 10. */
  maxAlarms: 10,
} as const;

/** Time for SageMaker to provision the green fleet, on top of the bakes, when no maxDuration says. */
const PROVISIONING_ALLOWANCE_SECONDS = 3600;

const STEPWISE_FIX = 'or use engine: stepwise (the controller moves the weights itself)';

/** A traffic shift of the plan and the bake that follows it (bakes in a row add up). */
interface Shift {
  percent: number;
  /** 1-based step number of the setWeight. */
  step: number;
  bakeMs: DurationMs;
  /** 1-based step number of the first bake after it; absent when none follows. */
  bakeStep?: number;
}

/**
 * Compiles a plan into the DeploymentConfig of one UpdateEndpoint, or every reason it cannot be one.
 * With `instanceCount` it also checks the canary (or linear step) is at least one instance.
 */
export function compileNativeDeployment(input: NativeCompileInput): NativeCompileResult {
  const problems: NativePlanProblem[] = [];
  const shifts = readShifts(input.plan.steps, problems);
  const alarms = [...new Set([...input.alarms, input.abortAlarmName])];
  if (alarms.length > NATIVE_LIMITS.maxAlarms) {
    problems.push({
      field: 'alarms',
      message:
        `alarms: ${input.alarms.length} alarms plus the controller's abort alarm (which abort sets to ALARM ` +
        `so SageMaker rolls back) make ${alarms.length}; AutoRollbackConfiguration takes at most ` +
        `${NATIVE_LIMITS.maxAlarms}: keep at most ${NATIVE_LIMITS.maxAlarms - 1} alarms (one composite alarm can ` +
        `combine several), ${STEPWISE_FIX}`,
    });
  }
  if (shifts === undefined) return { ok: false, problems };

  const routed = trafficRouting(shifts, input.instanceCount, problems);
  if (routed === undefined) return { ok: false, problems };
  const { routing, shiftPercents } = routed;

  const final = shifts[shifts.length - 1]!;
  const finalBakeSeconds = toSeconds(final.bakeMs);
  const terminationWaitInSeconds = Math.max(0, finalBakeSeconds - routing.waitIntervalInSeconds);
  if (terminationWaitInSeconds > NATIVE_LIMITS.maxWaitSeconds) {
    problems.push({
      step: final.bakeStep,
      field: 'finalBake',
      message:
        `step ${final.bakeStep}: the final bake of ${formatDuration(final.bakeMs)} is longer than guardrails can ` +
        `hold at 100%: its final baking period (${formatDuration(routing.waitIntervalInSeconds * 1000)}, the ` +
        `WaitIntervalInSeconds) plus at most 1h (TerminationWaitInSeconds, max ${NATIVE_LIMITS.maxWaitSeconds} s); ` +
        `set finalBake to ${formatDuration((routing.waitIntervalInSeconds + NATIVE_LIMITS.maxWaitSeconds) * 1000)} or less, ${STEPWISE_FIX}`,
    });
  }

  // SageMaker waits WaitIntervalInSeconds after every shift, the last included, then the termination wait.
  // The shifts SageMaker makes: whole instances when the count is known (they match the plan's by now).
  const totalWaitSeconds = routing.waitIntervalInSeconds * shiftPercents.length + terminationWaitInSeconds;
  const timeout = executionTimeout(totalWaitSeconds, input.maxDurationMs, problems);
  if (problems.length > 0 || timeout === undefined) return { ok: false, problems };

  return {
    ok: true,
    deploymentConfig: {
      blueGreen: {
        trafficRouting: routing,
        terminationWaitInSeconds,
        maximumExecutionTimeoutInSeconds: timeout,
      },
      autoRollbackAlarms: alarms,
    },
    shiftPercents,
  };
}

/**
 * The shifts guardrails makes with a CAPACITY_PERCENT size on a fleet of `instanceCount`: each step is
 * max(1, floor(p·N/100)) whole instances (canary: that batch, then the rest; linear: batch after batch,
 * the last one to N), as percents of the fleet.
 */
export function instanceGranularShifts(
  type: 'CANARY' | 'LINEAR',
  percent: number,
  instanceCount: number,
): { batch: number; percents: number[] } {
  const batch = Math.max(1, Math.floor((percent * instanceCount) / 100));
  const active: number[] = [];
  if (type === 'CANARY') active.push(Math.min(batch, instanceCount));
  else for (let n = batch; n < instanceCount; n += batch) active.push(n);
  if (active[active.length - 1] !== instanceCount) active.push(instanceCount);
  return { batch, percents: active.map((n) => (100 * n) / instanceCount) };
}

/** The plan's shifts with their bakes; undefined (and problems) when a step has no guardrails form. */
function readShifts(steps: readonly Step[], problems: NativePlanProblem[]): Shift[] | undefined {
  const shifts: Shift[] = [];
  const before = problems.length;
  steps.forEach((step, i) => {
    const number = i + 1;
    switch (step.kind) {
      case 'pause':
        problems.push({
          step: number,
          field: 'strategy',
          message:
            `step ${number}: a pause (manual gate) cannot be expressed: guardrails shifts traffic on its own ` +
            `schedule and has no way to wait for promote; remove the pause, ${STEPWISE_FIX}`,
        });
        return;
      case 'analysis':
        problems.push({
          step: number,
          field: 'strategy',
          message:
            `step ${number}: analysis cannot run under engine: native — blue and green fleets serve under one ` +
            `variant name, so the judge cannot tell their metrics apart; use a bake of ` +
            `${formatDuration(step.durationMs)} instead (alarms still roll back), ${STEPWISE_FIX}`,
        });
        return;
      case 'bake': {
        const last = shifts[shifts.length - 1];
        if (!last) {
          problems.push({
            step: number,
            field: 'strategy',
            message:
              `step ${number}: a bake before any traffic moves cannot be expressed: guardrails starts shifting ` +
              `as soon as the new fleet is up; remove it, ${STEPWISE_FIX}`,
          });
          return;
        }
        last.bakeMs += step.durationMs;
        last.bakeStep ??= number;
        return;
      }
      case 'setWeight': {
        const previous = shifts[shifts.length - 1]?.percent ?? 0;
        // A weight equal to the one before moves nothing: its bake belongs to the shift before.
        if (step.percent === previous && previous > 0) return;
        if (step.percent === 0) {
          problems.push({
            step: number,
            field: 'strategy',
            message: `step ${number}: a 0% step cannot be expressed: guardrails' first step already sends traffic to the new fleet; remove it, ${STEPWISE_FIX}`,
          });
          return;
        }
        shifts.push({ percent: step.percent, step: number, bakeMs: 0 });
      }
    }
  });
  return problems.length > before ? undefined : shifts;
}

type Routing = NonNullable<NativeDeploymentConfig['blueGreen']>['trafficRouting'];

/** ALL_AT_ONCE, CANARY or LINEAR from the shifts (the last is always to 100%). */
function trafficRouting(
  shifts: readonly Shift[],
  instanceCount: number | undefined,
  problems: NativePlanProblem[],
): { routing: Routing; shiftPercents: number[] } | undefined {
  const before = problems.length;
  const intermediate = shifts.slice(0, -1);
  const final = shifts[shifts.length - 1]!;

  if (intermediate.length === 0) {
    // All at once: the final bake is the baking period itself, alarms watched all through it.
    const wait = toSeconds(final.bakeMs);
    checkWait(final, 'finalBake', problems);
    if (problems.length > before) return undefined;
    return { routing: { type: 'ALL_AT_ONCE', waitIntervalInSeconds: wait }, shiftPercents: [100] };
  }

  if (intermediate.length === 1) {
    const canary = intermediate[0]!;
    checkPercent(canary, 'canary', problems);
    if (canary.percent > NATIVE_LIMITS.maxCanaryPercent) {
      problems.push({
        step: canary.step,
        field: 'strategy',
        message:
          `step ${canary.step}: a ${canary.percent}% canary is over guardrails' limit: CanarySize must be at most ` +
          `${NATIVE_LIMITS.maxCanaryPercent}% of the variant's instances; use canary(${NATIVE_LIMITS.maxCanaryPercent}, …) or less, ${STEPWISE_FIX}`,
      });
    }
    checkWait(canary, 'strategy', problems);
    if (problems.length > before) return undefined;
    const canarySize: NativeCapacitySize = { type: 'CAPACITY_PERCENT', value: canary.percent };
    const routing: Routing = {
      type: 'CANARY',
      waitIntervalInSeconds: toSeconds(canary.bakeMs),
      canarySize,
    };
    return withInstanceCount(routing, shifts, instanceCount, problems);
  }

  // Linear: equal steps (the last may be smaller, as linear(30, …) ends 90% → 100%), equal bakes.
  const first = intermediate[0]!;
  checkPercent(first, 'linear step', problems);
  if (problems.length > before) return undefined;
  const stepPercent = first.percent;
  for (const [k, shift] of intermediate.entries()) {
    if (shift.percent !== stepPercent * (k + 1)) {
      problems.push({
        step: shift.step,
        field: 'strategy',
        message:
          `step ${shift.step}: ${shift.percent}% does not continue equal steps of ${stepPercent}% ` +
          `(${stepPercent * (k + 1)}% expected); guardrails shifts traffic all at once, as one canary, or in ` +
          `equal linear steps: use canary(p, bake) or linear(${stepPercent}, interval), ${STEPWISE_FIX}`,
      });
      return undefined;
    }
    if (shift.bakeMs !== first.bakeMs) {
      problems.push({
        step: shift.bakeStep ?? shift.step,
        field: 'strategy',
        message:
          `step ${shift.bakeStep ?? shift.step}: a bake of ${formatDuration(shift.bakeMs)} differs from the first ` +
          `bake (${formatDuration(first.bakeMs)}); guardrails waits one WaitIntervalInSeconds after every step: ` +
          `make the bakes equal, e.g. linear(${stepPercent}, ${formatDuration(first.bakeMs)}), ${STEPWISE_FIX}`,
      });
      return undefined;
    }
  }
  const last = intermediate[intermediate.length - 1]!;
  if (100 - last.percent > stepPercent) {
    problems.push({
      step: final.step,
      field: 'strategy',
      message:
        `step ${final.step}: the jump from ${last.percent}% to 100% is larger than the ${stepPercent}% steps before ` +
        `it; guardrails' LINEAR keeps shifting ${stepPercent}% at a time up to 100%: use linear(${stepPercent}, ` +
        `${formatDuration(first.bakeMs)}) or canary(p, bake), ${STEPWISE_FIX}`,
    });
    return undefined;
  }
  if (stepPercent < NATIVE_LIMITS.minLinearStepPercent || stepPercent > NATIVE_LIMITS.maxLinearStepPercent) {
    problems.push({
      step: first.step,
      field: 'strategy',
      message:
        `step ${first.step}: linear steps of ${stepPercent}% are outside guardrails' range: LinearStepSize must be ` +
        `${NATIVE_LIMITS.minLinearStepPercent}–${NATIVE_LIMITS.maxLinearStepPercent}% of the variant's instances; ` +
        `use linear(${NATIVE_LIMITS.minLinearStepPercent}, …) to linear(${NATIVE_LIMITS.maxLinearStepPercent}, …), ${STEPWISE_FIX}`,
    });
  }
  checkWait(first, 'strategy', problems);
  if (problems.length > before) return undefined;
  const routing: Routing = {
    type: 'LINEAR',
    waitIntervalInSeconds: toSeconds(first.bakeMs),
    linearStepSize: { type: 'CAPACITY_PERCENT', value: stepPercent },
  };
  return withInstanceCount(routing, shifts, instanceCount, problems);
}

/**
 * With the fleet's size known: the canary (or linear step) as the whole instances guardrails shifts
 * (INSTANCE_COUNT), or a refusal when those shifts are not the plan's — naming the step, the plan's
 * percents, the instance-granular ones and a size that divides the fleet.
 */
function withInstanceCount(
  routing: Routing,
  shifts: readonly Shift[],
  instanceCount: number | undefined,
  problems: NativePlanProblem[],
): { routing: Routing; shiftPercents: number[] } | undefined {
  const planned = shifts.map((s) => s.percent);
  const size = routing.canarySize ?? routing.linearStepSize;
  if (instanceCount === undefined || size === undefined || routing.type === 'ALL_AT_ONCE') {
    return { routing, shiftPercents: planned };
  }
  const first = shifts[0]!;
  const { batch, percents } = instanceGranularShifts(routing.type, size.value, instanceCount);
  const same =
    percents.length === planned.length && percents.every((p, i) => Math.abs(p - planned[i]!) < 1e-9);
  if (same) {
    const instances: NativeCapacitySize = { type: 'INSTANCE_COUNT', value: batch };
    return {
      routing:
        routing.type === 'CANARY'
          ? { ...routing, canarySize: instances }
          : { ...routing, linearStepSize: instances },
      shiftPercents: percents,
    };
  }
  const what = routing.type === 'CANARY' ? 'canary' : 'linear step';
  const exact = (size.value * instanceCount) / 100;
  const fleet = `${instanceCount} instance${instanceCount === 1 ? '' : 's'}`;
  const fits = fittingPercents(routing.type, instanceCount);
  const nearest = [...fits].sort((a, b) => Math.abs(a - size.value) - Math.abs(b - size.value))[0];
  const example = routing.type === 'CANARY' ? `canary(${nearest}, …)` : `linear(${nearest}, …)`;
  problems.push({
    step: first.step,
    field: 'strategy',
    message:
      `step ${first.step}: a ${size.value}% ${what} of ${fleet} is ${formatInstances(exact)} ` +
      `${exact < 1 ? 'of an instance' : exact === 1 ? 'instance' : 'instances'}, and guardrails shifts whole instances (max(1, floor(${size.value}% × ${instanceCount})) = ` +
      `${batch} at a time), so SageMaker would move ${percents.map(formatPercent).join('/')}% where the plan says ` +
      `${planned.join('/')}%; ` +
      (nearest !== undefined
        ? `use a ${what} that is whole instances of ${fleet}, e.g. ${example}, `
        : `run the endpoint on more instances (a ${what} of one instance must be at most ${routing.type === 'CANARY' ? NATIVE_LIMITS.maxCanaryPercent : NATIVE_LIMITS.maxLinearStepPercent}%), `) +
      STEPWISE_FIX,
  });
  return undefined;
}

/** Whole percents that are whole instances of the fleet, within guardrails' limits for the size. */
function fittingPercents(type: 'CANARY' | 'LINEAR', instanceCount: number): number[] {
  const [min, max] =
    type === 'CANARY'
      ? [1, NATIVE_LIMITS.maxCanaryPercent]
      : [NATIVE_LIMITS.minLinearStepPercent, NATIVE_LIMITS.maxLinearStepPercent];
  const fits: number[] = [];
  for (let n = 1; n < instanceCount; n++) {
    const percent = (100 * n) / instanceCount;
    if (Number.isInteger(percent) && percent >= min && percent <= max) fits.push(percent);
  }
  return fits;
}

function formatPercent(percent: number): string {
  return String(Math.round(percent * 10) / 10);
}

/** CapacitySize.Value is a whole number, at least 1 (API reference: CapacitySizeValue, integer, min 1). */
function checkPercent(shift: Shift, what: string, problems: NativePlanProblem[]): void {
  if (Number.isInteger(shift.percent)) return;
  problems.push({
    step: shift.step,
    field: 'strategy',
    message:
      `step ${shift.step}: a ${shift.percent}% ${what} cannot be expressed: CapacitySize is a whole percent ` +
      `of the variant's instances; use ${Math.max(1, Math.round(shift.percent))}%, ${STEPWISE_FIX}`,
  });
}

/** The bake after a shift becomes WaitIntervalInSeconds: at most 3600 s. */
function checkWait(shift: Shift, field: string, problems: NativePlanProblem[]): void {
  if (toSeconds(shift.bakeMs) <= NATIVE_LIMITS.maxWaitSeconds) return;
  const step = shift.bakeStep ?? shift.step;
  problems.push({
    step,
    field,
    message:
      `step ${step}: a bake of ${formatDuration(shift.bakeMs)} is over guardrails' limit: WaitIntervalInSeconds, ` +
      `the baking period after each shift, is at most ${NATIVE_LIMITS.maxWaitSeconds} s (1h); ` +
      `bake 1h or less, ${STEPWISE_FIX}`,
  });
}

/**
 * MaximumExecutionTimeoutInSeconds: the policy's maxDuration capped at the API's 28,800 s, else the
 * waits plus an hour to provision the green fleet; always above the waits, never under 600 s.
 */
function executionTimeout(
  totalWaitSeconds: number,
  maxDurationMs: DurationMs | undefined,
  problems: NativePlanProblem[],
): number | undefined {
  const max = NATIVE_LIMITS.maxExecutionTimeoutSeconds;
  if (totalWaitSeconds >= max) {
    problems.push({
      field: 'strategy',
      message:
        `strategy: the deployment waits ${formatDuration(totalWaitSeconds * 1000)} in all (a bake after every ` +
        `shift, the final bake included), and guardrails' MaximumExecutionTimeoutInSeconds is at most ${max} s ` +
        `(8h) and must be larger; shorten the bakes or use fewer steps, ${STEPWISE_FIX}`,
    });
    return undefined;
  }
  const wanted =
    maxDurationMs === undefined
      ? totalWaitSeconds + PROVISIONING_ALLOWANCE_SECONDS
      : Math.floor(maxDurationMs / 1000);
  if (maxDurationMs !== undefined && wanted <= totalWaitSeconds) {
    problems.push({
      field: 'maxDuration',
      message:
        `maxDuration: ${formatDuration(maxDurationMs)} is not longer than the deployment's waits ` +
        `(${formatDuration(totalWaitSeconds * 1000)}), so SageMaker would time the deployment out; raise ` +
        `maxDuration above ${formatDuration(totalWaitSeconds * 1000)} plus time to provision the new fleet`,
    });
    return undefined;
  }
  return Math.min(max, Math.max(NATIVE_LIMITS.minExecutionTimeoutSeconds, wanted));
}

// WaitIntervalInSeconds is whole seconds; a bake is a minimum hold, so a part second rounds up.
function toSeconds(ms: DurationMs): number {
  return Math.ceil(ms / 1000);
}

function instancesText(count: number): string {
  return `${count} instance${count === 1 ? '' : 's'}`;
}

function formatInstances(instances: number): string {
  return String(Math.round(instances * 100) / 100);
}

/**
 * The compiled DeploymentConfig as a person reads it, one line each (for `plan --engine native`):
 * traffic routing, the bake, what the final bake becomes, the timeout and the alarms.
 */
export function describeNativeDeployment(config: NativeDeploymentConfig, plan: Plan): string[] {
  const blueGreen = config.blueGreen;
  if (!blueGreen) return [];
  const routing = blueGreen.trafficRouting;
  const wait = formatDuration(routing.waitIntervalInSeconds * 1000);
  const finalBakeStep = plan.steps[plan.steps.length - 1];
  const finalBakeMs = finalBakeStep?.kind === 'bake' ? finalBakeStep.durationMs : 0;
  const lines: string[] = [];
  switch (routing.type) {
    case 'ALL_AT_ONCE':
      lines.push(`traffic routing  ALL_AT_ONCE: 100% to the new fleet in one step`);
      break;
    case 'CANARY': {
      const size = routing.canarySize!;
      lines.push(
        size.type === 'INSTANCE_COUNT'
          ? `traffic routing  CANARY: ${instancesText(size.value)} first (CanarySize INSTANCE_COUNT ${size.value}), then the rest`
          : `traffic routing  CANARY: ${size.value}% of capacity first (CanarySize CAPACITY_PERCENT ${size.value}), then the rest`,
      );
      break;
    }
    case 'LINEAR': {
      const size = routing.linearStepSize!;
      lines.push(
        size.type === 'INSTANCE_COUNT'
          ? `traffic routing  LINEAR: steps of ${instancesText(size.value)} (LinearStepSize INSTANCE_COUNT ${size.value})`
          : `traffic routing  LINEAR: steps of ${size.value}% of capacity (LinearStepSize CAPACITY_PERCENT ${size.value})`,
      );
      break;
    }
  }
  const size = routing.canarySize ?? routing.linearStepSize;
  if (size?.type === 'CAPACITY_PERCENT') {
    lines.push(
      `instances        at start the size becomes whole instances of the N serving (INSTANCE_COUNT max(1, floor(${size.value}% × N))); start refuses if those shifts are not the plan's percents`,
    );
  }
  lines.push(
    routing.type === 'ALL_AT_ONCE'
      ? `bake             ${wait} at 100%, alarms watched (WaitIntervalInSeconds ${routing.waitIntervalInSeconds})`
      : `bake             ${wait} after every shift, the last included, alarms watched (WaitIntervalInSeconds ${routing.waitIntervalInSeconds})`,
  );
  const termination = blueGreen.terminationWaitInSeconds;
  if (termination > 0) {
    lines.push(
      `termination wait ${formatDuration(termination * 1000)} more with the old fleet kept, alarms still watched (TerminationWaitInSeconds ${termination})`,
    );
  } else {
    lines.push(
      `termination wait none: the old fleet goes after the final baking period (TerminationWaitInSeconds 0)`,
    );
  }
  if (routing.type !== 'ALL_AT_ONCE' && finalBakeMs < routing.waitIntervalInSeconds * 1000) {
    lines.push(
      `final bake       ${formatDuration(finalBakeMs)} asked, ${wait} held: SageMaker's final baking period is the same WaitIntervalInSeconds`,
    );
  }
  if (blueGreen.maximumExecutionTimeoutInSeconds !== undefined) {
    lines.push(
      `timeout          ${formatDuration(blueGreen.maximumExecutionTimeoutInSeconds * 1000)} (MaximumExecutionTimeoutInSeconds ${blueGreen.maximumExecutionTimeoutInSeconds})`,
    );
  }
  lines.push(
    `alarms           ${config.autoRollbackAlarms.join(', ')} (AutoRollbackConfiguration; any in ALARM rolls back)`,
  );
  return lines;
}
