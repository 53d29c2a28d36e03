import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export interface TableContext {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** True for a failed condition, whether on a single write or inside a cancelled transaction. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * A conditional write, and whether it won: false when its condition failed (another caller got there
 * first, or the item is not in the state required), any other error thrown. The one place that idiom
 * is written.
 */
export async function wins(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Cancellation reasons of a TransactWrite, in item order ('None' for items that were fine). */
export function cancellationReasons(error: unknown): string[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

/**
 * Runs a transaction, retrying when it was cancelled only because another transaction touched the
 * same items at the same moment (TransactionConflict): a lost race, not a refusal.
 */
export async function withConflictRetry<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const reasons = cancellationReasons(error);
      const conflictOnly =
        !!reasons?.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
      const throttled = error instanceof Error && error.name === 'TransactionInProgressException';
      if ((!conflictOnly && !throttled) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}
