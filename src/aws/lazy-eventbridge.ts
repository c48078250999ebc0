// What the controller uses of @aws-sdk/client-eventbridge (lifecycle events out: PutEvents), loaded with
// import() on first use (clients.ts and the adapter). Named re-exports, so the Lambda bundle's lazy chunk
// holds these and what they need, not every command of the package's namespace (an import() of the package
// itself keeps them all).
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
