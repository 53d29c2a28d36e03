import { describe, expect, it } from 'vitest';
import { MeetingFullError, MeetingGoneError, type MeetingProvider } from '#ports/meetings.ts';

const caps = { Audio: 'Receive', Video: 'Receive', Content: 'Receive' } as const;
let n = 0;
const token = () => `contract-${Date.now().toString(36)}-${++n}`;

/**
 * The meeting provider's contract, run against the in-memory fake and against the real adapter on the
 * local Chime emulator: what the attendee lifecycle relies on. `maxRecords` is the meetings' record limit
 * that the family was made with (small, so that "full" is cheap to reach).
 */
export function describeMeetingProviderContract(
  name: string,
  family: () => Promise<{
    meetings: MeetingProvider;
    maxRecords: number;
    end(meetingId: string): Promise<void>;
  }>,
) {
  describe(`Contract: meeting provider (${name})`, () => {
    it('makes one meeting per ClientRequestToken, and a replica of it', async () => {
      const { meetings } = await family();
      const t = token();
      const a = await meetings.createMeeting({ clientRequestToken: t, externalMeetingId: 'contract/room' });
      const b = await meetings.createMeeting({ clientRequestToken: t, externalMeetingId: 'contract/room' });
      expect(b.MeetingId).toBe(a.MeetingId);
      const replica = await meetings.createMeeting({
        clientRequestToken: token(),
        externalMeetingId: 'contract/room',
        primaryMeetingId: a.MeetingId,
      });
      expect(replica.MeetingId).not.toBe(a.MeetingId);
      expect(await meetings.getMeeting(a.MeetingId)).toMatchObject({ MeetingId: a.MeetingId });
    });

    it('says a meeting is full at its record limit, counting records until they are deleted', async () => {
      const { meetings, maxRecords } = await family();
      const m = await meetings.createMeeting({
        clientRequestToken: token(),
        externalMeetingId: 'contract/full',
      });
      const made = [];
      for (let i = 0; i < maxRecords; i++)
        made.push(await meetings.createAttendee(m.MeetingId, `p_${i}.x`, caps));
      await expect(meetings.createAttendee(m.MeetingId, 'p_over.x', caps)).rejects.toBeInstanceOf(
        MeetingFullError,
      );
      await meetings.deleteAttendee(m.MeetingId, made[0]?.AttendeeId as string);
      await meetings.deleteAttendee(m.MeetingId, made[0]?.AttendeeId as string);
      expect((await meetings.listAttendees(m.MeetingId)).length).toBe(maxRecords - 1);
      await expect(meetings.createAttendee(m.MeetingId, 'p_again.x', caps)).resolves.toMatchObject({
        ExternalUserId: 'p_again.x',
      });
    });

    it('says a meeting is gone once it ended, its replicas with it, and deleting there is no error', async () => {
      const { meetings, end } = await family();
      const m = await meetings.createMeeting({
        clientRequestToken: token(),
        externalMeetingId: 'contract/gone',
      });
      const r = await meetings.createMeeting({
        clientRequestToken: token(),
        externalMeetingId: 'contract/gone',
        primaryMeetingId: m.MeetingId,
      });
      const a = await meetings.createAttendee(m.MeetingId, 'p_gone.x', caps);
      await end(m.MeetingId);
      expect(await meetings.getMeeting(m.MeetingId)).toBeNull();
      expect(await meetings.getMeeting(r.MeetingId)).toBeNull();
      await expect(meetings.createAttendee(m.MeetingId, 'p_late.x', caps)).rejects.toBeInstanceOf(
        MeetingGoneError,
      );
      await meetings.deleteAttendee(m.MeetingId, a.AttendeeId);
      await meetings.deleteMeeting(m.MeetingId);
      expect(await meetings.listAttendees(m.MeetingId)).toEqual([]);
    });
  });
}
