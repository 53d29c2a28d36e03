import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '#observability/logger.ts';
import { type CheckpointOutcome, signDueCheckpoint, writeCheckpoint } from '#use-cases/record-checkpoint.ts';
import { config, createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

/**
 * The record's checkpoints (shared/use-cases/record-checkpoint.ts): run every minute by a schedule; signs
 * one every CHECKPOINT_MINUTES and a minute after each room closes, when anything was appended since.
 */
export function createSignCheckpoint(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    eventId: r.eventId,
    clock: r.clock,
    chains: r.recordChains(),
    checkpoints: r.checkpointLog(),
    store: r.checkpointStore(),
    signer: r.checkpointSigner(),
    programme: r.programme(),
    intervalMinutes: config.CHECKPOINT_MINUTES,
  };
  // `{"force": true}` signs now whether due or not (an operator before an export:
  // `aws lambda invoke --function-name … --payload '{"force":true}'`); the schedule's events are not.
  return async (event?: unknown): Promise<CheckpointOutcome> => {
    const force = (event as { force?: unknown } | null | undefined)?.force === true;
    const outcome = force ? await writeCheckpoint(deps) : await signDueCheckpoint(deps);
    if (outcome.outcome === 'signed') logger.info('record checkpoint signed', { ...outcome });
    return outcome;
  };
}

export const handler = middy<unknown, CheckpointOutcome, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createSignCheckpoint());
