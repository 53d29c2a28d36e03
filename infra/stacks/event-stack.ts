import { CfnOutput, CustomResource, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { type FunctionName, functionNames, routes } from '#http/routes.ts';
import type { DeployConfig } from '../config.ts';
import { EventApi } from '../constructs/api.ts';
import { ConsoleSite } from '../constructs/console-site.ts';
import { EventData } from '../constructs/data.ts';
import { FloorChannel } from '../constructs/floor-channel.ts';
import { FloorTimers } from '../constructs/floor-timers.ts';
import { cognitoSignInDomain, EventIdentity } from '../constructs/identity.ts';
import { MeetingEvents } from '../constructs/meeting-events.ts';
import { Operations } from '../constructs/operations.ts';
import { RoomProvisioning } from '../constructs/provisioning.ts';
import { EventRecord } from '../constructs/record.ts';
import { RecordChaining } from '../constructs/record-chaining.ts';
import { everyMinute } from '../constructs/schedules.ts';
import {
  type ChimeAction,
  ServiceFunction,
  type ServiceFunctionProps,
  type TableAccess,
} from '../constructs/service-function.ts';

interface HttpFunctionSpec extends Omit<ServiceFunctionProps, 'entry' | 'environment'> {
  table: TableAccess;
  chime?: readonly ChimeAction[];
  /** The function may create a room's meeting, and then asks the provision function to run for it. */
  triggersProvisioning?: true;
}

/**
 * What each HTTP function may do, read from the code it runs (handler → use cases → adapters). A
 * Record over FunctionName: a function added to shared/http/routes.ts does not compile until it is
 * given its grants here.
 */
const httpFunctions: Record<FunctionName, HttpFunctionSpec> = {
  'get-me': {
    description: 'GET /me: the caller and which rooms they can join now',
    // participants.findByEmail, programme.get: GetItem; delegations.get: BatchGetItem.
    table: { actions: ['GetItem', 'BatchGetItem'] },
  },
  'join-session': {
    description: 'POST /sessions/{sessionId}/join: Chime credentials for one room',
    // Chime calls retry within CHIME_RETRY_BUDGET_MS each; a join may make three of them.
    timeout: Duration.seconds(28),
    // The join context (participant, room slot, attendee: BatchGet); room registry and attendee records
    // (Get/Put/Update); the audit record (Put); the shared Chime rate limiter's counters (Update); once
    // per instance, the email → participant id index (Query on byType, projected to id and email only —
    // the function can already read any participant item by key, so no new data becomes reachable).
    // An attendee is stored in a transaction with a ConditionCheck of the participant's credential epoch
    // (ConditionCheckItem); a record of an attendee deleted by a change (DeleteItem, attendee-lifecycle).
    table: {
      actions: [
        'GetItem',
        'BatchGetItem',
        'PutItem',
        'UpdateItem',
        'Query',
        'ConditionCheckItem',
        'DeleteItem',
      ],
      indexes: ['byType'],
    },
    // ensure-room-meeting (primary and, on demand, replica meetings: CreateMeeting with PrimaryMeetingId)
    // and issue-join-credentials. Batches are made by the provision function only.
    // A meeting made while the room was being closed is ended at once (DeleteMeeting).
    chime: [
      'GetMeeting',
      'CreateMeeting',
      'CreateAttendee',
      'UpdateAttendeeCapabilities',
      'DeleteAttendee',
      'DeleteMeeting',
    ],
    // ensure-room-meeting → provisioning-trigger: InvokeFunction (Event) on the provision function.
    triggersProvisioning: true,
  },
  delegations: {
    description: 'Delegations and in-person seats (organizers)',
    timeout: Duration.seconds(28),
    // Seat transactions (Put, Update, Delete), delegations by category (byGroup), the holder's
    // attendees (Query on the table) and their deletion, audit records.
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      indexes: ['byGroup'],
    },
    // Giving a delegate the in-person seat deletes their online attendees (attendee-lifecycle sync).
    chime: ['DeleteAttendee', 'UpdateAttendeeCapabilities'],
  },
  participants: {
    description: 'Participants: import, list, read, update, revoke (organizers)',
    timeout: Duration.seconds(28),
    // Imports and updates are transactions (Put, Update, Delete of email links; an import's undo); the
    // import lock (Put, Delete); lists by delegation (byGroup) and by id (byType).
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      indexes: ['byGroup', 'byType'],
    },
    // Changes follow the person (attendee-lifecycle sync): a revocation or a delegation change deletes
    // attendees, a role change updates their capabilities.
    chime: ['DeleteAttendee', 'UpdateAttendeeCapabilities'],
  },
  attendance: {
    description: 'Check-ins, attendance reports, presence, roll call and audit trail',
    // A roll call folds every room's ledger.
    timeout: Duration.seconds(28),
    // Check-ins append to the ledger and exports are audited (Put); reports query the room ledgers
    // and the unmatched events (table), attendees of a room and a participant's ledger (byGroup), the
    // audit trail (byType).
    table: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem'], indexes: ['byGroup', 'byType'] },
  },
  sessions: {
    description: 'Rooms: move a session end, close a room now (organizers)',
    timeout: Duration.seconds(28),
    // The programme (Get, conditional Put), the room's slot (Get; closing is a conditional Put, reopening
    // an Update), the audit record (Put).
    // Closing a room ends its floor: the floor item (Get, Put) and record (Put); the holder's epoch
    // (Update) and attendees (Query, Delete of a record already gone on Chime).
    table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'Query', 'DeleteItem'] },
    // A closed room's meetings end: every JoinToken of the room stops working. The floor's cut
    // (UpdateAttendeeCapabilities, DeleteAttendee of a promotion) follows the ended intervention.
    chime: ['DeleteMeeting', 'UpdateAttendeeCapabilities', 'DeleteAttendee'],
  },
  floor: {
    description: 'The floor of each room: speakers list, grant, end, extend, promotion, interventions',
    timeout: Duration.seconds(28),
    // The floor item (Get, conditional Put), its record (Put, Query), presence (BatchGet), the holder's
    // credential epoch (Update), the holder's attendees (Query on the table; the room's on byGroup for
    // mute-all), the room's slot and counts (Get, Update), audit records (Put), the email index (byType).
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      indexes: ['byGroup', 'byType'],
    },
    // The microphone (UpdateAttendeeCapabilities; BatchUpdateAttendeeCapabilitiesExcept for mute-all), the
    // holder's promotion attendee in the primary (CreateAttendee, DeleteAttendee).
    chime: [
      'UpdateAttendeeCapabilities',
      'BatchUpdateAttendeeCapabilitiesExcept',
      'CreateAttendee',
      'DeleteAttendee',
    ],
  },
  'record-export': {
    description:
      'GET /record, GET /record/export: the verifiable record, its state and its bundle for an auditor',
    timeout: Duration.seconds(28),
    // The shards' heads (Query on byType, then a consistent BatchGet), each shard's entries (Query), the
    // last claimed checkpoint (Query), the audit record of the export (Put). The checkpoint store, the key and the export bucket are granted
    // by the EventRecord construct.
    table: { actions: ['BatchGetItem', 'Query', 'PutItem'], indexes: ['byType'] },
  },
};

export interface EventStackProps extends StackProps {
  config: DeployConfig;
  /**
   * The instant the programme's doors-open instants are compared with: rooms whose doors open after it
   * get a provisioning schedule. Default: now (synthesis time); tests pin it.
   */
  synthesizedAt?: Date;
}

/**
 * One event's whole backend: table, seeding, functions, HTTP API with its identity provider, room
 * provisioning with its doors-open schedules, meeting events and operations. Nothing in it has a
 * hard-coded physical name, so two events (or two stages of one) deploy side by side.
 */
export class EventStack extends Stack {
  readonly data: EventData;
  readonly api: EventApi;
  readonly identity: EventIdentity;
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>;
  readonly seedFunction: ServiceFunction;
  readonly provisioner: ServiceFunction;
  readonly provisioning: RoomProvisioning;
  readonly meetingEvents: MeetingEvents;
  readonly recorder: ServiceFunction;
  readonly roomCloser: ServiceFunction;
  readonly timers: FloorTimers;
  readonly timerFunction: ServiceFunction;
  readonly operations: Operations;
  /** The floor's real-time channel (AppSync Events); functions publish on it with bindFloorChannel. */
  readonly floorChannel: FloorChannel;
  /** The channel's onSubscribe check: who may follow a room's floor. */
  readonly floorChannelAuth: ServiceFunction;
  /** The verifiable record's key, checkpoint bucket and export bucket (grant* for the functions). */
  readonly record: EventRecord;
  /** The record's chainer (the table's stream) and checkpoint signer. */
  readonly recordChaining: RecordChaining;
  /** The console: S3 behind CloudFront, with its config.json. */
  readonly console: ConsoleSite;

  constructor(scope: Construct, id: string, props: EventStackProps) {
    const { config } = props;
    const event = config.programme.event;
    const tags: Record<string, string> = { 'floorpass:event': event.id };
    if (config.stage) tags['floorpass:stage'] = config.stage;
    super(scope, id, {
      ...props,
      stackName: config.stackName,
      // On the stack (CloudFormation propagates them) and on every resource in the template.
      tags: { ...tags, ...props.tags },
      description:
        `floorpass backend for ${event.id}${config.stage ? ` (${config.stage})` : ''}: ${event.name}`.slice(
          0,
          1024,
        ),
    });
    for (const [key, value] of Object.entries(tags)) Tags.of(this).add(key, value);

    this.data = new EventData(this, 'Data');
    const { table } = this.data;
    // Kept on teardown like the table: the signing key, and the checkpoints locked for the programme's
    // record.retentionDays.
    this.record = new EventRecord(this, 'Record', {
      eventId: event.id,
      stage: config.stage,
      retentionDays: config.record.retentionDays,
    });

    // For every function that builds functions/lib/runtime.ts (all but the seed function).
    const environment = {
      EVENT_ID: event.id,
      EMAIL_CLAIM: config.claims.emailClaim,
      GROUPS_CLAIM: config.claims.groupsClaim,
      ORGANIZER_GROUP: config.claims.organizerGroup,
      CHIME_RETRY_BUDGET_MS: '8000',
      // -c maxReplicas: replica meetings per room that the account's Chime quota allows (default 4).
      MAX_REPLICAS: String(config.maxReplicas),
      // -c chimeRatePerSecond: the shared limiter's pace per Chime operation, below the account's Chime
      // rate quota (10 calls a second per operation by default); raise it after a quota increase only.
      CHIME_RATE_PER_SECOND: String(config.chimeRatePerSecond),
    };

    // Makes a room's attendees ahead (functions/provision-room.ts → use-cases/provision-room.ts).
    // Table: the programme, the room's slot and the fallback read of a lost attendee race (Get); the
    // participants' delegations (BatchGet); every participant (Query byType) and the room's attendees
    // (Query byGroup); slot claims and publication, meeting directory entries, attendees (transactions of
    // conditional Puts with a ConditionCheck of each participant's credential epoch: IAM checks them as PutItem
    // and ConditionCheckItem) and the audit record
    // (Put); verification, retirement, replicas, counts, the run's state and the shared Chime rate
    // limiter's counters (Update).
    // Chime: ensure-room-meeting (GetMeeting; CreateMeeting for the primary and, with PrimaryMeetingId, the
    // replicas), batches of up to 100 attendees (BatchCreateAttendee) and the attendees that lost a race
    // to an on-demand join (DeleteAttendee).
    this.provisioner = new ServiceFunction(this, 'ProvisionRoom', {
      entry: 'provision-room',
      description:
        'Makes the Chime attendees of a room ahead of the stampede (asynchronous: doors-open schedule, first join)',
      // ~5,000 participants are 50 batches of 100, under 10 s at 9 calls a second, plus replicas, stores
      // and deletions of lost races, each paced by the limiter alongside the joins. Five minutes leaves
      // room for all of it, and is no longer than RUN_STALE_MS (provision-room.ts): a run the timeout
      // killed is taken as dead by the retry that follows it.
      timeout: Duration.minutes(5),
      environment,
    })
      .bindTable(table, {
        // ConditionCheckItem: each attendee is stored with a check of its participant's credential epoch.
        actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
        indexes: ['byGroup', 'byType'],
      })
      .bindChime(
        // ListAttendees: the sweep of attendees nobody holds; DeleteMeeting: a replica made while the room
        // was being closed.
        [
          'GetMeeting',
          'CreateMeeting',
          'BatchCreateAttendee',
          'DeleteAttendee',
          'ListAttendees',
          'DeleteMeeting',
        ],
        {
          mediaRegion: config.chimeMediaRegion,
        },
      );
    this.provisioning = new RoomProvisioning(this, 'Provisioning', {
      provisioner: this.provisioner,
      eventId: event.id,
      sessions: config.programme.sessions,
      now: props.synthesizedAt ?? new Date(),
    });

    const functions = {} as Record<FunctionName, ServiceFunction>;
    for (const name of functionNames) {
      const { table: access, chime, triggersProvisioning, ...spec } = httpFunctions[name];
      const fn = new ServiceFunction(this, pascal(name), { entry: name, environment, ...spec });
      fn.bindTable(table, access);
      if (chime) fn.bindChime(chime, { mediaRegion: config.chimeMediaRegion });
      if (triggersProvisioning) fn.bindProvisioning(this.provisioner);
      NagSuppressions.addResourceSuppressions(fn.lambda, [
        {
          id: 'Serverless-LambdaDLQ',
          reason:
            'Invoked synchronously by API Gateway, which returns the error to the caller. A dead-letter ' +
            'queue only ever receives failed asynchronous invocations, of which this function has none.',
        },
      ]);
      functions[name] = fn;
    }
    this.functions = functions;

    // Deploy-time seeding: the programme (validated at synthesis) and the 195 States go into the table,
    // on Create and on Update (that is, when the programme file changed), never on Delete.
    this.seedFunction = new ServiceFunction(this, 'SeedEvent', {
      entry: 'seed-event',
      description: 'CloudFormation custom resource: seeds the programme and the States into the table',
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: { EVENT_ID: event.id },
    }).bindTable(table, { actions: ['PutItem', 'BatchGetItem', 'BatchWriteItem'] });
    NagSuppressions.addResourceSuppressions(this.seedFunction.lambda, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked only by CloudFormation, for the custom resource of this stack. The handler reports every ' +
          'failure to CloudFormation, which fails and rolls back the deployment, and the custom resource ' +
          'has a service timeout. A dead-letter queue would hold a request whose pre-signed response URL ' +
          'has expired: nothing anyone could act on.',
      },
    ]);
    const seed = new CustomResource(this, 'Seed', {
      serviceToken: this.seedFunction.lambda.functionArn,
      resourceType: 'Custom::FloorpassSeed',
      serviceTimeout: Duration.minutes(5),
      properties: {
        // One JSON string: CloudFormation would turn numbers and booleans in nested properties into
        // strings and drop nulls; the handler validates the parsed document again.
        Programme: JSON.stringify(config.programme),
      },
    });
    seed.node.addDependency(this.seedFunction.role);

    // The console first: its address goes into the user pool client's callback URLs and the API's CORS.
    this.console = new ConsoleSite(this, 'Console', {
      ...config.console,
      accessLogsBucket: this.record.accessLogsBucket,
      identityOrigin:
        config.auth.kind === 'cognito'
          ? cognitoSignInDomain(config.auth, event.id, config.stage)
          : new URL(config.auth.issuer).origin,
    });

    this.identity = new EventIdentity(this, 'Identity', {
      auth: config.auth,
      eventId: event.id,
      stage: config.stage,
      organizerGroup: config.claims.organizerGroup,
      consoleUrl: this.console.url,
    });

    // Who may follow a room's floor, asked by AppSync Events on each subscribe (onSubscribe, direct Lambda
    // integration): the room (programme.getSession: GetItem), the caller (once per instance the email →
    // participant id index: Query on byType, projected to id and email; then the participant: GetItem)
    // and their delegation (delegations.get: BatchGetItem).
    this.floorChannelAuth = new ServiceFunction(this, 'FloorChannelAuth', {
      entry: 'floor-channel-auth',
      description: "The floor channel's onSubscribe: who may follow a room's floor now",
      timeout: Duration.seconds(5),
      environment,
    }).bindTable(table, { actions: ['GetItem', 'BatchGetItem', 'Query'], indexes: ['byType'] });
    NagSuppressions.addResourceSuppressions(this.floorChannelAuth.lambda, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by AppSync Events for each subscribe request (request/response), which refuses ' +
          'the subscription when the function fails; the client subscribes again. A dead-letter queue only ever ' +
          'receives failed asynchronous invocations, of which this function has none.',
      },
    ]);
    this.floorChannel = new FloorChannel(this, 'FloorChannel', {
      identity: this.identity,
      auth: config.auth,
      subscribeHandler: this.floorChannelAuth,
    });

    this.api = new EventApi(this, 'Api', {
      routes,
      functions,
      authorizer: this.identity.authorizer,
      corsOrigins: [...config.corsOrigins, this.console.origin],
    });

    const { userPoolClient, signInDomain } = this.identity;
    if (config.auth.kind === 'cognito' && (!userPoolClient || !signInDomain)) {
      throw new Error(
        'EventStack: a Cognito event needs its app client and hosted sign-in domain for the console',
      );
    }
    this.console.publish({
      apiUrl: this.api.url,
      eventsUrl: this.floorChannel.realtimeUrl,
      eventsHost: this.floorChannel.httpDomain,
      signIn:
        config.auth.kind === 'cognito'
          ? {
              kind: 'oidc',
              issuer: this.identity.issuer,
              clientId: userPoolClient?.userPoolClientId ?? '',
              scopes: ['openid', 'email', 'profile'],
              redirectUri: this.console.url,
              cognitoDomain: signInDomain ?? '',
            }
          : {
              kind: 'oidc',
              issuer: config.auth.issuer,
              clientId: config.console.clientId ?? (config.auth.audience[0] as string),
              scopes: ['openid', 'email', 'profile'],
              redirectUri: this.console.url,
            },
      media: true,
    });

    // The floor's timers (warnings, deadlines, graces, cuts to retry), second-precise.
    this.timers = new FloorTimers(this, 'FloorTimers', { eventId: event.id });
    this.timerFunction = new ServiceFunction(this, 'FireTimers', {
      entry: 'fire-timers',
      description: 'Fires the floor timers (warning, deadline cut, grace) from the timer queue',
      // Below the queue's 30 s visibility timeout.
      timeout: Duration.seconds(25),
      environment,
    })
      // The floor item (Get, Put), its record and audit (Put), the holder's epoch and the room's counts
      // (Update), their attendees (Query) and a deleted one's record (Delete); a room's close (the
      // programme, the slot: Get, Put).
      .bindTable(table, {
        actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      })
      // The cut: UpdateAttendeeCapabilities, DeleteAttendee (the promotion); a room's close: DeleteMeeting.
      .bindChime(['UpdateAttendeeCapabilities', 'DeleteAttendee', 'DeleteMeeting'], {
        mediaRegion: config.chimeMediaRegion,
      });
    this.timers.attachConsumer(this.timerFunction);

    this.meetingEvents = new MeetingEvents(this, 'MeetingEvents', { eventId: event.id });
    // Meeting → room (directory) and participant lookups (Get); ledger and unmatched events (Put); the
    // floor hears of connections: presence (Update), a holder's drop (the floor item: Get, Put; its
    // record and audit: Put) and the grace timer.
    this.recorder = new ServiceFunction(this, 'RecordMeetingEvents', {
      entry: 'record-meeting-events',
      description: 'Records Chime meeting events from the queue into the attendance ledger',
      timeout: Duration.seconds(30),
      environment,
    }).bindTable(table, { actions: ['GetItem', 'PutItem', 'UpdateItem'] });
    this.meetingEvents.attachRecorder(this.recorder);

    // Rooms close on their own: every minute, the rooms whose join window has ended have their meetings
    // ended (DeleteMeeting), so no JoinToken outlives its room by more than a minute. EventBridge
    // invokes at most once a minute; closing a room needs no finer precision (the floor's timers do).
    this.roomCloser = new ServiceFunction(this, 'CloseRooms', {
      entry: 'close-rooms',
      description: 'Every minute: ends the meetings of rooms whose window has closed, sweeps orphans',
      timeout: Duration.seconds(60),
      environment,
    })
      // The programme and each room's slot (Get), the closed slot (conditional Put), the audit (Put); for a
      // sweep asked for, the room's attendees (Query byGroup) and the request cleared (Update).
      // Closing a room ends its floor (the floor item: Get, Put; the holder's attendees: Query, Delete).
      .bindTable(table, {
        actions: ['GetItem', 'BatchGetItem', 'PutItem', 'Query', 'UpdateItem', 'DeleteItem'],
        indexes: ['byGroup'],
      })
      // Closing: DeleteMeeting. Sweeping: ListAttendees, DeleteAttendee. The floor's cut:
      // UpdateAttendeeCapabilities.
      .bindChime(['DeleteMeeting', 'ListAttendees', 'DeleteAttendee', 'UpdateAttendeeCapabilities'], {
        mediaRegion: config.chimeMediaRegion,
      });
    // Whatever can change a floor schedules its timers (and a cut's retry) and tells the room's followers
    // (floorDeps: runtime.timers(), runtime.channel()).
    for (const fn of [
      this.timerFunction,
      functions.floor,
      functions.participants,
      functions.delegations,
      functions.sessions,
      this.recorder,
      this.roomCloser,
    ]) {
      this.timers.bindScheduler(fn);
      fn.bindFloorChannel(this.floorChannel);
    }
    everyMinute(
      this,
      'CloseRoomsEveryMinute',
      this.roomCloser,
      `floorpass ${event.id}: close the rooms whose join window has ended`,
    );

    // The verifiable record: the table's stream chained into the record, checkpoints signed every few
    // minutes (docs/record.md).
    const recordEnvironment = {
      RECORD_KEY_ID: this.record.key.keyArn,
      CHECKPOINT_BUCKET: this.record.checkpointBucket.bucketName,
      EXPORT_BUCKET: this.record.exportBucket.bucketName,
    };
    this.recordChaining = new RecordChaining(this, 'RecordChaining', {
      eventId: event.id,
      table,
      environment,
      checkpointMinutes: config.record.checkpointMinutes,
      signerEnvironment: {
        RECORD_KEY_ID: recordEnvironment.RECORD_KEY_ID,
        CHECKPOINT_BUCKET: recordEnvironment.CHECKPOINT_BUCKET,
      },
    });
    // The signer signs with the key and writes checkpoints; the export reads them, the key's public half,
    // and puts the bundle in the export bucket. Nothing else touches the key or the buckets.
    this.record.grantSign(this.recordChaining.signer.role);
    this.record.grantCheckpointWrite(this.recordChaining.signer.role);
    this.record.grantPublicKey(functions['record-export'].role);
    this.record.grantCheckpointRead(functions['record-export'].role);
    this.record.grantExportWrite(functions['record-export'].role);
    for (const [name, value] of Object.entries(recordEnvironment)) {
      functions['record-export'].lambda.addEnvironment(name, value);
    }
    const prefixReason =
      'Checkpoints and exports are objects created at run time, one per checkpoint or export, so their keys ' +
      'cannot be listed at deploy time: the grant is limited to the listed actions under one prefix ' +
      '(checkpoints/ or exports/) of one bucket (never s3:*, never DeleteObject or a retention change).';
    for (const fn of [this.recordChaining.signer, functions['record-export']]) {
      NagSuppressions.addResourceSuppressions(
        fn.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason: prefixReason,
            appliesTo: [{ regex: '/^Resource::.*\\/(checkpoints|exports)\\/\\*$/' }],
          },
        ],
        true,
      );
    }

    this.operations = new Operations(this, 'Operations', {
      label: config.stage ? `${event.id} (${config.stage})` : event.id,
      eventId: event.id,
      httpApi: this.api.httpApi,
      // The seed function is left out: its failures fail the deployment, where IT staff see them. The
      // token trigger is in: when it fails, nobody can sign in.
      functions: [
        ...Object.values(functions),
        this.recorder,
        this.provisioner,
        this.roomCloser,
        this.timerFunction,
        this.recordChaining.chainer,
        this.recordChaining.signer,
        // When it fails, nobody can follow a floor (every subscribe is refused).
        this.floorChannelAuth,
        ...(this.identity.tokenTrigger ? [this.identity.tokenTrigger] : []),
      ],
      table,
      meetingEvents: this.meetingEvents,
      provisioning: this.provisioning,
      timerAlarms: [...this.timers.alarms, ...this.recordChaining.alarms],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'ConsoleUrl', {
      value: this.console.url,
      description: 'The console: organizers, moderators and delegates sign in here',
    });
    new CfnOutput(this, 'ConsoleCallbackUrl', {
      value: this.console.url,
      description:
        config.auth.kind === 'cognito'
          ? 'The console’s OIDC redirect and sign-out URL (registered with the user pool’s app client by this stack)'
          : 'The console’s OIDC redirect and post-logout URL: register it with the event’s identity provider for client ' +
            (config.console.clientId ?? config.auth.audience[0]),
    });
    new CfnOutput(this, 'JwtIssuer', { value: this.identity.issuer, description: 'Issuer the API trusts' });
    if (this.identity.userPool && this.identity.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    }
    new CfnOutput(this, 'FloorChannelRealtimeUrl', {
      value: this.floorChannel.realtimeUrl,
      description:
        'Where clients follow a room’s floor: WebSocket, AppSync Events protocol, channel /floor/{sessionId}',
    });
    new CfnOutput(this, 'FloorChannelHttpUrl', {
      value: this.floorChannel.httpUrl,
      description:
        'The floor channel’s publish endpoint (IAM); its host is the `host` clients put in their authorization',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'Kept on teardown' });
    new CfnOutput(this, 'RecordKeyFingerprint', {
      value: this.record.fingerprint,
      description:
        'SHA-256 of the record signing key’s public key (SubjectPublicKeyInfo DER): publish it out of band; ' +
        'npm run verify takes it',
    });
    new CfnOutput(this, 'RecordKeyId', {
      value: this.record.key.keyId,
      description:
        'The KMS key that signs the record’s checkpoints (kept on teardown; disable it after the event)',
    });
    new CfnOutput(this, 'CheckpointBucketName', {
      value: this.record.checkpointBucket.bucketName,
      description: 'Signed checkpoints, Object Lock compliance mode (kept on teardown)',
    });
    new CfnOutput(this, 'DashboardUrl', { value: this.operations.dashboardUrl });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.operations.alarmTopic.topicArn,
      description: 'Subscribe the on-call address or pager to this topic',
    });
    new CfnOutput(this, 'MeetingEventsQueueUrl', { value: this.meetingEvents.queue.queueUrl });
    new CfnOutput(this, 'FloorTimersDeadLetterQueueUrl', {
      value: this.timers.deadLetterQueue.queueUrl,
      description: 'Floor timers that failed five times (a floor may be left running)',
    });
    new CfnOutput(this, 'ProvisioningDeadLetterQueueUrl', {
      value: this.provisioning.deadLetterQueue.queueUrl,
      description: 'Provisioning runs given up on, one message per room',
    });
  }
}

/** `join-session` → `JoinSession`: construct ids (and so logical ids) that read like the function. */
function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase());
}
