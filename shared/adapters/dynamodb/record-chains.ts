import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type RecordEntry, readEntry, type SignedCheckpoint } from '#domain/record.ts';
import type { Clock } from '#ports/clock.ts';
import type { CheckpointLog, RecordChains } from '#ports/record.ts';
import { cancellationReasons, type TableContext, wins } from './client.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { batchGetAll, queryAll } from './query.ts';

/** A stream keeps records for 24 hours: a source marker outlives any redelivery by a margin. */
const SOURCE_MARKER_TTL_SECONDS = 3 * 24 * 3600;

const parseEntry = (text: unknown): RecordEntry => {
  const entry = readEntry(JSON.parse(String(text)));
  if (typeof entry === 'string') throw new Error(`a stored record entry is malformed: ${entry}`);
  return entry;
};

/**
 * The record's chains in the event table. A shard is one partition, `RECORD#<shard>`: its entries under
 * their zero-padded seq (so a query reads them in order), and its head beside them. Each entry is kept
 * as the exact JSON it was hashed from, in one string attribute, so that DynamoDB's number and map
 * marshalling can never change what the hash covers.
 *
 * An append is one TransactWriteItems: each entry (new), each source marker (new) and the head
 * (conditional on its hash). Two entries and a head per entry makes 49 entries the most one transaction
 * takes (100 items).
 */
export function createRecordChains(ctx: TableContext, clock: Clock): RecordChains {
  return {
    maxAppend: 49,
    async head(shard) {
      const { Item } = await ctx.doc.send(
        new GetCommand({ TableName: ctx.tableName, Key: keys.recordHead(shard), ConsistentRead: true }),
      );
      return Item ? parseEntry(Item.entry) : null;
    },
    async append(shard, entries, expectedHead) {
      const last = entries.at(-1)?.entry;
      if (!last) return { outcome: 'appended' };
      const expiresAt = Math.floor(clock.now().getTime() / 1000) + SOURCE_MARKER_TTL_SECONDS;
      const items = [
        ...entries.map(({ entry, source }) => ({
          Put: {
            TableName: ctx.tableName,
            Item: {
              ...keys.recordEntry(shard, entry.seq),
              type: 'record-entry',
              version: ITEM_VERSION,
              seq: entry.seq,
              hash: entry.hash,
              source,
              entry: JSON.stringify(entry),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        })),
        ...entries.map(({ entry, source }) => ({
          Put: {
            TableName: ctx.tableName,
            Item: {
              ...keys.recordSource(source),
              type: 'record-source',
              version: ITEM_VERSION,
              shard,
              seq: entry.seq,
              expiresAt,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        })),
        {
          Put: {
            TableName: ctx.tableName,
            Item: {
              ...keys.recordHead(shard),
              ...keys.recordHeads(),
              gsi2sk: shard,
              type: 'record-head',
              version: ITEM_VERSION,
              shard,
              size: last.seq + 1,
              hash: last.hash,
              entry: JSON.stringify(last),
            },
            ConditionExpression: expectedHead ? '#hash = :head' : 'attribute_not_exists(pk)',
            ...(expectedHead
              ? {
                  ExpressionAttributeNames: { '#hash': 'hash' },
                  ExpressionAttributeValues: { ':head': expectedHead.hash },
                }
              : {}),
          },
        },
      ];
      try {
        await ctx.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return { outcome: 'appended' };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        const failed = (i: number) => reasons[i] === 'ConditionalCheckFailed';
        const sources = entries.filter((_, i) => failed(entries.length + i)).map((e) => e.source);
        if (sources.length > 0) return { outcome: 'duplicates', sources };
        // The head moved (or an entry's seq is taken, which only a moved head explains), or another
        // transaction touched the same items at the same moment: either way, read the head and retry.
        if (reasons.some((r) => r === 'ConditionalCheckFailed' || r === 'TransactionConflict')) {
          return { outcome: 'head-moved' };
        }
        throw error;
      }
    },
    async heads() {
      // The index lists the shards; their heads are then read strongly consistent from the table, so a
      // checkpoint never signs a head older than one a previous checkpoint saw.
      const listed = await queryAll(ctx, {
        IndexName: 'byType',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.recordHeads().gsi2pk },
        ProjectionExpression: '#shard',
        ExpressionAttributeNames: { '#shard': 'shard' },
      });
      const items = await batchGetAll(
        ctx,
        listed.map((i) => keys.recordHead(String(i.shard))),
        { consistent: true },
      );
      return items
        .map((i) => ({ shard: String(i.shard), size: Number(i.size), head: String(i.hash) }))
        .sort((a, b) => (a.shard < b.shard ? -1 : a.shard > b.shard ? 1 : 0));
    },
    async entries(shard, fromSeq = 0) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': keys.recordHead(shard).pk,
          ':from': keys.recordEntry(shard, fromSeq).sk,
          ':to': '9'.repeat(12),
        },
        ConsistentRead: true,
      });
      return items.map((i) => parseEntry(i.entry));
    },
  };
}

/** The checkpoints' index in the table: one conditional write per index, so one signer wins each. */
export function createCheckpointLog(ctx: TableContext): CheckpointLog {
  return {
    async latest() {
      const out = await ctx.doc.send(
        new QueryCommand({
          TableName: ctx.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.checkpoint(0).pk },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const item = out.Items?.[0];
      return item
        ? ({ note: String(item.note), signature: String(item.signature) } as SignedCheckpoint)
        : null;
    },
    claim(index, checkpoint) {
      return wins(
        ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...keys.checkpoint(index),
              type: 'record-checkpoint',
              version: ITEM_VERSION,
              index,
              note: checkpoint.note,
              signature: checkpoint.signature,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}
