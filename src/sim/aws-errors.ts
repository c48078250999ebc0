// The failures of the simulated cloud. Simulated SageMaker and CloudWatch throw what AWS throws (a
// service exception: AWS's error name and message); at the port they become the SmRolloutErrors the
// real adapter (src/aws) makes of them: same codes, same message shape, the AWS exception as cause.
import { SmRolloutError } from '../errors';

/** How the adapter reads an AWS failure; the sim knows it first-hand instead of parsing messages. */
type FailureKind = 'endpoint-busy' | 'throttled' | 'not-yet-visible' | 'other';

/** An exception as the AWS SDK v3 raises it: the error name AWS sent, and its message. */
export class AwsServiceException extends Error {
  constructor(
    name: string,
    message: string,
    readonly kind: FailureKind = 'other',
  ) {
    super(message);
    this.name = name;
  }
}

/** Any rule violation SageMaker or CloudWatch rejects with a ValidationException. */
export function validationException(message: string): AwsServiceException {
  return new AwsServiceException('ValidationException', message);
}

/**
 * "Could not find model/endpoint configuration" from a call that references one (CreateEndpointConfig,
 * UpdateEndpoint): a ValidationException the adapter reads as NOT_YET_VISIBLE, because right after the
 * resource was created it is SageMaker's eventual consistency (it cannot tell a resource that is
 * really missing from one not seen yet, and neither can the sim's port).
 */
export function referencedNotFound(message: string): AwsServiceException {
  return new AwsServiceException('ValidationException', message, 'not-yet-visible');
}

/** CloudWatch's answer when an alarm named in a call does not exist. */
export function resourceNotFound(message: string): AwsServiceException {
  return new AwsServiceException('ResourceNotFound', message);
}

/** An update while the endpoint is not InService: SageMaker says so with a ValidationException. */
export function endpointInProgress(endpointArn: string): AwsServiceException {
  return new AwsServiceException(
    'ValidationException',
    `Cannot update in-progress endpoint "${endpointArn}".`,
    'endpoint-busy',
  );
}

/** Throttling that outlasted the SDK's own retries. */
export function throttlingException(): AwsServiceException {
  return new AwsServiceException('ThrottlingException', 'Rate exceeded', 'throttled');
}

/** The SmRolloutError the aws adapter reports for this failure of `operation`. */
export function adapterError(operation: string, error: AwsServiceException): SmRolloutError {
  const aws = `${error.name}: ${error.message}`;
  switch (error.kind) {
    case 'endpoint-busy':
      return new SmRolloutError(
        'ENDPOINT_BUSY',
        `${operation} refused while the endpoint is updating (${aws}); retry once it is InService`,
        { cause: error },
      );
    case 'throttled':
      return new SmRolloutError('THROTTLED', `${operation} was throttled by AWS (${aws}); retry later`, {
        cause: error,
      });
    case 'not-yet-visible':
      return new SmRolloutError(
        'NOT_YET_VISIBLE',
        `${operation} failed: ${aws} (SageMaker may not see a resource created moments ago yet; retry shortly)`,
        { cause: error },
      );
    default:
      return new SmRolloutError('AWS_ERROR', `${operation} failed: ${aws}`, { cause: error });
  }
}
