/**
 * Attendance, derived from the append-only ledger at read time. Pure: the same set of events gives the
 * same report whatever order they arrived in and however often, because events are deduplicated by
 * their content and folded in one total order of their own fields.
 */
import { createHash } from 'node:crypto';

export type OnlineEventType = 'MeetingStarted' | 'MeetingEnded' | 'Joined' | 'Left' | 'Dropped';
export type DoorEventType = 'CheckIn' | 'CheckOut';
export type LedgerEventType = OnlineEventType | DoorEventType;

export interface LedgerEvent {
  type: LedgerEventType;
  /** The event's own time (Chime's `timestamp`, the door scanner's instant), epoch ms. */
  at: number;
  roomId: string;
  meetingId?: string;
  attendeeId?: string;
  participantId?: string;
}

export type Mode = 'online' | 'in-person';
export type ClosedBy = 'left' | 'dropped' | 'check-out' | 'meeting-end' | 'room-end' | null;

export interface Stay {
  from: number;
  /** null while the stay is open (the participant is in the room now). */
  to: number | null;
  /** Connected time within the stay, in whole seconds (rounded down): drop gaps are not counted. */
  seconds: number;
  reconnects: number;
  closedBy: ClosedBy;
}

export interface PresenceRow {
  participantId: string;
  mode: Mode;
  stays: Stay[];
  firstIn: number | null;
  lastOut: number | null;
  totalSeconds: number;
  status: 'present-now' | 'attended' | 'issued-never-connected';
}

/** The content key: one event, one key, however many times it is delivered. */
export function eventKey(e: LedgerEvent): string {
  const canonical = [
    e.type,
    e.at,
    e.roomId,
    e.meetingId ?? '',
    e.attendeeId ?? '',
    e.participantId ?? '',
  ].join('|');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

const typeOrder: Record<LedgerEventType, number> = {
  MeetingStarted: 0,
  CheckIn: 1,
  Joined: 2,
  Dropped: 3,
  Left: 4,
  CheckOut: 5,
  MeetingEnded: 6,
};

/** A total order on events by their own fields: time first, then a fixed order of kinds. */
export function compareEvents(a: LedgerEvent, b: LedgerEvent): number {
  return (
    a.at - b.at ||
    typeOrder[a.type] - typeOrder[b.type] ||
    (a.participantId ?? '').localeCompare(b.participantId ?? '') ||
    (a.attendeeId ?? '').localeCompare(b.attendeeId ?? '') ||
    (a.meetingId ?? '').localeCompare(b.meetingId ?? '')
  );
}

export interface FoldInput {
  events: LedgerEvent[];
  /** The room's scheduled end: a stay with no exit is closed here once it has passed. */
  roomEnd: number;
  /** Participants who received credentials for the room (to report those who never connected). */
  issuedTo: string[];
  /** The instant the report is made for: open stays count up to it. */
  asOf: number;
}

interface OpenStay {
  from: number;
  segmentFrom: number | null;
  seconds: number;
  reconnects: number;
  /** Set while the connection is dropped (segmentFrom is then null). */
  droppedAt?: number;
  meetingId?: string;
}

/**
 * Folds a room's events into one row per participant and mode. Dropped then Joined is a reconnect
 * within one stay; a stay with no Left is closed at its meeting's end, or at the room's end, and says so.
 */
export function foldAttendance({ events, roomEnd, issuedTo, asOf }: FoldInput): PresenceRow[] {
  const unique = new Map(events.map((e) => [eventKey(e), e]));
  const ordered = [...unique.values()].sort(compareEvents);
  const stays = new Map<string, Stay[]>();
  const open = new Map<string, OpenStay>();
  const rowKey = (participantId: string, mode: Mode) => `${participantId}\u0000${mode}`;

  const close = (key: string, at: number, closedBy: ClosedBy) => {
    const s = open.get(key);
    if (!s) return;
    // A stay whose connection had dropped ended when it dropped, whatever closes it later.
    const dropped = s.segmentFrom === null;
    const seconds = s.seconds + (dropped ? 0 : Math.max(0, at - (s.segmentFrom as number)));
    const list = stays.get(key) ?? [];
    list.push({
      from: s.from,
      to: dropped ? (s.droppedAt as number) : at,
      seconds: wholeSeconds(seconds),
      reconnects: s.reconnects,
      closedBy: dropped ? 'dropped' : closedBy,
    });
    stays.set(key, list);
    open.delete(key);
  };

  for (const e of ordered) {
    if (e.type === 'MeetingEnded') {
      for (const [key, s] of open) if (s.meetingId === e.meetingId) close(key, e.at, 'meeting-end');
      continue;
    }
    if (e.type === 'MeetingStarted' || !e.participantId) continue;
    const mode: Mode = e.type === 'CheckIn' || e.type === 'CheckOut' ? 'in-person' : 'online';
    const key = rowKey(e.participantId, mode);
    const s = open.get(key);
    switch (e.type) {
      case 'Joined':
      case 'CheckIn':
        if (!s) {
          open.set(key, {
            from: e.at,
            segmentFrom: e.at,
            seconds: 0,
            reconnects: 0,
            ...(e.meetingId ? { meetingId: e.meetingId } : {}),
          });
        } else if (s.segmentFrom === null) {
          // Back after a drop: the same stay goes on.
          s.segmentFrom = e.at;
          s.reconnects++;
          if (e.meetingId) s.meetingId = e.meetingId;
        }
        break;
      case 'Dropped':
        if (s && s.segmentFrom !== null) {
          s.seconds += e.at - s.segmentFrom;
          s.segmentFrom = null;
          s.droppedAt = e.at;
        }
        break;
      case 'Left':
        close(key, e.at, 'left');
        break;
      case 'CheckOut':
        close(key, e.at, 'check-out');
        break;
    }
  }

  // Stays still open at the end of the ledger.
  for (const [key, s] of [...open]) {
    if (s.segmentFrom === null) {
      // Dropped and never back: the stay ended when the connection did.
      close(key, s.droppedAt as number, 'dropped');
    } else if (asOf >= roomEnd) {
      close(key, Math.max(roomEnd, s.segmentFrom), 'room-end');
    }
  }

  const rows: PresenceRow[] = [];
  const keys = new Set([...stays.keys(), ...open.keys()]);
  for (const key of keys) {
    const [participantId, mode] = key.split('\u0000') as [string, Mode];
    const closed = stays.get(key) ?? [];
    const o = open.get(key);
    const current: Stay[] = o
      ? [
          {
            from: o.from,
            to: null,
            seconds: wholeSeconds(
              o.seconds + (o.segmentFrom !== null ? Math.max(0, asOf - o.segmentFrom) : 0),
            ),
            reconnects: o.reconnects,
            closedBy: null,
          },
        ]
      : [];
    const all = [...closed, ...current].sort((a, b) => a.from - b.from);
    const lastClosed = closed.length ? Math.max(...closed.map((s) => s.to as number)) : null;
    rows.push({
      participantId,
      mode,
      stays: all,
      firstIn: all[0]?.from ?? null,
      lastOut: o ? null : lastClosed,
      totalSeconds: all.reduce((sum, s) => sum + s.seconds, 0),
      status: o ? 'present-now' : 'attended',
    });
  }
  const seen = new Set(rows.map((r) => r.participantId));
  for (const participantId of new Set(issuedTo)) {
    if (!seen.has(participantId)) {
      rows.push({
        participantId,
        mode: 'online',
        stays: [],
        firstIn: null,
        lastOut: null,
        totalSeconds: 0,
        status: 'issued-never-connected',
      });
    }
  }
  return rows.sort((a, b) => a.participantId.localeCompare(b.participantId) || a.mode.localeCompare(b.mode));
}

/**
 * Reported time is in whole seconds: each stay's connected milliseconds rounded down (a second counts
 * once it is complete, so no stay reports more than it lasted), and a row's total is the sum of its
 * stays, so the figures of one report always add up.
 */
const wholeSeconds = (ms: number) => Math.floor(ms / 1000);

/** One point of a room's presence over time: the people in it at any moment of `[at, at + step)`. */
export interface PresencePoint {
  at: number;
  online: number;
  inPerson: number;
  /** People in either mode (one who is both online and in person in the bucket counts once). */
  people: number;
}

export interface PresenceTimeline {
  from: number;
  to: number;
  stepMs: number;
  points: PresencePoint[];
  /** The distinct people present at any moment of [from, to): per mode, and in either. */
  totals: { online: number; inPerson: number; people: number };
}

/** The most points a timeline has: past it, the step is widened (a three-day room stays small). */
export const MAX_TIMELINE_POINTS = 1440;
const MINUTE = 60_000;

/**
 * The step a timeline of [from, to) uses: the one asked for, widened to whole minutes until the
 * timeline has at most MAX_TIMELINE_POINTS points.
 */
export function timelineStep(from: number, to: number, requestedMs: number): number {
  const floor = Math.ceil(Math.max(0, to - from) / MAX_TIMELINE_POINTS / MINUTE) * MINUTE;
  return Math.max(requestedMs, floor, MINUTE);
}

/**
 * A room's presence over time, from the rows the attendance report is made of (foldAttendance): a person
 * is in the room during each of their stays, from its `from` to its `to` (or `asOf` while it is open),
 * drop gaps within a stay included, as the report's intervals show them. Each point counts people,
 * not Chime attendees or stays: a person who rejoins, or has two stays in one bucket, counts once.
 * The points cover [from, min(to, asOf)): nothing is said of the future.
 */
export function presenceTimeline({
  rows,
  from,
  to,
  stepMs,
  asOf,
}: {
  rows: readonly PresenceRow[];
  from: number;
  to: number;
  stepMs: number;
  asOf: number;
}): PresenceTimeline {
  if (!(stepMs > 0)) throw new RangeError('presenceTimeline: the step must be positive');
  const end = Math.min(to, asOf);
  const count = end > from ? Math.ceil((end - from) / stepMs) : 0;
  if (count > MAX_TIMELINE_POINTS) throw new RangeError('presenceTimeline: too many points; widen the step');
  const buckets = Array.from({ length: count }, () => ({
    online: new Set<string>(),
    inPerson: new Set<string>(),
  }));
  const totals = { online: new Set<string>(), inPerson: new Set<string>() };

  for (const row of rows) {
    for (const stay of row.stays) {
      const stayEnd = stay.to ?? asOf;
      // A stay counts in the buckets it overlaps; one of no length, in the bucket of its instant.
      const overlaps = stay.from < end && (stayEnd > from || (stayEnd === stay.from && stay.from >= from));
      if (!overlaps) continue;
      const first = Math.floor((Math.max(stay.from, from) - from) / stepMs);
      const last = Math.max(first, Math.ceil((Math.min(stayEnd, end) - from) / stepMs) - 1);
      const mode = row.mode === 'online' ? 'online' : 'inPerson';
      totals[mode].add(row.participantId);
      for (let i = first; i <= last && i < count; i++) buckets[i]?.[mode].add(row.participantId);
    }
  }

  return {
    from,
    to: end > from ? end : from,
    stepMs,
    points: buckets.map((b, i) => ({
      at: from + i * stepMs,
      online: b.online.size,
      inPerson: b.inPerson.size,
      people: new Set([...b.online, ...b.inPerson]).size,
    })),
    totals: {
      online: totals.online.size,
      inPerson: totals.inPerson.size,
      people: new Set([...totals.online, ...totals.inPerson]).size,
    },
  };
}
