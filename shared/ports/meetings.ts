import type { AttendeeCapabilities } from '#domain/policy.ts';

/**
 * The Chime `Meeting` and `Attendee` objects are passed through as the service returns them, so a
 * client can hand them to amazon-chime-sdk-js unchanged. We only read the ids.
 */
export type ChimeMeeting = { MeetingId: string } & Record<string, unknown>;
export type ChimeAttendee = {
  AttendeeId: string;
  ExternalUserId: string;
  JoinToken: string;
  Capabilities?: AttendeeCapabilities;
} & Record<string, unknown>;

export interface CreateMeetingInput {
  /** Idempotency token: the same token while a meeting lives returns that meeting. */
  clientRequestToken: string;
  externalMeetingId: string;
}

/** The meeting provider (Amazon Chime SDK Meetings in production and in the local emulator). */
export interface MeetingProvider {
  createMeeting(input: CreateMeetingInput): Promise<ChimeMeeting>;
  /** The meeting, or null when the provider no longer knows it (ended or deleted). */
  getMeeting(meetingId: string): Promise<ChimeMeeting | null>;
  /** Throws MeetingGoneError when the meeting no longer exists, MeetingFullError when it is at capacity. */
  createAttendee(
    meetingId: string,
    externalUserId: string,
    capabilities: AttendeeCapabilities,
  ): Promise<ChimeAttendee>;
  updateAttendeeCapabilities(
    meetingId: string,
    attendeeId: string,
    capabilities: AttendeeCapabilities,
  ): Promise<void>;
  /** Deleting an attendee revokes its JoinToken; an already-gone attendee or meeting is not an error. */
  deleteAttendee(meetingId: string, attendeeId: string): Promise<void>;
  deleteMeeting(meetingId: string): Promise<void>;
}

/** The provider no longer knows the meeting: it ended (5 minutes empty, 24 hours old) or was deleted. */
export class MeetingGoneError extends Error {
  override readonly name = 'MeetingGoneError';
  constructor(readonly meetingId: string) {
    super(`meeting ${meetingId} no longer exists`);
  }
}

/** The meeting holds as many attendee records as it may (250 per meeting; records count until deleted). */
export class MeetingFullError extends Error {
  override readonly name = 'MeetingFullError';
  constructor(readonly meetingId: string) {
    super(`meeting ${meetingId} has no room for another attendee`);
  }
}
