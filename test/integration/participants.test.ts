import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

const ORG = 'organizer@example.org';
const FRA = 'hod.fra@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const countOf = async (delegation: string) =>
  (await api.call('GET', `/participants?delegation=${delegation}&limit=500`, { as: ORG })).body.items.length;

describe('Route: POST /participants/import', () => {
  it('imports a JSON array, and a second run changes nothing', async () => {
    // Prepare
    const rows = [
      { name: 'Ana Souza', email: 'Ana.Souza@Example.org', delegation: 'PRT', role: 'HeadOfDelegation' },
      { name: 'Bruno Costa', email: 'bruno.costa@example.org', delegation: 'PRT', role: 'Delegate' },
    ];

    // Act
    const first = await api.call('POST', '/participants/import', { as: ORG, body: rows });
    const second = await api.call('POST', '/participants/import', { as: ORG, body: rows });

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ rows: 2, created: 2, updated: 0, unchanged: 0 });
    expect(second.body).toMatchObject({ rows: 2, created: 0, updated: 0, unchanged: 2 });
    expect(await countOf('PRT')).toBe(2);
    expect(first.body.participants.map((p: { email: string }) => p.email)).toContain('ana.souza@example.org');
    // The rerun still answers every row's participant id, in row order.
    expect(second.body.participants).toEqual(
      first.body.participants.map((p: { id: string; email: string }) => ({ ...p, status: 'unchanged' })),
    );
    expect(first.body.participants.map((p: { status: string }) => p.status)).toEqual(['created', 'created']);
  });

  it('upserts by email, compared case-insensitively', async () => {
    // Act
    const res = await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'Ana Souza', email: 'ANA.SOUZA@example.ORG', delegation: 'PRT', role: 'Delegate' }],
    });

    // Assess
    expect(res.body).toMatchObject({ created: 0, updated: 1 });
    expect(res.body.participants).toEqual([
      { id: expect.stringMatching(/^p_/), email: 'ana.souza@example.org', status: 'updated' },
    ]);
    const list = await api.call('GET', '/participants?delegation=PRT', { as: ORG });
    const ana = list.body.items.find((p: { email: string }) => p.email === 'ana.souza@example.org');
    expect(ana.role).toBe('Delegate');
  });

  it('imports CSV with a byte-order mark, quoted commas and non-Latin names', async () => {
    // Prepare
    const csv =
      '\uFEFFname,email,delegation,role\r\n' +
      '"Al-Sayed, Fatima",fatima@example.org,EGY,HeadOfDelegation\r\n' +
      '王伟,wang.wei@example.org,CHN,Delegate\r\n' +
      '"Иван ""Ваня"" Петров",ivan@example.org,RUS,Delegate\r\n';

    // Act
    const res = await api.call('POST', '/participants/import', {
      as: ORG,
      raw: csv,
      contentType: 'text/csv',
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(3);
    const egy = await api.call('GET', '/participants?delegation=EGY', { as: ORG });
    expect(egy.body.items[0].name).toBe('Al-Sayed, Fatima');
    const rus = await api.call('GET', '/participants?delegation=RUS', { as: ORG });
    expect(rus.body.items[0].name).toBe('Иван "Ваня" Петров');
  });

  it('rejects an import with a bad row, naming the row, and writes nothing', async () => {
    // Prepare
    const before = await countOf('ITA');
    const rows = [
      { name: 'Good Row', email: 'good.row@example.org', delegation: 'ITA', role: 'Delegate' },
      { name: 'Bad Row', email: 'bad.row@example.org', delegation: 'ITA', role: 'Ambassador' },
    ];

    // Act
    const res = await api.call('POST', '/participants/import', { as: ORG, body: rows });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.row).toBe(2);
    expect(res.body.error.field).toBe('role');
    expect(res.body.error.message).toMatch(/^Row 2: role/);
    expect(await countOf('ITA')).toBe(before);
  });

  it('rejects unknown delegations, duplicate emails and unknown columns by row', async () => {
    const unknown = await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'X', email: 'x@example.org', delegation: 'XXX', role: 'Delegate' }],
    });
    const twice = await api.call('POST', '/participants/import', {
      as: ORG,
      body: [
        { name: 'Y', email: 'y@example.org', delegation: 'ITA', role: 'Delegate' },
        { name: 'Y2', email: 'Y@example.org', delegation: 'ITA', role: 'Delegate' },
      ],
    });
    const extra = await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'Z', email: 'z@example.org', delegation: 'ITA', role: 'Delegate', passport: '123' }],
    });
    expect(unknown.body.error).toMatchObject({ code: 'VALIDATION_FAILED', row: 1, field: 'delegation' });
    expect(twice.body.error).toMatchObject({ code: 'VALIDATION_FAILED', row: 2, field: 'email' });
    expect(extra.body.error).toMatchObject({ code: 'VALIDATION_FAILED', row: 1 });
    expect(extra.body.error.message).toContain('passport');
  });

  it('is for organizers only (FORBIDDEN for a participant)', async () => {
    const res = await api.call('POST', '/participants/import', {
      as: FRA,
      body: [{ name: 'Sneaky', email: 'sneaky@example.org', delegation: 'FRA', role: 'HeadOfDelegation' }],
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('Route: POST /participants/import, CSV as people really make it', () => {
  const header = 'name,email,delegation,role\r\n';
  const nameOf = async (email: string, delegation: string) =>
    (await api.call('GET', `/participants?delegation=${delegation}&limit=500`, { as: ORG })).body.items.find(
      (p: { email: string }) => p.email === email,
    )?.name;

  it('converts a file saved as Windows-1252, so “Müller” stays Müller', async () => {
    // Prepare: ü, é and ç are single bytes in Windows-1252; œ is 0x9C (not a Latin-1 character)
    const bytes = Buffer.concat([
      Buffer.from(`${header}Jürgen Müller,mueller@example.org,DEU,Delegate\r\nFrançoise Désirée C`, 'latin1'),
      Buffer.from([0x9c]),
      Buffer.from('ur,coeur@example.org,FRA,Delegate\r\n', 'latin1'),
    ]);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();

    // Act
    const res = await api.call('POST', '/participants/import', {
      as: ORG,
      raw: bytes,
      contentType: 'text/csv',
    });

    // Assess
    expect(res.body).toMatchObject({ created: 2, encoding: 'windows-1252' });
    expect(res.status).toBe(200);
    expect(await nameOf('mueller@example.org', 'DEU')).toBe('Jürgen Müller');
    expect(await nameOf('coeur@example.org', 'FRA')).toBe('Françoise Désirée Cœur');
  });

  it('takes UTF-8 without a byte-order mark, and says it was UTF-8', async () => {
    const res = await api.call('POST', '/participants/import', {
      as: ORG,
      raw: Buffer.from(`${header}Zoë Šimić,zoe@example.org,HRV,Delegate\r\n`, 'utf8'),
      contentType: 'text/csv; charset=utf-8',
    });
    expect(res.status).toBe(200);
    expect(res.body.encoding).toBe('utf-8');
    expect(await nameOf('zoe@example.org', 'HRV')).toBe('Zoë Šimić');
  });

  it('accepts a semicolon-separated file in Windows-1252, as a spreadsheet in a European locale saves “CSV”', async () => {
    // Prepare: a name with a comma in it, unquoted, as such a spreadsheet writes it
    const bytes = Buffer.from(
      'Name;Email;Delegation;Role\r\n' +
        'Müller, Jürgen;mueller.semi@example.org;DEU;Delegate\r\n' +
        'Sánchez;sanchez.semi@example.org;ESP;HeadOfDelegation\r\n',
      'latin1',
    );

    // Act
    const res = await api.call('POST', '/participants/import', {
      as: ORG,
      raw: bytes,
      contentType: 'text/csv',
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, encoding: 'windows-1252' });
    expect(await nameOf('mueller.semi@example.org', 'DEU')).toBe('Müller, Jürgen');
    expect(await nameOf('sanchez.semi@example.org', 'ESP')).toBe('Sánchez');
  });

  it.each([
    [
      'semicolon-separated with a misspelt column',
      'name;e-mail;delegation;role\r\nAna;ana.s@example.org;PRT;Delegate\r\n',
      /"name;e-mail;delegation;role" \(missing email; unknown "e-mail"\)/,
    ],
    [
      'without a header row',
      'Ana,ana.h@example.org,PRT,Delegate\r\n',
      /missing name, email, delegation, role/,
    ],
    [
      'with a misspelt column',
      'name,e-mail,delegation,role\r\nAna,ana.m@example.org,PRT,Delegate\r\n',
      /missing email; unknown "e-mail"/,
    ],
  ])('refuses a file %s, naming the header row and the expected columns', async (_, csv, problem) => {
    const res = await api.call('POST', '/participants/import', {
      as: ORG,
      raw: csv,
      contentType: 'text/csv',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/header row \(row 1\)/);
    expect(res.body.error.message).toContain('name,email,delegation,role');
    expect(res.body.error.message).toMatch(problem);
  });

  it('refuses UTF-16 with the way out', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`${header}Ana,a@example.org,PRT,Delegate`, 'utf16le'),
    ]);
    const res = await api.call('POST', '/participants/import', {
      as: ORG,
      raw: utf16,
      contentType: 'text/csv',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/UTF-16.*CSV UTF-8/);
  });

  it('tells someone who sent CSV as JSON to send text/csv', async () => {
    const csv = `${header}Ana,ana.j@example.org,PRT,Delegate\r\n`;
    const asJson = await api.call('POST', '/participants/import', { as: ORG, raw: csv });
    const unlabelled = await api.call('POST', '/participants/import', {
      as: ORG,
      raw: Buffer.from(csv),
      contentType: null,
    });
    for (const res of [asJson, unlabelled]) {
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('Content-Type: text/csv');
      expect(res.body.error.message).toContain('Content-Type: application/json');
    }
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'image/png'])(
    'answers 415 UNSUPPORTED_MEDIA_TYPE to %s, naming the two it takes',
    async (contentType) => {
      const res = await api.call('POST', '/participants/import', {
        as: ORG,
        raw: `${header}Ana,ana.t@example.org,PRT,Delegate\r\n`,
        contentType,
      });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.error.message).toMatch(/application\/json.*text\/csv/);
    },
  );
});

describe('Routes: GET/PATCH /participants/{participantId}', () => {
  it('reads and updates a participant, and refuses an email in use (EMAIL_IN_USE)', async () => {
    // Prepare
    const imported = await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'Carla Gomez', email: 'carla@example.org', delegation: 'ESP', role: 'Delegate' }],
    });
    const id = imported.body.participants[0].id;

    // Act
    const read = await api.call('GET', `/participants/${id}`, { as: ORG });
    const patched = await api.call('PATCH', `/participants/${id}`, {
      as: ORG,
      body: { role: 'HeadOfDelegation', email: 'carla.gomez@example.org' },
    });
    const clash = await api.call('PATCH', `/participants/${id}`, { as: ORG, body: { email: FRA } });
    const me = await api.call('GET', '/me', { as: 'carla.gomez@example.org' });
    const oldEmail = await api.call('GET', '/me', { as: 'carla@example.org' });

    // Assess
    expect(read.body).toMatchObject({ id, name: 'Carla Gomez', delegation: 'ESP', revoked: false });
    expect(read.body).not.toHaveProperty('attendees');
    expect(patched.body).toMatchObject({ role: 'HeadOfDelegation', email: 'carla.gomez@example.org' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('EMAIL_IN_USE');
    expect(me.body.participant.id).toBe(id);
    expect(oldEmail.body.error.code).toBe('NOT_REGISTERED');
  });

  it('answers UNKNOWN_PARTICIPANT (404) and VALIDATION_FAILED for a malformed id', async () => {
    const unknown = await api.call('GET', '/participants/p_00000000000000000000', { as: ORG });
    const malformed = await api.call('GET', '/participants/not-an-id', { as: ORG });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_PARTICIPANT');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('pages through the participant list with a cursor', async () => {
    const page1 = await api.call('GET', '/participants?limit=3', { as: ORG });
    const page2 = await api.call('GET', `/participants?limit=3&cursor=${page1.body.nextCursor}`, { as: ORG });
    const bad = await api.call('GET', '/participants?cursor=garbage', { as: ORG });
    expect(page1.body.items).toHaveLength(3);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const ids1 = page1.body.items.map((p: { id: string }) => p.id);
    expect(page2.body.items.every((p: { id: string }) => !ids1.includes(p.id))).toBe(true);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('cursor');
  });
});

describe('Routes: /delegations', () => {
  it('lists the 193 Member States and the 2 Observer States', async () => {
    const members = await api.call('GET', '/delegations?category=MemberState', { as: ORG });
    const observers = await api.call('GET', '/delegations?category=ObserverState', { as: ORG });
    expect(members.body.count).toBe(193);
    expect(observers.body.items.map((d: { code: string; name: string }) => [d.code, d.name]).sort()).toEqual([
      ['PSE', 'State of Palestine'],
      ['VAT', 'Holy See'],
    ]);
    const fra = members.body.items.find((d: { code: string }) => d.code === 'FRA');
    expect(fra).toEqual({
      code: 'FRA',
      name: 'France',
      category: 'MemberState',
      regionalGroup: 'Western European and Others Group',
    });
  });

  it('adds an organization, refuses a taken code, and refuses a State category', async () => {
    const added = await api.call('POST', '/delegations', {
      as: ORG,
      body: { code: 'IOM', name: 'International Organization for Migration', category: 'UNEntity' },
    });
    const again = await api.call('POST', '/delegations', {
      as: ORG,
      body: { code: 'IOM', name: 'International Organization for Migration', category: 'UNEntity' },
    });
    const state = await api.call('POST', '/delegations', {
      as: ORG,
      body: { code: 'ATL', name: 'Atlantis', category: 'MemberState' },
    });
    const listed = await api.call('GET', '/delegations?category=UNEntity', { as: ORG });
    expect(added.status).toBe(201);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DELEGATION_EXISTS');
    expect(state.status).toBe(400);
    expect(state.body.error.field).toBe('category');
    expect(listed.body.items.map((d: { code: string }) => d.code)).toContain('IOM');
  });

  it('does not give an in-person seat to an organization (SEAT_NOT_AVAILABLE)', async () => {
    const list = await api.call('GET', '/participants?delegation=GNWP', { as: ORG });
    const res = await api.call('PUT', '/delegations/GNWP/in-person-seat', {
      as: ORG,
      body: { participantId: list.body.items[0].id },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('SEAT_NOT_AVAILABLE');
  });

  it('is for organizers only', async () => {
    const res = await api.call('GET', '/delegations', { as: FRA });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('Bad input: answered 400 with a code and a field, nothing stored changes', () => {
  it('refuses unknown fields, wrong types, bad JSON and huge bodies', async () => {
    // Prepare
    const fraList = await api.call('GET', '/participants?delegation=FRA', { as: ORG });
    const id = fraList.body.items[0].id;
    const before = await api.call('GET', `/participants/${id}`, { as: ORG });

    // Act
    const unknownField = await api.call('PATCH', `/participants/${id}`, {
      as: ORG,
      body: { name: 'X', admin: true },
    });
    const wrongType = await api.call('PATCH', `/participants/${id}`, { as: ORG, body: { name: 42 } });
    const badJson = await api.call('PATCH', `/participants/${id}`, { as: ORG, raw: '{"name": ' });
    const empty = await api.call('PATCH', `/participants/${id}`, { as: ORG, body: {} });
    const huge = await api.call('PATCH', `/participants/${id}`, {
      as: ORG,
      body: { name: 'x'.repeat(200_000) },
    });
    const notArray = await api.call('POST', '/participants/import', { as: ORG, body: { name: 'x' } });
    const badSeat = await api.call('PUT', '/delegations/FRA/in-person-seat', {
      as: ORG,
      body: { participantId: 7 },
    });
    const badCategory = await api.call('GET', '/delegations?category=Pirates', { as: ORG });
    const after = await api.call('GET', `/participants/${id}`, { as: ORG });

    // Assess
    for (const res of [unknownField, wrongType, badJson, empty, huge, notArray, badSeat, badCategory]) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(typeof res.body.error.message).toBe('string');
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(unknownField.body.error.message).toContain('admin');
    expect(wrongType.body.error.field).toBe('name');
    expect(huge.body.error.field).toBe('body');
    expect(badSeat.body.error.field).toBe('participantId');
    expect(after.body).toEqual(before.body);
  });
});
