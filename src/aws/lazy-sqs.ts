// What the controller uses of @aws-sdk/client-sqs (precise wake-ups (SendMessage)), loaded with import() on first use (clients.ts and
// the adapter). Named re-exports, so the Lambda bundle's lazy chunk holds these and what they need, not every
// command of the package's namespace (an import() of the package itself keeps them all).
export { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
