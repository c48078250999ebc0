// Wires the effects into the rollout machine's actor keys, stamping each result with the clock:
// the one place where time enters a rollout besides the events themselves.
import { fromPromise } from 'xstate';
import type {
  AbortAlarmInput,
  AlarmReading,
  ApplyResult,
  CheckResult,
  CleanupResult,
  CreateCandidateResult,
  EndpointChange,
  InferenceComponentReading,
  PreTrafficResult,
  JudgeInput,
  JudgeReading,
  NativeDeploymentReading,
  ResolveBaselineResult,
  RolloutInput,
  RolloutInputWithBaseline,
  Stamped,
} from '../../statemachines/contract';
import type { RolloutEffects } from './effects';
import { SmRolloutError } from '../errors';
import type { InferenceComponentContext, InferenceComponentEffects } from './inference-component-effects';
import type { Clock } from './ports';

/** An inference-component effect on a host built without the InferenceComponentControl port. */
function noComponents(): never {
  throw new SmRolloutError(
    'INVALID_INPUT',
    'this host has no inference-component port (DescribeInferenceComponent, UpdateInferenceComponent); ' +
      'run the rollout through the controller',
    { field: 'inferenceComponent' },
  );
}

/** The rollout as the inference-component effects take it (the machine only invokes them for one). */
function componentContext(context: RolloutInputWithBaseline): InferenceComponentContext {
  if (!context.inferenceComponent) noComponents();
  return context as InferenceComponentContext;
}

export function createRolloutActors(
  effects: RolloutEffects,
  clock: Clock,
  components?: InferenceComponentEffects,
) {
  const ic = (): InferenceComponentEffects => components ?? noComponents();
  const stamp = async <T extends object>(work: Promise<T>): Promise<T & { at: number }> => ({
    ...(await work),
    at: clock.now(),
  });
  return {
    resolveBaseline: fromPromise<ResolveBaselineResult, { context: RolloutInput }>(async ({ input }) =>
      stamp(effects.resolveBaseline(input.context).then((baseline) => ({ baseline }))),
    ),
    createCandidate: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(({ input }) =>
      stamp(effects.createCandidate(input.context)),
    ),
    applyEndpointChange: fromPromise<ApplyResult, { change: EndpointChange }>(({ input }) =>
      stamp(effects.applyEndpointChange(input.change)),
    ),
    checkEndpoint: fromPromise<CheckResult, { change: EndpointChange }>(({ input }) =>
      stamp(effects.checkEndpoint(input.change)),
    ),
    readAlarms: fromPromise<AlarmReading, { alarmNames: string[] }>(({ input }) =>
      stamp(effects.readAlarms(input.alarmNames)),
    ),
    judgeCandidate: fromPromise<JudgeReading, JudgeInput>(({ input }) =>
      stamp(effects.judgeCandidate(input)),
    ),
    createFinalConfig: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(
      ({ input }) => stamp(effects.createFinalConfig(input.context)),
    ),
    cleanupAfterPromotion: fromPromise<CleanupResult, { context: RolloutInputWithBaseline }>(({ input }) =>
      stamp(effects.cleanupAfterPromotion(input.context)),
    ),
    removeCandidate: fromPromise<CleanupResult, { context: RolloutInputWithBaseline }>(({ input }) =>
      stamp(effects.removeCandidate(input.context)),
    ),
    checkCandidate: fromPromise<PreTrafficResult, { context: RolloutInputWithBaseline }>(({ input }) =>
      stamp(effects.checkCandidate(input.context)),
    ),
    prepareNativeDeployment: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(
      ({ input }) => stamp(effects.prepareNativeDeployment(input.context)),
    ),
    followDeployment: fromPromise<NativeDeploymentReading, { endpointName: string }>(({ input }) =>
      stamp(effects.followDeployment(input.endpointName)),
    ),
    setAbortAlarm: fromPromise<Stamped, AbortAlarmInput>(({ input }) =>
      stamp(effects.setAbortAlarm(input).then(() => ({}))),
    ),
    prepareComponentUpdate: fromPromise<CreateCandidateResult, { context: RolloutInputWithBaseline }>(
      async ({ input }) => stamp(ic().prepareComponentUpdate(componentContext(input.context))),
    ),
    startComponentUpdate: fromPromise<ApplyResult, { context: RolloutInputWithBaseline }>(async ({ input }) =>
      stamp(ic().startComponentUpdate(componentContext(input.context))),
    ),
    readComponent: fromPromise<InferenceComponentReading, { context: RolloutInputWithBaseline }>(
      async ({ input }) => stamp(ic().readComponent(componentContext(input.context))),
    ),
    startComponentRollback: fromPromise<ApplyResult, { context: RolloutInputWithBaseline }>(
      async ({ input }) => stamp(ic().startComponentRollback(componentContext(input.context))),
    ),
    cleanUpComponentRollout: fromPromise<
      CleanupResult,
      { context: RolloutInputWithBaseline; outcome: 'succeeded' | 'rolledBack' }
    >(async ({ input }) =>
      stamp(ic().cleanUpComponentRollout(componentContext(input.context), input.outcome)),
    ),
  };
}
