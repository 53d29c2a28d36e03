/**
 * Primary course: an online participant asks to join a session room. We find their record by the
 * identity's email, decide with the event's policy (revoked? audience? in-person seat? doors open?),
 * and return their attendee in one of the room's live Chime meetings.
 *
 * The hot path, once the room is provisioned, is one DynamoDB read (participant, room meetings and
 * attendee in one BatchGetItem) and one write (the audit record), and no Chime call. The slow path —
 * no stored attendee yet, a meeting to verify or replace — places the participant on demand: speakers
 * in the primary meeting, the audience wherever there is room, a new replica when all are full.
 * Every decision, allow or deny, goes to the audit log; the JoinToken goes only into the response.
 */
import { MEETING_CAPACITY } from '#domain/capacity.ts';
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
  JoinContextReader,
  ParticipantRepository,
  ProgrammeRepository,
  RoomMeeting,
  RoomMeetingSlot,
  StoredAttendee,
} from '#ports/repositories.ts';
import {
  type EnsureRoomMeetingDeps,
  ensureReplica,
  ensureRoomMeeting,
  VERIFY_AFTER_MS,
  verifyOnce,
} from './ensure-room-meeting.ts';
import { notRegistered } from './get-my-access.ts';
import { recordAudit } from './record-audit.ts';

export interface IssueJoinCredentialsDeps extends EnsureRoomMeetingDeps {
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  programme: ProgrammeRepository;
  attendees: AttendeeRepository;
  meetings: MeetingProvider;
  joinContext: JoinContextReader;
  audit: AuditLog;
  ids: IdGenerator;
  /** Replica meetings the account allows per primary (Chime's default quota is 4; up to 40). */
  maxReplicas: number;
}

export interface JoinCredentials {
  session: { id: string; title: string; start: string; end: string; closesAt: string };
  meeting: ChimeMeeting;
  attendee: ChimeAttendee;
  /** Which of the room's meetings this is: the primary (speakers) or a replica (audience). */
  meetingRole: 'primary' | 'replica';
  primaryMeetingId: string;
  capabilities: AttendeeCapabilities;
  maySpeak: boolean;
  interventionLimitSeconds: number | null;
}

/** How long a join waits for a running provisioning to reach it before making its own attendee. */
const PROVISIONING_WAIT_MS = 8_000;
const PROVISIONING_POLL_MS = 200;
/** A meeting this young whose provisioning has not started yet is about to be provisioned. */
const PROVISIONING_START_MS = 15_000;

export async function issueJoinCredentials(
  deps: IssueJoinCredentialsDeps,
  identity: Identity,
  sessionId: string,
): Promise<JoinCredentials> {
  let participant: Participant | null = null;
  const entry = (
    outcome: 'allowed' | 'denied' | 'failed',
    code?: string,
    details?: Record<string, unknown>,
  ) => ({
    actor: actorOf(identity, participant?.id),
    action: 'session.join',
    outcome,
    sessionId,
    ...(code ? { code } : {}),
    ...(participant ? { participantId: participant.id, delegationCode: participant.delegationCode } : {}),
    ...(details ? { details } : {}),
  });
  const audit = (outcome: 'denied' | 'failed', code: string) => recordAudit(deps, entry(outcome, code));
  try {
    const session = await deps.programme.getSession(sessionId);
    const context = await readContext(deps, identity.email, session?.id);
    participant = context?.participant ?? null;
    if (!participant) throw notRegistered();
    if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${sessionId}".`);
    const delegation = await deps.delegations.get(participant.delegationCode);
    if (!delegation) throw new NotFoundError('UNKNOWN_DELEGATION', 'Your delegation is not on record.');

    const now = deps.clock.now();
    const decision = decideAccess({ participant, category: delegation.category, session, now });
    if (!decision.allowed) {
      throw new AccessDeniedError(decision.code, decision.message, {
        ...(decision.opensAt ? { opensAt: decision.opensAt.toISOString() } : {}),
        ...(decision.closesAt ? { closesAt: decision.closesAt.toISOString() } : {}),
      });
    }
    const speaker = decision.maySpeak || participant.role === 'Moderator';
    const placed =
      (await fastPath(deps, context?.slot, context?.attendee ?? null, decision.capabilities, now)) ??
      (await slowPath(deps, participant, session, decision.capabilities, speaker));
    const { roomMeeting, stored, meeting } = placed;
    // The join's one write: the decision, which is also the record that credentials were handed out.
    await recordAudit(
      deps,
      entry('allowed', undefined, { meetingId: stored.meetingId, attendeeId: stored.attendee.AttendeeId }),
    );
    return {
      session: {
        id: session.id,
        title: session.title,
        start: session.start,
        end: session.end,
        closesAt: decision.closesAt.toISOString(),
      },
      meeting,
      attendee: { ...stored.attendee, Capabilities: stored.capabilities },
      meetingRole: stored.meetingId === roomMeeting.meetingId ? 'primary' : 'replica',
      primaryMeetingId: roomMeeting.meetingId,
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

/** The participant (by email), and with them the room's meetings and their attendee, in one read. */
async function readContext(deps: IssueJoinCredentialsDeps, email: string, roomId: string | undefined) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const id = await deps.participants.idForEmail(email);
    if (!id) return null;
    const context = roomId
      ? await deps.joinContext.read(id, roomId)
      : { participant: await deps.participants.get(id), slot: undefined, attendee: null };
    if (context.participant && context.participant.email === email) return context;
    // The remembered link is stale (the email moved to someone else): look it up again.
    deps.participants.forgetEmail(email);
  }
  return null;
}

interface Placement {
  roomMeeting: RoomMeeting;
  stored: StoredAttendee;
  meeting: ChimeMeeting;
}

const meetingsOf = (rm: RoomMeeting) => [{ meetingId: rm.meetingId, meeting: rm.meeting }, ...rm.replicas];
const meetingIn = (rm: RoomMeeting, meetingId: string) =>
  meetingsOf(rm).find((m) => m.meetingId === meetingId)?.meeting;

/**
 * The stored attendee, when it is in one of the room's meetings and those were seen alive a moment ago
 * — or, if that moment has passed, once one check with Chime (shared with concurrent joins) says so.
 */
async function fastPath(
  deps: IssueJoinCredentialsDeps,
  slot: RoomMeetingSlot | undefined,
  stored: StoredAttendee | null,
  capabilities: AttendeeCapabilities,
  now: Date,
): Promise<Placement | null> {
  if (slot?.state !== 'ready' || !stored) return null;
  let rm: RoomMeeting | null = slot.roomMeeting;
  const meeting = meetingIn(rm, stored.meetingId);
  if (!meeting || !sameCapabilities(stored.capabilities, capabilities)) return null;
  const age = now.getTime() - Date.parse(rm.verifiedAt);
  if (age < 0 || age >= VERIFY_AFTER_MS) rm = await verifyOnce(deps, rm, now);
  return rm ? { roomMeeting: rm, stored, meeting } : null;
}

async function slowPath(
  deps: IssueJoinCredentialsDeps,
  participant: Participant,
  session: Session,
  capabilities: AttendeeCapabilities,
  speaker: boolean,
): Promise<Placement> {
  for (let attempt = 0; ; attempt++) {
    let rm = await ensureRoomMeeting(deps, session.id);
    let existing = await deps.attendees.get(participant.id, session.id);
    if (!existing || !meetingIn(rm, existing.meetingId)) {
      const provisioned = await awaitProvisioning(deps, rm, participant);
      if (provisioned) {
        existing = provisioned;
        // The run may have added replicas since: take the room as it is now.
        rm = await ensureRoomMeeting(deps, session.id);
      }
    }
    try {
      if (existing && meetingIn(rm, existing.meetingId)) {
        const stored = await withCapabilities(deps, existing, capabilities);
        return { roomMeeting: rm, stored, meeting: meetingIn(rm, stored.meetingId) as ChimeMeeting };
      }
      const target = await placeOnDemand(deps, rm, speaker, session);
      rm = target.roomMeeting;
      const stored = await createOnDemand(deps, participant, rm, target.meetingId, capabilities);
      return { roomMeeting: rm, stored, meeting: meetingIn(rm, stored.meetingId) ?? target.meeting };
    } catch (error) {
      if (error instanceof MeetingGoneError && attempt < 2) {
        await deps.registry.retire(session.id, rm.meetingId);
        continue;
      }
      if (error instanceof MeetingFullError && attempt < 2) {
        // Chime says the meeting is full where our count did not: take that as the count and re-place.
        await deps.registry.adjustCount(session.id, error.meetingId, MEETING_CAPACITY);
        continue;
      }
      if (error instanceof MeetingFullError) throw roomFull(session);
      throw error;
    }
  }
}

/**
 * While the room is being provisioned — or its meeting was just made and the run is about to start — a
 * participant registered before the run will get their attendee from it: wait a little for that rather
 * than spend a Chime call (and a capacity record) of our own.
 */
async function awaitProvisioning(
  deps: IssueJoinCredentialsDeps,
  rm: RoomMeeting,
  participant: Participant,
): Promise<StoredAttendee | null> {
  if (!deps.provisioning) return null;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + PROVISIONING_WAIT_MS;
  let current = rm;
  while (Date.now() < deadline) {
    const run = current.provisioning;
    const fresh = deps.clock.now().getTime() - Date.parse(current.createdAt) < PROVISIONING_START_MS;
    const pending = run ? run.status === 'running' : fresh;
    if (!pending || participant.createdAt > (run?.startedAt ?? current.createdAt)) return null;
    await sleep(PROVISIONING_POLL_MS);
    const stored = await deps.attendees.get(participant.id, rm.roomId);
    if (stored && meetingIn(current, stored.meetingId)) return stored;
    const slot = await deps.registry.slot(rm.roomId);
    if (slot.state !== 'ready' || slot.roomMeeting.generation !== rm.generation) return null;
    current = slot.roomMeeting;
    if (stored && meetingIn(current, stored.meetingId)) return stored;
  }
  return null;
}

/** A meeting with room for one more record: speakers in the primary, the audience anywhere. */
async function placeOnDemand(
  deps: IssueJoinCredentialsDeps,
  rm: RoomMeeting,
  speaker: boolean,
  session: Session,
): Promise<{ roomMeeting: RoomMeeting; meetingId: string; meeting: ChimeMeeting }> {
  let current = rm;
  for (;;) {
    const candidates = speaker ? meetingsOf(current).slice(0, 1) : meetingsOf(current);
    for (const m of candidates) {
      if ((current.counts[m.meetingId] ?? 0) >= MEETING_CAPACITY) continue;
      if (await deps.registry.reserve(current.roomId, m.meetingId, MEETING_CAPACITY)) {
        return { roomMeeting: current, ...m };
      }
    }
    // Look again before making a replica: another join (or the provisioning run) may have made one.
    const latest = await deps.registry.slot(current.roomId);
    if (latest.state === 'ready' && latest.roomMeeting.generation === current.generation) {
      const grown = latest.roomMeeting.replicas.length > current.replicas.length;
      current = latest.roomMeeting;
      if (grown) continue;
    }
    if (speaker || current.replicas.length >= deps.maxReplicas) throw roomFull(session);
    const before = current.replicas.length;
    current = await ensureReplica(deps, current, before);
    if (current.replicas.length <= before) throw roomFull(session);
  }
}

async function createOnDemand(
  deps: IssueJoinCredentialsDeps,
  participant: Participant,
  rm: RoomMeeting,
  meetingId: string,
  capabilities: AttendeeCapabilities,
): Promise<StoredAttendee> {
  const { roomId } = rm;
  let attendee: ChimeAttendee;
  try {
    attendee = await deps.meetings.createAttendee(meetingId, participant.id, capabilities);
  } catch (error) {
    await deps.registry.adjustCount(roomId, meetingId, -1);
    throw error;
  }
  const kept = await deps.attendees.putIfAbsent({
    participantId: participant.id,
    roomId,
    meetingId,
    generation: rm.generation,
    attendee,
    capabilities,
    createdAt: deps.clock.now().toISOString(),
  });
  if (kept.attendee.AttendeeId !== attendee.AttendeeId) {
    // Another device (or the provisioning run) stored an attendee first: use that one, and free the
    // record we made (records count toward the meeting's cap until deleted).
    await deps.meetings.deleteAttendee(meetingId, attendee.AttendeeId);
    await deps.registry.adjustCount(roomId, meetingId, -1);
  }
  return kept;
}

/** The participant's role changed since the attendee was made: the same token, with what they may do now. */
async function withCapabilities(
  deps: IssueJoinCredentialsDeps,
  existing: StoredAttendee,
  capabilities: AttendeeCapabilities,
): Promise<StoredAttendee> {
  if (sameCapabilities(existing.capabilities, capabilities)) return existing;
  await deps.meetings.updateAttendeeCapabilities(
    existing.meetingId,
    existing.attendee.AttendeeId,
    capabilities,
  );
  await deps.attendees.updateCapabilities(existing.participantId, existing.roomId, capabilities);
  return { ...existing, capabilities };
}

const sameCapabilities = (a: AttendeeCapabilities, b: AttendeeCapabilities) =>
  a.Audio === b.Audio && a.Video === b.Video && a.Content === b.Content;

const roomFull = (session: Session) =>
  new ConflictError(
    'ROOM_FULL',
    `${session.title} is full: its meetings hold no more attendees. Please contact the secretariat.`,
  );
