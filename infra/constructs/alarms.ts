import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The one shape of the stack's alarms: above `threshold`, for `evaluationPeriods` periods running (one
 * by default: at once), missing data being no news. Thresholds are for a live event, where a delegate
 * notices within a minute.
 */
export function alarmAbove(
  scope: Construct,
  id: string,
  options: {
    description: string;
    metric: Metric | MathExpression;
    threshold: number;
    evaluationPeriods?: number;
    datapointsToAlarm?: number;
  },
): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: options.description,
    metric: options.metric,
    threshold: options.threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: options.evaluationPeriods ?? 1,
    ...(options.datapointsToAlarm !== undefined ? { datapointsToAlarm: options.datapointsToAlarm } : {}),
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/** Any message in a dead-letter queue alarms at once. */
export const deadLetterAlarm = (scope: Construct, id: string, queue: Queue, description: string): Alarm =>
  alarmAbove(scope, id, {
    description,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    }),
    threshold: 0,
  });
