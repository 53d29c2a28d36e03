import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Delegation, delegationCategories } from '#domain/delegations.ts';
import type { DelegationRepository } from '#ports/repositories.ts';
import { type TableContext, wins } from './client.ts';
import { delegationFromItem } from './items.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { batchGetAll, queryGroup } from './query.ts';

const toItem = (d: Delegation) => ({
  ...keys.delegation(d.code),
  ...keys.delegationsOfCategory(d.category),
  gsi1sk: d.code,
  type: 'delegation',
  version: ITEM_VERSION,
  code: d.code,
  name: d.name,
  category: d.category,
  regionalGroup: d.regionalGroup,
});

/**
 * A delegation never changes once created (code, name and category are fixed), so a warm function
 * keeps what it has read: a join then reads its delegation from memory.
 */
export function createDelegationRepository(ctx: TableContext): DelegationRepository {
  const known = new Map<string, Delegation>();

  const getMany = async (codes: string[]): Promise<Map<string, Delegation>> => {
    const found = new Map<string, Delegation>();
    const missing = codes.filter((c) => {
      const hit = known.get(c);
      if (hit) found.set(c, hit);
      return !hit;
    });
    for (const item of await batchGetAll(ctx, missing.map(keys.delegation))) {
      const d = delegationFromItem(item);
      known.set(d.code, d);
      found.set(d.code, d);
    }
    return found;
  };

  return {
    getMany,
    async get(code) {
      return (await getMany([code])).get(code) ?? null;
    },
    async list(category) {
      const categories = category ? [category] : delegationCategories;
      const lists = await Promise.all(
        categories.map((c) => queryGroup(ctx, keys.delegationsOfCategory(c).gsi1pk)),
      );
      return lists.flat().map(delegationFromItem);
    },
    async create(delegation) {
      return wins(
        ctx.doc.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: toItem(delegation),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async seed(delegations) {
      const existing = await getMany(delegations.map((d) => d.code));
      const fresh = delegations.filter((d) => !existing.has(d.code));
      for (let i = 0; i < fresh.length; i += 25) {
        let request: Record<string, unknown[]> | undefined = {
          [ctx.tableName]: fresh.slice(i, i + 25).map((d) => ({ PutRequest: { Item: toItem(d) } })),
        };
        while (request && Object.keys(request).length > 0) {
          const out = await ctx.doc.send(new BatchWriteCommand({ RequestItems: request as never }));
          request = out.UnprocessedItems as typeof request;
        }
      }
      return fresh.length;
    },
  };
}
