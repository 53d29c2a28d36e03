/**
 * The console's shared state, as signals: who is signed in, the route, the configuration the server gave.
 */
import { computed, signal } from '@preact/signals';
import { createApi } from './api/client.ts';
import { type Account, LocalPersonaSignIn } from './auth/sign-in.ts';

export interface ConsoleConfig {
  eventsUrl: string | null;
  signIn: { kind: 'local' };
  media: boolean;
}

export const config = signal<ConsoleConfig | null>(null);

export const signIn = new LocalPersonaSignIn();
export const account = signal<Account | null>(signIn.current());
export const isOrganizer = computed(() => account.value?.groups.includes('organizers') ?? false);

export const api = createApi(
  () => signIn.token(),
  // A token the API no longer takes (expired): back to sign-in, rather than every page failing.
  () => signOut(),
);

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
