/**
 * A small client of the floor channel, speaking the AppSync Events WebSocket protocol: the same code
 * against AWS (`wss://{realtime domain}/event/realtime`) and the local stack (`eventsUrl`). It takes the
 * WebSocket constructor, so it runs with `ws` in Node (tests, benches) and the native one in a browser.
 *
 *   const floor = await connectFloorChannel({ url, httpHost, token: idToken, WebSocket });
 *   const sub = await floor.subscribe('session-1');   // rejects with FloorChannelError if refused
 *   for await (const event of sub) render(event);      // ends on unsubscribe, throws when the line drops
 *
 * After a drop, reconnect and re-read GET /sessions/{id}/floor: events sent meanwhile are not replayed.
 * No Node or browser API beyond WebSocket, timers, btoa, TextEncoder and crypto.randomUUID is used.
 */

/** The part of a WebSocket (browser or `ws`) this client uses. */
export interface ChannelSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
}
export type ChannelSocketConstructor = new (url: string, protocols: string[]) => ChannelSocket;

export interface FloorChannelClientOptions {
  /** The realtime endpoint: `wss://{realtime domain}/event/realtime`, or the local stack's eventsUrl. */
  url: string;
  /** The API's HTTP domain, which AppSync Events reads as `host` (by default the url's host: right locally). */
  httpHost?: string;
  /** The ID token the HTTP API takes, or a function giving a fresh one (asked at connect and each subscribe). */
  token: string | (() => string | Promise<string>);
  WebSocket: ChannelSocketConstructor;
  /** Milliseconds to wait for the connection's and each request's answer (15 s). */
  timeoutMs?: number;
}

/** An error entry as AppSync Events sends it (`errors: [{ errorType, message }]`). */
export interface ChannelErrorEntry {
  errorType: string;
  message?: string;
}

/** The service refused a request: the connection, a subscribe, an unsubscribe or a publish. */
export class FloorChannelError extends Error {
  override readonly name = 'FloorChannelError';
  constructor(
    readonly type: string,
    readonly errors: ChannelErrorEntry[],
  ) {
    super(`${type}: ${errors.map((e) => `${e.errorType}${e.message ? ` (${e.message})` : ''}`).join('; ')}`);
  }
}

/** The connection closed: a subscription's events stop here (reconnect and re-read the floor). */
export class FloorChannelClosedError extends Error {
  override readonly name = 'FloorChannelClosedError';
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`the floor channel closed (${code}${reason ? `: ${reason}` : ''})`);
  }
}

export type FloorEvent = Record<string, unknown>;

export interface FloorSubscription extends AsyncIterable<FloorEvent> {
  readonly id: string;
  readonly roomId: string;
  /** The next event; rejects with FloorChannelClosedError when the connection closes first. */
  next(): Promise<FloorEvent>;
  /** Stops delivery (resolves on `unsubscribe_success`); the iteration ends. */
  unsubscribe(): Promise<void>;
}

export interface FloorConnection {
  subscribe(roomId: string): Promise<FloorSubscription>;
  /**
   * Publishes from this client. The floor namespace refuses it (only the functions publish, by IAM):
   * this rejects with FloorChannelError `publish_error`. Kept to show, and test, that refusal.
   */
  publish(roomId: string, events: FloorEvent[]): Promise<void>;
  /** `ka` messages received so far, and when the last one came (epoch ms; 0 before any). */
  readonly keepAlives: number;
  readonly lastKeepAliveAt: number;
  /** How long the service allows between keep-alives (connection_ack's connectionTimeoutMs). */
  readonly connectionTimeoutMs: number;
  /** Resolves when the connection has closed, for whatever reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

const SUBPROTOCOL = 'aws-appsync-event-ws';
const OPEN = 1;

interface Pending {
  resolve(message: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Connects, sends connection_init and waits for connection_ack. */
export async function connectFloorChannel(options: FloorChannelClientOptions): Promise<FloorConnection> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const host = options.httpHost ?? new URL(options.url).host;
  const authorization = async () => ({
    Authorization: typeof options.token === 'function' ? await options.token() : options.token,
    host,
  });
  const socket = new options.WebSocket(options.url, [
    SUBPROTOCOL,
    `header-${base64url(JSON.stringify(await authorization()))}`,
  ]);

  const pending = new Map<string, Pending>();
  const subscriptions = new Map<string, ReturnType<typeof createSubscription>>();
  let keepAlives = 0;
  let lastKeepAliveAt = 0;
  let lastHeardAt = Date.now();
  let connectionTimeoutMs = 300_000;
  let acknowledged: Pending | undefined;
  let closedWith: { code: number; reason: string } | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let markClosed: (c: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    markClosed = resolve;
  });

  const request = (id: string, message: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (closedWith) return reject(new FloorChannelClosedError(closedWith.code, closedWith.reason));
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`no answer to ${String(message.type)} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify(message));
    });

  const settle = (id: unknown, message: Record<string, unknown>, failed: boolean) => {
    const waiting = typeof id === 'string' ? pending.get(id) : undefined;
    if (!waiting) return;
    pending.delete(id as string);
    clearTimeout(waiting.timer);
    if (failed) waiting.reject(new FloorChannelError(String(message.type), errorsOf(message)));
    else waiting.resolve(message);
  };

  socket.addEventListener('message', (event: { data: unknown }) => {
    if (typeof event.data !== 'string') return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      return;
    }
    lastHeardAt = Date.now();
    switch (message.type) {
      case 'connection_ack':
        if (typeof message.connectionTimeoutMs === 'number')
          connectionTimeoutMs = message.connectionTimeoutMs;
        acknowledged?.resolve(message);
        return;
      case 'connection_error':
        acknowledged?.reject(new FloorChannelError('connection_error', errorsOf(message)));
        return;
      case 'ka':
        keepAlives++;
        lastKeepAliveAt = lastHeardAt;
        return;
      case 'data': {
        const subscription = typeof message.id === 'string' ? subscriptions.get(message.id) : undefined;
        if (subscription && typeof message.event === 'string') {
          try {
            subscription.push(JSON.parse(message.event) as FloorEvent);
          } catch {
            // not JSON: not a floor event
          }
        }
        return;
      }
      case 'subscribe_success':
      case 'unsubscribe_success':
      case 'publish_success':
        return settle(message.id, message, false);
      case 'subscribe_error':
      case 'unsubscribe_error':
      case 'publish_error':
      case 'error':
        return settle(message.id, message, true);
    }
  });

  socket.addEventListener('close', (event: { code: number; reason: string }) => {
    closedWith = { code: event.code, reason: event.reason };
    if (watchdog) clearInterval(watchdog);
    acknowledged?.reject(new FloorChannelClosedError(event.code, event.reason));
    for (const [id, waiting] of pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new FloorChannelClosedError(event.code, event.reason));
      pending.delete(id);
    }
    for (const subscription of subscriptions.values()) subscription.fail(closedWith);
    subscriptions.clear();
    markClosed(closedWith);
  });

  // Open, then connection_init → connection_ack (or connection_error, a close, or the timeout).
  await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no connection_ack within ${timeoutMs} ms`));
      socket.close();
    }, timeoutMs);
    acknowledged = {
      resolve: (m) => {
        clearTimeout(timer);
        resolve(m);
      },
      reject: (e) => {
        clearTimeout(timer);
        reject(e);
      },
      timer,
    };
    const init = () => socket.send(JSON.stringify({ type: 'connection_init' }));
    if (socket.readyState === OPEN) init();
    else socket.addEventListener('open', init);
  }).finally(() => {
    acknowledged = undefined;
  });

  // The documented client duty: no keep-alive (nor anything else) within connectionTimeoutMs → close.
  watchdog = setInterval(
    () => {
      if (Date.now() - lastHeardAt > connectionTimeoutMs) socket.close(4000, 'no keep-alive');
    },
    Math.min(5_000, connectionTimeoutMs),
  );
  (watchdog as { unref?: () => void }).unref?.();

  function createSubscription(id: string, roomId: string) {
    const queue: FloorEvent[] = [];
    const waiters: { resolve(e: IteratorResult<FloorEvent>): void; reject(e: Error): void }[] = [];
    let ended: 'unsubscribed' | { code: number; reason: string } | undefined;
    const finish = (state: NonNullable<typeof ended>) => {
      ended = state;
      for (const w of waiters.splice(0)) {
        if (state === 'unsubscribed') w.resolve({ value: undefined, done: true });
        else w.reject(new FloorChannelClosedError(state.code, state.reason));
      }
    };
    const pull = (): Promise<IteratorResult<FloorEvent>> => {
      const value = queue.shift();
      if (value) return Promise.resolve({ value, done: false });
      if (ended === 'unsubscribed') return Promise.resolve({ value: undefined, done: true });
      if (ended) return Promise.reject(new FloorChannelClosedError(ended.code, ended.reason));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    };
    const subscription: FloorSubscription = {
      id,
      roomId,
      async next() {
        const result = await pull();
        if (result.done) throw new Error('unsubscribed');
        return result.value;
      },
      async unsubscribe() {
        if (ended) return;
        subscriptions.delete(id);
        finish('unsubscribed');
        await request(id, { type: 'unsubscribe', id });
      },
      [Symbol.asyncIterator]: () => ({
        next: pull,
        return: async () => {
          await subscription.unsubscribe().catch(() => undefined);
          return { value: undefined, done: true };
        },
      }),
    };
    return {
      subscription,
      push(event: FloorEvent) {
        const waiter = waiters.shift();
        if (waiter) waiter.resolve({ value: event, done: false });
        else queue.push(event);
      },
      fail: (state: { code: number; reason: string }) => finish(state),
    };
  }

  return {
    async subscribe(roomId) {
      const id = crypto.randomUUID();
      const entry = createSubscription(id, roomId);
      // Registered before the request: an event sent right after subscribe_success is not missed.
      subscriptions.set(id, entry);
      try {
        await request(id, {
          type: 'subscribe',
          id,
          channel: `/floor/${roomId}`,
          authorization: await authorization(),
        });
      } catch (error) {
        subscriptions.delete(id);
        throw error;
      }
      return entry.subscription;
    },
    async publish(roomId, events) {
      const id = crypto.randomUUID();
      await request(id, {
        type: 'publish',
        id,
        channel: `/floor/${roomId}`,
        events: events.map((e) => JSON.stringify(e)),
        authorization: await authorization(),
      });
    },
    get keepAlives() {
      return keepAlives;
    },
    get lastKeepAliveAt() {
      return lastKeepAliveAt;
    },
    get connectionTimeoutMs() {
      return connectionTimeoutMs;
    },
    closed,
    close: () => socket.close(1000),
  };
}

function errorsOf(message: Record<string, unknown>): ChannelErrorEntry[] {
  const errors = Array.isArray(message.errors) ? message.errors : [];
  return errors.map((e: { errorType?: unknown; message?: unknown }) => ({
    errorType: typeof e?.errorType === 'string' ? e.errorType : 'UnknownError',
    ...(typeof e?.message === 'string' ? { message: e.message } : {}),
  }));
}

/** base64url without padding, of UTF-8 text (the `header-` subprotocol's encoding). */
function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
