import { useState } from 'preact/hooks';
import { OidcSignIn } from '../auth/oidc.ts';
import { LocalPersonaSignIn, localPersonas } from '../auth/sign-in.ts';
import { PageHeading } from '../components.tsx';
import { type MessageKey, t } from '../i18n/index.ts';
import { account, signIn, signInFailure } from '../state.ts';

/** Sign-in: the event's identity provider in AWS; the seeded personas on the dev server. */
export function SignInPage() {
  const method = signIn;
  if (method instanceof OidcSignIn) return <OidcSignInPage method={method} />;
  if (method instanceof LocalPersonaSignIn) return <LocalSignInPage method={method} />;
  return null;
}

/** OpenID Connect: one button to the provider's sign-in page (auth/oidc.ts does the rest). */
function OidcSignInPage({ method }: { method: OidcSignIn }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const go = async () => {
    setBusy(true);
    setFailed(false);
    signInFailure.value = null;
    try {
      await method.signIn();
    } catch {
      setFailed(true);
      setBusy(false);
    }
  };
  return (
    <section class="sign-in">
      <PageHeading title={t('signIn.title')} />
      <p>{t('signIn.oidcExplain')}</p>
      <p>
        <button type="button" class="primary" disabled={busy} onClick={go}>
          {t('signIn.oidcButton')}
        </button>
      </p>
      {(failed || signInFailure.value) && (
        <p class="notice notice-error" role="alert">
          {t('signIn.oidcFailed')} {signInFailure.value && <code>{signInFailure.value}</code>}
        </p>
      )}
    </section>
  );
}

/** Local sign-in: pick a seeded persona. Local development only: never part of a deployment. */
function LocalSignInPage({ method }: { method: LocalPersonaSignIn }) {
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const pick = async (email: string) => {
    setBusy(true);
    setFailed(false);
    try {
      account.value = await method.signInAs(email);
      location.hash = '#/';
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="sign-in">
      <PageHeading title={t('signIn.title')} />
      <div class="notice notice-local">
        <p>
          <strong>{t('signIn.localOnly')}</strong> {t('signIn.localExplain')}
        </p>
      </div>
      <ul class="personas">
        {localPersonas.map((p) => (
          <li key={p.email}>
            <button type="button" class="persona" disabled={busy} onClick={() => pick(p.email)}>
              <span class="persona-who">{t(p.who as MessageKey)}</span>
              <span class="persona-email">{p.email}</span>
            </button>
          </li>
        ))}
      </ul>
      {failed && (
        <p class="notice notice-error" role="alert">
          {t('signIn.failed')}
        </p>
      )}
    </section>
  );
}
