import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog, AuditRecord } from '#ports/repositories.ts';
import type { TableContext } from './client.ts';
import { auditRecordFromItem } from './items.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { decodeCursor, encodeCursor, queryAll, withCursor } from './query.ts';

/** Insert-only: a record is written once (conditional on its key being new) and never updated. */
const auditItem = (record: AuditRecord) => ({
  ...keys.audit(record.at, record.id),
  ...keys.allAudit(),
  gsi2sk: `${record.at}#${record.id}`,
  // An allowed join is also the record that credentials were handed out (issuedIn reads it).
  ...(record.action === 'session.join' &&
  record.outcome === 'allowed' &&
  record.sessionId &&
  record.participantId
    ? { ...keys.issuedInRoom(record.sessionId), gsi1sk: record.participantId }
    : {}),
  type: 'audit',
  version: ITEM_VERSION,
  ...record,
});

export function createAuditLog(ctx: TableContext): AuditLog {
  return {
    async append(record) {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: auditItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async query(q) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':pk': keys.allAudit().gsi2pk };
      let keyCondition = 'gsi2pk = :pk';
      // gsi2sk is "<at>#<id>": a time range is a range of sort keys.
      if (q.from && q.to) {
        keyCondition += ' AND gsi2sk BETWEEN :from AND :to';
        Object.assign(values, { ':from': q.from, ':to': `${q.to}\uffff` });
      } else if (q.from) {
        keyCondition += ' AND gsi2sk >= :from';
        values[':from'] = q.from;
      } else if (q.to) {
        keyCondition += ' AND gsi2sk <= :to';
        values[':to'] = `${q.to}\uffff`;
      }
      const filters: string[] = [];
      for (const [field, value] of [
        ['sessionId', q.sessionId],
        ['participantId', q.participantId],
        ['outcome', q.outcome],
      ] as const) {
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        filters.push(`#${field} = :${field}`);
      }
      const items: Record<string, unknown>[] = [];
      let start = decodeCursor(q.cursor, {
        attributes: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
        fixed: { gsi2pk: keys.allAudit().gsi2pk },
      });
      // A filter applies after each page is read, so keep reading until the page is full.
      do {
        const out = await withCursor(q.cursor, () =>
          ctx.doc.send(
            new QueryCommand({
              TableName: ctx.tableName,
              IndexName: 'byType',
              KeyConditionExpression: keyCondition,
              ...(filters.length
                ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
                : {}),
              ExpressionAttributeValues: values,
              ScanIndexForward: false,
              Limit: q.limit - items.length + (filters.length ? 50 : 0),
              ExclusiveStartKey: start,
            }),
          ),
        );
        for (const item of out.Items ?? []) {
          if (items.length < q.limit) {
            items.push(item);
            start = { pk: item.pk, sk: item.sk, gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk };
          }
        }
        if (items.length >= q.limit) break;
        start = out.LastEvaluatedKey;
      } while (start);
      const full = items.length >= q.limit;
      return { items: items.map(auditRecordFromItem), nextCursor: full ? encodeCursor(start) : null };
    },
    async issuedIn(sessionId, participantId) {
      const items = await queryAll(ctx, {
        IndexName: 'byGroup',
        KeyConditionExpression: participantId ? 'gsi1pk = :pk AND gsi1sk = :p' : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': keys.issuedInRoom(sessionId).gsi1pk,
          ...(participantId ? { ':p': participantId } : {}),
        },
        ProjectionExpression: 'participantId',
      });
      return [...new Set(items.map((i) => i.participantId as string))];
    },
    async recent(limit) {
      const out = await ctx.doc.send(
        new QueryCommand({
          TableName: ctx.tableName,
          IndexName: 'byType',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.allAudit().gsi2pk },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(auditRecordFromItem);
    },
  };
}
