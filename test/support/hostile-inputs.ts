import fc from 'fast-check';

/**
 * What a hostile or careless caller sends, as fast-check arbitraries: path segments, query strings,
 * bodies and content types, built around a route's well-formed request (its seed). `live` holds real
 * values of the event by the name of the parameter or field that takes them (rooms, delegations,
 * participant ids, emails), so that some requests reach the domain's own refusals; it may be filled
 * after this is called, before the arbitraries are sampled.
 */
export function hostileInputs(live: Record<string, string[]>) {
  const unreserved = /[A-Za-z0-9\-._~]/;
  /** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD), keeping unreserved ones. */
  const encode = (value: string | Uint8Array) =>
    [...(typeof value === 'string' ? Buffer.from(value, 'utf8') : value)]
      .map((b) =>
        unreserved.test(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');

  /** Segments sent as they are: malformed escapes, overlong and invalid UTF-8, dots, separators. */
  const rawSegments = [
    '%',
    '%Z',
    '%ZZ',
    '%E0%A4%A',
    '%ED%A0%80', // a UTF-16 surrogate, encoded as UTF-8 would not
    '%C0%AF', // an overlong '/'
    '%FF',
    '%00',
    '%0A',
    '%2F',
    '%2e%2e',
    '..',
    '.',
    '%20',
    '%23',
    '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    '__proto__',
    'constructor',
    'x'.repeat(4000),
    `p_${'0'.repeat(20)}`, // a participant id of the right shape that nobody has
    'session-99', // a room id of the right shape that is not in the programme
    'ZZZ',
    'zz-top',
  ];
  const controlAndScripts = fc.constantFrom(
    '\u0000',
    '\t=1+1',
    'a\u202Eb',
    '\u001b[31m',
    '\ud800',
    'Ünïcødé',
    'مرحبا',
    '日本語',
    '😀',
    ' ',
    '',
  );
  const anyText = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    controlAndScripts,
    fc.constantFrom('x'.repeat(3000), 'é'.repeat(400)),
  );

  /** Real values for a name, so that requests reach the domain's own refusals (a seat taken, a room closed). */
  const liveFor = (name: string): fc.Arbitrary<string>[] =>
    live[name]?.length ? [fc.constantFrom(...(live[name] as string[]))] : [];

  const pathValue = (name: string, valid: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(valid) },
      ...liveFor(name).map((arbitrary) => ({ weight: 2, arbitrary })),
      { weight: 1, arbitrary: fc.constant(valid.toUpperCase()) },
      { weight: 3, arbitrary: fc.constantFrom(...rawSegments) },
      { weight: 2, arbitrary: anyText.filter((s) => s !== '').map(encode) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map(encode) },
    );

  const numberish = fc.constantFrom(
    '0',
    '-1',
    '1.5',
    '1e309',
    '99999999999999999999999',
    'NaN',
    'Infinity',
    '0x10',
    '',
    ' 5',
    '5abc',
  );
  const instants = fc.constantFrom(
    '2021-06-28T00:00:00Z',
    '2021-02-31T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59-23:59',
    '2021-06-28T00:00:00.123456789+14:00',
    'yesterday',
    '2021-06-28',
  );
  const enumsAndIds = fc.constantFrom(
    'json',
    'csv',
    'CSV',
    'MemberState',
    'memberstate',
    'allowed',
    'FRA',
    'fra',
    'session-1',
    `p_${'0'.repeat(20)}`,
    'e30',
    '!!!',
  );
  const queryValue = fc.oneof(numberish, instants, enumsAndIds, anyText);
  const queryKey = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'limit',
        'cursor',
        'category',
        'delegation',
        'format',
        'sessionId',
        'participantId',
        'outcome',
        'from',
        'to',
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const rawQueryParts = fc.constantFrom(
    '%ZZ',
    'limit=%',
    'limit=%ZZ',
    'a',
    '=',
    '&&',
    'limit',
    'from=%E0%A4%A',
  );

  const queryString = (seed: Record<string, string> | undefined) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(new URLSearchParams(seed ?? {}).toString()) },
      {
        weight: 5,
        arbitrary: fc
          .array(
            fc.oneof(
              {
                weight: 5,
                arbitrary: fc.tuple(queryKey, queryValue).map(([k, v]) => `${encode(k)}=${encode(v)}`),
              },
              { weight: 1, arbitrary: rawQueryParts },
            ),
            { maxLength: 5 },
          )
          .map((parts) => [new URLSearchParams(seed ?? {}).toString(), ...parts].filter(Boolean).join('&')),
      },
    );

  const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      null,
      true,
      0,
      -1,
      1e308,
      -0,
      2 ** 53 + 1,
      '',
      'x'.repeat(10_000),
      [],
      {},
      [{}],
      { __proto__: null },
      'p_00000000000000000000',
      'HeadOfDelegation',
      'UNEntity',
      'in',
      `${'a'.repeat(250)}@example.org`,
    ),
    instants,
    anyText,
  );

  /** Bodies as raw text: broken JSON, numbers JSON cannot hold, deep nesting, CSV of every sort. */
  const rawTexts = [
    '',
    ' ',
    '{',
    '[',
    'null',
    '"x"',
    '1e400',
    '{"participantId":1e400}',
    '{"end":1e400}',
    '[1e400]',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{}}}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    `{"a":"${'x'.repeat(70 * 1024)}"}`, // over the 64 KiB limit
    '\uFEFF{"participantId":"p_00000000000000000000"}',
    'name,email,delegation,role\n',
    'name,email,delegation,role\nA,a@example.org,FRA,Delegate,extra\n',
    'name;email;delegation;role\nA;a@example.org;FRA;Delegate\n',
    '"unclosed\n',
    'participantId=p_00000000000000000000&direction=in',
  ];
  const rawBytes = [
    Buffer.from([0xff, 0xfe, 0x6e, 0x00, 0x61, 0x00]), // UTF-16LE with a byte-order mark
    Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), // {"?(":1} with invalid UTF-8
    Buffer.from('name,email,delegation,role\nM\xfcller,m@example.org,DEU,Delegate\n', 'latin1'),
  ];

  /** Hostile values of the seed value's kind first (instants for an instant), then any. */
  const hostileLike = (key: string, value: unknown): fc.Arbitrary<unknown> =>
    typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)
      ? fc.oneof({ weight: 3, arbitrary: instants }, { weight: 1, arbitrary: hostileJson })
      : fc.oneof(...liveFor(key).map((arbitrary) => ({ weight: 2, arbitrary })), {
          weight: 1,
          arbitrary: hostileJson,
        });

  /** Text that is nearly CSV: a header (sometimes the right one), rows of random cells, odd quotes and line ends. */
  const csvLike = fc
    .tuple(
      fc.constantFrom(
        'name,email,delegation,role',
        'NAME,Email,role,delegation',
        'name,email',
        '\uFEFFname,email,delegation,role',
        '',
      ),
      fc.array(
        fc.array(
          fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', '""', '"a,b"', 'FRA', 'Delegate')),
          { maxLength: 5 },
        ),
        {
          maxLength: 4,
        },
      ),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(([header, rows, eol]) => [header, ...rows.map((r) => r.join(','))].join(eol));

  /** A JSON body close to the seed: one field given a hostile value, removed, or added. */
  const mutatedBody = (seed: unknown): fc.Arbitrary<unknown> => {
    if (Array.isArray(seed))
      return fc.oneof(
        mutatedBody(seed[0]).map((row) => [row]),
        fc.constant([...seed, ...seed]),
        fc.constant(Array.from({ length: 5001 }, () => seed[0])),
      );
    if (!seed || typeof seed !== 'object') return hostileJson;
    const keys = Object.keys(seed);
    return fc.oneof(
      fc
        .constantFrom(...keys)
        .chain((k) => hostileLike(k, (seed as Record<string, unknown>)[k]).map((v) => ({ ...seed, [k]: v }))),
      fc
        .constantFrom(...keys)
        .map((k) => Object.fromEntries(Object.entries(seed).filter(([key]) => key !== k))),
      fc.tuple(fc.string({ maxLength: 10 }), hostileJson).map(([k, v]) => ({ ...seed, [k]: v })),
      fc.constant([seed]),
    );
  };

  const contentTypes = fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/json; charset=utf-16',
    'application/vnd.api+json',
    'text/csv',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
  );

  const bodyOf = (seed: unknown) =>
    fc.oneof(
      {
        weight: 2,
        arbitrary: fc.constant(seed === undefined ? undefined : Buffer.from(JSON.stringify(seed))),
      },
      {
        weight: 3,
        arbitrary: (seed === undefined ? hostileJson : mutatedBody(seed)).map((v) =>
          Buffer.from(JSON.stringify(v) ?? ''),
        ),
      },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v))) },
      { weight: 2, arbitrary: fc.constantFrom(...rawTexts).map((t) => Buffer.from(t)) },
      { weight: 1, arbitrary: fc.constantFrom(...rawBytes) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
      { weight: 1, arbitrary: csvLike.map((t) => Buffer.from(t)) },
    );

  return { encode, pathValue, queryString, bodyOf, contentTypes, instants };
}
