/**
 * Organizer course: when a delegation says it was kept out, the secretariat reads the decision and its
 * reason. The trail is insert-only; reads are newest first, filtered and paginated. Events that could
 * not be tied to a room or participant are listed here too, for follow-up.
 */
import type { Identity } from '#domain/identity.ts';
import type { AuditLog, AuditQuery, UnmatchedEventLog } from '#ports/repositories.ts';
import { requireOrganizer } from './authorize.ts';

export async function readAudit(deps: { audit: AuditLog }, identity: Identity, query: AuditQuery) {
  requireOrganizer(identity);
  return deps.audit.query(query);
}

export async function listUnmatchedEvents(
  deps: { unmatched: UnmatchedEventLog },
  identity: Identity,
  limit: number,
) {
  requireOrganizer(identity);
  const items = await deps.unmatched.list(limit);
  return { count: items.length, items };
}
