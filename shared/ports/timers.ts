import type { FloorTimerKind } from '#domain/floor.ts';

/**
 * Something to do at a second-precise instant: a floor's warning, its deadline, the end of a dropped
 * holder's grace, a room's close. A timer may fire more than once or after the state moved on (an early
 * end, an extension): whoever fires it checks that it still applies, so a stale timer does nothing.
 */
export type Timer =
  | {
      /** floor.cut: a cut Chime refused, tried again. */
      kind: FloorTimerKind | 'floor.cut';
      roomId: string;
      at: string;
      requestId: string;
      /** The deadline the timer was set for (warn, deadline): stale when the deadline moved. */
      deadline?: string;
      /** The drop the grace was started for: stale when the holder came back. */
      droppedAt?: string;
    }
  | { kind: 'room.close'; roomId: string; at: string };

/** Schedules timers: SQS messages with DelaySeconds in AWS (chained past 15 minutes), the local clock locally. */
export interface Timers {
  schedule(timer: Timer): Promise<void>;
}
