/**
 * `npm run verify -- <bundle directory> <key fingerprint>`: verifies an exported record offline, with no
 * AWS access. The bundle is a directory holding entries.jsonl, checkpoints.jsonl and public-key.pem
 * (docs/record.md). The fingerprint comes from elsewhere (the stack output, the organizer's letter): a
 * key that travels with the data proves nothing against an insider.
 *
 * When the record verifies and the bundle carries reports (reports/, docs/record.md), the reports are
 * computed again from the entries, by the same code as the API's, and compared byte for byte.
 *
 * Exit codes: 0 the record verifies (and its reports match); 1 it does not, or a report differs (the
 * reason and where are printed); 2 the command was used wrongly or the bundle cannot be read. Also built into one file an auditor runs with plain Node
 * (`npm run verify:bundle` → dist/floorpass-verify.mjs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { replayRecord } from '#adapters/memory/record-replay.ts';
import {
  BundleError,
  type BundleReports,
  type BundleTexts,
  bundleFileNames,
  bundleFromTar,
  bundleReports,
  parseBundle,
} from '#domain/record-bundle.ts';
import { compareReports, REPORTS_DIR, REPORTS_MANIFEST, readManifest } from '#domain/record-reports.ts';
import { outsideChanges } from '#domain/record-source.ts';
import {
  describeInterval,
  type RecordBundle,
  type RecordReport,
  verifyRecord,
} from '#domain/record-verify.ts';
import { recordReports } from '#use-cases/record-reports.ts';

const usage = 'usage: verify <bundle archive (.tar) or directory> <key fingerprint (64 hex digits)>';

function stop(code: number, ...lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(code);
}

interface BundleFiles {
  texts: BundleTexts;
  reports: BundleReports | null;
}

/** The files of a directory's reports/, or null when it has none. */
function readReportsDir(dir: string): BundleReports | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const files = names
    .filter((name) => statSync(join(dir, name)).isFile())
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
  return bundleReports(files);
}

/** The bundle's files, from its archive or from the directory it was unpacked to; or exit 2. */
function readBundleFiles(path: string): BundleFiles {
  try {
    if (statSync(path).isFile()) return bundleFromTar(readFileSync(path));
  } catch (error) {
    if (error instanceof BundleError) return stop(2, `floorpass verify: ${path}: ${error.message}`, usage);
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file or directory'
        : (error as Error).message;
    return stop(2, `floorpass verify: cannot read ${path}: ${reason}`, usage);
  }
  const texts = {} as BundleTexts;
  for (const name of bundleFileNames) {
    try {
      texts[name] = readFileSync(join(path, name), 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      return stop(2, `floorpass verify: cannot read ${join(path, name)}: ${reason}`, usage);
    }
  }
  try {
    return { texts, reports: readReportsDir(join(path, REPORTS_DIR)) };
  } catch (error) {
    return stop(2, `floorpass verify: cannot read ${join(path, REPORTS_DIR)}: ${(error as Error).message}`);
  }
}

/** What came of recomputing the bundle's reports from its entries. */
type ReportsCheck =
  | { outcome: 'none' }
  | { outcome: 'match'; count: number; asOf: string; unreplayed: readonly { shard: string; seq: number }[] }
  | { outcome: 'mismatch'; problems: string[] };

async function checkReports(bundle: RecordBundle, reports: BundleReports | null): Promise<ReportsCheck> {
  if (!reports) return { outcome: 'none' };
  if (!reports.manifest) {
    return { outcome: 'mismatch', problems: [`${REPORTS_DIR}/ holds no ${REPORTS_MANIFEST}`] };
  }
  const manifest = readManifest(reports.manifest);
  if (typeof manifest === 'string') return { outcome: 'mismatch', problems: [manifest] };
  const tables = await replayRecord(bundle.entries.map((e) => e.entry));
  const recomputed = await recordReports(tables, new Date(manifest.asOf));
  const problems = compareReports({ manifest, files: reports.files }, recomputed).map((m) => m.message);
  if (problems.length && manifest.omitted)
    problems.push(`the export left the reports out: ${manifest.omitted}`);
  return problems.length
    ? { outcome: 'mismatch', problems }
    : { outcome: 'match', count: recomputed.length, asOf: manifest.asOf, unreplayed: tables.unreplayed };
}

function print(report: RecordReport, fingerprint: string, reports: ReportsCheck | null, hasReports: boolean) {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const last = report.lastCheckpoint;
  const tail =
    report.unproven.count === 0
      ? '  every entry is covered by a signed checkpoint'
      : `  ${report.unproven.count} entries after the last checkpoint cannot be proven yet (from ${report.unproven.since})`;
  const counts =
    `  ${report.entries} entries in ${report.shards} shards; ${report.checkpoints} checkpoints, ` +
    (last ? `the last, ${last.index}, at ${last.time}` : 'none yet: nothing is signed');
  if (report.ok && reports?.outcome === 'mismatch') {
    err('floorpass verify: FAILED');
    for (const problem of reports.problems) err(`  reports: ${problem}`);
    err(`  the record itself verifies (${counts.trim()}), but the reports above do not follow from it`);
    return;
  }
  if (report.ok) {
    out('floorpass verify: OK');
    out(`  origin ${report.origin ?? '(no checkpoint)'}, key fingerprint ${fingerprint}`);
    out(counts);
    out('  every entry hash, chain link, checkpoint signature, checkpoint chain and Merkle root checks');
    out(tail);
    if (reports?.outcome === 'match') {
      out(`  reports: ${reports.count} recomputed from the entries; all match (as of ${reports.asOf})`);
      const skipped = reports.unreplayed;
      if (skipped.length) {
        const shards = [...new Set(skipped.map((u) => u.shard))].join(', ');
        out(
          `  reports: ${skipped.length} entries are no change of the table and were not replayed (${shards})`,
        );
      }
    } else {
      out(
        `  reports: none included in this bundle (no ${REPORTS_DIR}/: an older export, or a directory without it)`,
      );
    }
    return;
  }
  err('floorpass verify: FAILED');
  for (const failure of report.failures) {
    err(`  ${failure.problem}: ${failure.message}`);
  }
  const first = report.failures.find((f) => f.interval)?.interval;
  if (first) err(`  the first change falls ${describeInterval(first)}`);
  if (report.fingerprint) {
    err(`  ${report.entries} entries in ${report.shards} shards; ${report.checkpoints} checkpoints verified`);
  }
  if (hasReports) err('  the reports were not recomputed: the record itself does not verify');
}

const [dir, fingerprint, ...extra] = process.argv.slice(2);
if (!dir || !fingerprint || extra.length > 0) stop(2, usage);
const files = readBundleFiles(dir);

let bundle: RecordBundle;
try {
  bundle = parseBundle(files.texts);
} catch (error) {
  if (!(error instanceof BundleError)) throw error;
  stop(1, 'floorpass verify: FAILED', `  ${error.message}`);
}
const report = verifyRecord(bundle, fingerprint);
// The reports are recomputed only from a record that verifies: from any other, they would prove nothing.
const reports = report.ok ? await checkReports(bundle, files.reports) : null;
print(report, report.fingerprint ?? fingerprint, reports, files.reports !== null);
const ok = report.ok && reports?.outcome !== 'mismatch';
// Not a break of the record (it recorded them faithfully), but what the auditor came for: the table's
// insert-only records edited or deleted outside floorpass.
const outside = outsideChanges(bundle.entries.map((e) => e.entry));
if (outside.length > 0) {
  const write = ok ? process.stdout : process.stderr;
  write.write(
    `  NOTE: ${outside.length} change(s) to insert-only records (ledger, audit, floor) were made outside floorpass and are on the record:\n`,
  );
  for (const o of outside.slice(0, 10)) {
    write.write(`    ${o.change} of ${o.key} (shard ${o.shard} seq ${o.seq}, recorded ${o.at})\n`);
  }
  if (outside.length > 10) write.write(`    … and ${outside.length - 10} more\n`);
}
process.exitCode = ok ? 0 : 1;
