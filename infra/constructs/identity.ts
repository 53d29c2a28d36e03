import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { CognitoAuth, OidcAuth } from '../config.ts';

export interface EventIdentityProps {
  auth: CognitoAuth | OidcAuth;
  eventId: string;
  stage: string | undefined;
  organizerGroup: string;
}

/**
 * Who signs in, and the JWT authorizer the HTTP API puts on every route. By default the event gets its
 * own Cognito user pool; with `-c jwtIssuer=… -c jwtAudience=…` the event's own OIDC provider (a
 * government or UN identity provider) is trusted instead and no user pool is created.
 *
 * Clients send the ID token: the functions read the `email` claim (and `cognito:groups`), which Cognito
 * puts in ID tokens, not in access tokens. The API checks `aud` against the app client id.
 */
export class EventIdentity extends Construct {
  readonly authorizer: IHttpRouteAuthorizer;
  readonly issuer: string;
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;

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
      // everyone, and organizers are enrolled by procedure: IT creates each organizer account, has them
      // register an authenticator at first sign-in, and only then adds them to the organizers group
      // (`aws cognito-idp admin-get-user` shows UserMFASettingList). A procedure is not a control: the
      // follow-up is a pre-token-generation trigger that leaves the organizers group out of the token
      // of a user without TOTP. `-c mfa=required` requires TOTP of every participant instead.
      // SMS is off: no SIM-swap exposure, no SNS spend.
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
      userInvitation: {
        emailSubject: `Your access to ${props.eventId}`,
        emailBody:
          'You are registered for the online part of the conference. Sign in with {username} and the temporary password {####}.',
      },
    });
    userPool.addGroup('Organizers', {
      groupName: props.organizerGroup,
      description: 'The secretariat: may load participants, assign seats and read the audit trail.',
    });

    const oAuth = auth.callbackUrls.length > 0;
    const client = userPool.addClient('WebClient', {
      generateSecret: false,
      // SRP for people; the admin password flow needs IAM credentials (IT staff's first-join check, scripts).
      authFlows: { userSrp: true, adminUserPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
      // Users may read their profile but not change it: the email is the registry key, managed by IT.
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }),
      writeAttributes: new ClientAttributes(),
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      ...(oAuth
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
              callbackUrls: auth.callbackUrls,
              logoutUrls: auth.callbackUrls,
            },
          }
        : { disableOAuth: true }),
    });
    if (oAuth) {
      // Hosted sign-in for the authorization-code flow. The prefix must be unique per Region across
      // AWS: the account id makes the default so.
      const suffix = props.stage ? `-${props.stage}` : '';
      userPool.addDomain('SignIn', {
        cognitoDomain: { domainPrefix: auth.domainPrefix ?? `${props.eventId}${suffix}-${Aws.ACCOUNT_ID}` },
      });
    }

    if (auth.mfa === 'optional') {
      NagSuppressions.addResourceSuppressions(userPool, [
        {
          id: 'AwsSolutions-COG2',
          reason:
            'TOTP MFA is available to every user and required of organizers, whose organizer group is ' +
            'granted only after they enrol (see the comment in infra/constructs/identity.ts). Cognito ' +
            'cannot require MFA per group; requiring it of every delegate is a choice the event makes ' +
            'with -c mfa=required.',
        },
      ]);
    }

    this.userPool = userPool;
    this.userPoolClient = client;
    this.issuer = `https://${userPool.userPoolProviderUrl}`;
    this.authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', userPool, {
      userPoolClients: [client],
    });
  }
}
