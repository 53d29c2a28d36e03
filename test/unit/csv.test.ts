import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, csvToObjects, formatCsv, parseCsv } from '#domain/csv.ts';

describe('Module: csv', () => {
  it('round-trips any fields, commas, quotes, line breaks and scripts included (property)', () => {
    const field = fc.oneof(
      fc.string(),
      fc.constantFrom('Al-Sayed, Fatima', '王伟', 'Иван "Ваня" Петров', 'محمد', 'line\r\nbreak', ''),
    );
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 2 }), { maxLength: 10 }), (rows) => {
        const text = formatCsv(['a', 'b'], rows);
        expect(text.startsWith('\uFEFF')).toBe(true);
        const back = parseCsv(text);
        const expected = [['a', 'b'], ...rows];
        expect(back).toEqual(expected.filter((r) => !(r.length === 1 && r[0] === '')));
      }),
    );
  });

  it('reads a header row into objects and refuses ragged rows and open quotes', () => {
    expect(csvToObjects('name,role\n"A, B",Delegate\n')).toEqual([{ name: 'A, B', role: 'Delegate' }]);
    expect(() => csvToObjects('a,b\n1\n')).toThrow(CsvError);
    expect(() => parseCsv('"open')).toThrow(CsvError);
  });
});
