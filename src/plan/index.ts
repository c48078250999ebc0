// The plan module's public surface: compiling a strategy into steps, durations as people write
// them, plain-language summaries of a plan, and (engine: native) compiling a plan into SageMaker's
// DeploymentConfig. Everything else in src/plan stays private to it.

export type { DurationMs, Percent, Plan, Step } from './types';
export { formatDuration, parseDuration, toDurationMs } from './duration';
export type { ExplicitStepInput } from './explicit-steps';
export { compilePlan, DEFAULT_FINAL_BAKE_MS, DEFAULT_STRATEGY, STRATEGY_PRESETS } from './strategy';
export type { CompilePlanOptions } from './strategy';
export { describeStep, summarizePlan } from './summary';
export type { PlanSummary } from './summary';
export {
  compileNativeDeployment,
  describeNativeDeployment,
  NATIVE_LIMITS,
  nativeInstanceCountProblems,
} from './native';
export type { NativeCompileInput, NativeCompileResult, NativePlanProblem } from './native';
