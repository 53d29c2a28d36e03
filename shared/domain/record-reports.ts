/**
 * The reports a record bundle carries (docs/record.md, "Reports"): `reports/<name>.csv`, recomputed from
 * the bundle's entries, and `reports/manifest.json` saying at which instant and which files. The export
 * writes them; `verify` recomputes them from the entries and compares the two byte for byte. Pure.
 */

/** The bundle's directory of reports, beside entries.jsonl. */
export const REPORTS_DIR = 'reports';
export const REPORTS_MANIFEST = 'manifest.json';

/** One report: its file name in reports/ (the name the API gives its download) and its text. */
export interface ReportFile {
  name: string;
  text: string;
}

/** reports/manifest.json: the instant the reports are as of, and their files in the order written. */
export interface ReportsManifest {
  asOf: string;
  files: string[];
  /** Why the export holds no reports (its entries could not be replayed); absent when it holds them. */
  omitted?: string;
}

const encoder = new TextEncoder();
/** Keeps a byte-order mark (the CSVs start with one), so that it is compared like any other byte. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export const manifestText = (asOf: Date, files: readonly ReportFile[], omitted?: string): string =>
  `${JSON.stringify({ asOf: asOf.toISOString(), files: files.map((f) => f.name), ...(omitted ? { omitted } : {}) }, null, 2)}\n`;

/** A report's file name: one path segment, no dot file (it travels inside an archive). */
const fileName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The manifest, or why it is not one. */
export function readManifest(bytes: Uint8Array): ReportsManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return `${REPORTS_DIR}/${REPORTS_MANIFEST} is not JSON`;
  }
  const m = value as Partial<ReportsManifest> | null;
  const asOf = typeof m?.asOf === 'string' ? Date.parse(m.asOf) : Number.NaN;
  if (Number.isNaN(asOf) || new Date(asOf).toISOString() !== m?.asOf) {
    return `${REPORTS_DIR}/${REPORTS_MANIFEST} has no asOf instant (ISO 8601 UTC, as toISOString writes it)`;
  }
  if (!Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string' && fileName.test(f))) {
    return `${REPORTS_DIR}/${REPORTS_MANIFEST} has no list of report files`;
  }
  if (m.omitted !== undefined && typeof m.omitted !== 'string') {
    return `${REPORTS_DIR}/${REPORTS_MANIFEST} says the reports were omitted, but not why`;
  }
  return { asOf: m.asOf, files: m.files, ...(m.omitted !== undefined ? { omitted: m.omitted } : {}) };
}

/**
 * A line as printed in a message: quoted, cut at 160 characters, with what cannot be seen escaped (a CR,
 * a byte-order mark).
 */
const shown = (line: string | undefined) =>
  line === undefined
    ? '(no such line)'
    : JSON.stringify(line.length > 160 ? `${line.slice(0, 160)}…` : line).replace(/\uFEFF/g, '\\uFEFF');

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Where two texts first differ: the 1-based line and each side's line, shown without the CR of a CRLF
 * line end unless that CR is the difference.
 */
function firstDifference(bundled: string, recomputed: string) {
  const a = bundled.split('\n');
  const b = recomputed.split('\n');
  const bare = (line: string | undefined) => line?.replace(/\r$/, '');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const crOnly = bare(a[i]) === bare(b[i]);
    return {
      line: i + 1,
      bundled: crOnly ? a[i] : bare(a[i]),
      recomputed: crOnly ? b[i] : bare(b[i]),
    };
  }
  return null;
}

/** A report of the bundle that is not what the entries give, in a sentence naming the file. */
export interface ReportMismatch {
  file: string;
  message: string;
}

/**
 * The bundle's reports against those recomputed from its entries: every file byte for byte, and the
 * manifest's list against both. Empty when everything matches.
 */
export function compareReports(
  bundled: { manifest: ReportsManifest; files: ReadonlyMap<string, Uint8Array> },
  recomputed: readonly ReportFile[],
): ReportMismatch[] {
  const out: ReportMismatch[] = [];
  const path = (name: string) => `${REPORTS_DIR}/${name}`;
  const names = new Set(recomputed.map((r) => r.name));
  for (const report of recomputed) {
    const file = path(report.name);
    const bytes = bundled.files.get(report.name);
    if (!bytes) {
      out.push({ file, message: `${file} is missing from the bundle; the entries give it` });
      continue;
    }
    if (sameBytes(bytes, encoder.encode(report.text))) continue;
    const at = firstDifference(decoder.decode(bytes), report.text);
    out.push({
      file,
      message: at
        ? `${file} line ${at.line} differs from what the entries give: the bundle has ${shown(at.bundled)}, the entries give ${shown(at.recomputed)}`
        : `${file} differs from what the entries give (in its encoding, not in its text)`,
    });
  }
  for (const name of [...bundled.files.keys()].sort()) {
    if (!names.has(name)) {
      out.push({
        file: path(name),
        message: `${path(name)} is in the bundle, but the entries give no such report`,
      });
    }
  }
  const listed = new Set(bundled.manifest.files);
  for (const name of [...listed].filter((n) => !bundled.files.has(n))) {
    out.push({
      file: path(REPORTS_MANIFEST),
      message: `${path(REPORTS_MANIFEST)} lists ${name}, which is not in the bundle`,
    });
  }
  for (const name of [...bundled.files.keys()].filter((n) => !listed.has(n)).sort()) {
    out.push({
      file: path(REPORTS_MANIFEST),
      message: `${path(REPORTS_MANIFEST)} does not list ${path(name)}`,
    });
  }
  return out;
}
