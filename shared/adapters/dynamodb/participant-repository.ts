import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#domain/errors.ts';
import { isFiltering, MAX_EMAIL_LENGTH, type Participant, participantMatcher } from '#domain/participants.ts';
import type { ParticipantRepository } from '#ports/repositories.ts';
import { cancellationReasons, type TableContext, wins, withConflictRetry } from './client.ts';
import { createImportWriter } from './import-writer.ts';
import { participantFromItem } from './items.ts';
import { ITEM_VERSION, keys } from './keys.ts';
import { batchGetAll, decodeCursor, encodeCursor, queryAll, withCursor } from './query.ts';

const toItem = (p: Participant) => ({
  ...keys.participant(p.id),
  ...keys.participantsOfDelegation(p.delegationCode),
  gsi1sk: p.id,
  ...keys.allParticipants(),
  gsi2sk: p.id,
  type: 'participant',
  version: ITEM_VERSION,
  id: p.id,
  name: p.name,
  email: p.email,
  delegationCode: p.delegationCode,
  role: p.role,
  revoked: p.revoked,
  inPersonSeat: p.inPersonSeat,
  credentialEpoch: p.credentialEpoch,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

const emailItem = (email: string, participantId: string) => ({
  ...keys.email(email),
  type: 'email',
  version: ITEM_VERSION,
  participantId,
});

/** A filtered list reads at most this many participants for one page (about 300 KB of items). */
const DEFAULT_SCAN_LIMIT = 1_000;
const FILTERED_CHUNK = 250;

export function createParticipantRepository(ctx: TableContext): ParticipantRepository {
  // email → id never changes for an id, and a stale entry is caught by comparing the record's email,
  // so a warm function skips the email-link read on every join after the first.
  const idByEmail = new Map<string, string>();

  let emailIndexLoaded = false;
  const listAll = async (): Promise<Participant[]> => {
    const items = await queryAll(ctx, {
      IndexName: 'byType',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.allParticipants().gsi2pk },
    });
    return items.map(participantFromItem);
  };

  const get = async (id: string): Promise<Participant | null> => {
    const { Item } = await ctx.doc.send(
      new GetCommand({ TableName: ctx.tableName, Key: keys.participant(id), ConsistentRead: true }),
    );
    return Item ? participantFromItem(Item) : null;
  };

  const resolveId = async (email: string): Promise<string | null> => {
    // An identity provider's email claim can be longer than any participant's email, and than a key may
    // be (2,048 bytes): nobody is registered with it, and DynamoDB is not asked.
    if (email.length > MAX_EMAIL_LENGTH) return null;
    const { Item } = await ctx.doc.send(
      new GetCommand({ TableName: ctx.tableName, Key: keys.email(email), ConsistentRead: true }),
    );
    return (Item?.participantId as string | undefined) ?? null;
  };

  const updateItem = (p: Participant, extraCondition = '') => ({
    Update: {
      TableName: ctx.tableName,
      Key: keys.participant(p.id),
      // The seat is owned by the seat repository's transactions; an update never writes it. Every
      // update moves the credential epoch: a join that decided on the record as it was must decide again.
      UpdateExpression:
        'SET #name = :name, email = :email, delegationCode = :d, gsi1pk = :g, #role = :role, revoked = :rev, updatedAt = :u ADD credentialEpoch :one',
      ConditionExpression: `attribute_exists(pk)${extraCondition}`,
      ExpressionAttributeNames: { '#name': 'name', '#role': 'role' },
      ExpressionAttributeValues: {
        ':name': p.name,
        ':email': p.email,
        ':d': p.delegationCode,
        ':g': keys.participantsOfDelegation(p.delegationCode).gsi1pk,
        ':role': p.role,
        ':rev': p.revoked,
        ':u': p.updatedAt,
        ':one': 1,
      },
    },
  });

  const saveImport = createImportWriter(ctx);

  return {
    get,
    async idForEmail(email) {
      const cached = idByEmail.get(email);
      if (cached) return cached;
      if (!emailIndexLoaded) {
        // Once per instance: the whole email → id index in a few pages, so that a stampede of first
        // joins costs no extra read each. Later registrants are looked up one by one.
        emailIndexLoaded = true;
        const links = await queryAll(ctx, {
          IndexName: 'byType',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.allParticipants().gsi2pk },
          // Only what the link needs: no names kept in memory.
          ProjectionExpression: 'id, email',
        });
        for (const link of links) idByEmail.set(link.email as string, link.id as string);
        const hit = idByEmail.get(email);
        if (hit) return hit;
      }
      const id = await resolveId(email);
      if (id) idByEmail.set(email, id);
      return id;
    },
    forgetEmail(email) {
      idByEmail.delete(email);
    },
    listAll,
    async getMany(ids) {
      const items = await batchGetAll(ctx, [...new Set(ids)].map(keys.participant));
      return new Map(items.map(participantFromItem).map((p) => [p.id, p]));
    },
    async findByEmail(email) {
      const cachedId = idByEmail.get(email);
      if (cachedId) {
        const p = await get(cachedId);
        if (p && p.email === email) return p;
        idByEmail.delete(email);
      }
      const id = await resolveId(email);
      if (!id) return null;
      const p = await get(id);
      if (p && p.email === email) {
        idByEmail.set(email, id);
        return p;
      }
      return null;
    },
    async findManyByEmail(emails) {
      const links = await batchGetAll(ctx, emails.map(keys.email));
      const records = await batchGetAll(
        ctx,
        links.map((link) => keys.participant(link.participantId as string)),
      );
      return new Map(records.map(participantFromItem).map((p) => [p.email, p]));
    },
    saveImport: (creates, updates) => saveImport(creates, updates, toItem),
    async update(next, previousEmail) {
      if (next.email === previousEmail) {
        await withConflictRetry(() =>
          ctx.doc.send(new TransactWriteCommand({ TransactItems: [updateItem(next)] })),
        );
        return;
      }
      try {
        await withConflictRetry(() =>
          ctx.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                updateItem(next),
                {
                  Put: {
                    TableName: ctx.tableName,
                    Item: emailItem(next.email, next.id),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Delete: {
                    TableName: ctx.tableName,
                    Key: keys.email(previousEmail),
                    ConditionExpression: 'participantId = :id',
                    ExpressionAttributeValues: { ':id': next.id },
                  },
                },
              ],
            }),
          ),
        );
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[1] === 'ConditionalCheckFailed') {
          throw new ConflictError('EMAIL_IN_USE', `Another participant is registered with ${next.email}.`);
        }
        // The old email no longer links to this participant: another change of them ran meanwhile.
        if (reasons?.[2] === 'ConditionalCheckFailed') {
          throw new ConflictError(
            'PARTICIPANT_CHANGED',
            'The participant was changed by someone else meanwhile; nothing of this change was written. Read them again and retry.',
          );
        }
        throw error;
      }
      idByEmail.delete(previousEmail);
    },
    async touch(id) {
      await wins(
        ctx.doc.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: keys.participant(id),
            UpdateExpression: 'ADD credentialEpoch :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      );
    },
    async list({ delegationCode, limit, cursor, filter = {}, scanLimit = DEFAULT_SCAN_LIMIT }) {
      const index = delegationCode
        ? {
            IndexName: 'byGroup',
            pk: 'gsi1pk',
            sk: 'gsi1sk',
            value: keys.participantsOfDelegation(delegationCode).gsi1pk,
          }
        : { IndexName: 'byType', pk: 'gsi2pk', sk: 'gsi2sk', value: keys.allParticipants().gsi2pk };
      const keyAttributes = ['pk', 'sk', index.pk, index.sk];
      let start = decodeCursor(cursor, { attributes: keyAttributes, fixed: { [index.pk]: index.value } });
      const matches = participantMatcher(filter);
      // Without a filter, one query of `limit` items. With one, read on in chunks until the page is
      // full, the list ends or `scanLimit` participants were read; a page that fills in the middle of a
      // chunk ends at its last participant's key, so the next page starts right after it.
      const chunk = isFiltering(filter) ? Math.max(limit, FILTERED_CHUNK) : limit;
      const items: Participant[] = [];
      let read = 0;
      do {
        const out = await withCursor(cursor, () =>
          ctx.doc.send(
            new QueryCommand({
              TableName: ctx.tableName,
              IndexName: index.IndexName,
              KeyConditionExpression: `${index.pk} = :pk`,
              ExpressionAttributeValues: { ':pk': index.value },
              Limit: Math.min(chunk, Math.max(1, scanLimit - read)),
              ExclusiveStartKey: start,
            }),
          ),
        );
        const got = out.Items ?? [];
        read += got.length;
        for (const [i, item] of got.entries()) {
          const participant = participantFromItem(item);
          if (!matches(participant)) continue;
          items.push(participant);
          if (items.length === limit) {
            const more = i < got.length - 1 || out.LastEvaluatedKey !== undefined;
            const last = Object.fromEntries(keyAttributes.map((a) => [a, item[a]]));
            return { items, nextCursor: more ? encodeCursor(last) : null };
          }
        }
        start = out.LastEvaluatedKey;
      } while (start && read < scanLimit);
      return { items, nextCursor: encodeCursor(start) };
    },
  };
}
