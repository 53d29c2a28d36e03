import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '#domain/csv.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

/**
 * Inputs a careless or hostile caller sends: each is a 4xx in the `{ error: { code, message } }` shape,
 * never a 500, and a refused request leaves nothing behind.
 */
const ORG = 'organizer@example.org';
const FRA = 'hod.fra@example.org';
const STRANGER = 'stranger@example.net';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const auditCount = async () =>
  (await api.call('GET', '/audit?limit=500', { as: ORG })).body.items.length as number;

describe('Path parameters: malformed escapes and impossible values are 400, never 500', () => {
  const malformed = ['%ZZ', '%', '%E0%A4%A'];

  it.each(malformed)('POST /sessions/%s/join answers 400 VALIDATION_FAILED', async (segment) => {
    const res = await api.call('POST', `/sessions/${segment}/join`, { as: FRA });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'sessionId' });
  });

  it.each([
    ['GET', '/participants/%ZZ'],
    ['GET', '/delegations/%E0%A4%A/in-person-seat'],
    ['GET', '/sessions/%/attendance'],
  ])('%s %s answers 400 for an organizer', async (method, path) => {
    const res = await api.call(method, path, { as: ORG });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a 3,000-character delegation code before it reaches a DynamoDB key', async () => {
    const code = 'A'.repeat(3000);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await api.call(method, `/delegations/${code}/in-person-seat`, {
        as: ORG,
        ...(method === 'PUT' ? { body: { participantId: 'p_00000000000000000000' } } : {}),
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'code' });
    }
  });

  it('still takes a delegation code in lower case', async () => {
    const res = await api.call('GET', '/delegations/fra/in-person-seat', { as: ORG });
    expect(res.status).toBe(200);
    expect(res.body.delegation).toBe('FRA');
  });
});

describe('Audit spam through the join path', () => {
  it.each([
    ['a 9,000-character session id', 'x'.repeat(9000)],
    ['markup', encodeURIComponent('<script>alert(1)</script>')],
    ['upper case', 'SESSION-1'],
  ])('refuses %s from an identity with no participant record: 400, nothing audited', async (_, segment) => {
    const before = await auditCount();
    const res = await api.call('POST', `/sessions/${segment}/join`, { as: STRANGER });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'sessionId' });
    expect(res.text).not.toContain('<script>');
    expect(await auditCount()).toBe(before);
  });

  it('still audits a well-formed join by a stranger as NOT_REGISTERED', async () => {
    const before = await auditCount();
    const res = await api.call('POST', '/sessions/session-1/join', { as: STRANGER });
    expect(res.body.error.code).toBe('NOT_REGISTERED');
    expect(await auditCount()).toBe(before + 1);
  });
});

describe('Authorization before validation', () => {
  it('refuses a participant’s 2 MB CSV import with 403 FORBIDDEN, without parsing it', async () => {
    // An unclosed quote: parsing it would answer 400.
    const csv = `name,email,delegation,role\n"${'x'.repeat(2 * 1024 * 1024)}`;
    const res = await api.call('POST', '/participants/import', {
      as: FRA,
      raw: csv,
      contentType: 'text/csv',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it.each([
    ['POST', '/participants/import', '{not json'],
    ['PUT', '/delegations/FRA/in-person-seat', '{"participantId": 42}'],
    ['POST', '/delegations', '{"code": "?"}'],
    ['PATCH', '/participants/p_00000000000000000000', '{"passport": "X"}'],
    ['POST', '/sessions/session-1/check-ins', '[]'],
    ['GET', '/delegations/%ZZ/in-person-seat', undefined],
    ['GET', '/audit?from=yesterday', undefined],
  ])('answers a participant 403 on %s %s, not the validation error', async (method, path, raw) => {
    const res = await api.call(method, path, { as: FRA, ...(raw !== undefined ? { raw } : {}) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.error).not.toHaveProperty('field');
  });
});

describe('Cursors and ranges: crafted values are 400', () => {
  const forge = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

  it.each([
    ['e30 (an empty object)', 'e30'],
    ['not base64 JSON', '!!!'],
    ['an array', forge(['a'])],
    ['another index’s key', forge({ pk: 'x', sk: 'y', gsi1pk: 'AUDIT', gsi1sk: 'z' })],
    ['another partition', forge({ pk: 'x', sk: 'y', gsi2pk: 'RATE#x', gsi2sk: 'z' })],
    ['a number where a string belongs', forge({ pk: 1, sk: 'y', gsi2pk: 'AUDIT', gsi2sk: 'z' })],
  ])('GET /audit and /participants refuse %s', async (_, cursor) => {
    for (const path of ['/audit', '/participants', '/participants?delegation=FRA']) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await api.call('GET', `${path}${sep}cursor=${encodeURIComponent(cursor)}`, { as: ORG });
      expect(res.status, path).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'cursor' });
    }
  });

  it('refuses an audit cursor whose sort key lies outside the requested time range', async () => {
    const cursor = forge({
      pk: 'AUDIT#2030-01-01',
      sk: 'x',
      gsi2pk: 'AUDIT',
      gsi2sk: '2030-01-01T00:00:00.000Z#x',
    });
    const res = await api.call(
      'GET',
      `/audit?from=2021-06-28T00:00:00Z&to=2021-06-29T00:00:00Z&cursor=${cursor}`,
      { as: ORG },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('cursor');
  });

  it('still follows a cursor it returned', async () => {
    await api.call('POST', '/sessions/session-1/join', { as: FRA });
    await api.call('POST', '/sessions/session-1/join', { as: STRANGER });
    const page1 = await api.call('GET', '/participants?limit=2', { as: ORG });
    const page2 = await api.call('GET', `/participants?limit=2&cursor=${page1.body.nextCursor}`, { as: ORG });
    expect(page2.status).toBe(200);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    const audit1 = await api.call('GET', '/audit?limit=1', { as: ORG });
    const audit2 = await api.call('GET', `/audit?limit=1&cursor=${audit1.body.nextCursor}`, { as: ORG });
    expect(audit2.status).toBe(200);
  });

  it('refuses /audit with from after to', async () => {
    const res = await api.call('GET', '/audit?from=2021-06-29T00:00:00Z&to=2021-06-28T00:00:00Z', {
      as: ORG,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'from' });
  });
});

describe('Exports: no cell a spreadsheet would run as a formula', () => {
  const names = ['=1+1', '@SUM(A1)', '-2+3', '+1 555 0100'];
  const hyperlink = '=HYPERLINK("http://x","y")';

  beforeAll(async () => {
    await api.call('POST', '/delegations', {
      as: ORG,
      body: { code: 'EVIL', name: hyperlink, category: 'CivilSociety' },
    });
    const rows = names.map((name, i) => ({
      name,
      email: `formula${i}@example.org`,
      delegation: ['DEU', 'ITA', 'ESP', 'PRT'][i],
      role: 'Delegate',
    }));
    expect((await api.call('POST', '/participants/import', { as: ORG, body: rows })).status).toBe(200);
    for (const r of rows) {
      const j = (await api.call('POST', '/sessions/session-1/join', { as: r.email })).body;
      stack.emulator.connect(j.meeting.MeetingId, j.attendee.AttendeeId);
    }
    await stack.pipeline.flush();
  });

  /** The cells of the file (RFC 4180) that begin with a formula character. */
  const formulaCells = (text: string) =>
    parseCsv(text)
      .flat()
      .filter((c) => /^[=+\-@\t\r]/.test(c));

  it('prefixes formula cells with a single quote in the attendance CSV, and keeps the JSON as it was', async () => {
    const csv = await api.call('GET', '/sessions/session-1/attendance?format=csv', { as: ORG });
    const json = await api.call('GET', '/sessions/session-1/attendance', { as: ORG });
    expect(csv.status).toBe(200);
    for (const name of names) expect(csv.text).toContain(`,'${name},`);
    expect(formulaCells(csv.text)).toEqual([]);
    const jsonNames = json.body.rows.map((r: { participantName: string }) => r.participantName);
    expect(jsonNames).toEqual(expect.arrayContaining(names));
  });

  it('prefixes a formula delegation name in the roll-call CSV, and keeps the JSON as it was', async () => {
    const csv = await api.call('GET', '/roll-call?format=csv', { as: ORG });
    const json = await api.call('GET', '/roll-call', { as: ORG });
    expect(csv.text).toContain(`EVIL,"'=HYPERLINK(""http://x"",""y"")",CivilSociety,`);
    expect(formulaCells(csv.text)).toEqual([]);
    expect(json.body.rows.find((r: { code: string }) => r.code === 'EVIL').name).toBe(hyperlink);
  });
});

describe('Names with control characters', () => {
  it('refuses an import row whose name holds a right-to-left override, a lone surrogate or a tab', async () => {
    for (const name of ['\\u202Egpj.exe', 'Ana\\ud800', '\\t=1+1', 'A\\u001b[31m']) {
      const raw = `[{"name":"${name}","email":"ctl@example.org","delegation":"FRA","role":"Delegate"}]`;
      const res = await api.call('POST', '/participants/import', { as: ORG, raw });
      expect(res.status, name).toBe(400);
      expect(res.body.error, name).toMatchObject({ code: 'VALIDATION_FAILED', row: 1, field: 'name' });
    }
    const list = await api.call('GET', '/participants?delegation=FRA&limit=500', { as: ORG });
    expect(list.body.items.map((p: { email: string }) => p.email)).not.toContain('ctl@example.org');
  });

  it('refuses such a name in an update and in a new organization', async () => {
    const fra = (await api.call('GET', '/participants?delegation=FRA', { as: ORG })).body.items[0];
    const patch = await api.call('PATCH', `/participants/${fra.id}`, {
      as: ORG,
      raw: '{"name":"A\\u0000B"}',
    });
    const org = await api.call('POST', '/delegations', {
      as: ORG,
      raw: '{"code":"CTL","name":"Org \\u2067x","category":"CivilSociety"}',
    });
    expect(patch.status).toBe(400);
    expect(org.status).toBe(400);
    expect(org.body.error.field).toBe('name');
  });
});

describe('Dev server: wrong method and unknown path', () => {
  it('answers a wrong method with 405 METHOD_NOT_ALLOWED in the error shape, with Allow', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/me', 'GET'],
      ['GET', '/sessions/session-1/join', 'POST'],
      ['POST', '/delegations/FRA/in-person-seat', 'GET, PUT, DELETE'],
    ] as const) {
      const res = await api.call(method, path, { as: FRA });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.body.error).toEqual({ code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining(allow) });
    }
  });

  it('answers an unknown path with 404 NOT_FOUND in the error shape', async () => {
    const res = await api.call('GET', '/nowhere', { as: FRA });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('Local tokens: a lifetime, so that an expired token can be tried', () => {
  const tokenWith = async (body: unknown) => {
    const res = await fetch(`${stack.url}/_local/tokens`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { token?: string; error?: { field: string } } };
  };

  it('answers 401 to a token whose lifetime is over, and 200 to one still valid', async () => {
    const expired = await tokenWith({ email: FRA, expiresIn: 0 });
    const valid = await tokenWith({ email: FRA, expiresIn: 60 });
    expect(expired.status).toBe(200);
    expect((await api.call('GET', '/me', { token: expired.body.token as string })).status).toBe(401);
    expect((await api.call('GET', '/me', { token: valid.body.token as string })).status).toBe(200);
  });

  it('refuses a lifetime that is not whole seconds', async () => {
    for (const expiresIn of [-1, 1.5, '1h', 10_000_000]) {
      const res = await tokenWith({ email: FRA, expiresIn });
      expect(res.status, String(expiresIn)).toBe(400);
      expect(res.body.error?.field).toBe('expiresIn');
    }
  });
});
