import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, csvToObjects, formatCsv, neutralizeFormula, parseCsv, readCsv } from '#domain/csv.ts';

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
        const expected = [['a', 'b'], ...rows.map((r) => r.map(neutralizeFormula))];
        expect(back).toEqual(expected.filter((r) => !(r.length === 1 && r[0] === '')));
      }),
    );
  });

  it('neutralises every cell a spreadsheet would run as a formula, and no other (property)', () => {
    const risky = fc.constantFrom('=', '+', '-', '@', '\t', '\r');
    const cell = fc.oneof(
      fc.string(),
      fc.tuple(risky, fc.string()).map(([c, s]) => c + s),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 10 }), (rows) => {
        const back = parseCsv(formatCsv(['a', 'b', 'c'], rows)).slice(1);
        for (const [i, row] of back.entries()) {
          for (const [j, value] of row.entries()) {
            expect(value).not.toMatch(/^[=+\-@\t\r]/);
            const original = rows[i]?.[j] as string;
            expect(value).toBe(/^[=+\-@\t\r]/.test(original) ? `'${original}` : original);
          }
        }
      }),
    );
  });

  it('writes the neutralised cells as these bytes', () => {
    const text = formatCsv(
      ['name'],
      [['=HYPERLINK("http://x","y")'], ['\t=1+1'], ['@SUM(A1)'], ['-1+2'], ['Ana']],
    );
    expect(Buffer.from(text, 'utf8')).toEqual(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(
          'name\r\n"\'=HYPERLINK(""http://x"",""y"")"\r\n\'\t=1+1\r\n\'@SUM(A1)\r\n\'-1+2\r\nAna\r\n',
          'utf8',
        ),
      ]),
    );
  });

  it('reads a header row into objects and refuses ragged rows and open quotes', () => {
    expect(csvToObjects('name,role\n"A, B",Delegate\n', ['name', 'role'])).toEqual([
      { name: 'A, B', role: 'Delegate' },
    ]);
    expect(() => csvToObjects('a,b\n1\n', ['a', 'b'])).toThrow(CsvError);
    expect(() => csvToObjects('a,b\n1,2\n3\n', ['a', 'b'])).toThrow('row 2 has 1 fields; the header has 2');
    expect(() => parseCsv('"open')).toThrow(CsvError);
    expect(() => parseCsv('a,b\n1,2\n3,"open\n')).toThrow('a quoted field in row 2 is not closed');
    expect(() => parseCsv('a,b\n"1"x,2\n')).toThrow(
      'a quoted field in row 1 has text after its closing quote',
    );
  });

  it.each([
    ['comma', 'name,role\r\n"A, B",Delegate\r\n', ','],
    ['semicolon (a spreadsheet in a European locale)', 'name;role\r\nA, B;Delegate\r\n', ';'],
    ["tab (a spreadsheet's tab-delimited text)", 'name\trole\nA, B\tDelegate\n', '\t'],
    ['comma, with semicolons inside the fields', 'name,role\nA; B,Delegate\nC; D,Speaker\n', ','],
  ])('detects the %s delimiter and reads the same records', (_, text, delimiter) => {
    // Act
    const { records, delimiter: found } = readCsv(text);

    // Assess
    expect(found).toBe(delimiter);
    expect(records[0]).toEqual(['name', 'role']);
    expect(records[1]?.[1]).toBe('Delegate');
    expect(csvToObjects(text, ['name', 'role'])[0]).toMatchObject({ role: 'Delegate' });
  });

  it('names a semicolon-separated header as it was found, and the expected columns', () => {
    expect(() => csvToObjects('name;e-mail\nAna;a@example.org\n', ['name', 'email'])).toThrow(
      'the header row (row 1) is "name;e-mail" (missing email; unknown "e-mail"); the first row must name the columns name,email',
    );
  });
});
