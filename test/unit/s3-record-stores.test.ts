/**
 * The S3 adapters of the record: checkpoints written once (conditional writes, with the checksum Object
 * Lock requires) and listed oldest first across pages; exports put and handed out as a presigned URL.
 */

import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CheckpointConflictError } from '#adapters/record-storage.ts';
import { createS3CheckpointStore } from '#adapters/s3/checkpoint-store.ts';
import { createS3ExportStore } from '#adapters/s3/export-store.ts';
import type { SignedCheckpoint } from '#domain/record.ts';
import { buildRecord } from '../support/record-fixture.ts';

const s3 = mockClient(S3Client);
const client = new S3Client({
  region: 'us-east-1',
  credentials: {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
});
const bucket = 'floorpass-hlc-2021-checkpoints';
const [first, second, third] = buildRecord({ rounds: 12, checkpointEvery: 4 }).checkpoints as [
  SignedCheckpoint,
  SignedCheckpoint,
  SignedCheckpoint,
];

/** A GetObject body as the SDK gives it, reduced to what the adapter reads. */
const body = (text: string) =>
  ({ transformToString: async () => text }) as unknown as GetObjectCommandOutput['Body'];
const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

beforeEach(() => s3.reset());

describe('Adapter: S3 checkpoint store', () => {
  const store = () => createS3CheckpointStore({ client, bucket, prefix: 'hlc-2021/' });

  it('writes a checkpoint once: its own zero-padded key, {note, signature}, If-None-Match and a SHA-256 checksum', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    // Act
    await store().put(1, second);
    // Assess
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: bucket,
      Key: 'hlc-2021/checkpoints/0000000001.json',
      Body: JSON.stringify({ note: second.note, signature: second.signature }),
      ContentType: 'application/json',
      IfNoneMatch: '*',
      // Object Lock (a default retention) refuses uploads without Content-MD5 or an x-amz-checksum-*.
      ChecksumAlgorithm: 'SHA256',
    });
    // No per-object lock headers: the bucket's default retention applies.
    expect(Object.keys(input ?? {}).filter((k) => k.startsWith('ObjectLock'))).toEqual([]);
  });

  it('takes a rewrite of the same checkpoint as done (412, the stored note is the same), even re-signed', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(second)) });
    const reSigned = { note: second.note, signature: first.signature };
    // Act
    await store().put(1, second);
    await store().put(1, reSigned);
    // Assess
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: bucket,
      Key: 'hlc-2021/checkpoints/0000000001.json',
    });
  });

  it('refuses a different checkpoint at a stored index, naming the index, and overwrites nothing', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(second)) });
    // Act
    const refused = store().put(1, third);
    // Assess
    await expect(refused).rejects.toBeInstanceOf(CheckpointConflictError);
    await expect(refused).rejects.toThrow(/checkpoint 1 /);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('retries a write that met a concurrent write of the same key (409), as S3 asks', async () => {
    // Prepare
    s3.on(PutObjectCommand)
      .rejectsOnce(s3Error('ConditionalRequestConflict', 409))
      .rejectsOnce(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(first)) });
    // Act
    await store().put(0, first);
    // Assess
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('lets any other failure through', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    // Act, Assess
    await expect(store().put(0, first)).rejects.toThrow('AccessDenied');
  });

  it('lists every checkpoint oldest first, across pages, reading each object', async () => {
    // Prepare: two pages, the second one out of order, and a stray key that is not a checkpoint.
    const key = (i: number) => `hlc-2021/checkpoints/${String(i).padStart(10, '0')}.json`;
    const byKey: Record<string, SignedCheckpoint> = { [key(0)]: first, [key(1)]: second, [key(2)]: third };
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: key(0) }, { Key: 'hlc-2021/checkpoints/README.txt' }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .resolvesOnce({ Contents: [{ Key: key(2) }, { Key: key(1) }], IsTruncated: false });
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
      Body: body(JSON.stringify(byKey[input.Key])),
    }));
    // Act
    const listed = await store().list();
    // Assess
    expect(listed).toEqual([first, second, third]);
    const lists = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(lists).toEqual([
      { Bucket: bucket, Prefix: 'hlc-2021/checkpoints/' },
      { Bucket: bucket, Prefix: 'hlc-2021/checkpoints/', ContinuationToken: 'page-2' },
    ]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
  });

  it('lists nothing for an event with no checkpoint yet', async () => {
    // Prepare
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });
    // Act, Assess
    expect(await store().list()).toEqual([]);
  });

  it('refuses a prefix that is not a folder and an index that is not a whole number', async () => {
    // Assess
    expect(() => createS3CheckpointStore({ client, bucket, prefix: 'hlc-2021' })).toThrow(/end in "\/"/);
    await expect(store().put(-1, first)).rejects.toThrow(RangeError);
    await expect(store().put(1.5, first)).rejects.toThrow(RangeError);
  });
});

describe('Adapter: S3 export store', () => {
  const signedAt = Date.parse('2021-06-30T18:00:00Z');
  const store = () =>
    createS3ExportStore({ client, bucket: 'floorpass-hlc-2021-exports', now: () => signedAt });

  it('puts the export under exports/ and returns a 15-minute presigned URL that downloads it under its name', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const bytes = new TextEncoder().encode('{"a":1}\n');
    // Act
    const { url, expiresAt } = await store().put('hlc-2021-record.tar.gz', bytes, 'application/gzip');
    // Assess
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'floorpass-hlc-2021-exports',
      Key: 'exports/hlc-2021-record.tar.gz',
      Body: bytes,
      ContentType: 'application/gzip',
    });
    const parsed = new URL(url);
    expect(parsed.protocol).toBe('https:');
    expect(parsed.hostname).toMatch(/^floorpass-hlc-2021-exports\.s3\./);
    expect(parsed.pathname).toBe('/exports/hlc-2021-record.tar.gz');
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(parsed.searchParams.get('X-Amz-Date')).toBe('20210630T180000Z');
    expect(parsed.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="hlc-2021-record.tar.gz"',
    );
    expect(expiresAt).toBe('2021-06-30T18:15:00.000Z');
  });

  it('refuses a name that could escape exports/ or the download header, before writing anything', async () => {
    // Act, Assess
    for (const name of ['../checkpoints/0000000000.json', 'a/b', '.hidden', 'x"; y', '', 'é.json']) {
      await expect(store().put(name, new Uint8Array(), 'text/plain'), name).rejects.toThrow(/export name/);
    }
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
