/**
 * `npm run verify -- <bundle directory> <key fingerprint>`: verifies an exported record offline, with no
 * AWS access. The bundle is a directory holding entries.jsonl, checkpoints.jsonl and public-key.pem
 * (docs/record.md). The fingerprint comes from elsewhere (the stack output, the organizer's letter): a
 * key that travels with the data proves nothing against an insider.
 *
 * Exit codes: 0 the record verifies; 1 it does not (the reason and where are printed); 2 the command was
 * used wrongly or the bundle cannot be read. Also built into one file an auditor runs with plain Node
 * (`npm run verify:bundle` → dist/floorpass-verify.mjs).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BundleError,
  type BundleTexts,
  bundleFileNames,
  bundleTextsFromTar,
  parseBundle,
} from '#domain/record-bundle.ts';
import { outsideChanges } from '#domain/record-source.ts';
import {
  describeInterval,
  type RecordBundle,
  type RecordReport,
  verifyRecord,
} from '#domain/record-verify.ts';

const usage = 'usage: verify <bundle archive (.tar) or directory> <key fingerprint (64 hex digits)>';

function stop(code: number, ...lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(code);
}

/** The bundle's three files, from its archive or from the directory it was unpacked to; or exit 2. */
function readBundleFiles(path: string): BundleTexts {
  try {
    if (statSync(path).isFile()) return bundleTextsFromTar(readFileSync(path));
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
  return texts;
}

function print(report: RecordReport, fingerprint: string) {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const last = report.lastCheckpoint;
  const tail =
    report.unproven.count === 0
      ? '  every entry is covered by a signed checkpoint'
      : `  ${report.unproven.count} entries after the last checkpoint cannot be proven yet (from ${report.unproven.since})`;
  if (report.ok) {
    out('floorpass verify: OK');
    out(`  origin ${report.origin ?? '(no checkpoint)'}, key fingerprint ${fingerprint}`);
    out(
      `  ${report.entries} entries in ${report.shards} shards; ${report.checkpoints} checkpoints, ` +
        (last ? `the last, ${last.index}, at ${last.time}` : 'none yet: nothing is signed'),
    );
    out('  every entry hash, chain link, checkpoint signature, checkpoint chain and Merkle root checks');
    out(tail);
    return;
  }
  const err = (line: string) => process.stderr.write(`${line}\n`);
  err('floorpass verify: FAILED');
  for (const failure of report.failures) {
    err(`  ${failure.problem}: ${failure.message}`);
  }
  const first = report.failures.find((f) => f.interval)?.interval;
  if (first) err(`  the first change falls ${describeInterval(first)}`);
  if (report.fingerprint) {
    err(`  ${report.entries} entries in ${report.shards} shards; ${report.checkpoints} checkpoints verified`);
  }
}

const [dir, fingerprint, ...extra] = process.argv.slice(2);
if (!dir || !fingerprint || extra.length > 0) stop(2, usage);
const files = readBundleFiles(dir);

let bundle: RecordBundle;
try {
  bundle = parseBundle(files);
} catch (error) {
  if (!(error instanceof BundleError)) throw error;
  stop(1, 'floorpass verify: FAILED', `  ${error.message}`);
}
const report = verifyRecord(bundle, fingerprint);
print(report, report.fingerprint ?? fingerprint);
// Not a break of the record (it recorded them faithfully), but what the auditor came for: the table's
// insert-only records edited or deleted outside floorpass.
const outside = outsideChanges(bundle.entries.map((e) => e.entry));
if (outside.length > 0) {
  const write = report.ok ? process.stdout : process.stderr;
  write.write(
    `  NOTE: ${outside.length} change(s) to insert-only records (ledger, audit, floor) were made outside floorpass and are on the record:\n`,
  );
  for (const o of outside.slice(0, 10)) {
    write.write(`    ${o.change} of ${o.key} (shard ${o.shard} seq ${o.seq}, recorded ${o.at})\n`);
  }
  if (outside.length > 10) write.write(`    … and ${outside.length - 10} more\n`);
}
process.exitCode = report.ok ? 0 : 1;
