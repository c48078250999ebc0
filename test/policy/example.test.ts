// The example policies file the README points newcomers to must stay valid.
import path from 'node:path';
import { loadPolicies } from '../../src/policy';

it('examples/policies.yaml is valid and covers both groups it documents', () => {
  const set = loadPolicies(path.join(__dirname, '../../examples/policies.yaml'));
  expect(set.policies.map((p) => `${p.modelPackageGroup} → ${p.endpoint}`)).toEqual([
    'churn-model → churn-prod',
    'fraud-model → fraud-prod',
  ]);
  expect(set.forEndpoint('churn-prod')?.onNewerApproval).toBe('supersede');
});
