import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FloorEvent } from '#domain/floor.ts';
import type { FloorRepository, PresenceRepository } from '#ports/repositories.ts';
import { type TableContext, wins } from './client.ts';
import { floorEventFromItem, floorFromItem } from './items.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { batchGetAll, queryAll } from './query.ts';

/** The key of a floor event in the record: its own content, so a repeated write is a no-op. */
export const floorEventKey = (e: FloorEvent) => `${e.at}#${e.type}#${e.requestId}#${e.version}`;

/**
 * A room's floor is one item beside its meeting slot (`ROOM#<id>` / `FLOOR`), written on the condition
 * of its version: the speakers list of a room holds at most a few hundred requests (one per delegation),
 * well within an item's 400 KB. The record of the floor is insert-only, one item per event.
 */
export function createFloorRepository(ctx: TableContext): FloorRepository {
  return {
    async get(roomId) {
      const { Item } = await ctx.doc.send(
        new GetCommand({ TableName: ctx.tableName, Key: keys.floor(roomId), ConsistentRead: true }),
      );
      return floorFromItem(roomId, Item);
    },
    async save(next, readVersion) {
      const { version, ...floor } = next;
      return wins(
        ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...keys.floor(next.roomId),
              type: 'floor',
              version: ITEM_VERSION,
              floorVersion: version,
              floor,
            },
            ConditionExpression: readVersion === 0 ? 'attribute_not_exists(pk)' : 'floorVersion = :v',
            ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': readVersion } }),
          }),
        ),
      );
    },
    async record(events) {
      for (const e of events) {
        await wins(
          ctx.doc.send(
            new PutCommand({
              TableName: ctx.tableName,
              Item: {
                ...keys.floorEvent(e.roomId, floorEventKey(e)),
                type: 'floorEvent',
                version: ITEM_VERSION,
                event: e,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        );
      }
    },
    async events(roomId) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.floorLog(roomId).pk },
      });
      return items.map(floorEventFromItem);
    },
  };
}

/** A participant's connection in a room, beside the room's floor: the latest meeting event wins. */
export function createPresenceRepository(ctx: TableContext): PresenceRepository {
  return {
    async note(roomId, participantId, connected, at) {
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.presence(roomId, participantId),
            UpdateExpression: 'SET connected = :c, #at = :at, #type = :t',
            ConditionExpression: 'attribute_not_exists(#at) OR #at <= :at',
            ExpressionAttributeNames: { '#at': 'at', '#type': 'type' },
            ExpressionAttributeValues: { ':c': connected, ':at': at, ':t': 'presence' },
          }),
        ),
      );
    },
    async of(roomId, participantIds) {
      const items = await batchGetAll(
        ctx,
        [...new Set(participantIds)].map((id) => keys.presence(roomId, id)),
      );
      return new Map(items.map((i) => [String(i.sk).slice('PRESENCE#'.length), i.connected as boolean]));
    },
  };
}
