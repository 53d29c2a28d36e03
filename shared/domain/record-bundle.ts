/**
 * Reading a record bundle (docs/record.md): the archive `GET /record/export` gives, or the directory it
 * was unpacked to, into what verifyRecord takes, and the reports beside it. Shared by `verify` and the
 * tests.
 */
import { readEntry, type SignedCheckpoint } from './record.ts';
import { REPORTS_DIR, REPORTS_MANIFEST } from './record-reports.ts';
import type { LocatedEntry, RecordBundle } from './record-verify.ts';
import { readTar } from './tar.ts';

export const bundleFileNames = ['entries.jsonl', 'checkpoints.jsonl', 'public-key.pem'] as const;
export type BundleTexts = Record<(typeof bundleFileNames)[number], string>;

/** A bundle that cannot be read as one: `unreadable` (not an archive, a file missing) or `altered`. */
export class BundleError extends Error {
  constructor(
    readonly kind: 'unreadable' | 'altered',
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

/**
 * The bundle's reports (docs/record.md, "Reports"): the files of `reports/` beside entries.jsonl, as
 * bytes (they are compared byte for byte), by their name in reports/; the manifest apart. Null when the
 * bundle has no reports/ (an export made before there were reports, or a directory without them).
 */
export interface BundleReports {
  manifest: Uint8Array | null;
  files: Map<string, Uint8Array>;
}

/** Sorts a bundle's report files into its manifest and its reports; null when there are none. */
export function bundleReports(files: readonly { name: string; bytes: Uint8Array }[]): BundleReports | null {
  if (files.length === 0) return null;
  const reports: BundleReports = { manifest: null, files: new Map() };
  for (const f of files) {
    if (f.name === REPORTS_MANIFEST) reports.manifest = f.bytes;
    else reports.files.set(f.name, f.bytes);
  }
  return reports;
}

/** The three files of a bundle archive, at its top or in its one directory, and its reports beside them. */
export function bundleFromTar(bytes: Uint8Array): { texts: BundleTexts; reports: BundleReports | null } {
  let members: ReturnType<typeof readTar>;
  try {
    members = readTar(bytes);
  } catch (error) {
    throw new BundleError('unreadable', `not a bundle archive (tar): ${(error as Error).message}`);
  }
  const texts = {} as BundleTexts;
  for (const name of bundleFileNames) {
    const found = members.filter((m) => m.name === name || m.name.endsWith(`/${name}`));
    if (found.length !== 1) {
      throw new BundleError(
        'unreadable',
        `the archive holds ${found.length === 0 ? 'no' : 'more than one'} ${name}`,
      );
    }
    texts[name] = new TextDecoder().decode(found[0]?.bytes);
  }
  const entries = members.find((m) => m.name === 'entries.jsonl' || m.name.endsWith('/entries.jsonl'));
  const dir = `${entries?.name.slice(0, -'entries.jsonl'.length)}${REPORTS_DIR}/`;
  const reports = members
    .filter((m) => m.name.startsWith(dir) && !m.name.slice(dir.length).includes('/'))
    .map((m) => ({ name: m.name.slice(dir.length), bytes: m.bytes }));
  return { texts, reports: bundleReports(reports) };
}

/** The three files of a bundle archive, at its top or in its one directory. */
export const bundleTextsFromTar = (bytes: Uint8Array): BundleTexts => bundleFromTar(bytes).texts;

/** Non-empty lines with their 1-based numbers, parsed as JSON; a line that is not JSON is an alteration. */
function jsonLines(file: string, text: string): { value: unknown; line: number }[] {
  const out: { value: unknown; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ value: JSON.parse(raw), line: i + 1 });
    } catch {
      throw new BundleError('altered', `${file} line ${i + 1} is not JSON: the record was altered`);
    }
  });
  return out;
}

/** The bundle's files parsed; a line that is not an entry or a signed checkpoint is an alteration. */
export function parseBundle(texts: BundleTexts): RecordBundle {
  const entries: LocatedEntry[] = jsonLines('entries.jsonl', texts['entries.jsonl']).map(
    ({ value, line }) => {
      const entry = readEntry(value);
      if (typeof entry === 'string')
        throw new BundleError('altered', `entries.jsonl line ${line} is not an entry: ${entry}`);
      return { entry, line };
    },
  );
  const checkpoints = jsonLines('checkpoints.jsonl', texts['checkpoints.jsonl']).map(({ value, line }) => {
    const c = value as Partial<SignedCheckpoint> | null;
    if (typeof c?.note !== 'string' || typeof c.signature !== 'string') {
      throw new BundleError('altered', `checkpoints.jsonl line ${line} is not a signed checkpoint`);
    }
    return { checkpoint: { note: c.note, signature: c.signature }, line };
  });
  return { entries, checkpoints, publicKeyPem: texts['public-key.pem'] };
}
