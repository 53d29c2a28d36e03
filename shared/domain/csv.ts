/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF (LF accepted on input), fields with a
 * comma, quote or line break quoted, quotes doubled. A leading UTF-8 byte-order mark is ignored.
 */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      if (ch === '\r' && input[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new CsvError('a quoted field is not closed');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  // A blank line is no record.
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

/**
 * CSV text to objects keyed by its header row, which must name exactly the expected columns (in any
 * order; names compared without regard to case or surrounding spaces). A wrong or missing header, or a
 * file separated by semicolons, is refused with the header row as found and the columns expected.
 */
export function csvToObjects(text: string, expectedColumns: readonly string[]): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const columns = header.map((c) => c.trim().toLowerCase());
  const expected = expectedColumns.join(',');
  const found = header.join(',').slice(0, 200);
  if (columns.length === 1 && (columns[0] ?? '').includes(';')) {
    throw new CsvError(
      `the header row (row 1) is "${found}": the file is separated by semicolons. Save it as comma-separated CSV ` +
        `(in a spreadsheet: "CSV UTF-8 (comma delimited)"), with the header row ${expected}`,
    );
  }
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
      `the header row (row 1) is "${found}" (${problems.join('; ')}); the first row must name the columns ${expected}`,
    );
  }
  return rows.map((row, index) => {
    if (row.length !== columns.length) {
      throw new CsvError(`row ${index + 1} has ${row.length} fields; the header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((c, j) => [c, row[j] as string]));
  });
}

const needsQuotes = /[",\r\n]/;
export const csvField = (value: string): string =>
  needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

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
 * A spreadsheet-ready CSV document: UTF-8 byte-order mark, header row, CRLF line ends, RFC 4180 quoting,
 * and no cell that a spreadsheet would run as a formula (neutralizeFormula).
 */
export function formatCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (r: readonly string[]) => r.map((v) => csvField(neutralizeFormula(v))).join(',');
  return `\uFEFF${[columns, ...rows].map(line).join('\r\n')}\r\n`;
}
