/**
 * The record's signer and storage for `npm start`, on the local disk: the stand-ins of the KMS key, the
 * Object Lock bucket and the export bucket (shared/adapters/kms, shared/adapters/s3). Local only: no
 * Lambda imports this file. Same shapes as in AWS (DER signatures in base64, `{note, signature}` files,
 * the same names), so that a bundle exported locally verifies with `npm run verify` like a deployed one;
 * but nothing here is immutable, and the notice written beside the checkpoints says so.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointConflictError,
  checkExportName,
  checkpointFileName,
  checkpointFilePattern,
  parseStoredCheckpoint,
  recordFolders,
  sameCheckpoint,
  storedCheckpoint,
} from '#adapters/record-storage.ts';
import type { CheckpointSigner, CheckpointStore, ExportStore } from '#ports/record.ts';

/** Where the dev stack's signing key is kept, under the directory given. */
export const devSigningKeyFile = 'dev-signing-key.pem';

/**
 * The dev stack's P-256 signing key, kept in `<dir>/dev-signing-key.pem` (PKCS #8, mode 0600): made on
 * the first start, reused afterwards, so that the fingerprint `npm start` prints stays the same across
 * restarts of one checkout and a bundle exported yesterday still verifies with it. It is a development
 * key on a developer's disk: it proves nothing to an auditor.
 */
export function createLocalCheckpointSigner(dir: string): CheckpointSigner {
  const privateKey = loadOrCreateKey(join(dir, devSigningKeyFile));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    // As KMS Sign (ECC_NIST_P256, ECDSA_SHA_256) answers: ECDSA over SHA-256 of the message, DER, base64.
    async sign(message) {
      return sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }).toString('base64');
    },
    async publicKeyPem() {
      return publicKeyPem;
    },
  };
}

function loadOrCreateKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(join(file, '..'), { recursive: true });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      // `wx`: two servers starting at once from one checkout keep one key, the first one written.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      pem = readFileSync(file, 'utf8');
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${file} is not a PEM private key: delete it and a new dev key is made`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${file} is not an ECDSA P-256 key: delete it and a new dev key is made`);
  }
  return key;
}

/** What `<dir>/checkpoints/NOT-IMMUTABLE.txt` says. */
export const notImmutableNotice = `These checkpoint files are NOT immutable.

They were written by floorpass's local development stack (npm start). Each file is written once by the
server, but anyone with access to this disk can change or delete them, and the signing key beside them
(dev-signing-key.pem) is an ordinary file too. A record exported from here proves nothing to an auditor.

In AWS, checkpoints are written to an S3 bucket with Object Lock in compliance mode (nobody, the account's
root user included, can change or delete them before their retention ends) and are signed by a KMS key
that cannot be exported. See docs/record.md.
`;

/**
 * Signed checkpoints as files, `<dir>/checkpoints/<index, 10 digits>.json`, each written once (`wx`)
 * with the rule of the S3 store: writing an index again with the same note is a no-op, with another
 * note a CheckpointConflictError. Beside them, NOT-IMMUTABLE.txt says what these files are not.
 */
export function createLocalCheckpointStore(dir: string): CheckpointStore {
  const folder = join(dir, recordFolders.checkpoints);
  let ready: Promise<void> | undefined;
  const prepare = () => {
    // Once per store; a failure (a full or read-only disk) is not kept, so the next write tries again.
    ready ??= mkdir(folder, { recursive: true })
      .then(() => writeFile(join(folder, 'NOT-IMMUTABLE.txt'), notImmutableNotice))
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };
  const read = async (name: string) =>
    parseStoredCheckpoint(await readFile(join(folder, name), 'utf8'), join(folder, name));

  return {
    async put(index, checkpoint) {
      const name = checkpointFileName(index);
      await prepare();
      try {
        await writeFile(join(folder, name), storedCheckpoint(checkpoint), { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (!sameCheckpoint(await read(name), checkpoint)) throw new CheckpointConflictError(index);
      }
    },

    async list() {
      let names: string[];
      try {
        names = await readdir(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return Promise.all(
        names
          .filter((n) => checkpointFilePattern.test(n))
          .sort()
          .map(read),
      );
    },
  };
}

/**
 * Record exports as files, `<dir>/exports/<name>`, downloaded from the dev server at
 * `<baseUrl>/_local/exports/<name>`. The expiry is reported as in AWS but nothing enforces it locally.
 */
export function createLocalExportStore(
  dir: string,
  baseUrl: string,
  { expiresInSeconds = 900, now = () => Date.now() }: { expiresInSeconds?: number; now?: () => number } = {},
): ExportStore {
  const folder = join(dir, recordFolders.exports);
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async put(name, bytes) {
      checkExportName(name);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, name), bytes);
      return {
        url: `${base}/_local/exports/${name}`,
        expiresAt: new Date(now() + expiresInSeconds * 1000).toISOString(),
      };
    },
  };
}
