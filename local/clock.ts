import type { Clock } from '#ports/clock.ts';

/** The local clock: set to an instant, it runs on from there in real time — or stands still, frozen. */
export interface AdjustableClock extends Clock {
  set(instant: Date, options?: { frozen?: boolean }): void;
  readonly frozen: boolean;
}

export function createAdjustableClock(start: Date): AdjustableClock {
  let offset = start.getTime() - Date.now();
  let frozenAt: number | null = null;
  return {
    now: () => new Date(frozenAt ?? Date.now() + offset),
    set(instant, { frozen = false } = {}) {
      offset = instant.getTime() - Date.now();
      frozenAt = frozen ? instant.getTime() : null;
    },
    get frozen() {
      return frozenAt !== null;
    },
  };
}

/** By default the local clock sits inside Session I of the sample event (New York, 28 June 2021). */
export const DEFAULT_LOCAL_CLOCK = '2021-06-28T11:30:00-04:00';
