/**
 * The record an auditor verifies offline (issue 11): hash-chained entries per shard, signed checkpoints
 * over the shards' heads, and the verification of both. Pure TypeScript on `node:crypto`, nothing else,
 * so that the same file runs in a Lambda, in `npm run verify` and in the one-file verifier an auditor
 * runs with plain Node. The format is described in docs/record.md.
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

// ---------------------------------------------------------------------------------------------------
// Canonical serialisation: RFC 8785, the JSON Canonicalization Scheme (JCS)
// ---------------------------------------------------------------------------------------------------

/** A JSON value JCS can serialise: I-JSON (finite numbers, well-formed strings, plain objects). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A value that has no canonical form: the path inside it (`$.body.x`) and why. */
export class NotCanonicalError extends Error {
  readonly code = 'NOT_CANONICAL';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'NotCanonicalError';
  }
}

/** A lone surrogate: not a Unicode string, so I-JSON (and JCS) refuse it. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The RFC 8785 canonical form of a JSON value: object members sorted by the UTF-16 code units of their
 * names (the default `Array.prototype.sort` order), no whitespace, numbers as ECMAScript's
 * `Number.prototype.toString` writes them and strings escaped as `JSON.stringify` escapes them (JCS
 * §3.2.2 names exactly these two ECMAScript operations). Refuses, rather than silently drops or coerces,
 * what JSON.stringify would: `undefined`, non-finite numbers, bigints, functions, symbols, class
 * instances (Date, Map, …), sparse arrays, lone surrogates and cycles.
 */
export function canonicalize(value: unknown): string {
  return serialize(value, '$', []);
}

function serialize(value: unknown, path: string, ancestors: object[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // JSON.stringify(n) is Number::toString(n) for finite n, and writes -0 as 0, as JCS wants.
      if (!Number.isFinite(value)) throw new NotCanonicalError(path, `${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      if (loneSurrogate.test(value)) throw new NotCanonicalError(path, 'a lone surrogate is not Unicode');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new NotCanonicalError(path, `a ${typeof value} is not a JSON value`);
  }
  if (ancestors.includes(value)) throw new NotCanonicalError(path, 'a cycle has no JSON form');
  const inside = [...ancestors, value];
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new NotCanonicalError(`${path}[${i}]`, 'a hole in an array is not JSON');
      items.push(serialize(value[i], `${path}[${i}]`, inside));
    }
    return `[${items.join(',')}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new NotCanonicalError(path, `a ${prototype?.constructor?.name ?? 'non-plain'} object is not JSON`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new NotCanonicalError(path, 'a symbol key is not JSON');
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .map((key) => `${serialize(key, path, inside)}:${serialize(record[key], `${path}.${key}`, inside)}`);
  return `{${members.join(',')}}`;
}

/** SHA-256, hex, of a string's UTF-8 bytes or of raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------------------------------------------
// Entries: one hash chain per shard
// ---------------------------------------------------------------------------------------------------

export const recordKinds = ['ledger', 'audit', 'floor', 'registry', 'programme'] as const;
export type RecordKind = (typeof recordKinds)[number];

/** The `prev` of a shard's first entry (seq 0): 64 zeros, a value no SHA-256 output is expected to take. */
export const GENESIS = '0'.repeat(64);

/** Shard names travel on checkpoint lines, so they are one word: letters, digits and `._:#/-`. */
const shardName = /^[A-Za-z0-9._:#/-]{1,128}$/;
const hexHash = /^[0-9a-f]{64}$/;

/**
 * One entry of the record. `hash` is SHA-256 (hex) of the JCS form of the other six fields, and `prev`
 * is the `hash` of the entry before it in the same shard (GENESIS for seq 0), so a change to any entry
 * breaks every link after it.
 */
export interface RecordEntry {
  /** Position in its shard: 0, 1, 2, … with no gap. */
  seq: number;
  shard: string;
  kind: RecordKind;
  /** When it happened, ISO 8601 UTC. */
  at: string;
  body: JsonValue;
  prev: string;
  hash: string;
}

export type UnhashedEntry = Omit<RecordEntry, 'hash'>;

/** The hash an entry must carry: SHA-256 of JCS({seq, shard, kind, at, body, prev}). */
export function entryHash({ seq, shard, kind, at, body, prev }: UnhashedEntry): string {
  return sha256Hex(canonicalize({ seq, shard, kind, at, body, prev }));
}

/**
 * The entry that follows `head` in its shard (or starts the shard when `head` is null). Pure: the caller
 * writes it, conditionally on `head` still being the head, so that two writers never fork the chain.
 */
export function appendEntry(
  head: RecordEntry | null,
  next: { shard: string; kind: RecordKind; at: string; body: JsonValue },
): RecordEntry {
  if (!shardName.test(next.shard)) throw new NotCanonicalError('$.shard', `not a shard name: ${next.shard}`);
  if (!recordKinds.includes(next.kind)) throw new NotCanonicalError('$.kind', `not a kind: ${next.kind}`);
  if (head && head.shard !== next.shard) {
    throw new NotCanonicalError('$.shard', `${next.shard} does not follow a head of shard ${head.shard}`);
  }
  const unhashed: UnhashedEntry = {
    seq: head ? head.seq + 1 : 0,
    shard: next.shard,
    kind: next.kind,
    at: next.at,
    body: next.body,
    prev: head ? head.hash : GENESIS,
  };
  return { ...unhashed, hash: entryHash(unhashed) };
}

// ---------------------------------------------------------------------------------------------------
// Checkpoints: an RFC 6962 Merkle tree over the shards' heads, in a signed note
// ---------------------------------------------------------------------------------------------------

/** Where a shard stood at a checkpoint: how many entries it had, and the hash of the last one. */
export interface ShardHead {
  shard: string;
  size: number;
  head: string;
}

/** What a checkpoint says, parsed from (and written to) its note. */
export interface Checkpoint {
  /** `floorpass/<event id>`: whose record this is. */
  origin: string;
  /** 0, 1, 2, … */
  index: number;
  /** Total entries covered: the sum of the shards' sizes. */
  size: number;
  /** MTH over the shard heads, hex. */
  root: string;
  time: string;
  /** checkpointHash of the previous checkpoint, GENESIS for the first. */
  prev: string;
  /** Sorted by shard name (UTF-16 code units). */
  shards: ShardHead[];
}

/** A checkpoint as it is stored: the exact note text that was signed, and the DER ECDSA signature. */
export interface SignedCheckpoint {
  note: string;
  /** ECDSA P-256 over SHA-256 of the note's UTF-8 bytes, DER, base64. What KMS ECDSA_SHA_256 returns. */
  signature: string;
}

const leafHash = (data: string) =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest();
const nodeHash = (left: Buffer, right: Buffer) =>
  createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();

/**
 * RFC 6962 §2.1 Merkle Tree Hash over leaf strings: SHA-256(0x00 || leaf) for a leaf,
 * SHA-256(0x01 || left || right) for a node, splitting at the largest power of two below n.
 * The empty tree's hash is SHA-256 of nothing.
 */
export function merkleRoot(leaves: readonly string[]): string {
  const mth = (from: number, to: number): Buffer => {
    const n = to - from;
    if (n === 1) return leafHash(leaves[from] as string);
    let k = 1;
    while (k * 2 < n) k *= 2;
    return nodeHash(mth(from, from + k), mth(from + k, to));
  };
  return leaves.length === 0 ? sha256Hex('') : mth(0, leaves.length).toString('hex');
}

/** A shard head's leaf: the JCS form of {shard, size, head}. */
export const headLeaf = ({ shard, size, head }: ShardHead) => canonicalize({ shard, size, head });

const byShard = (a: ShardHead, b: ShardHead) => (a.shard < b.shard ? -1 : a.shard > b.shard ? 1 : 0);

/** The checkpoint after `previous` (or the first one), over the given shard heads. */
export function nextCheckpoint(
  previous: SignedCheckpoint | null,
  { origin, time, shards }: { origin: string; time: string; shards: readonly ShardHead[] },
): Checkpoint {
  const sorted = [...shards].sort(byShard);
  return {
    origin,
    index: previous ? parseCheckpointNote(previous.note).index + 1 : 0,
    size: sorted.reduce((sum, s) => sum + s.size, 0),
    root: merkleRoot(sorted.map(headLeaf)),
    time,
    prev: previous ? checkpointHash(previous) : GENESIS,
    shards: sorted,
  };
}

/**
 * The note a checkpoint is signed as, in the spirit of C2SP tlog-checkpoint: the origin, the tree size
 * and the root hash on the first three lines, then extension lines, each ending in a newline.
 */
export function checkpointNote(c: Checkpoint): string {
  return [
    c.origin,
    String(c.size),
    c.root,
    `checkpoint ${c.index}`,
    `time ${c.time}`,
    `prev ${c.prev}`,
    ...c.shards.map((s) => `shard ${s.shard} ${s.size} ${s.head}`),
    '',
  ].join('\n');
}

/** A note that is not a checkpoint note. */
export class CheckpointFormatError extends Error {
  readonly code = 'CHECKPOINT_FORMAT';
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckpointFormatError';
  }
}

/** Reads a checkpoint note back; refuses anything checkpointNote would not have written. */
export function parseCheckpointNote(note: string): Checkpoint {
  const lines = note.split('\n');
  const fail = (why: string): never => {
    throw new CheckpointFormatError(why);
  };
  if (lines.pop() !== '') fail('the note does not end with a newline');
  const [origin = '', size = '', root = '', index = '', time = '', prev = '', ...rest] = lines;
  const field = (line: string, name: string) =>
    line.startsWith(`${name} `) ? line.slice(name.length + 1) : fail(`expected a "${name}" line`);
  const checkpoint: Checkpoint = {
    origin,
    size: Number(size),
    root,
    index: Number(field(index, 'checkpoint')),
    time: field(time, 'time'),
    prev: field(prev, 'prev'),
    shards: rest.map((line) => {
      const [shard = '', n = '', head = ''] = field(line, 'shard').split(' ');
      return { shard, size: Number(n), head };
    }),
  };
  // Round trip: the note must be exactly the one its fields write (no extra spaces, no "01", …).
  if (checkpointNote(checkpoint) !== note) fail('the note is not in its canonical form');
  if (!/^[\x21-\x7e]+$/.test(origin)) fail('the origin is not one printable word');
  if (!Number.isSafeInteger(checkpoint.index) || checkpoint.index < 0) fail('bad checkpoint number');
  if (!hexHash.test(root) || !hexHash.test(checkpoint.prev)) fail('a hash is not 64 hex digits');
  for (const s of checkpoint.shards) {
    if (!shardName.test(s.shard) || !hexHash.test(s.head) || !Number.isSafeInteger(s.size) || s.size < 1) {
      fail(`bad shard line for ${s.shard}`);
    }
  }
  return checkpoint;
}

/** What the next checkpoint's `prev` names: SHA-256 (hex) of this checkpoint's note. */
export const checkpointHash = (c: SignedCheckpoint) => sha256Hex(c.note);

/** Signs a note with a P-256 private key, as KMS Sign (ECDSA_SHA_256, RAW message) does: DER, base64. */
export function signCheckpoint(checkpoint: Checkpoint, privateKey: KeyObject): SignedCheckpoint {
  const note = checkpointNote(checkpoint);
  return { note, signature: sign('sha256', Buffer.from(note), privateKey).toString('base64') };
}

/**
 * A public key's fingerprint: SHA-256 (hex) of its SubjectPublicKeyInfo DER, the bytes KMS GetPublicKey
 * returns, so `openssl pkey -pubin -outform DER | sha256sum` gives the same value.
 */
export function keyFingerprint(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return sha256Hex(key.export({ type: 'spki', format: 'der' }));
}

// ---------------------------------------------------------------------------------------------------
// Verifying one shard's chain
// ---------------------------------------------------------------------------------------------------

/** How a shard's chain stopped matching. */
export type ChainProblem = 'changed' | 'removed' | 'inserted' | 'reordered';

/** The first place a shard's chain no longer matches, walking from seq 0. */
export interface ChainBreak {
  problem: ChainProblem;
  /** Index, in the entries given, of the first entry that no longer matches (or of the one after a gap). */
  position: number;
  /** The seq that entry should carry (for a gap: the first seq missing). */
  seq: number;
  /** How many entries, from seq 0, still chain correctly before the break. */
  verified: number;
  /** A sentence for a person. */
  detail: string;
}

/**
 * Walks one shard's entries in the order they were given and returns the first break, or null when
 * every entry carries seq = its position, the hash of its content, and the hash of the entry before it.
 * A break is named for what most likely happened: an edited entry (`changed`), a gap in seq
 * (`removed`), a seq given twice (`inserted`, naming the entry the chain does not continue from), or a
 * seq that comes later than a higher one (`reordered`). A rewrite that re-hashes and re-links every entry
 * after it leaves a valid chain: only a signed checkpoint shows it.
 */
export function verifyChain(entries: readonly RecordEntry[]): ChainBreak | null {
  const positions = new Map<number, number[]>();
  entries.forEach((e, i) => {
    positions.set(e.seq, [...(positions.get(e.seq) ?? []), i]);
  });
  let prev = GENESIS;
  for (let p = 0; p < entries.length; p++) {
    const entry = entries[p] as RecordEntry;
    const twins = positions.get(entry.seq) ?? [];
    if (twins.length > 1) {
      const next = positions.get(entry.seq + 1)?.[0];
      const successor = next === undefined ? undefined : entries[next];
      const genuine = twins.find((i) => {
        const e = entries[i] as RecordEntry;
        return entryHash(e) === e.hash && (!successor || successor.prev === e.hash);
      });
      const intruder = twins.find((i) => i !== genuine) as number;
      return {
        problem: 'inserted',
        position: intruder,
        seq: entry.seq,
        verified: Math.min(p, entry.seq),
        detail: `seq ${entry.seq} appears ${twins.length} times: an entry was inserted`,
      };
    }
    if (entry.seq !== p) {
      if (entry.seq > p && (positions.get(p)?.[0] ?? -1) > p) {
        return {
          problem: 'reordered',
          position: p,
          seq: p,
          verified: p,
          detail: `seq ${entry.seq} comes before seq ${p}: entries were reordered`,
        };
      }
      const missing = entry.seq - 1 > p ? `seq ${p} to ${entry.seq - 1}` : `seq ${p}`;
      return {
        problem: 'removed',
        position: p,
        seq: p,
        verified: p,
        detail: `${missing} missing before seq ${entry.seq}: removed`,
      };
    }
    if (entryHash(entry) !== entry.hash) {
      return {
        problem: 'changed',
        position: p,
        seq: p,
        verified: p,
        detail: `seq ${p} was changed: its content no longer matches its hash`,
      };
    }
    if (entry.prev !== prev) {
      // This entry is intact but was chained to another predecessor: the one before it was replaced by an
      // entry whose hash was recomputed (or this is the first entry and does not start from GENESIS).
      const at = Math.max(p - 1, 0);
      return {
        problem: 'changed',
        position: at,
        seq: at,
        verified: at,
        detail:
          p === 0
            ? 'seq 0 does not start from the genesis value'
            : `seq ${p - 1} was changed and re-hashed: seq ${p} was chained to a different entry`,
      };
    }
    prev = entry.hash;
  }
  return null;
}

/** An entry read from outside (a bundle line), checked field by field; a reason when it is not one. */
export function readEntry(value: unknown): RecordEntry | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  const extra = Object.keys(e).filter(
    (k) => !['seq', 'shard', 'kind', 'at', 'body', 'prev', 'hash'].includes(k),
  );
  if (extra.length > 0) return `unexpected field ${extra[0]}`;
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) return 'seq is not a whole number';
  if (typeof e.shard !== 'string' || !shardName.test(e.shard)) return 'shard is not a shard name';
  if (!recordKinds.includes(e.kind as RecordKind)) return `kind is not one of ${recordKinds.join(', ')}`;
  if (typeof e.at !== 'string') return 'at is not a string';
  if (!('body' in e)) return 'body is missing';
  if (typeof e.prev !== 'string' || !hexHash.test(e.prev)) return 'prev is not 64 hex digits';
  if (typeof e.hash !== 'string' || !hexHash.test(e.hash)) return 'hash is not 64 hex digits';
  return e as unknown as RecordEntry;
}

/** The KeyObject for a public key PEM, or why it is not a P-256 public key. */
export function readPublicKey(pem: string): KeyObject | string {
  try {
    const key = createPublicKey(pem);
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
      return `the key is ${key.asymmetricKeyType} ${curve ?? ''}, not ECDSA P-256`.replace(/ +,/, ',');
    }
    return key;
  } catch {
    return 'not a PEM public key';
  }
}

/** Whether a signed checkpoint's signature is by this key. */
export function checkpointSignedBy(checkpoint: SignedCheckpoint, key: KeyObject): boolean {
  try {
    return verify('sha256', Buffer.from(checkpoint.note), key, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}
