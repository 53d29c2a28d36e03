import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.ts';

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

/**
 * Makes `fn` the queue's consumer: batches of up to 10, each message failing on its own
 * (ReportBatchItemFailures). Failures are the queue's to handle (retries, then its dead-letter queue), so
 * a Lambda DLQ or on-failure destination does not apply: `reason` says where failures go.
 */
export function consumeQueue(queue: Queue, fn: ServiceFunction, reason: string): void {
  fn.lambda.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
  NagSuppressions.addResourceSuppressions(
    fn.lambda,
    [
      { id: 'Serverless-LambdaDLQ', reason },
      { id: 'Serverless-LambdaEventSourceMappingDestination', reason },
    ],
    true,
  );
}
