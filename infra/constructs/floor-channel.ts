import { ArnFormat, Stack } from 'aws-cdk-lib';
import {
  AppSyncAuthorizationType,
  type AppSyncAuthProvider,
  AppSyncLambdaDataSource,
  type CfnApi,
  ChannelNamespace,
  EventApi,
  LambdaInvokeType,
} from 'aws-cdk-lib/aws-appsync';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { FLOOR_NAMESPACE } from '#ports/room-channel.ts';
import type { CognitoAuth, OidcAuth } from '../config.ts';
import type { EventIdentity } from './identity.ts';
import type { ServiceFunction } from './service-function.ts';

export interface FloorChannelProps {
  /** Who signs in: subscribers present the same ID token the HTTP API takes. */
  identity: EventIdentity;
  auth: CognitoAuth | OidcAuth;
  /** The namespace's onSubscribe function (functions/floor-channel-auth.ts). */
  subscribeHandler: ServiceFunction;
  logRetention?: RetentionDays;
}

/**
 * The floor's real-time channel: an AppSync Events API with one channel namespace, `floor`, one
 * channel per room (`/floor/{sessionId}`). Functions publish by IAM only (bindFloorChannel on a
 * ServiceFunction); people connect and subscribe with the event's JWT (its Cognito user pool, or its
 * OIDC provider) and never publish.
 *
 * Who may subscribe to a room is decided by an onSubscribe handler with a direct Lambda integration,
 * not by a Lambda authorizer (AWS_LAMBDA auth mode):
 * - AppSync verifies the JWT itself (signature, issuer, audience, expiry) with the same provider the
 *   HTTP API trusts, and hands the function the verified claims and the channel path; a Lambda
 *   authorizer would receive the raw token and have to verify it again (keys, issuers, audiences).
 * - onSubscribe runs for each subscribe, on that exact channel; an authorizer also runs on connect and
 *   its answers are cached per token for a TTL, which would tie one room's answer to another's.
 * - the rule is the floor's (mayFollowFloor, use-cases/floor.ts), read from DynamoDB: the function needs the
 *   table whichever way it is called, and onSubscribe calls it only when someone subscribes.
 * AppSync does not ask again while a subscription stays open: it lasts as long as its WebSocket
 * connection, which AppSync Events keeps for up to 24 hours. A participant revoked meanwhile (or whose
 * room has closed) can go on receiving that room's floor events until the connection closes. The
 * channel therefore carries only what is no secret (the floor's state, never a JoinToken), and what a
 * client may do is still decided by the HTTP API and Chime, never by the channel.
 */
export class FloorChannel extends Construct {
  readonly api: EventApi;
  readonly namespace: ChannelNamespace;
  /** The IAM resource of the `floor` namespace (appsync:EventPublish is granted on it, nothing wider). */
  readonly namespaceArn: string;
  /** The API's HTTP domain: publishing (`https://{domain}/event`), and the `host` clients sign with. */
  readonly httpDomain: string;
  /** Where clients connect: `wss://{realtime domain}/event/realtime`. */
  readonly realtimeUrl: string;
  /** Where functions publish: `https://{http domain}/event`. */
  readonly httpUrl: string;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: FloorChannelProps) {
    super(scope, id);

    const jwtProvider = jwtProviderOf(props.identity, props.auth);
    const jwt = jwtProvider.authorizationType;
    this.api = new EventApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-floor`.slice(0, 50),
      authorizationConfig: {
        authProviders: [{ authorizationType: AppSyncAuthorizationType.IAM }, jwtProvider],
        connectionAuthModeTypes: [jwt],
        defaultPublishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        defaultSubscribeAuthModeTypes: [jwt],
      },
    });

    // Logs: the API's errors (refused subscribes, failed handlers) into a log group of ours with a
    // retention, written through a role that may write to it only. (EventApi's own logConfig would
    // attach the AWSAppSyncPushToCloudWatchLogs managed policy, which writes to any log group, and set
    // the retention with a custom resource.)
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    });
    const logsRole = new Role(this, 'LogsRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'floorpass floor channel: AppSync Events writes its logs to its own log group only',
    });
    this.logGroup.grantWrite(logsRole);
    (this.api.node.defaultChild as CfnApi).addPropertyOverride('EventConfig.LogConfig', {
      CloudWatchLogsRoleArn: logsRole.roleArn,
      LogLevel: 'ERROR',
    });

    const subscribeCheck = new AppSyncLambdaDataSource(this, 'SubscribeCheck', {
      api: this.api,
      lambdaFunction: props.subscribeHandler.lambda,
      name: 'FloorSubscribeCheck',
      description: "Who may follow a room's floor (onSubscribe, direct Lambda integration)",
    });
    NagSuppressions.addResourceSuppressions(
      subscribeCheck,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "AppSyncLambdaDataSource grants its service role lambda:InvokeFunction on the onSubscribe function's " +
            'ARN and on that same ARN with `:*` (its versions and aliases). The wildcard is a qualifier of this ' +
            'one function, not other functions; the role can invoke nothing else.',
          appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );

    this.namespace = new ChannelNamespace(this, 'Floor', {
      api: this.api,
      channelNamespaceName: FLOOR_NAMESPACE,
      authorizationConfig: {
        publishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        subscribeAuthModeTypes: [jwt],
      },
      subscribeHandlerConfig: {
        direct: true,
        dataSource: subscribeCheck,
        lambdaInvokeType: LambdaInvokeType.REQUEST_RESPONSE,
      },
    });

    // arn:${Partition}:appsync:${Region}:${Account}:apis/${ApiId}/channelNamespace/${ChannelNamespaceName}
    this.namespaceArn = Stack.of(this).formatArn({
      service: 'appsync',
      resource: 'apis',
      resourceName: `${this.api.apiId}/channelNamespace/${FLOOR_NAMESPACE}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.httpDomain = this.api.httpDns;
    this.httpUrl = `https://${this.api.httpDns}/event`;
    this.realtimeUrl = `wss://${this.api.realtimeDns}/event/realtime`;
  }
}

/** The AppSync auth provider for the JWT the HTTP API takes: the event's user pool client, or its OIDC provider. */
function jwtProviderOf(identity: EventIdentity, auth: CognitoAuth | OidcAuth): AppSyncAuthProvider {
  if (auth.kind === 'oidc') {
    return {
      authorizationType: AppSyncAuthorizationType.OIDC,
      // The token's aud (or client_id) must be one of the event's audiences, as the HTTP API checks.
      openIdConnectConfig: { oidcProvider: auth.issuer, clientId: exactlyOneOf(auth.audience) },
    };
  }
  if (!identity.userPool || !identity.userPoolClient) {
    throw new Error('FloorChannel: a Cognito event needs its user pool and app client');
  }
  return {
    authorizationType: AppSyncAuthorizationType.USER_POOL,
    cognitoConfig: {
      userPool: identity.userPool,
      appIdClientRegex: `^${identity.userPoolClient.userPoolClientId}$`,
    },
  };
}

/** A regular expression that matches exactly one of `values`. */
function exactlyOneOf(values: readonly string[]): string {
  return `^(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}
