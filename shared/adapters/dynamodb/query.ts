import { BatchGetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '#domain/errors.ts';
import type { TableContext } from './client.ts';

/** Every item of a query, following LastEvaluatedKey. */
export async function queryAll(
  ctx: TableContext,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.doc.send(
      new QueryCommand({ ...input, TableName: ctx.tableName, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Opaque pagination cursors: the LastEvaluatedKey, base64url-encoded JSON. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not one this API returned.', { field: 'cursor' });
}

/** Every item of the given keys (missing ones are skipped), 100 keys a call, retrying unprocessed keys. */
export async function batchGetAll(
  ctx: TableContext,
  itemKeys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < itemKeys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [ctx.tableName]: { Keys: itemKeys.slice(i, i + 100) },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await ctx.doc.send(new BatchGetCommand({ RequestItems: request }));
      items.push(...(out.Responses?.[ctx.tableName] ?? []));
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return items;
}

/** Every item of one group of the `byGroup` index (delegations of a category, a room's attendees, …). */
export const queryGroup = (ctx: TableContext, gsi1pk: string) =>
  queryAll(ctx, {
    IndexName: 'byGroup',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': gsi1pk },
  });
