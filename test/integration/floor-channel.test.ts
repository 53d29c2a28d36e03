/**
 * The floor channel on the local stack: the AppSync Events WebSocket protocol at /event/realtime, with
 * the HTTP API's JWT and the onSubscribe rule (organizers, and whoever may join the room now). Through
 * the client the browser and the bench use, and once by hand, frame by frame, to pin the wire format.
 * The local clock starts inside Session I (Member States only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  connectFloorChannel,
  FloorChannelError,
  type FloorConnection,
} from '#clients/floor-channel-client.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startTestStack } from '../support/local-stack.ts';

const FRA = 'hod.fra@example.org';
const VAT = 'delegate.vat@example.org';
const ORG = 'organizer@example.org';

let stack: LocalStack;
const open: FloorConnection[] = [];

beforeAll(async () => {
  stack = await startTestStack({ eventsKeepAliveMs: 150 });
});
afterAll(async () => {
  for (const connection of open) connection.close();
  await stack?.stop();
});

async function connectAs(email: string | null, token?: string) {
  const connection = await connectFloorChannel({
    url: stack.eventsUrl as string,
    token: token ?? (email ? await stack.token(email) : ''),
    WebSocket,
    timeoutMs: 5_000,
  });
  open.push(connection);
  return connection;
}

/** Resolves with the first value, or 'nothing' if none comes within `ms`. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'nothing'>((resolve) => setTimeout(() => resolve('nothing'), ms))]);

/** A raw WebSocket client speaking the protocol by hand: every frame it receives, parsed. */
async function rawConnect(protocols: string[]) {
  const socket = new WebSocket(stack.eventsUrl as string, protocols);
  const frames: Record<string, unknown>[] = [];
  const waiters: { match(f: Record<string, unknown>): boolean; resolve(f: Record<string, unknown>): void }[] =
    [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.match(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (type: string, id?: string) => {
    const seen = frames.find((f) => f.type === type && (id === undefined || f.id === id));
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve) =>
      waiters.push({ match: (f) => f.type === type && (id === undefined || f.id === id), resolve }),
    );
  };
  return { socket, frames, next, closed, send: (m: unknown) => socket.send(JSON.stringify(m)) };
}

const headerProtocol = (header: Record<string, string>) =>
  `header-${Buffer.from(JSON.stringify(header)).toString('base64url')}`;

describe('Local AppSync Events: the floor channel', () => {
  it('delivers a published event to a subscriber who may join the room, and only on that room', async () => {
    // Prepare
    const france = await connectAs(FRA);
    const sessionOne = await france.subscribe('session-1');
    // Break-out II-A opens this afternoon: the secretariat follows it already.
    const otherRoom = await (await connectAs(ORG)).subscribe('session-2a');
    const event = { type: 'floor.granted', holder: { delegation: 'FRA' }, limitSeconds: 180 };

    // Act
    await stack.channel.publish('session-1', event);

    // Assess
    expect(await sessionOne.next()).toEqual(event);
    expect(await within(otherRoom.next(), 300)).toBe('nothing');
  });

  it('refuses, with subscribe_error, an Observer State delegate Session I (Member States only)', async () => {
    // Prepare
    const holySee = await connectAs(VAT);

    // Act
    const refusal = await holySee.subscribe('session-1').catch((e: unknown) => e);

    // Assess
    expect(refusal).toBeInstanceOf(FloorChannelError);
    expect(refusal).toMatchObject({
      type: 'subscribe_error',
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    // A refused subscribe leaves the connection open for others.
    expect(await within(holySee.closed, 100)).toBe('nothing');
  });

  it('lets an organizer follow a room whoever it is for', async () => {
    // Prepare
    const secretariat = await connectAs(ORG);

    // Act
    const subscription = await secretariat.subscribe('session-1');
    await stack.channel.publish('session-1', { type: 'floor.ended' });

    // Assess
    expect(await subscription.next()).toEqual({ type: 'floor.ended' });
  });

  it('refuses a connection without a valid token: none, a forged one, an expired one', async () => {
    // Prepare
    const expired = await stack.issuer.issue(FRA, { expiresIn: 0 });
    const forged = `${(await stack.token(FRA)).slice(0, -8)}AAAAAAAA`;

    // Act
    const attempts = await Promise.all(
      [null, forged, expired].map((token) =>
        connectAs(token === null ? null : FRA, token ?? '').catch((e: unknown) => e),
      ),
    );

    // Assess
    for (const refusal of attempts) {
      expect(refusal).toBeInstanceOf(FloorChannelError);
      expect(refusal).toMatchObject({
        type: 'connection_error',
        errors: [{ errorType: 'UnauthorizedException' }],
      });
    }
  });

  it('closes an anonymous WebSocket after telling it why (connection_error)', async () => {
    // Act: the events subprotocol alone, no header-… subprotocol with a token
    const raw = await rawConnect(['aws-appsync-event-ws']);
    const error = await raw.next('connection_error');
    const closed = await raw.closed;

    // Assess
    expect(error).toEqual({
      type: 'connection_error',
      errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }],
    });
    expect(closed.code).toBe(1008);
  });

  it('stops delivering to a subscription once it is unsubscribed', async () => {
    // Prepare
    const france = await connectAs(FRA);
    const leaving = await france.subscribe('session-1');
    const staying = await france.subscribe('session-1');

    // Act
    await leaving.unsubscribe();
    await stack.channel.publish('session-1', { type: 'floor.extended', seconds: 60 });

    // Assess
    expect(await staying.next()).toEqual({ type: 'floor.extended', seconds: 60 });
    const rest: unknown[] = [];
    for await (const event of leaving) rest.push(event);
    expect(rest).toEqual([]);
  });

  it('refuses a publish from a client (publish_error), and nobody receives it', async () => {
    // Prepare
    const france = await connectAs(FRA);
    const listener = await (await connectAs(ORG)).subscribe('session-1');

    // Act
    const refusal = await france
      .publish('session-1', [{ type: 'floor.granted', holder: 'me' }])
      .catch((e) => e);

    // Assess
    expect(refusal).toMatchObject({
      type: 'publish_error',
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    expect(await within(listener.next(), 300)).toBe('nothing');
  });

  it('sends keep-alives after connection_ack, which tells the keep-alive timeout', async () => {
    // Prepare
    const france = await connectAs(FRA);

    // Act
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Assess
    expect(france.connectionTimeoutMs).toBe(300_000);
    expect(france.keepAlives).toBeGreaterThanOrEqual(2);
    expect(Date.now() - france.lastKeepAliveAt).toBeLessThan(400);
  });

  it('speaks the documented frames: ack, subscribe_success, data with the id and a JSON string, unsubscribe_success', async () => {
    // Prepare
    const token = await stack.token(FRA);
    const host = new URL(stack.eventsUrl as string).host;
    const raw = await rawConnect(['aws-appsync-event-ws', headerProtocol({ Authorization: token, host })]);

    // Act
    raw.send({ type: 'connection_init' });
    const ack = await raw.next('connection_ack');
    raw.send({
      type: 'subscribe',
      id: 'sub-1',
      channel: '/floor/session-1',
      authorization: { Authorization: token, host },
    });
    const subscribed = await raw.next('subscribe_success', 'sub-1');
    raw.send({
      type: 'subscribe',
      id: 'sub-2',
      channel: '/floor/*',
      authorization: { Authorization: token, host },
    });
    const wildcard = await raw.next('subscribe_error', 'sub-2');
    raw.send({ type: 'subscribe', id: 'sub-3', channel: '/floor/session-1', authorization: {} });
    const unsigned = await raw.next('subscribe_error', 'sub-3');
    await stack.channel.publish('session-1', { type: 'floor.warning', secondsLeft: 30 });
    const data = await raw.next('data', 'sub-1');
    raw.send({ type: 'unsubscribe', id: 'sub-1' });
    const unsubscribed = await raw.next('unsubscribe_success', 'sub-1');
    await stack.channel.publish('session-1', { type: 'floor.ended' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    raw.socket.close();

    // Assess
    expect(raw.socket.protocol).toBe('aws-appsync-event-ws');
    expect(ack).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    expect(subscribed).toEqual({ type: 'subscribe_success', id: 'sub-1' });
    expect(wildcard).toMatchObject({ errors: [{ errorType: 'UnauthorizedException' }] });
    expect(unsigned).toMatchObject({ errors: [{ errorType: 'UnauthorizedException' }] });
    expect(data).toEqual({
      type: 'data',
      id: 'sub-1',
      event: JSON.stringify({ type: 'floor.warning', secondsLeft: 30 }),
    });
    expect(unsubscribed).toEqual({ type: 'unsubscribe_success', id: 'sub-1' });
    expect(raw.frames.filter((f) => f.type === 'data')).toHaveLength(1);
  });

  it('fans one event out to many subscribers of one room', async () => {
    // Prepare: 50 connections of France's Head of Delegation, each following Session I
    const token = await stack.token(FRA);
    const subscriptions = await Promise.all(
      Array.from({ length: 50 }, async () => (await connectAs(FRA, token)).subscribe('session-1')),
    );

    // Act
    await stack.channel.publish('session-1', { type: 'floor.granted', holder: 'DEU' });

    // Assess
    const received = await Promise.all(subscriptions.map((s) => s.next()));
    expect(new Set(received.map((e) => JSON.stringify(e)))).toEqual(
      new Set([JSON.stringify({ type: 'floor.granted', holder: 'DEU' })]),
    );
  });
});
