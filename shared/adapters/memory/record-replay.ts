/**
 * The record's entries replayed into the in-memory repositories (docs/record.md, "Reports"): the
 * tables as the entries leave them, for the reports to be recomputed from the record alone — by the
 * export, which adds them to the bundle, and by `verify`, which compares them with the bundle's.
 *
 * Each entry's body is one change of one table item (shared/domain/record-source.ts); an entry whose body
 * is not one (nothing floorpass's chainer writes; a test's own shard) is no item of the table, and is
 * left out and named. Every shard is
 * applied in `seq` order (shards in name order; no item is in two shards, since an item's type names its
 * shard): the latest image of a key wins and a `remove` deletes it. The images are then mapped to domain
 * objects by the DynamoDB adapters' own mappers (adapters/dynamodb/items.ts) and loaded into the memory
 * repositories, in key order, so that they read back in the order DynamoDB's queries return.
 *
 * No SDK import in this module's graph: the auditor's one-file `verify` bundles it.
 */
import type { RecordEntry } from '#domain/record.ts';
import { readRecordedChange } from '#domain/record-source.ts';
import type { RecordReplayer, ReplayedTables } from '#ports/record.ts';
import {
  auditRecordFromItem,
  delegationFromItem,
  floorEventFromItem,
  ledgerEventFromItem,
  participantFromItem,
  programmeFromItem,
} from '../dynamodb/items.ts';
import {
  createMemoryAuditLog,
  createMemoryDelegationRepository,
  createMemoryFloorRepository,
  createMemoryLedgerRepository,
  createMemoryParticipantRepository,
  createMemoryProgrammeRepository,
} from './repositories.ts';

interface Image {
  pk: string;
  sk: string;
  item: Record<string, unknown>;
}

/**
 * The table's items as the entries leave them, in key order (pk, then sk), and the entries that are no
 * change of the table.
 */
export function replayImages(entries: readonly RecordEntry[]): {
  images: Image[];
  unreplayed: { shard: string; seq: number }[];
} {
  const byShard = new Map<string, RecordEntry[]>();
  for (const e of entries) {
    const list = byShard.get(e.shard);
    if (list) list.push(e);
    else byShard.set(e.shard, [e]);
  }
  const items = new Map<string, Image>();
  const unreplayed: { shard: string; seq: number }[] = [];
  for (const shard of [...byShard.keys()].sort()) {
    const inOrder = [...(byShard.get(shard) ?? [])].sort((a, b) => a.seq - b.seq);
    for (const entry of inOrder) {
      const change = readRecordedChange(entry.body);
      const { pk, sk } = change?.key ?? {};
      if (!change || typeof pk !== 'string' || typeof sk !== 'string') {
        unreplayed.push({ shard, seq: entry.seq });
        continue;
      }
      const id = `${pk}\u0000${sk}`;
      if (change.item === null) items.delete(id);
      else items.set(id, { pk, sk, item: change.item });
    }
  }
  const images = [...items.values()].sort((a, b) =>
    a.pk !== b.pk ? (a.pk < b.pk ? -1 : 1) : a.sk === b.sk ? 0 : a.sk < b.sk ? -1 : 1,
  );
  return { images, unreplayed };
}

/**
 * The record replayed into memory repositories. Items no report reads (seats — a participant carries
 * its seat —, unmatched Chime events) are left out.
 */
export const replayRecord: RecordReplayer = async (entries): Promise<ReplayedTables> => {
  const tables = {
    programme: createMemoryProgrammeRepository(),
    ledger: createMemoryLedgerRepository(),
    participants: createMemoryParticipantRepository(),
    delegations: createMemoryDelegationRepository(),
    audit: createMemoryAuditLog(),
    floors: createMemoryFloorRepository(),
  };
  const { images, unreplayed } = replayImages(entries);
  const delegations = [];
  for (const { item } of images) {
    switch (item.type) {
      case 'programme': {
        const programme = programmeFromItem(item);
        if (programme) await tables.programme.save(programme);
        break;
      }
      case 'delegation':
        delegations.push(delegationFromItem(item));
        break;
      case 'participant':
        tables.participants.put(participantFromItem(item));
        break;
      case 'ledger-event':
        await tables.ledger.append(ledgerEventFromItem(item));
        break;
      case 'floorEvent':
        await tables.floors.record([floorEventFromItem(item)]);
        break;
      case 'audit':
        await tables.audit.append(auditRecordFromItem(item));
        break;
    }
  }
  await tables.delegations.seed(delegations);
  return { ...tables, unreplayed };
};
