/**
 * The text of an uploaded file, whatever a spreadsheet saved it as: UTF-8 with or without a byte-order
 * mark, or Windows-1252 (the "CSV" of a spreadsheet in Western European locales), which is converted.
 * Bytes that are not UTF-8 are taken as Windows-1252, where every byte but five unassigned ones maps to
 * a character, so a cp1252 "Müller" stays "Müller". UTF-16 (a spreadsheet's "Unicode text") is refused
 * with the way out, because it comes tab-separated.
 */
export type TextEncodingName = 'utf-8' | 'windows-1252';

export class TextEncodingError extends Error {
  override readonly name = 'TextEncodingError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Windows-1252's bytes 0x80–0x9F (WHATWG's table: the five unassigned bytes keep their C1 code point).
 * The rest of the code page is Latin-1. Written out rather than taken from `new TextDecoder('windows-1252')`,
 * which Node 20 decodes as Latin-1, turning "€" and "œ" into C1 control characters.
 */
// biome-ignore format: one row per 8 bytes
const cp1252High = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

const utf16 = new TextDecoder('utf-16le');

function decodeCp1252(bytes: Uint8Array): string {
  // Every Windows-1252 character is one UTF-16 code unit.
  const units = new Uint16Array(bytes.length);
  bytes.forEach((byte, i) => {
    units[i] = byte >= 0x80 && byte < 0xa0 ? (cp1252High[byte - 0x80] as number) : byte;
  });
  return utf16.decode(units);
}

export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncodingName } {
  const [a, b, c] = bytes;
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
    throw new TextEncodingError(
      'the file is UTF-16 ("Unicode text"); save it as "CSV UTF-8 (comma delimited)" and send it again',
    );
  }
  const hasBom = a === 0xef && b === 0xbb && c === 0xbf;
  try {
    // The fatal decoder drops a leading byte-order mark and throws on any byte sequence that is not UTF-8.
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    if (hasBom) {
      throw new TextEncodingError(
        'the file starts as UTF-8 (byte-order mark) but holds bytes that are not UTF-8',
      );
    }
    return { text: decodeCp1252(bytes), encoding: 'windows-1252' };
  }
}
