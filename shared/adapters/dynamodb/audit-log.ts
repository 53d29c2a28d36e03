import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditLog, AuditRecord } from '#ports/repositories.ts';
import type { TableContext } from './client.ts';
import { ITEM_VERSION, keys } from './keys.ts';

/** Insert-only: a record is written once (conditional on its key being new) and never updated. */
export function createAuditLog(ctx: TableContext): AuditLog {
  return {
    async append(record) {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            ...keys.audit(record.at, record.id),
            ...keys.allAudit(),
            gsi2sk: `${record.at}#${record.id}`,
            type: 'audit',
            version: ITEM_VERSION,
            ...record,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
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
      return (out.Items ?? []).map(
        ({ pk, sk, gsi2pk, gsi2sk, type, version, ...record }) => record as unknown as AuditRecord,
      );
    },
  };
}
