// Policy sets and what one policy does, without any file format: the set the controller looks
// policies up in, the error that lists a file's problems, reading a file's text, and the start request
// a policy makes for an approved version. Kept apart from the YAML reader (load.ts) so the controller
// Lambda, which reads the JSON written at synth (deployed.ts), does not bundle the yaml package.
import { readFileSync } from 'node:fs';
// The engine's modules, not its barrel (which also exports the rollout engine: see schema.ts).
import { modelPackageVersionOf } from '../engine/names';
import { toPreTrafficCheckSpec } from '../engine/pre-traffic-check';
import { mergeStartRequest, type ValidStartRequest } from '../engine/start-request';
import { SmRolloutError } from '../errors';
import type { Policy } from './schema';

export interface PolicySet {
  /** Where the policies came from (a path, or a name given to parsePolicies). */
  readonly source: string;
  readonly policies: readonly Policy[];
  /** The policy for a model package group, by its name (as in the approval event). */
  forGroup(modelPackageGroup: string): Policy | undefined;
  /** The policy for an endpoint, by its name. */
  forEndpoint(endpointName: string): Policy | undefined;
}

/** A policy file with problems: `problems` holds one line per problem, as the message lists them. */
export class InvalidPolicyFileError extends SmRolloutError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('INVALID_INPUT', [`${source}: ${count}:`, ...problems.map((p) => `  ${p}`)].join('\n'), {
      field: 'policies',
    });
    this.problems = problems;
  }
}

/** A policy file's text; throws InvalidPolicyFileError saying why it cannot be read. */
export function readPolicyText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'no such file; check the path (it is read relative to the current directory)'
        : code === 'EISDIR'
          ? 'is a directory; give the policy file inside it, e.g. policies.yaml'
          : `cannot be read (${code ?? String(error)})`;
    throw new InvalidPolicyFileError(path, [`${path}: ${problem}`]);
  }
}

export function policySet(source: string, policies: readonly Policy[]): PolicySet {
  const byGroup = new Map(policies.map((p) => [p.modelPackageGroup, p]));
  const byEndpoint = new Map(policies.map((p) => [p.endpoint, p]));
  return {
    source,
    policies,
    forGroup: (name) => byGroup.get(name),
    forEndpoint: (name) => byEndpoint.get(name),
  };
}

/**
 * The validated start request a policy makes for one approved version: the policy's plan and time
 * limit as checked with the policy file, so nothing is parsed twice. Refuses a version of another
 * group, so an approval can never roll the wrong model onto the policy's endpoint.
 */
export function policyStartRequest(
  policy: Policy,
  modelPackageArn: string,
  requestedBy: string,
): ValidStartRequest {
  const group = modelPackageVersionOf(modelPackageArn)?.group;
  if (group !== undefined && group !== policy.modelPackageGroup) {
    throw new SmRolloutError(
      'INVALID_INPUT',
      `modelPackageArn: ${modelPackageArn} is a version of ${group}, but this policy rolls out ` +
        `${policy.modelPackageGroup} onto ${policy.endpoint}; use the policy for ${group}`,
      { field: 'modelPackageArn' },
    );
  }
  const fromPolicy: ValidStartRequest = {
    endpointName: policy.endpoint,
    modelPackageArn,
    executionRoleArn: policy.executionRoleArn,
    plan: policy.plan,
    alarms: [...new Set(policy.alarms)],
    candidateAlarms: policy.candidateAlarms.map((template) => ({ ...template })),
    candidate: { ...policy.candidate },
    maxDurationMs: policy.maxDurationMs,
    requestedBy,
    allowUnguarded: policy.allowUnguarded,
    // What an approval may deploy; a person's start through the controller sets its own.
    versionGate: policy.onOlderApproval === 'deploy' ? 'notServing' : 'newerOnly',
    ...(policy.retainPrevious !== undefined ? { retainPrevious: policy.retainPrevious } : {}),
    ...(policy.judgeSettings ? { judge: policy.judgeSettings } : {}),
    enhancedMetrics: policy.enhancedMetrics,
    ...(policy.preTrafficCheck ? { preTrafficCheck: toPreTrafficCheckSpec(policy.preTrafficCheck) } : {}),
    ...(policy.engine === 'native' ? { engine: 'native' as const } : {}),
    ...(policy.inferenceComponent !== undefined ? { inferenceComponent: policy.inferenceComponent } : {}),
  };
  // The policy's fields were checked with its file; what the approval brings is checked here.
  return mergeStartRequest(fromPolicy, { modelPackageArn, requestedBy });
}
