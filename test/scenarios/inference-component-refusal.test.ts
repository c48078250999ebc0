// A stepwise rollout onto an endpoint that hosts inference components is refused before anything in
// AWS changes: its variant has no model to weight (requests name their component), so only an
// inference-component rollout (SageMaker's rolling update) can move it.
import { isSmRolloutError } from '../../src/errors';
import {
  DEMO_CANDIDATE_ALARMS,
  DEMO_ROLE,
  HEALTHY_MODEL,
  createSimulatedEnvironment,
} from '../../src/cli/simulated-environment';
import { validateStartRequest } from '../../src/engine/start-request';
import { MUTATING_CALL } from './harness';

it('refuses a stepwise rollout onto an inference-component endpoint with ENDPOINT_UNSUPPORTED', async () => {
  const env = createSimulatedEnvironment();
  env.sim.createComponentHostingEndpoint({
    endpointName: 'support-llm',
    instanceType: 'ml.g5.12xlarge',
    executionRoleArn: DEMO_ROLE,
  });
  const callsBefore = env.sim.calls.length;
  const refused = await env.engine
    .start(
      validateStartRequest({
        endpointName: 'support-llm',
        modelPackageArn: env.approveNewVersion(HEALTHY_MODEL),
        executionRoleArn: DEMO_ROLE,
        strategy: 'Canary10Percent5Minutes',
        candidateAlarms: DEMO_CANDIDATE_ALARMS,
        requestedBy: 'scenario-test',
      }),
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(isSmRolloutError(refused, 'ENDPOINT_UNSUPPORTED')).toBe(true);
  expect((refused as Error).message).toMatch(
    /variant AllTraffic has no ModelName \(an inference-component endpoint\)/,
  );
  expect(env.sim.calls.slice(callsBefore).filter((c) => MUTATING_CALL.test(c.operation))).toEqual([]);
  expect(await env.store.list()).toEqual([]);
});
