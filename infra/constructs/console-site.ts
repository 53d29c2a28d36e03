import { fileURLToPath } from 'node:url';
import { AssetHashType, Aws, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { buildConsoleSync, writeFiles } from '../../console/build.ts';
import type { ConsoleConfig } from '../../console/src/config.ts';
import type { ConsoleHosting } from '../config.ts';

export interface ConsoleSiteProps extends ConsoleHosting {
  /** Where the buckets' server access logs go (the record's access-log bucket). */
  accessLogsBucket: IBucket;
  /**
   * The identity provider's origin (`https://…`, no path), where the console fetches discovery and tokens:
   * the user pool's hosted sign-in domain, or the event's OIDC issuer's origin.
   */
  identityOrigin: string;
}

/**
 * The console in AWS: its files in a private S3 bucket, served by CloudFront through origin access
 * control, over HTTPS only (HTTP/2 and HTTP/3), with the same security headers as the dev server and a
 * stricter Content-Security-Policy. The console sits at the distribution's root (`/`, index.html).
 *
 * The build runs at synthesis (asset bundling with esbuild, console/build.ts): `npm run synth` in a fresh
 * clone needs no step before it. `publish()` writes config.json beside it once the API, the channel and
 * the identity exist.
 *
 * Its Content-Security-Policy cannot name the API or the channel by their ids: the API's CORS and the
 * user pool client's callback URLs name this distribution's domain, and the channel trusts that client,
 * so a policy naming them would make the distribution wait on what waits on it (a dependency cycle).
 * It names them by Region-scoped wildcards instead (`https://*.execute-api.<region>.amazonaws.com`, …):
 * still only AWS's API Gateway and AppSync endpoints in the stack's Region, and script-src 'self' keeps
 * any injected script from running to use them.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  /** CloudFront's standard logs (CloudFront writes them with ACLs: a bucket of their own). */
  readonly cdnLogsBucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** `https://<domain>/`: the console, and the OIDC redirect URI. */
  readonly url: string;
  /** `https://<domain>`: the browser origin the API's CORS allows. */
  readonly origin: string;
  readonly contentSecurityPolicy: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const region = Aws.REGION;

    // Only a build: nothing here outlives a redeploy. Emptied by the deployments (retainOnDelete: false)
    // and deleted with the stack.
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'console-bucket/',
    });

    // CloudFront's standard logs need a bucket with ACLs (the log delivery account writes with one); its
    // own access logs go with the others. The logs hold viewers' addresses: kept 90 days.
    this.cdnLogsBucket = new Bucket(this, 'CdnLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'console-cdn-logs-bucket/',
    });

    this.contentSecurityPolicy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      [
        "connect-src 'self'",
        // The HTTP API and the floor channel (AppSync Events: https to publish, wss to follow), by Region.
        `https://*.execute-api.${region}.amazonaws.com`,
        `https://*.appsync-api.${region}.amazonaws.com`,
        `wss://*.appsync-realtime-api.${region}.amazonaws.com`,
        // The identity provider: discovery, the token and revocation endpoints.
        props.identityOrigin,
        // The Chime SDK's signalling, TURN and event ingestion, in whichever media Region hosts the meeting.
        'https://*.chime.aws',
        'wss://*.chime.aws',
      ].join(' '),
      // The Chime SDK's audio redundancy runs in a worker it makes from a blob.
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      'upgrade-insecure-requests',
    ].join('; ');

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'floorpass console: CSP, HSTS, nosniff, frame DENY, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          // The page itself may use the microphone and camera (a delegate speaks); nothing it embeds may.
          {
            header: 'Permissions-Policy',
            value: 'camera=(self), microphone=(self), geolocation=(), payment=()',
            override: true,
          },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          { header: 'Cross-Origin-Resource-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const custom =
      props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `floorpass console (${Stack.of(this).stackName})`.slice(0, 128),
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Delegations connect from every continent.
      priceClass: PriceClass.PRICE_CLASS_ALL,
      enableIpv6: true,
      enableLogging: true,
      logBucket: this.cdnLogsBucket,
      logFilePrefix: 'console/',
      ...custom,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // Query strings and cookies play no part (the console routes by its hash): one cached copy per
        // file. The TTLs follow each object's Cache-Control (publish()), with one second at least.
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
    });
    const domain = props.domainName ?? this.distribution.distributionDomainName;
    this.origin = `https://${domain}`;
    this.url = `https://${domain}/`;

    if (!props.domainName) {
      NagSuppressions.addResourceSuppressions(this.distribution, [
        {
          id: 'AwsSolutions-CFR4',
          reason:
            "No custom domain was configured (-c consoleDomain, -c consoleCertificateArn), so the distribution uses CloudFront's " +
            'default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1. Browsers that can run the ' +
            'console negotiate TLS 1.2 or 1.3 anyway; an event that needs the floor raised deploys with its own domain and ' +
            'certificate, and the distribution then requires TLSv1.2_2021.',
        },
      ]);
    }
    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: the delegations of 195 States, UN entities and civil society connect from every country, and ' +
          'who may sign in and join is decided by the identity provider and the API for each person, not by where they are.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No AWS WAF web ACL: the distribution serves only static files (GET and HEAD, cached, no query strings or cookies ' +
          'forwarded) from a private bucket; the API and the floor channel are separate endpoints with their own ' +
          'authorizers and throttles. A web ACL here would filter nothing that reaches code.',
      },
    ]);
  }

  /**
   * Builds the console (esbuild, at synthesis) and deploys it with its config.json: hashed assets cached a
   * year and immutable, index.html and config.json revalidated at every load (no-cache). Assets first,
   * then index.html, so that no index.html names an asset not yet there; old assets are kept (prune: false)
   * for pages opened before the deployment.
   */
  publish(config: ConsoleConfig): void {
    // Asset bundling runs where the CDK app runs (local), synchronously, and skips when the stack is not
    // being bundled (the infrastructure tests); Docker is never used, but the API asks for an image.
    const build = Source.asset(fileURLToPath(new URL('../../console', import.meta.url)), {
      // The hash of what was built (the sources are console/ and shared/clients/, and their packages).
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
        local: {
          tryBundle(outputDir) {
            writeFiles(buildConsoleSync(), outputDir);
            return true;
          },
        },
      },
    });
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [build],
      destinationBucket: this.bucket,
      exclude: ['index.html'],
      prune: false,
      retainOnDelete: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
      memoryLimit: 512,
    });
    const page = new BucketDeployment(this, 'DeployPage', {
      sources: [build, Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      prune: false,
      retainOnDelete: false,
      cacheControl: [CacheControl.noCache()],
      memoryLimit: 512,
    });
    page.node.addDependency(assets);
    this.suppressDeploymentFindings();
  }

  /**
   * The CDK's BucketDeployment runs one function of its own per stack (a singleton, shared by both
   * deployments), built by the CDK and outside the house ServiceFunction. Its findings, each reasoned,
   * on that function and its role only.
   */
  private suppressDeploymentFindings(): void {
    const stack = Stack.of(this);
    const handlers = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    const ourBucket = stack.resolve(this.bucket.bucketArn) as { 'Fn::GetAtt': [string, string] };
    const bucketRef = `<${ourBucket['Fn::GetAtt'][0]}.Arn>/*`;
    for (const handler of handlers) {
      NagSuppressions.addResourceSuppressions(
        handler,
        [
          {
            id: 'AwsSolutions-IAM4',
            reason:
              "The CDK's BucketDeployment function (a CloudFormation custom resource) is given AWSLambdaBasicExecutionRole by the " +
              'CDK: CreateLogGroup, CreateLogStream and PutLogEvents, what any function needs to write its own logs. It runs ' +
              'only at deployment, invoked by CloudFormation.',
            appliesTo: [
              'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
            ],
          },
          {
            id: 'AwsSolutions-IAM5',
            reason:
              "The CDK's grants to its BucketDeployment function: read (GetObject*, GetBucket*, List*) the CDK assets bucket, " +
              'where the console build is staged under a content hash known only after synthesis, and write and delete ' +
              '(DeleteObject*, Abort* of multipart uploads) the objects of the console bucket only, whose keys are the ' +
              "build's hashed file names. No other bucket, no other service.",
            appliesTo: [
              'Action::s3:GetBucket*',
              'Action::s3:GetObject*',
              'Action::s3:List*',
              'Action::s3:Abort*',
              'Action::s3:DeleteObject*',
              'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
              `Resource::${bucketRef}`,
            ],
          },
          {
            id: 'AwsSolutions-L1',
            reason:
              "The BucketDeployment function's runtime (Python, with the AWS CLI layer) is chosen by the CDK release this project " +
              'pins, and moves with it; the function runs only during deployments, invoked by CloudFormation.',
          },
          {
            id: 'Serverless-LambdaLatestVersion',
            reason:
              "The BucketDeployment function's runtime (Python, with the AWS CLI layer) is chosen by the CDK release this project " +
              'pins, and moves with it; the function runs only during deployments, invoked by CloudFormation.',
          },
          {
            id: 'Serverless-LambdaDLQ',
            reason:
              'Invoked only by CloudFormation, for the console deployments of this stack; a failure fails and rolls back the ' +
              'deployment, where IT staff see it. A dead-letter queue would hold a request whose pre-signed response URL has ' +
              'expired: nothing anyone could act on.',
          },
          {
            id: 'Serverless-LambdaTracing',
            reason:
              'A deployment-time copy of static files from one bucket to another, run by CloudFormation: its log group shows ' +
              'each run, and there is no request path for X-Ray to trace.',
          },
        ],
        true,
      );
    }
  }
}
