import type { MeetingProvider } from '#ports/meetings.ts';
import type { AttendeeRepository } from '#ports/repositories.ts';

/**
 * Credentials die with the right to use them: a JoinToken stays valid until its attendee is deleted, so
 * revoking a participant or seating them in the room deletes every attendee they hold. Returns how many.
 */
export async function revokeCredentials(
  deps: { attendees: AttendeeRepository; meetings: MeetingProvider },
  participantId: string,
): Promise<number> {
  const held = await deps.attendees.listForParticipant(participantId);
  for (const stored of held) {
    await deps.meetings.deleteAttendee(stored.meetingId, stored.attendee.AttendeeId);
    await deps.attendees.delete(participantId, stored.roomId);
  }
  return held.length;
}
