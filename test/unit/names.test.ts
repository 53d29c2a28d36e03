import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newOrganizationSchema } from '#domain/delegations.ts';
import { nameSchema, unsafeCharacterIn } from '#domain/names.ts';
import { participantImportRowSchema, participantUpdateSchema } from '#domain/participants.ts';

const personName = nameSchema(1, 200);

describe('Module: names', () => {
  it.each([
    ['Arabic', 'محمد بن سلمان'],
    ['Arabic with a right-to-left mark', 'عبد الله\u200F'],
    ['Chinese', '王伟'],
    ['Cyrillic', 'Иван Петров'],
    ['Latin with diacritics', 'Seán O’Brien-Müller'],
    ['Devanagari', 'प्रिया शर्मा'],
    ['an emoji (a surrogate pair)', 'Ana 🌍'],
    ['a leading formula character (neutralised on export, not refused)', '=1+1'],
  ])('accepts a name in %s', (_, name) => {
    expect(personName.parse(name)).toBe(name);
  });

  it.each([
    ['NUL', 'Ana\u0000'],
    ['a tab at the start (not trimmed away)', '\t=1+1'],
    ['a line feed', 'Ana\nSouza'],
    ['an ANSI escape', '\u001b[31mRed'],
    ['DEL', 'Ana\u007f'],
    ['a C1 control (CSI)', 'Ana\u009b31m'],
    ['a right-to-left override', 'Ana\u202Egpj.exe'],
    ['a left-to-right embedding', '\u202AAna'],
    ['a first-strong isolate', 'Ana\u2068x\u2069'],
    ['a lone high surrogate', 'Ana\uD800'],
    ['a lone low surrogate', '\uDC00Ana'],
  ])('refuses a name with %s, naming the character', (_, name) => {
    const result = personName.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(
      /must not contain control characters.*\(found U\+[0-9A-F]{4}\)/,
    );
  });

  it('refuses any name with a forbidden character, wherever it is (property)', () => {
    const forbidden = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
      fc.integer({ min: 0x202a, max: 0x202e }),
      fc.integer({ min: 0x2066, max: 0x2069 }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );
    fc.assert(
      fc.property(fc.string(), forbidden, fc.string(), (before, code, after) => {
        // A lone surrogate only stays lone if its neighbours do not pair with it.
        const name = `${before}x${String.fromCharCode(code)}x${after}`;
        expect(unsafeCharacterIn(name)).not.toBeNull();
        expect(personName.safeParse(name).success).toBe(false);
      }),
    );
  });

  it('is applied to imported, updated and organization names', () => {
    const row = { email: 'a@example.org', delegation: 'FRA', role: 'Delegate' };
    expect(participantImportRowSchema.safeParse({ ...row, name: 'A\u202EB' }).success).toBe(false);
    expect(participantUpdateSchema.safeParse({ name: 'A\u0000' }).success).toBe(false);
    expect(
      newOrganizationSchema.safeParse({ code: 'ORG', name: 'Org\u2066', category: 'CivilSociety' }).success,
    ).toBe(false);
    expect(participantImportRowSchema.safeParse({ ...row, name: 'محمد' }).success).toBe(true);
  });
});
