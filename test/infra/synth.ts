// Shared by the infra tests: synthesize an app once (bundling runs esbuild), read its template, its
// cdk-nag report and its assets, and render CloudFormation intrinsics as readable strings.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

export const EXAMPLE_POLICIES = 'examples/policies.yaml';

export function newApp(context: Record<string, unknown> = {}): App {
  return new App({ outdir: mkdtempSync(path.join(tmpdir(), 'sm-rollout-cdk-')), context });
}

export interface Synthesized {
  assembly: CloudAssembly;
  template: Template;
  json: CfnTemplate;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** Synthesizes the whole app once (running its validation plugins) and returns the stack's template. */
export function synthesize(app: App, stack: Stack): Synthesized {
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template as CfnTemplate;
  return { assembly, json, template: Template.fromJSON(json) };
}

export interface NagReport {
  pluginName: string;
  conclusion: string;
  violations: { ruleName: string; violatingConstructs?: { constructPath: string }[] }[];
  suppressedViolations?: {
    ruleName: string;
    acknowledgedId: string;
    reason: string;
    acknowledgedAt: string;
  }[];
}

export function validationReport(assembly: CloudAssembly): NagReport[] {
  const file = path.join(assembly.directory, 'validation-report.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: NagReport[] }).pluginReports;
}

/** `{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ...]]}` → `arn:${AWS::Partition}...`. */
export function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && keys[0] === 'Ref') return `\${${String(object.Ref)}}`;
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    return `\${${(object['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(render(part))).join(separator);
  }
  return Object.fromEntries(keys.map((key) => [key, render(object[key])]));
}

export function resourcesOfType(json: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

export function logicalId(json: CfnTemplate, type: string, prefix: string): string {
  const ids = resourcesOfType(json, type)
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/** The directory of the function's code asset in the cloud assembly. */
export function functionAssetDir(assembly: CloudAssembly, json: CfnTemplate, functionId: string): string {
  const code = json.Resources[functionId]?.Properties?.Code as { S3Key?: string } | undefined;
  const hash = code?.S3Key?.replace(/\.zip$/, '');
  if (!hash) throw new Error(`${functionId} has no S3Key`);
  const stack = assembly.stacks[0];
  if (!stack) throw new Error('no stack in the assembly');
  const manifest = JSON.parse(
    readFileSync(path.join(assembly.directory, `${stack.stackName}.assets.json`), 'utf8'),
  ) as { files: Record<string, { source: { path: string; packaging?: string } }> };
  const asset = manifest.files[hash];
  if (!asset) throw new Error(`asset ${hash} is not in the asset manifest`);
  return path.join(assembly.directory, asset.source.path);
}
