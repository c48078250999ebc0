// The pre-traffic check: sample requests sent to the candidate variant alone (SageMaker Runtime
// InvokeEndpoint with TargetVariant) once the transition config is live and before any traffic
// shift. Owns the check's written form (policy and start request), its validation, reading sample
// requests kept in S3, and running the check over the EndpointInvoker port.
// A namespace import (not `{ z }`) lets the bundler drop the parts of zod we never use (all its locales).
import * as z from 'zod';
import { SmRolloutError, isSmRolloutError } from '../errors';
import { formatDuration, toDurationMs } from '../plan';
import type { PreTrafficCheckSpec, PreTrafficResult } from '../../statemachines/contract';
import type { EndpointInvoker, ObjectReader } from './ports';

/**
 * At most this many sample requests: a smoke test that 100 representative requests pass says what a
 * thousand would (the judge and the alarms see the candidate's real traffic after it), and each is a
 * request the team's model serves for nothing.
 */
export const MAX_SAMPLE_REQUESTS = 100;

/**
 * The requests run one after another inside one effect, and each may take up to its bound (the
 * invoker gives up on it there): requests × maxLatency must fit in 2m30s, half the controller
 * function's 5-minute timeout (infra/rollout-controller.ts), so a slow model fails the check instead of
 * the invocation being killed (and the check re-run by every later wake-up). With a 1.5 s bound that is
 * 100 requests; with 60 s, 2.
 */
export const CHECK_BUDGET_MS = 150_000;

/**
 * "A customer's model containers must respond to requests within 60 seconds" (SageMaker Runtime API
 * reference, InvokeEndpoint): a bound above that could never be the one that fails a request.
 */
export const MAX_LATENCY_BOUND_MS = 60_000;

/** InvokeEndpoint's Body: "Length Constraints: Maximum length of 6291456" (API reference). */
export const MAX_BODY_BYTES = 6_291_456;

/** ContentType and Accept: "Maximum length of 1024", "Pattern: \p{ASCII}*" (API reference). */
const HEADER_VALUE = /^[\x20-\x7e]{1,1024}$/;

/** `s3://bucket/key`: a bucket name as S3 allows it (3–63 lowercase letters, digits, dots, hyphens) and a key. */
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

export const PRE_TRAFFIC_FIELD = 'preTrafficCheck';

/** The check as a policy or a start request writes it. */
export const preTrafficCheckInputSchema = z.strictObject({
  requests: z
    .union([z.array(z.string()), z.string()])
    .describe(
      'the sample request bodies sent to the candidate variant alone before any traffic shift: a list of bodies ' +
        `(at most ${MAX_SAMPLE_REQUESTS}), or s3://bucket/key of a JSON Lines file with one body per line`,
    ),
  contentType: z.string().describe('the Content-Type of the bodies, e.g. application/json'),
  accept: z.string().optional().describe('the Accept header, e.g. application/json (default: none sent)'),
  maxLatency: z
    .union([z.string().min(1), z.number().min(0)])
    .describe(
      'every response must arrive within this, e.g. 2s (at most 60s, the InvokeEndpoint timeout), or milliseconds',
    ),
});

export type PreTrafficCheckInput = z.input<typeof preTrafficCheckInputSchema>;

function invalid(field: string, message: string): SmRolloutError {
  const path = `${PRE_TRAFFIC_FIELD}.${field}`;
  return new SmRolloutError('INVALID_INPUT', `${path}: ${message}`, { field: path });
}

/** `s3://bucket/key` split into its parts, or undefined when it is not one. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = S3_URI.exec(uri);
  if (!match || match[1]!.includes('..')) return undefined;
  return { bucket: match[1]!, key: match[2]! };
}

const FIELD_HELP: Record<string, string> = {
  requests: 'give a list of request bodies, e.g. [\'{"features": [1, 2]}\'], or s3://bucket/samples.jsonl',
  contentType: 'give the Content-Type of the bodies, e.g. application/json',
  accept: 'give the Accept header, e.g. application/json',
  maxLatency: 'give a duration such as 2s',
};

/** Every problem of a written check, each naming its field (`preTrafficCheck.requests`, ...) and the fix. */
export function preTrafficCheckProblems(input: unknown): SmRolloutError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [
      new SmRolloutError(
        'INVALID_INPUT',
        `${PRE_TRAFFIC_FIELD}: must be a mapping, e.g. { requests: [...], contentType: application/json, maxLatency: 2s }`,
        { field: PRE_TRAFFIC_FIELD },
      ),
    ];
  }
  const problems: SmRolloutError[] = [];
  // The schema's issues first (a missing or wrongly typed field, an unknown key); the rules below then
  // run on every field the schema did not flag, so all problems are reported at once.
  const flagged = new Set<string>();
  const parsed = preTrafficCheckInputSchema.safeParse(input);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push(
          invalid(
            key,
            `is not a setting of preTrafficCheck; the settings are ${Object.keys(preTrafficCheckInputSchema.shape).join(', ')}`,
          ),
        );
      }
      continue;
    }
    const field = String(issue.path[0] ?? 'requests');
    flagged.add(field);
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    problems.push(invalid(field, `${missing ? 'is required; ' : ''}${FIELD_HELP[field] ?? issue.message}`));
  }
  const { requests, contentType, accept, maxLatency } = input as PreTrafficCheckInput;
  if (!flagged.has('requests')) problems.push(...requestsProblems(requests));
  if (!flagged.has('contentType') && !HEADER_VALUE.test(contentType)) {
    problems.push(
      invalid('contentType', `${JSON.stringify(contentType)} is not a MIME type; use e.g. application/json`),
    );
  }
  if (!flagged.has('accept') && accept !== undefined && !HEADER_VALUE.test(accept)) {
    problems.push(
      invalid('accept', `${JSON.stringify(accept)} is not a MIME type; use e.g. application/json`),
    );
  }
  if (!flagged.has('maxLatency')) {
    const problem = maxLatencyProblem(maxLatency);
    if (problem) problems.push(problem);
    else if (!flagged.has('requests') && Array.isArray(requests)) {
      const budget = budgetProblem(requests.length, toDurationMs(maxLatency, 'maxLatency'));
      if (budget) problems.push(invalid('requests', budget));
    }
  }
  return problems;
}

function requestsProblems(requests: PreTrafficCheckInput['requests']): SmRolloutError[] {
  if (!Array.isArray(requests)) {
    return parseS3Uri(requests)
      ? []
      : [
          invalid(
            'requests',
            `${JSON.stringify(requests)} is neither a list of bodies nor an S3 URI; use s3://bucket/key ` +
              '(e.g. s3://ml-samples/churn/pre-traffic.jsonl) or a list of bodies',
          ),
        ];
  }
  if (requests.length === 0) {
    return [invalid('requests', 'is an empty list; give at least one sample request body')];
  }
  if (requests.length > MAX_SAMPLE_REQUESTS) {
    return [
      invalid(
        'requests',
        `has ${requests.length} bodies; give at most ${MAX_SAMPLE_REQUESTS} (a smoke test, run before any ` +
          'traffic shift within one controller invocation)',
      ),
    ];
  }
  return requests.flatMap((body, i) => {
    const problem = bodyProblem(body);
    return problem ? [invalid(`requests[${i}]`, problem)] : [];
  });
}

/** Whether `count` requests, each allowed `boundMs`, fit in the check's budget (the fix if not). */
function budgetProblem(count: number, boundMs: number): string | undefined {
  // Over MAX_SAMPLE_REQUESTS is refused on its own; the budget is about the lists that could run.
  if (count > MAX_SAMPLE_REQUESTS || count * boundMs <= CHECK_BUDGET_MS) return undefined;
  const fits = Math.max(1, Math.floor(CHECK_BUDGET_MS / boundMs));
  return (
    `${count} requests × maxLatency ${formatDuration(boundMs)} could take ${formatDuration(count * boundMs)}, more than ` +
    `the check's ${formatDuration(CHECK_BUDGET_MS)}; send at most ${fits} requests at this bound, or lower maxLatency`
  );
}

function maxLatencyProblem(maxLatency: string | number): SmRolloutError | undefined {
  let ms: number;
  try {
    ms = toDurationMs(maxLatency, `${PRE_TRAFFIC_FIELD}.maxLatency`);
  } catch (error) {
    if (!isSmRolloutError(error)) throw error;
    return invalid('maxLatency', `${JSON.stringify(maxLatency)} is not a duration; use e.g. 2s or 500ms`);
  }
  if (ms > 0 && ms <= MAX_LATENCY_BOUND_MS) return undefined;
  return invalid(
    'maxLatency',
    `${formatDuration(ms)} is out of range; use more than 0 and at most 60s (InvokeEndpoint gives a model ` +
      '60 seconds to answer, so a longer bound could never fail a request)',
  );
}

function bodyProblem(body: string): string | undefined {
  if (body.length === 0) return 'is an empty body; InvokeEndpoint needs a request body';
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) {
    return `is ${bytes} bytes; InvokeEndpoint takes at most ${MAX_BODY_BYTES} (6 MB) per request`;
  }
  return undefined;
}

/** The written check, validated into the machine's spec; the first problem is thrown. */
export function toPreTrafficCheckSpec(input: unknown): PreTrafficCheckSpec {
  const problem = preTrafficCheckProblems(input)[0];
  if (problem) throw problem;
  const { requests, contentType, accept, maxLatency } = preTrafficCheckInputSchema.parse(input);
  return {
    requests: Array.isArray(requests) ? { inline: [...requests] } : { s3Uri: requests },
    contentType,
    ...(accept !== undefined ? { accept } : {}),
    maxLatencyMs: toDurationMs(maxLatency, `${PRE_TRAFFIC_FIELD}.maxLatency`),
  };
}

/** The spec back in its written form (a start request carries it as written: `undo`, the CLI). */
export function writtenPreTrafficCheck(spec: PreTrafficCheckSpec): PreTrafficCheckInput {
  return {
    requests: 'inline' in spec.requests ? [...spec.requests.inline] : spec.requests.s3Uri,
    contentType: spec.contentType,
    ...(spec.accept !== undefined ? { accept: spec.accept } : {}),
    maxLatency: formatDuration(spec.maxLatencyMs),
  };
}

function refusal(uri: string, message: string, cause?: unknown): SmRolloutError {
  return new SmRolloutError('INVALID_INPUT', `${PRE_TRAFFIC_FIELD}.requests: ${uri} ${message}`, {
    field: `${PRE_TRAFFIC_FIELD}.requests`,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The sample request bodies: inline ones as written, an S3 object's non-blank lines (JSON Lines).
 * A missing, unreadable, empty or oversized object is a refusal naming `preTrafficCheck.requests` and
 * the URI; throttling stays a retryable error.
 */
export async function loadSampleRequests(
  spec: PreTrafficCheckSpec,
  objects: ObjectReader | undefined,
): Promise<string[]> {
  if ('inline' in spec.requests) return spec.requests.inline;
  const uri = spec.requests.s3Uri;
  const location = parseS3Uri(uri);
  if (!location) throw refusal(uri, 'is not an S3 URI; use s3://bucket/key');
  if (!objects) {
    throw refusal(uri, 'cannot be read: this host has no S3 access; list the bodies inline instead');
  }
  let text: string | undefined;
  try {
    text = await objects.getText(location.bucket, location.key);
  } catch (error) {
    if (isSmRolloutError(error) && error.retryable) throw error;
    const aws = error instanceof Error ? error.message : String(error);
    // S3 answers AccessDenied, not NoSuchKey, for a missing key to a reader without s3:ListBucket.
    const why = /AccessDenied/.test(aws)
      ? `cannot be read (${aws}); it may not exist (S3 says AccessDenied for a missing object to a reader without ` +
        "s3:ListBucket), or the controller's role may not s3:GetObject it — check the URI and deploy the stack with this policy"
      : `cannot be read (${aws}); check the URI and that the controller may s3:GetObject it`;
    throw refusal(uri, why, error);
  }
  if (text === undefined) {
    throw refusal(
      uri,
      'does not exist; upload the sample requests there (JSON Lines, one body per line) or fix the URI',
    );
  }
  const bodies = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (bodies.length === 0) {
    throw refusal(uri, 'is empty; put one request body per line (JSON Lines) in it');
  }
  if (bodies.length > MAX_SAMPLE_REQUESTS) {
    throw refusal(
      uri,
      `has ${bodies.length} lines; keep at most ${MAX_SAMPLE_REQUESTS} sample requests in it`,
    );
  }
  const budget = budgetProblem(bodies.length, spec.maxLatencyMs);
  if (budget) throw refusal(uri, `has ${budget}`);
  bodies.forEach((body, i) => {
    const problem = bodyProblem(body);
    if (problem) throw refusal(uri, `line ${i + 1} ${problem}`);
  });
  return bodies;
}

/** The longest part of a model's answer a failure quotes (a person reads it in the timeline). */
const QUOTED_BODY_CHARS = 200;

function quoted(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > QUOTED_BODY_CHARS ? `${flat.slice(0, QUOTED_BODY_CHARS)}…` : flat;
}

/**
 * Sends every sample request to the candidate variant and says which failed and why: a status other
 * than 2xx (the model's own status and message, from SageMaker's ModelError), any other refusal of the
 * call (ValidationError, ...), or an answer slower than the bound. A retryable error (throttling, a
 * model not ready yet) is thrown instead, so the machine tries the whole check again: sample requests
 * are safe to send twice, which is also what makes the check idempotent after a crash.
 */
export async function runPreTrafficCheck(params: {
  spec: PreTrafficCheckSpec;
  endpointName: string;
  candidateVariant: string;
  invoker: EndpointInvoker;
  objects: ObjectReader | undefined;
}): Promise<Omit<PreTrafficResult, 'at'>> {
  const { spec, endpointName, candidateVariant, invoker } = params;
  const bodies = await loadSampleRequests(spec, params.objects);
  const bound = spec.maxLatencyMs;
  const failures: PreTrafficResult['failures'] = [];
  let slowest = 0;
  for (const [index, body] of bodies.entries()) {
    let answer: Awaited<ReturnType<EndpointInvoker['invokeEndpoint']>>;
    try {
      answer = await invoker.invokeEndpoint({
        endpointName,
        targetVariant: candidateVariant,
        body,
        contentType: spec.contentType,
        ...(spec.accept !== undefined ? { accept: spec.accept } : {}),
        // An answer later than the bound fails anyway: waiting longer only spends the check's budget.
        timeoutMs: bound,
      });
    } catch (error) {
      if (isSmRolloutError(error) && error.retryable) throw error;
      failures.push({ index, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    slowest = Math.max(slowest, answer.latencyMs);
    const took = `in ${Math.round(answer.latencyMs)} ms`;
    if (answer.statusCode < 200 || answer.statusCode > 299) {
      failures.push({
        index,
        reason: `the model answered status ${answer.statusCode} ${took}: ${quoted(answer.body) || '(empty body)'}`,
      });
    } else if (answer.latencyMs > bound) {
      failures.push({
        index,
        reason: `status ${answer.statusCode} ${took}, over the ${formatDuration(bound)} bound (maxLatency)`,
      });
    }
  }
  return { sent: bodies.length, failures, maxLatencyMs: slowest };
}
