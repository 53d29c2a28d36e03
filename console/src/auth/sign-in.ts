/**
 * Signing in, behind one interface: the console asks a `SignInMethod` for the current token and never
 * looks at how it was obtained. Locally, `LocalPersonaSignIn` asks the dev server's identity issuer
 * (POST /_local/tokens) for a persona's token. In AWS an OIDC authorization-code + PKCE implementation
 * (Cognito's hosted UI or the event's own provider, with refresh) takes its place behind the same interface.
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
  /** A valid token for the API, or null when signed out (an OIDC method refreshes it here). */
  token(): string | null;
  signOut(): void;
}

const STORAGE_KEY = 'floorpass.local-token';

/** Reads a JWT's payload to shape the UI (email, groups). Not a verification: the API verifies. */
function claimsOf(token: string): Account | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    const groups = claims['cognito:groups'] ?? claims.groups ?? [];
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    if (exp * 1000 < Date.now()) return null;
    return {
      email: typeof claims.email === 'string' ? claims.email : '',
      groups: Array.isArray(groups) ? groups.map(String) : [],
    };
  } catch {
    return null;
  }
}

/** The local personas: sign in as one with a click. Local development only: the route is never deployed. */
export class LocalPersonaSignIn implements SignInMethod {
  readonly kind = 'local' as const;
  private value: string | null;

  constructor(
    private readonly storage: Storage = sessionStorage,
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

  token(): string | null {
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
