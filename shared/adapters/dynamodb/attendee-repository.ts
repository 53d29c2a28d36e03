import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AttendeeCapabilities } from '#domain/policy.ts';
import type { ChimeAttendee } from '#ports/meetings.ts';
import type { AttendeeRepository, StoredAttendee, StoreOutcome } from '#ports/repositories.ts';
import { cancellationReasons, type TableContext, wins, withConflictRetry } from './client.ts';
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
  /**
   * The attendee's Put and the participant's epoch check, in one transaction: a change of the
   * participant (which moves the epoch first) and this store are ordered by DynamoDB.
   */
  const storeItems = (a: StoredAttendee, epoch: number) => [
    {
      ConditionCheck: {
        TableName: ctx.tableName,
        Key: keys.participant(a.participantId),
        ConditionExpression:
          epoch === 0
            ? 'attribute_exists(pk) AND (attribute_not_exists(credentialEpoch) OR credentialEpoch = :e)'
            : 'credentialEpoch = :e',
        ExpressionAttributeValues: { ':e': epoch },
      },
    },
    {
      Put: {
        TableName: ctx.tableName,
        Item: toItem(a),
        // Absent, or left from an older generation of the room's meetings (which have ended).
        ConditionExpression: 'attribute_not_exists(pk) OR generation < :g',
        ExpressionAttributeValues: { ':g': a.generation },
      },
    },
  ];
  const store = async (a: StoredAttendee, epoch: number): Promise<StoreOutcome> => {
    try {
      await withConflictRetry(() =>
        ctx.doc.send(new TransactWriteCommand({ TransactItems: storeItems(a, epoch) })),
      );
      return { outcome: 'stored' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[0] === 'ConditionalCheckFailed') return { outcome: 'stale' };
      if (reasons[1] !== 'ConditionalCheckFailed') throw error;
      const holder = await get(a.participantId, a.roomId);
      // Deleted again between our write and this read: try once more from the top.
      if (!holder) return store(a, epoch);
      return { outcome: 'taken', holder };
    }
  };
  return {
    get,
    store,
    async storeMany(entries) {
      const outcomes: StoreOutcome[] = [];
      // Transactions of up to 50 attendees (100 items with their checks); if any lost, each goes alone.
      for (let i = 0; i < entries.length; i += 50) {
        const batch = entries.slice(i, i + 50);
        try {
          await withConflictRetry(() =>
            ctx.doc.send(
              new TransactWriteCommand({
                TransactItems: batch.flatMap((e) => storeItems(e.attendee, e.epoch)),
              }),
            ),
          );
          outcomes.push(...batch.map((): StoreOutcome => ({ outcome: 'stored' })));
        } catch (error) {
          if (!cancellationReasons(error)?.includes('ConditionalCheckFailed')) throw error;
          for (const e of batch) outcomes.push(await store(e.attendee, e.epoch));
        }
      }
      return outcomes;
    },
    async updateCapabilities(participantId, roomId, attendeeId, capabilities) {
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.attendee(participantId, roomId),
            UpdateExpression: 'SET capabilities = :c, attendee.Capabilities = :c',
            ConditionExpression: 'attendee.AttendeeId = :a',
            ExpressionAttributeValues: { ':c': capabilities, ':a': attendeeId },
          }),
        ),
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
    async delete(participantId, roomId, attendeeId) {
      return wins(
        ctx.doc.send(
          new DeleteCommand({
            TableName: ctx.tableName,
            Key: keys.attendee(participantId, roomId),
            ConditionExpression: 'attendee.AttendeeId = :a',
            ExpressionAttributeValues: { ':a': attendeeId },
          }),
        ),
      );
    },
  };
}
