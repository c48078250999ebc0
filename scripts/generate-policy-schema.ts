// Generates docs/policy.schema.json, the JSON Schema editors use for policy files, from the zod
// schema in src/policy/schema.ts. test/policy/schema-fresh.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderPolicyJsonSchema } from '../src/policy';

export const POLICY_SCHEMA_PATH = path.join(__dirname, '..', 'docs', 'policy.schema.json');
export { renderPolicyJsonSchema };

if (require.main === module) {
  writeFileSync(POLICY_SCHEMA_PATH, renderPolicyJsonSchema());
  console.log(`wrote ${path.relative(process.cwd(), POLICY_SCHEMA_PATH)}`);
}
