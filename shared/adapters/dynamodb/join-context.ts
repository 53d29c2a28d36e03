import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { JoinContextReader } from '#ports/repositories.ts';
import { attendeeFromItem } from './attendee-repository.ts';
import type { TableContext } from './client.ts';
import { floorFromItem, participantFromItem } from './items.ts';
import { keys } from './keys.ts';
import { slotFromItem } from './meeting-registry.ts';

/**
 * The join's hot path in one BatchGetItem: the participant, the room's meetings, the participant's
 * attendee in the room and the room's floor (whoever holds it is heard). Strongly consistent: a revocation, a seat or a room's close that has returned is
 * seen by every join that starts after it (an eventually consistent read could hand out, a moment later,
 * an attendee that the change had just deleted).
 */
export function createJoinContextReader(ctx: TableContext): JoinContextReader {
  return {
    async read(participantId, roomId) {
      const wanted = [
        keys.participant(participantId),
        keys.roomMeeting(roomId),
        keys.attendee(participantId, roomId),
        keys.floor(roomId),
      ];
      const found = new Map<string, Record<string, unknown>>();
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> | undefined =
        {
          [ctx.tableName]: { Keys: wanted, ConsistentRead: true },
        };
      while (request && Object.keys(request).length > 0) {
        const out = await ctx.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[ctx.tableName] ?? []) found.set(`${item.pk}|${item.sk}`, item);
        request = out.UnprocessedKeys as typeof request;
      }
      const at = (k: { pk: string; sk: string }) => found.get(`${k.pk}|${k.sk}`);
      const participant = at(keys.participant(participantId));
      const attendee = at(keys.attendee(participantId, roomId));
      const holder = floorFromItem(roomId, at(keys.floor(roomId))).holder;
      return {
        participant: participant ? participantFromItem(participant) : null,
        slot: slotFromItem(roomId, at(keys.roomMeeting(roomId))),
        attendee: attendee ? attendeeFromItem(attendee) : null,
        floorHolder: holder?.mode === 'online' ? holder.participantId : null,
      };
    },
  };
}
