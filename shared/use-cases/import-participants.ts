/**
 * Primary course: an organizer uploads the participant list (JSON array or CSV). Every row is
 * validated first — shape, known delegation, no email twice — and one bad row rejects the whole import
 * with its row number and reason, writing nothing. Then each row is upserted by email: a known email
 * updates that participant (name, delegation, role), a new one gets a new opaque id. Re-running the same
 * import changes nothing, and still answers every row's participant id (created, updated or unchanged).
 * The writes are all or nothing (the repository's saveImport: one import at a time, undone on a
 * conflict), and a refused import is audited as failed, having written nothing.
 */
import { DomainError, ValidationError } from '#domain/errors.ts';
import type { Identity } from '#domain/identity.ts';
import {
  type Participant,
  type ParticipantImportRow,
  participantImportRowSchema,
} from '#domain/participants.ts';
import { formatPath } from '#domain/programme.ts';
import type { ImportUpdate } from '#ports/repositories.ts';
import {
  type AttendeeLifecycleDeps,
  addCredentialChanges,
  noCredentialChanges,
  syncParticipantCredentials,
} from './attendee-lifecycle.ts';
import { requireOrganizer } from './authorize.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';

export interface ImportParticipantsDeps extends AuditDeps, AttendeeLifecycleDeps {}

export const MAX_IMPORT_ROWS = 5_000;

export async function importParticipants(
  deps: ImportParticipantsDeps,
  identity: Identity,
  rawRows: unknown[],
) {
  requireOrganizer(identity);
  if (rawRows.length === 0) throw new ValidationError('The import has no rows.', { field: 'body' });
  if (rawRows.length > MAX_IMPORT_ROWS) {
    throw new ValidationError(`An import takes at most ${MAX_IMPORT_ROWS} rows; split the file.`, {
      field: 'body',
    });
  }
  const rows = validateRows(rawRows);
  const delegations = await deps.delegations.getMany([...new Set(rows.map((r) => r.delegation))]);
  rows.forEach((row, i) => {
    if (!delegations.has(row.delegation)) rowError(i, 'delegation', `unknown delegation ${row.delegation}`);
  });

  const existing = await deps.participants.findManyByEmail(rows.map((r) => r.email));
  const now = deps.clock.now().toISOString();
  const creates: Participant[] = [];
  const updates: ImportUpdate[] = [];
  /** Every row's participant, in row order: a rerun still tells the caller each id. */
  const outcomes: { id: string; email: string; status: 'created' | 'updated' | 'unchanged' }[] = [];
  let unchanged = 0;
  rows.forEach((row, i) => {
    const current = existing.get(row.email);
    if (!current) {
      const id = deps.ids.participantId();
      outcomes.push({ id, email: row.email, status: 'created' });
      creates.push({
        id,
        name: row.name,
        email: row.email,
        delegationCode: row.delegation,
        role: row.role,
        revoked: false,
        inPersonSeat: null,
        credentialEpoch: 0,
        createdAt: now,
        updatedAt: now,
      });
      return;
    }
    if (current.name === row.name && current.delegationCode === row.delegation && current.role === row.role) {
      unchanged++;
      outcomes.push({ id: current.id, email: row.email, status: 'unchanged' });
      return;
    }
    if (current.inPersonSeat !== null && current.delegationCode !== row.delegation) {
      rowError(
        i,
        'delegation',
        `${row.email} holds the in-person seat of ${current.inPersonSeat}; release it first`,
      );
    }
    outcomes.push({ id: current.id, email: row.email, status: 'updated' });
    updates.push({
      previous: current,
      next: { ...current, name: row.name, delegationCode: row.delegation, role: row.role, updatedAt: now },
    });
  });

  const summary = { rows: rows.length, created: creates.length, updated: updates.length, unchanged };
  try {
    await deps.participants.saveImport(creates, updates);
  } catch (error) {
    // All or nothing: a refused import wrote nothing, and the trail says so (with why).
    if (error instanceof DomainError) {
      await recordAudit(deps, {
        actor: `organizer:${identity.email}`,
        action: 'participants.import',
        outcome: 'failed',
        code: error.code,
        details: { rows: rows.length, created: 0, updated: 0, ...error.details },
      });
    }
    throw error;
  }
  // A row that changed a role or a delegation changes what that person's live attendees may do.
  let credentials = noCredentialChanges();
  for (const u of updates) {
    credentials = addCredentialChanges(credentials, await syncParticipantCredentials(deps, u.next.id));
    await deps.participantChanged?.(u.next.id);
  }
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'participants.import',
    outcome: 'succeeded',
    details: { ...summary, credentials },
  });
  return { ...summary, credentials, participants: outcomes };
}

function validateRows(rawRows: unknown[]): ParticipantImportRow[] {
  const seen = new Map<string, number>();
  return rawRows.map((raw, i) => {
    const parsed = participantImportRowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      rowError(i, formatPath(issue?.path ?? []) || 'row', issue?.message ?? 'invalid row');
    }
    const row = parsed.data as ParticipantImportRow;
    const first = seen.get(row.email);
    if (first !== undefined) rowError(i, 'email', `${row.email} is also in row ${first + 1}`);
    seen.set(row.email, i);
    return row;
  });
}

function rowError(index: number, field: string, reason: string): never {
  throw new ValidationError(`Row ${index + 1}: ${field} ${reason}. Nothing was imported.`, {
    row: index + 1,
    field,
    reason,
  });
}
