/**
 * The record bundle's archive: POSIX ustar (the format every `tar` reads, `tar -xf bundle.tar`), regular
 * files only. Written and read here so that the auditor's one-file `verify` needs nothing beyond Node.
 */

export interface TarFile {
  /**
   * A relative path, `/`-separated: at most 100 bytes, or one that splits at a `/` into a prefix of at
   * most 155 bytes and a name of at most 100 (ustar's prefix field).
   */
  name: string;
  bytes: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A numeric field: octal, zero-padded, ending in NUL (ustar). */
function octal(value: number, width: number): Uint8Array {
  const text = value.toString(8).padStart(width - 1, '0');
  if (text.length > width - 1) throw new RangeError(`${value} does not fit a ${width}-byte tar field`);
  return encoder.encode(`${text}\0`);
}

/** A member's path as ustar's name and prefix fields: the name alone when it fits, else split at a `/`. */
function nameFields(path: string): { name: Uint8Array; prefix: Uint8Array } | null {
  const whole = encoder.encode(path);
  if (whole.length <= 100) return { name: whole, prefix: new Uint8Array(0) };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = encoder.encode(path.slice(0, i));
    const name = encoder.encode(path.slice(i + 1));
    if (prefix.length <= 155 && name.length > 0 && name.length <= 100) return { name, prefix };
  }
  return null;
}

function header(name: string, size: number, mtime: number): Uint8Array {
  const fields = nameFields(name);
  if (!fields || name.length === 0 || name.startsWith('/') || name.split('/').includes('..')) {
    throw new RangeError(`not a tar member name: ${name}`);
  }
  const h = new Uint8Array(BLOCK);
  h.set(fields.name, 0);
  h.set(fields.prefix, 345);
  h.set(octal(0o644, 8), 100); // mode
  h.set(octal(0, 8), 108); // uid
  h.set(octal(0, 8), 116); // gid
  h.set(octal(size, 12), 124);
  h.set(octal(mtime, 12), 136);
  h.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  h[156] = 0x30; // '0': a regular file
  h.set(encoder.encode('ustar\0'), 257);
  h.set(encoder.encode('00'), 263);
  const sum = h.reduce((a, b) => a + b, 0);
  h.set(encoder.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  return h;
}

/** An archive of `files`, each stamped with `mtime` (seconds since the epoch). */
export function writeTar(files: readonly TarFile[], mtime: number): Uint8Array {
  const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;
  const total = files.reduce((sum, f) => sum + BLOCK + padded(f.bytes.length), 0) + 2 * BLOCK;
  const out = new Uint8Array(total);
  let at = 0;
  for (const f of files) {
    out.set(header(f.name, f.bytes.length, Math.floor(mtime)), at);
    out.set(f.bytes, at + BLOCK);
    at += BLOCK + padded(f.bytes.length);
  }
  return out; // the two zero blocks that end an archive are already zeros
}

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

/** The regular files of a ustar archive (directories and other members are skipped). */
export function readTar(bytes: Uint8Array): TarFile[] {
  const files: TarFile[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    const field = (from: number, width: number) => {
      const raw = h.subarray(from, from + width);
      const end = raw.indexOf(0);
      return decoder.decode(end === -1 ? raw : raw.subarray(0, end));
    };
    const stored = Number.parseInt(field(148, 8).trim(), 8);
    const copy = Uint8Array.from(h);
    copy.fill(0x20, 148, 156);
    if (copy.reduce((a, b) => a + b, 0) !== stored)
      throw new TarFormatError(`bad header checksum at byte ${at}`);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const prefix = field(257, 6).startsWith('ustar') ? field(345, 155) : '';
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const type = String.fromCharCode(h[156] ?? 0x30);
    const start = at + BLOCK;
    if (start + size > bytes.length) throw new TarFormatError(`${name} is cut short`);
    if (type === '0' || type === '\0') files.push({ name, bytes: bytes.slice(start, start + size) });
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
