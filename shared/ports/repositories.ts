import type { LedgerEvent } from '#domain/attendance.ts';
import type { Delegation, DelegationCategory } from '#domain/delegations.ts';
import type { FloorEvent, FloorState } from '#domain/floor.ts';
import type { Participant, ParticipantFilter } from '#domain/participants.ts';
import type { AttendeeCapabilities } from '#domain/policy.ts';
import type { Programme, Session } from '#domain/programme.ts';
import type { ChimeAttendee, ChimeMeeting } from './meetings.ts';

export interface ProgrammeRepository {
  /** Seeds or replaces the programme (sessions included) as deployed. */
  save(programme: Programme): Promise<void>;
  get(): Promise<Programme | null>;
  getSession(sessionId: string): Promise<Session | null>;
  /** Changes one session's end (an overrun) or its moderators; returns the session as stored. */
  updateSession(sessionId: string, change: { end?: string; moderators?: string[] }): Promise<Session>;
}

export interface DelegationRepository {
  /** Inserts delegations that do not exist yet; returns how many were new. */
  seed(delegations: Delegation[]): Promise<number>;
  /** Inserts one; false if the code is taken. */
  create(delegation: Delegation): Promise<boolean>;
  get(code: string): Promise<Delegation | null>;
  getMany(codes: string[]): Promise<Map<string, Delegation>>;
  list(category?: DelegationCategory): Promise<Delegation[]>;
}

export interface ParticipantPage {
  items: Participant[];
  nextCursor: string | null;
}

export interface ParticipantRepository {
  get(id: string): Promise<Participant | null>;
  getMany(ids: string[]): Promise<Map<string, Participant>>;
  /** The participant id linked to an email; a warm instance answers from memory (verify the record). */
  idForEmail(email: string): Promise<string | null>;
  /** Drops a remembered email → id link that turned out stale. */
  forgetEmail(email: string): void;
  /** Every participant (provisioning), page by page. */
  listAll(): Promise<Participant[]>;
  findByEmail(email: string): Promise<Participant | null>;
  findManyByEmail(emails: string[]): Promise<Map<string, Participant>>;
  /**
   * Writes a whole import, all or nothing: new participants with their identity link, updates of
   * existing ones (each only if still as `previous`). One import runs at a time (IMPORT_IN_PROGRESS); a
   * conflict with another writer (EMAIL_IN_USE, IMPORT_CONFLICT) undoes what was written before it throws.
   */
  saveImport(creates: Participant[], updates: ImportUpdate[]): Promise<void>;
  /** Saves an update; when the email changes, the identity link moves with it atomically. */
  update(next: Participant, previousEmail: string): Promise<void>;
  /**
   * A page of participants in id order (of one delegation, when given). With a filter, the page holds
   * those of the next participants read that match it: at most `limit`, read at most `scanLimit` of
   * them, so a page may be short (even empty) with a `nextCursor` still.
   */
  list(options: {
    delegationCode?: string;
    limit: number;
    cursor?: string;
    filter?: ParticipantFilter;
    scanLimit?: number;
  }): Promise<ParticipantPage>;
  /**
   * Moves the credential epoch without changing the record: something their credentials depend on
   * changed (they were given the floor, or it ended), so a join deciding on the old state stores nothing.
   */
  touch(id: string): Promise<void>;
}

/** An existing participant changed by an import: as read, and as it is to be. */
export interface ImportUpdate {
  previous: Participant;
  next: Participant;
}

export interface SeatRepository {
  /**
   * Gives a State's in-person seat to a participant, atomically: refused (returns the current holder's
   * id) when someone else holds it. Idempotent for the current holder.
   */
  claim(
    delegationCode: string,
    participantId: string,
    now: Date,
  ): Promise<{ ok: true } | { ok: false; holderId: string }>;
  /** Releases the seat; returns the released holder's id, or null if it was free. */
  release(delegationCode: string, now: Date): Promise<string | null>;
  holder(delegationCode: string): Promise<string | null>;
}

/** Our registry of each room's current Chime meetings (Chime has no ListMeetings). */
export interface RoomMeeting {
  roomId: string;
  /** The primary meeting: where those who may speak sit. */
  meetingId: string;
  meeting: ChimeMeeting;
  /** Replica meetings for the rest of the audience, in order. */
  replicas: { meetingId: string; meeting: ChimeMeeting }[];
  /**
   * Attendee records in each meeting: those stored, plus those reserved by a placement in flight. A
   * placement that does not store its attendee gives its reservation back; deleting a stored attendee
   * gives its record back; a meeting Chime calls full is marked full.
   */
  counts: Record<string, number>;
  generation: number;
  createdAt: string;
  verifiedAt: string;
  provisioning?: ProvisioningState;
  /** Set when an attendee made here could not be released: the room's orphans are to be swept. */
  sweepRequestedAt?: string;
}

export interface ProvisioningState {
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  placed?: number;
  unplaced?: number;
}

export type RoomMeetingSlot =
  | { state: 'empty'; generation: number }
  | { state: 'creating'; generation: number; claimedAt: string }
  | { state: 'ready'; roomMeeting: RoomMeeting }
  /** The room's window closed (or an organizer closed it): its meetings were ended; no join is served. */
  | { state: 'closed'; generation: number; closedAt: string; meetingIds: string[] };

export interface MeetingRegistry {
  slot(roomId: string): Promise<RoomMeetingSlot>;
  /**
   * Claims the right to create the room's meeting of `generation`. True for exactly one caller among
   * concurrent ones (and for anyone taking over a claim older than `staleBefore`).
   */
  claim(roomId: string, generation: number, now: Date, staleBefore: Date): Promise<boolean>;
  /** Stores the meeting created for the claimed generation. */
  publish(roomMeeting: RoomMeeting): Promise<void>;
  /**
   * Takes the turn to check that the meeting is still alive: moves `verifiedAt` from the value the
   * caller saw to `now`. True for one caller; the others keep using the meeting meanwhile.
   */
  claimVerification(roomId: string, meetingId: string, seenVerifiedAt: string, now: Date): Promise<boolean>;
  /**
   * Retires a meeting that the provider no longer knows, opening the next generation. Only the first
   * caller for that meeting wins; others see the slot as it then is.
   */
  retire(roomId: string, meetingId: string): Promise<void>;
  /** Adds replica number `index` (0-based) to the generation; false if another caller added it first. */
  addReplica(
    roomId: string,
    generation: number,
    index: number,
    replica: { meetingId: string; meeting: ChimeMeeting },
  ): Promise<boolean>;
  /** Takes one record of a meeting's capacity, if that leaves it within `limit`; false otherwise. */
  reserve(roomId: string, meetingId: string, limit: number): Promise<boolean>;
  /** Takes up to `want` records within `limit` (atomically); returns how many were taken. */
  reserveUpTo(roomId: string, meetingId: string, want: number, limit: number): Promise<number>;
  /** Gives back records reserved and not used, or of attendees deleted (never below zero). */
  giveBack(roomId: string, meetingId: string, records: number): Promise<void>;
  /** Chime says the meeting holds all it may: its count becomes that (set, not added to). */
  markFull(roomId: string, meetingId: string, records: number): Promise<void>;
  /**
   * Closes the room: the slot turns `closed` (whatever state it was in), so no join or provisioning
   * run creates or places anything more; returns the meetings that were live, to be ended.
   */
  close(roomId: string, at: Date): Promise<string[]>;
  /** Opens a closed room again (its end was moved later): the next generation of meetings. */
  reopen(roomId: string): Promise<boolean>;
  /** Asks for the room's orphans to be swept (an attendee made could not be released). */
  requestSweep(roomId: string, at: Date): Promise<void>;
  /** The sweep asked for at `requestedAt` is done (a later request stays). */
  sweepDone(roomId: string, requestedAt: string): Promise<void>;
  /** Records the progress of provisioning for the generation; `start` fails if a run is already going. */
  setProvisioning(
    roomId: string,
    generation: number,
    state: ProvisioningState,
    options?: { start?: boolean; staleBefore?: Date },
  ): Promise<boolean>;
}

/** The one read of a join's hot path: the participant, the room's meetings and their attendee. */
export interface JoinContextReader {
  read(
    participantId: string,
    roomId: string,
  ): Promise<{
    participant: Participant | null;
    slot: RoomMeetingSlot;
    attendee: StoredAttendee | null;
    /** Who holds the room's floor online now (their attendee is heard), or null. */
    floorHolder: string | null;
  }>;
}

/** Each room's floor (speakers list and holder): one item, written on the condition of its version. */
export interface FloorRepository {
  /** The floor as stored (strongly consistent); an empty floor of version 0 when there is none yet. */
  get(roomId: string): Promise<FloorState>;
  /** Stores `next` if the stored version is still `readVersion`; false when another change came first. */
  save(next: FloorState, readVersion: number): Promise<boolean>;
  /** The floor's record: each event stored once (keyed by its content), so a repeat writes nothing new. */
  record(events: readonly FloorEvent[]): Promise<void>;
  events(roomId: string): Promise<FloorEvent[]>;
}

/** Whether each participant's client is connected in a room, from the meetings' own events (best effort). */
export interface PresenceRepository {
  /** Notes a Joined (true) or Left/Dropped (false) at `at`; an older note than the stored one is ignored. */
  note(roomId: string, participantId: string, connected: boolean, at: string): Promise<void>;
  /** Participants never seen connected are absent from the map. */
  of(roomId: string, participantIds: readonly string[]): Promise<Map<string, boolean>>;
}

export interface StoredAttendee {
  participantId: string;
  roomId: string;
  meetingId: string;
  /** The room's meeting generation: a record of an older one is stale (its meetings have ended). */
  generation: number;
  attendee: ChimeAttendee;
  capabilities: AttendeeCapabilities;
  createdAt: string;
}

/** What came of storing an attendee on the condition that nobody else did and the participant is unchanged. */
export type StoreOutcome =
  | { outcome: 'stored' }
  /** Another placement (a second device, the provisioning run) stored one first: this one. */
  | { outcome: 'taken'; holder: StoredAttendee }
  /** The participant's record changed since the decision (credential epoch moved): nothing stored. */
  | { outcome: 'stale' };

export interface AttendeeRepository {
  get(participantId: string, roomId: string): Promise<StoredAttendee | null>;
  /**
   * Stores an attendee unless another one of the same (or a newer) generation of the room's meetings is
   * stored for the participant, and only while the participant's credential epoch is `epoch`.
   */
  store(attendee: StoredAttendee, epoch: number): Promise<StoreOutcome>;
  /** `store` for many (provisioning); outcomes in the same order. */
  storeMany(entries: { attendee: StoredAttendee; epoch: number }[]): Promise<StoreOutcome[]>;
  /** Sets the stored capabilities, if the stored attendee is still `attendeeId`. */
  updateCapabilities(
    participantId: string,
    roomId: string,
    attendeeId: string,
    capabilities: AttendeeCapabilities,
  ): Promise<void>;
  listForParticipant(participantId: string): Promise<StoredAttendee[]>;
  /** Everyone holding credentials for the room now (for "issued, never connected"). */
  listForRoom(roomId: string): Promise<StoredAttendee[]>;
  /** Deletes the stored attendee if it is still `attendeeId`; true when this call deleted it. */
  delete(participantId: string, roomId: string, attendeeId: string): Promise<boolean>;
}

export type AuditOutcome = 'allowed' | 'denied' | 'succeeded' | 'failed';

export interface AuditRecord {
  id: string;
  at: string;
  /** Who acted: a participant id, or the organizer's identity (email) for organizer actions. */
  actor: string;
  action: string;
  outcome: AuditOutcome;
  code?: string;
  sessionId?: string;
  participantId?: string;
  delegationCode?: string;
  /** Non-secret facts about the action (counts, previous holder, ...). Never a token. */
  details?: Record<string, unknown>;
}

export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /** The newest first. */
  recent(limit: number): Promise<AuditRecord[]>;
  /**
   * Who was handed credentials for a room (an allowed join is on record): attendees made ahead and
   * never asked for are not "issued".
   */
  issuedIn(sessionId: string, participantId?: string): Promise<string[]>;
  /** Newest first, filtered, paginated. */
  query(query: AuditQuery): Promise<AuditPage>;
}

export type LedgerSource = 'chime' | 'door';
export type RecordedLedgerEvent = LedgerEvent & { source: LedgerSource };

/** The append-only attendance ledger: each event stored once, keyed by its own content. */
export interface LedgerRepository {
  /** True when stored now; false when the same event was already there (a duplicate delivery). */
  append(event: RecordedLedgerEvent): Promise<boolean>;
  forRoom(roomId: string): Promise<RecordedLedgerEvent[]>;
  forParticipant(participantId: string): Promise<RecordedLedgerEvent[]>;
  /** MeetingStarted/MeetingEnded of the room's meetings only. */
  meetingEventsOfRoom(roomId: string): Promise<RecordedLedgerEvent[]>;
}

export interface UnmatchedEvent {
  reason: string;
  receivedAt: string;
  event: Record<string, unknown>;
}

/** Events we could not tie to one of our rooms or participants: kept aside, never dropped. */
export interface UnmatchedEventLog {
  keep(event: Record<string, unknown>, reason: string, now: Date): Promise<void>;
  list(limit: number): Promise<UnmatchedEvent[]>;
}

/** Which room a Chime meeting (of any generation) belongs to, from our own registry. */
export interface MeetingDirectory {
  roomOf(meetingId: string): Promise<string | null>;
}

export interface AuditQuery {
  sessionId?: string;
  participantId?: string;
  outcome?: AuditOutcome;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}
