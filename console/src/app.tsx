import { useEffect, useRef } from 'preact/hooks';
import { type Lang, lang, setLang, t } from './i18n/index.ts';
import { AttendancePage } from './pages/attendance.tsx';
import { AuditPage } from './pages/audit.tsx';
import { FloorPage } from './pages/floor.tsx';
import { MySessionsPage } from './pages/my-sessions.tsx';
import { ParticipantsPage } from './pages/participants.tsx';
import { RecordPage } from './pages/record.tsx';
import { RoomsPage } from './pages/rooms.tsx';
import { SeatsPage } from './pages/seats.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { account, isOrganizer, route, signOut } from './state.ts';

/** The shell: a skip link, the header (languages, who is signed in), the menu, and the page. */
export function App() {
  const who = account.value;
  const [page = '', arg] = route.value;
  const main = useRef<HTMLElement>(null);
  // A new page: move focus to its heading, as a screen reader user expects after navigation.
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [page, arg, who?.email]);
  return (
    <>
      {/* A button, not a link: the hash is the console's route, so "#main" would navigate away. */}
      <button type="button" class="skip-link" onClick={focusMain}>
        {t('app.skip')}
      </button>
      <header class="top">
        <div class="brand">
          <span class="brand-name">floorpass</span> <span class="brand-sub">{t('app.console')}</span>
        </div>
        <LanguageSwitch />
        {who && (
          <div class="who">
            <span class="who-email">{who.email}</span>
            <button type="button" class="link-button" onClick={signOut}>
              {t('app.signOut')}
            </button>
          </div>
        )}
      </header>
      {who && <Menu />}
      <main id="main" ref={main} tabIndex={-1}>
        {!who ? <SignInPage /> : <Page page={page} arg={arg} />}
      </main>
    </>
  );
}

function focusMain() {
  document.getElementById('main')?.focus();
}

function Page({ page, arg }: { page: string; arg: string | undefined }) {
  if (page === 'floor' && arg) return <FloorPage sessionId={arg} />;
  if (page === 'rooms' && isOrganizer.value) return <RoomsPage />;
  if (page === 'attendance' && isOrganizer.value) return <AttendancePage sessionId={arg} />;
  if (page === 'audit' && isOrganizer.value) return <AuditPage />;
  if (page === 'record' && isOrganizer.value) return <RecordPage />;
  if (page === 'seats' && isOrganizer.value) return <SeatsPage code={arg} />;
  if (page === 'participants' && isOrganizer.value) return <ParticipantsPage />;
  if (page === 'sessions' || !isOrganizer.value) return <MySessionsPage />;
  return <RoomsPage />;
}

function Menu() {
  const [page = ''] = route.value;
  const items: [string, string][] = isOrganizer.value
    ? [
        ['rooms', t('nav.rooms')],
        ['participants', t('nav.participants')],
        ['seats', t('nav.seats')],
        ['attendance', t('nav.attendance')],
        ['audit', t('nav.audit')],
        ['record', t('nav.record')],
      ]
    : [['sessions', t('nav.sessions')]];
  const current = page || items[0]?.[0];
  return (
    <nav class="menu" aria-label={t('nav.label')}>
      <ul>
        {items.map(([id, label]) => (
          <li key={id}>
            <a href={`#/${id}`} aria-current={current === id ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function LanguageSwitch() {
  const options: [Lang, string][] = [
    ['en', 'English'],
    ['fr', 'Français'],
  ];
  return (
    <fieldset class="lang">
      <legend class="visually-hidden">{t('app.language')}</legend>
      {options.map(([code, name]) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={lang.value === code}
          onClick={() => setLang(code)}
        >
          {name}
        </button>
      ))}
    </fieldset>
  );
}
