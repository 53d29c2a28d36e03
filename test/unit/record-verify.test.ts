import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendEntry,
  checkpointHash,
  checkpointNote,
  entryHash,
  GENESIS,
  keyFingerprint,
  merkleRoot,
  nextCheckpoint,
  parseCheckpointNote,
  type RecordEntry,
  signCheckpoint,
  verifyChain,
} from '#domain/record.ts';
import { type RecordBundle, verifyRecord } from '#domain/record-verify.ts';
import { buildRecord, createSigningKey, type RecordFixture } from '../support/record-fixture.ts';

// The fixture: shards audit.0, floor.session-1, ledger.session-1, one entry each per round, round-major
// in the file; checkpoints 0, 1, 2 after rounds 4, 8, 12 (each shard at size 4, 8, 12); two rounds after.
const fixture = buildRecord();
const shard = 'ledger.session-1';
const lineOf = (seq: number) => seq * 3 + 3; // the ledger shard is third in each round
const cp = (index: number) => ({ index, time: parseCheckpointNote(fixture.checkpoints[index]!.note).time });

/** The bundle as verify reads it, with the line each entry sits on. */
const bundleOf = (record: Pick<RecordFixture, 'entries' | 'checkpoints' | 'publicKeyPem'>): RecordBundle => ({
  entries: record.entries.map((entry, i) => ({ entry, line: i + 1 })),
  checkpoints: record.checkpoints.map((checkpoint, i) => ({ checkpoint, line: i + 1 })),
  publicKeyPem: record.publicKeyPem,
});

/** The fixture with its entries changed by `edit` (given a copy). */
const tampered = (edit: (entries: RecordEntry[]) => RecordEntry[]) =>
  verifyRecord(
    bundleOf({ ...fixture, entries: edit(structuredClone(fixture.entries)) }),
    fixture.fingerprint,
  );

const indexOf = (entries: RecordEntry[], seq: number, inShard = shard) =>
  entries.findIndex((e) => e.shard === inShard && e.seq === seq);

describe('Function: appendEntry', () => {
  it('starts a shard from GENESIS and chains each entry to the one before', () => {
    // Act
    const first = appendEntry(null, {
      shard: 'audit.0',
      kind: 'audit',
      at: '2021-06-28T14:00:00Z',
      body: { a: 1 },
    });
    const second = appendEntry(first, {
      shard: 'audit.0',
      kind: 'audit',
      at: '2021-06-28T14:00:01Z',
      body: {},
    });

    // Assess
    expect(first).toMatchObject({ seq: 0, prev: GENESIS });
    expect(second).toMatchObject({ seq: 1, prev: first.hash });
    expect(first.hash).toBe(
      createHash('sha256')
        .update(
          `{"at":"2021-06-28T14:00:00Z","body":{"a":1},"kind":"audit","prev":"${GENESIS}","seq":0,"shard":"audit.0"}`,
        )
        .digest('hex'),
    );
    expect(verifyChain([first, second])).toBeNull();
  });

  it('refuses to continue another shard’s head, a bad shard name or kind', () => {
    const head = appendEntry(null, { shard: 'audit.0', kind: 'audit', at: 't', body: null });
    expect(() => appendEntry(head, { shard: 'audit.1', kind: 'audit', at: 't', body: null })).toThrow(/head/);
    expect(() => appendEntry(null, { shard: 'a b', kind: 'audit', at: 't', body: null })).toThrow(/shard/);
    expect(() => appendEntry(null, { shard: 'a', kind: 'note' as 'audit', at: 't', body: null })).toThrow(
      /kind/,
    );
  });
});

describe('Function: merkleRoot (RFC 6962 MTH)', () => {
  const sha = (...parts: (string | Buffer)[]) => {
    const h = createHash('sha256');
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const leaf = (s: string) => sha(Buffer.from([0]), s);

  it('hashes the empty tree, one leaf and an unbalanced tree as RFC 6962 §2.1 says', () => {
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // SHA-256(0x00): the leaf hash of the empty string, the first of RFC 6962's reference test vectors.
    expect(merkleRoot([''])).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const node = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);
    const three = node(node(leaf('a'), leaf('b')), leaf('c'));
    expect(merkleRoot(['a', 'b', 'c'])).toBe(three.toString('hex'));
  });
});

describe('Function: checkpoint notes', () => {
  it('round-trips a checkpoint note and refuses one that is not in canonical form', () => {
    // Prepare
    const note = fixture.checkpoints[1]!.note;

    // Act
    const parsed = parseCheckpointNote(note);

    // Assess
    expect(checkpointNote(parsed)).toBe(note);
    expect(note.split('\n').slice(0, 6)).toEqual([
      'floorpass/hlc-2021',
      '24',
      parsed.root,
      'checkpoint 1',
      'time 2021-06-28T14:07:30.000Z',
      `prev ${checkpointHash(fixture.checkpoints[0]!)}`,
    ]);
    expect(() => parseCheckpointNote(note.replace('\n24\n', '\n024\n'))).toThrow(/canonical/);
    expect(() => parseCheckpointNote(note.trimEnd())).toThrow(/newline/);
  });

  it('names the key by the SHA-256 of its SubjectPublicKeyInfo DER', () => {
    const der = Buffer.from(fixture.publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(keyFingerprint(fixture.publicKeyPem)).toBe(createHash('sha256').update(der).digest('hex'));
  });
});

describe('Function: verifyRecord', () => {
  it('verifies an untouched record and counts what no checkpoint covers yet', () => {
    // Act
    const report = verifyRecord(bundleOf(fixture), fixture.fingerprint);

    // Assess
    expect(report).toMatchObject({
      ok: true,
      failures: [],
      origin: 'floorpass/hlc-2021',
      entries: 42,
      shards: 3,
      checkpoints: 3,
      lastCheckpoint: cp(2),
      unproven: { count: 6, since: '2021-06-28T14:12:00.000Z' },
    });
  });

  it('accepts the fingerprint in upper case with colons, as people copy it', () => {
    const typed = fixture.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    expect(verifyRecord(bundleOf(fixture), typed).ok).toBe(true);
  });

  it.each([
    {
      name: 'a body field changed',
      edit: (entries: RecordEntry[]) => {
        (entries[indexOf(entries, 5)]!.body as { delegation: string }).delegation = 'XXX';
        return entries;
      },
      problem: 'changed',
      seq: 5,
      line: lineOf(5),
      interval: { after: cp(0), upTo: cp(1) },
    },
    {
      name: 'a body field changed and the entry re-hashed',
      edit: (entries: RecordEntry[]) => {
        const e = entries[indexOf(entries, 5)]!;
        e.at = '2021-06-28T13:00:00.000Z';
        e.hash = entryHash(e);
        return entries;
      },
      problem: 'changed',
      seq: 5,
      line: lineOf(5),
      interval: { after: cp(0), upTo: cp(1) },
    },
    {
      name: 'an entry removed',
      edit: (entries: RecordEntry[]) => entries.filter((_, i) => i !== indexOf(entries, 6)),
      problem: 'removed',
      seq: 6,
      line: lineOf(7) - 1, // seq 7, which now sits one line higher, follows the gap
      interval: { after: cp(0), upTo: cp(1) },
    },
    {
      name: 'an entry inserted',
      edit: (entries: RecordEntry[]) => {
        const at = indexOf(entries, 9);
        const before = entries[indexOf(entries, 8)]!;
        const forged = appendEntry(before, {
          shard,
          kind: 'ledger',
          at: before.at,
          body: { type: 'check-in' },
        });
        return [...entries.slice(0, at), forged, ...entries.slice(at)];
      },
      problem: 'inserted',
      seq: 9,
      line: lineOf(9),
      interval: { after: cp(1), upTo: cp(2) },
    },
    {
      name: 'two entries swapped',
      edit: (entries: RecordEntry[]) => {
        const [a, b] = [indexOf(entries, 2), indexOf(entries, 3)];
        [entries[a], entries[b]] = [entries[b]!, entries[a]!];
        return entries;
      },
      problem: 'reordered',
      seq: 2,
      line: lineOf(2),
      interval: { after: null, upTo: cp(0) },
    },
    {
      name: 'the tail that checkpoint 2 signed truncated',
      edit: (entries: RecordEntry[]) => entries.filter((e) => e.shard !== shard || e.seq < 10),
      problem: 'removed',
      seq: 10,
      line: undefined,
      interval: { after: cp(1), upTo: cp(2) },
    },
    {
      name: 'a change after the last checkpoint',
      edit: (entries: RecordEntry[]) => {
        (entries[indexOf(entries, 13)]!.body as { delegation: string }).delegation = 'XXX';
        return entries;
      },
      problem: 'changed',
      seq: 13,
      line: lineOf(13),
      interval: { after: cp(2), upTo: null },
    },
  ])('catches $name, and names the interval and the first entry that no longer matches', (c) => {
    // Act
    const report = tampered(c.edit);

    // Assess
    expect(report.ok).toBe(false);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      problem: c.problem,
      entry: { shard, seq: c.seq, ...(c.line === undefined ? {} : { line: c.line }) },
      interval: c.interval,
    });
  });

  it('catches a rewrite that re-hashes and re-chains everything after the change, by the checkpoint', () => {
    // Prepare: seq 5 changed, then seq 5 onwards appended again, so the chain itself is valid
    const report = tampered((entries) => {
      let head = entries[indexOf(entries, 4)]!;
      for (let seq = 5; seq < 14; seq++) {
        const i = indexOf(entries, seq);
        const e = entries[i]!;
        const body = seq === 5 ? { ...(e.body as object), delegation: 'XXX' } : e.body;
        head = appendEntry(head, { shard, kind: e.kind, at: e.at, body });
        entries[i] = head;
      }
      return entries;
    });

    // Assess
    expect(report.failures).toEqual([
      expect.objectContaining({
        problem: 'rewritten',
        entry: { shard, seq: 4, line: lineOf(4) },
        interval: { after: cp(0), upTo: cp(1) },
      }),
    ]);
  });

  it('catches a checkpoint forged with another key, and trusts none after it', () => {
    // Prepare
    const other = createSigningKey();
    const checkpoints = [...fixture.checkpoints];
    checkpoints[1] = signCheckpoint(parseCheckpointNote(checkpoints[1]!.note), other.privateKey);

    // Act
    const report = verifyRecord(bundleOf({ ...fixture, checkpoints }), fixture.fingerprint);

    // Assess
    expect(report.ok).toBe(false);
    expect(report.checkpoints).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({ problem: 'signature', checkpoint: { index: 1, line: 2 } }),
    ]);
  });

  it('catches a removed checkpoint and one that does not chain to the one before', () => {
    const removed = verifyRecord(
      bundleOf({ ...fixture, checkpoints: [fixture.checkpoints[0]!, fixture.checkpoints[2]!] }),
      fixture.fingerprint,
    );
    expect(removed.failures).toEqual([
      expect.objectContaining({ problem: 'checkpoint', checkpoint: { index: 1, line: 2 } }),
    ]);
    expect(removed.failures[0]!.message).toMatch(/removed or reordered/);

    const unchained = nextCheckpoint(null, {
      origin: fixture.origin,
      time: '2021-06-28T14:20:00Z',
      shards: [],
    });
    const resigned = signCheckpoint({ ...unchained, index: 3 }, fixture.privateKey);
    const report = verifyRecord(
      bundleOf({ ...fixture, checkpoints: [...fixture.checkpoints, resigned] }),
      fixture.fingerprint,
    );
    expect(report.failures[0]!.message).toMatch(/does not chain/);
  });

  it('refuses a bundle whose key is not the one the fingerprint names, even if everything is re-signed', () => {
    // Prepare: an insider re-signs every checkpoint with a key of their own and ships it in the bundle
    const insider = createSigningKey();
    const checkpoints = fixture.checkpoints.map((c) =>
      signCheckpoint(parseCheckpointNote(c.note), insider.privateKey),
    );
    const bundle = bundleOf({ ...fixture, checkpoints, publicKeyPem: insider.publicKeyPem });

    // Act
    const report = verifyRecord(bundle, fixture.fingerprint);

    // Assess
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([expect.objectContaining({ problem: 'key' })]);
    expect(report.failures[0]!.message).toContain(insider.fingerprint);
    expect(verifyRecord(bundleOf(fixture), '00'.repeat(32)).failures[0]!.problem).toBe('key');
  });

  it('reports a shard that a checkpoint signed but the bundle lacks entirely', () => {
    const report = tampered((entries) => entries.filter((e) => e.shard !== 'audit.0'));
    expect(report.failures).toEqual([
      expect.objectContaining({
        problem: 'removed',
        entry: { shard: 'audit.0', seq: 0 },
        interval: { after: null, upTo: cp(0) },
      }),
    ]);
  });
});
