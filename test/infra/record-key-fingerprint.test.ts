/**
 * The record key's fingerprint custom resource (functions/record-key-fingerprint.ts), against
 * CloudFormation's protocol (the outcome PUT to the pre-signed response URL) with KMS mocked at the
 * client: the fingerprint is SHA-256 of the DER GetPublicKey returns, every failure is reported, and
 * Delete touches nothing (the key is retained).
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetPublicKeyCommand, type GetPublicKeyCommandOutput, KMSClient } from '@aws-sdk/client-kms';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyFingerprint } from '#domain/record.ts';

const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const context = { logStreamName: '2025/03/10/[$LATEST]abc' } as Context;
const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
const publicKeyResponse: GetPublicKeyCommandOutput = {
  $metadata: {},
  KeyId: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
  PublicKey: der,
  KeySpec: 'ECC_NIST_P256',
  KeyUsage: 'SIGN_VERIFY',
};

describe('Function: record-key-fingerprint', () => {
  const kms = mockClient(KMSClient);
  let handler: (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;
  let server: Server;
  let responseUrl: string;
  let received: Record<string, unknown>[];

  const event = (
    requestType: 'Create' | 'Update' | 'Delete',
    properties: Record<string, unknown> = { KeyId: keyId },
  ) =>
    ({
      RequestType: requestType,
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:fingerprint',
      ResponseURL: `${responseUrl}/response?signature=abc`,
      StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/floorpass-hlc-2021/1',
      RequestId: 'request-1',
      LogicalResourceId: 'RecordKeyFingerprintValue',
      ResourceType: 'Custom::FloorpassRecordKeyFingerprint',
      ResourceProperties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:fingerprint',
        ...properties,
      },
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: `record-key-fingerprint-${keyId}` }),
      ...(requestType === 'Update' ? { OldResourceProperties: {} } : {}),
    }) as CloudFormationCustomResourceEvent;

  beforeAll(async () => {
    Object.assign(process.env, { AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    ({ handler } = await import('../../functions/record-key-fingerprint.ts'));
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    kms.restore();
  });

  beforeEach(() => {
    received = [];
    kms.reset();
    kms.on(GetPublicKeyCommand).resolves(publicKeyResponse);
  });

  it('answers the SHA-256 (hex) of the key’s SubjectPublicKeyInfo DER on Create, asking KMS for that key only', async () => {
    // Act
    await handler(event('Create'), context);
    // Assess
    const expected = createHash('sha256').update(der).digest('hex');
    expect(expected).toBe(keyFingerprint(publicKey));
    expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: keyId }]);
    expect(received).toEqual([
      {
        Status: 'SUCCESS',
        PhysicalResourceId: `record-key-fingerprint-${keyId}`,
        StackId: expect.any(String),
        RequestId: 'request-1',
        LogicalResourceId: 'RecordKeyFingerprintValue',
        Data: { Fingerprint: expected },
      },
    ]);
    expect(JSON.stringify(received)).not.toMatch(/BEGIN PUBLIC KEY/);
  });

  it('answers again on Update, with the same physical id for the same key', async () => {
    // Act
    await handler(event('Update'), context);
    // Assess
    expect(received[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `record-key-fingerprint-${keyId}`,
      Data: { Fingerprint: keyFingerprint(publicKey) },
    });
  });

  it('does nothing on Delete: the key is retained', async () => {
    // Act
    await handler(event('Delete'), context);
    // Assess
    expect(kms.calls()).toHaveLength(0);
    expect(received[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `record-key-fingerprint-${keyId}`,
    });
  });

  it('reports FAILED, saying why, for a key that is not an ECC_NIST_P256 signing key', async () => {
    // Prepare
    kms.on(GetPublicKeyCommand).resolves({ ...publicKeyResponse, KeySpec: 'RSA_2048' });
    // Act
    await handler(event('Create'), context);
    // Assess
    expect(received[0]).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/RSA_2048.*ECC_NIST_P256.*log stream/s),
    });
  });

  it('reports FAILED when KMS refuses, and when the KeyId property is missing', async () => {
    // Prepare
    kms
      .on(GetPublicKeyCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    // Act
    await handler(event('Create'), context);
    await handler(event('Create', {}), context);
    // Assess
    expect(received.map((r) => [r.Status, r.Reason])).toEqual([
      ['FAILED', expect.stringContaining('not authorized')],
      ['FAILED', expect.stringContaining('KeyId property is missing')],
    ]);
  });
});
