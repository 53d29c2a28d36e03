import { useEffect, useRef, useState } from 'preact/hooks';
import {
  connectFloorChannel,
  FloorChannelError,
  type FloorConnection,
} from '../../../shared/clients/floor-channel-client.ts';
import { ok, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageError, PageHeading, ScrollRegion, useLoad } from '../components.tsx';
import { errorText, formatSeconds, formatTime, t } from '../i18n/index.ts';
import { closeFloor, type MicrophoneState, openFloor } from '../speaking.ts';
import { api, config, isOrganizer, signIn } from '../state.ts';

type Floor = Schemas['Floor'];
type FloorEvent = Schemas['FloorEvent'];

/** What the page needs to know about the room and the caller, from GET /me or (organizers) GET /rooms. */
interface RoomContext {
  title: string;
  timeZone: string;
  /** The server's clock at the time of reading (the local clock can be moved). */
  now: string;
  moderator: boolean;
  mayRequest: boolean;
  participantId: string | null;
}

async function loadContext(sessionId: string): Promise<RoomContext> {
  if (isOrganizer.value) {
    const board = await ok(api.GET('/rooms'));
    const room = board.rooms.find((r) => r.id === sessionId);
    return {
      title: room?.title ?? sessionId,
      timeZone: board.event.timeZone,
      now: board.now,
      moderator: true,
      mayRequest: false,
      participantId: null,
    };
  }
  const me = await ok(api.GET('/me'));
  const room = me.sessions.find((s) => s.id === sessionId);
  return {
    title: room?.title ?? sessionId,
    timeZone: me.event.timeZone,
    now: me.now,
    moderator: room?.floor.moderator ?? false,
    mayRequest: (room?.floor.mayRequest ?? false) && (room?.canJoin ?? false),
    participantId: me.participant.id,
  };
}

/**
 * A room's floor: the speakers list, the holder's countdown, and (moderators, organizers) the controls.
 * Live: each event on the room's channel re-reads the floor (the API's view is the truth; the channel
 * says when to look), and moves the page's clock to the server's (`at`), which the local stack can move.
 */
export function FloorPage({ sessionId }: { sessionId: string }) {
  const context = useLoad(() => loadContext(sessionId), [sessionId]);
  const floor = useLoad(
    () => ok(api.GET('/sessions/{sessionId}/floor', { params: { path: { sessionId } } })),
    [sessionId],
  );
  const [offset, setOffset] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const [lastEnded, setLastEnded] = useState<FloorEvent | null>(null);
  const [live, setLive] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const reload = useRef(floor.reload);
  reload.current = floor.reload;
  const me = context.data?.participantId ?? null;
  const microphone = useMicrophone(sessionId, !!me && floor.data?.holder?.participantId === me);

  useEffect(() => {
    if (context.data) setOffset(Date.parse(context.data.now) - Date.now());
  }, [context.data]);

  useEffect(() => {
    const url = config.value?.eventsUrl;
    if (!url) {
      setLive('offline');
      return;
    }
    let connection: FloorConnection | null = null;
    let stopped = false;
    void (async () => {
      // A dropped line is reconnected (2 s, then up to 30 s apart); a refusal (FloorChannelError) is final.
      for (let attempt = 0; !stopped; attempt++) {
        try {
          const httpHost = config.value?.eventsHost;
          connection = await connectFloorChannel({
            url,
            ...(httpHost ? { httpHost } : {}),
            token: async () => (await signIn.token()) ?? '',
            WebSocket,
          });
          const subscription = await connection.subscribe(sessionId);
          if (stopped) return connection.close();
          attempt = 0;
          setLive('live');
          // Events sent before the subscription (or while the line was down) are not replayed: read again.
          void reload.current();
          for await (const raw of subscription) {
            const event = raw as unknown as FloorEvent;
            if (event.at) setOffset(Date.parse(event.at) - Date.now());
            if (event.type === 'ended') setLastEnded(event);
            if (event.type === 'granted') setLastEnded(null);
            setAnnouncement(announce(event));
            void reload.current();
          }
        } catch (error) {
          if (stopped) return;
          setLive('offline');
          if (error instanceof FloorChannelError) return;
        }
        connection?.close();
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 2_000 * 2 ** attempt)));
      }
    })();
    return () => {
      stopped = true;
      connection?.close();
    };
  }, [sessionId]);

  if (context.error || floor.error)
    return <PageError title={t('floor.title')} error={context.error ?? floor.error} />;
  if (!context.data || !floor.data) return <Loading />;
  const ctx = context.data;
  const state = floor.data;
  const mine = ctx.participantId
    ? (state.queue.find((q) => q.participantId === ctx.participantId) ?? null)
    : null;
  const holding = !!ctx.participantId && state.holder?.participantId === ctx.participantId;
  return (
    <section class="floor">
      <PageHeading title={`${t('floor.title')}: ${ctx.title}`} zone={ctx.timeZone}>
        <p class={`live live-${live}`}>{t(`floor.live.${live}`)}</p>
      </PageHeading>
      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <div class="floor-grid">
        <Holder
          floor={state}
          offset={offset}
          timeZone={ctx.timeZone}
          lastEnded={lastEnded}
          moderator={ctx.moderator}
          sessionId={sessionId}
          onChange={floor.reload}
          holding={holding}
        />
        <SpeakersList
          floor={state}
          moderator={ctx.moderator}
          sessionId={sessionId}
          onChange={floor.reload}
          timeZone={ctx.timeZone}
          me={ctx.participantId}
        />
      </div>
      {!ctx.moderator && ctx.mayRequest && (
        <AskForFloor
          sessionId={sessionId}
          mine={mine}
          holding={holding}
          microphone={microphone}
          onChange={floor.reload}
        />
      )}
      {isOrganizer.value && <InscribeSpeaker sessionId={sessionId} onChange={floor.reload} />}
    </section>
  );
}

/**
 * The holder's microphone follows the floor as the API tells it (the state re-read at each channel event
 * and at every load), not the channel's events alone: a page opened mid-intervention opens it too.
 */
function useMicrophone(sessionId: string, holding: boolean): MicrophoneState {
  const [microphone, setMicrophone] = useState<MicrophoneState>({ state: 'closed' });
  const currentState = useRef(microphone);
  currentState.current = microphone;
  useEffect(() => {
    let superseded = false;
    void (async () => {
      const media = config.value?.media ?? false;
      const session = media ? (await import('../meeting.ts')).speakerSession(sessionId) : null;
      if (!holding) {
        setMicrophone(closeFloor(session, currentState.current));
        return;
      }
      setMicrophone({ state: 'opening' });
      const opened = await openFloor({
        session,
        media,
        credentials: () =>
          ok(api.POST('/sessions/{sessionId}/floor/credentials', { params: { path: { sessionId } } })),
      });
      // The floor ended while the microphone was opening: close what was just opened.
      if (superseded) closeFloor(session, opened);
      else setMicrophone(opened);
    })();
    return () => {
      superseded = true;
    };
  }, [sessionId, holding]);
  return microphone;
}

function announce(event: FloorEvent): string {
  const who = event.delegationCode ?? '';
  switch (event.type) {
    case 'granted':
      return t('floor.announce.granted', { who });
    case 'warned':
      return t('floor.announce.warned', { who });
    case 'ended':
      return event.how === 'time' ? t('floor.announce.cut', { who }) : t('floor.announce.ended', { who });
    case 'extended':
      return t('floor.announce.extended', { who });
    case 'inscribed':
      return t('floor.announce.inscribed', { who });
    default:
      return '';
  }
}

/** Seconds left before the deadline, on the server's clock, updated four times a second. */
function useRemaining(deadline: string | null, offset: number): number | null {
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    setNow(Date.now() + offset);
    if (!deadline) return;
    const timer = setInterval(() => setNow(Date.now() + offset), 250);
    return () => clearInterval(timer);
  }, [deadline, offset]);
  return deadline ? (Date.parse(deadline) - now) / 1000 : null;
}

function Holder(props: {
  floor: Floor;
  offset: number;
  timeZone: string;
  lastEnded: FloorEvent | null;
  moderator: boolean;
  sessionId: string;
  holding: boolean;
  onChange: () => Promise<void>;
}) {
  const { holder } = props.floor;
  const remaining = useRemaining(holder?.deadline ?? null, props.offset);
  if (!holder || remaining === null) {
    const ended = props.lastEnded;
    return (
      <div class="holder holder-none">
        <h2>{t('floor.holder')}</h2>
        <p class="countdown countdown-idle" data-state={ended?.how === 'time' ? 'cut' : 'idle'}>
          {ended?.how === 'time' ? t('floor.cut') : t('floor.nobody')}
        </p>
        {ended && (
          <p>
            {t(ended.how === 'time' ? 'floor.endedCut' : 'floor.endedOther', {
              who: ended.delegationCode ?? '',
              time: ended.at ? formatTime(ended.at, props.timeZone, true) : '',
            })}
          </p>
        )}
        {props.moderator && (
          <NextButton
            sessionId={props.sessionId}
            onChange={props.onChange}
            disabled={props.floor.queue.length === 0}
          />
        )}
      </div>
    );
  }
  const warning = holder.warned || remaining <= 30;
  const over = holder.overtime || remaining <= 0;
  const state = over ? 'over' : warning ? 'warning' : 'running';
  return (
    <div class={`holder holder-${state}`}>
      <h2>{t('floor.holder')}</h2>
      <p class="holder-who">
        <span class="delegation">{holder.delegationCode}</span> <ModeBadge mode={holder.mode} />
        {props.holding && <strong class="you"> {t('floor.you')}</strong>}
      </p>
      <p class="countdown" role="timer" aria-label={t('floor.remaining')} data-state={state}>
        {over && holder.mode === 'in-person' ? t('floor.overtime') : formatSeconds(remaining)}
      </p>
      {warning && !over && <p class="warning-text">{t('floor.warning')}</p>}
      <p class="small">
        {t('floor.deadline', { time: formatTime(holder.deadline, props.timeZone, true) })}
        {holder.extendedSeconds > 0 && ` · ${t('floor.extendedBy', { seconds: holder.extendedSeconds })}`}
      </p>
      {holder.connected === false && <p class="small">{t('floor.disconnected')}</p>}
      {props.moderator && (
        <ModeratorControls
          sessionId={props.sessionId}
          onChange={props.onChange}
          limit={holder.limitSeconds}
        />
      )}
    </div>
  );
}

function ModeBadge({ mode }: { mode: 'online' | 'in-person' }) {
  return (
    <span class={`badge badge-${mode}`}>{mode === 'online' ? t('floor.online') : t('floor.inPerson')}</span>
  );
}

/** Runs an action, keeps its error by code, and re-reads the floor. */
function useAction(onChange: () => Promise<void>) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      await onChange();
    }
  };
  return { error, busy, run };
}

function NextButton({
  sessionId,
  onChange,
  disabled,
}: {
  sessionId: string;
  onChange: () => Promise<void>;
  disabled: boolean;
}) {
  const { error, busy, run } = useAction(onChange);
  const path = { params: { path: { sessionId } } };
  return (
    <div class="actions">
      <button
        type="button"
        class="primary"
        disabled={busy || disabled}
        onClick={() => run(() => ok(api.POST('/sessions/{sessionId}/floor/next', path)))}
      >
        {t('floor.next')}
      </button>
      <ErrorNotice error={error} />
    </div>
  );
}

function ModeratorControls({
  sessionId,
  onChange,
  limit,
}: {
  sessionId: string;
  onChange: () => Promise<void>;
  limit: number;
}) {
  const { error, busy, run } = useAction(onChange);
  const [seconds, setSeconds] = useState(30);
  const [reason, setReason] = useState('');
  const path = { params: { path: { sessionId } } };
  const extend = (event: Event) => {
    event.preventDefault();
    void run(() =>
      ok(api.POST('/sessions/{sessionId}/floor/extend', { ...path, body: { seconds, reason } })),
    );
    setReason('');
  };
  return (
    <div class="controls">
      <div class="actions">
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => run(() => ok(api.POST('/sessions/{sessionId}/floor/end', path)))}
        >
          {t('floor.end')}
        </button>
      </div>
      <form class="extend" onSubmit={extend}>
        <fieldset>
          <legend>{t('floor.extend')}</legend>
          <label>
            {t('floor.extendSeconds')}
            <input
              type="number"
              min={1}
              max={limit}
              required
              value={seconds}
              onInput={(e) => setSeconds(Number(e.currentTarget.value))}
            />
          </label>
          <label>
            {t('floor.extendReason')}
            <input
              type="text"
              minLength={3}
              maxLength={300}
              required
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {t('floor.extendSubmit')}
          </button>
        </fieldset>
      </form>
      <ErrorNotice error={error} />
    </div>
  );
}

function SpeakersList(props: {
  floor: Floor;
  moderator: boolean;
  sessionId: string;
  timeZone: string;
  me: string | null;
  onChange: () => Promise<void>;
}) {
  const { error, busy, run } = useAction(props.onChange);
  const { queue, holder } = props.floor;
  return (
    <div class="speakers">
      <h2 id="speakers-heading">{t('floor.list', { count: queue.length })}</h2>
      {queue.length === 0 ? (
        <p>{t('floor.listEmpty')}</p>
      ) : (
        <ScrollRegion label={t('floor.list', { count: queue.length })}>
          <table aria-labelledby="speakers-heading">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('floor.delegation')}</th>
                <th scope="col">{t('floor.mode')}</th>
                <th scope="col">{t('floor.requestedAt')}</th>
                {props.moderator && <th scope="col">{t('floor.action')}</th>}
              </tr>
            </thead>
            <tbody>
              {queue.map((q) => (
                <tr key={q.requestId} class={q.participantId === props.me ? 'mine' : undefined}>
                  <td>{q.position}</td>
                  <td>
                    {q.delegationCode}
                    {q.participantId === props.me && <strong> {t('floor.you')}</strong>}
                  </td>
                  <td>
                    <ModeBadge mode={q.mode} />
                    {q.mode === 'online' && q.connected === false && (
                      <span class="small"> {t('floor.notConnected')}</span>
                    )}
                  </td>
                  <td>{formatTime(q.requestedAt, props.timeZone)}</td>
                  {props.moderator && (
                    <td>
                      <button
                        type="button"
                        disabled={busy || !!holder}
                        aria-label={t('floor.giveTo', { who: q.delegationCode })}
                        onClick={() =>
                          run(() =>
                            ok(
                              api.POST('/sessions/{sessionId}/floor/grant', {
                                params: { path: { sessionId: props.sessionId } },
                                body: { requestId: q.requestId },
                              }),
                            ),
                          )
                        }
                      >
                        {t('floor.give')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}

function AskForFloor(props: {
  sessionId: string;
  mine: Floor['queue'][number] | null;
  holding: boolean;
  microphone: MicrophoneState;
  onChange: () => Promise<void>;
}) {
  const { error, busy, run } = useAction(props.onChange);
  const path = { params: { path: { sessionId: props.sessionId } } };
  return (
    <div class="ask">
      <h2>{t('floor.yourRequest')}</h2>
      {props.holding ? (
        <Microphone microphone={props.microphone} />
      ) : props.mine ? (
        <>
          <p class="position">{t('floor.position', { position: props.mine.position })}</p>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              run(() =>
                ok(
                  api.DELETE('/sessions/{sessionId}/floor/requests/{requestId}', {
                    params: { path: { sessionId: props.sessionId, requestId: props.mine!.requestId } },
                  }),
                ),
              )
            }
          >
            {t('floor.withdraw')}
          </button>
        </>
      ) : (
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() =>
            run(() => ok(api.POST('/sessions/{sessionId}/floor/requests', { ...path, body: {} })))
          }
        >
          {t('floor.ask')}
        </button>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}

/** What became of the holder's microphone, in words (and `data-microphone` for the tests). */
function Microphone({ microphone }: { microphone: MicrophoneState }) {
  const failed = microphone.state === 'failed';
  return (
    <div class={`status ${failed ? 'status-refused' : 'status-open'}`} data-microphone={microphone.state}>
      <p>
        <strong>{t('floor.youHaveIt')}</strong> {t(`floor.microphone.${microphone.state}`)}
      </p>
      {failed && <p>{errorText(microphone.code)}</p>}
      {microphone.state === 'not-joined' && (
        <p>
          <a href="#/sessions">{t('floor.microphone.joinFirst')}</a>
        </p>
      )}
    </div>
  );
}

/**
 * The secretariat inscribes a speaker, typically its State's in-person seat holder, who speaks from the
 * room's microphone (organizers only: listing participants is theirs).
 */
function InscribeSpeaker({ sessionId, onChange }: { sessionId: string; onChange: () => Promise<void> }) {
  const { error, busy, run } = useAction(onChange);
  const [code, setCode] = useState('');
  const [people, setPeople] = useState<Schemas['Participant'][] | null>(null);
  const find = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const page = await ok(
        api.GET('/participants', { params: { query: { delegation: code.trim().toUpperCase() } } }),
      );
      setPeople(page.items.filter((p) => !p.revoked));
    });
  };
  const inscribe = (participantId: string) =>
    run(() =>
      ok(
        api.POST('/sessions/{sessionId}/floor/requests', {
          params: { path: { sessionId } },
          body: { participantId },
        }),
      ),
    );
  return (
    <div class="inscribe">
      <h2>{t('floor.inscribe')}</h2>
      <form class="filters" onSubmit={find}>
        <div class="field">
          <label for="inscribe-code">{t('floor.inscribeCode')}</label>
          <input
            id="inscribe-code"
            type="text"
            required
            maxLength={32}
            autoComplete="off"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {t('floor.inscribeFind')}
        </button>
      </form>
      {people && people.length === 0 && <p>{t('floor.inscribeNone')}</p>}
      {people && people.length > 0 && (
        <ul class="people">
          {people.map((p) => (
            <li key={p.id}>
              <span>
                {p.name} · {t(`role.${p.role}`)}
                {p.inPersonSeat && <strong> · {t('floor.seatHolder')}</strong>}
              </span>{' '}
              <button type="button" disabled={busy} onClick={() => inscribe(p.id)}>
                {t('floor.inscribeThis', { name: p.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
