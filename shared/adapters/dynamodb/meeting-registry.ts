import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChimeMeeting } from '#ports/meetings.ts';
import type {
  MeetingDirectory,
  MeetingRegistry,
  ProvisioningState,
  RoomMeeting,
  RoomMeetingSlot,
} from '#ports/repositories.ts';
import { isConditionFailure, type TableContext } from './client.ts';
import { ITEM_VERSION, keys } from './keys.ts';

/**
 * One slot per room: `empty` (generation g), `creating` (claimed for g) or `ready` (meeting of g).
 * Generations only move forward, and every transition is conditional on the one before it.
 */
export function createMeetingRegistry(ctx: TableContext): MeetingRegistry {
  const ignoreLostRace = (error: unknown) => {
    if (!isConditionFailure(error)) throw error;
  };
  return {
    async slot(roomId): Promise<RoomMeetingSlot> {
      const { Item } = await ctx.doc.send(
        new GetCommand({ TableName: ctx.tableName, Key: keys.roomMeeting(roomId), ConsistentRead: true }),
      );
      return slotFromItem(roomId, Item);
    },
    async claim(roomId, generation, now, staleBefore) {
      try {
        await ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...keys.roomMeeting(roomId),
              type: 'room-meeting',
              version: ITEM_VERSION,
              roomId,
              state: 'creating',
              generation,
              claimedAt: now.toISOString(),
            },
            // Free (no item, or retired to this generation) or a stale claim of this generation.
            ConditionExpression:
              'attribute_not_exists(pk) OR (generation = :g AND (#state = :empty OR (#state = :creating AND claimedAt < :stale)))',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':g': generation,
              ':empty': 'empty',
              ':creating': 'creating',
              ':stale': staleBefore.toISOString(),
            },
          }),
        );
        return true;
      } catch (error) {
        ignoreLostRace(error);
        return false;
      }
    },
    async publish(rm) {
      // The directory entry first: an event of this meeting can arrive as soon as it exists.
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            ...keys.meetingDirectory(rm.meetingId),
            type: 'meeting-directory',
            version: ITEM_VERSION,
            meetingId: rm.meetingId,
            roomId: rm.roomId,
            generation: rm.generation,
            createdAt: rm.createdAt,
          },
        }),
      );
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            ...keys.roomMeeting(rm.roomId),
            type: 'room-meeting',
            version: ITEM_VERSION,
            roomId: rm.roomId,
            state: 'ready',
            generation: rm.generation,
            meetingId: rm.meetingId,
            meeting: rm.meeting,
            replicas: rm.replicas,
            counts: rm.counts,
            createdAt: rm.createdAt,
            verifiedAt: rm.verifiedAt,
          },
          ConditionExpression: 'generation = :g AND #state = :creating',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':g': rm.generation, ':creating': 'creating' },
        }),
      );
    },
    async claimVerification(roomId, meetingId, seenVerifiedAt, now) {
      try {
        await ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'SET verifiedAt = :now',
            ConditionExpression: 'meetingId = :m AND verifiedAt = :seen',
            ExpressionAttributeValues: {
              ':now': now.toISOString(),
              ':m': meetingId,
              ':seen': seenVerifiedAt,
            },
          }),
        );
        return true;
      } catch (error) {
        ignoreLostRace(error);
        return false;
      }
    },
    async retire(roomId, meetingId) {
      try {
        await ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression:
              'SET #state = :empty, generation = generation + :one, retiredMeetingId = :m REMOVE meeting, meetingId, replicas, counts, #prov',
            ConditionExpression: 'meetingId = :m AND #state = :ready',
            ExpressionAttributeNames: { '#state': 'state', '#prov': 'provisioning' },
            ExpressionAttributeValues: { ':empty': 'empty', ':one': 1, ':m': meetingId, ':ready': 'ready' },
          }),
        );
      } catch (error) {
        ignoreLostRace(error);
      }
    },
    async addReplica(roomId, generation, index, replica) {
      try {
        await ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'SET replicas = list_append(replicas, :r), counts.#m = :zero',
            ConditionExpression: 'generation = :g AND #state = :ready AND size(replicas) = :i',
            ExpressionAttributeNames: { '#state': 'state', '#m': replica.meetingId },
            ExpressionAttributeValues: {
              ':r': [replica],
              ':zero': 0,
              ':g': generation,
              ':ready': 'ready',
              ':i': index,
            },
          }),
        );
      } catch (error) {
        ignoreLostRace(error);
        return false;
      }
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            ...keys.meetingDirectory(replica.meetingId),
            type: 'meeting-directory',
            version: ITEM_VERSION,
            meetingId: replica.meetingId,
            roomId,
            generation,
            replicaIndex: index,
          },
        }),
      );
      return true;
    },
    async reserve(roomId, meetingId, capacity) {
      try {
        await ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'ADD counts.#m :one',
            ConditionExpression: 'attribute_exists(counts.#m) AND counts.#m < :cap',
            ExpressionAttributeNames: { '#m': meetingId },
            ExpressionAttributeValues: { ':one': 1, ':cap': capacity },
          }),
        );
        return true;
      } catch (error) {
        ignoreLostRace(error);
        return false;
      }
    },
    async adjustCount(roomId, meetingId, delta) {
      try {
        await ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'ADD counts.#m :d',
            ConditionExpression: 'attribute_exists(counts.#m)',
            ExpressionAttributeNames: { '#m': meetingId },
            ExpressionAttributeValues: { ':d': delta },
          }),
        );
      } catch (error) {
        // The meeting was retired meanwhile: its counts went with it.
        ignoreLostRace(error);
      }
    },
    async setProvisioning(roomId, generation, state, options = {}) {
      const startGuard = options.start
        ? ' AND (attribute_not_exists(#prov) OR #prov.#status <> :running OR #prov.startedAt < :stale)'
        : '';
      try {
        await ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'SET #prov = :p',
            ConditionExpression: `generation = :g AND #state = :ready${startGuard}`,
            ExpressionAttributeNames: {
              '#state': 'state',
              '#prov': 'provisioning',
              ...(options.start ? { '#status': 'status' } : {}),
            },
            ExpressionAttributeValues: {
              ':p': state,
              ':g': generation,
              ':ready': 'ready',
              ...(options.start
                ? { ':running': 'running', ':stale': (options.staleBefore ?? new Date(0)).toISOString() }
                : {}),
            },
          }),
        );
        return true;
      } catch (error) {
        ignoreLostRace(error);
        return false;
      }
    },
  };
}

/** A room's slot from its item (or its absence). */
export function slotFromItem(roomId: string, Item: Record<string, unknown> | undefined): RoomMeetingSlot {
  if (!Item) return { state: 'empty', generation: 0 };
  const generation = Item.generation as number;
  if (Item.state === 'creating')
    return { state: 'creating', generation, claimedAt: Item.claimedAt as string };
  if (Item.state === 'ready') {
    return {
      state: 'ready',
      roomMeeting: {
        roomId,
        meetingId: Item.meetingId as string,
        meeting: Item.meeting as ChimeMeeting,
        replicas: (Item.replicas as RoomMeeting['replicas'] | undefined) ?? [],
        counts: (Item.counts as Record<string, number> | undefined) ?? {},
        generation,
        createdAt: Item.createdAt as string,
        verifiedAt: Item.verifiedAt as string,
        ...(Item.provisioning ? { provisioning: Item.provisioning as ProvisioningState } : {}),
      },
    };
  }
  return { state: 'empty', generation };
}

/** Meeting id → room, for every meeting we ever created (so late events of a replaced meeting still map). */
export function createMeetingDirectory(ctx: TableContext): MeetingDirectory {
  const known = new Map<string, string>();
  return {
    async roomOf(meetingId) {
      const hit = known.get(meetingId);
      if (hit) return hit;
      const { Item } = await ctx.doc.send(
        new GetCommand({
          TableName: ctx.tableName,
          Key: keys.meetingDirectory(meetingId),
          ConsistentRead: true,
        }),
      );
      const roomId = (Item?.roomId as string | undefined) ?? null;
      if (roomId) known.set(meetingId, roomId);
      return roomId;
    },
  };
}
