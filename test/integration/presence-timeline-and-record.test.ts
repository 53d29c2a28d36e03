import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

/**
 * Two routes the console reads, on DynamoDB Local: a room's presence over time (which must agree with
 * its attendance report and with who is present now), and the verifiable record's state (which must
 * agree with what the export then carries).
 */
const ORG = 'organizer@example.org';
const FRA = 'hod.fra@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
const at = (hhmm: string) => new Date(`2021-06-28T${hhmm}:00-04:00`);
const freeze = (instant: Date) => stack.clock.set(instant, { frozen: true });

beforeAll(async () => {
  stack = await startTestStack({ chainRecord: true, provisioning: false });
  api = apiClient(stack);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function idOf(email: string, delegation: string): Promise<string> {
  const list = await api.call('GET', `/participants?delegation=${delegation}`, { as: ORG });
  return list.body.items.find((p: { email: string }) => p.email === email).id;
}

interface Point {
  at: string;
  online: number;
  inPerson: number;
  people: number;
}

describe('GET /sessions/{sessionId}/presence/timeline on the local stack', () => {
  let timeline: {
    status: number;
    body: { points: Point[]; totals: Record<string, number>; [k: string]: unknown };
  };
  const point = (hhmm: string) => {
    const found = timeline.body.points.find((p) => p.at === at(hhmm).toISOString());
    if (!found) throw new Error(`no point at ${hhmm}`);
    return found;
  };

  beforeAll(async () => {
    // France's Head of Delegation: in at 11:30, a drop 11:40–11:41, out at 11:55; back at 12:00, still in.
    // Brazil's delegate holds the seat and is checked in at the door 11:45–12:05.
    freeze(at('11:20'));
    const delegate = await idOf('delegate.bra@example.org', 'BRA');
    await api.call('PUT', '/delegations/BRA/in-person-seat', { as: ORG, body: { participantId: delegate } });
    freeze(at('11:30'));
    const first = (await api.call('POST', '/sessions/session-1/join', { as: FRA })).body;
    stack.emulator.connect(first.meeting.MeetingId, first.attendee.AttendeeId);
    freeze(at('11:40'));
    stack.emulator.drop(first.meeting.MeetingId, first.attendee.AttendeeId);
    freeze(at('11:41'));
    stack.emulator.connect(first.meeting.MeetingId, first.attendee.AttendeeId);
    freeze(at('11:45'));
    const checkIn = await api.call('POST', '/sessions/session-1/check-ins', {
      as: ORG,
      body: { participantId: delegate, direction: 'in' },
    });
    expect(checkIn.status, checkIn.text).toBe(201);
    freeze(at('11:55'));
    stack.emulator.leave(first.meeting.MeetingId, first.attendee.AttendeeId);
    freeze(at('12:00'));
    const second = (await api.call('POST', '/sessions/session-1/join', { as: FRA })).body;
    stack.emulator.connect(second.meeting.MeetingId, second.attendee.AttendeeId);
    freeze(at('12:05'));
    await api.call('POST', '/sessions/session-1/check-ins', {
      as: ORG,
      body: { participantId: delegate, direction: 'out' },
    });
    freeze(new Date(at('12:10').getTime() + 30_000));
    await stack.pipeline.flush();
    timeline = await api.call('GET', '/sessions/session-1/presence/timeline', { as: ORG });
    expect(timeline.status, JSON.stringify(timeline.body)).toBe(200);
  });

  it('has a point a minute from the doors opening (10:30) to now, and nothing after now', () => {
    expect(timeline.body).toMatchObject({
      sessionId: 'session-1',
      from: at('10:30').toISOString(),
      to: new Date(at('12:10').getTime() + 30_000).toISOString(),
      stepSeconds: 60,
    });
    expect(timeline.body.points).toHaveLength(101);
    expect(timeline.body.points.at(-1)?.at).toBe(at('12:10').toISOString());
  });

  it('counts France online through the drop, not after it left, and once again after its rejoin', () => {
    expect(point('11:29')).toMatchObject({ online: 0, people: 0 });
    expect(point('11:30')).toMatchObject({ online: 1 });
    expect(point('11:40')).toMatchObject({ online: 1 });
    expect(point('11:54')).toMatchObject({ online: 1 });
    expect(point('11:55')).toMatchObject({ online: 0 });
    expect(point('12:00')).toMatchObject({ online: 1 });
    expect(point('12:10')).toMatchObject({ online: 1 });
  });

  it('counts Brazil in person between its check-in and check-out, and both people when both are in', () => {
    expect(point('11:44')).toEqual({ at: at('11:44').toISOString(), online: 1, inPerson: 0, people: 1 });
    expect(point('11:50')).toEqual({ at: at('11:50').toISOString(), online: 1, inPerson: 1, people: 2 });
    expect(point('11:57')).toEqual({ at: at('11:57').toISOString(), online: 0, inPerson: 1, people: 1 });
    expect(point('12:05')).toMatchObject({ inPerson: 0 });
  });

  it('agrees with the attendance report’s totals and with who is present now', async () => {
    const report = await api.call('GET', '/sessions/session-1/attendance', { as: ORG });
    const presence = await api.call('GET', '/sessions/session-1/presence', { as: ORG });
    const rows: { participantId: string; mode: string; stays: number }[] = report.body.rows;
    const inMode = (mode: string) =>
      new Set(rows.filter((r) => r.mode === mode && r.stays > 0).map((r) => r.participantId)).size;

    expect(timeline.body.totals).toEqual({
      people: report.body.summary.participants,
      online: inMode('online'),
      inPerson: inMode('in-person'),
    });
    expect(timeline.body.totals).toEqual({ people: 2, online: 1, inPerson: 1 });
    const last = timeline.body.points.at(-1) as Point;
    expect(last.online + last.inPerson).toBe(presence.body.count);
  });

  it('takes a wider step, refuses one that is not whole minutes, and says which room is unknown', async () => {
    const wide = await api.call('GET', '/sessions/session-1/presence/timeline?step=600', { as: ORG });
    expect(wide.body.stepSeconds).toBe(600);
    expect(wide.body.points).toHaveLength(11);
    expect(wide.body.points[7]).toMatchObject({ at: at('11:40').toISOString(), online: 1, inPerson: 1 });

    const odd = await api.call('GET', '/sessions/session-1/presence/timeline?step=90', { as: ORG });
    expect(odd.status).toBe(400);
    expect(odd.body.error.code).toBe('VALIDATION_FAILED');
    const unknown = await api.call('GET', '/sessions/session-9/presence/timeline', { as: ORG });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('UNKNOWN_SESSION');
  });

  it('has no points for a room whose doors have not opened', async () => {
    const later = await api.call('GET', '/sessions/session-5/presence/timeline', { as: ORG });
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ points: [], totals: { online: 0, inPerson: 0, people: 0 } });
    expect(later.body.to).toBe(later.body.from);
  });

  it('is for organizers only', async () => {
    const res = await api.call('GET', '/sessions/session-1/presence/timeline', { as: FRA });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('GET /record on the local stack', () => {
  it('says the key’s fingerprint, and that nothing is signed before the first checkpoint', async () => {
    await stack.record.flush();
    const res = await api.call('GET', '/record', { as: ORG });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.fingerprint).toBe(stack.record.fingerprint);
    expect(res.body.origin).toBe('floorpass/hlc-2021');
    expect(res.body.lastCheckpoint).toBeNull();
    expect(res.body.entries).toBeGreaterThan(0);
    expect(res.body.unproven).toBe(res.body.entries);
  });

  it('shows the last checkpoint once signed, then the entries appended after it, as the export does', async () => {
    // Prepare
    const signed = await stack.record.checkpoint();
    if (signed.outcome !== 'signed') throw new Error(`no checkpoint: ${signed.outcome}`);
    const covered = await api.call('GET', '/record', { as: ORG });
    await api.call('POST', '/sessions/session-1/join', { as: 'delegate.fra@example.org' });
    await stack.record.flush();

    // Act
    const after = await api.call('GET', '/record', { as: ORG });
    const exported = await api.call('GET', '/record/export', { as: ORG });

    // Assess
    expect(covered.body.lastCheckpoint).toEqual({
      index: signed.index,
      time: signed.time,
      size: signed.size,
      shards: covered.body.shards,
    });
    expect(covered.body.unproven).toBe(0);
    expect(after.body.lastCheckpoint).toEqual(covered.body.lastCheckpoint);
    expect(after.body.unproven).toBeGreaterThan(0);
    expect(after.body.entries).toBe(signed.size + after.body.unproven);
    expect(exported.status, exported.text).toBe(200);
    expect(exported.body.lastCheckpoint).toEqual({
      index: signed.index,
      time: signed.time,
      size: signed.size,
    });
    expect(exported.body).toMatchObject({ entries: after.body.entries, unproven: after.body.unproven });
  });

  it('is for organizers only', async () => {
    const res = await api.call('GET', '/record', { as: FRA });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});
