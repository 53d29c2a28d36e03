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
  /** Makes a replica of this primary meeting (viewers see the primary's presenters). */
  primaryMeetingId?: string;
}

export interface AttendeeRequest {
  externalUserId: string;
  capabilities: AttendeeCapabilities;
}

export interface BatchCreateResult {
  attendees: ChimeAttendee[];
  /** Per-entry failures; the other entries were created. */
  errors: { externalUserId: string; code: string; message: string }[];
}

/** The meeting provider (Amazon Chime SDK Meetings in production and in the local emulator). */
export interface MeetingProvider {
  createMeeting(input: CreateMeetingInput): Promise<ChimeMeeting>;
  /** The meeting, or null when the provider no longer knows it (ended or deleted). */
  getMeeting(meetingId: string): Promise<ChimeMeeting | null>;
  /**
   * Throws MeetingGoneError when the meeting no longer exists, MeetingFullError when it is at capacity,
   * MeetingUnavailableError when it cannot be made before `deadline` (epoch ms): a caller whose answer is
   * due gives up its turn rather than take Chime's capacity from those who can still use it.
   */
  createAttendee(
    meetingId: string,
    externalUserId: string,
    capabilities: AttendeeCapabilities,
    options?: { deadline?: number },
  ): Promise<ChimeAttendee>;
  /** Up to 100 attendees in one call; throws MeetingGoneError when the meeting no longer exists. */
  batchCreateAttendees(meetingId: string, requests: AttendeeRequest[]): Promise<BatchCreateResult>;
  updateAttendeeCapabilities(
    meetingId: string,
    attendeeId: string,
    capabilities: AttendeeCapabilities,
  ): Promise<void>;
  /** Sets the capabilities of every attendee of the meeting but `excludedAttendeeIds` (1–250 of them). */
  batchUpdateCapabilitiesExcept(
    meetingId: string,
    excludedAttendeeIds: string[],
    capabilities: AttendeeCapabilities,
  ): Promise<void>;
  /** Every attendee record of a meeting (all pages); an empty list when the meeting is gone. */
  listAttendees(meetingId: string): Promise<ChimeAttendee[]>;
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

/** Paces control-plane calls under the account's rate, across every function instance. */
export interface RateLimiter {
  /** Resolves when one call of `operation` may be made; throws MeetingUnavailableError past `deadline`. */
  take(operation: string, deadline?: number): Promise<void>;
}

/** Asks for a room's attendees to be made ahead (asynchronously); returns once the request is placed. */
export interface ProvisioningTrigger {
  request(roomId: string): Promise<void>;
}
