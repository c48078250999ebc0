// The native engine's plan compiler: a plan becomes one UpdateEndpoint DeploymentConfig (SageMaker
// deployment guardrails), or a refusal naming the step and the limit guardrails cannot express.
// CONTRACT ONLY (filled in by the native-plan work): the signature below is what the engine calls.
import type { NativeDeploymentConfig } from '../../statemachines/contract';
import type { Plan } from './types';

export interface NativeCompileInput {
  plan: Plan;
  /** The serving variant's current instance count (guardrails shifts whole instances). */
  instanceCount?: number;
  /** The policy's own alarms (AutoRollbackConfiguration takes at most 10, the abort alarm included). */
  alarms: readonly string[];
  abortAlarmName: string;
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
  { ok: true; deploymentConfig: NativeDeploymentConfig } | { ok: false; problems: NativePlanProblem[] };

export function compileNativeDeployment(input: NativeCompileInput): NativeCompileResult {
  void input;
  throw new Error('compileNativeDeployment: not built yet');
}
