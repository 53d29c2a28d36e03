/**
 * The console in AWS (infra/constructs/console-site.ts): a private bucket behind CloudFront with origin
 * access control, its security headers, its deployment with config.json, and where its address goes (the
 * user pool client's callback URLs, the API's CORS, the stack's outputs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleConfig } from '../../console/src/config.ts';
import { ConfigError } from '../../infra/config.ts';
import type { EventStack } from '../../infra/stacks/event-stack.ts';
import { privateLoggedBucket, projectRoot, synthesizeEventStack } from './synth.ts';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;

const sample = `${projectRoot}events/hlc-2021.yaml`;
const externalIdp = `${projectRoot}test/infra/fixtures/external-idp-event.yaml`;

/** The config.json the stack deploys, read from the synthesized assembly (tokens as CDK markers). */
function deployedConfig(stack: EventStack): ConsoleConfig {
  const outdir = (stack.node.root as App).synth().directory;
  const found = readdirSync(outdir)
    .map((entry) => join(outdir, entry, 'config.json'))
    .filter((path) => existsSync(path));
  expect(found).toHaveLength(1);
  return JSON.parse(readFileSync(found[0] as string, 'utf8')) as ConsoleConfig;
}

function cspOf(resources: Resources): string {
  const policy = Object.values(resources).find((r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy');
  const config = policy?.Properties?.ResponseHeadersPolicyConfig as {
    SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
  };
  const value = config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
  // Fn::Join of text and pseudo parameters, as text: `…execute-api.<AWS::Region>.amazonaws.com…`.
  if (typeof value === 'string') return value;
  const [, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((p) => (typeof p === 'string' ? p : `<${(p as { Ref: string }).Ref}>`)).join('');
}

describe('Construct: ConsoleSite', () => {
  let stack: EventStack;
  let template: Template;
  let resources: Resources;
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const consoleDomain = () => ({ 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] });

  beforeAll(() => {
    // Prepare
    stack = synthesizeEventStack({ event: sample, corsOrigins: 'https://delegates.example.org' });
    // Act
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Resources;
  });

  it('serves a private, encrypted, logged bucket through CloudFront with origin access control, HTTPS only', () => {
    // Assess
    const bucketId = logicalId(stack.console.bucket);
    expect(resources[bucketId]?.Properties).toMatchObject({
      ...privateLoggedBucket(logicalId(stack.record.accessLogsBucket)),
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        HttpVersion: 'http2and3',
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
            OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] },
            S3OriginConfig: { OriginAccessIdentity: '' },
          }),
        ],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: { Ref: logicalId(stack.console.headers) },
        }),
      }),
    });
    // The bucket policy: CloudFront's service principal for this distribution only, and TLS only.
    const policy = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::S3::BucketPolicy' &&
        (r.Properties?.Bucket as { Ref?: string } | undefined)?.Ref === bucketId,
    );
    const statements =
      (policy?.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)
        ?.Statement ?? [];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: {
          StringEquals: { 'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) },
        },
      }),
    ]);
    expect(JSON.stringify(statements.find((s) => s.Effect === 'Deny'))).toContain('aws:SecureTransport');
  });

  it('sends a strict CSP, HSTS, nosniff, frame DENY, no referrer, and lets the page itself use the microphone', () => {
    // Prepare
    const csp = cspOf(resources);
    const directives = Object.fromEntries(
      csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as [string, string[]]),
    );
    // Assess
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    // Region-scoped wildcards for the API and the channel (their ids would make a dependency cycle), the
    // user pool's hosted sign-in domain exactly, and the Chime SDK's media endpoints.
    expect(directives['connect-src']).toEqual([
      "'self'",
      'https://*.execute-api.<AWS::Region>.amazonaws.com',
      'https://*.appsync-api.<AWS::Region>.amazonaws.com',
      'wss://*.appsync-realtime-api.<AWS::Region>.amazonaws.com',
      'https://hlc-2021-<AWS::AccountId>.auth.<AWS::Region>.amazoncognito.com',
      'https://*.chime.aws',
      'wss://*.chime.aws',
    ]);
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000, Override: true }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        }),
        CustomHeadersConfig: {
          Items: Match.arrayWith([
            Match.objectLike({
              Header: 'Permissions-Policy',
              Value: Match.stringLikeRegexp('microphone=\\(self\\)'),
            }),
          ]),
        },
      }),
    });
  });

  it('deploys hashed assets cached a year and immutable, then index.html and config.json revalidated each time', () => {
    // Prepare
    const deployments = Object.entries(resources).filter(([, r]) => r.Type === 'Custom::CDKBucketDeployment');
    const assets = deployments.find(([, r]) => JSON.stringify(r.Properties?.Exclude) === '["index.html"]');
    const page = deployments.find(([, r]) => JSON.stringify(r.Properties?.Exclude) === '["assets/*"]');
    // Assess
    expect(deployments).toHaveLength(2);
    expect(assets?.[1].Properties).toMatchObject({
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
      DestinationBucketName: { Ref: logicalId(stack.console.bucket) },
    });
    expect(page?.[1].Properties).toMatchObject({
      SystemMetadata: { 'cache-control': 'no-cache' },
      Prune: false,
      DestinationBucketName: { Ref: logicalId(stack.console.bucket) },
    });
    expect(page?.[1].DependsOn).toEqual(expect.arrayContaining([assets?.[0]]));
  });

  it('tells the console where the API and the channel are, and to sign in with the user pool’s hosted UI', () => {
    // Act
    const config = deployedConfig(stack);
    // Assess
    expect(config).toMatchObject({
      apiUrl: expect.any(String),
      eventsUrl: expect.stringMatching(/^wss:\/\/.+\/event\/realtime$/),
      eventsHost: expect.any(String),
      media: true,
      signIn: {
        kind: 'oidc',
        issuer: expect.stringMatching(/^https:\/\//),
        clientId: expect.any(String),
        scopes: ['openid', 'email', 'profile'],
        redirectUri: expect.stringMatching(/^https:\/\/.+\/$/),
        cognitoDomain: expect.stringMatching(/^https:\/\/hlc-2021-.+\.auth\..+\.amazoncognito\.com$/),
      },
    });
    // The deployment fills the markers with the API's endpoint, the channel's domains, the pool, the client.
    const page = Object.values(resources).find(
      (r) => r.Type === 'Custom::CDKBucketDeployment' && r.Properties?.SourceMarkers !== undefined,
    );
    const markers = JSON.stringify(page?.Properties?.SourceMarkers);
    for (const attribute of ['ApiEndpoint', 'Dns.Realtime', 'Dns.Http', 'ProviderURL', 'DomainName']) {
      expect(markers).toContain(attribute);
    }
    expect(markers).toContain(logicalId(stack.identity.userPoolClient as IConstruct));
  });

  it('registers the distribution’s address as the app client’s callback and sign-out URL: code grant, no secret', () => {
    // Prepare
    const url = { 'Fn::Join': ['', ['https://', consoleDomain(), '/']] };
    // Assess
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [url],
      LogoutURLs: [url],
      GenerateSecret: false,
      EnableTokenRevocation: true,
      RefreshTokenValidity: 3 * 24 * 60,
      TokenValidityUnits: Match.objectLike({ RefreshToken: 'minutes' }),
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    template.hasOutput('ConsoleUrl', { Value: url });
    template.hasOutput('ConsoleCallbackUrl', { Value: url });
  });

  it('allows the console’s origin in the API’s CORS, beside the configured ones', () => {
    // Assess
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://delegates.example.org', { 'Fn::Join': ['', ['https://', consoleDomain()]] }],
      }),
    });
  });

  it('uses CloudFront’s default certificate without a custom domain, and says why in a scoped suppression', () => {
    // Prepare
    const metadata = JSON.stringify(
      (template.toJSON().Resources as Record<string, { Metadata?: unknown }>)[
        logicalId(stack.console.distribution)
      ]?.Metadata,
    );
    // Assess
    for (const rule of ['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4'])
      expect(metadata).toContain(rule);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: Match.absent(), ViewerCertificate: Match.absent() }),
    });
  });

  it('lets the CDK’s deployment function read the CDK asset bucket and write the console bucket, nothing else', () => {
    // Prepare
    const policies = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        ((r.Properties?.Roles as { Ref: string }[] | undefined) ?? []).some((role) =>
          role.Ref.startsWith('CustomCDKBucketDeployment'),
        ),
    );
    const statements = policies.flatMap(
      (p) =>
        (
          p.Properties?.PolicyDocument as
            | { Statement: { Action: string | string[]; Resource: unknown }[] }
            | undefined
        )?.Statement ?? [],
    );
    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).toMatch(/^s3:/);
      const text = JSON.stringify(statement.Resource);
      expect(
        text.includes('cdk-hnb659fds-assets') || text.includes(logicalId(stack.console.bucket)),
        text,
      ).toBe(true);
    }
  });
});

describe('Construct: ConsoleSite with the event’s own identity provider', () => {
  it('signs in at the event’s issuer, names its origin in the CSP, and outputs the callback URL to register there', () => {
    // Act
    const stack = synthesizeEventStack({ event: externalIdp });
    const template = Template.fromStack(stack);
    const resources = template.toJSON().Resources as Resources;
    // Assess
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(cspOf(resources)).toContain(' https://login.example.int ');
    const url = {
      'Fn::Join': [
        '',
        [
          'https://',
          {
            'Fn::GetAtt': [
              stack.getLogicalId(stack.console.distribution.node.defaultChild as CfnElement),
              'DomainName',
            ],
          },
          '/',
        ],
      ],
    };
    template.hasOutput('ConsoleCallbackUrl', {
      Value: url,
      Description: Match.stringLikeRegexp(
        'register it with the event’s identity provider for client floorpass-api',
      ),
    });
    expect(deployedConfig(stack).signIn).toEqual({
      kind: 'oidc',
      issuer: 'https://login.example.int/realms/delegates',
      clientId: 'floorpass-api',
      scopes: ['openid', 'email', 'profile'],
      redirectUri: expect.stringMatching(/^https:\/\/.+\/$/),
    });
  });

  it('takes the console’s client id from -c consoleClientId, one of the audiences only', () => {
    // Act
    const stack = synthesizeEventStack({ event: externalIdp, consoleClientId: 'floorpass-web' });
    // Assess
    expect(deployedConfig(stack).signIn).toMatchObject({ clientId: 'floorpass-web' });
    expect(() => synthesizeEventStack({ event: externalIdp, consoleClientId: 'someone-else' })).toThrow(
      ConfigError,
    );
  });
});

describe('Construct: ConsoleSite on a custom domain', () => {
  const certificateArn =
    'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

  it('serves the domain with its certificate and TLS 1.2 at least, and uses it for callbacks and CORS', () => {
    // Act
    const stack = synthesizeEventStack({
      event: sample,
      consoleDomain: 'console.hlc.example.org',
      consoleCertificateArn: certificateArn,
    });
    const template = Template.fromStack(stack);
    // Assess
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['console.hlc.example.org'],
        ViewerCertificate: {
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://console.hlc.example.org/'],
      LogoutURLs: ['https://console.hlc.example.org/'],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://console.hlc.example.org'] }),
    });
    template.hasOutput('ConsoleUrl', { Value: 'https://console.hlc.example.org/' });
    // No suppression of the default certificate's finding: there is none to suppress.
    const resources = template.toJSON().Resources as Record<string, { Metadata?: unknown }>;
    const metadata = JSON.stringify(
      resources[stack.getLogicalId(stack.console.distribution.node.defaultChild as CfnElement)]?.Metadata,
    );
    expect(metadata).not.toContain('AwsSolutions-CFR4');
  });

  it('refuses a custom domain without its certificate, or a certificate outside us-east-1, saying why', () => {
    // Assess
    expect(() => synthesizeEventStack({ event: sample, consoleDomain: 'console.hlc.example.org' })).toThrow(
      /consoleDomain and consoleCertificateArn go together/,
    );
    expect(() =>
      synthesizeEventStack({
        event: sample,
        consoleDomain: 'console.hlc.example.org',
        consoleCertificateArn: certificateArn.replace('us-east-1', 'eu-west-1'),
      }),
    ).toThrow(/us-east-1/);
  });
});
