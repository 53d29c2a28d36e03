/**
 * Which changes of the event's table go on the verifiable record, and in which shard (docs/record.md).
 * Pure: the chainer reads the table's stream and asks this module what each change becomes.
 *
 * On record: every attendance ledger event (Chime's and the door's), every Chime event kept aside as
 * unmatched, every audit record, every floor event, and every change to what the reports read: the
 * delegations, the participants, the in-person seats and the programme. Not on record: state that is
 * derived or operational (attendees, meetings, the floor's current state, presence, rate windows, email
 * links, the import lease) and the record's own items.
 *
 * Shards keep any one chain from becoming the hot key a stampede writes to: the ledger and the floor
 * have one chain per room, the audit trail is spread over AUDIT_SHARDS chains by record id, and the
 * registry and the programme, which change rarely and must replay in order, have one each.
 */
import { createHash } from 'node:crypto';
import type { JsonValue, RecordKind } from './record.ts';

export const AUDIT_SHARDS = 4;

export type ChangeKind = 'insert' | 'modify' | 'remove';

/** One change of one item, as the table's stream tells it (images already plain JSON). */
export interface TableChange {
  change: ChangeKind;
  /** The item after the change (insert, modify); null for a removal. */
  item: Record<string, JsonValue> | null;
  /** The item before the change (modify, remove); null for an insert. */
  before: Record<string, JsonValue> | null;
}

/** Index attributes are derived from the item (and change when the layout does): never on record. */
const derived = new Set(['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);

const registryTypes = new Set(['participant', 'delegation', 'seat']);

/**
 * Every item type on record: the stack's stream filter passes these only (the chainer would ignore the
 * rest anyway; the filter saves the invocations).
 */
export const recordedTypes = [
  'ledger-event',
  'unmatched-event',
  'floorEvent',
  'audit',
  'programme',
  ...registryTypes,
] as const;

/** The shard and kind of an item, or null when the item is not on record. */
export function shardOf(item: Record<string, JsonValue>): { shard: string; kind: RecordKind } | null {
  const type = item.type;
  const pk = typeof item.pk === 'string' ? item.pk : '';
  switch (type) {
    case 'ledger-event':
      return typeof item.roomId === 'string' ? { shard: `ledger.${item.roomId}`, kind: 'ledger' } : null;
    case 'unmatched-event':
      return { shard: 'ledger.unmatched', kind: 'ledger' };
    case 'floorEvent':
      return pk.startsWith('FLOORLOG#')
        ? { shard: `floor.${pk.slice('FLOORLOG#'.length)}`, kind: 'floor' }
        : null;
    case 'audit': {
      const id = typeof item.id === 'string' ? item.id : pk;
      const n = Number.parseInt(createHash('sha256').update(id).digest('hex').slice(0, 8), 16) % AUDIT_SHARDS;
      return { shard: `audit.${n}`, kind: 'audit' };
    }
    case 'programme':
      return { shard: 'programme', kind: 'programme' };
    default:
      return typeof type === 'string' && registryTypes.has(type)
        ? { shard: 'registry', kind: 'registry' }
        : null;
  }
}

/**
 * The entry body of a change: what changed (`insert`, `modify`, `remove`), the item's key, and the item
 * as it now stands without its index attributes (null once removed). A `modify` or `remove` of a ledger,
 * audit or floor item, which are insert-only, is itself evidence: only someone writing to the table
 * outside floorpass's code makes one, and it is on record like any other change.
 */
export function recordedChange(
  change: TableChange,
): { shard: string; kind: RecordKind; body: { [key: string]: JsonValue } } | null {
  const image = change.item ?? change.before;
  if (!image) return null;
  const place = shardOf(image);
  if (!place) return null;
  const key = { pk: image.pk ?? null, sk: image.sk ?? null };
  let item: Record<string, JsonValue> | null = null;
  if (change.item) {
    item = {};
    for (const [name, value] of Object.entries(change.item)) {
      if (name !== 'pk' && name !== 'sk' && !derived.has(name)) item[name] = value;
    }
  }
  return { ...place, body: { change: change.change, key, item } };
}

/** An entry's body as recordedChange writes it: one change of one item of the table. */
export interface RecordedChange {
  change: ChangeKind;
  key: { pk: JsonValue; sk: JsonValue };
  /** The item as it stood after the change, without its key and index attributes; null once removed. */
  item: Record<string, JsonValue> | null;
}

const isObject = (v: unknown): v is Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The change an entry's body records, or null when the body is not one recordedChange writes. */
export function readRecordedChange(body: JsonValue): RecordedChange | null {
  if (!isObject(body) || !isObject(body.key)) return null;
  const { change, key, item } = body;
  if (change !== 'insert' && change !== 'modify' && change !== 'remove') return null;
  if (change === 'remove' ? item !== null : !isObject(item)) return null;
  return { change, key: { pk: key.pk ?? null, sk: key.sk ?? null }, item: item as RecordedChange['item'] };
}

/** Whether a record kind is insert-only in floorpass's own code (a modify or remove of it is tampering). */
export const insertOnly = (kind: RecordKind) => kind === 'ledger' || kind === 'audit' || kind === 'floor';

/** A change to an insert-only record found on the record: the table was edited outside floorpass. */
export interface OutsideChange {
  shard: string;
  seq: number;
  at: string;
  change: 'modify' | 'remove';
  key: string;
}

/**
 * Every `modify` or `remove` of a ledger, audit or floor item on the record. floorpass's code only ever
 * inserts those, so each one is someone writing to the table directly: the record kept it, and `verify`
 * names it.
 */
export function outsideChanges(
  entries: readonly { shard: string; seq: number; at: string; kind: RecordKind; body: JsonValue }[],
): OutsideChange[] {
  const found: OutsideChange[] = [];
  for (const e of entries) {
    if (!insertOnly(e.kind) || !e.body || typeof e.body !== 'object' || Array.isArray(e.body)) continue;
    const { change, key } = e.body as { change?: unknown; key?: { pk?: unknown; sk?: unknown } };
    if (change !== 'modify' && change !== 'remove') continue;
    found.push({
      shard: e.shard,
      seq: e.seq,
      at: e.at,
      change,
      key: `${String(key?.pk)} / ${String(key?.sk)}`,
    });
  }
  return found;
}
