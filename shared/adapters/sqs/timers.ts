import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '#ports/clock.ts';
import type { Timer, Timers } from '#ports/timers.ts';

/** SQS holds a message back for at most 15 minutes: a later timer is sent again when it surfaces. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Timers as SQS messages held back with DelaySeconds, the timer queue's consumer (fire-timers) firing
 * them. EventBridge Scheduler is precise to the minute only; a delayed message surfaces within about a
 * second. The delay is rounded down, so a message surfaces at most a second early and the consumer waits
 * out the rest (it would be late otherwise); one more than 15 minutes away is chained.
 */
export function createSqsTimers(client: SQSClient, queueUrl: string, clock: Clock): Timers {
  return {
    async schedule(timer: Timer) {
      const delayMs = Date.parse(timer.at) - clock.now().getTime();
      const DelaySeconds = Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.floor(delayMs / 1000)));
      await client.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(timer), DelaySeconds }),
      );
    },
  };
}
