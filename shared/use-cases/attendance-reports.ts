/**
 * Organizer course: after (or during) a session the secretariat asks who was in the room, in person
 * or online, and for how long; across the event, which delegations attended which rooms. Reports are
 * derived from the ledger at read time (shared/domain/attendance.ts), so they give the same answer
 * however the events arrived. Every export is itself audited: who exported what.
 */
import {
  foldAttendance,
  type PresenceRow,
  presenceTimeline,
  type Stay,
  timelineStep,
} from '#domain/attendance.ts';
import { formatCsv } from '#domain/csv.ts';
import type { Delegation, DelegationCategory } from '#domain/delegations.ts';
import { NotFoundError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import type { Participant } from '#domain/participants.ts';
import { joinWindowOf, type Session } from '#domain/programme.ts';
import type {
  DelegationRepository,
  FloorRepository,
  LedgerRepository,
  ParticipantRepository,
  ProgrammeRepository,
} from '#ports/repositories.ts';
import { requireOrganizer } from './authorize.ts';
import { notRegistered } from './get-my-access.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface ReportDeps extends AuditDeps {
  programme: ProgrammeRepository;
  ledger: LedgerRepository;
  participants: ParticipantRepository;
  delegations: DelegationRepository;
}

export type ReportFormat = 'json' | 'csv';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const intervalView = (s: Stay) => ({
  from: iso(s.from) as string,
  to: iso(s.to),
  seconds: s.seconds,
  reconnects: s.reconnects,
  closedBy: s.closedBy,
});

async function foldRoom(deps: ReportDeps, session: Session, asOf: number): Promise<PresenceRow[]> {
  const [events, issuedTo] = await Promise.all([
    deps.ledger.forRoom(session.id),
    deps.audit.issuedIn(session.id),
  ]);
  return foldAttendance({
    events,
    roomEnd: Date.parse(session.end),
    issuedTo,
    asOf,
  });
}

async function mustGetSession(deps: ReportDeps, sessionId: string): Promise<Session> {
  const session = await deps.programme.getSession(sessionId);
  if (!session) throw new NotFoundError('UNKNOWN_SESSION', `There is no session room "${sessionId}".`);
  return session;
}

async function enrich(deps: ReportDeps, rows: PresenceRow[]) {
  const participants = await deps.participants.getMany(rows.map((r) => r.participantId));
  const delegations = await deps.delegations.getMany([
    ...new Set([...participants.values()].map((p) => p.delegationCode)),
  ]);
  return rows.map((r) => {
    const p = participants.get(r.participantId) as Participant | undefined;
    const d = p ? (delegations.get(p.delegationCode) as Delegation | undefined) : undefined;
    return {
      delegationCode: p?.delegationCode ?? null,
      delegationName: d?.name ?? null,
      category: d?.category ?? null,
      participantId: r.participantId,
      participantName: p?.name ?? null,
      role: p?.role ?? null,
      mode: r.mode,
      firstIn: iso(r.firstIn),
      lastOut: iso(r.lastOut),
      totalSeconds: r.totalSeconds,
      stays: r.stays.length,
      status: r.status,
      intervals: r.stays.map(intervalView),
    };
  });
}
export type AttendanceRow = Awaited<ReturnType<typeof enrich>>[number];

export const sessionAttendanceColumns = [
  'delegation_code',
  'delegation_name',
  'category',
  'participant_id',
  'participant_name',
  'role',
  'mode',
  'first_in',
  'last_out',
  'total_seconds',
  'stays',
  'status',
  'intervals',
] as const;

function attendanceCsv(rows: AttendanceRow[]): string {
  return formatCsv(
    sessionAttendanceColumns,
    rows.map((r) => [
      r.delegationCode ?? '',
      r.delegationName ?? '',
      r.category ?? '',
      r.participantId,
      r.participantName ?? '',
      r.role ?? '',
      r.mode,
      r.firstIn ?? '',
      r.lastOut ?? '',
      String(r.totalSeconds),
      String(r.stays),
      r.status,
      r.intervals.map((i) => `${i.from}/${i.to ?? ''}`).join(';'),
    ]),
  );
}

const byDelegationThenName = (a: AttendanceRow, b: AttendanceRow) =>
  (a.delegationCode ?? '').localeCompare(b.delegationCode ?? '') ||
  (a.participantName ?? '').localeCompare(b.participantName ?? '') ||
  a.participantId.localeCompare(b.participantId) ||
  a.mode.localeCompare(b.mode);

/** One row per participant and mode for one room. */
export async function sessionAttendance(
  deps: ReportDeps,
  identity: Identity,
  sessionId: string,
  format: ReportFormat,
) {
  requireOrganizer(identity);
  const session = await mustGetSession(deps, sessionId);
  const asOf = deps.clock.now().getTime();
  const rows = (await enrich(deps, await foldRoom(deps, session, asOf))).sort(byDelegationThenName);
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'attendance.export',
    outcome: 'succeeded',
    sessionId,
    details: { report: 'session-attendance', format, rows: rows.length },
  });
  if (format === 'csv') return { csv: attendanceCsv(rows), filename: `attendance-${sessionId}.csv` };
  return {
    sessionId,
    title: session.title,
    asOf: new Date(asOf).toISOString(),
    summary: {
      participants: new Set(rows.filter((r) => r.stays > 0).map((r) => r.participantId)).size,
      delegations: new Set(rows.filter((r) => r.stays > 0).map((r) => r.delegationCode)).size,
      issuedNeverConnected: rows.filter((r) => r.status === 'issued-never-connected').length,
      presentNow: rows.filter((r) => r.status === 'present-now').length,
    },
    rows,
  };
}

/** Who is in the room now (open stays). */
export async function presenceNow(deps: ReportDeps, identity: Identity, sessionId: string) {
  requireOrganizer(identity);
  const session = await mustGetSession(deps, sessionId);
  const asOf = deps.clock.now().getTime();
  const rows = (await enrich(deps, await foldRoom(deps, session, asOf)))
    .filter((r) => r.status === 'present-now')
    .sort(byDelegationThenName)
    .map(({ intervals, ...r }) => ({ ...r, since: intervals.at(-1)?.from ?? null }));
  return { sessionId, asOf: new Date(asOf).toISOString(), count: rows.length, rows };
}

/**
 * Organizer course: how many people were in a room, online and in person, minute by minute (or by
 * `stepSeconds`), over its join window up to now. Folded from the same ledger and the same stays as
 * the attendance report, so its totals are the report's participants. Nothing is written: a chart is
 * not an export.
 */
export async function presenceOverTime(
  deps: ReportDeps,
  identity: Identity,
  sessionId: string,
  query: { stepSeconds: number },
) {
  requireOrganizer(identity);
  const session = await mustGetSession(deps, sessionId);
  const asOf = deps.clock.now().getTime();
  const { opensAt, closesAt } = joinWindowOf(session);
  const from = opensAt.getTime();
  const to = closesAt.getTime();
  const timeline = presenceTimeline({
    // A room whose doors have not opened has no ledger yet: nothing to read.
    rows: asOf > from ? await foldRoom(deps, session, asOf) : [],
    from,
    to,
    stepMs: timelineStep(from, to, query.stepSeconds * 1000),
    asOf,
  });
  return {
    sessionId,
    title: session.title,
    asOf: new Date(asOf).toISOString(),
    from: new Date(timeline.from).toISOString(),
    to: new Date(timeline.to).toISOString(),
    stepSeconds: timeline.stepMs / 1000,
    totals: timeline.totals,
    points: timeline.points.map((p) => ({ ...p, at: new Date(p.at).toISOString() })),
  };
}

export type RollCallStatus = 'in-person' | 'online' | 'absent';

/** One row per delegation, one column per room: in person, online or absent (any member, any time). */
export async function rollCall(
  deps: ReportDeps,
  identity: Identity,
  query: { category?: DelegationCategory; format: ReportFormat },
) {
  requireOrganizer(identity);
  const programme = await deps.programme.get();
  if (!programme) throw new NotFoundError('UNKNOWN_SESSION', 'No programme is loaded.');
  const asOf = deps.clock.now().getTime();
  const [delegations, folded] = await Promise.all([
    deps.delegations.list(query.category),
    Promise.all(programme.sessions.map((s) => foldRoom(deps, s, asOf))),
  ]);
  const participantIds = folded.flat().map((r) => r.participantId);
  const participants = await deps.participants.getMany(participantIds);
  const rooms = programme.sessions.map((s) => s.id);

  // delegation → room → { mode flags, seconds }
  const presence = new Map<string, Map<string, { inPerson: boolean; online: boolean; seconds: number }>>();
  folded.forEach((rows, i) => {
    const roomId = rooms[i] as string;
    for (const row of rows) {
      if (row.stays.length === 0) continue;
      const code = participants.get(row.participantId)?.delegationCode;
      if (!code) continue;
      const byRoom = presence.get(code) ?? new Map();
      const cell = byRoom.get(roomId) ?? { inPerson: false, online: false, seconds: 0 };
      if (row.mode === 'in-person') cell.inPerson = true;
      else cell.online = true;
      cell.seconds += row.totalSeconds;
      byRoom.set(roomId, cell);
      presence.set(code, byRoom);
    }
  });
  const statusOf = (cell?: { inPerson: boolean; online: boolean }): RollCallStatus =>
    cell?.inPerson ? 'in-person' : cell?.online ? 'online' : 'absent';

  const rows = delegations
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((d) => ({
      code: d.code,
      name: d.name,
      category: d.category,
      rooms: Object.fromEntries(
        rooms.map((roomId) => {
          const cell = presence.get(d.code)?.get(roomId);
          return [roomId, { status: statusOf(cell), seconds: cell?.seconds ?? 0 }];
        }),
      ),
    }));
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'attendance.export',
    outcome: 'succeeded',
    details: {
      report: 'roll-call',
      format: query.format,
      category: query.category ?? 'all',
      rows: rows.length,
    },
  });
  if (query.format === 'csv') {
    return {
      csv: formatCsv(
        ['delegation_code', 'delegation_name', 'category', ...rooms],
        rows.map((r) => [
          r.code,
          r.name,
          r.category,
          ...rooms.map((room) => r.rooms[room]?.status ?? 'absent'),
        ]),
      ),
      filename: `roll-call${query.category ? `-${query.category}` : ''}.csv`,
    };
  }
  return { asOf: new Date(asOf).toISOString(), rooms, count: rows.length, rows };
}

/** A participant's own attendance, room by room — nothing of anyone else. */
export async function myAttendance(deps: ReportDeps, identity: Identity) {
  const participant = await deps.participants.findByEmail(identity.email);
  if (!participant) throw notRegistered();
  const [programme, events] = await Promise.all([
    deps.programme.get(),
    deps.ledger.forParticipant(participant.id),
  ]);
  const asOf = deps.clock.now().getTime();
  const sessions = programme?.sessions ?? [];
  // Meeting-level events (a meeting's end closes open stays) for the rooms this participant was in.
  const visited = [...new Set(events.map((e) => e.roomId))];
  const meetingEvents = (
    await Promise.all(visited.map((room) => deps.ledger.meetingEventsOfRoom(room)))
  ).flat();
  const issued = await Promise.all(sessions.map((s) => deps.audit.issuedIn(s.id, participant.id)));
  const rooms = sessions.map((session, i) => {
    const rows = foldAttendance({
      events: [...events, ...meetingEvents].filter((e) => e.roomId === session.id),
      roomEnd: Date.parse(session.end),
      issuedTo: issued[i] ?? [],
      asOf,
    });
    return {
      sessionId: session.id,
      title: session.title,
      attendance: rows.map((r) => ({
        mode: r.mode,
        status: r.status,
        firstIn: iso(r.firstIn),
        lastOut: iso(r.lastOut),
        totalSeconds: r.totalSeconds,
        intervals: r.stays.map(intervalView),
      })),
    };
  });
  return { participantId: participant.id, asOf: new Date(asOf).toISOString(), sessions: rooms };
}

export interface RoomsBoardDeps extends ReportDeps {
  floors: Pick<FloorRepository, 'get'>;
}

export type RoomStatus = 'not-open' | 'open' | 'closed';

/**
 * Organizer course: the secretariat watches every room at once. For each room of the programme, in its
 * order: its times, whether its doors are open now (its join window), who is in it now online and in
 * person (from the ledger, as the presence report), and who holds its floor. Nothing is written.
 */
export async function roomsBoard(deps: RoomsBoardDeps, identity: Identity) {
  requireOrganizer(identity);
  const programme = await deps.programme.get();
  if (!programme) throw new NotFoundError('UNKNOWN_SESSION', 'The programme is not loaded.');
  const now = deps.clock.now();
  const asOf = now.getTime();
  const rooms = await Promise.all(
    programme.sessions.map(async (session) => {
      const { opensAt, closesAt } = joinWindowOf(session);
      const status: RoomStatus = now < opensAt ? 'not-open' : now >= closesAt ? 'closed' : 'open';
      // A room that never opened has no ledger yet: nothing to read.
      const present =
        status === 'not-open'
          ? []
          : (await foldRoom(deps, session, asOf)).filter((r) => r.status === 'present-now');
      const floor = session.floor ? await deps.floors.get(session.id) : null;
      return {
        id: session.id,
        title: session.title,
        parent: session.parent,
        start: session.start,
        end: session.end,
        opensAt: opensAt.toISOString(),
        closesAt: closesAt.toISOString(),
        status,
        online: present.filter((r) => r.mode === 'online').length,
        inPerson: present.filter((r) => r.mode === 'in-person').length,
        floor: floor
          ? {
              holder: floor.holder
                ? {
                    delegationCode: floor.holder.delegationCode,
                    mode: floor.holder.mode,
                    grantedAt: floor.holder.grantedAt,
                    deadline: floor.holder.deadline,
                  }
                : null,
              waiting: floor.queue.length,
            }
          : null,
      };
    }),
  );
  return {
    event: { id: programme.event.id, name: programme.event.name, timeZone: programme.event.timeZone },
    now: now.toISOString(),
    groups: programme.groups,
    rooms,
  };
}
