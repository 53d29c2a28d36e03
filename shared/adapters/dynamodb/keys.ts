/** Every key of the table is built here, so the layout can be read (and changed) in one file. */
export const keys = {
  programme: () => ({ pk: 'EVENT', sk: 'PROGRAMME' }),
  delegation: (code: string) => ({ pk: `DELEGATION#${code}`, sk: 'DELEGATION' }),
  delegationsOfCategory: (category: string) => ({ gsi1pk: `CATEGORY#${category}` }),
  seat: (code: string) => ({ pk: `DELEGATION#${code}`, sk: 'SEAT' }),
  participant: (id: string) => ({ pk: `PARTICIPANT#${id}`, sk: 'PARTICIPANT' }),
  participantsOfDelegation: (code: string) => ({ gsi1pk: `DELEGATION#${code}#PARTICIPANTS` }),
  allParticipants: () => ({ gsi2pk: 'PARTICIPANTS' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  roomMeeting: (roomId: string) => ({ pk: `ROOM#${roomId}`, sk: 'MEETING' }),
  /** A room's floor: the speakers list and the holder (one item, versioned). */
  floor: (roomId: string) => ({ pk: `ROOM#${roomId}`, sk: 'FLOOR' }),
  /** The floor's record (insert-only), in time order. */
  floorEvent: (roomId: string, key: string) => ({ pk: `FLOORLOG#${roomId}`, sk: key }),
  floorLog: (roomId: string) => ({ pk: `FLOORLOG#${roomId}` }),
  presence: (roomId: string, participantId: string) => ({
    pk: `ROOM#${roomId}`,
    sk: `PRESENCE#${participantId}`,
  }),
  attendee: (participantId: string, roomId: string) => ({
    pk: `PARTICIPANT#${participantId}`,
    sk: `ATTENDEE#${roomId}`,
  }),
  attendeePrefix: 'ATTENDEE#',
  attendeesOfRoom: (roomId: string) => ({ gsi1pk: `ROOM#${roomId}#ATTENDEES` }),
  meetingDirectory: (meetingId: string) => ({ pk: `MEETING#${meetingId}`, sk: 'MEETING' }),
  ledgerEvent: (roomId: string, key: string) => ({ pk: `LEDGER#${roomId}`, sk: key }),
  ledgerOfRoom: (roomId: string) => ({ pk: `LEDGER#${roomId}` }),
  ledgerOfParticipant: (participantId: string) => ({ gsi1pk: `LEDGER#P#${participantId}` }),
  meetingEventsOfRoom: (roomId: string) => ({ gsi1pk: `LEDGER#M#${roomId}` }),
  unmatched: (contentKey: string) => ({ pk: 'UNMATCHED', sk: contentKey }),
  audit: (at: string, id: string) => ({ pk: `AUDIT#${at.slice(0, 10)}`, sk: `${at}#${id}` }),
  allAudit: () => ({ gsi2pk: 'AUDIT' }),
  /** Allowed joins of a room, by participant: who was handed credentials. */
  issuedInRoom: (sessionId: string) => ({ gsi1pk: `ISSUED#${sessionId}` }),
  /** The one import running at a time (a lease). */
  importLock: () => ({ pk: 'IMPORT', sk: 'LOCK' }),
  rateWindow: (operation: string, second: number) => ({ pk: `RATE#${operation}`, sk: String(second) }),
  /** The verifiable record: a shard's entries in seq order, its head beside them (docs/record.md). */
  recordEntry: (shard: string, seq: number) => ({ pk: `RECORD#${shard}`, sk: String(seq).padStart(12, '0') }),
  recordHead: (shard: string) => ({ pk: `RECORD#${shard}`, sk: 'HEAD' }),
  recordHeads: () => ({ gsi2pk: 'RECORDHEADS' }),
  /** A change on record (a stream record's eventID), so a redelivery appends nothing twice. */
  recordSource: (source: string) => ({ pk: `RECORDSRC#${source}`, sk: 'SOURCE' }),
  /** The signed checkpoints, by index (the immutable copies are in the checkpoint store). */
  checkpoint: (index: number) => ({ pk: 'CHECKPOINTS', sk: String(index).padStart(10, '0') }),
} as const;

export const ITEM_VERSION = 1;
