import { useState } from 'preact/hooks';
import { ok, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageError, PageHeading, ScrollRegion, useLoad } from '../components.tsx';
import { t } from '../i18n/index.ts';
import { api } from '../state.ts';

type Participant = Schemas['Participant'];

/** Loads the States that have an in-person seat: Member States and Observer States. */
async function loadStates() {
  const [members, observers] = await Promise.all([
    ok(api.GET('/delegations', { params: { query: { category: 'MemberState' } } })),
    ok(api.GET('/delegations', { params: { query: { category: 'ObserverState' } } })),
  ]);
  return [...members.items, ...observers.items].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * In-person seats (organizers): one per State. Give it, hand it over (release, then give), release it,
 * and check its holder in and out at a room's door. Each change says what it did to live credentials.
 */
export function SeatsPage({ code }: { code: string | undefined }) {
  const states = useLoad(loadStates, []);
  if (states.error) return <PageError title={t('seats.title')} error={states.error} />;
  if (!states.data) return <Loading />;
  const selected = code ?? '';
  return (
    <section>
      <PageHeading title={t('seats.title')}>
        <p class="lead">{t('seats.lead')}</p>
      </PageHeading>
      <div class="field">
        <label for="seat-state">{t('seats.state')}</label>
        <select
          id="seat-state"
          value={selected}
          onChange={(e) => {
            location.hash = `#/seats/${encodeURIComponent(e.currentTarget.value)}`;
          }}
        >
          <option value="">{t('seats.choose')}</option>
          {states.data.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name} ({d.code})
            </option>
          ))}
        </select>
      </div>
      {selected && <StateSeat code={selected} />}
    </section>
  );
}

function StateSeat({ code }: { code: string }) {
  const people = useLoad(
    () => ok(api.GET('/participants', { params: { query: { delegation: code } } })),
    [code],
  );
  const board = useLoad(() => ok(api.GET('/rooms')), []);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [room, setRoom] = useState('');
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      setNotice(await action());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      await people.reload();
    }
  };
  const path = { params: { path: { code } } };
  const give = (p: Participant, holder: Participant | undefined) =>
    run(async () => {
      // A hand-over is a release then a claim: the API refuses a second holder (SEAT_TAKEN).
      if (holder) await ok(api.DELETE('/delegations/{code}/in-person-seat', path));
      const done = await ok(
        api.PUT('/delegations/{code}/in-person-seat', { ...path, body: { participantId: p.id } }),
      );
      return t('seats.given', { name: done.holder.name, deleted: done.credentials.deleted });
    });
  const release = () =>
    run(async () => {
      await ok(api.DELETE('/delegations/{code}/in-person-seat', path));
      return t('seats.released');
    });
  const door = (p: Participant, direction: 'in' | 'out') =>
    run(async () => {
      await ok(
        api.POST('/sessions/{sessionId}/check-ins', {
          params: { path: { sessionId: room } },
          body: { participantId: p.id, direction },
        }),
      );
      return t(direction === 'in' ? 'seats.checkedIn' : 'seats.checkedOut', { name: p.name });
    });
  if (people.error) return <ErrorNotice error={people.error} />;
  if (!people.data) return <Loading />;
  const list = people.data.items.filter((p) => !p.revoked);
  const holder = list.find((p) => p.inPersonSeat === code);
  const openRooms = board.data?.rooms.filter((r) => r.status === 'open') ?? [];
  return (
    <div class="report">
      <h2 id="seat-heading">{holder ? t('seats.heldBy', { name: holder.name }) : t('seats.free')}</h2>
      <p class="visually-hidden" aria-live="polite">
        {notice}
      </p>
      {notice && <p class="notice notice-ok">{notice}</p>}
      <ErrorNotice error={error} />
      {holder && (
        <div class="filters">
          <button type="button" disabled={busy} onClick={release}>
            {t('seats.release')}
          </button>
          <div class="field">
            <label for="door-room">{t('seats.door')}</label>
            <select id="door-room" value={room} onChange={(e) => setRoom(e.currentTarget.value)}>
              <option value="">{t('seats.chooseRoom')}</option>
              {openRooms.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.title}
                </option>
              ))}
            </select>
          </div>
          <button type="button" disabled={busy || !room} onClick={() => door(holder, 'in')}>
            {t('seats.checkIn')}
          </button>
          <button type="button" disabled={busy || !room} onClick={() => door(holder, 'out')}>
            {t('seats.checkOut')}
          </button>
        </div>
      )}
      <ScrollRegion label={t('seats.people')}>
        <table aria-labelledby="seat-heading">
          <thead>
            <tr>
              <th scope="col">{t('attendance.participant')}</th>
              <th scope="col">{t('seats.role')}</th>
              <th scope="col">{t('seats.seat')}</th>
              <th scope="col">{t('floor.action')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id}>
                <th scope="row">{p.name}</th>
                <td>{t(`role.${p.role}`)}</td>
                <td>{p.id === holder?.id ? t('seats.holds') : '—'}</td>
                <td>
                  {p.id !== holder?.id && (
                    <button type="button" disabled={busy} onClick={() => give(p, holder)}>
                      {holder ? t('seats.handOverTo', { name: p.name }) : t('seats.giveTo', { name: p.name })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </div>
  );
}
