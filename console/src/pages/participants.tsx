import { useEffect, useRef, useState } from 'preact/hooks';
import { CsvError, csvToObjects } from '#domain/csv.ts';
import { decodeText, TextEncodingError } from '#domain/text-encoding.ts';
import { ApiError, enumValues, ok, type Schemas } from '../api/client.ts';
import { ErrorNotice, Loading, PageHeading, ScrollRegion, useLoad } from '../components.tsx';
import { lang, type MessageKey, t } from '../i18n/index.ts';
import { api } from '../state.ts';

type Participant = Schemas['Participant'];
type Role = Participant['role'];
type RowError = Schemas['ImportRowError'];
type ImportRow = Schemas['ParticipantImport'][number];
type Credentials = Schemas['CredentialChanges'];

const columns = ['name', 'email', 'delegation', 'role'] as const;
type Column = (typeof columns)[number];
type FileRow = Record<Column, string>;
/** The roles, in the order offered. */
const roles = enumValues<Role>({ HeadOfDelegation: true, Delegate: true, Speaker: true, Moderator: true });

/** The API's limit on one import (the dry run refuses more, and says so). */
const MAX_ROWS = 5_000;
/** Rows per import request: the progress bar moves once per part committed. */
const CHUNK = 250;
/** Rows rendered at once: a file of thousands is shown by its errors, not all at once. */
const MAX_SHOWN = 300;
const PAGE = 25;

/** A message with a count, in the language's plural form (`key.one` / `key.other`). */
function plural(key: string, count: number, params: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(lang.value).select(count) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}` as MessageKey, { count, ...params });
}

/** What a change did to live credentials, in words: "2 live attendees deleted." */
export function credentialsEffect(c: Credentials): string {
  const parts = [
    c.deleted > 0 ? plural('participants.effect.deleted', c.deleted) : '',
    c.updated > 0 ? plural('participants.effect.updated', c.updated) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : t('participants.effect.none');
}

/** A row error of the API, in the reader's language. */
function rowErrorText(e: RowError): string {
  const field = (columns as readonly string[]).includes(e.field)
    ? t(`participants.col.${e.field as Column}`)
    : e.field;
  switch (e.kind) {
    case 'duplicate':
      return t('participants.rowError.duplicate', { other: e.otherRow ?? '?' });
    case 'unknownDelegation':
      return t('participants.rowError.unknownDelegation', {
        code: e.reason.replace(/^unknown delegation /, ''),
      });
    case 'seatHolder':
      return t('participants.rowError.seatHolder');
    default:
      // What each column takes, in the reader's language; the API's English reason only for a column
      // this page does not know.
      switch (e.field) {
        case 'name':
          return t('participants.rowError.invalid.name');
        case 'email':
          return t('participants.rowError.invalid.email');
        case 'delegation':
          return t('participants.rowError.invalid.delegation');
        case 'role':
          return t('participants.rowError.invalid.role', {
            roles: roles.map((r) => `${r} (${t(`role.${r}`)})`).join(', '),
          });
        default:
          return t('participants.rowError.invalid', { field, reason: e.reason });
      }
  }
}

/** Participants (organizers): CSV import with row errors and progress; the list, filtered; edit; revoke. */
export function ParticipantsPage() {
  // Moves when an import wrote something, so that the list below reads the participants again.
  const [imports, setImports] = useState(0);
  return (
    <section>
      <PageHeading title={t('participants.title')}>
        <p class="lead">{t('participants.lead')}</p>
      </PageHeading>
      <ImportPanel onImported={() => setImports((n) => n + 1)} />
      <ParticipantList imports={imports} />
    </section>
  );
}

type Stage =
  | { kind: 'edited' }
  | { kind: 'checking' }
  | { kind: 'invalid'; errors: RowError[]; count: number; truncated: boolean }
  | { kind: 'ready'; created: number; updated: number; unchanged: number }
  | { kind: 'importing'; done: number }
  | {
      kind: 'done';
      created: number;
      updated: number;
      unchanged: number;
      credentials: Credentials;
    }
  | { kind: 'failed'; done: number; error: unknown };

const toImportRow = (r: FileRow) => ({ ...r, role: r.role as Role }) satisfies ImportRow;

function ImportPanel({ onImported }: { onImported: () => void }) {
  const [file, setFile] = useState<{ name: string; rows: FileRow[] } | null>(null);
  const [fileError, setFileError] = useState<{ key: MessageKey; detail?: string } | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'edited' });
  const [onlyErrors, setOnlyErrors] = useState(true);
  const [dragging, setDragging] = useState(false);
  /** Cells changed since the last check: the errors shown may be stale, and importing needs a check. */
  const [dirty, setDirty] = useState(false);
  const [requestError, setRequestError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);

  const read = async (chosen: File) => {
    setFile(null);
    setFileError(null);
    setRequestError(null);
    setDirty(false);
    setStage({ kind: 'edited' });
    try {
      // The API's own readers: the rows shown are the rows the API would read from the same file.
      const { text } = decodeText(new Uint8Array(await chosen.arrayBuffer()));
      const rows = csvToObjects(text, columns) as FileRow[];
      if (rows.length === 0) return setFileError({ key: 'participants.import.empty' });
      setFile({ name: chosen.name, rows });
    } catch (e) {
      if (e instanceof CsvError || e instanceof TextEncodingError) {
        setFileError({ key: 'participants.import.unreadable', detail: e.message });
      } else {
        setFileError({ key: 'participants.import.unreadable' });
      }
    }
  };

  const check = async () => {
    if (!file) return;
    setRequestError(null);
    setDirty(false);
    setStage({ kind: 'checking' });
    try {
      const answer = await ok(api.POST('/participants/import/dry-run', { body: file.rows.map(toImportRow) }));
      setStage({ kind: 'ready', ...answer });
    } catch (e) {
      if (e instanceof ApiError && e.detail.errors?.length) {
        setStage({
          kind: 'invalid',
          errors: e.detail.errors,
          count: e.detail.errorCount ?? e.detail.errors.length,
          truncated: e.detail.truncated ?? false,
        });
        setOnlyErrors(file.rows.length > 20);
      } else {
        setStage({ kind: 'edited' });
        setRequestError(e);
      }
    }
  };

  /** The whole file, checked, sent in parts; each part is all or nothing and an upsert by email. */
  const runImport = async () => {
    if (!file) return;
    setRequestError(null);
    const total = { created: 0, updated: 0, unchanged: 0, credentials: { deleted: 0, updated: 0 } };
    let done = 0;
    setStage({ kind: 'importing', done });
    for (let start = 0; start < file.rows.length; start += CHUNK) {
      const part = file.rows.slice(start, start + CHUNK);
      try {
        const answer = await ok(api.POST('/participants/import', { body: part.map(toImportRow) }));
        total.created += answer.created;
        total.updated += answer.updated;
        total.unchanged += answer.unchanged;
        total.credentials.deleted += answer.credentials.deleted;
        total.credentials.updated += answer.credentials.updated;
        done += part.length;
        setStage({ kind: 'importing', done });
      } catch (e) {
        // A part's row errors (the file changed under us since the check) point at rows of the whole file.
        if (e instanceof ApiError && e.detail.errors?.length) {
          e.detail.errors = e.detail.errors.map((r) => ({ ...r, row: r.row + start }));
        }
        setStage({ kind: 'failed', done, error: e });
        if (done > 0) onImported();
        return;
      }
    }
    setStage({ kind: 'done', ...total });
    onImported();
  };

  const edit = (index: number, column: Column, value: string) => {
    if (!file) return;
    const rows = file.rows.slice();
    rows[index] = { ...(rows[index] as FileRow), [column]: value };
    setFile({ ...file, rows });
    // The errors stay shown (the person is fixing them) until the next check; importing needs one.
    setDirty(true);
    if (stage.kind === 'ready') setStage({ kind: 'edited' });
  };

  const errors =
    stage.kind === 'invalid'
      ? stage.errors
      : stage.kind === 'failed' && stage.error instanceof ApiError
        ? (stage.error.detail.errors ?? [])
        : [];
  const errorsByRow = new Map<number, RowError[]>();
  for (const e of errors) errorsByRow.set(e.row, [...(errorsByRow.get(e.row) ?? []), e]);
  const firstError = errors[0];
  const busy = stage.kind === 'checking' || stage.kind === 'importing';

  const goToFirstError = () => {
    if (!firstError) return;
    const cell = document.getElementById(cellId(firstError.row, fieldOf(firstError)));
    cell?.focus();
  };

  return (
    <section class="block" aria-labelledby="import-heading">
      <h2 id="import-heading">{t('participants.import.title')}</h2>
      <p class="small">{t('participants.import.help')}</p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a shortcut; the file input is the keyboard's way */}
      <div
        class={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const dropped = e.dataTransfer?.files[0];
          if (dropped) void read(dropped);
        }}
      >
        <div class="field">
          <label for="import-file">{t('participants.import.file')}</label>
          <input
            id="import-file"
            ref={input}
            type="file"
            accept=".csv,.txt,text/csv"
            disabled={busy}
            onChange={(e) => {
              const chosen = e.currentTarget.files?.[0];
              if (chosen) void read(chosen);
            }}
          />
        </div>
        <p class="small">{dragging ? t('participants.import.dropActive') : t('participants.import.drop')}</p>
      </div>
      {fileError && (
        <div class="notice notice-error" role="alert">
          <p>{t(fileError.key)}</p>
          {fileError.detail && (
            <p class="code" lang="en">
              {fileError.detail}
            </p>
          )}
        </div>
      )}
      {file && (
        <>
          <p role="status">{t('participants.import.read', { file: file.name, rows: file.rows.length })}</p>
          {file.rows.length > MAX_ROWS && (
            <p class="notice notice-error">
              {t('participants.import.tooMany', { rows: file.rows.length, max: MAX_ROWS })}
            </p>
          )}
          <ImportStatus
            stage={stage}
            total={file.rows.length}
            onFirstError={goToFirstError}
            firstError={firstError}
          />
          {dirty && <p class="notice">{t('participants.import.recheck')}</p>}
          <ErrorNotice error={requestError ?? (stage.kind === 'failed' ? stage.error : null)} />
          <div class="actions">
            {stage.kind !== 'done' && (
              <button type="button" disabled={busy} onClick={check}>
                {stage.kind === 'checking'
                  ? t('participants.import.checking')
                  : t('participants.import.check')}
              </button>
            )}
            {(stage.kind === 'ready' || stage.kind === 'importing' || stage.kind === 'failed') && (
              <button type="button" class="primary" disabled={stage.kind === 'importing'} onClick={runImport}>
                {t('participants.import.go', { rows: file.rows.length })}
              </button>
            )}
            {stage.kind === 'done' && (
              <button
                type="button"
                onClick={() => {
                  setFile(null);
                  setStage({ kind: 'edited' });
                  if (input.current) {
                    input.current.value = '';
                    input.current.focus();
                  }
                }}
              >
                {t('participants.import.reset')}
              </button>
            )}
          </div>
          {errors.length > 0 && (
            <label class="check">
              <input
                type="checkbox"
                checked={onlyErrors}
                onChange={(e) => setOnlyErrors(e.currentTarget.checked)}
              />
              {t('participants.import.onlyErrors')}
            </label>
          )}
          <FileTable
            rows={file.rows}
            errorsByRow={errorsByRow}
            onlyErrors={onlyErrors && errors.length > 0}
            editable={!busy && stage.kind !== 'done'}
            onEdit={edit}
          />
        </>
      )}
    </section>
  );
}

function ImportStatus({
  stage,
  total,
  firstError,
  onFirstError,
}: {
  stage: Stage;
  total: number;
  firstError: RowError | undefined;
  onFirstError: () => void;
}) {
  if (stage.kind === 'invalid') {
    return (
      <div class="notice notice-error" role="alert">
        <p>{plural('participants.import.errors', stage.count)}</p>
        {stage.truncated && <p>{t('participants.import.truncated', { shown: stage.errors.length })}</p>}
        {firstError && (
          <p>
            <a
              href={`#${cellId(firstError.row, fieldOf(firstError))}`}
              onClick={(e) => {
                e.preventDefault();
                onFirstError();
              }}
            >
              {t('participants.import.firstError', { row: firstError.row })}
            </a>
          </p>
        )}
      </div>
    );
  }
  if (stage.kind === 'ready') {
    return (
      <p class="notice notice-ok" role="status">
        {t('participants.import.ready', stage)}
      </p>
    );
  }
  if (stage.kind === 'importing' || stage.kind === 'failed' || stage.kind === 'done') {
    const done = stage.kind === 'done' ? total : stage.done;
    return (
      <div class="progress">
        <label for="import-progress">{t('participants.import.progress')}</label>
        <progress id="import-progress" max={total} value={done}>
          {t('participants.import.progressText', { done, total })}
        </progress>
        <p aria-live="polite">{t('participants.import.progressText', { done, total })}</p>
        {stage.kind === 'failed' && (
          <p class="notice notice-error">
            {stage.done > 0
              ? t('participants.import.partial', { done: stage.done })
              : t('participants.import.noneDone')}
          </p>
        )}
        {stage.kind === 'done' && (
          <p class="notice notice-ok" role="status">
            {t('participants.import.done', {
              created: stage.created,
              updated: stage.updated,
              unchanged: stage.unchanged,
            })}{' '}
            {credentialsEffect(stage.credentials)}
          </p>
        )}
      </div>
    );
  }
  return null;
}

const cellId = (row: number, column: Column | 'row') => `import-r${row}-${column}`;
const fieldOf = (e: RowError): Column | 'row' =>
  (columns as readonly string[]).includes(e.field) ? (e.field as Column) : 'row';

function FileTable({
  rows,
  errorsByRow,
  onlyErrors,
  editable,
  onEdit,
}: {
  rows: FileRow[];
  errorsByRow: Map<number, RowError[]>;
  onlyErrors: boolean;
  editable: boolean;
  onEdit: (index: number, column: Column, value: string) => void;
}) {
  const numbered = rows.map((row, i) => ({ row, n: i + 1 }));
  const wanted = onlyErrors ? numbered.filter(({ n }) => errorsByRow.has(n)) : numbered;
  const shown = wanted.slice(0, MAX_SHOWN);
  return (
    <>
      {shown.length < rows.length && (
        <p class="small">{t('participants.import.shown', { shown: shown.length, total: rows.length })}</p>
      )}
      <ScrollRegion label={t('participants.import.table')}>
        <table class="import-table">
          <caption class="visually-hidden">{t('participants.import.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('participants.import.row')}</th>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {t(`participants.col.${c}`)}
                </th>
              ))}
              <th scope="col">{t('participants.import.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(({ row, n }) => {
              const rowErrors = errorsByRow.get(n) ?? [];
              const bad = new Set(rowErrors.map(fieldOf));
              const problemId = `import-r${n}-problem`;
              return (
                <tr key={n} class={rowErrors.length ? 'row-invalid' : undefined}>
                  <th scope="row" id={cellId(n, 'row')} tabIndex={bad.has('row') ? -1 : undefined}>
                    {n}
                  </th>
                  {columns.map((c) => {
                    const invalid = bad.has(c) || bad.has('row');
                    return (
                      <td key={c} class={invalid ? 'cell-invalid' : undefined}>
                        {rowErrors.length && editable ? (
                          <input
                            id={cellId(n, c)}
                            value={row[c]}
                            aria-label={t('participants.import.cellLabel', {
                              row: n,
                              column: t(`participants.col.${c}`),
                            })}
                            aria-invalid={invalid ? 'true' : undefined}
                            aria-describedby={invalid ? problemId : undefined}
                            onInput={(e) => onEdit(n - 1, c, e.currentTarget.value)}
                          />
                        ) : (
                          <span id={cellId(n, c)} tabIndex={invalid ? -1 : undefined}>
                            {row[c]}
                          </span>
                        )}
                      </td>
                    );
                  })}
                  <td id={problemId} class={rowErrors.length ? 'problem' : undefined}>
                    {rowErrors.length ? rowErrors.map(rowErrorText).join(' ') : t('participants.import.ok')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
    </>
  );
}

interface Filters {
  delegation: string;
  role: Role | '';
  status: '' | 'active' | 'revoked';
  q: string;
}

function ParticipantList({ imports }: { imports: number }) {
  const delegations = useLoad(() => ok(api.GET('/delegations')), []);
  const [filters, setFilters] = useState<Filters>({ delegation: '', role: '', status: '', q: '' });
  const [draft, setDraft] = useState<Filters>(filters);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () =>
      ok(
        api.GET('/participants', {
          params: {
            query: {
              limit: PAGE,
              ...(filters.delegation ? { delegation: filters.delegation } : {}),
              ...(filters.role ? { role: filters.role } : {}),
              ...(filters.status ? { revoked: filters.status === 'revoked' ? 'true' : 'false' } : {}),
              ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [filters, cursor, imports],
  );
  const [editing, setEditing] = useState<Participant | null>(null);
  const [revoking, setRevoking] = useState<Participant | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      setNotice(await action());
      setEditing(null);
      setRevoking(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      await page.reload();
    }
  };
  const revoke = (p: Participant) =>
    run(async () => {
      const done = await ok(
        api.POST('/participants/{participantId}/revoke', { params: { path: { participantId: p.id } } }),
      );
      return t('participants.revoked', { name: done.name, effect: credentialsEffect(done.credentials) });
    });
  const save = (p: Participant, change: { name: string; delegation: string; role: Role }) =>
    run(async () => {
      const body = {
        ...(change.name !== p.name ? { name: change.name } : {}),
        ...(change.delegation !== p.delegation ? { delegation: change.delegation } : {}),
        ...(change.role !== p.role ? { role: change.role } : {}),
      };
      if (Object.keys(body).length === 0) return t('participants.edit.saved', { name: p.name, effect: '' });
      const done = await ok(
        api.PATCH('/participants/{participantId}', { params: { path: { participantId: p.id } }, body }),
      );
      return t('participants.edit.saved', { name: done.name, effect: credentialsEffect(done.credentials) });
    });

  return (
    <section class="block" aria-labelledby="list-heading">
      <h2 id="list-heading">{t('participants.list.title')}</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          setCursors([undefined]);
        }}
      >
        <div class="field">
          <label for="filter-delegation">{t('participants.filter.delegation')}</label>
          <select
            id="filter-delegation"
            value={draft.delegation}
            onChange={(e) => setDraft({ ...draft, delegation: e.currentTarget.value })}
          >
            <option value="">{t('participants.filter.allDelegations')}</option>
            {delegations.data?.items.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name} ({d.code})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-role">{t('participants.filter.role')}</label>
          <select
            id="filter-role"
            value={draft.role}
            onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value as Role | '' })}
          >
            <option value="">{t('participants.filter.allRoles')}</option>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">{t('participants.filter.status')}</label>
          <select
            id="filter-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value as Filters['status'] })}
          >
            <option value="">{t('participants.filter.allStatuses')}</option>
            <option value="active">{t('participants.status.active')}</option>
            <option value="revoked">{t('participants.status.revoked')}</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-q">{t('participants.filter.search')}</label>
          <input
            id="filter-q"
            type="search"
            value={draft.q}
            maxLength={100}
            onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <button type="submit" class="primary">
            {t('participants.filter.apply')}
          </button>
        </div>
      </form>
      <p class="visually-hidden" aria-live="polite">
        {notice}
      </p>
      {notice && (
        <p id="list-notice" class="notice notice-ok">
          {notice}
        </p>
      )}
      <ErrorNotice error={error ?? page.error ?? delegations.error} />
      {revoking && (
        <ConfirmRevoke
          key={revoking.id}
          participant={revoking}
          busy={busy}
          onConfirm={() => revoke(revoking)}
          onCancel={() => setRevoking(null)}
        />
      )}
      {editing && (
        <EditForm
          key={editing.id}
          participant={editing}
          delegations={delegations.data?.items ?? []}
          busy={busy}
          onSave={(change) => save(editing, change)}
          onCancel={() => setEditing(null)}
        />
      )}
      {!page.data ? (
        <Loading />
      ) : (
        <>
          <ScrollRegion label={t('participants.list.title')}>
            <table>
              <caption>{t('participants.list.caption', { page: cursors.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('participants.col.name')}</th>
                  <th scope="col">{t('participants.col.email')}</th>
                  <th scope="col">{t('participants.col.delegation')}</th>
                  <th scope="col">{t('participants.col.role')}</th>
                  <th scope="col">{t('participants.col.status')}</th>
                  <th scope="col">{t('floor.action')}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td class="small">{p.email}</td>
                    <td>{p.delegation}</td>
                    <td>{t(`role.${p.role}`)}</td>
                    <td>
                      {p.revoked ? (
                        <span class="pill pill-failed">{t('participants.status.revoked')}</span>
                      ) : (
                        t('participants.status.active')
                      )}
                    </td>
                    <td>
                      <div class="row-actions">
                        <button
                          type="button"
                          disabled={busy}
                          aria-label={t('participants.editName', { name: p.name })}
                          onClick={() => {
                            setRevoking(null);
                            setEditing(p);
                          }}
                        >
                          {t('participants.edit')}
                        </button>
                        {!p.revoked && (
                          <button
                            type="button"
                            disabled={busy}
                            aria-label={t('participants.revokeName', { name: p.name })}
                            onClick={() => {
                              setEditing(null);
                              setRevoking(p);
                            }}
                          >
                            {t('participants.revoke')}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {page.data.items.length === 0 && <p>{t('participants.list.none')}</p>}
          <nav class="pager" aria-label={t('participants.list.paging')}>
            <button
              type="button"
              disabled={cursors.length <= 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              {t('participants.list.previous')}
            </button>
            <button
              type="button"
              disabled={!page.data.nextCursor}
              onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
            >
              {t('participants.list.next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

/** Revoking cannot be undone here: it asks first, with the effect spelled out, focus on the question. */
function ConfirmRevoke({
  participant,
  busy,
  onConfirm,
  onCancel,
}: {
  participant: Participant;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <div class="confirm" role="alertdialog" aria-labelledby="revoke-question">
      <p id="revoke-question">{t('participants.revoke.confirm', { name: participant.name })}</p>
      <div class="actions">
        <button type="button" class="danger" ref={yes} disabled={busy} onClick={onConfirm}>
          {t('participants.revoke.yes', { name: participant.name })}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('participants.edit.cancel')}
        </button>
      </div>
    </div>
  );
}

function EditForm({
  participant,
  delegations,
  busy,
  onSave,
  onCancel,
}: {
  participant: Participant;
  delegations: Schemas['Delegation'][];
  busy: boolean;
  onSave: (change: { name: string; delegation: string; role: Role }) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(participant.name);
  const [delegation, setDelegation] = useState(participant.delegation);
  const [role, setRole] = useState<Role>(participant.role);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <form
      class="edit"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ name, delegation, role });
      }}
    >
      <fieldset>
        <legend>{t('participants.edit.title', { name: participant.name })}</legend>
        <div class="field">
          <label for="edit-name">{t('participants.col.name')}</label>
          <input
            id="edit-name"
            value={name}
            required
            maxLength={200}
            ref={first}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-delegation">{t('participants.col.delegation')}</label>
          <select
            id="edit-delegation"
            value={delegation}
            onChange={(e) => setDelegation(e.currentTarget.value)}
          >
            {delegations.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name} ({d.code})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="edit-role">{t('participants.col.role')}</label>
          <select id="edit-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('participants.edit.save')}
          </button>
          <button type="button" disabled={busy} onClick={onCancel}>
            {t('participants.edit.cancel')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
