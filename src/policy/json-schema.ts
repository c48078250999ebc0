// The policy file's JSON Schema, for editors (completion, hover text, red squiggles): generated
// from the zod schema by scripts/generate-policy-schema.ts into docs/policy.schema.json.
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import * as z from 'zod';
import { policyFileSchema } from './schema';

export const POLICY_SCHEMA_ID = 'https://sm-rollout.dev/policy.schema.json';

/** Prettier's printWidth (.prettierrc): the file is checked by `prettier --check` like any other. */
const PRINT_WIDTH = 110;

/** The schema as written to disk: deterministic, and laid out as prettier lays out JSON. */
export function renderPolicyJsonSchema(): string {
  // `input`: what people write, so fields with defaults are optional.
  const schema = z.toJSONSchema(policyFileSchema, { io: 'input' });
  return `${layout({ ...schema, $id: POLICY_SCHEMA_ID, title: 'sm-rollout policies' }, '', '')}\n`;
}

// Prettier (which cannot run inside jest, so cannot be the formatter here) keeps objects expanded
// and puts an array on one line when it fits and holds no objects.
function layout(value: unknown, indent: string, lead: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((v) => v === null || typeof v !== 'object');
    const oneLine = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    // `lead` is what precedes the array on its line; a trailing comma may follow it.
    if (flat && indent.length + lead.length + oneLine.length + 1 <= PRINT_WIDTH) return oneLine;
    return `[\n${value.map((v) => `${inner}${layout(v, inner, '')}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, v]) => {
      const keyText = `${JSON.stringify(key)}: `;
      return `${inner}${keyText}${layout(v, inner, keyText)}`;
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
