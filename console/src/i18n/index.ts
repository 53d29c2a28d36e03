/**
 * English and French, the Secretariat's working languages. Every string the console shows is a key of
 * `en`; `fr` must have the same keys (the compiler checks it, and a test too). API errors are shown by
 * their stable code (`error.CODE`), never by the server's English message.
 */
import { signal } from '@preact/signals';
import type { ErrorCode } from '../api/client.ts';
import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';

export type Lang = 'en' | 'fr';
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, fr };
export type { MessageKey };

const stored = globalThis.localStorage?.getItem('floorpass.lang');
export const lang = signal<Lang>(stored === 'fr' || stored === 'en' ? stored : 'en');

export function setLang(next: Lang) {
  lang.value = next;
  globalThis.localStorage?.setItem('floorpass.lang', next);
  document.documentElement.lang = next;
}

/** The message in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = dictionaries[lang.value][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** An API error code, translated (an unknown code falls back to a generic message). */
export function errorText(code: ErrorCode | string): string {
  const key = `error.${code}` as MessageKey;
  return key in en ? t(key) : t('error.UNEXPECTED');
}

// en-US for English so that zones read as their usual abbreviation (EDT), with a 24-hour clock as the UN writes.
const locale = () => (lang.value === 'fr' ? 'fr-FR' : 'en-US');

/** A date and time in the event's time zone, with the zone's short name (e.g. "28 Jun, 11:30 EDT"). */
export function formatDateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** A time of day in the event's time zone, with the zone's short name. */
export function formatTime(iso: string, timeZone: string, seconds = false): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(seconds ? { second: '2-digit' } : {}),
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** The zone's label for headings: "New York time (America/New_York)". */
export function zoneLabel(timeZone: string): string {
  const city = timeZone.split('/').pop()?.replace(/_/g, ' ') ?? timeZone;
  return t('time.zone', { city, zone: timeZone });
}

/** A duration: m:ss under an hour, h:mm:ss above. */
export function formatDuration(total: number): string {
  const s = Math.max(0, Math.round(total));
  if (s < 3600) return formatSeconds(s);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** m:ss, for a countdown. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.ceil(total));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A day, in the event's time zone: "Monday 28 June 2021". */
export function formatDay(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(iso));
}

/** A reason code as the audit records it: translated when it is an API code, as recorded otherwise. */
export function codeText(code: string): string {
  const key = `error.${code}` as MessageKey;
  return key in en ? t(key) : code;
}
