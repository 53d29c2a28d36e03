/**
 * The local HTTP front door: what API Gateway does in AWS. It matches the route, verifies the bearer
 * JWT like the HTTP API JWT authorizer (signature, issuer, audience, expiry), builds the same payload
 * v2 event, and calls the same handler the stack deploys.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError } from '#domain/errors.ts';
import { toHttpError } from '#http/error-mapper.ts';
import { openApiJson } from '#http/openapi-document.ts';
import type { HttpEvent } from '#http/request.ts';
import { routeKey, routes } from '#http/routes.ts';
import { type LocalIssuer, toApiGatewayClaims } from './identity.ts';

export type LambdaHandler = (
  event: HttpEvent,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Extra routes served by the local stack only (/health, /_local/...). Return false to fall through. */
export type LocalRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  url: URL,
) => Promise<boolean>;

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const compiled = routes.map((r) => ({
  ...r,
  key: routeKey(r),
  params: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

export function matchRoute(method: string, path: string) {
  for (const route of compiled) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m)
      return {
        route,
        pathParameters: Object.fromEntries(route.params.map((p, i) => [p, m[i + 1] as string])),
      };
  }
  return null;
}

/** The methods of the routes whose path matches (for a 405's Allow header). */
export function allowedMethods(path: string): string[] {
  return compiled.filter((r) => r.pattern.test(path)).map((r) => r.method);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const isJson = (contentType: string | undefined) =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '');

/**
 * The body as the function receives it. A JSON body in UTF-8 arrives as text; any other body (CSV
 * included) arrives base64-encoded with isBase64Encoded, as API Gateway hands over a body it does not
 * take for text, so that the function sees the bytes as they were sent (a Windows-1252 file included).
 */
export function toEventBody(
  bytes: Buffer,
  contentType: string | undefined,
): { body?: string; isBase64Encoded: boolean } {
  if (bytes.length === 0) return { isBase64Encoded: false };
  if (isJson(contentType)) {
    try {
      return { body: utf8.decode(bytes), isBase64Encoded: false };
    } catch {
      // not UTF-8: handed over as bytes, below
    }
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

export function startDevServer(options: {
  port: number;
  issuer: LocalIssuer;
  handlers: Record<string, LambdaHandler>;
  localRoutes: LocalRoute;
}): Promise<Server> {
  let openApi: string | undefined;
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      if (body === null) {
        return sendJson(res, 413, { message: 'Request Entity Too Large' });
      }
      if (await options.localRoutes(req, res, body.toString('utf8'), url)) return;
      const method = req.method ?? 'GET';
      if (method === 'GET' && url.pathname === '/openapi.json') {
        // The API's description, as docs/openapi.json holds it (local only, like /_local/...).
        openApi ??= openApiJson();
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(openApi);
        return;
      }
      const match = matchRoute(method, url.pathname);
      if (!match) {
        const allowed = allowedMethods(url.pathname);
        const mapped = toHttpError(
          allowed.length
            ? new DomainError(
                'METHOD_NOT_ALLOWED',
                `${url.pathname} takes ${allowed.join(', ')}, not ${method.slice(0, 10)}.`,
              )
            : new DomainError('NOT_FOUND', `No route ${method.slice(0, 10)} ${url.pathname.slice(0, 200)}.`),
        );
        return sendJson(
          res,
          mapped.statusCode,
          mapped.body,
          allowed.length ? { allow: allowed.join(', ') } : {},
        );
      }

      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const claims = bearer ? await options.issuer.verify(bearer) : null;
      if (!claims) {
        return sendJson(res, 401, {
          error: {
            code: 'UNAUTHENTICATED',
            message: 'Sign in: send a valid bearer token (Authorization: Bearer <JWT>).',
          },
        });
      }
      const handler = options.handlers[match.route.fn];
      if (!handler) throw new Error(`no handler for ${match.route.fn}`);
      const event = toApiGatewayEvent(
        req,
        url,
        body,
        match.route.key,
        match.pathParameters,
        toApiGatewayClaims(claims),
      );
      const result = await handler(event, lambdaContext(match.route.fn));
      res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
      res.end(result.body ?? '');
    } catch {
      // The handlers map their own errors; this is the gateway's own failure, told without internals.
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.end();
    }
  });
  // Longer than any client's idle keep-alive, as load balancers do: a server that closes an idle socket
  // just as a client reuses it makes that client's request fail with ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
}

function toApiGatewayEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  key: string,
  pathParameters: Record<string, string>,
  claims: Record<string, string>,
): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 },
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...toEventBody(body, headers['content-type']),
  } as HttpEvent;
}

function lambdaContext(fn: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `floorpass-local-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:floorpass-local-${fn}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/floorpass-local-${fn}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
