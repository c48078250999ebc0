// The policies as the controller Lambda reads them: the JSON the CDK app wrote at synth from the
// policies file (deployedPoliciesJson in load.ts), checked again here with the same rules. JSON only,
// so the Lambda bundle carries no YAML parser; a person's YAML file is read by the CLI and at synth.
import { InvalidPolicyFileError, policySet, readPolicyText, type PolicySet } from './policy-set';
import { checkPolicyDocument } from './schema';

/** Reads and checks the deployed policies JSON; throws InvalidPolicyFileError listing every problem. */
export function loadDeployedPolicies(path: string): PolicySet {
  const text = readPolicyText(path);
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    // The message without the text it quotes (which may span lines) or its position.
    const why = (error as Error).message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, ".*" ?(\.\.\.)? is not valid JSON$/s, '');
    throw new InvalidPolicyFileError(path, [
      `${path}: is not JSON (${why}); the controller reads the policies as JSON ` +
        'written at synth: deploy with `npx cdk deploy -c policies=<your policies file>`, or convert a ' +
        'YAML file to JSON before pointing ROLLOUT_POLICIES_FILE at it',
    ]);
  }
  const check = checkPolicyDocument(document);
  if (check.problems.length > 0) {
    throw new InvalidPolicyFileError(
      path,
      check.problems.map((problem) => `${path}: ${problem.message}`),
    );
  }
  return policySet(path, check.policies);
}
