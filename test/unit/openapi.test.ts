import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { DomainError, errorCodes } from '#domain/errors.ts';
import { floorChannelAsyncApiDocument, floorChannelAsyncApiJson } from '#http/asyncapi-document.ts';
import { toHttpError } from '#http/error-mapper.ts';
import { operations } from '#http/openapi.ts';
import { type JsonObject, openApiDocument, openApiJson } from '#http/openapi-document.ts';
import { floorEventSchema } from '#http/responses.ts';
import { type RouteSpec, routeKey, routes } from '#http/routes.ts';
import { codesIn, openApiContract } from '../support/openapi-contract.ts';

const document = openApiDocument();
// ajv-formats is CommonJS: its default export is the plugin under ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const committed = new URL('../../docs/openapi.json', import.meta.url);
type Operation = { responses: Record<string, JsonObject>; security?: unknown };
const paths = document.paths as Record<string, Record<string, Operation>>;
const components = document.components as {
  responses: Record<string, JsonObject>;
  schemas: Record<string, JsonObject>;
  securitySchemes: Record<string, JsonObject>;
};
const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every operation's key (`METHOD /path`) in a document. */
const operationKeys = (doc: JsonObject) =>
  Object.entries(doc.paths as Record<string, JsonObject>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => methods.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

/** The document's responses by status: every operation's ($refs followed), and the no-route answers. */
const documentedResponses = (): { status: string; response: JsonObject }[] => {
  const follow = (r: JsonObject) =>
    typeof r.$ref === 'string'
      ? (components.responses[r.$ref.replace('#/components/responses/', '')] as JsonObject)
      : r;
  return [
    ...Object.values(paths).flatMap((item) =>
      Object.values(item).flatMap((op) =>
        Object.entries(op.responses).map(([status, response]) => ({ status, response: follow(response) })),
      ),
    ),
    { status: '404', response: components.responses.NoRoute as JsonObject },
    { status: '405', response: components.responses.MethodNotAllowed as JsonObject },
  ];
};

describe('Module: the OpenAPI document', () => {
  it('has exactly the routes of the route table, method for method', () => {
    expect(operationKeys(document).sort()).toEqual(routes.map(routeKey).sort());
  });

  it('is committed as docs/openapi.json, as the generator makes it (else run npm run openapi)', () => {
    const onDisk = readFileSync(committed, 'utf8');
    expect(onDisk === openApiJson(), 'docs/openapi.json is stale: run `npm run openapi`').toBe(true);
    expect(operationKeys(JSON.parse(onDisk)).sort()).toEqual(routes.map(routeKey).sort());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is checked by a validator that does refuse a broken document', async () => {
    const broken = structuredClone(document) as { paths: Record<string, Record<string, JsonObject>> };
    // An OpenAPI 2 parameter location, which 3.1 does not have.
    const join = broken.paths['/sessions/{sessionId}/join']?.post as { parameters: JsonObject[] };
    (join.parameters[0] as JsonObject).in = 'body';
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });

  it('compiles every schema it holds (JSON Schema 2020-12)', () => {
    const contract = openApiContract(document);
    for (const route of routes) {
      // A 2xx of the wrong shape is refused: the schemas are not empty.
      expect(
        contract.check(routeKey(route), { status: 200, contentType: 'application/json', body: 42 }).length,
      ).toBeGreaterThan(0);
    }
  });

  it('names every error code the code can answer, at the status it is answered with', () => {
    const emitted = [
      ...errorCodes.map((code) => toHttpError(new DomainError(code, 'x'))),
      toHttpError(Object.assign(new Error('x'), { name: 'ThrottlingException' })),
      toHttpError(new Error('anything else')),
    ].map((e) => ({ code: e.code, status: String(e.statusCode) }));
    expect(emitted.map((e) => e.code)).toContain('INTERNAL');
    const responses = documentedResponses();
    for (const { code, status } of emitted) {
      const at = responses.filter((r) => r.status === status && codesIn(r.response).includes(code));
      expect(at.length, `${code} (${status}) is not in the document`).toBeGreaterThan(0);
    }
    const listed = (
      components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } }
    ).properties.error.properties.code.enum;
    expect([...listed].sort()).toEqual([...new Set(emitted.map((e) => e.code))].sort());
  });

  it('gives every operation the answers of API Gateway in AWS, in their own shape', () => {
    const contract = openApiContract(document);
    const gateway = (message: string, status: number) => ({
      status,
      contentType: 'application/json',
      body: { message },
    });
    for (const route of routes) {
      const key = routeKey(route);
      expect(contract.check(key, gateway('Unauthorized', 401)), key).toEqual([]);
      expect(contract.check(key, gateway('Too Many Requests', 429)), key).toEqual([]);
      expect(contract.check(key, gateway('Internal Server Error', 500)), key).toEqual([]);
      const op = operations[key];
      if (op?.body) expect(contract.check(key, gateway('Request Entity Too Large', 413)), key).toEqual([]);
      // ... and floorpass's own 401 (the dev server's), which API Gateway never lets through.
      expect(
        contract.check(key, {
          status: 401,
          contentType: 'application/json',
          body: { error: { code: 'UNAUTHENTICATED', message: 'Sign in.' } },
        }),
      ).toEqual([]);
    }
    expect(contract.checkNoRoute(gateway('Not Found', 404))).toEqual([]);
    expect(
      contract.checkNoRoute({
        status: 405,
        contentType: 'application/json',
        body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'GET only.' } },
      }),
    ).toEqual([]);
  });

  it('refuses an error code a route does not document', () => {
    const contract = openApiContract(document);
    const answer = (code: string) => ({
      status: 409,
      contentType: 'application/json',
      body: { error: { code, message: 'x' } },
    });
    expect(contract.check('POST /delegations', answer('DELEGATION_EXISTS'))).toEqual([]);
    expect(contract.check('POST /delegations', answer('SEAT_TAKEN'))).not.toEqual([]);
  });

  it('describes bearer JWT authentication, required by every operation', () => {
    expect(components.securitySchemes.bearerJwt).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(document.security).toEqual([{ bearerJwt: [] }]);
    for (const item of Object.values(paths))
      for (const op of Object.values(item)) expect(op.security).toBeUndefined();
  });

  it('refuses to be generated for a route that has no entry in shared/http/openapi.ts', () => {
    const extra: RouteSpec = {
      method: 'GET',
      path: '/sessions/{sessionId}/speakers',
      fn: 'sessions',
      organizerOnly: false,
    };
    expect(() => openApiDocument({ routes: [...routes, extra] })).toThrow(
      /routes without an entry in shared\/http\/openapi.ts: GET \/sessions\/\{sessionId\}\/speakers/,
    );
  });
});

describe('Module: the floor channel’s AsyncAPI document', () => {
  const channelDocument = floorChannelAsyncApiDocument() as {
    asyncapi: string;
    channels: Record<string, { address: string }>;
    operations: Record<string, { action: string; channel: { $ref: string } }>;
    components: {
      schemas: Record<string, JsonObject>;
      messages: Record<string, { examples: { payload: unknown }[] }>;
    };
  };
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);

  it('is committed as docs/floor-channel.asyncapi.json, as the generator makes it (else run npm run openapi)', () => {
    const onDisk = readFileSync(new URL('../../docs/floor-channel.asyncapi.json', import.meta.url), 'utf8');
    expect(
      onDisk === floorChannelAsyncApiJson(),
      'docs/floor-channel.asyncapi.json is stale: run `npm run openapi`',
    ).toBe(true);
  });

  it('is AsyncAPI 3.0 with one receive operation on /floor/{sessionId}, and every $ref resolves', () => {
    expect(channelDocument.asyncapi).toBe('3.0.0');
    expect(channelDocument.channels.floor?.address).toBe('/floor/{sessionId}');
    expect(Object.values(channelDocument.operations)).toEqual([
      expect.objectContaining({ action: 'receive', channel: { $ref: '#/channels/floor' } }),
    ]);
    const refs = JSON.stringify(channelDocument).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const pointer = (JSON.parse(`{${ref}}`) as { $ref: string }).$ref.replace(/^#\//, '').split('/');
      const target = pointer.reduce<unknown>(
        (node, key) => (node as Record<string, unknown> | undefined)?.[key],
        channelDocument,
      );
      expect(target, ref).toBeDefined();
    }
  });

  it('gives the FloorEvent payload from the zod schema, with one valid example per event type', () => {
    const schema = channelDocument.components.schemas.FloorEvent as {
      properties: { type: { enum: string[] } };
    };
    const types = floorEventSchema.shape.type.options;
    expect(schema.properties.type.enum).toEqual(types);
    const validate = ajv.compile(schema);
    const examples = channelDocument.components.messages.FloorEvent?.examples ?? [];
    expect(examples.map((e) => (e.payload as { type: string }).type).sort()).toEqual([...types].sort());
    for (const example of examples)
      expect(validate(example.payload), ajv.errorsText(validate.errors)).toBe(true);
    // The schema does refuse: an unknown type, a missing field.
    expect(validate({ ...(examples[0]?.payload as object), type: 'applauded' })).toBe(false);
    const { at: _at, ...withoutAt } = (examples[0]?.payload ?? {}) as Record<string, unknown>;
    expect(validate(withoutAt)).toBe(false);
    const mutedAll = ajv.compile(channelDocument.components.schemas.FloorMutedAll as JsonObject);
    for (const example of channelDocument.components.messages.FloorMutedAll?.examples ?? [])
      expect(mutedAll(example.payload), ajv.errorsText(mutedAll.errors)).toBe(true);
  });
});
