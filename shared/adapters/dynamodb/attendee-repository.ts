import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttendeeCapabilities } from '#domain/policy.ts';
import type { ChimeAttendee } from '#ports/meetings.ts';
import type { AttendeeRepository, StoredAttendee } from '#ports/repositories.ts';
import { isConditionFailure, type TableContext } from './client.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { queryAll } from './query.ts';

const fromItem = (item: Record<string, unknown>): StoredAttendee => ({
  participantId: item.participantId as string,
  roomId: item.roomId as string,
  meetingId: item.meetingId as string,
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
    return Item ? fromItem(Item) : null;
  };
  return {
    get,
    async putIfAbsent(a) {
      try {
        await ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...keys.attendee(a.participantId, a.roomId),
              ...keys.attendeesOfRoom(a.roomId),
              gsi1sk: a.participantId,
              type: 'attendee',
              version: ITEM_VERSION,
              ...a,
            },
            // Absent, or left from a meeting that has since been replaced.
            ConditionExpression: 'attribute_not_exists(pk) OR meetingId <> :m',
            ExpressionAttributeValues: { ':m': a.meetingId },
          }),
        );
        return a;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const winner = await get(a.participantId, a.roomId);
        if (!winner) throw error;
        return winner;
      }
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
      return (out.Items ?? []).map(fromItem);
    },
    async listForRoom(roomId) {
      const items = await queryAll(ctx, {
        IndexName: 'byGroup',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.attendeesOfRoom(roomId).gsi1pk },
      });
      return items.map(fromItem);
    },
    async delete(participantId, roomId) {
      await ctx.doc.send(
        new DeleteCommand({ TableName: ctx.tableName, Key: keys.attendee(participantId, roomId) }),
      );
    },
  };
}
