import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { JsonValue, RecordEntry } from '#domain/record.ts';
import { recordedChange, type TableChange } from '#domain/record-source.ts';
import { logger } from '#observability/logger.ts';
import type { PendingEntry } from '#ports/record.ts';
import { chainChanges } from '#use-cases/chain-record.ts';
import { createRuntime, type RuntimeOverrides } from './lib/runtime.ts';

/** A stream image as plain JSON: sets become sorted arrays and binaries base64, which JCS can hash. */
function toJson(value: unknown): JsonValue {
  if (value instanceof Set) return [...value].map(toJson).sort((a, b) => (String(a) < String(b) ? -1 : 1));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return value as JsonValue;
}

const image = (i: unknown) =>
  i ? (toJson(unmarshall(i as Record<string, AttributeValue>)) as Record<string, JsonValue>) : null;

export function tableChange(record: DynamoDBRecord): TableChange | null {
  const change =
    record.eventName === 'INSERT' ? 'insert' : record.eventName === 'MODIFY' ? 'modify' : 'remove';
  const item = record.eventName === 'REMOVE' ? null : image(record.dynamodb?.NewImage);
  const before = image(record.dynamodb?.OldImage);
  if (!item && !before) return null;
  return { change, item, before };
}

/**
 * The table's stream → the record's chains (shared/use-cases/chain-record.ts). Each change is appended
 * once (its eventID is its source), at the time the chainer appends it. A shard that cannot be appended
 * to makes the batch fail from its first change (ReportBatchItemFailures): the stream delivers that
 * change and every later one again, and those already on record are skipped.
 */
export function createChainRecord(overrides: RuntimeOverrides = {}) {
  const r = createRuntime(overrides);
  const deps = { chains: r.recordChains(), clock: r.clock, heads: new Map<string, RecordEntry | null>() };
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const at = r.clock.now().toISOString();
    const pending: (PendingEntry & { sequence: string })[] = [];
    for (const record of event.Records) {
      const change = tableChange(record);
      const recorded = change ? recordedChange(change) : null;
      if (!recorded || !record.eventID) continue;
      pending.push({
        ...recorded,
        source: record.eventID,
        at,
        sequence: record.dynamodb?.SequenceNumber ?? '',
      });
    }
    const outcome = await chainChanges(deps, pending);
    if (outcome.failures.length === 0) {
      if (pending.length)
        logger.debug('record chained', { appended: outcome.appended, duplicates: outcome.duplicates });
      return { batchItemFailures: [] };
    }
    logger.warn('record chaining failed; the stream delivers the changes again', {
      failures: outcome.failures,
      appended: outcome.appended,
    });
    const failed = new Set(outcome.failures.map((f) => f.shard));
    const first = pending.find((p) => failed.has(p.shard));
    return { batchItemFailures: first ? [{ itemIdentifier: first.sequence }] : [] };
  };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(createChainRecord());
