import type { RecordEntry, SignedCheckpoint } from '#domain/record.ts';
import type { CheckpointLog, CheckpointStore, RecordChains } from '#ports/record.ts';

/** The record's chains in memory, with the DynamoDB adapter's conditions (for unit tests). */
export function createMemoryRecordChains(options: { maxAppend?: number } = {}): RecordChains & {
  /** Every shard's entries, as stored. */
  stored: Map<string, RecordEntry[]>;
} {
  const stored = new Map<string, RecordEntry[]>();
  const sources = new Set<string>();
  return {
    stored,
    maxAppend: options.maxAppend ?? 49,
    async head(shard) {
      return stored.get(shard)?.at(-1) ?? null;
    },
    async append(shard, entries, expectedHead) {
      const dup = entries.filter((e) => sources.has(e.source)).map((e) => e.source);
      if (dup.length > 0) return { outcome: 'duplicates', sources: dup };
      const chain = stored.get(shard) ?? [];
      if ((chain.at(-1)?.hash ?? null) !== (expectedHead?.hash ?? null)) return { outcome: 'head-moved' };
      for (const { entry, source } of entries) {
        chain.push(entry);
        sources.add(source);
      }
      stored.set(shard, chain);
      return { outcome: 'appended' };
    },
    async heads() {
      return [...stored]
        .map(([shard, chain]) => ({ shard, size: chain.length, head: (chain.at(-1) as RecordEntry).hash }))
        .sort((a, b) => (a.shard < b.shard ? -1 : 1));
    },
    async entries(shard, fromSeq = 0) {
      return (stored.get(shard) ?? []).filter((e) => e.seq >= fromSeq);
    },
  };
}

export function createMemoryCheckpointLog(): CheckpointLog & { claimed: SignedCheckpoint[] } {
  const claimed: SignedCheckpoint[] = [];
  return {
    claimed,
    async latest() {
      return claimed.at(-1) ?? null;
    },
    async claim(index, checkpoint) {
      if (claimed[index]) return false;
      claimed[index] = checkpoint;
      return true;
    },
  };
}

export function createMemoryCheckpointStore(): CheckpointStore & { stored: SignedCheckpoint[] } {
  const stored: SignedCheckpoint[] = [];
  return {
    stored,
    async put(index, checkpoint) {
      const existing = stored[index];
      if (existing && existing.note !== checkpoint.note)
        throw new Error(`checkpoint ${index} is stored already`);
      stored[index] = checkpoint;
    },
    async list() {
      return stored.filter(Boolean);
    },
  };
}
