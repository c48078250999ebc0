// Simulated CloudWatch alarms and metric reads: PutMetricAlarm (one metric, or metric math) and
// PutCompositeAlarm with their validation, a state machine evaluated on CloudWatch's cadence (every
// minute; every 10 s for a high-resolution alarm) over the data ingested so far, SetAlarmState, the
// "CloudWatch Alarm State Change" events, and GetMetricData. A metric is an exact namespace, name
// and dimension set ("CloudWatch treats each unique combination of dimensions as a separate metric",
// CloudWatch User Guide, "Amazon CloudWatch concepts", Dimensions): an alarm on a dimension set
// SageMaker does not publish sees no data, as on AWS. The port over it lives in api-calls.ts.
import type {
  AlarmDefinition,
  AlarmState,
  AlarmStateValue,
  ComparisonOperator,
  MetricDimension,
} from '../engine/ports';
import type { AlarmRuleNode } from '../engine/composite-alarm-rule';
import { alarmRuleChildren, evaluateAlarmRule, parseAlarmRule } from '../engine/composite-alarm-rule';
import { resourceNotFound, validationException } from './aws-errors';
import type { Arns } from './aws-names';
import type { AlarmRule, AlarmVerdict, PeriodDatapoint, TreatMissingData } from './alarm-evaluation';
import { evaluateAlarm, evaluationRangeLength } from './alarm-evaluation';
import type { SimClock } from './clock';
import type { AlarmStateDetail, EventBus } from './events';
import { cloudWatchTimestamp } from './events';
import type { MathNode } from './metric-math';
import { MathExpressionError, evaluateMath, mathIds, parseMathExpression } from './metric-math';
import type { MetricStore } from './metrics';
import { SAGEMAKER_NAMESPACE, isSupportedStatistic, statisticValue } from './metrics';
import type { SeededRandom } from './random';
import type { SimTimings } from './types';

/** A metric and the statistic an alarm (or one of a math alarm's queries) reads of it. */
export interface SimMetricStat {
  namespace: string;
  metricName: string;
  dimensions: MetricDimension[];
  statistic: string;
}

/** One of a metric-math alarm's Metrics (MetricDataQuery): a MetricStat or an Expression. */
export interface SimMetricQuery {
  id: string;
  metricStat?: SimMetricStat;
  expression?: string;
  /** Defaults to false; exactly one query of an alarm returns data. */
  returnData?: boolean;
}

/**
 * PutMetricAlarm. Either one metric — `namespace` (default AWS/SageMaker), `metricName`, `dimensions`
 * and `statistic`; `endpointName` and `variantName` are shorthand for the EndpointName and VariantName
 * dimensions — or `metrics`, a metric-math alarm (its MetricStats read with the alarm's period).
 */
export interface MetricAlarmInput {
  alarmName: string;
  description?: string;
  namespace?: string;
  metricName?: string;
  dimensions?: MetricDimension[];
  /** Shorthand for the dimension EndpointName. */
  endpointName?: string;
  /** Shorthand for the dimension VariantName. Without it an AWS/SageMaker alarm watches a metric nobody publishes. */
  variantName?: string;
  statistic?: string;
  metrics?: SimMetricQuery[];
  threshold: number;
  comparison: ComparisonOperator;
  periodSeconds: number;
  evaluationPeriods: number;
  /** Defaults to evaluationPeriods. */
  datapointsToAlarm?: number;
  /** Defaults to missing, CloudWatch's default. */
  treatMissingData?: TreatMissingData;
  /** AlarmActions: ARNs invoked on ALARM (the sim acts on Application Auto Scaling policy ARNs only). */
  alarmActions?: string[];
}

/** PutCompositeAlarm: an AlarmRule over other alarms' states. */
export interface CompositeAlarmInput {
  alarmName: string;
  description?: string;
  alarmRule: string;
}

export interface SimMetricAlarmDefinition {
  kind: 'metric';
  alarmName: string;
  description?: string;
  /** A single-metric alarm's metric; absent for metric math. */
  metric?: SimMetricStat;
  /** A metric-math alarm's queries (returnData set on every one). */
  metrics?: Array<
    Required<Pick<SimMetricQuery, 'id' | 'returnData'>> & Omit<SimMetricQuery, 'id' | 'returnData'>
  >;
  threshold: number;
  comparison: ComparisonOperator;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  /** AlarmActions: ARNs invoked on ALARM (the sim acts on Application Auto Scaling policy ARNs only). */
  alarmActions?: string[];
}

export interface SimCompositeAlarmDefinition {
  kind: 'composite';
  alarmName: string;
  description?: string;
  alarmRule: string;
}

export type SimAlarmDefinition = SimMetricAlarmDefinition | SimCompositeAlarmDefinition;

/** An alarm as tests see it: its definition and its current state. */
export interface SimAlarmView extends Omit<AlarmState, 'definition'> {
  definition: SimAlarmDefinition;
}

interface SimAlarm {
  definition: SimAlarmDefinition;
  /** A metric alarm's evaluation rule; undefined for a composite. */
  rule?: AlarmRule;
  /** A math alarm's parsed expressions by query id. */
  expressions?: Map<string, MathNode>;
  /** A composite's parsed AlarmRule. */
  alarmRule?: AlarmRuleNode;
  /** The id CloudWatch gives the metric in alarm events' configuration. */
  metricId: string;
  state: AlarmStateValue;
  reason: string;
  reasonData?: string;
  updatedAt: number;
  /**
   * The end of the last period the alarm was evaluated on. A complete period's data never changes,
   * so a verdict can only change when a new period completes; undefined forces an evaluation (new
   * or reconfigured alarm, or SetAlarmState, which lasts only until the next evaluation).
   */
  evaluatedThrough?: number;
  /** Statistic values of complete periods by period start, computed once. */
  periods: Map<number, PeriodDatapoint>;
}

/** An alarm as saved with the simulated cloud: definition, state and the periods already evaluated. */
export interface SimAlarmState {
  definition: SimAlarmDefinition;
  metricId: string;
  state: AlarmStateValue;
  reason: string;
  reasonData?: string;
  updatedAt: number;
  evaluatedThrough?: number;
  periods: PeriodDatapoint[];
}

function ruleOf(definition: SimMetricAlarmDefinition): AlarmRule {
  return {
    // A math alarm's reason data names no statistic of its own; its queries carry theirs.
    statistic: definition.metric?.statistic ?? 'Average',
    threshold: definition.threshold,
    comparison: definition.comparison,
    periodSeconds: definition.periodSeconds,
    evaluationPeriods: definition.evaluationPeriods,
    datapointsToAlarm: definition.datapointsToAlarm,
    treatMissingData: definition.treatMissingData,
  };
}

const COMPARISONS: readonly ComparisonOperator[] = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const TREATMENTS: readonly TreatMissingData[] = ['missing', 'notBreaching', 'breaching', 'ignore'];
const ONE_DAY_SECONDS = 86_400;
const MAX_NAMES_PER_CALL = 100;
/** MetricDataQuery Id: "The first character must be a lowercase letter" (CloudWatch API Reference). */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

function constraint(value: unknown, field: string, rule: string) {
  return validationException(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

function checkAlarmName(alarmName: string): void {
  if (alarmName.length < 1 || alarmName.length > 255) {
    throw constraint(alarmName, 'alarmName', 'Member must have length between 1 and 255');
  }
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7F]*$/.test(alarmName)) {
    throw validationException(`Alarm name "${alarmName}" must contain only ASCII characters.`);
  }
}

function checkStatistic(statistic: string | undefined): string {
  if (statistic === undefined || !isSupportedStatistic(statistic)) {
    throw validationException(
      `Invalid statistic "${String(statistic)}": use one of SampleCount, Average, Sum, Minimum, Maximum or a percentile such as p99.`,
    );
  }
  return statistic;
}

/** The single metric an input names, its shorthand dimensions first (EndpointName, VariantName). */
function metricOf(input: MetricAlarmInput): SimMetricStat {
  if (input.metricName === undefined || input.metricName === '') {
    throw validationException('One of MetricName or Metrics must be specified.');
  }
  const dimensions: MetricDimension[] = [
    ...(input.endpointName === undefined ? [] : [{ name: 'EndpointName', value: input.endpointName }]),
    ...(input.variantName === undefined ? [] : [{ name: 'VariantName', value: input.variantName }]),
    ...(input.dimensions ?? []).map((d) => ({ name: d.name, value: d.value })),
  ];
  const names = dimensions.map((d) => d.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw validationException(`The dimension ${repeated} is given more than once.`);
  if (dimensions.length > 30)
    throw constraint('[...]', 'dimensions', 'Member must have length less than or equal to 30');
  return {
    namespace: input.namespace ?? SAGEMAKER_NAMESPACE,
    metricName: input.metricName,
    dimensions,
    statistic: checkStatistic(input.statistic),
  };
}

/** A math alarm's queries, checked as PutMetricAlarm checks Metrics, and their parsed expressions. */
function mathOf(queries: readonly SimMetricQuery[]): {
  metrics: NonNullable<SimMetricAlarmDefinition['metrics']>;
  expressions: Map<string, MathNode>;
} {
  if (queries.length === 0 || queries.length > 10) {
    throw constraint('[...]', 'metrics', 'Member must have length between 1 and 10');
  }
  const ids = queries.map((q) => q.id);
  for (const id of ids) {
    if (!QUERY_ID.test(id)) {
      throw validationException(
        `Invalid metrics id "${id}": it must start with a lowercase letter and contain only letters, digits and underscores.`,
      );
    }
  }
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw validationException(`The metrics id ${repeated} is used more than once.`);
  if (queries.filter((q) => q.returnData === true).length !== 1) {
    throw validationException('Exactly one element of the Metrics list must have ReturnData set to true.');
  }
  const expressions = new Map<string, MathNode>();
  const metrics = queries.map((query) => {
    if ((query.metricStat === undefined) === (query.expression === undefined)) {
      throw validationException(
        `The metrics entry ${query.id} must have exactly one of MetricStat and Expression.`,
      );
    }
    if (query.expression !== undefined) {
      try {
        expressions.set(query.id, parseMathExpression(query.expression));
      } catch (error) {
        if (error instanceof MathExpressionError) throw validationException(error.message);
        throw error;
      }
    }
    return {
      id: query.id,
      returnData: query.returnData === true,
      ...(query.metricStat === undefined
        ? {}
        : {
            metricStat: {
              namespace: query.metricStat.namespace,
              metricName: query.metricStat.metricName,
              dimensions: query.metricStat.dimensions.map((d) => ({ name: d.name, value: d.value })),
              statistic: checkStatistic(query.metricStat.statistic),
            },
          }),
      ...(query.expression === undefined ? {} : { expression: query.expression }),
    };
  });
  // Every id an expression reads exists, and no expression reads itself through others.
  const visiting = new Set<string>();
  const visit = (id: string): void => {
    const node = expressions.get(id);
    if (node === undefined) return;
    if (visiting.has(id)) throw validationException(`The expression ${id} refers to itself.`);
    visiting.add(id);
    for (const used of mathIds(node)) {
      if (!ids.includes(used)) {
        throw validationException(`The expression ${id} refers to ${used}, which is not an id in Metrics.`);
      }
      visit(used);
    }
    visiting.delete(id);
  };
  for (const id of expressions.keys()) visit(id);
  return { metrics, expressions };
}

/** A saved definition from before metrics had dimensions ({metricName, endpointName, variantName?}). */
function upgradedDefinition(
  saved: SimAlarmDefinition | (MetricAlarmInput & { kind?: undefined }),
): SimAlarmDefinition {
  if (saved.kind !== undefined) return saved;
  return normalizedMetricAlarm(saved).definition;
}

function isAlarmPeriod(seconds: number): boolean {
  return (
    Number.isInteger(seconds) && ([10, 20, 30].includes(seconds) || (seconds >= 60 && seconds % 60 === 0))
  );
}

function normalizedMetricAlarm(input: MetricAlarmInput): {
  definition: SimMetricAlarmDefinition;
  expressions?: Map<string, MathNode>;
} {
  const datapointsToAlarm = input.datapointsToAlarm ?? input.evaluationPeriods;
  const treatMissingData = input.treatMissingData ?? 'missing';
  checkAlarmName(input.alarmName);
  if (input.metrics !== undefined && input.metricName !== undefined) {
    throw validationException('MetricName and Metrics cannot both be specified.');
  }
  const math = input.metrics === undefined ? undefined : mathOf(input.metrics);
  const metric = math === undefined ? metricOf(input) : undefined;
  if (!COMPARISONS.includes(input.comparison)) {
    throw constraint(
      input.comparison,
      'comparisonOperator',
      `Member must satisfy enum value set: [${COMPARISONS.join(', ')}]`,
    );
  }
  if (!TREATMENTS.includes(treatMissingData)) {
    throw validationException(
      `Invalid TreatMissingData "${treatMissingData}": use breaching, notBreaching, ignore or missing.`,
    );
  }
  if (!Number.isFinite(input.threshold))
    throw constraint(input.threshold, 'threshold', 'Member must be a number');
  // "Valid values are 10, 20, 30, and any multiple of 60" (PutMetricAlarm API reference, Period). A
  // sub-minute period on a metric published each minute is accepted: "the alarm still attempts to
  // gather data at the period rate that you specify ... it does not receive data for the attempts
  // that do not correspond to a one-minute data resolution". Message approximated.
  if (!isAlarmPeriod(input.periodSeconds)) {
    throw validationException(
      `The parameter Period must be 10, 20, 30 or a multiple of 60 (got ${input.periodSeconds}).`,
    );
  }
  if (!Number.isInteger(input.evaluationPeriods) || input.evaluationPeriods < 1) {
    throw constraint(
      input.evaluationPeriods,
      'evaluationPeriods',
      'Member must have value greater than or equal to 1',
    );
  }
  if (input.evaluationPeriods * input.periodSeconds > ONE_DAY_SECONDS) {
    throw validationException(
      'The evaluation period of the alarm (EvaluationPeriods × Period) must not exceed one day.',
    );
  }
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1) {
    throw constraint(
      datapointsToAlarm,
      'datapointsToAlarm',
      'Member must have value greater than or equal to 1',
    );
  }
  if (datapointsToAlarm > input.evaluationPeriods) {
    throw validationException('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
  }
  return {
    definition: {
      kind: 'metric',
      alarmName: input.alarmName,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(metric === undefined ? {} : { metric }),
      ...(math === undefined ? {} : { metrics: math.metrics }),
      threshold: input.threshold,
      comparison: input.comparison,
      periodSeconds: input.periodSeconds,
      evaluationPeriods: input.evaluationPeriods,
      datapointsToAlarm,
      treatMissingData,
      ...(input.alarmActions === undefined ? {} : { alarmActions: [...input.alarmActions] }),
    },
    ...(math === undefined ? {} : { expressions: math.expressions }),
  };
}

function expressionsOf(definition: SimMetricAlarmDefinition): Map<string, MathNode> | undefined {
  if (definition.metrics === undefined) return undefined;
  return new Map(
    definition.metrics.flatMap((q) =>
      q.expression === undefined ? [] : [[q.id, parseMathExpression(q.expression)] as const],
    ),
  );
}

/** The definition as the AlarmControl port reports it (DescribeAlarms' fields). */
function portDefinition(definition: SimAlarmDefinition): AlarmDefinition {
  if (definition.kind === 'composite') {
    return {
      kind: 'composite',
      alarmRule: definition.alarmRule,
      childAlarmNames: alarmRuleChildren(definition.alarmRule),
    };
  }
  if (definition.metric !== undefined) {
    const { namespace, metricName, dimensions, statistic } = definition.metric;
    return {
      kind: 'metric',
      metric: { namespace, metricName, dimensions: dimensions.map((d) => ({ ...d })) },
      statistic,
      periodSeconds: definition.periodSeconds,
    };
  }
  return {
    kind: 'math',
    metrics: (definition.metrics ?? []).map((q) => ({
      id: q.id,
      returnData: q.returnData,
      ...(q.metricStat === undefined
        ? {}
        : {
            metric: {
              namespace: q.metricStat.namespace,
              metricName: q.metricStat.metricName,
              dimensions: q.metricStat.dimensions.map((d) => ({ ...d })),
              statistic: q.metricStat.statistic,
              periodSeconds: definition.periodSeconds,
            },
          }),
      ...(q.expression === undefined ? {} : { expression: q.expression }),
    })),
  };
}

function copyDefinition(definition: SimAlarmDefinition): SimAlarmDefinition {
  return JSON.parse(JSON.stringify(definition)) as SimAlarmDefinition;
}

export class SimCloudWatch {
  private readonly alarms = new Map<string, SimAlarm>();

  constructor(
    private readonly deps: {
      clock: SimClock;
      metrics: MetricStore;
      bus: EventBus;
      arns: Arns;
      ids: SeededRandom;
      timings: Pick<
        SimTimings,
        'metricIngestionDelayMs' | 'standardAlarmEvaluationMs' | 'highResolutionAlarmEvaluationMs'
      >;
    },
  ) {}

  /** How often CloudWatch evaluates an alarm of this period: every 10 s below a minute, else every minute. */
  private cadenceMs(rule: AlarmRule): number {
    const { timings } = this.deps;
    return rule.periodSeconds < 60
      ? timings.highResolutionAlarmEvaluationMs
      : timings.standardAlarmEvaluationMs;
  }

  /** PutMetricAlarm: creates the alarm (INSUFFICIENT_DATA) or replaces its configuration, keeping its state. */
  putMetricAlarm(input: MetricAlarmInput): void {
    const { definition, expressions } = normalizedMetricAlarm(input);
    const existing = this.alarms.get(input.alarmName);
    if (existing !== undefined && existing.definition.kind !== 'metric') {
      throw validationException(`The alarm ${input.alarmName} is a composite alarm; delete it first.`);
    }
    this.store(existing, {
      definition,
      rule: ruleOf(definition),
      ...(expressions === undefined ? {} : { expressions }),
    });
  }

  /**
   * PutCompositeAlarm. Its state follows its rule over its children: ALARM while the rule is TRUE, OK
   * while it is FALSE (CloudWatch User Guide, "Combining alarms"), re-evaluated whenever a child changes.
   */
  putCompositeAlarm(input: CompositeAlarmInput): void {
    checkAlarmName(input.alarmName);
    let alarmRule: AlarmRuleNode;
    try {
      alarmRule = parseAlarmRule(input.alarmRule);
    } catch (error) {
      throw validationException((error as Error).message);
    }
    if (alarmRuleChildren(input.alarmRule).includes(input.alarmName)) {
      throw validationException(
        `The composite alarm ${input.alarmName} cannot reference itself in its AlarmRule.`,
      );
    }
    const existing = this.alarms.get(input.alarmName);
    if (existing !== undefined && existing.definition.kind !== 'composite') {
      throw validationException(`The alarm ${input.alarmName} is a metric alarm; delete it first.`);
    }
    this.store(existing, {
      definition: {
        kind: 'composite',
        alarmName: input.alarmName,
        ...(input.description === undefined ? {} : { description: input.description }),
        alarmRule: input.alarmRule,
      },
      alarmRule,
    });
    this.evaluateComposites(new Map());
  }

  describeAlarms(alarmNames: readonly string[]): AlarmState[] {
    if (alarmNames.length > MAX_NAMES_PER_CALL) {
      throw constraint(
        '[...]',
        'alarmNames',
        `Member must have length less than or equal to ${MAX_NAMES_PER_CALL}`,
      );
    }
    return [...new Set(alarmNames)].flatMap((name) => {
      const alarm = this.alarms.get(name);
      return alarm === undefined
        ? []
        : [{ ...this.stateOf(alarm), definition: portDefinition(alarm.definition) }];
    });
  }

  deleteAlarms(alarmNames: readonly string[]): void {
    if (alarmNames.length > MAX_NAMES_PER_CALL) {
      throw constraint(
        '[...]',
        'alarmNames',
        `Member must have length less than or equal to ${MAX_NAMES_PER_CALL}`,
      );
    }
    for (const name of alarmNames) this.alarms.delete(name);
  }

  /** SetAlarmState: lasts until the next evaluation, which may move the alarm back. */
  setAlarmState(alarmName: string, state: AlarmStateValue, reason: string, reasonData?: string): void {
    const alarm = this.alarms.get(alarmName);
    if (alarm === undefined) throw resourceNotFound(`Alarm ${alarmName} not found`);
    const before = alarm.state;
    this.transition(alarm, { state, reason, ...(reasonData === undefined ? {} : { reasonData }) });
    delete alarm.evaluatedThrough;
    if (alarm.definition.kind === 'metric' && before !== state)
      this.evaluateComposites(new Map([[alarmName, state]]));
  }

  /**
   * Evaluates every alarm due at `now` (a 10-second boundary, right after that slice's metrics were
   * published): one whose cadence divides `now`. Its evaluation range ends at the evaluation time and
   * slides with it (a five-minute alarm evaluated each minute reads five-minute windows offset by a
   * minute: CloudWatch User Guide, "Limits" of alarms on connected data sources), and it reads only
   * datapoints already ingested, so the latest period is usually still missing. That is why CloudWatch
   * "attempts to retrieve a higher number of data points than specified by Evaluation Periods" ("Using
   * Amazon CloudWatch alarms", evaluating an alarm): with N real datapoints among the N + 2 periods,
   * the missing latest one does not count ("How alarm state is evaluated when data is missing").
   */
  evaluateAll(now: number): void {
    const changed = new Map<string, AlarmStateValue>();
    for (const name of [...this.alarms.keys()].sort()) {
      const alarm = this.alarms.get(name) as SimAlarm;
      if (alarm.rule === undefined) continue;
      const cadence = this.cadenceMs(alarm.rule);
      const lastEnd = Math.floor(now / cadence) * cadence;
      if (lastEnd !== now || alarm.evaluatedThrough === lastEnd) continue;
      alarm.evaluatedThrough = lastEnd;
      const verdict = evaluateAlarm(alarm.rule, this.evaluationRange(alarm, alarm.rule, lastEnd), now);
      if (verdict !== undefined && verdict.state !== alarm.state) {
        this.transition(alarm, verdict);
        changed.set(name, verdict.state);
      }
    }
    if (changed.size > 0) this.evaluateComposites(changed);
  }

  alarmNames(): string[] {
    return [...this.alarms.keys()].sort();
  }

  alarmView(alarmName: string): SimAlarmView | undefined {
    const alarm = this.alarms.get(alarmName);
    return alarm === undefined
      ? undefined
      : { ...this.stateOf(alarm), definition: copyDefinition(alarm.definition) };
  }

  exportState(): SimAlarmState[] {
    return this.alarmNames().map((name) => {
      const alarm = this.alarms.get(name) as SimAlarm;
      return {
        definition: copyDefinition(alarm.definition),
        metricId: alarm.metricId,
        state: alarm.state,
        reason: alarm.reason,
        ...(alarm.reasonData === undefined ? {} : { reasonData: alarm.reasonData }),
        updatedAt: alarm.updatedAt,
        ...(alarm.evaluatedThrough === undefined ? {} : { evaluatedThrough: alarm.evaluatedThrough }),
        periods: [...alarm.periods.values()].map((p) => ({ ...p })),
      };
    });
  }

  importState(alarms: readonly SimAlarmState[]): void {
    for (const saved of alarms) {
      const definition = upgradedDefinition(saved.definition);
      const expressions = definition.kind === 'metric' ? expressionsOf(definition) : undefined;
      this.alarms.set(definition.alarmName, {
        definition,
        ...(definition.kind === 'metric'
          ? { rule: ruleOf(definition), ...(expressions === undefined ? {} : { expressions }) }
          : { alarmRule: parseAlarmRule(definition.alarmRule) }),
        metricId: saved.metricId,
        state: saved.state,
        reason: saved.reason,
        ...(saved.reasonData === undefined ? {} : { reasonData: saved.reasonData }),
        updatedAt: saved.updatedAt,
        ...(saved.evaluatedThrough === undefined ? {} : { evaluatedThrough: saved.evaluatedThrough }),
        periods: new Map(saved.periods.map((p) => [p.timestamp, { ...p }])),
      });
    }
  }

  /** How far back alarm evaluation reads metrics at `now`: the start of the oldest period any alarm needs. */
  oldestPeriodNeeded(now: number): number {
    let oldest = now;
    for (const alarm of this.alarms.values()) {
      if (alarm.rule === undefined) continue;
      const periodMs = alarm.rule.periodSeconds * 1000;
      const cadence = this.cadenceMs(alarm.rule);
      const lastEnd = Math.floor(now / cadence) * cadence;
      oldest = Math.min(oldest, lastEnd - evaluationRangeLength(alarm.rule) * periodMs);
    }
    return oldest;
  }

  private store(
    existing: SimAlarm | undefined,
    parts: Pick<SimAlarm, 'definition' | 'rule' | 'expressions' | 'alarmRule'>,
  ): void {
    if (existing !== undefined) {
      existing.definition = parts.definition;
      if (parts.rule === undefined) delete existing.rule;
      else existing.rule = parts.rule;
      if (parts.expressions === undefined) delete existing.expressions;
      else existing.expressions = parts.expressions;
      if (parts.alarmRule === undefined) delete existing.alarmRule;
      else existing.alarmRule = parts.alarmRule;
      delete existing.evaluatedThrough;
      existing.periods.clear();
      return;
    }
    this.alarms.set(parts.definition.alarmName, {
      ...parts,
      metricId: this.deps.ids.uuid(),
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      updatedAt: this.deps.clock.now(),
      periods: new Map(),
    });
  }

  /**
   * Re-evaluates composite alarms after children changed (`changed`: child → its new state), until no
   * composite changes (a composite may be another's child). A composite's StateReason names the child
   * whose change moved it, the way CloudWatch writes it ("<child ARN> transitioned to ALARM").
   */
  private evaluateComposites(changed: Map<string, AlarmStateValue>): void {
    const { arns } = this.deps;
    for (let round = 0; round <= this.alarms.size; round++) {
      const moved = new Map<string, AlarmStateValue>();
      for (const name of [...this.alarms.keys()].sort()) {
        const alarm = this.alarms.get(name) as SimAlarm;
        if (alarm.alarmRule === undefined) continue;
        const value = evaluateAlarmRule(alarm.alarmRule, (child) => this.alarms.get(child)?.state);
        const state: AlarmStateValue = value ? 'ALARM' : 'OK';
        if (state === alarm.state) continue;
        const cause = alarmRuleChildren((alarm.definition as SimCompositeAlarmDefinition).alarmRule).find(
          (child) => changed.has(child),
        );
        const reason =
          cause === undefined
            ? `Composite alarm rule evaluated to ${value ? 'TRUE' : 'FALSE'}`
            : `${arns.alarm(cause)} transitioned to ${changed.get(cause) as string}`;
        this.transition(alarm, { state, reason });
        moved.set(name, state);
      }
      if (moved.size === 0) return;
      for (const [name, state] of moved) changed.set(name, state);
    }
  }

  /**
   * The periods ending at `lastEnd` (the evaluation time), most recent first, from the data ingested by
   * then. A period's datapoint is kept once no more data can arrive for it (its end plus the longest
   * publish period plus the ingestion delay has passed); until then it is read afresh.
   */
  private evaluationRange(alarm: SimAlarm, rule: AlarmRule, lastEnd: number): PeriodDatapoint[] {
    const periodMs = rule.periodSeconds * 1000;
    const settleMs = this.deps.metrics.coarsestResolutionMs() + this.deps.timings.metricIngestionDelayMs;
    const range = Array.from({ length: evaluationRangeLength(rule) }, (_, age): PeriodDatapoint => {
      const start = lastEnd - (age + 1) * periodMs;
      const known = alarm.periods.get(start);
      if (known !== undefined) return known;
      const point = this.datapoint(alarm, start, start + periodMs, lastEnd);
      if (start + periodMs + settleMs <= lastEnd) alarm.periods.set(start, point);
      return point;
    });
    const oldest = lastEnd - range.length * periodMs;
    for (const start of alarm.periods.keys()) if (start < oldest) alarm.periods.delete(start);
    return range;
  }

  /** The alarm's datapoint for one period: its metric's statistic, or its returned math expression. */
  private datapoint(alarm: SimAlarm, from: number, to: number, asOf: number): PeriodDatapoint {
    const { metrics } = this.deps;
    const definition = alarm.definition as SimMetricAlarmDefinition;
    const valueOf = (stat: SimMetricStat): { value: number; sampleCount: number } | undefined => {
      const samples = metrics.samplesOf(stat, from, to, asOf);
      return samples === undefined
        ? undefined
        : { value: statisticValue(samples, stat.statistic), sampleCount: samples.sampleCount };
    };
    if (definition.metric !== undefined) {
      const read = valueOf(definition.metric);
      return read === undefined ? { timestamp: from } : { timestamp: from, ...read };
    }
    const queries = new Map((definition.metrics ?? []).map((q) => [q.id, q]));
    const memo = new Map<string, number | undefined>();
    const value = (id: string): number | undefined => {
      if (memo.has(id)) return memo.get(id);
      const query = queries.get(id);
      const expression = alarm.expressions?.get(id);
      const result =
        query?.metricStat !== undefined
          ? valueOf(query.metricStat)?.value
          : expression !== undefined
            ? evaluateMath(expression, value)
            : undefined;
      memo.set(id, result);
      return result;
    };
    const returned = (definition.metrics ?? []).find((q) => q.returnData);
    const result = returned === undefined ? undefined : value(returned.id);
    return result === undefined ? { timestamp: from } : { timestamp: from, value: result };
  }

  private stateOf(alarm: SimAlarm): AlarmState {
    return {
      alarmName: alarm.definition.alarmName,
      state: alarm.state,
      reason: alarm.reason,
      ...(alarm.reasonData === undefined ? {} : { reasonData: alarm.reasonData }),
      updatedAt: alarm.updatedAt,
    };
  }

  private transition(
    alarm: SimAlarm,
    next: Pick<AlarmVerdict, 'state' | 'reason'> & { reasonData?: string },
  ): void {
    const { clock, bus, arns } = this.deps;
    const previous: AlarmStateDetail = {
      value: alarm.state,
      reason: alarm.reason,
      ...(alarm.reasonData === undefined ? {} : { reasonData: alarm.reasonData }),
      timestamp: cloudWatchTimestamp(alarm.updatedAt),
    };
    const changed = next.state !== alarm.state;
    alarm.state = next.state;
    alarm.reason = next.reason;
    if (next.reasonData === undefined) delete alarm.reasonData;
    else alarm.reasonData = next.reasonData;
    alarm.updatedAt = clock.now();
    // CloudWatch sends a state change event only when the state value changes.
    if (!changed) return;
    const { definition } = alarm;
    bus.emit({
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      resources: [arns.alarm(definition.alarmName)],
      detail: {
        alarmName: definition.alarmName,
        state: {
          value: alarm.state,
          reason: alarm.reason,
          ...(alarm.reasonData === undefined ? {} : { reasonData: alarm.reasonData }),
          timestamp: cloudWatchTimestamp(alarm.updatedAt),
        },
        previousState: previous,
        configuration: {
          ...(definition.description === undefined ? {} : { description: definition.description }),
          ...eventConfiguration(definition, alarm.metricId),
        },
      },
    });
  }
}

/** The alarm's configuration as its state change event carries it (metrics, or a composite's alarmRule). */
function eventConfiguration(definition: SimAlarmDefinition, metricId: string) {
  if (definition.kind === 'composite') return { alarmRule: definition.alarmRule };
  const metricStat = (stat: SimMetricStat) => ({
    metric: {
      namespace: stat.namespace,
      name: stat.metricName,
      dimensions: Object.fromEntries(stat.dimensions.map((d) => [d.name, d.value])),
    },
    period: definition.periodSeconds,
    stat: stat.statistic,
  });
  if (definition.metric !== undefined) {
    return { metrics: [{ id: metricId, metricStat: metricStat(definition.metric), returnData: true }] };
  }
  return {
    metrics: (definition.metrics ?? []).map((q) => ({
      id: q.id,
      ...(q.metricStat === undefined ? {} : { metricStat: metricStat(q.metricStat) }),
      ...(q.expression === undefined ? {} : { expression: q.expression }),
      returnData: q.returnData,
    })),
  };
}
