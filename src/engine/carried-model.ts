// What a model the rollout creates from the package keeps of the model it replaces: network settings,
// the container's own Environment and the team's tags. Pure: the stepwise path (effects.ts, the
// serving variant's model) and the inference-component path (the component's model) both build from it.
import type { BaselineModel } from '../../statemachines/contract';
import type { ModelPackageState, ModelState, Tag } from './ports';

export const OUR_TAG_PREFIX = 'sm-rollout:';
/** CreateModel and CreateEndpointConfig API reference, Tags: "Maximum number of 50 items". */
export const MAX_TAGS = 50;
/** The tags the controller puts on everything it creates (rolloutTags). */
export const OUR_TAG_COUNT = 2;

/** The tags the controller puts on everything a rollout creates. */
export function rolloutTags(rolloutId: string, endpointName: string): Tag[] {
  return [
    { key: 'sm-rollout:rollout-id', value: rolloutId },
    { key: 'sm-rollout:endpoint', value: endpointName },
  ];
}

/**
 * The tags of a baseline resource that what the rollout derives from it keeps: not ours (a derived
 * resource gets its own, so ours win), and not AWS's (keys starting `aws:` are reserved: "you
 * can't edit or delete tag keys or values with this prefix", "Tagging your AWS resources").
 */
export function inheritableTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((t) => !t.key.startsWith(OUR_TAG_PREFIX) && !t.key.toLowerCase().startsWith('aws:'));
}

/**
 * The model's own Environment, set on the new model's container. DescribeModel returns the container
 * definitions as CreateModel received them, so what it reports is what the model's owner set on top
 * of its package. SageMaker used to refuse an Environment on a model whose package sets one
 * ("Environment variable map cannot be specified both at Model Package and Model",
 * aws/sagemaker-python-sdk#3397) and accepts it since early 2023 ("Now service is supporting the
 * same", aws/sagemaker-python-sdk#3581). A key the new package sets itself is left to the package: it
 * describes the new version (SAGEMAKER_PROGRAM, ...), and which side would win is not documented.
 */
export function carriedEnvironment(
  model: ModelState,
  pkg: ModelPackageState,
): { environment?: Record<string, string> } {
  const own = Object.entries(model.environment ?? {}).filter(([key]) => !(key in (pkg.environment ?? {})));
  return own.length > 0 ? { environment: Object.fromEntries(own) } : {};
}

/**
 * What the new model carries over from `model` (CreateModel takes VpcConfig and EnableNetworkIsolation
 * "for hosting"), given the model's tags as ListTags returned them. `tagsWouldExceed` is set when ours
 * and the inherited ones together pass SageMaker's 50: the caller refuses, naming the resource.
 */
export function carriedModelSettings(
  model: ModelState,
  pkg: ModelPackageState,
  tags: readonly Tag[],
): BaselineModel & { tagsOver?: number } {
  const inherited = inheritableTags(tags);
  const over = inherited.length + OUR_TAG_COUNT - MAX_TAGS;
  return {
    ...(model.vpcConfig ? { vpcConfig: model.vpcConfig } : {}),
    ...(model.enableNetworkIsolation !== undefined
      ? { enableNetworkIsolation: model.enableNetworkIsolation }
      : {}),
    ...carriedEnvironment(model, pkg),
    tags: inherited,
    ...(model.modelPackageArn ? { modelPackageArn: model.modelPackageArn } : {}),
    ...(over > 0 ? { tagsOver: over } : {}),
  };
}
