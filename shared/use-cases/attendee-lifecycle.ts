/**
 * The one owner of the life of every Chime attendee: where it is placed, how it is created and stored
 * (or released), what it may send, and when it is deleted. The join, the provisioning run, every change
 * of a participant and a room's close go through here, so that three rules hold everywhere:
 *
 * 1. Credentials die with the right to use them. An attendee is stored only while the participant's
 *    credential epoch is the one its decision read (one transaction); every change of a participant
 *    moves the epoch first and then applies the standing rule to what is stored. Whichever comes first,
 *    no attendee the new state forbids is left working.
 * 2. A meeting's count is the records stored in it plus those reserved by placements in flight: a
 *    placement that does not store its attendee gives its reservation back, the same attendee placed
 *    twice counts once, and a meeting Chime calls full is marked full (set, not added to).
 * 3. An attendee made and not stored is deleted (records count until deleted), unless someone stored that
 *    very attendee; one that cannot be deleted is left to the room's sweep, and reported.
 */
import {
  CHIME_ATTENDEES_PER_MEETING,
  candidateMeetings,
  type MeetingKind,
  meetingLimit,
  type Seating,
} from '#domain/capacity.ts';
import { ConflictError, MeetingUnavailableError } from '#domain/errors.ts';
import { externalUserIdFor, type Participant, participantIdOf } from '#domain/participants.ts';
import { type AttendeeCapabilities, decideStanding, sameCapabilities } from '#domain/policy.ts';
import type { Session } from '#domain/programme.ts';
import type { IdGenerator } from '#ports/ids.ts';
import {
  type AttendeeRequest,
  type ChimeAttendee,
  type ChimeMeeting,
  MeetingFullError,
  MeetingGoneError,
} from '#ports/meetings.ts';
import type {
  AttendeeRepository,
  DelegationRepository,
  FloorRepository,
  ParticipantRepository,
  ProgrammeRepository,
  RoomMeeting,
  StoredAttendee,
} from '#ports/repositories.ts';
import { type Budget, unlimitedBudget } from './budget.ts';
import { type EnsureRoomMeetingDeps, ensureReplica } from './ensure-room-meeting.ts';

export interface AttendeeLifecycleDeps extends EnsureRoomMeetingDeps {
  attendees: AttendeeRepository;
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  programme: ProgrammeRepository;
  /** Replica meetings the account allows per primary (Chime's default quota is 4; up to 40). */
  maxReplicas: number;
  ids: IdGenerator;
  /** The rooms' floors: whoever holds one is heard (absent where no floor is run, as in some tests). */
  floors?: FloorRepository;
  /** A participant changed: the floors they are on follow (their request withdrawn where they may no longer speak). */
  participantChanged?: (participantId: string) => Promise<unknown>;
}

/** What a change did to live credentials: the same shape on every route that changes a participant. */
export interface CredentialChanges {
  /** Attendees deleted: their JoinTokens no longer work. */
  deleted: number;
  /** Attendees whose capabilities were changed on Chime. */
  updated: number;
}

export const noCredentialChanges = (): CredentialChanges => ({ deleted: 0, updated: 0 });
export const addCredentialChanges = (a: CredentialChanges, b: CredentialChanges): CredentialChanges => ({
  deleted: a.deleted + b.deleted,
  updated: a.updated + b.updated,
});

export const meetingsOf = (rm: RoomMeeting) => [
  { meetingId: rm.meetingId, meeting: rm.meeting, kind: 'primary' as MeetingKind },
  ...rm.replicas.map((r) => ({ ...r, kind: 'replica' as MeetingKind })),
];
export const meetingIn = (rm: RoomMeeting, meetingId: string): ChimeMeeting | undefined =>
  meetingsOf(rm).find((m) => m.meetingId === meetingId)?.meeting;

export interface Placement {
  roomMeeting: RoomMeeting;
  stored: StoredAttendee;
  meeting: ChimeMeeting;
}

/**
 * Places one participant on demand: a record reserved in a meeting their seating may use, the attendee
 * created, then stored on the condition of the epoch. 'stale' when the participant changed meanwhile
 * (the caller decides again); throws MeetingGoneError when the meeting ended (the caller retires it).
 */
export async function placeOnDemand(
  deps: AttendeeLifecycleDeps,
  input: {
    participant: Participant;
    session: Session;
    roomMeeting: RoomMeeting;
    capabilities: AttendeeCapabilities;
    seating: Seating;
    budget?: Budget;
  },
): Promise<{ outcome: 'placed'; placement: Placement } | { outcome: 'stale' }> {
  const { participant, session, capabilities, seating } = input;
  const budget = input.budget ?? unlimitedBudget;
  let rm = input.roomMeeting;
  for (let attempt = 0; ; attempt++) {
    const target = await reserveRecord(deps, rm, seating, session);
    rm = target.roomMeeting;
    const { meetingId } = target;
    let attendee: ChimeAttendee;
    try {
      budget.check();
      attendee = await deps.meetings.createAttendee(
        meetingId,
        externalUserIdFor(participant.id, deps.ids.placementNonce()),
        capabilities,
        Number.isFinite(budget.deadline) ? { deadline: budget.deadline } : {},
      );
    } catch (error) {
      await deps.registry.giveBack(rm.roomId, meetingId, 1);
      if (error instanceof MeetingFullError && attempt < 2) {
        // Chime holds more records here than we counted (an orphan, a record of a crashed call).
        await deps.registry.markFull(rm.roomId, meetingId, CHIME_ATTENDEES_PER_MEETING);
        continue;
      }
      if (error instanceof MeetingFullError) throw roomFull(session, seating);
      throw error;
    }
    const candidate: StoredAttendee = {
      participantId: participant.id,
      roomId: rm.roomId,
      meetingId,
      generation: rm.generation,
      attendee,
      capabilities,
      createdAt: deps.clock.now().toISOString(),
    };
    let outcome: Awaited<ReturnType<AttendeeRepository['store']>>;
    try {
      // Answered already (503): nobody will receive this JoinToken.
      budget.check();
      outcome = await deps.attendees.store(candidate, participant.credentialEpoch);
    } catch (error) {
      await deps.registry.giveBack(rm.roomId, meetingId, 1);
      await releaseUnstored(deps, candidate);
      throw error;
    }
    if (outcome.outcome === 'stored') {
      return {
        outcome: 'placed',
        placement: { roomMeeting: rm, stored: candidate, meeting: target.meeting },
      };
    }
    // Not ours to count: whoever stored an attendee counted it.
    await deps.registry.giveBack(rm.roomId, meetingId, 1);
    await releaseUnstored(deps, candidate);
    if (outcome.outcome === 'stale') return { outcome: 'stale' };
    const meeting = meetingIn(rm, outcome.holder.meetingId);
    // A second device (or the provisioning run) stored one first in a meeting of the room: share it.
    if (meeting)
      return { outcome: 'placed', placement: { roomMeeting: rm, stored: outcome.holder, meeting } };
    throw new MeetingUnavailableError('The room’s meeting changed meanwhile; please try again.');
  }
}

/**
 * One record reserved in a meeting with room for `seating`: the panel in the primary, the audience in
 * the primary up to its reserve and then replica by replica, a new replica when all are full.
 */
async function reserveRecord(
  deps: AttendeeLifecycleDeps,
  rm: RoomMeeting,
  seating: Seating,
  session: Session,
): Promise<{ roomMeeting: RoomMeeting; meetingId: string; meeting: ChimeMeeting }> {
  let current = rm;
  for (;;) {
    for (const m of openMeetings(current, seating)) {
      if (await deps.registry.reserve(current.roomId, m.meetingId, meetingLimit(m.kind, seating))) {
        return { roomMeeting: current, meetingId: m.meetingId, meeting: m.meeting };
      }
    }
    // Look again before making a replica: another join (or the provisioning run) may have made one,
    // or given records back.
    const latest = await deps.registry.slot(current.roomId);
    if (latest.state !== 'ready' || latest.roomMeeting.generation !== current.generation) {
      throw new MeetingGoneError(current.meetingId);
    }
    current = latest.roomMeeting;
    if (openMeetings(current, seating).length > 0) continue;
    if (seating !== 'audience' || current.replicas.length >= deps.maxReplicas) {
      throw roomFull(session, seating, deps.maxReplicas);
    }
    const before = current.replicas.length;
    current = await ensureReplica(deps, current, before);
    if (current.replicas.length <= before) throw roomFull(session, seating, deps.maxReplicas);
  }
}

/** The meetings `seating` may go to that have room by the counts as read, in the order they fill. */
const openMeetings = (rm: RoomMeeting, seating: Seating) => {
  const [primary, ...replicas] = meetingsOf(rm);
  return candidateMeetings(seating, primary, replicas).filter(
    (m): m is NonNullable<typeof m> => !!m && (rm.counts[m.meetingId] ?? 0) < meetingLimit(m.kind, seating),
  );
};

/**
 * Deletes an attendee that this caller made and did not store, unless that very attendee is stored
 * after all (a store that answered with an error after it was written). When the store cannot be read
 * or the delete fails, the room asks for a sweep.
 */
export async function releaseUnstored(deps: AttendeeLifecycleDeps, made: StoredAttendee): Promise<boolean> {
  try {
    const stored = await deps.attendees.get(made.participantId, made.roomId);
    if (stored?.attendee.AttendeeId === made.attendee.AttendeeId) return false;
    await deps.meetings.deleteAttendee(made.meetingId, made.attendee.AttendeeId);
    return true;
  } catch {
    // Chime or the table would not answer in time: the room's next upkeep sweeps it.
    await deps.registry.requestSweep(made.roomId, deps.clock.now()).catch(() => undefined);
    return false;
  }
}

/**
 * The rooms whose sweep was asked for (an attendee made could not be released): each is swept, and the
 * request cleared. Run with the rooms' close, every minute.
 */
export async function sweepRequestedRooms(
  deps: AttendeeLifecycleDeps,
  roomIds: readonly string[],
  options: { graceMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<{ roomId: string; deleted: number }[]> {
  const swept: { roomId: string; deleted: number }[] = [];
  for (const roomId of roomIds) {
    const slot = await deps.registry.slot(roomId);
    if (slot.state !== 'ready' || !slot.roomMeeting.sweepRequestedAt) continue;
    const { deleted } = await sweepMeetings(deps, slot.roomMeeting, options);
    await deps.registry.sweepDone(roomId, slot.roomMeeting.sweepRequestedAt);
    swept.push({ roomId, deleted });
  }
  return swept;
}

/**
 * Deletes a stored attendee: on Chime first (the JoinToken dies), then our record, then its count. A
 * failure on Chime leaves the record, so that repeating the change finds it again.
 */
export async function deleteStoredAttendee(deps: AttendeeLifecycleDeps, stored: StoredAttendee) {
  await deps.meetings.deleteAttendee(stored.meetingId, stored.attendee.AttendeeId);
  if (await deps.attendees.delete(stored.participantId, stored.roomId, stored.attendee.AttendeeId)) {
    await deps.registry.giveBack(stored.roomId, stored.meetingId, 1);
  }
}

/** Sets a stored attendee's capabilities on Chime, then in our record. */
export async function updateStoredCapabilities(
  deps: AttendeeLifecycleDeps,
  stored: StoredAttendee,
  capabilities: AttendeeCapabilities,
) {
  await deps.meetings.updateAttendeeCapabilities(stored.meetingId, stored.attendee.AttendeeId, capabilities);
  await deps.attendees.updateCapabilities(
    stored.participantId,
    stored.roomId,
    stored.attendee.AttendeeId,
    capabilities,
  );
}

/**
 * Makes the participant's live attendees match their record: those the standing rule now forbids
 * (revoked, seated in the room, a delegation the room is not for) are deleted, and the others get the
 * capabilities their role gives. Called after every change of a participant, which has moved the epoch;
 * repeated while the epoch moves under it, so that the last change wins on Chime too.
 */
export async function syncParticipantCredentials(
  deps: AttendeeLifecycleDeps,
  participantId: string,
  options: { roomId?: string } = {},
): Promise<CredentialChanges> {
  const deleted = new Set<string>();
  const updated = new Set<string>();
  let participant = await deps.participants.get(participantId);
  for (let round = 0; round < 5; round++) {
    const held = (await deps.attendees.listForParticipant(participantId)).filter(
      (a) => !options.roomId || a.roomId === options.roomId,
    );
    const category = participant
      ? (await deps.delegations.get(participant.delegationCode))?.category
      : undefined;
    for (const stored of held) {
      const session = await deps.programme.getSession(stored.roomId);
      const holdsFloor = participant ? await holdsFloorIn(deps, participant.id, stored.roomId) : false;
      const standing =
        participant && session && category
          ? decideStanding({ participant, category, session, holdsFloor })
          : ({ allowed: false } as const);
      if (!standing.allowed) {
        await deleteStoredAttendee(deps, stored);
        deleted.add(stored.attendee.AttendeeId);
      } else if (!sameCapabilities(stored.capabilities, standing.capabilities)) {
        try {
          await updateStoredCapabilities(deps, stored, standing.capabilities);
          updated.add(stored.attendee.AttendeeId);
        } catch (error) {
          // The attendee (or its meeting) is gone on Chime: nothing there to change.
          if (!isGoneOnChime(error)) throw error;
        }
      }
    }
    // Changed under us: apply the record as it is now, so that the last change also wins on Chime.
    const after = await deps.participants.get(participantId);
    if ((after?.credentialEpoch ?? -1) === (participant?.credentialEpoch ?? -1)) break;
    participant = after;
  }
  return { deleted: deleted.size, updated: updated.size };
}

/** Whether the participant holds the room's floor online (their attendee is heard while they do). */
async function holdsFloorIn(deps: AttendeeLifecycleDeps, participantId: string, roomId: string) {
  if (!deps.floors) return false;
  const holder = (await deps.floors.get(roomId)).holder;
  return holder?.mode === 'online' && holder.participantId === participantId;
}

/**
 * The floor holder's attendee in the primary meeting, for a holder whose own attendee sits in a replica
 * (which the room does not hear): a record of the primary's promotion reserve, the attendee created, then
 * claimed by the floor (`claim` stores it there, if the floor is still theirs); one not claimed is
 * released. Null when the claim failed.
 */
export async function placePromotion(
  deps: AttendeeLifecycleDeps,
  input: {
    session: Session;
    roomMeeting: RoomMeeting;
    participantId: string;
    capabilities: AttendeeCapabilities;
    claim: (made: { meetingId: string; attendeeId: string }) => Promise<boolean>;
  },
): Promise<{ meeting: ChimeMeeting; attendee: ChimeAttendee } | null> {
  const rm = input.roomMeeting;
  if (!(await deps.registry.reserve(rm.roomId, rm.meetingId, meetingLimit('primary', 'promotion')))) {
    throw roomFull(input.session, 'promotion');
  }
  let attendee: ChimeAttendee;
  try {
    attendee = await deps.meetings.createAttendee(
      rm.meetingId,
      externalUserIdFor(input.participantId, deps.ids.placementNonce()),
      input.capabilities,
    );
  } catch (error) {
    await deps.registry.giveBack(rm.roomId, rm.meetingId, 1);
    if (error instanceof MeetingFullError) throw roomFull(input.session, 'promotion');
    throw error;
  }
  const made = { meetingId: rm.meetingId, attendeeId: attendee.AttendeeId };
  let claimed = false;
  try {
    claimed = await input.claim(made);
  } finally {
    if (!claimed) await releasePromotion(deps, rm.roomId, made).catch(() => undefined);
  }
  return claimed ? { meeting: rm.meeting, attendee } : null;
}

/** Deletes a promotion attendee (its JoinToken dies) and gives its record back. */
export async function releasePromotion(
  deps: AttendeeLifecycleDeps,
  roomId: string,
  made: { meetingId: string; attendeeId: string },
) {
  await deps.meetings.deleteAttendee(made.meetingId, made.attendeeId);
  await deps.registry.giveBack(roomId, made.meetingId, 1);
}

const isGoneOnChime = (error: unknown) =>
  error instanceof Error && (error.name === 'NotFoundException' || error instanceof MeetingGoneError);

/**
 * Stores a batch that provisioning created: each attendee on the condition of the epoch its decision
 * read. Those not stored give their record back and are released. Returns how many were stored.
 */
export async function storeProvisioned(
  deps: AttendeeLifecycleDeps,
  rm: RoomMeeting,
  meetingId: string,
  made: ChimeAttendee[],
  decisions: Map<string, { epoch: number; capabilities: AttendeeCapabilities }>,
): Promise<{ stored: number; released: number }> {
  const at = deps.clock.now().toISOString();
  const entries = made.map((attendee) => {
    const participantId = participantIdOf(attendee.ExternalUserId);
    const d = decisions.get(participantId) as { epoch: number; capabilities: AttendeeCapabilities };
    return {
      attendee: {
        participantId,
        roomId: rm.roomId,
        meetingId,
        generation: rm.generation,
        attendee,
        capabilities: d.capabilities,
        createdAt: at,
      } satisfies StoredAttendee,
      epoch: d.epoch,
    };
  });
  let outcomes: Awaited<ReturnType<AttendeeRepository['storeMany']>>;
  try {
    outcomes = await deps.attendees.storeMany(entries);
  } catch (error) {
    await deps.registry.giveBack(rm.roomId, meetingId, entries.length);
    for (const e of entries) await releaseUnstored(deps, e.attendee);
    throw error;
  }
  let stored = 0;
  let released = 0;
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.outcome === 'stored') stored++;
    else if (await releaseUnstored(deps, (entries[i] as (typeof entries)[number]).attendee)) released++;
  }
  await deps.registry.giveBack(rm.roomId, meetingId, entries.length - stored);
  return { stored, released };
}

/** Requests for a batch, in the order given. */
export const attendeeRequests = (
  deps: Pick<AttendeeLifecycleDeps, 'ids'>,
  ids: string[],
  decisions: Map<string, { capabilities: AttendeeCapabilities }>,
): AttendeeRequest[] =>
  ids.map((id) => ({
    externalUserId: externalUserIdFor(id, deps.ids.placementNonce()),
    capabilities: (decisions.get(id) as { capabilities: AttendeeCapabilities }).capabilities,
  }));

/**
 * Deletes, in each of the room's current meetings, the attendees that no participant holds: made by a
 * placement that could not store or release them. Chime has no creation time on an attendee, so a
 * candidate is deleted only if it is still unheld after `graceMs` (longer than any join's budget): a
 * placement in flight has stored its attendee, or given up on it, by then.
 */
export async function sweepOrphans(
  deps: AttendeeLifecycleDeps,
  roomId: string,
  options: { graceMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<{ checked: number; deleted: number }> {
  const slot = await deps.registry.slot(roomId);
  return slot.state === 'ready' ? sweepMeetings(deps, slot.roomMeeting, options) : { checked: 0, deleted: 0 };
}

async function sweepMeetings(
  deps: AttendeeLifecycleDeps,
  rm: RoomMeeting,
  options: { graceMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<{ checked: number; deleted: number }> {
  const heldIds = async () =>
    new Set((await deps.attendees.listForRoom(rm.roomId)).map((a) => a.attendee.AttendeeId));
  const held = await heldIds();
  const candidates: { meetingId: string; attendeeId: string }[] = [];
  let checked = 0;
  for (const m of meetingsOf(rm)) {
    for (const a of await deps.meetings.listAttendees(m.meetingId)) {
      checked++;
      if (!held.has(a.AttendeeId)) candidates.push({ meetingId: m.meetingId, attendeeId: a.AttendeeId });
    }
  }
  if (candidates.length === 0) return { checked, deleted: 0 };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  await sleep(options.graceMs);
  const stillHeld = await heldIds();
  let deleted = 0;
  for (const c of candidates) {
    if (stillHeld.has(c.attendeeId)) continue;
    await deps.meetings.deleteAttendee(c.meetingId, c.attendeeId);
    deleted++;
  }
  return { checked, deleted };
}

export function roomFull(session: Session, seating: Seating, maxReplicas?: number) {
  const which =
    seating === 'audience'
      ? `its primary meeting and all ${maxReplicas ?? 'its'} replica meetings hold ${CHIME_ATTENDEES_PER_MEETING} attendee records each (Chime's limit per meeting; replicas are limited by the account's quota)`
      : `its primary meeting, where those who may speak sit, has no record left for the panel (Chime holds ${CHIME_ATTENDEES_PER_MEETING} per meeting)`;
  return new ConflictError(
    'ROOM_FULL',
    `${session.title} is full: ${which}. Please contact the secretariat.`,
    { limit: seating === 'audience' ? 'replicas' : 'primary' },
  );
}
