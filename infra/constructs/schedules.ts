import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.ts';

/**
 * Runs an idempotent function every minute (EventBridge's finest rate): the rooms' close, the record's
 * checkpoints. A run EventBridge could not deliver, or that failed, is made good by the next one a minute
 * later, so neither the rule nor the function has a dead-letter queue: it would hold only stale ticks.
 * `why` says what the function does, for the rule's description.
 */
export function everyMinute(scope: Construct, id: string, fn: ServiceFunction, why: string): Rule {
  const rule = new Rule(scope, id, {
    description: why,
    schedule: Schedule.rate(Duration.minutes(1)),
    targets: [new LambdaFunction(fn.lambda, { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
  });
  NagSuppressions.addResourceSuppressions(rule, [
    {
      id: 'Serverless-EventBusDLQ',
      reason:
        'A schedule that fires every minute, for an idempotent function: an invocation EventBridge could not ' +
        'deliver is made good by the next one a minute later. A dead-letter queue would hold only stale ' +
        'ticks, nothing to redrive.',
    },
  ]);
  NagSuppressions.addResourceSuppressions(fn.lambda, [
    {
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked every minute by an EventBridge rule, and idempotent: a failed run is simply run again a ' +
        'minute later. Its errors raise the function error alarm.',
    },
  ]);
  return rule;
}
