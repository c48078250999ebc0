// `sm-rollout start`: puts a model package version onto an endpoint with a strategy, or resumes
// following a detached local rollout.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import {
  INFERENCE_COMPONENT_UNSUPPORTED,
  modelPackageVersionOf,
  NATIVE_UNSUPPORTED,
  type StartRolloutRequest,
} from '../../engine';
import { loadPolicies, policyStartRequest } from '../../policy';
import type { RolloutRecord, TimelineEntry } from '../../store';
import type { FollowResult, RolloutBackend, StartRequest } from '../backend';
import { EXIT, UsageError, type CliIo } from '../io';
import { stopRequested, stopSignal } from '../process-safety';
import { parseCandidateAlarmFlags } from '../candidate-alarm-flag';
import { parseEngineFlag, parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, wantsJson, type BackendFlags } from '../mode';
import { LiveView } from '../live';
import {
  LINE_WIDTH,
  packageLabel,
  paintStatus,
  rolloutJson,
  timelineLines,
  watchedAlarmNames,
  wrap,
} from '../render';
import { DEMO_ROLE } from '../simulated-environment';
import { attentionHint, exitCodeFor, modeFlag, namingFlags, timeoutMs, withBackend } from './shared';

export const START_USAGE = `Usage: sm-rollout start --endpoint <name> --model-package <arn> [options]
       sm-rollout start --endpoint <name> --model-package <arn> --policy <file> [options]
       sm-rollout start --resume <rollout-id> --local

Starts a rollout of a Model Registry version onto a real-time endpoint. Refuses, with the
reason and nothing changed, when the endpoint already has an active rollout, is not InService,
the package is not Approved, an --alarm could never fire (it watches a metric SageMaker does not
publish, e.g. no VariantName), no alarm would watch the candidate (unless --no-guard), or the
version already serves the endpoint (unless --force). A version older than the serving one is
rolled out as you asked, and the output and timeline say it is a rollback.

Unless you give --candidate-alarm (or the policy candidateAlarms), the rollout creates the default
candidate alarms on the candidate variant alone: its error rate (Invocation5XXErrors Average > 0.1,
2 of 3 periods of 30 s) and p99 latency (ModelLatency p99 > 1 s, 3 periods of 30 s), on the 10-second
metrics the rollout turns on for its transition config (a policy's enhancedMetrics: false keeps
one-minute metrics and alarms: Average > 0.05 in 2 of 3 minutes, p99 > 1 s for 3 minutes).

Options:
  --endpoint <name>         the endpoint to roll out onto
  --model-package <arn>     the versioned model package ARN (…:model-package/<group>/<version>)
  --policy <file>           take strategy, alarms, role, ... from the policy for this endpoint
  --strategy <plan>         any strategy \`sm-rollout plan\` accepts (default Canary10Percent5Minutes)
  --final-bake <d>          bake at 100% before promotion (default 10m)
  --alarm <name>            a CloudWatch alarm that rolls back when it fires (repeatable)
  --candidate-alarm <rule>  an alarm created for this rollout on the candidate variant alone
                            (repeatable; replaces the policy's candidateAlarms):
                            METRIC[:STATISTIC]>THRESHOLD[,period=1m][,datapoints=M/N]
                            [,missing=notBreaching][,name=SUFFIX] (quote it: > is a shell
                            redirect), e.g. 'Invocation5XXErrors>0.05' (error rate > 5%),
                            'ModelLatency:p99>500000,datapoints=2/2' (ModelLatency is in µs)
  --no-candidate-alarms     no candidate alarms, not even the default ones (then an --alarm must guard it)
  --no-guard                roll out with only the alarms you name, even none: no default candidate
                            alarms (a policy's own still apply), and no refusal when nothing watches
                            (recorded in the timeline)
  --no-judge                no canary-vs-baseline judge for this rollout (alarms alone guard it);
                            by default it compares the candidate's errors and p99 latency with the
                            baseline's (the policy's judge section, if any, says how)
  --engine <e>              stepwise (default, or the policy's engine): the controller moves the
                            weights; native: SageMaker deployment guardrails move them (one
                            UpdateEndpoint with the DeploymentConfig \`sm-rollout plan --engine native\`
                            shows); no manual gates, judge, candidate alarms or pre-traffic check,
                            so it needs an --alarm (or --no-guard)
  --inference-component <n> roll out onto this inference component of the endpoint (one whose
                            variant has no model): SageMaker's rolling update replaces its copies in
                            batches of the strategy's first step (5–50% of the copies), each baked the
                            step's bake; no manual gates, judge, candidate alarms or --instance-*;
                            --alarm on the component's metrics (dimension InferenceComponentName)
  --force                   roll out the version that already serves the endpoint again
  --execution-role <arn>    IAM role for the new SageMaker model (required unless --policy/--simulate)
  --instance-type <t>       candidate instance type (default: as the baseline)
  --instance-count <n>      candidate instance count (default: as the baseline)
  --max-duration <d>        roll back if not done by then (default 4h)
  --requested-by <who>      recorded in the timeline (default: your user name)
  --wait                    controller mode: wait until the rollout ends (exit code says how)
  --timeout <d>             stop waiting after this long (exit 4; the rollout is not ended)
  --resume <id>             local mode: follow a detached rollout again
${BACKEND_HELP}

Local mode runs the rollout in this process until it ends; Ctrl-C asks whether to abort (roll
back) or detach. Simulate mode runs in simulated time and stops when the rollout ends or waits
for a person (a manual gate).

Exit codes: 0 started / succeeded, 2 rolled back, 3 failed, 4 timed out waiting, 1 refused or bad usage,
5 sm-rollout itself failed (sm-rollout --help lists them all).

Examples:
  sm-rollout start --simulate --endpoint churn-prod \\
    --model-package arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/2 \\
    --strategy "10%,2m,pause,50%,2m" --candidate-alarm 'Invocation5XXErrors>0.05'
  sm-rollout start --stack SmRolloutStack --endpoint churn-prod --policy policies.yaml \\
    --model-package arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/7 --wait --timeout 2h
  sm-rollout start --local --endpoint churn-prod --model-package <arn> --execution-role <arn> \\
    --strategy Linear10PercentEvery3Minutes --alarm churn-prod-5xx
`;

export interface StartFlags extends BackendFlags {
  endpoint?: string;
  'model-package'?: string;
  policy?: string;
  strategy?: string;
  'final-bake'?: string;
  alarm?: string[];
  'execution-role'?: string;
  'instance-type'?: string;
  'instance-count'?: string;
  'max-duration'?: string;
  'requested-by'?: string;
  'candidate-alarm'?: string[];
  'no-candidate-alarms'?: boolean;
  'no-guard'?: boolean;
  'no-judge'?: boolean;
  engine?: string;
  'inference-component'?: string;
  force?: boolean;
}

/** The request the flags (and the policy, when given) describe; flags win over the policy. */
export function startRequestFromFlags(
  flags: StartFlags,
  requestedBy: string,
  controller = false,
): StartRequest {
  if (!flags.endpoint) throw new UsageError('--endpoint is required: the endpoint to roll out onto');
  if (!flags['model-package']) {
    throw new UsageError('--model-package is required: the versioned model package ARN to roll out');
  }
  const arn = flags['model-package'];
  let base: Partial<StartRolloutRequest> = {};
  if (flags.policy) {
    const set = loadPolicies(flags.policy);
    const group = modelPackageVersionOf(arn)?.group;
    const policy = set.forEndpoint(flags.endpoint) ?? (group ? set.forGroup(group) : undefined);
    if (!policy) {
      throw new UsageError(`--policy: ${flags.policy} has no policy for endpoint ${flags.endpoint}`);
    }
    if (policy.endpoint !== flags.endpoint) {
      throw new UsageError(
        `--policy: the policy for ${policy.modelPackageGroup} deploys to ${policy.endpoint}, not ${flags.endpoint}`,
      );
    }
    // Refuses a version of another group (and a bad ARN) before anything is sent.
    policyStartRequest(policy, arn, requestedBy);
    // The backends take a request as written, so the policy's fields go over as written; the
    // backend validates the whole.
    base = {
      endpointName: policy.endpoint,
      modelPackageArn: arn,
      executionRoleArn: policy.executionRoleArn,
      strategy: policy.strategy,
      ...(policy.finalBake === undefined ? {} : { finalBake: policy.finalBake }),
      alarms: [...policy.alarms],
      candidateAlarms: policy.candidateAlarms.map((template) => ({ ...template })),
      candidate: { ...policy.candidate },
      maxDuration: policy.maxDuration,
      requestedBy,
      allowUnguarded: policy.allowUnguarded,
      ...(policy.preTrafficCheck ? { preTrafficCheck: policy.preTrafficCheck } : {}),
      ...(policy.judge !== undefined ? { judge: policy.judge } : {}),
      ...(policy.engine === 'native' ? { engine: 'native' as const } : {}),
      ...(policy.inferenceComponent !== undefined ? { inferenceComponent: policy.inferenceComponent } : {}),
    };
    // A native policy has no candidate alarms; run stepwise, it gets the default ones back.
    if (policy.engine === 'native' && flags.engine === 'stepwise') delete base.candidateAlarms;
  }
  const engine = parseEngineFlag(flags.engine) ?? base.engine;
  const inferenceComponent = flags['inference-component'] ?? base.inferenceComponent;
  if (inferenceComponent !== undefined && flags['candidate-alarm']?.length) {
    throw new UsageError(
      `--candidate-alarm: ${INFERENCE_COMPONENT_UNSUPPORTED.candidateAlarms}; use --alarm`,
      { field: '--candidate-alarm' },
    );
  }
  if (engine === 'native' && flags['candidate-alarm']?.length) {
    throw new UsageError(
      `--candidate-alarm: ${NATIVE_UNSUPPORTED.candidateAlarms}; use --alarm, or --engine stepwise`,
      {
        field: '--candidate-alarm',
      },
    );
  }
  if (flags['no-candidate-alarms'] && flags['candidate-alarm']?.length) {
    throw new UsageError(
      '--no-candidate-alarms and --candidate-alarm contradict each other: give the candidate alarms you want, or none',
    );
  }
  const candidateAlarms = flags['candidate-alarm']?.length
    ? parseCandidateAlarmFlags(flags['candidate-alarm'])
    : flags['no-candidate-alarms']
      ? []
      : undefined;
  const count = flags['instance-count'];
  if (count !== undefined && !/^\d+$/.test(count)) {
    throw new UsageError(`--instance-count: "${count}" is not a whole number`);
  }
  const candidate = {
    ...base.candidate,
    ...(flags['instance-type'] ? { instanceType: flags['instance-type'] } : {}),
    ...(count ? { instanceCount: Number(count) } : {}),
  };
  const executionRoleArn =
    flags['execution-role'] ?? base.executionRoleArn ?? (flags.simulate ? DEMO_ROLE : undefined);
  if (!executionRoleArn && !controller) {
    throw new UsageError(
      '--execution-role is required: the IAM role SageMaker uses for the new model (or pass --policy <file>)',
    );
  }
  return {
    ...base,
    endpointName: flags.endpoint,
    modelPackageArn: arn,
    ...(executionRoleArn ? { executionRoleArn } : {}),
    ...(flags.strategy ? { strategy: flags.strategy } : {}),
    ...(flags['final-bake'] ? { finalBake: flags['final-bake'] } : {}),
    ...(flags.alarm?.length ? { alarms: flags.alarm } : {}),
    ...(candidateAlarms ? { candidateAlarms } : {}),
    ...(flags['max-duration'] ? { maxDuration: flags['max-duration'] } : {}),
    ...(Object.keys(candidate).length ? { candidate } : {}),
    ...(flags['no-guard'] ? { allowUnguarded: true } : {}),
    ...(flags['no-judge'] ? { judge: false as const } : {}),
    ...(engine ? { engine } : {}),
    ...(inferenceComponent !== undefined ? { inferenceComponent } : {}),
    ...(flags.force ? { force: true } : {}),
    requestedBy,
  };
}

/**
 * What Ctrl-C in local mode asks, and what it does without a terminal to ask. Nothing watches a
 * detached local rollout (no alarm can roll it back until it is resumed, unless a deployed
 * controller shares its DynamoDB table), so while the candidate serves traffic the safe choice,
 * and the default, is to roll back; before that, detaching risks nothing.
 */
export function interruptChoice(
  record: Pick<RolloutRecord, 'id' | 'progress'>,
  store: string | undefined,
): { question: string; preferred: 'abort' | 'detach'; unattended: string } {
  const share = record.progress?.weights.candidate ?? 0;
  const resume = `\`sm-rollout start --resume ${record.id} --local${store ? ` --store ${store}` : ''}\``;
  const table = store?.startsWith('dynamodb:') ? store.slice('dynamodb:'.length) : undefined;
  const watchers = table
    ? `only a controller deployed on table ${table} (its one-minute schedule reads the alarms) would watch it; ` +
      `without one, nobody does until you run ${resume}`
    : `nobody watches it: no alarm can roll it back until you run ${resume}`;
  if (share <= 0) {
    return {
      question: `\nAbort the rollout (roll back) or detach (the candidate serves no traffic yet; ${watchers})? [a/D] `,
      preferred: 'detach',
      unattended: `no terminal to ask: detaching (the candidate serves no traffic yet); continue with ${resume}`,
    };
  }
  return {
    question:
      `\nThe candidate serves ${share}% of traffic. If you detach, ${watchers}.\n` +
      'Abort the rollout (roll back) or detach? [A/d] ',
    preferred: 'abort',
    unattended:
      `no terminal to ask: rolling back, because the candidate serves ${share}% of traffic and once this ` +
      `process stops ${watchers}`,
  };
}

/** Ctrl-C in local mode: abort (roll back) or detach, as interruptChoice explains. */
async function askAbortOrDetach(
  io: CliIo,
  record: RolloutRecord,
  store: string | undefined,
): Promise<'abort' | 'detach'> {
  const choice = interruptChoice(record, store);
  if (!process.stdin.isTTY) {
    io.err(choice.unattended);
    return choice.preferred;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(choice.question)).trim().toLowerCase();
    if (answer.startsWith('a')) return 'abort';
    if (answer.startsWith('d')) return 'detach';
    return choice.preferred;
  } catch {
    io.err(choice.unattended);
    return choice.preferred;
  } finally {
    rl.close();
  }
}

export async function followAndReport(
  backend: RolloutBackend,
  record: RolloutRecord,
  flags: BackendFlags & { timeout?: string },
  io: CliIo,
  until: 'end' | 'attention',
  json: boolean,
): Promise<number> {
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    controller.abort();
  };
  if (backend.mode === 'local') process.once('SIGINT', onSigint);
  const view = json ? undefined : new LiveView(io, io.columns, modeFlag(flags));
  const onUpdate = (_r: RolloutRecord, added: TimelineEntry[]) => view?.entries(added);
  const onTick = async (latest: RolloutRecord, now: number) => {
    if (view) view.update(latest, await backend.alarmStates(watchedAlarmNames(latest)), now);
  };
  let result: FollowResult;
  try {
    result = await backend.follow(record.id, {
      until,
      timeoutMs: timeoutMs(flags.timeout),
      onUpdate,
      onTick,
      // SIGINT or SIGTERM in any mode: stop after the step in flight (process-safety.ts).
      signal: AbortSignal.any([controller.signal, stopRequested]),
    });
    if (interrupted && (await askAbortOrDetach(io, result.record, flags.store)) === 'abort') {
      await backend.command(record.id, { type: 'ABORT', by: `${userInfo().username} (Ctrl-C)` });
      result = await backend.follow(record.id, { until: 'end', onUpdate, onTick });
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const final = await backend.get(record.id);
  if (json || !view) {
    io.out(JSON.stringify(rolloutJson(final.record, final.timeline), null, 2));
  } else {
    const mode = modeFlag(flags);
    const { status, reason } = final.record;
    const summary = paintStatus(io, status);
    const lines = wrap(
      `Rollout ${final.record.id}: ${summary}${reason ? ` — ${reason}` : ''}`,
      LINE_WIDTH,
      '  ',
    );
    const hint = attentionHint(final.record, mode);
    if (hint) lines.push(...wrap(hint, LINE_WIDTH, '  '));
    if (result.stoppedBecause === 'detached') {
      lines.push(
        backend.mode === 'local'
          ? `detached; continue with \`sm-rollout start --resume ${record.id}${mode}\``
          : `stopped following (${stopSignal() ?? 'detached'}); ` +
              (backend.mode === 'simulate'
                ? 'simulated time stands still until a command drives it again'
                : 'the controller carries on') +
              `: follow it with \`sm-rollout watch ${record.id}${mode}\``,
      );
    }
    if (result.stoppedBecause === 'timeout') {
      lines.push(
        `stopped waiting after ${flags.timeout}; ` +
          (backend.mode === 'local'
            ? `nobody drives the rollout until you continue it with \`sm-rollout start --resume ${record.id}${mode}\``
            : backend.mode === 'simulate'
              ? `simulated time stands still until a command drives it again: \`sm-rollout watch ${record.id}${mode}\``
              : 'the controller carries the rollout on'),
      );
    }
    view.finish(lines);
  }
  return exitCodeFor({ ...result, record: final.record });
}

export async function startCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    endpoint: { type: 'string' },
    'model-package': { type: 'string' },
    policy: { type: 'string' },
    strategy: { type: 'string' },
    'final-bake': { type: 'string' },
    alarm: { type: 'string', multiple: true },
    'candidate-alarm': { type: 'string', multiple: true },
    'no-candidate-alarms': { type: 'boolean' },
    'no-guard': { type: 'boolean' },
    'no-judge': { type: 'boolean' },
    engine: { type: 'string' },
    'inference-component': { type: 'string' },
    force: { type: 'boolean' },
    'execution-role': { type: 'string' },
    'instance-type': { type: 'string' },
    'instance-count': { type: 'string' },
    'max-duration': { type: 'string' },
    'requested-by': { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
    resume: { type: 'string' },
  });
  if (values.help) {
    io.out(START_USAGE);
    return EXIT.succeeded;
  }
  if (positionals.length) throw new UsageError(`start takes flags only (got "${positionals.join(' ')}")`);
  const json = wantsJson(values);
  timeoutMs(values.timeout);
  parseEngineFlag(values.engine); // a bad --engine is refused before a backend is opened
  return withBackend(values, async (backend) => {
    if (values.resume) {
      if (backend.mode !== 'local') throw new UsageError('--resume applies to --local rollouts');
      const { record } = await backend.get(values.resume);
      return followAndReport(backend, record, values, io, 'end', json);
    }
    const requestedBy = values['requested-by'] ?? `${userInfo().username} (cli)`;
    const record = await namingFlags(() =>
      backend.start(startRequestFromFlags(values, requestedBy, backend.mode === 'controller')),
    );
    const headline = `Started rollout ${record.id} of ${packageLabel(record.modelPackageArn)} onto ${record.endpointName}`;
    return reportStarted(backend, record, headline, values, io, json);
  });
}

/**
 * After a start: in controller mode return at once (unless --wait); locally and in simulate mode
 * this process runs the rollout, so follow it.
 */
export async function reportStarted(
  backend: RolloutBackend,
  record: RolloutRecord,
  headline: string,
  flags: BackendFlags & { wait?: boolean; timeout?: string },
  io: CliIo,
  json: boolean,
): Promise<number> {
  if (!json) {
    for (const line of wrap(headline, LINE_WIDTH, '  ')) io.out(line);
    for (const entry of (await backend.get(record.id)).timeline) {
      for (const line of timelineLines(io, entry, LINE_WIDTH, modeFlag(flags))) io.out(line);
    }
  }
  if (backend.mode === 'controller' && !flags.wait) {
    if (json) io.out(JSON.stringify(rolloutJson(record), null, 2));
    else io.out(`follow it with \`sm-rollout watch ${record.id}${modeFlag(flags)}\``);
    return EXIT.succeeded;
  }
  return followAndReport(backend, record, flags, io, backend.mode === 'simulate' ? 'attention' : 'end', json);
}
