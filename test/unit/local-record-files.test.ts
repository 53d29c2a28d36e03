/**
 * The record's local stand-ins for `npm start`: a dev key that survives restarts and signs as KMS does,
 * write-once checkpoint files with the S3 store's rule, and export files the dev server serves.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointConflictError } from '#adapters/record-storage.ts';
import { checkpointNote, checkpointSignedBy, keyFingerprint, nextCheckpoint } from '#domain/record.ts';
import {
  createLocalCheckpointSigner,
  createLocalCheckpointStore,
  createLocalExportStore,
} from '../../local/record-files.ts';
import { buildRecord } from '../support/record-fixture.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'floorpass-record-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Local: dev checkpoint signer', () => {
  it('makes a P-256 key on first start, readable by its owner only, and keeps it across restarts', async () => {
    // Act
    const first = await createLocalCheckpointSigner(dir).publicKeyPem();
    const again = await createLocalCheckpointSigner(dir).publicKeyPem();
    // Assess
    const file = join(dir, 'dev-signing-key.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keyFingerprint(again)).toBe(keyFingerprint(first));
    expect(createPublicKey(first).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(first).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('signs as KMS does (DER, base64) so that verify checks a checkpoint it signed', async () => {
    // Prepare
    const signer = createLocalCheckpointSigner(dir);
    const note = checkpointNote(
      nextCheckpoint(null, {
        origin: 'floorpass/hlc-2021',
        time: '2021-06-28T14:05:00.000Z',
        shards: [{ shard: 'audit.0', size: 1, head: 'a'.repeat(64) }],
      }),
    );
    // Act
    const signature = await signer.sign(Buffer.from(note));
    // Assess
    expect(Buffer.from(signature, 'base64')[0]).toBe(0x30);
    expect(checkpointSignedBy({ note, signature }, createPublicKey(await signer.publicKeyPem()))).toBe(true);
  });

  it('refuses a key file that is not a P-256 private key, saying what to do', () => {
    // Prepare
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    writeFileSync(join(dir, 'dev-signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    // Act, Assess
    expect(() => createLocalCheckpointSigner(dir)).toThrow(/not an ECDSA P-256 key: delete it/);
    writeFileSync(join(dir, 'dev-signing-key.pem'), 'garbage');
    expect(() => createLocalCheckpointSigner(dir)).toThrow(/not a PEM private key/);
  });
});

describe('Local: checkpoint files', () => {
  const [first, second, third] = buildRecord({ rounds: 12, checkpointEvery: 4 }).checkpoints;

  it('writes each checkpoint once as {note, signature}, beside a notice that the files are not immutable', async () => {
    // Act
    await createLocalCheckpointStore(dir).put(1, second!);
    // Assess
    const stored = JSON.parse(readFileSync(join(dir, 'checkpoints', '0000000001.json'), 'utf8'));
    expect(stored).toEqual({ note: second!.note, signature: second!.signature });
    const notice = readFileSync(join(dir, 'checkpoints', 'NOT-IMMUTABLE.txt'), 'utf8');
    expect(notice).toMatch(/NOT immutable/);
    expect(notice).toMatch(/anyone with access to this disk can change or delete them/);
    expect(notice).toMatch(/Object Lock in compliance mode/);
  });

  it('takes the same checkpoint again as done, and refuses another at a stored index, keeping the first', async () => {
    // Prepare
    const store = createLocalCheckpointStore(dir);
    await store.put(0, first!);
    // Act
    await store.put(0, { note: first!.note, signature: second!.signature });
    const refused = store.put(0, third!);
    // Assess
    await expect(refused).rejects.toBeInstanceOf(CheckpointConflictError);
    await expect(refused).rejects.toThrow(/checkpoint 0 /);
    expect(await store.list()).toEqual([first]);
  });

  it('lists the checkpoints oldest first, and none before the first', async () => {
    // Prepare
    const store = createLocalCheckpointStore(dir);
    expect(await store.list()).toEqual([]);
    // Act
    for (const [index, checkpoint] of [
      [10, third],
      [2, second],
      [0, first],
    ] as const) {
      await store.put(index, checkpoint!);
    }
    // Assess
    expect(await store.list()).toEqual([first, second, third]);
  });
});

describe('Local: export files', () => {
  it('writes the export and returns the dev server’s download URL and an expiry', async () => {
    // Prepare
    const now = Date.parse('2021-06-30T18:00:00Z');
    const store = createLocalExportStore(dir, 'http://localhost:3000/', { now: () => now });
    // Act
    const result = await store.put('hlc-2021-record.tar.gz', Buffer.from('bundle'), 'application/gzip');
    // Assess
    expect(result).toEqual({
      url: 'http://localhost:3000/_local/exports/hlc-2021-record.tar.gz',
      expiresAt: '2021-06-30T18:15:00.000Z',
    });
    expect(readFileSync(join(dir, 'exports', 'hlc-2021-record.tar.gz'), 'utf8')).toBe('bundle');
  });

  it('refuses a name that would leave the exports directory', async () => {
    // Prepare
    const store = createLocalExportStore(dir, 'http://localhost:3000');
    // Act, Assess
    for (const name of ['../dev-signing-key.pem', 'sub/x.json', '..', '/etc/passwd', 'a\\b']) {
      await expect(store.put(name, Buffer.from('x'), 'text/plain'), name).rejects.toThrow(/export name/);
    }
  });
});
