import {
  BatchProcessor,
  EventType,
  type ParsedRecord,
  ParsingError,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type ChimeEventEnvelope, chimeEventEnvelopeSchema } from '#domain/meeting-events.ts';
import { logger } from '#observability/logger.ts';
import { participantPresence } from '#use-cases/floor.ts';
import { type RecordOutcome, recordMeetingEvent } from '#use-cases/record-meeting-events.ts';
import { createRuntime, floorDeps, once, type RuntimeOverrides } from './lib/runtime.ts';

/**
 * The attendance recorder: SQS (fed by the EventBridge rule for aws.chime) → the ledger. Powertools batch
 * processing parses each message's body against the Chime event schema and reports each failure on its
 * own (partial batch response): a malformed message is retried, then lands in the DLQ, and its failure is
 * logged (message id and reason, never the body), while the rest of its batch is recorded.
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
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    // One processor per batch: it holds the batch's records and failures, and the local pipeline may
    // hand one instance a second batch before the first is done.
    const processor = new BatchProcessor(EventType.SQS, {
      parser,
      innerSchema: chimeEventEnvelopeSchema,
      transformer: 'json',
      // The parser's debug line quotes JSON.parse's message, which quotes the body; failures are logged
      // below, without it.
      logger: { debug: () => undefined, warn: logger.warn.bind(logger), error: logger.error.bind(logger) },
    });
    const outcomes: Partial<Record<RecordOutcome, number>> = {};
    const response = await processPartialResponse(
      event,
      async (record: ParsedRecord<SQSRecord, ChimeEventEnvelope>) => {
        const outcome = await recordMeetingEvent(deps, record.body);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      },
      processor,
      // A batch that fails whole is answered like any other (every message listed), not thrown.
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
    processor.failureMessages.forEach((record, i) => {
      logger.error('meeting event not recorded', {
        messageId: (record as SQSRecord).messageId,
        receiveCount: (record as SQSRecord).attributes?.ApproximateReceiveCount,
        reason: reasonOf(processor.errors[i]),
      });
    });
    logger.info('meeting events', {
      received: event.Records.length,
      failed: response.batchItemFailures.length,
      ...outcomes,
    });
    return response;
  };
}

/** Why a message failed, without its body: the schema's issues (paths and messages), or the error's name. */
function reasonOf(error: Error | undefined): string {
  if (!(error instanceof ParsingError)) return error?.name ?? 'Error';
  // JSON.parse's message quotes the text it could not read.
  return error.message.includes('Invalid JSON') ? 'body: not JSON' : error.message.slice(0, 500);
}

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createRecordBatch());
