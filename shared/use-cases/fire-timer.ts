/**
 * A timer came due (an SQS message in AWS, the local clock locally): the floor's warning, deadline,
 * grace or a cut to retry, or a room's close. Each check that it still applies, so a timer that fires
 * twice or after the state moved on does nothing.
 */
import { z } from 'zod';
import type { Timer } from '#ports/timers.ts';
import { type CloseRoomDeps, closeDueRooms } from './close-room.ts';
import { type FloorDeps, floorTimerFired } from './floor.ts';

const instant = z.iso.datetime({ offset: true });
export const timerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.enum(['floor.warn', 'floor.deadline', 'floor.grace', 'floor.cut']),
    roomId: z.string().min(1).max(64),
    at: instant,
    requestId: z.string().min(1).max(64),
    deadline: instant.optional(),
    droppedAt: instant.optional(),
  }),
  z.strictObject({ kind: z.literal('room.close'), roomId: z.string().min(1).max(64), at: instant }),
]);

/** How long before its instant a timer may surface and be waited out (SQS delays are whole seconds). */
export const EARLY_WAIT_LIMIT_MS = 2_000;

export type TimerDisposition = { fired: true; latenessMs: number } | { fired: false; waitMs: number };

/** Whether a timer is due now, may be waited out here, or must go back to the queue. */
export function dispositionOf(timer: Timer, nowMs: number): TimerDisposition {
  const early = Date.parse(timer.at) - nowMs;
  if (early > EARLY_WAIT_LIMIT_MS) return { fired: false, waitMs: early };
  return { fired: true, latenessMs: -early };
}

export async function fireTimer(deps: FloorDeps & CloseRoomDeps, timer: Timer) {
  if (timer.kind === 'room.close') return closeDueRooms(deps);
  return floorTimerFired(deps, timer);
}
