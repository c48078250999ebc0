// Simulated SageMaker inference components: endpoints whose variant has no model (they host components),
// CreateInferenceComponent / Describe / List / Update / Delete with AWS's validation, copies that come up
// and are replaced in rolling batches (each batch baked while the AutoRollbackConfiguration alarms are
// watched, a firing alarm or the execution timeout rolling the old copies back), traffic and invocation
// metrics per InferenceComponentName, InvokeEndpoint by component name, copies that fail to start (a
// fault), and save/restore. The sim advances components on its 10-second tick, so every step lands on
// a tick (up to 10 s late).
import type {
  InferenceComponentComputeResources,
  InferenceComponentSpecificationState,
  InferenceComponentState,
  InferenceComponentStatus,
  InferenceComponentSummary,
  EndpointState,
  UpdateInferenceComponentRequest,
} from '../engine/ports';
import type {
  InferenceComponentCapacitySize,
  InferenceComponentRollingUpdate,
} from '../../statemachines/contract';
import { AwsServiceException, validationException } from './aws-errors';
import type { Arns } from './aws-names';
import { assertSageMakerName } from './aws-names';
import type { SimClock } from './clock';
import type { MetricStore, SampleSet } from './metrics';
import { METRIC_GRID_MS, componentSeries, sampleSetOf } from './metrics';
import type { RandomState } from './random';
import { SeededRandom } from './random';
import type { InvokeEndpointInput, InvokeEndpointOutput } from './runtime';
import { ModelErrorException } from './runtime';
import type { ModelBehaviour } from './types';

const MINUTE_MS = 60_000;
/** Lognormal spread of latencies and SageMaker's own overhead per request, as traffic.ts draws them. */
const LATENCY_SIGMA = 0.25;
const OVERHEAD_MICROS = 2_500;
/**
 * How long a batch of copies takes to come up (model download and container start). AWS publishes no
 * figure; the bound it documents is StartupParameters (ModelDataDownloadTimeoutInSeconds and
 * ContainerStartupHealthCheckTimeoutInSeconds, 60…3600 s each). Three minutes is a small model's.
 */
export const COPY_BATCH_MS = 3 * MINUTE_MS;
/** How long Deleting lasts before the component is gone (AWS publishes no figure). */
const DELETE_MS = MINUTE_MS;
/** AutoRollbackConfig.Alarms: "Array Members: Minimum number of 1 item. Maximum number of 10 items." */
const MAX_ROLLBACK_ALARMS = 10;
const EXECUTION_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

/** A scene's endpoint that hosts inference components (its config's variant has no ModelName). */
export interface ComponentHostingEndpointInput {
  endpointName: string;
  /** Default AllTraffic. */
  variantName?: string;
  /** Default ml.g5.2xlarge. */
  instanceType?: string;
  /** Default 1. */
  instanceCount?: number;
  /** The endpoint config's ExecutionRoleArn: SageMaker assumes it to deploy the components' models. */
  executionRoleArn: string;
  /** ProductionVariant.ManagedInstanceScaling, AWS's names ({ Status, MinInstanceCount, MaxInstanceCount }). */
  managedInstanceScaling?: Record<string, unknown>;
  /** ProductionVariant.RoutingConfig, AWS's names ({ RoutingStrategy }). */
  routingConfig?: Record<string, unknown>;
}

export interface CreateInferenceComponentInput {
  inferenceComponentName: string;
  endpointName: string;
  variantName?: string;
  specification: InferenceComponentSpecificationState;
  /** RuntimeConfig.CopyCount. */
  copyCount: number;
}

interface SimHostingEndpoint {
  name: string;
  arn: string;
  configName: string;
  variantName: string;
  instanceType: string;
  instanceCount: number;
  executionRoleArn: string;
  managedInstanceScaling?: Record<string, unknown>;
  routingConfig?: Record<string, unknown>;
  creationTime: number;
}

/** A rolling update in progress (or its rollback). */
export interface SimRollingDeployment {
  target: InferenceComponentSpecificationState;
  targetCopyCount: number;
  /** Copies of the old specification when the update started: what a rollback restores. */
  originalCopyCount: number;
  policy: InferenceComponentRollingUpdate;
  alarms: string[];
  /** Live copies of `target`. */
  newCopies: number;
  /** `provisioning`: a batch is coming up; `baking`: the batch bakes, alarms watched; `rollingBack`: old copies return. */
  phase: 'provisioning' | 'baking' | 'rollingBack';
  phaseEndsAt: number;
  /** Copies of the new specification added / old removed when the batch in progress completes. */
  adding: number;
  removing: number;
  startedAt: number;
  deadline?: number;
  rollbackReason?: string;
}

export interface SimInferenceComponent {
  name: string;
  arn: string;
  endpointName: string;
  variantName: string;
  status: InferenceComponentStatus;
  failureReason?: string;
  /** The deployed specification: the previous one until an update completes. */
  specification: InferenceComponentSpecificationState;
  /** Live copies of `specification`. */
  copies: number;
  desiredCopyCount: number;
  lastDeployment?: { rollingUpdate: InferenceComponentRollingUpdate; autoRollbackAlarms: string[] };
  /** When the status changes on its own (Creating → InService, Deleting → gone). */
  readyAt?: number;
  deployment?: SimRollingDeployment;
  creationTime: number;
  lastModifiedTime: number;
}

/** One component's invocation-metric minute in progress. */
interface OpenComponentMinute {
  componentName: string;
  start: number;
  errors: number[];
  latencies: number[];
  overheads: number[];
}

export interface SimInferenceComponentsState {
  endpoints: SimHostingEndpoint[];
  components: SimInferenceComponent[];
  openMinutes: OpenComponentMinute[];
  /** Request rates set per component (setRequestsPerMinute). */
  rates: Record<string, number>;
  /** Components whose next copies fail to start (failNextCopies), with the reason. */
  failing?: Record<string, string>;
  random: RandomState;
}

export interface SimInferenceComponentsDeps {
  arns: Arns;
  clock: SimClock;
  metrics: MetricStore;
  /** The model's behaviour, or undefined when no such model exists (CreateModel's models). */
  modelBehaviour: (modelName: string) => ModelBehaviour | undefined;
  /** Whether a model-based endpoint (simulated SageMaker's) has this name. */
  isModelEndpoint: (endpointName: string) => boolean;
  /** The alarm's state now (undefined: no such alarm). */
  alarmState: (alarmName: string) => string | undefined;
  requestsPerMinute: number;
  ingestionDelayMs: number;
  random: SeededRandom;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function fieldError(value: unknown, field: string, constraint: string): AwsServiceException {
  return validationException(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

function assertIntegerAtLeast(value: number, min: number, field: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw fieldError(value, field, `Member must have value greater than or equal to ${min}`);
  }
}

function assertIntegerWithin(value: number, min: number, max: number, field: string): void {
  assertIntegerAtLeast(value, min, field);
  if (value > max) throw fieldError(value, field, `Member must have value less than or equal to ${max}`);
}

/** Copies in a batch of `size` out of `copyCount`: a percent rounds up to whole copies, at least one. */
export function copiesInBatch(size: InferenceComponentCapacitySize, copyCount: number): number {
  if (size.type === 'COPY_COUNT') return size.value;
  return Math.max(1, Math.ceil((size.value * copyCount) / 100));
}

export class SimInferenceComponents {
  private readonly endpoints = new Map<string, SimHostingEndpoint>();
  private readonly components = new Map<string, SimInferenceComponent>();
  private readonly open = new Map<string, OpenComponentMinute>();
  private readonly rates = new Map<string, number>();
  private readonly failing = new Map<string, string>();
  /** Whether anything was ever created (the cloud then saves this module's state). */
  used = false;

  constructor(private readonly deps: SimInferenceComponentsDeps) {}

  // --- setting the scene ---

  /**
   * An InService endpoint that hosts inference components: its config's production variant has an
   * instance type and count but no ModelName (the service model requires only VariantName of a
   * ProductionVariant; the developer guide's "Deploy models with inference components" leaves the
   * model to the components), and the config has the ExecutionRoleArn SageMaker assumes "to perform
   * actions on your behalf" (API reference, CreateEndpointConfig).
   */
  createHostingEndpoint(input: ComponentHostingEndpointInput): string {
    const { arns, clock } = this.deps;
    assertSageMakerName(input.endpointName, 'endpointName');
    const variantName = input.variantName ?? 'AllTraffic';
    assertSageMakerName(variantName, 'productionVariants.1.member.variantName');
    if (this.endpoints.has(input.endpointName) || this.deps.isModelEndpoint(input.endpointName)) {
      throw validationException(
        `Cannot create already existing endpoint "${arns.endpoint(input.endpointName)}".`,
      );
    }
    if (!EXECUTION_ROLE_ARN.test(input.executionRoleArn)) {
      throw fieldError(
        input.executionRoleArn,
        'executionRoleArn',
        'Member must satisfy regular expression pattern: ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$',
      );
    }
    const instanceCount = input.instanceCount ?? 1;
    assertIntegerAtLeast(instanceCount, 1, 'productionVariants.1.member.initialInstanceCount');
    this.used = true;
    this.endpoints.set(input.endpointName, {
      name: input.endpointName,
      arn: arns.endpoint(input.endpointName),
      configName: `${input.endpointName}-config-0`,
      variantName,
      instanceType: input.instanceType ?? 'ml.g5.2xlarge',
      instanceCount,
      executionRoleArn: input.executionRoleArn,
      ...(input.managedInstanceScaling === undefined
        ? {}
        : { managedInstanceScaling: clone(input.managedInstanceScaling) }),
      ...(input.routingConfig === undefined ? {} : { routingConfig: clone(input.routingConfig) }),
      creationTime: clock.now(),
    });
    return arns.endpoint(input.endpointName);
  }

  /** From the 10-second slice in progress on, the component receives `rpm` requests per minute. */
  setRequestsPerMinute(componentName: string, rpm: number): void {
    if (!Number.isInteger(rpm) || rpm < 0) {
      throw new Error(`requests per minute must be a non-negative integer, got ${rpm}`);
    }
    this.rates.set(componentName, rpm);
  }

  /**
   * A fault: the component's next copies to come up fail their container health check (a model that
   * does not load). On create the component ends Failed; during an update the batch never takes
   * traffic and the update rolls back.
   */
  failNextCopies(componentName: string, reason?: string): void {
    this.used = true;
    this.failing.set(
      componentName,
      reason ??
        `The container for inference component ${componentName} did not pass the ping health check. Please check CloudWatch logs for this inference component.`,
    );
  }

  // --- the API ---

  /** DescribeEndpoint of a hosting endpoint (its variant has no model: the components carry them). */
  describeEndpoint(endpointName: string): EndpointState | undefined {
    const endpoint = this.endpoints.get(endpointName);
    if (endpoint === undefined) return undefined;
    return {
      endpointName: endpoint.name,
      status: 'InService',
      endpointConfigName: endpoint.configName,
      variants: [
        {
          variantName: endpoint.variantName,
          currentWeight: 1,
          desiredWeight: 1,
          currentInstanceCount: endpoint.instanceCount,
          desiredInstanceCount: endpoint.instanceCount,
        },
      ],
    };
  }

  createInferenceComponent(input: CreateInferenceComponentInput): 'created' | 'exists' {
    const { arns, clock } = this.deps;
    assertSageMakerName(input.inferenceComponentName, 'inferenceComponentName');
    assertSageMakerName(input.endpointName, 'endpointName');
    const endpoint = this.endpoints.get(input.endpointName);
    if (endpoint === undefined) {
      if (this.deps.isModelEndpoint(input.endpointName)) {
        // An endpoint whose variants name models cannot take components. AWS documents the rule, not
        // the text.
        throw validationException(
          `Endpoint "${arns.endpoint(input.endpointName)}" does not support inference components: its production variants specify a ModelName. Create an endpoint config whose variant has no ModelName (and an ExecutionRoleArn) for inference components.`,
        );
      }
      throw validationException(`Could not find endpoint "${arns.endpoint(input.endpointName)}".`);
    }
    const variantName = input.variantName ?? endpoint.variantName;
    assertSageMakerName(variantName, 'variantName');
    if (variantName !== endpoint.variantName) {
      throw validationException(
        `The variant "${variantName}" is not present in the endpoint "${endpoint.arn}".`,
      );
    }
    this.assertSpecification(input.specification, 'specification');
    assertIntegerAtLeast(input.copyCount, 0, 'runtimeConfig.copyCount');
    // "Cannot create already existing inference component": 'exists', as the other creates answer.
    if (this.components.has(input.inferenceComponentName)) return 'exists';
    const now = clock.now();
    this.used = true;
    this.components.set(input.inferenceComponentName, {
      name: input.inferenceComponentName,
      arn: this.arnOf(input.inferenceComponentName),
      endpointName: endpoint.name,
      variantName,
      status: 'Creating',
      specification: clone(input.specification),
      copies: 0,
      desiredCopyCount: input.copyCount,
      readyAt: now + COPY_BATCH_MS,
      creationTime: now,
      lastModifiedTime: now,
    });
    return 'created';
  }

  describeInferenceComponent(name: string): InferenceComponentState | undefined {
    assertSageMakerName(name, 'inferenceComponentName');
    const component = this.components.get(name);
    if (component === undefined) return undefined;
    const deployment = component.deployment;
    return clone({
      inferenceComponentName: component.name,
      inferenceComponentArn: component.arn,
      endpointName: component.endpointName,
      variantName: component.variantName,
      status: component.status,
      ...(component.failureReason === undefined ? {} : { failureReason: component.failureReason }),
      specification: component.specification,
      desiredCopyCount:
        deployment?.phase === 'rollingBack' ? deployment.originalCopyCount : component.desiredCopyCount,
      currentCopyCount: component.copies + (deployment?.newCopies ?? 0),
      ...(component.lastDeployment === undefined ? {} : { lastDeployment: component.lastDeployment }),
      creationTime: component.creationTime,
      lastModifiedTime: component.lastModifiedTime,
    });
  }

  /** ListInferenceComponents with EndpointNameEquals (every page at once), sorted by name. */
  listInferenceComponents(endpointName: string): InferenceComponentSummary[] {
    assertSageMakerName(endpointName, 'endpointNameEquals');
    return [...this.components.values()]
      .filter((c) => c.endpointName === endpointName)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => ({
        inferenceComponentName: c.name,
        inferenceComponentArn: c.arn,
        endpointName: c.endpointName,
        variantName: c.variantName,
        status: c.status,
      }));
  }

  /**
   * UpdateInferenceComponent with a DeploymentConfig. Every rule is checked before anything changes.
   * "For each step, SageMaker AI provisions capacity on the new endpoint fleet, routes traffic to that
   * fleet, and terminates capacity on the old endpoint fleet"; WaitIntervalInSeconds is "the length of
   * the baking period, during which SageMaker AI monitors alarms for each batch on the new fleet"
   * (API reference, InferenceComponentRollingUpdatePolicy).
   */
  updateInferenceComponent(request: UpdateInferenceComponentRequest): void {
    const { clock } = this.deps;
    assertSageMakerName(request.inferenceComponentName, 'inferenceComponentName');
    const component = this.components.get(request.inferenceComponentName);
    if (component === undefined) {
      throw validationException(
        `Could not find inference component "${this.arnOf(request.inferenceComponentName)}".`,
      );
    }
    if (component.status !== 'InService') {
      // AWS documents no text for this; the sim answers as UpdateEndpoint does for an endpoint.
      throw new AwsServiceException(
        'ValidationException',
        `Cannot update in-progress inference component "${component.arn}".`,
        component.status === 'Updating' || component.status === 'Creating' ? 'endpoint-busy' : 'other',
      );
    }
    this.assertSpecification(request.specification, 'specification');
    const targetCopyCount = request.copyCount ?? component.desiredCopyCount;
    assertIntegerAtLeast(targetCopyCount, 0, 'runtimeConfig.copyCount');
    const policy = request.rollingUpdate;
    this.assertRollingUpdate(policy, Math.max(component.copies, targetCopyCount));
    // AutoRollbackConfig.Alarms has 1 to 10 members; the port's empty list sends no
    // AutoRollbackConfiguration.
    if (request.autoRollbackAlarms.length > MAX_ROLLBACK_ALARMS) {
      throw fieldError(
        '[...]',
        'deploymentConfig.autoRollbackConfiguration.alarms',
        `Member must have length less than or equal to ${MAX_ROLLBACK_ALARMS}`,
      );
    }
    request.autoRollbackAlarms.forEach((name, index) => {
      // Alarm.AlarmName: "Length Constraints: Minimum length of 1. Maximum length of 255."
      if (name.length < 1 || name.length > 255) {
        throw fieldError(
          name,
          `deploymentConfig.autoRollbackConfiguration.alarms.${index + 1}.member.alarmName`,
          'Member must have length between 1 and 255',
        );
      }
    });

    const now = clock.now();
    component.status = 'Updating';
    delete component.failureReason;
    component.lastModifiedTime = now;
    component.desiredCopyCount = targetCopyCount;
    component.lastDeployment = {
      rollingUpdate: clone(policy),
      autoRollbackAlarms: [...request.autoRollbackAlarms],
    };
    const deployment: SimRollingDeployment = {
      target: clone(request.specification),
      targetCopyCount,
      originalCopyCount: component.copies,
      policy: clone(policy),
      alarms: [...request.autoRollbackAlarms],
      newCopies: 0,
      phase: 'provisioning',
      phaseEndsAt: now,
      adding: 0,
      removing: 0,
      startedAt: now,
      ...(policy.maximumExecutionTimeoutInSeconds === undefined
        ? {}
        : { deadline: now + policy.maximumExecutionTimeoutInSeconds * 1000 }),
    };
    component.deployment = deployment;
    this.startBatch(component, deployment, now);
  }

  /** DeleteInferenceComponent: Deleting for a minute, then gone; its copies stop serving at once. */
  deleteInferenceComponent(name: string): 'deleted' | 'absent' {
    assertSageMakerName(name, 'inferenceComponentName');
    const component = this.components.get(name);
    if (component === undefined) return 'absent';
    if (component.status === 'Deleting') return 'deleted';
    component.status = 'Deleting';
    delete component.deployment;
    component.copies = 0;
    component.readyAt = this.deps.clock.now() + DELETE_MS;
    component.lastModifiedTime = this.deps.clock.now();
    return 'deleted';
  }

  /**
   * InvokeEndpoint with InferenceComponentName: "If the endpoint hosts one or more inference
   * components, this parameter specifies the name of inference component to invoke" (SageMaker Runtime
   * API reference). The request lands on one of the component's live copies (old or new during an
   * update, by their number) and counts in the component's metrics.
   */
  invoke(input: InvokeEndpointInput): InvokeEndpointOutput {
    const { arns, clock } = this.deps;
    const endpoint = this.endpoints.get(input.EndpointName);
    if (endpoint === undefined) {
      throw runtimeValidationError(`Endpoint ${input.EndpointName} of account ${arns.accountId} not found.`);
    }
    const name = input.InferenceComponentName;
    if (name === undefined) {
      // Approximated: AWS documents that such requests must name their component, not the text.
      throw runtimeValidationError(
        `Inference Component Name header is required for endpoints to which you plan to deploy inference components. Please include Inference Component Name header or consider using SageMaker models.`,
      );
    }
    const component = this.components.get(name);
    if (component === undefined || component.endpointName !== endpoint.name) {
      throw runtimeValidationError(`Inference Component ${name} of account ${arns.accountId} not found.`);
    }
    const modelName = this.pickCopy(component, this.deps.random.next());
    if (modelName === undefined) {
      throw runtimeValidationError(
        `Inference Component ${name} of account ${arns.accountId} has no copies in service.`,
      );
    }
    const behaviour = this.behaviourOf(modelName);
    const random = this.deps.random;
    const failed = random.next() < behaviour.errorRate;
    const factor = Math.exp(LATENCY_SIGMA * random.normal() - (LATENCY_SIGMA * LATENCY_SIGMA) / 2);
    const modelMicros = Math.round(behaviour.latencyMs * 1000 * factor);
    const overheadMicros = Math.round(OVERHEAD_MICROS * (0.8 + 0.4 * random.next()));
    const minute = this.minuteFor(name, clock.now());
    minute.errors.push(failed ? 1 : 0);
    minute.latencies.push(modelMicros);
    minute.overheads.push(overheadMicros);
    const latencyMs = (modelMicros + overheadMicros) / 1000;
    if (failed) {
      const logGroup = `/aws/sagemaker/InferenceComponents/${name}`;
      throw new ModelErrorException(
        `Received server error (500) from ${name} with message "Internal Server Error".`,
        500,
        'Internal Server Error',
        `arn:aws:logs:${arns.region}:${arns.accountId}:log-group:${logGroup}`,
        latencyMs,
      );
    }
    return {
      Body: JSON.stringify({ predictions: [0.5], model: modelName }),
      ContentType: input.Accept ?? 'application/json',
      InvokedProductionVariant: endpoint.variantName,
      latencyMs,
    };
  }

  // --- the tick ---

  /**
   * The 10-second slice [sliceStart, sliceStart + 10 s) of each component's traffic: requests arrive
   * evenly and land on the live copies by their number, so during a rolling update the new model
   * serves its copies' share. Minutes that end with the slice are published.
   */
  runSlice(sliceStart: number): void {
    const sliceEnd = sliceStart + METRIC_GRID_MS;
    const minuteStart = Math.floor(sliceStart / MINUTE_MS) * MINUTE_MS;
    for (const component of this.components.values()) {
      const live = component.copies + (component.deployment?.newCopies ?? 0);
      if (live === 0 || component.status === 'Deleting') continue;
      const rate = this.rates.get(component.name) ?? this.deps.requestsPerMinute;
      const sentBy = (t: number) => Math.round((rate * (t - minuteStart)) / MINUTE_MS);
      const requests = sentBy(sliceEnd) - sentBy(sliceStart);
      if (requests === 0) continue;
      const minute = this.minuteFor(component.name, sliceStart);
      for (let i = 0; i < requests; i++) {
        const modelName = this.pickCopy(component, (i + 0.5) / requests) as string;
        const behaviour = this.behaviourOf(modelName);
        const random = this.deps.random;
        minute.errors.push(random.next() < behaviour.errorRate ? 1 : 0);
        const factor = Math.exp(LATENCY_SIGMA * random.normal() - (LATENCY_SIGMA * LATENCY_SIGMA) / 2);
        minute.latencies.push(Math.round(behaviour.latencyMs * 1000 * factor));
        minute.overheads.push(Math.round(OVERHEAD_MICROS * (0.8 + 0.4 * random.next())));
      }
    }
    for (const [key, minute] of [...this.open]) {
      if (minute.start + MINUTE_MS > sliceEnd) continue;
      this.open.delete(key);
      this.publish(minute);
    }
  }

  /**
   * After the alarms were evaluated at `now`: components come up or go, batches complete, baking
   * batches are checked against their alarms (one in ALARM rolls the update back), and an update past
   * its MaximumExecutionTimeoutInSeconds ("Exceeding this limit causes a timeout") rolls back too.
   */
  advance(now: number): void {
    for (const component of [...this.components.values()]) {
      if (component.readyAt !== undefined && now >= component.readyAt) {
        delete component.readyAt;
        if (component.status === 'Deleting') {
          this.components.delete(component.name);
          continue;
        }
        component.lastModifiedTime = now;
        const failure = this.failing.get(component.name);
        if (failure !== undefined) {
          this.failing.delete(component.name);
          component.status = 'Failed';
          component.failureReason = failure;
          continue;
        }
        component.status = 'InService';
        component.copies = component.desiredCopyCount;
      }
      const deployment = component.deployment;
      if (deployment !== undefined) this.advanceDeployment(component, deployment, now);
    }
  }

  // --- observation ---

  componentNames(): string[] {
    return [...this.components.keys()].sort();
  }

  /** The live copies of a component by model (an observation: DescribeInferenceComponent has only the total). */
  copiesOf(name: string): { model: string; copies: number }[] {
    const component = this.components.get(name);
    if (component === undefined) return [];
    const out = [{ model: component.specification.modelName ?? '', copies: component.copies }];
    if (component.deployment !== undefined) {
      out.push({
        model: component.deployment.target.modelName ?? '',
        copies: component.deployment.newCopies,
      });
    }
    return out.filter((c) => c.copies > 0);
  }

  /** The variant of a hosting endpoint's config, by config name (undefined: no such hosting config). */
  hostingVariantOf(endpointConfigName: string): string | undefined {
    return [...this.endpoints.values()].find((e) => e.configName === endpointConfigName)?.variantName;
  }

  isHostingEndpoint(endpointName: string): boolean {
    return this.endpoints.has(endpointName);
  }

  // --- saving and restoring ---

  exportState(): SimInferenceComponentsState {
    return clone({
      endpoints: [...this.endpoints.values()],
      components: [...this.components.values()],
      openMinutes: [...this.open.values()],
      rates: Object.fromEntries([...this.rates].sort(([a], [b]) => a.localeCompare(b))),
      ...(this.failing.size === 0 ? {} : { failing: Object.fromEntries(this.failing) }),
      random: this.deps.random.snapshot(),
    });
  }

  importState(state: SimInferenceComponentsState): void {
    const saved = clone(state);
    for (const endpoint of saved.endpoints) this.endpoints.set(endpoint.name, endpoint);
    for (const component of saved.components) this.components.set(component.name, component);
    for (const minute of saved.openMinutes) this.open.set(minute.componentName, minute);
    for (const [name, rpm] of Object.entries(saved.rates)) this.rates.set(name, rpm);
    for (const [name, reason] of Object.entries(saved.failing ?? {})) this.failing.set(name, reason);
    this.used = true;
  }

  // --- internals ---

  private arnOf(name: string): string {
    const { arns } = this.deps;
    return `arn:aws:sagemaker:${arns.region}:${arns.accountId}:inference-component/${name.toLowerCase()}`;
  }

  private behaviourOf(modelName: string): ModelBehaviour {
    return this.deps.modelBehaviour(modelName) ?? { errorRate: 0, latencyMs: 40 };
  }

  /** The model of the copy a request at fraction `draw` of the live copies lands on. */
  private pickCopy(component: SimInferenceComponent, draw: number): string | undefined {
    const newCopies = component.deployment?.newCopies ?? 0;
    const live = component.copies + newCopies;
    if (live === 0 || component.status === 'Deleting') return undefined;
    return draw * live < component.copies
      ? (component.specification.modelName ?? '')
      : (component.deployment?.target.modelName ?? '');
  }

  private minuteFor(componentName: string, at: number): OpenComponentMinute {
    const start = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    const current = this.open.get(componentName);
    if (current !== undefined && current.start === start) return current;
    if (current !== undefined) this.publish(current);
    const fresh: OpenComponentMinute = { componentName, start, errors: [], latencies: [], overheads: [] };
    this.open.set(componentName, fresh);
    return fresh;
  }

  /**
   * A component's invocation metrics, in AWS/SageMaker under the one dimension InferenceComponentName
   * (developer guide, "Amazon SageMaker AI metrics in Amazon CloudWatch", SageMaker AI inference
   * component metrics; Application Auto Scaling User Guide, "Monitor usage of scalable resources using
   * CloudWatch": "Inference components | AWS/SageMaker | Name: InvocationsPerCopy, Dimensions:
   * InferenceComponentName"): Invocations, Invocation4XXErrors, Invocation5XXErrors, ModelLatency,
   * OverheadLatency and InvocationsPerCopy (each request counted 1/copies, as InvocationsPerInstance
   * is per instance; the sim divides by the live copies at the end of the minute), each minute,
   * visible after the ingestion delay.
   */
  private publish(minute: OpenComponentMinute): void {
    const { metrics, ingestionDelayMs } = this.deps;
    const series = componentSeries(minute.componentName);
    const timing = { resolutionMs: MINUTE_MS, visibleAt: minute.start + MINUTE_MS + ingestionDelayMs };
    const count = minute.errors.length;
    const put = (metricName: string, samples: SampleSet) =>
      metrics.publish(series.endpointName, series.variantName, metricName, minute.start, samples, timing);
    put('Invocations', { sampleCount: count, sum: count, minimum: 1, maximum: 1 });
    put('Invocation5XXErrors', sampleSetOf(minute.errors, false));
    put('Invocation4XXErrors', { sampleCount: count, sum: 0, minimum: 0, maximum: 0 });
    put('ModelLatency', sampleSetOf(minute.latencies, true));
    put('OverheadLatency', sampleSetOf(minute.overheads, true));
    const component = this.components.get(minute.componentName);
    const live = (component?.copies ?? 0) + (component?.deployment?.newCopies ?? 0);
    if (live > 0) {
      put('InvocationsPerCopy', {
        sampleCount: count,
        sum: count / live,
        minimum: 1 / live,
        maximum: 1 / live,
      });
    }
  }

  /** InferenceComponentSpecification: the model must exist; a copy says what it reserves. */
  private assertSpecification(spec: InferenceComponentSpecificationState, field: string): void {
    const { arns } = this.deps;
    if (spec.modelName === undefined) {
      throw validationException(
        `${field}.modelName must be specified for an inference component that is not an adapter.`,
      );
    }
    assertSageMakerName(spec.modelName, `${field}.modelName`);
    if (this.deps.modelBehaviour(spec.modelName) === undefined) {
      throw validationException(`Could not find model "${arns.model(spec.modelName)}".`);
    }
    const resources = spec.computeResourceRequirements;
    // ComputeResourceRequirements is what each copy reserves; the sim requires it (CreateInferenceComponent
    // rejects a non-adapter component without it) and takes an update's Specification whole.
    if (resources === undefined) {
      throw validationException(
        `${field}.computeResourceRequirements must be specified for an inference component that is not an adapter.`,
      );
    }
    assertComputeResources(resources, `${field}.computeResourceRequirements`);
  }

  /** InferenceComponentRollingUpdatePolicy's ranges (API reference). */
  private assertRollingUpdate(policy: InferenceComponentRollingUpdate, copyCount: number): void {
    const base = 'deploymentConfig.rollingUpdatePolicy';
    assertCapacitySize(policy.maximumBatchSize, `${base}.maximumBatchSize`);
    // "The value must be between 5% to 50% of the copy count of the inference component." A batch of
    // one copy is allowed whatever the count (a component of one copy could not roll otherwise; AWS
    // does not say how it rounds).
    const batch = policy.maximumBatchSize;
    const share =
      batch.type === 'CAPACITY_PERCENT' ? batch.value : (100 * batch.value) / Math.max(1, copyCount);
    const oneCopy = batch.type === 'COPY_COUNT' && batch.value === 1;
    if (!oneCopy && (share < 5 || share > 50)) {
      throw validationException(
        `MaximumBatchSize ${batch.value} (${batch.type}) is ${share.toFixed(0)}% of the ${copyCount} copies of the inference component; it must be between 5% and 50% of the copy count.`,
      );
    }
    assertIntegerWithin(policy.waitIntervalInSeconds, 0, 3600, `${base}.waitIntervalInSeconds`);
    if (policy.maximumExecutionTimeoutInSeconds !== undefined) {
      assertIntegerWithin(
        policy.maximumExecutionTimeoutInSeconds,
        600,
        28800,
        `${base}.maximumExecutionTimeoutInSeconds`,
      );
    }
    if (policy.rollbackMaximumBatchSize !== undefined) {
      assertCapacitySize(policy.rollbackMaximumBatchSize, `${base}.rollbackMaximumBatchSize`);
    }
  }

  private startBatch(component: SimInferenceComponent, deployment: SimRollingDeployment, now: number): void {
    const size = copiesInBatch(deployment.policy.maximumBatchSize, deployment.targetCopyCount);
    deployment.adding = Math.min(size, deployment.targetCopyCount - deployment.newCopies);
    deployment.removing = Math.min(size, component.copies);
    deployment.phase = 'provisioning';
    deployment.phaseEndsAt = now + COPY_BATCH_MS;
  }

  private advanceDeployment(
    component: SimInferenceComponent,
    deployment: SimRollingDeployment,
    now: number,
  ): void {
    if (deployment.phase !== 'rollingBack') {
      if (deployment.deadline !== undefined && now >= deployment.deadline) {
        this.startRollback(
          component,
          deployment,
          now,
          `The deployment exceeded MaximumExecutionTimeoutInSeconds (${deployment.policy.maximumExecutionTimeoutInSeconds} s).`,
        );
        return;
      }
      if (deployment.phase === 'baking') {
        const firing = deployment.alarms.find((name) => this.deps.alarmState(name) === 'ALARM');
        if (firing !== undefined) {
          this.startRollback(
            component,
            deployment,
            now,
            `Alarm ${firing} went into ALARM state during the deployment.`,
          );
          return;
        }
      }
    }
    if (now < deployment.phaseEndsAt) return;
    switch (deployment.phase) {
      case 'provisioning': {
        const failure = this.failing.get(component.name);
        if (failure !== undefined && deployment.adding > 0) {
          this.failing.delete(component.name);
          this.startRollback(component, deployment, now, failure);
          return;
        }
        // The new batch takes traffic and the old copies it replaces terminate.
        deployment.newCopies += deployment.adding;
        component.copies -= deployment.removing;
        deployment.adding = 0;
        deployment.removing = 0;
        deployment.phase = 'baking';
        deployment.phaseEndsAt = now + deployment.policy.waitIntervalInSeconds * 1000;
        component.lastModifiedTime = now;
        if (deployment.policy.waitIntervalInSeconds === 0) this.advanceDeployment(component, deployment, now);
        return;
      }
      case 'baking':
        if (deployment.newCopies >= deployment.targetCopyCount && component.copies === 0) {
          component.specification = deployment.target;
          component.copies = deployment.newCopies;
          component.status = 'InService';
          component.lastModifiedTime = now;
          delete component.deployment;
          return;
        }
        this.startBatch(component, deployment, now);
        return;
      case 'rollingBack': {
        component.copies += deployment.adding;
        deployment.newCopies -= deployment.removing;
        component.lastModifiedTime = now;
        if (deployment.newCopies > 0 || component.copies < deployment.originalCopyCount) {
          this.startRollbackBatch(component, deployment, now);
          return;
        }
        // Rolled back: the old specification serves with its copies; the update's failure is the reason.
        // AWS documents the rollback, not the status after it; the sim reports InService with
        // FailureReason set, as an endpoint does after a guardrails rollback.
        component.status = 'InService';
        component.desiredCopyCount = deployment.originalCopyCount;
        component.failureReason = deployment.rollbackReason ?? 'The deployment was rolled back.';
        delete component.deployment;
        return;
      }
    }
  }

  /**
   * RollbackMaximumBatchSize: "If this field is absent, the value is set to the default, which is 100%
   * of the total capacity. When the default is used, SageMaker AI provisions the entire capacity of the
   * old fleet at once during rollback" (API reference, InferenceComponentRollingUpdatePolicy).
   */
  private startRollback(
    component: SimInferenceComponent,
    deployment: SimRollingDeployment,
    now: number,
    reason: string,
  ): void {
    deployment.phase = 'rollingBack';
    deployment.rollbackReason = reason;
    // A batch still coming up is abandoned: it never took traffic.
    deployment.adding = 0;
    deployment.removing = 0;
    this.startRollbackBatch(component, deployment, now);
  }

  private startRollbackBatch(
    component: SimInferenceComponent,
    deployment: SimRollingDeployment,
    now: number,
  ): void {
    const size = copiesInBatch(
      deployment.policy.rollbackMaximumBatchSize ?? { type: 'CAPACITY_PERCENT', value: 100 },
      deployment.originalCopyCount,
    );
    deployment.adding = Math.min(size, deployment.originalCopyCount - component.copies);
    deployment.removing = Math.min(size, deployment.newCopies);
    // Nothing to bring back (the first batch never took traffic): done at the next tick.
    deployment.phaseEndsAt = deployment.adding === 0 && deployment.removing === 0 ? now : now + COPY_BATCH_MS;
  }
}

/** InferenceComponentCapacitySize: Type COPY_COUNT | CAPACITY_PERCENT, Value an integer ≥ 1. */
function assertCapacitySize(size: InferenceComponentCapacitySize, field: string): void {
  if (size.type !== 'COPY_COUNT' && size.type !== 'CAPACITY_PERCENT') {
    throw fieldError(
      size.type,
      `${field}.type`,
      'Member must satisfy enum value set: [COPY_COUNT, CAPACITY_PERCENT]',
    );
  }
  assertIntegerAtLeast(size.value, 1, `${field}.value`);
}

/** InferenceComponentComputeResourceRequirements' minimums (API reference). */
function assertComputeResources(resources: InferenceComponentComputeResources, field: string): void {
  const atLeast = (value: number | undefined, min: number, member: string) => {
    if (value !== undefined && !(value >= min)) {
      throw fieldError(value, `${field}.${member}`, `Member must have value greater than or equal to ${min}`);
    }
  };
  atLeast(resources.numberOfCpuCoresRequired, 0.25, 'numberOfCpuCoresRequired');
  atLeast(resources.numberOfAcceleratorDevicesRequired, 1, 'numberOfAcceleratorDevicesRequired');
  atLeast(resources.minMemoryRequiredInMb, 128, 'minMemoryRequiredInMb');
  atLeast(resources.maxMemoryRequiredInMb, 128, 'maxMemoryRequiredInMb');
}

function runtimeValidationError(message: string): AwsServiceException {
  // The runtime's name for it is ValidationError, not SageMaker's ValidationException.
  const error = validationException(message);
  error.name = 'ValidationError';
  return error;
}
