// `sm-rollout policy validate`: checks a policy file (YAML or JSON) and says what each policy will
// do, or lists every problem with its line, policy, field and fix.
import type { AlarmReachProblem } from '../../engine';
import { SmRolloutError, isSmRolloutError } from '../../errors';
import {
  InvalidPolicyFileError,
  loadPolicies,
  summarizePolicy,
  type PolicyCheckOptions,
  type PolicySet,
} from '../../policy';
import type { RolloutBackend } from '../backend';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseEngineFlag, parseFlags } from '../flags';
import { BACKEND_HELP, BACKEND_OPTIONS, type BackendFlags } from '../mode';
import { withBackend } from './shared';

export const POLICY_USAGE = `Usage: sm-rollout policy validate <file> [--engine stepwise|native] [--stack <name> | --local | --simulate] [--output json]

Checks a policy file (YAML or JSON): every field, that each strategy compiles, that durations
parse, one policy per endpoint and per model package group, and that maxDuration outlasts the
plan's bakes. A valid file prints what each policy will do; an invalid one lists every problem
with its line, the policy, the field and the fix, and exits 1.

With AWS access (--stack, --table, --local or --simulate) it also reads each policy's endpoint and
alarms, read-only, and checks every alarm as a start would: an alarm on a SageMaker metric without
VariantName, on a variant the endpoint does not have, on a metric SageMaker does not publish in that
namespace, or a composite that can never go to ALARM gets no data on AWS and would refuse the start
(exit 1, naming the alarm and the fix); an alarm on another endpoint is a warning. Without those
flags the alarms are not checked, and the output says so.

A policy with engine: native (or every policy, with --engine native) must compile to a SageMaker
deployment guardrails DeploymentConfig: no manual gates or analysis steps, equal bakes of at most
1h, a canary of at most 50% or linear steps of 10–50%, under 8h of waits, at most 9 alarms (the
rollout's abort alarm is the tenth) and at least one unless allowUnguarded; judge, candidateAlarms
and preTrafficCheck cannot run under it. Each refusal names the policy, the field and the step.

A policy file looks like:
  policies:
    - modelPackageGroup: churn-model
      endpoint: churn-prod
      strategy: Canary10Percent5Minutes
      alarms: [churn-prod-5xx]
      executionRoleArn: arn:aws:iam::111122223333:role/churn-sagemaker-exec
      onNewerApproval: supersede      # supersede | queue | reject (default queue)

Editors can check it as you type with the JSON Schema in docs/policy.schema.json.

Options:
  --engine <e>    check every policy as if it said engine: <e> (stepwise or native)
  --output json   one JSON document: { valid, alarmsChecked, policies: [{ modelPackageGroup, endpoint,
                  summary, alarmProblems? }], errors }
${BACKEND_HELP}

Examples:
  sm-rollout policy validate policies.yaml
  sm-rollout policy validate policies.yaml --stack SmRolloutStack   # also checks each alarm can fire
  sm-rollout policy validate config/policies.json --output json
  sm-rollout policy validate policies.yaml --engine native          # could guardrails run these?
`;

/** The flags that give this command AWS access to check alarms with (not --region or --store alone). */
const ACCESS_FLAGS = ['simulate', 'local', 'stack', 'table', 'command-bus'] as const;

const NOT_CHECKED =
  'alarms not checked: no AWS access was asked for; add --stack <name> (or --local, --simulate) to check that each alarm can fire on its endpoint';

export interface PolicyValidation {
  valid: boolean;
  /** Whether each policy's alarms were read and checked against its endpoint. */
  alarmsChecked: boolean;
  policies: {
    modelPackageGroup: string;
    endpoint: string;
    summary: string;
    /** With AWS access: what a start would refuse or warn about its alarms. */
    alarmProblems?: AlarmReachProblem[];
  }[];
  /** One line per problem: `file:line: policies[i] (group): field: what is wrong; the fix`. */
  errors: string[];
}

/** The operation behind the verb: load, check and summarise a policy file. Never throws for a bad file. */
export function validatePolicyFile(path: string, options: PolicyCheckOptions = {}): PolicyValidation {
  try {
    const set = loadPolicies(path, options);
    return {
      valid: true,
      alarmsChecked: false,
      policies: set.policies.map((policy) => ({
        modelPackageGroup: policy.modelPackageGroup,
        endpoint: policy.endpoint,
        summary: summarizePolicy(policy),
      })),
      errors: [],
    };
  } catch (error) {
    if (error instanceof InvalidPolicyFileError) {
      return { valid: false, alarmsChecked: false, policies: [], errors: [...error.problems] };
    }
    if (isSmRolloutError(error)) {
      return { valid: false, alarmsChecked: false, policies: [], errors: [error.message] };
    }
    throw error;
  }
}

/**
 * Checks the alarms of every policy of a valid `report` through `backend` (read-only), adding each
 * policy's problems; a refusal makes the report invalid, with an error naming the policy.
 */
export async function checkPolicyAlarms(
  report: PolicyValidation,
  set: PolicySet,
  backend: Pick<RolloutBackend, 'alarmReach'>,
): Promise<PolicyValidation> {
  const errors: string[] = [];
  const policies = [];
  let checked = true;
  for (const [index, entry] of report.policies.entries()) {
    const policy = set.policies[index]!;
    const reach = await backend.alarmReach(policy.endpoint, [...policy.alarms]);
    if (reach === undefined) {
      checked = false;
      policies.push(entry);
      continue;
    }
    policies.push({ ...entry, alarmProblems: reach.problems });
    for (const problem of reach.problems.filter((p) => p.severity === 'refuse')) {
      errors.push(`policies[${index}] (${policy.modelPackageGroup}): alarms: ${problem.message}`);
    }
  }
  return { valid: errors.length === 0, alarmsChecked: checked, policies, errors };
}

export async function policyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...BACKEND_OPTIONS,
    output: { type: 'string' },
    engine: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(POLICY_USAGE);
    return EXIT.succeeded;
  }
  const [action, ...files] = positionals;
  if (action !== 'validate') {
    throw new UsageError(
      action === undefined
        ? 'policy needs an action, e.g. `sm-rollout policy validate policies.yaml`'
        : `policy: unknown action "${action}"; the action is validate, e.g. \`sm-rollout policy validate policies.yaml\``,
    );
  }
  if (files.length !== 1) {
    throw new UsageError(
      'policy validate takes exactly one file, e.g. `sm-rollout policy validate policies.yaml`',
    );
  }
  if (values.output !== undefined && values.output !== 'json')
    throw new UsageError(`--output: "${values.output}" is not supported; use --output json`);
  const engine = parseEngineFlag(values.engine);
  const options: PolicyCheckOptions = engine ? { engine } : {};

  const access = ACCESS_FLAGS.some((flag) => values[flag] !== undefined && values[flag] !== false);
  const withAlarms = <T>(work: (backend: RolloutBackend | undefined) => Promise<T>) =>
    access ? withBackend(values as BackendFlags, work) : work(undefined);

  if (values.output === 'json') {
    const offline = validatePolicyFile(files[0]!, options);
    const report =
      offline.valid && access
        ? await withAlarms((backend) =>
            checkPolicyAlarms(offline, loadPolicies(files[0]!, options), backend!),
          )
        : offline;
    io.out(JSON.stringify(report, null, 2));
    return report.valid ? EXIT.succeeded : EXIT.usage;
  }
  // Text: an invalid file throws, and the CLI prints its message (every problem, one a line).
  const set = loadPolicies(files[0]!, options);
  const count = set.policies.length === 1 ? '1 policy' : `${set.policies.length} policies`;
  const offline = validatePolicyFile(files[0]!, options);
  const report = access ? await withAlarms((backend) => checkPolicyAlarms(offline, set, backend!)) : offline;
  io.out(`${set.source}: valid, ${count}`);
  for (const [index, policy] of set.policies.entries()) {
    io.out('');
    io.out(`${policy.modelPackageGroup} → ${policy.endpoint}`);
    io.out(`  ${summarizePolicy(policy)}`);
    const problems = report.policies[index]?.alarmProblems;
    if (problems === undefined) continue;
    if (problems.length === 0 && policy.alarms.length > 0) {
      io.out(`  alarms checked against ${policy.endpoint}: each can fire`);
    }
    for (const problem of problems) {
      io.out(`  ${problem.severity === 'refuse' ? 'refused' : 'warning'}: ${problem.message}`);
    }
  }
  if (!report.alarmsChecked) {
    io.out('');
    io.out(NOT_CHECKED);
  }
  if (!report.valid) {
    throw new SmRolloutError(
      'ALARM_UNREACHABLE',
      `${set.source}: ${report.errors.length === 1 ? 'an alarm' : `${report.errors.length} alarms`} would refuse a start:\n` +
        report.errors.map((e) => `  ${e}`).join('\n'),
      { field: 'alarms' },
    );
  }
  return EXIT.succeeded;
}
