import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import { statusByCode } from './error-mapper.ts';
import { type OperationDoc, operations as routeOperations } from './openapi.ts';
import { pathParameterSchemas } from './path-parameters.ts';
import { type AnswerCode, answerCodes, responseComponents } from './responses.ts';
import { type RouteSpec, routeKey, routes as routeTable } from './routes.ts';

/**
 * The OpenAPI 3.1 document of the API, generated from the route table (routes.ts), each route's entry in
 * openapi.ts, and the zod schemas the handlers validate with (`z.toJSONSchema`). `npm run openapi`
 * writes it to docs/openapi.json; the dev server serves it at GET /openapi.json.
 */
export type JsonObject = Record<string, unknown>;

const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const statusOf = (code: AnswerCode): number => (code === 'INTERNAL' ? 500 : statusByCode[code]);

/** Codes every route may answer: no valid token, a dependency shedding load, anything unexpected. */
const everyRoute: readonly AnswerCode[] = ['UNAUTHENTICATED', 'MEETING_UNAVAILABLE', 'INTERNAL'];

/** Statuses that API Gateway itself may answer for a route, in its own shape (GatewayMessage). */
const gatewayAnswers: Record<number, string> = {
  401: 'In AWS, API Gateway’s JWT authorizer answers a missing or invalid token itself: `{"message":"Unauthorized"}`. Locally the dev server answers UNAUTHENTICATED.',
  413: 'In AWS, API Gateway refuses a payload over its limit (10 MB) itself: `{"message":"Request Entity Too Large"}`.',
  429: 'In AWS, API Gateway’s route throttling answers `{"message":"Too Many Requests"}`.',
  500: 'In AWS, API Gateway answers `{"message":"Internal Server Error"}` when the function itself fails.',
  503: 'In AWS, API Gateway answers `{"message":"Service Unavailable"}` when the function cannot be invoked in time.',
};

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'string' } },
};

/** A JSON Schema of zod's, as a component or parameter of the document: no `$schema`, no `$id`. */
function clean(schema: JsonObject): JsonObject {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function componentsOf(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output') {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  if ('__shared' in schemas) throw new Error('openapi: a schema shared without an id; register it');
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, clean(s)]));
}

/** The routes without an entry in `operations`, and the entries that name no route. */
export function operationsMismatch(routes: readonly RouteSpec[], operations: Record<string, OperationDoc>) {
  const keys = routes.map(routeKey);
  return {
    undocumented: keys.filter((k) => !operations[k]),
    unknown: Object.keys(operations).filter((k) => !keys.includes(k)),
  };
}

/** The error codes a route answers, by status (what its operation documents). */
export function errorCodesOf(route: RouteSpec, operation: OperationDoc): Map<number, AnswerCode[]> {
  const codes = new Set<AnswerCode>([...everyRoute, ...operation.errors]);
  if (route.organizerOnly) codes.add('FORBIDDEN');
  const takesInput = route.path.includes('{') || operation.query || operation.body;
  if (takesInput) codes.add('VALIDATION_FAILED');
  const byStatus = new Map<number, AnswerCode[]>();
  for (const code of answerCodes.filter((c) => codes.has(c))) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** floorpass's error shape with the codes of one response. */
const errorWith = (codes: readonly AnswerCode[]) => ({
  ...schemaRef('Error'),
  properties: { error: { properties: { code: { enum: codes } } } },
});

function parameters(route: RouteSpec, operation: OperationDoc): JsonObject[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => {
    const name = m[1] as string;
    const schema = pathParameterSchemas[name];
    if (!schema) throw new Error(`openapi: no schema for the path parameter ${name}`);
    return { name, in: 'path', required: true, schema: clean(z.toJSONSchema(schema, { io: 'input' })) };
  });
  if (!operation.query) return path;
  const query = z.toJSONSchema(operation.query, { io: 'input' }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return [
    ...path,
    ...Object.entries(query.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: query.required?.includes(name) ?? false,
      schema,
    })),
  ];
}

/** One error response: floorpass's shape with these codes, and API Gateway's where it answers that status. */
function errorResponse(status: number, codes: readonly AnswerCode[]): JsonObject {
  const gateway = gatewayAnswers[status];
  const alternatives = [
    ...(codes.length ? [errorWith(codes)] : []),
    ...(gateway ? [schemaRef('GatewayMessage')] : []),
  ];
  return {
    description: [codes.map((c) => `\`${c}\``).join(', '), gateway].filter(Boolean).join('. '),
    ...(status === 503 ? { headers: retryAfter } : {}),
    content: {
      'application/json': { schema: alternatives.length === 1 ? alternatives[0] : { oneOf: alternatives } },
    },
  };
}

/** Error responses many operations share, in components.responses (an operation refers to them). */
const sharedResponses: Record<string, { status: number; codes: AnswerCode[] }> = {
  BadRequest: { status: 400, codes: ['VALIDATION_FAILED'] },
  Unauthenticated: { status: 401, codes: ['UNAUTHENTICATED'] },
  Forbidden: { status: 403, codes: ['FORBIDDEN'] },
  PayloadTooLarge: { status: 413, codes: [] },
  TooManyRequests: { status: 429, codes: [] },
  Internal: { status: 500, codes: ['INTERNAL'] },
  Unavailable: { status: 503, codes: ['MEETING_UNAVAILABLE'] },
};
const sharedFor = (status: number, codes: readonly AnswerCode[]) =>
  Object.entries(sharedResponses).find(
    ([, r]) => r.status === status && r.codes.join() === codes.join(),
  )?.[0];

function responses(route: RouteSpec, operation: OperationDoc): JsonObject {
  const { response } = operation;
  const success: JsonObject = {
    description: response.description,
    ...(response.noStore
      ? { headers: { 'Cache-Control': { description: '`no-store`', schema: { type: 'string' } } } }
      : {}),
    content: {
      'application/json': { schema: schemaRef(idOf(response.json, route)) },
      ...(response.csv
        ? { 'text/csv': { schema: { type: 'string', description: `With format=csv: ${response.csv}` } } }
        : {}),
    },
  };
  const out: JsonObject = { [String(response.status)]: success };
  const errors = errorCodesOf(route, operation);
  const statuses = new Set([...errors.keys(), 429, ...(operation.body ? [413] : [])]);
  for (const status of [...statuses].sort((a, b) => a - b)) {
    const codes = errors.get(status) ?? [];
    const shared = sharedFor(status, codes);
    out[String(status)] = shared
      ? { $ref: `#/components/responses/${shared}` }
      : errorResponse(status, codes);
  }
  return out;
}

function idOf(schema: z.ZodType, route: RouteSpec): string {
  const id = responseComponents.get(schema)?.id;
  if (!id) throw new Error(`openapi: the response of ${routeKey(route)} is not in responseComponents`);
  return id;
}

function operationObject(route: RouteSpec, operation: OperationDoc): JsonObject {
  const forOrganizers = 'For organizers (the secretariat): anyone else is answered 403 FORBIDDEN.';
  const description = [operation.description, route.organizerOnly ? forOrganizers : undefined]
    .filter(Boolean)
    .join('\n\n');
  const { body } = operation;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(description ? { description } : {}),
    tags: operation.tags,
    'x-organizer-only': route.organizerOnly,
    ...(route.path.includes('{') || operation.query ? { parameters: parameters(route, operation) } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            ...(body.description ? { description: body.description } : {}),
            content: {
              'application/json': { schema: schemaRef(body.name) },
              ...(body.csv ? { 'text/csv': { schema: { type: 'string', description: body.csv } } } : {}),
            },
          },
        }
      : {}),
    responses: responses(route, operation),
  };
}

const description = `The API of floorpass: who may join which session room of a hybrid intergovernmental conference, Amazon Chime SDK credentials for those who may, attendance and the audit trail.

Every route needs \`Authorization: Bearer <JWT>\`: in AWS an ID token of the stack's Cognito user pool (or of the event's own OIDC provider), locally one from \`POST /_local/tokens\`. Requests are checked in this order: who is calling (401), whether the route is for organizers (403 FORBIDDEN, before any body or query is read), the path parameters (400), then the body and query (400).

Errors have the shape \`{ "error": { "code": "…", "message": "…" } }\` (schema \`Error\`), sometimes with more fields (\`field\`, \`row\`, \`opensAt\`, …). API Gateway answers some requests itself, in AWS, in its own shape \`{ "message": "…" }\` (schema \`GatewayMessage\`): 401 for a missing or invalid token, 404 for a path or method it does not route, 413 for a payload over 10 MB, 429 when a route is throttled. Locally the dev server answers a path it does not know with 404 NOT_FOUND and a known path with another method with 405 METHOD_NOT_ALLOWED (components \`NoRoute\` and \`MethodNotAllowed\`).`;

/** The OpenAPI 3.1 document. `routes` and `operations` are the API's own unless given (tests). */
export function openApiDocument(
  options: { routes?: readonly RouteSpec[]; operations?: Record<string, OperationDoc> } = {},
): JsonObject {
  const routes = options.routes ?? routeTable;
  const operations = options.operations ?? routeOperations;
  const { undocumented, unknown } = operationsMismatch(routes, operations);
  if (undocumented.length || unknown.length) {
    throw new Error(
      `openapi: ${[
        undocumented.length
          ? `routes without an entry in shared/http/openapi.ts: ${undocumented.join(', ')}`
          : '',
        unknown.length ? `entries of shared/http/openapi.ts for no route: ${unknown.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`,
    );
  }

  const requestComponents = z.registry<{ id: string }>();
  for (const route of routes) {
    const body = operations[routeKey(route)]?.body;
    if (body && !requestComponents.has(body.json)) requestComponents.add(body.json, { id: body.name });
  }
  const responseSchemas = componentsOf(responseComponents, 'output');
  const requestSchemas = componentsOf(requestComponents, 'input');
  const clash = Object.keys(requestSchemas).filter((id) => id in responseSchemas);
  if (clash.length) throw new Error(`openapi: request and response schemas share names: ${clash.join(', ')}`);

  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const operation = operations[routeKey(route)] as OperationDoc;
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: operationObject(route, operation),
    };
  }
  const tags = [...new Set(Object.values(operations).flatMap((o) => o.tags))];

  return {
    openapi: '3.1.0',
    info: { title: 'floorpass', version: packageJson.version, description },
    servers: [
      { url: 'http://127.0.0.1:3000', description: 'npm start (local)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'The stack’s ApiUrl output',
        variables: { apiId: { default: 'abcdef1234' }, region: { default: 'us-east-1' } },
      },
    ],
    security: [{ bearerJwt: [] }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...responseSchemas, ...requestSchemas },
      responses: {
        ...Object.fromEntries(
          Object.entries(sharedResponses).map(([name, r]) => [name, errorResponse(r.status, r.codes)]),
        ),
        NoRoute: {
          description:
            'No route has that path. Locally NOT_FOUND; in AWS, API Gateway’s own `{"message":"Not Found"}`.',
          content: {
            'application/json': {
              schema: { oneOf: [errorWith(['NOT_FOUND']), schemaRef('GatewayMessage')] },
            },
          },
        },
        MethodNotAllowed: {
          description:
            'Locally, the path exists with other methods, listed in `Allow`: METHOD_NOT_ALLOWED. In AWS, API Gateway answers such a request with its own 404 `{"message":"Not Found"}`.',
          headers: { Allow: { description: 'The methods the path takes.', schema: { type: 'string' } } },
          content: { 'application/json': { schema: errorWith(['METHOD_NOT_ALLOWED']) } },
        },
      },
      securitySchemes: {
        bearerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An OIDC ID token with a verified `email` claim (the participant is found by it); organizers carry the organizer group (`cognito:groups` containing `organizers` by default).',
        },
      },
    },
  };
}

/** The document as docs/openapi.json holds it. */
export const openApiJson = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
