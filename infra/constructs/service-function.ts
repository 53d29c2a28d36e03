import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { tableSchema } from '#adapters/dynamodb/table-schema.ts';
import type { FloorChannel } from './floor-channel.ts';

/** The repository root: entries, lock file and tsconfig are found from here, whatever the cwd. */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The DynamoDB actions the adapters use. Transactions need no action of their own: IAM checks each item. */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  /** A transaction's ConditionCheck item (IAM checks it as its own action). */
  | 'ConditionCheckItem';

export interface TableAccess {
  actions: readonly TableAction[];
  /** Indexes this function queries (Query only); each is granted by name, never `index/*`. */
  indexes?: readonly (keyof typeof tableSchema.indexes)[];
}

/** The Chime SDK Meetings actions a function may be granted (never `chime:*`). */
export type ChimeAction =
  | 'CreateMeeting'
  | 'GetMeeting'
  | 'DeleteMeeting'
  | 'CreateAttendee'
  | 'BatchCreateAttendee'
  | 'ListAttendees'
  | 'UpdateAttendeeCapabilities'
  | 'BatchUpdateAttendeeCapabilitiesExcept'
  | 'DeleteAttendee';

/** The AppSync Events actions a function may be granted: publishing on the floor channel. */
export type ChannelAction = 'EventPublish';

/** The Cognito user pool actions a function may be granted: a trigger's reads of one user. */
export type UserPoolAction = 'AdminGetUser';

/**
 * Actions with no resource type in the Service Authorization Reference ("Actions, resources, and condition
 * keys for Amazon Chime"): the meeting does not exist yet, so IAM can only grant them on `*`.
 */
const chimeActionsWithoutResource: ReadonlySet<ChimeAction> = new Set(['CreateMeeting']);

export interface ServiceFunctionProps {
  /** The entry's base name under functions/, e.g. `join-session` for functions/join-session.ts. */
  entry: string;
  description: string;
  /** MB. Lambda gives CPU in proportion: 1024 MB on arm64 keeps cold starts and JSON work short. */
  memorySize?: number;
  timeout?: Duration;
  environment?: Record<string, string>;
  logRetention?: RetentionDays;
}

/**
 * Every Lambda function of floorpass, with the house defaults: Node.js 22 on arm64, one esbuild bundle
 * (minified ESM, AWS SDK v3 inside, source maps), its own log group with a retention, the Powertools
 * environment, no X-Ray tracing (see `tracing` below), and a role that starts empty. Access is added with
 * the `bind*` helpers, which grant and configure together, so a permission never exists without the
 * setting that uses it.
 */
export class ServiceFunction extends Construct {
  readonly lambda: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** The Chime actions granted (the operations construct counts these functions' Chime throttles). */
  readonly chimeActions: ChimeAction[] = [];
  /** The table actions granted (checked against what the function really sends, in the local stack). */
  readonly tableActions: TableAction[] = [];
  /** The floor channel actions granted (likewise). */
  readonly channelActions: ChannelAction[] = [];
  private tableBound = false;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      // Default RETAIN: after teardown the logs stay until their retention ends.
    });

    // Our own role instead of AWSLambdaBasicExecutionRole: that managed policy may create log groups
    // and write to any of them; this one may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `floorpass ${props.entry}: ${props.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.lambda = new NodejsFunction(this, 'Function', {
      entry: join(projectRoot, 'functions', `${props.entry}.ts`),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      // No active tracing. No code here writes a segment: Powertools Tracer wraps the AWS X-Ray SDK,
      // which entered maintenance mode on 25 February 2026 and loses support on 25 February 2027 (AWS
      // recommends OpenTelemetry instead), and the HTTP API cannot start a trace (X-Ray traces REST APIs
      // only). What Lambda's own segments would show (init and invocation times) is in each REPORT log
      // line and the Lambda metrics. Without tracing the roles carry no xray:* grant on Resource "*".
      // Tracing that comes back (OpenTelemetry) must capture neither events (Authorization headers) nor
      // responses (JoinTokens).
      tracing: Tracing.DISABLED,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'floorpass',
        POWERTOOLS_METRICS_NAMESPACE: 'floorpass',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Events carry the Authorization header: they may not reach a log line, whatever a later change
        // to the handlers turns on.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK in the bundle, not the runtime's copy: the version we test is the version we run,
        // and esbuild keeps only the commands we import.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        tsconfig: join(projectRoot, 'tsconfig.json'),
        logLevel: LogLevel.WARNING,
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
        banner:
          "import { createRequire as __floorpassCreateRequire } from 'node:module'; const require = __floorpassCreateRequire(import.meta.url);",
        // package.json "imports" (#domain/*, #adapters/*, ...) are resolved by esbuild natively.
      },
    });

    const runtimeReason =
      'Node.js 22 is a supported Lambda runtime and the one the project builds, type-checks and tests ' +
      'for (tsconfig ES2023, esbuild target node22). Moving to a newer runtime is a deliberate upgrade ' +
      'with its own test run, not something a synthesis should do silently.';
    NagSuppressions.addResourceSuppressions(this.lambda, [
      { id: 'AwsSolutions-L1', reason: runtimeReason },
      { id: 'Serverless-LambdaLatestVersion', reason: runtimeReason },
      {
        id: 'Serverless-LambdaTracing',
        reason:
          'Active X-Ray tracing is off on purpose: no code writes segments, the X-Ray SDK that Powertools ' +
          'Tracer wraps is in maintenance mode until its end of support on 25 February 2027, and the HTTP ' +
          'API cannot start a trace. Init and invocation times are in the REPORT log lines and Lambda metrics.',
      },
    ]);
  }

  /**
   * Grants exactly `access.actions` on the table (and, for Query, the named indexes) and sets TABLE_NAME.
   * One table per function: the runtime reads a single TABLE_NAME.
   */
  bindTable(table: ITable, access: TableAccess): this {
    if (this.tableBound) throw new Error(`${this.node.path}: a function is bound to one table only`);
    const indexes = access.indexes ?? [];
    if (indexes.length > 0 && !access.actions.includes('Query')) {
      throw new Error(`${this.node.path}: indexes are granted for Query only`);
    }
    this.tableBound = true;
    this.tableActions.push(...new Set(access.actions));
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...new Set(access.actions)].map((a) => `dynamodb:${a}`),
        resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    this.lambda.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }

  /**
   * Grants the listed Chime SDK Meetings actions and sets the control and media Regions. Meeting-scoped
   * actions are granted on this account's meetings only; CreateMeeting, which IAM cannot scope to a
   * resource, is limited to the stack's Region (the control Region) by condition.
   */
  bindChime(actions: readonly ChimeAction[], options: { mediaRegion: string }): this {
    if (this.chimeActions.length > 0)
      throw new Error(`${this.node.path}: bind Chime once, with every action`);
    const unique = [...new Set(actions)];
    if (unique.length === 0) throw new Error(`${this.node.path}: bindChime needs at least one action`);
    this.chimeActions.push(...unique);
    const stack = Stack.of(this);
    const scoped = unique.filter((a) => !chimeActionsWithoutResource.has(a));
    const unscoped = unique.filter((a) => chimeActionsWithoutResource.has(a));
    // The Service Authorization Reference gives the meeting ARN without a Region
    // (arn:${Partition}:chime::${Account}:meeting/${MeetingId}), while the API reports MeetingArn with
    // the control Region in it. Both forms are granted, both limited to this account's meetings.
    const meetingArns = ['', Aws.REGION].map((region) =>
      stack.formatArn({
        service: 'chime',
        region,
        resource: 'meeting',
        resourceName: '*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    const statements: PolicyStatement[] = [];
    if (scoped.length > 0) {
      statements.push(
        new PolicyStatement({ actions: scoped.map((a) => `chime:${a}`), resources: meetingArns }),
      );
    }
    if (unscoped.length > 0) {
      statements.push(
        new PolicyStatement({
          actions: unscoped.map((a) => `chime:${a}`),
          resources: ['*'],
          conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
        }),
      );
    }
    const policy = new Policy(this, 'ChimeAccess', { statements });
    policy.attachToRole(this.role);
    NagSuppressions.addResourceSuppressions(policy, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Chime SDK meetings are created at run time, one per room and generation, so their ids cannot be ' +
          'known at deploy time. The grant is limited to the listed actions (never chime:*) on meetings ' +
          'of this account (meeting/*), in the ARN forms the Service Authorization Reference and the API use.',
        appliesTo: meetingArns.map((arn) => `Resource::${resolveForNag(arn)}`),
      },
      ...(unscoped.length > 0
        ? [
            {
              id: 'AwsSolutions-IAM5',
              reason:
                'chime:CreateMeeting has no resource type in the Service Authorization Reference (the meeting ' +
                'does not exist before the call), so IAM only accepts Resource "*". The statement holds that ' +
                'single action and is limited to the stack Region (the Chime control Region) by aws:RequestedRegion.',
              appliesTo: ['Resource::*'],
            },
          ]
        : []),
    ]);
    this.lambda.addEnvironment('CHIME_CONTROL_REGION', Aws.REGION);
    this.lambda.addEnvironment('CHIME_MEDIA_REGION', options.mediaRegion);
    return this;
  }

  /**
   * Grants the listed actions on `userPool` only. Nothing is configured: a user pool trigger finds the
   * pool's id in its event. The grant is a policy of its own rather than a statement in the role's
   * default policy: a trigger's pool depends on the function, and the function on its role and that
   * default policy, so a reference to the pool there would close a circle CloudFormation refuses. This
   * policy depends on the pool, and nothing depends on it.
   */
  bindUserPool(userPool: IUserPool, actions: readonly UserPoolAction[]): this {
    const unique = [...new Set(actions)];
    if (unique.length === 0) throw new Error(`${this.node.path}: bindUserPool needs at least one action`);
    const policy = new Policy(this, 'UserPoolAccess', {
      statements: [
        new PolicyStatement({
          actions: unique.map((a) => `cognito-idp:${a}`),
          resources: [userPool.userPoolArn],
        }),
      ],
    });
    policy.attachToRole(this.role);
    return this;
  }

  /**
   * Lets this function publish floor events and sets EVENTS_HTTP_DOMAIN (runtime.channel(): a SigV4
   * POST to the Events API's HTTP endpoint). The grant is appsync:EventPublish on the `floor` namespace
   * only: not on the API's other namespaces, not EventSubscribe or EventConnect.
   */
  bindFloorChannel(channel: FloorChannel): this {
    if (this.channelActions.length > 0) throw new Error(`${this.node.path}: bind the floor channel once`);
    this.channelActions.push('EventPublish');
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['appsync:EventPublish'], resources: [channel.namespaceArn] }),
    );
    this.lambda.addEnvironment('EVENTS_HTTP_DOMAIN', channel.httpDomain);
    return this;
  }

  /**
   * Lets this function ask `provisioner` to make a room's attendees ahead, and sets
   * PROVISION_FUNCTION_NAME (provisioning-trigger.ts: InvokeCommand by function name, InvocationType
   * Event). The grant is lambda:InvokeFunction on that one function: its unqualified ARN, which an invoke
   * by name is checked against, and its $LATEST. `grantInvoke` would add `<arn>:*` (every version and
   * alias), which nothing here invokes.
   */
  bindProvisioning(provisioner: ServiceFunction): this {
    if (provisioner === this) throw new Error(`${this.node.path}: a function does not provision itself`);
    provisioner.lambda.grantInvokeLatestVersion(this.role);
    this.lambda.addEnvironment('PROVISION_FUNCTION_NAME', provisioner.lambda.functionName);
    return this;
  }
}

/** How cdk-nag prints an ARN built from pseudo parameters: `arn:<AWS::Partition>:chime::<AWS::AccountId>:...`. */
function resolveForNag(arn: string): string {
  return arn
    .replace(Aws.PARTITION, '<AWS::Partition>')
    .replace(Aws.REGION, '<AWS::Region>')
    .replace(Aws.ACCOUNT_ID, '<AWS::AccountId>');
}
