import { ok, type Schemas } from '../api/client.ts';
import { clockTicks } from '../clock-ticks.ts';
import { Loading, PageError, PageHeading, ScrollRegion, useLoad } from '../components.tsx';
import { formatDateTime, formatDay, formatTime, t } from '../i18n/index.ts';
import { api } from '../state.ts';

type Board = Schemas['RoomsBoard'];
type Room = Board['rooms'][number];

/** The organizers' rooms board: the programme day by day, each room's status, counts and floor holder. */
export function RoomsPage() {
  const board = useLoad(() => ok(api.GET('/rooms')), []);
  if (board.error) return <PageError title={t('rooms.title')} error={board.error} />;
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
          <DayTimeline rooms={list} now={now} timeZone={tz} />
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

const LANE = 30;
const LABEL = 260;
const WIDTH = 1000;
const AXIS = 24;

/**
 * One day of the programme as a timeline (inline SVG: the CSP allows no inline style, and SVG's
 * attributes are not styles): one lane per room, its join window as a light band and its session as a
 * bar (the status told by the bar's class and in the label, not by colour alone), hours in the event's
 * time zone along the top, and a line at now. The table below says the same in text; this is its picture.
 */
function DayTimeline({ rooms, now, timeZone }: { rooms: Room[]; now: string; timeZone: string }) {
  const from = Math.min(...rooms.map((r) => Date.parse(r.opensAt)));
  const to = Math.max(...rooms.map((r) => Date.parse(r.closesAt)));
  if (!(to > from)) return null;
  const x = (iso: string | number) =>
    LABEL + ((WIDTH - LABEL - 30) * ((typeof iso === 'number' ? iso : Date.parse(iso)) - from)) / (to - from);
  const height = AXIS + rooms.length * LANE + 4;
  const nowAt = Date.parse(now);
  const captionId = `timeline-${rooms[0]?.id ?? 'day'}`;
  return (
    <figure class="timeline">
      <figcaption id={captionId} class="small">
        {t('rooms.timeline', { zone: timeZone })}
      </figcaption>
      <ScrollRegion label={t('rooms.timeline', { zone: timeZone })}>
        <svg
          class="timeline-chart"
          viewBox={`0 0 ${WIDTH} ${height}`}
          role="img"
          aria-labelledby={captionId}
          data-rooms={rooms.length}
        >
          <title>{t('rooms.timeline', { zone: timeZone })}</title>
          {clockTicks(from, to, timeZone, 60).map((tick) => (
            <g key={tick.at} class="tick">
              <line class="tick-line" x1={x(tick.at)} x2={x(tick.at)} y1={AXIS - 6} y2={height} />
              <text x={x(tick.at)} y={AXIS - 10} text-anchor="middle">
                {tick.label}
              </text>
            </g>
          ))}
          {rooms.map((room, i) => {
            const y = AXIS + i * LANE;
            return (
              <g key={room.id} class={`lane lane-${room.status}`} data-room={room.id}>
                <text x={LABEL - 8} y={y + LANE / 2 + 5} text-anchor="end">
                  {truncate(room.title, 28)}
                </text>
                <rect
                  class="window"
                  x={x(room.opensAt)}
                  y={y + 6}
                  width={Math.max(1, x(room.closesAt) - x(room.opensAt))}
                  height={LANE - 12}
                />
                <rect
                  class="session"
                  x={x(room.start)}
                  y={y + 4}
                  width={Math.max(2, x(room.end) - x(room.start))}
                  height={LANE - 8}
                >
                  <title>
                    {`${room.title}: ${formatTime(room.start, timeZone)} – ${formatTime(room.end, timeZone)} · ${t(
                      `rooms.status.${room.status}`,
                    )}`}
                  </title>
                </rect>
              </g>
            );
          })}
          {nowAt >= from && nowAt <= to && (
            <g class="now">
              <line x1={x(nowAt)} x2={x(nowAt)} y1={AXIS - 6} y2={height} />
              <text x={x(nowAt) + 4} y={height - 4}>
                {t('rooms.nowMark')}
              </text>
            </g>
          )}
        </svg>
      </ScrollRegion>
    </figure>
  );
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
