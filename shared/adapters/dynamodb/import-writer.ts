import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#domain/errors.ts';
import type { Participant } from '#domain/participants.ts';
import type { ImportUpdate } from '#ports/repositories.ts';
import { cancellationReasons, type TableContext, wins, withConflictRetry } from './client.ts';
import { ITEM_VERSION, keys } from './keys.ts';

/**
 * A whole import, all or nothing, although a DynamoDB transaction holds at most 100 items and an import
 * up to 5,000 rows (10,000 items):
 *
 * 1. **One import at a time.** A lock item (a conditional put with a lease) is taken first; a second
 *    import meanwhile is refused with IMPORT_IN_PROGRESS before it writes anything.
 * 2. **Written in transactions of up to 100 items**, each of them conditional: a new email's link must
 *    not exist yet, an updated participant must still be as the import read it (its `updatedAt`).
 * 3. **Undone on failure.** If a transaction fails (an email taken or a participant changed by another
 *    writer in the meantime, a throttle), the transactions already written are undone in reverse
 *    order before the error is answered: the created participants and their email links are deleted,
 *    the updated ones put back, each undo conditional on the row being still as the import left it.
 *
 * The guarantee: when the import answers, either every row is written or none is, with one exception
 * that is reported rather than overwritten: a row that another writer changed after the import wrote it
 * and before it was undone keeps that writer's change (`notUndone` in the error). While an import runs
 * (seconds), readers can see the rows written so far.
 */
export function createImportWriter(ctx: TableContext) {
  /** Longer than the participants function's timeout (28 s), so a crashed import frees the lock. */
  const LEASE_MS = 60_000;

  async function lock(importId: string): Promise<void> {
    // The wall clock, not the event's: the lease is about a running function.
    const now = Date.now();
    const locked = await wins(
      ctx.doc.send(
        new PutCommand({
          TableName: ctx.tableName,
          Item: {
            ...keys.importLock(),
            type: 'import-lock',
            version: ITEM_VERSION,
            importId,
            leaseUntil: now + LEASE_MS,
            expiresAt: Math.ceil((now + LEASE_MS) / 1000) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      ),
    );
    if (!locked) {
      throw new ConflictError(
        'IMPORT_IN_PROGRESS',
        'Another import is running; nothing of this one was imported. Send it again when that one has finished.',
      );
    }
  }

  async function unlock(importId: string): Promise<void> {
    await wins(
      ctx.doc.send(
        new DeleteCommand({
          TableName: ctx.tableName,
          Key: keys.importLock(),
          ConditionExpression: 'importId = :id',
          ExpressionAttributeValues: { ':id': importId },
        }),
      ),
    );
  }

  const createOps = (p: Participant, toItem: (p: Participant) => Record<string, unknown>) => [
    {
      Put: {
        TableName: ctx.tableName,
        Item: { ...keys.email(p.email), type: 'email', version: ITEM_VERSION, participantId: p.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: ctx.tableName, Item: toItem(p), ConditionExpression: 'attribute_not_exists(pk)' } },
  ];

  const undoCreateOps = (p: Participant) => [
    {
      Delete: {
        TableName: ctx.tableName,
        Key: keys.email(p.email),
        ConditionExpression: 'participantId = :id',
        ExpressionAttributeValues: { ':id': p.id },
      },
    },
    {
      Delete: {
        TableName: ctx.tableName,
        Key: keys.participant(p.id),
        ConditionExpression: 'updatedAt = :u',
        ExpressionAttributeValues: { ':u': p.updatedAt },
      },
    },
  ];

  /** Sets what an import changes (name, delegation, role), if the row is still `expectedUpdatedAt`. */
  const setOp = (p: Participant, expectedUpdatedAt: string) => ({
    Update: {
      TableName: ctx.tableName,
      Key: keys.participant(p.id),
      // The credential epoch moves with every change (forward or undone): a join that decided on the row
      // as it was must decide again (shared/use-cases/attendee-lifecycle.ts).
      UpdateExpression:
        'SET #name = :name, delegationCode = :d, gsi1pk = :g, #role = :role, updatedAt = :u ADD credentialEpoch :one',
      ConditionExpression: 'attribute_exists(pk) AND updatedAt = :expected',
      ExpressionAttributeNames: { '#name': 'name', '#role': 'role' },
      ExpressionAttributeValues: {
        ':name': p.name,
        ':d': p.delegationCode,
        ':g': keys.participantsOfDelegation(p.delegationCode).gsi1pk,
        ':role': p.role,
        ':u': p.updatedAt,
        ':expected': expectedUpdatedAt,
        ':one': 1,
      },
    },
  });

  type Op =
    | ReturnType<typeof createOps>[number]
    | ReturnType<typeof undoCreateOps>[number]
    | ReturnType<typeof setOp>;
  const send = (ops: Op[]) =>
    withConflictRetry(() => ctx.doc.send(new TransactWriteCommand({ TransactItems: ops })));

  /** Undoes written batches, newest first; returns how many rows could not be undone. */
  async function undo(batches: Op[][]): Promise<number> {
    let notUndone = 0;
    for (const ops of [...batches].reverse()) {
      try {
        await send(ops);
      } catch (error) {
        if (!cancellationReasons(error)?.includes('ConditionalCheckFailed')) throw error;
        // Someone changed a row meanwhile: undo the others one by one, and leave that one as it is.
        for (const op of ops) {
          try {
            await send([op]);
          } catch (inner) {
            if (!cancellationReasons(inner)?.includes('ConditionalCheckFailed')) throw inner;
            notUndone++;
          }
        }
      }
    }
    return notUndone;
  }

  return async function saveImport(
    creates: Participant[],
    updates: ImportUpdate[],
    toItem: (p: Participant) => Record<string, unknown>,
  ): Promise<void> {
    const importId = randomUUID();
    await lock(importId);
    const written: Op[][] = [];
    try {
      // A new participant is two items (record and email link); an update one.
      const work: { kind: 'create' | 'update'; ops: Op[]; undo: Op[]; rows: string[] }[] = [];
      for (let i = 0; i < creates.length; i += 50) {
        const batch = creates.slice(i, i + 50);
        work.push({
          kind: 'create',
          ops: batch.flatMap((p) => createOps(p, toItem)),
          undo: batch.flatMap(undoCreateOps),
          rows: batch.flatMap((p) => [p.email, p.email]),
        });
      }
      for (let i = 0; i < updates.length; i += 100) {
        const batch = updates.slice(i, i + 100);
        work.push({
          kind: 'update',
          ops: batch.map((u) => setOp(u.next, u.previous.updatedAt)),
          undo: batch.map((u) => setOp(u.previous, u.next.updatedAt)),
          rows: batch.map((u) => u.next.email),
        });
      }
      for (const step of work) {
        try {
          await send(step.ops);
        } catch (error) {
          const notUndone = await undo(written);
          const at = cancellationReasons(error)?.indexOf('ConditionalCheckFailed') ?? -1;
          if (at < 0) throw error;
          const email = step.rows[at];
          const details = notUndone ? { notUndone } : {};
          if (step.kind === 'create' && at % 2 === 0) {
            throw new ConflictError(
              'EMAIL_IN_USE',
              `${email} was registered by someone else while this import ran; nothing was imported. Run the import again to update it.`,
              details,
            );
          }
          throw new ConflictError(
            'IMPORT_CONFLICT',
            `The participant ${email} changed while this import ran; nothing was imported. Run the import again.`,
            details,
          );
        }
        written.push(step.undo);
      }
    } finally {
      await unlock(importId);
    }
  };
}
