import { useState } from 'preact/hooks';
import { download, enumValues, ok, okJson, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageHeading, ScrollRegion, useLoad } from '../components.tsx';
import { formatDuration, formatTime, t } from '../i18n/index.ts';
import { api } from '../state.ts';
import { PresenceChart } from './presence-chart.tsx';

type Category = NonNullable<Schemas['Delegation']['category']>;
/** The categories in the order the filter offers them. */
const categories = enumValues<Category>({
  MemberState: true,
  ObserverState: true,
  UNEntity: true,
  InternationalOrganization: true,
  CivilSociety: true,
  PrivateSector: true,
});

/** Attendance for organizers: one room's report, and the roll call by delegation, with CSV downloads. */
export function AttendancePage({ sessionId }: { sessionId: string | undefined }) {
  const board = useLoad(() => ok(api.GET('/rooms')), []);
  if (board.error)
    return (
      <section>
        <PageHeading title={t('attendance.title')} />
        <ErrorNotice error={board.error} />
      </section>
    );
  if (!board.data) return <Loading />;
  const { rooms, event } = board.data;
  const selected = sessionId ?? rooms.find((r) => r.status === 'open')?.id ?? rooms[0]?.id ?? '';
  return (
    <section>
      <PageHeading title={t('attendance.title')} zone={event.timeZone} />
      <div class="field">
        <label for="room-select">{t('attendance.room')}</label>
        <select
          id="room-select"
          value={selected}
          onChange={(e) => {
            location.hash = `#/attendance/${encodeURIComponent(e.currentTarget.value)}`;
          }}
        >
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.title}
            </option>
          ))}
        </select>
      </div>
      {selected && <SessionReport sessionId={selected} timeZone={event.timeZone} />}
      <RollCall rooms={rooms.map((r) => ({ id: r.id, title: r.title }))} />
    </section>
  );
}

function SessionReport({ sessionId, timeZone }: { sessionId: string; timeZone: string }) {
  const report = useLoad(
    () => okJson(api.GET('/sessions/{sessionId}/attendance', { params: { path: { sessionId } } })),
    [sessionId],
  );
  const [error, setError] = useState<unknown>(null);
  const csv = () =>
    download(
      api.GET('/sessions/{sessionId}/attendance', {
        params: { path: { sessionId }, query: { format: 'csv' } },
        parseAs: 'blob',
      }),
      `attendance-${sessionId}.csv`,
    ).catch(setError);
  if (report.error) return <ErrorNotice error={report.error} />;
  if (!report.data) return <Loading />;
  const { summary, rows, title } = report.data;
  return (
    <div class="report">
      <h2 id="report-heading">{t('attendance.report', { room: title })}</h2>
      <p>
        {t('attendance.summary', {
          participants: summary.participants,
          delegations: summary.delegations,
          now: summary.presentNow,
          never: summary.issuedNeverConnected,
        })}
      </p>
      <div class="actions">
        <button type="button" onClick={csv}>
          {t('attendance.csv')}
        </button>
      </div>
      <ErrorNotice error={error} />
      <PresenceChart sessionId={sessionId} timeZone={timeZone} />
      {rows.length === 0 ? (
        <p>{t('attendance.none')}</p>
      ) : (
        <ScrollRegion label={t('attendance.report', { room: title })}>
          <table aria-labelledby="report-heading">
            <thead>
              <tr>
                <th scope="col">{t('attendance.delegation')}</th>
                <th scope="col">{t('attendance.participant')}</th>
                <th scope="col">{t('floor.mode')}</th>
                <th scope="col">{t('attendance.firstIn')}</th>
                <th scope="col">{t('attendance.lastOut')}</th>
                <th scope="col" class="num">
                  {t('attendance.total')}
                </th>
                <th scope="col">{t('attendance.status')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.participantId}-${r.mode}`}>
                  <td>{r.delegationName ?? r.delegationCode ?? '—'}</td>
                  <td>{r.participantName ?? '—'}</td>
                  <td>{r.mode === 'online' ? t('floor.online') : t('floor.inPerson')}</td>
                  <td>{r.firstIn ? formatTime(r.firstIn, timeZone) : '—'}</td>
                  <td>{r.lastOut ? formatTime(r.lastOut, timeZone) : '—'}</td>
                  <td class="num">{formatDuration(r.totalSeconds)}</td>
                  <td>{t(`attendance.status.${r.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </div>
  );
}

function RollCall({ rooms }: { rooms: { id: string; title: string }[] }) {
  const [category, setCategory] = useState<Category | ''>('MemberState');
  const [error, setError] = useState<unknown>(null);
  const query = category ? { category } : {};
  const roll = useLoad(() => okJson(api.GET('/roll-call', { params: { query } })), [category]);
  const csv = () =>
    download(
      api.GET('/roll-call', { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' }),
      `roll-call${category ? `-${category}` : ''}.csv`,
    ).catch(setError);
  return (
    <div class="report">
      <h2 id="roll-heading">{t('rollCall.title')}</h2>
      <div class="filters">
        <div class="field">
          <label for="category-select">{t('rollCall.category')}</label>
          <select
            id="category-select"
            value={category}
            onChange={(e) => setCategory(e.currentTarget.value as Category | '')}
          >
            <option value="">{t('rollCall.all')}</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={csv}>
          {t('rollCall.csv')}
        </button>
      </div>
      <ErrorNotice error={error ?? roll.error} />
      {!roll.data ? (
        <Loading />
      ) : (
        <ScrollRegion label={t('rollCall.title')} extraClass="roll-call">
          <table aria-labelledby="roll-heading">
            <thead>
              <tr>
                <th scope="col">{t('attendance.delegation')}</th>
                {roll.data.rooms.map((id) => (
                  <th scope="col" key={id} title={rooms.find((r) => r.id === id)?.title}>
                    {id}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {roll.data.rows.map((row) => (
                <tr key={row.code}>
                  <th scope="row">
                    {row.name} <span class="small">({row.code})</span>
                  </th>
                  {roll.data!.rooms.map((id) => {
                    const status = row.rooms[id]?.status ?? 'absent';
                    return (
                      <td key={id} class={`roll roll-${status}`} data-room={id}>
                        {t(`rollCall.${status}`)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </div>
  );
}
