import { createHash } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { keyFingerprint, readPublicKey, sha256Hex } from '#domain/record.ts';
import type { CheckpointSigner } from '#ports/record.ts';

/** The KMS key is not one that can sign the record: not an ECC_NIST_P256 SIGN_VERIFY key. */
export class SigningKeyError extends Error {
  readonly code = 'SIGNING_KEY';
  override readonly name = 'SigningKeyError';
}

/**
 * Signs checkpoint notes with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY). The private half never
 * leaves KMS, and every Sign call is in CloudTrail: that is what makes a checkpoint evidence rather than
 * a claim of whoever runs the stack.
 *
 * The note is hashed here and KMS signs the digest (`MessageType: 'DIGEST'`), because a RAW message is
 * limited to 4096 bytes and a note lists one line per shard: an event with many rooms outgrows that. The
 * signature is the same. The KMS API reference (SignRequest and VerifyRequest, `MessageType` and
 * `Message`; the same text is in @aws-sdk/client-kms's SignCommandInput and VerifyCommandInput) says that
 * with RAW "KMS uses the standard signing algorithm, which begins with a hash function", that with DIGEST
 * "KMS skips the hashing step in the signing algorithm", that a DIGEST must have the length of the
 * algorithm's hash (32 bytes for ECDSA_SHA_256), and that "a message and its hash digest are considered
 * to be the same message". So ECDSA_SHA_256 over SHA-256(note) sent as a DIGEST is what
 * `verify('sha256', note, key, signature)` checks, exactly as for RAW: test/unit/kms-checkpoint-signer.test.ts
 * checks it against a real ECDSA signature over the digest sent.
 */
export function createKmsCheckpointSigner({
  client,
  keyId,
}: {
  client: KMSClient;
  /** Key id, key ARN, alias name or alias ARN. */
  keyId: string;
}): CheckpointSigner {
  let publicKey: Promise<string> | undefined;

  async function fetchPublicKeyPem(): Promise<string> {
    const response = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    if (response.KeySpec !== 'ECC_NIST_P256' || response.KeyUsage !== 'SIGN_VERIFY') {
      throw new SigningKeyError(
        `KMS key ${keyId} is ${response.KeySpec ?? 'of no key spec'} for ${response.KeyUsage ?? 'no usage'}: ` +
          'the record is signed by an ECC_NIST_P256 key for SIGN_VERIFY only',
      );
    }
    if (!response.PublicKey) throw new SigningKeyError(`KMS returned no public key for ${keyId}`);
    const der = Buffer.from(response.PublicKey);
    const pem = derToPem(der);
    const key = readPublicKey(pem);
    if (typeof key === 'string') throw new SigningKeyError(`KMS key ${keyId}: ${key}`);
    // The deployed fingerprint (the stack output) is SHA-256 of these DER bytes; verify recomputes it from
    // the PEM in the bundle. Were KMS's encoding not the canonical one, the two would differ and every
    // honest bundle would be refused: better to fail here, loudly, than at the auditor's desk.
    if (keyFingerprint(key) !== sha256Hex(der)) {
      throw new SigningKeyError(`KMS key ${keyId}: its public key is not in canonical DER`);
    }
    return pem;
  }

  return {
    async sign(message) {
      const digest = createHash('sha256').update(message).digest();
      const { Signature } = await client.send(
        new SignCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      if (!Signature) throw new Error(`KMS Sign returned no signature for key ${keyId}`);
      // DER-encoded ECDSA signature (ASN.1 SEQUENCE of r and s), as node:crypto's default dsaEncoding.
      return Buffer.from(Signature).toString('base64');
    },

    publicKeyPem() {
      // Once per instance (a warm Lambda signs every few minutes); a failure is not kept, so the next
      // call asks KMS again instead of failing for the instance's whole life.
      publicKey ??= fetchPublicKeyPem().catch((error: unknown) => {
        publicKey = undefined;
        throw error;
      });
      return publicKey;
    },
  };
}

/** SubjectPublicKeyInfo DER → PEM, byte for byte (base64 in lines of 64, RFC 7468). */
function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}
