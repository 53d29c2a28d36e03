import { DeleteMeetingCommand } from '@aws-sdk/client-chime-sdk-meetings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participantIdOf } from '#domain/participants.ts';
import type { LocalStack } from '../../local/stack.ts';
import { apiClient, chimeClientFor, startTestStack } from '../support/local-stack.ts';

const ORG = 'organizer@example.org';
const FRA = 'hod.fra@example.org';
let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
const at = (hhmm: string) => new Date(`2021-06-28T${hhmm}:00-04:00`);
const freeze = (instant: Date) => stack.clock.set(instant, { frozen: true });

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
});
afterAll(async () => {
  await stack?.stop();
});

describe('Route: GET /me/attendance after a meeting ends', () => {
  it('closes the stay at the meeting’s end, as the organizer’s report does', async () => {
    // Prepare: France connects at 11:30; Chime ends the meeting at 11:50 (no Left is sent); it is 12:10,
    // before the room's scheduled end (13:00), so only the meeting's end can close the stay.
    freeze(at('11:30'));
    const joined = (await api.call('POST', '/sessions/session-1/join', { as: FRA })).body;
    stack.emulator.connect(joined.meeting.MeetingId, joined.attendee.AttendeeId);
    freeze(at('11:50'));
    const chime = chimeClientFor(stack, { maxAttempts: 1 });
    await chime.send(new DeleteMeetingCommand({ MeetingId: joined.meeting.MeetingId }));
    chime.destroy();
    await stack.pipeline.flush();
    freeze(at('12:10'));

    // Act
    const organizer = await api.call('GET', '/sessions/session-1/attendance', { as: ORG });
    const mine = await api.call('GET', '/me/attendance', { as: FRA });

    // Assess
    const row = organizer.body.rows.find(
      (r: { participantId: string }) => r.participantId === participantIdOf(joined.attendee.ExternalUserId),
    );
    const own = mine.body.sessions.find((s: { sessionId: string }) => s.sessionId === 'session-1').attendance;
    const expected = {
      mode: 'online',
      status: 'attended',
      firstIn: at('11:30').toISOString(),
      lastOut: at('11:50').toISOString(),
      totalSeconds: 1200,
      intervals: [
        {
          from: at('11:30').toISOString(),
          to: at('11:50').toISOString(),
          seconds: 1200,
          reconnects: 0,
          closedBy: 'meeting-end',
        },
      ],
    };
    expect(row).toMatchObject(expected);
    expect(own).toEqual([expected]);
  });
});
