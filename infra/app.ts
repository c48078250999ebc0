// The CDK app: `npx cdk synth` (cdk.json runs it with tsx).
//   -c policies=path            the policies file to deploy (default examples/policies.yaml)
//   -c commandPrincipals=a,b    IAM principal ARNs allowed to put commands on the command bus
// SM_ROLLOUT_POLICIES / SM_ROLLOUT_COMMAND_PRINCIPALS set the same from the environment.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { isSmRolloutError } from '../src/errors';
import { SmRolloutStack } from './stack';

export function listSetting(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function buildApp(app: App = new App()): { app: App; stack: SmRolloutStack } {
  const policiesFile =
    (app.node.tryGetContext('policies') as string | undefined) ??
    process.env.SM_ROLLOUT_POLICIES ??
    'examples/policies.yaml';
  const commandPrincipalArns = listSetting(
    app.node.tryGetContext('commandPrincipals') ?? process.env.SM_ROLLOUT_COMMAND_PRINCIPALS,
  );
  const stack = new SmRolloutStack(app, 'SmRolloutStack', { policiesFile, commandPrincipalArns });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** `cdk synth` with a bad policies file: the problems, one a line, and how to check the file; no stack trace. */
export function synthOrExplain(build: () => { app: App } = buildApp): number {
  try {
    build().app.synth();
    return 0;
  } catch (error) {
    if (!isSmRolloutError(error)) throw error;
    process.stderr.write(
      `error: ${error.message}\n` +
        'check a policies file with `npx sm-rollout policy validate <file>`; ' +
        'choose it with `-c policies=<file>` or SM_ROLLOUT_POLICIES\n',
    );
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = synthOrExplain();
}
