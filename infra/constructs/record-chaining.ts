import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { recordedTypes } from '#domain/record-source.ts';
import { alarmAbove, deadLetterAlarm } from './alarms.ts';
import { encryptedQueue } from './queues.ts';
import { everyMinute } from './schedules.ts';
import { ServiceFunction } from './service-function.ts';

export interface RecordChainingProps {
  eventId: string;
  table: Table;
  environment: Record<string, string>;
  /** Minutes between checkpoints (the programme's record.checkpointMinutes). */
  checkpointMinutes: number;
  /** The signer's key and checkpoint bucket (RECORD_KEY_ID, CHECKPOINT_BUCKET). */
  signerEnvironment: Record<string, string>;
}

/**
 * The record's writers (docs/record.md): the chainer, fed by the table's stream through an event source
 * mapping, and the checkpoint signer, run every minute. Their access to the key and the checkpoint store
 * is granted by the EventRecord construct.
 */
export class RecordChaining extends Construct {
  readonly chainer: ServiceFunction;
  readonly signer: ServiceFunction;
  /** Stream batches the mapping gave up on: their changes are not on the record (an alarm). */
  readonly failedBatches: Queue;
  readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: RecordChainingProps) {
    super(scope, id);
    const { table } = props;

    this.chainer = new ServiceFunction(this, 'ChainRecord', {
      entry: 'chain-record',
      description: "Chains the table's changes into the record's shards, from the table's stream",
      timeout: Duration.seconds(60),
      environment: props.environment,
    })
      // A shard's head (Get); entries, source markers and the head, in one TransactWriteItems (IAM
      // checks each item as a PutItem).
      .bindTable(table, { actions: ['GetItem', 'PutItem'] });

    this.failedBatches = encryptedQueue(this, 'FailedBatches', { retentionPeriod: Duration.days(14) });
    NagSuppressions.addResourceSuppressions(this.failedBatches, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'It is itself the end of the line (the on-failure destination of the stream mapping): a dead-letter ' +
          'queue of its own would have nothing to hold. It raises the RecordGap alarm.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'The on-failure destination of the stream mapping, the end of the line: each message names a ' +
          'stream batch (shard, sequence numbers) that is not on the record, for an operator to investigate. ' +
          'It raises the RecordGap alarm; there is nothing to redrive it to.',
      },
    ]);
    const typeIs = (image: 'NewImage' | 'OldImage') =>
      FilterCriteria.filter({ dynamodb: { [image]: { type: { S: FilterRule.or(...recordedTypes) } } } });
    this.chainer.lambda.addEventSource(
      new DynamoEventSource(table, {
        // From the oldest record the stream holds: a stack deployed before the seed loses nothing.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        // A shard that cannot be appended to fails the batch from its first change; Lambda delivers that
        // change and every later one again (those on record are skipped). Retried for as long as the
        // stream keeps the record (24 hours): the record has no gap while the chainer can recover.
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.failedBatches),
        // Only the item types on record (the chainer ignores the rest anyway): a removal has only its
        // old image, hence the second pattern.
        filters: [typeIs('NewImage'), typeIs('OldImage')],
      }),
    );

    NagSuppressions.addResourceSuppressions(this.chainer.lambda, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked by a DynamoDB stream mapping, not asynchronously: a Lambda DLQ does not apply. The ' +
          'mapping has its own on-failure destination (FailedBatches), with the RecordGap alarm.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(
      this.chainer.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'dynamodb:ListStreams has no resource type (IAM accepts only "*"); the stream mapping needs it. The ' +
            "stream's own actions (DescribeStream, GetRecords, GetShardIterator) are on this table's stream only.",
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );

    this.signer = new ServiceFunction(this, 'SignCheckpoint', {
      entry: 'sign-checkpoint',
      description: 'Every minute: signs a checkpoint of the record when one is due',
      timeout: Duration.seconds(60),
      environment: {
        ...props.environment,
        ...props.signerEnvironment,
        CHECKPOINT_MINUTES: String(props.checkpointMinutes),
      },
    })
      // The programme (Get), the last checkpoint (Query), the shards (Query on byType, then a consistent
      // BatchGet of their heads), the checkpoint's claim (conditional Put).
      .bindTable(table, { actions: ['GetItem', 'Query', 'BatchGetItem', 'PutItem'], indexes: ['byType'] });
    everyMinute(
      this,
      'SignCheckpointEveryMinute',
      this.signer,
      `floorpass ${props.eventId}: sign a checkpoint of the record when one is due`,
    );

    this.alarms = [
      deadLetterAlarm(
        this,
        'RecordGapAlarm',
        this.failedBatches,
        "A stream batch was given up on: its changes are not on the record. The message names the stream's shard and sequence numbers.",
      ),
      alarmAbove(this, 'RecordLagAlarm', {
        description:
          'The record trails the table by more than 5 minutes (the chainer fails or cannot keep up): new changes are not yet chained, nor covered by a checkpoint.',
        metric: this.chainer.lambda.metric('IteratorAge', {
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 5 * 60_000,
        evaluationPeriods: 3,
      }),
    ];
  }
}
