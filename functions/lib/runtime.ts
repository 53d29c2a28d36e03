import { randomInt } from 'node:crypto';
import type { ChimeSDKMeetingsClient } from '@aws-sdk/client-chime-sdk-meetings';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAppSyncEventsPublisher } from '#adapters/appsync/events-publisher.ts';
import { createChimeClient, createChimeMeetingProvider } from '#adapters/chime/chime-meeting-provider.ts';
import { createAttendeeRepository } from '#adapters/dynamodb/attendee-repository.ts';
import { createAuditLog } from '#adapters/dynamodb/audit-log.ts';
import { createDocumentClient, type TableContext } from '#adapters/dynamodb/client.ts';
import { createDelegationRepository } from '#adapters/dynamodb/delegation-repository.ts';
import { createFloorRepository, createPresenceRepository } from '#adapters/dynamodb/floor-repository.ts';
import { createJoinContextReader } from '#adapters/dynamodb/join-context.ts';
import { createLedgerRepository, createUnmatchedEventLog } from '#adapters/dynamodb/ledger-repository.ts';
import { createMeetingDirectory, createMeetingRegistry } from '#adapters/dynamodb/meeting-registry.ts';
import { createParticipantRepository } from '#adapters/dynamodb/participant-repository.ts';
import { createProgrammeRepository } from '#adapters/dynamodb/programme-repository.ts';
import { createDynamoRateLimiter } from '#adapters/dynamodb/rate-limiter.ts';
import { createCheckpointLog, createRecordChains } from '#adapters/dynamodb/record-chains.ts';
import { createSeatRepository } from '#adapters/dynamodb/seat-repository.ts';
import { createKmsCheckpointSigner } from '#adapters/kms/checkpoint-signer.ts';
import { createLambdaProvisioningTrigger } from '#adapters/lambda/provisioning-trigger.ts';
import { createS3CheckpointStore } from '#adapters/s3/checkpoint-store.ts';
import { createS3ExportStore } from '#adapters/s3/export-store.ts';
import { createSqsTimers } from '#adapters/sqs/timers.ts';
import { loadConfig } from '#config/env.ts';
import type { ClaimsConfig } from '#http/request.ts';
import { logger } from '#observability/logger.ts';
import {
  countChimeThrottle,
  countFloor,
  countFloorEventLost,
  setMetricsEvent,
} from '#observability/metrics.ts';
import type { Clock } from '#ports/clock.ts';
import { systemClock } from '#ports/clock.ts';
import type { IdGenerator } from '#ports/ids.ts';
import type { ProvisioningTrigger } from '#ports/meetings.ts';
import type { CheckpointSigner, CheckpointStore, ExportStore } from '#ports/record.ts';
import type { RoomChannel } from '#ports/room-channel.ts';
import type { Timers } from '#ports/timers.ts';
import { type FloorDeps, participantChangedOnFloors } from '#use-cases/floor.ts';

/**
 * What every function shares: its configuration, parsed once at cold start (a missing variable stops it
 * before it serves anything), the claims rules and the id generator. Each function then composes, with
 * `createRuntime`, only the adapters its use cases take (see functions/*.ts).
 */
export const config = loadConfig();

setMetricsEvent(config.EVENT_ID);

export const claims: ClaimsConfig = {
  emailClaim: config.EMAIL_CLAIM,
  groupsClaim: config.GROUPS_CLAIM,
  organizerGroup: config.ORGANIZER_GROUP,
};

/** `length` random base-36 characters, each uniform (randomInt avoids the modulo bias of bytes % 36). */
const base36 = (length: number) => Array.from({ length }, () => randomInt(36).toString(36)).join('');

export const ids: IdGenerator = {
  participantId: () => `p_${base36(20)}`,
  placementNonce: () => base36(8),
  auditId: (now) => `${now.getTime().toString(36).padStart(9, '0')}${base36(10)}`,
};

/** The AWS services whose calls the local stack checks against each function's grants. */
export type SdkService = 'dynamodb' | 'chime' | 'appsync';

/**
 * What the local stack passes in for what AWS provides (never set in AWS): the adjustable local clock,
 * the in-process stand-in for the asynchronous invocation of the provisioning function, the local
 * Events server's floor channel, and a hook told of every AWS call as the IAM actions it needs (the
 * check that the grants cover what runs).
 */
export interface RuntimeOverrides {
  clock?: Clock;
  provisioning?: ProvisioningTrigger;
  /** The dev stack's WebSocket server instead of AppSync Events. */
  channel?: RoomChannel;
  /** The local clock's timers instead of the SQS timer queue. */
  timers?: Timers;
  onSdkCall?: (service: SdkService, actions: string[]) => void;
  /** The dev stack's checkpoint key, write-once files and export directory instead of KMS and S3. */
  record?: { signer: CheckpointSigner; store: CheckpointStore; exports: ExportStore };
}

export const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
};

/**
 * One function instance's adapters, each built the first time the function asks for it (and then kept:
 * a warm instance reuses its clients and caches), so a function holds only what it uses.
 */
export function createRuntime(overrides: RuntimeOverrides = {}) {
  const table = once((): TableContext => {
    const doc = createDocumentClient({
      region: config.AWS_REGION,
      ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    });
    reportCalls(doc, overrides, 'dynamodb', dynamoActions);
    return { tableName: config.TABLE_NAME, doc };
  });
  const meetings = once(() => {
    const client = createChimeClient({
      region: config.CHIME_CONTROL_REGION,
      ...(config.CHIME_ENDPOINT ? { endpoint: config.CHIME_ENDPOINT } : {}),
    });
    reportCalls(client, overrides, 'chime', (commandName) => [commandName.replace(/Command$/, '')]);
    return createChimeMeetingProvider({
      client,
      mediaRegion: config.CHIME_MEDIA_REGION,
      retryBudgetMs: config.CHIME_RETRY_BUDGET_MS,
      // The line says which call in which request; the metric is what the ChimeThrottling alarm counts.
      onThrottle: (operation) => {
        logger.warn('chime throttled', { operation });
        countChimeThrottle(operation);
      },
      ...(config.CHIME_RATE_PER_SECOND > 0
        ? { limiter: createDynamoRateLimiter(table(), { ratePerSecond: config.CHIME_RATE_PER_SECOND }) }
        : {}),
    });
  });
  const provisioning = once(
    (): ProvisioningTrigger | undefined =>
      overrides.provisioning ??
      (config.PROVISION_FUNCTION_NAME
        ? createLambdaProvisioningTrigger(
            new LambdaClient({ region: config.AWS_REGION }),
            config.PROVISION_FUNCTION_NAME,
            (error) => logger.error('provisioning request failed', { error: error as Error }),
          )
        : undefined),
  );
  // The floor channel: the local stack's own, or AppSync Events for a function bound to it
  // (ServiceFunction.bindFloorChannel sets EVENTS_HTTP_DOMAIN). A function not bound to it logs and
  // counts what it could not publish: publishing never fails the change it tells of.
  const channel = once((): RoomChannel => {
    const local = overrides.channel;
    if (local) {
      const report = overrides.onSdkCall;
      return report
        ? {
            publish: (roomId, event) => {
              report('appsync', ['EventPublish']);
              return local.publish(roomId, event);
            },
          }
        : local;
    }
    const onLost = (roomId: string, reason: string) => {
      logger.warn('floor event not delivered', { roomId, reason });
      countFloorEventLost();
    };
    if (!config.EVENTS_HTTP_DOMAIN) {
      return {
        async publish(roomId) {
          onLost(roomId, 'EVENTS_HTTP_DOMAIN is not set: the function is not bound to the floor channel');
        },
      };
    }
    return createAppSyncEventsPublisher({
      endpoint: `https://${config.EVENTS_HTTP_DOMAIN}/event`,
      region: config.AWS_REGION,
      credentials: defaultProvider(),
      onLost,
    });
  });
  const s3 = once(() => new S3Client({ region: config.AWS_REGION }));
  const runtime = {
    eventId: config.EVENT_ID,
    maxReplicas: config.MAX_REPLICAS,
    clock: overrides.clock ?? systemClock,
    ids,
    meetings,
    provisioning,
    channel,
    programme: once(() => createProgrammeRepository(table())),
    delegations: once(() => createDelegationRepository(table())),
    participants: once(() => createParticipantRepository(table())),
    seats: once(() => createSeatRepository(table())),
    registry: once(() => createMeetingRegistry(table())),
    attendees: once(() => createAttendeeRepository(table())),
    joinContext: once(() => createJoinContextReader(table())),
    audit: once(() => createAuditLog(table())),
    ledger: once(() => createLedgerRepository(table())),
    unmatched: once(() => createUnmatchedEventLog(table())),
    directory: once(() => createMeetingDirectory(table())),
    floors: once(() => createFloorRepository(table())),
    presence: once(() => createPresenceRepository(table())),
    recordChains: once(() => createRecordChains(table(), overrides.clock ?? systemClock)),
    checkpointLog: once(() => createCheckpointLog(table())),
    // The record's key and stores: the dev stack's key and files locally; in AWS the KMS key and the S3
    // buckets of a function granted them (EventRecord.grant*), else a failure when first used.
    checkpointSigner: once(
      (): CheckpointSigner =>
        overrides.record?.signer ??
        (config.RECORD_KEY_ID
          ? createKmsCheckpointSigner({
              client: new KMSClient({ region: config.AWS_REGION }),
              keyId: config.RECORD_KEY_ID,
            })
          : unconfiguredRecord('RECORD_KEY_ID')),
    ),
    checkpointStore: once(
      (): CheckpointStore =>
        overrides.record?.store ??
        (config.CHECKPOINT_BUCKET
          ? createS3CheckpointStore({ client: s3(), bucket: config.CHECKPOINT_BUCKET, prefix: '' })
          : unconfiguredRecord('CHECKPOINT_BUCKET')),
    ),
    exportStore: once(
      (): ExportStore =>
        overrides.record?.exports ??
        (config.EXPORT_BUCKET
          ? createS3ExportStore({ client: s3(), bucket: config.EXPORT_BUCKET })
          : unconfiguredRecord('EXPORT_BUCKET')),
    ),
    timers: once(
      (): Timers =>
        overrides.timers ??
        (config.TIMER_QUEUE_URL
          ? createSqsTimers(
              new SQSClient({ region: config.AWS_REGION }),
              config.TIMER_QUEUE_URL,
              overrides.clock ?? systemClock,
            )
          : unconfigured('TIMER_QUEUE_URL')),
    ),
  };
  return runtime;
}
export type Runtime = ReturnType<typeof createRuntime>;

/** A function not given the timer queue fails when it would schedule one, not at cold start. */
const unconfigured = (name: string): Timers => ({
  async schedule() {
    throw new Error(`floorpass configuration is invalid: ${name} is required by this function`);
  },
});

/** A function not given the record's key or buckets fails when it would use them, not at cold start. */
function unconfiguredRecord(name: string): never & CheckpointSigner & CheckpointStore & ExportStore {
  const fail = async (): Promise<never> => {
    throw new Error(`floorpass configuration is invalid: ${name} is required by this function`);
  };
  return { sign: fail, publicKeyPem: fail, put: fail, list: fail } as never;
}

/** What the attendee lifecycle takes (the join, provisioning, every change of a participant). */
export const lifecycleDeps = (r: Runtime, options: { provisioning?: boolean } = {}) => {
  const provisioning = options.provisioning === false ? undefined : r.provisioning();
  return {
    floors: r.floors(),
    /** The floors a participant is on follow their change (resolved only when a change happens). */
    participantChanged: (participantId: string) => participantChangedOnFloors(floorDeps(r), participantId),
    eventId: r.eventId,
    maxReplicas: r.maxReplicas,
    clock: r.clock,
    ids: r.ids,
    registry: r.registry(),
    meetings: r.meetings(),
    attendees: r.attendees(),
    participants: r.participants(),
    delegations: r.delegations(),
    programme: r.programme(),
    ...(provisioning ? { provisioning } : {}),
  };
};

/** What an audited use case takes. */
export const auditDeps = (r: Runtime) => ({ audit: r.audit(), clock: r.clock, ids: r.ids });

/** What running the floor takes: the attendee lifecycle, the record, the channel and the timers. */
export const floorDeps = (r: Runtime): FloorDeps => ({
  ...lifecycleDeps(r, { provisioning: false }),
  ...auditDeps(r),
  presence: r.presence(),
  channel: r.channel(),
  timers: r.timers(),
  count: countFloor,
});

/** Locally only: tells `onSdkCall` of every call the client sends, as the IAM actions it needs. */
function reportCalls(
  client: Pick<DynamoDBDocumentClient, 'middlewareStack'> | Pick<ChimeSDKMeetingsClient, 'middlewareStack'>,
  overrides: RuntimeOverrides,
  service: SdkService,
  actionsOf: (commandName: string, input: Record<string, unknown>) => string[],
) {
  const report = overrides.onSdkCall;
  if (!report) return;
  (client.middlewareStack as Pick<ChimeSDKMeetingsClient, 'middlewareStack'>['middlewareStack']).add(
    (next, context) => async (args) => {
      report(service, actionsOf(context.commandName ?? '', args.input as unknown as Record<string, unknown>));
      return next(args);
    },
    { step: 'initialize', name: 'floorpassLocalSdkCalls' },
  );
}

/** The IAM actions of a DynamoDB call: a transaction is checked item by item. */
function dynamoActions(commandName: string, input: Record<string, unknown>): string[] {
  const name = commandName.replace(/Command$/, '');
  if (name === 'TransactWriteItems' || name === 'TransactWrite') {
    const items = (input.TransactItems ?? []) as Record<string, unknown>[];
    const byKind: Record<string, string> = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
    };
    return [...new Set(items.flatMap((i) => Object.keys(i).map((k) => byKind[k] ?? k)))];
  }
  if (name === 'TransactGetItems' || name === 'TransactGet') return ['GetItem'];
  const documentNames: Record<string, string> = {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
  };
  return [documentNames[name] ?? name];
}

/**
 * Everything, for the local stack's own use (seeding, and tests that look into the table): never used by
 * a deployed function.
 */
export function everything(r: Runtime) {
  return {
    ...lifecycleDeps(r),
    ...auditDeps(r),
    seats: r.seats(),
    joinContext: r.joinContext(),
    ledger: r.ledger(),
    unmatched: r.unmatched(),
    directory: r.directory(),
    recordChains: r.recordChains(),
    checkpointLog: r.checkpointLog(),
  };
}
