import { describe, expect, it } from 'vitest';
import { errorCodes } from '#domain/errors.ts';
import { en } from '../../console/src/i18n/en.ts';
import { fr } from '../../console/src/i18n/fr.ts';

describe('Console: dictionaries', () => {
  it('has the same keys in English and French', () => {
    // Assess
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('translates every error code the API can answer, in both languages', () => {
    // Prepare
    const keys = errorCodes.map((code) => `error.${code}`);
    // Assess
    for (const key of keys) {
      expect(en, key).toHaveProperty([key]);
      expect(fr, key).toHaveProperty([key]);
    }
  });

  it('leaves no string empty, and keeps the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(en)) {
      const french = fr[key as keyof typeof fr] ?? '';
      expect(text.trim(), key).not.toBe('');
      expect(french.trim(), key).not.toBe('');
      expect(placeholders(french), key).toEqual(placeholders(text));
    }
  });
});
