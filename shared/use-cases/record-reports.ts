/**
 * Auditor course (docs/record.md, "Reports"): the attendance of every session, the roll call and the
 * interventions of every room with a floor, recomputed from the record alone, by the very use cases the
 * API runs (sessionAttendance, rollCall, roomInterventions, each as CSV), over the tables the entries
 * leave (a RecordReplayer), as of one instant. The export adds them to the bundle; `verify` computes
 * them again from the bundle's entries and compares.
 *
 * The use cases' own needs, met without touching anything:
 * - the identity: a fixed organizer identity (requireOrganizer passes; it names no person);
 * - the clock: stopped at `asOf`, which is each report's "as of";
 * - the audit record each export appends: dropped. The replayed tables are read, never written, so
 *   the reports come from the entries alone and computing them twice gives the same files; the live
 *   export is audited once, by exportRecord, with the number of reports.
 */
import type { Identity } from '#domain/identity.ts';
import type { ReportFile } from '#domain/record-reports.ts';
import type { IdGenerator } from '#ports/ids.ts';
import type { ReplayedTables } from '#ports/record.ts';
import type { AuditLog } from '#ports/repositories.ts';
import { rollCall, sessionAttendance } from './attendance-reports.ts';
import { roomInterventions } from './floor.ts';

/** Who the replay's reports are run as: an organizer, and nobody in particular. */
export const replayIdentity: Identity = {
  subject: 'floorpass-record-replay',
  email: 'record-replay@floorpass.invalid',
  isOrganizer: true,
};

/** Reads of the replayed audit trail; an append (a report's own export record) is dropped. */
const readOnly = (audit: AuditLog): AuditLog => ({
  append: async () => {},
  recent: (limit) => audit.recent(limit),
  issuedIn: (sessionId, participantId) => audit.issuedIn(sessionId, participantId),
  query: (query) => audit.query(query),
});

/** Ids for records that are dropped: nothing the reports contain is drawn from them. */
const replayIds: IdGenerator = {
  participantId: () => 'p_replay',
  placementNonce: () => 'replay',
  auditId: (now) => `replay-${now.getTime()}`,
};

const csvOf = (out: object): ReportFile => {
  if (!('csv' in out) || !('filename' in out)) throw new Error('a report asked for as CSV came back as JSON');
  return { name: String(out.filename), text: String(out.csv) };
};

/**
 * Every report, as CSV, as of `asOf`: one attendance file per session in programme order, the roll call,
 * then one interventions file per room with a floor. None when no programme is on record.
 */
export async function recordReports(tables: ReplayedTables, asOf: Date): Promise<ReportFile[]> {
  const programme = await tables.programme.get();
  if (!programme) return [];
  const deps = {
    ...tables,
    audit: readOnly(tables.audit),
    clock: { now: () => new Date(asOf.getTime()) },
    ids: replayIds,
  };
  const files: ReportFile[] = [];
  for (const session of programme.sessions) {
    files.push(csvOf(await sessionAttendance(deps, replayIdentity, session.id, 'csv')));
  }
  files.push(csvOf(await rollCall(deps, replayIdentity, { format: 'csv' })));
  for (const session of programme.sessions.filter((s) => s.floor)) {
    files.push(csvOf(await roomInterventions(deps, replayIdentity, session.id, 'csv')));
  }
  return files;
}
