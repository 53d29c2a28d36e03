import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { IssueLog } from '#ports/repositories.ts';
import { auditItem, createAuditLog } from './audit-log.ts';
import type { TableContext } from './client.ts';
import { keys } from './keys.ts';

/** The audit record alone, or with the attendee's first-issue mark in one transaction (one request). */
export function createIssueLog(ctx: TableContext): IssueLog {
  const audit = createAuditLog(ctx);
  return {
    async recordIssued(record, firstIssue) {
      if (!firstIssue) return audit.append(record);
      await ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: ctx.tableName,
                Item: auditItem(record),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: ctx.tableName,
                Key: keys.attendee(firstIssue.participantId, firstIssue.roomId),
                UpdateExpression: 'SET issuedAt = if_not_exists(issuedAt, :at)',
                ExpressionAttributeValues: { ':at': record.at },
              },
            },
          ],
        }),
      );
    },
  };
}
