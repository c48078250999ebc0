// The plan module's public surface: compiling a strategy into steps, durations as people write
// them, plain-language summaries of a plan, and the compilers of the engines SageMaker drives:
// (engine: native) a plan as UpdateEndpoint's DeploymentConfig, and a plan as an inference
// component's UpdateInferenceComponent RollingUpdatePolicy. Everything else in src/plan stays private.

export type { DurationMs, Percent, Plan, Step } from './types';
export { formatDuration, parseDuration, toDurationMs } from './duration';
export type { ExplicitStepInput } from './explicit-steps';
export { compilePlan, DEFAULT_FINAL_BAKE_MS, DEFAULT_STRATEGY, STRATEGY_PRESETS } from './strategy';
export type { CompilePlanOptions } from './strategy';
export { describeStep, summarizePlan } from './summary';
export type { PlanSummary } from './summary';
export { compileInferenceComponentUpdate } from './inference-component';
export type {
  CompiledInferenceComponentUpdate,
  InferenceComponentCompileInput,
  InferenceComponentCompileResult,
} from './inference-component';
export {
  compileNativeDeployment,
  describeNativeDeployment,
  NATIVE_LIMITS,
  instanceGranularShifts,
} from './native';
export type { NativeCompileInput, NativeCompileResult, NativePlanProblem } from './native';
