/**
 * Verifying a whole record offline: the key against the fingerprint given out of band, every checkpoint's
 * signature and chain, every shard's hash chain, and every shard against every checkpoint that covers it.
 * Failures name the checkpoint interval they fall in and the first entry that no longer matches.
 */
import {
  type ChainProblem,
  type Checkpoint,
  CheckpointFormatError,
  checkpointHash,
  checkpointSignedBy,
  GENESIS,
  headLeaf,
  keyFingerprint,
  merkleRoot,
  parseCheckpointNote,
  type RecordEntry,
  readPublicKey,
  type SignedCheckpoint,
  verifyChain,
} from './record.ts';

/** An entry and the line of the bundle it came from (1-based), for messages. */
export interface LocatedEntry {
  entry: RecordEntry;
  line: number;
}

/** A checkpoint named in a message: its number and time. */
export interface CheckpointMark {
  index: number;
  time: string;
}

/**
 * Where a failure falls: after checkpoint `after` (null: from the start) and up to and including
 * checkpoint `upTo` (null: past the last checkpoint, where no signature covers it).
 */
export interface Interval {
  after: CheckpointMark | null;
  upTo: CheckpointMark | null;
}

export type RecordProblem = ChainProblem | 'rewritten' | 'key' | 'signature' | 'checkpoint';

export interface RecordFailure {
  problem: RecordProblem;
  /** The sentence verify prints. */
  message: string;
  /** The first entry that no longer matches (for a removal: the first one missing). */
  entry?: { shard: string; seq: number; line?: number };
  /** The checkpoint that failed, for key, signature and checkpoint problems. */
  checkpoint?: { index: number; line: number };
  interval?: Interval;
}

export interface RecordReport {
  ok: boolean;
  origin: string | null;
  fingerprint: string | null;
  entries: number;
  shards: number;
  /** Checkpoints whose signature and chain verified. */
  checkpoints: number;
  lastCheckpoint: CheckpointMark | null;
  /** Entries that no signed checkpoint covers yet: how many, and the earliest `at` among them. */
  unproven: { count: number; since: string | null };
  failures: RecordFailure[];
}

export interface RecordBundle {
  entries: readonly LocatedEntry[];
  checkpoints: readonly { checkpoint: SignedCheckpoint; line: number }[];
  publicKeyPem: string;
}

/** `AB:cd 12…` → `abcd12…`: fingerprints are compared as hex, whatever separators a person typed. */
export const normalizeFingerprint = (fingerprint: string) =>
  fingerprint.toLowerCase().replace(/[^0-9a-f]/g, '');

const mark = (c: Checkpoint): CheckpointMark => ({ index: c.index, time: c.time });

/** "between checkpoint 1 (time) and checkpoint 2 (time)", in words. */
export function describeInterval({ after, upTo }: Interval): string {
  const name = (c: CheckpointMark) => `checkpoint ${c.index} (${c.time})`;
  if (upTo === null) {
    return after === null
      ? 'before any checkpoint: no signature covers it'
      : `after the last checkpoint, ${name(after)}: no signature covers it`;
  }
  return after === null ? `up to ${name(upTo)}` : `between ${name(after)} and ${name(upTo)}`;
}

/**
 * Verifies a record. The key must have the fingerprint given out of band: a key that travels with the
 * data proves nothing against an insider who rewrote both. Verification stops at a bad key; a checkpoint
 * that fails (signature, format, chain) is reported and no checkpoint after it is trusted.
 */
export function verifyRecord(bundle: RecordBundle, expectedFingerprint: string): RecordReport {
  const report: RecordReport = {
    ok: false,
    origin: null,
    fingerprint: null,
    entries: bundle.entries.length,
    shards: 0,
    checkpoints: 0,
    lastCheckpoint: null,
    unproven: { count: 0, since: null },
    failures: [],
  };
  const key = readPublicKey(bundle.publicKeyPem);
  if (typeof key === 'string') {
    report.failures.push({ problem: 'key', message: `public-key.pem: ${key}` });
    return report;
  }
  report.fingerprint = keyFingerprint(key);
  const expected = normalizeFingerprint(expectedFingerprint);
  if (report.fingerprint !== expected) {
    report.failures.push({
      problem: 'key',
      message: `the bundle's key has fingerprint ${report.fingerprint}, not the ${expected || '(empty)'} you gave: nothing signed by it proves anything`,
    });
    return report;
  }

  const trusted = trustedCheckpoints(bundle, key, report);
  report.checkpoints = trusted.length;
  const last = trusted.at(-1);
  report.lastCheckpoint = last ? mark(last) : null;
  report.origin = trusted[0]?.origin ?? null;

  const shards = new Map<string, LocatedEntry[]>();
  for (const located of bundle.entries) {
    const list = shards.get(located.entry.shard) ?? [];
    list.push(located);
    shards.set(located.entry.shard, list);
  }
  report.shards = shards.size;

  // A shard a checkpoint names but the bundle lacks was removed whole.
  for (const name of new Set(trusted.flatMap((c) => c.shards.map((s) => s.shard)))) {
    if (!shards.has(name)) shards.set(name, []);
  }

  for (const [shard, located] of [...shards].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const failure = verifyShard(shard, located, trusted);
    if (failure) report.failures.push(failure);
    const covered = last?.shards.find((s) => s.shard === shard)?.size ?? 0;
    for (const { entry } of located.slice(covered)) {
      report.unproven.count++;
      if (report.unproven.since === null || entry.at < report.unproven.since)
        report.unproven.since = entry.at;
    }
  }
  report.ok = report.failures.length === 0;
  return report;
}

/** The checkpoints, in order, up to the first that fails; the failure goes in the report. */
function trustedCheckpoints(
  bundle: RecordBundle,
  key: Parameters<typeof checkpointSignedBy>[1],
  report: RecordReport,
) {
  const trusted: Checkpoint[] = [];
  let previousHash = GENESIS;
  for (const { checkpoint: signed, line } of bundle.checkpoints) {
    const index = trusted.length;
    const fail = (problem: RecordProblem, why: string) => {
      report.failures.push({
        problem,
        message: `checkpoint ${index} (checkpoints.jsonl line ${line}) ${why}`,
        checkpoint: { index, line },
      });
    };
    if (!checkpointSignedBy(signed, key)) {
      fail('signature', `is not signed by the key ${report.fingerprint}: forged or altered`);
      break;
    }
    let c: Checkpoint;
    try {
      c = parseCheckpointNote(signed.note);
    } catch (error) {
      if (!(error instanceof CheckpointFormatError)) throw error;
      fail('checkpoint', `is signed but is not a checkpoint note: ${error.message}`);
      break;
    }
    const previous = trusted.at(-1);
    const why = checkpointProblem(c, previous, previousHash);
    if (why) {
      fail('checkpoint', why);
      break;
    }
    trusted.push(c);
    previousHash = checkpointHash(signed);
  }
  return trusted;
}

/** Why a signed checkpoint does not follow the one before it, or null. */
function checkpointProblem(
  c: Checkpoint,
  previous: Checkpoint | undefined,
  previousHash: string,
): string | null {
  const index = previous ? previous.index + 1 : 0;
  if (c.index !== index) return `says it is checkpoint ${c.index}: checkpoints were removed or reordered`;
  if (c.prev !== previousHash) return 'does not chain to the checkpoint before it';
  if (previous && c.origin !== previous.origin) return `is for ${c.origin}, not ${previous.origin}`;
  if (previous && c.time < previous.time) return `is dated ${c.time}, before checkpoint ${previous.index}`;
  if (c.size !== c.shards.reduce((sum, s) => sum + s.size, 0))
    return 'has a size that is not its shards’ sum';
  if (merkleRoot(c.shards.map(headLeaf)) !== c.root) return 'has a root that is not its shard heads’';
  for (const before of previous?.shards ?? []) {
    const now = c.shards.find((s) => s.shard === before.shard);
    if (!now || now.size < before.size)
      return `has shard ${before.shard} shorter than before: a record only grows`;
  }
  return null;
}

/** The first failure of one shard: against the checkpoints first (earliest), then its own chain. */
function verifyShard(shard: string, located: readonly LocatedEntry[], trusted: readonly Checkpoint[]) {
  const entries = located.map((l) => l.entry);
  const broken = verifyChain(entries);
  const verified = broken ? broken.verified : entries.length;
  const sizeAt = (c: Checkpoint) => c.shards.find((s) => s.shard === shard)?.size ?? 0;
  const intervalOf = (seq: number): Interval => {
    const j = trusted.findIndex((c) => sizeAt(c) > seq);
    if (j < 0) return { after: trusted.length > 0 ? mark(trusted.at(-1) as Checkpoint) : null, upTo: null };
    return { after: j > 0 ? mark(trusted[j - 1] as Checkpoint) : null, upTo: mark(trusted[j] as Checkpoint) };
  };
  const failure = (problem: RecordProblem, seq: number, what: string, position?: number): RecordFailure => {
    const interval = intervalOf(seq);
    const line = position === undefined ? undefined : located[position]?.line;
    const where = line === undefined ? '' : ` (entries.jsonl line ${line})`;
    return {
      problem,
      message: `shard ${shard}: ${what}${where}; ${describeInterval(interval)}`,
      entry: { shard, seq, ...(line === undefined ? {} : { line }) },
      interval,
    };
  };

  let matched = 0; // entries of this shard that the checkpoints so far have vouched for
  for (const c of trusted) {
    const size = sizeAt(c);
    if (size === matched || size > verified) continue;
    const head = c.shards.find((s) => s.shard === shard)?.head;
    if (entries[size - 1]?.hash !== head) {
      return failure(
        'rewritten',
        matched,
        `seq ${matched} to ${size - 1} are not what checkpoint ${c.index} signed: rewritten and re-hashed from seq ${matched} on at the latest`,
        matched,
      );
    }
    matched = size;
  }
  if (broken) return failure(broken.problem, broken.seq, broken.detail, broken.position);
  const covered = Math.max(0, ...trusted.map(sizeAt));
  if (entries.length < covered) {
    const what =
      entries.length === 0
        ? `all ${covered} entries that checkpoints signed are missing: removed`
        : `the shard ends at seq ${entries.length - 1} but checkpoints signed ${covered} entries: seq ${entries.length} to ${covered - 1} removed`;
    return failure('removed', entries.length, what);
  }
  return null;
}
