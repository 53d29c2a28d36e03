import type { Clock } from '#ports/clock.ts';

/** The local clock: set to an instant, it runs on from there in real time. */
export interface AdjustableClock extends Clock {
  set(instant: Date): void;
}

export function createAdjustableClock(start: Date): AdjustableClock {
  let offset = start.getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    set(instant) {
      offset = instant.getTime() - Date.now();
    },
  };
}

/** By default the local clock sits inside Session I of the sample event (New York, 28 June 2021). */
export const DEFAULT_LOCAL_CLOCK = '2021-06-28T11:30:00-04:00';
