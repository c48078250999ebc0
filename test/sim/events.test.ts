// EventBridge-shaped delivery: model package events, ordering of events listeners cause, failures.
import type { ModelPackageStateChangeEvent, SimEvent } from '../../src/sim';
import { createSimCloud } from '../../src/sim';
import { ENDPOINT, MINUTE, createTransitionConfig, sceneWithEndpoint } from './scene';

describe('simulated EventBridge delivery', () => {
  it('sends SageMaker Model Package State Change on registration and on approval', () => {
    const cloud = createSimCloud();
    const received: SimEvent[] = [];
    cloud.onEvent((event) => {
      received.push(event);
    });
    const arn = cloud.registerModelPackage({ groupName: 'fraud' });
    cloud.setModelPackageApproval(arn, 'Approved');
    cloud.setModelPackageApproval(arn, 'Approved'); // no change, no event
    const packageEvents = received as ModelPackageStateChangeEvent[];
    expect(
      packageEvents.map((e) => [e.detail.ModelApprovalStatus, e.detail.UpdatedModelPackageFields]),
    ).toEqual([
      ['PendingManualApproval', undefined],
      ['Approved', ['ModelApprovalStatus']],
    ]);
    expect(packageEvents[1]).toMatchObject({
      'detail-type': 'SageMaker Model Package State Change',
      source: 'aws.sagemaker',
      resources: ['arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud/1'],
      detail: {
        ModelPackageGroupName: 'fraud',
        ModelPackageVersion: 1,
        ModelPackageArn: arn,
        ModelPackageStatus: 'Completed',
        LastModifiedTime: '2026-01-15T09:00:00Z',
      },
    });
  });

  it('sends a state change for a metadata edit too, naming the fields, with the approval as it stands', () => {
    const cloud = createSimCloud();
    const arn = cloud.registerModelPackage({ groupName: 'fraud', approvalStatus: 'Approved' });
    const received: ModelPackageStateChangeEvent[] = [];
    cloud.onEvent((event) => {
      received.push(event as ModelPackageStateChangeEvent);
    });
    cloud.updateModelPackageMetadata(arn, ['ModelLifeCycle']);
    expect(received.map((e) => [e.detail.ModelApprovalStatus, e.detail.UpdatedModelPackageFields])).toEqual([
      ['Approved', ['ModelLifeCycle']],
    ]);
    expect(() => cloud.updateModelPackageMetadata(arn, ['ModelApprovalStatus'])).toThrow(/setApproval/);
  });

  it('delivers events a listener causes after the current one, to every listener in the same order', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    const seen: string[][] = [[], []];
    cloud.onEvent((event) => {
      seen[0]?.push(
        event['detail-type'] === 'SageMaker Endpoint State Change' ? event.detail.EndpointStatus : '',
      );
      // React to the package approval by starting an update, as an auto-deploy handler would.
      if (event['detail-type'] === 'SageMaker Model Package State Change') {
        void cloud.sagemaker.updateEndpoint(ENDPOINT, config);
      }
    });
    cloud.onEvent((event) => {
      seen[1]?.push(
        event['detail-type'] === 'SageMaker Endpoint State Change' ? event.detail.EndpointStatus : '',
      );
    });
    cloud.setModelPackageApproval(scene.candidatePackage, 'Approved');
    expect(seen[0]).toEqual(['', 'UPDATING']);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('records listener failures instead of throwing them into the cloud, and stops delivering after unsubscribe', async () => {
    const { cloud } = sceneWithEndpoint();
    let calls = 0;
    cloud.onEvent(() => {
      throw new Error('handler bug');
    });
    cloud.onEvent(async () => {
      throw new Error('async handler bug');
    });
    const unsubscribe = cloud.onEvent(() => {
      calls++;
    });
    cloud.createMetricAlarm({
      alarmName: 'errors',
      metricName: 'Invocation5XXErrors',
      endpointName: ENDPOINT,
      variantName: 'AllTraffic',
      statistic: 'Average',
      threshold: 0.05,
      comparison: 'GreaterThanThreshold',
      periodSeconds: 60,
      evaluationPeriods: 1,
    });
    // The first minute is visible after its ingestion delay: the alarm leaves INSUFFICIENT_DATA at 09:02.
    cloud.clock.advanceBy(2 * MINUTE);
    await Promise.resolve();
    expect(calls).toBe(1);
    expect(cloud.deliveryFailures.map((f) => String(f.error))).toEqual([
      'Error: handler bug',
      'Error: async handler bug',
    ]);
    unsubscribe();
    cloud.setAlarmState('errors', 'ALARM', 'manual');
    expect(calls).toBe(1);
  });
});
