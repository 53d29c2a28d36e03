/**
 * Primary course: an organizer uploads the participant list (JSON array or CSV). Every row is
 * validated first — shape, known delegation, no email twice, no seat holder moved to another delegation —
 * and any bad row rejects the whole import, writing nothing; the refusal lists every bad row (up to
 * MAX_REPORTED_ROW_ERRORS), the first one's row, field and reason also at the top, as before. Then
 * each row is upserted by email: a known email updates that participant (name, delegation, role), a new
 * one gets a new opaque id. Re-running the same
 * import changes nothing, and still answers every row's participant id (created, updated or unchanged).
 * The writes are all or nothing (the repository's saveImport: one import at a time, undone on a
 * conflict), and a refused import is audited as failed, having written nothing.
 *
 * A dry run makes every one of those checks and writes nothing: it answers what the import would do
 * (created, updated, unchanged) or the same refusal. It is not audited: it changes nothing and reads
 * nothing the organizer may not read, and a person fixing a file checks it many times.
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
/** A refusal lists at most this many bad rows (and says when there were more). */
export const MAX_REPORTED_ROW_ERRORS = 1_000;

/**
 * Why a row was refused, for a client to translate: `invalid` (a field's shape; `reason` says how),
 * `duplicate` (the email is in an earlier row, `otherRow`), `unknownDelegation`, `seatHolder` (the email
 * holds its State's in-person seat and the row moves it to another delegation).
 */
export type RowErrorKind = 'invalid' | 'duplicate' | 'unknownDelegation' | 'seatHolder';
export interface RowError {
  /** Data rows count from 1. */
  row: number;
  field: string;
  kind: RowErrorKind;
  reason: string;
  otherRow?: number;
}

export async function importParticipants(
  deps: ImportParticipantsDeps,
  identity: Identity,
  rawRows: unknown[],
) {
  const plan = await planImport(deps, identity, rawRows);
  if (plan.errors.length > 0) {
    const refusal = rowErrors(plan.errors);
    await auditRefusal(deps, identity, rawRows.length, refusal);
    throw refusal;
  }
  const { summary, creates, updates, outcomes } = plan;
  try {
    await deps.participants.saveImport(creates, updates);
  } catch (error) {
    // All or nothing: a refused import wrote nothing, and the trail says so (with why).
    if (error instanceof DomainError) await auditRefusal(deps, identity, summary.rows, error);
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

/** The same checks as importParticipants, nothing written: what the import would do, or its refusal. */
export async function checkParticipantImport(
  deps: ImportParticipantsDeps,
  identity: Identity,
  rawRows: unknown[],
) {
  const plan = await planImport(deps, identity, rawRows);
  if (plan.errors.length > 0) throw rowErrors(plan.errors);
  return { dryRun: true as const, ...plan.summary };
}

async function auditRefusal(
  deps: ImportParticipantsDeps,
  identity: Identity,
  rows: number,
  error: DomainError,
) {
  const { errors: _list, reason: _reason, ...details } = error.details ?? {};
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'participants.import',
    outcome: 'failed',
    code: error.code,
    details: { rows, created: 0, updated: 0, ...details },
  });
}

/** Every row checked against the shape, the delegations and the stored participants; nothing written. */
async function planImport(deps: ImportParticipantsDeps, identity: Identity, rawRows: unknown[]) {
  requireOrganizer(identity);
  if (rawRows.length === 0) throw new ValidationError('The import has no rows.', { field: 'body' });
  if (rawRows.length > MAX_IMPORT_ROWS) {
    throw new ValidationError(`An import takes at most ${MAX_IMPORT_ROWS} rows; split the file.`, {
      field: 'body',
    });
  }
  const { rows, errors } = validateRows(rawRows);
  const valid = rows.flatMap((row, i) => (row ? [{ row, i }] : []));
  const delegations = await deps.delegations.getMany([...new Set(valid.map(({ row }) => row.delegation))]);
  for (const { row, i } of valid) {
    if (!delegations.has(row.delegation)) {
      errors.push({
        row: i + 1,
        field: 'delegation',
        kind: 'unknownDelegation',
        reason: `unknown delegation ${row.delegation}`,
      });
    }
  }

  const existing = await deps.participants.findManyByEmail(valid.map(({ row }) => row.email));
  const now = deps.clock.now().toISOString();
  const creates: Participant[] = [];
  const updates: ImportUpdate[] = [];
  /** Every row's participant, in row order: a rerun still tells the caller each id. */
  const outcomes: { id: string; email: string; status: 'created' | 'updated' | 'unchanged' }[] = [];
  let created = 0;
  let unchanged = 0;
  for (const { row, i } of valid) {
    const current = existing.get(row.email);
    if (!current) {
      created++;
      if (errors.length > 0) continue; // refused anyway: mint no id
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
      continue;
    }
    if (current.name === row.name && current.delegationCode === row.delegation && current.role === row.role) {
      unchanged++;
      outcomes.push({ id: current.id, email: row.email, status: 'unchanged' });
      continue;
    }
    if (current.inPersonSeat !== null && current.delegationCode !== row.delegation) {
      errors.push({
        row: i + 1,
        field: 'delegation',
        kind: 'seatHolder',
        reason: `${row.email} holds the in-person seat of ${current.inPersonSeat}; release it first`,
      });
      continue;
    }
    outcomes.push({ id: current.id, email: row.email, status: 'updated' });
    updates.push({
      previous: current,
      next: { ...current, name: row.name, delegationCode: row.delegation, role: row.role, updatedAt: now },
    });
  }
  errors.sort((a, b) => a.row - b.row);
  const summary = { rows: rows.length, created, updated: updates.length, unchanged };
  return { errors, summary, creates, updates, outcomes };
}

function validateRows(rawRows: unknown[]): { rows: (ParticipantImportRow | null)[]; errors: RowError[] } {
  const seen = new Map<string, number>();
  const errors: RowError[] = [];
  const rows = rawRows.map((raw, i) => {
    const parsed = participantImportRowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      errors.push({
        row: i + 1,
        field: formatPath(issue?.path ?? []) || 'row',
        kind: 'invalid',
        reason: issue?.message ?? 'invalid row',
      });
      return null;
    }
    const row = parsed.data;
    const first = seen.get(row.email);
    if (first !== undefined) {
      errors.push({
        row: i + 1,
        field: 'email',
        kind: 'duplicate',
        reason: `${row.email} is also in row ${first + 1}`,
        otherRow: first + 1,
      });
      return null;
    }
    seen.set(row.email, i);
    return row;
  });
  return { rows, errors };
}

/**
 * One refusal for every bad row: the first one's row, field and reason at the top (as clients read them
 * before the list existed), the list in `errors`, capped, with `errorCount` and `truncated`.
 */
function rowErrors(errors: RowError[]): ValidationError {
  const first = errors[0] as RowError;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more row errors)` : '';
  return new ValidationError(
    `Row ${first.row}: ${first.field} ${first.reason}${more}. Nothing was imported.`,
    {
      row: first.row,
      field: first.field,
      reason: first.reason,
      errors: errors.slice(0, MAX_REPORTED_ROW_ERRORS),
      errorCount: errors.length,
      truncated: errors.length > MAX_REPORTED_ROW_ERRORS,
    },
  );
}
