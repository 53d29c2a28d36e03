import { describe, expect, it } from 'vitest';
import { canonicalize, NotCanonicalError } from '#domain/record.ts';

/** A double from its IEEE 754 bits, as RFC 8785 Appendix B gives them. */
const fromBits = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('Function: canonicalize (RFC 8785 JCS)', () => {
  // RFC 8785 §3.2.2 (and the JCS author's testdata/input/values.json and output/values.json in
  // github.com/cyberphone/json-canonicalization; found through the code corpus, and in the canon-json
  // crate's testdata on docs.rs). The input is parsed from its JSON text, as a bundle line would be.
  it('writes the RFC 8785 sample object byte for byte', () => {
    // Prepare
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;

    // Act
    const canonical = canonicalize(JSON.parse(input));

    // Assess
    expect(canonical).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
    expect(Buffer.from(canonical).subarray(0, 12).toString('hex')).toBe('7b226c69746572616c73223a');
  });

  // RFC 8785 §3.2.3, sorting by UTF-16 code units (cyberphone testdata input/weird.json, output/weird.json):
  // the smiley (a surrogate pair, D83D DE02) sorts before U+FB33, which it would not by code point.
  it('sorts members by UTF-16 code units, as RFC 8785 §3.2.3 shows', () => {
    // Prepare
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude02': 'Smiley',
      '\u0080': 'Control\u007f',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
      '\n': 'Newline',
      '</script>': 'Browser Challenge',
    };

    // Act
    const canonical = canonicalize(input);

    // Assess
    expect(canonical).toBe(
      '{"\\n":"Newline","\\r":"Carriage Return","1":"One","</script>":"Browser Challenge",' +
        '"\u0080":"Control\u007f","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign",' +
        '"😂":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // RFC 8785 Appendix B, "Number Serialization Samples" (https://www.rfc-editor.org/rfc/rfc8785#appendix-B),
  // found transcribed in several JCS test suites through the code corpus.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double %s as %s (RFC 8785 Appendix B)', (bits, expected) => {
    expect(canonicalize(fromBits(bits))).toBe(expected);
  });

  // Appendix B's non-finite samples (NaN 7fffffffffffffff, Infinity 7ff0000000000000) must be errors.
  it.each([
    ['NaN', fromBits('7fffffffffffffff'), '$'],
    ['Infinity', fromBits('7ff0000000000000'), '$'],
    ['undefined in an object', { a: 1, b: undefined }, '$.b'],
    ['undefined in an array', [1, undefined], '$[1]'],
    ['a hole in an array', new Array(2), '$[0]'],
    ['a Date', { at: new Date(0) }, '$.at'],
    ['a Map', new Map(), '$'],
    ['a bigint', { n: 1n }, '$.n'],
    ['a function', { f: () => 1 }, '$.f'],
    ['a lone surrogate', { s: 'a\ud800b' }, '$.s'],
  ])('refuses %s', (_name, value, path) => {
    expect(() => canonicalize(value)).toThrow(NotCanonicalError);
    expect(() => canonicalize(value)).toThrow(new RegExp(`^${path.replace(/[$[\].]/g, '\\$&')}:`));
  });

  it('refuses a cycle instead of overflowing the stack', () => {
    // Prepare
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;

    // Act and assess
    expect(() => canonicalize(cyclic)).toThrow(/cycle/);
  });

  it('writes no whitespace and keeps array order, at any depth', () => {
    expect(canonicalize({ b: [3, { z: 1, a: [] }], a: { '': null } })).toBe(
      '{"a":{"":null},"b":[3,{"a":[],"z":1}]}',
    );
  });

  it('gives the same text for objects that differ only in member order', () => {
    expect(canonicalize({ x: 1, y: { q: 'é', p: -0 } })).toBe(canonicalize({ y: { p: 0, q: 'é' }, x: 1 }));
  });
});
