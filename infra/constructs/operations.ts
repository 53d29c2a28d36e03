import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { tableSchema } from '#adapters/dynamodb/table-schema.ts';
import {
  CHIME_THROTTLES,
  EVENT_DIMENSION,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
} from '#observability/metric-names.ts';
import { alarmAbove } from './alarms.ts';
import type { MeetingEvents } from './meeting-events.ts';
import type { RoomProvisioning } from './provisioning.ts';
import type { ServiceFunction } from './service-function.ts';

export interface OperationsProps {
  /** e.g. `hlc-2021` or `hlc-2021 (prod)`: shown on the dashboard and in alarm descriptions. */
  label: string;
  /** The functions' EVENT_ID: the `event` dimension of the metrics they publish. */
  eventId: string;
  httpApi: HttpApi;
  functions: readonly ServiceFunction[];
  table: Table;
  meetingEvents: MeetingEvents;
  /** Its function is also in `functions`, for its crash and throttle alarms. */
  provisioning: RoomProvisioning;
  /** The floor's timers: lateness, failed cuts and dead letters alarm here too. */
  timerAlarms?: readonly Alarm[];
}

const minute = Duration.minutes(1);

/**
 * What IT staff watch during the event: alarms to one encrypted SNS topic (subscribe a pager or an
 * email to it) and one dashboard. Thresholds are for a live event, where a delegate notices within a
 * minute: any crash, throttle or dead letter alarms at once; rates alarm when sustained.
 */
export class Operations extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  /** Chime throttles the adapter met (and retried), per operation, from the functions' Powertools metric. */
  readonly chimeThrottlesByOperation: Metric[];
  /** Their sum over every operation: what the ChimeThrottling alarm watches. */
  readonly chimeThrottles: MathExpression;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);

    // CloudWatch alarms cannot publish to a topic under the AWS managed SNS key: a key of our own, with
    // CloudWatch allowed to use it. It protects notifications in transit only, so it may go with the stack.
    const key = new Key(this, 'AlarmTopicKey', {
      description: `floorpass ${props.label}: encrypts alarm notifications`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `floorpass ${props.label} alarms`,
      masterKey: key,
      enforceSSL: true,
    });

    // The functions count each throttled Chime call they retry (shared/observability/metrics.ts), with
    // the dimensions service, event and Operation. A CloudWatch metric is one exact set of dimension
    // values, so the alarm adds up one metric per operation: the operations granted to some function,
    // since a call without its grant is refused, never throttled.
    const operations = [...new Set(props.functions.flatMap((f) => f.chimeActions))].sort();
    // An alarm's metric math may use at most 10 metrics.
    if (operations.length === 0 || operations.length > 10) {
      throw new Error(`${this.node.path}: ${operations.length} Chime operations; the alarm sums 1 to 10`);
    }
    this.chimeThrottlesByOperation = operations.map(
      (operation) =>
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: CHIME_THROTTLES.name,
          dimensionsMap: {
            service: METRICS_SERVICE,
            [EVENT_DIMENSION]: props.eventId,
            [CHIME_THROTTLES.operationDimension]: operation,
          },
          statistic: 'Sum',
          period: minute,
          label: operation,
        }),
    );
    this.chimeThrottles = new MathExpression({
      expression: this.chimeThrottlesByOperation.map((_, i) => `FILL(c${i}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(this.chimeThrottlesByOperation.map((m, i) => [`c${i}`, m])),
      label: 'Chime throttles (all operations)',
      period: minute,
    });

    const requests = props.httpApi.metricCount({ period: minute, statistic: 'Sum' });
    const serverErrors = props.httpApi.metricServerError({ period: minute, statistic: 'Sum' });
    const clientErrors = props.httpApi.metricClientError({ period: minute, statistic: 'Sum' });
    const serverErrorRate = new MathExpression({
      // Below 20 requests a minute one error is not a rate worth waking anyone for.
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: 'API 5xx (% of requests)',
      period: minute,
    });
    this.add('Api5xxRate', {
      description: 'More than 5% of API requests failed with 5xx in 2 of the last 3 minutes.',
      metric: serverErrorRate,
      threshold: 5,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    for (const fn of props.functions) {
      const name = fn.node.id;
      this.add(`${name}Errors`, {
        description: `${name}: the function crashed or timed out (an unhandled error, not a mapped 4xx/5xx).`,
        metric: fn.lambda.metricErrors({ period: minute, statistic: 'Sum' }),
        threshold: 0,
      });
      this.add(`${name}Throttles`, {
        description: `${name}: Lambda refused invocations (account or function concurrency exhausted).`,
        metric: fn.lambda.metricThrottles({ period: minute, statistic: 'Sum' }),
        threshold: 0,
      });
    }

    const tableThrottles = this.tableThrottles(props.table);
    this.add('TableThrottles', {
      description:
        'DynamoDB throttled 5 or more requests a minute, 2 minutes of 3 (a hot partition; the SDK retries).',
      metric: tableThrottles,
      threshold: 4,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    this.add('ChimeThrottling', {
      description:
        'Chime throttled 10 or more control-plane calls a minute for 3 minutes: raise the Chime API quotas.',
      metric: this.chimeThrottles,
      threshold: 9,
      evaluationPeriods: 3,
    });

    this.add('MeetingEventsLag', {
      description:
        'The oldest meeting event has waited more than 5 minutes, 5 minutes running: the recorder is ' +
        'failing or falling behind, and attendance reports are going stale.',
      metric: props.meetingEvents.queue.metricApproximateAgeOfOldestMessage({
        period: minute,
        statistic: 'Maximum',
      }),
      threshold: 300,
      evaluationPeriods: 5,
    });

    for (const deadLetterAlarm of [
      props.meetingEvents.deadLetterAlarm,
      props.provisioning.deadLetterAlarm,
      ...(props.timerAlarms ?? []),
    ]) {
      deadLetterAlarm.addAlarmAction(new SnsAction(this.alarmTopic));
      this.alarms.push(deadLetterAlarm);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    const fnMetric = (
      pick: (f: ServiceFunction) => Metric | MathExpression,
    ): { left: (Metric | MathExpression)[] } => ({ left: props.functions.map(pick) });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: `floorpass ${props.label}: alarms`, alarms: this.alarms, width: 24 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [requests, clientErrors, serverErrors],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          props.httpApi.metricLatency({ period: minute, statistic: 'p50' }),
          props.httpApi.metricLatency({ period: minute, statistic: 'p99' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Invocations',
        ...fnMetric((f) => f.lambda.metricInvocations({ period: minute, label: f.node.id })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Duration p99 (ms)',
        ...fnMetric((f) => f.lambda.metricDuration({ period: minute, statistic: 'p99', label: f.node.id })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Errors and throttles',
        left: props.functions.flatMap((f) => [
          f.lambda.metricErrors({ period: minute, label: `${f.node.id} errors` }),
          f.lambda.metricThrottles({ period: minute, label: `${f.node.id} throttles` }),
        ]),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: [
          props.table.metricConsumedReadCapacityUnits({ period: minute, statistic: 'Sum' }),
          props.table.metricConsumedWriteCapacityUnits({ period: minute, statistic: 'Sum' }),
        ],
        right: [tableThrottles],
        width: 8,
      }),
      new GraphWidget({
        title: 'Chime throttles by operation (retried by the adapter)',
        left: this.chimeThrottlesByOperation,
        width: 8,
      }),
      new GraphWidget({
        title: 'Meeting events',
        left: [
          props.meetingEvents.queue.metricApproximateNumberOfMessagesVisible({ period: minute }),
          props.meetingEvents.queue.metricApproximateAgeOfOldestMessage({ period: minute }),
        ],
        right: [
          props.meetingEvents.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: minute }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Room provisioning (doors-open schedules and first joins)',
        left: [
          props.provisioning.provisioner.lambda.metricInvocations({
            period: minute,
            statistic: 'Sum',
            label: 'runs',
          }),
          props.provisioning.provisioner.lambda.metricErrors({
            period: minute,
            statistic: 'Sum',
            label: 'failed runs',
          }),
        ],
        right: [
          props.provisioning.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: minute,
            label: 'given up (dead letters)',
          }),
        ],
        width: 12,
      }),
    );
  }

  /** Console link to the dashboard (in the stack's Region). */
  get dashboardUrl(): string {
    return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  private add(
    id: string,
    options: {
      description: string;
      metric: Metric | MathExpression;
      threshold: number;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): Alarm {
    const alarm = alarmAbove(this, id, {
      ...options,
      datapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** Read and write throttle events of the table and of each index, summed. */
  private tableThrottles(table: Table): MathExpression {
    const usingMetrics: Record<string, Metric> = {};
    const dimensionSets: Record<string, string>[] = [
      { TableName: table.tableName },
      ...Object.keys(tableSchema.indexes).map((index) => ({
        TableName: table.tableName,
        GlobalSecondaryIndexName: index,
      })),
    ];
    dimensionSets.forEach((dimensionsMap, i) => {
      for (const [kind, metricName] of [
        ['r', 'ReadThrottleEvents'],
        ['w', 'WriteThrottleEvents'],
      ] as const) {
        usingMetrics[`${kind}${i}`] = new Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap,
          statistic: 'Sum',
          period: minute,
        });
      }
    });
    return new MathExpression({
      expression: Object.keys(usingMetrics)
        .map((k) => `FILL(${k}, 0)`)
        .join(' + '),
      usingMetrics,
      label: 'DynamoDB throttle events',
      period: minute,
    });
  }
}
