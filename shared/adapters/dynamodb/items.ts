/**
 * Table items → domain objects: the one mapping of each item type, used by the DynamoDB adapters when
 * they read the table and by the record's replay (shared/adapters/memory/record-replay.ts) when it reads
 * the item images on record. No SDK import here, nor anywhere this module imports: the auditor's
 * one-file `verify` bundles it.
 *
 * An item may come with or without its key and index attributes (the record keeps neither): no mapper
 * reads them.
 */
import type { LedgerEventType } from '#domain/attendance.ts';
import type { Delegation, DelegationCategory } from '#domain/delegations.ts';
import { emptyFloor, type FloorEvent, type FloorState } from '#domain/floor.ts';
import type { Participant, ParticipantRole } from '#domain/participants.ts';
import type { Programme } from '#domain/programme.ts';
import type { AuditRecord, LedgerSource, RecordedLedgerEvent } from '#ports/repositories.ts';

type Item = Record<string, unknown>;

export const participantFromItem = (item: Item): Participant => ({
  id: item.id as string,
  name: item.name as string,
  email: item.email as string,
  delegationCode: item.delegationCode as string,
  role: item.role as ParticipantRole,
  revoked: item.revoked === true,
  inPersonSeat: (item.inPersonSeat as string | null | undefined) ?? null,
  credentialEpoch: (item.credentialEpoch as number | undefined) ?? 0,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

export const delegationFromItem = (item: Item): Delegation => ({
  code: item.code as string,
  name: item.name as string,
  category: item.category as DelegationCategory,
  regionalGroup: (item.regionalGroup as string | null) ?? null,
});

/** The participant holding a State's in-person seat, from its seat item. */
export const seatHolderFromItem = (item: Item | undefined): string | null =>
  (item?.holderId as string | undefined) ?? null;

/** The programme as deployed (one item); null when the item holds none. */
export const programmeFromItem = (item: Item | undefined): Programme | null =>
  (item?.programme as Programme | undefined) ?? null;

export const ledgerEventFromItem = (item: Item): RecordedLedgerEvent => ({
  type: item.eventType as LedgerEventType,
  at: item.at as number,
  roomId: item.roomId as string,
  source: item.source as LedgerSource,
  ...(item.meetingId ? { meetingId: item.meetingId as string } : {}),
  ...(item.attendeeId ? { attendeeId: item.attendeeId as string } : {}),
  ...(item.participantId ? { participantId: item.participantId as string } : {}),
});

/** An audit record is its item without the key, index, type and version attributes. */
export const auditRecordFromItem = ({
  pk,
  sk,
  gsi1pk,
  gsi1sk,
  gsi2pk,
  gsi2sk,
  type,
  version,
  ...record
}: Item): AuditRecord => record as unknown as AuditRecord;

export const floorEventFromItem = (item: Item): FloorEvent => item.event as FloorEvent;

export const floorFromItem = (roomId: string, item: Item | undefined): FloorState =>
  item
    ? { ...emptyFloor(roomId), ...(item.floor as FloorState), version: item.floorVersion as number }
    : emptyFloor(roomId);
