// Whether the alarms a rollout is told to watch can fire at all, decided from their definitions before
// anything changes (every start, and `policy validate` when it can read CloudWatch). On AWS a metric is
// an exact namespace, name and dimension set — "CloudWatch treats each unique combination of
// dimensions as a separate metric" (CloudWatch User Guide, "Amazon CloudWatch concepts", Dimensions)
// — and SageMaker publishes an endpoint's metrics per EndpointName + VariantName: invocation metrics
// in AWS/SageMaker, instance utilization in /aws/sagemaker/Endpoints (SageMaker Developer Guide,
// "Amazon SageMaker AI metrics in Amazon CloudWatch"). An alarm on another dimension set, namespace or
// metric name is accepted by PutMetricAlarm and then never sees a datapoint: it guards nothing.
//
// Refused (the alarm certainly gets no data, or certainly not this endpoint's): a SageMaker metric
// without VariantName, a variant the endpoint does not have, a metric in the wrong SageMaker namespace,
// a misspelt SageMaker metric, a math alarm that reads any of those, a composite that can never go to
// ALARM. Warned (it may be deliberate, or our list may be short): another endpoint's name, a SageMaker
// metric name we do not know of with no near match, a composite child that cannot fire while the rule
// still can, a composite child that does not exist. Other namespaces (a team's business metrics) are
// not checked. Pure: alarm definitions in, problems out.
import { SmRolloutError } from '../errors';
import { evaluateAlarmRule, parseAlarmRule } from './composite-alarm-rule';
import { ENDPOINT_INVOCATION_METRICS } from './alarm-rules';
import type {
  AlarmControl,
  AlarmDefinition,
  AlarmState,
  AlarmStateValue,
  EndpointControl,
  WatchedMetric,
} from './ports';

export const SAGEMAKER_INVOCATION_NAMESPACE = 'AWS/SageMaker';
export const SAGEMAKER_ENDPOINT_NAMESPACE = '/aws/sagemaker/Endpoints';

/**
 * What SageMaker publishes in AWS/SageMaker for real-time endpoints: the endpoint invocation metrics,
 * plus the multi-model endpoint and inference pipeline ones (same developer guide page; "Metrics for
 * multi-container endpoints with direct invocation").
 */
const INVOCATION_NAMESPACE_METRICS: readonly string[] = [
  ...ENDPOINT_INVOCATION_METRICS,
  'ContainerLatency',
  'ModelLoadingWaitTime',
  'ModelUnloadingTime',
  'ModelDownloadingTime',
  'ModelLoadingTime',
  'ModelCacheHit',
  // Inference components ("Amazon SageMaker AI metrics in Amazon CloudWatch", inference component
  // metrics), and the concurrency metric target tracking can use ("Define a scaling policy").
  'InvocationsPerCopy',
  'ConcurrentRequestsPerCopy',
  'ConcurrentRequestsPerModelCopy',
];

/** Instance metrics in /aws/sagemaker/Endpoints ("SageMaker AI endpoint metrics"). */
const ENDPOINT_INSTANCE_METRICS: readonly string[] = [
  'CPUUtilization',
  'MemoryUtilization',
  'DiskUtilization',
  'GPUUtilization',
  'GPUMemoryUtilization',
  'CPUReservation',
  'MemoryReservation',
  'GPUReservation',
  'LoadedModelCount',
];

export type AlarmReachSeverity = 'refuse' | 'warn';

export interface AlarmReachProblem {
  /** The alarm the rollout was told to watch (a composite's child problems are reported on the composite). */
  alarmName: string;
  severity: AlarmReachSeverity;
  /** A whole sentence naming the alarm, what is wrong and the fix. */
  message: string;
}

export interface AlarmReachInput {
  /** The alarms the rollout watches, by name (policy `alarms`, `--alarm`). */
  watched: readonly string[];
  /** Every alarm read: the watched ones and, for composites, the children read after them. */
  alarms: readonly AlarmState[];
  endpointName: string;
  /** The endpoint's variants now (the serving variant; candidates do not exist before a start). */
  variantNames: readonly string[];
}

/** The children of composites among `alarms` not read yet: what a second DescribeAlarms should ask for. */
export function unreadCompositeChildren(alarms: readonly AlarmState[]): string[] {
  const read = new Set(alarms.map((a) => a.alarmName));
  const wanted = alarms.flatMap((a) =>
    a.definition?.kind === 'composite' ? a.definition.childAlarmNames.filter((c) => !read.has(c)) : [],
  );
  return [...new Set(wanted)];
}

/** Every problem with the watched alarms, refusals first. */
export function alarmReachProblems(input: AlarmReachInput): AlarmReachProblem[] {
  const byName = new Map(input.alarms.map((a) => [a.alarmName, a]));
  const problems: AlarmReachProblem[] = [];
  for (const name of input.watched) {
    const alarm = byName.get(name);
    if (alarm?.definition === undefined) continue; // missing alarms are the start's own check
    problems.push(...problemsOf(name, alarm.definition, input, byName, [name]));
  }
  return [
    ...problems.filter((p) => p.severity === 'refuse'),
    ...problems.filter((p) => p.severity === 'warn'),
  ];
}

/**
 * Reads the children of the composites among `states` (one more DescribeAlarms, when there are any)
 * and returns every problem. `states` is what the start's own DescribeAlarms returned.
 */
export async function checkAlarmReach(
  describeAlarms: (names: readonly string[]) => Promise<AlarmState[]>,
  states: readonly AlarmState[],
  input: Omit<AlarmReachInput, 'alarms'>,
): Promise<AlarmReachProblem[]> {
  const children = unreadCompositeChildren(states);
  const all = children.length > 0 ? [...states, ...(await describeAlarms(children))] : states;
  return alarmReachProblems({ ...input, alarms: all });
}

/** The refusal a start throws: every alarm that cannot fire, each with its fix. */
export function unreachableAlarmsError(refusals: readonly AlarmReachProblem[]): SmRolloutError {
  return new SmRolloutError(
    'ALARM_UNREACHABLE',
    `${refusals.map((p) => p.message).join('; ')}. An alarm that gets no data cannot roll a bad version back; ` +
      'fix the alarm in CloudWatch or remove it from the alarms list (--alarm)',
    { field: 'alarms' },
  );
}

function problemsOf(
  alarmName: string,
  definition: AlarmDefinition,
  input: AlarmReachInput,
  byName: Map<string, AlarmState>,
  path: string[],
): AlarmReachProblem[] {
  switch (definition.kind) {
    case 'metric':
      return metricProblems(definition.metric, input).map((p) => ({
        alarmName,
        severity: p.severity,
        message: `alarm ${alarmName} ${p.text}`,
      }));
    case 'math':
      return definition.metrics.flatMap((query) =>
        query.metric === undefined
          ? []
          : metricProblems(query.metric, input).map((p) => ({
              alarmName,
              severity: p.severity,
              message:
                `alarm ${alarmName} (metric math, query ${query.id}) ${p.text}` +
                (p.severity === 'refuse'
                  ? '; an expression reading a metric with no data has no data either'
                  : ''),
            })),
      );
    case 'composite':
      return compositeProblems(alarmName, definition, input, byName, path);
  }
}

interface MetricProblem {
  severity: AlarmReachSeverity;
  /** Follows "alarm <name> ": what it watches, what is wrong, the fix. */
  text: string;
}

function dimensionText(metric: WatchedMetric): string {
  const dims = metric.dimensions.map((d) => `${d.name}=${d.value}`).join(', ');
  return `${metric.namespace} ${metric.metricName}${dims ? ` {${dims}}` : ' with no dimensions'}`;
}

function metricProblems(metric: WatchedMetric, input: AlarmReachInput): MetricProblem[] {
  const invocation = metric.namespace === SAGEMAKER_INVOCATION_NAMESPACE;
  const instance = metric.namespace === SAGEMAKER_ENDPOINT_NAMESPACE;
  if (!invocation && !instance) return [];
  const watches = `watches ${dimensionText(metric)}`;
  const serving = input.variantNames[0] ?? 'AllTraffic';
  const problems: MetricProblem[] = [];

  const name = metric.metricName;
  const here = invocation ? INVOCATION_NAMESPACE_METRICS : ENDPOINT_INSTANCE_METRICS;
  const there = invocation ? ENDPOINT_INSTANCE_METRICS : INVOCATION_NAMESPACE_METRICS;
  if (!here.includes(name)) {
    if (there.includes(name)) {
      problems.push({
        severity: 'refuse',
        text:
          `${watches}, which gets no data on AWS: ${invocation ? 'utilization' : 'invocation'} metrics like ${name} live in ` +
          `${invocation ? SAGEMAKER_ENDPOINT_NAMESPACE : SAGEMAKER_INVOCATION_NAMESPACE} — change the alarm's namespace`,
      });
    } else {
      const near = nearest(name, [...here, ...there]);
      problems.push(
        near === undefined
          ? {
              severity: 'warn',
              text:
                `${watches}: ${name} is not a metric SageMaker documents for endpoints in ${metric.namespace} ` +
                `(it publishes ${here.join(', ')}), so the alarm may never see data — check its name`,
            }
          : {
              severity: 'refuse',
              text:
                `${watches}, which gets no data on AWS: SageMaker publishes no ${name} — did you mean ${near}` +
                `${here.includes(near) ? '' : ` (in ${invocation ? SAGEMAKER_ENDPOINT_NAMESPACE : SAGEMAKER_INVOCATION_NAMESPACE})`}? ` +
                "fix the alarm's metric name",
            },
      );
    }
  }

  const endpoint = metric.dimensions.find((d) => d.name === 'EndpointName')?.value;
  const variant = metric.dimensions.find((d) => d.name === 'VariantName')?.value;
  if (endpoint !== undefined && endpoint !== input.endpointName) {
    problems.push({
      severity: 'warn',
      text:
        `${watches}: endpoint ${endpoint}, not ${input.endpointName}, so it cannot see this rollout's traffic ` +
        `(fine if that is deliberate; to guard ${input.endpointName} set EndpointName=${input.endpointName})`,
    });
    return problems;
  }
  if (metric.dimensions.some((d) => d.name === 'InferenceComponentName')) return problems;
  if (endpoint === undefined || variant === undefined) {
    problems.push({
      severity: 'refuse',
      text:
        `${watches}, which gets no data on AWS: CloudWatch treats each dimension set as its own metric and SageMaker ` +
        `publishes endpoint metrics per EndpointName + VariantName — add ` +
        `${endpoint === undefined ? `EndpointName=${input.endpointName} and ` : ''}VariantName=${serving} (the serving variant)`,
    });
  } else if (!input.variantNames.includes(variant)) {
    problems.push({
      severity: 'refuse',
      text:
        `${watches}, but ${input.endpointName} has no variant ${variant} (its variants: ${input.variantNames.join(', ')}), ` +
        `so the alarm gets no data — set VariantName=${serving}`,
    });
  }
  return problems;
}

/** Children states a composite's rule is tried with, at most this many children (3^8 combinations). */
const MAX_CHILDREN_TRIED = 8;
const STATES: readonly AlarmStateValue[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

function compositeProblems(
  alarmName: string,
  definition: Extract<AlarmDefinition, { kind: 'composite' }>,
  input: AlarmReachInput,
  byName: Map<string, AlarmState>,
  path: string[],
): AlarmReachProblem[] {
  const problems: AlarmReachProblem[] = [];
  /** Children that can never be ALARM on real data: they do not exist, or watch nothing. */
  const stuck = new Set<string>();
  for (const child of definition.childAlarmNames) {
    const state = byName.get(child);
    if (state === undefined) {
      stuck.add(child);
      problems.push({
        alarmName,
        severity: 'warn',
        message: `composite alarm ${alarmName} references alarm ${child}, which does not exist, so that part of its rule matches nothing — create it or fix the AlarmRule`,
      });
      continue;
    }
    if (state.definition === undefined || path.includes(child)) continue;
    const childProblems = problemsOf(child, state.definition, input, byName, [...path, child]);
    if (childProblems.some((p) => p.severity === 'refuse')) stuck.add(child);
    for (const p of childProblems) {
      problems.push({ alarmName, severity: 'warn', message: `composite alarm ${alarmName}: ${p.message}` });
    }
  }
  if (stuck.size > 0 && !canAlarm(definition.alarmRule, definition.childAlarmNames, stuck)) {
    problems.unshift({
      alarmName,
      severity: 'refuse',
      message:
        `composite alarm ${alarmName} can never go to ALARM: its rule ${definition.alarmRule} needs ` +
        `${[...stuck].join(', ')}, which cannot fire — fix ${stuck.size > 1 ? 'those alarms' : 'that alarm'} (see the warnings) or its AlarmRule`,
    });
  }
  return problems;
}

/**
 * Whether some states of the children that can fire make the rule TRUE, with the stuck ones never in
 * ALARM (tried as OK and as INSUFFICIENT_DATA). Too many children to try: assumed it can.
 */
function canAlarm(rule: string, children: readonly string[], stuck: ReadonlySet<string>): boolean {
  let node;
  try {
    node = parseAlarmRule(rule);
  } catch {
    return true;
  }
  if (children.length > MAX_CHILDREN_TRIED) return true;
  const choices = children.map((child) => (stuck.has(child) ? STATES.filter((s) => s !== 'ALARM') : STATES));
  const states = new Map<string, AlarmStateValue>();
  const tryFrom = (index: number): boolean => {
    if (index === children.length) return evaluateAlarmRule(node, (name) => states.get(name));
    for (const state of choices[index] as AlarmStateValue[]) {
      states.set(children[index] as string, state);
      if (tryFrom(index + 1)) return true;
    }
    return false;
  };
  return tryFrom(0);
}

/** A known name that differs only in case or punctuation, or by at most two edits; undefined if none. */
function nearest(name: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const exact = known.find((k) => squash(k) === squash(name));
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(squash(name), squash(candidate));
    if (distance <= 2 && (best === undefined || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** What `policy validate` learns about one policy's alarms from the account. */
export interface PolicyAlarmReport {
  /** False when the endpoint could not be read: then only missing alarms are reported. */
  checkedVariants: boolean;
  problems: AlarmReachProblem[];
}

/**
 * Reads a policy's endpoint (DescribeEndpoint, DescribeEndpointConfig: its variants) and alarms
 * (DescribeAlarms, and their composites' children) and returns what a start would refuse or warn
 * about, a missing alarm included. Read-only.
 */
export async function readPolicyAlarmReach(
  ports: {
    endpoints: Pick<EndpointControl, 'describeEndpoint' | 'describeEndpointConfig'>;
    alarms: Pick<AlarmControl, 'describeAlarms'>;
  },
  endpointName: string,
  alarmNames: readonly string[],
): Promise<PolicyAlarmReport> {
  if (alarmNames.length === 0) return { checkedVariants: true, problems: [] };
  const states = await ports.alarms.describeAlarms(alarmNames);
  const found = new Set(states.map((s) => s.alarmName));
  const missing: AlarmReachProblem[] = alarmNames
    .filter((name) => !found.has(name))
    .map((alarmName) => ({
      alarmName,
      severity: 'refuse',
      message: `alarm ${alarmName} does not exist; a missing alarm cannot protect a rollout — create it or remove it from alarms`,
    }));
  const endpoint = await ports.endpoints.describeEndpoint(endpointName);
  const config = endpoint
    ? await ports.endpoints.describeEndpointConfig(endpoint.endpointConfigName)
    : undefined;
  if (!config) {
    return {
      checkedVariants: false,
      problems: [
        ...missing,
        {
          alarmName: alarmNames[0] as string,
          severity: 'warn',
          message:
            `endpoint ${endpointName} ${endpoint ? `runs config ${endpoint.endpointConfigName}, which does not exist` : 'does not exist'}, ` +
            'so the alarms were not checked against its variants',
        },
      ],
    };
  }
  const reach = await checkAlarmReach((names) => ports.alarms.describeAlarms(names), states, {
    watched: alarmNames,
    endpointName,
    variantNames: config.variants.map((v) => v.variantName),
  });
  const problems = [...missing, ...reach];
  return {
    checkedVariants: true,
    problems: [
      ...problems.filter((p) => p.severity === 'refuse'),
      ...problems.filter((p) => p.severity === 'warn'),
    ],
  };
}
