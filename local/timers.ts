/**
 * The timer queue of the dev stack, on the local clock: timers wait in memory (they do not survive a
 * restart of `npm start`, unlike SQS messages) and are handed to the same fire-timers function, as an
 * SQS batch of one, once the local clock passes their instant: on `POST /_local/clock`, and every 100 ms
 * as the clock runs. Lateness is measured on the local clock.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Clock } from '#ports/clock.ts';
import type { Timer, Timers } from '#ports/timers.ts';

export interface LocalTimers extends Timers {
  /** Fires every timer due on the local clock now (in instant order); resolves when they are done. */
  fireDue(): Promise<number>;
  pending(): Timer[];
  /** How late each fired timer was, in ms of the local clock. */
  lateness(): number[];
}

export function createLocalTimers(
  clock: Clock,
  fire: (event: SQSEvent) => Promise<SQSBatchResponse>,
): LocalTimers {
  let queue: Timer[] = [];
  const late: number[] = [];
  let running: Promise<number> = Promise.resolve(0);
  let seq = 0;
  const fireDue = () => {
    running = running.then(async () => {
      let fired = 0;
      for (;;) {
        const now = clock.now().getTime();
        const due = queue
          .filter((t) => Date.parse(t.at) <= now)
          .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
        if (due.length === 0) return fired;
        const timer = due[0] as Timer;
        queue = queue.filter((t) => t !== timer);
        late.push(now - Date.parse(timer.at));
        const messageId = `local-timer-${++seq}`;
        const out = await fire({
          Records: [{ messageId, body: JSON.stringify(timer) } as SQSEvent['Records'][number]],
        }).catch(() => ({ batchItemFailures: [{ itemIdentifier: messageId }] }));
        // A failed timer comes back a second later, as SQS makes a message visible again.
        if (out.batchItemFailures.length > 0) {
          queue.push({ ...timer, at: new Date(now + 1000).toISOString() });
        }
        fired++;
      }
    });
    return running;
  };
  return {
    async schedule(timer) {
      queue.push(timer);
    },
    fireDue,
    pending: () => [...queue],
    lateness: () => [...late],
  };
}
