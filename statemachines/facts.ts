// What a rollout tells its timeline: one fact per thing that happened, carrying the data, and the
// one place that turns facts (and rollback reasons) into the English people read.
import {
  ENDPOINT_DELETED,
  type Baseline,
  type InferenceComponentRolloutSpec,
  type InferenceComponentView,
  type LifecycleDetailType,
  type NativeDeploymentConfig,
  type MetricVerdict,
  type PreTrafficResult,
  type RollbackReason,
} from './contract';
import { describeScaling } from './scaling';
import { describeComponentProgress, describeRollingUpdate } from './inference-component';

/** A step as a person names it: 1-based, out of the plan's total. */
export interface StepNumber {
  index: number;
  total: number;
}

export interface Weights {
  baseline: number;
  candidate: number;
}

export type TimelineFact =
  | {
      kind: 'started';
      rolloutId: string;
      requestedBy: string;
      modelPackageArn: string;
      endpointName: string;
      strategy: string;
      /** Present when the rollout targets an inference component of the endpoint. */
      inferenceComponent?: string;
    }
  | { kind: 'baseline'; baseline: Baseline }
  | { kind: 'candidateCreated'; candidateModel: string; transitionConfig: string; candidateVariant: string }
  | { kind: 'transitionLive'; endpointName: string; transitionConfig: string }
  | {
      kind: 'shifted';
      weights: Weights;
      step: StepNumber;
      /** The candidate's scalable target bounds for this share (only on an auto-scaled baseline). */
      candidateCapacity?: { minCapacity: number; maxCapacity: number };
    }
  | {
      kind: 'bakeStarted';
      durationMs: number;
      candidateWeight: number;
      step: StepNumber;
      bakeUntil: number;
      watching: string[];
    }
  | { kind: 'bakeCompleted'; step: StepNumber }
  | { kind: 'gate'; step: StepNumber; candidateWeight: number; rolloutId: string }
  | { kind: 'promoted'; step: StepNumber; by: string }
  | { kind: 'promotedFull'; by: string }
  | { kind: 'paused'; step: StepNumber; by: string }
  | { kind: 'resumed'; step: StepNumber; by: string }
  | { kind: 'retry'; error: string }
  | { kind: 'alarmReadFailed'; error: string }
  /** The judge could not look (no baseline traffic to compare with, no metric reader, a failed read); told once per reason. */
  | { kind: 'judgeSkipped'; reason: string }
  | { kind: 'promoting'; finalConfig: string; variantName?: string }
  | { kind: 'finalLive'; endpointName: string; finalConfig: string }
  | { kind: 'cleanedUp'; removed: string[]; kept: string[]; restored?: string[] }
  | { kind: 'rollbackStarted'; reason?: RollbackReason }
  | { kind: 'trafficRestored'; baselineVariant: string }
  | { kind: 'reverted'; endpointName: string; originalConfig: string }
  | { kind: 'candidateRemoved'; removed: string[]; restored?: string[] }
  | { kind: 'endpointDeleted'; endpointName: string }
  /**
   * The judge's verdicts (recorded when one changes, when a step ends and when it acts). The stored
   * timeline entry carries this fact in its detail (`detail.fact`): `report` draws the numbers.
   */
  | {
      kind: 'judged';
      step: StepNumber;
      verdicts: MetricVerdict[];
      from: number;
      to: number;
      dryRun: boolean;
      /** What the verdicts made the rollout do: roll back, pass the step, pause, proceed anyway, or keep holding. */
      decision: 'rollback' | 'pass' | 'pause' | 'proceed' | 'hold';
    }
  /** The pre-traffic check's outcome (stored with `detail.fact` too). */
  | {
      kind: 'preTrafficChecked';
      result: Omit<PreTrafficResult, 'at'>;
      passed: boolean;
      candidateVariant: string;
      /** The policy's maxLatency, ms. */
      maxLatencyBoundMs: number;
    }
  // ---- the native engine (SageMaker deployment guardrails moves the traffic) ----
  | {
      kind: 'nativePrepared';
      candidateModel: string;
      finalConfig: string;
      variantName: string;
      abortAlarm: string;
    }
  | {
      kind: 'nativeDeploymentStarted';
      endpointName: string;
      finalConfig: string;
      deploymentConfig: NativeDeploymentConfig;
    }
  /** The new fleet's status changed (PendingDeploymentSummary). */
  | { kind: 'nativeProgress'; variantName: string; status: string; message?: string }
  /** A bake began after a shift of the plan: the new fleet takes that share now. */
  | { kind: 'nativeShifted'; weights: Weights; shift: StepNumber }
  /** An auto-rollback alarm went to ALARM: SageMaker acts on it, the rollout only records it. */
  | { kind: 'nativeAlarmSeen'; alarmName: string; stateReason: string }
  | { kind: 'abortAlarmSet'; alarmName: string; pastLastBake: boolean }
  | { kind: 'nativeRolledBack'; endpointName: string; originalConfig: string; failureReason?: string }
  // ---- an inference component (SageMaker's rolling update moves the copies) ----
  | { kind: 'componentPrepared'; candidateModel: string; abortAlarm: string }
  | { kind: 'componentUpdateStarted'; spec: InferenceComponentRolloutSpec; candidateModel: string }
  /** The copies' status or counts changed (DescribeInferenceComponent). */
  | { kind: 'componentProgress'; inferenceComponentName: string; view: InferenceComponentView }
  /** SageMaker finished every batch: the controller holds the final bake. */
  | {
      kind: 'componentUpdated';
      inferenceComponentName: string;
      candidateModel: string;
      finalBakeUntil: number;
      watching: string[];
    }
  | { kind: 'componentRolledBack'; inferenceComponentName: string; modelName: string; failureReason?: string }
  /** After the update finished: the second rolling update back to the model that served. */
  | { kind: 'componentRollbackStarted'; inferenceComponentName: string; modelName: string }
  | { kind: 'componentRestored'; inferenceComponentName: string; modelName: string }
  | {
      kind: 'succeeded';
      modelPackageArn: string;
      endpointName: string;
      finalConfig: string;
      inferenceComponent?: { name: string; model: string };
    }
  | {
      kind: 'rolledBack';
      reason?: RollbackReason;
      endpointName: string;
      originalConfig?: string;
      inferenceComponent?: { name: string; model: string };
    }
  | {
      kind: 'failed';
      /** A native deployment SageMaker left failed (not a rollback of the controller's). */
      native?: boolean;
      failure?: { code: string; message: string };
      reason?: RollbackReason;
      endpointName: string;
      originalConfig?: string;
    };

export type FactKind = TimelineFact['kind'];

/** What the machine emits: a fact, where the rollout stood, and the lifecycle event it also is. */
export interface TimelineNote {
  type: 'timeline';
  fact: TimelineFact;
  lifecycle?: LifecycleDetailType;
  detail: { weights: Weights; step: StepNumber };
}

/** The facts that are also published as lifecycle events (EventBridge detail-types). */
export const LIFECYCLE_OF_FACT: Partial<Record<FactKind, LifecycleDetailType>> = {
  started: 'Rollout Started',
  shifted: 'Traffic Shifted',
  nativeShifted: 'Traffic Shifted',
  componentUpdated: 'Traffic Shifted',
  paused: 'Rollout Paused',
  resumed: 'Rollout Resumed',
  rollbackStarted: 'Rollback Started',
  succeeded: 'Rollout Succeeded',
  rolledBack: 'Rollout Rolled Back',
  failed: 'Rollout Failed',
};

export function describeReason(reason: RollbackReason | undefined): string {
  if (!reason) return 'unknown reason';
  switch (reason.kind) {
    case 'alarm':
      return `alarm ${reason.alarmName} fired: ${reason.stateReason}`;
    case 'abort':
      return `aborted by ${reason.by}${reason.note ? `: ${reason.note}` : ''}`;
    case 'failure':
      return `${reason.message} [${reason.code}]`;
    case 'timeout':
      return `exceeded the maximum rollout duration (${Math.round(reason.maxDurationMs / 60000)} min)`;
    case 'judge':
      return reason.verdict.verdict === 'fail'
        ? `the judge found the candidate worse on ${describeVerdict(reason.verdict)}`
        : `the judge could not clear the candidate by the end of the step and the policy rolls back: ${describeVerdict(reason.verdict)}`;
    case 'preTrafficCheck': {
      const first = reason.failures[0];
      return (
        `the pre-traffic check failed: ${reason.failures.length} of ${reason.sent} sample requests to the candidate ` +
        `failed before any customer traffic reached it${first ? ` (first, #${first.index + 1}: ${first.reason})` : ''}`
      );
    }
  }
}

function stepLabel(step: StepNumber): string {
  return `step ${step.index}/${step.total}`;
}

/**
 * A time as people read it in timelines and status: ISO 8601 to the second, rounded up, so "until"
 * never names a moment before the deadline (endpoint updates end at odd milliseconds).
 */
export function isoTime(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A duration as people write it: `4m55s`, `2h`, `30s` (never `295s`). */
export function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', r || (!h && !m) ? `${r}s` : ''].join('');
}

/** The candidate's scalable target bounds for a step, in words. */
function capacityText({ minCapacity, maxCapacity }: { minCapacity: number; maxCapacity: number }): string {
  return minCapacity === maxCapacity
    ? `the candidate's auto scaling holds it at ${minCapacity} instance${minCapacity === 1 ? '' : 's'}`
    : `the candidate scales within ${minCapacity}–${maxCapacity} instances`;
}

function percentOf(events: number, requests: number): string {
  if (requests === 0) return 'no requests';
  const p = (100 * events) / requests;
  return `${p >= 10 ? p.toFixed(1) : p >= 1 ? p.toFixed(2) : p.toPrecision(2)}%`;
}

function times(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(2)}×`;
}

/**
 * One metric's verdict as a person checks it: both variants' counts and rates, the ratio with its
 * interval, and the tolerance it was judged against.
 */
export function describeVerdict(v: MetricVerdict): string {
  const threshold =
    v.threshold === undefined
      ? ''
      : v.thresholdUnit === 'microseconds'
        ? `${+(v.threshold / 1000).toPrecision(3)} ms`
        : `${+v.threshold.toPrecision(4)}`;
  const what =
    v.threshold !== undefined
      ? ` (requests slower than ${threshold}, the baseline's ${v.percentile !== undefined ? `p${v.percentile}` : 'own percentile'} before the rollout)`
      : '';
  const limit = v.direction === 'increase' ? 1 + v.tolerance : 1 - v.tolerance;
  const upper = v.interval[1] === null ? '∞' : times(v.interval[1]);
  const ratio = v.ratio === null ? 'the baseline had none' : `${times(v.ratio)} the baseline`;
  return (
    `${v.metric}${what} ${v.verdict.toUpperCase()}: candidate ${v.candidate.events} of ${v.candidate.requests} ` +
    `requests (${percentOf(v.candidate.events, v.candidate.requests)}) vs baseline ${v.baseline.events} of ` +
    `${v.baseline.requests} (${percentOf(v.baseline.events, v.baseline.requests)}): ${ratio}, interval ` +
    `${times(v.interval[0])}–${upper}, ${v.direction === 'increase' ? 'tolerated up to' : 'tolerated down to'} ${times(limit)}`
  );
}

const JUDGE_DECISIONS = {
  rollback: 'rolling back',
  pass: 'the step passes',
  pause: 'pausing for a person: `resume` proceeds, `abort` rolls back',
  proceed: 'proceeding (the policy proceeds when the judge cannot tell)',
  hold: 'holding',
} as const;

/** The judge's verdicts, one clause per metric, and what they made the rollout do. */
function describeJudged(fact: Extract<TimelineFact, { kind: 'judged' }>): string {
  const span = formatMs(Math.max(0, fact.to - fact.from));
  const wouldRollBack = fact.verdicts.some((v) => v.critical && v.verdict === 'fail');
  const decision =
    fact.dryRun && wouldRollBack && fact.decision !== 'rollback'
      ? `dry run: would roll back, ${JUDGE_DECISIONS[fact.decision]}`
      : JUDGE_DECISIONS[fact.decision];
  return (
    `Judge${fact.dryRun ? ' (dry run)' : ''} at ${stepLabel(fact.step)}, over ${span} of candidate traffic: ` +
    `${fact.verdicts.map(describeVerdict).join('; ') || 'no metric could be read'} — ${decision}`
  );
}

/** How many failed sample requests a timeline line spells out (all of them stay in the fact). */
const FAILURES_SPELT_OUT = 3;

/** The pre-traffic check in one line: what was sent where, within which bound, and each failure. */
function describePreTrafficCheck(fact: Extract<TimelineFact, { kind: 'preTrafficChecked' }>): string {
  const { sent, failures, maxLatencyMs } = fact.result;
  const ms = fact.maxLatencyBoundMs;
  const bound = ms % 1000 === 0 ? formatMs(ms) : `${ms} ms`;
  const sample = `sample request${sent === 1 ? '' : 's'}`;
  if (fact.passed) {
    return (
      `Pre-traffic check passed: ${sent} ${sample} to candidate variant ${fact.candidateVariant} all answered 2xx ` +
      `within ${bound} (slowest ${Math.round(maxLatencyMs)} ms); the candidate may take traffic`
    );
  }
  const spelt = failures
    .slice(0, FAILURES_SPELT_OUT)
    .map((f) => `#${f.index + 1}: ${f.reason}`)
    .join('; ');
  const more =
    failures.length > FAILURES_SPELT_OUT ? `; and ${failures.length - FAILURES_SPELT_OUT} more` : '';
  return (
    `Pre-traffic check failed: ${failures.length} of ${sent} ${sample} to candidate variant ${fact.candidateVariant} ` +
    `failed (bound ${bound}), and no customer request reached it — ${spelt}${more}`
  );
}

function capacitySizeText(size: { type: string; value: number } | undefined): string {
  if (!size) return '?';
  return size.type === 'INSTANCE_COUNT'
    ? `${size.value} instance${size.value === 1 ? '' : 's'}`
    : `${size.value}% of the new fleet`;
}

/** The DeploymentConfig in one sentence: how traffic moves, the bakes, the alarms SageMaker watches. */
export function describeDeploymentConfig(config: NativeDeploymentConfig): string {
  const alarms = `auto-rollback on ${config.autoRollbackAlarms.join(', ') || 'no alarm'}`;
  if (config.rolling) {
    const r = config.rolling;
    return (
      `a rolling deployment in batches of ${capacitySizeText(r.maximumBatchSize)}, baking ${formatMs(r.waitIntervalInSeconds * 1000)} ` +
      `after each; ${alarms}`
    );
  }
  const bg = config.blueGreen;
  if (!bg) return alarms;
  const t = bg.trafficRouting;
  const bake = formatMs(t.waitIntervalInSeconds * 1000);
  const how =
    t.type === 'ALL_AT_ONCE'
      ? `all traffic to the new fleet at once, then bake ${bake}`
      : t.type === 'CANARY'
        ? `a canary of ${capacitySizeText(t.canarySize)} first, bake ${bake}, then the rest`
        : `${capacitySizeText(t.linearStepSize)} at a time, baking ${bake} after each step`;
  const keep = bg.terminationWaitInSeconds
    ? `; the old fleet stays ${formatMs(bg.terminationWaitInSeconds * 1000)} after the shift`
    : '';
  return `a blue/green ${t.type} deployment: ${how}${keep}; ${alarms}`;
}

/** What the new fleet's latest status means, in words (ProductionVariantStatus, API reference). */
function describeVariantStatus(status: string, message: string | undefined): string {
  const said = message ? ` (${message})` : '';
  switch (status) {
    case 'Creating':
      return `SageMaker is creating the new fleet${said}`;
    case 'Updating':
      return `SageMaker is updating the new fleet's capacity${said}`;
    case 'ActivatingTraffic':
      return `SageMaker is turning on traffic to the new fleet${said}`;
    case 'Baking':
      return `Baking: SageMaker watches the auto-rollback alarms${said}`;
    case 'Deleting':
      return `SageMaker is terminating a fleet${said}`;
    default:
      return `The new fleet is ${status}${said}`;
  }
}

/** The timeline message for a fact; the CLI, the store and lifecycle events all show this text. */
export function describeFact(fact: TimelineFact): string {
  switch (fact.kind) {
    case 'started':
      return (
        `Rollout ${fact.rolloutId} started by ${fact.requestedBy}: ${fact.modelPackageArn} onto ` +
        (fact.inferenceComponent ? `inference component ${fact.inferenceComponent} of ` : '') +
        `endpoint ${fact.endpointName} with strategy ${fact.strategy}`
      );
    case 'componentPrepared':
      return `Created candidate model ${fact.candidateModel} and abort alarm ${fact.abortAlarm} (OK until \`abort\`)`;
    case 'componentUpdateStarted':
      return (
        `UpdateInferenceComponent ${fact.spec.inferenceComponentName} to model ${fact.candidateModel}: ` +
        describeRollingUpdate(fact.spec)
      );
    case 'componentProgress':
      return describeComponentProgress(fact.inferenceComponentName, fact.view);
    case 'componentUpdated':
      return (
        `SageMaker finished the rolling update: every copy of ${fact.inferenceComponentName} runs ${fact.candidateModel}; ` +
        `final bake until ${isoTime(fact.finalBakeUntil)}, watching ${fact.watching.join(', ') || 'no alarms'} ` +
        '(an alarm now rolls back with a second rolling update)'
      );
    case 'componentRolledBack':
      return (
        `SageMaker rolled the update back: ${fact.inferenceComponentName} serves ${fact.modelName} again` +
        (fact.failureReason ? ` (FailureReason: ${fact.failureReason})` : '')
      );
    case 'componentRollbackStarted':
      return (
        `UpdateInferenceComponent ${fact.inferenceComponentName} back to model ${fact.modelName}: half the copies per ` +
        'batch, no bake, no auto-rollback alarms'
      );
    case 'componentRestored':
      return `Every copy of ${fact.inferenceComponentName} runs ${fact.modelName} again`;
    case 'baseline': {
      const b = fact.baseline;
      return (
        `Baseline is variant ${b.variantName} (model ${b.modelName}, ${b.instanceCount} × ${b.instanceType ?? 'instances'}) ` +
        `on config ${b.endpointConfigName}` +
        (b.scaling ? `; ${describeScaling(b.scaling)}` : '')
      );
    }
    case 'candidateCreated':
      return (
        `Created candidate model ${fact.candidateModel} and transition config ` +
        `${fact.transitionConfig} (variant ${fact.candidateVariant} at weight 0)`
      );
    case 'transitionLive':
      return (
        `Endpoint ${fact.endpointName} is InService on ${fact.transitionConfig}: ` +
        `baseline and candidate deployed, candidate at 0%`
      );
    case 'shifted':
      return (
        `Traffic shifted: baseline ${fact.weights.baseline}% / candidate ${fact.weights.candidate}% ` +
        `(${stepLabel(fact.step)}` +
        (fact.candidateCapacity ? `; ${capacityText(fact.candidateCapacity)}` : '') +
        ')'
      );
    case 'bakeStarted':
      return (
        `Baking ${formatMs(fact.durationMs)} at ${fact.candidateWeight}% (${stepLabel(fact.step)}) until ` +
        `${isoTime(fact.bakeUntil)}; watching ${fact.watching.length ? fact.watching.join(', ') : 'no alarms'}`
      );
    case 'bakeCompleted':
      return `Bake of ${stepLabel(fact.step)} completed; alarms quiet`;
    case 'gate':
      return (
        `Waiting at a manual gate (${stepLabel(fact.step)}, candidate at ${fact.candidateWeight}%): ` +
        `run \`sm-rollout promote ${fact.rolloutId}\` to continue or \`sm-rollout abort ${fact.rolloutId}\` to roll back`
      );
    case 'promoted':
      return `Manual gate (${stepLabel(fact.step)}) passed: promoted by ${fact.by}`;
    case 'promotedFull':
      return `Full promotion requested by ${fact.by}: skipping the remaining steps`;
    case 'paused':
      return `Paused by ${fact.by} at ${stepLabel(fact.step)}`;
    case 'resumed':
      return `Resumed by ${fact.by} at ${stepLabel(fact.step)}`;
    case 'retry':
      return `Retrying later: ${fact.error}`;
    case 'judgeSkipped':
      return `The judge is not judging: ${fact.reason}`;
    case 'alarmReadFailed':
      return `Could not read alarm states: ${fact.error}`;
    case 'promoting':
      return fact.variantName
        ? `Promoting: creating final config ${fact.finalConfig} (the new model alone, under variant ${fact.variantName})`
        : `Promoting: creating final config ${fact.finalConfig} (candidate only)`;
    case 'finalLive':
      return `Endpoint ${fact.endpointName} is InService on final config ${fact.finalConfig}`;
    case 'cleanedUp':
      return (
        `Removed ${fact.removed.join(', ') || 'nothing'}; kept ${fact.kept.join(', ') || 'nothing'} for undo` +
        (fact.restored?.length ? `; restored ${fact.restored.join(', ')}` : '')
      );
    case 'rollbackStarted':
      return `Rolling back: ${describeReason(fact.reason)}`;
    case 'trafficRestored':
      return `All traffic is back on the baseline variant ${fact.baselineVariant}`;
    case 'reverted':
      return `Endpoint ${fact.endpointName} is back on its original config ${fact.originalConfig}`;
    case 'candidateRemoved':
      return (
        `Removed ${fact.removed.join(', ') || 'nothing (nothing had been created)'}` +
        (fact.restored?.length ? `; restored ${fact.restored.join(', ')}` : '')
      );
    case 'judged':
      return describeJudged(fact);
    case 'preTrafficChecked':
      return describePreTrafficCheck(fact);
    case 'endpointDeleted':
      return (
        `Endpoint ${fact.endpointName} was deleted during the rollout: there is no traffic to restore; ` +
        'removing what the rollout created'
      );
    case 'nativePrepared':
      return (
        `Created candidate model ${fact.candidateModel}, final config ${fact.finalConfig} (the new model under ` +
        `variant ${fact.variantName}) and abort alarm ${fact.abortAlarm} (OK until \`abort\`)`
      );
    case 'nativeDeploymentStarted':
      return (
        `UpdateEndpoint ${fact.endpointName} to ${fact.finalConfig} with deployment guardrails: ` +
        describeDeploymentConfig(fact.deploymentConfig)
      );
    case 'nativeProgress':
      return describeVariantStatus(fact.status, fact.message);
    case 'nativeShifted':
      return (
        `Traffic shifted by SageMaker: old fleet ${fact.weights.baseline}% / new fleet ${fact.weights.candidate}% ` +
        `(shift ${fact.shift.index}/${fact.shift.total})`
      );
    case 'nativeAlarmSeen':
      return (
        `Alarm ${fact.alarmName} is in ALARM (${fact.stateReason}): SageMaker rolls the deployment back if it sees ` +
        'it during a baking period; following'
      );
    case 'abortAlarmSet':
      return fact.pastLastBake
        ? `Set abort alarm ${fact.alarmName} to ALARM, but the deployment is past its last bake: SageMaker watches ` +
            'alarms only while baking, so there may be nothing left to roll back; following to see which config serves'
        : `Set abort alarm ${fact.alarmName} to ALARM: SageMaker rolls the deployment back at its next alarm check ` +
            '(guardrails has no stop API); following until the old config serves again';
    case 'nativeRolledBack':
      return (
        `SageMaker rolled the deployment back: endpoint ${fact.endpointName} serves its original config ` +
        `${fact.originalConfig} again` +
        (fact.failureReason ? ` (FailureReason: ${fact.failureReason})` : '')
      );
    case 'succeeded':
      if (fact.inferenceComponent) {
        return (
          `Rollout succeeded: ${fact.modelPackageArn} serves every copy of inference component ` +
          `${fact.inferenceComponent.name} on ${fact.endpointName} (model ${fact.inferenceComponent.model})`
        );
      }
      return (
        `Rollout succeeded: ${fact.modelPackageArn} serves 100% of ${fact.endpointName} ` +
        `(config ${fact.finalConfig})`
      );
    case 'rolledBack':
      // The reason reads as a clause here; a trailing full stop would double up with ours.
      if (fact.inferenceComponent) {
        return (
          `Rolled back: ${describeReason(fact.reason).replace(/\.$/, '')}. Inference component ` +
          `${fact.inferenceComponent.name} serves ${fact.inferenceComponent.model}`
        );
      }
      return (
        `Rolled back: ${describeReason(fact.reason).replace(/\.$/, '')}. Endpoint ${fact.endpointName} serves the baseline ` +
        `only${fact.originalConfig !== undefined ? ` (config ${fact.originalConfig})` : ''}`
      );
    case 'failed':
      // A deleted endpoint is not a rollback that failed: nothing was left to roll back.
      if (fact.failure?.code === ENDPOINT_DELETED) {
        return (
          `Rollout failed: ${fact.failure.message}` +
          (fact.reason ? ` (it was rolling back because: ${describeReason(fact.reason)})` : '') +
          '. To roll out again, recreate the endpoint and start a new rollout'
        );
      }
      if (fact.native) {
        return (
          `Native deployment failed and needs a human: ${fact.failure?.message ?? 'unknown error'}. ` +
          `Check endpoint ${fact.endpointName} in the SageMaker console; the original config is ${fact.originalConfig ?? 'unknown'}`
        );
      }
      return (
        `Rollback failed and needs a human: ${fact.failure?.message ?? 'unknown error'}. It was rolling back because: ` +
        `${describeReason(fact.reason)}. Check endpoint ${fact.endpointName} in the SageMaker console; ` +
        `the original config is ${fact.originalConfig ?? 'unknown'}`
      );
  }
}
