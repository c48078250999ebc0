// The rollout's effects: the AWS work behind each machine actor, written once over the ports so
// the AWS adapters and the simulated cloud behave alike. Every effect is idempotent — it looks
// before it acts — because an effect in flight when a host crashed simply runs again.
import { transitionConfigExtra } from './candidate-metrics';
import { SmRolloutError, isSmRolloutError } from '../errors';
import type {
  AbortAlarmInput,
  AlarmReading,
  ApplyResult,
  Baseline,
  BaselineModel,
  BaselineVariantSpec,
  CheckResult,
  CleanupResult,
  CreateCandidateResult,
  EndpointChange,
  PreTrafficResult,
  JudgeInput,
  JudgeReading,
  NativeDeploymentReading,
  RolloutInput,
  RolloutInputWithBaseline,
} from '../../statemachines/contract';
import { DEFAULT_RETAIN_PREVIOUS } from '../../statemachines/contract';
import type { BaselineScaling, CandidateScaling } from '../../statemachines/contract';
import { changesInstanceType, describeScaling, scalingProblems } from '../../statemachines/scaling';
import { parseAlarmReasonData } from './alarm-reason';
import { carriedEnvironment, inheritableTags, MAX_TAGS, OUR_TAG_COUNT, rolloutTags } from './carried-model';
import { checkAlarmReach, unreachableAlarmsError } from './alarm-reach';
import { acceleratorOf, hasLocalInstanceStorage } from './instance-types';
import { runPreTrafficCheck } from './pre-traffic-check';
import { judgeCandidate } from './judge-candidate';
import type {
  AlarmControl,
  EndpointControl,
  EndpointInvoker,
  EndpointState,
  ObjectReader,
  MetricReader,
  ModelPackageState,
  ModelState,
  ProductionVariantSpec,
  RolloutStore,
  ScalingControl,
  Tag,
} from './ports';

type Unstamped<T> = Omit<T, 'at'>;

export interface RolloutEffects {
  resolveBaseline(
    input: Pick<RolloutInput, 'endpointName' | 'modelPackageArn' | 'alarms' | 'candidate'>,
  ): Promise<Baseline>;
  createCandidate(context: RolloutInputWithBaseline): Promise<Unstamped<CreateCandidateResult>>;
  applyEndpointChange(change: EndpointChange): Promise<Unstamped<ApplyResult>>;
  checkEndpoint(change: EndpointChange): Promise<Unstamped<CheckResult>>;
  readAlarms(alarmNames: string[]): Promise<Unstamped<AlarmReading>>;
  /** One batched GetMetricData for both variants, judged (judge-candidate.ts). */
  judgeCandidate(input: JudgeInput): Promise<Unstamped<JudgeReading>>;
  createFinalConfig(context: RolloutInputWithBaseline): Promise<Unstamped<CreateCandidateResult>>;
  cleanupAfterPromotion(context: RolloutInputWithBaseline): Promise<Unstamped<CleanupResult>>;
  removeCandidate(context: RolloutInputWithBaseline): Promise<Unstamped<CleanupResult>>;
  /** The pre-traffic check: the policy's sample requests to the candidate variant alone. */
  checkCandidate(context: RolloutInputWithBaseline): Promise<Unstamped<PreTrafficResult>>;
  /** Native: the candidate model, the abort alarm (OK) and the final config, before the one UpdateEndpoint. */
  prepareNativeDeployment(context: RolloutInputWithBaseline): Promise<Unstamped<CreateCandidateResult>>;
  /** Native: the endpoint as a guardrails deployment moves (DescribeEndpoint with PendingDeploymentSummary). */
  followDeployment(endpointName: string): Promise<Unstamped<NativeDeploymentReading>>;
  /** Native: the abort alarm into ALARM (SetAlarmState), so SageMaker rolls the deployment back. */
  setAbortAlarm(input: AbortAlarmInput): Promise<void>;
}

// Settling statuses live in ./settling (the controller reads them without loading the effects).
import { SETTLING_STATUSES } from './settling';
import { approvedPackage } from './model-package';
export { refusedWhileSettling, SETTLING_STATUSES, settlingStatusIn } from './settling';

/** Statuses from which SageMaker allows no update: only a human (or DeleteEndpoint) can help. */
const BROKEN_STATUSES = new Set(['Failed', 'UpdateRollbackFailed', 'Deleting', 'OutOfService']);

/**
 * How many rollouts older than the retained ones each successful rollout looks at for leftovers. A
 * pruning skipped (the endpoint was updating when a rollout ended) or cut short is caught up by the
 * next success; further back there is nothing left, so older ones are not asked about again.
 */
export const PRUNE_LOOKBACK = 5;

function tagsFor(context: RolloutInput): Tag[] {
  return rolloutTags(context.rolloutId, context.endpointName);
}

function mergedTags(context: RolloutInput, inherited: readonly Tag[] | undefined): Tag[] {
  return [...tagsFor(context), ...inheritableTags(inherited ?? [])];
}

/**
 * CreateEndpointConfig right after CreateModel (and UpdateEndpoint right after CreateEndpointConfig)
 * can fail because SageMaker does not see the new resource yet: "If the dependent entities are not
 * yet in DynamoDB, this causes a validation error ... So retry logic is recommended" (CreateEndpointConfig
 * API reference). The ports report that as NOT_YET_VISIBLE; these are the waits before each retry.
 */
export const VISIBILITY_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000];

/**
 * ProductionVariant settings bound to the hardware they were chosen for: the candidate drops them when
 * its instance type differs from the baseline's. Every other setting carries over, because it does not
 * depend on the instance type: ContainerStartupHealthCheckTimeoutInSeconds and
 * ModelDataDownloadTimeoutInSeconds (the container's and the model's timing), RoutingConfig (how
 * requests spread over instances), CoreDumpConfig (where dumps go), EnableSSMAccess,
 * ManagedInstanceScaling (instance counts) and VariantInstanceProvisionTimeoutInSeconds (how long to
 * wait for capacity). Two hardware-bound settings are refused instead of dropped (see resolveBaseline):
 * CapacityReservationConfig and InstancePools.
 */
const HARDWARE_BOUND_SETTINGS: Record<string, (from: string, to: string) => boolean> = {
  // The EBS volume's allowed size depends on the instance type, and instance types with local NVMe
  // storage take no EBS volume at all ("Host instance storage volumes", SageMaker Developer Guide).
  VolumeSizeInGB: () => true,
  // An Elastic Inference accelerator was sized for the instance it was attached to (ProductionVariant:
  // AcceleratorType "is no longer supported").
  AcceleratorType: () => true,
  // An AMI version is built for one accelerator, an NVIDIA driver or the Neuron driver
  // (ProductionVariant InferenceAmiVersion); it stays only on an instance type with the same one.
  InferenceAmiVersion: (from, to) => acceleratorOf(from) !== acceleratorOf(to),
};

/** The baseline variant's settings (AWS's names) the candidate variant keeps on `to` hardware. */
export function candidateVariantSettings(
  settings: Record<string, unknown> | undefined,
  from: string | undefined,
  to: string | undefined,
): Record<string, unknown> | undefined {
  if (!settings) return undefined;
  if (from === to || from === undefined || to === undefined) return settings;
  const kept = Object.fromEntries(
    Object.entries(settings).filter(([key]) => !HARDWARE_BOUND_SETTINGS[key]?.(from, to)),
  );
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** True when the endpoint's current weights split traffic as `wanted` does (weights are relative). */
export function weightsMatch(
  endpoint: EndpointState,
  wanted: { variantName: string; weight: number }[],
): boolean {
  const wantedTotal = wanted.reduce((sum, w) => sum + w.weight, 0);
  const current = new Map(endpoint.variants.map((v) => [v.variantName, v.currentWeight ?? 0]));
  const currentTotal = [...current.values()].reduce((sum, w) => sum + w, 0);
  if (wantedTotal <= 0 || currentTotal <= 0) return false;
  return wanted.every((w) => {
    if (!current.has(w.variantName)) return false;
    return Math.abs(w.weight / wantedTotal - (current.get(w.variantName) ?? 0) / currentTotal) < 1e-6;
  });
}

function brokenEndpointError(endpoint: EndpointState): SmRolloutError {
  return new SmRolloutError(
    'UPDATE_FAILED',
    `endpoint ${endpoint.endpointName} is ${endpoint.status}` +
      (endpoint.failureReason ? ` (${endpoint.failureReason})` : '') +
      (endpoint.status === 'Failed' ? '; SageMaker allows only DeleteEndpoint on a failed endpoint' : ''),
  );
}

/** The variant as the Baseline keeps it: plain data, only the fields a derived config copies. */
function baselineVariantSpec(variant: ProductionVariantSpec): BaselineVariantSpec {
  return {
    variantName: variant.variantName,
    modelName: variant.modelName,
    ...(variant.instanceType !== undefined ? { instanceType: variant.instanceType } : {}),
    ...(variant.initialInstanceCount !== undefined
      ? { initialInstanceCount: variant.initialInstanceCount }
      : {}),
    initialVariantWeight: variant.initialVariantWeight,
    ...(variant.extra ? { extra: variant.extra } : {}),
  };
}

/** The count inside `wanted`'s bounds for a variant whose live instance count is outside them. */
function boundedCount(endpoint: EndpointState, wanted: CandidateScaling): number | undefined {
  const live = endpoint.variants.find((v) => v.variantName === wanted.variantName);
  const count = live?.desiredInstanceCount ?? live?.currentInstanceCount;
  if (count === undefined) return undefined;
  const { minCapacity, maxCapacity } = wanted.target;
  return count < minCapacity ? minCapacity : count > maxCapacity ? maxCapacity : undefined;
}

/** The real-time wait between retries, unless the host gives its own (the simulated cloud does). */
const realTimeWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRolloutEffects(deps: {
  endpoints: EndpointControl;
  alarms: AlarmControl;
  /** How an effect waits before retrying a call SageMaker answered NOT_YET_VISIBLE. */
  wait?: (ms: number) => Promise<void>;
  /** The store's records of earlier rollouts: which configs and models retention may prune. */
  rollouts?: Pick<RolloutStore, 'list'>;
  /**
   * Application Auto Scaling. Absent: the host cannot read scaling, and rollouts treat every variant
   * as unscaled (the simulated cloud and the AWS hosts always give it).
   */
  scaling?: ScalingControl;
  /** SageMaker Runtime, for the pre-traffic check (absent: a rollout with a check fails it, saying why). */
  invoker?: EndpointInvoker;
  /** S3, for sample requests a policy keeps in an object. */
  objects?: ObjectReader;
  /** CloudWatch GetMetricData for the judge. Absent: every look fails with an error the timeline shows. */
  metrics?: MetricReader;
  /** How long a period's datapoint takes to be complete in GetMetricData (judge-candidate.ts). */
  metricVisibilityDelayMs?: number;
}): RolloutEffects {
  const { endpoints, alarms, rollouts, scaling, invoker, objects } = deps;
  const wait = deps.wait ?? realTimeWait;

  /** Runs `call`, retrying while SageMaker does not see a resource just created (bounded, with backoff). */
  async function untilVisible<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const delay = VISIBILITY_RETRY_DELAYS_MS[attempt];
        if (!isSmRolloutError(error, 'NOT_YET_VISIBLE') || delay === undefined) throw error;
        await wait(delay);
      }
    }
  }

  async function tagsOf(arn: string | undefined): Promise<Tag[]> {
    return arn === undefined ? [] : endpoints.listTags(arn);
  }

  /**
   * What the candidate model carries over from the baseline model: its network settings
   * (CreateModel takes VpcConfig and EnableNetworkIsolation "for hosting"; the endpoint config's own
   * fields of those names apply to inference-component endpoints only), its single container's
   * Environment, and its tags. Refuses (nothing created yet) what the package cannot meet.
   */
  async function readBaselineModel(modelName: string, pkg: ModelPackageState): Promise<BaselineModel> {
    const model: ModelState | undefined = await endpoints.describeModel(modelName);
    if (!model) {
      throw new SmRolloutError(
        'ENDPOINT_UNSUPPORTED',
        `the serving variant's model ${modelName} does not exist any more (deleted while the endpoint uses it); ` +
          'the transition config needs it next to the candidate — recreate the model under that name first',
        { field: 'endpoint' },
      );
    }
    const tags = inheritableTags(await tagsOf(model.modelArn));
    if (tags.length + OUR_TAG_COUNT > MAX_TAGS) {
      throw new SmRolloutError(
        'ENDPOINT_UNSUPPORTED',
        `model ${modelName} has ${tags.length} tags; with sm-rollout's ${OUR_TAG_COUNT} the candidate model would ` +
          `exceed SageMaker's limit of ${MAX_TAGS} — remove ${tags.length + OUR_TAG_COUNT - MAX_TAGS} of them`,
        { field: 'endpoint' },
      );
    }
    return {
      ...(model.vpcConfig ? { vpcConfig: model.vpcConfig } : {}),
      ...(model.enableNetworkIsolation !== undefined
        ? { enableNetworkIsolation: model.enableNetworkIsolation }
        : {}),
      ...carriedEnvironment(model, pkg),
      tags,
      ...(model.modelPackageArn ? { modelPackageArn: model.modelPackageArn } : {}),
    };
  }

  async function describeOrThrow(endpointName: string): Promise<EndpointState> {
    const endpoint = await endpoints.describeEndpoint(endpointName);
    if (!endpoint) {
      throw new SmRolloutError(
        'ENDPOINT_NOT_FOUND',
        `endpoint ${endpointName} does not exist (was it deleted?); check the name and the AWS region`,
        { field: 'endpoint' },
      );
    }
    return endpoint;
  }

  function candidateSpec(
    context: RolloutInputWithBaseline,
    weight: number,
    original?: ProductionVariantSpec,
  ) {
    const { baseline, candidate, names } = context;
    const instanceType = candidate.instanceType ?? baseline.instanceType;
    // Settings bound to the baseline's hardware stay behind on other hardware; the rest carry over.
    const extra = candidateVariantSettings(original?.extra, baseline.instanceType, instanceType);
    const spec: ProductionVariantSpec = {
      variantName: names.candidateVariant,
      modelName: names.candidateModel,
      instanceType,
      initialInstanceCount: candidate.instanceCount ?? baseline.instanceCount,
      initialVariantWeight: weight,
      ...(extra ? { extra } : {}),
    };
    return spec;
  }

  /**
   * The baseline variant, config-level settings and config tags that the transition and final configs
   * copy. resolveBaseline keeps them in the Baseline, so a rollout reads the baseline config once: that
   * read, made as the rollout starts, is also the check that the config it would roll back to
   * exists. Reading it again here would not make rollback safer — the rollout relies on the config
   * from the transition onwards, for as long as it bakes, and no read before the transition can
   * vouch for later — so only snapshots saved before the Baseline kept them read the config here.
   */
  async function baselineConfig(context: RolloutInputWithBaseline): Promise<{
    baselineVariant: ProductionVariantSpec;
    configExtra?: Record<string, unknown>;
    configTags: Tag[];
  }> {
    const { baseline } = context;
    if (baseline.variant && baseline.configTags) {
      return {
        baselineVariant: baseline.variant,
        ...(baseline.configExtra ? { configExtra: baseline.configExtra } : {}),
        configTags: baseline.configTags,
      };
    }
    const config = await endpoints.describeEndpointConfig(baseline.endpointConfigName);
    if (!config) {
      throw new SmRolloutError(
        'ENDPOINT_UNSUPPORTED',
        `the endpoint's original config ${baseline.endpointConfigName} no longer exists; ` +
          'without it the rollout could not roll back, so it stops here',
      );
    }
    const baselineVariant = config.variants.find((v) => v.variantName === baseline.variantName);
    if (!baselineVariant) {
      throw new SmRolloutError(
        'ENDPOINT_UNSUPPORTED',
        `config ${config.endpointConfigName} has no variant ${baseline.variantName} any more`,
      );
    }
    return {
      baselineVariant,
      ...(config.extra ? { configExtra: config.extra } : {}),
      configTags: inheritableTags(await tagsOf(config.endpointConfigArn)),
    };
  }

  /** The baseline model's settings; snapshots saved before the Baseline kept them read the model here. */
  async function baselineModel(context: RolloutInputWithBaseline): Promise<BaselineModel> {
    if (context.baseline.model) return context.baseline.model;
    const pkg = await endpoints.describeModelPackage(context.modelPackageArn);
    if (!pkg) {
      throw new SmRolloutError(
        'MODEL_PACKAGE_NOT_FOUND',
        `model package ${context.modelPackageArn} does not exist`,
        {
          field: 'modelPackageArn',
        },
      );
    }
    return readBaselineModel(context.baseline.modelName, pkg);
  }

  /**
   * Deletes a config the rollout created unless the endpoint uses it or might be moving to it. An
   * endpoint being deleted uses nothing any more: DeleteEndpointConfig's reference says only that
   * you "must not delete an EndpointConfig in use by an endpoint that is live or while the
   * UpdateEndpoint or CreateEndpoint operations are being performed on the endpoint".
   */
  async function deleteConfigSafely(endpoint: EndpointState | undefined, name: string, removed: string[]) {
    if (endpoint && endpoint.status !== 'Deleting' && endpoint.endpointConfigName === name) {
      throw new SmRolloutError(
        'UPDATE_FAILED',
        `endpoint ${endpoint.endpointName} still runs config ${name}; not deleting it`,
      );
    }
    if ((await endpoints.deleteEndpointConfig(name)) === 'deleted') removed.push(`endpoint config ${name}`);
  }

  /**
   * Retention, as a rollout succeeds: keeps the final configs and models of the `retainPrevious`
   * rollouts before it (undo reads the model the last rollout replaced to find the version to go
   * back to, and a person may point the endpoint back at a kept config by hand) and deletes those of
   * older successful rollouts on this endpoint, and any transition config a cleanup left behind.
   *
   * What to prune comes from the store's records of succeeded rollouts on the endpoint: their names
   * are derived from their ids (names.ts), so this is exact and costs one store read, and only what
   * the controller created can ever be named — never the team's own config or model. Listing
   * configs and models by tag instead would need ListEndpointConfigs/ListModels (paginated,
   * eventually consistent, account-wide) plus a ListTags per resource, and IAM on `*`.
   *
   * Never deleted: the config the endpoint runs and the models it names (read now, from
   * an InService endpoint — mid-update DescribeEndpoint does not say where it is going, so pruning
   * waits for the next success), this rollout's own, its baseline (what it replaced), and the kept
   * rollouts'. A model goes only with its rollout's final config, the one config that references it
   * besides a transition config, which is deleted too: so no config the endpoint may return to is
   * left pointing at a deleted model. Idempotent: a name already gone is simply not reported again.
   */
  async function prune(
    context: RolloutInputWithBaseline,
    endpoint: EndpointState | undefined,
  ): Promise<{ removed: string[]; kept: string[] }> {
    const { baseline, names } = context;
    const retain = context.retainPrevious ?? DEFAULT_RETAIN_PREVIOUS;
    const baselineKept = [`endpoint config ${baseline.endpointConfigName}`, `model ${baseline.modelName}`];
    const skipped = {
      removed: [],
      kept: [
        ...baselineKept,
        'older rollouts’ configs and models (pruned after the next successful rollout)',
      ],
    };
    if (!rollouts || !endpoint || endpoint.status !== 'InService') return skipped;
    // DescribeEndpoint names no models: the live config says which ones the endpoint serves. It is
    // normally this rollout's final config, which serves this rollout's model alone; anything else
    // (someone changed the endpoint meanwhile) is read.
    const liveModelNames =
      endpoint.endpointConfigName === names.finalConfig
        ? [names.candidateModel]
        : (await endpoints.describeEndpointConfig(endpoint.endpointConfigName))?.variants.map(
            (v) => v.modelName,
          );
    if (!liveModelNames) return skipped;
    const earlier = (await rollouts.list({ endpointName: context.endpointName }))
      .filter(
        (r) => r.status === 'succeeded' && r.id !== context.rolloutId && r.createdAt <= context.startedAt,
      )
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    const retained = earlier.slice(0, retain);
    const older = earlier.slice(retain, retain + PRUNE_LOOKBACK);
    const liveConfigs = new Set([
      endpoint.endpointConfigName,
      names.finalConfig,
      baseline.endpointConfigName,
      ...retained.map((r) => r.input.names.finalConfig),
    ]);
    const liveModels = new Set([
      ...liveModelNames,
      names.candidateModel,
      baseline.modelName,
      ...retained.map((r) => r.input.names.candidateModel),
    ]);
    const removed: string[] = [];
    for (const record of [...retained, ...older]) {
      const { transitionConfig, finalConfig, candidateModel } = record.input.names;
      const configs = older.includes(record) ? [transitionConfig, finalConfig] : [transitionConfig];
      for (const config of configs.filter((c) => !liveConfigs.has(c))) {
        if ((await endpoints.deleteEndpointConfig(config)) === 'deleted')
          removed.push(`endpoint config ${config}`);
      }
      // After its configs: a crash in between leaves a model with no config, never the reverse.
      if (older.includes(record) && !liveModels.has(candidateModel)) {
        if ((await endpoints.deleteModel(candidateModel)) === 'deleted')
          removed.push(`model ${candidateModel}`);
      }
    }
    const kept = [
      ...baselineKept,
      ...retained.flatMap((r) => [
        `endpoint config ${r.input.names.finalConfig}`,
        `model ${r.input.names.candidateModel}`,
      ]),
    ];
    return { removed, kept: [...new Set(kept)] };
  }

  /** Registers the candidate's target for a step's share and puts its copies of the baseline's policies. */
  async function registerCandidateScaling(endpointName: string, wanted: CandidateScaling) {
    if (!scaling) return;
    await scaling.registerScalableTarget(endpointName, wanted.variantName, wanted.target);
    for (const policy of wanted.policies)
      // A target registered a moment ago may not be visible yet (RegisterScalableTarget: eventually consistent).
      await untilVisible(() => scaling.putScalingPolicy(endpointName, wanted.variantName, policy));
  }

  /**
   * Puts back the baseline variant's scaling as it was read at start, where the rollout removed it: a
   * promotion onto another instance type deregisters the variant (SageMaker rejects the update
   * otherwise), which deletes its policies and scheduled actions. Whatever of it is missing is put
   * back — all of it after the promotion, the rest after a crash part-way through. On the same
   * instance type the rollout never deregisters the variant, so its scaling is left exactly as the
   * team has it now.
   */
  async function restoreServingScaling(
    context: RolloutInputWithBaseline,
    endpoint: EndpointState | undefined,
    after: 'promotion' | 'rollback',
  ): Promise<string[]> {
    const saved: BaselineScaling | undefined = context.baseline.scaling;
    if (!scaling || !saved) return [];
    const { endpointName } = context;
    const variantName = context.baseline.variantName;
    // The candidate's own target needs nothing here: no update can remove its variant while it is
    // registered (SageMaker refuses it), so the change that removed it deregistered it first.
    // A deleted endpoint's targets went with it ("Delete endpoints configured for auto scaling"), and
    // a variant that is not there cannot be registered.
    const serving = endpoint?.variants.some((v) => v.variantName === variantName);
    if (!endpoint || endpoint.status === 'Deleting' || !serving) return [];
    if (!changesInstanceType(context, context.baseline)) return [];
    // After a promotion it is reported also when an earlier attempt (cut short by a crash or a
    // throttled call) put it back: the promotion deregistered it, so it was restored either way. A
    // rollback reports only what it put back itself (the promotion may never have been tried).
    const putBack = await putBackScaling(endpointName, variantName, saved);
    return putBack || after === 'promotion'
      ? [`auto scaling of variant ${variantName} (${describeScaling(saved)})`]
      : [];
  }

  /** Registers what of `saved` the variant lacks (target, policies, scheduled actions); true if anything. */
  async function putBackScaling(endpointName: string, variantName: string, saved: BaselineScaling) {
    if (!scaling) return false;
    const current = await scaling.describeVariantScaling(endpointName, variantName);
    const policies = new Set(current?.policies.map((p) => p.policyName));
    const actions = new Set(current?.scheduledActions.map((a) => a.scheduledActionName));
    const missingPolicies = saved.policies.filter((p) => !policies.has(p.policyName));
    const missingActions = saved.scheduledActions.filter((a) => !actions.has(a.scheduledActionName));
    if (current && missingPolicies.length === 0 && missingActions.length === 0) return false;
    if (!current) await scaling.registerScalableTarget(endpointName, variantName, saved.target);
    for (const { alarmNames: _team, ...policy } of missingPolicies) {
      await untilVisible(() => scaling.putScalingPolicy(endpointName, variantName, policy));
    }
    for (const action of missingActions) {
      await untilVisible(() => scaling.putScheduledAction(endpointName, variantName, action));
    }
    return true;
  }

  /**
   * The instance count of the promoted variant. Unscaled: the candidate's count (as before). Scaled: the
   * fleet that serves all traffic now — the candidate's when it already serves all of it, else both
   * variants together on the same instance type, else the candidate's fleet grown from its share to
   * the whole — within the baseline target's bounds, so the promotion starts with what the load needs
   * and scaling takes over from there.
   */
  async function promotedInstanceCount(context: RolloutInputWithBaseline): Promise<number | undefined> {
    const saved = context.baseline.scaling;
    if (!saved) return undefined;
    const endpoint = await endpoints.describeEndpoint(context.endpointName);
    const live = (name: string) => endpoint?.variants.find((v) => v.variantName === name);
    const base = live(context.baseline.variantName);
    if (context.native) {
      // Native: the new (green) fleet replaces the one serving now, whose size its scaling chose.
      const serving =
        base?.currentInstanceCount ?? base?.desiredInstanceCount ?? context.baseline.instanceCount;
      return Math.min(saved.target.maxCapacity, Math.max(saved.target.minCapacity, serving));
    }
    const cand = live(context.names.candidateVariant);
    const candCount = cand?.currentInstanceCount ?? cand?.desiredInstanceCount;
    const baseCount = base?.currentInstanceCount ?? base?.desiredInstanceCount ?? 0;
    let needed = context.baseline.instanceCount;
    if (candCount !== undefined) {
      const total = (base?.currentWeight ?? 0) + (cand?.currentWeight ?? 0);
      const share = total > 0 ? (cand?.currentWeight ?? 0) / total : 0;
      if (share >= 1) {
        // The candidate already serves everything: its fleet is what the load needs (the baseline
        // sits at its minimum only because of its bounds).
        needed = candCount;
      } else if (!changesInstanceType(context, context.baseline)) {
        needed = baseCount + candCount;
      } else if (share > 0) {
        needed = Math.ceil(candCount / share - 1e-9);
      }
    }
    return Math.min(saved.target.maxCapacity, Math.max(saved.target.minCapacity, needed));
  }

  /** CreateModel from the package, with what the baseline model carries over; "already exists" = done. */
  async function createCandidateModel(context: RolloutInputWithBaseline): Promise<string[]> {
    const { names } = context;
    const fromModel = await baselineModel(context);
    const model = await endpoints.createModel({
      modelName: names.candidateModel,
      modelPackageArn: context.modelPackageArn,
      executionRoleArn: context.executionRoleArn,
      ...(fromModel.vpcConfig ? { vpcConfig: fromModel.vpcConfig } : {}),
      ...(fromModel.enableNetworkIsolation !== undefined
        ? { enableNetworkIsolation: fromModel.enableNetworkIsolation }
        : {}),
      ...(fromModel.environment ? { environment: fromModel.environment } : {}),
      tags: mergedTags(context, fromModel.tags),
    });
    return model === 'created' ? [`model ${names.candidateModel}`] : [];
  }

  /** The alarms a rollout created and deletes as it ends: its candidate alarms, or a native rollout's abort alarm. */
  function ownAlarms(context: RolloutInputWithBaseline): string[] {
    return [
      ...context.candidateAlarms.map((a) => a.alarmName),
      ...(context.native ? [context.native.abortAlarmName] : []),
    ];
  }

  async function createFinalConfig(
    context: RolloutInputWithBaseline,
  ): Promise<Unstamped<CreateCandidateResult>> {
    const { baselineVariant, configExtra, configTags } = await baselineConfig(context);
    const count = await promotedInstanceCount(context);
    // The new model under the baseline's variant name: the team's alarms, scaling target, dashboards
    // and TargetVariant clients keep working, and SageMaker allows changing a scaled variant's model.
    const promoted = {
      ...candidateSpec(context, 1, baselineVariant),
      variantName: context.baseline.variantName,
      ...(count !== undefined ? { initialInstanceCount: count } : {}),
    };
    const result = await untilVisible(() =>
      endpoints.createEndpointConfig({
        endpointConfigName: context.names.finalConfig,
        variants: [promoted],
        ...(configExtra ? { extra: configExtra } : {}),
        tags: mergedTags(context, configTags),
      }),
    );
    return { created: result === 'created' ? [`endpoint config ${context.names.finalConfig}`] : [] };
  }

  function assertSettled(endpoint: EndpointState | undefined) {
    // Mid-update, DescribeEndpoint does not say where the endpoint is going: delete nothing then.
    if (endpoint && endpoint.status !== 'InService' && !BROKEN_STATUSES.has(endpoint.status)) {
      throw new SmRolloutError(
        'ENDPOINT_BUSY',
        `endpoint ${endpoint.endpointName} is ${endpoint.status}; cleanup waits`,
      );
    }
  }

  return {
    async resolveBaseline({ endpointName, modelPackageArn, alarms: alarmNames, candidate }) {
      const endpoint = await describeOrThrow(endpointName);
      if (endpoint.status !== 'InService') {
        throw new SmRolloutError(
          'ENDPOINT_NOT_IN_SERVICE',
          `endpoint ${endpointName} is ${endpoint.status}, not InService` +
            (SETTLING_STATUSES.has(endpoint.status)
              ? ` (${endpoint.status === 'Updating' ? 'an update or an auto scaling activity' : 'a change'} in progress)`
              : '') +
            '; wait until it is InService and try again',
          { field: 'endpoint' },
        );
      }
      const config = await endpoints.describeEndpointConfig(endpoint.endpointConfigName);
      if (!config) {
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `endpoint ${endpointName} runs config ${endpoint.endpointConfigName}, which no longer exists; ` +
            'a rollout needs it to roll back to — recreate it or update the endpoint to an existing config',
          { field: 'endpoint' },
        );
      }
      if (config.hasShadowVariants || config.hasAsyncInference) {
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `endpoint ${endpointName} uses ${config.hasShadowVariants ? 'shadow variants' : 'asynchronous inference'}, ` +
            'which stepwise rollouts do not support',
          { field: 'endpoint' },
        );
      }
      if (config.variants.length !== 1) {
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `endpoint ${endpointName} has ${config.variants.length} production variants ` +
            `(${config.variants.map((v) => v.variantName).join(', ')}); a rollout starts from exactly one serving variant — ` +
            'finish or roll back the other deployment first',
          { field: 'endpoint' },
        );
      }
      const variant = config.variants[0]!;
      if (variant.serverless) {
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `endpoint ${endpointName} is serverless; stepwise weight shifting needs instance-based variants`,
          { field: 'endpoint' },
        );
      }
      if (variant.extra?.['InstancePools'] !== undefined) {
        // Each pool names an instance type and may override the model (ModelNameOverride): copied onto
        // the candidate it would run the baseline's models; dropped, the candidate's hardware is a guess.
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `variant ${variant.variantName} of endpoint ${endpointName} uses InstancePools (a heterogeneous variant), ` +
            'which stepwise rollouts do not support',
          { field: 'endpoint' },
        );
      }
      const live = endpoint.variants.find((v) => v.variantName === variant.variantName);
      const pkg = await approvedPackage(endpoints, modelPackageArn);
      const candidateType = candidate.instanceType ?? variant.instanceType;
      const typeField = candidate.instanceType !== undefined ? 'candidate.instanceType' : 'modelPackageArn';
      const typeFix =
        candidate.instanceType !== undefined
          ? 'choose another with --instance-type (policy: candidate.instanceType)'
          : `the baseline runs ${variant.instanceType}; choose a supported one with --instance-type (policy: candidate.instanceType)`;
      const supported = pkg.supportedRealtimeInstanceTypes;
      if (candidateType !== undefined && supported?.length && !supported.includes(candidateType)) {
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `model package ${modelPackageArn} does not support instance type ${candidateType} for real-time inference ` +
            `(its SupportedRealtimeInferenceInstanceTypes: ${supported.join(', ')}); ${typeFix}`,
          { field: typeField },
        );
      }
      if (
        candidateType !== undefined &&
        config.extra?.['KmsKeyId'] !== undefined &&
        hasLocalInstanceStorage(candidateType)
      ) {
        // CreateEndpointConfig API reference, KmsKeyId: with an instance type that has local storage
        // "the call to CreateEndpointConfig fails". Dropping the key would leave the baseline variant's
        // volume, in the same config, without the team's key: refused instead.
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `instance type ${candidateType} has local NVMe instance storage, and the endpoint's config encrypts with KMS key ` +
            `${String(config.extra['KmsKeyId'])}; SageMaker rejects KmsKeyId with such instance types — choose an ` +
            'instance type without instance storage with --instance-type (policy: candidate.instanceType)',
          { field: 'candidate.instanceType' },
        );
      }
      const reservation = variant.extra?.['CapacityReservationConfig'];
      if (reservation !== undefined && candidateType !== variant.instanceType) {
        // A capacity reservation holds one instance type, and capacity-reservations-only (the one
        // preference SageMaker offers) launches "only into an ML capacity reservation": copied onto
        // another type it cannot launch, dropped it would move the candidate onto on-demand capacity
        // the team chose not to use. Same type: copied (the reservation must hold both fleets while
        // the transition config runs).
        const reservationArn = (reservation as { MlReservationArn?: string }).MlReservationArn;
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `variant ${variant.variantName} launches only into an ML capacity reservation` +
            `${reservationArn ? ` (${reservationArn})` : ''} for ${variant.instanceType}; ` +
            `a candidate on ${candidateType} cannot use it — roll out on ${variant.instanceType} ` +
            "(drop --instance-type, or the policy's candidate.instanceType)",
          { field: 'candidate.instanceType' },
        );
      }
      const alarmWarnings: string[] = [];
      if (alarmNames.length > 0) {
        const states = await alarms.describeAlarms(alarmNames);
        const found = new Map(states.map((s) => [s.alarmName, s]));
        const missing = alarmNames.filter((n) => !found.has(n));
        if (missing.length) {
          throw new SmRolloutError(
            'ALARM_NOT_FOUND',
            `alarm${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist; ` +
              'a missing alarm cannot protect the rollout — create it or remove it from the alarms list',
            { field: 'alarms' },
          );
        }
        const reach = await checkAlarmReach((names) => alarms.describeAlarms(names), states, {
          watched: alarmNames,
          endpointName,
          variantNames: config.variants.map((v) => v.variantName),
        });
        const refusals = reach.filter((p) => p.severity === 'refuse');
        if (refusals.length) throw unreachableAlarmsError(refusals);
        alarmWarnings.push(...reach.map((p) => p.message));
        const firing = states.filter((s) => s.state === 'ALARM');
        if (firing.length) {
          throw new SmRolloutError(
            'ALARM_FIRING',
            `alarm ${firing.map((s) => s.alarmName).join(', ')} is already in ALARM (${firing[0]!.reason}); ` +
              'the rollout would roll back at once — fix the endpoint first',
            { field: 'alarms' },
          );
        }
      }
      const variantScaling = scaling
        ? await scaling.describeVariantScaling(endpointName, variant.variantName)
        : undefined;
      if (variantScaling) {
        const typeChanges = changesInstanceType({ candidate }, variant);
        const problems = scalingProblems(variantScaling, endpointName, variant.variantName, typeChanges);
        if (problems.length) {
          // The field a person can change: the instance type only when that alone would fix it all.
          const field = problems.every((p) => p.field === 'candidate.instanceType')
            ? 'candidate.instanceType'
            : 'endpoint';
          throw new SmRolloutError('ENDPOINT_UNSUPPORTED', problems.map((p) => p.message).join('; '), {
            field,
          });
        }
      }
      const model = await readBaselineModel(variant.modelName, pkg);
      const configTags = inheritableTags(await tagsOf(config.endpointConfigArn));
      if (configTags.length + OUR_TAG_COUNT > MAX_TAGS) {
        throw new SmRolloutError(
          'ENDPOINT_UNSUPPORTED',
          `endpoint config ${config.endpointConfigName} has ${configTags.length} tags; with sm-rollout's ${OUR_TAG_COUNT} ` +
            `the derived configs would exceed SageMaker's limit of ${MAX_TAGS} — remove ` +
            `${configTags.length + OUR_TAG_COUNT - MAX_TAGS} of them`,
          { field: 'endpoint' },
        );
      }
      return {
        endpointConfigName: endpoint.endpointConfigName,
        variantName: variant.variantName,
        modelName: variant.modelName,
        instanceType: variant.instanceType,
        instanceCount: live?.currentInstanceCount ?? variant.initialInstanceCount ?? 1,
        variant: baselineVariantSpec(variant),
        ...(config.extra ? { configExtra: config.extra } : {}),
        configTags,
        model,
        ...(variantScaling ? { scaling: variantScaling } : {}),
        ...(alarmWarnings.length ? { alarmWarnings } : {}),
      };
    },

    async createCandidate(context) {
      const { names, baseline } = context;
      const created: string[] = [];
      const { baselineVariant, configExtra, configTags } = await baselineConfig(context);
      created.push(...(await createCandidateModel(context)));
      const transition = await untilVisible(() =>
        endpoints.createEndpointConfig({
          endpointConfigName: names.transitionConfig,
          variants: [
            { ...baselineVariant, initialInstanceCount: baseline.instanceCount, initialVariantWeight: 1 },
            candidateSpec(context, 0, baselineVariant),
          ],
          // 10-second enhanced metrics while the candidate is watched; the final config keeps the baseline's.
          ...withExtra(transitionConfigExtra(configExtra, context.enhancedMetrics === true)),
          tags: mergedTags(context, configTags),
        }),
      );
      if (transition === 'created') created.push(`endpoint config ${names.transitionConfig}`);
      for (const { alarmName, template } of context.candidateAlarms) {
        await alarms.putCandidateAlarm({
          alarmName,
          description: `sm-rollout ${context.rolloutId}: ${template.metricName} of candidate variant ${names.candidateVariant} on ${context.endpointName}`,
          endpointName: context.endpointName,
          variantName: names.candidateVariant,
          metricName: template.metricName,
          statistic: template.statistic,
          threshold: template.threshold,
          comparison: template.comparison,
          periodSeconds: template.periodSeconds,
          evaluationPeriods: template.evaluationPeriods,
          datapointsToAlarm: template.datapointsToAlarm,
          treatMissingData: template.treatMissingData,
          tags: tagsFor(context),
        });
        created.push(`alarm ${alarmName}`);
      }
      return { created };
    },

    async applyEndpointChange(change) {
      const endpoint = await describeOrThrow(change.endpointName);
      if (endpoint.status === 'Deleting') {
        throw new SmRolloutError('ENDPOINT_NOT_FOUND', `endpoint ${change.endpointName} is being deleted`);
      }
      if (change.kind === 'weights' && endpoint.endpointConfigName !== change.endpointConfigName) {
        if (change.purpose === 'restore') return { outcome: 'satisfied' };
        throw new SmRolloutError(
          'UPDATE_FAILED',
          `endpoint ${change.endpointName} runs config ${endpoint.endpointConfigName}, not ${change.endpointConfigName}; ` +
            'something else changed it during the rollout',
        );
      }
      if (
        change.kind === 'config' &&
        endpoint.status === 'InService' &&
        endpoint.endpointConfigName === change.endpointConfigName
      ) {
        return { outcome: 'satisfied' };
      }
      // A guardrails deployment of this very config is under way (the call was made before a restart):
      // nothing to send, only to follow.
      if (
        change.kind === 'config' &&
        endpoint.pendingDeployment?.endpointConfigName === change.endpointConfigName
      ) {
        return { outcome: 'satisfied' };
      }
      if (BROKEN_STATUSES.has(endpoint.status)) throw brokenEndpointError(endpoint);
      if (endpoint.status !== 'InService') return { outcome: 'busy' };
      try {
        if (change.kind === 'config') {
          for (const variantName of change.deregisterBefore ?? []) {
            await scaling?.deregisterScalableTarget(change.endpointName, variantName);
          }
          const options = {
            ...(change.retainAllVariantProperties ? { retainAllVariantProperties: true } : {}),
            ...(change.deploymentConfig ? { deploymentConfig: change.deploymentConfig } : {}),
          };
          await endpoints.updateEndpoint(
            change.endpointName,
            change.endpointConfigName,
            Object.keys(options).length ? options : undefined,
          );
        } else {
          // A rollback after a promotion onto another instance type failed: the baseline was
          // deregistered for it and is about to take all the traffic back, so its scaling returns
          // first. Only while the endpoint runs the transition config (the baseline on its own
          // instance type): on the final config the revert itself changes the type, which SageMaker
          // refuses for a registered variant; removeCandidate restores it after.
          if (change.restoreScaling && endpoint.endpointConfigName === change.endpointConfigName) {
            await putBackScaling(
              change.endpointName,
              change.restoreScaling.variantName,
              change.restoreScaling.scaling,
            );
          }
          let weights = change.weights;
          if (change.candidateScaling) {
            // Capacity with the traffic: the candidate's target gets this step's bounds first, and a
            // fleet outside them is resized in the same UpdateEndpointWeightsAndCapacities that shifts
            // the weights (its DesiredInstanceCount), so the candidate never takes a share its fleet
            // cannot serve while its scaling would catch up, and nothing races that scaling.
            await registerCandidateScaling(change.endpointName, change.candidateScaling);
            const resized = boundedCount(endpoint, change.candidateScaling);
            if (resized !== undefined) {
              weights = weights.map((w) =>
                w.variantName === change.candidateScaling!.variantName
                  ? { ...w, desiredInstanceCount: resized }
                  : w,
              );
            } else if (weightsMatch(endpoint, weights)) {
              return { outcome: 'satisfied' };
            }
          } else if (weightsMatch(endpoint, weights)) {
            return { outcome: 'satisfied' };
          }
          await endpoints.updateWeights(change.endpointName, weights);
        }
      } catch (error) {
        if (error instanceof SmRolloutError && error.code === 'ENDPOINT_BUSY') return { outcome: 'busy' };
        throw error;
      }
      return { outcome: 'requested' };
    },

    async checkEndpoint(change) {
      const endpoint = await endpoints.describeEndpoint(change.endpointName);
      if (!endpoint) {
        return {
          phase: 'failed',
          status: 'Deleted',
          failureReason: `endpoint ${change.endpointName} no longer exists`,
        };
      }
      const seen = {
        status: endpoint.status,
        endpointConfigName: endpoint.endpointConfigName,
        ...(endpoint.failureReason ? { failureReason: endpoint.failureReason } : {}),
      };
      if (BROKEN_STATUSES.has(endpoint.status)) return { phase: 'failed', ...seen };
      if (endpoint.status !== 'InService') return { phase: 'inProgress', ...seen };
      if (change.kind === 'config') {
        return {
          phase: endpoint.endpointConfigName === change.endpointConfigName ? 'ready' : 'idle',
          ...seen,
        };
      }
      if (endpoint.endpointConfigName !== change.endpointConfigName) {
        return { phase: change.purpose === 'restore' ? 'ready' : 'idle', ...seen };
      }
      return { phase: weightsMatch(endpoint, change.weights) ? 'ready' : 'idle', ...seen };
    },

    async checkCandidate(context) {
      const spec = context.preTrafficCheck;
      if (!spec) return { sent: 0, failures: [], maxLatencyMs: 0 };
      if (!invoker) {
        throw new SmRolloutError(
          'INVALID_INPUT',
          'the pre-traffic check cannot run: this host has no SageMaker Runtime client to invoke the candidate',
          { field: 'preTrafficCheck' },
        );
      }
      return runPreTrafficCheck({
        spec,
        endpointName: context.endpointName,
        candidateVariant: context.names.candidateVariant,
        invoker,
        objects,
      });
    },
    judgeCandidate: (input) => judgeCandidate(deps.metrics, input, deps.metricVisibilityDelayMs),

    async readAlarms(alarmNames) {
      const states = alarmNames.length ? await alarms.describeAlarms(alarmNames) : [];
      return {
        firing: states
          .filter((s) => s.state === 'ALARM')
          .map((s) => ({
            alarmName: s.alarmName,
            stateReason: s.reason,
            ...parseAlarmReasonData(s.reasonData),
          })),
        states: states.map((s) => ({ alarmName: s.alarmName, state: s.state })),
      };
    },

    createFinalConfig,

    async cleanupAfterPromotion(context) {
      const endpoint = await endpoints.describeEndpoint(context.endpointName);
      assertSettled(endpoint);
      // Scaling first: the serving variant must not stay without it because a later step failed.
      const restored = await restoreServingScaling(context, endpoint, 'promotion');
      const removed: string[] = [];
      // A native rollout made no transition config: deleting an absent one is not an error.
      await deleteConfigSafely(endpoint, context.names.transitionConfig, removed);
      const alarmNames = ownAlarms(context);
      if (alarmNames.length) {
        await alarms.deleteAlarms(alarmNames);
        removed.push(...alarmNames.map((n) => `alarm ${n}`));
      }
      const pruned = await prune(context, endpoint);
      return {
        removed: [...removed, ...pruned.removed],
        kept: pruned.kept,
        ...(restored.length ? { restored } : {}),
      };
    },

    async removeCandidate(context) {
      const endpoint = await endpoints.describeEndpoint(context.endpointName);
      assertSettled(endpoint);
      // Scaling first, as after a promotion: the baseline serves everything again.
      const restored = await restoreServingScaling(context, endpoint, 'rollback');
      const removed: string[] = [];
      await deleteConfigSafely(endpoint, context.names.transitionConfig, removed);
      await deleteConfigSafely(endpoint, context.names.finalConfig, removed);
      if ((await endpoints.deleteModel(context.names.candidateModel)) === 'deleted') {
        removed.push(`model ${context.names.candidateModel}`);
      }
      const alarmNames = ownAlarms(context);
      if (alarmNames.length) {
        await alarms.deleteAlarms(alarmNames);
        removed.push(...alarmNames.map((n) => `alarm ${n}`));
      }
      return { removed, kept: [], ...(restored.length ? { restored } : {}) };
    },

    async prepareNativeDeployment(context) {
      const native = context.native!;
      const created = await createCandidateModel(context);
      await alarms.putAbortAlarm({
        alarmName: native.abortAlarmName,
        endpointName: context.endpointName,
        rolloutId: context.rolloutId,
      });
      created.push(`alarm ${native.abortAlarmName}`);
      const final = await createFinalConfig(context);
      return { created: [...created, ...final.created] };
    },

    async followDeployment(endpointName) {
      const endpoint = await endpoints.describeEndpoint(endpointName);
      if (!endpoint) return { endpoint: { status: 'Deleted' } };
      const pending = endpoint.pendingDeployment;
      return {
        endpoint: {
          status: endpoint.status,
          endpointConfigName: endpoint.endpointConfigName,
          ...(endpoint.failureReason ? { failureReason: endpoint.failureReason } : {}),
          ...(pending
            ? {
                pending: {
                  endpointConfigName: pending.endpointConfigName,
                  variants: pending.variants.map((v) => {
                    // VariantStatus lists the variant's stages; the one begun last is where it is now.
                    const latest = [...v.statuses]
                      .sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0))
                      .at(-1);
                    return {
                      variantName: v.variantName,
                      ...(latest ? { status: latest.status } : {}),
                      ...(latest?.message ? { statusMessage: latest.message } : {}),
                      ...(latest?.startTime !== undefined ? { statusStartTime: latest.startTime } : {}),
                      ...(v.currentInstanceCount !== undefined
                        ? { currentInstanceCount: v.currentInstanceCount }
                        : {}),
                      ...(v.desiredInstanceCount !== undefined
                        ? { desiredInstanceCount: v.desiredInstanceCount }
                        : {}),
                    };
                  }),
                },
              }
            : {}),
        },
      };
    },

    async setAbortAlarm({ alarmName, reason }) {
      await alarms.setAlarmState(alarmName, 'ALARM', reason);
    },
  };
}

function withExtra(extra: Record<string, unknown> | undefined): { extra?: Record<string, unknown> } {
  return extra ? { extra } : {};
}
