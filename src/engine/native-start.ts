// What `engine: native` asks of a start request or policy before anything is sent to AWS: the plan
// compiles to a DeploymentConfig (src/plan/native.ts), something can roll it back, and the settings
// guardrails makes impossible are named. Shared by the start request, the policy check and the CLI.
//
// Why some settings cannot run under native: in a guardrails blue/green deployment the new (green)
// fleet serves under the same variant name as the old (blue) one — "your new endpoint configuration
// must have the same variant name as the old endpoint configuration" (SageMaker Developer Guide,
// deployment guardrails, Exclusions) — so CloudWatch's per-variant metrics (EndpointName +
// VariantName) mix both fleets. The judge (candidate vs baseline), per-rollout candidate alarms (on
// the candidate variant alone) and the pre-traffic check (InvokeEndpoint with TargetVariant) all need
// a candidate variant of its own, so none of them can run. SageMaker itself watches the alarms in
// AutoRollbackConfiguration: the policy's alarms and the controller's abort alarm.
import * as z from 'zod';
import { compileNativeDeployment, type NativePlanProblem, type Plan } from '../plan';
import type { RolloutEngineKind } from '../../statemachines/contract';

export const ROLLOUT_ENGINES = ['stepwise', 'native'] as const satisfies readonly RolloutEngineKind[];

export const ENGINE_HELP =
  'use stepwise (the controller moves the weights: any percent, manual gates, the judge) or native ' +
  '(SageMaker deployment guardrails move them: UpdateEndpoint with a DeploymentConfig)';

export const engineSchema = z.enum(ROLLOUT_ENGINES);

/**
 * Stands in for the controller's abort alarm where no rollout exists yet (plan, validate): the engine
 * names the real one per rollout. It is counted among the 10 alarms either way.
 */
export const ABORT_ALARM_STAND_IN = "(this rollout's abort alarm)";

/** The settings that cannot run under native, and why, in the words of the refusal or the note. */
export const NATIVE_UNSUPPORTED = {
  judge:
    'the judge cannot run under engine: native — blue and green fleets serve under one variant name, so ' +
    'per-variant metrics cannot tell the candidate from the baseline',
  candidateAlarms:
    'candidate alarms cannot be created under engine: native — the new fleet has no variant of its own to ' +
    'watch (blue and green serve under one variant name); SageMaker watches the alarms in alarms',
  preTrafficCheck:
    'the pre-traffic check cannot run under engine: native — it invokes the candidate variant alone ' +
    '(TargetVariant), and guardrails gives the new fleet no variant of its own',
} as const;

export interface NativeStartFacts {
  plan: Plan;
  alarms: readonly string[];
  maxDurationMs: number;
  allowUnguarded?: boolean;
  /** The serving variant's instance count, once known (at start); absent at plan/validate time. */
  instanceCount?: number;
  /** Absent: ABORT_ALARM_STAND_IN. */
  abortAlarmName?: string;
}

/** Every reason the request cannot run under native, each naming its field; empty when it can. */
export function nativeStartProblems(facts: NativeStartFacts): NativePlanProblem[] {
  const compiled = compileNativeDeployment({
    plan: facts.plan,
    alarms: facts.alarms,
    abortAlarmName: facts.abortAlarmName ?? ABORT_ALARM_STAND_IN,
    maxDurationMs: facts.maxDurationMs,
    ...(facts.instanceCount !== undefined ? { instanceCount: facts.instanceCount } : {}),
  });
  const problems = compiled.ok ? [] : [...compiled.problems];
  if (facts.alarms.length === 0 && !facts.allowUnguarded) {
    problems.push({
      field: 'alarms',
      message:
        'alarms: is empty, and under engine: native only the alarms in AutoRollbackConfiguration roll a bad ' +
        'version back (no candidate alarms, no judge); list CloudWatch alarms on the endpoint, e.g. ' +
        '[churn-prod-5xx], set allowUnguarded: true to roll out with only a manual abort, or use engine: stepwise',
    });
  }
  return problems;
}

/** A problem as one line that starts with its field (`strategy: step 3: …`, `alarms: …`). */
export function nativeProblemLine(problem: NativePlanProblem): string {
  return problem.message.startsWith(`${problem.field}:`)
    ? problem.message
    : `${problem.field}: ${problem.message}`;
}
