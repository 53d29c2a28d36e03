/**
 * The KMS checkpoint signer against a mocked KMS that signs for real: Sign answers with an ECDSA P-256
 * signature made by a local key over the digest it was sent, exactly as KMS does for MessageType DIGEST.
 * What must hold: the request asks for ECDSA_SHA_256 over SHA-256 of the note, the answer verifies the
 * checkpoint the way `verify` does, and the public key is that key's (same fingerprint).
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createKmsCheckpointSigner, SigningKeyError } from '#adapters/kms/checkpoint-signer.ts';
import {
  checkpointNote,
  checkpointSignedBy,
  keyFingerprint,
  nextCheckpoint,
  type SignedCheckpoint,
} from '#domain/record.ts';
import { signP256Digest } from '../support/ecdsa-digest.ts';

const kms = mockClient(KMSClient);
const keyId = 'alias/floorpass-hlc-2021-record';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spkiDer = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));

/** What GetPublicKey answers for the stack's key. */
const publicKeyResponse: GetPublicKeyCommandOutput = {
  $metadata: {},
  KeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  PublicKey: spkiDer,
  KeySpec: 'ECC_NIST_P256',
  KeyUsage: 'SIGN_VERIFY',
  SigningAlgorithms: ['ECDSA_SHA_256'],
};

/** A checkpoint over many shards: its note is past the 4096 bytes KMS takes as a RAW message. */
function bigCheckpoint() {
  const shards = Array.from({ length: 60 }, (_, i) => ({
    shard: `ledger.session-${String(i).padStart(3, '0')}`,
    size: i + 1,
    head: createHash('sha256').update(String(i)).digest('hex'),
  }));
  return nextCheckpoint(null, { origin: 'floorpass/hlc-2021', time: '2021-06-28T14:05:00.000Z', shards });
}

function signer() {
  return createKmsCheckpointSigner({ client: new KMSClient({ region: 'us-east-1' }), keyId });
}

beforeEach(() => {
  kms.reset();
  // Sign as KMS does with MessageType DIGEST: ECDSA over the 32 bytes sent, not hashed again.
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
    KeyId: publicKeyResponse.KeyId,
    SigningAlgorithm: 'ECDSA_SHA_256',
    Signature: new Uint8Array(signP256Digest(input.Message, privateKey)),
  }));
  kms.on(GetPublicKeyCommand).resolves(publicKeyResponse);
});

describe('Adapter: KMS checkpoint signer', () => {
  it('asks KMS for ECDSA_SHA_256 over the SHA-256 digest of the note, with the configured key', async () => {
    // Prepare
    const note = checkpointNote(bigCheckpoint());
    expect(Buffer.byteLength(note)).toBeGreaterThan(4096);
    // Act
    await signer().sign(Buffer.from(note));
    // Assess
    const input = kms.commandCalls(SignCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ KeyId: keyId, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(Object.keys(input ?? {}).sort()).toEqual(['KeyId', 'Message', 'MessageType', 'SigningAlgorithm']);
    expect(input?.Message).toHaveLength(32);
    expect(Buffer.from(input?.Message ?? []).toString('hex')).toBe(
      createHash('sha256').update(note).digest('hex'),
    );
  });

  it('returns a DER signature, base64, that verifies the checkpoint as verify checks it', async () => {
    // Prepare
    const kmsSigner = signer();
    const note = checkpointNote(bigCheckpoint());
    // Act
    const signature = await kmsSigner.sign(Buffer.from(note));
    const pem = await kmsSigner.publicKeyPem();
    // Assess
    const signed: SignedCheckpoint = { note, signature };
    expect(checkpointSignedBy(signed, createPublicKey(pem))).toBe(true);
    expect(checkpointSignedBy({ note: note.replace('60', '61'), signature }, createPublicKey(pem))).toBe(
      false,
    );
    // DER: an ASN.1 SEQUENCE (0x30), not the 64-byte r‖s form.
    expect(Buffer.from(signature, 'base64')[0]).toBe(0x30);
  });

  it('gives the public key as SubjectPublicKeyInfo PEM with the fingerprint of the key that signs', async () => {
    // Act
    const pem = await signer().publicKeyPem();
    // Assess
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n$/);
    expect(keyFingerprint(pem)).toBe(keyFingerprint(publicKey));
    expect(keyFingerprint(pem)).toBe(createHash('sha256').update(spkiDer).digest('hex'));
    expect(pem).not.toMatch(/PRIVATE/);
  });

  it('asks KMS for the public key once per instance, and again after a failure', async () => {
    // Prepare
    const kmsSigner = signer();
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves(publicKeyResponse);
    // Act
    await expect(kmsSigner.publicKeyPem()).rejects.toThrow('Rate exceeded');
    const [first, second] = await Promise.all([kmsSigner.publicKeyPem(), kmsSigner.publicKeyPem()]);
    const third = await kmsSigner.publicKeyPem();
    // Assess
    expect(first).toBe(second);
    expect(third).toBe(first);
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(2);
    expect(kms.commandCalls(GetPublicKeyCommand)[1]?.args[0].input).toEqual({ KeyId: keyId });
  });

  it.each([
    ['a key of another spec', { KeySpec: 'RSA_2048' }, /RSA_2048.*ECC_NIST_P256/],
    ['a P-384 key', { KeySpec: 'ECC_NIST_P384' }, /ECC_NIST_P384/],
    ['an encryption key', { KeyUsage: 'ENCRYPT_DECRYPT' }, /ENCRYPT_DECRYPT.*SIGN_VERIFY/],
  ] as const)('refuses %s, saying which key and why', async (_, override, message) => {
    // Prepare
    kms.on(GetPublicKeyCommand).resolves({ ...publicKeyResponse, ...override });
    // Act
    const refused = signer().publicKeyPem();
    // Assess
    await expect(refused).rejects.toBeInstanceOf(SigningKeyError);
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toThrow(keyId);
  });
});
