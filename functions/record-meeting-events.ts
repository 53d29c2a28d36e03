import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { chimeEventEnvelopeSchema } from '#domain/meeting-events.ts';
import { logger } from '#observability/logger.ts';
import { participantPresence } from '#use-cases/floor.ts';
import { recordMeetingEvent } from '#use-cases/record-meeting-events.ts';
import { createRuntime, floorDeps, once, type RuntimeOverrides } from './lib/runtime.ts';

/**
 * The attendance recorder: SQS (fed by the EventBridge rule for aws.chime) → the ledger. Each message
 * succeeds or fails on its own (partial batch response): a malformed one is retried, then lands in the
 * DLQ, and its failure is logged (message id and reason, never the body), while the rest of its batch
 * is recorded.
 */
export function createRecordBatch(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = {
    ledger: r.ledger(),
    directory: r.directory(),
    participants: r.participants(),
    unmatched: r.unmatched(),
    clock: r.clock,
    // The floor hears of connections (the speakers list) and of its holder's drop (the grace).
    presence: (roomId: string, participantId: string, connected: boolean, at: string) =>
      participantPresence(floor(), roomId, participantId, connected, at),
  };
  const floor = once(() => floorDeps(r));
  return (event: SQSEvent) => recordBatch(deps, event);
}

async function recordBatch(
  deps: Parameters<typeof recordMeetingEvent>[0],
  event: SQSEvent,
): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const outcomes: Record<string, number> = {};
  for (const record of event.Records) {
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new MalformedEventError('the body is not JSON');
      }
      const parsed = chimeEventEnvelopeSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new MalformedEventError(`${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`);
      }
      const outcome = await recordMeetingEvent(deps, parsed.data);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    } catch (error) {
      failures.push({ itemIdentifier: record.messageId });
      logger.error('meeting event not recorded', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        reason: error instanceof MalformedEventError ? error.message : (error as Error).name,
      });
    }
  }
  logger.info('meeting events', { received: event.Records.length, failed: failures.length, ...outcomes });
  return { batchItemFailures: failures };
}

class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createRecordBatch());
