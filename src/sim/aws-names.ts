// Resource names and ARNs as SageMaker and CloudWatch spell them, and SageMaker's name rule.
import { validationException } from './aws-errors';

/** SageMaker's rule for endpoint, endpoint config, model, variant and model package group names. */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Throws SageMaker's ValidationException when `value` breaks the name rule. */
export function assertSageMakerName(value: string, field: string): void {
  if (value.length > 63) {
    throw validationException(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to 63`,
    );
  }
  if (!SAGEMAKER_NAME.test(value)) {
    throw validationException(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
    );
  }
}

export class Arns {
  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  // SageMaker lower-cases the resource name inside its ARNs (endpoint "MyEndpoint" has the ARN
  // ".../endpoint/myendpoint"), so code must never rebuild a name from an ARN.
  endpoint(name: string): string {
    return `arn:aws:sagemaker:${this.region}:${this.accountId}:endpoint/${name.toLowerCase()}`;
  }

  endpointConfig(name: string): string {
    return `arn:aws:sagemaker:${this.region}:${this.accountId}:endpoint-config/${name.toLowerCase()}`;
  }

  model(name: string): string {
    return `arn:aws:sagemaker:${this.region}:${this.accountId}:model/${name.toLowerCase()}`;
  }

  modelPackage(groupName: string, version: number): string {
    return `arn:aws:sagemaker:${this.region}:${this.accountId}:model-package/${groupName.toLowerCase()}/${version}`;
  }

  alarm(name: string): string {
    return `arn:aws:cloudwatch:${this.region}:${this.accountId}:alarm:${name}`;
  }
}
