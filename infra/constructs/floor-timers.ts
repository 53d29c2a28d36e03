import { Duration } from 'aws-cdk-lib';
import { type Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  EVENT_DIMENSION,
  FLOOR_CUT_FAILED,
  FLOOR_EVENTS_LOST,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  TIMER_LATENESS,
} from '#observability/metric-names.ts';
import { alarmAbove, deadLetterAlarm } from './alarms.ts';
import { consumeQueue, encryptedQueue } from './queues.ts';
import type { ServiceFunction } from './service-function.ts';

export interface FloorTimersProps {
  eventId: string;
}

/**
 * The floor's timers, second-precise: an SQS queue whose messages are held back with DelaySeconds (at
 * most 15 minutes; longer timers are chained by the consumer), consumed by fire-timers. EventBridge
 * Scheduler fires to the minute only, which is too coarse for a three-minute intervention; a delayed SQS
 * message surfaces within about a second, and the consumer waits out the rest (its lateness is a
 * metric, with an alarm at 2 s). A timer that fails is retried by the queue, then dead-lettered (alarm).
 */
export class FloorTimers extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: FloorTimersProps) {
    super(scope, id);
    this.deadLetterQueue = encryptedQueue(this, 'DeadLetterQueue');
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'The timers’ dead-letter queue, the end of the line: a timer here failed five times and raises ' +
          'the TimersDeadLetter alarm; an operator ends the floor by hand (POST …/floor/end).',
      },
    ]);
    this.queue = encryptedQueue(this, 'Queue', {
      // A failed timer comes back soon: the cut it carries is due now.
      visibilityTimeout: Duration.seconds(30),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    const metric = (name: string, statistic: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: METRICS_SERVICE, [EVENT_DIMENSION]: props.eventId },
        statistic,
        period: Duration.minutes(1),
      });
    this.alarms = [
      alarmAbove(this, 'LatenessAlarm', {
        description:
          'A floor timer fired more than 2 s after its instant: a cut at the deadline may have come late.',
        metric: metric(TIMER_LATENESS.name, 'Maximum'),
        threshold: 2000,
      }),
      alarmAbove(this, 'CutFailedAlarm', {
        description:
          'A floor holder’s microphone was not closed: Chime refused the cut (retried every 2 s; GET …/floor ' +
          'shows it under "uncut"). Check Chime throttling; use mute-all if it persists.',
        metric: metric(FLOOR_CUT_FAILED.name, 'Sum'),
        threshold: 0,
      }),
      alarmAbove(this, 'EventsLostAlarm', {
        description:
          'Floor events could not be published on the rooms’ channels (AppSync Events): clients miss changes ' +
          'until they re-read the floor. Check the Events API and the functions’ EventPublish grant.',
        metric: metric(FLOOR_EVENTS_LOST.name, 'Sum'),
        threshold: 0,
      }),
      deadLetterAlarm(
        this,
        'DeadLetterAlarm',
        this.deadLetterQueue,
        'A floor timer failed five times: a floor may be left running. End it by hand.',
      ),
    ];
  }

  /** Makes `fn` the queue's consumer: small batches, no batching window (a timer is due now). */
  attachConsumer(fn: ServiceFunction): void {
    consumeQueue(
      this.queue,
      fn,
      'Invoked by an SQS event source mapping: a timer it cannot fire is retried by the queue, then ' +
        'dead-lettered after 5 receives (redrive policy), which raises the timers’ DeadLetterAlarm.',
    );
  }

  /** Lets `fn` schedule timers (SendMessage on this queue only) and tells it where. */
  bindScheduler(fn: ServiceFunction): ServiceFunction {
    this.queue.grantSendMessages(fn.role);
    fn.lambda.addEnvironment('TIMER_QUEUE_URL', this.queue.queueUrl);
    return fn;
  }
}
