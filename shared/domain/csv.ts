/**
 * CSV as spreadsheets write it and read it, through papaparse: RFC 4180 quoting (fields with a
 * delimiter, quote or line break quoted, quotes doubled), CRLF, LF or CR line ends (one kind per file:
 * papaparse picks one, so a file that mixes them has rows run together, which the field count refuses),
 * a leading UTF-8 byte-order mark ignored. What is ours: the delimiters we accept, the header rules of
 * an import, and formula neutralisation on export.
 */
import Papa from 'papaparse';

/**
 * The delimiters a file may use, detected from its first rows: the comma of RFC 4180; the semicolon a
 * spreadsheet writes as "CSV" in locales whose decimal separator is a comma (most of continental Europe
 * and Latin America); the tab of a spreadsheet's "Text (tab delimited)". Not papaparse's other guesses
 * (pipe, ASCII record and unit separators), which no spreadsheet writes.
 */
export const csvDelimiters = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

/**
 * The records of a CSV text and the delimiter they were found to use: of csvDelimiters, the one that
 * splits the first ten rows most evenly into more than one field (papaparse's guess; on a tie, the one
 * that gives more fields). A header row that names several columns settles it. A file of one column has
 * no delimiter to find and is read as one column, with the comma, unless its rows all hold the same
 * number of semicolons or tabs. A blank line is no record. A quoted field left open, or with text after
 * its closing quote, is refused with its row (rows counted after the header, as in the other row
 * errors), rather than read as something the file did not say.
 */
export function readCsv(text: string): { records: string[][]; delimiter: CsvDelimiter } {
  const { data, errors, meta } = Papa.parse<string[]>(text, {
    delimitersToGuess: [...csvDelimiters],
    skipEmptyLines: true,
  });
  const where = (row: number | undefined) => (row ? `in row ${row}` : 'in the header row');
  // "Unable to auto-detect delimiting character" only means that no row has two fields: papaparse then
  // reads one column, with the comma it falls back to, and the header check says what is wrong.
  const invalid = errors.find((e) => e.code === 'InvalidQuotes');
  if (invalid) {
    throw new CsvError(
      `a quoted field ${where(invalid.row)} has text after its closing quote (a quote inside a field is written twice: "")`,
    );
  }
  const open = errors.find((e) => e.code !== 'UndetectableDelimiter');
  if (open) throw new CsvError(`a quoted field ${where(open.row)} is not closed`);
  return { records: data, delimiter: meta.delimiter as CsvDelimiter };
}

/** The records of a CSV text (readCsv without the delimiter). */
export const parseCsv = (text: string): string[][] => readCsv(text).records;

/**
 * CSV text to objects keyed by its header row, which must name exactly the expected columns (in any
 * order; names compared without regard to case or surrounding spaces). A wrong or missing header is
 * refused with the header row as found and the columns expected; a row with more or fewer fields than
 * the header, with its row number.
 */
export function csvToObjects(text: string, expectedColumns: readonly string[]): Record<string, string>[] {
  const {
    records: [header, ...rows],
    delimiter,
  } = readCsv(text);
  if (!header) return [];
  const columns = header.map((c) => c.trim().toLowerCase());
  const missing = expectedColumns.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !expectedColumns.includes(c));
  const twice = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (missing.length || unknown.length || twice.length) {
    const problems = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      unknown.length ? `unknown ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')}` : '',
      twice.length ? `twice ${twice.join(', ')}` : '',
    ].filter(Boolean);
    throw new CsvError(
      `the header row (row 1) is "${header.join(delimiter).slice(0, 200)}" (${problems.join('; ')}); ` +
        `the first row must name the columns ${expectedColumns.join(',')}`,
    );
  }
  return rows.map((row, index) => {
    if (row.length !== columns.length) {
      throw new CsvError(`row ${index + 1} has ${row.length} fields; the header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((c, j) => [c, row[j] as string]));
  });
}

/** What a spreadsheet may take for the start of a formula (OWASP, "CSV Injection"). */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet shows as text: one that begins with `=`, `+`, `-`, `@`, a tab or a carriage
 * return gets a single quote in front (`=1+1` becomes `'=1+1`), as OWASP's CSV injection guidance
 * advises. Every other cell is unchanged. Only exported files are neutralised: the data and the JSON
 * reports keep the value as it was given.
 */
export const neutralizeFormula = (value: string): string => (formulaStart.test(value) ? `'${value}` : value);

/**
 * A spreadsheet-ready CSV document: UTF-8 byte-order mark, header row, CRLF line ends, RFC 4180 quoting
 * (papaparse also quotes a cell with a leading or trailing space, which a spreadsheet would trim), and
 * no cell that a spreadsheet would run as a formula (neutralizeFormula, not papaparse's escapeFormulae:
 * its pattern misses a formula cell with a line break in it, and it quotes every cell it prefixes).
 */
export function formatCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [columns, ...rows].map((r) => r.map(neutralizeFormula));
  return `\uFEFF${Papa.unparse(cells, { newline: '\r\n' })}\r\n`;
}
