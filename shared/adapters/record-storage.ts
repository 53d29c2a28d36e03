import type { SignedCheckpoint } from '#domain/record.ts';

/**
 * How the record's checkpoints and exports are laid out in storage, shared by the S3 adapters
 * (shared/adapters/s3/), the local files of `npm start` (local/record-files.ts) and the CDK construct's
 * grants, so that all keep the same names, the same body and the same write-once rule. No AWS import.
 */

/**
 * The folders (S3 key prefixes) of checkpoints and exports. The CDK construct grants on these prefixes
 * (infra/constructs/record.ts) and the stores write under them: one definition, so that a renamed folder
 * cannot leave a function with a grant on the old one.
 */
export const recordFolders = { checkpoints: 'checkpoints/', exports: 'exports/' } as const;

/** Checkpoint `index` is stored already, with another note: the record has forked, or been tampered with. */
export class CheckpointConflictError extends Error {
  readonly code = 'CHECKPOINT_CONFLICT';
  override readonly name = 'CheckpointConflictError';
  constructor(readonly index: number) {
    super(`checkpoint ${index} is stored already with a different note: it is not overwritten`);
  }
}

/** `0000000042.json`: zero-padded, so that listing order (S3 keys, file names) is the checkpoints' order. */
export function checkpointFileName(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index > 9_999_999_999) {
    throw new RangeError(`not a checkpoint index: ${index}`);
  }
  return `${String(index).padStart(10, '0')}.json`;
}

/** A name `checkpointFileName` writes. */
export const checkpointFilePattern = /^\d{10}\.json$/;

/** The stored body: `{"note", "signature"}`, the line `checkpoints.jsonl` holds in a bundle. */
export const storedCheckpoint = ({ note, signature }: SignedCheckpoint) =>
  JSON.stringify({ note, signature });

/** Reads a stored checkpoint's body back, or says where and why it is not one. */
export function parseStoredCheckpoint(text: string, where: string): SignedCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where}: not JSON`);
  }
  const { note, signature } = (value ?? {}) as Record<string, unknown>;
  if (typeof note !== 'string' || typeof signature !== 'string') {
    throw new Error(`${where}: not a signed checkpoint ({note, signature})`);
  }
  return { note, signature };
}

/**
 * Whether a checkpoint found stored is the one being written: the same note. Not the same signature:
 * ECDSA signatures are randomised, so a retry that signed the same note again carries another, equally
 * valid, signature. The stored one stands.
 */
export const sameCheckpoint = (stored: SignedCheckpoint, given: SignedCheckpoint) =>
  stored.note === given.note;

/**
 * An export's name: letters, digits, `.`, `_` and `-`, not starting with a dot (1–200). It becomes a key
 * or a file name and the download's `filename="…"`, so nothing that escapes a directory or a header.
 */
export function checkExportName(name: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/.test(name)) {
    throw new Error(`not an export name (letters, digits and ._- only, not starting with a dot): ${name}`);
  }
  return name;
}
