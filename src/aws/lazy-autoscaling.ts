// What the controller uses of @aws-sdk/client-application-auto-scaling (the client and the commands
// autoscaling.ts sends), loaded with import() on first use (clients.ts and the adapter). Named re-exports, so
// the Lambda bundle's lazy chunk holds these and what they need, not every command of the package's namespace
// (an import() of the package itself keeps them all).
export {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
