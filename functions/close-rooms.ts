import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '#observability/logger.ts';
import { metrics } from '#observability/metrics.ts';
import { roomUpkeep } from '#use-cases/close-room.ts';
import { closeRoomFloor } from '#use-cases/floor.ts';
import { auditDeps, createRuntime, floorDeps, lifecycleDeps, type RuntimeOverrides } from './lib/runtime.ts';

/** Longer than any join's budget (12 s): an attendee still unheld after it will never be stored. */
const SWEEP_GRACE_MS = 20_000;

type Upkeep = Awaited<ReturnType<typeof roomUpkeep>>;

/**
 * Every minute (EventBridge), and when the local clock moves: closes the rooms that are due, and sweeps
 * the orphans of rooms that asked for it.
 */
export function createCloseRooms(overrides: RuntimeOverrides & { sweepGraceMs?: number } = {}) {
  const r = createRuntime(overrides);
  const deps = {
    ...lifecycleDeps(r, { provisioning: false }),
    ...auditDeps(r),
    closeFloor: (roomId: string) => closeRoomFloor(floorDeps(r), roomId),
  };
  return async (): Promise<Upkeep> => {
    const upkeep = await roomUpkeep(deps, { sweepGraceMs: overrides.sweepGraceMs ?? SWEEP_GRACE_MS });
    for (const room of upkeep.closed) logger.info('room closed', { ...room });
    for (const room of upkeep.swept) logger.info('room swept', { ...room });
    return upkeep;
  };
}

export const handler = middy<unknown, Upkeep, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(createCloseRooms());
