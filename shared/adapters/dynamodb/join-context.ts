import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { JoinContextReader } from '#ports/repositories.ts';
import { attendeeFromItem } from './attendee-repository.ts';
import type { TableContext } from './client.ts';
import { keys } from './keys.ts';
import { slotFromItem } from './meeting-registry.ts';
import { participantFromItem } from './participant-repository.ts';

/**
 * The join's hot path in one BatchGetItem: the participant, the room's meetings and the participant's
 * attendee in the room. Eventually consistent (half the cost): a record written a moment ago and not yet
 * seen sends the join down the slow path, which reads strongly and settles any race with conditions.
 */
export function createJoinContextReader(ctx: TableContext): JoinContextReader {
  return {
    async read(participantId, roomId) {
      const wanted = [
        keys.participant(participantId),
        keys.roomMeeting(roomId),
        keys.attendee(participantId, roomId),
      ];
      const found = new Map<string, Record<string, unknown>>();
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [ctx.tableName]: { Keys: wanted },
      };
      while (request && Object.keys(request).length > 0) {
        const out = await ctx.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[ctx.tableName] ?? []) found.set(`${item.pk}|${item.sk}`, item);
        request = out.UnprocessedKeys as typeof request;
      }
      const at = (k: { pk: string; sk: string }) => found.get(`${k.pk}|${k.sk}`);
      const participant = at(keys.participant(participantId));
      const attendee = at(keys.attendee(participantId, roomId));
      return {
        participant: participant ? participantFromItem(participant) : null,
        slot: slotFromItem(roomId, at(keys.roomMeeting(roomId))),
        attendee: attendee ? attendeeFromItem(attendee) : null,
      };
    },
  };
}
