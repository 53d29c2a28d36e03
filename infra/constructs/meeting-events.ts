import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { deadLetterAlarm } from './alarms.ts';
import { consumeQueue, encryptedQueue } from './queues.ts';
import type { ServiceFunction } from './service-function.ts';

export interface MeetingEventsProps {
  /** Meetings are created with ExternalMeetingId `<event-id>/<room-id>` (ensure-room-meeting.ts). */
  eventId: string;
}

/**
 * Chime meeting events (source `aws.chime`, detail-type "Chime Meeting State Change") for this event's
 * meetings, from EventBridge into an encrypted SQS queue with a dead-letter queue. Chime sends the events
 * to EventBridge in the control Region that created the meeting, which is the stack's Region.
 *
 * The recorder (functions/record-meeting-events.ts: partial batch responses, idempotent ledger writes)
 * is attached with `attachRecorder`. The queue keeps every event for 14 days, so a recorder that was
 * down, or deployed late, still reads them all.
 */
export class MeetingEvents extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly rule: Rule;
  readonly deadLetterAlarm: Alarm;
  private readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: MeetingEventsProps) {
    super(scope, id);

    this.deadLetterQueue = encryptedQueue(this, 'DeadLetterQueue');

    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This is the dead-letter queue, the end of the line: a redrive policy on it would only move ' +
          'dead letters on to yet another queue. Messages here raise the DeadLetterAlarm at once, are kept ' +
          '14 days, and are redriven to the main queue by an operator once the cause is fixed.',
      },
    ]);

    this.visibilityTimeout = Duration.minutes(3);
    // SSE-SQS (encryptedQueue): EventBridge can deliver to it without a key policy, unlike aws/sqs.
    this.queue = encryptedQueue(this, 'Queue', {
      // Six times the recorder's timeout (30 s at most), as Lambda's SQS event source recommends.
      visibilityTimeout: this.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.rule = new Rule(this, 'Rule', {
      description: `Chime meeting events of the ${props.eventId} meetings, to the recorder queue`,
      eventPattern: {
        source: ['aws.chime'],
        detailType: ['Chime Meeting State Change'],
        // Only this event's meetings: two events in one account and Region stay independent.
        detail: { externalMeetingId: Match.prefix(`${props.eventId}/`) },
      },
      targets: [
        new SqsQueue(this.queue, {
          // Events EventBridge could not deliver land beside the ones the recorder could not process.
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.deadLetterAlarm = deadLetterAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      'Meeting events in the dead-letter queue: attendance is missing events. Inspect, fix, then redrive.',
    );
  }

  /**
   * Makes `recorder` the queue's consumer: batches of up to 10, each message failing on its own
   * (ReportBatchItemFailures), so one bad event is retried and dead-lettered without its batch.
   */
  attachRecorder(recorder: ServiceFunction): void {
    if (
      recorder.lambda.timeout &&
      recorder.lambda.timeout.toSeconds() * 6 > this.visibilityTimeout.toSeconds()
    ) {
      throw new Error('The queue visibility timeout must be at least six times the recorder timeout');
    }
    consumeQueue(
      this.queue,
      recorder,
      'The recorder is invoked by an SQS event source mapping, where failures are handled by the queue: ' +
        'a message it cannot record is retried, then moved to the dead-letter queue after 5 receives ' +
        '(redrive policy), which raises the DeadLetterAlarm. Lambda DLQs and on-failure destinations do ' +
        'not apply to SQS event sources.',
    );
  }
}
