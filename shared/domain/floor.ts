/**
 * The floor of a room: one speakers list (online and in-person delegations on the same list) and at most
 * one holder, timed by the server. Pure: every operation takes the state as read and returns the next
 * state and what happened, or refuses with a domain error. The use case stores the next state on the
 * condition that nobody changed it meanwhile (its version), so two moderators pressing "next" together
 * produce exactly one grant.
 */
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';

export type FloorMode = 'online' | 'in-person';

/** How an intervention ended. */
export type EndReason = 'moderator' | 'time' | 'dropped' | 'withdrawn' | 'revoked' | 'room-closed';

/** Seconds before the deadline at which the holder (and the room) are warned. */
export const FLOOR_WARNING_SECONDS = 30;
/** How long the floor stays with an online holder whose client dropped or left, by default. */
export const FLOOR_DROP_GRACE_SECONDS = 20;

export interface FloorRequest {
  id: string;
  participantId: string;
  delegationCode: string;
  mode: FloorMode;
  requestedAt: string;
  /** Who inscribed it: the participant themselves, a moderator or an organizer (an actor string). */
  inscribedBy: string;
}

export interface FloorExtension {
  seconds: number;
  reason: string;
  by: string;
  at: string;
}

export interface FloorHolder extends FloorRequest {
  grantedAt: string;
  /** The instant the intervention ends (moved by extensions). */
  deadline: string;
  /** The room's limit when granted, in seconds (extensions come on top). */
  limitSeconds: number;
  extensions: FloorExtension[];
  warnedAt: string | null;
  /** An in-person holder past the deadline: the hall microphone cannot be cut by the server. */
  overtimeAt: string | null;
  /** An online holder whose client dropped or left: the floor ends after the grace unless they return. */
  droppedAt: string | null;
  /** The holder's attendee in the primary meeting (a holder placed in a replica), while the floor is theirs. */
  promotion: { meetingId: string; attendeeId: string } | null;
}

/** An ended online intervention whose microphone Chime has not yet confirmed closed (retried, alarmed). */
export interface PendingCut {
  requestId: string;
  participantId: string;
  since: string;
  attempts: number;
  promotion: { meetingId: string; attendeeId: string } | null;
}

export interface FloorState {
  roomId: string;
  /** Moves on every change; a write is conditional on the version it read. */
  version: number;
  holder: FloorHolder | null;
  queue: FloorRequest[];
  pendingCuts: PendingCut[];
}

export const emptyFloor = (roomId: string): FloorState => ({
  roomId,
  version: 0,
  holder: null,
  queue: [],
  pendingCuts: [],
});

export type FloorEventType =
  | 'inscribed'
  | 'withdrawn'
  | 'moved'
  | 'granted'
  | 'warned'
  | 'extended'
  | 'overtime'
  | 'dropped'
  | 'returned'
  | 'ended';

/** What happened on a floor: the record (ledger and audit) and what the room's channel carries. No secret. */
export interface FloorEvent {
  type: FloorEventType;
  roomId: string;
  requestId: string;
  participantId: string;
  delegationCode: string;
  mode: FloorMode;
  at: string;
  /** The actor: a participant id, `organizer:<email>`, `moderator:<email>`, or `system:<what>`. */
  by: string;
  /** The floor's version after the change. */
  version: number;
  requestedAt?: string;
  grantedAt?: string;
  deadline?: string;
  limitSeconds?: number;
  position?: number;
  from?: number;
  seconds?: number;
  reason?: string;
  how?: EndReason;
}

export interface FloorChange {
  state: FloorState;
  events: FloorEvent[];
  /** The holder's intervention ended (or began): the microphone is to follow. */
  ended?: FloorHolder;
  granted?: FloorHolder;
}

const iso = (ms: number) => new Date(ms).toISOString();

function eventOf(
  state: FloorState,
  r: FloorRequest,
  type: FloorEventType,
  at: string,
  by: string,
  extra: Partial<FloorEvent> = {},
): FloorEvent {
  return {
    type,
    roomId: state.roomId,
    requestId: r.id,
    participantId: r.participantId,
    delegationCode: r.delegationCode,
    mode: r.mode,
    at,
    by,
    version: state.version,
    ...extra,
  };
}

const next = (state: FloorState, change: Partial<FloorState>): FloorState => ({
  ...state,
  ...change,
  version: state.version + 1,
});

/** A State speaks with one voice at a time: one open request (or the floor) per delegation. */
export function inscribe(state: FloorState, request: FloorRequest): FloorChange {
  const open = [...state.queue, ...(state.holder ? [state.holder] : [])].find(
    (r) => r.delegationCode === request.delegationCode,
  );
  if (open) {
    throw new ConflictError(
      'ALREADY_ON_LIST',
      `The delegation ${request.delegationCode} already has a request on this room's speakers list (one per delegation).`,
      { requestId: open.id, participantId: open.participantId },
    );
  }
  const s = next(state, { queue: [...state.queue, request] });
  return {
    state: s,
    events: [
      eventOf(s, request, 'inscribed', request.requestedAt, request.inscribedBy, {
        position: s.queue.length,
      }),
    ],
  };
}

/** An open request of the floor: on the list, or the holder's. */
export const openRequest = (state: FloorState, requestId: string): FloorRequest | null =>
  state.queue.find((q) => q.id === requestId) ?? (state.holder?.id === requestId ? state.holder : null);

const unknownRequest = (requestId: string) =>
  new NotFoundError('UNKNOWN_FLOOR_REQUEST', `There is no open request ${requestId} on this room's list.`);

/** Withdraws a request; withdrawing the holder's request ends the intervention. */
export function withdraw(state: FloorState, requestId: string, at: string, by: string): FloorChange {
  if (state.holder?.id === requestId) return end(state, 'withdrawn', at, by);
  const r = state.queue.find((q) => q.id === requestId);
  if (!r) throw unknownRequest(requestId);
  const s = next(state, { queue: state.queue.filter((q) => q.id !== requestId) });
  return { state: s, events: [eventOf(s, r, 'withdrawn', at, by)] };
}

/** Moves a request to `position` (1-based; clamped to the list). */
export function move(
  state: FloorState,
  requestId: string,
  position: number,
  at: string,
  by: string,
): FloorChange {
  const from = state.queue.findIndex((q) => q.id === requestId);
  if (from < 0) throw unknownRequest(requestId);
  const to = Math.min(Math.max(1, position), state.queue.length) - 1;
  const queue = [...state.queue];
  const [r] = queue.splice(from, 1) as [FloorRequest];
  queue.splice(to, 0, r);
  const s = next(state, { queue });
  return { state: s, events: [eventOf(s, r, 'moved', at, by, { from: from + 1, position: to + 1 })] };
}

/** Gives the floor to `requestId`, or to the head of the list when null. Refused while it is held. */
export function grant(
  state: FloorState,
  requestId: string | null,
  limitSeconds: number,
  at: string,
  by: string,
): FloorChange {
  if (state.holder) {
    throw new ConflictError(
      'FLOOR_HELD',
      `The floor is held by ${state.holder.delegationCode} until ${state.holder.deadline}; end it first.`,
      { requestId: state.holder.id },
    );
  }
  if (requestId === null && state.queue.length === 0) {
    throw new ConflictError('FLOOR_EMPTY', 'The speakers list is empty.');
  }
  const r =
    requestId === null ? (state.queue[0] as FloorRequest) : state.queue.find((q) => q.id === requestId);
  if (!r) throw unknownRequest(requestId as string);
  const holder: FloorHolder = {
    ...r,
    grantedAt: at,
    deadline: iso(Date.parse(at) + limitSeconds * 1000),
    limitSeconds,
    extensions: [],
    warnedAt: null,
    overtimeAt: null,
    droppedAt: null,
    promotion: null,
  };
  const s = next(state, { holder, queue: state.queue.filter((q) => q.id !== r.id) });
  return {
    state: s,
    granted: holder,
    events: [
      eventOf(s, r, 'granted', at, by, {
        requestedAt: r.requestedAt,
        grantedAt: at,
        deadline: holder.deadline,
        limitSeconds,
      }),
    ],
  };
}

const noHolder = () => new ConflictError('NO_FLOOR_HOLDER', 'Nobody holds the floor.');

/** Ends the current intervention. An online holder's microphone is to be closed (a pending cut). */
export function end(state: FloorState, how: EndReason, at: string, by: string): FloorChange {
  const h = state.holder;
  if (!h) throw noHolder();
  const pendingCuts =
    h.mode === 'online'
      ? [
          ...state.pendingCuts,
          { requestId: h.id, participantId: h.participantId, since: at, attempts: 0, promotion: h.promotion },
        ]
      : state.pendingCuts;
  const s = next(state, { holder: null, pendingCuts });
  return {
    state: s,
    ended: h,
    events: [
      eventOf(s, h, 'ended', at, by, {
        requestedAt: h.requestedAt,
        grantedAt: h.grantedAt,
        deadline: h.deadline,
        limitSeconds: h.limitSeconds,
        how,
      }),
    ],
  };
}

/** Extends the intervention by `seconds` (at most the room's limit each time), with a reason. */
export function extend(
  state: FloorState,
  seconds: number,
  reason: string,
  maxSeconds: number,
  at: string,
  by: string,
): FloorChange {
  const h = state.holder;
  if (!h) throw noHolder();
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > maxSeconds) {
    throw new ValidationError(`An extension is 1 to ${maxSeconds} seconds (the room's limit) at a time.`, {
      field: 'seconds',
    });
  }
  const deadline = iso(Math.max(Date.parse(h.deadline), Date.parse(at)) + seconds * 1000);
  const warnAgain = Date.parse(deadline) - Date.parse(at) > FLOOR_WARNING_SECONDS * 1000;
  const holder: FloorHolder = {
    ...h,
    deadline,
    extensions: [...h.extensions, { seconds, reason, by, at }],
    warnedAt: warnAgain ? null : h.warnedAt,
    overtimeAt: null,
  };
  const s = next(state, { holder });
  return { state: s, events: [eventOf(s, h, 'extended', at, by, { seconds, reason, deadline })] };
}

/** A timer of the floor: stale (an early end, an extension, a return) unless it still matches. */
export type FloorTimerKind = 'floor.warn' | 'floor.deadline' | 'floor.grace';

export function timerFired(
  state: FloorState,
  timer: { kind: FloorTimerKind; requestId: string; deadline?: string; droppedAt?: string },
  at: string,
): FloorChange | null {
  const h = state.holder;
  if (!h || h.id !== timer.requestId) return null;
  const by = 'system:timer';
  if (timer.kind === 'floor.grace') {
    if (!h.droppedAt || h.droppedAt !== timer.droppedAt) return null;
    return end(state, 'dropped', at, by);
  }
  if (h.deadline !== timer.deadline) return null;
  if (timer.kind === 'floor.warn') {
    if (h.warnedAt) return null;
    const s = next(state, { holder: { ...h, warnedAt: at } });
    return { state: s, events: [eventOf(s, h, 'warned', at, by, { deadline: h.deadline })] };
  }
  if (h.mode === 'online') return end(state, 'time', at, by);
  if (h.overtimeAt) return null;
  const s = next(state, { holder: { ...h, overtimeAt: at } });
  return { state: s, events: [eventOf(s, h, 'overtime', at, by, { deadline: h.deadline })] };
}

/** The holder's client dropped or left (a meeting event), or came back. Null when nothing changes. */
export function presenceChanged(
  state: FloorState,
  participantId: string,
  connected: boolean,
  at: string,
): FloorChange | null {
  const h = state.holder;
  if (!h || h.participantId !== participantId || h.mode !== 'online') return null;
  if (!connected && h.droppedAt === null && Date.parse(at) >= Date.parse(h.grantedAt)) {
    const s = next(state, { holder: { ...h, droppedAt: at } });
    return { state: s, events: [eventOf(s, h, 'dropped', at, 'system:meeting-events')] };
  }
  if (connected && h.droppedAt !== null && Date.parse(at) >= Date.parse(h.droppedAt)) {
    const s = next(state, { holder: { ...h, droppedAt: null } });
    return { state: s, events: [eventOf(s, h, 'returned', at, 'system:meeting-events')] };
  }
  return null;
}

/** Removes a participant from the floor: their requests leave the list; their intervention ends. */
export const removeParticipant = (
  state: FloorState,
  participantId: string,
  how: EndReason,
  at: string,
  by: string,
): FloorChange | null => clearFloor(state, (r) => r.participantId === participantId, how, at, by);

/** The room closes: the intervention ends, the list is cleared. */
export const closeFloor = (state: FloorState, at: string): FloorChange | null =>
  clearFloor(state, () => true, 'room-closed', at, 'system:room-close');

/** Ends the intervention and withdraws the requests that `which` picks, for one reason. */
function clearFloor(
  state: FloorState,
  which: (r: FloorRequest) => boolean,
  how: EndReason,
  at: string,
  by: string,
): FloorChange | null {
  const gone = state.queue.filter(which);
  const holds = state.holder !== null && which(state.holder);
  if (gone.length === 0 && !holds) return null;
  let change: FloorChange = { state, events: [] };
  if (holds) change = end(state, how, at, by);
  if (gone.length > 0) {
    const s = next(change.state, { queue: change.state.queue.filter((q) => !which(q)) });
    change = {
      ...change,
      state: s,
      events: [...change.events, ...gone.map((r) => eventOf(s, r, 'withdrawn', at, by, { reason: how }))],
    };
  }
  return change;
}

/** Records the holder's promotion attendee (made in the primary meeting), if still their floor. */
export function recordPromotion(
  state: FloorState,
  requestId: string,
  promotion: { meetingId: string; attendeeId: string },
): FloorState | null {
  if (state.holder?.id !== requestId) return null;
  return next(state, { holder: { ...state.holder, promotion } });
}

/** A pending cut was confirmed on Chime (or abandoned as moot). */
export function cutDone(state: FloorState, requestId: string): FloorState {
  return next(state, { pendingCuts: state.pendingCuts.filter((c) => c.requestId !== requestId) });
}

export function cutFailed(state: FloorState, requestId: string): FloorState {
  return next(state, {
    pendingCuts: state.pendingCuts.map((c) =>
      c.requestId === requestId ? { ...c, attempts: c.attempts + 1 } : c,
    ),
  });
}

/** What anyone following the room sees: no attendee ids, no credentials. */
export function floorView(state: FloorState, connected: (participantId: string) => boolean | null) {
  const h = state.holder;
  return {
    holder: h
      ? {
          requestId: h.id,
          participantId: h.participantId,
          delegationCode: h.delegationCode,
          mode: h.mode,
          grantedAt: h.grantedAt,
          deadline: h.deadline,
          limitSeconds: h.limitSeconds,
          extendedSeconds: h.extensions.reduce((t, e) => t + e.seconds, 0),
          warned: h.warnedAt !== null,
          overtime: h.overtimeAt !== null,
          droppedAt: h.droppedAt,
          connected: h.mode === 'online' ? connected(h.participantId) : null,
        }
      : null,
    queue: state.queue.map((r, i) => ({
      requestId: r.id,
      position: i + 1,
      participantId: r.participantId,
      delegationCode: r.delegationCode,
      mode: r.mode,
      requestedAt: r.requestedAt,
      connected: r.mode === 'online' ? connected(r.participantId) : null,
    })),
    /** Interventions that ended but whose microphone Chime has not confirmed closed (an alarm is raised). */
    uncut: state.pendingCuts
      .filter((c) => c.attempts > 0)
      .map((c) => ({ requestId: c.requestId, participantId: c.participantId, since: c.since })),
    version: state.version,
  };
}

/** One row per intervention, from the floor's events in any order (duplicates included). */
export interface InterventionRow {
  order: number;
  requestId: string;
  delegationCode: string;
  participantId: string;
  mode: FloorMode;
  requestedAt: string;
  grantedAt: string;
  endedAt: string | null;
  secondsSpoken: number | null;
  limitSeconds: number;
  extendedSeconds: number;
  overrunSeconds: number | null;
  endedBy: EndReason | null;
}

export function interventions(events: readonly FloorEvent[]): InterventionRow[] {
  const byRequest = new Map<string, FloorEvent[]>();
  for (const e of events) byRequest.set(e.requestId, [...(byRequest.get(e.requestId) ?? []), e]);
  const rows: Omit<InterventionRow, 'order'>[] = [];
  for (const [requestId, list] of byRequest) {
    const granted = list.find((e) => e.type === 'granted');
    if (!granted?.grantedAt || granted.limitSeconds === undefined) continue;
    const inscribed = list.find((e) => e.type === 'inscribed');
    const extensions = new Map(
      list.filter((e) => e.type === 'extended').map((e) => [`${e.at}|${e.seconds}`, e.seconds ?? 0]),
    );
    const extendedSeconds = [...extensions.values()].reduce((t, s) => t + s, 0);
    const ended = list.filter((e) => e.type === 'ended').sort((a, b) => a.at.localeCompare(b.at))[0];
    const deadline = Date.parse(granted.grantedAt) + (granted.limitSeconds + extendedSeconds) * 1000;
    const endedMs = ended ? Date.parse(ended.at) : null;
    rows.push({
      requestId,
      delegationCode: granted.delegationCode,
      participantId: granted.participantId,
      mode: granted.mode,
      requestedAt: inscribed?.at ?? granted.requestedAt ?? granted.grantedAt,
      grantedAt: granted.grantedAt,
      endedAt: ended?.at ?? null,
      secondsSpoken: endedMs === null ? null : Math.round((endedMs - Date.parse(granted.grantedAt)) / 1000),
      limitSeconds: granted.limitSeconds,
      extendedSeconds,
      overrunSeconds: endedMs === null ? null : Math.max(0, Math.round((endedMs - deadline) / 1000)),
      endedBy: ended?.how ?? null,
    });
  }
  rows.sort((a, b) => a.grantedAt.localeCompare(b.grantedAt) || a.requestId.localeCompare(b.requestId));
  return rows.map((r, i) => ({ order: i + 1, ...r }));
}
