// Simulated CloudWatch alarms on the AWS/SageMaker metrics: PutMetricAlarm's validation, a state
// machine evaluated every minute right after metrics are published, SetAlarmState, and the
// "CloudWatch Alarm State Change" events. The port over it lives in api-calls.ts.
import type { AlarmState, AlarmStateValue, ComparisonOperator } from '../engine/ports';
import { resourceNotFound, validationException } from './aws-errors';
import type { Arns } from './aws-names';
import type { AlarmRule, AlarmVerdict, PeriodDatapoint, TreatMissingData } from './alarm-evaluation';
import { evaluateAlarm, evaluationRangeLength } from './alarm-evaluation';
import type { SimClock } from './clock';
import type { AlarmStateDetail, EventBus } from './events';
import { cloudWatchTimestamp } from './events';
import type { MetricStore } from './metrics';
import { SAGEMAKER_NAMESPACE, isSupportedStatistic, statisticValue } from './metrics';
import type { SeededRandom } from './random';

/** A metric alarm on an AWS/SageMaker metric; without variantName it watches the whole endpoint. */
export interface MetricAlarmInput {
  alarmName: string;
  description?: string;
  metricName: string;
  endpointName: string;
  /** Omitted: an endpoint-wide alarm; the sim merges all variants' samples (real AWS would need metric math). */
  variantName?: string;
  statistic: string;
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

/** An alarm as tests see it: its definition and its current state. */
export interface SimAlarmView extends AlarmState {
  definition: Required<Omit<MetricAlarmInput, 'variantName' | 'description' | 'alarmActions'>> &
    Pick<MetricAlarmInput, 'variantName' | 'description' | 'alarmActions'>;
}

interface SimAlarm {
  definition: SimAlarmView['definition'];
  rule: AlarmRule;
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
  definition: SimAlarmView['definition'];
  metricId: string;
  state: AlarmStateValue;
  reason: string;
  reasonData?: string;
  updatedAt: number;
  evaluatedThrough?: number;
  periods: PeriodDatapoint[];
}

function ruleOf(definition: SimAlarmView['definition']): AlarmRule {
  return {
    statistic: definition.statistic,
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

function constraint(value: unknown, field: string, rule: string) {
  return validationException(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
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
    },
  ) {}

  /** PutMetricAlarm: creates the alarm (INSUFFICIENT_DATA) or replaces its configuration, keeping its state. */
  putMetricAlarm(input: MetricAlarmInput): void {
    const datapointsToAlarm = input.datapointsToAlarm ?? input.evaluationPeriods;
    const treatMissingData = input.treatMissingData ?? 'missing';
    if (input.alarmName.length < 1 || input.alarmName.length > 255) {
      throw constraint(input.alarmName, 'alarmName', 'Member must have length between 1 and 255');
    }
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7F]*$/.test(input.alarmName)) {
      throw validationException(`Alarm name "${input.alarmName}" must contain only ASCII characters.`);
    }
    if (!isSupportedStatistic(input.statistic)) {
      throw validationException(
        `Invalid statistic "${input.statistic}": use one of SampleCount, Average, Sum, Minimum, Maximum or a percentile such as p99.`,
      );
    }
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
    // The sim's metrics have one-minute resolution, so only multiples of 60 s make sense here.
    if (
      !Number.isInteger(input.periodSeconds) ||
      input.periodSeconds < 60 ||
      input.periodSeconds % 60 !== 0
    ) {
      throw validationException(
        `The parameter Period must be a multiple of 60 for the AWS/SageMaker metrics (got ${input.periodSeconds}).`,
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

    const definition: SimAlarmView['definition'] = {
      alarmName: input.alarmName,
      ...(input.description === undefined ? {} : { description: input.description }),
      metricName: input.metricName,
      endpointName: input.endpointName,
      ...(input.variantName === undefined ? {} : { variantName: input.variantName }),
      statistic: input.statistic,
      threshold: input.threshold,
      comparison: input.comparison,
      periodSeconds: input.periodSeconds,
      evaluationPeriods: input.evaluationPeriods,
      datapointsToAlarm,
      treatMissingData,
      ...(input.alarmActions === undefined ? {} : { alarmActions: [...input.alarmActions] }),
    };
    const rule = ruleOf(definition);
    const existing = this.alarms.get(input.alarmName);
    if (existing !== undefined) {
      existing.definition = definition;
      existing.rule = rule;
      delete existing.evaluatedThrough;
      existing.periods.clear();
      return;
    }
    this.alarms.set(input.alarmName, {
      definition,
      rule,
      metricId: this.deps.ids.uuid(),
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      updatedAt: this.deps.clock.now(),
      periods: new Map(),
    });
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
      return alarm === undefined ? [] : [this.stateOf(alarm)];
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
    this.transition(alarm, { state, reason, ...(reasonData === undefined ? {} : { reasonData }) });
    delete alarm.evaluatedThrough;
  }

  /** Evaluates every alarm at `now` (a minute boundary, right after the minute's metrics were published). */
  evaluateAll(now: number): void {
    for (const name of [...this.alarms.keys()].sort()) {
      const alarm = this.alarms.get(name) as SimAlarm;
      const periodMs = alarm.rule.periodSeconds * 1000;
      const lastEnd = Math.floor(now / periodMs) * periodMs;
      if (alarm.evaluatedThrough === lastEnd) continue;
      alarm.evaluatedThrough = lastEnd;
      const verdict = evaluateAlarm(alarm.rule, this.evaluationRange(alarm, lastEnd), now);
      if (verdict !== undefined && verdict.state !== alarm.state) this.transition(alarm, verdict);
    }
  }

  alarmNames(): string[] {
    return [...this.alarms.keys()].sort();
  }

  alarmView(alarmName: string): SimAlarmView | undefined {
    const alarm = this.alarms.get(alarmName);
    return alarm === undefined ? undefined : { ...this.stateOf(alarm), definition: { ...alarm.definition } };
  }

  exportState(): SimAlarmState[] {
    return this.alarmNames().map((name) => {
      const alarm = this.alarms.get(name) as SimAlarm;
      return {
        definition: { ...alarm.definition },
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
      this.alarms.set(saved.definition.alarmName, {
        definition: { ...saved.definition },
        rule: ruleOf(saved.definition),
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
      const periodMs = alarm.rule.periodSeconds * 1000;
      const lastEnd = Math.floor(now / periodMs) * periodMs;
      oldest = Math.min(oldest, lastEnd - evaluationRangeLength(alarm.rule) * periodMs);
    }
    return oldest;
  }

  /** The complete periods ending at `lastEnd`, most recent first. */
  private evaluationRange(alarm: SimAlarm, lastEnd: number): PeriodDatapoint[] {
    const { metrics } = this.deps;
    const periodMs = alarm.rule.periodSeconds * 1000;
    const { endpointName, variantName, metricName, statistic } = alarm.definition;
    const range = Array.from({ length: evaluationRangeLength(alarm.rule) }, (_, age): PeriodDatapoint => {
      const start = lastEnd - (age + 1) * periodMs;
      const known = alarm.periods.get(start);
      if (known !== undefined) return known;
      const samples = metrics.aggregate(endpointName, variantName, metricName, start, start + periodMs);
      const point =
        samples === undefined
          ? { timestamp: start }
          : { timestamp: start, value: statisticValue(samples, statistic), sampleCount: samples.sampleCount };
      alarm.periods.set(start, point);
      return point;
    });
    const oldest = lastEnd - range.length * periodMs;
    for (const start of alarm.periods.keys()) if (start < oldest) alarm.periods.delete(start);
    return range;
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
          metrics: [
            {
              id: alarm.metricId,
              metricStat: {
                metric: {
                  namespace: SAGEMAKER_NAMESPACE,
                  name: definition.metricName,
                  dimensions: {
                    EndpointName: definition.endpointName,
                    ...(definition.variantName === undefined ? {} : { VariantName: definition.variantName }),
                  },
                },
                period: definition.periodSeconds,
                stat: definition.statistic,
              },
              returnData: true,
            },
          ],
        },
      },
    });
  }
}
