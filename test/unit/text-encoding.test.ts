import { describe, expect, it } from 'vitest';
import { decodeText, TextEncodingError } from '#domain/text-encoding.ts';

describe('Function: decodeText', () => {
  it('reads UTF-8 with and without a byte-order mark, dropping the mark', () => {
    const text = 'name\r\nZoë Šimić, 王伟, محمد';
    expect(decodeText(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.from(`\uFEFF${text}`, 'utf8'))).toEqual({ text, encoding: 'utf-8' });
  });

  it('converts Windows-1252, the code page’s 0x80–0x9F included', () => {
    const bytes = Buffer.from([
      0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x80, 0x20, 0x9c, 0x20, 0x8a, 0x20, 0x93, 0x94,
    ]);
    expect(decodeText(bytes)).toEqual({ text: 'Müller € œ Š “”', encoding: 'windows-1252' });
  });

  it('refuses UTF-16 and a UTF-8 byte-order mark followed by other bytes, saying what to do', () => {
    expect(() => decodeText(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toThrow(TextEncodingError);
    expect(() => decodeText(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toThrow(/CSV UTF-8/);
    expect(() => decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x4d, 0xfc]))).toThrow(/not UTF-8/);
  });
});
