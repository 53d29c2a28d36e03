import { AccessDeniedError, MeetingUnavailableError } from '#domain/errors.ts';
import type { Clock } from '#ports/clock.ts';
import type { MeetingProvider, ProvisioningTrigger } from '#ports/meetings.ts';
import type { MeetingRegistry, RoomMeeting } from '#ports/repositories.ts';

export interface EnsureRoomMeetingDeps {
  registry: MeetingRegistry;
  meetings: MeetingProvider;
  clock: Clock;
  eventId: string;
  /** Told when a new generation's primary meeting exists, so its attendees can be made ahead. */
  provisioning?: ProvisioningTrigger;
  /** Waits between polls while another caller creates the meeting (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** How long a stored meeting is trusted before we ask the provider whether it still exists. */
export const VERIFY_AFTER_MS = 30_000;
/** A creation claim older than this is taken over (its holder crashed or timed out). */
export const CLAIM_STALE_MS = 10_000;
const POLL_MS = 100;
const MAX_WAIT_MS = 12_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The room's current meeting, created just in time and once.
 *
 * Chime has no ListMeetings and a meeting ends on its own (5 minutes empty, 24 hours old), so we keep a
 * registry slot per room with a generation number. Exactly one caller claims a generation (conditional
 * write) and creates its meeting with a ClientRequestToken derived from it, so a retried or taken-over
 * creation returns the same meeting; the others poll the slot. A meeting the provider no longer knows is
 * retired, which opens the next generation.
 */
export async function ensureRoomMeeting(deps: EnsureRoomMeetingDeps, roomId: string): Promise<RoomMeeting> {
  const sleep = deps.sleep ?? defaultSleep;
  const started = Date.now();
  while (Date.now() - started < MAX_WAIT_MS) {
    const slot = await deps.registry.slot(roomId);
    const now = deps.clock.now();
    if (slot.state === 'closed') throw roomClosed(slot.closedAt);
    if (slot.state === 'ready') {
      const { roomMeeting } = slot;
      // Trusted for a short while after it was last seen alive (a clock that moved back trusts nothing).
      const age = now.getTime() - Date.parse(roomMeeting.verifiedAt);
      if (age >= 0 && age < VERIFY_AFTER_MS) return roomMeeting;
      // One caller checks with Chime; everyone else goes on with the meeting meanwhile (no herd): in
      // this instance through the check in flight, across instances through a conditional claim.
      const alive = await verifyOnce(deps, roomMeeting, now);
      if (alive) return alive;
      continue;
    }
    const staleBefore = new Date(now.getTime() - CLAIM_STALE_MS);
    const claimable = slot.state === 'empty' || Date.parse(slot.claimedAt) < staleBefore.getTime();
    if (claimable && (await deps.registry.claim(roomId, slot.generation, now, staleBefore))) {
      return createFor(deps, roomId, slot.generation);
    }
    await sleep(POLL_MS);
  }
  throw new MeetingUnavailableError();
}

async function createFor(
  deps: EnsureRoomMeetingDeps,
  roomId: string,
  generation: number,
): Promise<RoomMeeting> {
  const meeting = await deps.meetings.createMeeting({
    clientRequestToken: clientRequestTokenFor(deps.eventId, roomId, generation),
    externalMeetingId: `${deps.eventId}/${roomId}`,
  });
  const at = deps.clock.now().toISOString();
  const roomMeeting: RoomMeeting = {
    roomId,
    meetingId: meeting.MeetingId,
    meeting,
    replicas: [],
    counts: { [meeting.MeetingId]: 0 },
    generation,
    createdAt: at,
    verifiedAt: at,
  };
  try {
    await deps.registry.publish(roomMeeting);
  } catch (error) {
    // The room was closed while we created its meeting: end that meeting, it must not live on.
    const slot = await deps.registry.slot(roomId);
    if (slot.state === 'closed') {
      await deps.meetings.deleteMeeting(meeting.MeetingId);
      throw roomClosed(slot.closedAt);
    }
    throw error;
  }
  await deps.provisioning?.request(roomId);
  return roomMeeting;
}

/** The room's window has closed (its meetings were ended): the join is refused with the window's reason. */
export const roomClosed = (closedAt: string) =>
  new AccessDeniedError('OUTSIDE_JOIN_WINDOW', `This room closed at ${closedAt}.`, { closesAt: closedAt });

const verifications = new Map<string, Promise<RoomMeeting | null>>();

/**
 * The meeting as it stands after a check: the meeting itself (alive, or being checked by another
 * caller) or null when Chime no longer knows it and it has been retired.
 */
export function verifyOnce(
  deps: EnsureRoomMeetingDeps,
  rm: RoomMeeting,
  now: Date,
): Promise<RoomMeeting | null> {
  const key = `${rm.roomId}/${rm.meetingId}/${rm.verifiedAt}`;
  const inFlight = verifications.get(key);
  if (inFlight) return Promise.resolve(rm);
  const check = (async () => {
    if (!(await deps.registry.claimVerification(rm.roomId, rm.meetingId, rm.verifiedAt, now))) return rm;
    if (await deps.meetings.getMeeting(rm.meetingId)) return { ...rm, verifiedAt: now.toISOString() };
    await deps.registry.retire(rm.roomId, rm.meetingId);
    return null;
  })().finally(() => verifications.delete(key));
  verifications.set(key, check);
  return check;
}

/**
 * Replica number `index` of the room's current generation, created once: the ClientRequestToken is
 * derived from generation and index, and the registry keeps the first one added.
 */
export async function ensureReplica(
  deps: EnsureRoomMeetingDeps,
  roomMeeting: RoomMeeting,
  index: number,
): Promise<RoomMeeting> {
  if (roomMeeting.replicas[index]) return roomMeeting;
  const meeting = await deps.meetings.createMeeting({
    clientRequestToken: clientRequestTokenFor(
      deps.eventId,
      roomMeeting.roomId,
      roomMeeting.generation,
      index,
    ),
    externalMeetingId: `${deps.eventId}/${roomMeeting.roomId}`,
    primaryMeetingId: roomMeeting.meetingId,
  });
  await deps.registry.addReplica(roomMeeting.roomId, roomMeeting.generation, index, {
    meetingId: meeting.MeetingId,
    meeting,
  });
  const slot = await deps.registry.slot(roomMeeting.roomId);
  const kept =
    slot.state === 'ready' && slot.roomMeeting.replicas.some((r) => r.meetingId === meeting.MeetingId);
  // Closed or replaced meanwhile, so our replica was not added: it must not live on.
  if (!kept && slot.state !== 'ready') await deps.meetings.deleteMeeting(meeting.MeetingId);
  if (slot.state === 'closed') throw roomClosed(slot.closedAt);
  if (slot.state !== 'ready' || slot.roomMeeting.generation !== roomMeeting.generation) {
    throw new MeetingUnavailableError(
      'The room’s meeting changed while it was being extended; please try again.',
    );
  }
  return slot.roomMeeting;
}

/** 2–64 characters of [-_a-zA-Z0-9], unique per event, room, generation (and replica). */
export function clientRequestTokenFor(
  eventId: string,
  roomId: string,
  generation: number,
  replica?: number,
): string {
  const suffix = replica === undefined ? '' : `_r${replica}`;
  return `${eventId}_${roomId}_g${generation}${suffix}`.replace(/[^-_a-zA-Z0-9]/g, '-').slice(0, 64);
}
