/**
 * The verifiable record's AWS side (infra/constructs/record.ts): a P-256 signing key and checkpoints
 * locked in compliance mode for the programme's retention, both kept on teardown; the fingerprint and
 * the names as stack outputs; and grants that give each function its actions on its prefix, no more.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProgrammeError } from '#domain/programme.ts';
import { readDeployConfig } from '../../infra/config.ts';
import { EventRecord } from '../../infra/constructs/record.ts';
import type { EventStack } from '../../infra/stacks/event-stack.ts';
import { appWith, privateLoggedBucket, projectRoot, synthesizeEventStack } from './synth.ts';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Principal?: unknown;
}

const sample = `${projectRoot}events/hlc-2021.yaml`;
const small = `${projectRoot}test/fixtures/small-event.yaml`;

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** An ARN built with Fn::Join/Ref/GetAtt, as text: `<RecordCheckpoints….Arn>/checkpoints/*`. */
function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `<${v.Ref}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in v) return (v['Fn::Join'] as [string, unknown[]])[1].map(arnText).join('');
  return JSON.stringify(value);
}

/** Every statement of the identity policies attached to a role, by the role's logical id. */
function statementsOf(resources: Resources, roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => ((r.Properties?.Roles ?? []) as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap(
      (r) => (r.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [],
    );
}

const described = (statements: Statement[]) =>
  statements.map((s) => ({
    actions: asList(s.Action).sort(),
    resources: asList(s.Resource).map(arnText),
    ...(s.Condition ? { condition: s.Condition } : {}),
  }));

describe('Construct: EventRecord in the EventStack', () => {
  let stack: EventStack;
  let template: Template;
  let resources: Resources;
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    // Prepare
    stack = synthesizeEventStack({ event: sample });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Resources;
  });

  it('signs with an asymmetric ECC_NIST_P256 key for SIGN_VERIFY, kept on teardown, with the event’s alias', () => {
    // Assess
    const key = resources[logicalId(stack.record.key)];
    expect(key).toMatchObject({
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
    });
    // KMS rotates no asymmetric key; a new key would need a new published fingerprint.
    expect(key?.Properties?.EnableKeyRotation).toBeUndefined();
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/floorpass-hlc-2021-record',
      TargetKeyId: { 'Fn::GetAtt': [logicalId(stack.record.key), 'Arn'] },
    });
  });

  it('gives a second stage of the same event its own alias (aliases are unique per account and Region)', () => {
    // Act
    const staged = Template.fromStack(synthesizeEventStack({ event: sample, stage: 'rehearsal' }));
    // Assess
    staged.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/floorpass-hlc-2021-rehearsal-record',
    });
  });

  it('locks checkpoints in compliance mode for the programme’s retention, versioned, private, kept on teardown', () => {
    // Assess
    const bucket = resources[logicalId(stack.record.checkpointBucket)];
    expect(bucket).toMatchObject({
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        ...privateLoggedBucket(logicalId(stack.record.accessLogsBucket)),
      },
    });
    // No lifecycle rule that could expire or transition a checkpoint.
    expect(bucket?.Properties?.LifecycleConfiguration).toBeUndefined();
  });

  it('takes the retention from each programme file', () => {
    // Act
    const other = synthesizeEventStack({ event: small });
    const otherTemplate = Template.fromStack(other);
    // Assess
    otherTemplate.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
    });
  });

  it('refuses TLS-less requests, any checkpoint write that is not a create-if-absent and any delete marker, whoever sends them', () => {
    // Prepare
    const bucketId = logicalId(stack.record.checkpointBucket);
    const [policy] = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::S3::BucketPolicy' &&
        (r.Properties?.Bucket as { Ref?: string } | undefined)?.Ref === bucketId,
    );
    const statements =
      (policy?.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];
    // Assess
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Condition: { Null: { 's3:if-none-match': 'true' } },
        }),
        // No delete marker over a checkpoint (versions stay deletable once their retention has passed).
        expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:DeleteObject' }),
      ]),
    );
    // Nothing in it allows anyone anything.
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('keeps exports a day in a private, unlocked bucket, and logs access to both record buckets', () => {
    // Prepare
    const exportsBucket = resources[logicalId(stack.record.exportBucket)];
    const logs = resources[logicalId(stack.record.accessLogsBucket)];
    // Assess
    expect(exportsBucket?.Properties?.ObjectLockEnabled).toBeUndefined();
    expect(exportsBucket).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        LifecycleConfiguration: {
          Rules: expect.arrayContaining([{ Prefix: 'exports/', ExpirationInDays: 1, Status: 'Enabled' }]),
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.record.accessLogsBucket) } },
      },
    });
    expect(logs).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 2555, Status: 'Enabled' }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      },
    });
  });

  it('computes the fingerprint at deploy from the key itself, with GetPublicKey on that key only', () => {
    // Prepare
    const keyId = logicalId(stack.record.key);
    const fn = stack.record.fingerprintFunction;
    // Assess
    template.hasResourceProperties('Custom::FloorpassRecordKeyFingerprint', {
      ServiceToken: { 'Fn::GetAtt': [logicalId(fn.lambda), 'Arn'] },
      KeyId: { Ref: keyId },
    });
    const grants = statementsOf(resources, logicalId(fn.role)).filter(
      (s) => !asList(s.Action).every((a) => a.startsWith('logs:')),
    );
    expect(described(grants)).toEqual([{ actions: ['kms:GetPublicKey'], resources: [`<${keyId}.Arn>`] }]);
  });

  it('prints the fingerprint, the key id and the checkpoint bucket as stack outputs', () => {
    // Prepare
    const [fingerprintId] =
      Object.entries(resources).find(([, r]) => r.Type === 'Custom::FloorpassRecordKeyFingerprint') ?? [];
    // Assess
    template.hasOutput('RecordKeyFingerprint', { Value: { 'Fn::GetAtt': [fingerprintId, 'Fingerprint'] } });
    template.hasOutput('RecordKeyId', { Value: { Ref: logicalId(stack.record.key) } });
    template.hasOutput('CheckpointBucketName', { Value: { Ref: logicalId(stack.record.checkpointBucket) } });
  });

  it('refuses to deploy a programme that does not say how long to keep the checkpoints', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'floorpass-record-'));
    const file = join(dir, 'no-retention.yaml');
    writeFileSync(file, readFileSync(sample, 'utf8').replace(/\n {2}retentionDays: 2555\n/, '\n'));
    // Act
    const read = () => readDeployConfig(appWith({ event: file }).node);
    // Assess
    expect(read).toThrow(ProgrammeError);
    expect(read).toThrow(/record\.retentionDays: is required to deploy/);
  });
});

describe('Construct: EventRecord grants', () => {
  let resources: Resources;
  let record: EventRecord;
  let stack: Stack;
  const roles: Record<string, Role> = {};
  const id = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    // Prepare: one role per grant.
    stack = new Stack(appWith({}), 'RecordGrants');
    record = new EventRecord(stack, 'Record', { eventId: 'hlc-2021', retentionDays: 30 });
    for (const name of ['signer', 'writer', 'reader', 'exporter']) {
      roles[name] = new Role(stack, name, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    }
    record.grantSign(roles.signer!);
    record.grantCheckpointWrite(roles.writer!);
    record.grantCheckpointRead(roles.reader!);
    record.grantExportWrite(roles.exporter!);
    // Act
    resources = Template.fromStack(stack).toJSON().Resources as Resources;
  });

  const grantsOf = (name: string) => described(statementsOf(resources, id(roles[name]!)));
  const listCheckpoints = () => ({
    actions: ['s3:ListBucket'],
    resources: [`<${id(record.checkpointBucket)}.Arn>`],
    condition: { StringLike: { 's3:prefix': ['checkpoints/*'] } },
  });

  it('lets the signer sign and read the public key of this key, nothing else', () => {
    expect(grantsOf('signer')).toEqual([
      { actions: ['kms:GetPublicKey', 'kms:Sign'], resources: [`<${id(record.key)}.Arn>`] },
    ]);
  });

  it('lets the checkpoint writer put, read and list under checkpoints/ only: no delete, no retention change', () => {
    const grants = grantsOf('writer');
    expect(grants).toEqual([
      {
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [`<${id(record.checkpointBucket)}.Arn>/checkpoints/*`],
      },
      listCheckpoints(),
    ]);
    const actions = grants.flatMap((g) => g.actions);
    for (const forbidden of ['s3:DeleteObject', 's3:PutObjectRetention', 's3:BypassGovernanceRetention']) {
      expect(actions).not.toContain(forbidden);
    }
    expect(actions.some((a) => a.includes('*'))).toBe(false);
  });

  it('lets the checkpoint reader read and list under checkpoints/ only', () => {
    expect(grantsOf('reader')).toEqual([
      { actions: ['s3:GetObject'], resources: [`<${id(record.checkpointBucket)}.Arn>/checkpoints/*`] },
      listCheckpoints(),
    ]);
  });

  it('lets the exporter put and read (for the presigned URL) under exports/ of the export bucket only', () => {
    expect(grantsOf('exporter')).toEqual([
      {
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [`<${id(record.exportBucket)}.Arn>/exports/*`],
      },
    ]);
  });
});
