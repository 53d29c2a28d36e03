import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue with the house defaults: SSE-SQS (EventBridge, Lambda and Scheduler deliver to it without a
 * key policy), TLS enforced, messages kept 14 days (the maximum) so nothing expires before an operator
 * has looked.
 */
export function encryptedQueue(scope: Construct, id: string, props: QueueProps = {}): Queue {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    ...props,
  });
}
