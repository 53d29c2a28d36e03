import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#domain/errors.ts';
import type { SeatRepository } from '#ports/repositories.ts';
import { cancellationReasons, type TableContext, withConflictRetry } from './client.ts';
import { seatHolderFromItem } from './items.ts';
import { ITEM_VERSION, keys } from './keys.ts';

/**
 * One seat item per State. A claim writes the seat (only if free or already ours) and marks the
 * participant in one transaction, so 100 concurrent claims leave exactly one holder, and the holder's
 * record always agrees with the seat.
 */
export function createSeatRepository(ctx: TableContext): SeatRepository {
  const holder = async (code: string): Promise<string | null> => {
    const { Item } = await ctx.doc.send(
      new GetCommand({ TableName: ctx.tableName, Key: keys.seat(code), ConsistentRead: true }),
    );
    return seatHolderFromItem(Item);
  };

  return {
    holder,
    async claim(code, participantId, now) {
      try {
        await withConflictRetry(() =>
          ctx.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: ctx.tableName,
                    Item: {
                      ...keys.seat(code),
                      type: 'seat',
                      version: ITEM_VERSION,
                      delegationCode: code,
                      holderId: participantId,
                      since: now.toISOString(),
                    },
                    ConditionExpression: 'attribute_not_exists(pk) OR holderId = :p',
                    ExpressionAttributeValues: { ':p': participantId },
                  },
                },
                {
                  Update: {
                    TableName: ctx.tableName,
                    Key: keys.participant(participantId),
                    UpdateExpression: 'SET inPersonSeat = :code, updatedAt = :u ADD credentialEpoch :one',
                    ConditionExpression:
                      'attribute_exists(pk) AND revoked = :false AND delegationCode = :code',
                    ExpressionAttributeValues: {
                      ':code': code,
                      ':u': now.toISOString(),
                      ':false': false,
                      ':one': 1,
                    },
                  },
                },
              ],
            }),
          ),
        );
        return { ok: true };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[0] === 'ConditionalCheckFailed') {
          const current = await holder(code);
          if (current && current !== participantId) return { ok: false, holderId: current };
        }
        if (reasons?.[1] === 'ConditionalCheckFailed') {
          throw new ConflictError(
            'SEAT_NOT_AVAILABLE',
            'The participant changed (revoked or moved) meanwhile.',
          );
        }
        throw error;
      }
    },
    async release(code, now) {
      for (;;) {
        const current = await holder(code);
        if (!current) return null;
        try {
          await withConflictRetry(() =>
            ctx.doc.send(
              new TransactWriteCommand({
                TransactItems: [
                  {
                    Delete: {
                      TableName: ctx.tableName,
                      Key: keys.seat(code),
                      ConditionExpression: 'holderId = :p',
                      ExpressionAttributeValues: { ':p': current },
                    },
                  },
                  {
                    Update: {
                      TableName: ctx.tableName,
                      Key: keys.participant(current),
                      UpdateExpression: 'SET inPersonSeat = :none, updatedAt = :u ADD credentialEpoch :one',
                      ExpressionAttributeValues: { ':none': null, ':u': now.toISOString(), ':one': 1 },
                    },
                  },
                ],
              }),
            ),
          );
          return current;
        } catch (error) {
          // The seat changed hands between our read and our write: look again.
          if (cancellationReasons(error)?.[0] !== 'ConditionalCheckFailed') throw error;
        }
      }
    },
  };
}
