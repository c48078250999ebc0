// What the controller uses of @aws-sdk/client-cloudwatch (the client and the commands cloudwatch.ts sends:
// alarms and GetMetricData), loaded with import() on first use (clients.ts and the adapters). Named
// re-exports, so the Lambda bundle's lazy chunk holds these and what they need, not every command of the
// package's namespace (an import() of the package itself keeps them all).
export {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
