/**
 * How a room's online participants are spread over Chime meetings. A meeting holds at most 250 attendee
 * records (not raisable; records count until deleted), so a room is a primary meeting — where the panel
 * (everyone who may speak or moderate) sits and where the floor is heard — plus replica meetings that
 * carry the rest of the audience. This module is the one place that rule is written.
 */
export const CHIME_ATTENDEES_PER_MEETING = 250;

/**
 * Records of the primary that the audience never takes: kept for the panel registered late, for role
 * changes and for the floor holder's promotion from a replica.
 */
export const PRIMARY_PANEL_RESERVE = 10;
/** Records of the primary that even the panel leaves free: the floor holder's promotion. */
export const PRIMARY_PROMOTION_RESERVE = 2;

/** Who is being placed: the panel (may speak), the audience, or a floor holder promoted to the primary. */
export type Seating = 'panel' | 'audience' | 'promotion';
export type MeetingKind = 'primary' | 'replica';

/** How many records a meeting may hold once `seating` has been placed in it (0: never there). */
export function meetingLimit(kind: MeetingKind, seating: Seating): number {
  if (kind === 'replica') return seating === 'audience' ? CHIME_ATTENDEES_PER_MEETING : 0;
  if (seating === 'audience') return CHIME_ATTENDEES_PER_MEETING - PRIMARY_PANEL_RESERVE;
  if (seating === 'panel') return CHIME_ATTENDEES_PER_MEETING - PRIMARY_PROMOTION_RESERVE;
  return CHIME_ATTENDEES_PER_MEETING;
}

/** The panel sits in the primary, and so does a Moderator even in a room where their role may not speak. */
export function seatingOf(decision: { maySpeak: boolean }, role: string): Seating {
  return decision.maySpeak || role === 'Moderator' ? 'panel' : 'audience';
}

/** The meetings `seating` may go to, in the order they are filled (primary first, then replicas). */
export function candidateMeetings<M>(seating: Seating, primary: M, replicas: readonly M[]): M[] {
  return seating === 'audience' ? [primary, ...replicas] : [primary];
}

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
 * Places participants by the limits above: the panel in the primary, the audience in the primary up
 * to its reserve, then replica by replica up to Chime's 250. Pure; ids keep their given order.
 */
export function allocate(
  panel: readonly string[],
  audience: readonly string[],
  load: MeetingLoad,
  maxReplicas: number,
): Allocation {
  const out: Allocation = { primary: [], replicas: [], unplaced: [] };
  let primaryLoad = load.primary;
  for (const id of panel) {
    if (primaryLoad < meetingLimit('primary', 'panel')) {
      out.primary.push(id);
      primaryLoad++;
    } else out.unplaced.push(id);
  }
  const replicaFree = Array.from({ length: maxReplicas }, (_, i) =>
    Math.max(0, meetingLimit('replica', 'audience') - (load.replicas[i] ?? 0)),
  );
  let r = 0;
  for (const id of audience) {
    if (primaryLoad < meetingLimit('primary', 'audience')) {
      out.primary.push(id);
      primaryLoad++;
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
export const replicasNeeded = (n: number) =>
  Math.max(0, Math.ceil((n - meetingLimit('primary', 'audience')) / meetingLimit('replica', 'audience')));

/** The online participants a room can take with `maxReplicas` replicas (audience and panel together). */
export const roomCapacity = (maxReplicas: number) =>
  meetingLimit('primary', 'audience') + maxReplicas * meetingLimit('replica', 'audience');
