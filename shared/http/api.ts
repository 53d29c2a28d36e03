import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import { logger } from '#observability/logger.ts';
import { metrics } from '#observability/metrics.ts';
import { requireOrganizer } from '#use-cases/authorize.ts';
import { toHttpError } from './error-mapper.ts';
import { checkPathParameters } from './path-parameters.ts';
import { type ClaimsConfig, type HttpEvent, identityFromEvent } from './request.ts';
import { type RouteSpec, routeKey, routes as routeTable } from './routes.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };
export type RouteHandler = (event: HttpEvent, identity: Identity, context: Context) => Promise<HttpResult>;

const baseHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
};

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { ...baseHeaders, ...headers },
  body: JSON.stringify(body),
});

/** For responses that carry credentials: no cache anywhere may keep them. */
export const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** JSON, or CSV as a download (UTF-8 with BOM, RFC 4180) when the use case returns one. */
export function report(result: { csv: string; filename: string } | object): HttpResult {
  if ('csv' in result && typeof result.csv === 'string') {
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${(result as { filename: string }).filename}"`,
        'cache-control': 'no-store',
      },
      body: result.csv,
    };
  }
  return json(200, result, { 'cache-control': 'no-store' });
}

const specByKey = new Map<string, RouteSpec>(routeTable.map((r) => [routeKey(r), r]));

/**
 * One middy chain for every HTTP function: Powertools context and metrics (published after every
 * request, mapped errors included), then the HTTP boundary (one error mapper and one access-log line
 * per request), then the route's handler, chosen by the API Gateway route key.
 *
 * Before any handler runs, in this order: who is calling (401), whether the route is for organizers
 * (403, so a participant learns nothing from a body's validation and no body is read or parsed for
 * them), then the shape of every path parameter (400, before any of it reaches a key or an audit record).
 */
export function httpApi(routes: Record<string, RouteHandler>, claims: ClaimsConfig) {
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(httpBoundary())
    .handler(async (event, context) => {
      const route = routes[event.routeKey];
      const spec = specByKey.get(event.routeKey);
      if (!route || !spec) throw new DomainError('NOT_FOUND', `No route ${event.routeKey}.`);
      const identity = identityFromEvent(event, claims);
      if (spec.organizerOnly) requireOrganizer(identity);
      checkPathParameters(event);
      return route(event, identity, context);
    });
}

/** Maps errors to responses and logs one line per request: route, status, error code, duration. */
function httpBoundary(): MiddlewareObj<HttpEvent, HttpResult, Error> {
  const started = new WeakMap<object, number>();
  const log = (request: object, route: string, statusCode: number, code?: string) =>
    logger.info('request', {
      route,
      status: statusCode,
      ...(code ? { code } : {}),
      durationMs: Date.now() - (started.get(request) ?? Date.now()),
    });
  return {
    before: async (request) => {
      started.set(request, Date.now());
    },
    after: async (request) => {
      log(request, request.event.routeKey, request.response?.statusCode ?? 200);
    },
    onError: async (request) => {
      const mapped = toHttpError(request.error);
      // A 503 is a dependency shedding load, answered with Retry-After: a warning (counted by the Chime
      // throttle metric and the API's 5xx alarm), not an error with a stack trace per request.
      if (mapped.statusCode === 503) logger.warn('request shed', { code: mapped.code });
      else if (mapped.statusCode >= 500) logger.error('request failed', { error: request.error as Error });
      request.response = json(mapped.statusCode, mapped.body, mapped.headers);
      log(request, request.event.routeKey, mapped.statusCode, mapped.code);
    },
  };
}
