import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { recordFolders } from '#adapters/record-storage.ts';
import { ServiceFunction } from './service-function.ts';

export interface EventRecordProps {
  eventId: string;
  /** The deployment's stage, if any: two stages of one event in one account need two key aliases. */
  stage?: string | undefined;
  /** Days each checkpoint is kept under Object Lock, compliance mode (the programme's record.retentionDays). */
  retentionDays: number;
}

/** Where checkpoints and exports go in their buckets (the S3 stores, the checkpoint store with prefix ''). */
const { checkpoints: checkpointsPrefix, exports: exportsPrefix } = recordFolders;

/**
 * The external anchors of the verifiable record (docs/record.md): what makes a signed checkpoint
 * evidence against whoever runs the stack, not only a claim of theirs.
 *
 * - The signing key: asymmetric KMS, ECC_NIST_P256 for SIGN_VERIFY. Its private half cannot leave KMS,
 *   and each use is in CloudTrail.
 * - The checkpoint bucket: S3 Object Lock, compliance mode, for the programme's retention. No principal,
 *   the account's root user included, can overwrite or delete a checkpoint version before it expires,
 *   nor shorten the retention; a bucket policy refuses any write that is not a create-if-absent, and
 *   any delete marker that would hide a checkpoint.
 * - The key's fingerprint as a stack output, computed at deploy from the key itself, for the secretariat
 *   to publish where they cannot change it afterwards.
 * - The export bucket, where record bundles wait a day for their download.
 *
 * The functions that sign, write and export are given access with the `grant*` methods, each to the
 * actions and the prefix it needs.
 */
export class EventRecord extends Construct {
  readonly key: Key;
  readonly alias: Alias;
  readonly checkpointBucket: Bucket;
  readonly exportBucket: Bucket;
  /** Server access logs of both buckets: who read, wrote or tried to. */
  readonly accessLogsBucket: Bucket;
  /** The deploy-time custom resource that computes the fingerprint. */
  readonly fingerprintFunction: ServiceFunction;
  /** SHA-256 (lowercase hex) of the key's SubjectPublicKeyInfo DER: a token resolved at deploy. */
  readonly fingerprint: string;

  constructor(scope: Construct, id: string, props: EventRecordProps) {
    super(scope, id);
    const name = props.stage ? `${props.eventId}-${props.stage}` : props.eventId;

    // Retained, not deleted, on teardown. The bundles carry the public key and the fingerprint is
    // published, so a deleted key would not make past checkpoints unverifiable; but the key's CloudTrail
    // history (every Sign, by which role, when) is what shows that only this stack signed. A deleted key's
    // id could no longer be described or tied to that history, and it could never be checked again that
    // nobody still signs with it. IT staff disable it after the event instead (docs/operations.md).
    // No rotation: KMS does not rotate asymmetric keys, and a new key would need a new fingerprint.
    this.key = new Key(this, 'SigningKey', {
      description: `floorpass ${name}: signs the checkpoints of the event's verifiable record`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The alias is for people (the console, `aws kms get-public-key --key-id alias/…`); the code uses the
    // key id. It goes with the stack, so that a later deployment of the same event can take it again.
    this.alias = new Alias(this, 'SigningKeyAlias', {
      aliasName: `alias/floorpass-${name}-record`,
      targetKey: this.key,
    });

    // Access logs need SSE-S3 (the logging service cannot use a KMS key) and an owner-enforced bucket.
    // Kept as long as the checkpoints they are about.
    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(props.retentionDays) }],
    });
    NagSuppressions.addResourceSuppressions(this.accessLogsBucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This bucket receives the server access logs of the record buckets. Logging it into itself would log ' +
          'its own log deliveries without end, and into another bucket only moves the finding; the API calls ' +
          'on it are in CloudTrail.',
      },
    ]);

    // S3-managed encryption rather than a KMS key: the checkpoints are signed public hashes, and a key of
    // ours would be one more thing that, disabled or deleted, makes the record unreadable before its time.
    this.checkpointBucket = new Bucket(this, 'Checkpoints', {
      objectLockEnabled: true,
      // Days as given (the CDK writes DefaultRetention.Days): compliance mode cannot be shortened later.
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Kept on teardown: the locked versions outlive the stack, and S3 would refuse to delete the bucket
      // before they expire anyway.
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'checkpoints-bucket/',
    });
    // Write once, for everyone: a put without If-None-Match (which could add a version over a checkpoint,
    // the one a plain GetObject then returns) is refused whoever sends it ("Enforce conditional writes on
    // Amazon S3 buckets", S3 User Guide). The locked versions are safe anyway; this keeps the latest one the
    // first one.
    this.checkpointBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CheckpointsAreWrittenOnce',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.checkpointBucket.arnForObjects('*')],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    // Nor hidden: a DeleteObject without a version id does not touch a locked version, but puts a delete
    // marker over it, and the checkpoint vanishes from listings and plain reads (a withheld checkpoint).
    // Versions stay deletable once their retention has passed (DeleteObjectVersion), for the disposal the
    // retention schedule then allows.
    this.checkpointBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CheckpointsAreNotHidden',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:DeleteObject'],
        resources: [this.checkpointBucket.arnForObjects('*')],
      }),
    );

    // Not locked: an export is a copy, made on demand from the table and the checkpoints, downloaded
    // within minutes through a presigned URL and expired after a day. Retained on teardown rather than
    // emptied by autoDeleteObjects, which would add a CDK-made function allowed to delete its objects,
    // outside the house defaults: within a day of the teardown the bucket is empty by itself.
    this.exportBucket = new Bucket(this, 'Exports', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { prefix: exportsPrefix, expiration: Duration.days(1) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'exports-bucket/',
    });

    // The fingerprint, from the key itself at deploy (GetPublicKey on this key only), so that the output
    // cannot drift from the key that signs.
    this.fingerprintFunction = new ServiceFunction(this, 'KeyFingerprint', {
      entry: 'record-key-fingerprint',
      description: 'CloudFormation custom resource: the fingerprint of the record signing key',
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    this.fingerprintFunction.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GetPublicKey'], resources: [this.key.keyArn] }),
    );
    NagSuppressions.addResourceSuppressions(this.fingerprintFunction.lambda, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked only by CloudFormation, for the fingerprint custom resource of this stack. The handler reports ' +
          'every failure to CloudFormation, which fails and rolls back the deployment. A dead-letter queue would ' +
          'hold a request whose pre-signed response URL has expired: nothing anyone could act on.',
      },
    ]);
    const fingerprint = new CustomResource(this, 'KeyFingerprintValue', {
      serviceToken: this.fingerprintFunction.lambda.functionArn,
      resourceType: 'Custom::FloorpassRecordKeyFingerprint',
      serviceTimeout: Duration.minutes(5),
      properties: { KeyId: this.key.keyId },
    });
    // After the grant: the function calls KMS as soon as CloudFormation asks it.
    fingerprint.node.addDependency(this.fingerprintFunction.role);
    this.fingerprint = fingerprint.getAttString('Fingerprint');
  }

  /**
   * Lets `grantee` sign checkpoints with the key (kms:Sign) and read its public key for the bundle
   * (kms:GetPublicKey): this key only, nothing else of KMS.
   */
  grantSign(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['kms:Sign', 'kms:GetPublicKey'],
      resourceArns: [this.key.keyArn],
    });
  }

  /** Lets `grantee` read the key's public half (the export puts it in the bundle): kms:GetPublicKey only. */
  grantPublicKey(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['kms:GetPublicKey'], resourceArns: [this.key.keyArn] });
  }

  /**
   * Lets `grantee` write checkpoints: PutObject (create-if-absent, as the bucket policy requires), and
   * the GetObject and ListBucket that the store's idempotent rewrite and listing need, under
   * `checkpoints/` only. Never DeleteObject, PutObjectRetention or BypassGovernanceRetention.
   */
  grantCheckpointWrite(grantee: IGrantable): Grant {
    return this.grantOnCheckpoints(grantee, ['s3:PutObject', 's3:GetObject']);
  }

  /** Lets `grantee` list and read checkpoints (the export): GetObject and ListBucket under `checkpoints/`. */
  grantCheckpointRead(grantee: IGrantable): Grant {
    return this.grantOnCheckpoints(grantee, ['s3:GetObject']);
  }

  /**
   * Lets `grantee` put exports and sign their download URLs: PutObject and GetObject (a presigned URL
   * acts with the signer's permissions) under `exports/` of the export bucket only.
   */
  grantExportWrite(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:GetObject'],
      resourceArns: [this.exportBucket.arnForObjects(`${exportsPrefix}*`)],
    });
  }

  private grantOnCheckpoints(grantee: IGrantable, objectActions: string[]): Grant {
    const objects = Grant.addToPrincipal({
      grantee,
      actions: objectActions,
      resourceArns: [this.checkpointBucket.arnForObjects(`${checkpointsPrefix}*`)],
    });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.checkpointBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${checkpointsPrefix}*`] } },
      }),
    );
    return objects;
  }
}
