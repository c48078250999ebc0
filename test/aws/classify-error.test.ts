// The one classification of AWS failures, on the error texts SageMaker, CloudWatch and Application Auto
// Scaling really send.

import { classifyAwsError, type AwsErrorKind } from '../../src/aws/classify-error';

const ARN = 'arn:aws:sagemaker:eu-west-1:111122223333';

function error(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

const cases: [string, unknown, AwsErrorKind][] = [
  [
    'missing endpoint',
    error('ValidationException', `Could not find endpoint "${ARN}:endpoint/x".`),
    'not-found',
  ],
  [
    'missing endpoint config',
    error('ValidationException', `Could not find endpoint configuration "${ARN}:endpoint-config/x".`),
    'not-found',
  ],
  ['missing model', error('ValidationException', `Could not find model "${ARN}:model/x".`), 'not-found'],
  [
    'missing model package',
    error('ValidationException', `ModelPackage ${ARN}:model-package/group/3 does not exist.`),
    'not-found',
  ],
  ['ResourceNotFound', error('ResourceNotFound', 'Resource not found'), 'not-found'],
  ['ResourceNotFoundException', error('ResourceNotFoundException', 'no such thing'), 'not-found'],
  [
    'existing model',
    error('ValidationException', `Cannot create already existing model "${ARN}:model/x".`),
    'already-exists',
  ],
  [
    'existing endpoint config',
    error(
      'ValidationException',
      `Cannot create already existing endpoint configuration "${ARN}:endpoint-config/x".`,
    ),
    'already-exists',
  ],
  [
    'updating endpoint',
    error('ValidationException', `Cannot update in-progress endpoint "${ARN}:endpoint/x".`),
    'endpoint-busy',
  ],
  [
    'Application Auto Scaling: no such scalable target',
    error(
      'ObjectNotFoundException',
      'No scalable target registered for service namespace: sagemaker, resource ID: endpoint/x/variant/v',
    ),
    'not-found',
  ],
  [
    'Application Auto Scaling: a pending update',
    error(
      'ConcurrentUpdateException',
      'You already have a pending update to an Application Auto Scaling resource.',
    ),
    'concurrent-update',
  ],
  [
    'Application Auto Scaling: a refused value',
    error('ValidationException', 'Minimum capacity cannot be greater than maximum capacity'),
    'other',
  ],
  ['SageMaker throttling', error('ThrottlingException', 'Rate exceeded'), 'throttled'],
  ['CloudWatch throttling', error('Throttling', 'Rate exceeded'), 'throttled'],
  [
    'a throttling trait',
    error('SomethingNew', 'slow down', { $retryable: { throttling: true } }),
    'throttled',
  ],
  ['HTTP 429', error('Unknown', 'too many', { $metadata: { httpStatusCode: 429 } }), 'throttled'],
  ['"Rate exceeded" under another name', error('ValidationException', 'Rate exceeded'), 'throttled'],
  ['access denied', error('AccessDeniedException', 'not authorized'), 'other'],
  ['quota', error('ResourceLimitExceeded', 'The account-level service limit is 2 Instances'), 'other'],
  ['not an Error at all', 'boom', 'other'],
  ['undefined', undefined, 'other'],
];

describe('classifyAwsError', () => {
  it.each(cases)('%s', (_, thrown, kind) => {
    expect(classifyAwsError(thrown)).toBe(kind);
  });
});
