/**
 * Primary course: an online participant asks to join a session room. We find their record by the
 * identity's email, decide with the event's policy (revoked? audience? in-person seat? doors open?),
 * make sure the room has a live Chime meeting, and return their attendee for it — the stored one on a
 * rejoin, a new one the first time. Every decision, allow or deny, goes to the audit log; the JoinToken
 * goes only into the response.
 */
import { AccessDeniedError, ConflictError, DomainError, NotFoundError } from '#domain/errors.ts';
import { actorOf, type Identity } from '#domain/identity.ts';
import type { Participant } from '#domain/participants.ts';
import { type AttendeeCapabilities, decideAccess } from '#domain/policy.ts';
import type { Session } from '#domain/programme.ts';
import type { IdGenerator } from '#ports/ids.ts';
import {
  type ChimeAttendee,
  type ChimeMeeting,
  MeetingFullError,
  MeetingGoneError,
  type MeetingProvider,
} from '#ports/meetings.ts';
import type {
  AttendeeRepository,
  AuditLog,
  DelegationRepository,
  ParticipantRepository,
  ProgrammeRepository,
  RoomMeeting,
  StoredAttendee,
} from '#ports/repositories.ts';
import { type EnsureRoomMeetingDeps, ensureRoomMeeting } from './ensure-room-meeting.ts';
import { notRegistered } from './get-my-access.ts';
import { recordAudit } from './record-audit.ts';

export interface IssueJoinCredentialsDeps extends EnsureRoomMeetingDeps {
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  programme: ProgrammeRepository;
  attendees: AttendeeRepository;
  meetings: MeetingProvider;
  audit: AuditLog;
  ids: IdGenerator;
}

export interface JoinCredentials {
  session: { id: string; title: string; start: string; end: string; closesAt: string };
  meeting: ChimeMeeting;
  attendee: ChimeAttendee;
  capabilities: AttendeeCapabilities;
  maySpeak: boolean;
  interventionLimitSeconds: number | null;
}

export async function issueJoinCredentials(
  deps: IssueJoinCredentialsDeps,
  identity: Identity,
  sessionId: string,
): Promise<JoinCredentials> {
  const [participant, session] = await Promise.all([
    deps.participants.findByEmail(identity.email),
    deps.programme.getSession(sessionId),
  ]);
  const audit = auditor(deps, identity, sessionId, participant);
  try {
    if (!participant) throw notRegistered();
    if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${sessionId}".`);
    const delegation = await deps.delegations.get(participant.delegationCode);
    if (!delegation) throw new NotFoundError('UNKNOWN_DELEGATION', 'Your delegation is not on record.');

    const decision = decideAccess({
      participant,
      category: delegation.category,
      session,
      now: deps.clock.now(),
    });
    if (!decision.allowed) {
      throw new AccessDeniedError(decision.code, decision.message, {
        ...(decision.opensAt ? { opensAt: decision.opensAt.toISOString() } : {}),
        ...(decision.closesAt ? { closesAt: decision.closesAt.toISOString() } : {}),
      });
    }

    const { roomMeeting, stored } = await attendeeInLiveMeeting(
      deps,
      participant,
      session,
      decision.capabilities,
    );
    await audit('allowed', undefined, {
      meetingId: roomMeeting.meetingId,
      attendeeId: stored.attendee.AttendeeId,
    });
    return {
      session: {
        id: session.id,
        title: session.title,
        start: session.start,
        end: session.end,
        closesAt: decision.closesAt.toISOString(),
      },
      meeting: roomMeeting.meeting,
      attendee: { ...stored.attendee, Capabilities: stored.capabilities },
      capabilities: stored.capabilities,
      maySpeak: decision.maySpeak,
      interventionLimitSeconds: decision.interventionLimitSeconds,
    };
  } catch (error) {
    if (error instanceof DomainError) await audit('denied', error.code);
    else await audit('failed', 'INTERNAL');
    throw error;
  }
}

/**
 * The participant's attendee in the room's live meeting. A stored meeting can be gone (ended while
 * empty): then the next generation is created and the attendee made anew, once.
 */
async function attendeeInLiveMeeting(
  deps: IssueJoinCredentialsDeps,
  participant: Participant,
  session: Session,
  capabilities: AttendeeCapabilities,
): Promise<{ roomMeeting: RoomMeeting; stored: StoredAttendee }> {
  for (let attempt = 0; ; attempt++) {
    const [roomMeeting, existing] = await Promise.all([
      ensureRoomMeeting(deps, session.id),
      deps.attendees.get(participant.id, session.id),
    ]);
    try {
      const stored = await attendeeFor(deps, participant, roomMeeting, existing, capabilities);
      return { roomMeeting, stored };
    } catch (error) {
      if (error instanceof MeetingFullError) {
        throw new ConflictError(
          'ROOM_FULL',
          `${session.title} is full: its meeting holds no more attendees. Please contact the secretariat.`,
        );
      }
      if (!(error instanceof MeetingGoneError) || attempt >= 2) throw error;
      await deps.registry.retire(session.id, roomMeeting.meetingId);
    }
  }
}

async function attendeeFor(
  deps: IssueJoinCredentialsDeps,
  participant: Participant,
  roomMeeting: RoomMeeting,
  existing: StoredAttendee | null,
  capabilities: AttendeeCapabilities,
): Promise<StoredAttendee> {
  if (existing && existing.meetingId === roomMeeting.meetingId) {
    if (!sameCapabilities(existing.capabilities, capabilities)) {
      // The participant's role changed since the attendee was made: the stored token keeps working,
      // with what they may do now.
      await deps.meetings.updateAttendeeCapabilities(
        existing.meetingId,
        existing.attendee.AttendeeId,
        capabilities,
      );
      await deps.attendees.updateCapabilities(participant.id, roomMeeting.roomId, capabilities);
      return { ...existing, capabilities };
    }
    return existing;
  }
  const attendee = await deps.meetings.createAttendee(roomMeeting.meetingId, participant.id, capabilities);
  const kept = await deps.attendees.putIfAbsent({
    participantId: participant.id,
    roomId: roomMeeting.roomId,
    meetingId: roomMeeting.meetingId,
    attendee,
    capabilities,
    createdAt: deps.clock.now().toISOString(),
  });
  if (kept.attendee.AttendeeId !== attendee.AttendeeId) {
    // Another device of the same participant stored its attendee first: use that one, and free the
    // record we made (records count toward the meeting's cap until deleted).
    await deps.meetings.deleteAttendee(roomMeeting.meetingId, attendee.AttendeeId);
  }
  return kept;
}

const sameCapabilities = (a: AttendeeCapabilities, b: AttendeeCapabilities) =>
  a.Audio === b.Audio && a.Video === b.Video && a.Content === b.Content;

function auditor(
  deps: IssueJoinCredentialsDeps,
  identity: Identity,
  sessionId: string,
  participant: Participant | null,
) {
  return (outcome: 'allowed' | 'denied' | 'failed', code?: string, details?: Record<string, unknown>) =>
    recordAudit(deps, {
      actor: actorOf(identity, participant?.id),
      action: 'session.join',
      outcome,
      sessionId,
      ...(code ? { code } : {}),
      ...(participant ? { participantId: participant.id, delegationCode: participant.delegationCode } : {}),
      ...(details ? { details } : {}),
    });
}
