// How an AWS failure is read: the one classification every adapter uses, and the wrapper that turns it into
// the ports' conventions (not found and already exists are values; busy, throttled and the rest are
// SmRolloutErrors carrying the operation and AWS's own error name and message).

import { SmRolloutError } from '../errors';

export type AwsErrorKind =
  'not-found' | 'already-exists' | 'endpoint-busy' | 'concurrent-update' | 'throttled' | 'other';

// SageMaker reports most of these as a plain ValidationException, so the message is the only signal. The
// texts below are SageMaker's own, e.g. `Could not find endpoint "arn:aws:sagemaker:...:endpoint/x".`,
// `Cannot create already existing model "arn:..."`, `ModelPackage arn:... does not exist.` and
// `Cannot update in-progress endpoint "arn:..."`.
// A missing inference component is read the same way ("Could not find inference component"): AWS lists
// no error for DescribeInferenceComponent, so the text follows SageMaker's for its other resources.
const NOT_FOUND_MESSAGE =
  /^Could not find (endpoint|endpoint configuration|model|inference component) |^ModelPackage .* does not exist\.?$/;
const ALREADY_EXISTS_MESSAGE = /^Cannot create already existing /;
// An inference component mid-update refuses another the same way as an endpoint (text approximated).
const ENDPOINT_BUSY_MESSAGE = /^Cannot update in-progress (endpoint|inference component)/;
// ObjectNotFoundException is Application Auto Scaling's: "the scalable target with the specified service
// namespace, resource ID, and scalable dimension does not exist" (or the object to delete is gone).
// NoSuchKey and NoSuchBucket are S3's ("The specified key does not exist.", "The specified bucket does
// not exist.", S3 API reference, Error responses).
const NOT_FOUND_NAMES = new Set([
  'ResourceNotFound',
  'ResourceNotFoundException',
  'ObjectNotFoundException',
  'NoSuchKey',
  'NoSuchBucket',
]);
// Application Auto Scaling's "request an update to an Application Auto Scaling resource that already has a
// pending update" (API reference, Errors): the change in flight finishes on its own, so trying again shortly
// succeeds. The SDK does not retry it.
const CONCURRENT_UPDATE_NAMES = new Set(['ConcurrentUpdateException']);
// The throttling codes SageMaker and CloudWatch answer with (a subset of the SDK's own retry list; quota
// errors such as LimitExceededException are deliberately not here: waiting does not fix them).
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
]);

interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function shapeOf(error: unknown): AwsErrorShape {
  return typeof error === 'object' && error !== null ? (error as AwsErrorShape) : {};
}

function nameOf(error: unknown): string {
  const { name } = shapeOf(error);
  return typeof name === 'string' ? name : 'Error';
}

function messageOf(error: unknown): string {
  const { message } = shapeOf(error);
  return typeof message === 'string' ? message : String(error);
}

export function classifyAwsError(error: unknown): AwsErrorKind {
  const shape = shapeOf(error);
  const name = nameOf(error);
  const message = messageOf(error);
  if (
    THROTTLING_NAMES.has(name) ||
    shape.$retryable?.throttling === true ||
    shape.$metadata?.httpStatusCode === 429 ||
    /Rate exceeded/i.test(message)
  ) {
    return 'throttled';
  }
  if (ENDPOINT_BUSY_MESSAGE.test(message)) return 'endpoint-busy';
  if (CONCURRENT_UPDATE_NAMES.has(name)) return 'concurrent-update';
  if (ALREADY_EXISTS_MESSAGE.test(message)) return 'already-exists';
  if (NOT_FOUND_NAMES.has(name) || NOT_FOUND_MESSAGE.test(message)) return 'not-found';
  return 'other';
}

/** The SmRolloutError for a failure the caller does not tolerate; AWS's name and message stay in it. */
export function toSmRolloutError(operation: string, error: unknown): SmRolloutError {
  const aws = `${nameOf(error)}: ${messageOf(error)}`;
  switch (classifyAwsError(error)) {
    case 'endpoint-busy':
      return new SmRolloutError(
        'ENDPOINT_BUSY',
        `${operation} refused while the endpoint is updating (${aws}); retry once it is InService`,
        { cause: error },
      );
    // The same code as a busy endpoint: the resource is in the middle of another change, and the engine
    // retries it on a later tick; the message says which.
    case 'concurrent-update':
      return new SmRolloutError(
        'ENDPOINT_BUSY',
        `${operation} refused while another change to the same resource is pending (${aws}); retry shortly`,
        { cause: error },
      );
    case 'throttled': {
      const attempts = shapeOf(error).$metadata?.attempts;
      const after = attempts === undefined ? '' : ` after ${attempts} attempts`;
      const message = `${operation} was throttled by AWS${after} (${aws}); retry later`;
      return new SmRolloutError('THROTTLED', message, { cause: error });
    }
    default:
      return new SmRolloutError('AWS_ERROR', `${operation} failed: ${aws}`, { cause: error });
  }
}

/**
 * Runs one AWS call. A failure whose kind is a key of `tolerated` resolves to that key's value (e.g.
 * `{ 'not-found': undefined }`); any other failure is thrown as a SmRolloutError naming `operation`.
 */
export async function callAws<T, R = never>(
  operation: string,
  call: () => Promise<T>,
  tolerated: Partial<Record<AwsErrorKind, R>> = {},
): Promise<T | R> {
  try {
    return await call();
  } catch (error) {
    const kind = classifyAwsError(error);
    if (kind in tolerated) return tolerated[kind] as R;
    throw toSmRolloutError(operation, error);
  }
}
