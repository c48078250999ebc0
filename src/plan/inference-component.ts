// The inference-component plan compiler: a plan becomes one UpdateInferenceComponent RollingUpdatePolicy
// (copies replaced in equal batches, each baked while the rollback alarms are watched), or a refusal
// naming the step and the limit the API cannot express. Pure: the engine calls it with the component's
// live copy count.
import type { InferenceComponentRollingUpdate } from '../../statemachines/contract';
import type { NativePlanProblem } from './native';
import type { DurationMs, Percent, Plan } from './types';

export interface InferenceComponentCompileInput {
  plan: Plan;
  /** The component's DesiredCopyCount now: batches are whole copies of it. */
  copyCount: number;
  /** The policy's own alarms (AutoRollbackConfiguration takes at most 10, the abort alarm included). */
  alarms: readonly string[];
  abortAlarmName: string;
}

export interface CompiledInferenceComponentUpdate {
  rollingUpdate: InferenceComponentRollingUpdate;
  autoRollbackAlarms: string[];
  /** The plan's final bake, held by the controller once SageMaker reports the update done. */
  finalBakeMs: DurationMs;
  /** How many batches SageMaker will move at the copy count compiled for. */
  batches: number;
  /** Where the rolling update differs from the plan as written (in the plan's favour), for `plan` to print. */
  notes: string[];
}

export type InferenceComponentCompileResult =
  ({ ok: true } & CompiledInferenceComponentUpdate) | { ok: false; problems: NativePlanProblem[] };

/**
 * InferenceComponentRollingUpdatePolicy (API reference): MaximumBatchSize "must be between 5% to 50%
 * of the copy count of the inference component"; WaitIntervalInSeconds 0…3600;
 * MaximumExecutionTimeoutInSeconds 600…28800; AutoRollbackConfig.Alarms at most 10.
 */
export const IC_BATCH_PERCENT_MIN = 5;
export const IC_BATCH_PERCENT_MAX = 50;
export const IC_WAIT_MAX_S = 3600;
export const IC_TIMEOUT_MIN_S = 600;
export const IC_TIMEOUT_MAX_S = 28_800;
export const IC_MAX_ALARMS = 10;
/**
 * What the controller allows each batch for its copies to come up, on top of the bake, when it sets
 * MaximumExecutionTimeoutInSeconds. AWS publishes no provisioning figure; fifteen minutes covers a
 * large model's download and start (StartupParameters allow up to an hour each, so a very large model
 * may need a longer bake or fewer batches).
 */
export const IC_BATCH_ALLOWANCE_S = 900;

const FIELD = 'strategy';

interface Stage {
  /** 1-based number of the setWeight step. */
  step: number;
  percent: Percent;
  bakeMs: DurationMs;
}

export function compileInferenceComponentUpdate(
  input: InferenceComponentCompileInput,
): InferenceComponentCompileResult {
  const { plan, copyCount } = input;
  const problems: NativePlanProblem[] = [];
  const stages: Stage[] = [];
  plan.steps.forEach((step, index) => {
    const number = index + 1;
    switch (step.kind) {
      case 'pause':
        problems.push({
          step: number,
          field: FIELD,
          message: `step ${number} pause: a rolling update of an inference component has no manual gate (SageMaker moves every batch itself); remove the pause, or bake instead and let the alarms decide`,
        });
        return;
      case 'analysis':
        problems.push({
          step: number,
          field: FIELD,
          message: `step ${number} analysis: the judge cannot hold a SageMaker rolling update between batches; use a bake of the same length (the rollback alarms are watched during each batch's bake)`,
        });
        return;
      case 'setWeight':
        stages.push({ step: number, percent: step.percent, bakeMs: 0 });
        return;
      case 'bake': {
        const stage = stages.at(-1);
        if (stage !== undefined) stage.bakeMs += step.durationMs;
        return;
      }
    }
  });

  // Every plan ends with setWeight(100) and the final bake: the last stage is the controller's to hold.
  const final = stages.at(-1);
  const batchStages = stages.slice(0, -1);
  const first = stages[0];
  if (first === undefined || final === undefined || final.percent !== 100) {
    return {
      ok: false,
      problems: [{ field: FIELD, message: 'the plan must end with setWeight(100) and a final bake' }],
    };
  }
  if (copyCount < 2) {
    problems.push({
      field: 'inferenceComponent',
      message: `the component runs ${copyCount} ${copyCount === 1 ? 'copy' : 'copies'}; a rolling update moves at most ${IC_BATCH_PERCENT_MAX}% of the copies per batch, so it needs 2 or more: raise RuntimeConfig.CopyCount first`,
    });
    return { ok: false, problems };
  }

  const batchPercent = first.percent;
  if (first === final) {
    problems.push({
      step: first.step,
      field: FIELD,
      message: `step ${first.step} setWeight(100): a rolling update moves at most ${IC_BATCH_PERCENT_MAX}% of the copies per batch (MaximumBatchSize); use linear(50, <bake>) or a canary of ${IC_BATCH_PERCENT_MAX}% or less`,
    });
  } else if (!Number.isInteger(batchPercent)) {
    problems.push({
      step: first.step,
      field: FIELD,
      message: `step ${first.step} setWeight(${batchPercent}): a batch is a whole percent or a whole number of copies; use a whole percent`,
    });
  } else if (batchPercent < IC_BATCH_PERCENT_MIN || batchPercent > IC_BATCH_PERCENT_MAX) {
    problems.push({
      step: first.step,
      field: FIELD,
      message: `step ${first.step} setWeight(${batchPercent}): MaximumBatchSize must be between ${IC_BATCH_PERCENT_MIN}% and ${IC_BATCH_PERCENT_MAX}% of the copy count; choose a first step in that range`,
    });
  } else if ((batchPercent * copyCount) / 100 < 1) {
    const smallest = Math.ceil(100 / copyCount);
    problems.push({
      step: first.step,
      field: FIELD,
      message: `step ${first.step} setWeight(${batchPercent}): ${batchPercent}% of ${copyCount} copies is less than one copy, and the smallest batch is one copy (${smallest}%); start at ${smallest}% or more, or run more copies`,
    });
  }

  let previous = 0;
  for (const stage of stages) {
    if (stage.percent <= previous) {
      problems.push({
        step: stage.step,
        field: FIELD,
        message: `step ${stage.step} setWeight(${stage.percent}): a rolling update only moves forward; each step must be above the one before (${previous}%)`,
      });
    } else if (stage !== first && stage.percent !== 100 && stage.percent % batchPercent !== 0) {
      problems.push({
        step: stage.step,
        field: FIELD,
        message: `step ${stage.step} setWeight(${stage.percent}): a rolling update moves in equal batches of the first step's ${batchPercent}% (one MaximumBatchSize); use multiples of ${batchPercent}%`,
      });
    }
    previous = stage.percent;
  }

  const waitMs = first.bakeMs;
  for (const stage of batchStages) {
    if (stage.bakeMs !== waitMs) {
      problems.push({
        step: stage.step,
        field: FIELD,
        message: `step ${stage.step} setWeight(${stage.percent}) bakes ${seconds(stage.bakeMs)} s, step ${first.step} ${seconds(waitMs)} s: a rolling update bakes every batch the same WaitIntervalInSeconds; give every step the same bake`,
      });
    }
  }
  if (waitMs % 1000 !== 0) {
    problems.push({
      step: first.step,
      field: FIELD,
      message: `step ${first.step}: the bake of ${waitMs} ms is not whole seconds (WaitIntervalInSeconds); round it to a second`,
    });
  } else if (waitMs / 1000 > IC_WAIT_MAX_S) {
    problems.push({
      step: first.step,
      field: FIELD,
      message: `step ${first.step}: the bake of ${seconds(waitMs)} s is over WaitIntervalInSeconds' ${IC_WAIT_MAX_S} s; bake an hour or less per batch`,
    });
  }

  const alarms = [...new Set([...input.alarms, input.abortAlarmName])];
  if (alarms.length > IC_MAX_ALARMS) {
    problems.push({
      field: 'alarms',
      message: `${alarms.length} alarms with the controller's abort alarm; AutoRollbackConfiguration takes at most ${IC_MAX_ALARMS}: combine some into a composite alarm`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const batchCopies = copiesPerBatch(batchPercent, copyCount);
  const batches = Math.ceil(copyCount / batchCopies);
  const waitS = waitMs / 1000;
  if (batches * waitS > IC_TIMEOUT_MAX_S) {
    return {
      ok: false,
      problems: [
        {
          field: FIELD,
          message: `${batches} batches baked ${waitS} s each is ${batches * waitS} s, over MaximumExecutionTimeoutInSeconds' ${IC_TIMEOUT_MAX_S} s; use larger batches or shorter bakes`,
        },
      ],
    };
  }
  const timeoutS = Math.min(
    IC_TIMEOUT_MAX_S,
    Math.max(IC_TIMEOUT_MIN_S, batches * (waitS + IC_BATCH_ALLOWANCE_S)),
  );

  const notes: string[] = [];
  const sharePercent = (100 * batchCopies) / copyCount;
  if (sharePercent !== batchPercent) {
    notes.push(
      `${batchPercent}% of ${copyCount} copies is ${batchCopies} ${batchCopies === 1 ? 'copy' : 'copies'} per batch (${formatPercent(sharePercent)}%)`,
    );
  }
  let from = first.percent;
  for (const stage of stages.slice(1)) {
    if (stage.percent - from > batchPercent) {
      notes.push(
        `step ${stage.step} setWeight(${stage.percent}): SageMaker moves from ${from}% to ${stage.percent}% in batches of ${batchPercent}%, each baked ${waitS} s (a rolling update has one batch size)`,
      );
    }
    from = stage.percent;
  }
  if (final.bakeMs > 0) {
    notes.push(
      `the final bake (${seconds(final.bakeMs)} s) is held by the controller after the last batch; an alarm then rolls the component back with a second rolling update`,
    );
  }

  return {
    ok: true,
    rollingUpdate: {
      maximumBatchSize: { type: 'COPY_COUNT', value: batchCopies },
      waitIntervalInSeconds: waitS,
      maximumExecutionTimeoutInSeconds: timeoutS,
      // All old copies at once: the quickest way back (the API's default, stated so the timeline shows it).
      rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: 100 },
    },
    autoRollbackAlarms: alarms,
    finalBakeMs: final.bakeMs,
    batches,
    notes,
  };
}

/**
 * Whole copies per batch: the plan's percent rounded down (a canary never larger than asked), unless
 * that falls under the API's 5% minimum, then rounded up.
 */
function copiesPerBatch(percent: Percent, copyCount: number): number {
  const down = Math.max(1, Math.floor((percent * copyCount) / 100));
  return (100 * down) / copyCount >= IC_BATCH_PERCENT_MIN
    ? down
    : Math.ceil((IC_BATCH_PERCENT_MIN * copyCount) / 100);
}

function seconds(ms: DurationMs): number {
  return ms / 1000;
}

function formatPercent(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
