import { ok, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageHeading, ScrollRegion, useLoad } from '../components.tsx';
import { formatDateTime, formatDay, formatTime, t } from '../i18n/index.ts';
import { api } from '../state.ts';

type Board = Schemas['RoomsBoard'];
type Room = Board['rooms'][number];

/** The organizers' rooms board: the programme day by day, each room's status, counts and floor holder. */
export function RoomsPage() {
  const board = useLoad(() => ok(api.GET('/rooms')), []);
  if (board.error)
    return (
      <section>
        <PageHeading title={t('rooms.title')} />
        <ErrorNotice error={board.error} />
      </section>
    );
  if (!board.data) return <Loading />;
  const { event, rooms, now } = board.data;
  const tz = event.timeZone;
  const days = new Map<string, Room[]>();
  const dayOf = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  for (const room of rooms) {
    const day = dayOf.format(new Date(room.start));
    days.set(day, [...(days.get(day) ?? []), room]);
  }
  return (
    <section>
      <PageHeading title={t('rooms.title')} zone={tz}>
        <p class="lead">
          {event.name} · {t('rooms.now', { time: formatDateTime(now, tz) })}{' '}
          <button type="button" class="link-button" onClick={board.reload}>
            {t('app.refresh')}
          </button>
        </p>
      </PageHeading>
      {[...days].map(([day, list]) => (
        <div class="day" key={day}>
          <h2>{formatDay(list[0]?.start ?? now, tz)}</h2>
          <ScrollRegion label={formatDay(list[0]?.start ?? now, tz)}>
            <table class="board">
              <thead>
                <tr>
                  <th scope="col">{t('rooms.time')}</th>
                  <th scope="col">{t('rooms.room')}</th>
                  <th scope="col">{t('rooms.status')}</th>
                  <th scope="col" class="num">
                    {t('rooms.online')}
                  </th>
                  <th scope="col" class="num">
                    {t('rooms.inPerson')}
                  </th>
                  <th scope="col">{t('rooms.floor')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((room) => (
                  <tr key={room.id}>
                    <td class="nowrap">
                      {formatTime(room.start, tz)} – {formatTime(room.end, tz)}
                    </td>
                    <th scope="row">
                      {room.title}
                      <span class="small block">
                        <a
                          href={`#/attendance/${room.id}`}
                          aria-label={t('rooms.attendanceOf', { room: room.title })}
                        >
                          {t('rooms.attendance')}
                        </a>
                      </span>
                    </th>
                    <td>
                      <span class={`pill pill-${room.status}`}>{t(`rooms.status.${room.status}`)}</span>
                    </td>
                    <td class="num">{room.online}</td>
                    <td class="num">{room.inPerson}</td>
                    <td>
                      {room.floor ? (
                        <>
                          <span class="block">
                            {room.floor.holder
                              ? `${t('rooms.holder', { who: room.floor.holder.delegationCode })} (${
                                  room.floor.holder.mode === 'online'
                                    ? t('floor.online')
                                    : t('floor.inPerson')
                                })`
                              : t('rooms.noHolder')}
                          </span>
                          <span class="small block">{t('rooms.waiting', { count: room.floor.waiting })}</span>
                          {room.status === 'open' && (
                            <a
                              href={`#/floor/${room.id}`}
                              aria-label={t('rooms.runFloorOf', { room: room.title })}
                            >
                              {t('sessions.runFloor')}
                            </a>
                          )}
                        </>
                      ) : (
                        <span class="small">{t('rooms.noFloor')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </div>
      ))}
    </section>
  );
}
