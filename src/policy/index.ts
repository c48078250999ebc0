// Policies: declarative files that bind a model package group to an endpoint, a strategy, alarms,
// the execution role and what a newer approval does mid-rollout. This module owns reading and
// checking them, looking them up, summarising them for people, and turning one into a start
// request. Everything else in src/policy stays private to it.

export {
  checkPolicyDocument,
  DEFAULT_MAX_DURATION,
  DEFAULT_STRATEGY,
  ON_NEWER_APPROVAL,
  policyFileSchema,
  policySchema,
} from './schema';
export type {
  OnNewerApproval,
  Policy,
  PolicyCheck,
  PolicyCheckOptions,
  PolicyInput,
  PolicyProblem,
} from './schema';
export { deployedPoliciesJson, loadPolicies, parsePolicies } from './load';
export { InvalidPolicyFileError, policySet, policyStartRequest } from './policy-set';
export type { PolicySet } from './policy-set';
export { loadDeployedPolicies } from './deployed';
export { summarizePolicy } from './summary';
export { renderPolicyJsonSchema } from './json-schema';
