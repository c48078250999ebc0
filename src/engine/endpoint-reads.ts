// One DescribeEndpoint per endpoint per engine step: the rollout's effects read the endpoint before
// and after each change (applyEndpointChange, checkEndpoint, the cleanups), often several times in
// one step with nothing written in between — the change-confirming check, then the next change's
// status check a moment later. Inside a step's scope a read is reused until the controller writes
// to the endpoint or its scaling (UpdateEndpoint, UpdateEndpointWeightsAndCapacities, any
// Application Auto Scaling write), which forgets it. Outside a scope every read goes to SageMaker.
//
// What a reused read can miss is a change made by someone else between two effects of the same
// step (milliseconds apart, in one process): the same a read made a moment earlier always misses,
// and every write SageMaker would refuse for it (an endpoint gone Updating) still fails and is
// retried as before. A step starts with no reads: the first look of every wake-up — the one that
// confirms a change completed, or sees SageMaker rolled it back silently — always goes to SageMaker.
import type { EndpointControl, EndpointState, ScalingControl } from './ports';

export class EndpointReads {
  /** Open scopes per endpoint (a start's checks and its first step nest). */
  private readonly scopes = new Map<string, number>();
  private readonly reads = new Map<string, EndpointState | undefined>();
  readonly endpoints: EndpointControl;
  readonly scaling: ScalingControl | undefined;

  constructor(endpoints: EndpointControl, scaling?: ScalingControl) {
    const forget = (endpointName: string) => this.forget(endpointName);
    const reads = this.reads;
    const scopes = this.scopes;
    this.endpoints = {
      async describeEndpoint(endpointName) {
        if (scopes.has(endpointName) && reads.has(endpointName)) {
          return structuredClone(reads.get(endpointName));
        }
        const state = await endpoints.describeEndpoint(endpointName);
        if (scopes.has(endpointName)) reads.set(endpointName, structuredClone(state));
        return state;
      },
      describeEndpointConfig: (name) => endpoints.describeEndpointConfig(name),
      describeModelPackage: (arn) => endpoints.describeModelPackage(arn),
      describeModel: (name) => endpoints.describeModel(name),
      listTags: (arn) => endpoints.listTags(arn),
      createModel: (request) => endpoints.createModel(request),
      createEndpointConfig: (request) => endpoints.createEndpointConfig(request),
      // Forgotten before the call: a write that failed half-way may still have changed the endpoint.
      updateEndpoint(endpointName, endpointConfigName, options) {
        forget(endpointName);
        return endpoints.updateEndpoint(endpointName, endpointConfigName, options);
      },
      updateWeights(endpointName, weights) {
        forget(endpointName);
        return endpoints.updateWeights(endpointName, weights);
      },
      deleteEndpointConfig: (name) => endpoints.deleteEndpointConfig(name),
      deleteModel: (name) => endpoints.deleteModel(name),
    };
    // Scaling writes change no DescribeEndpoint field at once, but Application Auto Scaling may act on
    // them (resize a variant) at any moment after: the next look goes to SageMaker.
    this.scaling = scaling && {
      describeVariantScaling: (endpointName, variantName) =>
        scaling.describeVariantScaling(endpointName, variantName),
      registerScalableTarget(endpointName, variantName, target) {
        forget(endpointName);
        return scaling.registerScalableTarget(endpointName, variantName, target);
      },
      putScalingPolicy(endpointName, variantName, policy) {
        forget(endpointName);
        return scaling.putScalingPolicy(endpointName, variantName, policy);
      },
      putScheduledAction(endpointName, variantName, action) {
        forget(endpointName);
        return scaling.putScheduledAction(endpointName, variantName, action);
      },
      deregisterScalableTarget(endpointName, variantName) {
        forget(endpointName);
        return scaling.deregisterScalableTarget(endpointName, variantName);
      },
    };
  }

  /**
   * Runs `work` with reads of `endpointName` reused until a write; the outermost scope forgets them
   * when it ends, so the next step reads afresh.
   */
  async within<T>(endpointName: string, work: () => Promise<T>): Promise<T> {
    const open = this.scopes.get(endpointName) ?? 0;
    this.scopes.set(endpointName, open + 1);
    try {
      return await work();
    } finally {
      if (open === 0) {
        this.scopes.delete(endpointName);
        this.reads.delete(endpointName);
      } else {
        this.scopes.set(endpointName, open);
      }
    }
  }

  /** Drops the reused read (a write, or another writer saved the rollout first). */
  forget(endpointName: string): void {
    this.reads.delete(endpointName);
  }
}
