import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '#observability/logger.ts';
import { metrics } from '#observability/metrics.ts';
import { type ProvisionSummary, provisionRoom } from '#use-cases/provision-room.ts';
import { auditDeps, createRuntime, lifecycleDeps, type RuntimeOverrides } from './lib/runtime.ts';

/** `{ "roomId": "session-1" }`, from the join that created a meeting, or the room's doors-open schedule. */
const inputSchema = z.object({ roomId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/) });

/** Makes a room's attendees ahead of the stampede (asynchronous: nobody waits on this response). */
export function createProvision(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  // A run never asks for another run: the trigger is not wired here.
  const deps = { ...lifecycleDeps(r, { provisioning: false }), ...auditDeps(r) };
  return async (event: unknown): Promise<ProvisionSummary> => {
    const { roomId } = inputSchema.parse(event);
    const summary = await provisionRoom(deps, roomId);
    logger.info('room provisioned', { ...summary });
    return summary;
  };
}

export const handler = middy<unknown, ProvisionSummary, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(createProvision());
