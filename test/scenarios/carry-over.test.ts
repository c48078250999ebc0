// What a rollout carries over from a rich baseline — a model in a VPC with network isolation and its own
// container environment, data capture, KMS, enhanced metrics, a tuned variant, tags on model and config —
// into the candidate model and the configs it derives, on the same and on another instance type; what it
// refuses before creating anything; and SageMaker's eventual consistency retried, not rolled back.
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ENDPOINT,
  DEMO_GROUP,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { validateStartRequest } from '../../src/engine/start-request';
import type { SmRolloutError } from '../../src/errors';
import { createSimCloud, type SimCloud } from '../../src/sim';
import { driveEngine } from '../engine/drive';
import { MUTATING_CALL } from './harness';

const VPC = { SecurityGroupIds: ['sg-0a1b2c3d'], Subnets: ['subnet-11111111', 'subnet-22222222'] };
const CAPTURE = {
  EnableCapture: true,
  InitialSamplingPercentage: 20,
  DestinationS3Uri: 's3://churn-capture/prod',
  KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/capture',
  CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
};
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/volumes';
const METRICS = { EnableEnhancedMetrics: true, MetricPublishFrequencyInSeconds: 10 };
const TUNED = {
  VolumeSizeInGB: 64,
  ContainerStartupHealthCheckTimeoutInSeconds: 600,
  ModelDataDownloadTimeoutInSeconds: 900,
  RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
};
const MODEL_TAGS = [
  { key: 'team', value: 'churn' },
  { key: 'cost-center', value: 'ml-42' },
  // ListTags shows AWS's own tags too; nobody may set them, so they are not copied.
  { key: 'aws:cloudformation:stack-name', value: 'churn' },
];
const CONFIG_TAGS = [{ key: 'data-classification', value: 'confidential' }];

/** The rich production endpoint, as its owner built it (baseline package: version 1 of the demo group). */
function richCloud(): SimCloud {
  const sim = createSimCloud({ seed: 7 });
  const baselinePackage = sim.registerModelPackage({
    groupName: DEMO_GROUP,
    approvalStatus: 'Approved',
    behaviour: HEALTHY_MODEL,
  });
  sim.createEndpoint({
    endpointName: DEMO_ENDPOINT,
    modelPackageArn: baselinePackage,
    instanceType: 'ml.m5.xlarge',
    instanceCount: 2,
    variantExtra: TUNED,
    configExtra: { DataCaptureConfig: CAPTURE, KmsKeyId: KMS, MetricsConfig: METRICS },
    configTags: CONFIG_TAGS,
    model: {
      vpcConfig: VPC,
      enableNetworkIsolation: true,
      environment: { LOG_LEVEL: 'warning', SAGEMAKER_MODEL_SERVER_WORKERS: '4' },
      tags: MODEL_TAGS,
    },
  });
  return sim;
}

function setUp(
  candidatePackage: { supportedRealtimeInstanceTypes?: string[]; environment?: Record<string, string> } = {},
) {
  const sim = richCloud();
  const env = createSimulatedEnvironment({ cloud: sim });
  const candidateArn = sim.registerModelPackage({
    groupName: DEMO_GROUP,
    approvalStatus: 'Approved',
    behaviour: HEALTHY_MODEL,
    ...candidatePackage,
  });
  const start = (instanceType?: string) =>
    env.engine.start(
      validateStartRequest({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: candidateArn,
        executionRoleArn: DEMO_ROLE,
        strategy: 'AllAtOnce',
        candidateAlarms: [],
        allowUnguarded: true,
        requestedBy: 'tests',
        ...(instanceType ? { candidate: { instanceType } } : {}),
      }),
    );
  const request = (operation: string, name: string) =>
    sim.calls.find(
      (c) =>
        c.operation === operation &&
        c.outcome === 'created' &&
        (c.input['ModelName'] === name || c.input['EndpointConfigName'] === name),
    )?.input;
  return { sim, env, candidateArn, start, request };
}

async function refusal(promise: Promise<unknown>): Promise<SmRolloutError> {
  try {
    await promise;
  } catch (error) {
    return error as SmRolloutError;
  }
  throw new Error('expected a refusal');
}

const ourTags = (id: string) => [
  { Key: 'sm-rollout:rollout-id', Value: id },
  { Key: 'sm-rollout:endpoint', Value: DEMO_ENDPOINT },
];

describe('a rollout carries the baseline over (simulated cloud)', () => {
  it('on the same instance type: the candidate model keeps VPC, isolation, environment and tags; both configs keep every setting', async () => {
    const { sim, env, candidateArn, start, request } = setUp();
    const started = await start();
    const id = started.record.id;
    const { names } = started.record.input;
    const end = await driveEngine(env, env.engine, id);

    expect(end.record.status).toBe('succeeded');
    // The serving model is read once: its settings and the version it serves come from the same call.
    expect(sim.calls.filter((c) => c.operation === 'DescribeModel')).toHaveLength(1);
    expect(request('CreateModel', names.candidateModel)).toStrictEqual({
      ModelName: names.candidateModel,
      ModelPackageName: candidateArn,
      Environment: { LOG_LEVEL: 'warning', SAGEMAKER_MODEL_SERVER_WORKERS: '4' },
      ExecutionRoleArn: DEMO_ROLE,
      VpcConfig: VPC,
      EnableNetworkIsolation: true,
      Tags: [...ourTags(id), { Key: 'team', Value: 'churn' }, { Key: 'cost-center', Value: 'ml-42' }],
    });
    const configLevel = { DataCaptureConfig: CAPTURE, KmsKeyId: KMS, MetricsConfig: METRICS };
    const tags = [...ourTags(id), { Key: 'data-classification', Value: 'confidential' }];
    expect(request('CreateEndpointConfig', names.transitionConfig)).toStrictEqual({
      ...configLevel,
      EndpointConfigName: names.transitionConfig,
      ProductionVariants: [
        {
          ...TUNED,
          VariantName: 'AllTraffic',
          ModelName: `${DEMO_ENDPOINT}-model-0`,
          InitialVariantWeight: 1,
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
        },
        {
          ...TUNED,
          VariantName: names.candidateVariant,
          ModelName: names.candidateModel,
          InitialVariantWeight: 0,
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
        },
      ],
      Tags: tags,
    });
    expect(request('CreateEndpointConfig', names.finalConfig)).toStrictEqual({
      ...configLevel,
      EndpointConfigName: names.finalConfig,
      ProductionVariants: [
        {
          ...TUNED,
          // The new model under the baseline's variant name: the team's alarms and scaling keep working.
          VariantName: 'AllTraffic',
          ModelName: names.candidateModel,
          InitialVariantWeight: 1,
          InstanceType: 'ml.m5.xlarge',
          InitialInstanceCount: 2,
        },
      ],
      Tags: tags,
    });
    // Models with different networks side by side would be a violation the simulated cloud records.
    expect(sim.violations).toEqual([]);
  });

  it('on another instance type: only the volume size stays behind; timeouts and routing carry over', async () => {
    const { env, start, request } = setUp();
    const started = await start('ml.c5.2xlarge');
    const { names } = started.record.input;
    const end = await driveEngine(env, env.engine, started.record.id);

    expect(end.record.status).toBe('succeeded');
    const { VolumeSizeInGB: _hardwareBound, ...independent } = TUNED;
    const candidateVariant = {
      ...independent,
      VariantName: names.candidateVariant,
      ModelName: names.candidateModel,
      InstanceType: 'ml.c5.2xlarge',
      InitialInstanceCount: 2,
    };
    const transition = request('CreateEndpointConfig', names.transitionConfig)!;
    expect(transition['ProductionVariants']).toStrictEqual([
      {
        ...TUNED,
        VariantName: 'AllTraffic',
        ModelName: `${DEMO_ENDPOINT}-model-0`,
        InitialVariantWeight: 1,
        InstanceType: 'ml.m5.xlarge',
        InitialInstanceCount: 2,
      },
      { ...candidateVariant, InitialVariantWeight: 0 },
    ]);
    expect(request('CreateEndpointConfig', names.finalConfig)!['ProductionVariants']).toStrictEqual([
      { ...candidateVariant, VariantName: 'AllTraffic', InitialVariantWeight: 1 },
    ]);
    expect(request('CreateEndpointConfig', names.finalConfig)!['MetricsConfig']).toStrictEqual(METRICS);
  });

  it('refuses a candidate instance type with local NVMe storage under the config KMS key, creating nothing', async () => {
    const { sim, start } = setUp();
    const error = await refusal(start('ml.g5.xlarge'));

    expect(error).toMatchObject({ code: 'ENDPOINT_UNSUPPORTED', field: 'candidate.instanceType' });
    expect(error.message).toContain('ml.g5.xlarge has local NVMe instance storage');
    expect(error.message).toContain('--instance-type');
    expect(sim.calls.filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
  });

  it('refuses a package that does not support the instance type, creating nothing', async () => {
    const { sim, start } = setUp({ supportedRealtimeInstanceTypes: ['ml.g5.xlarge', 'ml.g5.2xlarge'] });
    const error = await refusal(start());

    expect(error).toMatchObject({ code: 'ENDPOINT_UNSUPPORTED', field: 'modelPackageArn' });
    expect(error.message).toContain('does not support instance type ml.m5.xlarge');
    expect(error.message).toContain('ml.g5.xlarge, ml.g5.2xlarge');
    expect(sim.calls.filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
  });

  it("a package with its own Environment keeps its keys; the baseline model's other keys are carried", async () => {
    const { env, start, request } = setUp({ environment: { LOG_LEVEL: 'debug' } });
    const started = await start();
    await driveEngine(env, env.engine, started.record.id);

    // LOG_LEVEL is the new version's own (the package sets it); the worker count is the team's.
    expect(request('CreateModel', started.record.input.names.candidateModel)?.['Environment']).toEqual({
      SAGEMAKER_MODEL_SERVER_WORKERS: '4',
    });
  });

  it('retries a just-created model SageMaker does not see yet, and the rollout succeeds', async () => {
    const { sim, env, start } = setUp();
    sim.injectFault({ kind: 'notYetVisible', resource: 'model', calls: 2 });
    sim.injectFault({ kind: 'notYetVisible', resource: 'endpointConfig', calls: 1 });
    const started = await start();
    const end = await driveEngine(env, env.engine, started.record.id);

    expect(end.record.status).toBe('succeeded');
    const outcomes = (operation: string) =>
      sim.calls.filter((c) => c.operation === operation).map((c) => c.outcome);
    expect(outcomes('CreateEndpointConfig')).toEqual(['error', 'error', 'created', 'created']);
    expect(outcomes('UpdateEndpoint')).toEqual(['error', 'ok', 'ok']);
    const timeline = await env.store.timeline(started.record.id);
    expect(timeline.some((e) => /rolled back|rollback/i.test(e.message))).toBe(false);
  });

  it('a 10 s candidate alarm is accepted where the config publishes enhanced metrics every 10 s', async () => {
    const { sim, env, candidateArn } = setUp();
    const started = await env.engine.start(
      validateStartRequest({
        endpointName: DEMO_ENDPOINT,
        modelPackageArn: candidateArn,
        executionRoleArn: DEMO_ROLE,
        strategy: 'AllAtOnce',
        candidateAlarms: [{ ...DEMO_CANDIDATE_ALARMS[0]!, periodSeconds: 10, evaluationPeriods: 3 }],
        requestedBy: 'tests',
      }),
    );
    expect(started.record.status).not.toBe('failed');
    await driveEngine(env, env.engine, started.record.id);
    const alarm = sim.calls.find((c) => c.operation === 'PutMetricAlarm');
    expect(alarm?.input).toMatchObject({ Period: 10, EvaluationPeriods: 3 });
  });

  it('refuses another instance type for a variant that launches only into a capacity reservation, creating nothing', async () => {
    const sim = createSimCloud({ seed: 7 });
    const reservation = sim.createCapacityReservation('churn-reserved', 'ml.m5.xlarge');
    sim.createEndpoint({
      endpointName: DEMO_ENDPOINT,
      modelPackageArn: sim.registerModelPackage({
        groupName: DEMO_GROUP,
        approvalStatus: 'Approved',
        behaviour: HEALTHY_MODEL,
      }),
      instanceType: 'ml.m5.xlarge',
      instanceCount: 2,
      variantExtra: {
        CapacityReservationConfig: {
          CapacityReservationPreference: 'capacity-reservations-only',
          MlReservationArn: reservation,
        },
      },
    });
    const env = createSimulatedEnvironment({ cloud: sim });
    const candidateArn = sim.registerModelPackage({
      groupName: DEMO_GROUP,
      approvalStatus: 'Approved',
      behaviour: HEALTHY_MODEL,
    });
    const error = await refusal(
      env.engine.start(
        validateStartRequest({
          endpointName: DEMO_ENDPOINT,
          modelPackageArn: candidateArn,
          executionRoleArn: DEMO_ROLE,
          strategy: 'AllAtOnce',
          candidateAlarms: DEMO_CANDIDATE_ALARMS,
          candidate: { instanceType: 'ml.c5.xlarge' },
          requestedBy: 'tests',
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'ENDPOINT_UNSUPPORTED', field: 'candidate.instanceType' });
    expect(error.message).toContain(`an ML capacity reservation (${reservation}) for ml.m5.xlarge`);
    expect(error.message).toContain("drop --instance-type, or the policy's candidate.instanceType");
    expect(sim.calls.filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
  });
});
