// What `inferenceComponent: <name>` asks of a start request or policy before anything is sent to AWS:
// the plan compiles to a RollingUpdatePolicy (src/plan/inference-component.ts), something can roll
// it back, and the settings a rolling update makes impossible are named. Shared by the start request,
// the policy check and the CLI; the limits that depend on the component's copy count are checked again
// at start, when it is read (inference-component-rollout.ts).
//
// Why some settings cannot run on an inference component: requests name the component, not a variant
// (InvokeEndpoint's InferenceComponentName), and a rolling update replaces its copies in place, so old
// and new copies serve under one InferenceComponentName and its metrics mix both. The judge (candidate
// vs baseline), per-rollout candidate alarms and the pre-traffic check (InvokeEndpoint with
// TargetVariant) need a candidate of their own, so none of them can run; SageMaker watches the alarms
// in the AutoRollbackConfiguration — the policy's alarms (on the component's own metrics) and the
// controller's abort alarm. The copies run on the endpoint's instances: no candidate instance settings.
import type { NativePlanProblem, Plan } from '../plan';
import { compileInferenceComponentUpdate } from '../plan/inference-component';
import type { RolloutEngineKind } from '../../statemachines/contract';
import { ABORT_ALARM_STAND_IN } from './native-start';

export const INFERENCE_COMPONENT_HELP =
  'give the inference component name (1–63 letters, digits and hyphens), e.g. chat-assistant';

/** The settings that cannot run on an inference component, and why, in the words of the refusal. */
export const INFERENCE_COMPONENT_UNSUPPORTED = {
  judge:
    'the judge cannot run on an inference component — old and new copies serve under one InferenceComponentName, ' +
    'so its metrics cannot tell the candidate from the baseline',
  candidateAlarms:
    'candidate alarms cannot be created on an inference component — the new copies have no name of their own ' +
    'to watch; SageMaker watches the alarms in alarms (put them on the InferenceComponentName dimension)',
  preTrafficCheck:
    'the pre-traffic check cannot run on an inference component — requests name the component, and the new ' +
    'copies have no variant of their own to invoke',
  candidate:
    'an inference component has no candidate instances — its copies run on the endpoint’s instances; change ' +
    'the endpoint config (or ComputeResourceRequirements) instead',
} as const;

/**
 * The copy count the plan is checked at before the component is read (plan, validate): at 100 copies
 * every whole percent is a whole number of copies, so what remains is the plan's own shape — gates,
 * bakes, batch sizes. The limits that depend on the real count are checked at start.
 */
export const PLAN_TIME_COPY_COUNT = 100;

export interface InferenceComponentStartFacts {
  plan: Plan;
  alarms: readonly string[];
  allowUnguarded?: boolean;
  /** As written (policy `engine`, `--engine`); stepwise cannot move an inference component. */
  engine?: RolloutEngineKind;
  candidate?: { instanceType?: string; instanceCount?: number };
  /** The component's DesiredCopyCount, once read (at start); absent at plan/validate time. */
  copyCount?: number;
  abortAlarmName?: string;
}

/** Every reason the request cannot run on an inference component, each naming its field; empty when it can. */
export function inferenceComponentStartProblems(facts: InferenceComponentStartFacts): NativePlanProblem[] {
  const problems: NativePlanProblem[] = [];
  if (facts.engine === 'stepwise') {
    problems.push({
      field: 'engine',
      message:
        'engine: stepwise cannot move an inference component — requests name the component, so there are no ' +
        'variant weights to shift; SageMaker’s rolling update moves its copies: remove engine (or set engine: native)',
    });
  }
  if (facts.candidate?.instanceType !== undefined || facts.candidate?.instanceCount !== undefined) {
    problems.push({ field: 'candidate', message: `candidate: ${INFERENCE_COMPONENT_UNSUPPORTED.candidate}` });
  }
  const compiled = compileInferenceComponentUpdate({
    plan: facts.plan,
    copyCount: facts.copyCount ?? PLAN_TIME_COPY_COUNT,
    alarms: facts.alarms,
    abortAlarmName: facts.abortAlarmName ?? ABORT_ALARM_STAND_IN,
  });
  if (!compiled.ok) problems.push(...compiled.problems);
  if (facts.alarms.length === 0 && !facts.allowUnguarded) {
    problems.push({
      field: 'alarms',
      message:
        'alarms: is empty, and on an inference component only the alarms in AutoRollbackConfiguration roll a bad ' +
        'version back (no candidate alarms, no judge); list CloudWatch alarms on the component, e.g. an ' +
        'Invocation5XXErrors alarm with dimension InferenceComponentName, or set allowUnguarded: true to roll out ' +
        'with only a manual abort',
    });
  }
  return problems;
}
