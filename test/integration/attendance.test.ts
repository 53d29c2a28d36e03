import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '#domain/csv.ts';
import { participantIdOf } from '#domain/participants.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

const ORG = 'organizer@example.org';
const FRA = 'hod.fra@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
const at = (hhmm: string) => new Date(`2021-06-28T${hhmm}:00-04:00`);
/** The clock stands still at each step, so that the figures are exact. */
const freeze = (instant: Date) => stack.clock.set(instant, { frozen: true });

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
});
afterAll(async () => {
  await stack?.stop();
});

async function idOf(email: string, delegation: string): Promise<string> {
  const list = await api.call('GET', `/participants?delegation=${delegation}`, { as: ORG });
  return list.body.items.find((p: { email: string }) => p.email === email).id;
}

/** Without the moving parts of a live report (asOf), for comparing two reads. */
const stable = (body: { asOf?: string }) => ({ ...body, asOf: undefined });

describe('Attendance: France’s Head of Delegation in Session I, on the local stack', () => {
  let joined: { meeting: { MeetingId: string }; attendee: { AttendeeId: string } };
  let fraId: string;

  beforeAll(async () => {
    // France joins at 11:30; the client connects, drops at 11:40, reconnects at 11:41, leaves at 11:55.
    freeze(at('11:30'));
    joined = (await api.call('POST', '/sessions/session-1/join', { as: FRA })).body;
    fraId = await idOf(FRA, 'FRA');
    const { MeetingId } = joined.meeting;
    const { AttendeeId } = joined.attendee;
    stack.emulator.connect(MeetingId, AttendeeId);
    freeze(at('11:40'));
    stack.emulator.drop(MeetingId, AttendeeId);
    freeze(at('11:41'));
    stack.emulator.connect(MeetingId, AttendeeId);
    freeze(at('11:55'));
    stack.emulator.leave(MeetingId, AttendeeId);
    // The Holy See is refused; Brazil's HoD gets credentials and never connects.
    await api.call('POST', '/sessions/session-1/join', { as: 'delegate.vat@example.org' });
    await api.call('POST', '/sessions/session-1/join', { as: 'hod.bra@example.org' });
    freeze(at('13:30'));
    await stack.pipeline.flush();
  });

  it('shows one participant with one stay that includes the reconnect, and the right total', async () => {
    const res = await api.call('GET', '/sessions/session-1/attendance', { as: ORG });
    expect(res.status).toBe(200);
    const fra = res.body.rows.filter((r: { participantId: string }) => r.participantId === fraId);
    expect(fra).toEqual([
      {
        delegationCode: 'FRA',
        delegationName: 'France',
        category: 'MemberState',
        participantId: fraId,
        participantName: 'Head of Delegation of France',
        role: 'HeadOfDelegation',
        mode: 'online',
        firstIn: at('11:30').toISOString(),
        lastOut: at('11:55').toISOString(),
        totalSeconds: 24 * 60,
        stays: 1,
        status: 'attended',
        intervals: [
          {
            from: at('11:30').toISOString(),
            to: at('11:55').toISOString(),
            seconds: 1440,
            reconnects: 1,
            closedBy: 'left',
          },
        ],
      },
    ]);
    const bra = res.body.rows.find((r: { delegationCode: string }) => r.delegationCode === 'BRA');
    expect(bra).toMatchObject({ status: 'issued-never-connected', stays: 0, totalSeconds: 0 });
    expect(res.body.summary).toMatchObject({ participants: 1, delegations: 1, issuedNeverConnected: 1 });
  });

  it('gives the same report after every event of the session is replayed three times, shuffled', async () => {
    // Prepare
    const before = await api.call('GET', '/sessions/session-1/attendance', { as: ORG });
    const events = stack.events.filter((e) => e.detail.meetingId === joined.meeting.MeetingId);
    expect(events.map((e) => e.detail.eventType)).toEqual(
      expect.arrayContaining(['chime:AttendeeJoined', 'chime:AttendeeDropped', 'chime:AttendeeLeft']),
    );
    const replay = [...events, ...events, ...events]
      .map((e) => ({ e, k: Math.random() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.e);

    // Act
    for (const e of replay) {
      const res = await fetch(`${stack.url}/_local/eventbridge`, { method: 'POST', body: JSON.stringify(e) });
      expect(((await res.json()) as { matched: boolean }).matched).toBe(true);
    }
    const after = await api.call('GET', '/sessions/session-1/attendance', { as: ORG });

    // Assess
    expect(stable(after.body)).toEqual(stable(before.body));
  });

  it('shows France online for session-1 in the roll call, and the other Member States absent', async () => {
    const res = await api.call('GET', '/roll-call?category=MemberState', { as: ORG });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(193);
    const fra = res.body.rows.find((r: { code: string }) => r.code === 'FRA');
    expect(fra.rooms['session-1']).toEqual({ status: 'online', seconds: 1440 });
    expect(fra.rooms['session-3']).toEqual({ status: 'absent', seconds: 0 });
    const others = res.body.rows.filter((r: { code: string }) => r.code !== 'FRA');
    expect(
      others.every(
        (r: { rooms: Record<string, { status: string }> }) => r.rooms['session-1']?.status === 'absent',
      ),
    ).toBe(true);
  });

  it('has the Holy See’s refused attempt in the audit trail with SESSION_RESTRICTED', async () => {
    const res = await api.call('GET', '/audit?sessionId=session-1&outcome=denied', { as: ORG });
    expect(res.status).toBe(200);
    const vat = res.body.items.filter((r: { delegationCode?: string }) => r.delegationCode === 'VAT');
    expect(vat).toHaveLength(1);
    expect(vat[0]).toMatchObject({ action: 'session.join', outcome: 'denied', code: 'SESSION_RESTRICTED' });
  });

  it('lets a participant read their own attendance, and nothing of anyone else', async () => {
    const mine = await api.call('GET', '/me/attendance', { as: FRA });
    expect(mine.status).toBe(200);
    expect(mine.body.participantId).toBe(fraId);
    const s1 = mine.body.sessions.find((s: { sessionId: string }) => s.sessionId === 'session-1');
    expect(s1.attendance).toEqual([
      expect.objectContaining({ mode: 'online', totalSeconds: 1440, status: 'attended' }),
    ]);
    expect(JSON.stringify(mine.body)).not.toContain('BRA');
    const other = await api.call('GET', '/me/attendance', { as: 'hod.bra@example.org' });
    expect(
      other.body.sessions.find((s: { sessionId: string }) => s.sessionId === 'session-1').attendance,
    ).toEqual([expect.objectContaining({ status: 'issued-never-connected' })]);
  });

  it('exports CSV that a spreadsheet opens: BOM, RFC 4180, stable columns', async () => {
    const res = await api.call('GET', '/sessions/session-1/attendance?format=csv', { as: ORG });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('attendance-session-1.csv');
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      'delegation_code',
      'delegation_name',
      'category',
      'participant_id',
      'participant_name',
      'role',
      'mode',
      'first_in',
      'last_out',
      'total_seconds',
      'stays',
      'status',
      'intervals',
    ]);
    expect(rows.find((r) => r[3] === fraId)?.slice(6, 12)).toEqual([
      'online',
      at('11:30').toISOString(),
      at('11:55').toISOString(),
      '1440',
      '1',
      'attended',
    ]);
  });

  it('audits every export: who exported what', async () => {
    const res = await api.call('GET', '/audit?outcome=succeeded&limit=200', { as: ORG });
    const exports = res.body.items.filter((r: { action: string }) => r.action === 'attendance.export');
    expect(exports.length).toBeGreaterThanOrEqual(4);
    expect(exports[0]).toMatchObject({ actor: `organizer:${ORG}` });
    expect(exports.some((r: { details: { format: string } }) => r.details.format === 'csv')).toBe(true);
  });
});

describe('Attendance: names in every script survive the CSV round trip', () => {
  it('keeps Arabic, Chinese, Cyrillic and Latin names with commas and quotes', async () => {
    // Prepare: four delegates join Session III and connect
    const names = ['محمد بن سلمان، "الوفد"', '王伟, "代表"', 'Иван "Ваня", Петров', 'O’Brien, "Seán"'];
    const rows = names.map((name, i) => ({
      name,
      email: `script${i}@example.org`,
      delegation: ['EGY', 'CHN', 'RUS', 'IRL'][i],
      role: 'Delegate',
    }));
    await api.call('POST', '/participants/import', { as: ORG, body: rows });
    freeze(new Date('2021-06-29T10:05:00-04:00'));
    for (const r of rows) {
      const j = (await api.call('POST', '/sessions/session-3/join', { as: r.email })).body;
      stack.emulator.connect(j.meeting.MeetingId, j.attendee.AttendeeId);
    }
    await stack.pipeline.flush();

    // Act
    const csv = await api.call('GET', '/sessions/session-3/attendance?format=csv', { as: ORG });

    // Assess
    const parsed = parseCsv(csv.text).slice(1);
    expect(parsed.map((r) => r[4]).sort()).toEqual([...names].sort());
    expect(parsed.every((r) => r.length === 13)).toBe(true);
    const presence = await api.call('GET', '/sessions/session-3/presence', { as: ORG });
    expect(presence.body.count).toBe(4);
  });
});

describe('Attendance: door check-ins', () => {
  it('checks in only the State’s seat holder, and shows a hand-over as two stays', async () => {
    // Prepare: Brazil's seat goes to its delegate, at Session V
    freeze(new Date('2021-06-30T10:00:00-04:00'));
    const delegate = await idOf('delegate.bra@example.org', 'BRA');
    const hod = await idOf('hod.bra@example.org', 'BRA');
    await api.call('PUT', '/delegations/BRA/in-person-seat', { as: ORG, body: { participantId: delegate } });

    // Act
    const refused = await api.call('POST', '/sessions/session-5/check-ins', {
      as: ORG,
      body: { participantId: hod, direction: 'in' },
    });
    const cso = await api.call('GET', '/participants?delegation=GNWP', { as: ORG });
    const refusedCso = await api.call('POST', '/sessions/session-5/check-ins', {
      as: ORG,
      body: { participantId: cso.body.items[0].id, direction: 'in' },
    });
    await api.call('POST', '/sessions/session-5/check-ins', {
      as: ORG,
      body: { participantId: delegate, direction: 'in' },
    });
    freeze(new Date('2021-06-30T11:00:00-04:00'));
    await api.call('POST', '/sessions/session-5/check-ins', {
      as: ORG,
      body: { participantId: delegate, direction: 'out' },
    });
    await api.call('DELETE', '/delegations/BRA/in-person-seat', { as: ORG });
    await api.call('PUT', '/delegations/BRA/in-person-seat', { as: ORG, body: { participantId: hod } });
    freeze(new Date('2021-06-30T11:05:00-04:00'));
    const hodIn = await api.call('POST', '/sessions/session-5/check-ins', {
      as: ORG,
      body: { participantId: hod, direction: 'in' },
    });
    freeze(new Date('2021-06-30T12:35:00-04:00'));
    const report = await api.call('GET', '/sessions/session-5/attendance', { as: ORG });
    const rollCall = await api.call('GET', '/roll-call?category=MemberState', { as: ORG });

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('NOT_SEAT_HOLDER');
    expect(refusedCso.body.error.code).toBe('NOT_SEAT_HOLDER');
    expect(hodIn.status).toBe(201);
    const bra = report.body.rows.filter((r: { delegationCode: string }) => r.delegationCode === 'BRA');
    expect(
      bra.map((r: { participantId: string; mode: string; totalSeconds: number; status: string }) => [
        r.participantId,
        r.mode,
        r.totalSeconds,
        r.status,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [delegate, 'in-person', 3600, 'attended'],
        [hod, 'in-person', 90 * 60, 'present-now'],
      ]),
    );
    expect(rollCall.body.rows.find((r: { code: string }) => r.code === 'BRA').rooms['session-5'].status).toBe(
      'in-person',
    );
  });
});

describe('Recorder: malformed and unknown events', () => {
  it('sends a malformed event to the DLQ after retries, and loses nothing else', async () => {
    // Prepare: one good event of a known meeting, one malformed, one for a meeting we never made
    freeze(new Date('2021-06-30T10:30:00-04:00'));
    const j = (await api.call('POST', '/sessions/session-5/join', { as: FRA })).body;
    const good = {
      version: '0',
      id: 'evt-good',
      'detail-type': 'Chime Meeting State Change',
      source: 'aws.chime',
      account: '111122223333',
      time: '2021-06-30T14:31:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        version: '0',
        eventType: 'chime:AttendeeJoined',
        timestamp: Date.parse('2021-06-30T14:31:00Z'),
        meetingId: j.meeting.MeetingId,
        externalMeetingId: 'hlc-2021/session-5',
        attendeeId: j.attendee.AttendeeId,
        externalUserId: j.attendee.ExternalUserId,
        mediaRegion: 'us-east-1',
        networkType: 'Voip',
      },
    };
    const malformed = {
      ...good,
      id: 'evt-bad',
      detail: { eventType: 'chime:AttendeeJoined', meetingId: 'x' },
    };
    const unknown = {
      ...good,
      id: 'evt-unknown',
      detail: { ...good.detail, meetingId: '00000000-0000-0000-0000-000000000000' },
    };
    const deadBefore = stack.pipeline.deadLetters().length;

    // Act: all three in one batch
    stack.pipeline.publish(malformed);
    stack.pipeline.publish(good);
    stack.pipeline.publish(unknown);
    await stack.pipeline.flush();

    // Assess
    const dead = stack.pipeline.deadLetters().slice(deadBefore);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]?.body ?? '{}').id).toBe('evt-bad');
    expect(dead[0]?.receiveCount).toBe(5);
    const dlq = (await (await fetch(`${stack.url}/_local/dlq`)).json()) as { count: number };
    expect(dlq.count).toBeGreaterThanOrEqual(1);
    freeze(new Date('2021-06-30T10:40:00-04:00'));
    const presence = await api.call('GET', '/sessions/session-5/presence', { as: ORG });
    expect(presence.body.rows.map((r: { participantId: string }) => r.participantId)).toContain(
      participantIdOf(j.attendee.ExternalUserId),
    );
    const unmatched = await api.call('GET', '/meeting-events/unmatched', { as: ORG });
    expect(unmatched.body.items).toEqual([
      expect.objectContaining({
        reason: 'unknown meeting',
        event: expect.objectContaining({ id: 'evt-unknown' }),
      }),
    ]);
  });

  it('answers a batch that fails whole with every message listed, logging why but never the body', async () => {
    // Prepare: a body that is not JSON and one that is not a Chime event, as SQS delivers them
    const { createRecordBatch } = await import('../../functions/record-meeting-events.ts');
    const recordBatch = createRecordBatch({ clock: stack.clock });
    const record = (messageId: string, body: string) => ({
      messageId,
      receiptHandle: `handle-${messageId}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1625061060000',
        SenderId: 'events.amazonaws.com',
        ApproximateFirstReceiveTimestamp: '1625061060000',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:meeting-events',
      awsRegion: 'us-east-1',
    });
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation(capture),
    );

    // Act
    const response = await recordBatch({
      Records: [
        record('m-text', 'a1b2c3 joined'),
        record('m-other', JSON.stringify({ source: 'aws.s3', detail: { secretish: 'k-9f8e7d' } })),
      ],
    }).finally(() => {
      for (const spy of spies) spy.mockRestore();
    });

    // Assess
    // (Records are processed in parallel: the order of the failures is not the order of the batch.)
    const ids = response.batchItemFailures.map((f) => f.itemIdentifier);
    expect(ids.sort()).toEqual(['m-other', 'm-text']);
    const failures = lines.filter((l) => l.includes('meeting event not recorded')).map((l) => JSON.parse(l));
    expect(failures).toHaveLength(2);
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ messageId: 'm-text', reason: 'body: not JSON' }),
        expect.objectContaining({ messageId: 'm-other', reason: expect.stringMatching(/^body\./) }),
      ]),
    );
    expect(lines.join('')).not.toMatch(/a1b2c3|k-9f8e7d/);
  });

  it('ignores an event that does not match the rule', async () => {
    const res = await fetch(`${stack.url}/_local/eventbridge`, {
      method: 'POST',
      body: JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }),
    });
    expect(((await res.json()) as { matched: boolean }).matched).toBe(false);
  });
});

describe('Report routes: organizers only', () => {
  const routes = [
    '/sessions/session-1/attendance',
    '/sessions/session-1/attendance?format=csv',
    '/sessions/session-1/presence',
    '/roll-call',
    '/audit',
    '/meeting-events/unmatched',
  ];

  it.each(routes)('GET %s: 200 for an organizer, 403 for a participant, 401 anonymous', async (route) => {
    const organizer = await api.call('GET', route, { as: ORG });
    const participant = await api.call('GET', route, { as: FRA });
    const anonymous = await api.call('GET', route);
    expect(organizer.status).toBe(200);
    expect(participant.status).toBe(403);
    expect(participant.body.error.code).toBe('FORBIDDEN');
    expect(anonymous.status).toBe(401);
  });

  it('answers /me/attendance 401 anonymous and NOT_REGISTERED for a stranger', async () => {
    expect((await api.call('GET', '/me/attendance')).status).toBe(401);
    expect((await api.call('GET', '/me/attendance', { as: 'stranger@example.net' })).body.error.code).toBe(
      'NOT_REGISTERED',
    );
  });

  it('pages the audit trail newest first, and filters by participant and time', async () => {
    const page1 = await api.call('GET', '/audit?limit=3', { as: ORG });
    const page2 = await api.call('GET', `/audit?limit=3&cursor=${page1.body.nextCursor}`, { as: ORG });
    const all = [...page1.body.items, ...page2.body.items];
    expect(all.map((r: { at: string }) => r.at)).toEqual(
      [...all.map((r: { at: string }) => r.at)].sort().reverse(),
    );
    expect(new Set(all.map((r: { id: string }) => r.id)).size).toBe(6);
    const fraId = await idOf(FRA, 'FRA');
    const mine = await api.call('GET', `/audit?participantId=${fraId}`, { as: ORG });
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((r: { participantId: string }) => r.participantId === fraId)).toBe(true);
    const window = await api.call('GET', '/audit?from=2021-06-28T15:00:00Z&to=2021-06-28T16:00:00Z', {
      as: ORG,
    });
    expect(window.body.items.length).toBeGreaterThan(0);
    expect(
      window.body.items.every(
        (r: { at: string }) => r.at >= '2021-06-28T15:00:00.000Z' && r.at <= '2021-06-28T16:00:00.000Z',
      ),
    ).toBe(true);
    const bad = await api.call('GET', '/audit?from=yesterday', { as: ORG });
    expect(bad.status).toBe(400);
  });
});
