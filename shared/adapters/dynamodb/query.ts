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

/** What a cursor of one query must hold: exactly these key attributes, and these fixed values. */
export interface CursorShape {
  attributes: readonly string[];
  fixed: Record<string, string>;
}

const badCursor = () =>
  new ValidationError('The cursor is not one this API returned for this query.', { field: 'cursor' });

/**
 * A cursor back into the LastEvaluatedKey it came from, checked against the query's key shape: a
 * crafted one (`e30`, which is `{}`, or another index's key) is a 400 here rather than a DynamoDB
 * ValidationException, which would be a 500.
 */
export function decodeCursor(
  cursor: string | undefined,
  shape: CursorShape,
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badCursor();
  const key = value as Record<string, unknown>;
  const names = Object.keys(key);
  const wellFormed =
    names.length === shape.attributes.length &&
    shape.attributes.every((a) => typeof key[a] === 'string' && (key[a] as string).length <= 1024) &&
    Object.entries(shape.fixed).every(([a, v]) => key[a] === v);
  if (!wellFormed) throw badCursor();
  return key;
}

/**
 * Runs a query that starts at a caller's cursor. A cursor can pass the shape check and still fall
 * outside the query (a sort key outside a time range): DynamoDB's ValidationException then means the
 * cursor, and is a 400.
 */
export async function withCursor<T>(cursor: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (cursor && error instanceof Error && error.name === 'ValidationException') throw badCursor();
    throw error;
  }
}

/** Every item of the given keys (missing ones are skipped), 100 keys a call, retrying unprocessed keys. */
export async function batchGetAll(
  ctx: TableContext,
  itemKeys: Record<string, unknown>[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < itemKeys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> | undefined = {
      [ctx.tableName]: {
        Keys: itemKeys.slice(i, i + 100),
        ...(options.consistent ? { ConsistentRead: true } : {}),
      },
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
