/**
 * In-memory implementations of the repository ports, for fast use-case tests. They keep the same
 * guarantees as the DynamoDB adapters — conditional writes that one caller wins, the credential epoch
 * check on every attendee store, counts that never pass a limit — and the contract suite
 * (test/contracts/) runs against both, so a test that passes on them means the same on DynamoDB.
 * DynamoDB Local stays the database of `npm start` and of the integration tests.
 */
import { eventKey } from '#domain/attendance.ts';
import type { Delegation } from '#domain/delegations.ts';
import { emptyFloor, type FloorEvent, type FloorState } from '#domain/floor.ts';
import { type Participant, participantMatcher } from '#domain/participants.ts';
import type { Programme } from '#domain/programme.ts';
import type {
  AttendeeRepository,
  AuditLog,
  AuditRecord,
  DelegationRepository,
  FloorRepository,
  JoinContextReader,
  LedgerRepository,
  MeetingRegistry,
  ParticipantRepository,
  PresenceRepository,
  ProgrammeRepository,
  RecordedLedgerEvent,
  RoomMeetingSlot,
  StoredAttendee,
  StoreOutcome,
} from '#ports/repositories.ts';

const clone = <T>(value: T): T => structuredClone(value);
/** Every call answers after the event loop turns, as a network call would: races interleave. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createMemoryProgrammeRepository(): ProgrammeRepository {
  let programme: Programme | null = null;
  return {
    async save(p) {
      await tick();
      programme = clone(p);
    },
    async get() {
      await tick();
      return clone(programme);
    },
    async getSession(id) {
      await tick();
      return clone(programme?.sessions.find((s) => s.id === id) ?? null);
    },
    async updateSession(id, change) {
      await tick();
      const session = programme?.sessions.find((s) => s.id === id);
      if (!programme || !session) throw new Error(`no session ${id}`);
      Object.assign(session, change);
      return clone(session);
    },
  };
}

export function createMemoryDelegationRepository(): DelegationRepository {
  const byCode = new Map<string, Delegation>();
  return {
    async seed(list) {
      await tick();
      let added = 0;
      for (const d of list) {
        if (byCode.has(d.code)) continue;
        byCode.set(d.code, clone(d));
        added++;
      }
      return added;
    },
    async create(d) {
      await tick();
      if (byCode.has(d.code)) return false;
      byCode.set(d.code, clone(d));
      return true;
    },
    async get(code) {
      await tick();
      return clone(byCode.get(code) ?? null);
    },
    async getMany(codes) {
      await tick();
      return new Map(codes.flatMap((c) => (byCode.has(c) ? [[c, clone(byCode.get(c) as Delegation)]] : [])));
    },
    async list(category) {
      await tick();
      return [...byCode.values()].filter((d) => !category || d.category === category).map(clone);
    },
  };
}

export function createMemoryParticipantRepository(): ParticipantRepository & {
  /** The store itself, for tests that arrange a state directly. */
  put(p: Participant): void;
} {
  const byId = new Map<string, Participant>();
  const idByEmail = new Map<string, string>();
  /** Every update moves the credential epoch, as the DynamoDB adapter's does. */
  const saveChanged = (p: Participant) => {
    const previous = byId.get(p.id);
    byId.set(p.id, { ...clone(p), credentialEpoch: (previous?.credentialEpoch ?? p.credentialEpoch) + 1 });
  };
  return {
    put(p) {
      byId.set(p.id, clone(p));
      idByEmail.set(p.email, p.id);
    },
    async get(id) {
      await tick();
      return clone(byId.get(id) ?? null);
    },
    async touch(id) {
      await tick();
      const p = byId.get(id);
      if (p) byId.set(id, { ...p, credentialEpoch: p.credentialEpoch + 1 });
    },
    async getMany(ids) {
      await tick();
      return new Map(ids.flatMap((id) => (byId.has(id) ? [[id, clone(byId.get(id) as Participant)]] : [])));
    },
    async idForEmail(email) {
      await tick();
      return idByEmail.get(email) ?? null;
    },
    forgetEmail() {},
    async listAll() {
      await tick();
      return [...byId.values()].map(clone);
    },
    async findByEmail(email) {
      await tick();
      const id = idByEmail.get(email);
      return id ? clone(byId.get(id) ?? null) : null;
    },
    async findManyByEmail(emails) {
      await tick();
      return new Map(
        emails.flatMap((e) => {
          const id = idByEmail.get(e);
          const p = id ? byId.get(id) : undefined;
          return p ? [[e, clone(p)]] : [];
        }),
      );
    },
    async saveImport(creates, updates) {
      await tick();
      for (const p of creates) {
        byId.set(p.id, clone(p));
        idByEmail.set(p.email, p.id);
      }
      for (const u of updates) saveChanged(u.next);
    },
    async update(next, previousEmail) {
      await tick();
      if (next.email !== previousEmail) {
        idByEmail.delete(previousEmail);
        idByEmail.set(next.email, next.id);
      }
      saveChanged(next);
    },
    async list({ delegationCode, limit, filter = {} }) {
      await tick();
      const matches = participantMatcher(filter);
      const items = [...byId.values()].filter(
        (p) => (!delegationCode || p.delegationCode === delegationCode) && matches(p),
      );
      return { items: items.slice(0, limit).map(clone), nextCursor: null };
    },
  };
}

/** The attendee store, with the participant store it checks the credential epoch against. */
export function createMemoryAttendeeRepository(
  participants: ReturnType<typeof createMemoryParticipantRepository>,
): AttendeeRepository {
  const byKey = new Map<string, StoredAttendee>();
  const key = (participantId: string, roomId: string) => `${participantId}|${roomId}`;
  const storeNow = async (a: StoredAttendee, epoch: number): Promise<StoreOutcome> => {
    const p = await participants.get(a.participantId);
    if (!p || p.credentialEpoch !== epoch) return { outcome: 'stale' };
    const holder = byKey.get(key(a.participantId, a.roomId));
    if (holder && holder.generation >= a.generation) return { outcome: 'taken', holder: clone(holder) };
    byKey.set(key(a.participantId, a.roomId), clone(a));
    return { outcome: 'stored' };
  };
  return {
    async get(participantId, roomId) {
      await tick();
      return clone(byKey.get(key(participantId, roomId)) ?? null);
    },
    async store(a, epoch) {
      await tick();
      return storeNow(a, epoch);
    },
    async storeMany(entries) {
      await tick();
      const out: StoreOutcome[] = [];
      for (const e of entries) out.push(await storeNow(e.attendee, e.epoch));
      return out;
    },
    async updateCapabilities(participantId, roomId, attendeeId, capabilities) {
      await tick();
      const a = byKey.get(key(participantId, roomId));
      if (a && a.attendee.AttendeeId === attendeeId) {
        a.capabilities = clone(capabilities);
        a.attendee.Capabilities = clone(capabilities);
      }
    },
    async listForParticipant(participantId) {
      await tick();
      return [...byKey.values()].filter((a) => a.participantId === participantId).map(clone);
    },
    async listForRoom(roomId) {
      await tick();
      return [...byKey.values()].filter((a) => a.roomId === roomId).map(clone);
    },
    async delete(participantId, roomId, attendeeId) {
      await tick();
      const a = byKey.get(key(participantId, roomId));
      if (!a || a.attendee.AttendeeId !== attendeeId) return false;
      byKey.delete(key(participantId, roomId));
      return true;
    },
  };
}

export function createMemoryMeetingRegistry(): MeetingRegistry {
  const slots = new Map<string, RoomMeetingSlot>();
  const slotOf = (roomId: string): RoomMeetingSlot => slots.get(roomId) ?? { state: 'empty', generation: 0 };
  const ready = (roomId: string) => {
    const s = slotOf(roomId);
    return s.state === 'ready' ? s.roomMeeting : null;
  };
  return {
    async slot(roomId) {
      await tick();
      return clone(slotOf(roomId));
    },
    async claim(roomId, generation, now, staleBefore) {
      await tick();
      const s = slots.get(roomId);
      const free =
        !s ||
        (s.state === 'empty' && s.generation === generation) ||
        (s.state === 'creating' &&
          s.generation === generation &&
          Date.parse(s.claimedAt) < staleBefore.getTime());
      if (!free) return false;
      slots.set(roomId, { state: 'creating', generation, claimedAt: now.toISOString() });
      return true;
    },
    async publish(rm) {
      await tick();
      const s = slotOf(rm.roomId);
      if (s.state !== 'creating' || s.generation !== rm.generation) throw new Error('ConditionalCheckFailed');
      slots.set(rm.roomId, { state: 'ready', roomMeeting: clone(rm) });
    },
    async claimVerification(roomId, meetingId, seen, now) {
      await tick();
      const rm = ready(roomId);
      if (!rm || rm.meetingId !== meetingId || rm.verifiedAt !== seen) return false;
      rm.verifiedAt = now.toISOString();
      return true;
    },
    async retire(roomId, meetingId) {
      await tick();
      const rm = ready(roomId);
      if (rm && rm.meetingId === meetingId)
        slots.set(roomId, { state: 'empty', generation: rm.generation + 1 });
    },
    async addReplica(roomId, generation, index, replica) {
      await tick();
      const rm = ready(roomId);
      if (!rm || rm.generation !== generation || rm.replicas.length !== index) return false;
      rm.replicas.push(clone(replica));
      rm.counts[replica.meetingId] = 0;
      return true;
    },
    async reserve(roomId, meetingId, limit) {
      await tick();
      const rm = ready(roomId);
      const count = rm?.counts[meetingId];
      if (!rm || count === undefined || count >= limit) return false;
      rm.counts[meetingId] = count + 1;
      return true;
    },
    async reserveUpTo(roomId, meetingId, want, limit) {
      await tick();
      const rm = ready(roomId);
      const count = rm?.counts[meetingId];
      if (!rm || count === undefined) return 0;
      const take = Math.max(0, Math.min(want, limit - count));
      rm.counts[meetingId] = count + take;
      return take;
    },
    async giveBack(roomId, meetingId, records) {
      await tick();
      const rm = ready(roomId);
      const count = rm?.counts[meetingId];
      if (rm && count !== undefined && records > 0 && count >= records)
        rm.counts[meetingId] = count - records;
    },
    async markFull(roomId, meetingId, records) {
      await tick();
      const rm = ready(roomId);
      if (rm && rm.counts[meetingId] !== undefined) rm.counts[meetingId] = records;
    },
    async close(roomId, at) {
      await tick();
      const s = slotOf(roomId);
      if (s.state === 'closed') return [...s.meetingIds];
      const meetingIds =
        s.state === 'ready'
          ? [s.roomMeeting.meetingId, ...s.roomMeeting.replicas.map((r) => r.meetingId)]
          : [];
      const generation = s.state === 'ready' ? s.roomMeeting.generation : s.generation;
      slots.set(roomId, { state: 'closed', generation, closedAt: at.toISOString(), meetingIds });
      return meetingIds;
    },
    async requestSweep(roomId, at) {
      await tick();
      const rm = ready(roomId);
      if (rm) rm.sweepRequestedAt = at.toISOString();
    },
    async sweepDone(roomId, requestedAt) {
      await tick();
      const rm = ready(roomId);
      if (rm?.sweepRequestedAt === requestedAt) delete rm.sweepRequestedAt;
    },
    async reopen(roomId) {
      await tick();
      const s = slotOf(roomId);
      if (s.state !== 'closed') return false;
      slots.set(roomId, { state: 'empty', generation: s.generation + 1 });
      return true;
    },
    async setProvisioning(roomId, generation, state, options = {}) {
      await tick();
      const rm = ready(roomId);
      if (!rm || rm.generation !== generation) return false;
      const running =
        rm.provisioning?.status === 'running' &&
        Date.parse(rm.provisioning.startedAt) >= (options.staleBefore ?? new Date(0)).getTime();
      if (options.start && running) return false;
      rm.provisioning = clone(state);
      return true;
    },
  };
}

export function createMemoryJoinContextReader(deps: {
  participants: ParticipantRepository;
  registry: MeetingRegistry;
  attendees: AttendeeRepository;
  floors?: FloorRepository;
}): JoinContextReader {
  return {
    async read(participantId, roomId) {
      const [participant, slot, attendee, floor] = await Promise.all([
        deps.participants.get(participantId),
        deps.registry.slot(roomId),
        deps.attendees.get(participantId, roomId),
        deps.floors?.get(roomId),
      ]);
      const holder = floor?.holder;
      return {
        participant,
        slot,
        attendee,
        floorHolder: holder?.mode === 'online' ? holder.participantId : null,
      };
    },
  };
}

export function createMemoryFloorRepository(): FloorRepository {
  const floors = new Map<string, FloorState>();
  const log = new Map<string, FloorEvent>();
  return {
    async get(roomId) {
      await tick();
      return clone(floors.get(roomId) ?? emptyFloor(roomId));
    },
    async save(next, readVersion) {
      await tick();
      if ((floors.get(next.roomId)?.version ?? 0) !== readVersion) return false;
      floors.set(next.roomId, clone(next));
      return true;
    },
    async record(events) {
      await tick();
      for (const e of events) {
        const key = `${e.roomId}|${e.at}#${e.type}#${e.requestId}#${e.version}`;
        if (!log.has(key)) log.set(key, clone(e));
      }
    },
    async events(roomId) {
      await tick();
      return [...log.values()].filter((e) => e.roomId === roomId).sort((a, b) => a.at.localeCompare(b.at));
    },
  };
}

export function createMemoryPresenceRepository(): PresenceRepository {
  const notes = new Map<string, { connected: boolean; at: string }>();
  return {
    async note(roomId, participantId, connected, at) {
      await tick();
      const key = `${roomId}|${participantId}`;
      const seen = notes.get(key);
      if (!seen || seen.at <= at) notes.set(key, { connected, at });
    },
    async of(roomId, participantIds) {
      await tick();
      const out = new Map<string, boolean>();
      for (const id of participantIds) {
        const seen = notes.get(`${roomId}|${id}`);
        if (seen) out.set(id, seen.connected);
      }
      return out;
    },
  };
}

export function createMemoryAuditLog(): AuditLog & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  const newestFirst = () => [...records].sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id));
  return {
    records,
    async append(record) {
      await tick();
      records.push(clone(record));
    },
    async recent(limit) {
      await tick();
      return newestFirst().slice(0, limit);
    },
    async issuedIn(sessionId, participantId) {
      await tick();
      return [
        ...new Set(
          records
            .filter(
              (r) => r.action === 'session.join' && r.outcome === 'allowed' && r.sessionId === sessionId,
            )
            .filter((r) => !participantId || r.participantId === participantId)
            .flatMap((r) => (r.participantId ? [r.participantId] : [])),
        ),
      ];
    },
    async query(q) {
      await tick();
      const items = newestFirst().filter(
        (r) =>
          (!q.sessionId || r.sessionId === q.sessionId) &&
          (!q.participantId || r.participantId === q.participantId) &&
          (!q.outcome || r.outcome === q.outcome) &&
          (!q.from || r.at >= q.from) &&
          (!q.to || r.at <= q.to),
      );
      return { items: items.slice(0, q.limit), nextCursor: null };
    },
  };
}

/**
 * The attendance ledger, insert-only and keyed by each event's content as the DynamoDB adapter's is, and
 * read in the same orders: a room's events by key, a participant's and a room's meeting events by time.
 */
export function createMemoryLedgerRepository(): LedgerRepository {
  const byKey = new Map<string, { key: string; event: RecordedLedgerEvent }>();
  const ordered = (filter: (e: RecordedLedgerEvent) => boolean, by: 'key' | 'time') =>
    [...byKey.values()]
      .filter((x) => filter(x.event))
      .sort((a, b) => (by === 'time' ? a.event.at - b.event.at : 0) || (a.key < b.key ? -1 : 1))
      .map((x) => clone(x.event));
  return {
    async append(event) {
      await tick();
      const key = `${event.roomId}|${eventKey(event)}`;
      if (byKey.has(key)) return false;
      byKey.set(key, { key, event: clone(event) });
      return true;
    },
    async forRoom(roomId) {
      await tick();
      return ordered((e) => e.roomId === roomId, 'key');
    },
    async forParticipant(participantId) {
      await tick();
      return ordered((e) => e.participantId === participantId, 'time');
    },
    async meetingEventsOfRoom(roomId) {
      await tick();
      return ordered(
        (e) =>
          e.roomId === roomId &&
          !e.participantId &&
          (e.type === 'MeetingStarted' || e.type === 'MeetingEnded'),
        'time',
      );
    },
  };
}
