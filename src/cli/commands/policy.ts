// `sm-rollout policy validate`: checks a policy file (YAML or JSON) and says what each policy will
// do, or lists every problem with its line, policy, field and fix.
import { isSmRolloutError } from '../../errors';
import { InvalidPolicyFileError, loadPolicies, summarizePolicy } from '../../policy';
import { EXIT, UsageError, type CliIo } from '../io';
import { parseFlags } from '../flags';

export const POLICY_USAGE = `Usage: sm-rollout policy validate <file> [--output json]

Checks a policy file (YAML or JSON): every field, that each strategy compiles, that durations
parse, one policy per endpoint and per model package group, and that maxDuration outlasts the
plan's bakes. A valid file prints what each policy will do; an invalid one lists every problem
with its line, the policy, the field and the fix, and exits 1.

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
  --output json   one JSON document: { valid, policies: [{ modelPackageGroup, endpoint, summary }], errors }

Examples:
  sm-rollout policy validate policies.yaml
  sm-rollout policy validate config/policies.json --output json
`;

export interface PolicyValidation {
  valid: boolean;
  policies: { modelPackageGroup: string; endpoint: string; summary: string }[];
  /** One line per problem: `file:line: policies[i] (group): field: what is wrong; the fix`. */
  errors: string[];
}

/** The operation behind the verb: load, check and summarise a policy file. Never throws for a bad file. */
export function validatePolicyFile(path: string): PolicyValidation {
  try {
    const set = loadPolicies(path);
    return {
      valid: true,
      policies: set.policies.map((policy) => ({
        modelPackageGroup: policy.modelPackageGroup,
        endpoint: policy.endpoint,
        summary: summarizePolicy(policy),
      })),
      errors: [],
    };
  } catch (error) {
    if (error instanceof InvalidPolicyFileError) {
      return { valid: false, policies: [], errors: [...error.problems] };
    }
    if (isSmRolloutError(error)) return { valid: false, policies: [], errors: [error.message] };
    throw error;
  }
}

export async function policyCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    output: { type: 'string' },
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

  if (values.output === 'json') {
    const report = validatePolicyFile(files[0]!);
    io.out(JSON.stringify(report, null, 2));
    return report.valid ? EXIT.succeeded : EXIT.usage;
  }
  // Text: an invalid file throws, and the CLI prints its message (every problem, one a line).
  const set = loadPolicies(files[0]!);
  const count = set.policies.length === 1 ? '1 policy' : `${set.policies.length} policies`;
  io.out(`${set.source}: valid, ${count}`);
  for (const policy of set.policies) {
    io.out('');
    io.out(`${policy.modelPackageGroup} → ${policy.endpoint}`);
    io.out(`  ${summarizePolicy(policy)}`);
  }
  return EXIT.succeeded;
}
