import { render } from 'preact';
import { App } from './app.tsx';
import { OidcSignIn } from './auth/oidc.ts';
import { lang } from './i18n/index.ts';
import { account, type ConsoleConfig, configure, signIn, signInFailure } from './state.ts';
import './styles.css';

document.documentElement.lang = lang.value;

async function start() {
  try {
    // Beside index.html: /console/config.json on the dev server, /config.json in AWS.
    const res = await fetch('config.json', { cache: 'no-store' });
    configure((await res.json()) as ConsoleConfig);
  } catch {
    configure({ eventsUrl: null, signIn: { kind: 'local' }, media: false });
  }
  // Back from the provider's sign-in page: exchange the code, then take it (and the state) out of the URL.
  const here = new URL(location.href);
  if (signIn instanceof OidcSignIn && signIn.isCallback(here)) {
    try {
      account.value = await signIn.completeSignIn(here);
    } catch (error) {
      signInFailure.value = (error as Error).message;
    }
    history.replaceState(null, '', `${here.pathname}${here.hash}`);
  }
  const root = document.getElementById('app');
  if (root) {
    root.textContent = '';
    render(<App />, root);
  }
}

void start();
