import { KMSClient } from '@aws-sdk/client-kms';
import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  Context,
} from 'aws-lambda';
import { createKmsCheckpointSigner } from '#adapters/kms/checkpoint-signer.ts';
import { keyFingerprint } from '#domain/record.ts';
import { logger } from '#observability/logger.ts';
import { failureReason, respondToCloudFormation, responseBase } from './lib/cloudformation.ts';

/**
 * The record key's fingerprint at deploy time, as a CloudFormation custom resource
 * (Custom::FloorpassRecordKeyFingerprint, infra/constructs/record.ts): Create and Update read the public
 * key of the KMS key named by the `KeyId` property (GetPublicKey, through the same adapter that signs,
 * so the same ECC_NIST_P256 / SIGN_VERIFY checks apply) and answer `Fingerprint`: SHA-256, lowercase
 * hex, of its SubjectPublicKeyInfo DER, the value `npm run verify` takes. The stack prints it as the
 * RecordKeyFingerprint output, for the secretariat to publish out of band. Delete does nothing: the key
 * is retained. Only public material passes through here.
 */
const kms = new KMSClient({});

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const keyId = String(event.ResourceProperties.KeyId ?? '');
  // Named after the key: a new key (a new KeyId) is a replacement, whose Delete of the old one is a no-op.
  const physicalResourceId =
    event.RequestType === 'Delete' ? event.PhysicalResourceId : `record-key-fingerprint-${keyId}`;
  const base = responseBase(event, physicalResourceId);
  let response: CloudFormationCustomResourceResponse;
  try {
    if (event.RequestType === 'Delete') {
      response = { ...base, Status: 'SUCCESS' };
    } else {
      if (!keyId) throw new Error('the KeyId property is missing');
      const pem = await createKmsCheckpointSigner({ client: kms, keyId }).publicKeyPem();
      const fingerprint = keyFingerprint(pem);
      logger.info('record key fingerprint', { keyId, fingerprint });
      response = { ...base, Status: 'SUCCESS', Data: { Fingerprint: fingerprint } };
    }
  } catch (error) {
    logger.error('record key fingerprint: failed', { requestType: event.RequestType, error: error as Error });
    response = { ...base, Status: 'FAILED', Reason: failureReason(error, context.logStreamName) };
  }
  await respondToCloudFormation(event.ResponseURL, response);
}
