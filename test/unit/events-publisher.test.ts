/**
 * The AppSync Events publisher against a local HTTP server that stands in for the API's HTTP endpoint:
 * what goes over the wire (a SigV4-signed POST /event for the `appsync` service, the documented body),
 * and that a publish never throws, never waits past its timeout, and reports every lost event.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppSyncEventsPublisher } from '#adapters/appsync/events-publisher.ts';

interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
  server = undefined;
});

/** A stand-in for the Events API's HTTP endpoint; `answer` decides the response (or none). */
async function fakeApi(answer: (res: ServerResponse) => void) {
  const requests: Captured[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => (server as Server).listen(0, '127.0.0.1', resolve));
  const { port } = (server as Server).address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}/event`, host: `127.0.0.1:${port}`, requests };
}

const accepted = (res: ServerResponse) =>
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ failed: [], successful: [{ identifier: 'x', index: 0 }] }));

describe('Adapter: AppSync Events publisher', () => {
  it('POSTs the event on /floor/{roomId} as one JSON string, signed with SigV4 for appsync', async () => {
    // Prepare
    const api = await fakeApi(accepted);
    const lost: string[] = [];
    const channel = createAppSyncEventsPublisher({
      endpoint: api.endpoint,
      region: 'eu-west-1',
      credentials,
      onLost: (_, reason) => lost.push(reason),
    });
    const event = { type: 'floor.granted', holder: 'FRA', seconds: 180 };

    // Act
    await channel.publish('session-2a', event);

    // Assess: the documented request
    expect(lost).toEqual([]);
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests as [Captured];
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/event');
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body);
    expect(body).toEqual({ channel: '/floor/session-2a', events: [JSON.stringify(event)] });
    expect(JSON.parse(body.events[0])).toEqual(event);

    // Assess: the signature headers, for this Region and the appsync signing name
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(request.headers.host).toBe(api.host);

    // Assess: the signature is the one SigV4 gives for what arrived (same date, signed headers only)
    const date = String(request.headers['x-amz-date']);
    const signingDate = new Date(
      `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
    );
    const resigned = await new SignatureV4({
      service: 'appsync',
      region: 'eu-west-1',
      credentials,
      sha256: Sha256,
    }).sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: '/event',
        query: {},
        headers: Object.fromEntries(
          signedHeaders
            .filter((h) => h !== 'x-amz-date' && h !== 'x-amz-security-token')
            .map((h) => [h, String(request.headers[h])]),
        ),
        body: request.body,
      },
      { signingDate },
    );
    expect(resigned.headers.authorization).toBe(authorization);
  });

  it('does not throw when the API refuses the request, and reports the event as lost', async () => {
    // Prepare
    const api = await fakeApi((res) =>
      res.writeHead(401).end('{"errors":[{"errorType":"UnauthorizedException"}]}'),
    );
    const lost: [string, string][] = [];
    const channel = createAppSyncEventsPublisher({
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials,
      onLost: (roomId, reason) => lost.push([roomId, reason]),
    });

    // Act
    await channel.publish('session-1', { type: 'floor.ended' });

    // Assess
    expect(lost).toEqual([['session-1', 'HTTP 401']]);
  });

  it('reports an event the API answered 200 for but listed as failed', async () => {
    // Prepare
    const api = await fakeApi((res) =>
      res.writeHead(200).end(JSON.stringify({ failed: [{ identifier: 'x', index: 0 }], successful: [] })),
    );
    const lost: string[] = [];
    const channel = createAppSyncEventsPublisher({
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials,
      onLost: (_, reason) => lost.push(reason),
    });

    // Act
    await channel.publish('session-1', { type: 'floor.warning' });

    // Assess
    expect(lost).toEqual(['refused by the API (failed)']);
  });

  it('gives up after its timeout when the API does not answer', async () => {
    // Prepare: a server that reads the request and never answers
    const api = await fakeApi(() => undefined);
    const lost: string[] = [];
    const channel = createAppSyncEventsPublisher({
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials,
      timeoutMs: 200,
      onLost: (_, reason) => lost.push(reason),
    });
    const started = Date.now();

    // Act
    await channel.publish('session-1', { type: 'floor.granted' });

    // Assess
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(lost).toEqual(['no answer within 200 ms']);
  });

  it('reports a network failure by its code, without the request', async () => {
    // Prepare: nothing listens on the port any more
    const api = await fakeApi(accepted);
    await new Promise<void>((resolve) => (server as Server).close(() => resolve()));
    server = undefined;
    const lost: string[] = [];
    const channel = createAppSyncEventsPublisher({
      endpoint: api.endpoint,
      region: 'us-east-1',
      credentials,
      onLost: (_, reason) => lost.push(reason),
    });

    // Act
    await channel.publish('session-1', { type: 'floor.granted' });

    // Assess
    expect(lost).toEqual(['TypeError (ECONNREFUSED)']);
  });
});
