// Reads the numbers out of a CloudWatch alarm's StateReasonData: the JSON document CloudWatch
// attaches to a state change (`{"version":"1.0","statistic":…,"recentDatapoints":[…],
// "threshold":…,…}`), carried as a string by DescribeAlarms and the Alarm State Change event.
// Hosts read it here so the rollout machine receives plain numbers.

/** The datapoints that tripped the alarm and its threshold; whatever cannot be read is left out. */
export function parseAlarmReasonData(reasonData: string | undefined): {
  datapoints?: number[];
  threshold?: number;
} {
  if (!reasonData) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(reasonData);
  } catch {
    // Free text or truncated JSON: the alarm still fired, only without figures.
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const recent = 'recentDatapoints' in parsed ? parsed.recentDatapoints : undefined;
  const threshold = 'threshold' in parsed ? parsed.threshold : undefined;
  return {
    ...(Array.isArray(recent)
      ? { datapoints: recent.filter((d): d is number => typeof d === 'number') }
      : {}),
    ...(typeof threshold === 'number' ? { threshold } : {}),
  };
}
