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

type Row = { name: string; email: string; delegation: string; role: string };
const importAudits = async () =>
  (await api.call('GET', '/audit?limit=500', { as: ORG })).body.items.filter(
    (a: { action: string }) => a.action === 'participants.import',
  );
/** Every participant a query finds, following nextCursor to the end. */
const listAll = async (query: string) => {
  const items: { id: string; name: string; email: string; delegation: string; role: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.call(
      'GET',
      `/participants?${query}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { as: ORG },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
};

describe('Route: POST /participants/import, every bad row at once', () => {
  it('lists every bad row, keeps the first at the top, writes nothing and is audited as failed', async () => {
    // Prepare: rows 2, 4 and 5 are bad, each in its own way
    const rows: Row[] = [
      { name: 'Ok One', email: 'ok.one@rows.example.org', delegation: 'NOR', role: 'Delegate' },
      { name: 'Bad Role', email: 'bad.role@rows.example.org', delegation: 'NOR', role: 'Ambassador' },
      { name: 'Ok Two', email: 'ok.two@rows.example.org', delegation: 'NOR', role: 'Delegate' },
      { name: 'Twice', email: 'OK.ONE@rows.example.org', delegation: 'NOR', role: 'Delegate' },
      { name: 'Nowhere', email: 'nowhere@rows.example.org', delegation: 'XYZ', role: 'Delegate' },
    ];
    const before = await countOf('NOR');
    const auditsBefore = (await importAudits()).length;

    // Act
    const res = await api.call('POST', '/participants/import', { as: ORG, body: rows });

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', row: 2, field: 'role' });
    expect(res.body.error.message).toMatch(/^Row 2: role .*\(and 2 more row errors\)/);
    expect(res.body.error.errors).toEqual([
      { row: 2, field: 'role', kind: 'invalid', reason: expect.any(String) },
      { row: 4, field: 'email', kind: 'duplicate', otherRow: 1, reason: expect.stringContaining('row 1') },
      { row: 5, field: 'delegation', kind: 'unknownDelegation', reason: 'unknown delegation XYZ' },
    ]);
    expect(res.body.error).toMatchObject({ errorCount: 3, truncated: false });
    expect(await countOf('NOR')).toBe(before);
    const audits = await importAudits();
    expect(audits).toHaveLength(auditsBefore + 1);
    expect(audits[0]).toMatchObject({
      outcome: 'failed',
      code: 'VALIDATION_FAILED',
      details: { rows: 5, created: 0, errorCount: 3, row: 2, field: 'role' },
    });
  });

  it('caps the list at 1,000 rows and says it was cut', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => ({
      name: `Row ${i}`,
      email: `row.${i}@cap.example.org`,
      delegation: 'ZZZ',
      role: 'Delegate',
    }));
    const res = await api.call('POST', '/participants/import/dry-run', { as: ORG, body: rows });
    expect(res.status).toBe(400);
    expect(res.body.error.errors).toHaveLength(1_000);
    expect(res.body.error.errors.at(-1).row).toBe(1_000);
    expect(res.body.error).toMatchObject({ errorCount: 1_200, truncated: true });
  });
});

describe('Route: POST /participants/import/dry-run', () => {
  it('answers what the import would do, and writes and audits nothing', async () => {
    // Prepare: one participant known already, then a file with them changed and two new ones
    await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'Known Person', email: 'known@dry.example.org', delegation: 'ISL', role: 'Delegate' }],
    });
    const rows: Row[] = [
      { name: 'Known Person', email: 'known@dry.example.org', delegation: 'ISL', role: 'HeadOfDelegation' },
      { name: 'New One', email: 'new.one@dry.example.org', delegation: 'ISL', role: 'Delegate' },
      { name: 'New Two', email: 'new.two@dry.example.org', delegation: 'ISL', role: 'Delegate' },
    ];
    const listBefore = await listAll('delegation=ISL');
    const auditsBefore = await importAudits();

    // Act
    const check = await api.call('POST', '/participants/import/dry-run', { as: ORG, body: rows });
    const refused = await api.call('POST', '/participants/import/dry-run', {
      as: ORG,
      body: [...rows, { ...rows[1], name: 'Again' }],
    });

    // Assess
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ dryRun: true, rows: 3, created: 2, updated: 1, unchanged: 0 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.errors).toEqual([expect.objectContaining({ row: 4, kind: 'duplicate' })]);
    expect(await listAll('delegation=ISL')).toEqual(listBefore);
    expect(await importAudits()).toEqual(auditsBefore);
    // And the import itself does what the dry run said
    const real = await api.call('POST', '/participants/import', { as: ORG, body: rows });
    expect(real.body).toMatchObject({ rows: 3, created: 2, updated: 1, unchanged: 0 });
  });

  it('refuses a row that moves the in-person seat holder to another delegation', async () => {
    const imported = await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'Seat Holder', email: 'holder@dry.example.org', delegation: 'LUX', role: 'Delegate' }],
    });
    const seat = await api.call('PUT', '/delegations/LUX/in-person-seat', {
      as: ORG,
      body: { participantId: imported.body.participants[0].id },
    });
    expect(seat.status).toBe(200);

    const res = await api.call('POST', '/participants/import/dry-run', {
      as: ORG,
      body: [{ name: 'Seat Holder', email: 'holder@dry.example.org', delegation: 'BEL', role: 'Delegate' }],
    });

    expect(res.status).toBe(400);
    expect(res.body.error.errors).toEqual([
      { row: 1, field: 'delegation', kind: 'seatHolder', reason: expect.stringContaining('LUX') },
    ]);
  });

  it('reads CSV as the import does, and says which encoding', async () => {
    const res = await api.call('POST', '/participants/import/dry-run', {
      as: ORG,
      raw: Buffer.from(
        'name;email;delegation;role\r\nJürgen Müller;jm@dry.example.org;DEU;Delegate\r\n',
        'latin1',
      ),
      contentType: 'text/csv',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dryRun: true,
      rows: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      encoding: 'windows-1252',
    });
    expect(await listAll('q=jm%40dry.example.org')).toEqual([]);
  });
});

describe('Chunked import (the console’s progress)', () => {
  it('leaves the same participants as one import, and a rerun of the chunks changes nothing', async () => {
    // Prepare: the same 450 people twice over, told apart by their email's domain
    const people = (domain: string): Row[] =>
      Array.from({ length: 450 }, (_, i) => ({
        name: `Person ${i} Ñandú`,
        email: `person.${i}@${domain}`,
        delegation: i % 3 === 0 ? 'SWE' : 'FIN',
        role: i % 10 === 0 ? 'HeadOfDelegation' : 'Delegate',
      }));
    const single = people('single.example.org');
    const chunked = people('chunked.example.org');
    const chunks = [chunked.slice(0, 200), chunked.slice(200, 400), chunked.slice(400)];

    // Act
    const one = await api.call('POST', '/participants/import', { as: ORG, body: single });
    const parts: { body: Record<string, number> }[] = [];
    for (const chunk of chunks)
      parts.push(await api.call('POST', '/participants/import', { as: ORG, body: chunk }));
    const rerun: { body: Record<string, number> }[] = [];
    for (const chunk of chunks)
      rerun.push(await api.call('POST', '/participants/import', { as: ORG, body: chunk }));

    // Assess
    const sum = (calls: { body: Record<string, number> }[], key: string) =>
      calls.reduce((n, c) => n + (c.body[key] as number), 0);
    expect(one.body).toMatchObject({ rows: 450, created: 450, updated: 0, unchanged: 0 });
    expect(['rows', 'created', 'updated', 'unchanged'].map((k) => sum(parts, k))).toEqual([450, 450, 0, 0]);
    expect(sum(rerun, 'unchanged')).toBe(450);
    const shape = (items: Row[]) =>
      items
        .map((p) => ({ ...p, email: p.email.split('@')[0] ?? '' }))
        .sort((a, b) => (a.email < b.email ? -1 : 1));
    const fromOne = (await listAll('q=single.example.org')).map(({ name, email, delegation, role }) => ({
      name,
      email,
      delegation,
      role,
    }));
    const fromChunks = (await listAll('q=chunked.example.org')).map(({ name, email, delegation, role }) => ({
      name,
      email,
      delegation,
      role,
    }));
    expect(fromOne).toHaveLength(450);
    expect(shape(fromChunks)).toEqual(shape(fromOne));
  });
});

describe('Route: GET /participants, filtered', () => {
  it('filters by role, revoked and text (case and accents aside), and pages through the matches', async () => {
    // Prepare
    const imported = await api.call('POST', '/participants/import', {
      as: ORG,
      body: [
        {
          name: 'Zoë Müller',
          email: 'zoe.m@filter.example.org',
          delegation: 'AUT',
          role: 'HeadOfDelegation',
        },
        { name: 'Hans Muller', email: 'hans@filter.example.org', delegation: 'AUT', role: 'Delegate' },
        { name: 'Other Person', email: 'other@filter.example.org', delegation: 'AUT', role: 'Delegate' },
      ],
    });
    await api.call('POST', `/participants/${imported.body.participants[1].id}/revoke`, { as: ORG });

    // Act
    const muller = await listAll('delegation=AUT&q=MULLER');
    const heads = await listAll('delegation=AUT&role=HeadOfDelegation');
    const revoked = await listAll('delegation=AUT&revoked=true');
    const live = await listAll('q=filter.example.org&revoked=false');
    const small = await api.call('GET', '/participants?q=filter.example.org&limit=1', { as: ORG });
    const bad = await api.call('GET', '/participants?role=King', { as: ORG });

    // Assess
    expect(muller.map((p) => p.name).sort()).toEqual(['Hans Muller', 'Zoë Müller']);
    expect(heads.map((p) => p.name)).toEqual(['Zoë Müller']);
    expect(revoked.map((p) => p.name)).toEqual(['Hans Muller']);
    expect(live.map((p) => p.name).sort()).toEqual(['Other Person', 'Zoë Müller']);
    expect(small.body.items).toHaveLength(1);
    expect(small.body.nextCursor).toEqual(expect.any(String));
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('role');
  });
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
