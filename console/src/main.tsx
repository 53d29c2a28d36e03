import { render } from 'preact';
import { App } from './app.tsx';
import { lang } from './i18n/index.ts';
import { type ConsoleConfig, config } from './state.ts';
import './styles.css';

document.documentElement.lang = lang.value;

async function start() {
  try {
    const res = await fetch('/console/config.json', { cache: 'no-store' });
    config.value = (await res.json()) as ConsoleConfig;
  } catch {
    config.value = { eventsUrl: null, signIn: { kind: 'local' }, media: false };
  }
  const root = document.getElementById('app');
  if (root) {
    root.textContent = '';
    render(<App />, root);
  }
}

void start();
