import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkExportName, recordFolders } from '#adapters/record-storage.ts';
import type { ExportStore } from '#ports/record.ts';

/**
 * Record exports for download: the bundle is put under `exports/<name>` in the export bucket (which
 * expires `exports/` after a day: infra/constructs/record.ts) and handed out as a presigned GetObject URL
 * that saves it under its own name. The URL is a bearer secret for its lifetime: it is returned to the
 * organizer who asked, and is never logged.
 *
 * A presigned URL lasts `expiresInSeconds` or as long as the credentials that signed it, whichever ends
 * first: a Lambda role's session credentials have hours left, far more than the default 15 minutes.
 */
export function createS3ExportStore({
  client,
  bucket,
  expiresInSeconds = 900,
  now = () => Date.now(),
}: {
  client: S3Client;
  bucket: string;
  expiresInSeconds?: number;
  now?: () => number;
}): ExportStore {
  return {
    async put(name, bytes, contentType) {
      const key = `${recordFolders.exports}${checkExportName(name)}`;
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }),
      );
      const signedAt = now();
      const url = await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: `attachment; filename="${name}"`,
        }),
        { expiresIn: expiresInSeconds, signingDate: new Date(signedAt) },
      );
      return { url, expiresAt: new Date(signedAt + expiresInSeconds * 1000).toISOString() };
    },
  };
}
