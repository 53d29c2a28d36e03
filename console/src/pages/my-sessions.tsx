import { useState } from 'preact/hooks';
import { ApiError, ok, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageError, PageHeading, useLoad } from '../components.tsx';
import { errorText, formatDateTime, formatTime, t } from '../i18n/index.ts';
import { api, config } from '../state.ts';

type Me = Schemas['Me'];
type Room = Me['sessions'][number];
type Joined = Schemas['JoinCredentials'];

/** The delegate's page: every room, whether one can join it now, and if not why and when it opens. */
export function MySessionsPage() {
  const me = useLoad(() => ok(api.GET('/me')), []);
  if (me.error) return <PageError title={t('sessions.title')} error={me.error} />;
  if (!me.data) return <Loading />;
  const { participant, delegation, event } = me.data;
  return (
    <section>
      <PageHeading title={t('sessions.title')} zone={event.timeZone}>
        <p class="lead">
          {participant.name} · {t(`role.${participant.role}`)} · {delegation.name} (
          {t(`category.${delegation.category}`)})
        </p>
      </PageHeading>
      <ul class="cards">
        {me.data.sessions.map((room) => (
          <RoomCard key={room.id} room={room} timeZone={event.timeZone} onChange={me.reload} />
        ))}
      </ul>
    </section>
  );
}

function RoomCard({ room, timeZone }: { room: Room; timeZone: string; onChange: () => Promise<void> }) {
  const [joined, setJoined] = useState<Joined | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const headingId = `room-${room.id}`;
  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      const credentials = await ok(
        api.POST('/sessions/{sessionId}/join', { params: { path: { sessionId: room.id } } }),
      );
      setJoined(credentials);
      await startMeeting(credentials);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class={`card ${room.canJoin ? 'card-open' : 'card-closed'}`} aria-labelledby={headingId}>
      <h2 id={headingId}>{room.title}</h2>
      <p class="when">
        {formatDateTime(room.start, timeZone)} – {formatTime(room.end, timeZone)}
      </p>
      {room.canJoin ? (
        <p class="status status-open">
          {t('sessions.canJoin', { time: formatTime(room.closesAt, timeZone) })}{' '}
          {room.maySpeak ? t('sessions.maySpeak') : t('sessions.listenOnly')}
        </p>
      ) : (
        <div class="status status-refused">
          <p>
            <strong>{t('sessions.cannotJoin')}</strong> {errorText(room.reason.code)}
          </p>
          {room.opensAt && <p>{t('sessions.opensAt', { time: formatDateTime(room.opensAt, timeZone) })}</p>}
        </div>
      )}
      <div class="actions">
        {room.canJoin && !joined && (
          <button type="button" class="primary" disabled={busy} onClick={join}>
            {t('sessions.join')}
          </button>
        )}
        {(room.floor.moderator || (room.floor.mayRequest && room.canJoin)) && (
          <a class="button" href={`#/floor/${encodeURIComponent(room.id)}`}>
            {room.floor.moderator ? t('sessions.runFloor') : t('sessions.floor')}
          </a>
        )}
      </div>
      {joined && <JoinedNotice joined={joined} />}
      <ErrorNotice error={error} />
    </li>
  );
}

function JoinedNotice({ joined }: { joined: Joined }) {
  // The credentials stay in memory for the meeting session; the JoinToken is never shown.
  const audio =
    joined.capabilities.Audio === 'SendReceive' ? t('sessions.audioSend') : t('sessions.audioReceive');
  return (
    <div class="notice notice-ok" role="status">
      <p>
        <strong>{t('sessions.joined')}</strong> {audio}
      </p>
      {!config.value?.media && <p>{t('sessions.noMedia')}</p>}
    </div>
  );
}

/**
 * Starts the meeting with amazon-chime-sdk-js where meetings have media (AWS). Against the local
 * emulator there is none (no media servers behind its URLs), so nothing is started: the page says so.
 */
async function startMeeting(joined: Joined): Promise<void> {
  if (!config.value?.media) return;
  const { startMeetingSession } = await import('../meeting.ts');
  await startMeetingSession(joined).catch(() => {
    throw new ApiError(0, 'MEETING_UNAVAILABLE');
  });
}
