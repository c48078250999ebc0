// The controller as a reusable CDK construct: one Lambda function that receives every event the
// controller is wired to (approvals, alarm and endpoint state changes, the one-minute schedule and CLI
// commands) and the wake-ups it sends itself (an SQS queue with message timers and its event source
// mapping), the DynamoDB table it stores rollouts in, the command and lifecycle buses, dead-letter
// handling and alarms, and an IAM policy that allows exactly the AWS calls src/aws makes on exactly
// the resources the policies file names.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SAGEMAKER_NAMESPACE, VARIANT_DIMENSION } from '../src/aws/autoscaling';
import { LIFECYCLE_SOURCE } from '../src/aws/eventbridge';
import {
  COMMAND_DETAIL_TYPE,
  COMMAND_SOURCE,
  CONTROLLER_EVENTS,
  NAME_PREFIX,
  parseS3Uri,
} from '../src/engine';
import { deployedPoliciesJson, loadPolicies, type Policy } from '../src/policy';
import { ACTIVE_INDEX, rolloutTableDefinition, TTL_ATTRIBUTE } from '../src/store/dynamodb';
import { bundleController, CONTROLLER_ENTRY_FILE, PROJECT_ROOT } from './controller-bundle';

/** The repository root: the bundler's project root, and where relative policy paths start. */
export { PROJECT_ROOT };
/** The service Application Auto Scaling's service-linked role for SageMaker endpoints is for. */
const SCALING_SERVICE_PRINCIPAL = 'sagemaker.application-autoscaling.amazonaws.com';

/**
 * The name the policies get inside the bundle (next to index.mjs, in /var/task): the policies file as
 * JSON, written at synth, so the function bundles no YAML parser (src/policy/deployed.ts reads it).
 */
export const BUNDLED_POLICIES_FILE = 'policies.json';
/** One invocation's limit; the wake-up queue's visibility timeout is six times it. */
const FUNCTION_TIMEOUT = Duration.minutes(5);
/** Receives of a wake-up before it goes to the dead-letter queue (the schedule wakes the rollout anyway). */
const WAKE_UP_MAX_RECEIVE_COUNT = 3;

export interface SmRolloutControllerProps {
  /** The policies file to ship with the function (absolute, or relative to the repository root). */
  readonly policiesFile: string;
  /** The policies in that file; loaded (and checked) from `policiesFile` when not given. */
  readonly policies?: readonly Policy[];
  /**
   * IAM principals allowed to put commands on the command bus (the bus's resource policy). Principals
   * of this account can also be granted with `grantPutCommands` instead.
   * @default - no resource policy: only identities of this account whose own policies allow it
   */
  readonly commandPrincipals?: readonly iam.IPrincipal[];
  /** Where lifecycle events go. @default - a new bus */
  readonly lifecycleBus?: events.IEventBus;
  /** Retention of the function's log group. @default ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Alarm and OK notifications of the controller's own alarms go here. @default - none */
  readonly alarmsTopic?: sns.ITopic;
  /** The rollout table holds rollout history. @default RETAIN */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /**
   * Reserved concurrency of the function. Correctness does not depend on it (the store's optimistic
   * concurrency and the endpoint lock serialise work on one rollout), so it only caps the API rate the
   * controller can put on SageMaker and CloudWatch. Reserving concurrency fails the deployment in
   * accounts whose concurrency limit is still the new-account default of 10.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
}

/** `name` as it appears in a SageMaker ARN: SageMaker lower-cases resource names in ARNs. */
function sagemakerArnName(name: string): string {
  return name.toLowerCase();
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** The endpoints the policies check before traffic, and the S3 objects their sample requests are in. */
function preTrafficChecksOf(policies: readonly Policy[]): {
  checkedEndpoints: string[];
  sampleObjects: { bucket: string; key: string }[];
} {
  const checked = policies.filter((p) => p.preTrafficCheck !== undefined);
  const objects = new Map<string, { bucket: string; key: string }>();
  for (const p of checked) {
    const requests = p.preTrafficCheck!.requests;
    const location = typeof requests === 'string' ? parseS3Uri(requests) : undefined;
    if (location) objects.set(`${location.bucket}/${location.key}`, location);
  }
  return { checkedEndpoints: unique(checked.map((p) => p.endpoint)), sampleObjects: [...objects.values()] };
}

/**
 * An S3 key as a literal in an IAM resource ARN: `*`, `?` and `$` would otherwise be wildcards or a
 * policy variable; IAM spells them literally as `${*}`, `${?}` and `${$}` (IAM User Guide, "IAM policy
 * elements: Variables and tags", Special characters).
 */
function literalInIamArn(key: string): string {
  return key.replace(/[*?$]/g, (c) => `\${${c}}`);
}

export class SmRolloutController extends Construct {
  readonly table: dynamodb.Table;
  readonly function: lambda.Function;
  readonly commandBus: events.EventBus;
  readonly lifecycleBus: events.IEventBus;
  /**
   * Events EventBridge could not deliver, invocations that failed after Lambda's retries, and wake-ups
   * that failed maxReceiveCount times.
   */
  readonly deadLetterQueue: sqs.Queue;
  /** Precise wake-ups: the controller sends itself a message timed for a rollout's next deadline. */
  readonly wakeUpQueue: sqs.Queue;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  readonly policies: readonly Policy[];
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SmRolloutControllerProps) {
    super(scope, id);
    const policiesFile = path.resolve(PROJECT_ROOT, props.policiesFile);
    this.policies = props.policies ?? loadPolicies(policiesFile).policies;
    if (this.policies.length === 0) throw new Error(`${policiesFile}: no policies, nothing to deploy`);

    const groups = unique(this.policies.map((p) => p.modelPackageGroup));
    const endpoints = unique(this.policies.map((p) => p.endpoint));
    const alarmNames = unique(this.policies.flatMap((p) => p.alarms));
    const executionRoles = unique(this.policies.map((p) => p.executionRoleArn));
    const checks = preTrafficChecksOf(this.policies);

    // --- Store -------------------------------------------------------------------------------------
    this.table = this.createTable(props.tableRemovalPolicy ?? RemovalPolicy.RETAIN);

    // --- Buses ---------------------------------------------------------------------------------------
    this.lifecycleBus =
      props.lifecycleBus ??
      new events.EventBus(this, 'LifecycleBus', {
        description: `sm-rollout lifecycle events (source ${LIFECYCLE_SOURCE}): subscribe with rules on this bus`,
      });
    this.commandBus = new events.EventBus(this, 'CommandBus', {
      description: `sm-rollout commands (source ${COMMAND_SOURCE}, detail-type ${COMMAND_DETAIL_TYPE})`,
    });
    const commandPrincipals = props.commandPrincipals ?? [];
    if (commandPrincipals.length > 0) {
      this.commandBus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'PutRolloutCommands',
          principals: [...commandPrincipals],
          actions: ['events:PutEvents'],
          resources: [this.commandBus.eventBusArn],
          // Only commands: a granted principal cannot inject events that look like AWS's own.
          conditions: {
            StringEquals: { 'events:source': COMMAND_SOURCE, 'events:detail-type': COMMAND_DETAIL_TYPE },
          },
        }),
      );
    }

    // --- Failure handling ----------------------------------------------------------------------------
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // It is also the wake-up queue's redrive target, which is how cdk-nag (AwsSolutions-SQS3) tells a
    // dead-letter queue from a queue that lacks one; an alarm fires on its first message.
    this.wakeUpQueue = this.createWakeUpQueue();

    // --- Function --------------------------------------------------------------------------------------
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'sm-rollout controller: rolls out Model Registry versions onto the policy endpoints',
    });
    this.function = this.createFunction(policiesFile, props.reservedConcurrentExecutions);
    this.function.addEnvironment('ROLLOUT_WAKE_UP_QUEUE_URL', this.wakeUpQueue.queueUrl);
    const components = unique(
      this.policies.flatMap((p) => (p.inferenceComponent ? [p.inferenceComponent] : [])),
    );
    const permissions = this.addPermissions({ groups, endpoints, executionRoles, components, ...checks });

    // --- Events in ---------------------------------------------------------------------------------------
    this.wireEvents({ groups, endpoints, alarmNames });
    this.wireWakeUps(permissions);

    // --- Alarms on the controller itself -------------------------------------------------------------------
    this.createAlarms(props.alarmsTopic);
  }

  /** Allows `grantee` (an identity of this account) to put commands on the command bus. */
  grantPutCommands(grantee: iam.IGrantable): iam.Grant {
    return this.commandBus.grantPutEventsTo(grantee);
  }

  /**
   * The wake-up queue. Standard, not FIFO: "When you set FifoQueue, you can't set DelaySeconds per message"
   * (SendMessage API reference), and the controller needs a timer per message. A wake-up is worth nothing
   * once the schedule has done its work, so messages are kept a day; one that failed three receives goes to
   * the dead-letter queue. The visibility timeout is six times the function timeout: "set the source queue's
   * visibility timeout to at least six times the configuration timeout on your function" (Lambda developer
   * guide, "Creating and configuring an Amazon SQS event source mapping").
   */
  private createWakeUpQueue(): sqs.Queue {
    return new sqs.Queue(this, 'WakeUpQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(1),
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WAKE_UP_MAX_RECEIVE_COUNT },
    });
  }

  /**
   * The event source mapping that hands the wake-up queue's messages to the function: BatchSize 10 (the SQS
   * default), MaximumBatchingWindowInSeconds 0 ("the default batching window is 0 seconds": invoke with what is
   * there, no waiting to fill a batch), and ReportBatchItemFailures so that only the wake-ups the handler names
   * in batchItemFailures return to the queue. Lambda checks the role's permissions when it creates the
   * mapping, so it waits for the policy.
   */
  private wireWakeUps(permissions: iam.Policy): void {
    const mapping = new lambda.EventSourceMapping(this, 'WakeUpMapping', {
      target: this.function,
      eventSourceArn: this.wakeUpQueue.queueArn,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(0),
      reportBatchItemFailures: true,
    });
    mapping.node.addDependency(permissions);
  }

  private createTable(removalPolicy: RemovalPolicy): dynamodb.Table {
    // The table's shape comes from the store's own CreateTable input, so the two cannot drift.
    const definition = rolloutTableDefinition('unused');
    const attributeType = (name: string): dynamodb.AttributeType => {
      const type = definition.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
      if (type === 'S') return dynamodb.AttributeType.STRING;
      if (type === 'N') return dynamodb.AttributeType.NUMBER;
      if (type === 'B') return dynamodb.AttributeType.BINARY;
      throw new Error(`rolloutTableDefinition: attribute ${name} has no type`);
    };
    const key = (schema: typeof definition.KeySchema, keyType: 'HASH' | 'RANGE') => {
      const name = schema?.find((k) => k.KeyType === keyType)?.AttributeName;
      return name === undefined ? undefined : { name, type: attributeType(name) };
    };
    const partitionKey = key(definition.KeySchema, 'HASH');
    if (!partitionKey) throw new Error('rolloutTableDefinition: no partition key');
    if (definition.BillingMode !== 'PAY_PER_REQUEST') {
      throw new Error(`rolloutTableDefinition: billing mode ${definition.BillingMode} is not on-demand`);
    }

    const table = new dynamodb.Table(this, 'Table', {
      partitionKey,
      sortKey: key(definition.KeySchema, 'RANGE'),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const indexKey = key(index.KeySchema, 'HASH');
      if (!index.IndexName || !indexKey) throw new Error('rolloutTableDefinition: index without name or key');
      if (index.Projection?.ProjectionType !== 'ALL') {
        throw new Error(`rolloutTableDefinition: index ${index.IndexName} must project ALL`);
      }
      table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: indexKey,
        sortKey: key(index.KeySchema, 'RANGE'),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  private createFunction(policiesFile: string, reservedConcurrentExecutions?: number): lambda.Function {
    // The split bundle (infra/controller-bundle.ts) and, next to index.mjs, the policies: checked (every
    // problem at its line) and converted to JSON now.
    const assetDir = mkdtempSync(path.join(tmpdir(), 'sm-rollout-controller-'));
    bundleController(assetDir);
    writeFileSync(path.join(assetDir, BUNDLED_POLICIES_FILE), deployedPoliciesJson(policiesFile));
    const fn = new lambda.Function(this, 'Function', {
      description: 'sm-rollout controller: approvals, alarms, endpoint changes, schedule and CLI commands',
      code: lambda.Code.fromAsset(assetDir),
      handler: `${path.basename(CONTROLLER_ENTRY_FILE, '.mjs')}.handler`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // One invocation runs an engine step, which waits for its effects (AWS calls with retries).
      timeout: FUNCTION_TIMEOUT,
      reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Asynchronous invocations (every EventBridge target is one): two retries, then the DLQ.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      environment: {
        ROLLOUT_STORE: `dynamodb:${this.table.tableName}`,
        ROLLOUT_POLICIES_FILE: `/var/task/${BUNDLED_POLICIES_FILE}`,
        ROLLOUT_EVENT_BUS: this.lifecycleBus.eventBusName,
        POWERTOOLS_SERVICE_NAME: 'sm-rollout',
        POWERTOOLS_METRICS_NAMESPACE: 'sm-rollout',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundle targets node22 and the code is tested on Node 20/22; ' +
        'a runtime upgrade is a deliberate change, not an automatic one.',
    });
    // The asset is staged (copied into the cloud assembly) while the function is constructed.
    rmSync(assetDir, { recursive: true, force: true });
    return fn;
  }

  private addPermissions(names: {
    groups: string[];
    endpoints: string[];
    executionRoles: string[];
    /** Inference components the policies roll out onto (policy `inferenceComponent`). */
    components: string[];
    /** Endpoints whose policy has a pre-traffic check (InvokeEndpoint on them). */
    checkedEndpoints: string[];
    /** The S3 objects those checks read their sample requests from. */
    sampleObjects: { bucket: string; key: string }[];
  }): iam.Policy {
    const sm = (resourceAndName: string) =>
      `arn:${Aws.PARTITION}:sagemaker:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resourceAndName}`;
    const endpointArns = names.endpoints.map((e) => sm(`endpoint/${sagemakerArnName(e)}`));
    const ownConfigs = sm(`endpoint-config/${NAME_PREFIX}-*`);
    const ownModels = sm(`model/${NAME_PREFIX}-*`);
    const anyConfig = sm('endpoint-config/*');
    const scalableTargets = `arn:${Aws.PARTITION}:application-autoscaling:${Aws.REGION}:${Aws.ACCOUNT_ID}:scalable-target/*`;
    const targetTrackingAlarms = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:TargetTracking-endpoint/*`;
    const scalingServiceLinkedRole =
      `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${SCALING_SERVICE_PRINCIPAL}/` +
      'AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint';
    const policy = new iam.Policy(this, 'Permissions', {
      statements: [
        // Logs go to the function's own log group only (instead of AWSLambdaBasicExecutionRole).
        new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'PolicyEndpoints',
          actions: [
            'sagemaker:DescribeEndpoint',
            'sagemaker:UpdateEndpoint',
            'sagemaker:UpdateEndpointWeightsAndCapacities',
          ],
          resources: endpointArns,
        }),
        // The baseline's config has whatever name its owner gave it, unknown at deploy time: reading any
        // config is allowed (read-only); creating and deleting only configs named by the controller.
        new iam.PolicyStatement({
          sid: 'DescribeEndpointConfigs',
          actions: ['sagemaker:DescribeEndpointConfig'],
          resources: [anyConfig],
        }),
        // SageMaker's API permissions reference lists UpdateEndpoint on the endpoint and on the config it
        // deploys (transition/final config, or the original one on rollback, whose name is unknown). This
        // cannot update any endpoint but the policies': the statement above is the only one that allows
        // UpdateEndpoint on an endpoint.
        new iam.PolicyStatement({
          sid: 'UpdateEndpointToConfig',
          actions: ['sagemaker:UpdateEndpoint'],
          resources: [anyConfig],
        }),
        new iam.PolicyStatement({
          sid: 'OwnEndpointConfigs',
          actions: [
            'sagemaker:CreateEndpointConfig',
            'sagemaker:DeleteEndpointConfig',
            'sagemaker:DescribeEndpointConfig',
          ],
          resources: [ownConfigs],
        }),
        new iam.PolicyStatement({
          sid: 'OwnModels',
          actions: ['sagemaker:CreateModel', 'sagemaker:DeleteModel'],
          resources: [ownModels],
        }),
        // A rollout reads the baseline model's network settings and environment (the candidate keeps them),
        // and `undo` (a controller command) reads which model package the model that served before the last
        // rollout was created from; those models have whatever names their owners gave them. Read-only.
        new iam.PolicyStatement({
          sid: 'DescribeModels',
          actions: ['sagemaker:DescribeModel'],
          resources: [sm('model/*')],
        }),
        // A rollout copies the baseline model's and config's tags onto what it derives from them; both have
        // whatever names their owner gave them. Read-only.
        new iam.PolicyStatement({
          sid: 'ReadBaselineTags',
          actions: ['sagemaker:ListTags'],
          resources: [sm('model/*'), anyConfig],
        }),
        // CreateModel and CreateEndpointConfig carry Tags: SageMaker authorizes them as AddTags.
        new iam.PolicyStatement({
          sid: 'TagOwnResources',
          actions: ['sagemaker:AddTags'],
          resources: [ownModels, ownConfigs],
        }),
        new iam.PolicyStatement({
          sid: 'PolicyModelPackages',
          actions: ['sagemaker:DescribeModelPackage'],
          resources: names.groups.map((g) => sm(`model-package/${sagemakerArnName(g)}/*`)),
        }),
        new iam.PolicyStatement({
          sid: 'PassExecutionRoles',
          actions: ['iam:PassRole'],
          resources: names.executionRoles,
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
        // A policy with inferenceComponent reads and rolling-updates exactly that component (no List: a
        // start names the hosted components only when it can list them).
        ...(names.components.length === 0
          ? []
          : [
              new iam.PolicyStatement({
                sid: 'PolicyInferenceComponents',
                actions: ['sagemaker:DescribeInferenceComponent', 'sagemaker:UpdateInferenceComponent'],
                resources: names.components.map((c) => sm(`inference-component/${sagemakerArnName(c)}`)),
              }),
            ]),
        // The pre-traffic check invokes the candidate variant of a policy's endpoint (InvokeEndpoint with
        // TargetVariant): only endpoints whose policy has a check, and nothing else of SageMaker Runtime.
        ...(names.checkedEndpoints.length === 0
          ? []
          : [
              new iam.PolicyStatement({
                sid: 'PreTrafficInvoke',
                actions: ['sagemaker:InvokeEndpoint'],
                resources: names.checkedEndpoints.map((e) => sm(`endpoint/${sagemakerArnName(e)}`)),
              }),
            ]),
        // Its sample requests, when a policy keeps them in S3: exactly the objects the policies name (no
        // s3:ListBucket, so S3 answers AccessDenied rather than NoSuchKey for a missing one; the check says so).
        ...(names.sampleObjects.length === 0
          ? []
          : [
              new iam.PolicyStatement({
                sid: 'PreTrafficSampleRequests',
                actions: ['s3:GetObject'],
                resources: names.sampleObjects.map(
                  (o) => `arn:${Aws.PARTITION}:s3:::${o.bucket}/${literalInIamArn(o.key)}`,
                ),
              }),
            ]),
        // DescribeAlarms reads the policies' alarms, which may be composite alarms: CloudWatch returns
        // composite alarms only to a cloudwatch:DescribeAlarms permission scoped to "*" (DescribeAlarms
        // API reference), so this one action is not resource-scoped. It is read-only.
        new iam.PolicyStatement({
          sid: 'ReadAlarmStates',
          actions: ['cloudwatch:DescribeAlarms'],
          resources: ['*'],
        }),
        // GetMetricData reads the candidate and baseline variants' invocation metrics for the judge and
        // `report`. It takes no resource: the Service Authorization Reference lists no resource type for
        // it (metrics are not IAM resources), so "*". It is read-only.
        new iam.PolicyStatement({
          sid: 'ReadVariantMetrics',
          actions: ['cloudwatch:GetMetricData'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          // Its candidate alarms, and a native rollout's abort alarm, which `abort` sets to ALARM (SetAlarmState).
          sid: 'OwnCandidateAlarms',
          actions: [
            'cloudwatch:PutMetricAlarm',
            'cloudwatch:DeleteAlarms',
            'cloudwatch:TagResource',
            'cloudwatch:SetAlarmState',
          ],
          resources: [
            `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${NAME_PREFIX}-*`,
          ],
        }),
        // Application Auto Scaling of the endpoints' variants: a rollout reads the baseline variant's scalable
        // target, policies and scheduled actions, gives the candidate its own, and puts the baseline's back
        // around updates SageMaker refuses for a registered variant. The Describe actions support no
        // resource-level permissions and no condition keys (Service Authorization Reference, "Actions,
        // resources, and condition keys for AWS Application Auto Scaling"), hence "*"; they are read-only.
        new iam.PolicyStatement({
          sid: 'ReadVariantScaling',
          actions: [
            'application-autoscaling:DescribeScalableTargets',
            'application-autoscaling:DescribeScalingPolicies',
            'application-autoscaling:DescribeScheduledActions',
          ],
          resources: ['*'],
        }),
        // The writes take the scalable-target resource type, but its ARN ends in an id Application Auto
        // Scaling makes up (scalable-target/<id>), not the endpoint: no ARN can name a policy's endpoint. What
        // the service does allow is its condition keys, so these writes are held to SageMaker variants'
        // instance counts and nothing else Application Auto Scaling scales in the account.
        new iam.PolicyStatement({
          sid: 'ChangeVariantScaling',
          actions: [
            'application-autoscaling:RegisterScalableTarget',
            'application-autoscaling:PutScalingPolicy',
            'application-autoscaling:PutScheduledAction',
            'application-autoscaling:DeregisterScalableTarget',
          ],
          resources: [scalableTargets],
          conditions: {
            StringEquals: {
              'application-autoscaling:service-namespace': SAGEMAKER_NAMESPACE,
              'application-autoscaling:scalable-dimension': VARIANT_DIMENSION,
            },
          },
        }),
        // A target tracking policy's alarms are created and deleted by Application Auto Scaling, which first
        // checks that the caller may do so itself ("Permissions validation for Application Auto Scaling API
        // calls on target resources"). It names them TargetTracking-<resource id>-AlarmHigh|Low-<id>, so the
        // grant covers SageMaker variants' target tracking alarms only.
        new iam.PolicyStatement({
          sid: 'TargetTrackingAlarms',
          actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
          resources: [targetTrackingAlarms],
        }),
        // RegisterScalableTarget creates Application Auto Scaling's service-linked role for SageMaker the first
        // time anyone in the account registers a variant ("Service-linked roles for Application Auto
        // Scaling"). Only that one role, for that one service.
        new iam.PolicyStatement({
          sid: 'ScalingServiceLinkedRole',
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [scalingServiceLinkedRole],
          conditions: { StringLike: { 'iam:AWSServiceName': SCALING_SERVICE_PRINCIPAL } },
        }),
        new iam.PolicyStatement({
          sid: 'PublishLifecycleEvents',
          actions: ['events:PutEvents'],
          resources: [this.lifecycleBus.eventBusArn],
        }),
        // Exactly the item operations DynamoRolloutStore sends; Query also on the `active` index.
        new iam.PolicyStatement({
          sid: 'RolloutTable',
          actions: [
            'dynamodb:BatchWriteItem',
            'dynamodb:DeleteItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:Scan',
            'dynamodb:UpdateItem',
          ],
          resources: [this.table.tableArn],
        }),
        new iam.PolicyStatement({
          sid: 'RolloutTableActiveIndex',
          actions: ['dynamodb:Query'],
          resources: [`${this.table.tableArn}/index/${ACTIVE_INDEX}`],
        }),
        // SqsWakeUpScheduler's one call, on the one queue.
        new iam.PolicyStatement({
          sid: 'SendWakeUps',
          actions: ['sqs:SendMessage'],
          resources: [this.wakeUpQueue.queueArn],
        }),
        // What the event source mapping does with the function's role: "Lambda needs the following permissions
        // to manage messages in your Amazon SQS queue" — ReceiveMessage, DeleteMessage, GetQueueAttributes
        // (Lambda developer guide, "Using Lambda with Amazon SQS", execution role permissions; the managed
        // AWSLambdaSQSQueueExecutionRole grants these three), on this queue only.
        new iam.PolicyStatement({
          sid: 'ConsumeWakeUps',
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          resources: [this.wakeUpQueue.queueArn],
        }),
      ],
    });
    policy.attachToRole(this.role);
    this.function.node.addDependency(policy);

    // cdk-nag reports every wildcard resource; each one is deliberate.
    const nag = (resource: string, reason: string) =>
      Validations.of(policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
        reason,
      });
    const nagArn = (service: string, resource: string) =>
      `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
    nag(
      nagArn('sagemaker', 'endpoint-config/*'),
      'Read-only DescribeEndpointConfig of the baseline config, and UpdateEndpoint back to it on rollback: ' +
        'its name is chosen by the endpoint owner and unknown at deploy time. UpdateEndpoint is still ' +
        "limited to the policies' endpoints by the endpoint ARNs.",
    );
    nag(
      nagArn('sagemaker', 'model/*'),
      'Read-only DescribeModel for undo: the model that served before the last rollout (the baseline) has ' +
        'whatever name its owner gave it, unknown at deploy time.',
    );
    nag(
      nagArn('sagemaker', `endpoint-config/${NAME_PREFIX}-*`),
      `Endpoint configs the controller creates and deletes are named ${NAME_PREFIX}-<endpoint>-<rollout id>-` +
        'transition|final (src/engine/names.ts); the rollout id is only known at run time.',
    );
    nag(
      nagArn('sagemaker', `model/${NAME_PREFIX}-*`),
      `Candidate models are named ${NAME_PREFIX}-<endpoint>-<rollout id>-model (src/engine/names.ts); ` +
        'the rollout id is only known at run time.',
    );
    for (const group of names.groups) {
      nag(
        nagArn('sagemaker', `model-package/${sagemakerArnName(group)}/*`),
        `Versions of the policy's model package group ${group}: the approved version is only known at run time.`,
      );
    }
    nag(
      '*',
      'Read-only, and only where the service takes nothing narrower: cloudwatch:DescribeAlarms (CloudWatch ' +
        'returns composite alarms, which policies may name, only when DescribeAlarms is allowed on "*"), ' +
        'cloudwatch:GetMetricData (no resource type: metrics are not IAM resources), and ' +
        "Application Auto Scaling's DescribeScalableTargets, DescribeScalingPolicies and " +
        'DescribeScheduledActions (no resource-level permissions).',
    );
    nag(
      nagArn('application-autoscaling', 'scalable-target/*'),
      'A scalable target ARN ends in an id Application Auto Scaling generates, not the endpoint, so no ARN ' +
        'names a policy endpoint; the writes are held to SageMaker variant instance counts by the ' +
        'service-namespace and scalable-dimension condition keys.',
    );
    nag(
      nagArn('cloudwatch', 'alarm:TargetTracking-endpoint/*'),
      'Application Auto Scaling creates and deletes target tracking alarms named TargetTracking-endpoint/' +
        '<endpoint>/variant/<variant>-AlarmHigh|Low-<generated id>, and checks the caller may do so.',
    );
    // cdk-nag reads the literal spellings ${*} and ${?} as wildcards: such a key still names one object.
    for (const o of names.sampleObjects.filter((o) => /[*?]/.test(o.key))) {
      nag(
        `arn:<AWS::Partition>:s3:::${o.bucket}/${literalInIamArn(o.key).replace(/\$\{(.)\}/g, '<$1>')}`,
        `The one object s3://${o.bucket}/${o.key} a policy keeps its pre-traffic sample requests in: its key ` +
          'contains * or ?, which the resource spells literally (${*}, ${?}), not as wildcards.',
      );
    }
    nag(
      nagArn('cloudwatch', `alarm:${NAME_PREFIX}-*`),
      `Candidate alarms are named ${NAME_PREFIX}-<endpoint>-<rollout id>-<suffix> (src/engine/names.ts); ` +
        'the rollout id is only known at run time.',
    );
    return policy;
  }

  private wireEvents(names: { groups: string[]; endpoints: string[]; alarmNames: string[] }): void {
    // Every target: retries, a bounded age and the dead-letter queue for what still could not be delivered.
    const target = (maxEventAge: Duration) =>
      new targets.LambdaFunction(this.function, {
        retryAttempts: 8,
        maxEventAge,
        deadLetterQueue: this.deadLetterQueue,
      });

    new events.Rule(this, 'ApprovalRule', {
      description: 'sm-rollout: approved versions of the policy model package groups',
      eventPattern: {
        source: [CONTROLLER_EVENTS.approval.source],
        detailType: [CONTROLLER_EVENTS.approval.detailType],
        detail: { ModelPackageGroupName: names.groups, ModelApprovalStatus: ['Approved'] },
      },
      targets: [target(Duration.hours(24))],
    });

    new events.Rule(this, 'AlarmRule', {
      description: 'sm-rollout: the policy alarms and the candidate alarms it creates entering ALARM',
      eventPattern: {
        source: [CONTROLLER_EVENTS.alarm.source],
        detailType: [CONTROLLER_EVENTS.alarm.detailType],
        detail: {
          // Exact names of the policies' alarms, or any alarm the controller created (smr-…).
          alarmName: [...names.alarmNames, { prefix: `${NAME_PREFIX}-` }],
          state: { value: ['ALARM'] },
        },
      },
      // An alarm is also read on every schedule tick, so an old alarm event adds nothing.
      targets: [target(Duration.hours(1))],
    });

    new events.Rule(this, 'EndpointRule', {
      description: 'sm-rollout: state changes of the policy endpoints and of their guardrails deployments',
      eventPattern: {
        source: [CONTROLLER_EVENTS.endpoint.source],
        // A native rollout follows its guardrails deployment stage by stage (the same detail, plus the deployment).
        detailType: [CONTROLLER_EVENTS.endpoint.detailType, CONTROLLER_EVENTS.deployment.detailType],
        detail: { EndpointName: names.endpoints },
      },
      targets: [target(Duration.hours(1))],
    });

    new events.Rule(this, 'ScheduleRule', {
      description: 'sm-rollout: advances every rollout that is due',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // The plain Scheduled Event, no custom input. A tick older than a few minutes is superseded by newer ones.
      targets: [
        new targets.LambdaFunction(this.function, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(5),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });

    new events.Rule(this, 'CommandRule', {
      description: 'sm-rollout: CLI commands',
      eventBus: this.commandBus,
      eventPattern: { source: [COMMAND_SOURCE], detailType: [COMMAND_DETAIL_TYPE] },
      targets: [target(Duration.hours(1))],
    });
  }

  private createAlarms(topic?: sns.ITopic): void {
    const oneMinute = Duration.minutes(1);
    const add = (id: string, metric: cloudwatch.IMetric, description: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (topic) {
        alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
        alarm.addOkAction(new cloudwatchActions.SnsAction(topic));
      }
      this.alarms.push(alarm);
    };
    add(
      'ErrorsAlarm',
      this.function.metricErrors({ period: oneMinute, statistic: 'Sum' }),
      'sm-rollout controller invocations failed (they are retried; after that the event is in the DLQ)',
    );
    add(
      'ThrottlesAlarm',
      this.function.metricThrottles({ period: oneMinute, statistic: 'Sum' }),
      'sm-rollout controller invocations were throttled',
    );
    add(
      'DeadLetterAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: oneMinute,
        statistic: 'Maximum',
      }),
      'sm-rollout events or invocations failed for good: inspect and redrive the dead-letter queue',
    );
  }
}
