import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '#observability/logger.ts';
import { metrics, recordTimerLateness } from '#observability/metrics.ts';
import { dispositionOf, fireTimer, timerSchema } from '#use-cases/fire-timer.ts';
import { closeRoomFloor } from '#use-cases/floor.ts';
import { auditDeps, createRuntime, floorDeps, type RuntimeOverrides } from './lib/runtime.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The timer queue's consumer: each message is a timer (the floor's warning, deadline, grace, a cut to
 * retry; a room's close). One surfacing early (SQS delays are whole seconds, at most 15 minutes) is
 * waited out when it is due within 2 s, else sent back for the rest. Its lateness is a metric (an alarm
 * watches it). A timer that fails is retried by SQS (partial batch response); a malformed one is dropped
 * with a log line, since it can never succeed.
 */
export function createFireTimers(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const floor = floorDeps(r);
  const deps = {
    ...floor,
    ...auditDeps(r),
    closeFloor: (roomId: string) => closeRoomFloor(floor, roomId),
  };
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    const timers = event.Records.map((record) => ({
      record,
      parsed: timerSchema.safeParse(safeJson(record.body)),
    }));
    for (const { record, parsed } of timers) {
      if (!parsed.success) {
        logger.error('malformed timer dropped', { messageId: record.messageId });
        continue;
      }
      const timer = parsed.data;
      try {
        let disposition = dispositionOf(timer, r.clock.now().getTime());
        if (!disposition.fired) {
          await deps.timers.schedule(timer);
          continue;
        }
        if (disposition.latenessMs < 0) {
          await sleep(-disposition.latenessMs);
          disposition = dispositionOf(timer, r.clock.now().getTime());
        }
        if (disposition.fired) recordTimerLateness(disposition.latenessMs);
        await fireTimer(deps, timer);
      } catch (error) {
        logger.warn('timer failed; SQS retries it', {
          kind: timer.kind,
          roomId: timer.roomId,
          error: error as Error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(createFireTimers());
