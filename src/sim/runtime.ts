// Simulated SageMaker Runtime: InvokeEndpoint aimed at one variant (TargetVariant), served from the
// variant's model behaviour (its error rate and latency), counted in that variant's invocation
// metrics like any other request. What the pre-traffic check sends before the candidate has traffic.
// On an endpoint that hosts inference components the request names its component instead
// (InferenceComponentName, served by inference-components.ts).
import { AwsServiceException, validationException } from './aws-errors';
import type { Arns } from './aws-names';
import type { SimClock } from './clock';
import type { SeededRandom } from './random';
import type { SimInferenceComponents } from './inference-components';
import type { SimSageMaker } from './sagemaker';

/** Lognormal spread of latencies, as the minute traffic draws them (traffic.ts). */
const LATENCY_SIGMA = 0.25;
/** SageMaker's own overhead per request, in microseconds (as traffic.ts). */
const OVERHEAD_MICROS = 2_500;

/**
 * Statuses in which an endpoint answers invocations. UpdateEndpoint "shifts endpoint traffic to the
 * new instances ... and then deletes the old instances ... (there is no availability loss)"
 * (SageMaker API reference, UpdateEndpoint): an Updating endpoint serves from its live config. One
 * still Creating, or Failed, Deleting or OutOfService, has no fleet that answers.
 */
const SERVING_STATUSES = new Set(['InService', 'Updating', 'SystemUpdating', 'RollingBack']);

export interface InvokeEndpointInput {
  EndpointName: string;
  TargetVariant?: string;
  /** The component to invoke on an endpoint that hosts inference components. */
  InferenceComponentName?: string;
  Body: string;
  ContentType?: string;
  Accept?: string;
}

export interface InvokeEndpointOutput {
  Body: string;
  ContentType: string;
  InvokedProductionVariant: string;
  /** Not an AWS field: how long the request took (model plus overhead), for the caller's clock. */
  latencyMs: number;
}

/**
 * "Model (owned by the customer in the container) returned 4xx or 5xx error code" (InvokeEndpoint
 * API reference, Errors: ModelError, HTTP 424), with the model's own OriginalStatusCode and
 * OriginalMessage and the LogStreamArn of its CloudWatch log group.
 */
export class ModelErrorException extends AwsServiceException {
  constructor(
    message: string,
    readonly originalStatusCode: number,
    readonly originalMessage: string,
    readonly logStreamArn: string,
    /** How long the failed request took (it still reached the model). */
    readonly latencyMs: number,
  ) {
    super('ModelError', message);
  }
}

export class SimRuntime {
  /** Whether any request was served (the cloud then saves this stream's position). */
  invoked = false;

  constructor(
    private readonly deps: {
      sagemaker: SimSageMaker;
      /** Endpoints that host inference components answer by component (InferenceComponentName). */
      inferenceComponents?: SimInferenceComponents;
      /** Counts the request in the variant's publish period in progress (TrafficSimulator.recordInvocation). */
      recordInvocation: (
        endpointName: string,
        variantName: string,
        at: number,
        sample: { error: boolean; latencyMicros: number; overheadMicros: number },
      ) => void;
      clock: SimClock;
      arns: Arns;
      random: SeededRandom;
    },
  ) {}

  invokeEndpoint(input: InvokeEndpointInput): InvokeEndpointOutput {
    const { sagemaker, arns } = this.deps;
    this.invoked = true;
    const components = this.deps.inferenceComponents;
    if (components?.isHostingEndpoint(input.EndpointName) === true) return components.invoke(input);
    const endpoint = sagemaker.endpointView(input.EndpointName);
    // "ValidationError: Inspect your request and try again" (API reference, Errors); the text is what
    // the runtime answers for an unknown endpoint, e.g. "Endpoint churn of account 1234... not found."
    if (endpoint === undefined) {
      throw validationErrorOf(`Endpoint ${input.EndpointName} of account ${arns.accountId} not found.`);
    }
    if (!SERVING_STATUSES.has(endpoint.status)) {
      // AWS documents the error (ValidationError) but not its text for an endpoint that cannot serve.
      throw validationErrorOf(
        `Endpoint ${input.EndpointName} of account ${arns.accountId} is ${endpoint.status}, not in service.`,
      );
    }
    // TargetVariant "overrides the default behavior for the endpoint, which is to distribute the
    // invocation traffic based on the variant weights" (API reference): a variant at weight 0 answers.
    // Only the live config's variants exist to be targeted; AWS does not document the text.
    const variant =
      input.TargetVariant === undefined
        ? this.byWeight(endpoint.variants)
        : endpoint.variants.find((v) => v.variantName === input.TargetVariant);
    if (variant === undefined) {
      throw validationErrorOf(
        `Variant ${input.TargetVariant ?? '(by weight)'} is not a production variant of endpoint ${input.EndpointName}.`,
      );
    }
    // During a guardrails deployment the variant's requests reach its blue or green fleet by their shares.
    const modelName =
      sagemaker.greenModelServing(input.EndpointName, variant.variantName, () => this.deps.random.next()) ??
      variant.modelName;
    const behaviour = sagemaker.behaviourOf(modelName);
    const failed = this.deps.random.next() < behaviour.errorRate;
    const factor = Math.exp(LATENCY_SIGMA * this.deps.random.normal() - (LATENCY_SIGMA * LATENCY_SIGMA) / 2);
    const modelMicros = Math.round(behaviour.latencyMs * 1000 * factor);
    const overheadMicros = Math.round(OVERHEAD_MICROS * (0.8 + 0.4 * this.deps.random.next()));
    this.count(input.EndpointName, variant.variantName, failed, modelMicros, overheadMicros);
    const latencyMs = (modelMicros + overheadMicros) / 1000;
    if (failed) {
      const original = 'Internal Server Error';
      const logGroup = `/aws/sagemaker/Endpoints/${input.EndpointName}`;
      // SageMaker's wording, e.g. `Received server error (500) from primary with message "...". See
      // https://...#logEventViewer:group=/aws/sagemaker/Endpoints/<name> in account <id> for more information.`
      throw new ModelErrorException(
        `Received server error (500) from ${variant.variantName} with message "${original}". See ` +
          `https://${arns.region}.console.aws.amazon.com/cloudwatch/home?region=${arns.region}#logEventViewer:group=${logGroup} ` +
          `in account ${arns.accountId} for more information.`,
        500,
        original,
        `arn:aws:logs:${arns.region}:${arns.accountId}:log-group:${logGroup}`,
        latencyMs,
      );
    }
    return {
      Body: JSON.stringify({ predictions: [0.5] }),
      ContentType: input.Accept ?? 'application/json',
      InvokedProductionVariant: variant.variantName,
      latencyMs,
    };
  }

  /** Without TargetVariant a request goes where the weights send it. */
  private byWeight<V extends { currentWeight: number }>(variants: V[]): V | undefined {
    const total = variants.reduce((sum, v) => sum + v.currentWeight, 0);
    let draw = this.deps.random.next() * total;
    for (const variant of variants) {
      draw -= variant.currentWeight;
      if (variant.currentWeight > 0 && draw < 0) return variant;
    }
    return undefined;
  }

  /**
   * The request is an invocation of that variant like any other: Invocations, Invocation5XXErrors
   * ("the number of InvokeEndpoint requests where the model returned a 5xx HTTP response code"),
   * Invocation4XXErrors, ModelLatency and OverheadLatency (SageMaker Developer Guide, "Amazon SageMaker
   * AI metrics in Amazon CloudWatch", Endpoint invocation metrics), in the publish period it was sent in.
   */
  private count(
    endpointName: string,
    variantName: string,
    failed: boolean,
    modelMicros: number,
    overheadMicros: number,
  ): void {
    this.deps.recordInvocation(endpointName, variantName, this.deps.clock.now(), {
      error: failed,
      latencyMicros: modelMicros,
      overheadMicros,
    });
  }
}

function validationErrorOf(message: string): AwsServiceException {
  // The runtime's name for it is ValidationError, not SageMaker's ValidationException.
  const error = validationException(message);
  error.name = 'ValidationError';
  return error;
}
