import { useState } from 'preact/hooks';
import { ok, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageHeading, useLoad } from '../components.tsx';
import { formatDateTime, t } from '../i18n/index.ts';
import { api } from '../state.ts';

type Exported = Schemas['RecordExport'];

/**
 * The verifiable record, for organizers (docs/record.md): its last signed checkpoint, the entries no
 * checkpoint covers yet, the key's fingerprint, the export an auditor takes away, and the command that
 * verifies it. The fingerprint shown here comes from the API; the auditor should take it from the
 * secretariat's published notice (or the stack's output), which the page says.
 */
export function RecordPage() {
  const board = useLoad(() => ok(api.GET('/rooms')), []);
  const status = useLoad(() => ok(api.GET('/record')), []);
  const [exported, setExported] = useState<Exported | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const timeZone = board.data?.event.timeZone;

  const runExport = async () => {
    setBusy(true);
    setError(null);
    try {
      setExported(await ok(api.GET('/record/export')));
      await status.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const heading = <PageHeading title={t('record.title')} zone={timeZone} />;
  if (status.error || board.error)
    return (
      <section>
        {heading}
        <ErrorNotice error={status.error ?? board.error} />
      </section>
    );
  if (!status.data || !timeZone) return <Loading />;
  const s = status.data;
  const last = s.lastCheckpoint;
  const archive = exported?.filename ?? 'record.tar';
  const command = `npm run verify -- ${archive} ${s.fingerprint}`;
  return (
    <section>
      {heading}
      <p class="lead">{t('record.lead', { origin: s.origin })}</p>

      <h2>{t('record.checkpoint')}</h2>
      {last ? (
        <dl class="facts" data-testid="last-checkpoint">
          <dt>{t('record.checkpoint.index')}</dt>
          <dd>{last.index}</dd>
          <dt>{t('record.checkpoint.time')}</dt>
          <dd>
            <time dateTime={last.time}>{formatDateTime(last.time, timeZone)}</time>
          </dd>
          <dt>{t('record.checkpoint.size')}</dt>
          <dd>{t('record.checkpoint.sizeValue', { entries: last.size, shards: last.shards })}</dd>
        </dl>
      ) : (
        <p data-testid="last-checkpoint">{t('record.checkpoint.none')}</p>
      )}
      <p>
        {s.unproven > 0
          ? t('record.unproven', { unproven: s.unproven, entries: s.entries })
          : t('record.allCovered', { entries: s.entries })}
      </p>

      <h2>{t('record.fingerprint')}</h2>
      <p>
        <code class="fingerprint">{s.fingerprint}</code>
      </p>
      <p class="small">{t('record.fingerprint.note')}</p>

      <h2>{t('record.export')}</h2>
      <p>{t('record.export.lead')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={runExport} disabled={busy}>
          {busy ? t('record.export.busy') : t('record.export.button')}
        </button>
      </div>
      <ErrorNotice error={error} />
      {exported && (
        <div class="notice notice-ok" role="status">
          <p>
            {t('record.export.done', {
              entries: exported.entries,
              checkpoints: exported.checkpoints,
              reports: exported.reports,
            })}
          </p>
          <p>
            <a href={exported.url} download={exported.filename}>
              {t('record.export.download', { file: exported.filename })}
            </a>{' '}
            <span class="small">
              {t('record.export.expires', { time: formatDateTime(exported.expiresAt, timeZone) })}
            </span>
          </p>
        </div>
      )}

      <h2>{t('record.verify')}</h2>
      <p>{t('record.verify.lead')}</p>
      <pre class="command">
        <code>{command}</code>
      </pre>
    </section>
  );
}
