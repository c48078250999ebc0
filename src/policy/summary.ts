// What a policy does, in one paragraph a reviewer reads before approving the change to it.
import { ABORT_ALARM_STAND_IN, judgeGuards } from '../engine';
import { compileNativeDeployment, formatDuration, summarizePlan } from '../plan';
import type { OnNewerApproval, Policy } from './schema';

const ON_NEWER_APPROVAL: Record<OnNewerApproval, string> = {
  supersede: 'supersedes it (rolls it back, then deploys the newer one)',
  queue: 'waits for it to finish, then deploys the newer one',
  reject: 'is refused (the running rollout carries on)',
};

export function summarizePolicy(policy: Policy): string {
  const plan = summarizePlan(policy.plan);
  const gates = plan.manualGates
    ? `, ${plan.manualGates} manual gate${plan.manualGates > 1 ? 's' : ''} waiting for promote`
    : '';
  const shape = `${policy.plan.steps.length} steps${gates}, at least ${formatDuration(plan.minimumDurationMs)}`;
  const { instanceType, instanceCount } = policy.candidate;
  const instances =
    instanceType || instanceCount
      ? ` on ${instanceCount ?? 'as many'} ${instanceType ?? "of the baseline's"} instance${instanceCount === 1 ? '' : 's'}`
      : '';
  return (
    `When a new version of ${policy.modelPackageGroup} is approved, roll it onto ${target(policy)}` +
    `${instances} with ${policy.plan.strategy} (${shape})${engine(policy)}${preTrafficCheck(policy)}, ${watching(policy)}` +
    `${judging(policy)}; ` +
    `a newer approval during a rollout ${ON_NEWER_APPROVAL[policy.onNewerApproval]}; ` +
    `an approval of a version older than the serving one ${policy.onOlderApproval === 'deploy' ? 'is deployed (a rollback)' : 'is ignored'}; ` +
    `give up after ${formatDuration(policy.maxDurationMs)}.`
  );
}

/**
 * Under native: the DeploymentConfig the plan becomes, and what cannot run. The policy check has
 * already refused a plan that does not compile, so a refusal here cannot happen.
 */
function engine(policy: Policy): string {
  if (policy.inferenceComponent !== undefined) return rollingUpdate(policy);
  if (policy.engine !== 'native') return '';
  const compiled = compileNativeDeployment({
    plan: policy.plan,
    alarms: policy.alarms,
    abortAlarmName: ABORT_ALARM_STAND_IN,
    maxDurationMs: policy.maxDurationMs,
  });
  const routing = compiled.ok ? compiled.deploymentConfig.blueGreen?.trafficRouting : undefined;
  const size = routing?.canarySize ?? routing?.linearStepSize;
  const how = routing
    ? `${routing.type}${size ? ` ${size.value}%` : ''}, baking ${formatDuration(routing.waitIntervalInSeconds * 1000)} after each shift`
    : 'a DeploymentConfig';
  return (
    ` by SageMaker deployment guardrails (engine native: blue/green ${how}; SageMaker rolls back on the alarms ` +
    "and on the rollout's abort alarm; no judge, candidate alarms or pre-traffic check: blue and green " +
    'fleets serve under one variant name)'
  );
}

function target(policy: Policy): string {
  return policy.inferenceComponent !== undefined
    ? `inference component ${policy.inferenceComponent} of endpoint ${policy.endpoint}`
    : `endpoint ${policy.endpoint}`;
}

/**
 * On an inference component: the RollingUpdatePolicy the plan becomes (batches as a share of the
 * copies: their number is known only at start), and what cannot run. The policy check has already
 * refused a plan that does not compile.
 */
function rollingUpdate(policy: Policy): string {
  const first = policy.plan.steps.find((step) => step.kind === 'setWeight');
  const bake = policy.plan.steps.find((step) => step.kind === 'bake');
  const batch = first?.kind === 'setWeight' ? `${first.percent}%` : 'a share';
  const wait = bake?.kind === 'bake' ? formatDuration(bake.durationMs) : 'no bake';
  return (
    ` by SageMaker's rolling update (UpdateInferenceComponent: batches of ${batch} of the copies, each baked ${wait}; ` +
    "SageMaker rolls back on the alarms and on the rollout's abort alarm; the controller holds the final bake " +
    'and rolls back with a second rolling update; no judge, candidate alarms or pre-traffic check: old and new ' +
    'copies serve under one component name)'
  );
}

/** The pre-traffic check in words: how many sample requests, from where, within which bound. */
function preTrafficCheck(policy: Policy): string {
  const check = policy.preTrafficCheck;
  if (!check) return '';
  const requests = Array.isArray(check.requests)
    ? `${check.requests.length} sample request${check.requests.length === 1 ? '' : 's'}`
    : `the sample requests in ${check.requests}`;
  const bound = typeof check.maxLatency === 'number' ? formatDuration(check.maxLatency) : check.maxLatency;
  return `, after checking the candidate variant alone with ${requests} (each answered within ${bound}) before any traffic`;
}

const ON_INCONCLUSIVE = {
  proceed: 'proceeds',
  pause: 'pauses for a person',
  rollback: 'rolls back',
} as const;

/** The judge in words: on which metrics, whether it acts, and what an inconclusive bake does. */
function judging(policy: Policy): string {
  const judge = policy.judgeSettings;
  if (!judge) return '';
  const metrics = judge.metrics.map((m) => m.name).join(', ');
  const acts = judge.dryRun
    ? 'a dry run: it records verdicts and never acts'
    : `a confident regression on a critical metric rolls back, a bake that ends inconclusive ${ON_INCONCLUSIVE[judge.onInconclusive]}`;
  return `, judging the candidate against the baseline on ${metrics} (${acts}; α ${judge.alpha})`;
}

function watching(policy: Policy): string {
  const parts: string[] = [];
  if (policy.alarms.length > 0) {
    parts.push(`alarm${policy.alarms.length > 1 ? 's' : ''} ${policy.alarms.join(', ')}`);
  }
  if (policy.candidateAlarms.length > 0) {
    const names = policy.candidateAlarms.map((t) => `${t.suffix} (${t.metricName})`).join(', ');
    parts.push(`candidate alarm${policy.candidateAlarms.length > 1 ? 's' : ''} ${names}`);
  }
  if (parts.length > 0) return `watching ${parts.join(' and ')}`;
  return judgeGuards(policy.judgeSettings)
    ? 'watching no alarms'
    : 'UNGUARDED by allowUnguarded: watching no alarms and no judge that acts (only a manual abort rolls it back)';
}
