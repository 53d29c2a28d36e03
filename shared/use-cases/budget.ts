import { MeetingUnavailableError } from '#domain/errors.ts';

/**
 * A request's time budget, on the wall clock (not the event's clock): past its deadline the caller has
 * been answered `503 MEETING_UNAVAILABLE`, so nothing more may be created, stored or audited for it.
 */
export interface Budget {
  readonly deadline: number;
  expired(): boolean;
  /** Throws MeetingUnavailableError once the deadline has passed. */
  check(): void;
  remainingMs(): number;
}

export function budgetUntil(deadline: number, now: () => number = Date.now): Budget {
  return {
    deadline,
    expired: () => now() >= deadline,
    check() {
      if (now() >= deadline) throw new MeetingUnavailableError();
    },
    remainingMs: () => Math.max(0, deadline - now()),
  };
}

export const unlimitedBudget: Budget = budgetUntil(Number.POSITIVE_INFINITY);

/**
 * The work's result, or MeetingUnavailableError at the deadline. The work goes on in the background;
 * it must check the budget before each side effect (the guarded provider below does so for Chime).
 */
export function within<T>(budget: Budget, work: Promise<T>): Promise<T> {
  if (!Number.isFinite(budget.deadline)) return work;
  // Whatever the work does after we gave up on it is not an unhandled rejection.
  work.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MeetingUnavailableError()), budget.remainingMs());
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
