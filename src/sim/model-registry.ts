// The SageMaker Model Registry of the simulated cloud: versioned model packages, their approval and
// status, the behaviour a model created from them will show, and their state change events.
import type { ModelApprovalStatus, ModelPackageState, ModelPackageStatus } from '../engine/ports';
import type { Arns } from './aws-names';
import { assertSageMakerName } from './aws-names';
import type { SimClock } from './clock';
import type { EventBus } from './events';
import { eventTime } from './events';
import type { ModelBehaviour } from './types';
import { DEFAULT_BEHAVIOUR } from './types';

export interface RegisterModelPackageInput {
  groupName: string;
  /** Defaults to the group's next version (1, 2, ...), as CreateModelPackage numbers them. */
  version?: number;
  /** Defaults to PendingManualApproval, CreateModelPackage's default. */
  approvalStatus?: ModelApprovalStatus;
  /** Defaults to Completed. */
  status?: ModelPackageStatus;
  behaviour?: ModelBehaviour;
  /** InferenceSpecification.Containers[0].Environment (absent: the package sets none). */
  environment?: Record<string, string>;
  /** InferenceSpecification.SupportedRealtimeInferenceInstanceTypes (absent: none listed). */
  supportedRealtimeInstanceTypes?: string[];
}

/** A model package as saved with the simulated cloud. */
export interface SimModelPackage {
  arn: string;
  groupName: string;
  version: number;
  approvalStatus: ModelApprovalStatus;
  status: ModelPackageStatus;
  behaviour: ModelBehaviour;
  environment?: Record<string, string>;
  supportedRealtimeInstanceTypes?: string[];
  creationTime: number;
  lastModifiedTime: number;
}

export class ModelRegistry {
  private readonly packages = new Map<string, SimModelPackage>();

  constructor(
    private readonly arns: Arns,
    private readonly clock: SimClock,
    private readonly bus: EventBus,
  ) {}

  register(input: RegisterModelPackageInput): string {
    assertSageMakerName(input.groupName, 'modelPackageGroupName');
    const versions = [...this.packages.values()]
      .filter((p) => p.groupName === input.groupName)
      .map((p) => p.version);
    const version = input.version ?? Math.max(0, ...versions) + 1;
    if (!Number.isInteger(version) || version < 1) {
      throw new Error(`model package version must be a positive integer, got ${version}`);
    }
    const arn = this.arns.modelPackage(input.groupName, version);
    if (this.packages.has(arn)) throw new Error(`model package ${arn} is already registered`);
    const now = this.clock.now();
    const modelPackage: SimModelPackage = {
      arn,
      groupName: input.groupName,
      version,
      approvalStatus: input.approvalStatus ?? 'PendingManualApproval',
      status: input.status ?? 'Completed',
      behaviour: { ...(input.behaviour ?? DEFAULT_BEHAVIOUR) },
      ...(input.environment === undefined ? {} : { environment: { ...input.environment } }),
      ...(input.supportedRealtimeInstanceTypes === undefined
        ? {}
        : { supportedRealtimeInstanceTypes: [...input.supportedRealtimeInstanceTypes] }),
      creationTime: now,
      lastModifiedTime: now,
    };
    this.packages.set(arn, modelPackage);
    // CreateModelPackage emits a state change too (without UpdatedModelPackageFields): a package
    // registered already Approved reaches EventBridge as an approval.
    this.emitStateChange(modelPackage, undefined);
    return arn;
  }

  /** Like UpdateModelPackage with ModelApprovalStatus; emits an event when the status changes. */
  setApproval(arn: string, approvalStatus: ModelApprovalStatus): void {
    const modelPackage = this.require(arn);
    if (modelPackage.approvalStatus === approvalStatus) return;
    modelPackage.approvalStatus = approvalStatus;
    modelPackage.lastModifiedTime = this.clock.now();
    this.emitStateChange(modelPackage, ['ModelApprovalStatus']);
  }

  /**
   * UpdateModelPackage of anything but the approval (ModelLifeCycle, CustomerMetadataProperties,
   * ...): SageMaker sends a state change for it too, naming the fields in UpdatedModelPackageFields,
   * with the package's approval status as it stands ("Events that Amazon SageMaker AI sends to
   * Amazon EventBridge", SageMaker model package state change).
   */
  updateMetadata(arn: string, fields: readonly string[]): void {
    if (fields.length === 0 || fields.includes('ModelApprovalStatus')) {
      throw new Error('updateMetadata edits metadata only; use setApproval to change ModelApprovalStatus');
    }
    const modelPackage = this.require(arn);
    modelPackage.lastModifiedTime = this.clock.now();
    this.emitStateChange(modelPackage, [...fields]);
  }

  describe(arn: string): ModelPackageState | undefined {
    const modelPackage = this.find(arn);
    if (modelPackage === undefined) return undefined;
    return {
      modelPackageArn: modelPackage.arn,
      modelPackageGroupName: modelPackage.groupName,
      modelPackageVersion: modelPackage.version,
      approvalStatus: modelPackage.approvalStatus,
      status: modelPackage.status,
      ...(modelPackage.supportedRealtimeInstanceTypes === undefined
        ? {}
        : { supportedRealtimeInstanceTypes: [...modelPackage.supportedRealtimeInstanceTypes] }),
      ...(modelPackage.environment === undefined ? {} : { environment: { ...modelPackage.environment } }),
    };
  }

  behaviourOf(arn: string): ModelBehaviour | undefined {
    const modelPackage = this.find(arn);
    return modelPackage === undefined ? undefined : { ...modelPackage.behaviour };
  }

  setBehaviour(arn: string, behaviour: ModelBehaviour): boolean {
    const modelPackage = this.find(arn);
    if (modelPackage === undefined) return false;
    modelPackage.behaviour = { ...behaviour };
    return true;
  }

  exportState(): SimModelPackage[] {
    return [...this.packages.values()].map((p) => JSON.parse(JSON.stringify(p)) as SimModelPackage);
  }

  importState(packages: readonly SimModelPackage[]): void {
    for (const p of packages) this.packages.set(p.arn, JSON.parse(JSON.stringify(p)) as SimModelPackage);
  }

  private find(arn: string): SimModelPackage | undefined {
    // The ARN's resource part is lower case (see Arns); accept a caller's differently cased copy.
    return this.packages.get(arn) ?? this.packages.get(arn.toLowerCase());
  }

  private require(arn: string): SimModelPackage {
    const modelPackage = this.find(arn);
    if (modelPackage === undefined)
      throw new Error(`no model package ${arn} is registered in the simulated cloud`);
    return modelPackage;
  }

  private emitStateChange(modelPackage: SimModelPackage, updatedFields: string[] | undefined): void {
    const { accountId, region } = this.arns;
    this.bus.emit({
      'detail-type': 'SageMaker Model Package State Change',
      source: 'aws.sagemaker',
      resources: [modelPackage.arn],
      detail: {
        ModelPackageGroupName: modelPackage.groupName,
        ModelPackageVersion: modelPackage.version,
        ModelPackageArn: modelPackage.arn,
        ModelPackageName: modelPackage.groupName,
        CreationTime: eventTime(modelPackage.creationTime),
        InferenceSpecification: {
          Containers: [
            {
              Image: `${accountId}.dkr.ecr.${region}.amazonaws.com/sim-model:${modelPackage.version}`,
              ModelDataUrl: `s3://sagemaker-${region}-${accountId}/${modelPackage.groupName}/${modelPackage.version}/model.tar.gz`,
              ...(modelPackage.environment === undefined ? {} : { Environment: modelPackage.environment }),
            },
          ],
          ...(modelPackage.supportedRealtimeInstanceTypes === undefined
            ? {}
            : { SupportedRealtimeInferenceInstanceTypes: modelPackage.supportedRealtimeInstanceTypes }),
          SupportedContentTypes: ['application/json'],
          SupportedResponseMIMETypes: ['application/json'],
        },
        ModelPackageStatus: modelPackage.status,
        ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
        CertifyForMarketplace: false,
        ModelApprovalStatus: modelPackage.approvalStatus,
        LastModifiedTime: eventTime(modelPackage.lastModifiedTime),
        ...(updatedFields === undefined ? {} : { UpdatedModelPackageFields: updatedFields }),
      },
    });
  }
}
