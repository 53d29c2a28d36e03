import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendEntry,
  type JsonValue,
  keyFingerprint,
  nextCheckpoint,
  type RecordEntry,
  type RecordKind,
  type SignedCheckpoint,
  signCheckpoint,
} from '#domain/record.ts';

export interface RecordFixture {
  origin: string;
  entries: RecordEntry[];
  checkpoints: SignedCheckpoint[];
  publicKeyPem: string;
  fingerprint: string;
  privateKey: KeyObject;
}

/** A P-256 key pair, the curve of the KMS key (ECC_NIST_P256) that signs in AWS. */
export function createSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
  };
}

const shardKinds: Record<string, RecordKind> = {
  'ledger.session-1': 'ledger',
  'audit.0': 'audit',
  'floor.session-1': 'floor',
  registry: 'registry',
  programme: 'programme',
};

function bodyFor(kind: RecordKind, n: number): JsonValue {
  switch (kind) {
    case 'ledger':
      return { type: 'check-in', participantId: `p-${n}`, sessionId: 'session-1', delegation: 'FRA' };
    case 'audit':
      return {
        action: 'join',
        outcome: n % 3 === 0 ? 'deny' : 'allow',
        code: n % 3 === 0 ? 'SESSION_RESTRICTED' : null,
      };
    case 'floor':
      return { type: 'granted', sessionId: 'session-1', delegation: 'BRA', limitSeconds: 180 };
    default:
      return { change: 'updated', version: n, note: 'Déclaration – €' };
  }
}

/**
 * A record as the export will give it: `rounds` rounds of one entry per shard (time advancing a minute a
 * round), a signed checkpoint after every `checkpointEvery` rounds, and `tail` rounds after the last
 * checkpoint that no signature covers yet.
 */
export function buildRecord({
  origin = 'floorpass/hlc-2021',
  shards = ['audit.0', 'floor.session-1', 'ledger.session-1'],
  rounds = 12,
  checkpointEvery = 4,
  tail = 2,
  key = createSigningKey(),
}: {
  origin?: string;
  shards?: string[];
  rounds?: number;
  checkpointEvery?: number;
  tail?: number;
  key?: ReturnType<typeof createSigningKey>;
} = {}): RecordFixture {
  const start = Date.parse('2021-06-28T14:00:00Z');
  const heads = new Map<string, RecordEntry>();
  const entries: RecordEntry[] = [];
  const checkpoints: SignedCheckpoint[] = [];
  for (let round = 0; round < rounds + tail; round++) {
    const at = new Date(start + round * 60_000).toISOString();
    for (const shard of shards) {
      const kind = shardKinds[shard] ?? 'audit';
      const entry = appendEntry(heads.get(shard) ?? null, { shard, kind, at, body: bodyFor(kind, round) });
      heads.set(shard, entry);
      entries.push(entry);
    }
    if (round < rounds && (round + 1) % checkpointEvery === 0) {
      const checkpoint = nextCheckpoint(checkpoints.at(-1) ?? null, {
        origin,
        time: new Date(start + round * 60_000 + 30_000).toISOString(),
        shards: [...heads.values()].map((h) => ({ shard: h.shard, size: h.seq + 1, head: h.hash })),
      });
      checkpoints.push(signCheckpoint(checkpoint, key.privateKey));
    }
  }
  return { origin, entries, checkpoints, ...key };
}

/** Writes a bundle directory (entries.jsonl, checkpoints.jsonl, public-key.pem); returns its path. */
export function writeBundle(
  bundle: Pick<RecordFixture, 'entries' | 'checkpoints' | 'publicKeyPem'>,
  dir = mkdtempSync(join(tmpdir(), 'floorpass-record-')),
): string {
  mkdirSync(dir, { recursive: true });
  const lines = (items: readonly unknown[]) => items.map((item) => `${JSON.stringify(item)}\n`).join('');
  writeFileSync(join(dir, 'entries.jsonl'), lines(bundle.entries));
  writeFileSync(join(dir, 'checkpoints.jsonl'), lines(bundle.checkpoints));
  writeFileSync(join(dir, 'public-key.pem'), bundle.publicKeyPem);
  return dir;
}
