import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CheckpointConflictError,
  checkpointFileName,
  checkpointFilePattern,
  parseStoredCheckpoint,
  recordFolders,
  sameCheckpoint,
  storedCheckpoint,
} from '#adapters/record-storage.ts';
import type { SignedCheckpoint } from '#domain/record.ts';
import type { CheckpointStore } from '#ports/record.ts';

/** How many times a write met a concurrent write of the same key (409) before it gives up. */
const conflictAttempts = 3;
/** Reads in flight at once when listing: a 3-day event checkpointed every 5 minutes has ~900 objects. */
const readConcurrency = 16;

/**
 * Signed checkpoints in an S3 bucket with Object Lock. Each checkpoint is one object,
 * `<prefix>checkpoints/<index, 10 digits>.json`, holding `{"note", "signature"}`, written once:
 *
 * - `IfNoneMatch: '*'` (S3 conditional writes) makes the write fail with 412 when the key exists, so a
 *   second checkpointer, or a retry, never puts a second version over the first. On 412 the stored object
 *   is read back: the same note is success (the port's idempotent rewrite), another note is refused.
 * - A 409 ConditionalRequestConflict (another write of the same key in flight) is retried, as the S3 API
 *   reference says to; the retry then meets the 412 or wins.
 * - Retention is the bucket's default Object Lock retention, compliance mode (infra/constructs/record.ts):
 *   no lock headers here. S3 still refuses a write to a bucket with a default retention unless it carries
 *   Content-MD5 or an `x-amz-checksum-*` header ("The Content-MD5 or x-amz-sdk-checksum-algorithm header
 *   is required for any request to upload an object with a retention period configured using Amazon S3
 *   Object Lock", PutObject API reference), so every write asks the SDK for a SHA-256 checksum
 *   explicitly rather than rely on the client's default checksum setting.
 */
export function createS3CheckpointStore({
  client,
  bucket,
  prefix = '',
}: {
  client: S3Client;
  bucket: string;
  /** '' or a path ending in '/', e.g. `hlc-2021/`. */
  prefix?: string;
}): CheckpointStore {
  if (prefix !== '' && !prefix.endsWith('/')) throw new Error(`the prefix must end in "/": ${prefix}`);

  async function read(key: string): Promise<SignedCheckpoint> {
    const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!Body) throw new Error(`s3://${bucket}/${key}: empty`);
    return parseStoredCheckpoint(await Body.transformToString('utf-8'), `s3://${bucket}/${key}`);
  }

  return {
    async put(index, checkpoint) {
      const key = `${prefix}${recordFolders.checkpoints}${checkpointFileName(index)}`;
      for (let attempt = 1; ; attempt++) {
        try {
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: storedCheckpoint(checkpoint),
              ContentType: 'application/json',
              IfNoneMatch: '*',
              ChecksumAlgorithm: 'SHA256',
            }),
          );
          return;
        } catch (error) {
          if (statusOf(error) === 412) {
            if (sameCheckpoint(await read(key), checkpoint)) return;
            throw new CheckpointConflictError(index);
          }
          if (statusOf(error) === 409 && attempt < conflictAttempts) {
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
            continue;
          }
          throw error;
        }
      }
    },

    async list() {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: `${prefix}${recordFolders.checkpoints}`,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const { Key } of page.Contents ?? []) {
          if (Key && checkpointFilePattern.test(Key.slice(Key.lastIndexOf('/') + 1))) keys.push(Key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      // S3 lists keys in UTF-8 byte order, which for zero-padded indexes is the checkpoints' order; sorted
      // again so that the order does not rest on that.
      keys.sort();
      const checkpoints: SignedCheckpoint[] = [];
      for (let i = 0; i < keys.length; i += readConcurrency) {
        checkpoints.push(...(await Promise.all(keys.slice(i, i + readConcurrency).map(read))));
      }
      return checkpoints;
    },
  };
}

/** The HTTP status of an S3 error (412 PreconditionFailed, 409 ConditionalRequestConflict, …). */
function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
