import { z } from 'zod';

/**
 * What a person's or an organization's name may not hold, because it would change how other text is
 * shown or read rather than be part of the name: control characters (C0, DEL and C1: NUL, tab, line
 * breaks, ANSI escapes), the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069: a right-to-left override reverses what follows it in a report), and surrogates that
 * are not part of a pair (not Unicode text at all). Letters, marks and the bidirectional marks LRM, RLM
 * and ALM of every script stay allowed.
 */
const unsafe = /[\p{Cc}\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

const describeChar = (ch: string) =>
  `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first character a name may not hold, as `U+XXXX`, or null when there is none. */
export function unsafeCharacterIn(value: string): string | null {
  const found = unsafe.exec(value);
  return found ? describeChar(found[0]) : null;
}

/**
 * A name given through the API: checked for unsafe characters before it is trimmed (so a leading tab
 * is refused, not silently removed), then trimmed and bounded.
 */
export const nameSchema = (min: number, max: number) =>
  z
    .string()
    .check((ctx) => {
      const found = unsafeCharacterIn(ctx.value);
      if (found) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `must not contain control characters, bidirectional overrides or isolates, or unpaired surrogates (found ${found})`,
        });
      }
    })
    .trim()
    .min(min)
    .max(max);
