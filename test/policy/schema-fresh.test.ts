// docs/policy.schema.json is generated from the zod schema; this fails when someone changed one
// without regenerating the other.
import { readFileSync } from 'node:fs';
import { POLICY_SCHEMA_PATH, renderPolicyJsonSchema } from '../../scripts/generate-policy-schema';

describe('docs/policy.schema.json', () => {
  it('is fresh', () => {
    const committed = readFileSync(POLICY_SCHEMA_PATH, 'utf8');
    if (committed !== renderPolicyJsonSchema()) {
      throw new Error(
        'docs/policy.schema.json is stale: the policy schema changed. Run `npx tsx scripts/generate-policy-schema.ts` and commit the result.',
      );
    }
  });

  it('describes a strict policy with the required fields editors should ask for', () => {
    const schema = JSON.parse(renderPolicyJsonSchema()) as {
      additionalProperties: boolean;
      properties: {
        policies: {
          items: { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
        };
      };
    };
    const item = schema.properties.policies.items;
    expect(schema.additionalProperties).toBe(false);
    expect(item.additionalProperties).toBe(false);
    expect(item.required.sort()).toEqual(['endpoint', 'executionRoleArn', 'modelPackageGroup']);
    expect(Object.keys(item.properties)).toContain('onNewerApproval');
  });
});
