/**
 * The console's shared state, as signals: who is signed in, the route, the configuration the server gave.
 */
import { computed, signal } from '@preact/signals';
import { type Api, createApi } from './api/client.ts';
import { OidcSignIn } from './auth/oidc.ts';
import { type Account, LocalPersonaSignIn, type SignInMethod } from './auth/sign-in.ts';
import type { ConsoleConfig } from './config.ts';

export type { ConsoleConfig } from './config.ts';

export const config = signal<ConsoleConfig | null>(null);

/** How people sign in, chosen by config.json's `signIn.kind` (configure() sets it before the first render). */
export let signIn: SignInMethod = new LocalPersonaSignIn();
export const account = signal<Account | null>(null);
/** Why the last OIDC sign-in did not complete (an OidcSignInError code), shown on the sign-in page. */
export const signInFailure = signal<string | null>(null);
export const isOrganizer = computed(() => account.value?.groups.includes('organizers') ?? false);

const apiFor = (baseUrl?: string) =>
  createApi(
    () => signIn.token(),
    // A token the API no longer takes (expired): back to sign-in, rather than every page failing.
    () => signOut(),
    baseUrl,
  );

export let api: Api = apiFor();

/** Takes the configuration the server gave: the sign-in method and the API's address. */
export function configure(value: ConsoleConfig) {
  config.value = value;
  if (value.signIn.kind === 'oidc') {
    const oidc = new OidcSignIn(value.signIn);
    // A refresh the provider refused: the person is signed out, and sees the sign-in page.
    oidc.onSignedOut = () => {
      account.value = null;
    };
    signIn = oidc;
  } else {
    signIn = new LocalPersonaSignIn();
  }
  if (value.apiUrl) api = apiFor(value.apiUrl.replace(/\/$/, ''));
  account.value = signIn.current();
}

export function signOut() {
  signIn.signOut();
  account.value = null;
  location.hash = '#/';
}

/** The hash route: `#/sessions`, `#/floor/session-1`, … */
export const route = signal(parseRoute(globalThis.location?.hash ?? ''));
export function parseRoute(hash: string): string[] {
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}
globalThis.addEventListener?.('hashchange', () => {
  route.value = parseRoute(location.hash);
});
