import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Programme, Session } from '#domain/programme.ts';
import type { ProgrammeRepository } from '#ports/repositories.ts';
import { type TableContext, wins } from './client.ts';
import { programmeFromItem } from './items.ts';
import { ITEM_VERSION, keys } from './keys.ts';

/**
 * The programme is one small item (a dozen rooms). Each warm function keeps it for `cacheMs`, so a
 * join reads it at most every 15 seconds; an organizer's change of a room's times shows within that.
 */
export function createProgrammeRepository(ctx: TableContext, cacheMs = 15_000): ProgrammeRepository {
  let cached: { programme: Programme | null; at: number } | null = null;

  const get = async (): Promise<Programme | null> => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.programme;
    const { Item } = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: keys.programme() }));
    const programme = programmeFromItem(Item);
    cached = { programme, at: Date.now() };
    return programme;
  };

  return {
    get,
    async getSession(sessionId: string): Promise<Session | null> {
      return (await get())?.sessions.find((s) => s.id === sessionId) ?? null;
    },
    async updateSession(sessionId, change) {
      // Read strongly and write on the condition that nobody changed the programme meanwhile.
      for (;;) {
        const { Item } = await ctx.doc.send(
          new GetCommand({ TableName: ctx.tableName, Key: keys.programme(), ConsistentRead: true }),
        );
        const programme = programmeFromItem(Item);
        const session = programme?.sessions.find((s) => s.id === sessionId);
        if (!programme || !session) throw new Error(`no session ${sessionId}`);
        const next: Session = { ...session, ...change };
        const revision = (Item?.revision as number | undefined) ?? 0;
        const saved = await wins(
          ctx.doc.send(
            new PutCommand({
              TableName: ctx.tableName,
              Item: {
                ...keys.programme(),
                type: 'programme',
                version: ITEM_VERSION,
                revision: revision + 1,
                programme: {
                  ...programme,
                  sessions: programme.sessions.map((s) => (s.id === sessionId ? next : s)),
                },
              },
              ConditionExpression: 'attribute_not_exists(revision) OR revision = :r',
              ExpressionAttributeValues: { ':r': revision },
            }),
          ),
        );
        if (!saved) continue;
        cached = null;
        return next;
      }
    },
    async save(programme: Programme) {
      await ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: { ...keys.programme(), type: 'programme', version: ITEM_VERSION, programme },
        }),
      );
      cached = null;
    },
  };
}
