import {
  type ChimeSDKMeetingsClient,
  DeleteMeetingCommand,
  GetAttendeeCommand,
} from '@aws-sdk/client-chime-sdk-meetings';
import { MeetingSessionConfiguration } from 'amazon-chime-sdk-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, chimeClientFor, startTestStack } from '../support/local-stack.ts';

const FRA = 'hod.fra@example.org';
const BRA = 'delegate.bra@example.org';
const VAT = 'delegate.vat@example.org';
const CSO = 'speaker.cso@example.org';
const ORG = 'organizer@example.org';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let chime: ChimeSDKMeetingsClient;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
  chime = chimeClientFor(stack, { maxAttempts: 1 });
});
afterAll(async () => {
  await stack?.stop();
});

async function participantId(email: string): Promise<string> {
  const code = email.split('@')[0]?.split('.')[1]?.toUpperCase() ?? '';
  const list = await api.call('GET', `/participants?delegation=${code === 'CSO' ? 'GNWP' : code}`, {
    as: ORG,
  });
  const found = list.body.items.find((p: { email: string }) => p.email === email);
  if (!found) throw new Error(`no participant ${email}`);
  return found.id;
}

describe('Route: POST /sessions/{sessionId}/join', () => {
  it('gives France’s Head of Delegation Session I credentials that amazon-chime-sdk-js accepts', async () => {
    // Act
    const res = await api.call('POST', '/sessions/session-1/join', { as: FRA });

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.session.id).toBe('session-1');
    expect(res.body.meeting.MeetingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.meeting.MediaPlacement.SignalingUrl).toMatch(/^wss:\/\//);
    expect(res.body.attendee.JoinToken.length).toBeGreaterThan(20);
    // The participant's opaque id and a placement nonce: never an email or a name.
    expect(res.body.attendee.ExternalUserId).toMatch(/^p_[0-9a-z]{20}\.[0-9a-z]{8}$/);
    expect(res.body.attendee.ExternalUserId).not.toContain('@');
    // Listen-only until given the floor (they are heard only while they hold it), for at most 180 s.
    expect(res.body.capabilities).toEqual({ Audio: 'Receive', Video: 'Receive', Content: 'Receive' });
    expect(res.body.maySpeak).toBe(false);
    expect(res.body.interventionLimitSeconds).toBe(180);
    const config = new MeetingSessionConfiguration(res.body.meeting, res.body.attendee);
    expect(config.meetingId).toBe(res.body.meeting.MeetingId);
    expect(config.credentials?.attendeeId).toBe(res.body.attendee.AttendeeId);
    expect(config.credentials?.joinToken).toBe(res.body.attendee.JoinToken);
    expect(config.urls?.signalingURL).toBe(res.body.meeting.MediaPlacement.SignalingUrl);
  });

  it('returns the same stored attendee on a rejoin, without a new Chime attendee', async () => {
    // Prepare
    const first = await api.call('POST', '/sessions/session-1/join', { as: FRA });
    const callsBefore = stack.emulator.stats().calls.CreateAttendee ?? 0;

    // Act
    const again = await api.call('POST', '/sessions/session-1/join', { as: FRA });

    // Assess
    expect(again.status).toBe(200);
    expect(again.body.attendee.AttendeeId).toBe(first.body.attendee.AttendeeId);
    expect(again.body.attendee.JoinToken).toBe(first.body.attendee.JoinToken);
    expect(stack.emulator.stats().calls.CreateAttendee ?? 0).toBe(callsBefore);
  });

  it('refuses the Holy See (an Observer State) Session I with SESSION_RESTRICTED', async () => {
    const res = await api.call('POST', '/sessions/session-1/join', { as: VAT });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('SESSION_RESTRICTED');
    expect(res.body.error.message).toContain('Member States only');
  });

  it('refuses the civil-society speaker Session I with SESSION_RESTRICTED', async () => {
    const res = await api.call('POST', '/sessions/session-1/join', { as: CSO });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('SESSION_RESTRICTED');
  });

  it('lets UNOCT’s moderator into Session I as an invited presenter, with content sharing', async () => {
    // The concept note: Session I is open to Member States only, and features UN entities' presentations.
    const res = await api.call('POST', '/sessions/session-1/join', { as: 'moderator@example.org' });
    expect(res.status).toBe(200);
    expect(res.body.meetingRole).toBe('primary');
    expect(res.body.capabilities).toEqual({
      Audio: 'SendReceive',
      Video: 'SendReceive',
      Content: 'SendReceive',
    });
  });

  it('tells the civil-society speaker when Session III opens (OUTSIDE_JOIN_WINDOW)', async () => {
    const res = await api.call('POST', '/sessions/session-3/join', { as: CSO });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('OUTSIDE_JOIN_WINDOW');
    expect(res.body.error.opensAt).toBe('2021-06-29T13:30:00.000Z');
    expect(res.body.error.message).toContain('2021-06-29T13:30:00.000Z');
  });

  it('says a closed room has closed (the opening session ended at 11:00)', async () => {
    const res = await api.call('POST', '/sessions/opening/join', { as: FRA });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('OUTSIDE_JOIN_WINDOW');
    expect(res.body.error.message).toMatch(/closed at/);
    expect(res.body.error.opensAt).toBeUndefined();
  });

  it('refuses Brazil’s delegate online once they hold Brazil’s in-person seat (IN_PERSON_SEAT_HOLDER)', async () => {
    // Prepare: the delegate has online credentials first
    const before = await api.call('POST', '/sessions/session-1/join', { as: BRA });
    expect(before.status).toBe(200);
    const id = await participantId(BRA);

    // Act
    const seat = await api.call('PUT', '/delegations/BRA/in-person-seat', {
      as: ORG,
      body: { participantId: id },
    });
    const after = await api.call('POST', '/sessions/session-1/join', { as: BRA });

    // Assess: refused, and the token handed out before no longer works in Chime
    expect(seat.status).toBe(200);
    expect(seat.body.credentials).toEqual({ deleted: 1, updated: 0 });
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('IN_PERSON_SEAT_HOLDER');
    await expect(
      chime.send(
        new GetAttendeeCommand({
          MeetingId: before.body.meeting.MeetingId,
          AttendeeId: before.body.attendee.AttendeeId,
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundException' });

    // Released for a hand-over, they may join online again
    const release = await api.call('DELETE', '/delegations/BRA/in-person-seat', { as: ORG });
    expect(release.body).toMatchObject({ released: true, previousHolderId: id });
    expect((await api.call('POST', '/sessions/session-1/join', { as: BRA })).status).toBe(200);
  });

  it('refuses an identity with no participant record (NOT_REGISTERED)', async () => {
    const res = await api.call('POST', '/sessions/session-1/join', { as: 'stranger@example.net' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_REGISTERED');
  });

  it('refuses an unknown room (UNKNOWN_SESSION, 404)', async () => {
    const res = await api.call('POST', '/sessions/session-9/join', { as: FRA });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('UNKNOWN_SESSION');
  });

  it('refuses a request without a valid token (UNAUTHENTICATED, 401)', async () => {
    const none = await api.call('POST', '/sessions/session-1/join');
    const forged = await api.call('POST', '/sessions/session-1/join', {
      token: `${await api.tokenFor(FRA)}x`,
    });
    const foreign = await api.call('POST', '/sessions/session-1/join', {
      token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZW1haWwiOiJob2QuZnJhQGV4YW1wbGUub3JnIn0.c2lnbmF0dXJl',
    });
    for (const res of [none, forged, foreign]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('revokes a participant: refused with PARTICIPANT_REVOKED and their token deleted in Chime', async () => {
    // Prepare
    const joined = await api.call('POST', '/sessions/session-1/join', { as: 'delegate.fra@example.org' });
    expect(joined.status).toBe(200);
    const id = await participantId('delegate.fra@example.org');

    // Act
    const revoke = await api.call('POST', `/participants/${id}/revoke`, { as: ORG });
    const after = await api.call('POST', '/sessions/session-1/join', { as: 'delegate.fra@example.org' });

    // Assess
    expect(revoke.status).toBe(200);
    expect(revoke.body.revoked).toBe(true);
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('PARTICIPANT_REVOKED');
    await expect(
      chime.send(
        new GetAttendeeCommand({
          MeetingId: joined.body.meeting.MeetingId,
          AttendeeId: joined.body.attendee.AttendeeId,
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('gives the moderator content sharing, and a Delegate (who may not speak) receive-only', async () => {
    // Prepare: the moderator and a new delegate in Session I's audience (Member State)
    await api.call('POST', '/participants/import', {
      as: ORG,
      body: [
        { name: 'Delegate of Kenya', email: 'delegate.ken@example.org', delegation: 'KEN', role: 'Delegate' },
      ],
    });

    // Act
    const delegate = await api.call('POST', '/sessions/session-1/join', { as: 'delegate.ken@example.org' });
    stack.clock.set(new Date('2021-06-28T15:10:00-04:00'));
    const moderator = await api.call('POST', '/sessions/session-2a/join', { as: 'moderator@example.org' });
    stack.clock.set(new Date('2021-06-28T11:30:00-04:00'));

    // Assess
    expect(delegate.body.capabilities).toEqual({ Audio: 'Receive', Video: 'Receive', Content: 'Receive' });
    expect(delegate.body.maySpeak).toBe(false);
    expect(moderator.body.capabilities).toEqual({
      Audio: 'SendReceive',
      Video: 'SendReceive',
      Content: 'SendReceive',
    });
    expect(moderator.body.interventionLimitSeconds).toBeNull();
  });

  it('replaces a meeting that Chime has ended, transparently', async () => {
    // Prepare: a live meeting, then Chime ends it (as after five minutes with nobody connected)
    const first = await api.call('POST', '/sessions/session-1/join', { as: FRA });
    await chime.send(new DeleteMeetingCommand({ MeetingId: first.body.meeting.MeetingId }));
    stack.clock.set(new Date(stack.clock.now().getTime() + 60_000));

    // Act
    const again = await api.call('POST', '/sessions/session-1/join', { as: FRA });

    // Assess: a new meeting, a new attendee in it
    expect(again.status).toBe(200);
    expect(again.body.meeting.MeetingId).not.toBe(first.body.meeting.MeetingId);
    expect(again.body.attendee.AttendeeId).not.toBe(first.body.attendee.AttendeeId);
    const fresh = await chime.send(
      new GetAttendeeCommand({
        MeetingId: again.body.meeting.MeetingId,
        AttendeeId: again.body.attendee.AttendeeId,
      }),
    );
    expect(fresh.Attendee?.ExternalUserId).toBe(again.body.attendee.ExternalUserId);
  });

  it('rides out a storm of Chime 429s and still joins', async () => {
    // Prepare: a participant with no attendee yet, and Chime throttling the next four calls
    await api.call('POST', '/participants/import', {
      as: ORG,
      body: [
        { name: 'HoD Japan', email: 'hod.jpn@example.org', delegation: 'JPN', role: 'HeadOfDelegation' },
      ],
    });
    const throttledBefore = stack.emulator.stats().throttled.CreateAttendee ?? 0;
    stack.emulator.injectThrottles('CreateAttendee', 4);

    // Act
    const res = await api.call('POST', '/sessions/session-1/join', { as: 'hod.jpn@example.org' });

    // Assess
    expect(res.status).toBe(200);
    expect((stack.emulator.stats().throttled.CreateAttendee ?? 0) - throttledBefore).toBe(4);
  });

  it('writes every decision, allow and deny, to the audit log without the join token', async () => {
    // Prepare
    const { deps } = stack;
    const joined = await api.call('POST', '/sessions/session-1/join', { as: FRA });
    await api.call('POST', '/sessions/session-1/join', { as: VAT });

    // Act
    const records = await deps.audit.recent(50);

    // Assess
    const joins = records.filter((r) => r.action === 'session.join');
    expect(joins.some((r) => r.outcome === 'allowed' && r.sessionId === 'session-1')).toBe(true);
    expect(joins.some((r) => r.outcome === 'denied' && r.code === 'SESSION_RESTRICTED')).toBe(true);
    expect(JSON.stringify(records)).not.toContain(joined.body.attendee.JoinToken);
  });
});

describe('Route: GET /me', () => {
  it('tells France’s Head of Delegation which rooms are open now, and why the others are not', async () => {
    const res = await api.call('GET', '/me', { as: FRA });
    expect(res.status).toBe(200);
    expect(res.body.delegation).toEqual({ code: 'FRA', name: 'France', category: 'MemberState' });
    const byId = Object.fromEntries(res.body.sessions.map((s: { id: string }) => [s.id, s]));
    expect(Object.keys(byId)).toEqual([
      'opening',
      'session-1',
      'session-2a',
      'session-2b',
      'session-2c',
      'session-3',
      'session-4a',
      'session-4b',
      'session-4c',
      'session-5',
      'closing',
    ]);
    expect(byId['session-1']).toMatchObject({
      canJoin: true,
      maySpeak: false,
      interventionLimitSeconds: 180,
    });
    expect(byId['session-2a']).toMatchObject({
      canJoin: false,
      reason: { code: 'OUTSIDE_JOIN_WINDOW' },
      opensAt: '2021-06-28T18:30:00.000Z',
    });
    expect(byId.opening).toMatchObject({ canJoin: false, reason: { code: 'OUTSIDE_JOIN_WINDOW' } });
  });

  it('tells the Holy See delegate that Session I is for Member States only', async () => {
    const res = await api.call('GET', '/me', { as: VAT });
    const s1 = res.body.sessions.find((s: { id: string }) => s.id === 'session-1');
    expect(res.body.delegation.category).toBe('ObserverState');
    expect(s1).toMatchObject({ canJoin: false, reason: { code: 'SESSION_RESTRICTED' } });
  });

  it('answers NOT_REGISTERED for an identity with no participant record', async () => {
    const res = await api.call('GET', '/me', { as: 'stranger@example.net' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_REGISTERED');
  });
});
