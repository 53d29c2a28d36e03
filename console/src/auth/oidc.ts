/**
 * Signing in with OpenID Connect: the authorization code flow with PKCE (RFC 7636, S256), as a public
 * client (no secret in a page anyone can read), against the event's Cognito user pool (its hosted UI) or
 * the event's own provider (discovered at `<issuer>/.well-known/openid-configuration`).
 *
 * - `signIn()` keeps a fresh verifier, `state` and `nonce` in sessionStorage and sends the browser to the
 *   provider; `completeSignIn(url)` takes the code back, refuses a `state` it did not send, exchanges the
 *   code with the verifier and checks the ID token's `nonce`, `iss` and `aud` before keeping anything.
 * - The API takes the ID token (its authorizer checks `aud` against the app client id), so `token()`
 *   answers the ID token, refreshed with the refresh token a minute before it expires: a session outlives
 *   a token. A refresh the provider refuses signs the person out.
 * - `signOut()` forgets the tokens, revokes the refresh token where the provider can, and ends the
 *   provider's session (Cognito's `/logout`, or the provider's end_session_endpoint).
 *
 * Tokens live in sessionStorage only (gone with the tab), travel only to the token endpoint, the API and
 * the floor channel, and are never logged or shown.
 */
import type { OidcSignInConfig } from '../config.ts';
import {
  type Account,
  claimsOf,
  pageSessionStorage,
  payloadOf,
  type SessionStore,
  type SignInMethod,
} from './sign-in.ts';

const SESSION_KEY = 'floorpass.oidc-session';
const PENDING_KEY = 'floorpass.oidc-pending';
/** Refresh this long before the ID token expires, so that no request leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 60_000;

interface Endpoints {
  authorization: string;
  token: string;
  /** RFC 7009 revocation, where the provider has one. */
  revocation?: string;
  /** Where sign-out ends the provider's session. */
  endSession?: string;
}

interface Session {
  idToken: string;
  refreshToken?: string;
  /** The ID token's `exp`, in milliseconds. */
  expiresAt: number;
}

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
}

/** Why a sign-in did not complete; shown by its code, never with a token in it. */
export class OidcSignInError extends Error {
  override readonly name = 'OidcSignInError';
  constructor(
    readonly code: 'STATE_MISMATCH' | 'PROVIDER_ERROR' | 'TOKEN_EXCHANGE' | 'BAD_ID_TOKEN' | 'DISCOVERY',
  ) {
    super(code);
  }
}

/** base64url without padding (RFC 7636, appendix A). */
export function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random string of `bytes` random bytes, base64url: 32 bytes give a 43-character PKCE verifier. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(ASCII(verifier))). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export interface OidcDependencies {
  storage?: SessionStore;
  fetchFn?: typeof fetch;
  /** Where the browser is sent (the provider's sign-in and sign-out pages). */
  navigate?: (url: string) => void;
  now?: () => number;
}

export class OidcSignIn implements SignInMethod {
  readonly kind = 'oidc' as const;
  private readonly storage: SessionStore;
  private readonly fetchFn: typeof fetch;
  private readonly navigate: (url: string) => void;
  private readonly now: () => number;
  private endpointsPromise: Promise<Endpoints> | undefined;
  private refreshing: Promise<string | null> | undefined;

  /** Called when the session ends without the person asking (a refused refresh). */
  onSignedOut: () => void = () => undefined;

  constructor(
    private readonly config: OidcSignInConfig,
    deps: OidcDependencies = {},
  ) {
    this.storage = deps.storage ?? pageSessionStorage();
    this.fetchFn = deps.fetchFn ?? fetch.bind(globalThis);
    this.navigate =
      deps.navigate ??
      ((url) => (globalThis as unknown as { location: { assign(u: string): void } }).location.assign(url));
    this.now = deps.now ?? Date.now;
  }

  current(): Account | null {
    const session = this.session();
    if (!session) return null;
    // An expired ID token with a refresh token is still a session: token() renews it.
    if (session.expiresAt <= this.now() && !session.refreshToken) return null;
    return claimsOf(session.idToken, { allowExpired: true });
  }

  /** Sends the browser to the provider's sign-in page, with a fresh PKCE verifier, state and nonce. */
  async signIn(): Promise<void> {
    const endpoints = await this.endpoints();
    const pending: Pending = { state: randomToken(), nonce: randomToken(), verifier: randomToken() };
    this.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(endpoints.authorization);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes.join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await codeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    }).toString();
    this.navigate(url.toString());
  }

  /** Whether `url` is the provider sending the browser back (a code or an error, with a state). */
  isCallback(url: URL): boolean {
    return url.searchParams.has('state') && (url.searchParams.has('code') || url.searchParams.has('error'));
  }

  /**
   * The provider's answer at the redirect URI: checks the state, exchanges the code (with the verifier)
   * at the token endpoint, checks the ID token's nonce, issuer and audience, and keeps the session.
   */
  async completeSignIn(url: URL): Promise<Account> {
    const pending = this.takePending();
    const state = url.searchParams.get('state');
    if (!pending || !state || state !== pending.state) throw new OidcSignInError('STATE_MISMATCH');
    const code = url.searchParams.get('code');
    if (url.searchParams.has('error') || !code) throw new OidcSignInError('PROVIDER_ERROR');
    const answer = await this.tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.config.redirectUri,
      client_id: this.config.clientId,
      code_verifier: pending.verifier,
    });
    if (!answer) throw new OidcSignInError('TOKEN_EXCHANGE');
    const session = this.sessionFrom(answer, undefined, pending.nonce);
    const account = session && claimsOf(session.idToken, { allowExpired: true });
    if (!session || !account) throw new OidcSignInError('BAD_ID_TOKEN');
    this.keep(session);
    return account;
  }

  async token(): Promise<string | null> {
    const session = this.session();
    if (!session) return null;
    if (session.expiresAt - REFRESH_MARGIN_MS > this.now()) return session.idToken;
    // One refresh at a time: the API calls and the channel that ask together share its answer.
    this.refreshing ??= this.refresh(session).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  signOut(): void {
    const session = this.session();
    this.forget();
    void this.endProviderSession(session);
  }

  private async refresh(session: Session): Promise<string | null> {
    if (!session.refreshToken) {
      this.expire();
      return null;
    }
    let answer: Record<string, unknown> | null;
    try {
      answer = await this.tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: session.refreshToken,
        client_id: this.config.clientId,
      });
    } catch {
      // The network, not the provider: keep the session and try again at the next request.
      return session.expiresAt > this.now() ? session.idToken : null;
    }
    const renewed = answer && this.sessionFrom(answer, session.refreshToken);
    if (!renewed) {
      this.expire();
      return null;
    }
    this.keep(renewed);
    return renewed.idToken;
  }

  /** POSTs a form to the token endpoint; the answer's JSON, or null when the provider refused. */
  private async tokenRequest(form: Record<string, string>): Promise<Record<string, unknown> | null> {
    const { token } = await this.endpoints();
    const res = await this.fetchFn(token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    if (!res.ok) return null;
    const body = (await res.json().catch(() => null)) as unknown;
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  }

  /**
   * A session from a token answer, after checking the ID token's issuer, audience and (on sign-in) nonce.
   * A refresh answer may leave out the refresh token (Cognito does): the one in use stays.
   */
  private sessionFrom(
    answer: Record<string, unknown>,
    refreshToken: string | undefined,
    nonce?: string,
  ): Session | null {
    const idToken = answer.id_token;
    if (typeof idToken !== 'string') return null;
    const claims = payloadOf(idToken);
    if (!claims || typeof claims.exp !== 'number') return null;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (claims.iss !== this.config.issuer || !aud.includes(this.config.clientId)) return null;
    if (nonce !== undefined && claims.nonce !== nonce) return null;
    const next = typeof answer.refresh_token === 'string' ? answer.refresh_token : refreshToken;
    return { idToken, expiresAt: claims.exp * 1000, ...(next ? { refreshToken: next } : {}) };
  }

  private async endProviderSession(session: Session | null): Promise<void> {
    let endpoints: Endpoints;
    try {
      endpoints = await this.endpoints();
    } catch {
      return;
    }
    if (session?.refreshToken && endpoints.revocation) {
      // keepalive: the request outlives the navigation to the sign-out page below.
      await this.fetchFn(endpoints.revocation, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          token: session.refreshToken,
          client_id: this.config.clientId,
        }).toString(),
        keepalive: true,
      }).catch(() => undefined);
    }
    if (!endpoints.endSession) return;
    const url = new URL(endpoints.endSession);
    url.search = new URLSearchParams(
      this.config.cognitoDomain
        ? // Cognito's /logout: its own parameters, logout_uri one of the app client's sign-out URLs.
          { client_id: this.config.clientId, logout_uri: this.config.redirectUri }
        : {
            client_id: this.config.clientId,
            post_logout_redirect_uri: this.config.redirectUri,
            ...(session ? { id_token_hint: session.idToken } : {}),
          },
    ).toString();
    this.navigate(url.toString());
  }

  private endpoints(): Promise<Endpoints> {
    this.endpointsPromise ??= this.discover().catch((error: unknown) => {
      this.endpointsPromise = undefined;
      throw error;
    });
    return this.endpointsPromise;
  }

  private async discover(): Promise<Endpoints> {
    const domain = this.config.cognitoDomain?.replace(/\/$/, '');
    if (domain) {
      return {
        authorization: `${domain}/oauth2/authorize`,
        token: `${domain}/oauth2/token`,
        revocation: `${domain}/oauth2/revoke`,
        endSession: `${domain}/logout`,
      };
    }
    const res = await this.fetchFn(
      `${this.config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    );
    const doc = (res.ok ? await res.json().catch(() => null) : null) as Record<string, unknown> | null;
    const text = (key: string) => (typeof doc?.[key] === 'string' ? (doc[key] as string) : undefined);
    const authorization = text('authorization_endpoint');
    const token = text('token_endpoint');
    if (!authorization || !token) throw new OidcSignInError('DISCOVERY');
    const revocation = text('revocation_endpoint');
    const endSession = text('end_session_endpoint');
    return {
      authorization,
      token,
      ...(revocation ? { revocation } : {}),
      ...(endSession ? { endSession } : {}),
    };
  }

  private session(): Session | null {
    const raw = this.storage.getItem(SESSION_KEY);
    if (!raw) return null;
    try {
      const value = JSON.parse(raw) as Partial<Session>;
      if (typeof value.idToken !== 'string' || typeof value.expiresAt !== 'number') return null;
      return value as Session;
    } catch {
      return null;
    }
  }

  private takePending(): Pending | null {
    const raw = this.storage.getItem(PENDING_KEY);
    this.storage.removeItem(PENDING_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Pending;
    } catch {
      return null;
    }
  }

  private keep(session: Session): void {
    this.storage.setItem(SESSION_KEY, JSON.stringify(session));
  }

  private forget(): void {
    this.storage.removeItem(SESSION_KEY);
    this.storage.removeItem(PENDING_KEY);
  }

  /** The session ended by itself (a refused refresh): forgotten, and the page told. */
  private expire(): void {
    this.forget();
    this.onSignedOut();
  }
}
