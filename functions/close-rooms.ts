import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '#observability/logger.ts';
import { metrics } from '#observability/metrics.ts';
import { closeDueRooms, type RoomClosed } from '#use-cases/close-room.ts';
import { auditDeps, createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

/** Every minute (EventBridge), and when the local clock moves: closes the rooms that are due. */
export function createCloseRooms(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = { ...auditDeps(r), programme: r.programme(), registry: r.registry(), meetings: r.meetings() };
  return async (): Promise<RoomClosed[]> => {
    const closed = await closeDueRooms(deps);
    for (const room of closed) logger.info('room closed', { ...room });
    return closed;
  };
}

export const handler = middy<unknown, RoomClosed[], Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(createCloseRooms());
