/**
 * The whole backend on one machine: DynamoDB Local, the Chime emulator, the local identity issuer and
 * the dev server in front of the real handlers. `npm start` runs it; the integration tests start one
 * per test file (on their own table, sharing one DynamoDB Local).
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadProgrammeFile } from '#config/programme-file.ts';
import { toHttpError } from '#http/error-mapper.ts';
import { identityFromClaims } from '#http/request.ts';
import { functionNames } from '#http/routes.ts';
import type { ProvisioningTrigger } from '#ports/meetings.ts';
import type { RoomChannel } from '#ports/room-channel.ts';
import type { everything } from '../functions/lib/runtime.ts';

type Everything = ReturnType<typeof everything>;

import { keyFingerprint } from '#domain/record.ts';
import type { CheckpointOutcome } from '#use-cases/record-checkpoint.ts';
import { type LocalEventsServer, startLocalEventsServer } from './appsync-events.ts';
import { type ChimeEmulator, type ChimeEventEnvelope, startChimeEmulator } from './chime-emulator/server.ts';
import { type AdjustableClock, createAdjustableClock, DEFAULT_LOCAL_CLOCK } from './clock.ts';
import { consoleRoute } from './console-route.ts';
import { type LambdaHandler, type LocalRoute, sendJson, startDevServer } from './dev-server.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { createLocalEventPipeline, type LocalEventPipeline } from './event-pipeline.ts';
import { createLocalIssuer, type LocalIssuer } from './identity.ts';
import { freePort } from './net.ts';
import {
  createLocalCheckpointSigner,
  createLocalCheckpointStore,
  createLocalExportStore,
} from './record-files.ts';
import { organizerEmails, seedSample } from './seed.ts';
import { createEventTable } from './table.ts';
import { type LocalTableStream, startLocalTableStream } from './table-stream.ts';
import { createLocalTimers, type LocalTimers } from './timers.ts';

export interface LocalStackOptions {
  /** Dev server port; 0 picks a free one. */
  port?: number;
  /** Use a running DynamoDB Local instead of starting one. */
  dynamoEndpoint?: string;
  tableName?: string;
  eventFile?: string;
  /** The local clock's starting instant (FLOORPASS_CLOCK); by default inside Session I. */
  clock?: string;
  /** Chime's documented rate limit (10/s, burst 20) unless false. */
  chimeRateLimit?: false | { ratePerSecond: number; burst: number };
  seedPersonas?: boolean;
  /** Attendee records per meeting in the emulator (250 as in Chime); lower it to test a full room. */
  chimeMaxAttendeesPerMeeting?: number;
  /** Replica meetings per primary, in the emulator's quota and the functions' configuration (default 4). */
  maxReplicas?: number;
  /** Make rooms' attendees ahead when their meeting is created (default true). */
  provisioning?: boolean;
  /** The shared limiter's Chime calls per second per operation (default 9; 0 turns it off). */
  chimeRatePerSecond?: number;
  /** Close due rooms every second as the local clock runs (npm start); tests move the clock themselves. */
  closeRoomsEverySecond?: boolean;
  /** Warm instances per function, each with its own clients and caches, taking requests in turn (1). */
  instances?: number;
  /**
   * The local AppSync Events endpoint's port (the floor channel's WebSocket): 0 or unset picks a free
   * one; false starts none (`published` still records what the functions publish).
   */
  eventsPort?: number | false;
  /** Milliseconds between the Events endpoint's `ka` messages (60 s, as AppSync Events). */
  eventsKeepAliveMs?: number;
  /** Fire due timers (the floor's) every 100 ms as the local clock runs (default: with closeRoomsEverySecond). */
  timersTick?: boolean;
  /**
   * The verifiable record: the table's stream read into the record's chains, and checkpoints signed as
   * in AWS (every CHECKPOINT_MINUTES of the local clock, and after each room's close). Off by default in
   * tests (it reads the stream continuously); `npm start` turns it on.
   */
  chainRecord?: boolean;
  /**
   * Where the dev stack keeps the record's checkpoints and exports (written once, not immutable), and
   * the directory holding its signing key (kept across restarts, so its fingerprint stays the same).
   * Default: a new temporary directory for both.
   */
  recordDir?: string;
  keyDir?: string;
}

export interface LocalStack {
  url: string;
  tableName: string;
  dynamoEndpoint: string;
  clock: AdjustableClock;
  issuer: LocalIssuer;
  emulator: ChimeEmulator;
  /** Every aws.chime event the emulator emitted, in order (the attendance recorder's input). */
  events: ChimeEventEnvelope[];
  /** The local EventBridge rule → SQS → recorder path (with its DLQ). */
  pipeline: LocalEventPipeline;
  /** The floor channel's WebSocket, ws://127.0.0.1:PORT/event/realtime (null when `eventsPort: false`). */
  eventsUrl: string | null;
  /** The floor channel the functions publish on (the local Events endpoint's, in this process). */
  channel: RoomChannel;
  /** Resolves when no provisioning run is in flight. */
  provisioningIdle(): Promise<void>;
  /** Runs what has come due on the local clock now (the rooms' close), as POST /_local/clock does. */
  runDue(): Promise<unknown>;
  /** The local timer queue (the floor's warnings, deadlines and graces). */
  timers: LocalTimers;
  /** Everything published on the rooms' channels, in order (what subscribers receive). */
  published: { roomId: string; event: Record<string, unknown> }[];
  /** Per function (its entry name), the IAM actions of the AWS calls it made so far. */
  sdkCalls(): Map<string, string[]>;
  /** Per function, how many AWS requests it sent so far (the benchmarks' per-function counts). */
  sdkCallCounts(): Map<string, number>;
  /** The stack's own view of the table and Chime (for tests that look into them): not a function's. */
  deps: Everything;
  /** The verifiable record on this stack (docs/record.md). */
  record: LocalRecord;
  token(email: string, groups?: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface LocalRecord {
  /** The signing key's fingerprint (what `verify` takes). */
  fingerprint: string;
  /** Where the checkpoints (checkpoints/) and exports (exports/) are written. */
  dir: string;
  /** Resolves once every change made so far is chained (no-op when `chainRecord` is off). */
  flush(): Promise<void>;
  /** Chains what is pending, then signs a checkpoint now if anything was appended since the last. */
  checkpoint(): Promise<CheckpointOutcome>;
  /** The stream reader's counts (null when `chainRecord` is off). */
  streamStats(): ReturnType<LocalTableStream['stats']> | null;
}

/** The function whose invocation is running (what Lambda's process boundary gives in AWS). */
const invocation = new AsyncLocalStorage<string>();

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const eventFile = options.eventFile ?? 'events/hlc-2021.yaml';
  const programme = loadProgrammeFile(eventFile);
  const clockStart = options.clock ?? DEFAULT_LOCAL_CLOCK;
  if (Number.isNaN(Date.parse(clockStart)))
    throw new Error(`FLOORPASS_CLOCK is not an ISO instant: ${clockStart}`);
  const clock = createAdjustableClock(new Date(clockStart));
  const port = options.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const tableName = options.tableName ?? `floorpass-${programme.event.id}`;

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let dynamo: DynamoDbLocal | null = null;
    if (!options.dynamoEndpoint) {
      dynamo = await startDynamoDbLocal();
      stops.push(() => (dynamo as DynamoDbLocal).stop());
    }
    const dynamoEndpoint = options.dynamoEndpoint ?? (dynamo as DynamoDbLocal).endpoint;

    const events: ChimeEventEnvelope[] = [];
    // Events go to the pipeline once the recorder is loaded (below); the emulator starts first.
    let pipeline: LocalEventPipeline | null = null;
    const emulator = await startChimeEmulator({
      // Chime lives on the event's (local) clock too: event timestamps, the five-minute empty end.
      now: () => clock.now().getTime(),
      rateLimit: options.chimeRateLimit ?? { ratePerSecond: 10, burst: 20 },
      ...(options.chimeMaxAttendeesPerMeeting
        ? { maxAttendeesPerMeeting: options.chimeMaxAttendeesPerMeeting }
        : {}),
      // The account's replica quota (AWS default 4; raised for a large event, up to 40).
      ...(options.maxReplicas !== undefined ? { maxReplicasPerPrimary: options.maxReplicas } : {}),
      onEvent: (e) => {
        events.push(e);
        pipeline?.publish(e);
      },
    });
    stops.push(() => emulator.close());

    // The handlers read their configuration at import, as a Lambda does at cold start.
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      EVENT_ID: programme.event.id,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      CHIME_ENDPOINT: emulator.url,
      CHIME_MEDIA_REGION: 'us-east-1',
      POWERTOOLS_SERVICE_NAME: 'floorpass',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // CloudWatch metrics (EMF lines on stdout) have nowhere to go locally.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      MAX_REPLICAS: String(options.maxReplicas ?? 4),
      CHIME_RATE_PER_SECOND: String(options.chimeRatePerSecond ?? 9),
    });
    const runtime = await import('../functions/lib/runtime.ts');
    const issuer = await createLocalIssuer({ issuer: `${url}/_local/issuer`, organizers: organizerEmails });
    // Which function made each AWS call (an async context per invocation), as the IAM actions it needs.
    const sdkCalls = new Map<string, Set<string>>();
    const sdkCallCounts = new Map<string, number>();
    const onSdkCall = (service: string, actions: string[]) => {
      const caller = invocation.getStore() ?? 'local';
      sdkCallCounts.set(caller, (sdkCallCounts.get(caller) ?? 0) + 1);
      const fn = invocation.getStore() ?? 'local';
      const seen = sdkCalls.get(fn) ?? new Set<string>();
      for (const a of actions) seen.add(`${service}:${a}`);
      sdkCalls.set(fn, seen);
    };
    const as =
      <A extends unknown[], R>(fn: string, run: (...args: A) => R) =>
      (...args: A): R =>
        invocation.run(fn, () => run(...args));
    // Lambda's asynchronous invocation of the provisioning function, in this process (one instance).
    const provisioningRuns = new Set<Promise<unknown>>();
    const { createProvision } = await import('../functions/provision-room.ts');
    const provision = as('provision-room', createProvision({ clock, onSdkCall }));
    const provisioning: ProvisioningTrigger | undefined =
      options.provisioning === false
        ? undefined
        : {
            async request(roomId) {
              const run = provision({ roomId })
                .catch((error: Error) =>
                  console.error(`floorpass: provisioning ${roomId} failed: ${error.message}`),
                )
                .finally(() => provisioningRuns.delete(run));
              provisioningRuns.add(run);
            },
          };
    // The floor's timers on the local clock, fired by the same function as the SQS queue's in AWS.
    let fireTimers: (event: SQSEvent) => Promise<SQSBatchResponse> = async () => ({ batchItemFailures: [] });
    const timers = createLocalTimers(clock, (event) => fireTimers(event));
    // AppSync Events, locally: subscribers authenticate with the HTTP API's JWT, and a subscribe is
    // decided by the floor namespace's onSubscribe function (its rule, with its own repositories).
    const { createFollowCheck } = await import('../functions/floor-channel-auth.ts');
    const follows = as('floor-channel-auth', createFollowCheck({ clock, onSdkCall }));
    let eventsServer: LocalEventsServer | null = null;
    if (options.eventsPort !== false) {
      eventsServer = await startLocalEventsServer({
        port: options.eventsPort ?? 0,
        ...(options.eventsKeepAliveMs ? { keepAliveMs: options.eventsKeepAliveMs } : {}),
        authenticate: async (token) => {
          const claims = await issuer.verify(token);
          try {
            return claims ? identityFromClaims(claims, runtime.claims) : null;
          } catch {
            return null;
          }
        },
        authorizeSubscribe: follows,
      });
      const server = eventsServer;
      stops.push(() => server.close());
    }
    // The rooms' channels: what AppSync Events carries in AWS, to the local endpoint's subscribers; every
    // event is also kept in `published`, in order, for tests.
    const published: { roomId: string; event: Record<string, unknown> }[] = [];
    const localEvents = eventsServer?.channel;
    const channel: RoomChannel = {
      async publish(roomId, event) {
        published.push({ roomId, event });
        await localEvents?.publish(roomId, event);
      },
    };
    // The record's key and stores: the dev stack's key and write-once files (not immutable) instead of
    // KMS and S3 with Object Lock.
    const recordDir = options.recordDir ?? mkdtempSync(join(tmpdir(), 'floorpass-record-'));
    const recordFiles = {
      signer: createLocalCheckpointSigner(options.keyDir ?? recordDir),
      store: createLocalCheckpointStore(recordDir),
      exports: createLocalExportStore(recordDir, url),
    };
    const fingerprint = keyFingerprint(await recordFiles.signer.publicKeyPem());

    // What each function is given instead of what AWS provides.
    const overrides = {
      clock,
      onSdkCall,
      timers,
      channel,
      record: recordFiles,
      ...(provisioning ? { provisioning } : {}),
    };

    const client = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1' });
    const streamArn = await createEventTable(client, tableName, { stream: options.chainRecord === true });
    client.destroy();

    // The local stack's own view of the table (seeding, and tests that look into it): not a function's.
    const deps = runtime.everything(runtime.createRuntime({ clock }));
    await invocation.run('local-seed', () =>
      seedSample(deps, programme, { personas: options.seedPersonas ?? true }),
    );

    // Each function as Lambda runs it: `instances` warm instances, each with its own clients and caches,
    // taking requests in turn.
    const instances = Math.max(1, options.instances ?? 1);
    const handlers: Record<string, LambdaHandler> = {};
    for (const fn of functionNames) {
      const { createHandler } = (await import(`../functions/${fn}.ts`)) as {
        createHandler: (o: typeof overrides) => LambdaHandler;
      };
      const pool = Array.from({ length: instances }, () => as(fn, createHandler(overrides)));
      let next = 0;
      handlers[fn] = (event, context) => (pool[next++ % pool.length] as LambdaHandler)(event, context);
    }
    const { createRecordBatch } = await import('../functions/record-meeting-events.ts');
    const eventPipeline = createLocalEventPipeline({
      handler: as('record-meeting-events', createRecordBatch(overrides)),
    });
    pipeline = eventPipeline;
    stops.push(async () => eventPipeline.stop());

    // What the every-minute rule does in AWS, on the local clock: rooms whose window has ended close
    // (their meetings end). At once when the clock is moved (POST /_local/clock) and, with
    // `closeRoomsEverySecond` (npm start), every second as the clock runs. Moving the local clock back
    // reopens the rooms that are open at the new instant (a local convenience: real clocks do not).
    // The record: the table's stream → the chainer (as the event source mapping does in AWS), and the
    // checkpoint function on the local clock (as its every-minute schedule does).
    const { createChainRecord } = await import('../functions/chain-record.ts');
    const { createSignCheckpoint } = await import('../functions/sign-checkpoint.ts');
    let tableStream: LocalTableStream | null = null;
    if (options.chainRecord && streamArn) {
      const stream = startLocalTableStream({
        endpoint: dynamoEndpoint,
        streamArn,
        handler: as('chain-record', createChainRecord(overrides)),
      });
      tableStream = stream;
      stops.push(() => stream.stop());
    }
    const signDue = as('sign-checkpoint', createSignCheckpoint(overrides));
    const record: LocalRecord = {
      fingerprint,
      dir: recordDir,
      flush: async () => {
        await tableStream?.flush();
      },
      checkpoint: async () => {
        await tableStream?.flush();
        return signDue({ force: true });
      },
      streamStats: () => tableStream?.stats() ?? null,
    };

    const { createFireTimers } = await import('../functions/fire-timers.ts');
    fireTimers = as('fire-timers', createFireTimers(overrides));
    const { createCloseRooms } = await import('../functions/close-rooms.ts');
    const closeRooms = as('close-rooms', createCloseRooms(overrides));
    const { reopenRoomsOpenAt } = await import('#use-cases/close-room.ts');
    let closing: Promise<unknown> = Promise.resolve();
    let lastRun = clock.now().getTime();
    const closeDue = () => {
      const run = closing.then(async () => {
        try {
          const now = clock.now().getTime();
          if (now < lastRun) await reopenRoomsOpenAt(deps);
          lastRun = now;
          const upkeep = await closeRooms();
          await timers.fireDue();
          if (options.chainRecord) await signDue();
          return upkeep;
        } catch (error) {
          console.error(`floorpass: closing rooms failed: ${(error as Error).message}`);
          return undefined;
        }
      });
      closing = run;
      return run;
    };
    if (options.closeRoomsEverySecond) {
      const closeTicker = setInterval(() => void closeDue(), 1_000);
      closeTicker.unref();
      stops.push(async () => clearInterval(closeTicker));
    }
    if (options.timersTick ?? options.closeRoomsEverySecond) {
      const timerTicker = setInterval(() => void timers.fireDue(), 100);
      timerTicker.unref();
      stops.push(async () => clearInterval(timerTicker));
    }
    stops.push(async () => {
      await closing;
      await timers.fireDue();
    });

    const server: Server = await startDevServer({
      port,
      issuer,
      handlers,
      localRoutes: firstOf(
        // The console at /console (built in memory at its first request).
        consoleRoute({ eventsUrl: eventsServer?.url ?? null, signIn: { kind: 'local' }, media: false }),
        localRoutes({
          issuer,
          clock,
          emulator,
          events,
          pipeline: eventPipeline,
          closeDue,
          provision: (roomId) => provision({ roomId }),
          exportsDir: join(recordDir, 'exports'),
        }),
      ),
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );

    return {
      url,
      tableName,
      dynamoEndpoint,
      clock,
      issuer,
      emulator,
      events,
      pipeline: eventPipeline,
      eventsUrl: eventsServer?.url ?? null,
      channel,
      provisioningIdle: async () => {
        while (provisioningRuns.size > 0) await Promise.allSettled([...provisioningRuns]);
      },
      token: (email, groups) => issuer.issue(email, groups ? { groups } : {}),
      runDue: closeDue,
      timers,
      published,
      deps,
      sdkCalls: () => new Map([...sdkCalls].map(([fn, actions]) => [fn, [...actions].sort()])),
      sdkCallCounts: () => new Map(sdkCallCounts),
      record,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Local routes tried in turn: the first that answers wins. */
const firstOf =
  (...routes: LocalRoute[]): LocalRoute =>
  async (req, res, body, url) => {
    for (const route of routes) if (await route(req, res, body, url)) return true;
    return false;
  };

/** The local-only routes: health, tokens, the clock, simulated Chime clients, the event sink. */
function localRoutes(ctx: {
  issuer: LocalIssuer;
  clock: AdjustableClock;
  emulator: ChimeEmulator;
  events: ChimeEventEnvelope[];
  pipeline: LocalEventPipeline;
  /** Runs what has come due on the local clock (the rooms' close). */
  closeDue: () => Promise<unknown>;
  /** Runs the provisioning function for a room (as its doors-open schedule does in AWS). */
  provision: (roomId: string) => Promise<unknown>;
  /** Record exports, served as S3 serves a presigned URL in AWS (the unguessable name is the key). */
  exportsDir: string;
}): LocalRoute {
  return async (req, res, body, url) => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (method === 'GET' && path === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (!path.startsWith('/_local/')) return false;
    const input = safeJson(body);
    const exported = /^\/_local\/exports\/([A-Za-z0-9._-]+)$/.exec(path);
    if (method === 'GET' && exported) {
      try {
        const bytes = readFileSync(join(ctx.exportsDir, exported[1] as string));
        res.writeHead(200, {
          'content-type': 'application/x-tar',
          'content-disposition': `attachment; filename="${exported[1]}"`,
          'content-length': bytes.length,
        });
        res.end(bytes);
      } catch {
        sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'No such export.' } });
      }
    } else if (method === 'GET' && path === '/_local/issuer/.well-known/jwks.json') {
      sendJson(res, 200, await ctx.issuer.jwks());
    } else if (method === 'POST' && path === '/_local/tokens') {
      const email = typeof input?.email === 'string' ? input.email : '';
      const groups = Array.isArray(input?.groups) ? input.groups.map(String) : undefined;
      // A lifetime in seconds (0: already expired, to try an expired token); 8 hours by default.
      const expiresIn = input?.expiresIn;
      const lifetimeOk =
        expiresIn === undefined ||
        (Number.isInteger(expiresIn) && (expiresIn as number) >= 0 && (expiresIn as number) <= 604_800);
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
        sendJson(res, 400, {
          error: { code: 'VALIDATION_FAILED', message: 'Send { "email": "…" }.', field: 'email' },
        });
      } else if (!lifetimeOk) {
        sendJson(res, 400, {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'expiresIn is the token lifetime in whole seconds, from 0 (already expired) to 604800.',
            field: 'expiresIn',
          },
        });
      } else {
        const options = {
          ...(groups ? { groups } : {}),
          ...(expiresIn !== undefined ? { expiresIn: expiresIn as number } : {}),
        };
        sendJson(res, 200, { token: await ctx.issuer.issue(email, options) });
      }
    } else if (path === '/_local/clock' && method === 'GET') {
      sendJson(res, 200, { now: ctx.clock.now().toISOString(), frozen: ctx.clock.frozen });
    } else if (path === '/_local/clock' && method === 'POST') {
      const at = typeof input?.now === 'string' ? Date.parse(input.now) : Number.NaN;
      if (Number.isNaN(at)) {
        sendJson(res, 400, {
          error: { code: 'VALIDATION_FAILED', message: 'Send { "now": "<ISO instant>" }.', field: 'now' },
        });
      } else {
        ctx.clock.set(new Date(at), { frozen: input?.frozen === true });
        // Whatever has come due at the new instant happens before the answer (a room's close).
        await ctx.closeDue();
        sendJson(res, 200, { now: ctx.clock.now().toISOString(), frozen: ctx.clock.frozen });
      }
    } else if (method === 'POST' && path === '/_local/eventbridge') {
      if (input === null) {
        sendJson(res, 400, {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'Send an event as EventBridge delivers it (JSON).',
            field: 'body',
          },
        });
      } else {
        const matched = ctx.pipeline.publish(input);
        await ctx.pipeline.flush();
        sendJson(res, 202, { matched, ...ctx.pipeline.stats() });
      }
    } else if (method === 'POST' && /^\/_local\/rooms\/[a-z0-9-]+\/provision$/.test(path)) {
      // Opens a room ahead of time, as its doors-open schedule does in AWS.
      const roomId = path.split('/')[3] as string;
      try {
        sendJson(res, 200, await ctx.provision(roomId));
      } catch (error) {
        const mapped = toHttpError(error);
        sendJson(res, mapped.statusCode, mapped.body);
      }
    } else if (method === 'GET' && path === '/_local/dlq') {
      const dead = ctx.pipeline.deadLetters();
      sendJson(res, 200, { count: dead.length, messages: dead });
    } else if (method === 'GET' && path === '/_local/events') {
      sendJson(res, 200, { count: ctx.events.length, events: ctx.events });
    } else if (method === 'GET' && path === '/_local/chime/stats') {
      sendJson(res, 200, ctx.emulator.stats());
    } else {
      const seen = /^\/_local\/meetings\/([^/]+)\/attendees\/([^/]+)$/.exec(path);
      if (method === 'GET' && seen) {
        // What Chime itself would enforce for this attendee (its Capabilities); the JoinToken left out.
        try {
          const { JoinToken: _secret, ...attendee } = ctx.emulator.attendee(
            seen[1] as string,
            seen[2] as string,
          );
          sendJson(res, 200, { Attendee: attendee });
        } catch (error) {
          sendJson(res, 404, { error: { code: 'NOT_FOUND', message: (error as Error).message } });
        }
        return true;
      }
      const m = /^\/_local\/meetings\/([^/]+)\/attendees\/([^/]+)\/(connect|leave|drop)$/.exec(path);
      if (method !== 'POST' || !m) {
        sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No local route ${method} ${path}.` } });
        return true;
      }
      const [, meetingId, attendeeId, action] = m as unknown as [
        string,
        string,
        string,
        'connect' | 'leave' | 'drop',
      ];
      try {
        ctx.emulator[action](meetingId, attendeeId);
        res.writeHead(204).end();
      } catch (error) {
        sendJson(res, 404, { error: { code: 'NOT_FOUND', message: (error as Error).message } });
      }
    }
    return true;
  };
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
