/**
 * The local AppSync Events endpoint: the subset of the Event API WebSocket protocol the floor channel
 * uses, on its own port at /event/realtime, so that one client (shared/clients/floor-channel-client.ts)
 * works against AWS and against `npm start` alike. A test double of a cloud service, labelled as such,
 * outside the production code paths. What it keeps of the real service:
 * - the subprotocols `aws-appsync-event-ws` and `header-<base64url of the authorization header JSON>`;
 *   the token in it is the JWT the HTTP API takes, verified the same way; a connection without a valid
 *   one gets `connection_error` and is closed;
 * - `connection_init` → `connection_ack` with `connectionTimeoutMs`, then `ka` keep-alives;
 * - `subscribe` (id, channel, authorization) → `subscribe_success` or `subscribe_error` with `errors`;
 *   subscribing to `/floor/{sessionId}` is decided by `authorizeSubscribe` (the onSubscribe Lambda's
 *   rule); `unsubscribe` → `unsubscribe_success`;
 * - `data` messages carrying the subscription's `id` and the `event` as a JSON string;
 * - a client's `publish` is refused with `publish_error` (the namespace takes IAM for publishing, which
 *   only the functions hold): floor events come from the server, through `channel`.
 * Broadcasting serializes each event once; each subscriber's message is its own id prefix plus that text.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Identity } from '#domain/identity.ts';
import { FLOOR_NAMESPACE, floorChannelOf, type RoomChannel } from '#ports/room-channel.ts';

export const EVENTS_REALTIME_PATH = '/event/realtime';
const EVENTS_SUBPROTOCOL = 'aws-appsync-event-ws';
const HEADER_SUBPROTOCOL_PREFIX = 'header-';

/** AppSync Events' values: a keep-alive a minute, and the silence after which a client gives up. */
const DEFAULT_KEEP_ALIVE_MS = 60_000;
const CONNECTION_TIMEOUT_MS = 300_000;

export interface LocalEventsServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The identity of a token the HTTP API would take, or null. */
  authenticate(token: string): Promise<Identity | null>;
  /** Whether this identity may subscribe to this channel (only `/floor/{sessionId}` channels are asked). */
  authorizeSubscribe(identity: Identity, channel: string): Promise<boolean>;
  /** Milliseconds between `ka` messages (60 s, as AppSync Events). */
  keepAliveMs?: number;
}

export interface LocalEventsServer {
  /** ws://127.0.0.1:PORT/event/realtime */
  url: string;
  /** Publishes on `/floor/{roomId}` to the subscribers of this server, in this process. */
  channel: RoomChannel;
  stats(): { connections: number; subscriptions: number; published: number; delivered: number };
  close(): Promise<void>;
}

interface ErrorEntry {
  errorType: string;
  message: string;
}

interface Connection {
  socket: WebSocket;
  acknowledged: boolean;
  /** By subscription id: live, or `pending` while its authorization is being decided. */
  subscriptions: Map<string, Subscription | 'pending'>;
}

interface Subscription {
  channel: string;
  connection: Connection;
  /** `{"type":"data","id":"<id>"`: the part of every data message that is this subscription's own. */
  prefix: string;
}

const UNAUTHORIZED: ErrorEntry = {
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};

export async function startLocalEventsServer(options: LocalEventsServerOptions): Promise<LocalEventsServer> {
  const connections = new Set<Connection>();
  const byChannel = new Map<string, Set<Subscription>>();
  const counts = { published: 0, delivered: 0 };

  const wss = new WebSocketServer({
    noServer: true,
    // A subscribe carries a JWT; nothing a client may send is larger.
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(EVENTS_SUBPROTOCOL) ? EVENTS_SUBPROTOCOL : false),
  });

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    res
      .writeHead(path === EVENTS_REALTIME_PATH ? 426 : 404, { 'content-type': 'text/plain; charset=utf-8' })
      .end(
        path === EVENTS_REALTIME_PATH
          ? `Connect with a WebSocket and the ${EVENTS_SUBPROTOCOL} subprotocol.\n`
          : 'Not found.\n',
      );
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void upgrade(req, socket, head);
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (path !== EVENTS_REALTIME_PATH) return refuseUpgrade(socket, '404 Not Found');
    if (!offered.includes(EVENTS_SUBPROTOCOL)) return refuseUpgrade(socket, '400 Bad Request');
    const token = tokenOf(authorizationHeaderOf(offered));
    const identity = token ? await options.authenticate(token).catch(() => null) : null;
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!identity) {
        // As the service answers a connection whose authorization it refuses.
        ws.send(JSON.stringify({ type: 'connection_error', errors: [UNAUTHORIZED] }));
        ws.close(1008, 'Unauthorized');
        return;
      }
      open(ws);
    });
  }

  function open(socket: WebSocket) {
    const connection: Connection = { socket, acknowledged: false, subscriptions: new Map() };
    connections.add(connection);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return send(connection, { type: 'error', errors: [badRequest('Send text frames.')] });
      void receive(connection, data.toString());
    });
    socket.on('close', () => drop(connection));
    socket.on('error', () => socket.terminate());
  }

  function drop(connection: Connection) {
    connections.delete(connection);
    for (const subscription of connection.subscriptions.values()) {
      if (subscription !== 'pending') unlink(subscription);
    }
    connection.subscriptions.clear();
  }

  function unlink(subscription: Subscription) {
    const subscribers = byChannel.get(subscription.channel);
    subscribers?.delete(subscription);
    if (subscribers?.size === 0) byChannel.delete(subscription.channel);
  }

  async function receive(connection: Connection, text: string) {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      return send(connection, { type: 'error', errors: [badRequest('The message is not a JSON object.')] });
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    switch (message.type) {
      case 'connection_init':
        connection.acknowledged = true;
        return send(connection, { type: 'connection_ack', connectionTimeoutMs: CONNECTION_TIMEOUT_MS });
      case 'subscribe':
        return subscribe(connection, id, message);
      case 'unsubscribe':
        return unsubscribe(connection, id);
      case 'publish':
        return send(connection, { type: 'publish_error', ...(id ? { id } : {}), errors: [UNAUTHORIZED] });
      default:
        return send(connection, {
          type: 'error',
          ...(id ? { id } : {}),
          errors: [
            {
              errorType: 'UnsupportedOperation',
              message: `Unknown message type ${String(message.type).slice(0, 40)}.`,
            },
          ],
        });
    }
  }

  async function subscribe(connection: Connection, id: string | undefined, message: Record<string, unknown>) {
    const refuse = (error: ErrorEntry) =>
      send(connection, { type: 'subscribe_error', ...(id ? { id } : {}), errors: [error] });
    if (!id || id.length > 128) return refuse(badRequest('A subscribe needs an id of 1–128 characters.'));
    if (connection.subscriptions.has(id)) return refuse(badRequest(`The id ${id} is already in use.`));
    const channel = typeof message.channel === 'string' ? message.channel : '';
    if (!/^\/[A-Za-z0-9-]{1,50}(\/([A-Za-z0-9-]{1,50}|\*)){0,4}$/.test(channel)) {
      return refuse(badRequest('The channel must be a path of 1–5 segments, e.g. /floor/session-1.'));
    }
    if (channel.split('/')[1] !== FLOOR_NAMESPACE) {
      return refuse(badRequest(`No channel namespace ${channel.split('/')[1]} on this API.`));
    }
    connection.subscriptions.set(id, 'pending');
    const token = tokenOf(message.authorization);
    const identity = token ? await options.authenticate(token).catch(() => null) : null;
    const allowed = identity ? await options.authorizeSubscribe(identity, channel).catch(() => false) : false;
    // The client may have gone, or unsubscribed, while this was decided.
    if (connection.subscriptions.get(id) !== 'pending' || !connections.has(connection)) return;
    if (!allowed) {
      connection.subscriptions.delete(id);
      return refuse(UNAUTHORIZED);
    }
    const subscription: Subscription = {
      channel,
      connection,
      prefix: `{"type":"data","id":${JSON.stringify(id)}`,
    };
    connection.subscriptions.set(id, subscription);
    const subscribers = byChannel.get(channel) ?? new Set<Subscription>();
    subscribers.add(subscription);
    byChannel.set(channel, subscribers);
    send(connection, { type: 'subscribe_success', id });
  }

  function unsubscribe(connection: Connection, id: string | undefined) {
    const subscription = id ? connection.subscriptions.get(id) : undefined;
    if (!id || !subscription) {
      return send(connection, {
        type: 'unsubscribe_error',
        ...(id ? { id } : {}),
        errors: [badRequest('No subscription with this id on this connection.')],
      });
    }
    connection.subscriptions.delete(id);
    if (subscription !== 'pending') unlink(subscription);
    send(connection, { type: 'unsubscribe_success', id });
  }

  /** Sends each event to every subscriber of the channel; returns how many messages went out. */
  function broadcast(channel: string, events: string[]): number {
    counts.published += events.length;
    const subscribers = byChannel.get(channel);
    if (!subscribers) return 0;
    let sent = 0;
    for (const event of events) {
      const rest = `,"event":${JSON.stringify(event)}}`;
      for (const { connection, prefix } of subscribers) {
        if (connection.socket.readyState !== WebSocket.OPEN) continue;
        connection.socket.send(prefix + rest);
        sent++;
      }
    }
    counts.delivered += sent;
    return sent;
  }

  const keepAlive = JSON.stringify({ type: 'ka' });
  const keepAliveTimer = setInterval(() => {
    for (const connection of connections) {
      if (connection.acknowledged && connection.socket.readyState === WebSocket.OPEN) {
        connection.socket.send(keepAlive);
      }
    }
  }, options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS);
  keepAliveTimer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}${EVENTS_REALTIME_PATH}`,
    channel: {
      async publish(roomId, event) {
        try {
          broadcast(floorChannelOf(roomId), [JSON.stringify(event)]);
        } catch (error) {
          console.error(`floorpass: floor event for ${roomId} not delivered: ${(error as Error).message}`);
        }
      },
    },
    stats: () => ({
      connections: connections.size,
      subscriptions: [...byChannel.values()].reduce((n, s) => n + s.size, 0),
      ...counts,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(keepAliveTimer);
        for (const connection of connections) connection.socket.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(connection: Connection, message: Record<string, unknown>) {
  if (connection.socket.readyState === WebSocket.OPEN) connection.socket.send(JSON.stringify(message));
}

const badRequest = (message: string): ErrorEntry => ({ errorType: 'BadRequestException', message });

function refuseUpgrade(socket: Duplex, status: string) {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The authorization header object of the `header-…` subprotocol (base64url JSON), or undefined. */
function authorizationHeaderOf(protocols: string[]): unknown {
  const encoded = protocols.find((p) => p.startsWith(HEADER_SUBPROTOCOL_PREFIX));
  if (!encoded) return undefined;
  try {
    return JSON.parse(
      Buffer.from(encoded.slice(HEADER_SUBPROTOCOL_PREFIX.length), 'base64url').toString('utf8'),
    );
  } catch {
    return undefined;
  }
}

/** The JWT in an authorization header object (`{ Authorization, host }`), as Cognito and OIDC modes take it. */
function tokenOf(header: unknown): string | undefined {
  if (!header || typeof header !== 'object') return undefined;
  const entry = Object.entries(header).find(([key]) => key.toLowerCase() === 'authorization');
  return typeof entry?.[1] === 'string' && entry[1] !== '' ? entry[1] : undefined;
}
