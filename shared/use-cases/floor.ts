/**
 * The floor of a room, run by the server: the speakers list, who holds the floor, for how long, and the
 * holder's microphone on Chime itself.
 *
 * Every change is one conditional write of the room's floor (its version), so exactly one of two
 * moderators pressing "next" together grants. What follows a change, in this order:
 * 1. the microphone: the holder's credential epoch moves and the one attendee rule is applied again
 *    (`syncParticipantCredentials`, with "holds the floor" as an input), so a join racing a grant or a
 *    cut stores nothing stale; an ended holder's promotion attendee is deleted. A cut Chime refuses is
 *    kept as pending, shown in the floor state, counted (an alarm) and retried by a timer;
 * 2. timers: the warning 30 s before the deadline, the deadline, a dropped holder's grace;
 * 3. the record (the floor's insert-only log) and the audit trail;
 * 4. the room's channel, last: clients learn of a grant once the microphone is open.
 */

import { formatCsv } from '#domain/csv.ts';
import type { DelegationCategory } from '#domain/delegations.ts';
import { AccessDeniedError, ConflictError, NotFoundError } from '#domain/errors.ts';
import {
  closeFloor,
  cutDone,
  cutFailed,
  end,
  extend,
  FLOOR_DROP_GRACE_SECONDS,
  FLOOR_WARNING_SECONDS,
  type FloorChange,
  type FloorEvent,
  type FloorState,
  type FloorTimerKind,
  floorView,
  grant,
  inscribe,
  interventions,
  move,
  openRequest,
  type PendingCut,
  presenceChanged,
  recordPromotion,
  removeParticipant,
  timerFired,
  withdraw,
} from '#domain/floor.ts';
import type { Identity } from '#domain/identity.ts';
import type { Participant } from '#domain/participants.ts';
import { decideAccess, decideFloor } from '#domain/policy.ts';
import { joinWindowOf, type Session } from '#domain/programme.ts';
import type { AuditLog, FloorRepository, PresenceRepository } from '#ports/repositories.ts';
import type { RoomChannel } from '#ports/room-channel.ts';
import type { Timers } from '#ports/timers.ts';
import {
  type AttendeeLifecycleDeps,
  meetingsOf,
  placePromotion,
  releasePromotion,
  syncParticipantCredentials,
} from './attendee-lifecycle.ts';
import { requireOrganizer } from './authorize.ts';
import { recordAudit } from './record-audit.ts';

export interface FloorDeps extends AttendeeLifecycleDeps {
  floors: FloorRepository;
  presence: PresenceRepository;
  channel: RoomChannel;
  timers: Timers;
  audit: AuditLog;
  /** Counts what operators must see (a cut Chime refused). */
  count?: (metric: 'FloorCutFailed' | 'FloorCutRetried', value?: number) => void;
}

/** What the interventions report reads (and audits): the floor's record, never its live state. */
export type InterventionsReportDeps = Pick<
  FloorDeps,
  'programme' | 'floors' | 'delegations' | 'audit' | 'clock' | 'ids'
>;

/** What deciding who may follow a floor reads (the floor channel's subscribe check takes only this). */
export type FollowFloorDeps = Pick<FloorDeps, 'programme' | 'participants' | 'delegations' | 'clock'>;

/** Seconds between retries of a cut Chime refused. */
const CUT_RETRY_SECONDS = 2;
/** Attempts at a cut within one call, before it is left to the retry timer. */
const CUT_ATTEMPTS = 3;

// ---------------------------------------------------------------------------------------------------
// Who may do what
// ---------------------------------------------------------------------------------------------------

async function roomOf(deps: Pick<FloorDeps, 'programme'>, roomId: string): Promise<Session> {
  const session = await deps.programme.getSession(roomId);
  if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${roomId}".`);
  return session;
}

const isModerator = (identity: Identity, session: Session) =>
  session.moderators.includes(identity.email.toLowerCase());

/** The actor string of the record: organizers and moderators by email, participants by their id. */
const actorOf = (identity: Identity, session: Session, participant?: Participant | null) =>
  identity.isOrganizer
    ? `organizer:${identity.email}`
    : isModerator(identity, session)
      ? `moderator:${identity.email}`
      : (participant?.id ?? `identity:${identity.subject}`);

/** Runs the floor: the secretariat (organizers) and the room's own moderators. */
function requireFloorControl(identity: Identity, session: Session) {
  if (identity.isOrganizer || isModerator(identity, session)) return;
  throw new AccessDeniedError(
    'FORBIDDEN',
    `Only the secretariat and the moderators of ${session.title} run its floor.`,
  );
}

function requireFloor(session: Session): number {
  if (!session.floor || session.interventionLimitSeconds === null) {
    throw new AccessDeniedError('FLOOR_NOT_ALLOWED', `${session.title} has no interventions from the floor.`);
  }
  return session.interventionLimitSeconds;
}

/** The floor is open while the room's doors are (its join window). */
function requireOpen(deps: FloorDeps, session: Session) {
  const { opensAt, closesAt } = joinWindowOf(session);
  const now = deps.clock.now();
  if (now < opensAt || now >= closesAt) {
    throw new AccessDeniedError(
      'OUTSIDE_JOIN_WINDOW',
      now < opensAt
        ? `${session.title} opens at ${opensAt.toISOString()}; its speakers list opens with it.`
        : `${session.title} closed at ${closesAt.toISOString()}.`,
      { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() },
    );
  }
}

async function callerParticipant(
  deps: Pick<FloorDeps, 'participants'>,
  identity: Identity,
): Promise<Participant | null> {
  const id = await deps.participants.idForEmail(identity.email);
  const p = id ? await deps.participants.get(id) : null;
  return p && p.email === identity.email ? p : null;
}

async function categoryOf(deps: Pick<FloorDeps, 'delegations'>, participant: Participant) {
  const delegation = await deps.delegations.get(participant.delegationCode);
  if (!delegation) throw new NotFoundError('UNKNOWN_DELEGATION', 'The delegation is not on record.');
  return delegation.category;
}

/**
 * Who may follow a room's floor (GET, and the room's channel): organizers, the room's moderators, and
 * participants who may join the room now, or who may take its floor from their seat in the room.
 */
export async function mayFollowFloor(
  deps: FollowFloorDeps,
  identity: Identity,
  roomId: string,
): Promise<boolean> {
  const session = await deps.programme.getSession(roomId);
  if (!session) return false;
  if (identity.isOrganizer || isModerator(identity, session)) return true;
  const participant = await callerParticipant(deps, identity);
  if (!participant) return false;
  const category = await categoryOf(deps, participant).catch(() => null);
  if (!category) return false;
  if (decideAccess({ participant, category, session, now: deps.clock.now() }).allowed) return true;
  const floor = decideFloor({ participant, category, session });
  if (!floor.allowed || floor.mode !== 'in-person') return false;
  const { opensAt, closesAt } = joinWindowOf(session);
  const now = deps.clock.now();
  return now >= opensAt && now < closesAt;
}

// ---------------------------------------------------------------------------------------------------
// Changing the floor
// ---------------------------------------------------------------------------------------------------

/**
 * Applies `op` to the floor as stored, on the condition of its version, again on a lost race (the op
 * decides on the state as it then is: a second "next" finds the floor held). Then its effects.
 */
async function changeFloor(
  deps: FloorDeps,
  session: Session,
  op: (state: FloorState) => FloorChange | null,
): Promise<FloorChange | null> {
  const change = await writeFloor(deps, session.id, op, (c) => c.state);
  if (change === LOST)
    throw new ConflictError('FLOOR_HELD', 'The floor is changing too fast; please try again.');
  if (change) await applyEffects(deps, session, change);
  return change;
}

const LOST = Symbol('every attempt lost its race');

/**
 * The floor's one write: `op` applied to the floor as stored, its next state saved on the condition of
 * the version read, again (after a short random pause) when another change came first. Null when `op`
 * had nothing to do; LOST when every attempt lost.
 */
async function writeFloor<T>(
  deps: FloorDeps,
  roomId: string,
  op: (state: FloorState) => T | null,
  nextOf: (result: T) => FloorState,
): Promise<T | null | typeof LOST> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const state = await deps.floors.get(roomId);
    const result = op(state);
    if (!result) return null;
    if (await deps.floors.save(nextOf(result), state.version)) return result;
    await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
  }
  return LOST;
}

async function applyEffects(deps: FloorDeps, session: Session, change: FloorChange) {
  // 1. The microphone.
  if (change.granted?.mode === 'online') await applyRule(deps, change.granted.participantId, session.id);
  if (change.ended?.mode === 'online') {
    const cut = change.state.pendingCuts.find((c) => c.requestId === change.ended?.id);
    if (cut) await runCut(deps, session, cut);
  }
  // 2. Timers.
  for (const e of change.events) {
    if (e.type === 'granted' || e.type === 'extended') {
      const deadline = e.deadline as string;
      await scheduleFloorTimer(
        deps,
        'floor.warn',
        e,
        deadline,
        Date.parse(deadline) - FLOOR_WARNING_SECONDS * 1000,
      );
      await scheduleFloorTimer(deps, 'floor.deadline', e, deadline, Date.parse(deadline));
    }
    if (e.type === 'dropped') {
      await deps.timers.schedule({
        kind: 'floor.grace',
        roomId: e.roomId,
        requestId: e.requestId,
        droppedAt: e.at,
        at: new Date(Date.parse(e.at) + FLOOR_DROP_GRACE_SECONDS * 1000).toISOString(),
      });
    }
  }
  // 3. The record and the audit trail.
  await deps.floors.record(change.events);
  for (const e of change.events) {
    await recordAudit(deps, {
      actor: e.by,
      action: `floor.${e.type}`,
      outcome: 'succeeded',
      sessionId: e.roomId,
      participantId: e.participantId,
      delegationCode: e.delegationCode,
      details: auditDetails(e),
    });
  }
  // 4. The room's channel.
  for (const e of change.events) await deps.channel.publish(session.id, channelEvent(e));
}

const scheduleFloorTimer = (
  deps: FloorDeps,
  kind: FloorTimerKind,
  e: FloorEvent,
  deadline: string,
  atMs: number,
) =>
  deps.timers.schedule({
    kind,
    roomId: e.roomId,
    requestId: e.requestId,
    deadline,
    at: new Date(atMs).toISOString(),
  });

function auditDetails(e: FloorEvent): Record<string, unknown> {
  const { type, roomId, participantId, delegationCode, by, ...rest } = e;
  return rest;
}

/** What the channel carries: the event, never a credential (there is none in a floor event). */
const channelEvent = (e: FloorEvent): Record<string, unknown> => ({ ...e });

/** Moves the participant's epoch (a join deciding on the old floor stores nothing), then applies the rule. */
async function applyRule(deps: FloorDeps, participantId: string, roomId: string) {
  await deps.participants.touch(participantId);
  return syncParticipantCredentials(deps, participantId, { roomId });
}

/**
 * Closes an ended holder's microphone: the rule applied again (now without the floor) and the
 * promotion attendee deleted, retried a few times at once; if Chime still refuses, the cut stays
 * pending (shown in the floor state, counted for the alarm) and a timer retries it.
 */
async function runCut(deps: FloorDeps, session: Session, cut: PendingCut): Promise<boolean> {
  for (let attempt = 1; attempt <= CUT_ATTEMPTS; attempt++) {
    try {
      await applyRule(deps, cut.participantId, session.id);
      if (cut.promotion) await releasePromotion(deps, session.id, cut.promotion);
      await updateFloor(deps, session.id, (s) => cutDone(s, cut.requestId));
      return true;
    } catch {
      deps.count?.('FloorCutRetried');
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  deps.count?.('FloorCutFailed');
  await updateFloor(deps, session.id, (s) => cutFailed(s, cut.requestId));
  await deps.timers.schedule({
    kind: 'floor.cut',
    roomId: session.id,
    requestId: cut.requestId,
    at: new Date(deps.clock.now().getTime() + CUT_RETRY_SECONDS * 1000).toISOString(),
  });
  return false;
}

/** A bookkeeping write of the floor (no event, no effects); null when there was nothing to write. */
async function updateFloor(deps: FloorDeps, roomId: string, op: (s: FloorState) => FloorState | null) {
  const next = await writeFloor(deps, roomId, op, (n) => n);
  return next === LOST ? null : next;
}

// ---------------------------------------------------------------------------------------------------
// The routes' use cases
// ---------------------------------------------------------------------------------------------------

export async function getFloor(deps: FloorDeps, identity: Identity, roomId: string) {
  const session = await roomOf(deps, roomId);
  requireFloor(session);
  if (!(await mayFollowFloor(deps, identity, roomId))) {
    throw new AccessDeniedError('FORBIDDEN', `You may not follow the floor of ${session.title} now.`);
  }
  return viewOf(deps, await deps.floors.get(roomId));
}

/** The floor as its followers see it, with each online speaker's connection (from the meeting events). */
async function viewOf(deps: FloorDeps, state: FloorState) {
  const online = [
    ...(state.holder?.mode === 'online' ? [state.holder.participantId] : []),
    ...state.queue.filter((q) => q.mode === 'online').map((q) => q.participantId),
  ];
  const presence =
    online.length > 0 ? await deps.presence.of(state.roomId, online) : new Map<string, boolean>();
  return floorView(state, (id) => presence.get(id) ?? false);
}

/** Inscribes the caller, or (organizers, the room's moderators) anyone who may take the floor. */
export async function inscribeOnFloor(
  deps: FloorDeps,
  identity: Identity,
  roomId: string,
  body: { participantId?: string | undefined },
) {
  const session = await roomOf(deps, roomId);
  requireFloor(session);
  const caller = await callerParticipant(deps, identity);
  let participant: Participant | null;
  if (body.participantId && body.participantId !== caller?.id) {
    requireFloorControl(identity, session);
    participant = await deps.participants.get(body.participantId);
    if (!participant) {
      throw new NotFoundError('UNKNOWN_PARTICIPANT', `There is no participant ${body.participantId}.`);
    }
  } else {
    participant = caller;
    if (!participant) {
      throw new AccessDeniedError(
        'NOT_REGISTERED',
        'You are signed in, but not registered for this event. Please contact the secretariat.',
      );
    }
  }
  const decision = decideFloor({ participant, category: await categoryOf(deps, participant), session });
  if (!decision.allowed) throw new AccessDeniedError(decision.code, decision.message);
  requireOpen(deps, session);
  const now = deps.clock.now();
  const request = {
    id: `fr_${deps.ids.auditId(now)}`,
    participantId: participant.id,
    delegationCode: participant.delegationCode,
    mode: decision.mode,
    requestedAt: now.toISOString(),
    inscribedBy: actorOf(identity, session, caller),
  };
  const change = (await changeFloor(deps, session, (s) => inscribe(s, request))) as FloorChange;
  return {
    request: {
      id: request.id,
      position: change.state.queue.findIndex((q) => q.id === request.id) + 1,
      participantId: request.participantId,
      delegationCode: request.delegationCode,
      mode: request.mode,
    },
    version: change.state.version,
  };
}

/** Withdraws a request: one's own, or any for the room's moderators and organizers. */
export async function withdrawFromFloor(
  deps: FloorDeps,
  identity: Identity,
  roomId: string,
  requestId: string,
) {
  const session = await roomOf(deps, roomId);
  requireFloor(session);
  const caller = await callerParticipant(deps, identity);
  const controls = identity.isOrganizer || isModerator(identity, session);
  const change = await changeFloor(deps, session, (s) => {
    const r = openRequest(s, requestId);
    if (r && !controls && r.participantId !== caller?.id) {
      throw new AccessDeniedError('FORBIDDEN', 'You may withdraw only your own request.');
    }
    return withdraw(s, requestId, deps.clock.now().toISOString(), actorOf(identity, session, caller));
  });
  return { withdrawn: requestId, version: change?.state.version };
}

export async function moveOnFloor(
  deps: FloorDeps,
  identity: Identity,
  roomId: string,
  requestId: string,
  position: number,
) {
  const session = await roomOf(deps, roomId);
  requireFloorControl(identity, session);
  requireFloor(session);
  const at = deps.clock.now().toISOString();
  const change = (await changeFloor(deps, session, (s) =>
    move(s, requestId, position, at, actorOf(identity, session)),
  )) as FloorChange;
  return viewOf(deps, change.state);
}

/** Gives the floor to a request, or to the head of the list (`requestId` null). */
export async function grantFloor(
  deps: FloorDeps,
  identity: Identity,
  roomId: string,
  requestId: string | null,
) {
  const session = await roomOf(deps, roomId);
  requireFloorControl(identity, session);
  const limit = requireFloor(session);
  requireOpen(deps, session);
  const at = deps.clock.now().toISOString();
  const change = (await changeFloor(deps, session, (s) =>
    grant(s, requestId, limit, at, actorOf(identity, session)),
  )) as FloorChange;
  return viewOf(deps, change.state);
}

export async function endFloor(deps: FloorDeps, identity: Identity, roomId: string) {
  const session = await roomOf(deps, roomId);
  requireFloorControl(identity, session);
  requireFloor(session);
  const at = deps.clock.now().toISOString();
  const change = (await changeFloor(deps, session, (s) =>
    end(s, 'moderator', at, actorOf(identity, session)),
  )) as FloorChange;
  const state = await deps.floors.get(roomId);
  return { ended: change.events[0], floor: await viewOf(deps, state) };
}

export async function extendFloor(
  deps: FloorDeps,
  identity: Identity,
  roomId: string,
  body: { seconds: number; reason: string },
) {
  const session = await roomOf(deps, roomId);
  requireFloorControl(identity, session);
  const limit = requireFloor(session);
  const at = deps.clock.now().toISOString();
  const change = (await changeFloor(deps, session, (s) =>
    extend(s, body.seconds, body.reason, limit, at, actorOf(identity, session)),
  )) as FloorChange;
  return viewOf(deps, change.state);
}

/**
 * Mutes at once everyone in the room's primary meeting but the panel and the holder: the one meeting
 * the room hears (replica attendees are never heard by the room). One BatchUpdateAttendeeCapabilitiesExcept.
 */
export async function muteAll(deps: FloorDeps, identity: Identity, roomId: string) {
  const session = await roomOf(deps, roomId);
  requireFloorControl(identity, session);
  requireFloor(session);
  const slot = await deps.registry.slot(roomId);
  if (slot.state !== 'ready') return { muted: false, reason: 'The room has no live meeting.' };
  const rm = slot.roomMeeting;
  const state = await deps.floors.get(roomId);
  const heard = (await deps.attendees.listForRoom(roomId)).filter(
    (a) => a.meetingId === rm.meetingId && a.capabilities.Audio === 'SendReceive',
  );
  const excluded = [
    ...heard.map((a) => a.attendee.AttendeeId),
    ...(state.holder?.promotion ? [state.holder.promotion.attendeeId] : []),
  ];
  const listen = { Audio: 'Receive', Video: 'Receive', Content: 'Receive' } as const;
  if (excluded.length > 0) {
    await deps.meetings.batchUpdateCapabilitiesExcept(rm.meetingId, excluded.slice(0, 250), listen);
  }
  await recordAudit(deps, {
    actor: actorOf(identity, session),
    action: 'floor.mute-all',
    outcome: 'succeeded',
    sessionId: roomId,
    details: { meetingId: rm.meetingId, kept: excluded.length, meetings: meetingsOf(rm).length },
  });
  await deps.channel.publish(roomId, { type: 'muted-all', roomId, at: deps.clock.now().toISOString() });
  return { muted: excluded.length > 0, kept: excluded.length };
}

/**
 * The holder's attendee in the primary meeting, to call `promoteToPrimaryMeeting` with, when their own
 * attendee sits in a replica (which the room does not hear). Deleted when the floor ends. Never stored
 * or published: the JoinToken goes to the holder in this answer only.
 */
export async function floorCredentials(deps: FloorDeps, identity: Identity, roomId: string) {
  const session = await roomOf(deps, roomId);
  requireFloor(session);
  const caller = await callerParticipant(deps, identity);
  const state = await deps.floors.get(roomId);
  const holder = state.holder;
  // Only the holder has credentials to fetch: to anyone else, the floor has no holder of theirs.
  if (!holder || !caller || holder.participantId !== caller.id) {
    throw new ConflictError('NO_FLOOR_HOLDER', 'You do not hold the floor of this room.');
  }
  if (holder.mode !== 'online') {
    throw new AccessDeniedError('FLOOR_NOT_ALLOWED', 'You speak from the room’s microphone.');
  }
  const slot = await deps.registry.slot(roomId);
  if (slot.state !== 'ready') throw new ConflictError('NO_FLOOR_HOLDER', 'The room has no live meeting.');
  const rm = slot.roomMeeting;
  const own = await deps.attendees.get(caller.id, roomId);
  if (own && own.meetingId === rm.meetingId) {
    return {
      promote: false,
      primaryMeetingId: rm.meetingId,
      reason: 'Your attendee is in the primary meeting.',
    };
  }
  const category = await categoryOf(deps, caller);
  const standing = decideAccess({
    participant: caller,
    category,
    session,
    now: deps.clock.now(),
    holdsFloor: true,
  });
  if (!standing.allowed) throw new AccessDeniedError(standing.code, standing.message);
  let previous: { meetingId: string; attendeeId: string } | null = null;
  const made = await placePromotion(deps, {
    session,
    roomMeeting: rm,
    participantId: caller.id,
    capabilities: standing.capabilities,
    claim: async (promotion) => {
      const saved = await updateFloor(deps, roomId, (s) => {
        previous = s.holder?.id === holder.id ? s.holder.promotion : null;
        return recordPromotion(s, holder.id, promotion);
      });
      return saved !== null;
    },
  });
  if (!made) throw new ConflictError('NO_FLOOR_HOLDER', 'The floor ended meanwhile.');
  if (previous) await releasePromotion(deps, roomId, previous).catch(() => undefined);
  await recordAudit(deps, {
    actor: caller.id,
    action: 'floor.credentials',
    outcome: 'succeeded',
    sessionId: roomId,
    participantId: caller.id,
    delegationCode: caller.delegationCode,
    details: { meetingId: rm.meetingId, attendeeId: made.attendee.AttendeeId },
  });
  return {
    promote: true,
    primaryMeetingId: rm.meetingId,
    meeting: made.meeting,
    attendee: { ...made.attendee, Capabilities: standing.capabilities },
  };
}

/** The columns of the interventions CSV: the JSON rows' fields, in this order. */
const interventionColumns = [
  'order',
  'delegationCode',
  'delegationName',
  'participantId',
  'mode',
  'requestedAt',
  'grantedAt',
  'endedAt',
  'secondsSpoken',
  'limitSeconds',
  'extendedSeconds',
  'overrunSeconds',
  'endedBy',
] as const;

/**
 * The interventions of a room, one row each, from the floor's record (organizers), as JSON or CSV. Like
 * the other reports, the export is itself audited.
 */
export async function roomInterventions(
  deps: InterventionsReportDeps,
  identity: Identity,
  roomId: string,
  format: 'json' | 'csv',
) {
  requireOrganizer(identity);
  const session = await roomOf(deps, roomId);
  const rows = interventions(await deps.floors.events(roomId));
  const delegations = await deps.delegations.getMany([...new Set(rows.map((r) => r.delegationCode))]);
  const named = rows.map((r) => ({ ...r, delegationName: delegations.get(r.delegationCode)?.name ?? null }));
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'interventions.export',
    outcome: 'succeeded',
    sessionId: roomId,
    details: { report: 'interventions', format, rows: named.length },
  });
  if (format === 'csv') {
    return {
      csv: formatCsv(
        interventionColumns,
        named.map((row) => interventionColumns.map((c) => (row[c] === null ? '' : String(row[c])))),
      ),
      filename: `interventions-${session.id}.csv`,
    };
  }
  return { session: { id: session.id, title: session.title }, interventions: named };
}

// ---------------------------------------------------------------------------------------------------
// What the rest of the system tells the floor
// ---------------------------------------------------------------------------------------------------

/** A timer of the floor fired: a stale one (an early end, an extension, a return) does nothing. */
export async function floorTimerFired(
  deps: FloorDeps,
  timer: {
    kind: FloorTimerKind | 'floor.cut';
    roomId: string;
    requestId: string;
    deadline?: string;
    droppedAt?: string;
  },
) {
  const session = await roomOf(deps, timer.roomId);
  if (timer.kind === 'floor.cut') {
    const cut = (await deps.floors.get(timer.roomId)).pendingCuts.find(
      (c) => c.requestId === timer.requestId,
    );
    return cut ? runCut(deps, session, cut) : null;
  }
  const at = deps.clock.now().toISOString();
  const kind = timer.kind;
  return changeFloor(deps, session, (s) => timerFired(s, { ...timer, kind }, at));
}

/**
 * A meeting event of a participant in a room (the recorder): their connection is noted, and the holder's
 * drop starts the grace after which the floor ends (their return within it keeps the floor).
 */
export async function participantPresence(
  deps: FloorDeps,
  roomId: string,
  participantId: string,
  connected: boolean,
  at: string,
) {
  await deps.presence.note(roomId, participantId, connected, at);
  const session = await deps.programme.getSession(roomId);
  if (!session?.floor) return null;
  return changeFloor(deps, session, (s) => presenceChanged(s, participantId, connected, at));
}

/**
 * A participant changed (revoked, seated, another role or delegation): wherever they are on a floor they
 * may no longer take, their requests leave the list and their intervention ends at once.
 */
export async function participantChangedOnFloors(deps: FloorDeps, participantId: string) {
  const programme = await deps.programme.get();
  // The record as it is now, read only for a participant found on a floor (most changes, an import's
  // rows among them, concern nobody on one).
  let current: Promise<{ participant: Participant | null; category: DelegationCategory | null }> | undefined;
  const currentRecord = () => {
    current ??= deps.participants.get(participantId).then(async (participant) => ({
      participant,
      category: participant ? await categoryOf(deps, participant).catch(() => null) : null,
    }));
    return current;
  };
  const at = deps.clock.now().toISOString();
  for (const session of programme?.sessions ?? []) {
    if (!session.floor) continue;
    const state = await deps.floors.get(session.id);
    const onFloor = [...state.queue, ...(state.holder ? [state.holder] : [])].filter(
      (r) => r.participantId === participantId,
    );
    if (onFloor.length === 0) continue;
    const { participant, category } = await currentRecord();
    const decision = participant && category ? decideFloor({ participant, category, session }) : null;
    const keeps =
      decision?.allowed &&
      onFloor.every((r) => r.mode === decision.mode && r.delegationCode === participant?.delegationCode);
    if (keeps) continue;
    await changeFloor(deps, session, (s) =>
      removeParticipant(s, participantId, 'revoked', at, 'system:participant-change'),
    );
  }
}

/** The room closed: the intervention ends and the list is cleared (its meetings have ended). */
export async function closeRoomFloor(deps: FloorDeps, roomId: string) {
  const session = await deps.programme.getSession(roomId);
  if (!session?.floor) return null;
  const at = deps.clock.now().toISOString();
  return changeFloor(deps, session, (s) => closeFloor(s, at));
}
