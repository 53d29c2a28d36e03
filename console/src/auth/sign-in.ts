/**
 * Signing in, behind one interface: the console asks a `SignInMethod` for the current token and never
 * looks at how it was obtained. Locally, `LocalPersonaSignIn` asks the dev server's identity issuer
 * (POST /_local/tokens) for a persona's token. In AWS, `OidcSignIn` (auth/oidc.ts: authorization code +
 * PKCE against Cognito's hosted UI or the event's own provider, with refresh) takes its place.
 *
 * The token is a bearer secret: it is kept in sessionStorage (gone with the tab), sent only in the
 * Authorization header of the API and the floor channel's handshake, and never shown or logged.
 */

export interface Account {
  email: string;
  /** The groups claim (organizers are recognised by it: the API decides, this only shapes the menu). */
  groups: string[];
}

export interface SignInMethod {
  readonly kind: 'local' | 'oidc';
  /** The account signed in, or null. */
  current(): Account | null;
  /**
   * A valid ID token for the API and the floor channel, or null when signed out. Asynchronous: an OIDC
   * method refreshes an expiring token here, before answering.
   */
  token(): Promise<string | null>;
  signOut(): void;
}

/**
 * The part of the Web Storage API the sign-in methods use: sessionStorage in the page, a fake in the
 * unit tests (which run in Node, without the DOM's types).
 */
export interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The page's sessionStorage. */
export const pageSessionStorage = (): SessionStore =>
  (globalThis as unknown as { sessionStorage: SessionStore }).sessionStorage;

const STORAGE_KEY = 'floorpass.local-token';

/** A JWT's payload, read but not verified (the API verifies), or null when it is not one. */
export function payloadOf(token: string): Record<string, unknown> | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Reads a JWT's payload to shape the UI (email, groups). Not a verification: the API verifies. An expired
 * token gives null unless `allowExpired` (an OIDC session with a refresh token is still signed in).
 */
export function claimsOf(token: string, options: { allowExpired?: boolean } = {}): Account | null {
  const claims = payloadOf(token);
  if (!claims) return null;
  const groups = claims['cognito:groups'] ?? claims.groups ?? [];
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  if (!options.allowExpired && exp * 1000 < Date.now()) return null;
  return {
    email: typeof claims.email === 'string' ? claims.email : '',
    groups: Array.isArray(groups) ? groups.map(String) : [],
  };
}

/** The local personas: sign in as one with a click. Local development only: the route is never deployed. */
export class LocalPersonaSignIn implements SignInMethod {
  readonly kind = 'local' as const;
  private value: string | null;

  constructor(
    private readonly storage: SessionStore = pageSessionStorage(),
    private readonly fetchFn: typeof fetch = fetch.bind(globalThis),
  ) {
    this.value = storage.getItem(STORAGE_KEY);
    if (this.value && !claimsOf(this.value)) this.signOut();
  }

  async signInAs(email: string): Promise<Account> {
    const res = await this.fetchFn('/_local/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    const body = (await res.json().catch(() => null)) as { token?: unknown } | null;
    const token = typeof body?.token === 'string' ? body.token : null;
    const account = token ? claimsOf(token) : null;
    if (!token || !account) throw new Error('local sign-in failed');
    this.value = token;
    this.storage.setItem(STORAGE_KEY, token);
    return account;
  }

  current(): Account | null {
    return this.value ? claimsOf(this.value) : null;
  }

  async token(): Promise<string | null> {
    return this.value;
  }

  signOut(): void {
    this.value = null;
    this.storage.removeItem(STORAGE_KEY);
  }
}

/** The seeded personas the picker offers (local/seed.ts), by what they do. */
export const localPersonas = [
  { email: 'organizer@example.org', who: 'persona.organizer' },
  { email: 'moderator@example.org', who: 'persona.moderator' },
  { email: 'hod.fra@example.org', who: 'persona.hodFra' },
  { email: 'delegate.fra@example.org', who: 'persona.delegateFra' },
  { email: 'hod.bra@example.org', who: 'persona.hodBra' },
  { email: 'delegate.bra@example.org', who: 'persona.delegateBra' },
  { email: 'delegate.vat@example.org', who: 'persona.delegateVat' },
  { email: 'speaker.cso@example.org', who: 'persona.speakerCso' },
] as const;
