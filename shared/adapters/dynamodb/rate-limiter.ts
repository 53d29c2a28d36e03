import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MeetingUnavailableError } from '#domain/errors.ts';
import type { RateLimiter } from '#ports/meetings.ts';
import { type TableContext, wins } from './client.ts';
import { keys } from './keys.ts';

/**
 * A rate limit shared by every function instance: one counter item per operation and second, taken
 * with a conditional ADD. When this second's allowance is gone, the caller waits for the next second.
 * Chime's own limit is per Region and operation (10/s, burst 20 by default), so pacing below it means
 * no caller meets a throttle. Counters expire through the table's TTL.
 */
export function createDynamoRateLimiter(
  ctx: TableContext,
  options: { ratePerSecond: number; now?: () => number; sleep?: (ms: number) => Promise<void> },
): RateLimiter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async take(operation, deadline = Number.POSITIVE_INFINITY) {
      for (;;) {
        const t = now();
        // Past the caller's deadline its answer has gone: it must not take a turn someone else can use.
        if (t >= deadline) throw new MeetingUnavailableError();
        const second = Math.floor(t / 1000);
        const taken = await wins(
          ctx.doc.send(
            new UpdateCommand({
              TableName: ctx.tableName,
              Key: keys.rateWindow(operation, second),
              UpdateExpression: 'ADD used :one SET expiresAt = if_not_exists(expiresAt, :exp), #type = :type',
              ConditionExpression: 'attribute_not_exists(used) OR used < :rate',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: {
                ':one': 1,
                ':rate': options.ratePerSecond,
                ':exp': second + 120,
                ':type': 'rate-window',
              },
            }),
          ),
        );
        if (taken) return;
        // Spread the waiters over the next second rather than stampeding its first millisecond.
        await sleep((second + 1) * 1000 - t + Math.random() * 200);
      }
    },
  };
}
