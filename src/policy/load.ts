// Reading policy files (YAML or JSON, told apart by content) into a checked PolicySet, with every
// problem pointed at its line; and turning a policy plus an approved version into a validated start
// request.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { mergeStartRequest, modelPackageVersionOf, type ValidStartRequest } from '../engine';
import { SmRolloutError } from '../errors';
import { checkPolicyDocument, type Policy } from './schema';

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

/** Reads and checks a policy file; throws InvalidPolicyFileError listing every problem. */
export function loadPolicies(path: string): PolicySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
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
  return parsePolicies(text, path);
}

/** Parses and checks policy text; `source` names it in messages (a path, or e.g. `inline`). */
export function parsePolicies(text: string, source: string): PolicySet {
  const document = readDocument(text, source);
  const check = checkPolicyDocument(document.data);
  if (check.problems.length > 0) {
    // In file order, so the list reads top to bottom alongside the file.
    const located = check.problems.map((problem) => ({ problem, line: document.lineOf(problem.path) ?? 0 }));
    located.sort((a, b) => a.line - b.line);
    throw new InvalidPolicyFileError(
      source,
      located.map(({ problem, line }) => `${source}:${line ? `${line}:` : ''} ${problem.message}`),
    );
  }
  return policySet(source, check.policies);
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
  };
  // The policy's fields were checked with its file; what the approval brings is checked here.
  return mergeStartRequest(fromPolicy, { modelPackageArn, requestedBy });
}

interface ReadDocument {
  data: unknown;
  /** The 1-based line of a path in the text, or of its nearest parent that is there. */
  lineOf(path: (string | number)[]): number | undefined;
}

/** JSON when it looks like JSON (so its errors read as JSON errors), YAML otherwise. */
function readDocument(text: string, source: string): ReadDocument {
  if (text.trim() === '') {
    throw new InvalidPolicyFileError(source, [
      `${source}: is empty; write a policies list, e.g. policies: [{ modelPackageGroup: churn-model, … }]`,
    ]);
  }
  const lineCounter = new LineCounter();
  const yamlDocument = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (path: (string | number)[]) => lineOfPath(yamlDocument.contents, path, lineCounter);
  if (/^\s*[[{]/.test(text)) {
    try {
      return { data: JSON.parse(text) as unknown, lineOf };
    } catch (error) {
      const message = (error as Error).message;
      // Node 20's JSON.parse names no position for some errors; the YAML parser (JSON is YAML) does.
      const position = /at position (\d+)/.exec(message)?.[1] ?? yamlDocument.errors[0]?.pos[0];
      const where = position === undefined ? ' ' : `${lineCounter.linePos(Number(position)).line}: `;
      throw new InvalidPolicyFileError(source, [
        `${source}:${where}JSON syntax error: ${message
          .replace(/ in JSON at position \d+.*$/s, '')
          .replace(/, ".*" is not valid JSON$/s, '')}`,
      ]);
    }
  }
  if (yamlDocument.errors.length > 0) {
    throw new InvalidPolicyFileError(
      source,
      yamlDocument.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const where = `${line}:${col}: `;
        return `${source}:${where}YAML syntax error: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  return { data: yamlDocument.toJS() as unknown, lineOf };
}

function lineOfPath(root: unknown, path: (string | number)[], lineCounter: LineCounter): number | undefined {
  let node = root as Node | null | undefined;
  let line = startLine(node, lineCounter);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      line = startLine(pair.key as Node, lineCounter) ?? line;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      line = startLine(item, lineCounter) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function startLine(node: Node | null | undefined, lineCounter: LineCounter): number | undefined {
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
