import { useState } from 'preact/hooks';
import { ok, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageHeading, ScrollRegion, useLoad } from '../components.tsx';
import { codeText, formatDateTime, t } from '../i18n/index.ts';
import { api } from '../state.ts';

type Outcome = Schemas['AuditRecord']['outcome'];
const outcomes: Outcome[] = ['allowed', 'denied', 'succeeded', 'failed'];
const PAGE = 25;

/** The audit trail, newest first, filtered by room and outcome, page by page (the API's cursor). */
export function AuditPage() {
  const board = useLoad(() => ok(api.GET('/rooms')), []);
  const [sessionId, setSessionId] = useState('');
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  // The cursors of the pages before this one (the API pages forward only).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () =>
      ok(
        api.GET('/audit', {
          params: {
            query: {
              limit: PAGE,
              ...(sessionId ? { sessionId } : {}),
              ...(outcome ? { outcome } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [sessionId, outcome, cursor],
  );
  const tz = board.data?.event.timeZone;
  const filter = (apply: () => void) => {
    apply();
    setCursors([undefined]);
  };
  return (
    <section>
      <PageHeading title={t('audit.title')} zone={tz} />
      <div class="filters">
        <div class="field">
          <label for="audit-room">{t('audit.room')}</label>
          <select
            id="audit-room"
            value={sessionId}
            onChange={(e) => filter(() => setSessionId(e.currentTarget.value))}
          >
            <option value="">{t('audit.allRooms')}</option>
            {board.data?.rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-outcome">{t('audit.outcome')}</label>
          <select
            id="audit-outcome"
            value={outcome}
            onChange={(e) => filter(() => setOutcome(e.currentTarget.value as Outcome | ''))}
          >
            <option value="">{t('audit.allOutcomes')}</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {t(`audit.outcome.${o}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice error={page.error ?? board.error} />
      {!page.data || !tz ? (
        <Loading />
      ) : (
        <>
          <ScrollRegion label={t('audit.title')}>
            <table class="audit">
              <caption>{t('audit.caption', { page: cursors.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.outcome')}</th>
                  <th scope="col">{t('audit.reason')}</th>
                  <th scope="col">{t('audit.room')}</th>
                  <th scope="col">{t('audit.delegation')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((r) => (
                  <tr key={r.id}>
                    <td class="nowrap">{formatDateTime(r.at, tz)}</td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                    <td>
                      <span class={`pill pill-${r.outcome}`}>{t(`audit.outcome.${r.outcome}`)}</span>
                    </td>
                    <td>{r.code ? codeText(r.code) : '—'}</td>
                    <td>{r.sessionId ?? '—'}</td>
                    <td>{r.delegationCode ?? '—'}</td>
                    <td class="small">{r.actor}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {page.data.items.length === 0 && <p>{t('audit.none')}</p>}
          <nav class="pager" aria-label={t('audit.paging')}>
            <button
              type="button"
              disabled={cursors.length <= 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              {t('audit.newer')}
            </button>
            <button
              type="button"
              disabled={!page.data.nextCursor}
              onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
            >
              {t('audit.older')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
