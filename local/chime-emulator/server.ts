/**
 * Amazon Chime SDK Meetings control-plane emulator — a TEST DOUBLE of an AWS cloud service, for local runs
 * (`npm start`) and integration tests only. It is not Amazon Chime, carries no media, and is never deployed.
 *
 * It speaks the service's REST-JSON protocol (namespace 2021-07-15: paths, methods, status codes, JSON
 * shapes and error headers taken from the model bundled in `@aws-sdk/client-chime-sdk-meetings`), so the
 * production adapter and the unmodified SDK client run against it with an endpoint override:
 *
 *   const emulator = await startChimeEmulator({ onEvent: (event) => recorder(event) });
 *   const chime = new ChimeSDKMeetingsClient({
 *     endpoint: emulator.url, region: 'us-east-1',
 *     credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
 *   });
 *
 * Requests are not authenticated (the SigV4 signature is ignored). Beyond the API it offers a control
 * surface under `/_local/` (and the same as methods) to stand in for clients' media connections, which is
 * what produces the Joined/Left/Dropped events and keeps a meeting from ending empty:
 *
 *   POST /_local/meetings/{MeetingId}/attendees/{AttendeeId}/connect | leave | drop   → 204 (404/409/410)
 *   POST /_local/throttle  { "operation": "CreateAttendee" | "*", "count": 3 }        → 204
 *   POST /_local/faults    { "operation": "*", "count": 1, "error": "ServiceUnavailableException" } → 204
 *   POST /_local/sweep                                                               → 204
 *   GET  /_local/stats                                                               → 200 JSON
 *
 * Nothing here logs request or response bodies: JoinTokens are bearer secrets.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  badRequest,
  ChimeApiError,
  EmulatorControlError,
  INJECTABLE_FAULTS,
  type InjectableFault,
} from './errors.ts';
import type { ChimeEventEnvelope } from './events.ts';
import { ANY_OPERATION, FaultInjector } from './faults.ts';
import { type RateLimit, TokenBucketLimiter } from './rate-limiter.ts';
import { ChimeState } from './state.ts';
import {
  isRecord,
  LIMITS,
  parseAttendeeList,
  parseBatchUpdateExcept,
  parseCapabilities,
  parseCreateAttendee,
  parseCreateMeeting,
  parseListQuery,
} from './validation.ts';

export type { InjectableFault } from './errors.ts';
export type { ChimeEventDetail, ChimeEventEnvelope, ChimeMeetingEventType } from './events.ts';

export interface ChimeEmulatorOptions {
  /** 0 or undefined: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Epoch milliseconds; default Date.now. Drives meeting ends and event timestamps. */
  now?: () => number;
  /** Epoch milliseconds for the rate limiter; default Date.now (request rates are wall-clock rates). */
  rateNow?: () => number;
  /** Per operation; default { ratePerSecond: 10, burst: 20 } as documented. `false` turns it off. */
  rateLimit?: RateLimit | false;
  /** Default 5 minutes: a meeting with no connected attendee for longer than this ends. */
  emptyMeetingTimeoutMs?: number;
  /** Default 24 hours. */
  maxMeetingLifetimeMs?: number;
  /** Default 250 (attendee records, not connections). */
  maxAttendeesPerMeeting?: number;
  /** Default 4. */
  maxReplicasPerPrimary?: number;
  /** The control Region, used in ARNs and events. Default 'us-east-1'. */
  region?: string;
  /** Default '111122223333'. */
  accountId?: string;
  /** Sink for emitted events. Called synchronously in order; a returned promise is not awaited. */
  onEvent?: (event: ChimeEventEnvelope) => void | Promise<void>;
}

export interface ChimeEmulatorStats {
  /** API calls received per operation, throttled ones included. */
  calls: Record<string, number>;
  /** Calls answered 429 per operation (rate limit or injected). */
  throttled: Record<string, number>;
  /** Live meetings. */
  meetings: number;
  /** Attendee records in live meetings. */
  attendees: number;
}

export interface ChimeEmulator {
  /** e.g. http://127.0.0.1:PORT — the SDK client's `endpoint`. */
  url: string;
  close(): Promise<void>;
  /** A client connects with the attendee's JoinToken (MeetingStarted the first time, AttendeeJoined). */
  connect(meetingId: string, attendeeId: string): void;
  /** The client leaves (AttendeeLeft). */
  leave(meetingId: string, attendeeId: string): void;
  /** The client's connection drops (AttendeeDropped). */
  drop(meetingId: string, attendeeId: string): void;
  /** The emulator's own view of an attendee (what Chime enforces: its Capabilities); throws if unknown. */
  attendee(meetingId: string, attendeeId: string): Record<string, unknown>;
  /** The next `count` calls to `operation` (an SDK operation name, or '*') answer 429 ThrottlingException. */
  injectThrottles(operation: string, count: number): void;
  /** The next `count` calls to `operation` (or '*') answer the given error instead. */
  injectFaults(operation: string, count: number, error: InjectableFault): void;
  /** The next BatchCreateAttendee entries (`count` in all) fail in `Errors[]` with `code`, the rest succeed. */
  injectBatchEntryErrors(count: number, code?: string): void;
  stats(): ChimeEmulatorStats;
  /** Ends meetings past their empty timeout or lifetime now (also run every second and before each call). */
  sweep(): void;
}

/** The operations served, by their SDK names (the names `injectThrottles` and `stats` use). */
export const CHIME_OPERATIONS = [
  'CreateMeeting',
  'CreateMeetingWithAttendees',
  'GetMeeting',
  'DeleteMeeting',
  'CreateAttendee',
  'BatchCreateAttendee',
  'GetAttendee',
  'ListAttendees',
  'DeleteAttendee',
  'UpdateAttendeeCapabilities',
  'BatchUpdateAttendeeCapabilitiesExcept',
] as const;
export type ChimeOperation = (typeof CHIME_OPERATIONS)[number];

/** Real operations of the namespace that the emulator does not implement (answered 400, not retried). */
const UNSUPPORTED_OPERATIONS = [
  'StartMeetingTranscription',
  'StopMeetingTranscription',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
] as const;
type UnsupportedOperation = (typeof UNSUPPORTED_OPERATIONS)[number];

interface Route {
  operation: ChimeOperation | UnsupportedOperation;
  meetingId?: string;
  attendeeId?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;
const SWEEP_INTERVAL_MS = 1000;

export async function startChimeEmulator(options: ChimeEmulatorOptions = {}): Promise<ChimeEmulator> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const rateLimit = options.rateLimit === undefined ? { ratePerSecond: 10, burst: 20 } : options.rateLimit;
  // Request rates are real: the limiter runs on the wall clock even when the event's clock is frozen.
  const limiter =
    rateLimit === false ? undefined : new TokenBucketLimiter(rateLimit, options.rateNow ?? Date.now);
  const faults = new FaultInjector();
  const calls = new Map<string, number>();
  const throttled = new Map<string, number>();

  const state = new ChimeState({
    now,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '111122223333',
    emptyMeetingTimeoutMs: options.emptyMeetingTimeoutMs ?? 5 * 60_000,
    maxMeetingLifetimeMs: options.maxMeetingLifetimeMs ?? 24 * 60 * 60_000,
    maxAttendeesPerMeeting: options.maxAttendeesPerMeeting ?? 250,
    maxReplicasPerPrimary: options.maxReplicasPerPrimary ?? 4,
    emit: eventSink(options.onEvent),
  });

  const injectFaults = (operation: string, count: number, error: InjectableFault): void => {
    if (operation !== ANY_OPERATION && !(CHIME_OPERATIONS as readonly string[]).includes(operation)) {
      throw new RangeError(
        `Unknown operation ${operation}; use one of ${CHIME_OPERATIONS.join(', ')} or '*'`,
      );
    }
    if (!INJECTABLE_FAULTS.includes(error)) throw new RangeError(`Cannot inject ${error}`);
    faults.inject(operation, count, error);
  };

  const stats = (): ChimeEmulatorStats => ({
    calls: Object.fromEntries(calls),
    throttled: Object.fromEntries(throttled),
    ...state.counts(),
  });

  /** One API call: count it, end what is due, apply injected faults and the rate limit, then serve it. */
  const serveApi = (
    route: Route,
    body: unknown,
    query: URLSearchParams,
  ): { status: number; body?: unknown } => {
    const { operation } = route;
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    state.sweep();
    const fault = faults.next(operation);
    if (fault) {
      const retryAfter =
        fault === 'ThrottlingException' || fault === 'ServiceUnavailableException' ? 1 : undefined;
      throw new ChimeApiError(fault, `Injected ${fault} (local Chime emulator)`, retryAfter);
    }
    const taken = limiter?.take(operation);
    if (taken && !taken.allowed) {
      throw new ChimeApiError('ThrottlingException', 'Rate exceeded', taken.retryAfterSeconds);
    }
    return dispatch(state, route, body, query);
  };

  const server = createServer((req, res) => {
    handleRequest(req, res, { serveApi, state, injectFaults, stats, throttled }).catch((error: unknown) => {
      // Only reached if writing the response itself failed; the socket is gone, nothing to answer.
      console.error(`[chime-emulator] failed to answer a request: ${messageOf(error)}`);
    });
  });
  // The SDK keeps connections alive; without this, close() would wait for their idle timeout.
  server.keepAliveTimeout = 5_000;

  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const timer = setInterval(() => state.sweep(), SWEEP_INTERVAL_MS);
  timer.unref();

  return {
    url,
    close: () => {
      clearInterval(timer);
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    connect: (meetingId, attendeeId) => state.connect(meetingId, attendeeId),
    leave: (meetingId, attendeeId) => state.leave(meetingId, attendeeId),
    drop: (meetingId, attendeeId) => state.drop(meetingId, attendeeId),
    attendee: (meetingId, attendeeId) => ({ ...state.getAttendee(meetingId, attendeeId) }),
    injectThrottles: (operation, count) => injectFaults(operation, count, 'ThrottlingException'),
    injectFaults,
    injectBatchEntryErrors: (count, code) => state.injectBatchEntryErrors(count, code),
    stats,
    sweep: () => state.sweep(),
  };
}

interface Handlers {
  serveApi: (route: Route, body: unknown, query: URLSearchParams) => { status: number; body?: unknown };
  state: ChimeState;
  injectFaults: (operation: string, count: number, error: InjectableFault) => void;
  stats: () => ChimeEmulatorStats;
  throttled: Map<string, number>;
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, handlers: Handlers): Promise<void> {
  const requestId = randomUUID();
  const method = req.method ?? 'GET';
  let operation: string | undefined;
  try {
    // Read the whole body first, even for calls that will be refused, so keep-alive connections stay sane.
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const segments = pathSegments(url.pathname);

    if (segments[0] === '_local') {
      handleControl(method, segments.slice(1), rawBody, res, handlers);
      return;
    }

    const route = matchRoute(method, segments, url.searchParams);
    if (!route) {
      throw new ChimeApiError(
        'UnknownOperationException',
        `No operation is served at ${method} ${url.pathname}`,
      );
    }
    operation = route.operation;
    const result = handlers.serveApi(route, parseJsonBody(rawBody), url.searchParams);
    sendJson(res, result.status, result.body, { 'x-amzn-requestid': requestId });
  } catch (error) {
    const apiError =
      error instanceof ChimeApiError
        ? error
        : new ChimeApiError(
            'ServiceFailureException',
            'The local Chime emulator failed to handle the request',
          );
    if (!(error instanceof ChimeApiError)) {
      console.error(`[chime-emulator] ${method} ${operation ?? 'request'} failed: ${messageOf(error)}`);
    }
    if (apiError.type === 'ThrottlingException' && operation) {
      handlers.throttled.set(operation, (handlers.throttled.get(operation) ?? 0) + 1);
    }
    sendError(res, apiError, requestId);
  }
}

/** The service's routes, as the model's `smithy.api#http` traits declare them. */
function matchRoute(method: string, segments: string[], query: URLSearchParams): Route | undefined {
  const op = query.get('operation');
  const [root, meetingId, sub, attendeeId, leaf, ...rest] = segments;
  if (rest.length > 0) return undefined;

  if (root === 'meetings') {
    if (meetingId === undefined) {
      if (method === 'POST' && op === 'create-attendees') return { operation: 'CreateMeetingWithAttendees' };
      if (method === 'POST') return { operation: 'CreateMeeting' };
      return undefined;
    }
    if (sub === undefined) {
      if (method === 'GET') return { operation: 'GetMeeting', meetingId };
      if (method === 'DELETE') return { operation: 'DeleteMeeting', meetingId };
      return undefined;
    }
    if (sub === 'transcription' && attendeeId === undefined && method === 'POST') {
      if (op === 'start') return { operation: 'StartMeetingTranscription', meetingId };
      if (op === 'stop') return { operation: 'StopMeetingTranscription', meetingId };
      return undefined;
    }
    if (sub !== 'attendees') return undefined;
    if (attendeeId === undefined) {
      if (method === 'POST' && op === 'batch-create') return { operation: 'BatchCreateAttendee', meetingId };
      if (method === 'POST') return { operation: 'CreateAttendee', meetingId };
      if (method === 'GET') return { operation: 'ListAttendees', meetingId };
      return undefined;
    }
    if (attendeeId === 'capabilities' && leaf === undefined) {
      if (method === 'PUT' && op === 'batch-update-except') {
        return { operation: 'BatchUpdateAttendeeCapabilitiesExcept', meetingId };
      }
      return undefined;
    }
    if (leaf === undefined) {
      if (method === 'GET') return { operation: 'GetAttendee', meetingId, attendeeId };
      if (method === 'DELETE') return { operation: 'DeleteAttendee', meetingId, attendeeId };
      return undefined;
    }
    if (leaf === 'capabilities' && method === 'PUT') {
      return { operation: 'UpdateAttendeeCapabilities', meetingId, attendeeId };
    }
    return undefined;
  }

  if (root === 'tags' && meetingId === undefined) {
    if (method === 'GET') return { operation: 'ListTagsForResource' };
    if (method === 'POST' && op === 'tag-resource') return { operation: 'TagResource' };
    if (method === 'POST' && op === 'untag-resource') return { operation: 'UntagResource' };
  }
  return undefined;
}

function dispatch(
  state: ChimeState,
  route: Route,
  body: unknown,
  query: URLSearchParams,
): { status: number; body?: unknown } {
  const meetingId = route.meetingId ?? '';
  const attendeeId = route.attendeeId ?? '';
  const fields = isRecord(body) ? body : {};
  switch (route.operation) {
    case 'CreateMeeting':
      return { status: 200, body: { Meeting: state.createMeeting(parseCreateMeeting(body)) } };
    case 'CreateMeetingWithAttendees': {
      const request = parseCreateMeeting(body);
      const items = parseAttendeeList(fields.Attendees, LIMITS.createMeetingWithAttendeesMax);
      return { status: 200, body: state.createMeetingWithAttendees(request, items) };
    }
    case 'GetMeeting':
      return { status: 200, body: { Meeting: state.getMeeting(meetingId) } };
    case 'DeleteMeeting':
      state.deleteMeeting(meetingId);
      return { status: 204 };
    case 'CreateAttendee':
      return { status: 200, body: { Attendee: state.createAttendee(meetingId, parseCreateAttendee(body)) } };
    case 'BatchCreateAttendee': {
      const items = parseAttendeeList(fields.Attendees, LIMITS.batchCreateAttendeeMax);
      return { status: 200, body: state.batchCreateAttendees(meetingId, items) };
    }
    case 'GetAttendee':
      return { status: 200, body: { Attendee: state.getAttendee(meetingId, attendeeId) } };
    case 'ListAttendees':
      return { status: 200, body: state.listAttendees(meetingId, parseListQuery(query)) };
    case 'DeleteAttendee':
      state.deleteAttendee(meetingId, attendeeId);
      return { status: 204 };
    case 'UpdateAttendeeCapabilities': {
      const capabilities = parseCapabilities(fields.Capabilities);
      return {
        status: 200,
        body: { Attendee: state.updateAttendeeCapabilities(meetingId, attendeeId, capabilities) },
      };
    }
    case 'BatchUpdateAttendeeCapabilitiesExcept': {
      const { excludedAttendeeIds, capabilities } = parseBatchUpdateExcept(body);
      state.batchUpdateAttendeeCapabilitiesExcept(meetingId, excludedAttendeeIds, capabilities);
      return { status: 200 };
    }
    default:
      // A 400 rather than a 5xx so that the SDK does not retry a call that can never succeed here.
      throw badRequest(`${route.operation} is not implemented by the local Chime emulator`);
  }
}

function handleControl(
  method: string,
  segments: string[],
  rawBody: string,
  res: ServerResponse,
  handlers: Handlers,
): void {
  try {
    const [first, meetingId, second, attendeeId, action, ...rest] = segments;
    if (method === 'GET' && first === 'stats' && segments.length === 1) {
      sendJson(res, 200, handlers.stats());
      return;
    }
    if (method === 'POST' && first === 'sweep' && segments.length === 1) {
      handlers.state.sweep();
      sendJson(res, 204);
      return;
    }
    if (method === 'POST' && (first === 'throttle' || first === 'faults') && segments.length === 1) {
      const body = parseControlBody(rawBody);
      const error = first === 'throttle' ? 'ThrottlingException' : body.error;
      if (typeof body.operation !== 'string' || typeof body.count !== 'number') {
        throw new EmulatorControlError(400, 'Expected { "operation": string, "count": number }');
      }
      if (typeof error !== 'string' || !(INJECTABLE_FAULTS as readonly string[]).includes(error)) {
        throw new EmulatorControlError(400, `error must be one of ${INJECTABLE_FAULTS.join(', ')}`);
      }
      try {
        handlers.injectFaults(body.operation, body.count, error as InjectableFault);
      } catch (cause) {
        throw new EmulatorControlError(400, messageOf(cause));
      }
      sendJson(res, 204);
      return;
    }
    const isClientAction = action === 'connect' || action === 'leave' || action === 'drop';
    if (
      method === 'POST' &&
      first === 'meetings' &&
      second === 'attendees' &&
      isClientAction &&
      !rest.length
    ) {
      handlers.state[action](meetingId ?? '', attendeeId ?? '');
      sendJson(res, 204);
      return;
    }
    throw new EmulatorControlError(404, `No control route at ${method} /_local/${segments.join('/')}`);
  } catch (error) {
    if (error instanceof EmulatorControlError) {
      sendJson(res, error.status, { message: error.message });
      return;
    }
    throw error;
  }
}

function parseControlBody(rawBody: string): Record<string, unknown> {
  try {
    const body: unknown = rawBody === '' ? {} : JSON.parse(rawBody);
    if (isRecord(body)) return body;
  } catch {
    // answered below
  }
  throw new EmulatorControlError(400, 'The body must be a JSON object');
}

function parseJsonBody(rawBody: string): unknown {
  if (rawBody.trim() === '') return {};
  try {
    return JSON.parse(rawBody);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

function pathSegments(pathname: string): string[] {
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw badRequest('The request path is not correctly percent-encoded');
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(badRequest('The request body is too large'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

/** The REST-JSON error shape: the exception name in `x-amzn-errortype`, `Code`/`Message` in the body. */
function sendError(res: ServerResponse, error: ChimeApiError, requestId: string): void {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.type };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  sendJson(res, error.status, { Code: error.code, Message: error.message, RequestId: requestId }, headers);
}

/** Events go to the sink in order; a failing sink is reported but never breaks the API call. */
function eventSink(onEvent: ChimeEmulatorOptions['onEvent']): (event: ChimeEventEnvelope) => void {
  const report = (event: ChimeEventEnvelope, error: unknown) =>
    console.error(`[chime-emulator] event sink failed for ${event.detail.eventType}: ${messageOf(error)}`);
  return (event) => {
    if (!onEvent) return;
    try {
      const pending = onEvent(event);
      if (pending && typeof pending.then === 'function') {
        pending.catch((error: unknown) => report(event, error));
      }
    } catch (error) {
      report(event, error);
    }
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
