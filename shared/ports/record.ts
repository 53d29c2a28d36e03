import type { JsonValue, RecordEntry, RecordKind, ShardHead, SignedCheckpoint } from '#domain/record.ts';
import type {
  AuditLog,
  DelegationRepository,
  FloorRepository,
  LedgerRepository,
  ParticipantRepository,
  ProgrammeRepository,
} from './repositories.ts';

/**
 * The verifiable record (docs/record.md): per-shard hash chains built from the table's stream, and
 * signed checkpoints over the shards' heads.
 */

/** An entry to append, with the id of the change it records (a stream record's eventID): appended once. */
export interface PendingEntry {
  source: string;
  shard: string;
  kind: RecordKind;
  at: string;
  body: JsonValue;
}

export type AppendOutcome =
  | { outcome: 'appended' }
  /** Another writer moved the head first: nothing was written; read the head again and retry. */
  | { outcome: 'head-moved' }
  /** These sources are on record already (a redelivered batch): nothing was written; drop them and retry. */
  | { outcome: 'duplicates'; sources: string[] };

/** The shards' chains as stored: entries, heads, and which changes are on record. */
export interface RecordChains {
  /** The shard's last entry, or null when it has none (strongly consistent). */
  head(shard: string): Promise<RecordEntry | null>;
  /**
   * Writes `entries` (already chained on `expectedHead`, in order, at most `maxAppend` of them) in one
   * atomic write, on the condition that the head is still `expectedHead` and that no entry's source is
   * on record yet.
   */
  append(
    shard: string,
    entries: readonly { entry: RecordEntry; source: string }[],
    expectedHead: RecordEntry | null,
  ): Promise<AppendOutcome>;
  /** The most entries one `append` takes. */
  readonly maxAppend: number;
  /** Every shard's size and head hash now. */
  heads(): Promise<ShardHead[]>;
  /** A shard's entries in `seq` order, from `fromSeq` on. */
  entries(shard: string, fromSeq?: number): Promise<RecordEntry[]>;
}

/** Signs checkpoint notes: an asymmetric KMS key (ECC_NIST_P256) in AWS, the dev stack's key locally. */
export interface CheckpointSigner {
  /** ECDSA P-256 over SHA-256 of `message`, DER, base64 (what KMS Sign returns for ECDSA_SHA_256). */
  sign(message: Uint8Array): Promise<string>;
  /** The public key, SubjectPublicKeyInfo PEM. */
  publicKeyPem(): Promise<string>;
}

/**
 * Where signed checkpoints are kept so that nobody can change them: S3 with Object Lock (compliance
 * mode) in AWS; write-once files locally (not immutable: anyone with the disk can change them).
 */
export interface CheckpointStore {
  /** Writes checkpoint `index` once; writing the same index again with the same note is a no-op. */
  put(index: number, checkpoint: SignedCheckpoint): Promise<void>;
  /** Every stored checkpoint, oldest first. */
  list(): Promise<SignedCheckpoint[]>;
}

/** The index of signed checkpoints in the table: one writer wins each index. */
export interface CheckpointLog {
  latest(): Promise<SignedCheckpoint | null>;
  /** Stores checkpoint `index` unless one is stored there already; false when another signer came first. */
  claim(index: number, checkpoint: SignedCheckpoint): Promise<boolean>;
}

/** Where a record export is put for its download: S3 with a short-lived presigned URL; a local file. */
export interface ExportStore {
  put(name: string, bytes: Uint8Array, contentType: string): Promise<{ url: string; expiresAt: string }>;
}

/**
 * The event's tables as a record's entries leave them, read through the ports the reports take: what
 * the reports read is on record (the ledger, the audit trail, the floor's log, the registry and the
 * programme), and nothing else is there.
 */
export interface ReplayedTables {
  programme: ProgrammeRepository;
  ledger: LedgerRepository;
  participants: ParticipantRepository;
  delegations: DelegationRepository;
  audit: AuditLog;
  floors: FloorRepository;
  /** Entries whose body is no change of the table (so no item of it): left out of the replay. */
  unreplayed: readonly { shard: string; seq: number }[];
}

/** Replays a record's entries (every shard in `seq` order) into tables held in memory. */
export type RecordReplayer = (entries: readonly RecordEntry[]) => Promise<ReplayedTables>;
