/**
 * The console's OpenID Connect sign-in (console/src/auth/oidc.ts), in Node: WebCrypto's crypto.subtle,
 * a fake token endpoint (fetch) and a fake sessionStorage. The provider is Cognito's hosted UI (its
 * endpoints known without discovery) unless a test says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { base64url, codeChallenge, OidcSignIn, OidcSignInError } from '../../console/src/auth/oidc.ts';
import type { SessionStore } from '../../console/src/auth/sign-in.ts';
import type { OidcSignInConfig } from '../../console/src/config.ts';

const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const domain = 'https://hlc-2021.auth.us-east-1.amazoncognito.com';
const config: OidcSignInConfig = {
  kind: 'oidc',
  issuer,
  clientId: 'client-1',
  scopes: ['openid', 'email', 'profile'],
  redirectUri: 'https://d111111abcdef8.cloudfront.net/',
  cognitoDomain: domain,
};

class MemoryStore implements SessionStore {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/** An unsigned JWT with these claims (the console reads, the API verifies). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));
  return `${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.signature`;
}

interface Call {
  url: string;
  form: URLSearchParams;
}

/** A fake provider: answers each token request with the next answer, and records what it was sent. */
function provider(answers: { status: number; body: unknown }[]) {
  const calls: Call[] = [];
  const fetchFn = (async (input: string | URL, init?: RequestInit) => {
    calls.push({ url: String(input), form: new URLSearchParams(String(init?.body ?? '')) });
    const answer = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { calls, fetchFn, answers };
}

const t0 = Date.parse('2021-06-29T14:00:00Z');

/** Signs in through the fake provider: the redirect, then the callback with the code. */
async function signedIn(
  answers: { status: number; body: unknown }[],
  options: { idTokenExp?: number; nonce?: string } = {},
) {
  const storage = new MemoryStore();
  let now = t0;
  const navigations: string[] = [];
  const fake = provider([]);
  const method = new OidcSignIn(config, {
    storage,
    fetchFn: fake.fetchFn,
    navigate: (url) => navigations.push(url),
    now: () => now,
  });
  await method.signIn();
  const authorize = new URL(navigations[0] ?? '');
  const nonce = options.nonce ?? authorize.searchParams.get('nonce');
  const idToken = jwt({
    iss: issuer,
    aud: 'client-1',
    email: 'hod.fra@example.org',
    'cognito:groups': [],
    nonce,
    exp: (options.idTokenExp ?? t0 + 3_600_000) / 1000,
  });
  const callback = new URL(
    `${config.redirectUri}?code=the-code&state=${authorize.searchParams.get('state')}`,
  );
  fake.answers.push(
    { status: 200, body: { id_token: idToken, access_token: 'a', refresh_token: 'r-1', expires_in: 3600 } },
    ...answers,
  );
  return {
    method,
    storage,
    navigations,
    authorize,
    callback,
    calls: fake.calls,
    idToken,
    setNow: (ms: number) => {
      now = ms;
    },
  };
}

describe('Module: console OIDC sign-in', () => {
  it('derives the S256 challenge of RFC 7636 appendix B from its verifier', async () => {
    // Act
    const challenge = await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    // Assess
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('sends the browser to the authorization endpoint with code, PKCE S256, state and nonce, and no secret', async () => {
    // Prepare, Act
    const { authorize, storage } = await signedIn([]);
    // Assess
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${domain}/oauth2/authorize`);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: config.redirectUri,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(params.state).toMatch(/^[\w-]{43}$/);
    expect(params.nonce).toMatch(/^[\w-]{43}$/);
    expect(params).not.toHaveProperty('client_secret');
    // The challenge is the verifier's, and the verifier never leaves the page.
    const pending = JSON.parse(storage.getItem('floorpass.oidc-pending') ?? '{}') as { verifier: string };
    expect(params.code_challenge).toBe(await codeChallenge(pending.verifier));
    expect(authorize.search).not.toContain(pending.verifier);
  });

  it('exchanges the code at the token endpoint with the verifier, and keeps the ID token for the API', async () => {
    // Prepare
    const { method, storage, callback, calls, idToken } = await signedIn([]);
    const pending = JSON.parse(storage.getItem('floorpass.oidc-pending') ?? '{}') as { verifier: string };
    // Act
    const account = await method.completeSignIn(callback);
    // Assess
    expect(account.email).toBe('hod.fra@example.org');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(`${domain}/oauth2/token`);
    expect(Object.fromEntries(calls[0]?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: config.redirectUri,
      client_id: 'client-1',
      code_verifier: pending.verifier,
    });
    expect(await method.token()).toBe(idToken);
    expect(method.current()?.email).toBe('hod.fra@example.org');
    // The verifier is single-use.
    expect(storage.getItem('floorpass.oidc-pending')).toBeNull();
  });

  it('refuses a callback whose state is not the one it sent, without calling the token endpoint', async () => {
    // Prepare
    const { method, calls } = await signedIn([]);
    const forged = new URL(`${config.redirectUri}?code=stolen-code&state=someone-elses-state`);
    // Act, Assess
    await expect(method.completeSignIn(forged)).rejects.toEqual(new OidcSignInError('STATE_MISMATCH'));
    expect(calls).toHaveLength(0);
    expect(method.current()).toBeNull();
  });

  it('refuses an ID token whose nonce is not the one it sent', async () => {
    // Prepare
    const { method, callback } = await signedIn([], { nonce: 'replayed-nonce' });
    // Act, Assess
    await expect(method.completeSignIn(callback)).rejects.toEqual(new OidcSignInError('BAD_ID_TOKEN'));
    expect(method.current()).toBeNull();
  });

  it('refreshes an ID token that expires within the minute, and a session outlives its first token', async () => {
    // Prepare
    const later = jwt({
      iss: issuer,
      aud: 'client-1',
      email: 'hod.fra@example.org',
      exp: (t0 + 7_200_000) / 1000,
    });
    const { method, callback, calls, setNow } = await signedIn([{ status: 200, body: { id_token: later } }]);
    await method.completeSignIn(callback);
    // Act: 59 minutes 30 seconds later, 30 s before the first token expires.
    setNow(t0 + 3_570_000);
    const token = await method.token();
    // Assess
    expect(token).toBe(later);
    expect(Object.fromEntries(calls[1]?.form ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'r-1',
      client_id: 'client-1',
    });
    // Cognito sends no new refresh token: the one in use is kept for the next refresh.
    setNow(t0 + 7_170_000);
    await method.token();
    expect(calls[2]?.form.get('refresh_token')).toBe('r-1');
  });

  it('signs out when the provider refuses the refresh (revoked or expired refresh token)', async () => {
    // Prepare
    const { method, callback, setNow, storage } = await signedIn([
      { status: 400, body: { error: 'invalid_grant' } },
    ]);
    await method.completeSignIn(callback);
    let told = false;
    method.onSignedOut = () => {
      told = true;
    };
    // Act
    setNow(t0 + 3_600_000);
    const token = await method.token();
    // Assess
    expect(token).toBeNull();
    expect(told).toBe(true);
    expect(method.current()).toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('signs out through Cognito’s logout, revoking the refresh token first', async () => {
    // Prepare
    const { method, callback, navigations, calls, storage } = await signedIn([{ status: 200, body: {} }]);
    await method.completeSignIn(callback);
    // Act
    method.signOut();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Assess
    expect(storage.items.size).toBe(0);
    expect(calls[1]?.url).toBe(`${domain}/oauth2/revoke`);
    expect(calls[1]?.form.get('token')).toBe('r-1');
    const logout = new URL(navigations.at(-1) ?? '');
    expect(`${logout.origin}${logout.pathname}`).toBe(`${domain}/logout`);
    expect(Object.fromEntries(logout.searchParams)).toEqual({
      client_id: 'client-1',
      logout_uri: config.redirectUri,
    });
  });

  it('discovers an external provider’s endpoints and ends its session at end_session_endpoint', async () => {
    // Prepare
    const external: OidcSignInConfig = {
      kind: 'oidc',
      issuer: 'https://login.example.int/realms/hlc',
      clientId: 'floorpass',
      scopes: ['openid', 'email'],
      redirectUri: 'https://console.example.int/',
    };
    const base = 'https://login.example.int/realms/hlc/protocol/openid-connect';
    const fake = provider([
      {
        status: 200,
        body: {
          authorization_endpoint: `${base}/auth`,
          token_endpoint: `${base}/token`,
          end_session_endpoint: `${base}/logout`,
        },
      },
    ]);
    const navigations: string[] = [];
    const method = new OidcSignIn(external, {
      storage: new MemoryStore(),
      fetchFn: fake.fetchFn,
      navigate: (url) => navigations.push(url),
    });
    // Act
    await method.signIn();
    method.signOut();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Assess
    expect(fake.calls[0]?.url).toBe('https://login.example.int/realms/hlc/.well-known/openid-configuration');
    expect(navigations[0]).toMatch(new RegExp(`^${base}/auth\\?`));
    expect(navigations[1]).toMatch(new RegExp(`^${base}/logout\\?`));
    expect(new URL(navigations[1] ?? '').searchParams.get('post_logout_redirect_uri')).toBe(
      external.redirectUri,
    );
  });
});
