import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, startTestStack } from '../support/local-stack.ts';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  // Meetings that hold two attendee records, and one replica allowed per primary: five joins fill
  // the room (attendees made on demand only, so the order of joins decides the places).
  stack = await startTestStack({ chimeMaxAttendeesPerMeeting: 2, maxReplicas: 1, provisioning: false });
  api = apiClient(stack);
  await api.call('POST', '/participants/import', {
    as: 'organizer@example.org',
    body: [
      { name: 'Delegate of Kenya', email: 'delegate.ken@example.org', delegation: 'KEN', role: 'Delegate' },
      { name: 'Delegate of Japan', email: 'delegate.jpn@example.org', delegation: 'JPN', role: 'Delegate' },
    ],
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('Room capacity', () => {
  it('spreads the audience over a replica when the primary is full, then refuses with ROOM_FULL (409), never a 500', async () => {
    const join = (email: string) => api.call('POST', '/sessions/session-1/join', { as: email });
    const hod = await join('hod.fra@example.org');
    const first = await join('delegate.fra@example.org');
    const second = await join('delegate.bra@example.org');
    const third = await join('delegate.ken@example.org');
    const fourth = await join('delegate.jpn@example.org');
    const rejoin = await join('delegate.bra@example.org');

    expect([hod, first, second, third].map((r) => [r.status, r.body.meetingRole])).toEqual([
      [200, 'primary'],
      [200, 'primary'],
      [200, 'replica'],
      [200, 'replica'],
    ]);
    expect(second.body.meeting.PrimaryMeetingId).toBe(hod.body.meeting.MeetingId);
    expect(fourth.status).toBe(409);
    expect(fourth.body.error.code).toBe('ROOM_FULL');
    expect(rejoin.status).toBe(200);
    expect(rejoin.body.attendee.AttendeeId).toBe(second.body.attendee.AttendeeId);
  });
});
