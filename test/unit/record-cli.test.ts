import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildRecord, writeBundle } from '../support/record-fixture.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const fixture = buildRecord();
const bundle = writeBundle(fixture);

/** Runs `npm run verify -- …` as a person would (through tsx, without npm's banner). */
const verify = (...args: string[]) => {
  const run = spawnSync(tsx, ['local/verify.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

/** A copy of the bundle with entries.jsonl edited line by line. */
function tamperedBundle(edit: (lines: string[]) => string[]) {
  const dir = writeBundle(fixture);
  const file = join(dir, 'entries.jsonl');
  writeFileSync(file, `${edit(readFileSync(file, 'utf8').trimEnd().split('\n')).join('\n')}\n`);
  return dir;
}

describe('Command: npm run verify', () => {
  it('prints OK with the counts and the unproven tail, and exits 0', () => {
    // Act
    const { code, stdout } = verify(bundle, fixture.fingerprint);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('floorpass verify: OK');
    expect(stdout).toContain(
      '42 entries in 3 shards; 3 checkpoints, the last, 2, at 2021-06-28T14:11:30.000Z',
    );
    expect(stdout).toContain(
      '6 entries after the last checkpoint cannot be proven yet (from 2021-06-28T14:12:00.000Z)',
    );
    // A directory without reports/ (as the fixture writes): nothing to recompute, and it says so.
    expect(stdout).toContain('reports: none included in this bundle');
  });

  it('names the change, the line and the checkpoint interval, and exits 1', () => {
    // Prepare: line 18 is seq 5 of the ledger shard
    const dir = tamperedBundle((lines) => lines.map((l, i) => (i === 17 ? l.replace('"FRA"', '"GBR"') : l)));

    // Act
    const { code, stderr } = verify(dir, fixture.fingerprint);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('floorpass verify: FAILED');
    expect(stderr).toContain('changed: shard ledger.session-1: seq 5 was changed');
    expect(stderr).toContain('(entries.jsonl line 18)');
    expect(stderr).toContain(
      'between checkpoint 0 (2021-06-28T14:03:30.000Z) and checkpoint 1 (2021-06-28T14:07:30.000Z)',
    );
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('names two swapped lines as reordered', () => {
    const dir = tamperedBundle((lines) => {
      [lines[5], lines[8]] = [lines[8]!, lines[5]!];
      return lines;
    });
    const { code, stderr } = verify(dir, fixture.fingerprint);
    expect(code).toBe(1);
    expect(stderr).toContain('reordered: shard ledger.session-1: seq 2 comes before seq 1');
  });

  it('refuses a fingerprint that is not the key’s, and exits 1', () => {
    const { code, stderr } = verify(bundle, 'ab'.repeat(32));
    expect(code).toBe(1);
    expect(stderr).toContain(
      `the bundle's key has fingerprint ${fixture.fingerprint}, not the ${'ab'.repeat(32)}`,
    );
  });

  it('reports a line that is not JSON, and exits 1', () => {
    const dir = tamperedBundle((lines) => [...lines.slice(0, 3), '{"seq": 1,', ...lines.slice(3)]);
    const { code, stderr } = verify(dir, fixture.fingerprint);
    expect(code).toBe(1);
    expect(stderr).toContain('entries.jsonl line 4 is not JSON');
  });

  it('explains its usage or a missing file, and exits 2', () => {
    expect(verify()).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: verify <bundle archive (.tar) or directory>'),
    });
    const missing = verify(join(bundle, 'nowhere'), fixture.fingerprint);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect(missing.stderr).toContain('no such file');
  });
});

describe('Command: npm run verify:bundle', () => {
  it('builds one file that plain Node runs, with nothing else beside it', () => {
    // Prepare
    const out = join(mkdtempSync(join(tmpdir(), 'floorpass-verify-')), 'floorpass-verify.mjs');

    // Act
    const built = spawnSync(tsx, ['local/bundle-verify.ts', out], { cwd: root, encoding: 'utf8' });
    const ok = spawnSync(process.execPath, [out, bundle, fixture.fingerprint], {
      cwd: tmpdir(),
      encoding: 'utf8',
    });
    const bad = spawnSync(process.execPath, [out, bundle, '00'.repeat(32)], {
      cwd: tmpdir(),
      encoding: 'utf8',
    });

    // Assess
    expect(built.status).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toMatch(/from ['"](?!node:)[^'"]+['"]/); // no import but node:
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('floorpass verify: OK');
    expect(bad.status).toBe(1);
  });
});
