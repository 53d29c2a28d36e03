/**
 * Organizer course: before handing the record to an auditor (docs/record.md), the secretariat looks at
 * its state: the last signed checkpoint, how many entries are chained but not yet covered by one, and
 * the key's fingerprint that the auditor will pass to `npm run verify`. Nothing is written.
 *
 * The last checkpoint is read from the table's index of checkpoints (one query), not from the
 * checkpoint store, which holds one object per checkpoint: a page shown every few seconds must not list
 * hundreds of them. The two agree but for a signer stopped between its claim and its write, which the
 * next run repairs; the export reads the store, which is what the auditor verifies. The fingerprint is
 * computed from the key's public half as `verify` computes it (in AWS, KMS GetPublicKey: the same value
 * as the stack's RecordKeyFingerprint output).
 */
import type { Identity } from '#domain/identity.ts';
import { keyFingerprint, parseCheckpointNote } from '#domain/record.ts';
import type { Clock } from '#ports/clock.ts';
import type { CheckpointLog, CheckpointSigner, RecordChains } from '#ports/record.ts';
import { requireOrganizer } from './authorize.ts';
import { recordOrigin } from './record-checkpoint.ts';

export interface RecordStatusDeps {
  eventId: string;
  clock: Clock;
  chains: Pick<RecordChains, 'heads'>;
  checkpoints: Pick<CheckpointLog, 'latest'>;
  signer: Pick<CheckpointSigner, 'publicKeyPem'>;
}

export async function recordStatus(deps: RecordStatusDeps, identity: Identity) {
  requireOrganizer(identity);
  const asOf = deps.clock.now().toISOString();
  const [latest, heads, publicKeyPem] = await Promise.all([
    deps.checkpoints.latest(),
    deps.chains.heads(),
    deps.signer.publicKeyPem(),
  ]);
  const last = latest ? parseCheckpointNote(latest.note) : null;
  const entries = heads.reduce((sum, h) => sum + h.size, 0);
  return {
    origin: recordOrigin(deps.eventId),
    asOf,
    fingerprint: keyFingerprint(publicKeyPem),
    lastCheckpoint: last
      ? { index: last.index, time: last.time, size: last.size, shards: last.shards.length }
      : null,
    entries,
    shards: heads.length,
    // The heads are read after (or with) the checkpoint and only grow: never below its size.
    unproven: Math.max(0, entries - (last?.size ?? 0)),
  };
}
