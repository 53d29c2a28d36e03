import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolEmail,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { CognitoAuth, OidcAuth } from '../config.ts';
import { ServiceFunction } from './service-function.ts';

export interface EventIdentityProps {
  auth: CognitoAuth | OidcAuth;
  eventId: string;
  stage: string | undefined;
  organizerGroup: string;
  /**
   * The console's address (`https://<its domain>/`): with a user pool, a callback and sign-out URL of the
   * app client beside `-c callbackUrls`, so that the console signs in with the authorization code flow.
   */
  consoleUrl?: string;
}

/**
 * The user pool's hosted sign-in domain, `https://<prefix>.auth.<region>.amazoncognito.com`, known at
 * synthesis (no reference to the domain resource): the console's Content-Security-Policy names it, and the
 * distribution that carries that policy must not wait on the identity that waits on the distribution.
 * The prefix must be unique per Region across AWS: `-c authDomainPrefix`, or the event, stage and account.
 */
export function cognitoSignInDomain(auth: CognitoAuth, eventId: string, stage: string | undefined): string {
  return `https://${cognitoDomainPrefix(auth, eventId, stage)}.auth.${Aws.REGION}.amazoncognito.com`;
}

function cognitoDomainPrefix(auth: CognitoAuth, eventId: string, stage: string | undefined): string {
  return auth.domainPrefix ?? `${eventId}${stage ? `-${stage}` : ''}-${Aws.ACCOUNT_ID}`;
}

/**
 * Who signs in, and the JWT authorizer the HTTP API puts on every route. By default the event gets its
 * own Cognito user pool; with an `identity:` block in the programme file (or `-c jwtIssuer=…
 * -c jwtAudience=…`, which take precedence) the event's own OIDC provider (a government or UN identity
 * provider) is trusted instead and no user pool is created.
 *
 * Clients send the ID token: the functions read the `email` claim (and `cognito:groups`), which Cognito
 * puts in ID tokens, not in access tokens. The API checks `aud` against the app client id.
 */
export class EventIdentity extends Construct {
  readonly authorizer: IHttpRouteAuthorizer;
  readonly issuer: string;
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;
  /** The user pool's hosted sign-in domain (https, no path), when it has one. */
  readonly signInDomain?: string;
  /** The user pool's pre token generation trigger: organizer group only with TOTP. */
  readonly tokenTrigger?: ServiceFunction;

  constructor(scope: Construct, id: string, props: EventIdentityProps) {
    super(scope, id);
    const { auth } = props;

    if (auth.kind === 'oidc') {
      this.issuer = auth.issuer;
      this.authorizer = new HttpJwtAuthorizer('OidcAuthorizer', auth.issuer, { jwtAudience: auth.audience });
      return;
    }

    const userPool = new UserPool(this, 'UserPool', {
      // Participants are registered by the secretariat, never by themselves.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // A user's email is their identity in our registry: while a change waits for verification, the
      // old, verified address stays the one in the token.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // MFA: organizers must use TOTP, but Cognito cannot require MFA per group. OPTIONAL offers TOTP to
      // everyone, and the pre token generation trigger below leaves the organizer group out of the
      // tokens of a user without TOTP activated, which takes the organizer rights with it (the functions
      // trust that group claim alone). `-c mfa=required` requires TOTP of every participant instead.
      // SMS is off: no SIM-swap exposure, no SNS spend. No device is remembered (no deviceTracking), so
      // a user with TOTP activated is challenged for it at every sign-in.
      mfa: auth.mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised-credential checks, adaptive authentication) is a Plus feature.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      // The pool holds the participants' sign-in identities; teardown keeps it like the table.
      removalPolicy: RemovalPolicy.RETAIN,
      // Cognito's own sender allows few emails a day: a real event sends through SES (-c sesFromEmail).
      ...(auth.sesFromEmail
        ? {
            email: UserPoolEmail.withSES({
              fromEmail: auth.sesFromEmail,
              fromName: `floorpass ${props.eventId}`,
              // SES in the stack's own Region (the sender must be verified there).
              sesRegion: Aws.REGION,
            }),
          }
        : {}),
      userInvitation: {
        emailSubject: `Your access to ${props.eventId}`,
        emailBody:
          'You are registered for the online part of the conference. Sign in with {username} and the temporary password {####}.',
      },
    });
    // Runs on every sign-in and token refresh: an organizer who turns TOTP off, or is added to the group
    // without it, holds no organizer rights from the next token on (ID tokens last an hour).
    const tokenTrigger = new ServiceFunction(this, 'PreTokenGeneration', {
      entry: 'pre-token-generation',
      description: 'Cognito pre token generation: the organizer group only in tokens of users with TOTP',
      // Cognito waits 5 seconds for a trigger; the handler answers within that.
      timeout: Duration.seconds(5),
      environment: { ORGANIZER_GROUP: props.organizerGroup },
    }).bindUserPool(userPool, ['AdminGetUser']);
    // V1_0: the group override it returns replaces cognito:groups in the ID and the access token alike.
    userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      tokenTrigger.lambda,
      LambdaVersion.V1_0,
    );
    NagSuppressions.addResourceSuppressions(tokenTrigger.lambda, [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by Cognito during sign-in, which fails the sign-in when the trigger fails; ' +
          'the person signs in again. A dead-letter queue only ever receives failed asynchronous ' +
          'invocations, of which this function has none.',
      },
    ]);

    userPool.addGroup('Organizers', {
      groupName: props.organizerGroup,
      description: 'The secretariat: may load participants, assign seats and read the audit trail.',
    });

    // The console's address and any other web client's (-c callbackUrls): the authorization code flow
    // with PKCE, for a public client (no secret: a browser cannot keep one).
    const callbackUrls = [...auth.callbackUrls, ...(props.consoleUrl ? [props.consoleUrl] : [])];
    const oAuth = callbackUrls.length > 0;
    const client = userPool.addClient('WebClient', {
      generateSecret: false,
      // SRP for people; the admin password flow needs IAM credentials (IT staff's first-join check, scripts).
      authFlows: { userSrp: true, adminUserPassword: true },
      preventUserExistenceErrors: true,
      // Sign-out revokes the refresh token (POST /oauth2/revoke), and with it the tokens it gave.
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // The event lasts three days: one sign-in carries a tab through it, and a refresh token taken from a
      // tab is worthless afterwards. The console keeps it in sessionStorage and revokes it at sign-out.
      refreshTokenValidity: Duration.days(3),
      // Users may read their profile but not change it: the email is the registry key, managed by IT.
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }),
      writeAttributes: new ClientAttributes(),
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      ...(oAuth
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls,
              logoutUrls: callbackUrls,
            },
          }
        : { disableOAuth: true }),
    });
    if (oAuth) {
      // Hosted sign-in for the authorization-code flow (cognitoSignInDomain: the same name, as a string).
      userPool.addDomain('SignIn', {
        cognitoDomain: { domainPrefix: cognitoDomainPrefix(auth, props.eventId, props.stage) },
      });
      this.signInDomain = cognitoSignInDomain(auth, props.eventId, props.stage);
    }

    if (auth.mfa === 'optional') {
      NagSuppressions.addResourceSuppressions(userPool, [
        {
          id: 'AwsSolutions-COG2',
          reason:
            'TOTP MFA is available to every user and required of organizers: the pre token generation ' +
            'trigger (functions/pre-token-generation.ts) leaves the organizer group, and with it every ' +
            'organizer right, out of the tokens of a user without TOTP activated. Cognito cannot require ' +
            'MFA per group; requiring it of every delegate is a choice the event makes with -c mfa=required.',
        },
      ]);
    }

    this.userPool = userPool;
    this.userPoolClient = client;
    this.tokenTrigger = tokenTrigger;
    this.issuer = `https://${userPool.userPoolProviderUrl}`;
    this.authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', userPool, {
      userPoolClients: [client],
    });
  }
}
