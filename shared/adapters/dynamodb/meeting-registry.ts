import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChimeMeeting } from '#ports/meetings.ts';
import type {
  MeetingDirectory,
  MeetingRegistry,
  ProvisioningState,
  RoomMeeting,
  RoomMeetingSlot,
} from '#ports/repositories.ts';
import { type TableContext, wins } from './client.ts';
import { ITEM_VERSION, keys } from './keys.ts';

/** A room's slot item: its key, type and version, with the state's own fields. */
const slotItem = (roomId: string, fields: Record<string, unknown>) => ({
  ...keys.roomMeeting(roomId),
  type: 'room-meeting',
  version: ITEM_VERSION,
  roomId,
  ...fields,
});

/**
 * One slot per room: `empty` (generation g), `creating` (claimed for g) or `ready` (meeting of g).
 * Generations only move forward, and every transition is conditional on the one before it.
 */
export function createMeetingRegistry(ctx: TableContext): MeetingRegistry {
  const readItem = async (roomId: string) => {
    const { Item } = await ctx.doc.send(
      new GetCommand({ TableName: ctx.tableName, Key: keys.roomMeeting(roomId), ConsistentRead: true }),
    );
    return Item;
  };
  return {
    async slot(roomId): Promise<RoomMeetingSlot> {
      return slotFromItem(roomId, await readItem(roomId));
    },
    async claim(roomId, generation, now, staleBefore) {
      return wins(
        ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: slotItem(roomId, { state: 'creating', generation, claimedAt: now.toISOString() }),
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
        ),
      );
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
            ...slotItem(rm.roomId, {}),
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
      return wins(
        ctx.doc.send(
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
        ),
      );
    },
    async retire(roomId, meetingId) {
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression:
              'SET #state = :empty, generation = generation + :one, retiredMeetingId = :m REMOVE meeting, meetingId, replicas, counts, #prov',
            ConditionExpression: 'meetingId = :m AND #state = :ready',
            ExpressionAttributeNames: { '#state': 'state', '#prov': 'provisioning' },
            ExpressionAttributeValues: { ':empty': 'empty', ':one': 1, ':m': meetingId, ':ready': 'ready' },
          }),
        ),
      );
    },
    async addReplica(roomId, generation, index, replica) {
      const added = await wins(
        ctx.doc.send(
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
        ),
      );
      if (!added) return false;
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
    async reserve(roomId, meetingId, limit) {
      return wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'ADD counts.#m :one',
            ConditionExpression: '#state = :ready AND attribute_exists(counts.#m) AND counts.#m < :limit',
            ExpressionAttributeNames: { '#m': meetingId, '#state': 'state' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ready': 'ready' },
          }),
        ),
      );
    },
    async reserveUpTo(roomId, meetingId, want, limit) {
      // Compare-and-set on the count: whatever the others took meanwhile, we never pass the limit.
      for (let attempt = 0; attempt < 20; attempt++) {
        const slot = slotFromItem(roomId, await readItem(roomId));
        if (slot.state !== 'ready') return 0;
        const current = slot.roomMeeting.counts[meetingId];
        if (current === undefined) return 0;
        const take = Math.min(want, limit - current);
        if (take <= 0) return 0;
        const counted = await wins(
          ctx.doc.send(
            new UpdateCommand({
              TableName: ctx.tableName,
              Key: keys.roomMeeting(roomId),
              UpdateExpression: 'SET counts.#m = :next',
              ConditionExpression: '#state = :ready AND counts.#m = :current',
              ExpressionAttributeNames: { '#m': meetingId, '#state': 'state' },
              ExpressionAttributeValues: {
                ':next': current + take,
                ':current': current,
                ':ready': 'ready',
              },
            }),
          ),
        );
        if (counted) return take;
      }
      return 0;
    },
    async giveBack(roomId, meetingId, records) {
      if (records <= 0) return;
      // The meeting was retired or closed meanwhile (its counts went with it), or the count is lower.
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'ADD counts.#m :d',
            // Never below zero: a meeting marked full may give back more than was counted.
            ConditionExpression: 'attribute_exists(counts.#m) AND counts.#m >= :n',
            ExpressionAttributeNames: { '#m': meetingId },
            ExpressionAttributeValues: { ':d': -records, ':n': records },
          }),
        ),
      );
    },
    async markFull(roomId, meetingId, records) {
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'SET counts.#m = :full',
            ConditionExpression: 'attribute_exists(counts.#m)',
            ExpressionAttributeNames: { '#m': meetingId },
            ExpressionAttributeValues: { ':full': records },
          }),
        ),
      );
    },
    async close(roomId, at) {
      for (;;) {
        const item = await readItem(roomId);
        const slot = slotFromItem(roomId, item);
        // Closing again ends the same meetings again (a retry after a failed DeleteMeeting).
        if (slot.state === 'closed') return slot.meetingIds;
        const meetingIds =
          slot.state === 'ready'
            ? [slot.roomMeeting.meetingId, ...slot.roomMeeting.replicas.map((r) => r.meetingId)]
            : [];
        const closed = await wins(
          ctx.doc.send(
            new PutCommand({
              TableName: ctx.tableName,
              Item: slotItem(roomId, {
                state: 'closed',
                generation: slot.state === 'ready' ? slot.roomMeeting.generation : slot.generation,
                closedAt: at.toISOString(),
                meetingIds,
              }),
              // Exactly the state we read: a meeting published meanwhile is seen (and ended) next turn.
              ...(item
                ? {
                    ConditionExpression: '#state = :state AND generation = :g',
                    ExpressionAttributeNames: { '#state': 'state' },
                    ExpressionAttributeValues: { ':state': item.state, ':g': item.generation },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            }),
          ),
        );
        if (closed) return meetingIds;
      }
    },
    async requestSweep(roomId, at) {
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'SET sweepRequestedAt = :at',
            ConditionExpression: '#state = :ready',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':at': at.toISOString(), ':ready': 'ready' },
          }),
        ),
      );
    },
    async sweepDone(roomId, requestedAt) {
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression: 'REMOVE sweepRequestedAt',
            ConditionExpression: 'sweepRequestedAt = :at',
            ExpressionAttributeValues: { ':at': requestedAt },
          }),
        ),
      );
    },
    async reopen(roomId) {
      return wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.roomMeeting(roomId),
            UpdateExpression:
              'SET #state = :empty, generation = generation + :one REMOVE closedAt, meetingIds',
            ConditionExpression: '#state = :closed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':empty': 'empty', ':one': 1, ':closed': 'closed' },
          }),
        ),
      );
    },
    async setProvisioning(roomId, generation, state, options = {}) {
      const startGuard = options.start
        ? ' AND (attribute_not_exists(#prov) OR #prov.#status <> :running OR #prov.startedAt < :stale)'
        : '';
      return wins(
        ctx.doc.send(
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
        ),
      );
    },
  };
}

/** A room's slot from its item (or its absence). */
export function slotFromItem(roomId: string, Item: Record<string, unknown> | undefined): RoomMeetingSlot {
  if (!Item) return { state: 'empty', generation: 0 };
  const generation = Item.generation as number;
  if (Item.state === 'creating')
    return { state: 'creating', generation, claimedAt: Item.claimedAt as string };
  if (Item.state === 'closed') {
    return {
      state: 'closed',
      generation,
      closedAt: Item.closedAt as string,
      meetingIds: (Item.meetingIds as string[] | undefined) ?? [],
    };
  }
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
        ...(Item.sweepRequestedAt ? { sweepRequestedAt: Item.sweepRequestedAt as string } : {}),
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
