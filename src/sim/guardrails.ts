// SageMaker deployment guardrails as data: UpdateEndpoint's DeploymentConfig in the API's own shape,
// its validation (the API's constraints and the developer guide's rules), and the traffic shifts a
// blue/green or rolling deployment compiles to (batches by instance count, each followed by its baking
// period). The deployment itself runs in sagemaker.ts; this file decides nothing about time.
import type { NativeCapacitySize, NativeDeploymentConfig } from '../../statemachines/contract';
import { validationException } from './aws-errors';

/** CapacitySize (API reference): "either as a number of instances or a capacity percentage". */
export interface CapacitySizeInput {
  Type: string;
  Value: number;
}

/** UpdateEndpoint's DeploymentConfig, as the request carries it and DescribeEndpoint's LastDeploymentConfig returns it. */
export interface DeploymentConfigInput {
  BlueGreenUpdatePolicy?: {
    TrafficRoutingConfiguration: {
      Type: string;
      WaitIntervalInSeconds: number;
      CanarySize?: CapacitySizeInput;
      LinearStepSize?: CapacitySizeInput;
    };
    TerminationWaitInSeconds?: number;
    MaximumExecutionTimeoutInSeconds?: number;
  };
  RollingUpdatePolicy?: {
    MaximumBatchSize: CapacitySizeInput;
    WaitIntervalInSeconds: number;
    MaximumExecutionTimeoutInSeconds?: number;
    RollbackMaximumBatchSize?: CapacitySizeInput;
  };
  AutoRollbackConfiguration?: { Alarms?: Array<{ AlarmName: string }> };
}

/** The port's NativeDeploymentConfig as the request's DeploymentConfig (what the AWS adapter sends too). */
export function deploymentConfigInput(config: NativeDeploymentConfig): DeploymentConfigInput {
  const size = (s: NativeCapacitySize): CapacitySizeInput => ({ Type: s.type, Value: s.value });
  const { blueGreen, rolling } = config;
  return {
    ...(blueGreen === undefined
      ? {}
      : {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: {
              Type: blueGreen.trafficRouting.type,
              WaitIntervalInSeconds: blueGreen.trafficRouting.waitIntervalInSeconds,
              ...(blueGreen.trafficRouting.canarySize === undefined
                ? {}
                : { CanarySize: size(blueGreen.trafficRouting.canarySize) }),
              ...(blueGreen.trafficRouting.linearStepSize === undefined
                ? {}
                : { LinearStepSize: size(blueGreen.trafficRouting.linearStepSize) }),
            },
            TerminationWaitInSeconds: blueGreen.terminationWaitInSeconds,
            ...(blueGreen.maximumExecutionTimeoutInSeconds === undefined
              ? {}
              : { MaximumExecutionTimeoutInSeconds: blueGreen.maximumExecutionTimeoutInSeconds }),
          },
        }),
    ...(rolling === undefined
      ? {}
      : {
          RollingUpdatePolicy: {
            MaximumBatchSize: size(rolling.maximumBatchSize),
            WaitIntervalInSeconds: rolling.waitIntervalInSeconds,
            ...(rolling.maximumExecutionTimeoutInSeconds === undefined
              ? {}
              : { MaximumExecutionTimeoutInSeconds: rolling.maximumExecutionTimeoutInSeconds }),
            ...(rolling.rollbackMaximumBatchSize === undefined
              ? {}
              : { RollbackMaximumBatchSize: size(rolling.rollbackMaximumBatchSize) }),
          },
        }),
    ...(config.autoRollbackAlarms.length === 0
      ? {}
      : {
          AutoRollbackConfiguration: {
            Alarms: config.autoRollbackAlarms.map((alarmName) => ({ AlarmName: alarmName })),
          },
        }),
  };
}

// The API reference's constraints (botocore's service model agrees): WaitIntervalInSeconds and
// TerminationWaitInSeconds "Minimum value of 0. Maximum value of 3600", MaximumExecutionTimeoutInSeconds
// "Minimum value of 600. Maximum value of 28800", CapacitySize Value "Minimum value of 1", Type
// INSTANCE_COUNT | CAPACITY_PERCENT, TrafficRoutingConfig Type ALL_AT_ONCE | CANARY | LINEAR,
// AutoRollbackConfig Alarms "Minimum number of 1 item. Maximum number of 10 items", AlarmName 1 to 255.
const WAIT_RANGE = { min: 0, max: 3600 };
const TIMEOUT_RANGE = { min: 600, max: 28800 };
const MAX_ALARMS = 10;
const CAPACITY_TYPES = ['INSTANCE_COUNT', 'CAPACITY_PERCENT'];
const ROUTING_TYPES = ['ALL_AT_ONCE', 'CANARY', 'LINEAR'];
/** "If no update policy is specified, SageMaker uses a blue/green deployment strategy with all at once traffic shifting by default." */
const DEFAULT_TIMEOUT_SECONDS = TIMEOUT_RANGE.max;

/**
 * The request-level constraints, reported the way SageMaker's front end reports them: "N validation
 * error(s) detected: Value 'x' at 'path' failed to satisfy constraint: ...", joined by "; ".
 */
export function assertDeploymentConfigShape(config: DeploymentConfigInput): void {
  const errors: string[] = [];
  const range = (value: number, path: string, bounds: { min: number; max?: number }) => {
    if (!Number.isInteger(value) || value < bounds.min) {
      errors.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${bounds.min}`,
      );
    } else if (bounds.max !== undefined && value > bounds.max) {
      errors.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${bounds.max}`,
      );
    }
  };
  const oneOf = (value: string, path: string, allowed: readonly string[]) => {
    if (!allowed.includes(value)) {
      errors.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    }
  };
  const capacity = (size: CapacitySizeInput | undefined, path: string) => {
    if (size === undefined) return;
    oneOf(size.Type, `${path}.type`, CAPACITY_TYPES);
    range(size.Value, `${path}.value`, { min: 1 });
  };
  const blueGreen = config.BlueGreenUpdatePolicy;
  if (blueGreen !== undefined) {
    const base = 'deploymentConfig.blueGreenUpdatePolicy';
    const routing = blueGreen.TrafficRoutingConfiguration;
    oneOf(routing.Type, `${base}.trafficRoutingConfiguration.type`, ROUTING_TYPES);
    range(
      routing.WaitIntervalInSeconds,
      `${base}.trafficRoutingConfiguration.waitIntervalInSeconds`,
      WAIT_RANGE,
    );
    capacity(routing.CanarySize, `${base}.trafficRoutingConfiguration.canarySize`);
    capacity(routing.LinearStepSize, `${base}.trafficRoutingConfiguration.linearStepSize`);
    if (blueGreen.TerminationWaitInSeconds !== undefined)
      range(blueGreen.TerminationWaitInSeconds, `${base}.terminationWaitInSeconds`, WAIT_RANGE);
    if (blueGreen.MaximumExecutionTimeoutInSeconds !== undefined)
      range(
        blueGreen.MaximumExecutionTimeoutInSeconds,
        `${base}.maximumExecutionTimeoutInSeconds`,
        TIMEOUT_RANGE,
      );
  }
  const rolling = config.RollingUpdatePolicy;
  if (rolling !== undefined) {
    const base = 'deploymentConfig.rollingUpdatePolicy';
    capacity(rolling.MaximumBatchSize, `${base}.maximumBatchSize`);
    range(rolling.WaitIntervalInSeconds, `${base}.waitIntervalInSeconds`, WAIT_RANGE);
    if (rolling.MaximumExecutionTimeoutInSeconds !== undefined)
      range(
        rolling.MaximumExecutionTimeoutInSeconds,
        `${base}.maximumExecutionTimeoutInSeconds`,
        TIMEOUT_RANGE,
      );
    capacity(rolling.RollbackMaximumBatchSize, `${base}.rollbackMaximumBatchSize`);
  }
  const alarms = config.AutoRollbackConfiguration?.Alarms;
  if (alarms !== undefined) {
    if (alarms.length < 1 || alarms.length > MAX_ALARMS) {
      errors.push(
        `Value '[...]' at 'deploymentConfig.autoRollbackConfiguration.alarms' failed to satisfy constraint: Member must have length ${
          alarms.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ALARMS}`
        }`,
      );
    }
    alarms.forEach((alarm, index) => {
      const name = alarm.AlarmName;
      if (name.trim().length === 0 || name.length > 255) {
        errors.push(
          `Value '${name}' at 'deploymentConfig.autoRollbackConfiguration.alarms.${index + 1}.member.alarmName' failed to satisfy constraint: Member must have length between 1 and 255 and must not be blank`,
        );
      }
    });
  }
  if (errors.length > 0) {
    throw validationException(
      `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`,
    );
  }
}

/** One traffic shift of a blue/green deployment: how many green instances of each variant take traffic. */
export interface TrafficShift {
  /** Green instances taking traffic after the shift, by variant name. */
  active: Record<string, number>;
  /** The last shift turns on the green fleet's full capacity; the earlier ones are canary / linear steps. */
  final: boolean;
}

/**
 * What a deployment does, in order: each shift is followed by a bake of `waitMs`. Blue/green shifts
 * traffic between two full fleets (`routing` ALL_AT_ONCE | CANARY | LINEAR); a rolling deployment
 * (`ROLLING`) launches each batch of new instances before its shift and terminates as many old ones after.
 */
export interface DeploymentPlan {
  routing: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR' | 'ROLLING';
  /** Rolling only: how many green instances each rollback step takes off traffic (RollbackMaximumBatchSize). */
  rollbackBatch?: Record<string, number>;
  shifts: TrafficShift[];
  waitMs: number;
  terminationWaitMs: number;
  timeoutMs: number;
  alarms: string[];
}

/** A green fleet to shift traffic to: the variant and its instance count (undefined: serverless). */
export interface GreenVariant {
  variantName: string;
  instanceCount: number | undefined;
}

/**
 * How many instances a CapacitySize names of a fleet of `fleet`. A percentage is of "the variant's total
 * instance count" (TrafficRoutingConfig, CanarySize / LinearStepSize). AWS does not document how a
 * percentage that is not a whole number of instances rounds; the sim rounds down, to at least one.
 */
export function instancesOf(size: CapacitySizeInput, fleet: number): number {
  if (size.Type === 'INSTANCE_COUNT') return size.Value;
  return Math.max(1, Math.floor((fleet * size.Value) / 100));
}

/**
 * The plan of a validated RollingUpdatePolicy. "Value must be between 5% to 50% of the variant's total
 * instance count" (MaximumBatchSize); RollbackMaximumBatchSize "If this field is absent, the default
 * value will be set to 100% of total capacity". Rolling deployments exclude "Serverless inference
 * endpoints" and "Multi-variant inference endpoints" ("Exclusions"). Messages are the sim's own.
 */
export function planRolling(config: DeploymentConfigInput, green: readonly GreenVariant[]): DeploymentPlan {
  const policy = config.RollingUpdatePolicy;
  if (policy === undefined) throw new Error('planRolling needs a RollingUpdatePolicy');
  const [variant, ...others] = green;
  if (variant === undefined || others.length > 0) {
    throw validationException(
      `A rolling deployment (RollingUpdatePolicy) needs an endpoint with one production variant; the new config has ${green.length}.`,
    );
  }
  const fleet = variant.instanceCount;
  if (fleet === undefined) {
    throw validationException(
      `Production variant ${variant.variantName} is serverless: rolling deployments do not apply to serverless inference endpoints.`,
    );
  }
  const batch = instancesOf(policy.MaximumBatchSize, fleet);
  if (batch * 2 > fleet || batch * 20 < fleet) {
    throw validationException(
      `MaximumBatchSize of ${batch} instance(s) is not between 5% and 50% of the ${fleet} instance(s) of production variant ${variant.variantName}.`,
    );
  }
  const steps: number[] = [];
  for (let active = batch; active < fleet; active += batch) steps.push(active);
  steps.push(fleet);
  const rollbackSize = policy.RollbackMaximumBatchSize;
  return {
    routing: 'ROLLING',
    shifts: steps.map((active, index) => ({
      active: { [variant.variantName]: active },
      final: index === steps.length - 1,
    })),
    waitMs: policy.WaitIntervalInSeconds * 1000,
    terminationWaitMs: 0,
    timeoutMs: (policy.MaximumExecutionTimeoutInSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    alarms: (config.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName),
    rollbackBatch: {
      [variant.variantName]:
        rollbackSize === undefined ? fleet : Math.min(fleet, instancesOf(rollbackSize, fleet)),
    },
  };
}

/**
 * The blue/green plan of a validated DeploymentConfig for these green fleets, or a ValidationException
 * for what the developer guide forbids. Messages are the sim's own (AWS publishes none for these rules).
 */
export function planBlueGreen(config: DeploymentConfigInput, green: readonly GreenVariant[]): DeploymentPlan {
  const policy = config.BlueGreenUpdatePolicy;
  const routing = policy?.TrafficRoutingConfiguration;
  const type = (routing?.Type ?? 'ALL_AT_ONCE') as DeploymentPlan['routing'];
  const waitSeconds = routing?.WaitIntervalInSeconds ?? 0;
  const terminationSeconds = policy?.TerminationWaitInSeconds ?? 0;
  const timeoutSeconds = policy?.MaximumExecutionTimeoutInSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const size =
    type === 'CANARY' ? routing?.CanarySize : type === 'LINEAR' ? routing?.LinearStepSize : undefined;
  if (type !== 'ALL_AT_ONCE' && size === undefined) {
    const field = type === 'CANARY' ? 'CanarySize' : 'LinearStepSize';
    throw validationException(
      `TrafficRoutingConfiguration of type ${type} requires ${field}: the number of instances or the percentage of the new fleet to turn traffic on for in each step.`,
    );
  }
  const perVariant = green.map((variant): number[] => {
    const fleet = variant.instanceCount;
    // A serverless fleet turns on as one unit.
    if (size === undefined) return [fleet ?? 1];
    if (fleet === undefined) {
      // Batch sizes are of "the variant's total instance count"; a serverless variant has none.
      throw validationException(
        `Production variant ${variant.variantName} is serverless: ${type} traffic routing shifts batches of instances, which a serverless variant does not have. Use ALL_AT_ONCE.`,
      );
    }
    const batch = instancesOf(size, fleet);
    if (type === 'CANARY') {
      // CanarySize: "Value must be less than or equal to 50% of the variant's total instance count."
      if (batch * 2 > fleet) {
        throw validationException(
          `CanarySize of ${batch} instance(s) is more than 50% of the ${fleet} instance(s) of production variant ${variant.variantName}: the canary must be at most half of the new fleet.`,
        );
      }
      return [batch, fleet];
    }
    // LinearStepSize: "Value must be 10-50% of the variant's total instance count."
    if (batch * 2 > fleet || batch * 10 < fleet) {
      throw validationException(
        `LinearStepSize of ${batch} instance(s) is not between 10% and 50% of the ${fleet} instance(s) of production variant ${variant.variantName}.`,
      );
    }
    const steps: number[] = [];
    for (let active = batch; active < fleet; active += batch) steps.push(active);
    steps.push(fleet);
    return steps;
  });
  const count = Math.max(1, ...perVariant.map((steps) => steps.length));
  const shifts: TrafficShift[] = Array.from({ length: count }, (_, index) => ({
    active: Object.fromEntries(
      green.map((variant, v) => {
        const steps = perVariant[v] ?? [];
        return [variant.variantName, steps[Math.min(index, steps.length - 1)] ?? 0];
      }),
    ),
    final: index === count - 1,
  }));
  // MaximumExecutionTimeoutInSeconds: "the timeout value should be larger than the total waiting time
  // specified in TerminationWaitInSeconds and WaitIntervalInSeconds" (BlueGreenUpdatePolicy).
  const totalWait = count * waitSeconds + terminationSeconds;
  if (timeoutSeconds <= totalWait) {
    throw validationException(
      `MaximumExecutionTimeoutInSeconds (${timeoutSeconds}) must be larger than the total waiting time of the deployment: ${count} baking period(s) of WaitIntervalInSeconds ${waitSeconds} plus TerminationWaitInSeconds ${terminationSeconds} = ${totalWait} seconds.`,
    );
  }
  return {
    routing: type,
    shifts,
    waitMs: waitSeconds * 1000,
    terminationWaitMs: terminationSeconds * 1000,
    timeoutMs: timeoutSeconds * 1000,
    alarms: (config.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName),
  };
}
