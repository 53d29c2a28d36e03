/**
 * Reading a record bundle (docs/record.md): the archive `GET /record/export` gives, or the directory it
 * was unpacked to, into what verifyRecord takes. Shared by `verify` and the tests.
 */
import { readEntry, type SignedCheckpoint } from './record.ts';
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

/** The three files of a bundle archive, at its top or in its one directory. */
export function bundleTextsFromTar(bytes: Uint8Array): BundleTexts {
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
  return texts;
}

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
