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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEntry, type SignedCheckpoint } from '#domain/record.ts';
import {
  describeInterval,
  type LocatedEntry,
  type RecordReport,
  verifyRecord,
} from '#domain/record-verify.ts';

const usage = 'usage: verify <bundle directory> <key fingerprint (64 hex digits)>';

function stop(code: number, ...lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(code);
}

/** The bundle's three files, or exit 2 naming the one that cannot be read. */
function readBundleFiles(dir: string) {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      return stop(2, `floorpass verify: cannot read ${join(dir, name)}: ${reason}`, usage);
    }
  };
  return {
    entries: read('entries.jsonl'),
    checkpoints: read('checkpoints.jsonl'),
    key: read('public-key.pem'),
  };
}

/** Non-empty lines with their 1-based line numbers, parsed as JSON; a line that is not JSON fails the record. */
function jsonLines(file: string, text: string): { value: unknown; line: number }[] {
  const out: { value: unknown; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ value: JSON.parse(raw), line: i + 1 });
    } catch {
      stop(1, 'floorpass verify: FAILED', `  ${file} line ${i + 1} is not JSON: the record was altered`);
    }
  });
  return out;
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

const entries: LocatedEntry[] = jsonLines('entries.jsonl', files.entries).map(({ value, line }) => {
  const entry = readEntry(value);
  if (typeof entry === 'string') {
    return stop(1, 'floorpass verify: FAILED', `  entries.jsonl line ${line} is not an entry: ${entry}`);
  }
  return { entry, line };
});
const checkpoints = jsonLines('checkpoints.jsonl', files.checkpoints).map(({ value, line }) => {
  const c = value as Partial<SignedCheckpoint> | null;
  if (typeof c?.note !== 'string' || typeof c.signature !== 'string') {
    return stop(1, 'floorpass verify: FAILED', `  checkpoints.jsonl line ${line} is not a signed checkpoint`);
  }
  return { checkpoint: { note: c.note, signature: c.signature }, line };
});

const report = verifyRecord({ entries, checkpoints, publicKeyPem: files.key }, fingerprint);
print(report, report.fingerprint ?? fingerprint);
process.exitCode = report.ok ? 0 : 1;
