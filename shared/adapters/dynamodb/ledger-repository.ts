import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { eventKey, type LedgerEvent } from '#domain/attendance.ts';
import type { LedgerRepository, UnmatchedEventLog } from '#ports/repositories.ts';
import { type TableContext, wins } from './client.ts';
import { ledgerEventFromItem } from './items.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { queryAll, queryGroup } from './query.ts';

/**
 * The byGroup entry of a ledger event: a participant's events under the participant (their own report),
 * a meeting's start and end under the room (meetingEventsOfRoom: a meeting's end closes the open stays
 * of a participant's own report, as it does the organizer's).
 */
function ledgerIndexKey(event: LedgerEvent, key: string) {
  const gsi1sk = `${String(event.at).padStart(15, '0')}#${key}`;
  if (event.participantId) return { ...keys.ledgerOfParticipant(event.participantId), gsi1sk };
  if (event.type === 'MeetingStarted' || event.type === 'MeetingEnded') {
    return { ...keys.meetingEventsOfRoom(event.roomId), gsi1sk };
  }
  return {};
}

/**
 * The ledger: one partition per room (a room's report is one query), and a per-participant index for
 * "my attendance". Insert-only: the key is the event's content, so a duplicate writes nothing.
 */
export function createLedgerRepository(ctx: TableContext): LedgerRepository {
  return {
    async append(event) {
      const key = eventKey(event);
      return wins(
        ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...keys.ledgerEvent(event.roomId, key),
              ...ledgerIndexKey(event, key),
              type: 'ledger-event',
              version: ITEM_VERSION,
              eventType: event.type,
              at: event.at,
              roomId: event.roomId,
              source: event.source,
              meetingId: event.meetingId,
              attendeeId: event.attendeeId,
              participantId: event.participantId,
              recordedAt: new Date().toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async forRoom(roomId) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ledgerOfRoom(roomId).pk },
      });
      return items.map(ledgerEventFromItem);
    },
    async meetingEventsOfRoom(roomId) {
      const items = await queryGroup(ctx, keys.meetingEventsOfRoom(roomId).gsi1pk);
      return items.map(ledgerEventFromItem);
    },
    async forParticipant(participantId) {
      const items = await queryGroup(ctx, keys.ledgerOfParticipant(participantId).gsi1pk);
      return items.map(ledgerEventFromItem);
    },
  };
}

export function createUnmatchedEventLog(ctx: TableContext): UnmatchedEventLog {
  return {
    async keep(event, reason, now) {
      const key = createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32);
      await wins(
        ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...keys.unmatched(key),
              type: 'unmatched-event',
              version: ITEM_VERSION,
              contentKey: key,
              reason,
              receivedAt: now.toISOString(),
              event,
            },
            // The same event kept once, however often it is delivered.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async list(limit) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'UNMATCHED' },
      });
      return items
        .map((item) => ({
          reason: item.reason as string,
          receivedAt: item.receivedAt as string,
          event: item.event as Record<string, unknown>,
        }))
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
        .slice(0, limit);
    },
  };
}
