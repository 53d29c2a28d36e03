/**
 * Primary course: a room's join window closes, and its meetings end on Chime (DeleteMeeting on the
 * primary and every replica), so every JoinToken of the room stops working and Chime's MeetingEnded
 * closes the open stays in the attendance ledger at that instant. Rooms close on their own when their
 * window ends (`closeDueRooms`, run every minute in AWS and on every tick of the local clock), or at once
 * when an organizer closes them. Sessions overrun: an organizer moves a room's end, which moves its close
 * (and reopens a room closed too early). Everything here is audited.
 */
import { NotFoundError, ValidationError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import { joinWindowOf, type Session } from '#domain/programme.ts';
import type { Clock } from '#ports/clock.ts';
import type { IdGenerator } from '#ports/ids.ts';
import type { MeetingProvider } from '#ports/meetings.ts';
import type { AuditLog, MeetingRegistry, ProgrammeRepository } from '#ports/repositories.ts';
import type { Timers } from '#ports/timers.ts';
import { type AttendeeLifecycleDeps, sweepRequestedRooms } from './attendee-lifecycle.ts';
import { requireOrganizer } from './authorize.ts';
import { recordAudit } from './record-audit.ts';

export interface CloseRoomDeps {
  programme: ProgrammeRepository;
  registry: MeetingRegistry;
  meetings: MeetingProvider;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
  /** The room's floor ends with it (its intervention ends, its list is cleared). */
  closeFloor?: (roomId: string) => Promise<unknown>;
  /**
   * The second-precise timers the floor uses: a moved end is closed on the second by a `room.close`
   * timer (the every-minute run stays as the backstop). Absent where nothing schedules one.
   */
  timers?: Timers;
}

export interface RoomClosed {
  roomId: string;
  closedAt: string;
  /** Chime meetings ended (primary and replicas): their JoinTokens no longer work. */
  meetingsEnded: number;
}

async function endRoom(deps: CloseRoomDeps, roomId: string, actor: string): Promise<RoomClosed> {
  const now = deps.clock.now();
  const meetingIds = await deps.registry.close(roomId, now);
  // The primary first: ending it ends its replicas too on Chime; each is ended anyway, in case.
  for (const meetingId of meetingIds) await deps.meetings.deleteMeeting(meetingId);
  await deps.closeFloor?.(roomId);
  const closed = { roomId, closedAt: now.toISOString(), meetingsEnded: meetingIds.length };
  await recordAudit(deps, {
    actor,
    action: 'room.close',
    outcome: 'succeeded',
    sessionId: roomId,
    details: { meetingsEnded: meetingIds.length },
  });
  return closed;
}

/** Closes every room whose join window has ended and that is not closed yet. Idempotent. */
export async function closeDueRooms(deps: CloseRoomDeps): Promise<RoomClosed[]> {
  const programme = await deps.programme.get();
  const now = deps.clock.now();
  const closed: RoomClosed[] = [];
  for (const session of programme?.sessions ?? []) {
    if (joinWindowOf(session).closesAt > now) continue;
    const slot = await deps.registry.slot(session.id);
    if (slot.state === 'closed') continue;
    closed.push(await endRoom(deps, session.id, 'system:room-close'));
  }
  return closed;
}

/**
 * The rooms' upkeep, every minute: close the rooms that are due, and sweep the orphans of the rooms that
 * asked for it (an attendee made that could not be released, while Chime or the table would not answer).
 */
export async function roomUpkeep(
  deps: CloseRoomDeps & AttendeeLifecycleDeps,
  options: { sweepGraceMs: number },
) {
  const closed = await closeDueRooms(deps);
  const programme = await deps.programme.get();
  const swept = await sweepRequestedRooms(
    deps,
    (programme?.sessions ?? []).map((s) => s.id),
    { graceMs: options.sweepGraceMs },
  );
  return { closed, swept };
}

/**
 * Opens again the closed rooms whose window contains the clock's instant: only the local clock can move
 * back (the dev stack calls this when it does), so a room closed "in the future" opens as it was.
 */
export async function reopenRoomsOpenAt(deps: CloseRoomDeps): Promise<string[]> {
  const programme = await deps.programme.get();
  const now = deps.clock.now();
  const reopened: string[] = [];
  for (const session of programme?.sessions ?? []) {
    const { opensAt, closesAt } = joinWindowOf(session);
    if (now < opensAt || now >= closesAt) continue;
    if ((await deps.registry.slot(session.id)).state !== 'closed') continue;
    if (await deps.registry.reopen(session.id)) reopened.push(session.id);
  }
  return reopened;
}

/** An organizer closes a room now: its end becomes now, and its meetings end. */
export async function closeRoomNow(deps: CloseRoomDeps, identity: Identity, roomId: string) {
  requireOrganizer(identity);
  const session = await mustFind(deps, roomId);
  const now = deps.clock.now();
  const end = new Date(now.getTime() - session.joinWindow.closesMinutesAfter * 60_000);
  if (Date.parse(session.start) < end.getTime()) {
    await deps.programme.updateSession(roomId, { end: end.toISOString() });
  }
  return endRoom(deps, roomId, `organizer:${identity.email}`);
}

/**
 * An organizer moves a room's end (an overrun, or an early finish). A room closed before its new end
 * opens again, with new meetings; a room whose new end has passed closes now.
 */
export async function moveRoomEnd(deps: CloseRoomDeps, identity: Identity, roomId: string, end: string) {
  requireOrganizer(identity);
  const session = await mustFind(deps, roomId);
  if (Date.parse(end) <= Date.parse(session.start)) {
    throw new ValidationError(`The end must be after the start (${session.start}).`, { field: 'end' });
  }
  const updated = await deps.programme.updateSession(roomId, { end });
  const { closesAt } = joinWindowOf(updated);
  const now = deps.clock.now();
  let reopened = false;
  let closed: RoomClosed | null = null;
  if (closesAt > now) {
    reopened = await deps.registry.reopen(roomId);
    await deps.timers?.schedule({ kind: 'room.close', roomId, at: closesAt.toISOString() });
  } else closed = await endRoom(deps, roomId, `organizer:${identity.email}`);
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'session.update',
    outcome: 'succeeded',
    sessionId: roomId,
    details: { previousEnd: session.end, end: updated.end, reopened, closed: closed !== null },
  });
  return {
    session: { id: updated.id, title: updated.title, start: updated.start, end: updated.end },
    closesAt: closesAt.toISOString(),
    reopened,
    meetingsEnded: closed?.meetingsEnded ?? 0,
  };
}

async function mustFind(deps: CloseRoomDeps, roomId: string): Promise<Session> {
  const session = await deps.programme.getSession(roomId);
  if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${roomId}".`);
  return session;
}

/** An organizer names a room's moderators (by participant email): they run its floor. Audited. */
export async function setModerators(
  deps: CloseRoomDeps,
  identity: Identity,
  roomId: string,
  moderators: string[],
) {
  requireOrganizer(identity);
  const session = await mustFind(deps, roomId);
  const unique = [...new Set(moderators)];
  const updated = await deps.programme.updateSession(roomId, { moderators: unique });
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'session.moderators',
    outcome: 'succeeded',
    sessionId: roomId,
    details: { previous: session.moderators, moderators: updated.moderators },
  });
  return { session: { id: updated.id, title: updated.title }, moderators: updated.moderators };
}
