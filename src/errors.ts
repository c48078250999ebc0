// The one error family of sm-rollout: every failure a user or a host can act on carries a stable
// code, the field it is about (when there is one) and what to do about it.

export type ErrorCode =
  | 'INVALID_DURATION'
  | 'INVALID_PLAN'
  | 'INVALID_INPUT'
  | 'INVALID_NAME'
  | 'ENDPOINT_NOT_FOUND'
  | 'ENDPOINT_NOT_IN_SERVICE'
  | 'ENDPOINT_UNSUPPORTED'
  | 'ENDPOINT_BUSY'
  | 'MODEL_PACKAGE_NOT_FOUND'
  | 'MODEL_PACKAGE_NOT_APPROVED'
  | 'ALARM_NOT_FOUND'
  | 'ALARM_FIRING'
  | 'ALARM_UNREACHABLE'
  | 'UNGUARDED'
  | 'NOT_NEWER_THAN_SERVING'
  | 'ROLLOUT_ACTIVE'
  | 'ROLLOUT_NOT_FOUND'
  | 'COMMAND_REJECTED'
  | 'VERSION_CONFLICT'
  | 'SNAPSHOT_INCOMPATIBLE'
  | 'STORE_CORRUPT'
  | 'STATE_LOCKED'
  | 'UPDATE_FAILED'
  | 'THROTTLED'
  | 'NOT_YET_VISIBLE'
  | 'AWS_ERROR';

/** Codes whose operation may succeed if simply tried again later. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set([
  'ENDPOINT_BUSY',
  'THROTTLED',
  'VERSION_CONFLICT',
  // SageMaker reads are eventually consistent: a model or config created a moment ago can be
  // "not found" by the next call (CreateEndpointConfig API reference: "retry logic is recommended").
  'NOT_YET_VISIBLE',
  // Another sm-rollout command holds the local state's lock; it is released when that one ends.
  'STATE_LOCKED',
]);

export class SmRolloutError extends Error {
  override readonly name = 'SmRolloutError';
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.retryable = RETRYABLE.has(code);
  }
}

export function isSmRolloutError(error: unknown, code?: ErrorCode): error is SmRolloutError {
  return error instanceof SmRolloutError && (code === undefined || error.code === code);
}

/** A plain, serialisable view of any thrown value, for timelines and machine context. */
export interface ErrorSummary {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof SmRolloutError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'AWS_ERROR', message, retryable: false };
}
