/**
 * Organizer course: the secretariat hands the event's record to an auditor (docs/record.md). The bundle
 * is one tar archive: the entries (JSON Lines), the signed checkpoints, the public key, the reports
 * recomputed from those entries (reports/, as of the export), and a README that says how to verify it
 * and that the key's fingerprint must come from elsewhere.
 *
 * The checkpoints are read before the entries: the chains only grow, so every entry a checkpoint covers
 * is in the export, however many are appended while it is read. The checkpoints come from the
 * checkpoint store (immutable in AWS), never from the table a tamperer could change. The reports come
 * from the exported entries, not from the live tables: the chain trails the tables by the stream's
 * delay, and the reports must be what an auditor recomputes from this bundle alone.
 */
import type { Identity } from '#domain/identity.ts';
import { parseCheckpointNote, type RecordEntry } from '#domain/record.ts';
import { manifestText, REPORTS_DIR, REPORTS_MANIFEST, type ReportFile } from '#domain/record-reports.ts';
import { writeTar } from '#domain/tar.ts';
import type {
  CheckpointSigner,
  CheckpointStore,
  ExportStore,
  RecordChains,
  RecordReplayer,
} from '#ports/record.ts';
import { requireOrganizer } from './authorize.ts';
import { type AuditDeps, recordAudit } from './record-audit.ts';
import { recordOrigin } from './record-checkpoint.ts';
import { recordReports } from './record-reports.ts';

export interface ExportRecordDeps extends AuditDeps {
  eventId: string;
  chains: RecordChains;
  store: CheckpointStore;
  signer: CheckpointSigner;
  exports: ExportStore;
  /** The exported entries replayed into tables, for the reports. */
  replay: RecordReplayer;
}

const encoder = new TextEncoder();
const jsonLines = (items: readonly unknown[]) =>
  encoder.encode(items.map((i) => `${JSON.stringify(i)}\n`).join(''));

const readme = (origin: string, exportedAt: string) => `floorpass record bundle
origin      ${origin}
exported at ${exportedAt}

entries.jsonl      every entry of the record, one JSON object a line, each shard in seq order
checkpoints.jsonl  the signed checkpoints, oldest first
public-key.pem     the public half of the key that signed them
reports/           the attendance of each session, the roll call and the interventions of each room
                   with a floor (CSV), computed from entries.jsonl alone as of the export;
                   reports/manifest.json says as of when. verify computes them again and compares

Verify it, with no AWS access:
  npm run verify -- <this archive or its directory> <key fingerprint>
  node floorpass-verify.mjs <this archive or its directory> <key fingerprint>

The key fingerprint is NOT in this bundle, on purpose: a key that travels with the data proves nothing
against whoever made the data. Take it from the event stack's RecordKeyFingerprint output or from the
secretariat's published notice. docs/record.md explains what verify proves and what it does not.
`;

/**
 * The reports of the exported entries, as of the export. Should they fail to compute, the record is
 * still exported, without reports and with the reason in the manifest: the export must never withhold
 * the record from its auditor, and `verify` then says what is wrong.
 */
async function reportsOf(
  deps: ExportRecordDeps,
  entries: readonly RecordEntry[],
  now: Date,
): Promise<{ files: ReportFile[]; omitted?: string }> {
  try {
    return { files: await recordReports(await deps.replay(entries), now) };
  } catch (error) {
    return { files: [], omitted: `the reports could not be computed: ${(error as Error).message}` };
  }
}

export async function exportRecord(deps: ExportRecordDeps, identity: Identity) {
  requireOrganizer(identity);
  const now = deps.clock.now();
  const exportedAt = now.toISOString();
  const origin = recordOrigin(deps.eventId);
  const checkpoints = await deps.store.list();
  const last = checkpoints.at(-1);
  const lastCheckpoint = last ? parseCheckpointNote(last.note) : null;
  const shardNames = new Set([
    ...(lastCheckpoint?.shards.map((s) => s.shard) ?? []),
    ...(await deps.chains.heads()).map((h) => h.shard),
  ]);
  const entries: RecordEntry[] = [];
  for (const shard of [...shardNames].sort()) entries.push(...(await deps.chains.entries(shard)));
  const publicKeyPem = await deps.signer.publicKeyPem();
  const reports = await reportsOf(deps, entries, now);

  const stamp = exportedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = `floorpass-record-${deps.eventId}-${stamp}`;
  const archive = writeTar(
    [
      { name: `${dir}/README.txt`, bytes: encoder.encode(readme(origin, exportedAt)) },
      { name: `${dir}/entries.jsonl`, bytes: jsonLines(entries) },
      { name: `${dir}/checkpoints.jsonl`, bytes: jsonLines(checkpoints) },
      { name: `${dir}/public-key.pem`, bytes: encoder.encode(publicKeyPem) },
      ...reports.files.map((r) => ({
        name: `${dir}/${REPORTS_DIR}/${r.name}`,
        bytes: encoder.encode(r.text),
      })),
      {
        name: `${dir}/${REPORTS_DIR}/${REPORTS_MANIFEST}`,
        bytes: encoder.encode(manifestText(now, reports.files, reports.omitted)),
      },
    ],
    now.getTime() / 1000,
  );
  const download = await deps.exports.put(`${dir}.tar`, archive, 'application/x-tar');
  const summary = {
    entries: entries.length,
    shards: shardNames.size,
    checkpoints: checkpoints.length,
    reports: reports.files.length,
    bytes: archive.length,
  };
  await recordAudit(deps, {
    actor: `organizer:${identity.email}`,
    action: 'record.export',
    outcome: 'succeeded',
    details: { ...summary, ...(reports.omitted ? { reportsOmitted: reports.omitted } : {}) },
  });
  return {
    origin,
    exportedAt,
    filename: `${dir}.tar`,
    ...download,
    ...summary,
    lastCheckpoint: lastCheckpoint
      ? { index: lastCheckpoint.index, time: lastCheckpoint.time, size: lastCheckpoint.size }
      : null,
    unproven: entries.length - (lastCheckpoint?.size ?? 0),
  };
}
