/**
 * What the console is told at start (`config.json` beside index.html): where the API and the floor
 * channel are, how to sign in, and whether meetings have media. The dev server answers it at
 * /console/config.json (local/console-route.ts); in AWS the event's stack writes it into the console's
 * bucket (infra/constructs/console-site.ts). No DOM here: the CDK app imports these types too.
 */

/** OpenID Connect: authorization code + PKCE, as a public client (no secret). */
export interface OidcSignInConfig {
  kind: 'oidc';
  /** The issuer (the `iss` of its ID tokens). Without `cognitoDomain`, its endpoints come from discovery. */
  issuer: string;
  clientId: string;
  scopes: string[];
  /** Where the provider sends the browser back with the code: the console's own address. */
  redirectUri: string;
  /**
   * A Cognito user pool's hosted sign-in domain (`https://….auth.<region>.amazoncognito.com`): its
   * endpoints are known without discovery, and its sign-out is Cognito's `/logout`, not end_session.
   */
  cognitoDomain?: string;
}

export interface ConsoleConfig {
  /** The API's base URL; absent: this origin (the dev server serves both). */
  apiUrl?: string;
  /** The floor channel's WebSocket (AppSync Events protocol), or null when there is none. */
  eventsUrl: string | null;
  /** The channel's HTTP domain, the `host` AppSync Events reads in the handshake; absent: eventsUrl's host. */
  eventsHost?: string;
  /** `local`: the persona picker over POST /_local/tokens (never deployed); `oidc`: the event's provider. */
  signIn: { kind: 'local' } | OidcSignInConfig;
  /** Whether meetings have media: false against the local Chime emulator, which has none. */
  media: boolean;
}
