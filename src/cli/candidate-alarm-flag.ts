// `--candidate-alarm`: a candidate alarm template in the few characters an on-call engineer types,
// METRIC[:STATISTIC]OP THRESHOLD[,period=1m][,datapoints=M/N][,missing=…][,name=…], checked against
// the same CloudWatch rules as a policy's candidateAlarms, with errors that name the flag.
import {
  candidateAlarmProblems,
  isCloudWatchStatistic,
  STATISTIC_HELP,
  type AlarmRuleProblem,
} from '../engine';
import { isSmRolloutError } from '../errors';
import { toDurationMs } from '../plan';
import type { CandidateAlarmTemplate } from '../../statemachines/contract';
import { UsageError } from './io';

export const CANDIDATE_ALARM_SYNTAX =
  "METRIC[:STATISTIC]>THRESHOLD[,period=1m][,datapoints=M/N][,missing=notBreaching][,name=SUFFIX], e.g. 'Invocation5XXErrors>0.05'";

const OPERATORS: Record<string, CandidateAlarmTemplate['comparison']> = {
  '>=': 'GreaterThanOrEqualToThreshold',
  '>': 'GreaterThanThreshold',
  '<=': 'LessThanOrEqualToThreshold',
  '<': 'LessThanThreshold',
};
const MISSING = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
/** Which option of the flag sets each template field, for messages. */
const OPTION_OF: Record<AlarmRuleProblem['field'], string> = {
  suffix: 'name',
  metricName: 'the metric',
  statistic: 'the statistic',
  threshold: 'the threshold',
  comparison: 'the comparison',
  periodSeconds: 'period',
  evaluationPeriods: 'datapoints (N in M/N)',
  datapointsToAlarm: 'datapoints (M in M/N)',
  treatMissingData: 'missing',
};

/** The templates the flags describe; the first bad one is a UsageError naming the flag and the fix. */
export function parseCandidateAlarmFlags(values: readonly string[]): CandidateAlarmTemplate[] {
  const templates = values.map(parseCandidateAlarmFlag);
  const seen = new Map<string, string>();
  values.forEach((value, i) => {
    const suffix = templates[i]!.suffix;
    const first = seen.get(suffix);
    if (first !== undefined) {
      throw new UsageError(
        `--candidate-alarm '${value}': its name ${suffix} is already used by --candidate-alarm '${first}'; ` +
          'give one of them its own name, e.g. ,name=latency-2',
      );
    }
    seen.set(suffix, value);
  });
  return templates;
}

export function parseCandidateAlarmFlag(value: string): CandidateAlarmTemplate {
  const bad = (why: string) =>
    new UsageError(`--candidate-alarm '${value}': ${why}; write it as ${CANDIDATE_ALARM_SYNTAX}`);
  const [rule = '', ...options] = value.split(',').map((part) => part.trim());
  const match = /^([^:<>=\s]+)(?::([^<>=\s]+))?\s*(>=|<=|>|<)\s*(\S+)$/.exec(rule);
  if (!match) {
    if (rule.trim() === '') throw bad('is empty');
    if (!/[<>]/.test(rule)) {
      throw bad(
        'has no comparison (>, >=, <, <=) and threshold; quote the whole value, since > is a shell redirect',
      );
    }
    throw bad(`"${rule}" is not METRIC[:STATISTIC] OP THRESHOLD`);
  }
  const [, metricName, statistic = 'Average', operator, thresholdText] = match as unknown as [
    string,
    string,
    string | undefined,
    string,
    string,
  ];
  if (!isCloudWatchStatistic(statistic))
    throw bad(`"${statistic}" is not a CloudWatch statistic; ${STATISTIC_HELP}`);
  const threshold = Number(thresholdText);
  if (thresholdText.trim() === '' || !Number.isFinite(threshold)) {
    throw bad(`the threshold "${thresholdText}" is not a number`);
  }
  const template: CandidateAlarmTemplate = {
    suffix: defaultSuffix(metricName, statistic),
    metricName,
    statistic,
    threshold,
    comparison: OPERATORS[operator]!,
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
  };
  for (const option of options) {
    const [key = '', text = ''] = option.split('=', 2).map((p) => p.trim());
    if (!option.includes('=') || text === '') throw bad(`option "${option}" has no value; write key=value`);
    if (key === 'period') {
      let ms: number;
      try {
        ms = toDurationMs(/^\d+$/.test(text) ? `${text}s` : text, 'period');
      } catch (error) {
        if (!isSmRolloutError(error)) throw error;
        throw bad(`period=${text} is not a duration like 60s, 1m or 5m`);
      }
      if (ms % 1000 !== 0) throw bad(`period=${text} is not a whole number of seconds`);
      template.periodSeconds = ms / 1000;
    } else if (key === 'datapoints') {
      const mOfN = /^(\d+)\/(\d+)$/.exec(text);
      if (!mOfN)
        throw bad(
          `datapoints=${text} is not M/N (M breaching datapoints out of the last N periods), e.g. 2/3`,
        );
      template.datapointsToAlarm = Number(mOfN[1]);
      template.evaluationPeriods = Number(mOfN[2]);
    } else if (key === 'missing') {
      const treatment = MISSING.find((m) => m.toLowerCase() === text.toLowerCase());
      if (!treatment) throw bad(`missing=${text} is not one of ${MISSING.join(', ')}`);
      template.treatMissingData = treatment;
    } else if (key === 'name') {
      if (!/^[a-z0-9-]{1,32}$/.test(text))
        throw bad(`name=${text} must be 1–32 lowercase letters, digits or hyphens`);
      template.suffix = text;
    } else {
      throw bad(`"${key}" is not an option; the options are period, datapoints, missing and name`);
    }
  }
  const problem = candidateAlarmProblems(template)[0];
  if (problem) throw bad(`${OPTION_OF[problem.field]}: ${problem.message}`);
  return template;
}

/** `ModelLatency` + `p99` → `modellatency-p99`: lower case, what the alarm name may hold, ≤ 32. */
function defaultSuffix(metricName: string, statistic: string): string {
  const words = statistic === 'Average' ? metricName : `${metricName}-${statistic}`;
  const suffix = words
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return suffix || 'alarm';
}
