// The engine runs one rollout step: load the snapshot, restore the machine, send the event, run
// to a quiet point (the step's effects share one DescribeEndpoint until they write: endpoint-reads.ts),
// save with an optimistic version check (on conflict: reload and re-apply), append the timeline,
// publish lifecycle events, and report when the rollout next needs waking — and, for a bake, ask for
// a precise wake-up at its end and at each of the judge's looks (SQS message timers in AWS).
import { transitionMetricsConfig } from './candidate-metrics';
import { createActor, waitFor, type Actor } from 'xstate';
import { SmRolloutError, isSmRolloutError } from '../errors';
import {
  ROLLOUT_MACHINE_VERSION,
  type RolloutCommand,
  type RolloutEvent,
  type Baseline,
  type InferenceComponentRolloutSpec,
  type NativeRolloutSpec,
  type PreTrafficCheckSpec,
  type RolloutInput,
} from '../../statemachines/contract';
import {
  acceptedCommands,
  commandName,
  explainRejection,
  isTerminal,
  viewRollout,
  type RolloutView,
} from '../../statemachines/describe';
import { describeFact, rolloutMachine, type TimelineNote } from '../../statemachines/rollout';
import type { RolloutRecord, RolloutStore, TimelineEntry } from './ports';
import { createRolloutActors } from './actors';
import { subMinutePeriodProblem } from './alarm-rules';
import { createRolloutEffects, type RolloutEffects } from './effects';
import {
  createInferenceComponentEffects,
  type InferenceComponentEffects,
} from './inference-component-effects';
import { startInferenceComponentRollout } from './inference-component-rollout';
import { EndpointReads } from './endpoint-reads';
import {
  abortAlarmName,
  candidateAlarmName,
  modelPackageVersionOf,
  newRolloutId,
  rolloutNames,
} from './names';
import { compileNativeDeployment } from '../plan';
import { nativeProblemLine, nativeStartProblems } from './native-start';
import type {
  AlarmControl,
  Clock,
  EndpointControl,
  InferenceComponentControl,
  LifecycleEvent,
  LifecyclePublisher,
  ScalingControl,
  MetricReader,
  EndpointInvoker,
  ObjectReader,
  WakeUpScheduler,
} from './ports';
import { judgeGuards } from './judge-settings';
import { loadSampleRequests } from './pre-traffic-check';
import type { ValidStartRequest } from './start-request';

/**
 * Facts whose data the stored timeline keeps (`detail.fact`): what `report` draws from (a rollback's
 * reason tells it whether an alarm fired).
 */
const FACTS_KEPT_IN_DETAIL: ReadonlySet<string> = new Set([
  'judged',
  'preTrafficChecked',
  'shifted',
  'rollbackStarted',
]);

export interface EngineSettings {
  /** How soon a rollout looks at an endpoint after sending it a change (and retries a throttled call). */
  pollIntervalMs: number;
  /**
   * How far those looks back off while the update runs (each waits as long as the change has taken so
   * far). The default suits hosts the endpoint's `SageMaker Endpoint State Change` events wake — the
   * Lambda and the simulated EventBridge: the event says when an update ends, and the looks are only
   * a safety net for an event that never arrives (SageMaker's events are sent best effort: "in some
   * rare cases an event might not be delivered", EventBridge User Guide, "Event delivery from AWS
   * services"), so a lost one delays a rollout by at most this. A host that gets no such events
   * (`--local`) sets it to pollIntervalMs.
   */
  maxPollIntervalMs: number;
  alarmPollIntervalMs: number;
  /** Real time to wait for effects to finish before giving up on a step (slow AWS calls). */
  quiescenceTimeoutMs: number;
  /** Reload-and-reapply attempts when another writer saved first. */
  conflictRetries: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  pollIntervalMs: 30_000,
  maxPollIntervalMs: 5 * 60_000,
  alarmPollIntervalMs: 60_000,
  quiescenceTimeoutMs: 10 * 60_000,
  conflictRetries: 8,
};

export interface EngineDeps {
  store: RolloutStore;
  endpoints: EndpointControl;
  alarms: AlarmControl;
  /**
   * Application Auto Scaling for the endpoints' variants. The AWS hosts always give it; without it the
   * rollout effects cannot read or keep a variant's scaling.
   */
  scaling?: ScalingControl;
  /** CloudWatch GetMetricData: what the judge compares the variants by (and `report` draws). */
  metrics?: MetricReader;
  /** SageMaker Runtime: the pre-traffic check invokes the candidate variant alone. */
  invoker?: EndpointInvoker;
  /** S3: sample requests a policy keeps in an object. */
  objects?: ObjectReader;
  /** SageMaker inference components: what a rollout onto one (policy `inferenceComponent`) reads and updates. */
  components?: InferenceComponentControl;
  /** Precise wake-ups (SQS message timers in AWS); without it only the one-minute schedule wakes rollouts. */
  wakeUps?: WakeUpScheduler;
  events: LifecyclePublisher;
  clock: Clock;
  settings?: Partial<EngineSettings>;
  /** Where the engine reports problems that must not stop a rollout (failed publishes). */
  warn?: (message: string, detail?: Record<string, unknown>) => void;
  newId?: (now: number) => string;
  /**
   * How an effect waits before retrying a call SageMaker answered "not yet visible" (real time by
   * default; the simulated cloud's hosts pass one that does not wait, its fault counts calls).
   */
  wait?: (ms: number) => Promise<void>;
}

import { preciseWakeUpOf } from './wake-up-time';
export { preciseWakeUpOf };

export interface StepResult {
  record: RolloutRecord;
  view: RolloutView;
  /** Timeline entries this step added. */
  timeline: TimelineEntry[];
  /** How many times the step was re-applied after a concurrent writer won. */
  conflicts: number;
}

type RolloutActor = Actor<typeof rolloutMachine>;

/** A timeline entry the engine writes as a rollout is created, before the machine's own. */
type StartNote = Pick<TimelineEntry, 'kind' | 'message' | 'detail'>;

function unguardedError(valid: ValidStartRequest): SmRolloutError {
  return new SmRolloutError(
    'UNGUARDED',
    `no alarm would watch the candidate on ${valid.endpointName}: the request opts out of the default candidate ` +
      'alarms (--no-candidate-alarms; candidateAlarms: [] in a policy), names no alarm and has no judge that acts ' +
      '(--no-judge, judge: false, or a dry run), so nothing could roll it ' +
      "back; drop the opt-out, or add one (--candidate-alarm 'Invocation5XXErrors>0.05' or --alarm <name>; " +
      'alarms or candidateAlarms in a policy), or to roll out unguarded on purpose pass --no-guard ' +
      '(in a policy: allowUnguarded: true)',
    { field: 'alarms' },
  );
}

/** The rollout id a dry run names the abort alarm with (the real one is drawn when the rollout starts). */
const PREFLIGHT_ROLLOUT_ID = 'r-preflight00';

/**
 * What the native engine cannot do, refused before anything is read or created: the pre-traffic check
 * sends requests to a candidate variant, and a native rollout has none (the new fleet takes the
 * serving variant's name).
 */
function checkNativeRequest(valid: ValidStartRequest): void {
  if (valid.preTrafficCheck) {
    throw new SmRolloutError(
      'INVALID_INPUT',
      'preTrafficCheck: the native engine has no candidate variant to send sample requests to (the new fleet takes ' +
        "the serving variant's name); remove preTrafficCheck, or use the stepwise engine (--engine stepwise)",
      { field: 'preTrafficCheck' },
    );
  }
}

/**
 * The plan compiled to a DeploymentConfig for this baseline (guardrails shifts whole instances of the
 * fleet serving now), or a refusal naming the step and the limit. Inf1 endpoints are refused too:
 * "If your endpoint uses any of the following features, you cannot use deployment guardrails ... and
 * your endpoint will fall back to using a blue/green deployment with all at once traffic shifting and
 * no final baking period: ... Endpoints that use Inf1 (Inferentia-based) instances" (Exclusions).
 */
function nativeSpec(valid: ValidStartRequest, baseline: Baseline, rolloutId: string): NativeRolloutSpec {
  const instanceType = valid.candidate.instanceType ?? baseline.instanceType;
  if (instanceType?.startsWith('ml.inf1.') || baseline.instanceType?.startsWith('ml.inf1.')) {
    throw new SmRolloutError(
      'ENDPOINT_UNSUPPORTED',
      `deployment guardrails does not run on Inf1 instances (${instanceType}): SageMaker would shift all traffic at ` +
        'once with no bake, whatever the plan says; use the stepwise engine (--engine stepwise)',
      { field: 'engine' },
    );
  }
  const abortAlarm = abortAlarmName(valid.endpointName, rolloutId);
  const facts = {
    plan: valid.plan,
    alarms: valid.alarms,
    maxDurationMs: valid.maxDurationMs,
    instanceCount: nativeFleetSize(valid, baseline),
    abortAlarmName: abortAlarm,
    ...(valid.allowUnguarded ? { allowUnguarded: true } : {}),
  };
  // The checks `plan` and `validate` made, now with the serving fleet's size (whole instances).
  const problems = nativeStartProblems(facts);
  const compiled = compileNativeDeployment(facts);
  if (problems.length > 0 || !compiled.ok) {
    const all = problems.length > 0 ? problems : compiled.ok ? [] : compiled.problems;
    throw new SmRolloutError(
      'INVALID_PLAN',
      `the native engine (SageMaker deployment guardrails) cannot run this plan on ${valid.endpointName} ` +
        `(${baseline.instanceCount} × ${baseline.instanceType ?? 'instances'} serving): ${all.map(nativeProblemLine).join('; ')}`,
      { field: all[0]?.field ?? 'strategy' },
    );
  }
  return {
    deploymentConfig: compiled.deploymentConfig,
    abortAlarmName: abortAlarm,
    shiftPercents: compiled.shiftPercents,
  };
}

/**
 * The new fleet's size, as the final config gets it (effects' promotedInstanceCount and candidateSpec):
 * a scaled variant keeps the serving count within its target's bounds; otherwise the candidate's
 * instanceCount, else the baseline's. Guardrails' batches are whole instances of this fleet.
 */
function nativeFleetSize(valid: ValidStartRequest, baseline: Baseline): number {
  const target = baseline.scaling?.target;
  if (target) return Math.min(target.maxCapacity, Math.max(target.minCapacity, baseline.instanceCount));
  return valid.candidate.instanceCount ?? baseline.instanceCount;
}

/** A command as a person or pipeline sends it; the engine stamps the time. */
export type CommandRequest = RolloutCommand extends infer C
  ? C extends RolloutCommand
    ? Omit<C, 'now'>
    : never
  : never;

/**
 * The judge's metric period, s: 10 when the transition config publishes 10-second enhanced metrics
 * (the default), else SageMaker's standard 60. The judge looks once per period.
 */
function judgePeriodSeconds(valid: ValidStartRequest): number {
  return valid.enhancedMetrics !== false ? 10 : 60;
}

export class RolloutEngine {
  private readonly settings: EngineSettings;
  private readonly effects: RolloutEffects;
  private readonly componentEffects?: InferenceComponentEffects;
  /** The effects' SageMaker and scaling ports: a step reuses its DescribeEndpoint until it writes. */
  private readonly reads: EndpointReads;
  private readonly machine;

  constructor(private readonly deps: EngineDeps) {
    this.settings = { ...DEFAULT_ENGINE_SETTINGS, ...deps.settings };
    this.reads = new EndpointReads(deps.endpoints, deps.scaling);
    this.effects = createRolloutEffects({
      endpoints: this.reads.endpoints,
      alarms: deps.alarms,
      ...(deps.wait ? { wait: deps.wait } : {}),
      ...(this.reads.scaling ? { scaling: this.reads.scaling } : {}),
      ...(deps.invoker ? { invoker: deps.invoker } : {}),
      ...(deps.objects ? { objects: deps.objects } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      rollouts: deps.store,
    });
    this.componentEffects = deps.components
      ? createInferenceComponentEffects({
          endpoints: this.reads.endpoints,
          components: deps.components,
          alarms: deps.alarms,
        })
      : undefined;
    this.machine = rolloutMachine.provide({
      actors: createRolloutActors(this.effects, deps.clock, this.componentEffects),
    });
  }

  /**
   * Checks the endpoint for a validated request (nothing is created if it is wrong), takes the
   * endpoint's lock, and runs the rollout to its first quiet point. Raw input goes through
   * validateStartRequest (or mergeStartRequest) first.
   */
  async start(valid: ValidStartRequest, options: { rolloutId?: string } = {}): Promise<StepResult> {
    // One scope for the checks and the first step: the endpoint read that resolved the baseline is
    // the status check before the transition's UpdateEndpoint (nothing writes to the endpoint between).
    return this.reads.within(valid.endpointName, () => this.startChecked(valid, options));
  }

  private async startChecked(valid: ValidStartRequest, options: { rolloutId?: string }): Promise<StepResult> {
    const id = options.rolloutId ?? (this.deps.newId ?? newRolloutId)(this.deps.clock.now());
    const { baseline, notes, native, inferenceComponent } = await this.checkStart(valid, id);
    const now = this.deps.clock.now();
    const timeline: TimelineEntry[] = notes.map((note, seq) => ({ rolloutId: id, seq, at: now, ...note }));
    const input: RolloutInput = {
      rolloutId: id,
      endpointName: valid.endpointName,
      modelPackageArn: valid.modelPackageArn,
      plan: valid.plan,
      alarms: valid.alarms,
      // Native: one variant name serves both fleets, so nothing can watch the new model alone — the
      // policy's alarms, in the AutoRollbackConfiguration, are the guard.
      candidateAlarms:
        native || inferenceComponent
          ? []
          : valid.candidateAlarms.map((template) => ({
              alarmName: candidateAlarmName(valid.endpointName, id, template.suffix),
              template,
            })),
      executionRoleArn: valid.executionRoleArn,
      candidate: valid.candidate,
      names: rolloutNames(valid.endpointName, id),
      requestedBy: valid.requestedBy,
      startedAt: now,
      maxDurationMs: valid.maxDurationMs,
      pollIntervalMs: this.settings.pollIntervalMs,
      maxPollIntervalMs: this.settings.maxPollIntervalMs,
      alarmPollIntervalMs: this.settings.alarmPollIntervalMs,
      baseline,
      ...(valid.retainPrevious !== undefined ? { retainPrevious: valid.retainPrevious } : {}),
      enhancedMetrics: valid.enhancedMetrics !== false,
      ...(valid.preTrafficCheck ? { preTrafficCheck: valid.preTrafficCheck } : {}),
      ...(native ? { engine: 'native' as const, native } : {}),
      // An inference component: SageMaker's rolling update moves the copies, as guardrails moves traffic.
      ...(inferenceComponent ? { engine: 'native' as const, inferenceComponent } : {}),
      ...(valid.judge && !native && !inferenceComponent
        ? {
            judge: {
              ...valid.judge,
              periodSeconds: judgePeriodSeconds(valid),
              intervalMs: judgePeriodSeconds(valid) * 1000,
            },
          }
        : {}),
    };
    const record: RolloutRecord = {
      id,
      endpointName: input.endpointName,
      modelPackageArn: input.modelPackageArn,
      status: 'running',
      active: true,
      phase: 'starting',
      strategy: input.plan.strategy,
      requestedBy: input.requestedBy,
      input,
      machineVersion: ROLLOUT_MACHINE_VERSION,
      snapshot: null,
      version: 1,
      timelineLength: timeline.length,
      createdAt: now,
      updatedAt: now,
    };
    // The lock is taken before any AWS change: a second start on the endpoint fails here.
    await this.deps.store.create(record, timeline);
    const result = await this.step(id, undefined, record);
    return { ...result, timeline: [...timeline, ...result.timeline] };
  }

  /**
   * Everything `start` checks before it changes anything — the request, the endpoint's active
   * rollout, the endpoint and the package, the serving version, that something watches the
   * candidate (read-only) — with no writes: a dry run. `notes`: the lines its timeline would start with.
   */
  async preflight(valid: ValidStartRequest): Promise<{ notes: string[] }> {
    const { notes } = await this.checkStart(valid, PREFLIGHT_ROLLOUT_ID);
    return { notes: notes.map((n) => n.message) };
  }

  /**
   * The checks before a start, and what the timeline records about the request before the rollout's
   * own entries: that it runs unguarded, or rolls back to an older version.
   */
  private async checkStart(
    valid: ValidStartRequest,
    rolloutId: string,
  ): Promise<{
    baseline: Baseline;
    notes: StartNote[];
    native?: NativeRolloutSpec;
    inferenceComponent?: InferenceComponentRolloutSpec;
  }> {
    if (valid.inferenceComponent !== undefined) return this.checkComponentStart(valid, rolloutId);
    if (valid.engine === 'native') checkNativeRequest(valid);
    const active = await this.deps.store.activeForEndpoint(valid.endpointName);
    if (active) {
      throw new SmRolloutError(
        'ROLLOUT_ACTIVE',
        `endpoint ${valid.endpointName} already has an active rollout (${active.id}, ${active.phase}); ` +
          `wait for it to end or run \`sm-rollout abort ${active.id}\``,
        { field: 'endpoint' },
      );
    }
    const baseline = await this.effects.resolveBaseline(valid);
    const native = valid.engine === 'native' ? nativeSpec(valid, baseline, rolloutId) : undefined;
    const notes: StartNote[] = [];
    const older = this.checkVersion(valid, baseline);
    if (older) notes.push(older);
    for (const warning of baseline.alarmWarnings ?? [])
      notes.push({ kind: 'alarmWarning', message: warning });
    (native ? [] : valid.candidateAlarms).forEach((template, i) => {
      // Candidate alarms watch the transition config's metrics, 10-second ones unless the policy opts out.
      const problem = subMinutePeriodProblem(
        template.periodSeconds,
        transitionMetricsConfig(baseline.configExtra, valid.enhancedMetrics !== false),
        valid.endpointName,
        valid.enhancedMetrics === false,
      );
      if (problem) {
        const which = `candidate alarm ${template.suffix} (--candidate-alarm, or candidateAlarms[${i}] in a policy)`;
        throw new SmRolloutError('INVALID_INPUT', `${which}: ${problem}`, {
          field: `candidateAlarms[${i}].periodSeconds`,
        });
      }
    });
    if (valid.preTrafficCheck) await this.checkPreTrafficCheck(valid.preTrafficCheck);
    // Last, so a start that cannot happen anyway (endpoint busy, package not approved) says that first.
    // The judge guards too when it acts on a critical metric (judge-settings.ts judgeGuards).
    // Native: only the policy's alarms guard (SageMaker rolls back on them; there is no candidate variant
    // for candidate alarms or the judge to watch). None and not allowed: nativeSpec refused already.
    const unguarded = native
      ? valid.alarms.length === 0
      : valid.alarms.length === 0 && valid.candidateAlarms.length === 0 && !judgeGuards(valid.judge);
    if (unguarded && !valid.allowUnguarded) throw unguardedError(valid);
    if (unguarded) {
      notes.push({
        kind: 'unguarded',
        message: native
          ? `started unguarded: no alarm of the policy is in the AutoRollbackConfiguration, so SageMaker rolls back only on \`abort\`, by request of ${valid.requestedBy}`
          : `started unguarded: no alarm watches the candidate, by request of ${valid.requestedBy}`,
      });
    }
    if (native) {
      notes.push({
        kind: 'nativeEngine',
        message:
          'native engine: SageMaker deployment guardrails moves the traffic; no candidate alarms or judge (one variant ' +
          `name serves both fleets), SageMaker rolls back on ${native.deploymentConfig.autoRollbackAlarms.join(', ')}`,
      });
    }
    return { baseline, notes, ...(native ? { native } : {}) };
  }

  /**
   * The pre-traffic check can run: this host can invoke the candidate, and the sample requests an S3
   * object holds exist and are well formed (read here, before anything is created, and again when
   * the check runs: a refusal at start beats a rollback after a new fleet was provisioned).
   */
  private async checkPreTrafficCheck(spec: PreTrafficCheckSpec): Promise<void> {
    if (!this.deps.invoker) {
      throw new SmRolloutError(
        'INVALID_INPUT',
        'preTrafficCheck: this host cannot invoke endpoints (no SageMaker Runtime client), so the check could ' +
          'not run; start the rollout through the controller, or remove preTrafficCheck',
        { field: 'preTrafficCheck' },
      );
    }
    await loadSampleRequests(spec, this.deps.objects);
  }

  /**
   * Compares the version to roll out with the one serving the endpoint (the package the baseline
   * model was created from, within the same model package group): never the serving version again
   * unless forced, an older one only when the request allows it (then the timeline says so). No call
   * of its own: resolveBaseline read the serving model (DescribeModel) and kept the package it was
   * created from. A model not created from a package, or from another group, is not compared.
   */
  /**
   * The checks before an inference-component start: no active rollout on the endpoint, the component,
   * its model, the package and the alarms, the plan at the real copy count, the serving version, and
   * that an alarm guards it — read-only.
   */
  private async checkComponentStart(
    valid: ValidStartRequest,
    rolloutId: string,
  ): Promise<{ baseline: Baseline; notes: StartNote[]; inferenceComponent: InferenceComponentRolloutSpec }> {
    const active = await this.deps.store.activeForEndpoint(valid.endpointName);
    if (active) {
      throw new SmRolloutError(
        'ROLLOUT_ACTIVE',
        `endpoint ${valid.endpointName} already has an active rollout (${active.id}, ${active.phase}); ` +
          `wait for it to end or run \`sm-rollout abort ${active.id}\``,
        { field: 'endpoint' },
      );
    }
    if (!this.deps.components) {
      throw new SmRolloutError(
        'INVALID_INPUT',
        `inferenceComponent: this host cannot read or update inference components; start the rollout through the controller`,
        { field: 'inferenceComponent' },
      );
    }
    const start = await startInferenceComponentRollout(
      { endpoints: this.reads.endpoints, components: this.deps.components, alarms: this.deps.alarms },
      { ...valid, inferenceComponent: valid.inferenceComponent! },
      {
        rolloutId,
        candidateModelName: rolloutNames(valid.endpointName, rolloutId).candidateModel,
        abortAlarmName: abortAlarmName(valid.endpointName, rolloutId),
      },
    );
    const notes: StartNote[] = [];
    const older = this.checkVersion(valid, start.baseline);
    if (older) notes.push(older);
    if (valid.alarms.length === 0) {
      if (!valid.allowUnguarded) {
        throw new SmRolloutError(
          'UNGUARDED',
          `no alarm would make SageMaker roll back the update of inference component ${valid.inferenceComponent}: ` +
            "its guard is the AutoRollbackConfiguration, which holds the policy's alarms (candidate alarms and the judge " +
            'cannot run on a component); add one on its metrics (--alarm <name>; alarms in a policy), or pass --no-guard ' +
            '(in a policy: allowUnguarded: true) to roll out with only a manual abort',
          { field: 'alarms' },
        );
      }
      notes.push({
        kind: 'unguarded',
        message: `started unguarded: no alarm of the policy is in the AutoRollbackConfiguration, so SageMaker rolls back only on \`abort\`, by request of ${valid.requestedBy}`,
      });
    }
    notes.push(...start.notes.map((message) => ({ kind: 'inferenceComponent', message })));
    return { baseline: start.baseline, notes, inferenceComponent: start.spec };
  }

  private checkVersion(valid: ValidStartRequest, baseline: Baseline): StartNote | undefined {
    const gate = valid.versionGate ?? 'notServing';
    const wanted = modelPackageVersionOf(valid.modelPackageArn);
    if (gate === 'any' || !wanted) return undefined;
    const servingArn = baseline.model?.modelPackageArn;
    const serving = servingArn ? modelPackageVersionOf(servingArn) : undefined;
    if (!serving || serving.group !== wanted.group) return undefined;
    const where = valid.endpointName;
    if (wanted.version === serving.version) {
      throw new SmRolloutError(
        'NOT_NEWER_THAN_SERVING',
        `version ${wanted.version} of ${wanted.group} already serves ${where} (model ${baseline.modelName}); ` +
          (gate === 'newerOnly'
            ? 'approving the serving version deploys nothing'
            : 'nothing to roll out — pass --force to roll the same version out again'),
        { field: 'modelPackageArn' },
      );
    }
    if (wanted.version > serving.version) return undefined;
    if (gate === 'newerOnly') {
      throw new SmRolloutError(
        'NOT_NEWER_THAN_SERVING',
        `version ${wanted.version} of ${wanted.group} is older than version ${serving.version}, which serves ${where}; ` +
          "the policy's onOlderApproval is ignore, so an older approval deploys nothing — set onOlderApproval: deploy " +
          'to roll older approvals out, or start it by hand with `sm-rollout start`',
        { field: 'modelPackageArn' },
      );
    }
    return {
      kind: 'olderVersion',
      message:
        `rolling back to version ${wanted.version} of ${wanted.group} while version ${serving.version} serves ${where}, ` +
        `by request of ${valid.requestedBy}`,
      detail: {
        version: wanted.version,
        servingVersion: serving.version,
        servingModelPackageArn: servingArn,
      },
    };
  }

  /**
   * Whether `command` applies to the rollout as `record` last saw it (COMMAND_REJECTED with the
   * reason if not), without running anything. A rollout not yet at its first quiet point is
   * decided when the command arrives.
   */
  checkCommand(record: RolloutRecord, command: CommandRequest): void {
    this.checked(record.id, record);
    const accepts = record.progress?.accepts;
    if (accepts === undefined || accepts.includes(commandName(command))) return;
    throw new SmRolloutError(
      'COMMAND_REJECTED',
      explainRejection(
        {
          rolloutId: record.id,
          status: record.status,
          phase: record.phase,
          ...(record.input.engine ? { engine: record.input.engine } : {}),
          ...(record.input.inferenceComponent
            ? { inferenceComponent: record.input.inferenceComponent.inferenceComponentName }
            : {}),
        },
        command,
      ),
    );
  }

  /**
   * Advances a rollout whose wake-up time has come (bake deadlines, endpoint polls, alarm reads).
   * `loaded`: the record as the caller just read it (the schedule's list), saving a store read; a
   * stale one only costs a version conflict and a reload.
   */
  tick(rolloutId: string, loaded?: RolloutRecord): Promise<StepResult> {
    return this.step(rolloutId, { type: 'TICK', now: this.deps.clock.now() }, loaded);
  }

  /** Delivers an AWS-originated event (alarm fired, endpoint changed) to a rollout. */
  notify(
    rolloutId: string,
    event: Extract<RolloutEvent, { type: 'ALARM_FIRED' | 'ENDPOINT_CHANGED' }>,
    loaded?: RolloutRecord,
  ): Promise<StepResult> {
    return this.step(rolloutId, event, loaded);
  }

  /** A person's or pipeline's command; rejected with the reason when it does not apply now. */
  command(rolloutId: string, command: CommandRequest): Promise<StepResult> {
    return this.step(rolloutId, { ...command, now: this.deps.clock.now() } as RolloutCommand);
  }

  async get(rolloutId: string): Promise<{ record: RolloutRecord; timeline: TimelineEntry[] }> {
    const record = await this.load(rolloutId);
    return { record, timeline: await this.deps.store.timeline(rolloutId) };
  }

  private async load(rolloutId: string): Promise<RolloutRecord> {
    const record = await this.deps.store.get(rolloutId);
    return this.checked(rolloutId, record);
  }

  private checked(rolloutId: string, record: RolloutRecord | undefined): RolloutRecord {
    if (!record) {
      throw new SmRolloutError(
        'ROLLOUT_NOT_FOUND',
        `rollout ${rolloutId} not found; \`sm-rollout list\` shows the known ones`,
        {
          field: 'rolloutId',
        },
      );
    }
    if (record.machineVersion !== ROLLOUT_MACHINE_VERSION) {
      throw new SmRolloutError(
        'SNAPSHOT_INCOMPATIBLE',
        `rollout ${rolloutId} was saved by ${record.machineVersion}; this controller runs ${ROLLOUT_MACHINE_VERSION} ` +
          'and will not guess how to continue it — finish it with the version that started it',
      );
    }
    return record;
  }

  private async step(
    rolloutId: string,
    event: RolloutEvent | undefined,
    loaded?: RolloutRecord,
  ): Promise<StepResult> {
    for (let attempt = 0; ; attempt++) {
      const record =
        attempt === 0 && loaded?.id === rolloutId
          ? this.checked(rolloutId, loaded)
          : await this.load(rolloutId);
      try {
        const result = await this.reads.within(record.endpointName, () => this.apply(record, event));
        return { ...result, conflicts: attempt };
      } catch (error) {
        if (isSmRolloutError(error, 'VERSION_CONFLICT') && attempt < this.settings.conflictRetries) {
          // Another writer advanced the rollout first and may have changed the endpoint: look afresh.
          this.reads.forget(record.endpointName);
          continue;
        }
        throw error;
      }
    }
  }

  private async apply(record: RolloutRecord, event: RolloutEvent | undefined) {
    const notes: { note: TimelineNote; at: number }[] = [];
    const actor: RolloutActor = record.snapshot
      ? createActor(this.machine, { snapshot: record.snapshot as never, input: record.input })
      : createActor(this.machine, { input: record.input });
    actor.on('timeline', (note) => notes.push({ note, at: this.deps.clock.now() }));
    const before = JSON.stringify(record.snapshot);
    actor.start();
    try {
      // A snapshot saved mid-effect (a crash) re-runs that effect first; effects are idempotent.
      await this.quiesce(actor);
      if (event) {
        const snapshot = actor.getSnapshot();
        const isCommand = ['PAUSE', 'RESUME', 'PROMOTE', 'ABORT'].includes(event.type);
        if (isCommand && (snapshot.status !== 'active' || !snapshot.can(event))) {
          throw new SmRolloutError('COMMAND_REJECTED', explainRejection(snapshot, event as RolloutCommand));
        }
        if (snapshot.status === 'active') {
          actor.send(event);
          await this.quiesce(actor);
        }
      }
      const snapshot = actor.getSnapshot();
      const persisted = actor.getPersistedSnapshot();
      const view = viewRollout(snapshot);
      if (JSON.stringify(persisted) === before && notes.length === 0) {
        return { record, view, timeline: [] };
      }
      const timeline: TimelineEntry[] = notes.map(({ note, at }, i) => ({
        rolloutId: record.id,
        seq: record.timelineLength + i,
        at,
        kind: note.fact.kind,
        message: describeFact(note.fact),
        ...(note.detail
          ? {
              detail: FACTS_KEPT_IN_DETAIL.has(note.fact.kind)
                ? { ...note.detail, fact: note.fact }
                : note.detail,
            }
          : {}),
      }));
      const next: RolloutRecord = {
        ...record,
        status: view.status,
        active: !isTerminal(view.status),
        phase: view.phase,
        ...(view.reason && isTerminal(view.status) ? { reason: view.reason } : {}),
        snapshot: persisted,
        version: record.version + 1,
        timelineLength: record.timelineLength + timeline.length,
        nextWakeAt: view.wakeAt,
        progress: {
          step: view.step,
          weights: view.weights,
          ...(view.bakeUntil !== undefined ? { bakeUntil: view.bakeUntil } : {}),
          accepts: acceptedCommands(snapshot),
          watching: snapshot.hasTag('watching'),
          ...(view.judge ? { judge: view.judge } : {}),
          ...(view.judging ? { judging: true } : {}),
        },
        updatedAt: this.deps.clock.now(),
      };
      if (next.nextWakeAt === undefined) delete next.nextWakeAt;
      await this.deps.store.save(next, record.version, timeline);
      await this.publish(next, notes);
      await this.scheduleWakeUp(record, next);
      return { record: next, view, timeline };
    } finally {
      actor.stop();
    }
  }

  /**
   * Asks for a precise wake-up at the end of a hold's bake, once per bake (when the record's bakeUntil
   * changed), so a duplicate, a no-op tick or an alarm read sends nothing. The end of a bake is the one
   * deadline that starts a step; the alarm reads in between stay on the one-minute schedule, which reads the
   * alarms of every holding rollout in one batched DescribeAlarms call (and an alarm's own event wakes a
   * rollout at once), as do the polls of an updating endpoint (its Endpoint State Change event wakes it).
   * Best effort, after the save: a crash or a failed send between the two leaves the schedule to wake the
   * rollout (at most a minute late), never a lost one.
   */
  private async scheduleWakeUp(before: RolloutRecord, next: RolloutRecord): Promise<void> {
    const wakeUps = this.deps.wakeUps;
    const at = preciseWakeUpOf(next);
    if (!wakeUps || at === undefined || at === preciseWakeUpOf(before) || at <= this.deps.clock.now()) return;
    try {
      await wakeUps.wakeAt(next.id, at);
    } catch (error) {
      this.deps.warn?.(
        `could not schedule the wake-up of ${next.id} at ${new Date(at).toISOString()} (the one-minute schedule ` +
          `wakes it instead): ${(error as Error).message}`,
        { rolloutId: next.id, wakeAt: at },
      );
    }
  }

  private async quiesce(actor: RolloutActor): Promise<void> {
    const settled = await waitFor(actor, (s) => s.status !== 'active' || s.hasTag('waiting'), {
      timeout: this.settings.quiescenceTimeoutMs,
    });
    if (settled.status === 'error') throw settled.error;
  }

  /** Lifecycle events are best effort: a failed publish is reported, never allowed to stop a rollout. */
  private async publish(record: RolloutRecord, notes: { note: TimelineNote; at: number }[]) {
    const events: LifecycleEvent[] = notes
      .filter(({ note }) => note.lifecycle)
      .map(({ note, at }) => ({
        detailType: note.lifecycle!,
        at,
        detail: {
          rolloutId: record.id,
          endpointName: record.endpointName,
          modelPackageArn: record.modelPackageArn,
          weights: note.detail.weights,
          step: note.detail.step,
          reason: describeFact(note.fact),
        },
      }));
    if (events.length === 0) return;
    try {
      await this.deps.events.publish(events);
    } catch (error) {
      this.deps.warn?.(`could not publish lifecycle events for ${record.id}: ${(error as Error).message}`, {
        rolloutId: record.id,
        detailTypes: events.map((e) => e.detailType),
      });
    }
  }
}
