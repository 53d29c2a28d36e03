import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, type RouteSpec, routeKey } from '#http/routes.ts';
import type { ServiceFunction } from './service-function.ts';

/**
 * Throttling across all callers, per route (HTTP APIs have no per-client limits). The default covers the
 * organizer routes; the participant routes are sized for the design load: a few thousand joins in the
 * first minute of a session (~50/s on average, arriving in bursts), each client also reading /me.
 */
const defaultThrottle: ThrottleSettings = { rateLimit: 50, burstLimit: 100 };
const routeThrottles: Readonly<Record<string, ThrottleSettings>> = {
  'POST /sessions/{sessionId}/join': { rateLimit: 200, burstLimit: 500 },
  'GET /me': { rateLimit: 200, burstLimit: 500 },
  // Up to 5 MB of CSV, transactions of 100 items: a handful at a time is plenty.
  'POST /participants/import': { rateLimit: 2, burstLimit: 5 },
};

export interface EventApiProps {
  /** The route manifest (shared/http/routes.ts), also read by the local dev server. */
  routes: readonly RouteSpec[];
  functions: Readonly<Record<FunctionName, ServiceFunction>>;
  authorizer: IHttpRouteAuthorizer;
  /** Browser origins allowed by CORS; empty: no CORS headers at all. */
  corsOrigins: readonly string[];
  accessLogRetention?: RetentionDays;
}

/**
 * The HTTP API: one route per entry of the route manifest, each behind the JWT authorizer and
 * integrated with the function the manifest names, so the API and the local server cannot drift.
 */
export class EventApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** The URL clients call: the $default stage of the execute-api endpoint. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: EventApiProps) {
    super(scope, id);

    for (const key of Object.keys(routeThrottles)) {
      if (!props.routes.some((r) => routeKey(r) === key)) {
        throw new Error(`Throttle set for ${key}, which is not in shared/http/routes.ts`);
      }
    }

    const methods = [...new Set(props.routes.map((r) => r.method))];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'floorpass: join credentials, delegations and participants for one event',
      createDefaultStage: false,
      ...(props.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.corsOrigins],
              allowMethods: methods.map((m) => CorsHttpMethod[m]),
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    // A JSON line per request, for the request id, route, status and latency: never a header (the
    // Authorization header is a bearer token), never a body (join responses carry JoinTokens).
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.THREE_MONTHS,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: defaultThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            subject: '$context.authorizer.claims.sub',
            sourceIp: '$context.identity.sourceIp',
            responseLength: '$context.responseLength',
          }),
        ),
      },
    });
    this.url = this.httpApi.apiEndpoint;

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const routes = props.routes.map((spec) => {
      let integration = integrations.get(spec.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${spec.fn}-integration`, props.functions[spec.fn].lambda);
        integrations.set(spec.fn, integration);
      }
      return new HttpRoute(this, `Route ${routeKey(spec)}`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(spec.path, HttpMethod[spec.method]),
        integration,
        authorizer: props.authorizer,
      });
    });

    // Per-route limits are stage settings keyed by route key (RouteSettings is untyped JSON in
    // CloudFormation, hence the explicit PascalCase keys): the routes must exist first.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(routeThrottles).map(([key, t]) => [
        key,
        { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit },
      ]),
    );
    for (const route of routes) cfnStage.node.addDependency(route);
  }
}
