// The model package a rollout deploys: it must exist, be Approved and have finished (Completed), or the
// rollout is refused before anything changes — the stepwise, native and inference-component starts alike.
import { SmRolloutError } from '../errors';
import type { EndpointControl, ModelPackageState } from './ports';

/** The package must be Approved and Completed, as for any rollout (DescribeModelPackage). */
export async function approvedPackage(endpoints: EndpointControl, arn: string): Promise<ModelPackageState> {
  const pkg = await endpoints.describeModelPackage(arn);
  if (!pkg) {
    throw new SmRolloutError('MODEL_PACKAGE_NOT_FOUND', `model package ${arn} does not exist`, {
      field: 'modelPackageArn',
    });
  }
  if (pkg.approvalStatus !== 'Approved') {
    throw new SmRolloutError(
      'MODEL_PACKAGE_NOT_APPROVED',
      `model package ${arn} is ${pkg.approvalStatus}; approve it in the SageMaker Model Registry first`,
      { field: 'modelPackageArn' },
    );
  }
  if (pkg.status !== 'Completed') {
    throw new SmRolloutError(
      'MODEL_PACKAGE_NOT_APPROVED',
      `model package ${arn} has status ${pkg.status}, not Completed; wait for it to complete`,
      { field: 'modelPackageArn' },
    );
  }
  return pkg;
}
