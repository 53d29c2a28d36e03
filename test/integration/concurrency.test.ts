import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStates } from '#domain/states.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

const ORG = 'organizer@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  // On-demand joins only: these races are about the join path itself (provisioning has its own tests).
  stack = await startTestStack({ provisioning: false });
  api = apiClient(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('Races: the join path and the in-person seat under concurrency', () => {
  it('ends 50 simultaneous first joins of a room in one Chime meeting, one attendee each', async () => {
    // Prepare: 50 Heads of Delegation of 50 Member States
    const states = seedStates()
      .filter((s) => s.category === 'MemberState')
      .slice(0, 50);
    const rows = states.map((s) => ({
      name: `Head of Delegation ${s.code}`,
      email: `hod.${s.code.toLowerCase()}@race.example`,
      delegation: s.code,
      role: 'HeadOfDelegation',
    }));
    expect((await api.call('POST', '/participants/import', { as: ORG, body: rows })).status).toBe(200);
    await Promise.all(rows.map((r) => api.tokenFor(r.email)));
    const createMeetingsBefore = stack.emulator.stats().calls.CreateMeeting ?? 0;

    // Act
    const results = await Promise.all(
      rows.map((r) => api.call('POST', '/sessions/session-1/join', { as: r.email })),
    );

    // Assess
    expect(results.map((r) => r.status)).toEqual(rows.map(() => 200));
    const meetingIds = new Set(results.map((r) => r.body.meeting.MeetingId));
    expect(meetingIds.size).toBe(1);
    expect((stack.emulator.stats().calls.CreateMeeting ?? 0) - createMeetingsBefore).toBe(1);
    const attendeeIds = new Set(results.map((r) => r.body.attendee.AttendeeId));
    expect(attendeeIds.size).toBe(50);
    expect(stack.emulator.stats().attendees).toBe(50);
  });

  it('gives two devices of one participant joining at once the same attendee', async () => {
    // Prepare
    await api.call('POST', '/participants/import', {
      as: ORG,
      body: [{ name: 'Two Devices', email: 'two.devices@race.example', delegation: 'DEU', role: 'Delegate' }],
    });
    const before = stack.emulator.stats().attendees;

    // Act
    const [a, b, c] = await Promise.all(
      [1, 2, 3].map(() => api.call('POST', '/sessions/session-1/join', { as: 'two.devices@race.example' })),
    );

    // Assess
    expect(a?.body.attendee.AttendeeId).toBe(b?.body.attendee.AttendeeId);
    expect(b?.body.attendee.AttendeeId).toBe(c?.body.attendee.AttendeeId);
    expect(stack.emulator.stats().attendees - before).toBe(1);
  });

  it('leaves exactly one holder after 100 concurrent claims of one State’s seat', async () => {
    // Prepare: 100 delegates of Canada
    const rows = Array.from({ length: 100 }, (_, i) => ({
      name: `Delegate ${i} of Canada`,
      email: `delegate${i}.can@race.example`,
      delegation: 'CAN',
      role: 'Delegate',
    }));
    const imported = await api.call('POST', '/participants/import', { as: ORG, body: rows });
    const ids: string[] = imported.body.participants.map((p: { id: string }) => p.id);
    expect(ids).toHaveLength(100);

    // Act
    const claims = await Promise.all(
      ids.map((participantId) =>
        api.call('PUT', '/delegations/CAN/in-person-seat', { as: ORG, body: { participantId } }),
      ),
    );

    // Assess
    const won = claims.filter((c) => c.status === 200);
    const refused = claims.filter((c) => c.status === 409);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(99);
    expect(refused.every((c) => c.body.error.code === 'SEAT_TAKEN')).toBe(true);
    const holder = await api.call('GET', '/delegations/CAN/in-person-seat', { as: ORG });
    expect(holder.body.holderId).toBe(won[0]?.body.holder.id);
    const listed = await api.call('GET', '/participants?delegation=CAN&limit=500', { as: ORG });
    const seated = listed.body.items.filter((p: { inPersonSeat: string | null }) => p.inPersonSeat === 'CAN');
    expect(seated.map((p: { id: string }) => p.id)).toEqual([holder.body.holderId]);
  });
});

describe('Races: imports are all or nothing', () => {
  const delegates = (tag: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      name: `Delegate ${tag}-${i}`,
      email: `${tag}.${i}@imports.example`,
      delegation: 'NOR',
      role: 'Delegate',
    }));
  const registered = async () =>
    new Set(
      (await api.call('GET', '/participants?delegation=NOR&limit=500', { as: ORG })).body.items.map(
        (p: { email: string }) => p.email,
      ),
    );

  it('applies each of 8 overlapping concurrent imports wholly or not at all, and audits what happened', async () => {
    // Prepare: 8 imports of 100 rows (more than one transaction), 80 of their own, then 20 shared by all
    const shared = delegates('shared', 20);
    const imports = Array.from({ length: 8 }, (_, k) => [...delegates(`own${k}`, 80), ...shared]);
    const auditBefore = (await api.call('GET', '/audit?limit=500', { as: ORG })).body.items.length;

    // Act
    const results = await Promise.all(
      imports.map((rows) => api.call('POST', '/participants/import', { as: ORG, body: rows })),
    );

    // Assess: every import either wrote all its rows or none of its own
    const emails = await registered();
    const succeeded = results.filter((r) => r.status === 200);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    results.forEach((res, k) => {
      const own = (imports[k] ?? []).slice(0, 80).map((r) => r.email);
      if (res.status === 200) {
        expect(own.every((e) => emails.has(e))).toBe(true);
      } else {
        expect(res.status).toBe(409);
        expect(['IMPORT_IN_PROGRESS', 'EMAIL_IN_USE', 'IMPORT_CONFLICT']).toContain(res.body.error.code);
        expect(own.filter((e) => emails.has(e))).toEqual([]);
      }
    });
    expect(emails.size).toBe(20 + 80 * succeeded.length);
    // The audit counts what was written: the successes' creations, and each refusal as failed
    const trail = (await api.call('GET', '/audit?limit=500', { as: ORG })).body.items;
    const audit = trail
      .slice(0, trail.length - auditBefore)
      .filter((r: { action: string }) => r.action === 'participants.import');
    const ok = audit.filter((r: { outcome: string }) => r.outcome === 'succeeded');
    const failed = audit.filter((r: { outcome: string }) => r.outcome === 'failed');
    expect(ok).toHaveLength(succeeded.length);
    expect(failed).toHaveLength(8 - succeeded.length);
    expect(ok.reduce((n: number, r: { details: { created: number } }) => n + r.details.created, 0)).toBe(
      emails.size,
    );
  });

  it('undoes every transaction already written when a later one fails (an import larger than a transaction)', async () => {
    // Prepare: 160 new rows (four transactions of 50); the 130th email is taken meanwhile by someone else
    const { createDocumentClient } = await import('#adapters/dynamodb/client.ts');
    const { createParticipantRepository } = await import('#adapters/dynamodb/participant-repository.ts');
    const doc = createDocumentClient({ endpoint: stack.dynamoEndpoint, region: 'us-east-1' });
    const repository = createParticipantRepository({ doc, tableName: stack.tableName });
    const rows = delegates('big', 160);
    const now = new Date().toISOString();
    const creates = rows.map((r, i) => ({
      id: `p_big${String(i).padStart(17, '0')}`,
      name: r.name,
      email: r.email,
      delegationCode: 'NOR',
      role: 'Delegate' as const,
      revoked: false,
      inPersonSeat: null,
      credentialEpoch: 0,
      createdAt: now,
      updatedAt: now,
    }));
    const taken = creates[129];
    if (!taken) throw new Error('no row 130');
    await repository.saveImport([{ ...taken, id: 'p_someoneelse000000000' }], []);
    const before = await registered();

    // Act
    const error = await repository.saveImport(creates, []).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'EMAIL_IN_USE' });
    const after = await registered();
    expect([...after].filter((e) => !before.has(e))).toEqual([]);
    for (const id of ['p_big00000000000000000', 'p_big00000000000000099']) {
      expect(await repository.get(id)).toBeNull();
    }
    // The lock is free again: the next import runs
    await expect(repository.saveImport(creates.slice(0, 1), [])).resolves.toBeUndefined();

    // An update of a participant that changed after the import read it: IMPORT_CONFLICT, creates undone
    const first = creates[0] as (typeof creates)[number];
    const stale = { ...first, updatedAt: '2000-01-01T00:00:00.000Z' };
    const later = { ...first, role: 'HeadOfDelegation' as const, updatedAt: new Date().toISOString() };
    const conflict = await repository
      .saveImport(creates.slice(1, 60), [{ previous: stale, next: later }])
      .catch((e: unknown) => e);
    expect(conflict).toMatchObject({ code: 'IMPORT_CONFLICT' });
    expect((await repository.get(first.id))?.role).toBe('Delegate');
    expect(await repository.get(creates[1]?.id as string)).toBeNull();
    doc.destroy();
  });
});
