import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { routeKey, routes } from '#http/routes.ts';
import { matchRoute } from '../../local/dev-server.ts';
import type { LocalStack } from '../../local/stack.ts';
import { type Personas, personaEmails, setUpPersonas } from '../support/api-personas.ts';
import { hostileInputs } from '../support/hostile-inputs.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';
import { openApiContract } from '../support/openapi-contract.ts';
import { type Persona, type RequestSpec, routeExpectations } from '../support/route-expectations.ts';
import { forbiddenWrites, startTableWatch, type TableWatch, type Write } from '../support/table-watch.ts';

/**
 * Property-based requests to every route of routes.ts, built around the well-formed request declared in
 * test/support/route-expectations.ts: hostile path segments (malformed %-escapes, overlong UTF-8, very
 * long values, control characters), query strings (unknown keys, repeated keys, huge numbers, bad
 * instants), bodies (wrong JSON types, arrays for objects, empty, invalid JSON and UTF-8, over the size
 * limit) and content types, as every persona and with broken tokens. Whatever comes:
 * - never a 5xx;
 * - every answer as the OpenAPI document says: a 4xx is `{ error: { code, message } }` with a code the
 *   route documents at that status, a 2xx has the documented body;
 * - a refused request writes nothing (seen on the DynamoDB wire; the audit record of a refusal is the one
 *   write allowed), and a run of refusals leaves the table's items exactly as they were (a full scan).
 *
 * FUZZ_RUNS (per route, default 24) and FUZZ_SEED make a longer or a repeated run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 24);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const fcOptions = { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) };
/**
 * Request lines stay under 8 KiB: longer ones are refused before any function, by Node's HTTP parser
 * here (431) and by API Gateway's request-size quota in AWS (10 KiB of request line and headers).
 */
const MAX_URL = 8 * 1024;

/** fc.assert, with a report that fits on a screen (a counterexample can hold 70 KB of body). */
async function assertProperty<T>(property: fc.IAsyncProperty<T>, options: fc.Parameters<T>) {
  const details = await fc.check(property, options);
  if (!details.failed) return;
  const shown = (v: unknown) =>
    JSON.stringify(v, (_, x) => (x?.type === 'Buffer' ? Buffer.from(x.data).toString() : x))?.slice(0, 1500);
  throw new Error(
    `property failed (seed ${details.seed}, path "${details.counterexamplePath}", FUZZ_SEED=${details.seed} to repeat)\n` +
      `counterexample: ${shown(details.counterexample)}\n${String((details.errorInstance as Error)?.message ?? details.errorInstance).slice(0, 3000)}`,
  );
}

let watch: TableWatch;
let stack: LocalStack;
let people: Personas;
let api: ReturnType<typeof apiClient>;
let port: number;
const contract = openApiContract();
const seeds = new Map<string, RequestSpec>();
/** Real values of the event, by the name of the parameter or field that takes them (filled before the runs). */
const live: Record<string, string[]> = {};
const tally = { cases: 0, fiveHundreds: 0, answers: new Map<string, number>() };

beforeAll(async () => {
  watch = await startTableWatch(inject('dynamoEndpoint'));
  stack = await startTestStack({ dynamoEndpoint: watch.endpoint });
  api = apiClient(stack);
  people = await setUpPersonas(api);
  port = Number(new URL(stack.url).port);
  const everyone = (await api.call('GET', '/participants?limit=500', { as: personaEmails.organizer })).body
    .items as { id: string; email: string }[];
  Object.assign(live, {
    sessionId: people.programme.sessions.map((s) => s.id),
    code: ['FRA', 'BRA', 'VAT', 'PSE', 'UNOCT', 'GNWP'],
    delegation: ['FRA', 'BRA', 'VAT', 'UNOCT'],
    participantId: everyone.map((p) => p.id),
    email: everyone.map((p) => p.email),
    direction: ['in', 'out'],
    role: ['HeadOfDelegation', 'Delegate', 'Speaker', 'Moderator'],
    category: ['MemberState', 'UNEntity', 'CivilSociety', 'PrivateSector'],
  });
  for (const route of routes) {
    const expectation = routeExpectations[routeKey(route)];
    if (expectation) seeds.set(routeKey(route), await expectation.request(people.contextFor('organizer')));
  }
});
afterAll(async () => {
  const answers = [...tally.answers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ×${n}`);
  console.log(
    `fuzz: ${tally.cases} cases (${routes.length} routes), ${tally.fiveHundreds} 5xx; answers: ${answers.join(', ')}`,
  );
  await stack?.stop();
  await watch?.close();
});

const { pathValue, queryString, bodyOf, contentTypes } = hostileInputs(live);

const quiet = async () => {
  await stack.provisioningIdle();
  await stack.pipeline.flush();
};

/** Valid tokens whose email claim no participant can have (an identity provider's, not ours). */
const oddEmails = {
  'long-email': `${'x'.repeat(3000)}@example.org`,
  'multibyte-email': `${'é'.repeat(1100)}@example.org`,
  'nul-email': 'a\u0000b@example.org',
  'blank-email': ' @x',
};
type Caller = Persona | 'no-scheme' | 'garbage-token' | 'expired' | 'stranger' | keyof typeof oddEmails;
const callers = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Caller>('organizer') },
  { weight: 4, arbitrary: fc.constantFrom<Caller>('participant', 'revoked', 'moderator', 'otherDelegation') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Caller>(
      'anonymous',
      'no-scheme',
      'garbage-token',
      'expired',
      'stranger',
      ...(Object.keys(oddEmails) as (keyof typeof oddEmails)[]),
    ),
  },
);

async function authorization(caller: Caller): Promise<string | undefined> {
  switch (caller) {
    case 'anonymous':
      return undefined;
    case 'no-scheme':
      return 'Bearer';
    case 'garbage-token':
      return 'Bearer a.b.c';
    case 'expired':
      return `Bearer ${await stack.issuer.issue(personaEmails.organizer, { expiresIn: 0 })}`;
    case 'stranger':
      return `Bearer ${await api.tokenFor('stranger@fuzz.example.net')}`;
    case 'long-email':
    case 'multibyte-email':
    case 'nul-email':
    case 'blank-email':
      return `Bearer ${await stack.issuer.issue(oddEmails[caller])}`;
    default:
      return `Bearer ${await api.tokenFor(personaEmails[caller])}`;
  }
}

interface FuzzRequest {
  method: string;
  path: string;
  caller: Caller;
  contentType: string | undefined;
  body: Buffer | undefined;
}

/** The request, sent as is: node:http leaves the path and the body alone (fetch would refuse a GET body). */
async function send(req: FuzzRequest) {
  const auth = await authorization(req.caller);
  const headers: Record<string, string | number> = {
    ...(auth ? { authorization: auth } : {}),
    ...(req.contentType !== undefined ? { 'content-type': req.contentType } : {}),
    ...(req.body ? { 'content-length': req.body.length } : {}),
  };
  return new Promise<{ status: number; contentType: string | null; text: string }>((resolve, reject) => {
    const out = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: (res.headers['content-type'] as string | undefined) ?? null,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(req.body);
  });
}

const describeWrites = (writes: Write[]) =>
  writes.map(
    (w) => `${w.operation} ${w.key ?? ''}${w.audit ? ` audit ${w.audit.outcome} ${w.audit.code}` : ''}`,
  );

/** Sends one request and checks the invariants; returns the answer's status. */
async function check(req: FuzzRequest): Promise<number> {
  const { result: res, writes } = await watch.writesDuring(quiet, () => send(req));
  tally.cases++;
  if (res.status >= 500) tally.fiveHundreds++;
  const where = `${req.method} ${req.path.slice(0, 200)} as ${req.caller} (${req.contentType ?? 'no content type'}, body ${req.body?.subarray(0, 120).toString() ?? 'none'})`;
  if (res.status >= 500) throw new Error(`${where}: ${res.status} ${res.text.slice(0, 300)}`);
  let body: { error?: { code?: string } } | null = null;
  try {
    body = res.text ? JSON.parse(res.text) : null;
  } catch {
    body = null;
  }
  const answer = { status: res.status, contentType: res.contentType, body };
  const seen = `${res.status}${body?.error?.code ? ` ${body.error.code}` : ''}`;
  tally.answers.set(seen, (tally.answers.get(seen) ?? 0) + 1);
  const match = matchRoute(req.method, new URL(req.path, 'http://fuzz').pathname);
  const problems = match ? contract.check(match.route.key, answer) : contract.checkNoRoute(answer);
  if (problems.length) throw new Error(`${where}: not as documented: ${problems.join('; ')}`);
  if (res.status >= 400) {
    const written = forbiddenWrites(writes, body?.error?.code ?? '');
    if (written.length)
      throw new Error(`${where}: a refused request wrote ${describeWrites(written).join('; ')}`);
  }
  return res.status;
}

const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

describe('Fuzz: every route, property-based inputs', () => {
  it.each(routes.map((r) => [routeKey(r), r] as const))('%s', async (key, route) => {
    const seed = seeds.get(key);
    if (!seed) throw new Error(`${key} has no expectation in test/support/route-expectations.ts`);
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const pathArb = fc
      .tuple(...params.map((p) => pathValue(p, seed.path?.[p] ?? 'x')))
      .map((values) => route.path.replace(/\{(\w+)\}/g, () => values.shift() as string));
    const requests = fc.record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...otherMethods) },
      ),
      path: pathArb,
      query: queryString(seed.query),
      caller: callers,
      contentType: fc.oneof(
        { weight: 3, arbitrary: fc.constant('application/json') },
        { weight: 2, arbitrary: contentTypes },
      ),
      body: bodyOf(seed.body),
    });
    await assertProperty(
      fc.asyncProperty(requests, async ({ query, ...req }) => {
        const path = query && req.path.length + query.length < MAX_URL ? `${req.path}?${query}` : req.path;
        await check({ ...req, path });
      }),
      fcOptions,
    );
  });
});

describe('Fuzz: refusals leave the table as it was', () => {
  it('answers anonymous, broken and non-organizer callers on every route with 4xx, and the table’s items are unchanged (full scan)', async () => {
    await quiet();
    const before = await watch.snapshot(stack.tableName);
    // Refused for who they are, whatever they send: no token, broken ones, and participants on organizer routes.
    const refusedCallers = fc.constantFrom<Caller>('anonymous', 'no-scheme', 'garbage-token', 'expired');
    const cases = routes.flatMap((route) => {
      const seed = seeds.get(routeKey(route)) ?? {};
      const callersOf = route.organizerOnly
        ? fc.oneof(
            refusedCallers,
            fc.constantFrom<Caller>('participant', 'revoked', 'moderator', 'otherDelegation', 'stranger'),
          )
        : refusedCallers;
      return [
        fc.record({
          method: fc.constant(route.method),
          path: fc
            .tuple(
              ...[...route.path.matchAll(/\{(\w+)\}/g)].map((m) =>
                pathValue(m[1] as string, seed.path?.[m[1] as string] ?? 'x'),
              ),
            )
            .map((values) => route.path.replace(/\{(\w+)\}/g, () => values.shift() as string)),
          caller: callersOf,
          contentType: contentTypes,
          body: bodyOf(seed.body),
        }),
      ];
    });
    await assertProperty(
      fc.asyncProperty(fc.oneof(...cases), async (req) => {
        const status = await check(req);
        expect(status).toBeGreaterThanOrEqual(400);
      }),
      { ...fcOptions, numRuns: RUNS * 4 },
    );
    await quiet();
    expect(await watch.snapshot(stack.tableName)).toEqual(before);
  });
});

describe('Found by fuzzing', () => {
  it('refuses an instant in the year 10000 once in UTC: a session end (it was answered with closesAt "+010000-…") and an audit bound (it matched every record)', async () => {
    const year10000 = '9999-12-31T23:59:59-23:59';
    const { result, writes } = await watch.writesDuring(quiet, () =>
      api.call('PATCH', '/sessions/session-5', { as: personaEmails.organizer, body: { end: year10000 } }),
    );
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'end' });
    expect(writes).toEqual([]);
    const audit = await api.call('GET', `/audit?from=${encodeURIComponent(year10000)}`, {
      as: personaEmails.organizer,
    });
    expect(audit.status).toBe(400);
    expect(audit.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'from' });
  });
});

describe('Found by fuzzing: an email claim longer than any email', () => {
  it('answers NOT_REGISTERED, not 500 (the email key was longer than DynamoDB takes), and writes only the join’s audited denial', async () => {
    for (const email of Object.values(oddEmails)) {
      const token = await stack.issuer.issue(email);
      for (const [method, path] of [
        ['GET', '/me'],
        ['POST', '/sessions/session-1/join'],
        ['GET', '/me/attendance'],
      ] as const) {
        const { result, writes } = await watch.writesDuring(quiet, () => api.call(method, path, { token }));
        expect(result.status, `${path} ${email.slice(0, 10)}`).toBe(403);
        expect(result.body.error.code).toBe('NOT_REGISTERED');
        expect(forbiddenWrites(writes, 'NOT_REGISTERED')).toEqual([]);
      }
    }
  });
});
