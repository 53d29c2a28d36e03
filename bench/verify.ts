/**
 * `npm run bench -- verify [--entries 100000]`: how long `verify` takes on a large bundle. A signed record
 * of N entries over 10 shards, a checkpoint every 5,000, is written as the export's archive; then the
 * one-file verifier (the auditor's, dist/floorpass-verify.mjs built now) runs on it as a separate Node
 * process, three times. Prints seconds and entries per second.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTar } from '#domain/tar.ts';
import { buildRecord } from '../test/support/record-fixture.ts';
import { round, table } from './stats.ts';

export async function verifyBench(options: { entries: number }) {
  const shards = Array.from({ length: 10 }, (_, i) => (i < 4 ? `audit.${i}` : `ledger.session-${i - 3}`));
  const rounds = Math.ceil(options.entries / shards.length);
  const t0 = performance.now();
  const record = buildRecord({ shards, rounds, checkpointEvery: 500, tail: 2 });
  const buildSeconds = (performance.now() - t0) / 1000;
  const dir = mkdtempSync(join(tmpdir(), 'floorpass-verify-bench-'));
  const lines = (items: readonly unknown[]) =>
    new TextEncoder().encode(items.map((i) => `${JSON.stringify(i)}\n`).join(''));
  const archive = join(dir, 'record.tar');
  writeFileSync(
    archive,
    writeTar(
      [
        { name: 'bundle/entries.jsonl', bytes: lines(record.entries) },
        { name: 'bundle/checkpoints.jsonl', bytes: lines(record.checkpoints) },
        { name: 'bundle/public-key.pem', bytes: new TextEncoder().encode(record.publicKeyPem) },
      ],
      Date.now() / 1000,
    ),
  );
  const verifier = join(dir, 'floorpass-verify.mjs');
  execFileSync(process.execPath, ['--import', 'tsx', 'local/bundle-verify.ts', verifier], {
    stdio: 'ignore',
  });
  const runs: number[] = [];
  let output = '';
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const run = spawnSync(process.execPath, [verifier, archive, record.fingerprint], { encoding: 'utf8' });
    runs.push((performance.now() - start) / 1000);
    if (run.status !== 0) throw new Error(`verify failed (exit ${run.status}): ${run.stderr}`);
    output = run.stdout;
  }
  const best = Math.min(...runs);
  const median = [...runs].sort((a, b) => a - b)[1] as number;
  console.log(
    `\nverify on one archive: ${record.entries.length} entries in ${shards.length} shards, ${record.checkpoints.length} checkpoints, ${round(statSync(archive).size / 1e6, 1)} MB (the record built and signed in ${round(buildSeconds, 1)} s)\n`,
  );
  console.log(
    table(
      ['runs', 'best s', 'median s', 'entries/s (median)'],
      [[runs.length, round(best, 2), round(median, 2), Math.round(record.entries.length / median)]],
    ),
  );
  console.log(`\n${output.trim()}`);
  console.log(
    JSON.stringify({
      entries: record.entries.length,
      checkpoints: record.checkpoints.length,
      bestSeconds: round(best, 3),
      medianSeconds: round(median, 3),
      entriesPerSecond: Math.round(record.entries.length / median),
    }),
  );
}
