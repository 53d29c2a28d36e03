import { useState } from 'preact/hooks';
import { localPersonas } from '../auth/sign-in.ts';
import { PageHeading } from '../components.tsx';
import { type MessageKey, t } from '../i18n/index.ts';
import { account, signIn } from '../state.ts';

/** Local sign-in: pick a seeded persona. Local development only: never part of a deployment. */
export function SignInPage() {
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const pick = async (email: string) => {
    setBusy(true);
    setFailed(false);
    try {
      account.value = await signIn.signInAs(email);
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
