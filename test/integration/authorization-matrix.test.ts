import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ErrorCode, errorCodes } from '#domain/errors.ts';
import { statusByCode } from '#http/error-mapper.ts';
import { openApiJson } from '#http/openapi-document.ts';
import { type RouteSpec, routeKey, routes } from '#http/routes.ts';
import type { LocalStack } from '../../local/stack.ts';
import { type Personas, personaEmails, setUpPersonas } from '../support/api-personas.ts';
import { apiClient, type Call, startTestStack } from '../support/local-stack.ts';
import { openApiContract } from '../support/openapi-contract.ts';
import {
  callerRefusals,
  missingExpectations,
  type Outcome,
  type Persona,
  personas,
  routeExpectations,
  unknownExpectations,
  urlOf,
} from '../support/route-expectations.ts';
import { forbiddenWrites, startTableWatch, type TableWatch, type Write } from '../support/table-watch.ts';

/**
 * Every route of routes.ts × every persona, each answer checked against the outcome declared once per
 * route in test/support/route-expectations.ts, against the OpenAPI document (status, code and body), and
 * against the table: a refused request writes nothing (but the audit record of a refused join).
 */
let watch: TableWatch;
let stack: LocalStack;
let people: Personas;
const contract = openApiContract();
const tally = { cases: 0, fiveHundreds: 0, documented2xx: new Set<string>() };

beforeAll(async () => {
  watch = await startTableWatch(inject('dynamoEndpoint'));
  stack = await startTestStack({ dynamoEndpoint: watch.endpoint });
  const api = apiClient(stack);
  people = await setUpPersonas(api);
  // France is in Session I, connected: the attendance answers then hold a stay and its intervals.
  const joined = await api.call('POST', '/sessions/session-1/join', { as: personaEmails.participant });
  stack.emulator.connect(joined.body.meeting.MeetingId, joined.body.attendee.AttendeeId);
  await stack.pipeline.flush();
});
afterAll(async () => {
  console.log(
    `authorization matrix: ${tally.cases} cases (${routes.length} routes × ${personas.length} personas), ${tally.fiveHundreds} 5xx`,
  );
  await stack?.stop();
  await watch?.close();
});

const quiet = async () => {
  await stack.provisioningIdle();
  await stack.pipeline.flush();
};

const describeOutcome = (o: Outcome) => (typeof o === 'string' ? o : `refused ${o.refused}`);
const describeWrites = (writes: Write[]) =>
  writes.map(
    (w) => `${w.operation} ${w.key ?? ''}${w.audit ? ` audit ${w.audit.outcome} ${w.audit.code}` : ''}`,
  );

/** What is wrong with an answer, given the declared outcome and the writes it made (empty: nothing). */
function problemsOf(key: string, outcome: Outcome, res: Call, writes: Write[]): string[] {
  const code: string | undefined = res.body?.error?.code;
  const problems = contract.check(key, {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: res.body,
  });
  const expectStatus = (status: number, expected: string) => {
    if (res.status !== status || code !== expected)
      problems.push(`expected ${status} ${expected}, got ${res.status} ${code ?? ''}`);
  };
  if (outcome === 'unauthenticated') expectStatus(401, 'UNAUTHENTICATED');
  else if (outcome === 'forbidden') {
    expectStatus(403, 'FORBIDDEN');
    if (res.body?.error && 'field' in res.body.error) problems.push('a FORBIDDEN answer told of a field');
  } else if (outcome !== 'allowed') expectStatus(statusByCode[outcome.refused], outcome.refused);
  else if (res.status >= 300 && (res.status >= 500 || callerRefusals.includes(code as ErrorCode))) {
    problems.push(`expected to be let through, got ${res.status} ${code ?? res.text.slice(0, 200)}`);
  }
  if (res.status >= 400) {
    const written = forbiddenWrites(writes, code ?? '');
    if (written.length) problems.push(`a refused request wrote: ${describeWrites(written).join('; ')}`);
  }
  return problems;
}

describe('The declaration', () => {
  it('declares an expectation for every route of routes.ts, and for no other', () => {
    expect(missingExpectations(routes), 'routes without an expectation').toEqual([]);
    expect(unknownExpectations(routes), 'expectations for no route').toEqual([]);
    for (const [key, expectation] of Object.entries(routeExpectations)) {
      expect(Object.keys(expectation.outcomes).sort(), key).toEqual([...personas].sort());
    }
  });

  it('fails a route that is added to routes.ts without an expectation', () => {
    const added: RouteSpec = {
      method: 'POST',
      path: '/sessions/{sessionId}/floor',
      fn: 'sessions',
      organizerOnly: false,
    };
    expect(missingExpectations([...routes, added])).toEqual(['POST /sessions/{sessionId}/floor']);
  });

  it('uses only documented codes for refusals', () => {
    for (const { outcomes } of Object.values(routeExpectations))
      for (const o of Object.values(outcomes))
        if (typeof o === 'object') expect(errorCodes).toContain(o.refused);
  });
});

describe('Authorization matrix: every route as every persona', () => {
  it.each(routes.map((r) => [routeKey(r), r] as const))('%s', async (key, route) => {
    const expectation = routeExpectations[key];
    if (!expectation) throw new Error(`${key} has no expectation in test/support/route-expectations.ts`);
    const problems: string[] = [];
    // The organizer last: what they are let do (a revocation, a seat) changes nothing for the others.
    for (const persona of personas) {
      const spec = await expectation.request(people.contextFor(persona));
      const query = new URLSearchParams(spec.query ?? {}).toString();
      const { result: res, writes } = await watch.writesDuring(quiet, () =>
        people.callAs(persona, route.method, urlOf(route, spec, query), spec),
      );
      tally.cases++;
      if (res.status >= 500) tally.fiveHundreds++;
      if (res.status < 300 && res.status >= 200) tally.documented2xx.add(key);
      const outcome = expectation.outcomes[persona as Persona];
      for (const p of problemsOf(key, outcome, res, writes))
        problems.push(`${persona} (${describeOutcome(outcome)}): ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it('saw every route answer a 2xx that matches the document', () => {
    expect(routes.map(routeKey).filter((k) => !tally.documented2xx.has(k))).toEqual([]);
    expect(tally.fiveHundreds).toBe(0);
  });
});

describe('The API description', () => {
  it('is served by the dev server at GET /openapi.json, without a token, as docs/openapi.json holds it', async () => {
    const res = await fetch(`${stack.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe(openApiJson());
  });
});
