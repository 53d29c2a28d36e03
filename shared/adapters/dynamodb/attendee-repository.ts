import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AttendeeCapabilities } from '#domain/policy.ts';
import type { ChimeAttendee } from '#ports/meetings.ts';
import type { AttendeeRepository, StoredAttendee } from '#ports/repositories.ts';
import { cancellationReasons, isConditionFailure, type TableContext, withConflictRetry } from './client.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { queryGroup } from './query.ts';

export const attendeeFromItem = (item: Record<string, unknown>): StoredAttendee => ({
  participantId: item.participantId as string,
  roomId: item.roomId as string,
  meetingId: item.meetingId as string,
  generation: (item.generation as number | undefined) ?? 0,
  attendee: item.attendee as ChimeAttendee,
  capabilities: item.capabilities as AttendeeCapabilities,
  createdAt: item.createdAt as string,
});

/**
 * The attendee each participant holds in each room, beside the participant's record (same partition).
 * The JoinToken is stored so a rejoin gets the same attendee: Chime does not promise to return it again.
 */
export function createAttendeeRepository(ctx: TableContext): AttendeeRepository {
  const get = async (participantId: string, roomId: string) => {
    const { Item } = await ctx.doc.send(
      new GetCommand({
        TableName: ctx.tableName,
        Key: keys.attendee(participantId, roomId),
        ConsistentRead: true,
      }),
    );
    return Item ? attendeeFromItem(Item) : null;
  };
  const toItem = (a: StoredAttendee) => ({
    ...keys.attendee(a.participantId, a.roomId),
    ...keys.attendeesOfRoom(a.roomId),
    gsi1sk: a.participantId,
    type: 'attendee',
    version: ITEM_VERSION,
    ...a,
  });
  const putIfAbsent = async (a: StoredAttendee): Promise<StoredAttendee> => {
    try {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: toItem(a),
          // Absent, or left from an older generation of the room's meetings (which have ended).
          ConditionExpression: 'attribute_not_exists(pk) OR generation < :g',
          ExpressionAttributeValues: { ':g': a.generation },
        }),
      );
      return a;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const winner = await get(a.participantId, a.roomId);
      if (!winner) throw error;
      return winner;
    }
  };
  return {
    get,
    putIfAbsent,
    async putManyIfAbsent(list) {
      const stored: StoredAttendee[] = [];
      // One transaction of up to 100 conditional puts; if any lost its race, each goes alone.
      for (let i = 0; i < list.length; i += 100) {
        const batch = list.slice(i, i + 100);
        try {
          await withConflictRetry(() =>
            ctx.doc.send(
              new TransactWriteCommand({
                TransactItems: batch.map((a) => ({
                  Put: {
                    TableName: ctx.tableName,
                    Item: toItem(a),
                    ConditionExpression: 'attribute_not_exists(pk) OR generation < :g',
                    ExpressionAttributeValues: { ':g': a.generation },
                  },
                })),
              }),
            ),
          );
          stored.push(...batch);
        } catch (error) {
          if (!cancellationReasons(error)?.includes('ConditionalCheckFailed')) throw error;
          for (const a of batch) {
            const kept = await putIfAbsent(a);
            if (kept.attendee.AttendeeId === a.attendee.AttendeeId) stored.push(a);
          }
        }
      }
      return stored;
    },
    async updateCapabilities(participantId, roomId, capabilities) {
      await ctx.doc.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: keys.attendee(participantId, roomId),
          UpdateExpression: 'SET capabilities = :c, attendee.Capabilities = :c',
          ExpressionAttributeValues: { ':c': capabilities },
        }),
      );
    },
    async listForParticipant(participantId) {
      const out = await ctx.doc.send(
        new QueryCommand({
          TableName: ctx.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.participant(participantId).pk,
            ':prefix': keys.attendeePrefix,
          },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map(attendeeFromItem);
    },
    async listForRoom(roomId) {
      const items = await queryGroup(ctx, keys.attendeesOfRoom(roomId).gsi1pk);
      return items.map(attendeeFromItem);
    },
    async delete(participantId, roomId) {
      await ctx.doc.send(
        new DeleteCommand({ TableName: ctx.tableName, Key: keys.attendee(participantId, roomId) }),
      );
    },
  };
}
