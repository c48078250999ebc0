// Injected faults: silent rollback, failed update, throttling, an endpoint deleted behind our back.
import type { EndpointStateChangeEvent } from '../../src/sim';
import {
  ENDPOINT,
  MINUTE,
  createTransitionConfig,
  deployTransition,
  rejectionOf,
  sceneWithEndpoint,
} from './scene';

function lastEndpointEvent(events: readonly { 'detail-type': string }[]) {
  return events
    .filter((e): e is EndpointStateChangeEvent => e['detail-type'] === 'SageMaker Endpoint State Change')
    .at(-1);
}

describe('simulated cloud: injected faults', () => {
  it('a silent rollback leaves the endpoint InService on its old config with a FailureReason', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    cloud.injectFault({ kind: 'silentRollback', endpointName: ENDPOINT });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('Updating');
    cloud.clock.advanceBy(10 * MINUTE);

    const endpoint = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(endpoint).toMatchObject({
      status: 'InService',
      endpointConfigName: `${ENDPOINT}-config-0`,
      failureReason: expect.stringContaining('did not pass the ping health check'),
    });
    expect(endpoint?.variants.map((v) => v.variantName)).toEqual(['AllTraffic']);
    expect(lastEndpointEvent(cloud.events)?.detail).toMatchObject({
      EndpointStatus: 'IN_SERVICE',
      EndpointConfigName: `${ENDPOINT}-config-0`,
      FailureReason: expect.any(String),
    });
    // The old fleet never stopped serving.
    expect(cloud.servingHistory.filter((c) => c.endpointName === ENDPOINT)).toHaveLength(1);

    // The next update that succeeds clears the FailureReason.
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    cloud.clock.advanceBy(10 * MINUTE);
    const retried = await cloud.sagemaker.describeEndpoint(ENDPOINT);
    expect(retried?.endpointConfigName).toBe(config);
    expect(retried?.failureReason).toBeUndefined();
  });

  it('a failing update ends with status Failed and its reason, and further updates are refused', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    cloud.injectFault({ kind: 'updateFails', endpointName: ENDPOINT, reason: 'Image not found' });
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    cloud.clock.advanceBy(10 * MINUTE);
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
      status: 'Failed',
      failureReason: 'Image not found',
      endpointConfigName: `${ENDPOINT}-config-0`,
    });
    expect(lastEndpointEvent(cloud.events)?.detail).toMatchObject({
      EndpointStatus: 'FAILED',
      FailureReason: 'Image not found',
    });
    const error = await rejectionOf(cloud.sagemaker.updateEndpoint(ENDPOINT, config));
    expect(error.code).toBe('AWS_ERROR');
    expect(error.message).toContain('Failed');
  });

  it('throttles the next N matching calls with THROTTLED "Rate exceeded", then lets calls through', async () => {
    const { cloud } = sceneWithEndpoint();
    cloud.injectFault({ kind: 'throttle', operations: ['DescribeEndpoint'], count: 2 });
    const first = await rejectionOf(cloud.sagemaker.describeEndpoint(ENDPOINT));
    expect(first).toMatchObject({
      code: 'THROTTLED',
      message: 'DescribeEndpoint was throttled by AWS (ThrottlingException: Rate exceeded); retry later',
      retryable: true,
    });
    expect(await cloud.cloudwatch.describeAlarms(['x'])).toEqual([]);
    await expect(cloud.sagemaker.describeEndpoint(ENDPOINT)).rejects.toMatchObject({ code: 'THROTTLED' });
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('InService');
    expect(cloud.calls.map((c) => `${c.operation}:${c.error?.code ?? c.outcome}`)).toEqual([
      'DescribeEndpoint:THROTTLED',
      'DescribeAlarms:found 0',
      'DescribeEndpoint:THROTTLED',
      'DescribeEndpoint:found',
    ]);
  });

  it('throttles every operation when none is named, and a throttled update changes nothing', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    await deployTransition(scene);
    cloud.injectFault({ kind: 'throttle', count: 1 });
    await expect(
      cloud.sagemaker.updateWeights(ENDPOINT, [{ variantName: 'candidate', weight: 1 }]),
    ).rejects.toMatchObject({ code: 'THROTTLED' });
    expect((await cloud.sagemaker.describeEndpoint(ENDPOINT))?.status).toBe('InService');
  });

  it('deletes an endpoint behind the controller: it disappears now and its update never completes', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    const config = await createTransitionConfig(scene);
    await cloud.sagemaker.updateEndpoint(ENDPOINT, config);
    cloud.clock.advanceBy(MINUTE);
    cloud.injectFault({ kind: 'deleteEndpoint', endpointName: ENDPOINT });
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toBeUndefined();
    expect(lastEndpointEvent(cloud.events)?.detail.EndpointStatus).toBe('DELETING');
    cloud.clock.advanceBy(10 * MINUTE);
    expect(cloud.endpoint(ENDPOINT)).toBeUndefined();
    expect(cloud.servingHistory.at(-1)).toMatchObject({ endpointName: ENDPOINT, variants: [] });
    await expect(cloud.sagemaker.updateEndpoint(ENDPOINT, config)).rejects.toMatchObject({
      code: 'AWS_ERROR',
    });
  });

  it('DeleteEndpoint: Deleting (described, serving nothing, refusing updates) for a few minutes, then gone', async () => {
    const scene = sceneWithEndpoint();
    const { cloud } = scene;
    await deployTransition(scene);
    const deletedAt = cloud.clock.now();
    cloud.deleteEndpoint(ENDPOINT);

    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toMatchObject({
      status: 'Deleting',
      endpointConfigName: 'fraud-detector-transition',
    });
    expect(lastEndpointEvent(cloud.events)?.detail).toMatchObject({ EndpointStatus: 'DELETING' });
    expect(cloud.servingHistory.at(-1)).toMatchObject({ endpointName: ENDPOINT, variants: [] });
    expect(await rejectionOf(cloud.sagemaker.updateEndpoint(ENDPOINT, `${ENDPOINT}-config-0`))).toMatchObject(
      { code: 'ENDPOINT_BUSY' },
    );
    // The endpoint no longer uses its configs and models: deleting them is no violation.
    expect(await cloud.sagemaker.deleteEndpointConfig('fraud-detector-transition')).toBe('deleted');
    expect(await cloud.sagemaker.deleteModel('fraud-detector-candidate')).toBe('deleted');
    expect(cloud.violations).toEqual([]);

    cloud.clock.advanceBy(cloud.timings.deleteEndpointMs * (1 + cloud.timings.jitter));
    expect(await cloud.sagemaker.describeEndpoint(ENDPOINT)).toBeUndefined();
    expect(cloud.endpoint(ENDPOINT)).toBeUndefined();
    // No event says the endpoint is gone: AWS documents none.
    expect(lastEndpointEvent(cloud.events)?.detail).toMatchObject({ EndpointStatus: 'DELETING' });
    expect(lastEndpointEvent(cloud.events)?.time).toBe(
      new Date(deletedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    );
    // Its configs and models are not DeleteEndpoint's to delete.
    expect(cloud.endpointConfigNames()).toContain(`${ENDPOINT}-config-0`);
    expect(cloud.modelNames()).toContain(`${ENDPOINT}-model-0`);
  });

  it('a config in use by a live endpoint is still a violation to delete', async () => {
    const scene = sceneWithEndpoint();
    await scene.cloud.sagemaker.deleteEndpointConfig(`${ENDPOINT}-config-0`);
    expect(scene.cloud.violations).toEqual([expect.stringContaining(`endpoint "${ENDPOINT}" is using it`)]);
  });
});
