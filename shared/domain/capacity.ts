/**
 * How a room's online audience is spread over Chime meetings: a meeting holds at most 250 attendee
 * records (not raisable, and records count until deleted), so a room is a primary meeting — where
 * everyone who may speak or moderate sits — plus replica meetings for the rest of the audience.
 */
export const CHIME_ATTENDEES_PER_MEETING = 250;
/** Records kept free in every meeting for late registrants, role changes and reconnecting devices. */
export const MEETING_HEADROOM = 10;
export const MEETING_CAPACITY = CHIME_ATTENDEES_PER_MEETING - MEETING_HEADROOM;

export interface MeetingLoad {
  /** Attendee records in the primary meeting, then in each existing replica, in order. */
  primary: number;
  replicas: number[];
}

export interface Allocation {
  primary: string[];
  /** Per replica index (existing first, then new ones): who goes there. */
  replicas: string[][];
  /** Those for whom no meeting has room, even with every replica the account allows. */
  unplaced: string[];
}

/**
 * Places participants: speakers always in the primary (its capacity permitting), the audience in the
 * primary while it has room, then replica by replica. Pure; ids keep their given order.
 */
export function allocate(
  speakers: readonly string[],
  audience: readonly string[],
  load: MeetingLoad,
  maxReplicas: number,
  capacity = MEETING_CAPACITY,
): Allocation {
  const out: Allocation = { primary: [], replicas: [], unplaced: [] };
  let primaryFree = Math.max(0, capacity - load.primary);
  for (const id of speakers) {
    if (primaryFree > 0) {
      out.primary.push(id);
      primaryFree--;
    } else out.unplaced.push(id);
  }
  const replicaFree = Array.from({ length: maxReplicas }, (_, i) =>
    Math.max(0, capacity - (load.replicas[i] ?? 0)),
  );
  let r = 0;
  for (const id of audience) {
    if (primaryFree > 0) {
      out.primary.push(id);
      primaryFree--;
      continue;
    }
    while (r < maxReplicas && (replicaFree[r] ?? 0) === 0) r++;
    if (r >= maxReplicas) {
      out.unplaced.push(id);
      continue;
    }
    const replica = out.replicas[r] ?? [];
    replica.push(id);
    out.replicas[r] = replica;
    replicaFree[r] = (replicaFree[r] ?? 0) - 1;
  }
  for (let i = 0; i < out.replicas.length; i++) out.replicas[i] ??= [];
  return out;
}

/** Replicas needed for an audience of `n` beyond what the primary holds. */
export const replicasNeeded = (n: number, capacity = MEETING_CAPACITY) =>
  Math.max(0, Math.ceil(n / capacity) - 1);
