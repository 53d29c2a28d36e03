import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api/client.ts';
import { errorText, t, zoneLabel } from './i18n/index.ts';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
}

/** Loads data for a page, and again on `reload()` or when `deps` change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** An error, by its code, translated; the code itself shown small for support. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'UNEXPECTED';
  return (
    <div class="notice notice-error" role="alert">
      <p>{errorText(code)}</p>
      <p class="code">
        {t('error.code')} <code>{code}</code>
      </p>
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

export function PageHeading({
  title,
  zone,
  children,
}: {
  title: string;
  zone?: string | undefined;
  children?: ComponentChildren;
}) {
  return (
    <div class="page-heading">
      <h1 tabIndex={-1}>{title}</h1>
      {zone && <p class="zone">{zoneLabel(zone)}</p>}
      {children}
    </div>
  );
}

/** A table's box, scrolled sideways on a narrow screen: focusable and named, so a keyboard can scroll it. */
export function ScrollRegion({
  label,
  extraClass,
  children,
}: {
  label: string;
  extraClass?: string;
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled by keyboard
    <section class={`table-wrap ${extraClass ?? ''}`} aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}

/** A page that could not load: its heading, and the error by its code. */
export function PageError({ title, error }: { title: string; error: unknown }) {
  return (
    <section>
      <PageHeading title={title} />
      <ErrorNotice error={error} />
    </section>
  );
}
