// Failure injection for the simulated cloud: the faults a test can arm, and the bookkeeping that
// decides which future call or update they hit.

export type SimFault =
  /** The next UpdateEndpoint on the endpoint ends with status Failed and a FailureReason. */
  | { kind: 'updateFails'; endpointName: string; reason?: string }
  /**
   * The next UpdateEndpoint on the endpoint ends InService on the OLD config with FailureReason set:
   * what SageMaker does when a deployment fails and it rolls back by itself.
   */
  | { kind: 'silentRollback'; endpointName: string; reason?: string }
  /**
   * The next UpdateEndpoint on the endpoint, if it is a rolling deployment (RollingUpdatePolicy) that
   * rolls back, fails its rollback: UpdateRollbackFailed, "Both the rolling deployment and auto-rollback
   * failed" (DescribeEndpoint, EndpointStatus). Any other update consumes it without effect.
   */
  | { kind: 'rollbackFails'; endpointName: string; reason?: string }
  /** The next `count` port calls to the named AWS operations (all when omitted) throw THROTTLED. */
  | { kind: 'throttle'; operations?: string[]; count: number }
  /** The endpoint disappears now (someone deleted it behind the controller's back). */
  | { kind: 'deleteEndpoint'; endpointName: string }
  /**
   * Eventual consistency: the next model (or endpoint config) created stays invisible to the calls that
   * reference it — CreateEndpointConfig naming the model, UpdateEndpoint naming the config — for
   * `calls` such calls, which fail "Could not find ..." as SageMaker's do ("If the dependent entities
   * are not yet in DynamoDB, this causes a validation error", CreateEndpointConfig API reference).
   */
  | { kind: 'notYetVisible'; resource: 'model' | 'endpointConfig'; calls: number };

export type VisibilityFault = Extract<SimFault, { kind: 'notYetVisible' }>;

export type UpdateFault = Extract<SimFault, { kind: 'updateFails' | 'silentRollback' | 'rollbackFails' }>;

interface ArmedThrottle {
  operations: ReadonlySet<string> | undefined;
  remaining: number;
}

export class FaultPlan {
  private readonly updateFaults = new Map<string, UpdateFault[]>();
  private readonly throttles: ArmedThrottle[] = [];
  private readonly visibilityFaults: VisibilityFault[] = [];

  armVisibilityFault(fault: VisibilityFault): void {
    if (!Number.isInteger(fault.calls) || fault.calls < 1)
      throw new Error(`a notYetVisible fault needs a positive number of calls, got ${fault.calls}`);
    this.visibilityFaults.push({ ...fault });
  }

  /** How many referencing calls the resource being created now stays invisible to (0: none), consumed. */
  takeVisibilityDelay(resource: VisibilityFault['resource']): number {
    const index = this.visibilityFaults.findIndex((f) => f.resource === resource);
    if (index === -1) return 0;
    return this.visibilityFaults.splice(index, 1)[0]!.calls;
  }

  armUpdateFault(fault: UpdateFault): void {
    const queued = this.updateFaults.get(fault.endpointName) ?? [];
    queued.push(fault);
    this.updateFaults.set(fault.endpointName, queued);
  }

  /** The fault the next UpdateEndpoint on this endpoint meets, consumed (first armed, first used). */
  takeUpdateFault(endpointName: string): UpdateFault | undefined {
    return this.updateFaults.get(endpointName)?.shift();
  }

  armThrottle(operations: readonly string[] | undefined, count: number): void {
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`a throttle fault needs a positive count, got ${count}`);
    this.throttles.push({
      operations: operations === undefined ? undefined : new Set(operations),
      remaining: count,
    });
  }

  exportState(): FaultPlanState {
    return {
      updateFaults: [...this.updateFaults.values()].flat().map((f) => ({ ...f })),
      throttles: this.throttles
        .filter((t) => t.remaining > 0)
        .map((t) => ({
          ...(t.operations === undefined ? {} : { operations: [...t.operations] }),
          remaining: t.remaining,
        })),
      ...(this.visibilityFaults.length > 0
        ? { visibilityFaults: this.visibilityFaults.map((f) => ({ ...f })) }
        : {}),
    };
  }

  importState(state: FaultPlanState): void {
    for (const fault of state.updateFaults) this.armUpdateFault({ ...fault });
    for (const throttle of state.throttles) this.armThrottle(throttle.operations, throttle.remaining);
    for (const fault of state.visibilityFaults ?? []) this.armVisibilityFault(fault);
  }

  /** True when this call is throttled; consumes one use of the first matching throttle. */
  takeThrottle(operation: string): boolean {
    const throttle = this.throttles.find(
      (t) => t.remaining > 0 && (t.operations === undefined || t.operations.has(operation)),
    );
    if (throttle === undefined) return false;
    throttle.remaining -= 1;
    return true;
  }
}

/** The faults still armed, as saved with the simulated cloud. */
export interface FaultPlanState {
  updateFaults: UpdateFault[];
  throttles: Array<{ operations?: string[]; remaining: number }>;
  /** Absent in states saved before the fault existed. */
  visibilityFaults?: VisibilityFault[];
}
