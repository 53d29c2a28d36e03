/**
 * Primary course: an online participant asks to join a session room. We identify them (their record by
 * the identity's email), decide with the event's policy (revoked? audience? in-person seat? doors open?),
 * place them (their attendee in one of the room's live Chime meetings), and audit the decision.
 *
 * The hot path, once the room is provisioned, is one DynamoDB read (participant, room meetings and
 * attendee in one strongly consistent BatchGetItem) and one write (the audit record), and no Chime call.
 * Placement otherwise goes through the attendee lifecycle module, which stores an attendee only while the
 * participant is unchanged: a revocation racing this join either deletes what we stored or makes us
 * decide again. Every decision, allow or deny, goes to the audit log; the JoinToken only into the
 * response. A join answers within its budget: past it, 503 MEETING_UNAVAILABLE, and nothing more is
 * created, stored or audited as allowed for it.
 */
import { seatingOf } from '#domain/capacity.ts';
import { AccessDeniedError, DomainError, MeetingUnavailableError, NotFoundError } from '#domain/errors.ts';
import { actorOf, type Identity } from '#domain/identity.ts';
import type { Participant } from '#domain/participants.ts';
import { type AttendeeCapabilities, decideAccess, sameCapabilities } from '#domain/policy.ts';
import type { Session } from '#domain/programme.ts';
import type { IdGenerator } from '#ports/ids.ts';
import { type ChimeAttendee, type ChimeMeeting, MeetingGoneError } from '#ports/meetings.ts';
import type {
  AuditLog,
  JoinContextReader,
  RoomMeeting,
  RoomMeetingSlot,
  StoredAttendee,
} from '#ports/repositories.ts';
import {
  type AttendeeLifecycleDeps,
  meetingIn,
  type Placement,
  placeOnDemand,
  syncParticipantCredentials,
} from './attendee-lifecycle.ts';
import { type Budget, unlimitedBudget, within } from './budget.ts';
import { ensureRoomMeeting, roomClosed, VERIFY_AFTER_MS, verifyOnce } from './ensure-room-meeting.ts';
import { notRegistered } from './get-my-access.ts';
import { recordAudit } from './record-audit.ts';

export interface IssueJoinCredentialsDeps extends AttendeeLifecycleDeps {
  joinContext: JoinContextReader;
  audit: AuditLog;
  ids: IdGenerator;
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
/** Decisions a join makes at most when the participant keeps changing under it. */
const MAX_DECISIONS = 3;

export async function issueJoinCredentials(
  deps: IssueJoinCredentialsDeps,
  identity: Identity,
  sessionId: string,
  options: { budget?: Budget } = {},
): Promise<JoinCredentials> {
  const budget = options.budget ?? unlimitedBudget;
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
    const joined = await within(
      budget,
      (async () => {
        for (let decisions = 1; ; decisions++) {
          // Identify and decide on the record as it is now (again, if it changed under a placement).
          const context = await readContext(deps, identity.email, session?.id);
          participant = context?.participant ?? null;
          if (!participant) throw notRegistered();
          if (!session)
            throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${sessionId}".`);
          const decided = await decide(deps, participant, session, context?.floorHolder === participant.id);
          if (context?.slot?.state === 'closed') throw roomClosed(context.slot.closedAt);
          // Place.
          const placed = await place(deps, participant, session, decided, context, budget);
          if (placed) return { session, decided, placed };
          if (decisions >= MAX_DECISIONS) throw new MeetingUnavailableError();
        }
      })(),
    );
    // The join's one write: the decision, which is also the record that credentials were handed out.
    budget.check();
    const { decided, placed } = joined;
    const { roomMeeting, stored, meeting } = placed;
    const room = joined.session;
    await recordAudit(
      deps,
      entry('allowed', undefined, { meetingId: stored.meetingId, attendeeId: stored.attendee.AttendeeId }),
    );
    return {
      session: {
        id: room.id,
        title: room.title,
        start: room.start,
        end: room.end,
        closesAt: decided.closesAt.toISOString(),
      },
      meeting,
      attendee: { ...stored.attendee, Capabilities: stored.capabilities },
      meetingRole: stored.meetingId === roomMeeting.meetingId ? 'primary' : 'replica',
      primaryMeetingId: roomMeeting.meetingId,
      capabilities: stored.capabilities,
      maySpeak: decided.maySpeak,
      interventionLimitSeconds: decided.interventionLimitSeconds,
    };
  } catch (error) {
    if (error instanceof DomainError)
      await audit(error.code === 'MEETING_UNAVAILABLE' ? 'failed' : 'denied', error.code);
    else await audit('failed', 'INTERNAL');
    throw error;
  }
}

type Allowed = Extract<ReturnType<typeof decideAccess>, { allowed: true }>;

async function decide(
  deps: IssueJoinCredentialsDeps,
  participant: Participant,
  session: Session,
  holdsFloor: boolean,
): Promise<Allowed> {
  const delegation = await deps.delegations.get(participant.delegationCode);
  if (!delegation) throw new NotFoundError('UNKNOWN_DELEGATION', 'Your delegation is not on record.');
  const decision = decideAccess({
    participant,
    category: delegation.category,
    session,
    now: deps.clock.now(),
    holdsFloor,
  });
  if (!decision.allowed) {
    throw new AccessDeniedError(decision.code, decision.message, {
      ...(decision.opensAt ? { opensAt: decision.opensAt.toISOString() } : {}),
      ...(decision.closesAt ? { closesAt: decision.closesAt.toISOString() } : {}),
    });
  }
  return decision;
}

/**
 * The participant's attendee in the room: the stored one when it is in a live meeting of the room with
 * the capabilities decided, else one placed now. Null when the participant changed meanwhile (decide
 * again).
 */
async function place(
  deps: IssueJoinCredentialsDeps,
  participant: Participant,
  session: Session,
  decided: Allowed,
  context: Awaited<ReturnType<typeof readContext>>,
  budget: Budget,
): Promise<Placement | null> {
  const stored = context?.attendee ?? null;
  const fast = await fastPath(deps, context?.slot, stored, decided.capabilities);
  if (fast) return fast;
  for (let attempt = 0; ; attempt++) {
    let rm = await ensureRoomMeeting(deps, session.id);
    let existing = await deps.attendees.get(participant.id, session.id);
    if (!existing || !meetingIn(rm, existing.meetingId)) {
      const provisioned = await awaitProvisioning(deps, rm, participant, budget);
      if (provisioned) {
        existing = provisioned;
        // The run may have added replicas since: take the room as it is now.
        rm = await ensureRoomMeeting(deps, session.id);
      }
    }
    try {
      if (existing && meetingIn(rm, existing.meetingId)) {
        if (sameCapabilities(existing.capabilities, decided.capabilities)) {
          return {
            roomMeeting: rm,
            stored: existing,
            meeting: meetingIn(rm, existing.meetingId) as ChimeMeeting,
          };
        }
        // The record says other capabilities than the attendee has: the one rule applies them (and
        // settles a race with a role change), then we decide again on the record as it is.
        await syncParticipantCredentials(deps, participant.id, { roomId: session.id });
        return null;
      }
      const result = await placeOnDemand(deps, {
        participant,
        session,
        roomMeeting: rm,
        capabilities: decided.capabilities,
        seating: seatingOf(decided, participant.role),
        budget,
      });
      return result.outcome === 'placed' ? result.placement : null;
    } catch (error) {
      if (error instanceof MeetingGoneError && attempt < 2) {
        await deps.registry.retire(session.id, error.meetingId);
        continue;
      }
      throw error;
    }
  }
}

/** The participant (by email), and with them the room's meetings and their attendee, in one read. */
async function readContext(deps: IssueJoinCredentialsDeps, email: string, roomId: string | undefined) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const id = await deps.participants.idForEmail(email);
    if (!id) return null;
    const context = roomId
      ? await deps.joinContext.read(id, roomId)
      : { participant: await deps.participants.get(id), slot: undefined, attendee: null, floorHolder: null };
    if (context.participant && context.participant.email === email) return context;
    // The remembered link is stale (the email moved to someone else): look it up again.
    deps.participants.forgetEmail(email);
  }
  return null;
}

/**
 * The stored attendee, when it is in one of the room's meetings and those were seen alive a moment ago
 * — or, if that moment has passed, once one check with Chime (shared with concurrent joins) says so.
 */
async function fastPath(
  deps: IssueJoinCredentialsDeps,
  slot: RoomMeetingSlot | undefined,
  stored: StoredAttendee | null,
  capabilities: AttendeeCapabilities,
): Promise<Placement | null> {
  if (slot?.state !== 'ready' || !stored) return null;
  const now = deps.clock.now();
  let rm: RoomMeeting | null = slot.roomMeeting;
  const meeting = meetingIn(rm, stored.meetingId);
  if (!meeting || !sameCapabilities(stored.capabilities, capabilities)) return null;
  const age = now.getTime() - Date.parse(rm.verifiedAt);
  if (age < 0 || age >= VERIFY_AFTER_MS) rm = await verifyOnce(deps, rm, now);
  return rm ? { roomMeeting: rm, stored, meeting } : null;
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
  budget: Budget,
): Promise<StoredAttendee | null> {
  if (!deps.provisioning) return null;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // Within the join's budget, leaving it time to place on its own if the run does not reach it.
  const deadline = Math.min(Date.now() + PROVISIONING_WAIT_MS, budget.deadline - PROVISIONING_WAIT_MS / 2);
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
