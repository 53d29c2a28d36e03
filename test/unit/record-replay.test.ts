import { describe, expect, it } from 'vitest';
import { createMemoryRecordChains } from '#adapters/memory/record.ts';
import { replayImages, replayRecord } from '#adapters/memory/record-replay.ts';
import { createMemoryAuditLog } from '#adapters/memory/repositories.ts';
import { validateProgramme } from '#domain/programme.ts';
import { appendEntry, type JsonValue, type RecordEntry } from '#domain/record.ts';
import { bundleFromTar } from '#domain/record-bundle.ts';
import { compareReports, manifestText, type ReportFile, readManifest } from '#domain/record-reports.ts';
import { recordedChange, type TableChange } from '#domain/record-source.ts';
import { readTar, writeTar } from '#domain/tar.ts';
import type { RecordReplayer } from '#ports/record.ts';
import { exportRecord } from '#use-cases/export-record.ts';
import { recordReports } from '#use-cases/record-reports.ts';
import { createSession } from '../fixtures/factories.ts';

type Item = Record<string, JsonValue>;

/** The entries the chainer would append for these changes of the table, each shard chained in order. */
function chain(changes: TableChange[]): RecordEntry[] {
  const heads = new Map<string, RecordEntry>();
  return changes.map((change, i) => {
    const recorded = recordedChange(change);
    if (!recorded) throw new Error(`change ${i} is not on record`);
    const entry = appendEntry(heads.get(recorded.shard) ?? null, {
      shard: recorded.shard,
      kind: recorded.kind,
      at: new Date(Date.UTC(2021, 5, 28, 15, 0, i)).toISOString(),
      body: recorded.body,
    });
    heads.set(recorded.shard, entry);
    return entry;
  });
}
const insert = (item: Item): TableChange => ({ change: 'insert', item, before: null });
const modify = (before: Item, item: Item): TableChange => ({ change: 'modify', item, before });
const remove = (before: Item): TableChange => ({ change: 'remove', item: null, before });

// Items as the DynamoDB adapters write them (keys and index attributes included: the record drops them).
const programmeItem: Item = {
  pk: 'EVENT',
  sk: 'PROGRAMME',
  type: 'programme',
  version: 1,
  programme: JSON.parse(
    JSON.stringify(
      validateProgramme(
        {
          event: { id: 'unit', name: 'Unit event', timeZone: 'America/New_York' },
          inPerson: { seatsPerDelegation: 1, eligibleCategories: ['MemberState', 'ObserverState'] },
          sessions: [
            createSession({
              speakers: ['Speaker', 'Moderator'],
              floor: { categories: ['MemberState'], roles: ['HeadOfDelegation'] },
            }),
            createSession({
              id: 'session-2',
              title: 'Session II',
              start: '2021-06-28T15:00:00-04:00',
              end: '2021-06-28T18:00:00-04:00',
            }),
          ],
        },
        'unit',
      ),
    ),
  ),
};
const delegationItem = (code: string, name: string, category = 'MemberState'): Item => ({
  pk: `DELEGATION#${code}`,
  sk: 'DELEGATION',
  gsi1pk: `CATEGORY#${category}`,
  gsi1sk: code,
  type: 'delegation',
  version: 1,
  code,
  name,
  category,
  regionalGroup: null,
});
const participantItem = (id: string, code: string, name: string, extra: Item = {}): Item => ({
  pk: `PARTICIPANT#${id}`,
  sk: 'PARTICIPANT',
  gsi1pk: `DELEGATION#${code}#PARTICIPANTS`,
  gsi1sk: id,
  gsi2pk: 'PARTICIPANTS',
  gsi2sk: id,
  type: 'participant',
  version: 1,
  id,
  name,
  email: `${id}@example.org`,
  delegationCode: code,
  role: 'HeadOfDelegation',
  revoked: false,
  inPersonSeat: null,
  credentialEpoch: 0,
  createdAt: '2021-06-01T00:00:00.000Z',
  updatedAt: '2021-06-01T00:00:00.000Z',
  ...extra,
});
const ledgerItem = (eventType: string, hhmm: string, participantId: string, key: string): Item => ({
  pk: 'LEDGER#session-1',
  sk: key,
  type: 'ledger-event',
  version: 1,
  eventType,
  at: Date.parse(`2021-06-28T${hhmm}:00-04:00`),
  roomId: 'session-1',
  source: 'chime',
  meetingId: 'm-1',
  attendeeId: `a-${participantId}`,
  participantId,
  recordedAt: '2021-06-28T15:00:00.000Z',
});
const joinAudit = (participantId: string, code: string, hhmm: string): Item => {
  const at = new Date(`2021-06-28T${hhmm}:00-04:00`).toISOString();
  return {
    pk: `AUDIT#${at.slice(0, 10)}`,
    sk: `${at}#au-${participantId}`,
    gsi1pk: 'ISSUED#session-1',
    gsi1sk: participantId,
    gsi2pk: 'AUDIT',
    gsi2sk: `${at}#au-${participantId}`,
    type: 'audit',
    version: 1,
    id: `au-${participantId}`,
    at,
    actor: participantId,
    action: 'session.join',
    outcome: 'allowed',
    sessionId: 'session-1',
    participantId,
    delegationCode: code,
  };
};
const floorItem = (event: Item): Item => ({
  pk: 'FLOORLOG#session-1',
  sk: `${event.at}#${event.type}#${event.requestId}#${event.version}`,
  type: 'floorEvent',
  version: 1,
  event,
});
const fraFloor = {
  roomId: 'session-1',
  requestId: 'fr_1',
  participantId: 'p_fra',
  delegationCode: 'FRA',
  mode: 'online',
  by: 'moderator:moderator@example.org',
};

const fraBefore = participantItem('p_fra', 'FRA', 'Old Name');
const fraAfter = participantItem('p_fra', 'FRA', 'Head of Delegation of France', {
  credentialEpoch: 1,
  updatedAt: '2021-06-20T00:00:00.000Z',
});
const vat = delegationItem('VAT', 'Holy See', 'ObserverState');

/** A small event's record: France renamed, the Holy See added then removed, one stay and one intervention. */
const entries = chain([
  insert(programmeItem),
  insert(delegationItem('FRA', 'France')),
  insert(delegationItem('BRA', 'Brazil')),
  insert(vat),
  insert(fraBefore),
  insert(participantItem('p_bra', 'BRA', 'Head of Delegation of Brazil')),
  modify(fraBefore, fraAfter),
  remove(vat),
  insert(joinAudit('p_fra', 'FRA', '11:29')),
  insert(joinAudit('p_bra', 'BRA', '11:31')),
  insert(ledgerItem('Joined', '11:30', 'p_fra', 'k1')),
  insert(ledgerItem('Left', '11:55', 'p_fra', 'k2')),
  insert(
    floorItem({ ...fraFloor, type: 'inscribed', at: '2021-06-28T15:40:00.000Z', version: 1, position: 1 }),
  ),
  insert(
    floorItem({
      ...fraFloor,
      type: 'granted',
      at: '2021-06-28T15:41:00.000Z',
      version: 2,
      grantedAt: '2021-06-28T15:41:00.000Z',
      limitSeconds: 180,
    }),
  ),
  insert(
    floorItem({ ...fraFloor, type: 'ended', at: '2021-06-28T15:43:00.000Z', version: 3, how: 'moderator' }),
  ),
]);
const asOf = new Date('2021-06-28T13:30:00-04:00');
const file = (files: ReportFile[], name: string) => files.find((f) => f.name === name)?.text ?? '';

describe('Function: replayRecord', () => {
  it('keeps the latest image of each key: a modified participant reads as modified', async () => {
    // Act
    const tables = await replayRecord(entries);

    // Assess
    expect((await tables.participants.get('p_fra'))?.name).toBe('Head of Delegation of France');
    expect((await tables.participants.get('p_fra'))?.credentialEpoch).toBe(1);
    expect((await tables.participants.get('p_bra'))?.name).toBe('Head of Delegation of Brazil');
    expect(await tables.ledger.forRoom('session-1')).toHaveLength(2);
    expect(await tables.audit.issuedIn('session-1')).toEqual(['p_fra', 'p_bra']);
    expect((await tables.floors.events('session-1')).map((e) => e.type)).toEqual([
      'inscribed',
      'granted',
      'ended',
    ]);
  });

  it('deletes a removed item', async () => {
    const tables = await replayRecord(entries);
    expect(await tables.delegations.get('VAT')).toBeNull();
    expect((await tables.delegations.list()).map((d) => d.code).sort()).toEqual(['BRA', 'FRA']);
  });

  it('applies each shard in seq order, however the entries are given', async () => {
    // Prepare: the same entries, every shard's order reversed and the shards interleaved differently
    const reversed = [...entries].reverse();

    // Act
    const { images } = replayImages(reversed);
    const files = await recordReports(await replayRecord(reversed), asOf);

    // Assess
    expect(images).toEqual(replayImages(entries).images);
    expect(images.find((i) => i.pk === 'PARTICIPANT#p_fra')?.item.name).toBe('Head of Delegation of France');
    expect(files).toEqual(await recordReports(await replayRecord(entries), asOf));
  });

  it('a removal followed by a new insert of the same key brings the item back', () => {
    const again = chain([insert(vat), remove(vat), insert({ ...vat, name: 'The Holy See' })]);
    expect(replayImages(again).images.map((i) => i.item.name)).toEqual(['The Holy See']);
  });

  it('leaves out, and names, an entry whose body is no change of the table', async () => {
    // Prepare: a shard of other bodies (as a test writes), chained and signed like any other
    const odd = appendEntry(null, {
      shard: 'race.concurrent',
      kind: 'audit',
      at: '2021-06-28T15:00:00.000Z',
      body: { writer: 1, i: 0 },
    });

    // Act
    const tables = await replayRecord([...entries, odd]);

    // Assess
    expect(tables.unreplayed).toEqual([{ shard: 'race.concurrent', seq: 0 }]);
    expect(await recordReports(tables, asOf)).toEqual(await recordReports(await replayRecord(entries), asOf));
  });
});

describe('Function: recordReports', () => {
  it('computes every session’s attendance, the roll call and each floor room’s interventions, as CSV', async () => {
    // Act
    const files = await recordReports(await replayRecord(entries), asOf);

    // Assess
    expect(files.map((f) => f.name)).toEqual([
      'attendance-session-1.csv',
      'attendance-session-2.csv',
      'roll-call.csv',
      'interventions-session-1.csv',
    ]);
    const attendance = file(files, 'attendance-session-1.csv').split('\r\n');
    expect(attendance[0]).toMatch(/^\uFEFFdelegation_code,/);
    expect(attendance).toContain(
      'BRA,Brazil,MemberState,p_bra,Head of Delegation of Brazil,HeadOfDelegation,online,,,0,0,issued-never-connected,',
    );
    expect(attendance.find((l) => l.startsWith('FRA,'))).toContain(
      'Head of Delegation of France,HeadOfDelegation,online,2021-06-28T15:30:00.000Z,2021-06-28T15:55:00.000Z,1500,1,attended',
    );
    expect(file(files, 'roll-call.csv')).toContain('FRA,France,MemberState,online,absent\r\n');
    expect(file(files, 'roll-call.csv')).not.toContain('VAT');
    expect(file(files, 'interventions-session-1.csv')).toContain(
      '\r\n1,FRA,France,p_fra,online,2021-06-28T15:40:00.000Z,2021-06-28T15:41:00.000Z,2021-06-28T15:43:00.000Z,120,180,0,0,moderator\r\n',
    );
  });

  it('reads the replayed tables and writes nothing to them (the reports’ own audit records are dropped)', async () => {
    const tables = await replayRecord(entries);
    const before = await tables.audit.recent(100);
    const first = await recordReports(tables, asOf);
    expect(await tables.audit.recent(100)).toEqual(before);
    expect(await recordReports(tables, asOf)).toEqual(first);
  });

  it('gives no report when no programme is on record', async () => {
    const files = await recordReports(await replayRecord(chain([insert(vat)])), asOf);
    expect(files).toEqual([]);
  });
});

describe('Function: compareReports', () => {
  const recomputed: ReportFile[] = [
    { name: 'a.csv', text: '\uFEFFx,y\r\n1,2\r\n3,4\r\n' },
    { name: 'b.csv', text: '\uFEFFz\r\n' },
  ];
  const encode = (t: string) => new TextEncoder().encode(t);
  const bundled = (files: Record<string, string>, listed = Object.keys(files)) => ({
    manifest: { asOf: asOf.toISOString(), files: listed },
    files: new Map(Object.entries(files).map(([n, t]) => [n, encode(t)])),
  });

  it('finds nothing when every file is the same, byte for byte', () => {
    expect(
      compareReports(bundled({ 'a.csv': recomputed[0]!.text, 'b.csv': recomputed[1]!.text }), recomputed),
    ).toEqual([]);
  });

  it('names the file and its first differing line', () => {
    const edited = bundled({ 'a.csv': '\uFEFFx,y\r\n1,2\r\n3,5\r\n', 'b.csv': recomputed[1]!.text });
    expect(compareReports(edited, recomputed)).toEqual([
      {
        file: 'reports/a.csv',
        message:
          'reports/a.csv line 3 differs from what the entries give: the bundle has "3,5", the entries give "3,4"',
      },
    ]);
  });

  it('shows a line end changed, and a byte-order mark dropped', () => {
    const [crlf] = compareReports(
      bundled({ 'a.csv': '\uFEFFx,y\n1,2\r\n3,4\r\n', 'b.csv': '\uFEFFz\r\n' }),
      recomputed,
    );
    expect(crlf?.message).toBe(
      'reports/a.csv line 1 differs from what the entries give: the bundle has "\\uFEFFx,y", the entries give "\\uFEFFx,y\\r"',
    );
    const [problem] = compareReports(
      bundled({ 'a.csv': 'x,y\r\n1,2\r\n3,4\r\n', 'b.csv': '\uFEFFz\r\n' }),
      recomputed,
    );
    expect(problem?.message).toBe(
      'reports/a.csv line 1 differs from what the entries give: the bundle has "x,y", the entries give "\\uFEFFx,y"',
    );
  });

  it('names a report missing, one the entries do not give, and a manifest that lists otherwise', () => {
    const problems = compareReports(
      bundled({ 'a.csv': recomputed[0]!.text, 'c.csv': 'extra' }, ['a.csv', 'b.csv']),
      recomputed,
    ).map((p) => p.message);
    expect(problems).toEqual([
      'reports/b.csv is missing from the bundle; the entries give it',
      'reports/c.csv is in the bundle, but the entries give no such report',
      'reports/manifest.json lists b.csv, which is not in the bundle',
      'reports/manifest.json does not list reports/c.csv',
    ]);
  });

  it('reads back the manifest it writes, and refuses one without an instant', () => {
    expect(readManifest(encode(manifestText(asOf, recomputed)))).toEqual({
      asOf: '2021-06-28T17:30:00.000Z',
      files: ['a.csv', 'b.csv'],
    });
    expect(readManifest(encode('{"files": []}'))).toMatch(/no asOf instant/);
    expect(readManifest(encode('{"asOf": "2021-06-28T17:30:00.000Z", "files": ["../x"]}'))).toMatch(
      /no list of report files/,
    );
  });
});

describe('Function: writeTar', () => {
  it('writes a path longer than 100 bytes with ustar’s prefix field, and reads it back', () => {
    const name = `floorpass-record-${'e'.repeat(31)}-20210628T153000Z/reports/interventions-${'s'.repeat(41)}.csv`;
    expect(name.length).toBeGreaterThan(100);
    const [member] = readTar(writeTar([{ name, bytes: new TextEncoder().encode('x') }], 0));
    expect(member?.name).toBe(name);
    expect(() => writeTar([{ name: `${'x'.repeat(101)}`, bytes: new Uint8Array() }], 0)).toThrow(RangeError);
  });
});

describe('Function: exportRecord (its reports)', () => {
  /** Exports `entries` from memory chains, with `replay` for the reports; the archive as read back. */
  async function exported(replay: RecordReplayer) {
    const chains = createMemoryRecordChains();
    const heads = new Map<string, RecordEntry>();
    for (const e of entries) {
      await chains.append(
        e.shard,
        [{ entry: e, source: `s-${e.shard}-${e.seq}` }],
        heads.get(e.shard) ?? null,
      );
      heads.set(e.shard, e);
    }
    let archive: Uint8Array = new Uint8Array();
    const audit = createMemoryAuditLog();
    const answer = await exportRecord(
      {
        eventId: 'unit',
        chains,
        store: { put: async () => {}, list: async () => [] },
        signer: { sign: async () => '', publicKeyPem: async () => 'PEM' },
        exports: {
          put: async (_name, bytes) => {
            archive = bytes;
            return { url: 'memory:', expiresAt: asOf.toISOString() };
          },
        },
        replay,
        audit,
        clock: { now: () => asOf },
        ids: { participantId: () => 'p', placementNonce: () => 'n', auditId: () => 'a' },
      },
      { subject: 'org', email: 'org@example.org', isOrganizer: true },
    );
    const decode = (b?: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
    const { reports } = bundleFromTar(archive);
    return { answer, reports, manifest: JSON.parse(decode(reports?.manifest ?? undefined)), audit, decode };
  }

  it('writes reports/ from the exported entries as of the export, with the manifest', async () => {
    const { answer, reports, manifest, decode } = await exported(replayRecord);
    const expected = await recordReports(await replayRecord(entries), asOf);
    expect(answer.reports).toBe(4);
    expect(manifest).toEqual({ asOf: asOf.toISOString(), files: expected.map((f) => f.name) });
    for (const f of expected) expect(decode(reports?.files.get(f.name))).toBe(f.text);
  });

  it('still exports the record when the reports cannot be computed, saying why in the manifest', async () => {
    const { answer, manifest, audit } = await exported(async () => {
      throw new Error('out of memory');
    });
    expect(answer.entries).toBe(entries.length);
    expect(manifest).toEqual({
      asOf: asOf.toISOString(),
      files: [],
      omitted: 'the reports could not be computed: out of memory',
    });
    expect(audit.records[0]?.details).toMatchObject({ reports: 0, reportsOmitted: manifest.omitted });
  });
});
