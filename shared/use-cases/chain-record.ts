/**
 * The chainer: appends the table's changes, as its stream delivers them, to the record's per-shard hash
 * chains (docs/record.md). It runs after the writes it records, never inside them: the join's one write
 * stays one write, and a stampede's audit records are chained in batches, one conditional write per
 * shard and batch rather than one per record.
 *
 * Every append is conditional on the shard's head (two chainers never fork a chain) and on the changes'
 * ids not being on record yet (a redelivered batch appends nothing twice).
 */
import { appendEntry, type RecordEntry } from '#domain/record.ts';
import type { Clock } from '#ports/clock.ts';
import type { PendingEntry, RecordChains } from '#ports/record.ts';

export interface ChainDeps {
  chains: RecordChains;
  clock: Clock;
  /** Heads this instance wrote last (a warm instance skips the read while it is the only writer). */
  heads?: Map<string, RecordEntry | null>;
  /** Lost races before a shard's batch is given back to the stream to retry (default 12). */
  maxAttempts?: number;
}

export interface ChainOutcome {
  appended: number;
  /** Changes already on record (a redelivery). */
  duplicates: number;
  /** Lost races on a head (another chainer appended first). */
  races: number;
  /** Shards that could not be appended to in this run, and why; their changes must be delivered again. */
  failures: { shard: string; reason: string }[];
}

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));

/**
 * Appends `pending` (in stream order) to their shards. Shards are independent and go in parallel; within
 * a shard, entries keep the order they were given in.
 */
export async function chainChanges(deps: ChainDeps, pending: readonly PendingEntry[]): Promise<ChainOutcome> {
  const byShard = new Map<string, PendingEntry[]>();
  for (const p of pending) {
    const list = byShard.get(p.shard) ?? [];
    list.push(p);
    byShard.set(p.shard, list);
  }
  const outcome: ChainOutcome = { appended: 0, duplicates: 0, races: 0, failures: [] };
  await Promise.all(
    [...byShard].map(async ([shard, list]) => {
      try {
        await chainShard(deps, shard, list, outcome);
      } catch (error) {
        deps.heads?.delete(shard);
        outcome.failures.push({ shard, reason: (error as Error).message });
      }
    }),
  );
  return outcome;
}

async function chainShard(deps: ChainDeps, shard: string, list: PendingEntry[], outcome: ChainOutcome) {
  const maxAttempts = deps.maxAttempts ?? 12;
  let rest = list;
  let head = deps.heads?.has(shard) ? (deps.heads.get(shard) ?? null) : await deps.chains.head(shard);
  let attempt = 0;
  while (rest.length > 0) {
    const chunk = rest.slice(0, deps.chains.maxAppend);
    const entries: { entry: RecordEntry; source: string }[] = [];
    let previous = head;
    for (const p of chunk) {
      const entry = appendEntry(previous, { shard, kind: p.kind, at: p.at, body: p.body });
      entries.push({ entry, source: p.source });
      previous = entry;
    }
    const result = await deps.chains.append(shard, entries, head);
    if (result.outcome === 'appended') {
      outcome.appended += entries.length;
      head = previous;
      deps.heads?.set(shard, head);
      rest = rest.slice(chunk.length);
      attempt = 0;
      continue;
    }
    if (result.outcome === 'duplicates') {
      const seen = new Set(result.sources);
      if (!chunk.some((p) => seen.has(p.source)))
        throw new Error('the store named duplicates outside the batch');
      outcome.duplicates += chunk.filter((p) => seen.has(p.source)).length;
      rest = rest.filter((p) => !seen.has(p.source));
      continue;
    }
    outcome.races++;
    if (++attempt >= maxAttempts) throw new Error(`${attempt} lost races in a row`);
    await pause(attempt);
    head = await deps.chains.head(shard);
  }
}
