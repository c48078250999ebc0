// Reading policy files (YAML or JSON, told apart by content) into a checked PolicySet, with every
// problem pointed at its line; and the JSON the CDK app ships to the controller Lambda in their place.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { InvalidPolicyFileError, policySet, readPolicyText, type PolicySet } from './policy-set';
import { checkPolicyDocument, type PolicyCheckOptions } from './schema';

/** Reads and checks a policy file; throws InvalidPolicyFileError listing every problem. */
export function loadPolicies(path: string, options: PolicyCheckOptions = {}): PolicySet {
  return parsePolicies(readPolicyText(path), path, options);
}

/** Parses and checks policy text; `source` names it in messages (a path, or e.g. `inline`). */
export function parsePolicies(text: string, source: string, options: PolicyCheckOptions = {}): PolicySet {
  const document = readDocument(text, source);
  const check = checkPolicyDocument(document.data, options);
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

/**
 * A policy file (YAML or JSON) as the JSON the controller Lambda reads (src/policy/deployed.ts): checked
 * here with every problem at its line, then the same document as JSON, so the Lambda bundles no YAML
 * parser. (The values a policy may hold are JSON's: strings, finite numbers, booleans, lists, maps.)
 */
export function deployedPoliciesJson(path: string): string {
  const text = readPolicyText(path);
  parsePolicies(text, path);
  return `${JSON.stringify(readDocument(text, path).data, null, 2)}\n`;
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
