/**
 * The synthesized template of an event's stack: what it grants, how its data is kept, how its API is
 * guarded, and that each event gets a stack of its own. Intent, not a snapshot.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSchema } from '#adapters/dynamodb/table-schema.ts';
import { joinWindowOf, ProgrammeError } from '#domain/programme.ts';
import { recordedTypes } from '#domain/record-source.ts';
import { routeKey, routes } from '#http/routes.ts';
import { ConfigError, readDeployConfig } from '../../infra/config.ts';
import { ServiceFunction } from '../../infra/constructs/service-function.ts';
import type { EventStack } from '../../infra/stacks/event-stack.ts';
import { appWith, projectRoot, synthesizeEventStack } from './synth.ts';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const sample = `${projectRoot}events/hlc-2021.yaml`;
const small = `${projectRoot}test/fixtures/small-event.yaml`;
/** The small event in 2031: its doors open after any synthesis. */
const future = `${projectRoot}test/fixtures/future-event.yaml`;
/** A programme file that names its own OIDC provider (`identity:`). */
const externalIdp = `${projectRoot}test/infra/fixtures/external-idp-event.yaml`;

/** An ARN built with Fn::Join/Ref/GetAtt, as text: `arn:<AWS::Partition>:chime::<AWS::AccountId>:…`. */
function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `<${v.Ref}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in v) return (v['Fn::Join'] as [string, unknown[]])[1].map(arnText).join('');
  return JSON.stringify(value);
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every statement of every identity policy, by the logical id of the role it is attached to. */
function statementsByRoleOf(resources: Resources): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const props = resource.Properties as {
      Roles: { Ref: string }[];
      PolicyDocument: { Statement: Statement[] };
    };
    for (const role of props.Roles) {
      byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...props.PolicyDocument.Statement]);
    }
  }
  return byRole;
}

const variablesOf = (resource: Resources[string] | undefined) =>
  (resource?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};

describe('Stack: EventStack', () => {
  let stack: EventStack;
  let template: Template;
  let resources: Resources;

  /** Every statement of every identity policy, by the logical id of the role it is attached to. */
  let statementsByRole: Map<string, Statement[]>;

  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const grantsOf = (fn: { role: IConstruct }) => {
    const statements = statementsByRole.get(logicalId(fn.role)) ?? [];
    const actions = (prefix: string) =>
      statements
        .flatMap((s) => asList(s.Action))
        .filter((a) => a.startsWith(prefix))
        .sort();
    return { statements, dynamodb: actions('dynamodb:'), chime: actions('chime:') };
  };

  beforeAll(() => {
    // Prepare
    stack = synthesizeEventStack({ event: sample });
    // Act
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Resources;
    statementsByRole = statementsByRoleOf(resources);
  });

  it('is named after the event and carries its tag', () => {
    // Assess
    expect(stack.stackName).toBe('floorpass-hlc-2021');
    expect(stack.tags.tagValues()).toMatchObject({ 'floorpass:event': 'hlc-2021' });
  });

  it('keeps one on-demand table per event, protected, backed up and retained, keyed from table-schema.ts', () => {
    // Assess
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
        ],
        // AWS owned key: SSEEnabled false is DynamoDB's way of saying "encrypted with the AWS owned key".
        SSESpecification: { SSEEnabled: false },
        GlobalSecondaryIndexes: Object.entries(tableSchema.indexes).map(([IndexName, keys]) => ({
          IndexName,
          KeySchema: [
            { AttributeName: keys.partitionKey, KeyType: 'HASH' },
            { AttributeName: keys.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      },
    });
  });

  it('creates every route of the manifest, each behind the JWT authorizer and integrated with its function', () => {
    // Prepare
    const routeResources = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    const [authorizerId] =
      Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Authorizer') ?? [];
    const integrationTarget = (route: (typeof routeResources)[number]) => {
      const target = arnText(route.Properties?.Target); // integrations/<IntegrationLogicalId>
      const integration = resources[target.replace(/^integrations\/<(.*)>$/, '$1')];
      return arnText(integration?.Properties?.IntegrationUri);
    };
    // Assess
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
    expect(routeResources.map((r) => r.Properties?.RouteKey).sort()).toEqual(routes.map(routeKey).sort());
    for (const spec of routes) {
      const route = routeResources.find((r) => r.Properties?.RouteKey === routeKey(spec));
      expect(route?.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
      expect(integrationTarget(route!)).toBe(`<${logicalId(stack.functions[spec.fn].lambda)}.Arn>`);
    }
  });

  it('throttles every route, per route where the design load says so, and logs access as JSON without headers', () => {
    // Prepare
    const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    const props = stage.Properties as {
      DefaultRouteSettings: Record<string, number>;
      RouteSettings: Record<string, Record<string, number>>;
      AccessLogSettings: { Format: string };
    };
    const format = JSON.parse(props.AccessLogSettings.Format) as Record<string, string>;
    // Assess
    expect(props.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
    for (const [key, settings] of Object.entries(props.RouteSettings)) {
      expect(routes.map(routeKey)).toContain(key);
      expect(settings).toEqual({
        ThrottlingRateLimit: expect.any(Number),
        ThrottlingBurstLimit: expect.any(Number),
      });
    }
    expect(Object.values(format)).toEqual(
      expect.arrayContaining([
        '$context.requestId',
        '$context.routeKey',
        '$context.status',
        '$context.responseLatency',
      ]),
    );
    expect(props.AccessLogSettings.Format).not.toMatch(/header|authorization|requestBody/i);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('allows CORS from the console’s origin only, unless other origins are configured', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [
          {
            'Fn::Join': [
              '',
              ['https://', { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] }],
            ],
          },
        ],
      }),
    });
  });

  it('sends sign-in email through SES from the address -c sesFromEmail names (Cognito’s sender otherwise)', () => {
    // Prepare
    const withSes = Template.fromStack(
      synthesizeEventStack({ event: 'events/hlc-2021.yaml', sesFromEmail: 'secretariat@example.org' }),
    );
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPool', { EmailConfiguration: Match.absent() });
    withSes.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: Match.objectLike({
        EmailSendingAccount: 'DEVELOPER',
        From: Match.stringLikeRegexp('secretariat@example.org'),
      }),
    });
    expect(() =>
      synthesizeEventStack({ event: 'events/hlc-2021.yaml', sesFromEmail: 'not an email' }),
    ).toThrow(/sesFromEmail/);
  });

  it('creates the event user pool: admin-only sign-up, email sign-in, TOTP, strong passwords, organizers group', () => {
    // Assess
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: {
            MinimumLength: Match.anyValue(),
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          },
        },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'organizers' });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      // No plain USER_PASSWORD_AUTH: passwords travel only as SRP, or through the IAM-signed admin flow.
      ExplicitAuthFlows: Match.arrayEquals([
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ]),
      WriteAttributes: [],
    });
  });

  it('withholds the organizer group from tokens without TOTP: a V1 pre token generation trigger that may read the pool’s users, nothing else', () => {
    // Prepare
    const trigger = stack.identity.tokenTrigger!;
    const poolId = logicalId(stack.identity.userPool!);
    const triggerFn = resources[logicalId(trigger.lambda)];
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [logicalId(trigger.lambda), 'Arn'] },
          LambdaVersion: 'V1_0',
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [logicalId(trigger.lambda), 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
    });
    // Cognito gives a trigger 5 seconds; the organizer group name comes from the deployment.
    expect(triggerFn?.Properties).toMatchObject({ Timeout: 5 });
    expect(variablesOf(triggerFn)).toMatchObject({ ORGANIZER_GROUP: 'organizers' });
    const grants = grantsOf(trigger).statements.filter(
      (s) => !asList(s.Action).every((a) => a.startsWith('logs:')),
    );
    expect(
      grants.map((s) => ({ actions: asList(s.Action), resources: asList(s.Resource).map(arnText) })),
    ).toEqual([{ actions: ['cognito-idp:AdminGetUser'], resources: [`<${poolId}.Arn>`] }]);
    // The pool names the function and the grant names the pool, so the grant sits in a policy the
    // function does not depend on (its role's default policy would close a circle; synthesis validates
    // the template and would refuse it, as CloudFormation does).
    const [grantPolicyId] =
      Object.entries(resources).find(
        ([, r]) =>
          r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties).includes('cognito-idp:AdminGetUser'),
      ) ?? [];
    expect(grantPolicyId).toBeDefined();
    expect(asList((triggerFn?.DependsOn as string[] | undefined) ?? [])).not.toContain(grantPolicyId);
  });

  it('routes this event’s aws.chime meeting events to an encrypted queue, its DLQ and alarm, and the recorder', () => {
    // Prepare
    const [queueId, queue] = Object.entries(resources).find(
      ([id, r]) =>
        r.Type === 'AWS::SQS::Queue' && r.Properties?.RedrivePolicy && id.startsWith('MeetingEvents'),
    )!;
    const redrive = queue.Properties?.RedrivePolicy as {
      deadLetterTargetArn: unknown;
      maxReceiveCount: number;
    };
    const dlqId = arnText(redrive.deadLetterTargetArn).replace(/^<(.*)\.Arn>$/, '$1');
    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.chime'],
        'detail-type': ['Chime Meeting State Change'],
        detail: { externalMeetingId: [{ prefix: 'hlc-2021/' }] },
      },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        },
      ],
    });
    expect(redrive.maxReceiveCount).toBe(5);
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(resources[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.recorder.lambda) },
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('runs every function on arm64 Node.js 22 without active X-Ray tracing, with its own log group, source maps and no local endpoints', () => {
    // Prepare
    // The CDK's BucketDeployment function (the console's files, at deployment) is the CDK's, not ours:
    // test/infra/console-site.test.ts checks what it may do.
    const functions = Object.entries(resources).filter(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && !id.startsWith('CustomCDKBucketDeployment'),
    );
    const triggerId = logicalId(stack.identity.tokenTrigger!.lambda);
    const fingerprintId = logicalId(stack.record.fingerprintFunction.lambda);
    // Assess
    // + seed, recorder, provisioner, room closer, timers, the floor channel's onSubscribe, token trigger,
    // the record key's fingerprint, the record's chainer and its checkpoint signer
    expect(functions).toHaveLength(Object.keys(stack.functions).length + 10);
    for (const [id, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: {
          Variables: expect.objectContaining({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'floorpass',
            POWERTOOLS_METRICS_NAMESPACE: 'floorpass',
            POWERTOOLS_LOGGER_LOG_EVENT: 'false',
            // The token trigger reads the user pool, the fingerprint the record key: not the event's table.
            ...(id === triggerId || id === fingerprintId
              ? {}
              : { EVENT_ID: 'hlc-2021', TABLE_NAME: expect.anything() }),
          }),
        },
      });
      // No TracingConfig: Lambda's default (PassThrough), which sends no segment and needs no grant.
      expect(fn.Properties, id).not.toHaveProperty('TracingConfig');
      const environment = fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
      expect(environment?.Variables).not.toHaveProperty('CHIME_ENDPOINT');
      expect(environment?.Variables).not.toHaveProperty('DYNAMODB_ENDPOINT');
    }
  });

  it('grants no wildcard action, and a wildcard resource only to actions IAM cannot scope', () => {
    // Prepare: our roles (the CDK's BucketDeployment role is checked in test/infra/console-site.test.ts).
    const statements = [...statementsByRole.entries()]
      .filter(([role]) => !role.startsWith('CustomCDKBucketDeployment'))
      .flatMap(([, s]) => s);
    // dynamodb:ListStreams has no resource type (the stream's event source mapping needs it).
    const unscopable = ['chime:CreateMeeting', 'dynamodb:ListStreams'];
    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of asList(statement.Action)) {
        expect(action).not.toContain('*');
        // Tracing is off, so nothing may write to X-Ray.
        expect(action).not.toMatch(/^xray:/);
      }
      if (asList(statement.Resource).includes('*')) {
        expect(unscopable).toEqual(expect.arrayContaining(asList(statement.Action)));
      }
    }
    const withManagedPolicies = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.ManagedPolicyArns !== undefined,
    );
    expect(withManagedPolicies.map(([id]) => id)).toEqual([
      expect.stringMatching(/^CustomCDKBucketDeployment\w+ServiceRole/),
    ]);
  });

  it('grants Chime actions on this account’s meeting ARNs, and CreateMeeting in the stack Region only', () => {
    // Prepare
    const chimeStatements = [...statementsByRole.values()]
      .flat()
      .filter((s) => asList(s.Action).some((a) => a.startsWith('chime:')));
    // Assess
    expect(chimeStatements.length).toBeGreaterThan(0);
    for (const statement of chimeStatements) {
      if (asList(statement.Action).includes('chime:CreateMeeting')) {
        expect(statement).toMatchObject({
          Action: 'chime:CreateMeeting',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } },
        });
        continue;
      }
      for (const resource of asList(statement.Resource)) {
        expect(arnText(resource)).toMatch(
          /^arn:<AWS::Partition>:chime:(<AWS::Region>)?:<AWS::AccountId>:meeting\/\*$/,
        );
      }
    }
  });

  it('grants each function the table and Chime actions its code uses, and no more', () => {
    // Prepare
    const expected = {
      'get-me': { dynamodb: ['GetItem', 'BatchGetItem'], chime: [] },
      'join-session': {
        dynamodb: [
          'GetItem',
          'BatchGetItem',
          'PutItem',
          'UpdateItem',
          'Query',
          'ConditionCheckItem',
          'DeleteItem',
        ],
        chime: [
          'GetMeeting',
          'CreateMeeting',
          'CreateAttendee',
          'UpdateAttendeeCapabilities',
          'DeleteAttendee',
          'DeleteMeeting',
        ],
      },
      delegations: {
        dynamodb: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
        chime: ['DeleteAttendee', 'UpdateAttendeeCapabilities'],
      },
      participants: {
        dynamodb: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
        chime: ['DeleteAttendee', 'UpdateAttendeeCapabilities'],
      },
      attendance: { dynamodb: ['GetItem', 'BatchGetItem', 'Query', 'PutItem'], chime: [] },
      sessions: {
        dynamodb: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'Query', 'DeleteItem'],
        chime: ['DeleteMeeting', 'UpdateAttendeeCapabilities', 'DeleteAttendee'],
      },
      'record-export': { dynamodb: ['BatchGetItem', 'Query', 'PutItem'], chime: [] },
      floor: {
        dynamodb: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
        chime: [
          'UpdateAttendeeCapabilities',
          'BatchUpdateAttendeeCapabilitiesExcept',
          'CreateAttendee',
          'DeleteAttendee',
        ],
      },
    } as const;
    const prefixed = (prefix: string, actions: readonly string[]) =>
      actions.map((a) => `${prefix}:${a}`).sort();
    // Assess
    for (const [name, fn] of Object.entries(stack.functions)) {
      const grants = grantsOf(fn);
      const want = expected[name as keyof typeof expected];
      expect(grants.dynamodb, name).toEqual(prefixed('dynamodb', want.dynamodb));
      expect(grants.chime, name).toEqual(prefixed('chime', want.chime));
    }
    const seed = grantsOf(stack.seedFunction);
    expect(seed.dynamodb).toEqual(prefixed('dynamodb', ['PutItem', 'BatchGetItem', 'BatchWriteItem']));
    expect(seed.chime).toEqual([]);
    const recorder = grantsOf(stack.recorder);
    expect(recorder.dynamodb).toEqual(prefixed('dynamodb', ['GetItem', 'PutItem', 'UpdateItem']));
    expect(recorder.chime).toEqual([]);
    const provisioner = grantsOf(stack.provisioner);
    expect(provisioner.dynamodb).toEqual(
      prefixed('dynamodb', [
        'GetItem',
        'BatchGetItem',
        'Query',
        'PutItem',
        'UpdateItem',
        'ConditionCheckItem',
      ]),
    );
    expect(provisioner.chime).toEqual(
      prefixed('chime', [
        'GetMeeting',
        'CreateMeeting',
        'BatchCreateAttendee',
        'DeleteAttendee',
        'ListAttendees',
        'DeleteMeeting',
      ]),
    );
    const closer = grantsOf(stack.roomCloser);
    expect(closer.dynamodb).toEqual(
      prefixed('dynamodb', ['GetItem', 'BatchGetItem', 'PutItem', 'Query', 'UpdateItem', 'DeleteItem']),
    );
    expect(closer.chime).toEqual(
      prefixed('chime', ['DeleteMeeting', 'ListAttendees', 'DeleteAttendee', 'UpdateAttendeeCapabilities']),
    );
    const timers = grantsOf(stack.timerFunction);
    expect(timers.dynamodb).toEqual(
      prefixed('dynamodb', ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem']),
    );
    expect(timers.chime).toEqual(
      prefixed('chime', ['UpdateAttendeeCapabilities', 'DeleteAttendee', 'DeleteMeeting']),
    );
    const followCheck = grantsOf(stack.floorChannelAuth);
    expect(followCheck.dynamodb).toEqual(prefixed('dynamodb', ['GetItem', 'BatchGetItem', 'Query']));
    expect(followCheck.chime).toEqual([]);
    // The record's chainer: heads (Get), entries, markers and heads (Put, in a transaction); the stream.
    const chainer = grantsOf(stack.recordChaining.chainer);
    expect(chainer.dynamodb).toEqual(
      prefixed('dynamodb', [
        'GetItem',
        'PutItem',
        'DescribeStream',
        'GetRecords',
        'GetShardIterator',
        'ListStreams',
      ]),
    );
    const signer = grantsOf(stack.recordChaining.signer);
    expect(signer.dynamodb).toEqual(prefixed('dynamodb', ['GetItem', 'Query', 'BatchGetItem', 'PutItem']));
    expect(signer.chime).toEqual([]);
  });

  it('chains the record from the table stream: only the item types on record, partial failures, an on-failure queue', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const mappings = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties).includes('StreamArn'),
    );
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties as Record<string, unknown>;
    expect(mapping).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    const patterns = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) =>
      JSON.parse(f.Pattern),
    );
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { type: { S: [...recordedTypes] } } } },
      { dynamodb: { OldImage: { type: { S: [...recordedTypes] } } } },
    ]);
    // Signed every minute when due, with the programme's interval, by the only role that may sign.
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [{ Arn: { 'Fn::GetAtt': [logicalId(stack.recordChaining.signer.lambda), 'Arn'] } }],
    });
    expect(resources[logicalId(stack.recordChaining.signer.lambda)]?.Properties).toMatchObject({
      Environment: { Variables: { CHECKPOINT_MINUTES: '5' } },
    });
    const signers = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties?.PolicyDocument).includes('kms:Sign'));
    expect(signers).toHaveLength(1);
  });

  it('runs the floor’s timers from an encrypted SQS queue with a DLQ, sendable only by what changes a floor', () => {
    const senders = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .filter(([, r]) => JSON.stringify(r.Properties?.PolicyDocument).includes('sqs:SendMessage'))
      .filter(([, r]) => JSON.stringify(r.Properties?.PolicyDocument).includes('FloorTimersQueue'));
    // The floor, participants, delegations, sessions, the room close, the recorder and the timers.
    expect(senders).toHaveLength(7);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FloorTimersQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'TimerLatenessMs',
      Statistic: 'Maximum',
      Threshold: 2000,
    });
  });

  it('serves the floor channel: AppSync Events, IAM to publish, the user pool’s ID token to connect and subscribe', () => {
    // Prepare
    const [apiId, api] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::AppSync::Api')!;
    const config = api.Properties?.EventConfig as Record<string, unknown>;
    const cognito = [{ AuthType: 'AMAZON_COGNITO_USER_POOLS' }];
    // Assess
    template.resourceCountIs('AWS::AppSync::Api', 1);
    expect(config.AuthProviders).toEqual([
      { AuthType: 'AWS_IAM' },
      {
        AuthType: 'AMAZON_COGNITO_USER_POOLS',
        CognitoConfig: {
          UserPoolId: { Ref: logicalId(stack.identity.userPool!) },
          AwsRegion: { Ref: 'AWS::Region' },
          AppIdClientRegex: {
            'Fn::Join': ['', ['^', { Ref: logicalId(stack.identity.userPoolClient!) }, '$']],
          },
        },
      },
    ]);
    expect(config).toMatchObject({
      ConnectionAuthModes: cognito,
      DefaultPublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      DefaultSubscribeAuthModes: cognito,
    });
    template.resourceCountIs('AWS::AppSync::ChannelNamespace', 1);
    template.hasResourceProperties('AWS::AppSync::ChannelNamespace', {
      ApiId: { 'Fn::GetAtt': [apiId, 'ApiId'] },
      Name: 'floor',
      PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      SubscribeAuthModes: cognito,
      HandlerConfigs: {
        OnSubscribe: {
          Behavior: 'DIRECT',
          Integration: {
            DataSourceName: 'FloorSubscribeCheck',
            LambdaConfig: { InvokeType: 'REQUEST_RESPONSE' },
          },
        },
      },
      CodeHandlers: Match.absent(),
    });
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: 'FloorSubscribeCheck',
      Type: 'AWS_LAMBDA',
      LambdaConfig: {
        LambdaFunctionArn: { 'Fn::GetAtt': [logicalId(stack.floorChannelAuth.lambda), 'Arn'] },
      },
    });
  });

  it('logs the floor channel’s errors to a log group of its own, with a retention, through a role that writes there only', () => {
    // Prepare
    const [, api] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::AppSync::Api')!;
    const { LogConfig: logConfig } = api.Properties!.EventConfig as {
      LogConfig: { CloudWatchLogsRoleArn: unknown };
    };
    const roleId = (logConfig.CloudWatchLogsRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const logGroupId = logicalId(stack.floorChannel.logGroup);
    // Assess
    expect(logConfig).toEqual({
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      LogLevel: 'ERROR',
    });
    expect(resources[logGroupId]?.Properties).toMatchObject({ RetentionInDays: 90 });
    expect(arnText(resources[logGroupId]?.Properties?.LogGroupName)).toMatch(
      /^\/aws\/appsync\/apis\/<.*\.ApiId>$/,
    );
    expect(resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(statementsByRole.get(roleId)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      },
    ]);
  });

  it('lets the functions that can change a floor, and no other, publish on the floor channel, on its namespace only', () => {
    // Prepare
    const apiId = logicalId(stack.floorChannel.api);
    const namespaceArn = `arn:<AWS::Partition>:appsync:<AWS::Region>:<AWS::AccountId>:apis/<${apiId}.ApiId>/channelNamespace/floor`;
    const publishers = new Set<ServiceFunction>([
      stack.timerFunction,
      stack.functions.floor,
      stack.functions.participants,
      stack.functions.delegations,
      stack.functions.sessions,
      stack.recorder,
      stack.roomCloser,
    ]);
    const all = [
      ...Object.values(stack.functions),
      stack.seedFunction,
      stack.provisioner,
      stack.recorder,
      stack.roomCloser,
      stack.timerFunction,
      stack.floorChannelAuth,
    ];
    // Assess
    for (const fn of all) {
      const grants = grantsOf(fn).statements.filter((s) =>
        asList(s.Action).some((a) => a.startsWith('appsync:')),
      );
      const domain = variablesOf(resources[logicalId(fn.lambda)]).EVENTS_HTTP_DOMAIN;
      if (publishers.has(fn)) {
        expect(
          grants.map((s) => [s.Action, asList(s.Resource).map(arnText)]),
          fn.node.path,
        ).toEqual([['appsync:EventPublish', [namespaceArn]]]);
        expect(domain, fn.node.path).toEqual({ 'Fn::GetAtt': [apiId, 'Dns.Http'] });
      } else {
        expect(grants, fn.node.path).toEqual([]);
        expect(domain, fn.node.path).toBeUndefined();
      }
    }
  });

  it('grants a function bound to the floor channel EventPublish on the floor namespace only, and its HTTP domain', () => {
    // Prepare
    const bound = synthesizeEventStack({ event: sample });
    const publisher = new ServiceFunction(bound, 'Publisher', {
      entry: 'get-me',
      description: 'a function that publishes floor events',
    }).bindFloorChannel(bound.floorChannel);
    const boundResources = Template.fromStack(bound).toJSON().Resources as Resources;
    const id = (c: IConstruct) => bound.getLogicalId(c.node.defaultChild as CfnElement);
    const apiId = id(bound.floorChannel.api);
    // Act
    const statements = statementsByRoleOf(boundResources).get(id(publisher.role)) ?? [];
    const publish = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('appsync:')));
    // Assess
    expect(publisher.channelActions).toEqual(['EventPublish']);
    expect(publish).toHaveLength(1);
    expect(publish[0]).toMatchObject({ Effect: 'Allow', Action: 'appsync:EventPublish' });
    expect(asList(publish[0]!.Resource).map(arnText)).toEqual([
      `arn:<AWS::Partition>:appsync:<AWS::Region>:<AWS::AccountId>:apis/<${apiId}.ApiId>/channelNamespace/floor`,
    ]);
    expect(variablesOf(boundResources[id(publisher.lambda)])).toMatchObject({
      EVENTS_HTTP_DOMAIN: { 'Fn::GetAtt': [apiId, 'Dns.Http'] },
    });
  });

  it('grants the provision function BatchCreateAttendee on this account’s meeting ARNs, never on "*"', () => {
    // Prepare
    const batch = grantsOf(stack.provisioner).statements.filter((s) =>
      asList(s.Action).includes('chime:BatchCreateAttendee'),
    );
    // Assess
    expect(batch).toHaveLength(1);
    expect(asList(batch[0]!.Resource).map(arnText).sort()).toEqual([
      'arn:<AWS::Partition>:chime::<AWS::AccountId>:meeting/*',
      'arn:<AWS::Partition>:chime:<AWS::Region>:<AWS::AccountId>:meeting/*',
    ]);
    for (const fn of Object.values(stack.functions)) {
      expect(grantsOf(fn).chime).not.toContain('chime:BatchCreateAttendee');
    }
  });

  it('lets join-session, and no other function, invoke the provision function, and nothing else', () => {
    // Prepare
    const provisionArn = `<${logicalId(stack.provisioner.lambda)}.Arn>`;
    const invokeGrants = (fn: Parameters<typeof grantsOf>[0]) =>
      grantsOf(fn)
        .statements.filter((s) => asList(s.Action).some((a) => a.startsWith('lambda:')))
        .map((s) => ({ actions: asList(s.Action), resources: asList(s.Resource).map(arnText).sort() }));
    const others = [
      ...Object.entries(stack.functions).filter(([name]) => name !== 'join-session'),
      ['seed-event', stack.seedFunction],
      ['record-meeting-events', stack.recorder],
      ['provision-room', stack.provisioner],
    ] as const;
    // Assess
    expect(invokeGrants(stack.functions['join-session'])).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: [provisionArn, `${provisionArn}:$LATEST`] },
    ]);
    expect(variablesOf(resources[logicalId(stack.functions['join-session'].lambda)])).toMatchObject({
      PROVISION_FUNCTION_NAME: { Ref: logicalId(stack.provisioner.lambda) },
    });
    for (const [name, fn] of others) {
      expect(invokeGrants(fn), name).toEqual([]);
      expect(variablesOf(resources[logicalId(fn.lambda)]), name).not.toHaveProperty(
        'PROVISION_FUNCTION_NAME',
      );
    }
  });

  it('gives every function that builds the runtime the replica quota and the Chime pace, 4 and 9 by default', () => {
    // Prepare
    const runtimeFunctions = [...Object.values(stack.functions), stack.recorder, stack.provisioner];
    // Assess
    for (const fn of runtimeFunctions) {
      expect(variablesOf(resources[logicalId(fn.lambda)]), fn.node.id).toMatchObject({
        MAX_REPLICAS: '4',
        CHIME_RATE_PER_SECOND: '9',
      });
    }
  });

  it('takes the replica quota and the Chime pace from -c maxReplicas and -c chimeRatePerSecond, within bounds', () => {
    // Act
    const raised = synthesizeEventStack({ event: small, maxReplicas: '12', chimeRatePerSecond: '18' });
    const raisedResources = Template.fromStack(raised).toJSON().Resources as Resources;
    const read = (context: Record<string, unknown>) => () =>
      readDeployConfig(appWith({ event: small, ...context }).node);
    // Assess
    for (const fn of [...Object.values(raised.functions), raised.recorder, raised.provisioner]) {
      const variables = variablesOf(
        raisedResources[raised.getLogicalId(fn.lambda.node.defaultChild as CfnElement)],
      );
      expect(variables, fn.node.id).toMatchObject({ MAX_REPLICAS: '12', CHIME_RATE_PER_SECOND: '18' });
    }
    expect(read({ maxReplicas: 0 })().maxReplicas).toBe(0);
    expect(read({ maxReplicas: '40' })().maxReplicas).toBe(40);
    for (const bad of ['41', '-1', '2.5', 'four']) {
      expect(read({ maxReplicas: bad }), bad).toThrow(ConfigError);
      expect(read({ maxReplicas: bad }), bad).toThrow(/-c maxReplicas: must be a whole number from 0 to 40/);
    }
    expect(read({ chimeRatePerSecond: 'fast' })).toThrow(/-c chimeRatePerSecond: /);
  });

  it('refuses -c organizerGroup with a space or a comma at synthesis, saying why', () => {
    const read = (organizerGroup: string) => () =>
      readDeployConfig(appWith({ event: small, organizerGroup }).node);
    for (const bad of ['event organizers', 'not,organizers']) {
      expect(read(bad), bad).toThrow(ConfigError);
      expect(read(bad), bad).toThrow(/-c organizerGroup: must not contain spaces or commas/);
    }
    expect(read('event-organizers')().claims.organizerGroup).toBe('event-organizers');
  });

  it('provisions asynchronously: 5-minute runs, two retries within an hour, then an alarmed dead-letter queue', () => {
    // Prepare
    const provisioner = resources[logicalId(stack.provisioner.lambda)];
    const dlqId = logicalId(stack.provisioning.deadLetterQueue);
    // Assess
    expect(provisioner?.Properties).toMatchObject({ Timeout: 300 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.provisioner.lambda) },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
    expect(resources[dlqId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(grantsOf(stack.provisioner).statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      }),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(stack.operations.alarmTopic) }],
    });
  });

  it('schedules no room of a past event: the sample’s doors all opened in 2021', () => {
    // Assess
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    expect(stack.provisioning.schedulerRole).toBeUndefined();
    expect([...stack.provisioning.unscheduledRooms].sort()).toEqual(
      readDeployConfig(appWith({ event: sample }).node)
        .programme.sessions.map((s) => s.id)
        .sort(),
    );
  });

  it('grants indexes by name, only to the functions that query them', () => {
    // Prepare
    const indexResources = (fn: Parameters<typeof grantsOf>[0]) =>
      grantsOf(fn)
        .statements.flatMap((s) => asList(s.Resource))
        .map(arnText)
        .filter((r) => r.includes('/index/'))
        .map((r) => r.replace(/^.*\/index\//, ''))
        .sort();
    // Assess
    expect(indexResources(stack.functions['get-me'])).toEqual([]);
    // The email → participant id index, loaded once per instance.
    expect(indexResources(stack.functions['join-session'])).toEqual(['byType']);
    expect(indexResources(stack.functions.delegations)).toEqual(['byGroup']);
    expect(indexResources(stack.functions.participants)).toEqual(['byGroup', 'byType']);
    expect(indexResources(stack.functions.attendance)).toEqual(['byGroup', 'byType']);
    expect(indexResources(stack.recorder)).toEqual([]);
    expect(indexResources(stack.provisioner)).toEqual(['byGroup', 'byType']);
    expect(indexResources(stack.floorChannelAuth)).toEqual(['byType']);
  });

  it('seeds the validated programme through a custom resource served by the seed function', () => {
    // Prepare
    const config = readDeployConfig(appWith({ event: sample }).node);
    // Assess
    template.hasResourceProperties('Custom::FloorpassSeed', {
      ServiceToken: { 'Fn::GetAtt': [logicalId(stack.seedFunction.lambda), 'Arn'] },
      ServiceTimeout: Match.anyValue(),
      Programme: JSON.stringify(config.programme),
    });
  });

  it('alarms on API 5xx, crashes and throttles of each function, table throttles and Chime throttles', () => {
    // Prepare
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const metricNames = alarms.flatMap((a) => {
      const p = a.Properties as {
        MetricName?: string;
        Metrics?: { MetricStat?: { Metric: { MetricName: string } } }[];
      };
      return p.MetricName
        ? [p.MetricName]
        : (p.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric.MetricName ?? []);
    });
    // Assess
    // + the recorder, the provisioner, the room closer, the timers, the floor channel's onSubscribe,
    // the token trigger (when it fails, nobody signs in), the record's chainer and signer
    const watched = Object.keys(stack.functions).length + 8;
    expect(metricNames.filter((m) => m === 'Errors')).toHaveLength(watched);
    expect(metricNames.filter((m) => m === 'Throttles')).toHaveLength(watched);
    expect(metricNames).toEqual(
      expect.arrayContaining([
        '5xx',
        'ReadThrottleEvents',
        'WriteThrottleEvents',
        'ChimeThrottles',
        'ApproximateAgeOfOldestMessage',
      ]),
    );
    // Meeting events, provisioning and the floor's timers each have a dead-letter queue; the timers
    // also alarm on their lateness and on a cut Chime refused.
    expect(metricNames.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(4);
    // The record: a stream batch given up on (its failed-batches queue, above), and a chainer that lags.
    expect(metricNames).toContain('IteratorAge');
    expect(metricNames).toEqual(expect.arrayContaining(['TimerLatenessMs', 'FloorCutFailed']));
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toHaveLength(1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('alarms on the functions’ ChimeThrottles metric: 10 or more a minute, all operations together, 3 minutes running', () => {
    // Prepare
    const alarm = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' && String(r.Properties?.AlarmDescription).startsWith('Chime'),
    );
    const queries = (alarm?.Properties?.Metrics ?? []) as {
      Id: string;
      Expression?: string;
      ReturnData?: boolean;
      MetricStat?: {
        Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
        Period: number;
        Stat: string;
      };
    }[];
    const stats = queries.filter((q) => q.MetricStat);
    const granted = new Set(
      [...Object.values(stack.functions), stack.provisioner].flatMap((f) => grantsOf(f).chime),
    );
    // Assess
    expect(alarm?.Properties).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 9,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
    expect(queries.find((q) => q.ReturnData !== false)?.Expression).toBe(
      stats.map((q) => `FILL(${q.Id}, 0)`).join(' + '),
    );
    expect(
      stats
        .map((q) => `chime:${q.MetricStat!.Metric.Dimensions.find((d) => d.Name === 'Operation')?.Value}`)
        .sort(),
    ).toEqual([...granted].sort());
    for (const { MetricStat } of stats) {
      expect(MetricStat).toMatchObject({
        Metric: { Namespace: 'floorpass', MetricName: 'ChimeThrottles' },
        Period: 60,
        Stat: 'Sum',
      });
      // Exactly the dimensions shared/observability/metrics.ts publishes with: service, event, Operation.
      expect(MetricStat!.Metric.Dimensions.map((d) => d.Name).sort()).toEqual([
        'Operation',
        'event',
        'service',
      ]);
      expect(MetricStat!.Metric.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'service', Value: 'floorpass' },
          { Name: 'event', Value: 'hlc-2021' },
        ]),
      );
    }
    // Counted by the functions, no longer from their log lines.
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  it('outputs the API URL, user pool and client ids, table name, dashboard URL, provisioning DLQ URL and the floor channel’s URLs', () => {
    // Assess
    template.hasOutput('FloorChannelRealtimeUrl', {
      Value: {
        'Fn::Join': ['', ['wss://', { 'Fn::GetAtt': [Match.anyValue(), 'Dns.Realtime'] }, '/event/realtime']],
      },
    });
    template.hasOutput('FloorChannelHttpUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'Dns.Http'] }, '/event']] },
    });
    for (const output of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'TableName',
      'DashboardUrl',
      'ProvisioningDeadLetterQueueUrl',
    ]) {
      template.hasOutput(output, {});
    }
  });

  it('synthesizes a second event as an independent stack, with no hard-coded physical names', () => {
    // Prepare
    const physicalNames = [
      'TableName',
      'FunctionName',
      'RoleName',
      'QueueName',
      'TopicName',
      'LogGroupName',
      'DashboardName',
      'AlarmName',
      'UserPoolName',
    ];
    // Act
    const second = synthesizeEventStack({ event: small, stage: 'test' });
    const secondTemplate = Template.fromStack(second);
    // Assess
    expect(second.stackName).toBe('floorpass-small-test-2025-test');
    expect(second.stackName).not.toBe(stack.stackName);
    secondTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    secondTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { externalMeetingId: [{ prefix: 'small-test-2025/' }] } }),
    });
    for (const t of [template, secondTemplate]) {
      for (const resource of Object.values(t.toJSON().Resources as Resources)) {
        for (const name of physicalNames) {
          // A reference (Ref, GetAtt) names a generated resource; a literal string would be hard-coded.
          expect(typeof resource.Properties?.[name], `${resource.Type}.${name}`).not.toBe('string');
        }
      }
    }
  });

  it('trusts an external OIDC issuer instead of creating a user pool when one is configured', () => {
    // Act
    const oidc = Template.fromStack(
      synthesizeEventStack({
        event: small,
        jwtIssuer: 'https://login.example.org/realms/un',
        jwtAudience: 'floorpass-api',
        corsOrigins: 'https://delegates.example.org',
      }),
    );
    // Assess
    oidc.resourceCountIs('AWS::Cognito::UserPool', 0);
    oidc.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://login.example.org/realms/un', Audience: ['floorpass-api'] },
    });
    oidc.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://delegates.example.org', { 'Fn::Join': ['', ['https://', Match.anyValue()]] }],
      }),
    });
    oidc.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GROUPS_CLAIM: 'groups' }) },
    });
  });

  it('trusts the OIDC provider the programme file names in `identity:`, and creates no user pool or token trigger', () => {
    // Act
    const fromFile = synthesizeEventStack({ event: externalIdp });
    const oidc = Template.fromStack(fromFile);
    // Assess
    expect(fromFile.identity.userPool).toBeUndefined();
    expect(fromFile.identity.tokenTrigger).toBeUndefined();
    oidc.resourceCountIs('AWS::Cognito::UserPool', 0);
    oidc.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    oidc.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: 'https://login.example.int/realms/delegates',
        Audience: ['floorpass-api', 'floorpass-web'],
      },
    });
    oidc.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GROUPS_CLAIM: 'groups' }) },
    });
    expect(Object.keys(oidc.findOutputs('UserPoolId'))).toEqual([]);
    oidc.hasOutput('JwtIssuer', { Value: 'https://login.example.int/realms/delegates' });
    // The floor channel trusts the same provider and audiences for connecting and subscribing.
    const oidcMode = [{ AuthType: 'OPENID_CONNECT' }];
    oidc.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: Match.objectLike({
        AuthProviders: [
          { AuthType: 'AWS_IAM' },
          {
            AuthType: 'OPENID_CONNECT',
            OpenIDConnectConfig: {
              Issuer: 'https://login.example.int/realms/delegates',
              ClientId: '^(floorpass-api|floorpass-web)$',
            },
          },
        ],
        ConnectionAuthModes: oidcMode,
        DefaultSubscribeAuthModes: oidcMode,
      }),
    });
    oidc.hasResourceProperties('AWS::AppSync::ChannelNamespace', {
      PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      SubscribeAuthModes: oidcMode,
    });
  });

  it('lets -c jwtIssuer and -c jwtAudience override the programme file’s identity provider', () => {
    // Act
    const config = readDeployConfig(
      appWith({
        event: externalIdp,
        jwtIssuer: 'https://staging-login.example.int/realms/test',
        jwtAudience: 'floorpass-staging',
      }).node,
    );
    const fromFile = readDeployConfig(appWith({ event: externalIdp }).node);
    // Assess
    expect(config.auth).toEqual({
      kind: 'oidc',
      issuer: 'https://staging-login.example.int/realms/test',
      audience: ['floorpass-staging'],
    });
    expect(fromFile.auth).toEqual({
      kind: 'oidc',
      issuer: 'https://login.example.int/realms/delegates',
      audience: ['floorpass-api', 'floorpass-web'],
    });
    expect(readDeployConfig(appWith({ event: small }).node).auth.kind).toBe('cognito');
  });

  it('refuses a bad programme file with the path of the bad field', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'floorpass-infra-'));
    const bad = join(dir, 'bad-event.yaml');
    writeFileSync(
      bad,
      [
        'event: { id: bad-event, name: A bad event, timeZone: Europe/Vienna }',
        'inPerson: { seatsPerDelegation: 1, eligibleCategories: [MemberState] }',
        'sessions:',
        '  - { id: one, title: Session one, start: "2025-03-10T10:00:00+01:00", end: "2025-03-10T12:00:00+01:00", audience: [Diplomats] }',
      ].join('\n'),
    );
    // Act
    const read = () => readDeployConfig(appWith({ event: bad }).node);
    // Assess
    expect(read).toThrow(ProgrammeError);
    expect(read).toThrow(/sessions\[0\]\.audience\[0\]/);
    expect(() => readDeployConfig(appWith({}).node)).toThrow(ConfigError);
    expect(() => readDeployConfig(appWith({ event: sample, chimeMediaRegion: 'mars-1' }).node)).toThrow(
      /chimeMediaRegion/,
    );
  });

  it('makes `cdk synth` print the bad field and exit 1, without a stack trace', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'floorpass-infra-'));
    const bad = join(dir, 'bad-event.yaml');
    writeFileSync(bad, 'event: { id: BAD ID, name: x, timeZone: Nowhere/Atlantis }\n');
    // Act
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: projectRoot,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ event: bad }), CDK_OUTDIR: dir },
    });
    const failure = (await run.then(
      () => null,
      (error: unknown) => error,
    )) as { code: number; stderr: string } | null;
    // Assess
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(bad);
    expect(failure?.stderr).toMatch(/event\.id: /);
    expect(failure?.stderr).toMatch(/event\.timeZone: /);
    expect(failure?.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('Stack: EventStack of an event still to come', () => {
  let stack: EventStack;
  let resources: Resources;
  // L2 constructs by their resource, L1 ones (the schedules) as they are.
  const logicalId = (construct: IConstruct) =>
    stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
  const schedulesOf = (r: Resources) => Object.values(r).filter((x) => x.Type === 'AWS::Scheduler::Schedule');

  beforeAll(() => {
    // Prepare
    stack = synthesizeEventStack({ event: future });
    // Act
    resources = Template.fromStack(stack).toJSON().Resources as Resources;
  });

  it('gives each room a one-time schedule at its doors-open instant, in UTC, that provisions that room', () => {
    // Prepare
    const { sessions } = readDeployConfig(appWith({ event: future }).node).programme;
    const roleId = logicalId(stack.provisioning.schedulerRole!);
    const dlqId = logicalId(stack.provisioning.deadLetterQueue);
    // Assess
    expect(schedulesOf(resources)).toHaveLength(sessions.length);
    expect(stack.provisioning.unscheduledRooms).toEqual([]);
    for (const session of sessions) {
      // e.g. plenary: 10:00 Vienna (UTC+1) less 30 minutes = 08:30 UTC.
      const opensAt = joinWindowOf(session).opensAt.toISOString().slice(0, 19);
      const schedule = resources[logicalId(stack.provisioning.schedules.get(session.id)!)];
      expect(schedule?.Properties, session.id).toEqual({
        Description: expect.stringContaining(session.id),
        ScheduleExpression: `at(${opensAt})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [logicalId(stack.provisioner.lambda), 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          Input: JSON.stringify({ roomId: session.id }),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        },
      });
    }
    expect(schedulesOf(resources).map((s) => s.Properties?.ScheduleExpression)).toEqual(
      expect.arrayContaining(['at(2031-03-10T08:30:00)', 'at(2031-03-10T12:45:00)']),
    );
  });

  it('lets the schedules’ role, assumed by this account’s Scheduler only, invoke the provision function and nothing else', () => {
    // Prepare
    const role = resources[logicalId(stack.provisioning.schedulerRole!)];
    const statements = statementsByRoleOf(resources).get(logicalId(stack.provisioning.schedulerRole!)) ?? [];
    const provisionArn = `<${logicalId(stack.provisioner.lambda)}.Arn>`;
    // Assess
    expect(role?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': expect.anything(),
            },
          },
        },
      ],
    });
    expect(
      statements.map((s) => ({
        actions: asList(s.Action),
        resources: asList(s.Resource).map(arnText).sort(),
      })),
    ).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: [provisionArn, `${provisionArn}:$LATEST`] },
      {
        actions: ['sqs:SendMessage'],
        resources: [`<${logicalId(stack.provisioning.deadLetterQueue)}.Arn>`],
      },
    ]);
  });

  it('schedules no room whose doors opened before synthesis, and keeps the others', () => {
    // Prepare: synthesized at noon in Vienna, between the plenary's doors (09:30) and the closed session's (13:45).
    const synthesizedAt = new Date('2031-03-10T12:00:00+01:00');
    // Act
    const midday = synthesizeEventStack({ event: future }, { synthesizedAt });
    const middayResources = Template.fromStack(midday).toJSON().Resources as Resources;
    // Assess
    expect(midday.provisioning.unscheduledRooms).toEqual(['plenary']);
    expect([...midday.provisioning.schedules.keys()]).toEqual(['member-states']);
    expect(
      schedulesOf(middayResources).map(
        (s) => (s.Properties?.Target as { Input?: string } | undefined)?.Input,
      ),
    ).toEqual([JSON.stringify({ roomId: 'member-states' })]);
  });
});
