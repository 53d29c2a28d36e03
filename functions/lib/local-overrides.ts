import type { Clock } from '#ports/clock.ts';

/**
 * Set only by the local stack (local/), before it imports a function: the adjustable local clock.
 * In AWS nothing sets it and the functions use the system clock.
 */
export const localOverrides: { clock?: Clock } = {};
