/**
 * The record's key and stores on the dev stack (interim; see the record-aws branch for the full set).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointSigner, CheckpointStore, ExportStore } from '#ports/record.ts';

export function createLocalCheckpointSigner(dir: string): CheckpointSigner {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'dev-signing-key.pem');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = createPrivateKey(readFileSync(file));
  const pem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    async sign(message) {
      return sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }).toString('base64');
    },
    async publicKeyPem() {
      return pem;
    },
  };
}

export function createLocalCheckpointStore(dir: string): CheckpointStore {
  const at = join(dir, 'checkpoints');
  mkdirSync(at, { recursive: true });
  writeFileSync(
    join(at, 'NOT-IMMUTABLE.txt'),
    'These checkpoints were written once by the local dev stack, but they are NOT immutable: anyone with\n' +
      'this disk can change them. In AWS they go to S3 with Object Lock in compliance mode.\n',
  );
  return {
    async put(index, checkpoint) {
      const file = join(at, `${String(index).padStart(10, '0')}.json`);
      const body = JSON.stringify(checkpoint);
      try {
        writeFileSync(file, body, { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const existing = JSON.parse(readFileSync(file, 'utf8'));
        if (existing.note !== checkpoint.note)
          throw new Error(`checkpoint ${index} is stored already, differently`);
      }
    },
    async list() {
      return readdirSync(at)
        .filter((f) => /^\d{10}\.json$/.test(f))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(at, f), 'utf8')));
    },
  };
}

export function createLocalExportStore(dir: string, baseUrl: string): ExportStore {
  const at = join(dir, 'exports');
  mkdirSync(at, { recursive: true });
  return {
    async put(name, bytes) {
      if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`not an export name: ${name}`);
      writeFileSync(join(at, name), bytes);
      return {
        url: `${baseUrl}/_local/exports/${name}`,
        expiresAt: new Date(Date.now() + 900_000).toISOString(),
      };
    },
  };
}
