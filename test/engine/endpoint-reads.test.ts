// EndpointReads: inside an engine step's scope a DescribeEndpoint is reused until the controller
// writes to that endpoint or its scaling; outside a scope, and in the next step, every read goes to
// SageMaker.
import { EndpointReads } from '../../src/engine/endpoint-reads';
import type { EndpointControl, EndpointState, ScalingControl } from '../../src/engine/ports';

function countingPorts() {
  const described: string[] = [];
  let status = 'InService';
  const endpoints = {
    describeEndpoint: async (endpointName: string): Promise<EndpointState> => {
      described.push(endpointName);
      return { endpointName, status, endpointConfigName: 'cfg-0', variants: [] } as unknown as EndpointState;
    },
    updateEndpoint: async () => {
      status = 'Updating';
    },
    updateWeights: async () => {
      status = 'Updating';
    },
  } as unknown as EndpointControl;
  const scaling = {
    registerScalableTarget: async () => undefined,
    deregisterScalableTarget: async () => 'deregistered' as const,
  } as unknown as ScalingControl;
  return { described, endpoints, scaling };
}

describe('EndpointReads', () => {
  it('reuses a read within a scope, and a write forgets it (the next read sees the endpoint Updating)', async () => {
    const { described, endpoints, scaling } = countingPorts();
    const reads = new EndpointReads(endpoints, scaling);
    await reads.within('churn-prod', async () => {
      expect((await reads.endpoints.describeEndpoint('churn-prod'))?.status).toBe('InService');
      expect((await reads.endpoints.describeEndpoint('churn-prod'))?.status).toBe('InService');
      expect(described).toEqual(['churn-prod']);
      await reads.endpoints.updateWeights('churn-prod', []);
      expect((await reads.endpoints.describeEndpoint('churn-prod'))?.status).toBe('Updating');
      expect(described).toHaveLength(2);
    });
  });

  it('forgets on a scaling write, and never shares a read between endpoints', async () => {
    const { described, endpoints, scaling } = countingPorts();
    const reads = new EndpointReads(endpoints, scaling);
    await reads.within('churn-prod', async () => {
      await reads.endpoints.describeEndpoint('churn-prod');
      await reads.endpoints.describeEndpoint('fraud-prod');
      await reads.endpoints.describeEndpoint('fraud-prod');
      await reads.scaling!.registerScalableTarget('churn-prod', 'AllTraffic', {} as never);
      await reads.endpoints.describeEndpoint('churn-prod');
    });
    // fraud-prod has no scope open here: each of its reads goes to SageMaker.
    expect(described).toEqual(['churn-prod', 'fraud-prod', 'fraud-prod', 'churn-prod']);
  });

  it('reads afresh in the next scope, and when a nested scope ends the outer one keeps its read', async () => {
    const { described, endpoints } = countingPorts();
    const reads = new EndpointReads(endpoints);
    await reads.within('churn-prod', async () => {
      await reads.endpoints.describeEndpoint('churn-prod');
      await reads.within('churn-prod', () => reads.endpoints.describeEndpoint('churn-prod'));
      await reads.endpoints.describeEndpoint('churn-prod');
    });
    expect(described).toHaveLength(1);
    await reads.within('churn-prod', () => reads.endpoints.describeEndpoint('churn-prod'));
    await reads.endpoints.describeEndpoint('churn-prod');
    expect(described).toHaveLength(3);
  });

  it('hands out copies: an effect that changed what it read would not change the next one’s', async () => {
    const { endpoints } = countingPorts();
    const reads = new EndpointReads(endpoints);
    await reads.within('churn-prod', async () => {
      const first = (await reads.endpoints.describeEndpoint('churn-prod'))!;
      first.status = 'Deleting';
      expect((await reads.endpoints.describeEndpoint('churn-prod'))?.status).toBe('InService');
    });
  });
});
