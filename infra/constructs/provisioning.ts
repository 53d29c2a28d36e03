import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { joinWindowOf, type Session } from '#domain/programme.ts';
import { deadLetterAlarm } from './alarms.ts';
import { encryptedQueue } from './queues.ts';
import type { ServiceFunction } from './service-function.ts';

export interface RoomProvisioningProps {
  /** The function that runs functions/provision-room.ts (`{ "roomId": "<room id>" }`). */
  provisioner: ServiceFunction;
  eventId: string;
  /** The programme's rooms, each given a doors-open schedule unless its doors have opened. */
  sessions: readonly Session[];
  /** The instant synthesis compares doors-open instants with (the stack's `synthesizedAt`). */
  now: Date;
}

/** How long a run (or a schedule's delivery) is worth retrying: the room's stampede is over by then. */
const maxEventAge = Duration.hours(1);

/**
 * Provisioning runs ahead of the stampede (shared/use-cases/provision-room.ts). Two things start a run,
 * both asynchronously: the join that created a room's meeting (join-session, through
 * PROVISION_FUNCTION_NAME) and, here, one EventBridge Scheduler one-time schedule per room at the
 * instant its doors open. Lambda retries a failed run twice within the hour; a run given up on, or a
 * schedule Scheduler could not deliver, lands in one dead-letter queue, whose alarm pages at once.
 *
 * Runs are idempotent (whoever already holds an attendee is skipped, and a second run while one is in
 * progress returns at once), so a retried, redriven or duplicated run is harmless.
 */
export class RoomProvisioning extends Construct {
  readonly provisioner: ServiceFunction;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;
  /** The role Scheduler assumes to start runs; absent when no room has a schedule. */
  readonly schedulerRole: Role | undefined;
  /** Room id → its doors-open schedule, for the rooms whose doors open after `now`. */
  readonly schedules: ReadonlyMap<string, CfnSchedule>;
  /** Rooms whose doors opened before `now`: no schedule (see below). */
  readonly unscheduledRooms: readonly string[];

  constructor(scope: Construct, id: string, props: RoomProvisioningProps) {
    super(scope, id);
    const { provisioner } = props;
    this.provisioner = provisioner;

    this.deadLetterQueue = encryptedQueue(this, 'DeadLetterQueue');
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is a dead-letter queue: the on-failure destination for asynchronous invocations of ' +
          'the provisioning function, and the dead-letter target of the doors-open schedules. cdk-nag only ' +
          'recognises queues named in a redrive policy or in a function DeadLetterConfig, so it reports the ' +
          'queue as one without a DLQ. Messages here raise the provisioning DeadLetterAlarm at once.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This is the dead-letter queue, the end of the line: a redrive policy on it would only move dead ' +
          'letters on to yet another queue. Each message names its room; an operator starts the run again ' +
          '(an asynchronous invoke with {"roomId": ...}) once the cause is fixed. Kept 14 days.',
      },
    ]);

    // Asynchronous invocations (the join's trigger and Scheduler both invoke with InvocationType Event):
    // Lambda retries a failed run twice, and gives up on a request an hour old; either way the invocation
    // record (the request, the error, and why it was given up) goes to the dead-letter queue.
    provisioner.lambda.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    NagSuppressions.addResourceSuppressions(provisioner.lambda, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous invocations go to an on-failure destination (the provisioning dead-letter ' +
          'queue, alarmed) instead of a function DeadLetterConfig: its record holds the request, the ' +
          'error and why Lambda gave up (retries exhausted or event too old) in one JSON document. Lambda ' +
          'accepts either; one place for failed runs keeps one alarm and one procedure. The destination ' +
          'itself is what cdk-nag Serverless-LambdaAsyncFailureDestination checks, and it passes.',
      },
    ]);

    this.deadLetterAlarm = deadLetterAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      'A room provisioning run failed three times, or a doors-open schedule could not start one: that ' +
        'room gets its attendees from joins, on demand (slower, and Chime calls under load). Each message ' +
        'names its room: fix the cause, then invoke the provision function again with {"roomId": ...}.',
    );

    // Doors-open schedules, one per room whose doors open after synthesis. Rooms whose doors opened
    // before it (every room of a past event such as the 2021 sample) get none: a one-time schedule whose
    // at() instant has passed cannot do its job. The Scheduler documentation does not promise to run it
    // late, and CreateSchedule is reported to reject it, which would fail and roll back the whole
    // deployment. So a deployment after a room's doors opened also removes that room's (spent) schedule.
    // The one race left is a room whose doors open between synthesis and CloudFormation creating its
    // schedule: deploy a new or moved room well before its doors open. The join that creates a room's
    // meeting triggers a run anyway, so a room without a schedule is provisioned all the same.
    // ActionAfterCompletion (DELETE) is not set: CloudFormation's AWS::Scheduler::Schedule has no such
    // property (nor has CfnSchedule in aws-cdk-lib 2.276), and a schedule that deleted itself would leave
    // the stack holding a resource that is gone. A completed one-time schedule never runs again.
    const due = props.sessions
      .map((session) => ({ session, opensAt: joinWindowOf(session).opensAt }))
      .filter(({ opensAt }) => opensAt.getTime() > props.now.getTime());
    const dueIds = new Set(due.map(({ session }) => session.id));
    this.unscheduledRooms = props.sessions.map((s) => s.id).filter((roomId) => !dueIds.has(roomId));

    const schedules = new Map<string, CfnSchedule>();
    if (due.length > 0) {
      const stack = Stack.of(this);
      const role = new Role(this, 'SchedulerRole', {
        description: `floorpass ${props.eventId}: doors-open schedules start room provisioning runs`,
        // Only this account's schedules in the default group may use the role (confused deputy).
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: {
            StringEquals: {
              'aws:SourceAccount': Aws.ACCOUNT_ID,
              'aws:SourceArn': stack.formatArn({
                service: 'scheduler',
                resource: 'schedule-group',
                resourceName: 'default',
              }),
            },
          },
        }),
      });
      // The schedules' target, and nothing else: the provision function (unqualified ARN and $LATEST).
      provisioner.lambda.grantInvokeLatestVersion(role);
      // Where Scheduler puts a run it could not start (it sends with the execution role).
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
      );
      this.schedulerRole = role;

      for (const { session, opensAt } of due) {
        const schedule = new CfnSchedule(this, `DoorsOpen-${session.id}`, {
          description: `floorpass ${props.eventId}: provisions room ${session.id} when its doors open`,
          // at() takes a local date-time without offset; with the UTC time zone, that is the instant.
          scheduleExpression: `at(${opensAt.toISOString().slice(0, 19)})`,
          scheduleExpressionTimezone: 'UTC',
          // At the minute the doors open, not somewhere in a window after it.
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: provisioner.lambda.functionArn,
            roleArn: role.roleArn,
            input: JSON.stringify({ roomId: session.id }),
            // Scheduler retries an invoke Lambda refused (throttled, unavailable) for up to an hour.
            retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: maxEventAge.toSeconds() },
            deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
          },
        });
        // The role's policy exists before any schedule can use it.
        schedule.node.addDependency(role);
        schedules.set(session.id, schedule);
      }
    } else {
      this.schedulerRole = undefined;
    }
    this.schedules = schedules;
  }
}
