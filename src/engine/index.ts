// The engine's public surface: the controller every host runs (events in → decisions), the engine
// that runs one rollout step, the intake of events, start requests, undo and the ports. Hosts (the CLI,
// the CDK app, the bench) import from here; adapters that implement a port (src/aws, src/sim, src/store)
// import the module they need directly (`./ports`, the record schema, the clock, the intake's envelopes),
// so loading an adapter does not load the controller. The Lambda handler and what it loads at init
// (src/handlers, src/policy's schema and policy set) import modules directly too: this barrel exports the
// rollout engine, which the controller loads with import() only when a rollout is advanced, and a static
// import of it would put the engine back into the bundle's init.
export {
  DEPLOYED_POLICIES,
  RolloutController,
  type CheckVerdict,
  type ControllerDeps,
  type ControllerLog,
  type ControllerMetric,
  type Outcome,
  type OutcomeAction,
  type PolicyLookup,
  type RolloutPolicy,
  type ScheduleReport,
} from './controller';
export {
  DEFAULT_ENGINE_SETTINGS,
  RolloutEngine,
  type CommandRequest,
  type EngineDeps,
  type EngineSettings,
  type StepResult,
} from './engine';
export {
  COMMAND_DETAIL_TYPE,
  COMMAND_SOURCE,
  CONTROLLER_EVENTS,
  commandEvent,
  MAX_REASON_LENGTH,
  MAX_SQS_DELAY_SECONDS,
  parseCommandDetail,
  parseControllerEvent,
  scheduledEvent,
  startCommandDetail,
  sqsRecord,
  steerCommandDetail,
  wakeUpBody,
  wakeUpDelaySeconds,
  type WakeUpRecord,
  type AlarmEvent,
  type ApprovalEvent,
  type CommandDetail,
  type CommandEvent,
  type ControllerInput,
  type EnvelopeContext,
  type StartCommandRequest,
} from './intake';
export {
  boundWords,
  candidateAlarmTemplateSchema,
  DEFAULT_MAX_DURATION,
  mergeStartRequest,
  retainPreviousSchema,
  ROLE_ARN,
  validateStartRequest,
  type StartRolloutRequest,
  type ValidStartRequest,
  type VersionGate,
} from './start-request';
export {
  ABORT_ALARM_STAND_IN,
  ENGINE_HELP,
  engineSchema,
  NATIVE_UNSUPPORTED,
  nativeProblemLine,
  nativeStartProblems,
  ROLLOUT_ENGINES,
  type NativeStartFacts,
} from './native-start';
export {
  INFERENCE_COMPONENT_HELP,
  INFERENCE_COMPONENT_UNSUPPORTED,
  inferenceComponentStartProblems,
  PLAN_TIME_COPY_COUNT,
  type InferenceComponentStartFacts,
} from './inference-component-start';
export {
  candidateAlarmProblems,
  DEFAULT_CANDIDATE_ALARMS,
  DEFAULT_CANDIDATE_ALARMS_TEXT,
  defaultCandidateAlarms,
  HIGH_RESOLUTION_CANDIDATE_ALARMS,
  isCloudWatchStatistic,
  STATISTIC_HELP,
  type AlarmRuleProblem,
} from './alarm-rules';
export {
  alarmReachProblems,
  readPolicyAlarmReach,
  type AlarmReachProblem,
  type PolicyAlarmReport,
} from './alarm-reach';
export {
  MAX_SAMPLE_REQUESTS,
  parseS3Uri,
  preTrafficCheckInputSchema,
  preTrafficCheckProblems,
  toPreTrafficCheckSpec,
  writtenPreTrafficCheck,
  type PreTrafficCheckInput,
} from './pre-traffic-check';
export {
  BUILT_IN_JUDGE_METRICS,
  JUDGE_DEFAULTS_TEXT,
  judgeGuards,
  judgeProblems,
  judgeSettingsSchema,
  resolveJudge,
  type JudgeSettings,
  type JudgeSettingsInput,
} from './judge-settings';
export { planUndo, UNDO_FINAL_BAKE, UNDO_STRATEGY } from './undo';
export { NAME_PREFIX, SAGEMAKER_NAME, modelPackageVersionOf } from './names';
export { systemClock } from './clock';
export type * from './ports';
export { refusedWhileSettling } from './effects';
