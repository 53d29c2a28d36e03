/**
 * Signs a checkpoint over the record's shard heads (docs/record.md): every few minutes (the programme's
 * `record.checkpointMinutes`) and a minute after each room closes, so that the room's last events, which
 * reach the record through the stream, are covered.
 *
 * The checkpoint is claimed in the table first (one signer wins each index, so checkpoints never fork),
 * then written to the checkpoint store, which nobody can change (S3 Object Lock in AWS). A run that
 * stopped between the two is repaired by the next: it writes the last claimed checkpoint again (the
 * store takes the same checkpoint twice as once).
 */

import { joinWindowOf } from '#domain/programme.ts';
import {
  checkpointNote,
  nextCheckpoint,
  parseCheckpointNote,
  type SignedCheckpoint,
} from '#domain/record.ts';
import type { Clock } from '#ports/clock.ts';
import type { CheckpointLog, CheckpointSigner, CheckpointStore, RecordChains } from '#ports/record.ts';
import type { ProgrammeRepository } from '#ports/repositories.ts';

export interface CheckpointDeps {
  eventId: string;
  clock: Clock;
  chains: RecordChains;
  checkpoints: CheckpointLog;
  store: CheckpointStore;
  signer: CheckpointSigner;
}

export type CheckpointOutcome =
  | { outcome: 'signed'; index: number; size: number; root: string; time: string }
  /** Nothing was appended since the last checkpoint: there is nothing new to sign. */
  | { outcome: 'unchanged'; index: number | null }
  /** Another run signed this index first. */
  | { outcome: 'lost-race'; index: number };

export const recordOrigin = (eventId: string) => `floorpass/${eventId}`;

/**
 * Signs a checkpoint over the heads now. `latest` is the last claimed checkpoint when the caller has
 * just read it (the scheduled run), so it is not read twice.
 */
export async function writeCheckpoint(
  deps: CheckpointDeps,
  latest?: SignedCheckpoint | null,
): Promise<CheckpointOutcome> {
  const previous = latest === undefined ? await deps.checkpoints.latest() : latest;
  const before = previous ? parseCheckpointNote(previous.note) : null;
  if (previous && before) await deps.store.put(before.index, previous);

  const shards = await deps.chains.heads();
  if (shards.length === 0) return { outcome: 'unchanged', index: null };
  // A checkpoint's time never goes back, even if this instance's clock is a little behind the last one's.
  const now = deps.clock.now().toISOString();
  const time = before && before.time > now ? before.time : now;
  const checkpoint = nextCheckpoint(previous, { origin: recordOrigin(deps.eventId), time, shards });
  if (before && before.size === checkpoint.size && before.root === checkpoint.root) {
    return { outcome: 'unchanged', index: before.index };
  }
  const note = checkpointNote(checkpoint);
  const signed: SignedCheckpoint = {
    note,
    signature: await deps.signer.sign(new TextEncoder().encode(note)),
  };
  if (!(await deps.checkpoints.claim(checkpoint.index, signed))) {
    return { outcome: 'lost-race', index: checkpoint.index };
  }
  await deps.store.put(checkpoint.index, signed);
  return {
    outcome: 'signed',
    index: checkpoint.index,
    size: checkpoint.size,
    root: checkpoint.root,
    time: checkpoint.time,
  };
}

/** How long after a room closes its checkpoint is signed: the close's own events come through the stream. */
export const ROOM_CLOSE_SETTLE_MS = 60_000;

/**
 * Whether a checkpoint is due at `now`: none yet; or `intervalMinutes` since the last; or a room closed
 * (plus the settling minute) since the last. Pure: the scheduled run asks every minute.
 */
export function checkpointDue(
  last: string | null,
  now: Date,
  intervalMinutes: number,
  roomCloses: readonly Date[],
): boolean {
  if (!last) return true;
  const lastMs = Date.parse(last);
  const nowMs = now.getTime();
  if (nowMs - lastMs >= intervalMinutes * 60_000) return true;
  return roomCloses.some((close) => {
    const due = close.getTime() + ROOM_CLOSE_SETTLE_MS;
    return due > lastMs && due <= nowMs;
  });
}

/** The scheduled run: signs a checkpoint when one is due (checkpointDue), else does nothing. */
export async function signDueCheckpoint(
  deps: CheckpointDeps & { programme: ProgrammeRepository; intervalMinutes: number },
): Promise<CheckpointOutcome> {
  const [latest, programme] = await Promise.all([deps.checkpoints.latest(), deps.programme.get()]);
  const last = latest ? parseCheckpointNote(latest.note) : null;
  const closes = (programme?.sessions ?? []).map((s) => joinWindowOf(s).closesAt);
  if (!checkpointDue(last?.time ?? null, deps.clock.now(), deps.intervalMinutes, closes)) {
    return { outcome: 'unchanged', index: last?.index ?? null };
  }
  return writeCheckpoint(deps, latest);
}
